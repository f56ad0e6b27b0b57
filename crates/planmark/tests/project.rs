//! The engine kept current: what a refresh re-reads, and that a workspace
//! kept current answers exactly what a fresh load of the same files does.

use std::path::Path;
use std::sync::Arc;

use planmark::diag::Code;
use planmark::model::Status;
use planmark::project::{Project, ProjectError, Snapshot};

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 12, 1)
}

const API: &str = "---\nstart: 2026-12-01\n---\n# API\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Owner |\n|---|---|---|---|---|\n| 1 | Schema | 2d | - | @ana |\n| 2 | Endpoints | 3d | 1 | @ana |\n| 3 | Docs | 1d | 2 | @bo |\n";

const WEB: &str = "---\nstart: 2026-12-01\n---\n# Web\n\n## Tasks\n\n- [x] 1.1 Mockups (1d) @cy\n- [ ] 1.2 Pages (3d) (depends on 1.1, api#2) @cy\n- [ ] 1.3 Launch (1d) (depends on 1.2) @cy\n";

const OPS: &str =
    "# Ops\n\n## Tasks\n\n- [ ] 1.1 Alerts (1d)\n- [ ] 1.2 Runbook (2d) (depends on 1.1)\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("api.md", API), ("web.md", WEB), ("ops.md", OPS)] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(
        dir.path().join("README.md"),
        "# Notes\n\nNothing to plan.\n",
    )
    .unwrap();
    dir
}

/// What a snapshot answers, as text: findings, timeline, summaries.
fn answers(s: &Snapshot) -> String {
    format!(
        "{}\n{}\n{}",
        serde_json::to_string(&s.check().diagnostics).unwrap(),
        serde_json::to_string(&s.timeline().map(|t| &**t)).unwrap(),
        serde_json::to_string(&s.summaries()).unwrap()
    )
}

/// The same files loaded from nothing.
fn fresh(root: &Path) -> String {
    answers(&Project::open(root).unwrap().load(&[], today()).unwrap())
}

fn doc<'a>(s: &'a Snapshot, path: &str) -> &'a Arc<planmark::model::Document> {
    s.workspace()
        .documents
        .iter()
        .find(|d| d.path == path)
        .unwrap()
}

#[test]
fn a_change_rereads_one_plan_and_answers_as_a_fresh_load() {
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    let project = Project::open(&root).unwrap();
    let first = project.refresh(today()).unwrap();
    let paths: Vec<&str> = first
        .snapshot
        .workspace()
        .documents
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        paths,
        ["api.md", "ops.md", "web.md"],
        "the README is no plan"
    );
    assert_eq!(first.changed, ["api.md", "ops.md", "web.md"]);
    assert_eq!(answers(&first.snapshot), fresh(&root));

    // Nothing changed: the same snapshot.
    let again = project.refresh(today()).unwrap();
    assert!(again.changed.is_empty());
    assert!(Arc::ptr_eq(&first.snapshot, &again.snapshot));

    // One plan changes: only it is read again.
    std::fs::write(
        root.join("ops.md"),
        OPS.replace("- [ ] 1.1 Alerts", "- [x] 1.1 Alerts"),
    )
    .unwrap();
    let up = project.changed(&[root.join("ops.md")], today()).unwrap();
    assert_eq!(up.changed, ["ops.md"]);
    assert!(up.snapshot.version > first.snapshot.version);
    for kept in ["api.md", "web.md"] {
        assert!(
            Arc::ptr_eq(
                &doc(&first.snapshot, kept).source,
                &doc(&up.snapshot, kept).source
            ),
            "{kept} was parsed again"
        );
    }
    assert_eq!(doc(&up.snapshot, "ops.md").tasks[0].status, Status::Done);
    assert_eq!(answers(&up.snapshot), fresh(&root));

    // A watcher report for a file whose bytes did not change: no new snapshot.
    let same = project.changed(&[root.join("ops.md")], today()).unwrap();
    assert!(same.changed.is_empty());
    assert!(Arc::ptr_eq(&same.snapshot, &up.snapshot));
}

#[test]
fn cross_plan_links_follow_the_plan_they_name() {
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    let project = Project::open(&root).unwrap();
    let first = project.refresh(today()).unwrap().snapshot;
    assert!(doc(&first, "web.md").tasks[1].dependencies[1].resolved);
    // api#2 goes away: web.md, unchanged itself, now names nothing.
    let api = root.join("api.md");
    std::fs::write(&api, API.replace("| 2 | Endpoints | 3d | 1 | @ana |\n", "")).unwrap();
    let up = project
        .changed(std::slice::from_ref(&api), today())
        .unwrap();
    assert_eq!(up.changed, ["api.md"]);
    let web = doc(&up.snapshot, "web.md");
    assert!(!web.tasks[1].dependencies[1].resolved);
    assert!(
        up.snapshot
            .check()
            .diagnostics
            .iter()
            .any(|d| d.file == "web.md" && d.code == Code::UnknownDependency)
    );
    assert_eq!(answers(&up.snapshot), fresh(&root));
    // It comes back.
    std::fs::write(&api, API).unwrap();
    let back = project.changed(&[api], today()).unwrap().snapshot;
    assert!(doc(&back, "web.md").tasks[1].dependencies[1].resolved);
    assert_eq!(answers(&back), fresh(&root));
}

#[test]
fn plans_that_come_and_go_are_noticed() {
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    let project = Project::open(&root).unwrap();
    project.refresh(today()).unwrap();
    let new = root.join("docs/new.md");
    std::fs::create_dir_all(new.parent().unwrap()).unwrap();
    std::fs::write(&new, "# New\n\n## Tasks\n- [ ] 1 First (1d)\n").unwrap();
    let up = project
        .changed(std::slice::from_ref(&new), today())
        .unwrap();
    assert_eq!(up.changed, ["docs/new.md"]);
    assert_eq!(up.snapshot.workspace().documents.len(), 4);
    assert_eq!(answers(&up.snapshot), fresh(&root));
    std::fs::remove_file(&new).unwrap();
    let up = project.changed(&[new], today()).unwrap();
    assert_eq!(up.changed, ["docs/new.md"]);
    assert_eq!(up.snapshot.workspace().documents.len(), 3);
    // A full refresh finds a plan the watcher did not report.
    std::fs::write(
        root.join("late.md"),
        "# Late\n\n## Tasks\n- [ ] 1 Only (1d)\n",
    )
    .unwrap();
    let up = project.refresh(today()).unwrap();
    assert_eq!(up.changed, ["late.md"]);
    assert_eq!(answers(&up.snapshot), fresh(&root));
    // Another day: a new snapshot, measured at it.
    let tomorrow = today().tomorrow().unwrap();
    let up = project.refresh(tomorrow).unwrap();
    assert!(up.changed.is_empty());
    assert_eq!(up.snapshot.today(), tomorrow);
}

#[test]
fn edits_go_through_the_locked_path_and_the_next_refresh_sees_them() {
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    let project = Project::open(&root).unwrap();
    let snap = project.refresh(today()).unwrap().snapshot;
    // Done waits for unfinished dependencies.
    match snap.set_status(&["web#1.3"], Status::Done, None, false, false) {
        Err(ProjectError::NotReady { waiting }) => {
            assert_eq!(waiting[0].to_string(), "`1.3` depends on `1.2` (todo)");
        }
        other => panic!("{other:?}"),
    }
    let done = snap
        .set_status(&["ops#1.1"], Status::Done, None, false, false)
        .unwrap();
    assert_eq!(done.changes.len(), 1);
    assert_eq!(
        std::fs::read_to_string(root.join("ops.md")).unwrap(),
        OPS.replace("- [ ] 1.1 Alerts", "- [x] 1.1 Alerts")
    );
    // A second edit from the same (now old) snapshot is re-applied to the
    // plan as it is on disk: the first edit stays.
    snap.set_values(
        "ops#1.2",
        &[(planmark::edit::Attribute::Owner, "@dee")],
        false,
    )
    .unwrap();
    let text = std::fs::read_to_string(root.join("ops.md")).unwrap();
    assert!(
        text.contains("- [x] 1.1 Alerts") && text.contains("@dee"),
        "{text}"
    );
    let up = project.changed(&[root.join("ops.md")], today()).unwrap();
    assert_eq!(up.changed, ["ops.md"]);
    let next = up.snapshot.next(None, 10);
    let ids: Vec<String> = next
        .iter()
        .map(|n| {
            format!(
                "{}#{}",
                up.snapshot.document(n.at.0).path,
                up.snapshot.task(n.at).id
            )
        })
        .collect();
    assert!(ids.contains(&"ops.md#1.2".to_owned()), "{ids:?}");
    // An unknown id says what is close.
    match up.snapshot.find("ops#1.7") {
        Err(ProjectError::NoTask { .. }) => {}
        other => panic!("{other:?}"),
    }
    match up.snapshot.find("1.2") {
        Err(ProjectError::Ambiguous { at, .. }) => assert_eq!(at.len(), 2),
        other => panic!("{other:?}"),
    }
}
