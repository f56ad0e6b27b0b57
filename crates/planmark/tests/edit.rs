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

#[test]
fn an_issue_number_is_read_and_written_in_the_tasks_own_form() {
    use planmark::edit::{Attribute, set_attribute};
    let set = |text: &str, id: &str, value: &str| {
        let doc = parse_str("p.md", text);
        let t = doc.tasks.iter().find(|t| t.id == id).unwrap();
        let edits = set_attribute(&doc, t, Attribute::Issue, value).unwrap();
        apply("p.md", text, &edits).unwrap()
    };
    // A list item: `(#123)` after the text, not part of the title.
    let list = "## Tasks\n- [ ] Task 1.1: Schema (2d) @ana\n- [ ] Task 1.2: Importer\n";
    let once = set(list, "1.1", "#41");
    assert_eq!(
        once,
        "## Tasks\n- [ ] Task 1.1: Schema (2d) @ana (#41)\n- [ ] Task 1.2: Importer\n"
    );
    let d = parse_str("p.md", &once);
    assert_eq!(
        (d.tasks[0].title.as_str(), d.tasks[0].issue),
        ("Schema", Some(41))
    );
    assert_eq!(d.tasks[1].issue, None);
    // Another number replaces it where it is written.
    assert_eq!(set(&once, "1.1", "#57"), once.replace("#41", "#57"));
    // A table: an Issue column, added when missing.
    let table = "## Tasks\n| Task | Estimate |\n|---|---|\n| Schema | 2d |\n| Importer | 1d |\n";
    let with = set(table, "schema", "#7");
    let d = parse_str("p.md", &with);
    assert_eq!(d.tasks.len(), 2, "{with}");
    assert_eq!(
        (
            d.tasks[0].title.as_str(),
            d.tasks[0].issue,
            d.tasks[1].issue
        ),
        ("Schema", Some(7), None),
        "{with}"
    );
    let again = set(&with, "importer", "#8");
    let d = parse_str("p.md", &again);
    assert_eq!(
        (d.tasks[0].issue, d.tasks[1].issue),
        (Some(7), Some(8)),
        "{again}"
    );
    assert_eq!(again.lines().count(), table.lines().count());
    // A table whose only task column is called Issue keeps it as the task.
    let d = parse_str(
        "p.md",
        "## Tasks\n| Issue | Estimate |\n|---|---|\n| Login fails | 2d |\n",
    );
    assert_eq!(
        (d.tasks[0].title.as_str(), d.tasks[0].issue),
        ("Login fails", None)
    );
    // Links and URLs in an Issue column are read as numbers too.
    let d = parse_str(
        "p.md",
        "## Tasks\n| Task | Issue |\n|---|---|\n| A | [#12](https://github.com/o/r/issues/12) |\n| B | https://github.com/o/r/issues/13 |\n",
    );
    assert_eq!((d.tasks[0].issue, d.tasks[1].issue), (Some(12), Some(13)));
}

mod props {
    use std::fmt::Write as _;

    use planmark::edit::{apply, set_status};
    use planmark::model::Status;
    use planmark::syntax::parse_str;
    use proptest::prelude::*;

    /// A block of tasks in one of the forms plans use; `i` numbers its tasks.
    fn block(form: u8, i: usize, pick: u8) -> String {
        let marks = [' ', 'x', '~', '-', '!'];
        let emoji = ["✅", "🚧", "❌", "⛔", "⬜"];
        let words = ["Todo", "Done", "In progress", "Blocked", "Cancelled"];
        let p = usize::from(pick) % 5;
        match form % 5 {
            0 => format!(
                "- [{}] T{i}: Work {i} (1d)\n- [ ] T{}: Work {} (2h)\n",
                marks[p],
                i + 1,
                i + 1
            ),
            1 => format!("- T{i}: Plain work {i} (1d)\n"),
            2 => format!("- {} T{i}: Roadmap item {i} (1w)\n", emoji[p]),
            3 => format!(
                "| ID | Task | Status |\n|----|------|--------|\n| T{i} | Row {i} | {} |\n| T{} | Row {} | |\n",
                words[p],
                i + 1,
                i + 1
            ),
            _ => format!("| ID | Task | Estimate |\n|---|---|---|\n| T{i} | Row {i} | 2d |\n"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// Random plans, random sequences of status and estimate changes:
        /// each change lands on its task alone, and every byte outside the
        /// edits stays.
        #[test]
        fn status_changes_touch_only_their_task(
            forms in proptest::collection::vec((0u8..5, 0u8..5), 1..6),
            ops in proptest::collection::vec((0usize..64, 0usize..5), 1..12),
            crlf in any::<bool>(),
            front_matter in any::<bool>(),
            headings in 0usize..3,
        ) {
            let mut text = String::from(if front_matter { "---\ntitle: Plan\n---\n\n" } else { "" });
            text.push_str("# Plan\n\n## Tasks\n\n");
            for (k, (form, pick)) in forms.iter().enumerate() {
                text.push_str(&block(*form, k * 2, *pick));
                text.push('\n');
            }
            for h in 0..headings {
                let _ = write!(text, "#### Task {}: Heading work\n- **Estimate**: 1d\n", 100 + h);
                if h % 2 == 0 {
                    text.push_str("- **Status**: Not started\n");
                }
                text.push('\n');
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            let statuses = [Status::Todo, Status::InProgress, Status::Done, Status::Blocked, Status::Cancelled];
            let estimates = ["3d", "1w", "4h", "2-4d", "1d/2d/5d"];
            for (which, to) in ops {
                let doc = parse_str("p.md", &text);
                prop_assume!(!doc.tasks.is_empty());
                let task = &doc.tasks[which % doc.tasks.len()];
                // Every third operation sets an estimate instead of a status.
                if which % 3 == 0 {
                    let est = estimates[to];
                    let edits = planmark::edit::set_attribute(&doc, task, planmark::edit::Attribute::Estimate, est).unwrap();
                    let next = apply("p.md", &text, &edits).unwrap();
                    let again = parse_str("p.md", &next);
                    prop_assert_eq!(again.tasks.len(), doc.tasks.len(), "{}", next);
                    for (a, b) in doc.tasks.iter().zip(&again.tasks) {
                        prop_assert_eq!(&a.id, &b.id, "{}", next);
                        prop_assert_eq!(a.status, b.status, "{}", next);
                        if a.id == task.id {
                            prop_assert!(planmark::edit::Attribute::Estimate.holds(b, est), "{}: {}", est, next);
                        } else {
                            prop_assert_eq!(&a.estimate, &b.estimate, "{}", next);
                        }
                    }
                    text = next;
                    continue;
                }
                let to = statuses[to];
                let edits = set_status(&doc, task, to).unwrap();
                let next = apply("p.md", &text, &edits).unwrap();
                // Bytes outside the edits are unchanged.
                let lo = edits.iter().map(|e| e.start).min().unwrap_or(0);
                let hi = edits.iter().map(|e| e.end).max().unwrap_or(0);
                prop_assert_eq!(&next[..lo], &text[..lo]);
                prop_assert_eq!(&next[next.len() - (text.len() - hi)..], &text[hi..]);
                prop_assert_eq!(next.matches("\r\n").count() > 0, crlf);
                // Re-reading shows exactly the intended change.
                let again = parse_str("p.md", &next);
                prop_assert_eq!(again.tasks.len(), doc.tasks.len(), "{}", next);
                for (a, b) in doc.tasks.iter().zip(&again.tasks) {
                    prop_assert_eq!(&a.id, &b.id, "{}", next);
                    prop_assert_eq!(&a.title, &b.title, "{}", next);
                    let want = if a.id == task.id { to } else { a.status };
                    prop_assert_eq!(b.status, want, "{}: {}", a.id, next);
                }
                text = next;
            }
        }
    }
}

mod attributes {
    use planmark::edit::{Attribute, apply, set_attribute};
    use planmark::syntax::parse_str;

    /// Sets `pairs` on task `id` and returns the new text, checking that the
    /// task reads back with every value and its id.
    fn set(text: &str, id: &str, pairs: &[(Attribute, &str)]) -> String {
        let doc = parse_str("p.md", text);
        let t = doc.tasks.iter().find(|t| t.id == id).unwrap();
        let mut edits = Vec::new();
        for &(a, v) in pairs {
            edits.extend(set_attribute(&doc, t, a, v).unwrap());
        }
        let out = apply("p.md", text, &edits).unwrap();
        let again = parse_str("p.md", &out);
        let t2 = again
            .tasks
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("{id} lost:\n{out}"));
        for &(a, v) in pairs {
            assert!(a.holds(t2, v), "{a:?}={v}:\n{out}");
        }
        assert_eq!(again.tasks.len(), doc.tasks.len());
        out
    }

    #[test]
    fn list_items_replace_attributes_where_written_or_append_them() {
        let text =
            "## Tasks\n- [ ] 1.1 Schema (1d) @ana\n- [ ] 1.2 Parser (2d) @ana (depends on 1.1)\n";
        let out = set(
            text,
            "1.2",
            &[
                (Attribute::Estimate, "3d"),
                (Attribute::Owner, "@bo"),
                (Attribute::Depends, "1.1, 1.3"),
            ],
        );
        assert_eq!(
            out,
            "## Tasks\n- [ ] 1.1 Schema (1d) @ana\n- [ ] 1.2 Parser (3d) @bo (depends on 1.1, 1.3)\n"
        );
        let out = set(
            text,
            "1.1",
            &[
                (Attribute::Priority, "High"),
                (Attribute::Due, "2026-12-01"),
            ],
        );
        assert_eq!(
            out,
            "## Tasks\n- [ ] 1.1 Schema (1d) @ana (priority: High) (due: 2026-12-01)\n- [ ] 1.2 Parser (2d) @ana (depends on 1.1)\n"
        );
    }

    #[test]
    fn table_cells_are_set_and_missing_columns_added() {
        let text = "## Tasks\n| ID | Task | Estimate | Owner |\n|----|------|----------|-------|\n| T1 | Schema | 1d | Ana |\n| T2 | Parser | 2d | Ana |\n";
        let out = set(
            text,
            "T2",
            &[(Attribute::Estimate, "3d"), (Attribute::Owner, "@bo")],
        );
        assert!(out.ends_with("| T2 | Parser | 3d | bo  |\n"), "{out}");
        let out = set(text, "T1", &[(Attribute::Due, "2026-12-01")]);
        assert!(
            out.contains("| ID | Task | Estimate | Owner | Due |\n"),
            "{out}"
        );
        assert!(
            out.contains("| T1 | Schema | 1d | Ana | 2026-12-01 |\n"),
            "{out}"
        );
    }

    #[test]
    fn heading_tasks_use_their_attribute_lines() {
        let text = "## Plan\n\n#### Task 1: Read the feed\n- **Estimate**: 2d\n- **Owner**: @ana\n\n#### Task 2: Map SKUs\n";
        let out = set(text, "1", &[(Attribute::Estimate, "4d")]);
        assert!(
            out.contains("- **Estimate**: 4d\n- **Owner**: @ana\n"),
            "{out}"
        );
        let out = set(text, "2", &[(Attribute::Estimate, "1d")]);
        assert!(out.ends_with("#### Task 2: Map SKUs (1d)\n"), "{out}");
    }
}

#[test]
fn wide_characters_keep_an_aligned_table_aligned() {
    // `完了` (done) takes four columns, like `Done`; `進行中` six.
    let text = "## Tasks\n| ID | Task   | Status |\n|----|--------|--------|\n| T1 | 設計   | 完了   |\n| T2 | 実装   | 未着手 |\n";
    let doc = parse_str("p.md", text);
    let t = doc.tasks.iter().find(|t| t.id == "T2").unwrap();
    let out = apply("p.md", text, &set_status(&doc, t, Status::Done).unwrap()).unwrap();
    let widths: Vec<usize> = out
        .lines()
        .skip(1)
        .map(unicode_width::UnicodeWidthStr::width)
        .collect();
    assert!(widths.iter().all(|&w| w == widths[0]), "{out}");
}

#[test]
fn item_text_spans_are_whole_after_front_matter() {
    let text = "---\ntitle: T\n---\n\n## Tasks\n- [-] Task 3.4: XLSX `support` (cancelled: nobody asked)\n";
    let doc = parse_str("p.md", text);
    let t = &doc.tasks[0];
    let span = t.origin.text.unwrap();
    assert_eq!(
        &text[span.start..span.end],
        "Task 3.4: XLSX `support` (cancelled: nobody asked)"
    );
    assert_eq!(
        &text[t.origin.span.start..t.origin.span.end],
        "- [-] Task 3.4: XLSX `support` (cancelled: nobody asked)"
    );
}

#[test]
fn an_aligned_table_is_widened_when_a_value_does_not_fit() {
    use planmark::edit::{Attribute, set_attribute};
    let text = "## Tasks\n| ID | Task   | Owner |\n|----|--------|------:|\n| T1 | Schema | Ana   |\n| T2 | Parser | Bo    |\n";
    let doc = parse_str("p.md", text);
    let t = doc.tasks.iter().find(|t| t.id == "T2").unwrap();
    let out = apply(
        "p.md",
        text,
        &set_attribute(&doc, t, Attribute::Owner, "Maximilian").unwrap(),
    )
    .unwrap();
    assert_eq!(
        out,
        "## Tasks\n| ID | Task   | Owner      |\n|----|--------|-----------:|\n| T1 | Schema | Ana        |\n| T2 | Parser | Maximilian |\n"
    );
    // A table that was not aligned is left as it was, but for the cell.
    let ragged = "## Tasks\n| ID | Task | Owner |\n|---|---|---|\n| T1 | Schema | Ana |\n| T2 | Parser | Bo |\n";
    let doc = parse_str("p.md", ragged);
    let t = doc.tasks.iter().find(|t| t.id == "T2").unwrap();
    let out = apply(
        "p.md",
        ragged,
        &set_attribute(&doc, t, Attribute::Owner, "Maximilian").unwrap(),
    )
    .unwrap();
    assert_eq!(out, ragged.replace("| Bo |", "| Maximilian |"));
}

#[test]
fn a_front_matter_todo_changes_its_status_value_only() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/front-matter-todos.md"),
    )
    .unwrap();
    let seen = cycle_statuses(&text, "invoices");
    // Each step changes one line: the entry's own `status:` value.
    for (before, after) in std::iter::once(&text).chain(&seen).zip(&seen) {
        let changed: Vec<(&str, &str)> = before
            .lines()
            .zip(after.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert!(changed.len() <= 1, "{changed:?}");
        assert!(
            changed
                .iter()
                .all(|(_, b)| b.trim_start().starts_with("status: "))
        );
    }
    assert!(seen[2].contains("    status: completed\n    dependencies:\n      - core"));
    // Back to todo: the words such lists use.
    assert_eq!(
        *seen.last().unwrap(),
        text.replacen("status: in_progress", "status: pending", 1)
    );
}

/// Every attribute set on every task of every fixture and example: the
/// edit is made or refused, never a panic, and the result applies. (The
/// fuzzer found `set` slicing a Cyrillic `Зависимость:` line under a
/// heading task mid-character.)
#[test]
fn every_attribute_on_every_task_is_made_or_refused() {
    use planmark::edit::{Attribute, set_attribute};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .chain(std::fs::read_dir(root.join("../../examples")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    assert!(files.len() > 20);
    let mut made = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let doc = parse_str("plan.md", &text);
        for task in &doc.tasks {
            for attr in Attribute::ALL {
                for value in ["@alice", "3d", "High", "2027-01-15", "T1"] {
                    if let Ok(edits) = set_attribute(&doc, task, attr, value) {
                        apply("plan.md", &text, &edits)
                            .unwrap_or_else(|e| panic!("{}: {}: {e}", f.display(), task.id));
                        made += 1;
                    }
                }
            }
        }
    }
    assert!(made > 1_000, "{made}");
}
