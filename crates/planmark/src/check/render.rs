//! Rendering findings: rustc-style snippets for people, JSON for programs,
//! SARIF 2.1.0 for code scanning, and GitHub workflow annotations.
//!
//! Every front end renders through these functions, so a finding reads the
//! same in the terminal, in CI and in a report.

use std::collections::HashMap;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::{Value, json};

use crate::diag::{Code, Diagnostic, Severity};
use crate::model::{Span, Workspace};

/// Line starts of each document, to turn byte offsets into lines and columns.
pub struct Sources<'a> {
    texts: HashMap<&'a str, (&'a str, Vec<usize>)>,
}

/// A position: byte offset, 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Byte offset.
    pub byte: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column in Unicode scalar values, from 1.
    pub column: usize,
}

impl<'a> Sources<'a> {
    /// Indexes the documents of `ws`.
    #[must_use]
    pub fn new(ws: &'a Workspace) -> Self {
        let texts = ws
            .documents
            .iter()
            .map(|d| {
                let t: &str = &d.source;
                let mut starts = vec![0];
                starts.extend(memchr::memchr_iter(b'\n', t.as_bytes()).map(|i| i + 1));
                (d.path.as_str(), (t, starts))
            })
            .collect();
        Sources { texts }
    }

    fn text(&self, file: &str) -> Option<&'a str> {
        self.texts
            .get(file)
            .map(|(t, _)| *t)
            .filter(|t| !t.is_empty())
    }

    /// Returns the position of `byte` in `file` (line 1, column 1 when the
    /// text is not at hand).
    #[must_use]
    pub fn position(&self, file: &str, byte: usize) -> Position {
        let Some((text, starts)) = self.texts.get(file) else {
            return Position {
                byte,
                line: 1,
                column: 1,
            };
        };
        let byte = byte.min(text.len());
        let line = starts.partition_point(|&s| s <= byte);
        let start = starts[line - 1];
        let column = text.get(start..byte).map_or(1, |s| s.chars().count() + 1);
        Position { byte, line, column }
    }

    fn range(&self, file: &str, span: Span) -> (Position, Position) {
        (
            self.position(file, span.start),
            self.position(file, span.end),
        )
    }

    /// The byte range of whole lines `first..=last` (1-based), without the final newline.
    fn lines(&self, file: &str, first: usize, last: usize) -> Option<(usize, usize)> {
        let (text, starts) = self.texts.get(file)?;
        let a = *starts.get(first - 1)?;
        let b = starts.get(last).map_or(text.len(), |&s| s);
        let b = if text[a..b].ends_with('\n') { b - 1 } else { b };
        Some((a, b))
    }
}

/// How the human rendering looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Colours (for terminals).
    pub color: bool,
    /// Terminal width, for long lines.
    pub width: Option<usize>,
}

/// Renders findings as rustc-style snippets with carets, labels and help.
#[must_use]
pub fn human(ws: &Workspace, diagnostics: &[Diagnostic], style: Style) -> String {
    let sources = Sources::new(ws);
    let mut renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    if let Some(w) = style.width {
        renderer = renderer.term_width(w);
    }
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&renderer.render(&report(&sources, d)));
        out.push_str("\n\n");
    }
    out
}

/// One annotation: where, and what it says.
struct Mark<'a> {
    span: Span,
    primary: bool,
    label: Option<&'a str>,
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

fn report<'a>(sources: &Sources<'a>, d: &'a Diagnostic) -> Vec<Group<'a>> {
    let title = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.code.as_str());
    // Marks per file, the finding's own file first.
    let mut files: Vec<(&str, Vec<Mark<'a>>)> = vec![(d.file.as_str(), Vec::new())];
    let own_label = d
        .labels
        .iter()
        .find(|l| l.file.is_none() && Some(l.span) == d.span)
        .map(|l| l.message.as_str());
    if let Some(span) = d.span {
        files[0].1.push(Mark {
            span,
            primary: true,
            label: own_label,
        });
    }
    for l in &d.labels {
        if l.file.is_none() && Some(l.span) == d.span {
            continue;
        }
        let file = l.file.as_deref().unwrap_or(&d.file);
        let mark = Mark {
            span: l.span,
            primary: false,
            label: Some(l.message.as_str()),
        };
        match files.iter_mut().find(|(f, _)| *f == file) {
            Some((_, marks)) => marks.push(mark),
            None => files.push((file, vec![mark])),
        }
    }
    let mut group = Group::with_title(title);
    let mut shown = false;
    for (file, marks) in files {
        let Some(text) = sources.text(file) else {
            continue;
        };
        for cluster in clusters(sources, file, marks) {
            let first = sources.position(file, cluster[0].span.start).line;
            let last = cluster
                .iter()
                .map(|m| sources.position(file, m.span.end.max(m.span.start)).line)
                .max()
                .unwrap_or(first);
            let Some((a, b)) = sources.lines(file, first, last) else {
                continue;
            };
            let mut snippet = Snippet::source(&text[a..b]).line_start(first).path(file);
            for m in cluster {
                let s = m.span.start.clamp(a, b) - a;
                let e = m.span.end.clamp(a, b) - a;
                let kind = if m.primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                snippet = snippet.annotation(kind.span(s..e).label(m.label));
            }
            group = group.element(snippet);
            shown = true;
        }
    }
    if !shown {
        let mut origin = annotate_snippets::Origin::path(d.file.as_str());
        if let Some(span) = d.span {
            let p = sources.position(&d.file, span.start);
            origin = origin
                .line(p.line.max(span.line as usize))
                .char_column(p.column);
        }
        group = group.element(origin);
    }
    if let Some(h) = &d.help {
        group = group.element(Level::HELP.message(h.as_str()));
    }
    if let Some(f) = &d.fix {
        group = group
            .element(Level::NOTE.message(format!("`planmark check --fix` will {}", f.description)));
    }
    vec![group]
}

/// Groups marks whose lines are near each other, so each group is one
/// snippet and far-apart marks do not pull in the lines between them.
fn clusters<'a>(sources: &Sources<'_>, file: &str, mut marks: Vec<Mark<'a>>) -> Vec<Vec<Mark<'a>>> {
    marks.sort_by_key(|m| (m.span.start, !m.primary));
    let mut out: Vec<Vec<Mark<'a>>> = Vec::new();
    let mut last_line = 0;
    for m in marks {
        let line = sources.position(file, m.span.start).line;
        let end_line = sources.position(file, m.span.end).line;
        match out.last_mut() {
            Some(c) if line <= last_line + 4 => c.push(m),
            _ => out.push(vec![m]),
        }
        last_line = last_line.max(end_line);
    }
    out
}

fn position_json(p: Position) -> Value {
    json!({ "byte": p.byte, "line": p.line, "column": p.column })
}

fn range_json(sources: &Sources<'_>, file: &str, span: Span) -> Value {
    let (a, b) = sources.range(file, span);
    json!({ "start": position_json(a), "end": position_json(b) })
}

/// Renders findings as a JSON array, one object per finding, with byte and
/// line/column ranges (lines and columns from 1, columns in characters).
#[must_use]
pub fn json(ws: &Workspace, diagnostics: &[Diagnostic]) -> String {
    let sources = Sources::new(ws);
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut o = json!({
                "code": d.code.as_str(),
                "name": d.code.name(),
                "severity": d.severity.as_str(),
                "file": d.file,
                "message": d.message,
            });
            if let Some(s) = d.span {
                o["range"] = range_json(&sources, &d.file, s);
            }
            if let Some(h) = &d.help {
                o["help"] = json!(h);
            }
            if !d.labels.is_empty() {
                o["labels"] = d
                    .labels
                    .iter()
                    .map(|l| {
                        let file = l.file.as_deref().unwrap_or(&d.file);
                        json!({
                            "file": file,
                            "message": l.message,
                            "range": range_json(&sources, file, l.span),
                        })
                    })
                    .collect();
            }
            if let Some(f) = &d.fix {
                o["fix"] = json!({
                    "description": f.description,
                    "edits": f.edits.iter().map(|e| json!({
                        "range": range_json(&sources, &d.file, Span { start: e.start, end: e.end, line: 0 }),
                        "text": e.text,
                    })).collect::<Vec<_>>(),
                });
            }
            o
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
    s.push('\n');
    s
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn sarif_location(sources: &Sources<'_>, file: &str, span: Option<Span>) -> Value {
    let mut physical = json!({
        "artifactLocation": { "uri": file, "uriBaseId": "%SRCROOT%" },
    });
    if let Some(span) = span {
        let (a, b) = sources.range(file, span);
        physical["region"] = json!({
            "startLine": a.line,
            "startColumn": a.column,
            "endLine": b.line,
            "endColumn": b.column,
            "byteOffset": a.byte,
            "byteLength": b.byte - a.byte,
        });
    }
    json!({ "physicalLocation": physical })
}

/// Renders findings as a SARIF 2.1.0 log, for code-scanning upload.
#[must_use]
pub fn sarif(ws: &Workspace, diagnostics: &[Diagnostic]) -> String {
    let sources = Sources::new(ws);
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": c.name(),
                "shortDescription": { "text": c.summary() },
                "defaultConfiguration": { "level": sarif_level(c.default_severity()) },
                "help": { "text": format!("See docs/rules.md, {} {}.", c.as_str(), c.name()) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                let _ = write!(text, "\nhelp: {h}");
            }
            let mut r = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [sarif_location(&sources, &d.file, d.span)],
            });
            if !d.labels.is_empty() {
                r["relatedLocations"] = d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let mut loc =
                            sarif_location(&sources, l.file.as_deref().unwrap_or(&d.file), Some(l.span));
                        loc["id"] = json!(i + 1);
                        loc["message"] = json!({ "text": l.message });
                        loc
                    })
                    .collect();
            }
            if let Some(f) = &d.fix {
                r["fixes"] = json!([{
                    "description": { "text": f.description },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": d.file, "uriBaseId": "%SRCROOT%" },
                        "replacements": f.edits.iter().map(|e| json!({
                            "deletedRegion": { "byteOffset": e.start, "byteLength": e.end - e.start },
                            "insertedContent": { "text": e.text },
                        })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            r
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "planmark",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Renders findings as GitHub Actions workflow commands (`::error file=...`),
/// which show up as annotations on the pull request.
#[must_use]
pub fn github(ws: &Workspace, diagnostics: &[Diagnostic]) -> String {
    let sources = Sources::new(ws);
    let mut out = String::new();
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let _ = write!(out, "::{kind} file={}", escape_property(&d.file));
        if let Some(span) = d.span {
            let (a, b) = sources.range(&d.file, span);
            let _ = write!(out, ",line={},col={}", a.line, a.column);
            if b.line == a.line {
                let _ = write!(out, ",endColumn={}", b.column);
            } else {
                let _ = write!(out, ",endLine={}", b.line);
            }
        }
        let title = format!("{} {}", d.code.as_str(), d.code.name());
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            let _ = write!(message, "\nhelp: {h}");
        }
        let _ = writeln!(
            out,
            ",title={}::{}",
            escape_property(&title),
            escape_data(&message)
        );
    }
    out
}

/// Counts per document of template text left in place, for the summary.
#[must_use]
pub fn template_counts(diagnostics: &[Diagnostic]) -> Vec<(&str, usize)> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for d in diagnostics {
        if matches!(d.code, Code::TemplatePlaceholder | Code::EmptySection) {
            match counts.last_mut() {
                Some((f, n)) if *f == d.file => *n += 1,
                _ => counts.push((d.file.as_str(), 1)),
            }
        }
    }
    counts
}

/// The closing lines of the human rendering: template text per document,
/// then the counts.
#[must_use]
pub fn summary(diagnostics: &[Diagnostic], documents: usize) -> String {
    let mut out = String::new();
    for (file, n) in template_counts(diagnostics) {
        let _ = writeln!(
            out,
            "{file}: {n} piece{} of template text left (PM013, PM014)",
            if n == 1 { "" } else { "s" }
        );
    }
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let (e, w, n) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let plans = plural(documents, "plan");
    if e + w + n == 0 {
        let _ = writeln!(out, "checked {plans}: no problems found");
    } else {
        let mut parts = vec![plural(e, "error"), plural(w, "warning")];
        if n > 0 {
            parts.push(plural(n, "note"));
        }
        let fixable = diagnostics.iter().filter(|d| d.fix.is_some()).count();
        let _ = write!(out, "checked {plans}: {}", parts.join(", "));
        if fixable > 0 {
            let _ = write!(out, " ({fixable} fixable with `planmark check --fix`)");
        }
        out.push('\n');
    }
    out
}
