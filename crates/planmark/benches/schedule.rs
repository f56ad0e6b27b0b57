//! `planmark schedule` of a 10,000-task plan with 20 people, end to end in
//! the library: parse, build the network, level with the default budget,
//! write the JSON the command prints. The bar: under 200 ms.
//!
//! `cargo bench -p planmark --bench schedule`
//!
//! `PLANMARK_WRITE_PLAN=FILE` also writes the plan, to time the binary and
//! other tools on the same input.

use std::fmt::Write as _;

use jiff::civil::date;
use planmark::config::Config;
use planmark::model::Workspace;
use planmark::schedule::{Options, schedule};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    if let Ok(path) = std::env::var("PLANMARK_WRITE_PLAN") {
        std::fs::write(path, plan(10_000, 20)).expect("cannot write the plan");
    }
    divan::main();
}

/// A plan of `n` tasks in a table: estimates of half a day to five days,
/// each task after one or two of the 40 before it, owners round the team.
/// A fixed-seed generator, so every run measures the same plan.
fn plan(n: usize, people: usize) -> String {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut s = String::from(
        "---\ntitle: Platform rebuild\nstart: 2027-01-04\nphases: parallel\n---\n\n# Platform rebuild\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Owner |\n|---|---|---|---|---|\n",
    );
    for i in 0..n {
        let est = ["4h", "1d", "2d", "3d", "5d"][(next() % 5) as usize];
        let mut deps = Vec::new();
        for _ in 0..(next() % 3) {
            if i > 0 {
                let back = 1 + (next() % 40) as usize;
                deps.push(format!("T{}", i.saturating_sub(back)));
            }
        }
        deps.sort();
        deps.dedup();
        let owner = next() as usize % people;
        let _ = writeln!(
            s,
            "| T{i} | Task number {i} | {est} | {} | @p{owner} |",
            if deps.is_empty() {
                "-".to_owned()
            } else {
                deps.join(", ")
            }
        );
    }
    s
}

/// Parse, schedule (levelled or not) and write the JSON, as the command does.
fn parse_schedule_print(text: &str, level: bool) -> usize {
    let doc = planmark::syntax::parse_str("plan.md", text);
    let ws = Workspace {
        root: String::new(),
        documents: vec![doc],
        findings: vec![],
    };
    let mut o = Options::new(date(2027, 1, 4));
    o.level = Some(level);
    let s = schedule(&ws, &Config::default(), &o).unwrap();
    serde_json::to_string(&s).unwrap().len()
}

#[divan::bench(sample_count = 10)]
fn schedule_10k_tasks_20_people(b: divan::Bencher) {
    let text = plan(10_000, 20);
    b.bench(|| parse_schedule_print(divan::black_box(&text), true));
}

#[divan::bench(sample_count = 10)]
fn critical_path_only_10k_tasks(b: divan::Bencher) {
    let text = plan(10_000, 20);
    b.bench(|| parse_schedule_print(divan::black_box(&text), false));
}
