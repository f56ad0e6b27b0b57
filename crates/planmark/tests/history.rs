//! Progress over time from git: per-day figures, first-done dates, shallow
//! clones and workspaces outside git. The repositories are made with the
//! `git` command, as users make theirs.

use std::path::Path;
use std::process::Command;

use planmark::history::{self, HistoryError};
use planmark::model::WorkTime;

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Ana")
        .env("GIT_AUTHOR_EMAIL", "ana@example.com")
        .env("GIT_COMMITTER_NAME", "Ana")
        .env("GIT_COMMITTER_EMAIL", "ana@example.com")
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const V1: &str = "# Plan\n\n## Tasks\n- [x] 1.1 Schema (1d)\n- [ ] 1.2 Parser (2d)\n- [ ] 1.3 Upload (1d)\n- [-] 1.4 XLSX (3d)\n";

/// A repository with the plan under `docs/plans/` and three commits on two days.
fn repo(dir: &Path) {
    let plans = dir.join("docs/plans");
    std::fs::create_dir_all(&plans).unwrap();
    git(
        dir,
        &["init", "-q", "-b", "main"],
        "2026-11-02T09:00:00+01:00",
    );
    std::fs::write(plans.join("p.md"), V1).unwrap();
    git(dir, &["add", "-A"], "2026-11-02T09:00:00+01:00");
    git(dir, &["commit", "-qm", "plan"], "2026-11-02T09:00:00+01:00");
    std::fs::write(plans.join("p.md"), V1.replace("- [ ] 1.2", "- [~] 1.2")).unwrap();
    git(
        dir,
        &["commit", "-qam", "start 1.2"],
        "2026-11-04T10:00:00+01:00",
    );
    std::fs::write(plans.join("p.md"), V1.replace("- [ ] 1.2", "- [x] 1.2")).unwrap();
    std::fs::write(dir.join("README.md"), "unrelated\n").unwrap();
    git(dir, &["add", "-A"], "2026-11-04T17:00:00+01:00");
    git(
        dir,
        &["commit", "-qm", "1.2 done"],
        "2026-11-04T17:00:00+01:00",
    );
}

#[test]
fn days_and_first_done_dates() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let h = history::read(
        dir.path(),
        &["docs/plans/p.md".to_owned()],
        WorkTime::default(),
    )
    .unwrap();
    assert_eq!(h.commits, 3);
    assert!(!h.shallow);
    let days: Vec<(String, usize, usize, usize, f64)> = h
        .days
        .iter()
        .map(|d| {
            (
                d.date.to_string(),
                d.total,
                d.done,
                d.in_progress,
                d.remaining_hours,
            )
        })
        .collect();
    // The cancelled task does not count; the 4th's last commit stands for the day.
    assert_eq!(
        days,
        [
            ("2026-11-02".to_owned(), 3, 1, 0, 24.0),
            ("2026-11-04".to_owned(), 3, 2, 0, 8.0)
        ]
    );
    assert_eq!(
        h.first_done["docs/plans/p.md#1.1"].to_string(),
        "2026-11-02"
    );
    assert_eq!(
        h.first_done["docs/plans/p.md#1.2"].to_string(),
        "2026-11-04"
    );
    assert!(!h.first_done.contains_key("docs/plans/p.md#1.3"));
}

#[test]
fn a_workspace_in_a_subfolder_reads_its_own_paths() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let h = history::read(
        &dir.path().join("docs"),
        &["plans/p.md".to_owned()],
        WorkTime::default(),
    )
    .unwrap();
    assert_eq!(h.days.last().unwrap().done, 2);
}

#[test]
fn a_shallow_clone_has_the_history_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir_all(&origin).unwrap();
    repo(&origin);
    let url = format!("file://{}", origin.display());
    git(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, "clone"],
        "2026-11-05T09:00:00+01:00",
    );
    let h = history::read(
        &dir.path().join("clone"),
        &["docs/plans/p.md".to_owned()],
        WorkTime::default(),
    )
    .unwrap();
    assert!(h.shallow);
    assert_eq!(h.commits, 1);
    assert_eq!(h.days.len(), 1);
    assert_eq!(h.days[0].done, 2);
}

#[test]
fn outside_git_there_is_no_history() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.md"), V1).unwrap();
    // A folder inside no repository (the temporary folder is outside this one).
    let r = history::read(dir.path(), &["p.md".to_owned()], WorkTime::default());
    assert!(matches!(r, Err(HistoryError::NotGit(_))), "{r:?}");
}

#[test]
fn the_burndown_chart_draws_each_day_and_the_ideal_line() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let h = history::read(
        dir.path(),
        &["docs/plans/p.md".to_owned()],
        WorkTime::default(),
    )
    .unwrap();
    let target = jiff::civil::date(2026, 11, 10);
    let svg = planmark::render::burndown_svg(&h, Some(target), 8.0);
    // Well-formed XML.
    let mut reader = quick_xml::Reader::from_str(&svg);
    let mut points = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.name().as_ref() == b"circle" =>
            {
                points += 1;
            }
            Ok(_) => {}
            Err(e) => panic!("not well-formed: {e}"),
        }
    }
    assert_eq!(points, h.days.len());
    assert!(svg.contains("class=\"line burndown\""));
    assert!(svg.contains("class=\"ideal\"") && svg.contains("none left on 2026-11-10"));
    assert!(svg.contains("class=\"line burnup\"") && svg.contains("class=\"scope\""));
    // No history: a message, not an empty chart.
    let empty = planmark::render::burndown_svg(&history::History::default(), None, 8.0);
    assert!(empty.contains("No history yet"));
}
