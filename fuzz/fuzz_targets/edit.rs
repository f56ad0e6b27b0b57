//! A sequence of edits chosen by the fuzzer, applied to any plan and read
//! back: no panic, and an edit of one task changes that task's own bytes
//! (and, for a heading task, its attribute lines) and no other task's.
//!
//! The first bytes choose the edits; the rest is the plan.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planmark::edit::{self, Attribute};
use planmark::model::{Document, Form, Status};

const STATUSES: [Status; 5] = [
    Status::Todo,
    Status::InProgress,
    Status::Done,
    Status::Blocked,
    Status::Cancelled,
];
const VALUES: [&str; 6] = ["@alice", "3d", "High", "2027-01-15", "T1", "1.2, 1.3"];

/// The bytes of `doc`'s task `i`.
fn own(doc: &Document, i: usize) -> &str {
    let s = doc.tasks[i].origin.span;
    &doc.source[s.start..s.end]
}

/// After an edit of task `ti` of `before`, every other task of `after` has
/// the same bytes. Tasks are compared in order (ids may repeat in a plan);
/// when the edit changed how many tasks the plan has, there is no order to
/// compare by.
fn others_unchanged(before: &Document, after: &Document, ti: usize) {
    if before.tasks.len() != after.tasks.len() {
        return;
    }
    for (i, t) in before.tasks.iter().enumerate() {
        // The edited task's own subtasks may hold its attribute lines.
        if i == ti || t.parent.as_deref() == Some(before.tasks[ti].id.as_str()) {
            continue;
        }
        assert_eq!(own(before, i), own(after, i), "task {} moved", t.id);
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (ops, text) = data.split_at(8);
    let Ok(mut doc) = planmark::syntax::parse_bytes("plan.md", text) else {
        return;
    };
    for op in ops.chunks(2) {
        if doc.tasks.is_empty() {
            return;
        }
        let ti = usize::from(op[1]) % doc.tasks.len();
        let task = &doc.tasks[ti];
        let new = if op[0] & 1 == 0 {
            let to = STATUSES[usize::from(op[0] >> 1) % STATUSES.len()];
            match edit::set_statuses(&doc, &[ti], to, None) {
                Ok(new) => new,
                Err(_) => continue,
            }
        } else {
            let attr = Attribute::ALL[usize::from(op[0] >> 1) % Attribute::ALL.len()];
            let value = VALUES[usize::from(op[0] >> 4) % VALUES.len()];
            let Ok(edits) = edit::set_attribute(&doc, task, attr, value) else {
                continue;
            };
            let Ok(new) = edit::apply(&doc.path, &doc.source, &edits) else {
                panic!("an edit made for the text does not apply to it: {edits:?}");
            };
            // A list item changes only its own lines (a heading task keeps
            // its attributes on lines below it, a table row may gain a column).
            if task.origin.form == Form::ListItem {
                let s = task.origin.span;
                for e in &edits {
                    assert!(
                        e.start >= s.start && e.end <= s.end.max(e.start),
                        "{attr:?} edits bytes {}..{} outside the task {s:?}",
                        e.start,
                        e.end
                    );
                }
            }
            new
        };
        let after = planmark::syntax::parse_str("plan.md", &new);
        if task.origin.form != Form::TableRow {
            others_unchanged(&doc, &after, ti);
        }
        doc = after;
    }
});
