//! `planmark check` on a generated 10,000-plan workspace. The bar: under
//! 2 s on 2 cores, reading and parsing included (plans are read in parallel).
//!
//! `cargo bench -p planmark --bench check`

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use planmark::check::{Options, RealFiles, check_with};
use planmark::config::Config;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/workspace.rs"]
mod generated;

fn main() {
    divan::main();
}

/// Plans per generated workspace.
const PLANS: usize = 10_000;

static WORKSPACE: LazyLock<(tempfile::TempDir, PathBuf, usize)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let bytes = generated::write(dir.path(), PLANS);
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
