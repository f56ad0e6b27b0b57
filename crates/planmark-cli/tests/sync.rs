//! `planmark sync github` against a stateful stand-in for GitHub's REST
//! API (tests/common/github.rs) on 127.0.0.1: what a first sync creates,
//! that a second changes nothing, that the plan changes by exactly the
//! issue numbers, that closed issues tick their tasks, that a run killed
//! after any of its first requests and run again leaves one issue per
//! task, and that rate limits and server errors are waited out.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::github::{Fault, Github};
use serde_json::Value;

const TOKEN: &str = "ghp_test_token_not_to_be_printed";
const PLAN: &str = "csv-importer-guide.md";
/// The open tasks of the guide: what a first sync makes issues of.
const OPEN: [&str; 6] = ["2.2", "2.3", "2.4", "3.1", "3.2", "3.3"];

fn setup(gh: &Github) -> tempfile::TempDir {
    let dir = common::examples_copy();
    std::fs::write(
        dir.path().join("planmark.toml"),
        format!(
            "[workspace]\nplans = [\"{PLAN}\"]\n\n[sync.github]\nrepo = \"acme/shop\"\napi-url = \"{}\"\npace-ms = 0\nretry-ms = 20\n\n[sync.github.users]\ndmitri = \"dmitri-gh\"\nsara = \"sara-gh\"\n",
            gh.url
        ),
    )
    .unwrap();
    dir
}

fn sync(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planmark"))
        .args(["sync", "github", "--today", "2026-12-01"])
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env("GITHUB_TOKEN", TOKEN)
        .env_remove("GH_TOKEN")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(!text.contains(TOKEN), "the token was printed");
    text
}

/// The planmark key of each issue, with its number.
fn keys(gh: &Github) -> Vec<(String, u64)> {
    gh.with(|s| {
        s.issues
            .iter()
            .filter_map(|i| {
                let body = i["body"].as_str()?;
                let k = body
                    .split("<!-- planmark:v1 ")
                    .nth(1)?
                    .split(" -->")
                    .next()?;
                Some((k.to_owned(), i["number"].as_u64()?))
            })
            .collect()
    })
}

fn issue_of(gh: &Github, task: &str) -> Value {
    let key = format!("plan={PLAN} task={task}");
    gh.with(|s| {
        s.issues
            .iter()
            .find(|i| {
                i["body"]
                    .as_str()
                    .is_some_and(|b| b.contains(&format!("{key} -->")))
            })
            .cloned()
            .unwrap_or_else(|| panic!("no issue for {task}"))
    })
}

fn example() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(PLAN),
    )
    .unwrap()
}

#[test]
fn a_first_sync_makes_one_issue_per_open_task_and_writes_the_numbers_back() {
    let gh = Github::start(TOKEN);
    // Someone's own issue and a pull request: never touched.
    let theirs = gh.add_issue("Checkout is slow", "Seen on mobile.", false);
    gh.add_issue("Bump deps", "", true);
    gh.with(|s| s.page_cap = 2);
    let dir = setup(&gh);
    let text = ok(&sync(dir.path(), &[]));
    assert!(
        text.contains("owner @lee"),
        "an unmapped owner is reported: {text}"
    );

    let keys = keys(&gh);
    assert_eq!(keys.len(), OPEN.len(), "{keys:?}");
    for id in OPEN {
        assert!(
            keys.iter()
                .any(|(k, _)| *k == format!("plan={PLAN} task={id}")),
            "{id}"
        );
    }
    let i = issue_of(&gh, "2.3");
    assert_eq!(i["title"], "Apply job with batching and retries");
    assert_eq!(i["assignees"][0]["login"], "dmitri-gh");
    let labels: Vec<&str> = i["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"phase: Phase 2: Core Features"),
        "{labels:?}"
    );
    // The plan's milestone that closes the phase, due when the schedule
    // reaches it.
    assert_eq!(
        i["milestone"]["title"],
        "csv-importer-guide: Dry-run preview in staging"
    );
    let due = i["milestone"]["due_on"].as_str().unwrap();
    let planned = Command::new(env!("CARGO_BIN_EXE_planmark"))
        .args(["schedule", "--today", "2026-12-01", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let planned: Value = serde_json::from_slice(&planned.stdout).unwrap();
    let m2 = planned["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"].as_str().unwrap().contains("Dry-run"))
        .unwrap();
    assert!(
        due.starts_with(m2["date"].as_str().unwrap()),
        "{due} vs {m2}"
    );
    let body = i["body"].as_str().unwrap();
    assert!(body.contains("- Estimate: 3d"), "{body}");
    let dep = issue_of(&gh, "2.4");
    let n23 = i["number"].as_u64().unwrap();
    assert!(
        dep["body"]
            .as_str()
            .unwrap()
            .contains(&format!("#{n23} (2.3)")),
        "{}",
        dep["body"]
    );
    assert!(
        issue_of(&gh, "3.3")["assignees"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    gh.with(|s| {
        let t = s.issues.iter().find(|x| x["number"] == theirs).unwrap();
        assert_eq!(t["body"], "Seen on mobile.");
        assert!(
            s.labels
                .iter()
                .any(|l| l["name"] == "phase: Phase 3: Integration & Polish")
        );
    });

    // The plan changed by the numbers, and nothing else.
    let before = example();
    let after = std::fs::read_to_string(dir.path().join(PLAN)).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), OPEN.len(), "{after}");
    for (a, b) in changed {
        let id = a.split("Task ").nth(1).unwrap().split(':').next().unwrap();
        let n = keys
            .iter()
            .find(|(k, _)| *k == format!("plan={PLAN} task={id}"))
            .unwrap()
            .1;
        assert_eq!(b, format!("{a} (#{n})"));
    }

    // A second run right after changes nothing, and its reads are
    // conditional: every page is answered 304.
    let writes = gh.with(|s| s.writes());
    let text = ok(&sync(dir.path(), &[]));
    assert_eq!(gh.with(|s| s.writes()), writes, "{text}");
    assert!(text.contains("nothing to change"), "{text}");
    let out = sync(dir.path(), &["--format", "json"]);
    let report: Value = serde_json::from_str(&ok(&out)).unwrap();
    let r = &report["requests"];
    assert_eq!(r["writes"], 0, "{report}");
    assert!(r["reads"].as_u64().unwrap() >= 5, "{report}");
    assert_eq!(r["not_modified"], r["reads"], "{report}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(PLAN)).unwrap(),
        after
    );
}

#[test]
fn closed_issues_tick_their_tasks_and_a_reopened_one_reopens() {
    let gh = Github::start(TOKEN);
    let dir = setup(&gh);
    ok(&sync(dir.path(), &[]));
    let close = |task: &str, reason: &str| {
        let n = issue_of(&gh, task)["number"].as_u64().unwrap();
        gh.with(|s| {
            let i = s.issues.iter_mut().find(|i| i["number"] == n).unwrap();
            i["state"] = "closed".into();
            i["state_reason"] = reason.into();
        });
    };
    close("2.2", "completed");
    close("3.3", "not_planned");
    let text = ok(&sync(dir.path(), &[]));
    assert!(text.contains("issue closed as completed"), "{text}");
    let plan = std::fs::read_to_string(dir.path().join(PLAN)).unwrap();
    assert!(plan.contains("- [x] Task 2.2: Preview screen"), "{plan}");
    assert!(plan.contains("- [-] Task 3.3: Docs"), "{plan}");
    // Settled: a third run changes nothing on either side.
    let writes = gh.with(|s| s.writes());
    let text = ok(&sync(dir.path(), &[]));
    assert_eq!(gh.with(|s| s.writes()), writes, "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(PLAN)).unwrap(),
        plan
    );

    // Reopened on GitHub: the task is todo again.
    let n = issue_of(&gh, "2.2")["number"].as_u64().unwrap();
    gh.with(|s| {
        let i = s.issues.iter_mut().find(|i| i["number"] == n).unwrap();
        i["state"] = "open".into();
        i["state_reason"] = "reopened".into();
    });
    ok(&sync(dir.path(), &[]));
    let plan = std::fs::read_to_string(dir.path().join(PLAN)).unwrap();
    assert!(plan.contains("- [ ] Task 2.2: Preview screen"), "{plan}");

    // Both sides changed: the plan wins, and says so.
    close("2.3", "completed");
    let changed = plan.replace("- [ ] Task 2.3:", "- [-] Task 2.3:");
    std::fs::write(dir.path().join(PLAN), &changed).unwrap();
    let text = ok(&sync(dir.path(), &[]));
    assert!(
        text.contains("both changed") && text.contains("--prefer github"),
        "{text}"
    );
    assert_eq!(issue_of(&gh, "2.3")["state_reason"], "not_planned");
}

#[test]
fn a_run_killed_after_any_of_its_first_requests_and_run_again_makes_no_duplicate() {
    for n in 1..=20 {
        let gh = Github::start(TOKEN);
        let dir = setup(&gh);
        gh.with(|s| s.kill = Some((n, 0)));
        let mut child = Command::new(env!("CARGO_BIN_EXE_planmark"))
            .args(["sync", "github", "--today", "2026-12-01"])
            .current_dir(dir.path())
            .env("GITHUB_TOKEN", TOKEN)
            .env("XDG_CACHE_HOME", dir.path().join(".cache"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        gh.with(|s| s.kill = Some((n, child.id())));
        let status = child.wait().unwrap();
        let made = gh.with(|s| {
            s.kill = None;
            s.log.len()
        });
        ok(&sync(dir.path(), &[]));
        let keys = keys(&gh);
        let mut unique: Vec<&String> = keys.iter().map(|(k, _)| k).collect();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            keys.len(),
            "killed after request {n}: duplicates {keys:?}"
        );
        assert_eq!(
            keys.len(),
            OPEN.len(),
            "killed after request {n} ({status}, {made} requests)"
        );
        // And the run after that has nothing left to do.
        let writes = gh.with(|s| s.writes());
        ok(&sync(dir.path(), &[]));
        assert_eq!(gh.with(|s| s.writes()), writes, "killed after request {n}");
        let plan = std::fs::read_to_string(dir.path().join(PLAN)).unwrap();
        for (k, num) in keys {
            let id = k.rsplit("task=").next().unwrap();
            assert!(
                plan.contains(&format!("Task {id}:")) && plan.contains(&format!("(#{num})")),
                "{k}"
            );
        }
    }
}

#[test]
fn rate_limits_server_errors_and_slow_replies_are_waited_out() {
    let gh = Github::start(TOKEN);
    gh.with(|s| {
        s.faults
            .push_back(("GET".into(), "/issues".into(), Fault::Secondary(1)));
        s.faults
            .push_back(("GET".into(), "/labels".into(), Fault::BadGateway));
        s.faults
            .push_back(("GET".into(), "/labels".into(), Fault::BadGateway));
        s.faults
            .push_back(("POST".into(), "/issues".into(), Fault::TooMany(1)));
        s.faults
            .push_back(("POST".into(), "/issues".into(), Fault::Primary(1)));
        s.faults
            .push_back(("POST".into(), "/labels".into(), Fault::BadGateway));
        s.faults
            .push_back(("GET".into(), "/milestones".into(), Fault::Slow(1500)));
    });
    let dir = setup(&gh);
    let t = std::time::Instant::now();
    let out = sync(dir.path(), &["--format", "json"]);
    ok(&out);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["requests"]["retries"].as_u64().unwrap() >= 6,
        "{report}"
    );
    assert!(
        t.elapsed() >= std::time::Duration::from_secs(3),
        "the waits were not waited"
    );
    assert_eq!(keys(&gh).len(), OPEN.len());
    assert!(gh.with(|s| s.faults.is_empty()));
}

#[test]
fn a_renamed_task_renames_its_issue_and_plans_with_the_same_ids_stay_apart() {
    let gh = Github::start(TOKEN);
    let dir = setup(&gh);
    let other = "- [ ] Task 2.3: Apply job in the other plan (1d)\n";
    std::fs::write(
        dir.path().join("other.md"),
        format!("# Other\n\n## Tasks\n\n{other}"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("planmark.toml"),
        std::fs::read_to_string(dir.path().join("planmark.toml"))
            .unwrap()
            .replace(
                &format!("plans = [\"{PLAN}\"]"),
                &format!("plans = [\"{PLAN}\", \"other.md\"]"),
            ),
    )
    .unwrap();
    ok(&sync(dir.path(), &[]));
    let keys = keys(&gh);
    assert_eq!(keys.len(), OPEN.len() + 1, "{keys:?}");
    assert!(keys.iter().any(|(k, _)| k == "plan=other.md task=2.3"));
    let n = issue_of(&gh, "2.3")["number"].clone();

    let path = dir.path().join(PLAN);
    let plan = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        plan.replace(
            "Apply job with batching and retries",
            "Apply job in batches",
        ),
    )
    .unwrap();
    let text = ok(&sync(dir.path(), &[]));
    let i = issue_of(&gh, "2.3");
    assert_eq!(
        (i["title"].as_str(), &i["number"]),
        (Some("Apply job in batches"), &n),
        "{text}"
    );
    assert_eq!(self::keys(&gh).len(), OPEN.len() + 1);
}

#[test]
fn a_dry_run_changes_nothing_and_says_what_it_would() {
    let gh = Github::start(TOKEN);
    let dir = setup(&gh);
    let text = ok(&sync(dir.path(), &["--dry-run"]));
    assert!(
        text.contains("create") && text.contains("would make"),
        "{text}"
    );
    assert_eq!(gh.with(|s| s.writes()), 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(PLAN)).unwrap(),
        example()
    );
    let out = sync(dir.path(), &["--dry-run", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let creates = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] == "create")
        .count();
    assert_eq!(creates, OPEN.len(), "{report}");
    assert_eq!(report["dry_run"], true);
}

#[test]
fn a_bad_token_or_a_missing_scope_stops_with_exit_2() {
    let gh = Github::start(TOKEN);
    let dir = setup(&gh);
    for (token, words) in [("wrong", "refused the token"), ("read-only", "scope repo")] {
        let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
            .args(["sync", "github"])
            .current_dir(dir.path())
            .env("GITHUB_TOKEN", token)
            .env("XDG_CACHE_HOME", dir.path().join(".cache"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(words), "{err}");
        assert!(!err.contains(&format!("Bearer {token}")), "{err}");
    }
    assert_eq!(gh.with(|s| s.writes()), 0);
}

#[test]
fn titles_and_assignees_changed_on_github_are_reported_and_pulled_only_when_asked() {
    let gh = Github::start(TOKEN);
    let dir = setup(&gh);
    ok(&sync(dir.path(), &[]));
    let n = issue_of(&gh, "2.3")["number"].as_u64().unwrap();
    gh.with(|s| {
        let i = s.issues.iter_mut().find(|i| i["number"] == n).unwrap();
        i["title"] = "Apply job (batched)".into();
        i["assignees"] = serde_json::json!([{ "login": "sara-gh" }]);
    });
    let plan = std::fs::read_to_string(dir.path().join(PLAN)).unwrap();
    let text = ok(&sync(dir.path(), &[]));
    assert!(
        text.contains("title of #") && text.contains("Apply job (batched)"),
        "{text}"
    );
    assert!(text.contains("--pull-fields"), "{text}");
    let i = issue_of(&gh, "2.3");
    assert_eq!(i["title"], "Apply job (batched)", "GitHub's title is kept");
    assert_eq!(
        i["assignees"][0]["login"], "sara-gh",
        "GitHub's assignee is kept"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(PLAN)).unwrap(),
        plan
    );

    ok(&sync(dir.path(), &["--pull-fields"]));
    let after = std::fs::read_to_string(dir.path().join(PLAN)).unwrap();
    assert!(
        after.contains("Task 2.3: Apply job with batching and retries (3d) @sara"),
        "{after}"
    );
    // Settled: nothing left to change on either side.
    let writes = gh.with(|s| s.writes());
    let text = ok(&sync(dir.path(), &[]));
    assert_eq!(gh.with(|s| s.writes()), writes, "{text}");
}

#[test]
fn a_table_plan_gets_an_issue_column_and_stays_in_sync() {
    let gh = Github::start(TOKEN);
    let dir = setup(&gh);
    let session = "2026-11-23-search-rewrite.md";
    let toml = std::fs::read_to_string(dir.path().join("planmark.toml")).unwrap();
    std::fs::write(
        dir.path().join("planmark.toml"),
        toml.replace(
            &format!("plans = [\"{PLAN}\"]"),
            &format!("plans = [\"{session}\"]"),
        ),
    )
    .unwrap();
    let tasks = |dir: &Path| -> Vec<Value> {
        let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
            .args(["tasks", session, "--format", "json"])
            .current_dir(dir)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["tasks"].as_array().unwrap().clone()
    };
    let before = tasks(dir.path());
    ok(&sync(dir.path(), &[]));
    let after = tasks(dir.path());
    assert_eq!(before.len(), after.len());
    let open: Vec<&Value> = before
        .iter()
        .filter(|t| t["status"] != "done" && t["status"] != "cancelled")
        .collect();
    assert_eq!(keys(&gh).len(), open.len());
    let text = std::fs::read_to_string(dir.path().join(session)).unwrap();
    assert!(text.contains("| Status | Issue |"), "{text}");
    // Each open task reads back with its issue's number; the others none.
    let numbers: std::collections::HashMap<String, u64> = keys(&gh)
        .into_iter()
        .map(|(k, n)| (k.rsplit("task=").next().unwrap().to_owned(), n))
        .collect();
    for t in &after {
        let want = numbers.get(t["id"].as_str().unwrap()).copied();
        assert_eq!(t["issue"].as_u64(), want, "{t}");
    }
    let writes = gh.with(|s| s.writes());
    ok(&sync(dir.path(), &[]));
    assert_eq!(gh.with(|s| s.writes()), writes);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(session)).unwrap(),
        text
    );
}
