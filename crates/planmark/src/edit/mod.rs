//! Lossless edits of plan files.
//!
//! Every change to a document, from any front end, is a list of
//! [`Replacement`]s by byte span. They are applied together, in one write
//! that is atomic (a temporary file in the same folder, flushed to disk,
//! renamed over the original) and refused when the file changed since it was
//! read. Bytes outside the replaced spans are never touched.

mod ops;

use std::io::Write;
use std::path::Path;

pub use crate::diag::Replacement;
pub use ops::{
    Attribute, NewTask, OpError, add_column, insert_task, next_id, set_attribute,
    set_blocked_reason, set_cell, set_status,
};

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

/// Replaces the file at `path` with `new`, provided it still holds
/// `expected`. The write is atomic: readers see the old file or the new
/// one, never a mix, and the file keeps its permissions.
///
/// # Errors
///
/// Returns [`EditError::Changed`] when the file no longer holds `expected`,
/// and [`EditError::Io`] when it cannot be read or written.
pub fn write_if_unchanged(path: &Path, expected: &[u8], new: &[u8]) -> Result<(), EditError> {
    let shown = path.display().to_string();
    let io = |source| EditError::Io {
        path: shown.clone(),
        source,
    };
    let current = std::fs::read(path).map_err(io)?;
    if current != expected {
        return Err(EditError::Changed { path: shown });
    }
    let permissions = std::fs::metadata(path).map_err(io)?.permissions();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".planmark-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(new).map_err(io)?;
    tmp.as_file().set_permissions(permissions).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    // Make the rename itself durable where the platform allows it.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
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

    #[test]
    fn writes_only_when_the_file_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("plan.md");
        std::fs::write(&p, "- [ ] a\n").unwrap();
        write_if_unchanged(&p, b"- [ ] a\n", b"- [x] a\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "- [x] a\n");
        let e = write_if_unchanged(&p, b"- [ ] a\n", b"- [-] a\n").unwrap_err();
        assert!(
            e.to_string().contains("plan.md changed since it was read"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "- [x] a\n");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
