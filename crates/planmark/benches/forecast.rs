//! The Monte Carlo forecast: 10,000 runs over a 10,000-task plan with 20
//! people (levelled, so every run keeps the resource hand-overs), a third
//! of the estimates ranges, a third three-point, one risk per hundred
//! tasks. The bar: under 2 s on 2 cores.
//!
//! `cargo bench -p planmark --bench forecast`
//!
//! `PLANMARK_WRITE_PLAN=FILE` also writes the plan, to time the binary.

use jiff::civil::date;
use planmark::config::Config;
use planmark::forecast::{self, Options};
use planmark::model::Workspace;
use planmark::schedule::{self, Schedule};

#[path = "common/plans.rs"]
mod plans;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    if let Ok(path) = std::env::var("PLANMARK_WRITE_PLAN") {
        std::fs::write(path, plans::plan(10_000, 20, true)).expect("cannot write the plan");
    }
    divan::main();
}

fn scheduled(tasks: usize) -> (Workspace, Schedule) {
    let ws = Workspace {
        root: String::new(),
        documents: vec![
            planmark::syntax::parse_str("plan.md", &plans::plan(tasks, 20, true)).into(),
        ],
        findings: vec![],
    };
    let s = schedule::schedule(
        &ws,
        &Config::default(),
        &schedule::Options::new(date(2027, 1, 4)),
    )
    .unwrap();
    (ws, s)
}

fn runs(ws: &Workspace, s: &Schedule, runs: u32, level: bool) -> f64 {
    let opts = Options {
        runs: Some(runs),
        level,
        ..Options::default()
    };
    forecast::forecast(ws, &Config::default(), s, &opts, None)
        .unwrap()
        .finish
        .mean_days
}

#[divan::bench(sample_count = 5)]
fn runs_10k_over_10k_tasks(b: divan::Bencher) {
    let (ws, s) = scheduled(10_000);
    b.bench(|| runs(&ws, &s, 10_000, false));
}

#[divan::bench(sample_count = 5)]
fn runs_1k_over_10k_tasks(b: divan::Bencher) {
    let (ws, s) = scheduled(10_000);
    b.bench(|| runs(&ws, &s, 1_000, false));
}

#[divan::bench(sample_count = 3)]
fn levelled_runs_100_over_10k_tasks(b: divan::Bencher) {
    let (ws, s) = scheduled(10_000);
    b.bench(|| runs(&ws, &s, 100, true));
}
