//! The plans in other tools' formats, checked by those tools' own readers:
//! CSV by a CSV reader against the schedule; iCalendar by Python's
//! `icalendar` package (pinned by tests/interchange/requirements.txt and
//! installed into a virtual environment under target/ when missing).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interchange")
}

/// The virtual environment's Python, with the pinned readers installed.
fn python() -> PathBuf {
    common::venv("interchange-venv", &here().join("requirements.txt"))
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

/// Debian's TaskJuggler, installed when missing.
fn tj3() -> PathBuf {
    common::apt_install("tj3", || {
        ["/usr/bin/tj3", "/usr/local/bin/tj3"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
    })
}

/// Plans without resources, in the forms plans take: a guide with
/// checkbox tasks (a start-to-start link with a lag, a three-point and a
/// range estimate) and a session with task tables, phases in sequence.
fn unstaffed(dir: &Path) {
    std::fs::write(
        dir.join("export-guide.md"),
        "---\nphase: implementation\ntitle: Export pipeline\nstart: 2026-12-01\n---\n\n# Planning & Implementation Guide\n\n## Task Breakdown\n\n### Phase 1: Base\n\n- [x] Task 1.1: Schema (1.5d)\n- [ ] Task 1.2: Reader (2d) (depends on 1.1)\n- [ ] Task 1.3: Writer (4h) (depends on 1.1 SS+1d)\n- [ ] Task 1.4: Fixtures (2-4d)\n\n### Phase 2: Delivery\n\n- [ ] Task 2.1: Command (1d/2d/4d)\n- [ ] Task 2.2: Docs (3h) (depends on 2.1)\n- [ ] Task 2.3: Release notes (1h) (depends on 2.1 +2h)\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("search-session.md"),
        "---\nstart: 2026-12-01\n---\n\n# Planning Session: 2026-11-30 10:00\n\n## Task Breakdown\n\n### Phase 1: Index\n| Task | Estimate | Priority | Dependencies |\n|------|----------|----------|--------------|\n| Task 1: Mapping | 6h | High | None |\n| Task 2: Backfill | 3d | High | Task 1 |\n| Task 3: Alias switch | 2h | Med | Task 2 |\n\n### Phase 2: Query\n| Task | Estimate | Priority | Dependencies |\n|------|----------|----------|--------------|\n| Task 4: Parser | 2.5d | High | None |\n| Task 5: Ranking | 1w | Med | Task 4 |\n",
    )
    .unwrap();
}

/// A TaskJuggler time as planmark counts days: a start at the end of a
/// working day is the next working day; an end at the start of one, the
/// working day before.
fn tj_day(s: &str, start: bool) -> jiff::civil::Date {
    let (d, t) = s.split_once(' ').unwrap();
    let mut d: jiff::civil::Date = d.parse().unwrap();
    let weekend = |d: jiff::civil::Date| {
        matches!(
            d.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        )
    };
    if start && t >= "17:00" {
        d = d.tomorrow().unwrap();
        while weekend(d) {
            d = d.tomorrow().unwrap();
        }
    }
    if !start && t <= "09:00" {
        d = d.yesterday().unwrap();
        while weekend(d) {
            d = d.yesterday().unwrap();
        }
    }
    d
}

#[test]
fn taskjuggler_schedules_the_export_on_planmarks_unlevelled_dates() {
    let tj3 = tj3();
    let dir = tempfile::tempdir().unwrap();
    unstaffed(dir.path());
    let mut tjp = String::from_utf8(planmark(
        dir.path(),
        &["export", "--format", "tjp", "--today", "2026-12-01"],
    ))
    .unwrap();
    tjp.push_str("taskreport \"dates\" {\n  formats csv\n  columns id, name, start, end\n  timeformat \"%Y-%m-%d %H:%M\"\n}\n");
    std::fs::write(dir.path().join("plans.tjp"), &tjp).unwrap();
    let out = Command::new(&tj3)
        .args(["--no-color", "plans.tjp"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && !log.contains("Error") && !log.contains("Warning"),
        "{log}\n{tjp}"
    );
    let csv = std::fs::read_to_string(dir.path().join("dates.csv")).unwrap();
    // (task name as exported: `id title`) → (start, end), leaves only.
    let mut tj: HashMap<String, (jiff::civil::Date, jiff::civil::Date)> = HashMap::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(';').map(|x| x.trim_matches('"')).collect();
        if f[0].matches('.').count() >= 1 && f[0].contains(".t_") {
            // A milestone starts and ends at one instant: its day.
            let start = tj_day(f[2], true);
            let end = if f[2] == f[3] {
                start
            } else {
                tj_day(f[3], false)
            };
            tj.insert(f[1].trim().to_owned(), (start, end));
        }
    }
    let s = json(
        dir.path(),
        &[
            "schedule",
            "--no-level",
            "--today",
            "2026-12-01",
            "--format",
            "json",
        ],
    );
    let tasks = s["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), tj.len(), "{csv}");
    for t in tasks {
        let name = format!(
            "{} {}",
            t["id"].as_str().unwrap(),
            t["title"].as_str().unwrap()
        );
        let (start, end) = tj
            .get(&name)
            .unwrap_or_else(|| panic!("{name} not in {csv}"));
        assert_eq!(
            (start.to_string(), end.to_string()),
            (
                t["start"].as_str().unwrap().to_owned(),
                t["finish"].as_str().unwrap().to_owned()
            ),
            "{name}\n{csv}"
        );
    }
}

#[test]
fn taskjuggler_reads_the_examples_with_their_people_and_pools() {
    let tj3 = tj3();
    let dir = common::examples_copy();
    let mut tjp = String::from_utf8(planmark(
        dir.path(),
        &["export", "--format", "tjp", "--today", "2026-12-01"],
    ))
    .unwrap();
    assert!(tjp.contains("allocate r_dmitri"), "{tjp}");
    tjp.push_str("taskreport \"dates\" {\n  formats csv\n  columns id, start, end\n}\n");
    std::fs::write(dir.path().join("plans.tjp"), &tjp).unwrap();
    let out = Command::new(&tj3)
        .args(["--no-color", "plans.tjp"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && !log.contains("Error") && !log.contains("Warning"),
        "{log}"
    );
    let csv = std::fs::read_to_string(dir.path().join("dates.csv")).unwrap();
    let tasks = json(dir.path(), &["tasks", "--format", "json"]);
    let leaves = csv.lines().filter(|l| l.contains(".t_")).count();
    assert_eq!(leaves, tasks["tasks"].as_array().unwrap().len(), "{csv}");
}

/// A Java with its compiler (the validator runs as a single source file),
/// installed from Debian's packages when missing.
fn java() -> PathBuf {
    common::apt_install("openjdk-17-jdk-headless", || {
        Command::new("javac")
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success())
            .then(|| PathBuf::from("java"))
    })
}

/// Validates MS Project XML files against MPXJ's MSPDI schema; the error
/// when one is invalid.
fn validate(files: &[PathBuf]) -> Result<(), String> {
    let java = java();
    let out = Command::new(python())
        .args([
            "-c",
            "import mpxj, os; print(os.path.join(os.path.dirname(mpxj.__file__), 'lib'))",
        ])
        .output()
        .unwrap();
    let lib = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let out = Command::new(java)
        .arg("-cp")
        .arg(format!("{}/*", lib.display()))
        .arg(here().join("Validate.java"))
        .args(files)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .find(|l| l.contains("Exception"))
            .unwrap_or("the validator failed")
            .to_owned())
    }
}

/// MPXJ's reading of MS Project XML files, by path.
fn mpxj(files: &[PathBuf]) -> Value {
    let out = Command::new(python())
        .arg(here().join("read_mspdi.py"))
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "MPXJ could not read the export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What MPXJ finds in the MSPDI export of `target` (a plan or the
/// examples' folder) is what planmark knows of it.
fn same_project(dir: &Path, target: &str, read: &Value) {
    let model = json(dir, &["export", "--format", "json", target]);
    let csv = planmark(
        dir,
        &["export", "--format", "csv", "--today", "2026-12-01", target],
    );
    let mut hours: HashMap<(String, String), f64> = HashMap::new();
    let mut dates: HashMap<(String, String), (String, String)> = HashMap::new();
    for row in csv::Reader::from_reader(csv.as_slice())
        .records()
        .map(Result::unwrap)
    {
        let key = (row[0].to_owned(), row[2].to_owned());
        let cancelled = &row[5] == "cancelled";
        hours.insert(
            key.clone(),
            if cancelled {
                0.0
            } else {
                row[7].parse().unwrap_or(0.0)
            },
        );
        if !row[11].is_empty() {
            dates.insert(key, (row[11].to_owned(), row[12].to_owned()));
        }
    }
    let tasks = read["tasks"].as_array().unwrap();
    let by_uid: HashMap<u64, &Value> = tasks
        .iter()
        .map(|t| (t["uid"].as_u64().unwrap(), t))
        .collect();
    let leaves: HashMap<&str, &Value> = tasks
        .iter()
        .filter(|t| !t["summary"].as_bool().unwrap())
        .map(|t| (t["name"].as_str().unwrap(), t))
        .collect();
    let docs = model["documents"].as_array().unwrap();
    let mut total = 0;
    let mut phases = 0;
    let mut demands = 0;
    for d in docs {
        let plan = d["path"].as_str().unwrap();
        let mut seen_phases = std::collections::HashSet::new();
        for t in d["tasks"].as_array().unwrap() {
            total += 1;
            let id = t["id"].as_str().unwrap();
            let name = format!("{id} {}", t["title"].as_str().unwrap());
            let x = leaves
                .get(name.as_str())
                .unwrap_or_else(|| panic!("{target}: MPXJ has no task `{name}`"));
            if let Some(p) = t["phase"].as_str() {
                seen_phases.insert(p.to_owned());
                assert_eq!(x["level"], 3, "{name}");
            }
            let key = (plan.to_owned(), id.to_owned());
            // Durations in working hours (8 a day).
            let d = &x["duration"];
            let mut h = d["value"].as_f64().unwrap();
            match d["units"].as_str().unwrap() {
                "d" => h *= 8.0,
                "h" => {}
                "m" => h /= 60.0,
                "w" => h *= 40.0,
                u => panic!("{name}: duration in {u}"),
            }
            assert!(
                (h - hours[&key]).abs() < 0.02,
                "{target}: {name}: {h} h, planmark {} h",
                hours[&key]
            );
            if let Some((s, f)) = dates.get(&key) {
                assert_eq!(
                    (x["start"].as_str().unwrap(), x["finish"].as_str().unwrap()),
                    (s.as_str(), f.as_str()),
                    "{target}: {name}"
                );
            }
            let pct = match t["status"].as_str().unwrap() {
                "done" => 100.0,
                "in_progress" => 50.0,
                _ => 0.0,
            };
            assert_eq!(x["percent"].as_f64(), Some(pct), "{name}");
            // Links: each dependency on a task of these plans, with its kind and lag.
            let links: Vec<(String, String)> = x["preds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let pred = by_uid[&p["uid"].as_u64().unwrap()]["name"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    let lag = &p["lag"];
                    let lag = lag["value"].as_f64().unwrap_or(0.0)
                        * if lag["units"] == "d" { 8.0 } else { 1.0 };
                    (pred, format!("{} {lag:.2}", p["type"].as_str().unwrap()))
                })
                .collect();
            let resolved: Vec<&Value> = t["dependencies"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter(|x| x["resolved"] == true)
                .collect();
            assert_eq!(links.len(), resolved.len(), "{target}: {name}: {links:?}");
            for (dep, (_, kind)) in resolved.iter().zip(&links) {
                let want = match dep["kind"].as_str().unwrap() {
                    "start_to_start" => "SS",
                    "finish_to_finish" => "FF",
                    "start_to_finish" => "SF",
                    _ => "FS",
                };
                assert!(
                    kind.starts_with(want),
                    "{target}: {name}: {kind}, planmark {want}"
                );
            }
            demands += t["resources"].as_array().map_or(0, Vec::len);
        }
        phases += seen_phases.len();
    }
    assert_eq!(leaves.len(), total, "{target}");
    let summaries = tasks
        .iter()
        .filter(|t| t["summary"] == true && t["uid"] != 0)
        .count();
    let plans = docs
        .iter()
        .filter(|d| d["tasks"].as_array().is_some_and(|t| !t.is_empty()))
        .count();
    assert_eq!(
        summaries,
        plans + phases,
        "{target}: one summary per plan and per phase"
    );
    assert_eq!(
        read["assignments"].as_array().unwrap().len(),
        demands,
        "{target}"
    );
}

#[test]
fn ms_project_xml_is_read_by_mpxj_with_the_same_tasks_links_and_dates() {
    let dir = common::examples_copy();
    // Holidays move the schedule: the calendar must travel with the tasks.
    std::fs::write(
        dir.path().join("planmark.toml"),
        "[calendar]\nholidays = [2026-12-25, 2027-01-01]\n",
    )
    .unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../planmark/tests/fixtures");
    let mut targets: Vec<String> = vec![
        ".".to_owned(),
        "2026-11-23-search-rewrite.md".to_owned(),
        "csv-importer-guide.md".to_owned(),
        "roadmap-2027.md".to_owned(),
    ];
    for e in std::fs::read_dir(&fixtures).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            let name = format!("fixture-{}", p.file_name().unwrap().to_string_lossy());
            std::fs::copy(&p, dir.path().join(&name)).unwrap();
            targets.push(name);
        }
    }
    let out = dir.path().join("xml");
    std::fs::create_dir_all(&out).unwrap();
    let mut files = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let f = out.join(format!("{i}.xml"));
        planmark(
            dir.path(),
            &[
                "export",
                "--format",
                "mspdi",
                "--today",
                "2026-12-01",
                t,
                "-o",
                f.to_str().unwrap(),
            ],
        );
        files.push(f);
    }
    // Strict schema validation: names, order and types of every element.
    validate(&files).unwrap_or_else(|e| panic!("the export is not valid MSPDI: {e}"));
    // The validator refuses what the schema does not allow.
    let bad = out.join("bad.xml");
    let text = std::fs::read_to_string(&files[1]).unwrap();
    std::fs::write(
        &bad,
        text.replacen("<Priority>", "<Colour>red</Colour><Priority>", 1),
    )
    .unwrap();
    let refused = validate(std::slice::from_ref(&bad)).unwrap_err();
    assert!(refused.contains("Colour"), "{refused}");
    let read = mpxj(&files);
    // The examples' folder holds the fixtures too by now: only the examples.
    for (t, f) in targets.iter().zip(&files).skip(1) {
        same_project(dir.path(), t, &read[f.to_str().unwrap()]);
    }
    let all = &read[files[0].to_str().unwrap()];
    assert_eq!(
        all["calendar"]["holidays"],
        serde_json::json!(["2026-12-25", "2027-01-01"])
    );
    assert_eq!(all["calendar"]["minutes_per_day"], 480);
    assert!(
        all["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "dmitri"),
        "{all}"
    );
}

/// A plan's tasks as the round trip must keep them: id, title, estimate,
/// dependencies with kinds and lags, owners and status.
fn essentials(model: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for d in model["documents"].as_array().unwrap() {
        for t in d["tasks"].as_array().unwrap() {
            let deps: Vec<String> = t["dependencies"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter(|x| x["resolved"] == true)
                .map(|x| {
                    format!(
                        "{} {} {}",
                        x["target"].as_str().unwrap(),
                        x["kind"].as_str().unwrap(),
                        x["lag"]
                    )
                })
                .collect();
            let owners: Vec<&str> = t["resources"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|r| r["name"].as_str().unwrap())
                .collect();
            out.push(format!(
                "{} | {} | {} | {} | {} | {}",
                t["id"].as_str().unwrap(),
                t["title"].as_str().unwrap(),
                t["estimate"]["text"].as_str().unwrap_or("-"),
                deps.join(", "),
                owners.join(", "),
                t["status"].as_str().unwrap()
            ));
        }
    }
    out
}

#[test]
fn a_plan_through_ms_project_xml_and_back_keeps_its_tasks() {
    let dir = common::examples_copy();
    let made = tempfile::tempdir().unwrap();
    unstaffed(made.path());
    for (d, name) in [
        (dir.path(), "2026-11-23-search-rewrite.md"),
        (dir.path(), "csv-importer-guide.md"),
        (dir.path(), "roadmap-2027.md"),
        (made.path(), "export-guide.md"),
        (made.path(), "search-session.md"),
    ] {
        let before = essentials(&json(d, &["export", "--format", "json", name]));
        let xml = d.join(format!("{name}.xml"));
        planmark(
            d,
            &[
                "export",
                "--format",
                "mspdi",
                "--today",
                "2026-12-01",
                name,
                "-o",
                xml.to_str().unwrap(),
            ],
        );
        let back = d.join(format!("back-{name}"));
        planmark(
            d,
            &[
                "import",
                xml.to_str().unwrap(),
                "-o",
                back.to_str().unwrap(),
            ],
        );
        let after = essentials(&json(
            d,
            &["export", "--format", "json", back.to_str().unwrap()],
        ));
        assert_eq!(
            after,
            before,
            "{name}:\n{}",
            std::fs::read_to_string(&back).unwrap()
        );
        // Never over an existing file.
        let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
            .args([
                "import",
                xml.to_str().unwrap(),
                "-o",
                back.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not overwriting"));
    }
}

#[test]
fn a_spreadsheets_csv_becomes_a_plan_read_like_a_table() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("backlog.csv"),
        "Phase,ID,Task,Estimate,Depends on,Owner,Status,Color\nBuild,B1,Parser,2d,,ana,Done,red\nBuild,B2,\"Writer, with escapes\",1d/2d/4d,B1,bo,In progress,blue\nShip,S1,Release notes,3h,B2,ana,,green\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
        .args(["import", "backlog.csv", "-o", "backlog.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("column `Color`"),
        "what is not read is said"
    );
    let got = essentials(&json(
        dir.path(),
        &["export", "--format", "json", "backlog.md"],
    ));
    assert_eq!(
        got,
        [
            "B1 | Parser | 2d |  | ana | done",
            "B2 | Writer, with escapes | 1d/2d/4d | B1 finish_to_start null | bo | in_progress",
            "S1 | Release notes | 3h | B2 finish_to_start null | ana | todo",
        ]
    );
    let tasks = json(dir.path(), &["tasks", "backlog.md", "--format", "json"]);
    assert_eq!(tasks["tasks"][2]["phase"], "Phase 2: Ship");
}

#[test]
fn a_task_master_file_and_a_backlog_folder_become_plans() {
    let dir = tempfile::tempdir().unwrap();
    // Task Master's tasks.json, in its tagged form.
    std::fs::write(
        dir.path().join("tasks.json"),
        r#"{"master": {"tasks": [
            {"id": 1, "title": "Set up the repository", "description": "Init", "status": "done", "dependencies": [], "priority": "high", "subtasks": []},
            {"id": 2, "title": "Parse the feed", "status": "in-progress", "dependencies": [1], "priority": "medium",
             "subtasks": [
                {"id": 1, "title": "Read the header", "status": "done", "dependencies": []},
                {"id": 2, "title": "Read the rows", "status": "pending", "dependencies": [1]}
             ]},
            {"id": 3, "title": "Publish", "status": "pending", "dependencies": [2, "2.2"], "priority": "low"}
        ], "metadata": {"created": "2026-11-20"}}}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
        .args(["import", "tasks.json", "-o", "tm.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("descriptions"),
        "what is left out is said"
    );
    let got = essentials(&json(dir.path(), &["export", "--format", "json", "tm.md"]));
    assert_eq!(
        got,
        [
            "1 | Set up the repository | - |  |  | done",
            "2 | Parse the feed | - | 1 finish_to_start null |  | in_progress",
            "2.1 | Read the header | - |  |  | done",
            "2.2 | Read the rows | - | 2.1 finish_to_start null |  | todo",
            "3 | Publish | - | 2 finish_to_start null, 2.2 finish_to_start null |  | todo",
        ]
    );
    let tasks = json(dir.path(), &["tasks", "tm.md", "--format", "json"]);
    let prio: Vec<&str> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["priority"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(prio, ["high", "medium", "", "", "low"]);

    // A Backlog.md folder: one file per task, front matter first.
    let tasks_dir = dir.path().join("backlog/tasks");
    std::fs::create_dir_all(&tasks_dir).unwrap();
    for (n, title, status, extra) in [
        (
            1,
            "Design the schema",
            "Done",
            "assignee: [\"@ana\"]\npriority: high\n",
        ),
        (
            2,
            "Write the importer",
            "In Progress",
            "assignee: [\"@bo\"]\ndependencies: [task-1]\nlabels: [backend]\n",
        ),
        (
            10,
            "Ship it",
            "To Do",
            "dependencies: [task-2]\npriority: low\n",
        ),
    ] {
        std::fs::write(
            tasks_dir.join(format!("task-{n} - {}.md", title.replace(' ', "-"))),
            format!("---\nid: task-{n}\ntitle: {title}\nstatus: {status}\ncreated_date: '2026-11-20 10:00'\n{extra}---\n\n## Description\n\nSomething.\n"),
        )
        .unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
        .args(["import", "backlog", "-o", "backlog.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("labels"));
    let got = essentials(&json(
        dir.path(),
        &["export", "--format", "json", "backlog.md"],
    ));
    assert_eq!(
        got,
        [
            "task-1 | Design the schema | - |  | ana | done",
            "task-2 | Write the importer | - | task-1 finish_to_start null | bo | in_progress",
            "task-10 | Ship it | - | task-2 finish_to_start null |  | todo",
        ]
    );
}

#[test]
fn a_project_mpxj_writes_imports_with_its_tasks_links_and_durations() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("made-by-mpxj.xml");
    let out = Command::new(python())
        .arg(here().join("write_mspdi.py"))
        .arg(&xml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // MPXJ's own file passes the same validation as planmark's.
    validate(std::slice::from_ref(&xml)).unwrap();
    planmark(
        dir.path(),
        &["import", xml.to_str().unwrap(), "-o", "imported.md"],
    );
    let got = essentials(&json(
        dir.path(),
        &["export", "--format", "json", "imported.md"],
    ));
    let lag = |h: u32, unit: &str| format!("{{\"amount\":{h}.0,\"unit\":\"{unit}\"}}");
    assert_eq!(
        got,
        [
            "1.1 | Schema | 2d |  | Ana | done".to_owned(),
            "1.2 | Reader | 1.5d | 1.1 finish_to_start null | Bo | in_progress".to_owned(),
            format!(
                "1.3 | Writer | 0.5d | 1.1 start_to_start {} |  | todo",
                lag(1, "days")
            ),
            "2.1 | Docs | 1d | 1.2 finish_to_finish null |  | todo".to_owned(),
            format!(
                "2.2 | Release notes | 3h | 2.1 finish_to_start {} |  | todo",
                lag(2, "hours")
            ),
        ]
    );
    let tasks = json(dir.path(), &["tasks", "imported.md", "--format", "json"]);
    let phases: Vec<&str> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["phase"].as_str().unwrap())
        .collect();
    assert_eq!(
        phases,
        [
            "Phase 1: Build",
            "Phase 1: Build",
            "Phase 1: Build",
            "Phase 2: Ship",
            "Phase 2: Ship"
        ]
    );
}
