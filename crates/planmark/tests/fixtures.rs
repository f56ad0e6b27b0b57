//! Fixture documents in the styles people write, with what a careful reader
//! would extract from each.
// Parsed values are compared exactly: they come from decimal text.
#![allow(clippy::float_cmp)]

use std::path::Path;

use planmark::diag::Code;
use planmark::model::{Document, DocumentKind, LinkKind, PriorityLevel, Status, WorkTime};
use planmark::syntax::parse_str;

fn fixture(name: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    parse_str(name, &text)
}

fn ids(doc: &Document) -> Vec<&str> {
    doc.tasks.iter().map(|t| t.id.as_str()).collect()
}

fn hours(doc: &Document, id: &str) -> Option<f64> {
    task(doc, id)
        .estimate
        .as_ref()
        .map(|e| e.likely_hours(WorkTime::default()))
}

fn task<'a>(doc: &'a Document, id: &str) -> &'a planmark::model::Task {
    doc.tasks
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no task {id} in {:?}", ids(doc)))
}

fn deps<'a>(doc: &'a Document, id: &str) -> Vec<&'a str> {
    task(doc, id)
        .dependencies
        .iter()
        .map(|d| d.target.as_str())
        .collect()
}

/// Each task's phase, in document order.
fn phases(doc: &Document) -> Vec<Option<&str>> {
    doc.tasks.iter().map(|t| t.phase.as_deref()).collect()
}

/// Each task's title and phase, in document order.
fn titled_phases(doc: &Document) -> Vec<(&str, Option<&str>)> {
    doc.tasks
        .iter()
        .map(|t| (t.title.as_str(), t.phase.as_deref()))
        .collect()
}

fn done(doc: &Document) -> usize {
    doc.tasks
        .iter()
        .filter(|t| t.status == Status::Done)
        .count()
}

fn codes(doc: &Document) -> Vec<Code> {
    doc.findings.iter().map(|f| f.code).collect()
}

#[test]
fn spec_kit_task_list() {
    let d = fixture("spec-kit-tasks.md");
    assert_eq!(
        ids(&d),
        [
            "T001", "T002", "T003", "T004", "T005", "T006", "T007", "T008"
        ]
    );
    assert_eq!(done(&d), 2);
    assert_eq!(d.phases.len(), 3);
    assert_eq!(
        task(&d, "T006").phase.as_deref(),
        Some("Phase 3: User Story 1 - Create albums (Priority: P1) 🎯 MVP")
    );
    assert_eq!(task(&d, "T006").tags, ["P", "US1"]);
    assert_eq!(
        task(&d, "T002").title,
        "Initialize Vite project with vanilla JS"
    );
    assert_eq!(deps(&d, "T007"), ["T005"]);
    assert!(task(&d, "T007").dependencies[0].resolved);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn german_table_with_id_column() {
    let d = fixture("german-plan.md");
    assert_eq!(ids(&d), ["1", "2", "3", "4"]);
    assert_eq!(hours(&d, "1"), Some(16.0));
    assert_eq!(hours(&d, "3"), Some(60.0));
    assert_eq!(deps(&d, "3"), ["2"]);
    assert!(deps(&d, "1").is_empty());
    let statuses: Vec<Status> = d.tasks.iter().map(|t| t.status).collect();
    assert_eq!(
        statuses,
        [Status::Done, Status::InProgress, Status::Todo, Status::Todo]
    );
    assert_eq!(task(&d, "2").owner(), Some("Jonas"));
    assert_eq!(
        task(&d, "1").priority.as_ref().unwrap().level,
        Some(PriorityLevel::High)
    );
    assert_eq!(d.risks.len(), 1);
    assert_eq!(
        d.risks[0].impact.as_ref().unwrap().level,
        Some(planmark::model::Level::High)
    );
    assert_eq!(d.milestones.len(), 1);
    assert_eq!(d.goals.len(), 1);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn tasks_written_as_headings_with_attribute_bullets() {
    let d = fixture("task-headings.md");
    // Task 1.2 groups two checkboxes: by the tracking-unit rule (LABELING
    // rule 1) the checkboxes are the tasks and the heading is their group.
    assert_eq!(ids(&d), ["1.1", "write-cron-entry", "add-metrics", "2.1"]);
    assert_eq!(task(&d, "1.1").status, Status::Done);
    assert_eq!(task(&d, "1.1").owner(), Some("kim"));
    assert_eq!(hours(&d, "1.1"), Some(4.0));
    // A dependency on the group is a dependency on all of its work.
    assert_eq!(deps(&d, "2.1"), ["write-cron-entry", "add-metrics"]);
    assert_eq!(task(&d, "write-cron-entry").parent, None);
    assert_eq!(
        task(&d, "write-cron-entry").phase.as_deref(),
        Some("Phase 1: Groundwork")
    );
    assert_eq!(task(&d, "write-cron-entry").status, Status::Done);
    assert_eq!(task(&d, "2.1").phase.as_deref(), Some("Phase 2: Rollout"));
    assert_eq!(hours(&d, "2.1"), Some(8.0));
}

#[test]
fn todo_list_without_task_sections() {
    let d = fixture("obsidian-todo.md");
    assert_eq!(d.tasks.len(), 6);
    let statuses: Vec<Status> = d.tasks.iter().map(|t| t.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Done,
            Status::Todo,
            Status::Todo,
            Status::Todo,
            Status::InProgress,
            Status::Cancelled
        ]
    );
    let first = &d.tasks[0];
    assert_eq!(first.title, "Buy a mini PC");
    assert_eq!(first.due.unwrap().to_string(), "2026-11-10");
    assert_eq!(d.tasks[1].start.unwrap().to_string(), "2026-11-22");
    assert_eq!(
        d.tasks[1].priority.as_ref().unwrap().level,
        Some(PriorityLevel::High)
    );
    assert_eq!(d.tasks[2].tags, ["infra"]);
    assert_eq!(d.tasks[3].parent.as_deref(), Some(d.tasks[2].id.as_str()));
    // Marker spans point at the exact bytes, for in-place edits.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/obsidian-todo.md"),
    )
    .unwrap();
    for t in &d.tasks {
        let m = t.origin.marker.unwrap();
        let bytes = &text[m.start..m.end];
        assert!(
            bytes.starts_with('[') && bytes.ends_with(']') && bytes.chars().count() == 3,
            "{bytes}"
        );
    }
}

#[test]
fn numbered_steps_with_details_and_step_references() {
    let d = fixture("numbered-steps.md");
    assert_eq!(d.tasks.len(), 4, "{:?}", ids(&d));
    assert_eq!(hours(&d, &d.tasks[0].id), Some(0.5));
    assert_eq!(hours(&d, &d.tasks[2].id), Some(0.25));
    assert_eq!(deps(&d, &d.tasks[2].id), [d.tasks[1].id.as_str()]);
    assert!(d.tasks[2].dependencies[0].resolved);
    assert_eq!(d.tasks[2].title, "Switch the connection string");
}

#[test]
fn reordered_and_extra_columns() {
    let d = fixture("extra-columns.md");
    assert_eq!(
        ids(&d),
        [
            "schema-design",
            "ingestion-pipeline",
            "query-layer",
            "legacy-export"
        ]
    );
    let statuses: Vec<Status> = d.tasks.iter().map(|t| t.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Done,
            Status::InProgress,
            Status::Todo,
            Status::Cancelled
        ]
    );
    assert_eq!(hours(&d, "query-layer"), Some(28.0));
    assert_eq!(deps(&d, "ingestion-pipeline"), ["schema-design"]);
    let q = &task(&d, "query-layer").dependencies[0];
    assert_eq!(
        (q.target.as_str(), q.kind),
        ("ingestion-pipeline", LinkKind::FinishToFinish)
    );
    assert_eq!(q.lag.unwrap().amount, 1.0);
    let r = &task(&d, "query-layer").resources[0];
    assert_eq!((r.name.as_str(), r.units), ("backend", 2.0));
    let names: Vec<&str> = task(&d, "ingestion-pipeline")
        .resources
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["li", "sam"]);
    // Every cell keeps its exact span.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extra-columns.md"),
    )
    .unwrap();
    for t in &d.tasks {
        for c in &t.origin.cells {
            assert_eq!(&text[c.span.start..c.span.end], c.text);
        }
    }
}

#[test]
fn action_items_decisions_and_risks_as_lists() {
    let d = fixture("actions-decisions.md");
    assert_eq!(d.actions.len(), 5);
    let rollout = &d.actions[3];
    assert_eq!(rollout.action, "Draft the region order");
    assert_eq!(rollout.owner.as_deref(), Some("Priya Nair"));
    assert_eq!(rollout.due.unwrap().to_string(), "2026-11-25");
    assert_eq!(
        (d.actions[4].action.as_str(), d.actions[4].owner.as_deref()),
        ("Tell support", Some("Omar"))
    );
    assert_eq!(d.actions[0].owner.as_deref(), Some("maria"));
    assert_eq!(d.actions[0].due.unwrap().to_string(), "2026-12-01");
    assert_eq!(d.actions[1].owner.as_deref(), Some("Tom"));
    assert_eq!(d.actions[1].status, Status::Done);
    assert_eq!(d.actions[2].due, None);
    assert_eq!(d.actions[2].due_text.as_deref(), Some("next sprint"));
    assert_eq!(d.decisions.len(), 2);
    assert_eq!(
        d.decisions[0].rationale.as_deref(),
        Some("the team already runs it")
    );
    let r = &d.risks[0];
    assert_eq!(r.id, "R1");
    assert_eq!(r.likelihood.as_ref().unwrap().probability, Some(0.3));
    assert_eq!(r.affects, ["2.1", "2.2"]);
    assert_eq!(r.delay.unwrap().amount, 5.0);
    assert_eq!(r.mitigation.as_deref(), Some("wrap the client"));
    assert!(d.tasks.is_empty());
}

#[test]
fn what_is_not_understood_is_reported_with_spans() {
    let d = fixture("not-understood.md");
    let c = codes(&d);
    for want in [
        Code::UnknownTable,
        Code::UnreadableEstimate,
        Code::UnknownPriority,
        Code::UnknownStatus,
        Code::UnclosedFence,
    ] {
        assert!(c.contains(&want), "missing {want:?} in {c:?}");
    }
    assert!(d.findings.iter().all(|f| f.span.is_some()));
    // Items inside the unclosed fence are code, not tasks.
    assert_eq!(d.tasks.len(), 3);
}

#[test]
fn cross_document_dependencies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let ws = planmark::workspace::load(
        &root,
        &[root.join("cross-a.md"), root.join("cross-b.md")],
        &planmark::config::Config::default(),
    )
    .unwrap();
    let b = ws
        .documents
        .iter()
        .find(|d| d.path == "cross-b.md")
        .unwrap();
    assert_eq!(b.tasks[0].dependencies[0].target, "cross-a#A1");
    assert!(b.tasks[0].dependencies[0].resolved);
    assert!(!b.tasks[1].dependencies[0].resolved);
}

#[test]
fn crlf_and_bom_read_the_same_with_exact_spans() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/csv-importer-guide.md");
    let lf = std::fs::read_to_string(path).unwrap();
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let a = parse_str("a.md", &lf);
    let b = parse_str("b.md", &crlf);
    assert!(b.bom);
    assert_eq!(b.line_ending, planmark::model::LineEnding::Crlf);
    assert_eq!(a.kind, DocumentKind::Guide);
    assert_eq!(b.kind, DocumentKind::Guide);
    let summary = |d: &Document| {
        d.tasks
            .iter()
            .map(|t| {
                (
                    t.id.clone(),
                    t.title.clone(),
                    t.status,
                    t.dependencies.len(),
                    t.origin.span.line,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(summary(&a), summary(&b));
    assert_eq!(a.milestones.len(), b.milestones.len());
    for t in &b.tasks {
        let m = t.origin.marker.unwrap();
        assert!(crlf[m.start..m.end].starts_with('['));
        let text = t.origin.text.unwrap();
        assert!(!crlf[text.start..text.end].contains('\r'));
    }
}

#[test]
fn examples_read_as_a_careful_reader_would() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let read = |n: &str| parse_str(n, &std::fs::read_to_string(dir.join(n)).unwrap());

    let s = read("2026-11-23-search-rewrite.md");
    assert_eq!(s.kind, DocumentKind::Session);
    assert_eq!((s.tasks.len(), done(&s), s.phases.len()), (13, 3, 3));
    assert_eq!(deps(&s, "2.5"), ["2.2"]);
    assert_eq!(task(&s, "2.5").dependencies[0].kind, LinkKind::StartToStart);
    assert_eq!(hours(&s, "1.2"), Some(16.0));
    assert_eq!(
        (
            s.risks.len(),
            s.decisions.len(),
            s.actions.len(),
            s.components.len()
        ),
        (4, 2, 3, 3)
    );
    assert_eq!(
        (s.goals.len(), s.requirements.len(), s.user_stories.len()),
        (3, 6, 2)
    );
    assert_eq!(s.user_stories[1].role.as_deref(), Some("merchandiser"));
    assert_eq!(
        s.checklist
            .iter()
            .filter(|c| c.status == Status::Done)
            .count(),
        8
    );
    assert_eq!(s.timeline.len(), 3);
    assert_eq!(s.timeline[1].weeks, Some((2, 5)));
    assert_eq!(s.focus.scope.as_ref().unwrap().value, "Feature");
    assert_eq!(s.team.len(), 3);
    assert_eq!(s.pools.len(), 1);
    assert!((s.team[1].capacity - 0.8).abs() < 1e-9);
    assert!(s.findings.is_empty(), "{:?}", s.findings);

    let g = read("csv-importer-guide.md");
    assert_eq!(g.kind, DocumentKind::Guide);
    assert_eq!(
        (g.tasks.len(), done(&g), g.phases.len(), g.milestones.len()),
        (11, 4, 3, 3)
    );
    assert_eq!(task(&g, "2.2").status, Status::InProgress);
    assert_eq!(task(&g, "3.4").status, Status::Cancelled);
    assert_eq!(g.milestones[0].after, ["Phase 1"]);
    assert_eq!(g.milestones[0].target.unwrap().to_string(), "2026-12-11");
    assert_eq!(
        g.front_matter
            .as_ref()
            .unwrap()
            .deadline
            .unwrap()
            .to_string(),
        "2027-01-22"
    );
    assert_eq!(g.risks.len(), 3);
    assert_eq!(
        g.risks[2].mitigation.as_deref(),
        Some("batch 500 rows per call, back off on 429")
    );
    assert!(g.findings.is_empty(), "{:?}", g.findings);

    let r = read("roadmap-2027.md");
    assert_eq!((r.tasks.len(), done(&r), r.phases.len()), (13, 2, 3));
    assert_eq!(
        deps(&r, "sync-engine-prototype"),
        ["local-database-layer-with-migrations"]
    );
    assert_eq!(deps(&r, "conflict-resolution-for-edits"), ["offline-read"]);
    assert_eq!(r.risks.len(), 2);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

#[test]
fn risks_written_as_headings_with_attribute_lines() {
    let d = fixture("risk-register.md");
    assert_eq!(
        d.risks.len(),
        2,
        "{:?}",
        d.risks.iter().map(|r| &r.title).collect::<Vec<_>>()
    );
    let r1 = &d.risks[0];
    assert_eq!(r1.title, "Payment provider certification slips");
    assert_eq!(
        r1.likelihood.as_ref().unwrap().level,
        Some(planmark::model::Level::High)
    );
    assert_eq!(
        r1.impact.as_ref().unwrap().level,
        Some(planmark::model::Level::VeryHigh)
    );
    assert_eq!(r1.owner.as_deref(), Some("ines"));
    assert!(
        r1.mitigation
            .as_deref()
            .unwrap()
            .starts_with("Start certification")
    );
    let r2 = &d.risks[1];
    assert_eq!(r2.id, "RISK-002");
    assert_eq!(
        r2.likelihood.as_ref().unwrap().level,
        Some(planmark::model::Level::Medium)
    );
    assert_eq!(r2.affects, ["deploy-1", "deploy-2"]);
    assert!(d.tasks.is_empty());
}

#[test]
fn version_roadmap_checkboxes_are_tasks_and_prose_is_not() {
    let d = fixture("version-roadmap.md");
    let titles: Vec<&str> = d.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Repository layout and CI",
            "Config file loading",
            "Error messages with hints",
            "Two-way sync with the tracker",
            "Pull issues",
            "Push status changes",
            "Conflict report"
        ]
    );
    assert_eq!(d.tasks[1].status, Status::InProgress);
    assert_eq!(d.tasks[4].parent.as_deref(), Some(d.tasks[3].id.as_str()));
    let phases: Vec<&str> = d.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(phases, ["v0.1 -- Foundation", "v0.2 -- Sync"]);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn numbered_checkbox_tasks_with_detail_bullets() {
    let d = fixture("kiro-tasks.md");
    assert_eq!(ids(&d), ["1", "2", "2.1", "2.2", "3"]);
    assert_eq!(done(&d), 2);
    assert_eq!(deps(&d, "2.2"), ["2.1"]);
    assert_eq!(deps(&d, "3"), ["2"]);
    assert_eq!(task(&d, "1").title, "Set up the workspace and shared types");
}

#[test]
fn a_phase_file_counts_its_tasks_not_its_outcomes() {
    let d = fixture("phase-file.md");
    assert_eq!(d.tasks.len(), 3, "{:?}", ids(&d));
    assert!(
        d.tasks
            .iter()
            .all(|t| t.phase.as_deref() == Some("Phase 2: Import pipeline"))
    );
    assert_eq!(d.success_criteria.len(), 1);
    assert_eq!(d.goals.len(), 0);
}

#[test]
fn release_scope_requirement_checklists_are_work() {
    let d = fixture("release-scope.md");
    let titles: Vec<&str> = d.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "No data loss on crash",
            "Graceful shutdown on SIGTERM",
            "Dependency audit in CI",
            "Tokens stored in the OS keychain",
            "Importer rewrite",
            "Offline cache"
        ]
    );
    assert_eq!(done(&d), 3);
    assert_eq!(d.requirements.len(), 4);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn bold_labels_head_the_lists_after_them() {
    let d = fixture("bold-labels.md");
    // Task 2.1 groups its subtask checkboxes, so they are the tasks.
    assert_eq!(ids(&d), ["1", "2", "template", "scheduler"]);
    assert_eq!(d.success_criteria.len(), 2);
    assert_eq!(task(&d, "1").status, Status::Done);
    assert_eq!(hours(&d, "2"), Some(4.0));
    assert_eq!(task(&d, "scheduler").parent, None);
    assert_eq!(
        task(&d, "scheduler").phase.as_deref(),
        Some("Phase 2: Report")
    );
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn status_and_priority_headings_describe_their_tasks() {
    let d = fixture("status-sections.md");
    let got: Vec<(&str, Status, Option<PriorityLevel>)> = d
        .tasks
        .iter()
        .map(|t| {
            (
                t.id.as_str(),
                t.status,
                t.priority.as_ref().and_then(|p| p.level),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "rotate-the-signing-keys",
                Status::Todo,
                Some(PriorityLevel::High)
            ),
            (
                "move-uploads-to-the-new-bucket",
                Status::InProgress,
                Some(PriorityLevel::High)
            ),
            ("enable-sso", Status::Blocked, Some(PriorityLevel::High)),
            (
                "tidy-the-logging-config",
                Status::Todo,
                Some(PriorityLevel::Low)
            ),
            ("2", Status::Done, Some(PriorityLevel::Medium)),
            ("4", Status::Done, None),
        ]
    );
    // Status and priority groups are not phases (phases run in sequence).
    assert!(
        d.phases
            .iter()
            .all(|p| !p.name.contains("Priority") && !p.name.contains("PROGRESS")),
        "{:?}",
        d.phases
    );
}

#[test]
fn phases_as_list_items_and_tasks_in_a_timeline_table() {
    let d = fixture("list-phases.md");
    let got = titled_phases(&d);
    assert_eq!(
        got,
        [
            ("Interview five new hires", Some("Phase 1: Research")),
            ("Map the current checklist", Some("Phase 1: Research")),
            ("New welcome flow", Some("Phase 2: Build")),
            ("Buddy matching", Some("Phase 2: Build")),
            ("Pilot with one team", Some("Week 3")),
            ("Roll out to everyone", Some("Week 4")),
        ]
    );
    assert_eq!(d.phases.len(), 4);
    assert_eq!(d.tasks[4].owner(), Some("Dana"));
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn a_chinese_spec_kit_list_with_its_legend_and_criteria() {
    let d = fixture("zh-task-list.md");
    // The legend explains the marks (not tasks); the nested plain bullets
    // are details; the acceptance checkbox is a criterion, not work.
    assert_eq!(ids(&d), ["T001", "T002", "T003"]);
    assert_eq!(task(&d, "T001").status, Status::Done);
    assert_eq!(deps(&d, "T002"), ["T001"]);
    assert_eq!(task(&d, "T003").phase.as_deref(), Some("阶段 2：实现"));
    let phases: Vec<&str> = d
        .phases
        .iter()
        .map(|p| p.number.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(phases, ["1", "2"]);
}

#[test]
fn a_german_work_package_table_with_an_emoji_legend() {
    let d = fixture("de-projektplan.md");
    assert_eq!(ids(&d), ["1.1", "1.2", "1.3"]);
    assert_eq!(hours(&d, "1.2"), Some(12.0));
    assert_eq!(task(&d, "1.1").owner(), Some("Lena"));
    let statuses: Vec<Status> = d.tasks.iter().map(|t| t.status).collect();
    // The legend says ❌ is "not started": todo, not cancelled.
    assert_eq!(statuses, [Status::Done, Status::InProgress, Status::Todo]);
    assert_eq!(d.risks.len(), 1);
    assert_eq!(
        d.risks[0].likelihood.as_ref().unwrap().level,
        Some(planmark::model::Level::High)
    );
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn a_checklist_of_phases_lists_phases_not_tasks() {
    let d = fixture("phase-checklist.md");
    // The phase checklist names the phases; the numbered success criteria
    // after their bold label are criteria; the plan checkboxes are the work.
    assert_eq!(d.tasks.len(), 3, "{:?}", ids(&d));
    assert!(d.tasks.iter().all(|t| t.title.contains("PLAN")));
    assert_eq!(done(&d), 2);
    assert_eq!(d.success_criteria.len(), 2);
}

#[test]
fn russian_task_headings_and_a_group_of_checkboxes() {
    let d = fixture("ru-task-headings.md");
    // A.1 and A.2 are task headings (their bullets are details); B.1
    // groups two checkboxes, so those are the tasks.
    let titles: Vec<&str> = d.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(d.tasks.len(), 4, "{titles:?}");
    assert_eq!(task(&d, "A.1").status, Status::Done);
    assert_eq!(task(&d, "A.2").status, Status::InProgress);
    assert_eq!(deps(&d, "A.2"), ["A.1"]);
    assert_eq!(d.tasks[2].phase.as_deref(), Some("Блок B: Отчёты"));
    assert_eq!(d.tasks[2].status, Status::Done);
}

#[test]
fn story_points_and_t_shirt_sizes_are_estimates_without_a_duration() {
    use planmark::model::Size;
    let d = fixture("story-points.md");
    let sizes: Vec<&str> = d
        .tasks
        .iter()
        .map(|t| t.size.as_ref().map_or("", Size::text))
        .collect();
    assert_eq!(sizes, ["3 points", "5 SP", "2", "M", "XL", "8", "13"]);
    // Written in the team's own unit, they take no working time by themselves.
    assert!(d.tasks.iter().all(|t| t.estimate.is_none()));
    assert_eq!(
        d.tasks[1].size,
        Some(Size::Points {
            points: 5.0,
            text: "5 SP".into()
        })
    );
    assert_eq!(d.tasks[0].title, "Add coupon field to the cart page");
    assert!(matches!(&d.tasks[3].size, Some(Size::Shirt { size, .. }) if size == "M"));
    assert!(d.findings.is_empty(), "{:?}", d.findings);

    // `[estimates]` gives them a duration: per point, by velocity, per size.
    let mut mapped = d.clone();
    let c = planmark::config::Config::parse(
        "[estimates]\nvelocity = \"20 points/week\"\nsizes = { M = \"3d\", XL = \"2w\" }\n",
    )
    .unwrap();
    c.estimates.apply(&mut mapped);
    let h: Vec<f64> = mapped
        .tasks
        .iter()
        .map(|t| {
            let h = t
                .estimate
                .as_ref()
                .unwrap()
                .likely_hours(WorkTime::default());
            (h * 1e6).round() / 1e6
        })
        .collect();
    // One point is a twentieth of a 40-hour week: 2 hours.
    assert_eq!(h, [6.0, 10.0, 4.0, 24.0, 80.0, 16.0, 26.0]);
    assert_eq!(mapped.tasks[3].estimate.as_ref().unwrap().text(), "M");

    for bad in [
        "[estimates]\npoint = \"lots\"\n",
        "[estimates]\npoint = \"4h\"\nvelocity = \"20 points/week\"\n",
        "[estimates]\nvelocity = \"fast\"\n",
        "[estimates]\nsizes = { M = \"medium\" }\n",
    ] {
        let e = planmark::config::Config::parse(bad).unwrap_err();
        assert!(e.contains("[estimates]"), "{e}");
    }
}

#[test]
fn a_reader_can_correct_the_reading_and_see_why() {
    use planmark::model::BlockKind;
    use planmark::syntax::{ReadOptions, TaskRule, parse_with};
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corrections.md"),
    )
    .unwrap();
    let explained = ReadOptions {
        explain: true,
        ..ReadOptions::default()
    };
    let d = parse_with("corrections.md", &text, &explained);
    // Without being asked, nothing is recorded.
    assert!(fixture("corrections.md").reading.is_empty());
    // The comment makes the second list criteria-like notes, and the plain
    // idea list tasks; the acceptance checkbox stays a criterion.
    let titles: Vec<&str> = d.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Freeze the API surface",
            "Write the migration guide",
            "Profile the cold start",
            "Cache the parsed manifests"
        ]
    );
    // Every heading and list is explained, with the tasks read from it.
    let lists: Vec<(u32, &str, usize)> = d
        .reading
        .iter()
        .filter(|r| r.block == BlockKind::List)
        .map(|r| (r.line, r.role, r.tasks))
        .collect();
    assert_eq!(
        lists,
        [
            (5, "tasks", 2),
            (9, "not tasks", 0),
            (15, "tasks", 2),
            (20, "criteria", 0)
        ]
    );
    assert!(
        d.reading.iter().all(|r| !r.rule.is_empty()),
        "{:?}",
        d.reading
    );

    // A heading named in `not-tasks` holds none; `checkboxes` drops plain items.
    // (A comment on one list is more specific than a setting and wins.)
    let opts = ReadOptions {
        not_tasks: vec!["task*".into()],
        ..ReadOptions::default()
    };
    let muted = parse_with("corrections.md", &text, &opts);
    assert_eq!(
        ids(&muted),
        ["profile-the-cold-start", "cache-the-parsed-manifests"]
    );
    let only = ReadOptions {
        tasks: TaskRule::Checkboxes,
        ..ReadOptions::default()
    };
    assert_eq!(parse_with("corrections.md", &text, &only).tasks.len(), 2);

    // The plan's own front matter says the same, and wins over the default.
    let fm = format!("---\nplanmark:\n  tasks: checkboxes\n---\n{text}");
    assert_eq!(parse_str("c.md", &fm).tasks.len(), 2);
    let bad = parse_str("c.md", "---\nplanmark:\n  tasks: some\n---\n- [ ] A\n");
    assert_eq!(codes(&bad), [Code::FrontMatter]);
    let typo = parse_str("c.md", "## Tasks\n\n<!-- planmark: no-tasks -->\n- [ ] A\n");
    assert_eq!(codes(&typo), [Code::UnknownRule]);
    assert_eq!(typo.tasks.len(), 1);
}

#[test]
fn a_wbs_outline_counts_its_leaves_and_summary_tables_add_nothing() {
    let d = fixture("wbs-outline.md");
    // Rows with children (1, 2, 2.1) sum up their leaves; the phase summary
    // and its total restate the work.
    assert_eq!(ids(&d), ["1.1", "1.2", "2.1.1", "2.1.2", "2.2", "3"]);
    // The outermost parent is the phase; a top-level leaf stands alone.
    assert_eq!(task(&d, "2.1.2").phase.as_deref(), Some("Installation"));
    assert_eq!(task(&d, "3").phase, None);
    // A link to one's own parent is the outline; to another parent, its leaves.
    assert!(deps(&d, "1.1").is_empty());
    assert_eq!(deps(&d, "2.1.1"), ["1.1", "1.2"]);
    assert_eq!(deps(&d, "2.2"), ["2.1.1", "2.1.2"]);
    // `13/03/2026` shows the table writes the day first.
    assert_eq!(task(&d, "1.2").due.unwrap().to_string(), "2026-03-04");
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn step_groups_type_labels_and_ranges() {
    use planmark::model::Level;
    let d = fixture("step-groups.md");
    // `### Task N` groups its steps: they are the tasks, numbered within it.
    assert_eq!(ids(&d), ["1.1", "1.2", "2.1", "2.2", "E-1", "E-2", "E-3"]);
    assert_eq!(
        task(&d, "2.1").phase.as_deref(),
        Some("Task 2: Command line")
    );
    assert_eq!(
        task(&d, "1.2").due.unwrap().to_string(),
        "2026-09-26",
        "a Dataview field"
    );
    // `(after 1.2 done)`: the state is what the step waits for.
    assert_eq!(deps(&d, "2.1"), ["1.2"]);
    // A mark before a kind of work is not a status; a range of ids expands.
    assert!(d.tasks[4..].iter().all(|t| t.status == Status::Todo));
    assert_eq!(deps(&d, "E-3"), ["E-1", "E-2"]);
    assert_eq!(hours(&d, "E-2"), Some(40.0 / 60.0));
    // Traceability maps stories to work; it is not work.
    assert_eq!(d.tasks.len(), 7);
    let r = &d.risks[0];
    assert_eq!(r.likelihood.as_ref().unwrap().level, Some(Level::Medium));
    assert_eq!(r.impact.as_ref().unwrap().level, Some(Level::High));
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn a_to_do_list_in_the_front_matter_is_the_plans_work() {
    let d = fixture("front-matter-todos.md");
    assert_eq!(ids(&d), ["core", "invoices", "docs"]);
    let statuses: Vec<Status> = d.tasks.iter().map(|t| t.status).collect();
    assert_eq!(statuses, [Status::Done, Status::InProgress, Status::Todo]);
    assert_eq!(deps(&d, "docs"), ["core", "invoices"]);
    assert_eq!(task(&d, "invoices").title, "Map invoices: lines and totals");
    // Each task starts on its `- id:` line.
    assert_eq!(task(&d, "core").origin.span.line, 4);
    assert_eq!(task(&d, "docs").origin.span.line, 12);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn numbered_step_headings_are_the_work_of_a_task_file() {
    let d = fixture("task-file.md");
    // The steps under "Implementation Steps" are the tasks, their bullets
    // details; the acceptance checkboxes are criteria.
    let titles: Vec<&str> = d.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Track the moving card",
            "Handle the arrow keys",
            "Persist on confirm"
        ]
    );
    // The file says it is done: so are its steps, which carry no mark.
    assert_eq!(done(&d), 3);
}

#[test]
fn a_kanban_boards_lanes_are_statuses() {
    let d = fixture("kanban-lanes.md");
    let got: Vec<(&str, Status)> = d.tasks.iter().map(|t| (t.id.as_str(), t.status)).collect();
    assert_eq!(
        got,
        [
            ("K-3", Status::Todo),
            ("K-2", Status::InProgress),
            ("K-1", Status::Done)
        ]
    );
    // Lanes are states of the work, not stages of the plan: the stage is
    // the card's `#wave-N` tag.
    let phases = phases(&d);
    assert_eq!(phases, [Some("wave-2"), Some("wave-1"), Some("wave-1")]);
    assert!(d.phases.iter().all(|p| !p.name.contains("Progress")));
}

#[test]
fn marked_plain_items_are_work_and_looks_back_are_not() {
    let d = fixture("release-roadmap.md");
    // `✅ Sign-in` is tracked like a ticked box; a summary's highlights and
    // the quarters under Milestones are not work.
    let titles: Vec<&str> = d.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Sign-in with e-mail",
            "Product list",
            "Coupons",
            "Gift cards"
        ]
    );
    assert_eq!(done(&d), 2);
    assert_eq!(d.milestones.len(), 2, "{:?}", d.milestones);
}

#[test]
fn phases_are_named_once_buckets_are_outermost_and_row_labels_are_not_phases() {
    let d = fixture("phase-names.md");
    let phases = phases(&d);
    assert_eq!(
        phases,
        [
            // The table's `Phase 1` is the heading's Phase 1.
            Some("Phase 1 (Weeks 1-2): Proposal"),
            Some("Phase 1 (Weeks 1-2): Proposal"),
            // A story inside an epic: the epic is the bucket.
            Some("Epic: Reporting"),
            Some("Epic: Reporting"),
            // Each week holds one row: the week labels it. (The buffer
            // week is reserved time, not work.)
            None,
            None,
            None
        ]
    );
}

#[test]
fn numbered_bold_lines_are_work_packages_with_their_bullets_as_attributes() {
    let d = fixture("bold-outline.md");
    // The figures at the top are facts; `1.1` and `1.2` sum up their
    // packages and are their phases.
    assert_eq!(ids(&d), ["1.1.1", "1.1.2", "1.2.1", "1.2.2"]);
    assert_eq!(task(&d, "1.1.1").phase.as_deref(), Some("Requirements"));
    // Attribute bullets in any language, even indented past a list's reach.
    assert_eq!(hours(&d, "1.1.1"), Some(4.0));
    assert_eq!(hours(&d, "1.1.2"), Some(8.0));
    assert_eq!(hours(&d, "1.2.1"), Some(6.0));
    assert_eq!(deps(&d, "1.2.2"), ["1.2.1"]);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn a_weeks_day_lanes_are_its_phases() {
    let d = parse_str(
        "week.md",
        "---\nkanban-plugin: board\n---\n\n## Monday 2026-12-07\n\n- [x] Plan the week\n\n## Tuesday 2026-12-08\n\n- [ ] Review the pull requests\n- [ ] Write the release notes\n",
    );
    let phases: Vec<&str> = d.tasks.iter().filter_map(|t| t.phase.as_deref()).collect();
    assert_eq!(
        phases,
        [
            "Monday 2026-12-07",
            "Tuesday 2026-12-08",
            "Tuesday 2026-12-08"
        ]
    );
    assert_eq!(done(&d), 1);
}

#[test]
fn dependencies_written_after_the_ids_and_in_full_width_brackets() {
    let d = parse_str(
        "ja.md",
        "# 実装計画\n\n## タスク\n\n- [x] 1. 環境構築\n- [x] 2. データモデル\n- [ ] 3. API の実装（Task 1・2 完了後）\n- [ ] 4. 画面 依存: 3\n- [ ] 5. 設定の追加 `timeout = 2700`（45min）\n",
    );
    assert_eq!(deps(&d, "3"), ["1", "2"]);
    assert_eq!(deps(&d, "4"), ["3"]);
    assert_eq!(task(&d, "3").title, "API の実装");
    // A duration right after a code span describes the code, not the work.
    assert_eq!(hours(&d, "5"), None);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn topics_are_not_phases_but_times_and_releases_are() {
    let d = fixture("topics-and-buckets.md");
    let phases = titled_phases(&d);
    assert_eq!(
        phases,
        [
            // What the work is about groups it, but orders nothing.
            ("Write the install page", None),
            ("Explain the watering schedule", None),
            (
                "Frost dates are a day late in the southern hemisphere",
                None
            ),
            // When it is done, and in which release, does.
            ("Import seed catalogues", Some("Now")),
            ("Share a plot with a neighbour", Some("Later")),
            ("Plan crop rotation over three years", Some("v2.0")),
            ("Suggest companion plants", Some("Long term")),
        ]
    );
}

#[test]
fn the_sections_of_a_checklist_are_its_stages() {
    let d = fixture("release-checklist.md");
    let phases = phases(&d);
    assert_eq!(
        phases,
        [
            Some("Before the release"),
            Some("Before the release"),
            Some("Publish"),
            Some("Publish"),
            Some("Afterwards"),
        ]
    );
    assert_eq!(done(&d), 1);
}

#[test]
fn a_phase_column_names_the_phase_not_the_task() {
    let d = fixture("milestone-tables.md");
    let rows = titled_phases(&d)[3..].to_vec();
    // `Phase 1` in a row is the heading's Phase 1, not Milestone 1: a stage
    // is its word and its number.
    assert_eq!(
        rows,
        [
            ("Research question", Some("Phase 1 (Weeks 1-3): Groundwork")),
            ("Method outline", Some("Phase 1 (Weeks 1-3): Groundwork")),
            ("Baseline numbers", Some("Phase 2 (Weeks 4-6): Experiments")),
        ]
    );
    assert_eq!(d.tasks.len(), 6);
}

#[test]
fn work_headings_with_numbered_labels_are_buckets() {
    let d = fixture("bucket-labels.md");
    let phases: Vec<(&str, Option<&str>)> = d
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.phase.as_deref()))
        .collect();
    assert_eq!(
        &phases[..3],
        [
            ("UC1-1", Some("Sprint Backlog – UC1")),
            ("UC1-2", Some("Sprint Backlog – UC1")),
            ("UC2-1", Some("Sprint Backlog – UC2")),
        ]
    );
    // A label that is a sentence is not a bucket's number.
    assert_eq!(phases.len(), 4);
    assert_eq!(phases[3].1, None);
}

#[test]
fn stage_tags_place_work_on_a_board_of_states() {
    let d = fixture("board-waves.md");
    let phases = phases(&d);
    assert_eq!(
        phases,
        [Some("wave-2"), Some("wave-1"), Some("wave-1"), None]
    );
    assert_eq!(done(&d), 2);
}

#[test]
fn a_task_is_named_by_the_spec_file_it_links_to() {
    let d = fixture("spec-links.md");
    let deps: Vec<(&str, bool)> = d
        .tasks
        .iter()
        .flat_map(|t| &t.dependencies)
        .map(|x| (x.target.as_str(), x.resolved))
        .collect();
    let ids: Vec<&str> = d.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(deps, [(ids[0], true), (ids[1], true)]);
    // No task links to a signing spec: the dependency stays unknown, and
    // the check says so.
    let d = planmark::syntax::parse_str(
        "plan.md",
        "# Roadmap\n\n- [ ] Build it\n    - [Spec](specs/build.md)\n- [ ] Ship the installer (depends on: code-signing)\n",
    );
    let dep = &d.tasks[1].dependencies[0];
    assert_eq!((dep.target.as_str(), dep.resolved), ("code-signing", false));
}
