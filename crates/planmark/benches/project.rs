//! The engine kept current: one plan of a 1,000-plan workspace changes on
//! disk, and the workspace is re-read, re-checked and re-scheduled. The
//! bar: under 100 ms (what `planmark serve` does before an open page
//! shows the change).
//!
//! `cargo bench -p planmark --bench project`

use std::path::PathBuf;
use std::sync::LazyLock;

use planmark::project::Project;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/workspace.rs"]
mod generated;

fn main() {
    divan::main();
}

/// Plans in the workspace.
const PLANS: usize = 1_000;

static WORKSPACE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    generated::write(dir.path(), PLANS);
    let root = dir.path().to_path_buf();
    (dir, root)
});

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 21)
}

/// Everything a page shows: findings, the timeline, each plan's progress.
fn analyse(snap: &planmark::project::Snapshot) -> usize {
    let found = snap.check().diagnostics.len();
    let tasks = snap.timeline().map_or(0, |s| s.tasks.len());
    found + tasks + snap.summaries().len()
}

/// Loading and analysing the whole workspace from nothing, for comparison.
#[divan::bench(sample_count = 10)]
fn load_1000_plans(bencher: divan::Bencher) {
    let root = &WORKSPACE.1;
    bencher.bench(|| {
        let project = Project::open(root).unwrap();
        let up = project.refresh(today()).unwrap();
        assert_eq!(up.snapshot.workspace().documents.len(), PLANS);
        analyse(&up.snapshot)
    });
}

/// One plan's checkbox is ticked or unticked on disk; the watcher reports
/// the file and the engine re-reads it and analyses the workspace again.
#[divan::bench(sample_count = 20)]
fn change_1_of_1000_plans(bencher: divan::Bencher) {
    let root = &WORKSPACE.1;
    let project = Project::open(root).unwrap();
    analyse(&project.refresh(today()).unwrap().snapshot);
    let (name, text) = generated::plan_file(PLANS / 2 + 1);
    let path = root.join("docs/plans").join(name);
    let ticked = text.replacen("- [ ] Task 2.1", "- [x] Task 2.1", 1);
    assert_ne!(ticked, text);
    let mut flip = false;
    bencher
        .with_inputs(|| {
            flip = !flip;
            std::fs::write(&path, if flip { &ticked } else { &text }).unwrap();
        })
        .bench_local_values(|()| {
            let up = project
                .changed(std::slice::from_ref(&path), today())
                .unwrap();
            assert_eq!(up.changed.len(), 1);
            analyse(&up.snapshot)
        });
    std::fs::write(&path, &text).unwrap();
}
