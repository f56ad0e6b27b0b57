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
    parse_bytes_with(path, bytes, &ReadOptions::default())
}

/// Parses a file's bytes with the reading corrected by `opts`.
///
/// # Errors
///
/// As [`parse_bytes`].
pub fn parse_bytes_with(
    path: &str,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<Document, Box<Diagnostic>> {
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
        Ok(text) => Ok(parse_with(path, text, opts)),
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
    parse_with(path, text, &ReadOptions::default())
}

/// Which items of a plan are its tasks, when the user says so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskRule {
    /// planmark decides from the sections, the tracking unit and each
    /// item's shape (the reading model).
    #[default]
    Auto,
    /// Only checkbox items are tasks.
    Checkboxes,
    /// Every top-level item of a work section is a task, checkbox or not.
    Items,
}

/// Corrections to the reading, from `[read]` in planmark.toml or a plan's
/// front matter (`planmark: {tasks: checkboxes, not-tasks: [Notes]}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReadOptions {
    /// Which items are tasks.
    pub tasks: TaskRule,
    /// Headings whose sections hold no tasks; case-insensitive, `*` at
    /// either end matches any text (`Acceptance*`, `*notes`).
    pub not_tasks: Vec<String>,
    /// Record how each block was read in [`Document::reading`] (for
    /// `planmark tasks --explain`); off otherwise, as it costs memory.
    #[serde(skip)]
    pub explain: bool,
}

impl ReadOptions {
    /// Whether a heading is one of `not_tasks`.
    pub(crate) fn mutes(&self, heading: &str) -> bool {
        if self.not_tasks.is_empty() {
            return false;
        }
        let h = heading.trim().to_lowercase();
        self.not_tasks.iter().any(|p| {
            let p = p.trim().to_lowercase();
            match (p.strip_prefix('*'), p.strip_suffix('*')) {
                (Some(rest), _) if rest.ends_with('*') => h.contains(rest.trim_end_matches('*')),
                (Some(rest), None) => h.ends_with(rest),
                (None, Some(head)) => h.starts_with(head),
                _ => h == p,
            }
        })
    }

    /// These options corrected by a plan's front matter `planmark:` map.
    fn with_front_matter(&self, fm: Option<&crate::model::FrontMatter>) -> Result<Self, String> {
        let Some(v) = fm.and_then(|f| f.fields.get("planmark")) else {
            return Ok(self.clone());
        };
        let own: ReadOptions = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
        let mut out = self.clone();
        if own.tasks != TaskRule::Auto {
            out.tasks = own.tasks;
        }
        out.not_tasks.extend(own.not_tasks);
        Ok(out)
    }
}

/// Parses a document's text with the reading corrected by `opts` (and by
/// the document's own front matter).
#[must_use]
pub fn parse_with(path: &str, text: &str, opts: &ReadOptions) -> Document {
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
    let unwrapped = unwrap_tables(&text[body_start..]);
    let walked = blocks::walk(
        unwrapped.as_deref().unwrap_or(&text[body_start..]),
        body_start,
        &lines,
    );
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
    let opts = match opts.with_front_matter(doc.front_matter.as_ref()) {
        Ok(o) => o,
        Err(e) => {
            doc.findings.push(
                Diagnostic::new(
                    Code::FrontMatter,
                    Severity::Warning,
                    path,
                    doc.front_matter.as_ref().map(|f| f.span),
                    format!("front matter `planmark:` cannot be read: {e}"),
                )
                .with_help("write `planmark: {tasks: checkboxes}` (auto, checkboxes or items) or `planmark: {not-tasks: [Notes]}`"),
            );
            opts.clone()
        }
    };
    build::build(&mut doc, text, walked, &lines, &opts);
    doc
}

/// A table written right under a wrapper tag (`<center>` then `| a | b |`)
/// is, to CommonMark, part of an HTML block; its authors meant a table. The
/// tag line is blanked (same length, so every offset stays) and the table
/// reads as one. `None` when there is no such place.
fn unwrap_tables(body: &str) -> Option<String> {
    let bytes = body.as_bytes();
    // Most plans have no line that starts with a tag.
    if !body.starts_with('<') && memchr::memmem::find(bytes, b"\n<").is_none() {
        return None;
    }
    let mut out: Option<Vec<u8>> = None;
    let mut at = 0;
    let mut lines = body.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let t = line.trim();
        let wrapper = t.len() >= 3
            && t.is_ascii()
            && t.starts_with('<')
            && t.ends_with('>')
            && !t.starts_with("<!--")
            && t[1..].find('<').is_none();
        if wrapper
            && lines
                .peek()
                .is_some_and(|n| n.trim_start().starts_with('|'))
        {
            let buf = out.get_or_insert_with(|| bytes.to_vec());
            let end = at + line.trim_end_matches(['\n', '\r']).len();
            buf[at..end].fill(b' ');
        }
        at += line.len();
    }
    // Only ASCII bytes were replaced by spaces: still UTF-8.
    out.map(|b| String::from_utf8(b).unwrap_or_else(|_| body.to_owned()))
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
