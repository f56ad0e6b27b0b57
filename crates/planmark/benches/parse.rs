//! Parse throughput on generated plans. The bar: at least 40 MB/s of
//! Markdown end to end on one core.
//!
//! `cargo bench -p planmark --bench parse`

use std::fmt::Write as _;

use divan::counter::BytesCount;

// The same allocator as the `planmark` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// A plan in the mix real documents have: phases with checkbox tasks
/// carrying ids, estimates, owners and dependencies; task tables; prose;
/// a risk table; action items.
fn plan(phases: usize) -> String {
    let mut s = String::from(
        "---\nphase: implementation\ntitle: Generated\nstart: 2026-12-01\n---\n\n# Planning & Implementation Guide\n\n## Milestones\n\n- [ ] Milestone 1: Beta (target 2027-03-01, after Phase 2)\n\n## Task Breakdown\n\n",
    );
    for p in 1..=phases {
        let _ = write!(
            s,
            "### Phase {p}: Work package {p}\n\nThe team finishes the package before the review. Estimates are in working days; owners are named with @handles.\n\n"
        );
        for t in 1..=20 {
            let dep = if t > 1 {
                format!(" (depends on {p}.{})", t - 1)
            } else {
                String::new()
            };
            // Work is done in order: the first tasks of each package.
            let mark = if t <= p % 7 { "x" } else { " " };
            let _ = writeln!(
                s,
                "- [{mark}] Task {p}.{t}: Implement part {t} of the package with tests and docs ({}d) @dev{}{dep}",
                t % 5 + 1,
                t % 4
            );
            if t % 5 == 0 {
                s.push_str("  - Reuse the existing client; keep the error handling consistent\n");
            }
        }
        s.push_str("\n| Task | Estimate | Priority | Dependencies | Owner |\n|------|----------|----------|--------------|-------|\n");
        for t in 1..=10 {
            let _ = writeln!(
                s,
                "| Review item {p}-{t} | {}h | High | Task {p}.{t} | Alice |",
                t % 8 + 1
            );
        }
        s.push('\n');
    }
    s.push_str(
        "## Risks & Mitigation\n\n| Risk | Likelihood | Impact | Mitigation |\n|---|---|---|---|\n",
    );
    for r in 0..50 {
        let _ = writeln!(
            s,
            "| Vendor {r} slips | Med | High | Weekly check-in with vendor {r} |"
        );
    }
    s.push_str("\n## Action Items\n\n| Action | Owner | Due Date |\n|---|---|---|\n| Book the room | Sam | 2026-12-02 |\n");
    s
}

#[divan::bench(args = [10, 1_000])]
fn parse_plan(bencher: divan::Bencher, phases: usize) {
    let text = plan(phases);
    bencher.counter(BytesCount::of_str(&text)).bench(|| {
        planmark::syntax::parse_str(divan::black_box("plan.md"), divan::black_box(&text))
    });
}

/// Reading and checking, one plan on one core: the DESIGN bar is
/// parse + check at 40 MB/s end to end.
#[divan::bench(args = [10, 1_000])]
fn parse_and_check_plan(bencher: divan::Bencher, phases: usize) {
    let text = plan(phases);
    let opts = planmark::check::Options::new(jiff::civil::date(2026, 11, 21));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    // The whole iteration runs on the pool's one thread, as the binary's
    // work does: handing each call over to it would be measured too.
    bencher.counter(BytesCount::of_str(&text)).bench(|| {
        pool.install(|| {
            let doc =
                planmark::syntax::parse_str(divan::black_box("plan.md"), divan::black_box(&text));
            let ws = planmark::model::Workspace {
                documents: vec![doc.into()],
                ..planmark::model::Workspace::default()
            };
            planmark::check::check(&ws, &opts)
        })
    });
}

/// The examples shipped with planmark.
#[divan::bench]
fn parse_examples(bencher: divan::Bencher) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let docs: Vec<String> = [
        "2026-11-23-search-rewrite.md",
        "csv-importer-guide.md",
        "roadmap-2027.md",
    ]
    .iter()
    .map(|n| std::fs::read_to_string(dir.join(n)).unwrap())
    .collect();
    let bytes: usize = docs.iter().map(String::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for d in &docs {
            divan::black_box(planmark::syntax::parse_str("x.md", d));
        }
    });
}

/// The floor: pulldown-cmark's own event stream with offsets, nothing built.
#[divan::bench(args = [1_000])]
fn markdown_events_only(bencher: divan::Bencher, phases: usize) {
    use pulldown_cmark::{Options, Parser};
    let text = plan(phases);
    bencher.counter(BytesCount::of_str(&text)).bench(|| {
        let opts =
            Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
        Parser::new_ext(divan::black_box(&text), opts)
            .into_offset_iter()
            .count()
    });
}

/// Real plans: the labelled corpus beside the repository, read in place
/// (eleven languages, every style planmark reads). Skipped when absent.
fn corpus() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/docs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

#[divan::bench]
fn parse_corpus(bencher: divan::Bencher) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for d in &docs {
            divan::black_box(planmark::syntax::parse_str("x.md", d));
        }
    });
}

/// Reading and checking every corpus document as one workspace, as
/// `planmark check` does on a folder, on one thread.
#[divan::bench]
fn parse_and_check_corpus(bencher: divan::Bencher) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    let opts = planmark::check::Options::new(jiff::civil::date(2026, 11, 21));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        pool.install(|| {
            let documents = docs
                .iter()
                .enumerate()
                .map(|(i, d)| planmark::syntax::parse_str(&format!("plan-{i}.md"), d).into())
                .collect();
            let ws = planmark::model::Workspace {
                documents,
                ..planmark::model::Workspace::default()
            };
            divan::black_box(planmark::check::check(&ws, &opts))
        })
    });
}
