//! Several writers on one plan at once: planmark processes marking tasks,
//! and a writer that does not take planmark's lock. No edit that reports
//! success is lost, edits to different tasks are never refused, and a
//! change made outside planmark survives.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};

/// A plan of `n` checkbox tasks `T0`..`T{n-1}` and a notes line.
fn plan(n: usize) -> String {
    let mut s = String::from("# Parallel work\n\nNotes: nothing yet\n\n## Tasks\n\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "- [ ] T{i}: Work item {i} of the parallel batch (2h) @dev{}",
            i % 5
        );
    }
    s
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(assert_cmd::cargo::cargo_bin("planmark"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Runs `job(worker, k)` for `k` in `0..each` on each of `workers` threads
/// at once; the results, worker by worker.
fn in_parallel<T: Send>(
    workers: usize,
    each: usize,
    job: impl Fn(usize, usize) -> T + Sync,
) -> Vec<T> {
    let job = &job;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| s.spawn(move || (0..each).map(|k| job(w, k)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

#[test]
fn edits_to_different_tasks_all_land() {
    const WORKERS: usize = 8;
    const EACH: usize = 100;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.md");
    let old = plan(WORKERS * EACH);
    std::fs::write(&path, &old).unwrap();
    let results = in_parallel(WORKERS, EACH, |w, k| {
        let i = w * EACH + k;
        (i, run(dir.path(), &["start", &format!("T{i}")]))
    });
    let mut expected = old.clone();
    let mut refused = Vec::new();
    for (i, out) in results {
        if out.status.success() {
            let line = format!("- [ ] T{i}: ");
            expected = expected.replacen(&line, &format!("- [~] T{i}: "), 1);
        } else {
            refused.push(format!("T{i}: {}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    // No needless refusal: every task was someone else's.
    assert!(
        refused.is_empty(),
        "{} refused: {:?}",
        refused.len(),
        &refused[..refused.len().min(3)]
    );
    // Every success is in the file, and nothing else moved.
    assert_eq!(text(&path), expected);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn edits_to_one_task_land_or_are_refused_never_lost() {
    const WORKERS: usize = 8;
    const EACH: usize = 15;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.md");
    let old = plan(20);
    std::fs::write(&path, &old).unwrap();
    let results = in_parallel(WORKERS, EACH, |w, k| {
        let owner = format!("@w{w}k{k}");
        let out = run(dir.path(), &["set", "T7", &format!("owner={owner}")]);
        (owner, out)
    });
    let mut won = Vec::new();
    for (owner, out) in &results {
        if out.status.success() {
            won.push(owner.clone());
        } else {
            // A refusal says why and that nothing was written.
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("changed since it was read") && err.contains("nothing was written"),
                "{err}"
            );
        }
    }
    assert!(!won.is_empty());
    let now = text(&path);
    let line = now.lines().find(|l| l.contains(" T7: ")).unwrap();
    // The task holds one successful value, written on the task as it was.
    let owner = won
        .iter()
        .find(|o| line.contains(o.as_str()))
        .unwrap_or_else(|| panic!("{line} holds none of {won:?}"));
    assert_eq!(line.matches('@').count(), 1, "{line}");
    // Nothing else moved.
    let old_line = old.lines().find(|l| l.contains(" T7: ")).unwrap();
    assert_eq!(now.replacen(line, old_line, 1), old, "{owner}");
}

#[test]
fn a_change_made_outside_planmark_survives() {
    const WORKERS: usize = 4;
    const EACH: usize = 50;
    const OUTSIDE: usize = 150;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.md");
    std::fs::write(&path, plan(WORKERS * EACH)).unwrap();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        // An editor that saves the notes line again and again, the way
        // careful editors save: a new file renamed over the old one, no lock.
        let outside = s.spawn(|| {
            for n in 0..OUTSIDE {
                let now = text(&path);
                let start = now.find("Notes: ").unwrap();
                let end = start + now[start..].find('\n').unwrap();
                let new = format!("{}Notes: outside edit {n}{}", &now[..start], &now[end..]);
                let tmp = dir.path().join(format!(".editor-{n}.swp"));
                std::fs::write(&tmp, new).unwrap();
                std::fs::rename(&tmp, &path).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            done.store(true, Ordering::SeqCst);
        });
        // Refused or done, never damaged (checked below).
        in_parallel(WORKERS, EACH, |w, k| {
            run(dir.path(), &["start", &format!("T{}", w * EACH + k)])
        });
        outside.join().unwrap();
    });
    assert!(done.load(Ordering::SeqCst));
    let now = text(&path);
    // The outside writer's last save is there.
    assert!(
        now.contains(&format!("Notes: outside edit {}\n", OUTSIDE - 1)),
        "{}",
        now.lines().nth(2).unwrap_or("")
    );
    // The plan is whole: every task line is there, todo or in progress.
    for i in 0..WORKERS * EACH {
        let todo = format!("- [ ] T{i}: Work item {i} of");
        let started = format!("- [~] T{i}: Work item {i} of");
        assert!(
            now.contains(&todo) || now.contains(&started),
            "T{i} is damaged"
        );
    }
    let parsed = run(dir.path(), &["tasks", "--format", "json"]);
    assert!(parsed.status.success());
}
