//! Status edits in every form a plan writes status in: the change lands
//! where the document keeps it, re-reading shows exactly that change, and
//! nothing else moves.

use planmark::edit::{apply, set_status};
use planmark::model::Status;
use planmark::syntax::parse_str;

const ALL: [Status; 5] = [
    Status::Todo,
    Status::InProgress,
    Status::Done,
    Status::Blocked,
    Status::Cancelled,
];

/// Sets every status on task `id` of `text` in turn (each from the
/// previous result) and checks the re-read plan each time.
fn cycle_statuses(text: &str, id: &str) -> Vec<String> {
    let mut current = text.to_owned();
    let mut seen = Vec::new();
    for to in ALL.into_iter().chain([Status::Todo]) {
        let doc = parse_str("p.md", &current);
        let task = doc
            .tasks
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("no task {id} in\n{current}"));
        let others: Vec<(String, Status)> = doc
            .tasks
            .iter()
            .filter(|t| t.id != id)
            .map(|t| (t.id.clone(), t.status))
            .collect();
        let edits = set_status(&doc, task, to).unwrap();
        let next = apply("p.md", &current, &edits).unwrap();
        let again = parse_str("p.md", &next);
        let t = again.tasks.iter().find(|t| t.id == id).unwrap();
        assert_eq!(t.status, to, "{id} to {to:?}:\n{next}");
        // Nothing else changed: the same tasks, with the same statuses.
        let after: Vec<(String, Status)> = again
            .tasks
            .iter()
            .filter(|t| t.id != id)
            .map(|t| (t.id.clone(), t.status))
            .collect();
        assert_eq!(after, others, "{next}");
        assert_eq!(again.tasks.len(), doc.tasks.len());
        assert_eq!(again.findings.len(), doc.findings.len(), "{next}");
        seen.push(next.clone());
        current = next;
    }
    seen
}

#[test]
fn checkboxes_change_one_character() {
    let text = "## Tasks\n- [ ] 1.1 Design (2d)\n- [x] 1.2 Build (3d)\n";
    let states = cycle_statuses(text, "1.1");
    assert_eq!(
        states[2],
        "## Tasks\n- [x] 1.1 Design (2d)\n- [x] 1.2 Build (3d)\n"
    );
    assert_eq!(
        states[1],
        "## Tasks\n- [~] 1.1 Design (2d)\n- [x] 1.2 Build (3d)\n"
    );
    assert_eq!(states.last().unwrap(), text);
}

#[test]
fn a_documents_own_markers_are_kept() {
    let text = "## Tasks\n- [X] A1: one\n- [/] B1: two\n- [ ] C1: three\n";
    let doc = parse_str("p.md", text);
    let c = doc.tasks.iter().find(|t| t.id == "C1").unwrap();
    let done = apply("p.md", text, &set_status(&doc, c, Status::Done).unwrap()).unwrap();
    assert!(done.ends_with("- [X] C1: three\n"), "{done}");
    let wip = apply(
        "p.md",
        text,
        &set_status(&doc, c, Status::InProgress).unwrap(),
    )
    .unwrap();
    assert!(wip.ends_with("- [/] C1: three\n"), "{wip}");
}

#[test]
fn status_cells_keep_the_table_aligned_and_the_documents_words() {
    let text = "## Tasks\n\n| ID  | Task   | Status      |\n|-----|--------|-------------|\n| T1  | Design | Done        |\n| T2  | Build  | Not started |\n| T3  | Ship   | Not started |\n";
    let states = cycle_statuses(text, "T2");
    for s in &states {
        let widths: Vec<usize> = s.lines().skip(2).map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{s}");
    }
    // Done is written the way this table writes it.
    assert!(
        states[2].contains("| T2  | Build  | Done        |"),
        "{}",
        states[2]
    );
    assert!(
        states
            .last()
            .unwrap()
            .contains("| T2  | Build  | Not started |")
    );
}

#[test]
fn a_table_without_a_status_column_gets_one() {
    let text =
        "## Tasks\n\n| Task | Estimate |\n|------|----------|\n| Design | 2d |\n| Build | 3d |\n";
    let doc = parse_str("p.md", text);
    let t = doc.tasks.iter().find(|t| t.title == "Build").unwrap();
    let out = apply("p.md", text, &set_status(&doc, t, Status::Done).unwrap()).unwrap();
    assert_eq!(
        out,
        "## Tasks\n\n| Task | Estimate | Status |\n|------|----------|------|\n| Design | 2d | Todo |\n| Build | 3d | Done |\n"
    );
    let again = parse_str("p.md", &out);
    assert_eq!(again.tasks[1].status, Status::Done);
    assert_eq!(again.tasks[0].status, Status::Todo);
}

#[test]
fn emoji_status_is_replaced_in_place() {
    let text = "## Roadmap\n- ✅ Offline mode (2w)\n- 🚧 Sync engine (3w)\n- Search (1w)\n";
    cycle_statuses(text, "sync-engine");
    let doc = parse_str("p.md", text);
    let t = doc.tasks.iter().find(|t| t.id == "sync-engine").unwrap();
    let out = apply("p.md", text, &set_status(&doc, t, Status::Done).unwrap()).unwrap();
    assert!(out.contains("- ✅ Sync engine (3w)\n"), "{out}");
}

#[test]
fn a_plain_list_item_becomes_a_task_list_item() {
    let text = "## Tasks\n1. Design the schema (1d)\n2. Build the API (2d)\n";
    let doc = parse_str("p.md", text);
    let t = &doc.tasks[1];
    let out = apply("p.md", text, &set_status(&doc, t, Status::Done).unwrap()).unwrap();
    assert_eq!(
        out,
        "## Tasks\n1. Design the schema (1d)\n2. [x] Build the API (2d)\n"
    );
    assert_eq!(parse_str("p.md", &out).tasks[1].status, Status::Done);
}

#[test]
fn heading_tasks_use_their_status_line_or_an_emoji() {
    let text = "## Implementation Plan\n\n#### Task 1: Read the feed\n- **Estimate**: 2d\n- **Status**: Not started\n\n#### Task 2: Map SKUs\n- **Estimate**: 1d\n";
    let states = cycle_statuses(text, "1");
    assert!(states[2].contains("- **Status**: Done\n"), "{}", states[2]);
    let states = cycle_statuses(text, "2");
    assert!(
        states[2].contains("#### Task 2: Map SKUs ✅\n"),
        "{}",
        states[2]
    );
}

#[test]
fn crlf_bom_and_tabs_survive() {
    let text = "\u{feff}## Tasks\r\n- [ ] A1: one\r\n\t- [ ] B1: nested\r\n\r\n| Task | Status |\r\n|---|---|\r\n| C1 ship | Todo |\r\n";
    for id in ["A1", "B1", "C1"] {
        let states = cycle_statuses(text, id);
        assert!(
            states
                .iter()
                .all(|s| s.starts_with('\u{feff}') && s.matches("\r\n").count() == 7),
            "{states:?}"
        );
        assert!(states.iter().all(|s| s.contains("\r\n\t- [")), "{states:?}");
    }
}

#[test]
fn an_empty_status_cell_is_filled_with_space_kept() {
    let text = "## Tasks\n| ID | Task | Status |\n|---|---|---|\n| 2.3 | Facets | |\n| 2.4 | Synonyms ||\n";
    let doc = parse_str("p.md", text);
    let mut out = text.to_owned();
    for t in &doc.tasks {
        let d = parse_str("p.md", &out);
        let now = d.tasks.iter().find(|x| x.id == t.id).unwrap();
        out = apply("p.md", &out, &set_status(&d, now, Status::Done).unwrap()).unwrap();
    }
    assert_eq!(
        out,
        "## Tasks\n| ID | Task | Status |\n|---|---|---|\n| 2.3 | Facets | Done |\n| 2.4 | Synonyms | Done |\n"
    );
}

#[test]
fn a_blocked_reason_is_an_attribute_not_part_of_the_title() {
    let d = parse_str(
        "p.md",
        "## Tasks\n- [!] Design review (4h) (blocked: waiting for the design system)\n",
    );
    assert_eq!(d.tasks[0].title, "Design review");
    assert_eq!(d.tasks[0].status, Status::Blocked);
    assert_eq!(
        d.tasks[0].blocked_reason.as_deref(),
        Some("waiting for the design system")
    );
}
