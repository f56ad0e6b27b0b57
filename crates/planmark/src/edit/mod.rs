//! Lossless edits of plan files.
//!
//! Every change to a document, from any front end, is a list of
//! [`Replacement`]s by byte span. They are applied together, in one write
//! made under a lock on the file ([`commit`]): the change is re-applied to
//! the text on disk by the identity of the tasks it touches, so edits to
//! different tasks of one plan all land, and the new text replaces the file
//! atomically (a temporary file in the same folder, flushed to disk,
//! swapped in). Bytes outside the replaced spans are never touched.

mod ops;
mod write;

pub use crate::diag::Replacement;
pub use ops::{
    Attribute, NewTask, OpError, add_column, insert_task, next_id, set_attribute,
    set_blocked_reason, set_cell, set_status,
};
pub use write::{LOCK_WAIT, Make, PlanLock, commit, write_if_unchanged};

use crate::model::{Document, Status};

/// Why an edit was not made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// Two replacements touch the same bytes.
    #[error("{path}: two edits overlap at byte {at}")]
    Overlap {
        /// The document.
        path: String,
        /// Where they meet.
        at: usize,
    },
    /// A replacement lies outside the text or splits a character.
    #[error("{path}: edit of bytes {start}..{end} is outside the text or splits a character")]
    OutOfRange {
        /// The document.
        path: String,
        /// First byte.
        start: usize,
        /// One past the last byte.
        end: usize,
    },
    /// The file on disk is not the text the edits were made for.
    #[error("{path} changed since it was read; nothing was written. Run the command again.")]
    Changed {
        /// The document.
        path: String,
    },
    /// Another writer held the file longer than an edit waits.
    #[error(
        "{path} is being written by another process (waited {}s); nothing was written. Run the command again.",
        waited.as_secs()
    )]
    Locked {
        /// The document.
        path: String,
        /// How long the edit waited.
        waited: std::time::Duration,
    },
    /// A task the edit changes was changed by someone else since it was read.
    #[error(
        "{path}:{line}: task `{id}` changed since it was read (was `{was}`, now `{now}`); nothing was written"
    )]
    TaskChanged {
        /// The document.
        path: String,
        /// The task's line now.
        line: u32,
        /// The task.
        id: String,
        /// Its first line as it was read.
        was: String,
        /// Its first line now.
        now: String,
    },
    /// A task the edit changes is no longer in the plan.
    #[error("{path}: task `{id}` is no longer in the plan; nothing was written")]
    TaskGone {
        /// The document.
        path: String,
        /// The task.
        id: String,
    },
    /// The change cannot be written in the document's form.
    #[error(transparent)]
    Op(#[from] OpError),
    /// Reading the result back does not show the change: nothing is written.
    #[error("{path}:{line}: `{id}` would not read back as {what}; nothing was written")]
    NotHeld {
        /// The document.
        path: String,
        /// The task's line.
        line: u32,
        /// The task.
        id: String,
        /// What was to be written.
        what: String,
    },
    /// Reading or writing the file failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The document.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Applies `edits` to `text`. The edits may come in any order but must not
/// overlap (two insertions at the same point are applied in the given order).
///
/// # Errors
///
/// Returns an error when edits overlap or fall outside `text`.
///
/// # Example
///
/// ```
/// use planmark::edit::{apply, Replacement};
/// let r = |start, end, text: &str| Replacement { start, end, text: text.into() };
/// let out = apply("plan.md", "- [ ] a\n- [ ] b\n", &[r(11, 12, "x"), r(3, 4, "x")]).unwrap();
/// assert_eq!(out, "- [x] a\n- [x] b\n");
/// ```
pub fn apply(path: &str, text: &str, edits: &[Replacement]) -> Result<String, EditError> {
    let mut order: Vec<&Replacement> = edits.iter().collect();
    order.sort_by_key(|e| (e.start, e.end));
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for e in order {
        if e.start > e.end
            || e.end > text.len()
            || !text.is_char_boundary(e.start)
            || !text.is_char_boundary(e.end)
        {
            return Err(EditError::OutOfRange {
                path: path.to_owned(),
                start: e.start,
                end: e.end,
            });
        }
        if e.start < at {
            return Err(EditError::Overlap {
                path: path.to_owned(),
                at: e.start,
            });
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Sets the status of the tasks `tasks` (indices into `doc.tasks`) to
/// `to`, with the reason when they are blocked, and returns the new text.
/// The text is read back before it is returned: each task must show the
/// new status, and no other task may change.
///
/// # Errors
///
/// Returns an error when a task's form cannot carry the status or the result
/// does not read back as intended.
pub fn set_statuses(
    doc: &Document,
    tasks: &[usize],
    to: Status,
    reason: Option<&str>,
) -> Result<String, EditError> {
    let mut edits = Vec::new();
    for &ti in tasks {
        let t = &doc.tasks[ti];
        edits.extend(set_status(doc, t, to)?);
        if let Some(r) = reason {
            edits.extend(set_blocked_reason(doc, t, r)?);
        }
    }
    let new = apply(&doc.path, &doc.source, &edits)?;
    let again = crate::syntax::parse_str(&doc.path, &new);
    let changed: std::collections::HashSet<usize> = tasks.iter().copied().collect();
    let same = again.tasks.len() == doc.tasks.len();
    for (i, (before, after)) in doc.tasks.iter().zip(&again.tasks).enumerate() {
        let want = if changed.contains(&i) {
            to
        } else {
            before.status
        };
        if !same || after.id != before.id || after.status != want {
            return Err(EditError::NotHeld {
                path: doc.path.clone(),
                line: before.origin.span.line,
                id: before.id.clone(),
                what: want.as_str().replace('_', " "),
            });
        }
    }
    if !same {
        return Err(EditError::NotHeld {
            path: doc.path.clone(),
            line: 0,
            id: String::new(),
            what: "the same tasks".to_owned(),
        });
    }
    Ok(new)
}

/// Returns a unified diff of `old` and `new`, headed with `path`.
#[must_use]
pub fn diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: usize, end: usize, text: &str) -> Replacement {
        Replacement {
            start,
            end,
            text: text.into(),
        }
    }

    #[test]
    fn overlapping_and_out_of_range_edits_are_refused() {
        assert!(matches!(
            apply("p", "abcdef", &[r(1, 3, "x"), r(2, 4, "y")]),
            Err(EditError::Overlap { at: 2, .. })
        ));
        assert!(matches!(
            apply("p", "abc", &[r(2, 9, "x")]),
            Err(EditError::OutOfRange { .. })
        ));
        assert!(matches!(
            apply("p", "é", &[r(1, 2, "x")]),
            Err(EditError::OutOfRange { .. })
        ));
    }
}
