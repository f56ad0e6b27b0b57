//! A writer killed at any point leaves the old plan or the new one, whole,
//! and does not leave the plan locked.

use std::fmt::Write as _;
use std::time::Duration;

#[test]
fn a_killed_writer_leaves_the_old_or_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.md");
    // A plan large enough that writing it takes a while.
    let mut old = String::from("# Big\n\n## Tasks\n");
    for i in 0..1_000 {
        let _ = writeln!(
            old,
            "- [ ] T{i}: Work item {i} with a long enough title to fill the line (1d) @dev{}",
            i % 7
        );
    }
    let new = old.replacen("- [ ] T500:", "- [x] T500:", 1);
    std::fs::write(&path, &old).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("planmark");
    // How long one whole run takes here; the kills land anywhere in it.
    let started = std::time::Instant::now();
    for verb in ["done", "reopen"] {
        let ok = std::process::Command::new(&bin)
            .args([verb, "T500"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), old);
    let whole = (started.elapsed().as_micros() / 2).max(1_000) as u64;
    // A fixed pseudo-random sequence of delays, so a failure can be replayed.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut saw_old, mut saw_new) = (0, 0);
    for round in 0..1_000 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = Duration::from_micros((seed >> 33) % (whole + whole / 4));
        let current = std::fs::read_to_string(&path).unwrap();
        let verb = if current == old { "done" } else { "reopen" };
        let mut child = std::process::Command::new(&bin)
            .args([verb, "T500"])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let after = std::fs::read_to_string(&path).unwrap();
        if after == old {
            saw_old += 1;
        } else if after == new {
            saw_new += 1;
        } else {
            panic!(
                "round {round}: the plan is neither the old nor the new file ({} bytes)",
                after.len()
            );
        }
        // Temporary files of killed writers are left beside the plan, never in its place.
        for e in std::fs::read_dir(dir.path()).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                name == "plan.md" || name.starts_with(".planmark-"),
                "{name}"
            );
        }
    }
    // Both outcomes happen: the kills land before and after the rename.
    assert!(saw_old > 0 && saw_new > 0, "old {saw_old}, new {saw_new}");
    // No killed writer keeps the plan locked: the next edit does not wait.
    let current = std::fs::read_to_string(&path).unwrap();
    let verb = if current == old { "done" } else { "reopen" };
    let started = std::time::Instant::now();
    let out = std::process::Command::new(&bin)
        .args([verb, "T500"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waited {:?} for a lock",
        started.elapsed()
    );
}
