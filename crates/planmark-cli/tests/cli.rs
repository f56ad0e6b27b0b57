//! End-to-end tests of the `planmark` binary: few, and about what a user relies on.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn planmark(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("planmark").unwrap();
    c.current_dir(dir).env("NO_COLOR", "1");
    c
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Runs planmark in `dir`, expects success, returns standard output.
fn stdout_of(dir: &Path, args: &[&str]) -> Vec<u8> {
    planmark(dir)
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap()
}

#[test]
fn new_writes_dated_templates_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    planmark(dir.path())
        .args([
            "new",
            "session",
            "Search rewrite",
            "--scope",
            "Feature",
            "--now",
            "2026-11-23 10:00",
        ])
        .assert()
        .success()
        .stdout("docs/plans/2026-11-23-search-rewrite.md\n");
    let text = std::fs::read_to_string(dir.path().join("docs/plans/2026-11-23-search-rewrite.md"))
        .unwrap();
    assert!(text.starts_with("# Planning Session: 2026-11-23 10:00\n"));
    assert!(text.contains("- **Topic**: Search rewrite\n- **Scope**: Feature\n"));
    planmark(dir.path())
        .args([
            "new",
            "session",
            "Search rewrite",
            "--now",
            "2026-11-23 11:00",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    // Unchanged after the refusal.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("docs/plans/2026-11-23-search-rewrite.md"))
            .unwrap(),
        text
    );

    planmark(dir.path())
        .args([
            "new",
            "guide",
            "CSV importer",
            "--now",
            "2026-11-23",
            "-o",
            "guide.md",
        ])
        .assert()
        .success();
    let out = stdout_of(dir.path(), &["status", "guide.md", "--format", "json"]);
    let v = json(&out);
    assert_eq!(v["documents"][0]["kind"], "guide");
    assert_eq!(v["documents"][0]["tasks"]["total"], 6);
}

#[test]
fn user_templates_override_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("planmark.toml"), "").unwrap();
    std::fs::write(
        dir.path().join("templates/session.md"),
        "# Planning Session: {{datetime}}\n\nOur own: {{topic}}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("templates/retro.md"), "# Retro {{date}}\n").unwrap();
    planmark(dir.path())
        .args(["new", "--list"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("overrides built-in").and(predicate::str::contains("retro")),
        );
    planmark(dir.path())
        .args([
            "new",
            "session",
            "X",
            "--now",
            "2026-11-23 09:30",
            "-o",
            "s.md",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.md")).unwrap(),
        "# Planning Session: 2026-11-23 09:30\n\nOur own: X\n"
    );
    planmark(dir.path())
        .args(["new", "retro", "--now", "2026-11-23", "-o", "r.md"])
        .assert()
        .success();
    planmark(dir.path())
        .args(["new", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("available: session, guide"));
}

#[test]
fn init_writes_config_once() {
    let dir = tempfile::tempdir().unwrap();
    planmark(dir.path()).arg("init").assert().success();
    assert!(dir.path().join("docs/plans").is_dir());
    let cfg = std::fs::read_to_string(dir.path().join("planmark.toml")).unwrap();
    assert!(planmark::config::Config::parse(&cfg).is_ok());
    planmark(dir.path()).arg("init").assert().code(2);
}

#[test]
fn tasks_json_has_the_documented_fields_and_filters() {
    let out = stdout_of(
        &examples(),
        &["tasks", "csv-importer-guide.md", "--format", "json"],
    );
    let v = json(&out);
    let tasks = v["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 11);
    let t = &tasks[1];
    assert_eq!(t["id"], "1.2");
    assert_eq!(t["title"], "Row validation rules and error report format");
    assert_eq!(t["status"], "done");
    assert_eq!(t["phase"], "Phase 1: Foundation");
    assert_eq!(t["estimate"]["hours"], 16.0);
    assert_eq!(t["dependencies"], serde_json::json!(["1.1"]));
    assert_eq!(t["owner"], "dmitri");
    assert_eq!(t["document"], "csv-importer-guide.md");
    assert_eq!(t["line"], 22);
    let range = &tasks.iter().find(|t| t["id"] == "2.2").unwrap()["estimate"];
    assert_eq!(
        (
            range["hours"].as_f64(),
            range["min"].as_f64(),
            range["max"].as_f64()
        ),
        (Some(24.0), Some(16.0), Some(32.0))
    );

    let filtered = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["tasks", "csv-importer-guide.md", "--format", "json"];
        a.extend_from_slice(args);
        let out = stdout_of(&examples(), &a);
        json(&out)["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(filtered(&["--status", "in-progress"]), ["2.2"]);
    assert_eq!(filtered(&["--phase", "3", "--owner", "@dmitri"]), ["3.2"]);
    assert_eq!(
        filtered(&["--status", "open", "--phase", "core"]),
        ["2.2", "2.3", "2.4"]
    );
}

#[test]
fn show_gives_everything_known_about_a_task() {
    planmark(&examples())
        .args(["show", "2.3", "2026-11-23-search-rewrite.md"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Bundle-aware facet counts")
                .and(predicate::str::contains("needed by   3.1, 3.2"))
                .and(predicate::str::contains("depends on  2.1")),
        );
    planmark(&examples())
        .args(["show", "M2", "csv-importer-guide.md"])
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("M2 Dry-run preview in staging\n")
                .and(predicate::str::contains("target      2027-01-08")),
        );
    planmark(&examples())
        .args(["show", "9.9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no task"));
    // `1.1` is in two plans: ambiguous, and doc#id picks one.
    planmark(&examples())
        .args(["show", "1.1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ambiguous"));
    planmark(&examples())
        .args(["show", "csv-importer-guide#1.1", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Streaming CSV reader"));
}

#[test]
fn export_json_reads_back_and_matches_the_schema_types() {
    let out = stdout_of(&examples(), &["export", ".", "--format", "json"]);
    let text = String::from_utf8(out).unwrap();
    let ws = planmark::model::Workspace::from_json(&text).unwrap();
    assert_eq!(ws.documents.len(), 3);
    assert_eq!(
        serde_json::to_value(&ws).unwrap(),
        serde_json::from_str::<Value>(&text).unwrap()
    );
    let schema = planmark(&examples())
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let schema = json(&schema);
    assert!(schema["$defs"]["Task"]["properties"]["estimate"].is_object());
}

#[test]
fn status_is_the_main_job_on_the_examples() {
    planmark(&examples())
        .arg("status")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("2026-11-23-search-rewrite.md  (session)")
                .and(predicate::str::contains("3/13 tasks done"))
                .and(predicate::str::contains("Milestones 1/3 reached"))
                .and(predicate::str::contains("Risks      4 (3 high impact)")),
        );
}

#[test]
fn unreadable_files_are_reported_and_the_rest_still_processed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("planmark.toml"), "").unwrap();
    std::fs::write(
        dir.path().join("good.md"),
        "## Tasks\n- [x] one\n- [ ] two\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("latin1.md"), b"## Tasks\n- [ ] caf\xe9\n").unwrap();
    std::fs::write(dir.path().join("image.md"), b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    let a = planmark(dir.path())
        .args(["status", "--format", "json"])
        .assert()
        .code(1);
    let out = a.get_output();
    let v = json(&out.stdout);
    assert_eq!(v["documents"].as_array().unwrap().len(), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("latin1.md:2: error[PM001]: invalid UTF-8 at byte 18"),
        "{err}"
    );
    assert!(
        err.contains("image.md: error[PM001]: file is binary"),
        "{err}"
    );
}

#[test]
fn status_lists_what_it_did_not_understand() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.md"),
        "# P\n\n## Tasks\n\n| Task | Estimate |\n|---|---|\n| Write docs | lots |\n",
    )
    .unwrap();
    planmark(dir.path())
        .args(["status", "p.md"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("0 errors, 1 warning").and(predicate::str::contains(
                "PM003 line 7: estimate `lots` is not a duration",
            )),
        );
}

#[test]
fn usage_and_missing_paths_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    planmark(dir.path())
        .args(["tasks", "missing.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.md: no such file"));
    planmark(dir.path())
        .args(["tasks", "--status", "bogus"])
        .assert()
        .code(2);
    std::fs::write(
        dir.path().join("planmark.toml"),
        "[calendar]\nhours_per_day = \"lots\"\n",
    )
    .unwrap();
    planmark(dir.path())
        .arg("status")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("planmark.toml"));
}

#[test]
fn a_huge_document_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("# Big\n\n## Tasks\n");
    let line = "- [ ] Task 1.1: Implement the thing with a reasonably long title (2h) @alice\n";
    while s.len() < 50 * 1024 * 1024 {
        s.push_str(line);
    }
    std::fs::write(dir.path().join("big.md"), &s).unwrap();
    planmark(dir.path())
        .args(["status", "big.md"])
        .assert()
        .success()
        .stdout(predicate::str::contains("tasks done"));
}

const CYCLE: &str = "# Sync\n\n## Tasks\n- [ ] 1.1 Read feed (1d) (depends on 1.3)\n- [ ] 1.2 Map SKUs (1d) (depends on 1.1)\n- [ ] 1.3 Write (1d) (depends on 1.2)\n";

const SESSION: &str = "# Planning Session: 2026-11-20\n\n## Task Breakdown\n\n| Task | Estimate | Priority | Dependencies |\n|------|----------|----------|--------------|\n| Collect feedback | 1d | High | None |\n| Rank themes | | Med | Collect feedback |\n\n## Risk Assessment\n\n| Risk | Likelihood | Impact | Mitigation |\n|------|------------|--------|------------|\n| Too little feedback | Med | Med | Extend the survey |\n\n## Session Checklist\r\n- [x] Estimates provided\r\n- [ ] Risks identified\r\n";

#[test]
fn check_exits_by_severity_and_renders_carets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("planmark.toml"), "").unwrap();
    std::fs::write(dir.path().join("cycle.md"), CYCLE).unwrap();
    let out = planmark(dir.path())
        .args(["check", "--today", "2026-11-21"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("error[PM017]: dependency cycle: 1.1 → 1.3 → 1.2 → 1.1"),
        "{text}"
    );
    assert!(text.contains(" --> cycle.md:4:"), "{text}");
    assert!(text.contains("^^^ `1.1` waits for `1.3`"), "{text}");
    assert!(
        text.contains("checked 1 plan: 1 error, 0 warnings"),
        "{text}"
    );
    // The cycle is allowed: nothing is left.
    planmark(dir.path())
        .args(["check", "--allow", "dependency-cycle"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no problems found"));
    // Warnings pass unless denied.
    std::fs::write(
        dir.path().join("cycle.md"),
        "# P\n\n## Tasks\n- [ ] a (1d)\n- [ ] b (2d)\n- [ ] c\n",
    )
    .unwrap();
    planmark(dir.path()).arg("check").assert().success();
    planmark(dir.path())
        .args(["check", "--deny", "warnings"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[PM019]"));
    std::fs::write(
        dir.path().join("planmark.toml"),
        "[check.rules]\nmissing-estimate = \"deny\"\n",
    )
    .unwrap();
    planmark(dir.path()).arg("check").assert().code(1);
}

#[test]
fn check_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.md"), CYCLE).unwrap();
    for args in [
        &["check", "--today", "tomorrow"][..],
        &["check", "--deny", "PM999"],
        &["check", "--dry-run"],
        &["check", "--format", "xml"],
        &["check", "missing.md"],
    ] {
        planmark(dir.path()).args(args).assert().code(2);
    }
    std::fs::write(
        dir.path().join("planmark.toml"),
        "[check.rules]\nragged-tabel = \"allow\"\n",
    )
    .unwrap();
    planmark(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `ragged-table`?"));
}

#[test]
fn check_machine_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.md"), CYCLE).unwrap();
    let out = planmark(dir.path())
        .args(["check", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v[0]["code"], "PM017");
    assert_eq!(v[0]["range"]["start"]["line"], 4);
    let out = planmark(dir.path())
        .args(["check", "--format", "sarif"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "PM017");
    planmark(dir.path())
        .args(["check", "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("::error file=p.md,line=4,col="));
}

#[test]
fn check_fix_changes_only_the_checklist_markers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.md");
    std::fs::write(&path, SESSION).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    // Dry run: a diff, and the file is untouched.
    let out = planmark(dir.path())
        .args(["check", "--fix", "--dry-run"])
        .assert()
        .success()
        .get_output()
        .clone();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.starts_with("--- a/s.md\n+++ b/s.md\n"), "{diff}");
    assert!(diff.contains("-- [x] Estimates provided\r\n"), "{diff}");
    assert!(diff.contains("+- [ ] Estimates provided\r\n"), "{diff}");
    assert!(diff.contains("+- [x] Risks identified"), "{diff}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 file would change"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), SESSION);
    // The fix: two bytes change, the rest (CRLF lines included) stays.
    let out = planmark(dir.path())
        .args(["check", "--fix"])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("fixed s.md: untick `Estimates provided`"),
        "{err}"
    );
    assert!(err.contains("fixed s.md: tick `Risks identified`"), "{err}");
    let after = std::fs::read_to_string(&path).unwrap();
    let expected = SESSION
        .replace("- [x] Estimates provided", "- [ ] Estimates provided")
        .replace("- [ ] Risks identified", "- [x] Risks identified");
    assert_eq!(after, expected);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // What is left is reported; running again changes nothing.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("warning[PM019]"), "{text}");
    assert!(!text.contains("PM026"), "{text}");
    planmark(dir.path())
        .args(["check", "--fix"])
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing to fix"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
}

#[test]
fn status_counts_check_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.md"), CYCLE).unwrap();
    planmark(dir.path())
        .args(["status", "--today", "2026-11-21"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("1 error, 0 warnings")
                .and(predicate::str::contains("PM017 line 4: dependency cycle")),
        );
}

#[test]
fn the_examples_check_clean() {
    planmark(&examples())
        .args(["check", "--today", "2026-11-21"])
        .assert()
        .success()
        .stdout("checked 3 plans: no problems found\n");
}

const TRACKED: &str = "# Importer\n\n### Phase 1: Foundation\n- [x] 1.1 Schema (1d)\n- [ ] 1.2 Parser (2d) (depends on 1.1) P2\n- [ ] 1.3 Upload page (1d) P0 @ana\n- [ ] 1.4 Preview (1d) (depends on 1.2)\n\n### Phase 2: Apply\n- [ ] 2.1 Apply job (3d)\n";

#[test]
fn next_lists_ready_tasks_critical_first_within_the_open_phase() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.md"), TRACKED).unwrap();
    let v = json(&stdout_of(dir.path(), &["next", "--format", "json"]));
    let ids: Vec<&str> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    // 1.4 waits for 1.2; 2.1 waits for phase 1. 1.2 is critical (1.4 and
    // phase 2 wait for it), so it comes before the higher-priority 1.3.
    assert_eq!(ids, ["1.2", "1.3"]);
    let v = json(&stdout_of(
        dir.path(),
        &["next", "--owner", "@ana", "--format", "json"],
    ));
    assert_eq!(v["tasks"].as_array().unwrap().len(), 1);
    let v = json(&stdout_of(
        dir.path(),
        &["next", "--limit", "1", "--format", "json"],
    ));
    assert_eq!(v["tasks"][0]["id"], "1.2");
}

#[test]
fn next_shows_work_in_progress_first() {
    let dir = tempfile::tempdir().unwrap();
    let ids = |args: &[&str]| -> Vec<String> {
        let v = json(&stdout_of(dir.path(), args));
        v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // 1.3 is being worked on: it leads, then the ready 1.2.
    let plan = TRACKED.replace("- [ ] 1.3 Upload", "- [~] 1.3 Upload");
    std::fs::write(dir.path().join("plan.md"), &plan).unwrap();
    assert_eq!(ids(&["next", "--format", "json"]), ["1.3", "1.2"]);
    assert_eq!(
        ids(&["next", "--owner", "ana", "--format", "json"]),
        ["1.3"]
    );
    // The only open work is in progress: it is listed, not "everything waits".
    let plan = "# P\n\n## Tasks\n- [x] 1.1 Design (1d)\n- [~] 1.2 Build (2d) (depends on 1.1)\n- [ ] 1.3 Ship (1d) (depends on 1.2)\n";
    std::fs::write(dir.path().join("plan.md"), plan).unwrap();
    assert_eq!(ids(&["next", "--format", "json"]), ["1.2"]);
    let out = planmark(dir.path()).arg("next").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("Build") && text.contains("in progress"),
        "{text}"
    );
    assert!(out.get_output().stderr.is_empty());
}

#[test]
fn done_edits_only_the_checkbox_and_waits_for_dependencies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.md");
    std::fs::write(&path, TRACKED).unwrap();
    // 1.4 depends on 1.2, which is not done.
    planmark(dir.path())
        .args(["done", "1.4"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("`1.4` depends on `1.2` (todo)")
                .and(predicate::str::contains("--force")),
        );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TRACKED);
    // Both at once is fine: 1.2 is done in the same call.
    let out =
        String::from_utf8(stdout_of(dir.path(), &["done", "1.2", "1.4", "--dry-run"])).unwrap();
    assert!(
        out.contains("-- [ ] 1.2 Parser") && out.contains("+- [x] 1.2 Parser"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TRACKED);
    let v = json(&stdout_of(
        dir.path(),
        &["done", "1.2", "1.4", "--format", "json"],
    ));
    assert_eq!(v["written"], true);
    assert_eq!(v["changes"][1]["from"], "todo");
    assert_eq!(v["changes"][1]["to"], "done");
    let expected = TRACKED
        .replace("- [ ] 1.2 Parser", "- [x] 1.2 Parser")
        .replace("- [ ] 1.4 Preview", "- [x] 1.4 Preview");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    // The other status commands.
    stdout_of(dir.path(), &["start", "2.1"]);
    stdout_of(
        dir.path(),
        &["block", "1.3", "--reason", "waiting for the design"],
    );
    stdout_of(dir.path(), &["cancel", "1.4"]);
    stdout_of(dir.path(), &["reopen", "1.2"]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("- [~] 2.1 Apply job (3d)\n"), "{text}");
    assert!(
        text.contains("- [!] 1.3 Upload page (1d) P0 @ana (blocked: waiting for the design)\n"),
        "{text}"
    );
    assert!(text.contains("- [-] 1.4 Preview"), "{text}");
    assert!(text.contains("- [ ] 1.2 Parser"), "{text}");
    let v = json(&stdout_of(
        dir.path(),
        &["tasks", "--status", "blocked", "--format", "json"],
    ));
    assert_eq!(v["tasks"][0]["blocked_reason"], "waiting for the design");
}

#[test]
fn status_commands_refuse_unknown_and_ambiguous_ids() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), TRACKED).unwrap();
    std::fs::write(dir.path().join("b.md"), TRACKED).unwrap();
    planmark(dir.path())
        .args(["done", "1.9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no task `1.9`"));
    planmark(dir.path())
        .args(["done", "1.3"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("several plans").and(predicate::str::contains("plan#1.3")),
        );
    stdout_of(dir.path(), &["done", "b#1.3"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.md")).unwrap(),
        TRACKED
    );
    assert!(
        std::fs::read_to_string(dir.path().join("b.md"))
            .unwrap()
            .contains("- [x] 1.3 Upload")
    );
}

#[test]
fn set_and_add_write_in_the_plans_own_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.md");
    std::fs::write(&path, TRACKED).unwrap();
    stdout_of(
        dir.path(),
        &["set", "1.3", "estimate=2d", "owner=@bo", "priority=P1"],
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("- [ ] 1.3 Upload page (2d) P1 @bo\n"),
        "{text}"
    );
    planmark(dir.path())
        .args(["set", "1.3", "estimat=2d"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `estimate`?"));
    planmark(dir.path())
        .args(["set", "1.3", "estimate=lots"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let v = json(&stdout_of(
        dir.path(),
        &[
            "add",
            "Dry-run mode",
            "--phase",
            "1",
            "--estimate",
            "1d",
            "--after",
            "1.2",
            "--format",
            "json",
        ],
    ));
    assert_eq!(v["id"], "1.5");
    assert_eq!(v["phase"], "Phase 1: Foundation");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("- [ ] 1.4 Preview (1d) (depends on 1.2)\n- [ ] 1.5 Dry-run mode (1d) (depends on 1.2)\n"),
        "{text}"
    );
    // A table phase gets a row; the status cell follows the table's way.
    std::fs::write(&path, "# P\n\n## Tasks\n\n| ID | Task | Estimate | Status |\n|----|------|----------|--------|\n| T1 | Schema | 1d | Done |\n| T2 | Parser | 2d | |\n").unwrap();
    stdout_of(dir.path(), &["add", "Preview", "--estimate", "4h"]);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("| T2 | Parser | 2d | |\n| T3 | Preview | 4h |  |\n")
    );
}

#[test]
fn history_outside_git_says_it_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.md"), TRACKED).unwrap();
    planmark(dir.path())
        .arg("history")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("history is unavailable"));
}

const SCHEDULED: &str = "---\nstart: 2026-11-30\ndeadline: 2026-12-09\n---\n# Launch\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Owner |\n|---|---|---|---|---|\n| A1 | API | 3d | - | @ann |\n| A2 | Client | 2d | A1 | @ann |\n| B1 | Docs | 2d | - | @ann |\n| B2 | Copy | 1d | - | @bo |\n";

#[test]
fn schedule_prints_json_with_days_dates_slack_and_resources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.md"), SCHEDULED).unwrap();
    let out = json(&stdout_of(
        dir.path(),
        &[
            "schedule",
            "plan.md",
            "--format",
            "json",
            "--today",
            "2026-11-01",
        ],
    ));
    assert_eq!(out["start"], "2026-11-30");
    // Ann does A1, A2 and B1 one after another: 7 working days.
    assert_eq!(out["makespan_days"], 7);
    assert_eq!(out["finish"], "2026-12-08");
    let tasks = out["tasks"].as_array().unwrap();
    let get = |id: &str| tasks.iter().find(|t| t["id"] == id).unwrap();
    for t in tasks {
        for key in [
            "id",
            "start",
            "finish",
            "start_day",
            "finish_day",
            "slack_days",
            "critical",
            "resources",
        ] {
            assert!(t.get(key).is_some(), "{key} missing in {t}");
        }
    }
    let a1 = get("A1");
    let a2 = get("A2");
    assert!(a2["start_day"].as_i64() >= a1["finish_day"].as_i64());
    assert_eq!(get("B2")["critical"], false);
    assert_eq!(get("B2")["resources"][0], "bo");
    assert_eq!(out["deadline"]["late_days"], -1);
    // CSV has the same rows.
    let csv = String::from_utf8(stdout_of(
        dir.path(),
        &[
            "schedule",
            "plan.md",
            "--format",
            "csv",
            "--today",
            "2026-11-01",
        ],
    ))
    .unwrap();
    assert!(csv.starts_with(
        "plan,id,title,status,start,finish,start_day,finish_day,slack_days,critical,resources\n"
    ));
    assert_eq!(csv.lines().count(), 5);
    // The same seed gives the same schedule.
    let again = json(&stdout_of(
        dir.path(),
        &[
            "schedule",
            "plan.md",
            "--format",
            "json",
            "--today",
            "2026-11-01",
        ],
    ));
    assert_eq!(out, again);
    // Without levelling Ann is booked three times over, and it says so.
    let flat = json(&stdout_of(
        dir.path(),
        &[
            "schedule",
            "plan.md",
            "--format",
            "json",
            "--today",
            "2026-11-01",
            "--no-level",
        ],
    ));
    assert_eq!(flat["makespan_days"], 5);
    assert_eq!(flat["overallocations"][0]["resource"], "ann");
}

#[test]
fn schedule_fails_on_a_missed_deadline_and_on_bad_plans() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.md"),
        SCHEDULED.replace("2026-12-09", "2026-12-04"),
    )
    .unwrap();
    planmark(dir.path())
        .args(["schedule", "plan.md", "--today", "2026-11-01"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("missed by 2 working days"));
    planmark(dir.path())
        .args(["check", "plan.md", "--today", "2026-11-01"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PM030"));
    std::fs::write(
        dir.path().join("cycle.md"),
        "# C\n\n## Tasks\n\n- [ ] T1: One (1d) (after T2)\n- [ ] T2: Two (1d) (after T1)\n",
    )
    .unwrap();
    planmark(dir.path())
        .args(["schedule", "cycle.md"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("PM017").and(predicate::str::contains("cannot be scheduled")),
        );
    planmark(dir.path())
        .args(["schedule", "plan.md", "--start", "2026-02-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a date"));
}

#[test]
fn why_names_the_dependency_and_the_busy_person() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.md"), SCHEDULED).unwrap();
    let out = json(&stdout_of(
        dir.path(),
        &[
            "why",
            "A2",
            "plan.md",
            "--format",
            "json",
            "--today",
            "2026-11-01",
        ],
    ));
    let reasons = out["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r["kind"] == "dependency" && r["id"] == "A1"),
        "{out}"
    );
    // Whichever of A1 and B1 goes second waits for Ann.
    let mut waited = false;
    for id in ["A1", "B1"] {
        let out = json(&stdout_of(
            dir.path(),
            &[
                "why",
                id,
                "plan.md",
                "--format",
                "json",
                "--today",
                "2026-11-01",
            ],
        ));
        waited |= out["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "resource" && r["resource"] == "ann");
    }
    assert!(waited);
    let text = String::from_utf8(stdout_of(
        dir.path(),
        &["why", "B2", "plan.md", "--today", "2026-11-01"],
    ))
    .unwrap();
    assert!(text.contains("can slip"), "{text}");
    planmark(dir.path())
        .args(["why", "Z9", "plan.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no task `Z9`"));
}

#[test]
fn status_shows_the_projected_finish_and_critical_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.md"), SCHEDULED).unwrap();
    let out = String::from_utf8(stdout_of(
        dir.path(),
        &["status", "plan.md", "--today", "2026-11-01"],
    ))
    .unwrap();
    assert!(out.contains("Timeline: 2026-11-30 → 2026-12-08"), "{out}");
    assert!(out.contains("deadline 2026-12-09"), "{out}");
    assert!(out.contains("Critical path:"), "{out}");
    let j = json(&stdout_of(
        dir.path(),
        &[
            "status",
            "plan.md",
            "--format",
            "json",
            "--today",
            "2026-11-01",
        ],
    ));
    assert_eq!(j["timeline"]["makespan_days"], 7);
}

const UNCERTAIN: &str = "---\nstart: 2026-11-30\ndeadline: 2026-12-11\n---\n# Launch\n\n## Milestones\n\n- [ ] Milestone 1: API ready (target 2026-12-03, after A1)\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Owner |\n|---|---|---|---|---|\n| A1 | API | 2d/3d/6d | - | @ann |\n| A2 | Client | 2-4d | A1 | @ann |\n| B1 | Docs | 2d | - | @bo |\n\n## Risks\n\n| Risk | Likelihood | Impact | Delay | Affects |\n|---|---|---|---|---|\n| Vendor late | 25% | High | +2d | A2 |\n| Scope creep | Medium | High | | |\n";

#[test]
fn forecast_prints_percentiles_odds_and_drivers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.md"), UNCERTAIN).unwrap();
    let args = [
        "forecast",
        "plan.md",
        "--format",
        "json",
        "--today",
        "2026-11-01",
        "--runs",
        "4000",
    ];
    let out = json(&stdout_of(dir.path(), &args));
    assert_eq!(out["runs"], 4000);
    assert_eq!(out["distribution"], "pert");
    assert_eq!(out["spread"]["high"], 0.5);
    let pct = out["finish"]["percentiles"].as_array().unwrap();
    assert_eq!(pct.len(), 101);
    let day = |k: usize| pct[k]["days"].as_i64().unwrap();
    assert!(day(0) <= day(50) && day(50) <= day(80) && day(80) <= day(95) && day(95) <= day(100));
    assert_eq!(out["finish"]["p80"], pct[80]["date"]);
    // A1 then A2: at least 2 + 2 days, at most 6 + 4 + 2 (the risk).
    assert!(day(0) >= 4 && day(100) <= 12, "{} {}", day(0), day(100));
    let runs: u64 = out["finish"]["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["runs"].as_u64().unwrap())
        .sum();
    assert_eq!(runs, 4000);
    let p = out["deadline"]["probability"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    assert!(out["milestones"][0]["probability"].is_number());
    let tasks = out["tasks"].as_array().unwrap();
    let a1 = tasks.iter().find(|t| t["id"] == "A1").unwrap();
    assert!(a1["criticality"].as_f64().unwrap() > 0.9);
    assert!(a1["sensitivity"].as_f64().unwrap() > 0.3);
    assert_eq!(out["risks"][0]["title"], "Vendor late");
    assert!(
        out["skipped_risks"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("names no task")
    );
    // Same seed, same answer; another seed, another.
    assert_eq!(out, json(&stdout_of(dir.path(), &args)));
    let mut other = args.to_vec();
    other.extend(["--seed", "9"]);
    assert_ne!(
        out["finish"],
        json(&stdout_of(dir.path(), &other))["finish"]
    );
    // The table: the three dates, the deadline odds, a histogram.
    let text = String::from_utf8(stdout_of(
        dir.path(),
        &[
            "forecast",
            "plan.md",
            "--today",
            "2026-11-01",
            "--runs",
            "2000",
        ],
    ))
    .unwrap();
    for needle in [
        "P50",
        "P80",
        "P95",
        "Deadline 2026-12-11:",
        "likely",
        "◀ P50",
        "Vendor late",
        "Risks left out",
    ] {
        assert!(text.contains(needle), "{needle} missing in\n{text}");
    }
    // The chart beside the table.
    planmark(dir.path())
        .args([
            "forecast",
            "plan.md",
            "--today",
            "2026-11-01",
            "--runs",
            "500",
            "-o",
            "f.svg",
        ])
        .assert()
        .success();
    let svg = std::fs::read_to_string(dir.path().join("f.svg")).unwrap();
    assert!(svg.contains("class=\"hist\"") && svg.contains("P80") && svg.contains("deadline"));
    // Levelled runs, triangular estimates, another spread.
    let lv = json(&stdout_of(
        dir.path(),
        &[
            "forecast",
            "plan.md",
            "--format",
            "json",
            "--today",
            "2026-11-01",
            "--runs",
            "500",
            "--level",
            "--distribution",
            "triangular",
            "--spread",
            "-20%/+100%",
        ],
    ));
    assert_eq!(lv["method"], "levelled");
    assert_eq!(lv["distribution"], "triangular");
    assert_eq!(lv["spread"]["low"], -0.2);
    // Status shows P50, P80 and the deadline odds.
    let status = String::from_utf8(stdout_of(
        dir.path(),
        &["status", "plan.md", "--today", "2026-11-01"],
    ))
    .unwrap();
    assert!(status.contains("Forecast: P50"), "{status}");
    assert!(status.contains("deadline 2026-12-11:"), "{status}");
    let sj = json(&stdout_of(
        dir.path(),
        &[
            "status",
            "plan.md",
            "--today",
            "2026-11-01",
            "--format",
            "json",
        ],
    ));
    assert!(sj["timeline"]["forecast"]["p80"].is_string());
    assert!(sj["timeline"]["forecast"]["deadline_probability"].is_number());
}

#[test]
fn forecast_refuses_estimates_out_of_order_and_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.md"),
        UNCERTAIN.replace("2d/3d/6d", "6d/3d/2d"),
    )
    .unwrap();
    planmark(dir.path())
        .args(["forecast", "plan.md"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("PM034")
                .and(predicate::str::contains("6d/3d/2d"))
                .and(predicate::str::contains("cannot be forecast")),
        );
    // The schedule still uses the likely value; check reports the error.
    planmark(dir.path())
        .args(["schedule", "plan.md", "--today", "2026-11-01"])
        .assert()
        .success();
    planmark(dir.path())
        .args(["check", "plan.md", "--today", "2026-11-01"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PM034"));
    std::fs::write(dir.path().join("ok.md"), UNCERTAIN).unwrap();
    planmark(dir.path())
        .args(["forecast", "ok.md", "--spread", "+10%/+50%"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--spread"));
    planmark(dir.path())
        .args(["forecast", "ok.md", "--runs", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("runs"));
    planmark(dir.path())
        .args(["forecast", "ok.md", "--level", "--no-level"])
        .assert()
        .code(2);
}

#[test]
fn charts_follow_the_file_extension_and_default_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.md"), UNCERTAIN).unwrap();
    let run = |args: &[&str]| {
        planmark(dir.path())
            .args(args)
            .args(["--today", "2026-11-01"])
            .assert()
            .success()
    };
    run(&["gantt", "plan.md", "-o", "gantt.svg"]);
    let svg = std::fs::read_to_string(dir.path().join("gantt.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(svg.matches("<g class=\"task\"").count(), 3);
    run(&["gantt", "plan.md", "-o", "gantt.mmd"]);
    let mmd = std::fs::read_to_string(dir.path().join("gantt.mmd")).unwrap();
    assert!(mmd.starts_with("gantt\n"));
    run(&["gantt", "plan.md", "-o", "gantt.html"]);
    let html = std::fs::read_to_string(dir.path().join("gantt.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    run(&["graph", "plan.md", "-o", "graph.dot"]);
    let dot = std::fs::read_to_string(dir.path().join("graph.dot")).unwrap();
    assert!(dot.starts_with("digraph plan {") && dot.contains("n0 -> n1"));
    run(&["graph", "plan.md", "--format", "mermaid", "-o", "graph.txt"]);
    let flow = std::fs::read_to_string(dir.path().join("graph.txt")).unwrap();
    assert!(flow.starts_with("flowchart LR"));
    // The terminal renderings: plain in a pipe.
    let text = String::from_utf8(run(&["gantt", "plan.md"]).get_output().stdout.clone()).unwrap();
    assert!(text.contains("A1 API") && text.contains('◆') && !text.contains('\x1b'));
    let risks = String::from_utf8(run(&["risks", "plan.md"]).get_output().stdout.clone()).unwrap();
    assert!(risks.contains("Vendor late"));
    run(&["risks", "plan.md", "-o", "risks.svg"]);
    assert!(
        std::fs::read_to_string(dir.path().join("risks.svg"))
            .unwrap()
            .contains("class=\"risk\"")
    );
    // Mermaid from export too.
    let export = String::from_utf8(
        planmark(dir.path())
            .args(["export", "plan.md", "--format", "mermaid"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone(),
    )
    .unwrap();
    assert!(export.starts_with("gantt\n"));
    // A name that says nothing of its format is refused.
    planmark(dir.path())
        .args(["gantt", "plan.md", "-o", "chart.png"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot tell the format"));
    planmark(dir.path())
        .args(["risks", "plan.md", "--format", "dot"])
        .assert()
        .code(2);
}

#[test]
fn report_writes_one_self_contained_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.md"), UNCERTAIN).unwrap();
    planmark(dir.path())
        .args([
            "report",
            "plan.md",
            "-o",
            "out/report.html",
            "--today",
            "2026-11-01",
        ])
        .assert()
        .code(2);
    planmark(dir.path())
        .args([
            "report",
            "plan.md",
            "-o",
            "report.html",
            "--today",
            "2026-11-01",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote report.html"));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for id in [
        "summary",
        "findings",
        "gantt",
        "critical-path",
        "forecast",
        "risks",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(!html.contains("<script") && !html.contains("https://"));
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("planmark-tmp")),
        "{names:?}"
    );
}

#[test]
fn story_points_take_time_only_once_estimates_are_configured() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sprint.md"),
        "# Sprint\n\n## Tasks\n\n- [ ] Build the importer (5 SP)\n- [ ] Test the importer - 3 points (depends on build-the-importer)\n",
    )
    .unwrap();
    let run = |args: &[&str]| String::from_utf8(stdout_of(dir.path(), args)).unwrap();
    let tasks = json(run(&["tasks", "--format", "json"]).as_bytes());
    let first = &tasks["tasks"][0]["estimate"];
    assert_eq!(first["points"], 5.0);
    assert_eq!(first["text"], "5 SP");
    assert!(first.get("hours").is_none(), "{first}");
    // Without a mapping the schedule says so, once for the plan.
    let table = run(&["schedule", "--today", "2026-11-02"]);
    assert_eq!(
        table
            .matches("2 tasks in story points have no duration yet")
            .count(),
        1,
        "{table}"
    );
    std::fs::write(
        dir.path().join("planmark.toml"),
        "[project]\nstart = 2026-11-02\n[estimates]\nvelocity = \"10 points/week\"\n",
    )
    .unwrap();
    let s = json(run(&["schedule", "--format", "json", "--today", "2026-11-02"]).as_bytes());
    // Eight points at ten a week: four working days in sequence.
    assert_eq!(s["makespan_days"], 4, "{s}");
    assert!(s.get("unmapped_sizes").is_none());
    let tasks = json(run(&["tasks", "--format", "json"]).as_bytes());
    assert_eq!(tasks["tasks"][0]["estimate"]["hours"], 20.0);
    std::fs::write(
        dir.path().join("planmark.toml"),
        "[estimates]\nvelocity = \"fast\"\n",
    )
    .unwrap();
    planmark(dir.path())
        .args(["tasks"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("[estimates] velocity"));
}

#[test]
fn tasks_explain_says_how_each_block_was_read_and_read_settings_correct_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.md"),
        "# Plan\n\n## Tasks\n\n- [ ] Ship the beta\n  - check the logs\n- Notes about the beta\n\n## Acceptance Criteria\n\n- [ ] Beta users can log in\n",
    )
    .unwrap();
    let run = |args: &[&str]| String::from_utf8(stdout_of(dir.path(), args)).unwrap();
    let text = run(&["tasks", "--explain"]);
    assert!(text.starts_with("plan.md: 1 task\n"), "{text}");
    assert!(
        text.contains("criteria (acceptance, success, done, verification) are conditions"),
        "{text}"
    );
    let out = json(run(&["tasks", "--explain", "--format", "json"]).as_bytes());
    let blocks = out["documents"][0]["blocks"].as_array().unwrap();
    let list = blocks.iter().find(|b| b["line"] == 5).unwrap();
    assert_eq!(list["block"], "list");
    assert_eq!(list["role"], "tasks");
    assert_eq!(list["tasks"], 1);
    // `[read]` in planmark.toml: every top-level item of a work section is a task.
    std::fs::write(
        dir.path().join("planmark.toml"),
        "[read]\ntasks = \"items\"\n",
    )
    .unwrap();
    let tasks = json(run(&["tasks", "--format", "json"]).as_bytes());
    assert_eq!(tasks["tasks"].as_array().unwrap().len(), 2, "{tasks}");
    std::fs::write(
        dir.path().join("planmark.toml"),
        "[read]\ntasks = \"all\"\n",
    )
    .unwrap();
    planmark(dir.path())
        .args(["tasks"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("[read]").or(predicate::str::contains("unknown variant")));
}

/// The command modules format what the engine answers; none reaches into
/// another (shared pieces live in `common` and `output`).
#[test]
fn command_modules_do_not_call_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let shared = ["args", "common", "output"];
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        if shared.contains(&name.as_str()) || name == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        for (at, _) in text.match_indices("crate::") {
            let used: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            assert!(
                shared.contains(&used.as_str()),
                "{name}.rs uses crate::{used}: a command module calls another"
            );
        }
    }
}
