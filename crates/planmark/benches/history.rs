//! History of a repository with 1,000 commits touching a plan. The bar:
//! under 2 s.
//!
//! `cargo bench -p planmark --bench history` (needs `git`)

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::LazyLock;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const COMMITS: usize = 1_000;
const TASKS: usize = 300;

/// The plan after `done` of its tasks are ticked.
fn plan(done: usize) -> String {
    let mut s = String::from("# Plan\n\n## Task Breakdown\n\n### Phase 1: All of it\n\n");
    for i in 0..TASKS {
        let mark = if i < done { 'x' } else { ' ' };
        let _ = writeln!(
            s,
            "- [{mark}] T{i}: Work item {i} of the plan ({}h) @dev{}",
            i % 8 + 1,
            i % 5
        );
    }
    s
}

/// A repository written with `git fast-import`: each commit ticks the plan
/// further or touches another file, one commit an hour (commits on one
/// branch in one import follow each other).
static REPO: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    assert!(
        Command::new("git")
            .args(["init", "-q"])
            .current_dir(&root)
            .status()
            .unwrap()
            .success()
    );
    let mut stream = String::new();
    for c in 0..COMMITS {
        let (path, body) = if c % 4 == 3 {
            ("NOTES.md".to_owned(), format!("note {c}\n"))
        } else {
            ("docs/plans/plan.md".to_owned(), plan(c * TASKS / COMMITS))
        };
        let when = 1_790_000_000 + c * 3600;
        let _ = write!(
            stream,
            "commit refs/heads/main\ncommitter Ana <ana@example.com> {when} +0000\ndata 7\ncommit\nM 100644 inline {path}\ndata {}\n{body}\n",
            body.len()
        );
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(&root)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(
        Command::new("git")
            .args(["symbolic-ref", "HEAD", "refs/heads/main"])
            .current_dir(&root)
            .status()
            .unwrap()
            .success()
    );
    (dir, root)
});

#[divan::bench(sample_count = 10)]
fn history_of_1000_commits(bencher: divan::Bencher) {
    let root = &REPO.1;
    let paths = ["docs/plans/plan.md".to_owned()];
    bencher.bench(|| {
        let h =
            planmark::history::read(root, &paths, planmark::model::WorkTime::default()).unwrap();
        assert_eq!(h.commits, COMMITS);
        h
    });
}
