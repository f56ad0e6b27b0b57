//! The plans in other tools' formats, checked by those tools' own readers:
//! CSV by a CSV reader against the schedule; iCalendar by Python's
//! `icalendar` package (pinned by tests/interchange/requirements.txt and
//! installed into a virtual environment under target/ when missing).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interchange")
}

/// The virtual environment's Python, with the pinned readers installed.
fn python() -> PathBuf {
    static LOCK: OnceLock<Mutex<()>> = OnceLock::new();
    let _guard = LOCK
        .get_or_init(|| Mutex::new(()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("interchange-venv");
    let bin = venv.join("bin/python");
    let wanted = std::fs::read_to_string(here().join("requirements.txt")).unwrap();
    let stamp = venv.join("installed.txt");
    if bin.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return bin;
    }
    let ok = Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "cannot create a virtual environment in {}",
        venv.display()
    );
    let ok = Command::new(&bin)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(here().join("requirements.txt"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "cannot install tests/interchange/requirements.txt");
    std::fs::write(&stamp, wanted).unwrap();
    bin
}

fn planmark(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_slice(&planmark(dir, args)).unwrap()
}

/// (plan, id) → (start, finish) on planmark's own timeline.
fn schedule(dir: &Path) -> HashMap<(String, String), (String, String)> {
    let s = json(
        dir,
        &["schedule", "--today", "2026-12-01", "--format", "json"],
    );
    s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                (
                    t["plan"].as_str().unwrap().to_owned(),
                    t["id"].as_str().unwrap().to_owned(),
                ),
                (
                    t["start"].as_str().unwrap().to_owned(),
                    t["finish"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect()
}

#[test]
fn csv_holds_one_row_per_task_with_the_schedules_dates() {
    let dir = common::examples_copy();
    let text = planmark(
        dir.path(),
        &["export", "--format", "csv", "--today", "2026-12-01"],
    );
    let mut r = csv::Reader::from_reader(text.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "plan",
            "line",
            "id",
            "title",
            "phase",
            "status",
            "estimate",
            "estimate_hours",
            "owner",
            "priority",
            "depends",
            "start",
            "finish",
            "slack_days",
            "critical",
            "due",
            "issue"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let tasks = json(dir.path(), &["tasks", "--format", "json"]);
    assert_eq!(rows.len(), tasks["tasks"].as_array().unwrap().len());
    let times = schedule(dir.path());
    let mut dated = 0;
    for row in &rows {
        let key = (row[0].to_owned(), row[2].to_owned());
        if let Some((start, finish)) = times.get(&key) {
            assert_eq!(
                (&row[11], &row[12]),
                (start.as_str(), finish.as_str()),
                "{row:?}"
            );
            dated += 1;
        }
    }
    assert_eq!(dated, times.len());
    let apply = rows
        .iter()
        .find(|r| &r[3] == "Apply job with batching and retries")
        .unwrap();
    assert_eq!((&apply[6], &apply[8], &apply[10]), ("3d", "dmitri", "2.1"));
    assert_eq!(apply[7].parse::<f64>().ok(), Some(24.0));
}

#[test]
fn icalendar_is_read_by_pythons_icalendar_with_stable_uids() {
    let py = python();
    let dir = common::examples_copy();
    let read = |args: &[&str]| -> Value {
        let file = dir.path().join("plans.ics");
        let mut all = vec![
            "export",
            "--format",
            "ics",
            "--today",
            "2026-12-01",
            "-o",
            "plans.ics",
        ];
        all.extend_from_slice(args);
        planmark(dir.path(), &all);
        let out = Command::new(&py)
            .arg(here().join("read_ics.py"))
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let first = read(&[]);
    assert_eq!(first["version"], "2.0");
    let items = first["items"].as_array().unwrap();
    let todos: Vec<&Value> = items.iter().filter(|i| i["kind"] == "VTODO").collect();
    let tasks = json(dir.path(), &["tasks", "--format", "json"]);
    assert_eq!(todos.len(), tasks["tasks"].as_array().unwrap().len());
    let s = json(
        dir.path(),
        &["schedule", "--today", "2026-12-01", "--format", "json"],
    );
    let milestones = s["milestones"].as_array().unwrap().len();
    let events = items.iter().filter(|i| i["kind"] == "VEVENT").count();
    assert!(
        events >= milestones && milestones > 0,
        "{events} events, {milestones} milestones"
    );
    let apply = todos
        .iter()
        .find(|t| {
            t["summary"]
                .as_str()
                .unwrap()
                .ends_with("Apply job with batching and retries")
        })
        .unwrap();
    let times = schedule(dir.path());
    let (start, finish) = &times[&("csv-importer-guide.md".to_owned(), "2.3".to_owned())];
    assert_eq!(
        (apply["start"].as_str(), apply["due"].as_str()),
        (Some(start.as_str()), Some(finish.as_str()))
    );
    assert_eq!(apply["status"], "NEEDS-ACTION");
    // Every UID is unique, and the same in a second export.
    let uids = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["uid"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut unique = uids(&first);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), items.len());
    assert_eq!(read(&[]), first, "two exports of the same plans differ");
    // As events: each task spans its scheduled days (the end is exclusive).
    let events = read(&["--events"]);
    let e = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["uid"] == apply["uid"])
        .unwrap();
    assert_eq!(e["kind"], "VEVENT");
    assert_eq!(e["start"].as_str(), Some(start.as_str()));
    let end: jiff::civil::Date = e["end"].as_str().unwrap().parse().unwrap();
    let last: jiff::civil::Date = finish.parse().unwrap();
    assert_eq!(end, last.tomorrow().unwrap());
}
