//! Rendering a 5,000-task Gantt chart to SVG (bar: under 200 ms), and the
//! other pictures of the same plan for scale.
//!
//! `cargo bench -p planmark --bench render`

use jiff::civil::date;
use planmark::config::Config;
use planmark::model::Workspace;
use planmark::render;
use planmark::schedule::{self, Schedule};

#[path = "common/plans.rs"]
mod plans;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// The schedule benchmark's plan at 5,000 tasks and 20 people, levelled.
fn scheduled() -> (Workspace, Schedule) {
    let ws = Workspace {
        root: String::new(),
        documents: vec![
            planmark::syntax::parse_str("plan.md", &plans::plan(5_000, 20, false)).into(),
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

#[divan::bench(sample_count = 10)]
fn gantt_svg_5000_tasks(b: divan::Bencher) {
    let (ws, s) = scheduled();
    b.bench(|| render::gantt_svg(divan::black_box(&ws), &s).len());
}

#[divan::bench(sample_count = 10)]
fn graph_svg_5000_tasks(b: divan::Bencher) {
    let (ws, s) = scheduled();
    b.bench(|| render::graph_svg(divan::black_box(&ws), &s).len());
}

#[divan::bench(sample_count = 10)]
fn gantt_mermaid_5000_tasks(b: divan::Bencher) {
    let (ws, s) = scheduled();
    b.bench(|| render::gantt_mermaid(divan::black_box(&ws), &s).len());
}

#[divan::bench(sample_count = 10)]
fn gantt_terminal_5000_tasks(b: divan::Bencher) {
    let (ws, s) = scheduled();
    b.bench(|| render::gantt_text(divan::black_box(&ws), &s, true, 160).len());
}
