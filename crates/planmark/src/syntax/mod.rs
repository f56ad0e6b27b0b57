//! Markdown to model: reads a planning document as people write it.
//!
//! The parser is tolerant: it reads what it can and records what it could
//! not understand as findings with spans, never dropping anything silently.
//!
//! # Example
//!
//! ```
//! let doc = planmark::syntax::parse_str("plan.md", "## Tasks\n- [x] Task 1.1: Set up (2h)\n- [ ] Task 1.2: Build @alice (depends on 1.1)\n");
//! assert_eq!(doc.tasks.len(), 2);
//! assert_eq!(doc.tasks[1].dependencies[0].target, "1.1");
//! ```

mod blocks;
mod build;
mod frontmatter;
mod inline;
mod legend;
mod sections;
pub(crate) mod tables;
pub(crate) mod values;
mod vocab;

use crate::diag::{Code, Diagnostic, Severity};
use crate::model::{Document, LineEnding};

pub use inline::slug as slug_of;

/// The largest file read as a plan (256 MiB); larger files get a finding.
pub const MAX_FILE_SIZE: usize = 256 * 1024 * 1024;

/// Parses a file's bytes.
///
/// # Errors
///
/// Returns a finding when the bytes are not a readable plan: not UTF-8 (with
/// the byte offset of the first bad byte), binary, or too large.
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<Document, Box<Diagnostic>> {
    if bytes.len() > MAX_FILE_SIZE {
        return Err(Box::new(
            Diagnostic::new(
                Code::TooLarge,
                Severity::Error,
                path,
                None,
                format!(
                    "file is {} MiB, more than the {} MiB a plan may be",
                    bytes.len() >> 20,
                    MAX_FILE_SIZE >> 20
                ),
            )
            .with_help("split the plan into several documents"),
        ));
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(Box::new(
            Diagnostic::new(
                Code::NotText,
                Severity::Error,
                path,
                None,
                "file is binary, not Markdown text".into(),
            )
            .with_help("only Markdown files are read as plans; exclude this file in planmark.toml"),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(parse_str(path, text)),
        Err(e) => {
            let at = e.valid_up_to();
            let line = memchr::memchr_iter(b'\n', &bytes[..at]).count() as u32 + 1;
            Err(Box::new(
                Diagnostic::new(
                    Code::NotText,
                    Severity::Error,
                    path,
                    Some(crate::model::Span {
                        start: at,
                        end: at + e.error_len().unwrap_or(1),
                        line,
                    }),
                    format!("invalid UTF-8 at byte {at} (line {line})"),
                )
                .with_help("save the file as UTF-8"),
            ))
        }
    }
}

/// Parses a document's text. Never fails: what cannot be understood becomes
/// a finding in [`Document::findings`].
#[must_use]
pub fn parse_str(path: &str, text: &str) -> Document {
    let bom = text.starts_with('\u{feff}');
    let base = if bom { 3 } else { 0 };
    let lines = blocks::Lines::new(text);
    let mut doc = Document {
        path: path.to_owned(),
        source: text.into(),
        bom,
        line_ending: line_ending(text),
        ..Document::default()
    };
    let (fm, body_start) = frontmatter::read(path, text, base, &lines, &mut doc.findings);
    doc.front_matter = fm;
    let walked = blocks::walk(&text[body_start..], body_start, &lines);
    for span in &walked.unclosed_fences {
        doc.findings.push(
            Diagnostic::new(
                Code::UnclosedFence,
                Severity::Warning,
                path,
                Some(*span),
                format!("code fence opened on line {} is never closed; the rest of the document is read as code", span.line),
            )
            .with_help("close the fence with a line of ``` (or the same fence characters)"),
        );
    }
    build::build(&mut doc, text, walked, &lines);
    doc
}

fn line_ending(text: &str) -> LineEnding {
    let b = text.as_bytes();
    let lf = memchr::memchr_iter(b'\n', b).count();
    let crlf = memchr::memchr_iter(b'\n', b)
        .filter(|&i| i > 0 && b[i - 1] == b'\r')
        .count();
    if crlf * 2 > lf {
        LineEnding::Crlf
    } else {
        LineEnding::Lf
    }
}
