//! `planmark schedule` of a 10,000-task plan with 20 people, end to end in
//! the library: parse, build the network, level with the default budget,
//! write the JSON the command prints. The bar: under 200 ms.
//!
//! `cargo bench -p planmark --bench schedule`
//!
//! `PLANMARK_WRITE_PLAN=FILE` also writes the plan, to time the binary and
//! other tools on the same input.

use jiff::civil::date;
use planmark::config::Config;
use planmark::model::Workspace;
use planmark::schedule::{Options, schedule};

#[path = "common/plans.rs"]
mod plans;
use plans::plan;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    if let Ok(path) = std::env::var("PLANMARK_WRITE_PLAN") {
        std::fs::write(path, plan(10_000, 20, false)).expect("cannot write the plan");
    }
    divan::main();
}

/// Parse, schedule (levelled or not) and write the JSON, as the command does.
fn parse_schedule_print(text: &str, level: bool) -> usize {
    let doc = planmark::syntax::parse_str("plan.md", text);
    let ws = Workspace {
        root: String::new(),
        documents: vec![doc.into()],
        findings: vec![],
    };
    let mut o = Options::new(date(2027, 1, 4));
    o.level = Some(level);
    let s = schedule(&ws, &Config::default(), &o).unwrap();
    serde_json::to_string(&s).unwrap().len()
}

#[divan::bench(sample_count = 10)]
fn schedule_10k_tasks_20_people(b: divan::Bencher) {
    let text = plan(10_000, 20, false);
    b.bench(|| parse_schedule_print(divan::black_box(&text), true));
}

#[divan::bench(sample_count = 10)]
fn critical_path_only_10k_tasks(b: divan::Bencher) {
    let text = plan(10_000, 20, false);
    b.bench(|| parse_schedule_print(divan::black_box(&text), false));
}
