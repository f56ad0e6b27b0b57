//! `planmark check` on a generated 10,000-plan workspace. The bar: under
//! 2 s on 2 cores, reading and parsing included (plans are read in parallel).
//!
//! `cargo bench -p planmark --bench check`

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use planmark::check::{Options, RealFiles, check_with};
use planmark::config::Config;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// Plans per generated workspace.
const PLANS: usize = 10_000;

/// A planning session written the way teams write them: focus, goals, a
/// task table per phase with estimates and dependencies, risks, a
/// checklist, action items and references.
fn session(i: usize) -> String {
    let mut s = format!(
        "# Planning Session: 2026-11-{:02} 10:00\n\n## Planning Focus\n- **Topic**: Service {i} hardening\n- **Scope**: Feature\n- **Timeframe**: 10 weeks\n\n## Context\nService {i} drops requests under load; this plan fixes the worst paths first.\n\n## Goals / Objectives\n1. p99 latency under 200 ms\n2. No dropped requests at twice today's peak\n\n## Task Breakdown\n\n",
        i % 28 + 1
    );
    for p in 1..=3 {
        let _ = write!(
            s,
            "### Phase {p}: Step {p}\n| ID | Task | Estimate | Priority | Dependencies | Owner |\n|----|------|----------|----------|--------------|-------|\n"
        );
        for t in 1..=6 {
            let dep = if t > 1 {
                format!("{p}.{}", t - 1)
            } else {
                "None".into()
            };
            let _ = writeln!(
                s,
                "| {p}.{t} | Work item {t} of step {p} for service {i} | {}d | {} | {dep} | @dev{i}x{} |",
                t % 4 + 1,
                ["High", "Med", "Low"][t % 3],
                (i + t) % 7
            );
        }
        s.push('\n');
    }
    s.push_str("## Risk Assessment\n| Risk | Likelihood | Impact | Mitigation |\n|------|------------|--------|------------|\n| Load tests do not match production | Med | High | Replay a day of production traffic |\n| Team out for holidays | High | Med | Plan around the rota |\n\n");
    s.push_str("## Session Checklist\n- [x] Goals clearly defined\n- [x] Tasks broken down\n- [x] Estimates provided\n- [x] Risks identified\n\n");
    let _ = write!(
        s,
        "## Action Items\n| Action | Owner | Due Date |\n|--------|-------|----------|\n| Book the load-test cluster | Sam | 2026-12-{:02} |\n\n## References\n- [Runbook](https://wiki.example.com/service-{i})\n",
        i % 28 + 1
    );
    s
}

/// An implementation guide: front matter, milestones, phases of checkbox tasks.
fn guide(i: usize) -> String {
    let mut s = format!(
        "---\nphase: implementation\ntitle: Importer {i}\n---\n\n# Importer {i}\n\n## Milestones\n- [ ] Milestone 1: Beta (target 2027-01-15, after Phase 2)\n\n## Task Breakdown\n\n"
    );
    for p in 1..=3 {
        let _ = writeln!(s, "### Phase {p}: Part {p}\n");
        for t in 1..=8 {
            // Work done in order: the first tasks of phase 1.
            let mark = if p == 1 && t <= i % 9 { "x" } else { " " };
            let dep = if t > 1 {
                format!(" (depends on {p}.{})", t - 1)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "- [{mark}] Task {p}.{t}: Handle case {t} of part {p} ({}h) @ana{i}{dep}",
                t % 6 + 2
            );
        }
        s.push('\n');
    }
    s.push_str("## Dependencies\nThe upstream export API.\n\n## Timeline & Estimates\nThree weeks.\n\n## Risks & Mitigation\n- Upstream changes its format: pin the version.\n\n## Resources Needed\n");
    let _ = writeln!(s, "- Ana{i}: Backend");
    s
}

static WORKSPACE: LazyLock<(tempfile::TempDir, PathBuf, usize)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("docs/plans");
    std::fs::create_dir_all(&plans).unwrap();
    let mut bytes = 0;
    for i in 0..PLANS {
        let (name, text) = if i % 2 == 0 {
            (format!("2026-11-{i:05}-service.md"), session(i))
        } else {
            (format!("importer-{i:05}.md"), guide(i))
        };
        bytes += text.len();
        std::fs::write(plans.join(name), text).unwrap();
    }
    let root = dir.path().to_path_buf();
    (dir, root, bytes)
});

fn workspace() -> (&'static Path, usize) {
    let (_, root, bytes) = &*WORKSPACE;
    (root, *bytes)
}

fn options() -> Options {
    Options::new(jiff::civil::date(2026, 11, 21))
}

/// Finding the files, reading, parsing and checking them: what
/// `planmark check` does.
#[divan::bench(sample_count = 10)]
fn check_10k_plans(bencher: divan::Bencher) {
    let (root, bytes) = workspace();
    let opts = options();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| {
            let ws = planmark::workspace::load(root, &[], &Config::default()).unwrap();
            assert_eq!(ws.documents.len(), PLANS);
            check_with(&ws, &opts, &RealFiles)
        });
}

/// The rules alone, on the loaded workspace.
#[divan::bench(sample_count = 10)]
fn rules_only_10k_plans(bencher: divan::Bencher) {
    let (root, _) = workspace();
    let ws = planmark::workspace::load(root, &[], &Config::default()).unwrap();
    let opts = options();
    let found = check_with(&ws, &opts, &RealFiles).diagnostics;
    // The generated plans are clean but for overdue action items (due dates
    // spread over November and December), so rendering costs little.
    assert!(
        found
            .iter()
            .all(|d| d.code == planmark::diag::Code::OverdueAction),
        "{:?}",
        found
            .iter()
            .find(|d| d.code != planmark::diag::Code::OverdueAction)
    );
    bencher.bench(|| check_with(&ws, &opts, &RealFiles));
}
