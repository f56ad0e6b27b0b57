//! Operations on tasks, as replacements by span, written in the form the
//! document already uses.

use unicode_width::UnicodeWidthStr;

use crate::diag::Replacement;
use crate::model::{Document, Form, Span, Status, Task};
use crate::syntax::values;

/// Why an operation cannot be expressed in a document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpError {
    /// The task has no place to write the value and none can be added.
    #[error("{path}:{line}: task `{id}` has no {what} planmark can change")]
    NoPlace {
        /// The document.
        path: String,
        /// The task's line.
        line: u32,
        /// The task id.
        id: String,
        /// What was to be written: "status".
        what: &'static str,
    },
}

/// The checkbox character for a status, following the document's own
/// habits (`X` or `x`, `~` or `/`).
fn marker_char(doc: &Document, to: Status) -> char {
    let used = |c: char| {
        doc.tasks.iter().any(|t| {
            t.origin
                .marker
                .and_then(|m| doc.source.get(m.start + 1..m.end - 1))
                .is_some_and(|s| s.starts_with(c))
        })
    };
    match to {
        Status::Todo => ' ',
        Status::Done if used('X') && !used('x') => 'X',
        Status::Done => 'x',
        Status::InProgress if used('/') && !used('~') => '/',
        Status::InProgress => '~',
        Status::Cancelled => '-',
        Status::Blocked => '!',
    }
}

/// The word for a status in a Status cell: the one the document already
/// uses most for it, else a plain default.
fn status_word(doc: &Document, to: Status) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for t in &doc.tasks {
        for c in &t.origin.cells {
            if c.column.eq_ignore_ascii_case("status")
                && values::status_word(&c.text) == Some(to)
                && !c.text.is_empty()
            {
                match counts.iter_mut().find(|(w, _)| *w == c.text) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((&c.text, 1)),
                }
            }
        }
    }
    if let Some((w, _)) = counts.iter().max_by_key(|(_, n)| *n) {
        return (*w).to_owned();
    }
    match to {
        Status::Todo => "Todo",
        Status::InProgress => "In progress",
        Status::Done => "Done",
        Status::Blocked => "Blocked",
        Status::Cancelled => "Cancelled",
    }
    .to_owned()
}

/// The emoji for a status, for documents that mark status with emoji.
fn status_emoji(to: Status) -> Option<&'static str> {
    match to {
        Status::Todo => None,
        Status::InProgress => Some("🚧"),
        Status::Done => Some("✅"),
        Status::Blocked => Some("⛔"),
        Status::Cancelled => Some("❌"),
    }
}

/// Replaces the text of a table cell. The cell keeps its width when the
/// new text fits (the padding after it absorbs the difference); when it does
/// not and the table is aligned, the whole column is widened so the table
/// stays aligned.
#[must_use]
pub fn set_cell(doc: &Document, cell: Span, text: &str) -> Vec<Replacement> {
    let src: &str = &doc.source;
    let old = src.get(cell.start..cell.end).unwrap_or("");
    // Spaces after the cell's text, up to one before the closing pipe.
    let pad = src[cell.end..].bytes().take_while(|&b| b == b' ').count();
    let slack = pad.saturating_sub(1);
    // Widths as a terminal or editor shows them: `漢` and `✅` take two columns.
    let old_w = UnicodeWidthStr::width(old);
    let new_w = UnicodeWidthStr::width(text);
    let (end, fill, short) = if new_w <= old_w {
        (cell.end, old_w - new_w, 0)
    } else if new_w - old_w <= slack {
        (cell.end + (new_w - old_w), 0, 0)
    } else {
        (cell.end + slack, 0, new_w - old_w - slack)
    };
    // An empty cell's span sits at the pipe or in the padding: keep a space before.
    let lead = if old.is_empty() && !src[..cell.start].ends_with(' ') {
        " "
    } else {
        ""
    };
    // Never write text against the closing pipe.
    let tail = if fill == 0 && src[end..].starts_with('|') {
        " "
    } else {
        ""
    };
    let mut edits = vec![Replacement {
        start: cell.start,
        end,
        text: format!("{lead}{text}{}{tail}", " ".repeat(fill)),
    }];
    if short > 0 {
        edits.extend(widen_column(src, cell, short + lead.len() + tail.len()));
    }
    edits
}

/// The display columns of the unescaped pipes of a table line.
fn pipe_columns(line: &str) -> Vec<usize> {
    let mut cols = Vec::new();
    let mut col = 0;
    let mut prev = '\0';
    for c in line.chars() {
        if c == '|' && prev != '\\' {
            cols.push(col);
        }
        col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        prev = c;
    }
    cols
}

/// When the table holding `cell` is aligned (every line's pipes in the same
/// columns), pads the column of `cell` by `extra` in every other line:
/// spaces before the closing pipe, dashes in the delimiter row.
fn widen_column(src: &str, cell: Span, extra: usize) -> Vec<Replacement> {
    let line_start = |at: usize| src[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |at: usize| {
        let e = src[at..].find('\n').map_or(src.len(), |i| at + i);
        if src[..e].ends_with('\r') { e - 1 } else { e }
    };
    let is_row = |a: usize| src[a..line_end(a)].trim_start().starts_with('|');
    let row = line_start(cell.start);
    let mut first = row;
    while first > 0 {
        let prev = line_start(first - 1);
        if !is_row(prev) {
            break;
        }
        first = prev;
    }
    let mut lines = Vec::new();
    let mut at = first;
    while at < src.len() && is_row(at) {
        lines.push(at);
        let e = line_end(at);
        at = src[e..].find('\n').map_or(src.len(), |i| e + i + 1);
    }
    let cols: Vec<Vec<usize>> = lines
        .iter()
        .map(|&a| pipe_columns(&src[a..line_end(a)]))
        .collect();
    if cols.is_empty() || cols.iter().any(|c| c != &cols[0]) {
        return Vec::new();
    }
    // The cell's column: the pipes before it on its line.
    let index = pipe_columns(&src[row..cell.start]).len();
    let mut edits = Vec::new();
    for &a in &lines {
        if a == row {
            continue;
        }
        let line = &src[a..line_end(a)];
        // The byte offset of the pipe closing the column.
        let mut seen = 0;
        let mut prev = '\0';
        for (i, c) in line.char_indices() {
            if c == '|' && prev != '\\' {
                seen += 1;
                if seen == index + 1 {
                    let delimiter = line
                        .trim()
                        .trim_matches('|')
                        .chars()
                        .all(|c| matches!(c, '-' | ':' | '|' | ' '));
                    // In the delimiter row, dashes go before a closing colon.
                    let at = if delimiter && line[..i].ends_with(':') {
                        a + i - 1
                    } else {
                        a + i
                    };
                    edits.push(Replacement {
                        start: at,
                        end: at,
                        text: (if delimiter { "-" } else { " " }).repeat(extra),
                    });
                    break;
                }
            }
            prev = c;
        }
    }
    edits
}

/// Returns the replacements that give `task` the status `to`, in the form
/// the task already has: its checkbox, its Status cell, its status emoji, its
/// `Status:` line. A list item without a checkbox gets one; a heading gets
/// an emoji.
///
/// # Errors
///
/// Returns [`OpError::NoPlace`] for a table row without a Status column.
pub fn set_status(doc: &Document, task: &Task, to: Status) -> Result<Vec<Replacement>, OpError> {
    let src: &str = &doc.source;
    let o = &task.origin;
    if let Some(m) = o.marker {
        let inner = m.start + 1;
        let len = src[inner..].chars().next().map_or(0, char::len_utf8);
        return Ok(vec![Replacement {
            start: inner,
            end: inner + len,
            text: marker_char(doc, to).to_string(),
        }]);
    }
    if let Some(c) = o
        .cells
        .iter()
        .find(|c| c.column.eq_ignore_ascii_case("status"))
    {
        return Ok(set_cell(doc, c.span, &status_word(doc, to)));
    }
    // A status emoji in the item's own text.
    let text_span = o.text.unwrap_or(o.span);
    let first_end = src[text_span.start..text_span.end]
        .find('\n')
        .map_or(text_span.end, |i| text_span.start + i);
    let text = &src[text_span.start..first_end];
    if let Some((i, c)) = text
        .char_indices()
        .find(|&(_, c)| values::status_emoji(c).is_some())
    {
        let start = text_span.start + i;
        let mut end = start + c.len_utf8();
        if src[end..].starts_with('\u{fe0f}') {
            end += '\u{fe0f}'.len_utf8();
        }
        return Ok(vec![match status_emoji(to) {
            Some(e) => Replacement {
                start,
                end,
                text: e.to_owned(),
            },
            // Todo: the emoji goes, with one space beside it.
            None => {
                let (s, e) = if src[end..].starts_with(' ') {
                    (start, end + 1)
                } else if src[..start].ends_with(' ') {
                    (start - 1, end)
                } else {
                    (start, end)
                };
                Replacement {
                    start: s,
                    end: e,
                    text: String::new(),
                }
            }
        }]);
    }
    if o.form == Form::Heading
        && let Some(v) = attribute_line(doc, task, &["status"])
    {
        return Ok(vec![Replacement {
            start: v.start,
            end: v.end,
            text: status_word(doc, to),
        }]);
    }
    match o.form {
        Form::ListItem => {
            // Make the item a task-list item: `- Build` becomes `- [x] Build`.
            let at = o.text.map_or(o.span.start, |t| t.start);
            Ok(vec![Replacement {
                start: at,
                end: at,
                text: format!("[{}] ", marker_char(doc, to)),
            }])
        }
        Form::Heading => {
            let end = first_end;
            let end = if src[..end].ends_with('\r') {
                end - 1
            } else {
                end
            };
            Ok(match status_emoji(to) {
                Some(e) => vec![Replacement {
                    start: end,
                    end,
                    text: format!(" {e}"),
                }],
                None => Vec::new(),
            })
        }
        Form::TableRow => add_column(
            doc,
            task,
            "Status",
            |t| status_word(doc, t.status),
            &status_word(doc, to),
        ),
        Form::Line => front_matter_status(doc, task, to).ok_or_else(|| OpError::NoPlace {
            path: doc.path.clone(),
            line: o.span.line,
            id: task.id.clone(),
            what: "status",
        }),
    }
}

/// The `status:` value of a front-matter to-do entry (`- id: ...` with
/// `status: pending` below it), in the words such lists use.
fn front_matter_status(doc: &Document, task: &Task, to: Status) -> Option<Vec<Replacement>> {
    let fm = doc.front_matter.as_ref()?;
    let o = &task.origin;
    if !(fm.span.start <= o.span.start && o.span.end <= fm.span.end) {
        return None;
    }
    let src: &str = &doc.source;
    let line_start = src[..o.span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = o.span.start - line_start;
    // The entry's own line, then its deeper lines.
    let mut at = line_start;
    let mut first = true;
    for line in src[line_start..fm.span.end].split_inclusive('\n') {
        let t = line.trim_start();
        let ind = line.len() - t.len();
        if !first && (ind <= indent || t.starts_with("---")) {
            break;
        }
        let key_at = if first { ind + 2 } else { ind };
        let body = line.get(key_at..).unwrap_or("");
        if let Some(rest) = body.strip_prefix("status:") {
            let value = rest.trim_end_matches(['\n', '\r']);
            let lead = value.len() - value.trim_start().len();
            let start = at + key_at + "status:".len() + lead;
            let end = at + key_at + "status:".len() + value.trim_end().len();
            let word = match to {
                Status::Todo => "pending",
                Status::InProgress => "in_progress",
                Status::Done => "completed",
                Status::Blocked => "blocked",
                Status::Cancelled => "cancelled",
            };
            return Some(vec![Replacement {
                start,
                end,
                text: word.to_owned(),
            }]);
        }
        first = false;
        at += line.len();
    }
    None
}

/// Adds a column named `name` at the end of the table holding `task`'s
/// row: the header gets the name, the delimiter row a dash run, `task`'s row
/// `value`, the other task rows `others(task)`, other rows nothing.
///
/// # Errors
///
/// Returns [`OpError::NoPlace`] when the row is not in a table.
pub fn add_column(
    doc: &Document,
    task: &Task,
    name: &str,
    others: impl Fn(&Task) -> String,
    value: &str,
) -> Result<Vec<Replacement>, OpError> {
    let src: &str = &doc.source;
    let no_place = || OpError::NoPlace {
        path: doc.path.clone(),
        line: task.origin.span.line,
        id: task.id.clone(),
        what: "table",
    };
    let line_start = |at: usize| src[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |at: usize| src[at..].find('\n').map_or(src.len(), |i| at + i);
    let is_row = |a: usize, b: usize| src[a..b].trim_start().starts_with('|');
    let row = line_start(task.origin.span.start);
    if !is_row(row, line_end(row)) {
        return Err(no_place());
    }
    // The table: the rows above and below that are table lines.
    let mut first = row;
    while first > 0 {
        let prev = line_start(first - 1);
        if !is_row(prev, first - 1) {
            break;
        }
        first = prev;
    }
    let mut edits = Vec::new();
    let mut at = first;
    let mut index = 0;
    while at < src.len() {
        let end = line_end(at);
        if !is_row(at, end) {
            break;
        }
        let content_end = at + src[at..end].trim_end().len();
        let closed = src[at..content_end].ends_with('|');
        let cell = match index {
            0 => name.to_owned(),
            1 => "-".repeat(name.len().max(3)),
            _ if at == row => value.to_owned(),
            _ => doc
                .tasks
                .iter()
                .find(|t| t.origin.span.start >= at && t.origin.span.start < end)
                .map_or_else(String::new, &others),
        };
        let text = match (closed, index) {
            (true, 1) => format!("{cell}|"),
            (true, _) => format!(" {cell} |"),
            (false, _) => format!(" | {cell}"),
        };
        edits.push(Replacement {
            start: content_end,
            end: content_end,
            text,
        });
        index += 1;
        at = end + 1;
    }
    if index < 3 {
        return Err(no_place());
    }
    Ok(edits)
}

/// A task attribute `planmark set` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Attribute {
    /// Who does it: `@alice`.
    Owner,
    /// How long it takes: `2d`, `1d/2d/5d`.
    Estimate,
    /// `High`, `P1`.
    Priority,
    /// The due date, `2026-12-01`.
    Due,
    /// Dependencies: `1.1, 1.2`.
    Depends,
    /// The tracker issue: `#123`.
    Issue,
}

impl Attribute {
    /// Every attribute.
    pub const ALL: [Attribute; 6] = [
        Attribute::Owner,
        Attribute::Estimate,
        Attribute::Priority,
        Attribute::Due,
        Attribute::Depends,
        Attribute::Issue,
    ];

    /// Reads a key as written on the command line.
    #[must_use]
    pub fn parse(key: &str) -> Option<Attribute> {
        Some(match key.trim().to_ascii_lowercase().as_str() {
            "owner" | "assignee" | "who" => Attribute::Owner,
            "estimate" | "est" | "effort" => Attribute::Estimate,
            "priority" | "prio" => Attribute::Priority,
            "due" | "deadline" => Attribute::Due,
            "depends" | "depends-on" | "deps" | "after" | "dependencies" => Attribute::Depends,
            "issue" | "ticket" => Attribute::Issue,
            _ => return None,
        })
    }

    /// The key as written.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Attribute::Owner => "owner",
            Attribute::Estimate => "estimate",
            Attribute::Priority => "priority",
            Attribute::Due => "due",
            Attribute::Depends => "depends",
            Attribute::Issue => "issue",
        }
    }

    /// The column a table holds the attribute in, when it adds one.
    #[must_use]
    pub fn column(self) -> &'static str {
        match self {
            Attribute::Owner => "Owner",
            Attribute::Estimate => "Estimate",
            Attribute::Priority => "Priority",
            Attribute::Due => "Due",
            Attribute::Depends => "Dependencies",
            Attribute::Issue => "Issue",
        }
    }

    /// The attribute written inline after a list item or heading.
    #[must_use]
    pub fn inline(self, value: &str) -> String {
        match self {
            Attribute::Owner => format!(" @{}", value.trim_start_matches('@')),
            Attribute::Estimate => format!(" ({value})"),
            Attribute::Priority => format!(" (priority: {value})"),
            Attribute::Due => format!(" (due: {value})"),
            Attribute::Depends => format!(" (depends on {value})"),
            Attribute::Issue => format!(" (#{})", value.trim_start_matches('#')),
        }
    }

    /// The keys of a heading task's attribute lines.
    fn line_keys(self) -> &'static [&'static str] {
        match self {
            Attribute::Owner => &["owner", "assignee", "assigned to"],
            Attribute::Estimate => &["estimate", "effort", "duration", "estimated time"],
            Attribute::Priority => &["priority"],
            Attribute::Due => &["due date", "due", "deadline"],
            Attribute::Depends => &["depends on", "dependencies", "depends"],
            Attribute::Issue => &["issue"],
        }
    }

    /// Whether `task` as read back holds `value` for this attribute.
    #[must_use]
    pub fn holds(self, task: &Task, value: &str) -> bool {
        let v = value.trim();
        match self {
            Attribute::Owner => {
                let name = v.trim_start_matches('@');
                task.resources
                    .iter()
                    .any(|r| r.name.eq_ignore_ascii_case(name))
            }
            Attribute::Estimate => match (&task.estimate, values::effort(v, None)) {
                (Some(e), Some(want)) => e == &want,
                _ => false,
            },
            Attribute::Priority => {
                task.priority.as_ref().and_then(|p| p.level) == values::priority_level(v)
            }
            Attribute::Due => task.due.is_some() && task.due == values::date(v),
            Attribute::Depends => {
                let want: Vec<String> = values::dependencies(v, false)
                    .0
                    .into_iter()
                    .map(|d| d.text.trim().to_owned())
                    .collect();
                let have: Vec<String> = task
                    .dependencies
                    .iter()
                    .map(|d| d.text.trim().to_owned())
                    .collect();
                want == have
            }
            Attribute::Issue => task.issue.is_some() && task.issue == values::issue_number(v),
        }
    }

    /// The value's text as the task has it now, to find it in the source.
    fn written(self, task: &Task) -> Option<String> {
        match self {
            Attribute::Owner => task.resources.first().map(|r| r.name.clone()),
            Attribute::Estimate => task.estimate.as_ref().map(|e| e.text().to_owned()),
            Attribute::Priority => task.priority.as_ref().map(|p| p.text.clone()),
            Attribute::Due => task.due.map(|d| d.to_string()),
            Attribute::Depends => None,
            Attribute::Issue => task.issue.map(|n| format!("#{n}")),
        }
    }
}

/// Returns the replacements that set `attr` of `task` to `value`: the cell
/// of its column (a column is added when the table has none), the value of
/// a heading task's attribute line, or the attribute in a list item's text
/// (replaced where it is written, else added at the end of the line).
///
/// # Errors
///
/// Returns [`OpError::NoPlace`] when the task is written in no form that
/// can carry the attribute.
pub fn set_attribute(
    doc: &Document,
    task: &Task,
    attr: Attribute,
    value: &str,
) -> Result<Vec<Replacement>, OpError> {
    let src: &str = &doc.source;
    let o = &task.origin;
    let value = value.trim();
    if o.form == Form::TableRow {
        if let Some(c) = o.cells.iter().find(|c| {
            crate::syntax::tables::column_kind(&c.column) == attr.name()
                // An Issue column that holds the task's title is not one.
                && (attr != Attribute::Issue
                    || c.text.trim().is_empty()
                    || values::issue_number(&c.text).is_some())
        }) {
            // Owners are written the way the cell writes them: `@alice` or `Alice`.
            let value =
                if attr == Attribute::Owner && !c.text.starts_with('@') && !c.text.is_empty() {
                    value.trim_start_matches('@')
                } else {
                    value
                };
            return Ok(set_cell(doc, c.span, value));
        }
        let taken = o
            .cells
            .iter()
            .any(|c| crate::syntax::tables::column_kind(&c.column) == attr.name());
        let column = if taken && attr == Attribute::Issue {
            "GitHub issue"
        } else {
            attr.column()
        };
        return add_column(doc, task, column, |_| String::new(), value);
    }
    if o.form == Form::Heading
        && let Some(v) = attribute_line(doc, task, attr.line_keys())
    {
        return Ok(vec![Replacement {
            start: v.start,
            end: v.end,
            text: value.to_owned(),
        }]);
    }
    let span = o.text.unwrap_or(o.span);
    let line_end = src[span.start..span.end]
        .find('\n')
        .map_or(span.end, |i| span.start + i);
    let line = &src[span.start..line_end];
    // Dependencies: from the first written to the last.
    if attr == Attribute::Depends {
        let spans: Vec<Span> = task.dependencies.iter().filter_map(|d| d.span).collect();
        if !spans.is_empty() && spans.len() == task.dependencies.len() {
            let start = spans.iter().map(|s| s.start).min().unwrap_or(0);
            let end = spans.iter().map(|s| s.end).max().unwrap_or(0);
            return Ok(vec![Replacement {
                start,
                end,
                text: value.to_owned(),
            }]);
        }
    } else if let Some(old) = attr.written(task).filter(|w| !w.is_empty())
        && let Some(i) = line.rfind(old.as_str())
    {
        let start = span.start + i;
        let text = if attr == Attribute::Owner {
            value.trim_start_matches('@').to_owned()
        } else {
            value.to_owned()
        };
        return Ok(vec![Replacement {
            start,
            end: start + old.len(),
            text,
        }]);
    }
    if matches!(o.form, Form::ListItem | Form::Heading) {
        let end = span.start + line.trim_end().len();
        return Ok(vec![Replacement {
            start: end,
            end,
            text: attr.inline(value),
        }]);
    }
    Err(OpError::NoPlace {
        path: doc.path.clone(),
        line: o.span.line,
        id: task.id.clone(),
        what: attr.name(),
    })
}

/// Finds a heading task's `key: value` line for one of `keys` and returns
/// the value's span.
fn attribute_line(doc: &Document, task: &Task, keys: &[&str]) -> Option<Span> {
    let src: &str = &doc.source;
    let mut at = src[task.origin.span.end..].find('\n')? + task.origin.span.end + 1;
    let mut line = task.origin.span.line + 1;
    while at < src.len() {
        let end = src[at..].find('\n').map_or(src.len(), |i| at + i);
        let l = &src[at..end];
        let t = l.trim_start();
        if t.starts_with('#') {
            return None;
        }
        let body = t
            .trim_start_matches(['-', '*', '+', ' '])
            .trim_start_matches(['*', '_']);
        for key in keys {
            // Keys are ASCII: matching bytes end on a character boundary.
            if body.len() > key.len()
                && body.as_bytes()[..key.len()].eq_ignore_ascii_case(key.as_bytes())
            {
                let rest = body[key.len()..]
                    .trim_start_matches(['*', '_'])
                    .trim_start();
                if let Some(v) = rest.strip_prefix(':') {
                    let v = v.trim_start_matches(['*', '_', ' ']);
                    let s = at + (l.len() - v.len());
                    return Some(Span {
                        start: s,
                        end: s + v.trim_end_matches([' ', '\r']).len(),
                        line,
                    });
                }
            }
        }
        at = end + 1;
        line += 1;
    }
    None
}

/// A task to add with `planmark add`.
#[derive(Debug, Clone, Default)]
pub struct NewTask<'a> {
    /// The title.
    pub title: &'a str,
    /// An estimate, as written: `2d`.
    pub estimate: Option<&'a str>,
    /// An owner: `@alice`.
    pub owner: Option<&'a str>,
    /// Dependencies, as written: `1.2, 1.3`.
    pub depends: Option<&'a str>,
}

/// The id after `id` in its sequence: `2.3` → `2.4`, `T012` → `T013`,
/// `API-3` → `API-4`; `None` for ids without a trailing number.
#[must_use]
pub fn next_id(id: &str) -> Option<String> {
    let digits = id.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (head, num) = id.split_at(id.len() - digits);
    let n: u64 = num.parse().ok()?;
    Some(format!("{head}{:0width$}", n + 1, width = digits))
}

/// Returns the replacement that adds `new` after `last`, the last task of
/// its phase, in the same form: the next list item (same bullet, checkbox
/// and id scheme, unticked) or the next table row. With no `last`, a list
/// item goes right after the phase heading at `heading`.
///
/// # Errors
///
/// Returns [`OpError::NoPlace`] for tasks written as headings.
pub fn insert_task(
    doc: &Document,
    last: Option<&Task>,
    heading: Option<Span>,
    new: &NewTask<'_>,
) -> Result<(Replacement, Option<String>), OpError> {
    let src: &str = &doc.source;
    let eol = if doc.line_ending == crate::model::LineEnding::Crlf {
        "\r\n"
    } else {
        "\n"
    };
    let line_end = |at: usize| src[at..].find(['\r', '\n']).map_or(src.len(), |i| at + i);
    let attrs = || {
        let mut s = String::new();
        for (attr, v) in [
            (Attribute::Estimate, new.estimate),
            (Attribute::Owner, new.owner),
            (Attribute::Depends, new.depends),
        ] {
            if let Some(v) = v {
                s.push_str(&attr.inline(v));
            }
        }
        s
    };
    let Some(last) = last else {
        let at = heading.map_or(src.len(), |h| line_end(h.start));
        return Ok((
            Replacement {
                start: at,
                end: at,
                text: format!("{eol}{eol}- [ ] {}{}", new.title, attrs()),
            },
            None,
        ));
    };
    let o = &last.origin;
    let id = match last.id_source {
        crate::model::IdSource::Slug => None,
        _ => next_id(&last.id),
    };
    match o.form {
        Form::TableRow => {
            let at = line_end(o.span.start);
            let cells: Vec<String> = o
                .cells
                .iter()
                .map(|c| {
                    let kind = crate::syntax::tables::column_kind(&c.column);
                    let col = c.column.to_lowercase();
                    let v: Option<String> = match kind {
                        "estimate" => new.estimate.map(str::to_owned),
                        "owner" => new.owner.map(|o| {
                            if c.text.starts_with('@') {
                                format!("@{}", o.trim_start_matches('@'))
                            } else {
                                o.trim_start_matches('@').to_owned()
                            }
                        }),
                        "depends" => Some(new.depends.unwrap_or("None").to_owned())
                            .filter(|_| new.depends.is_some() || !c.text.is_empty()),
                        // The column's own way of saying todo (often an empty cell).
                        "status" if values::status_word(&c.text) == Some(Status::Todo) => {
                            Some(c.text.clone())
                        }
                        "status" => Some(status_word(doc, Status::Todo)),
                        _ if Some(c.text.as_str()) == Some(last.id.as_str()) => id.clone(),
                        _ if c.text.contains(&last.title)
                            || col.starts_with("task")
                            || col == "title"
                            || col == "work"
                            || col == "action"
                            || col == "item" =>
                        {
                            Some(new.title.to_owned())
                        }
                        _ => None,
                    };
                    v.unwrap_or_default()
                })
                .collect();
            Ok((
                Replacement {
                    start: at,
                    end: at,
                    text: format!("{eol}| {} |", cells.join(" | ")),
                },
                id,
            ))
        }
        Form::ListItem => {
            let line_start = src[..o.span.start].rfind('\n').map_or(0, |i| i + 1);
            let text_start = o.text.map_or(o.span.start, |t| t.start);
            // `- [x] ` or `3. ` as written, unticked and renumbered.
            let mut lead = src[line_start..text_start].to_owned();
            if let Some(m) = o.marker {
                let inner = m.start + 1 - line_start;
                if inner < lead.len() {
                    let len = lead[inner..].chars().next().map_or(0, char::len_utf8);
                    lead.replace_range(inner..inner + len, " ");
                }
            }
            let indent = lead.len() - lead.trim_start().len();
            let n = lead[indent..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if n > 0
                && let Ok(k) = lead[indent..indent + n].parse::<u64>()
            {
                lead.replace_range(indent..indent + n, &(k + 1).to_string());
            }
            // The id prefix as written (`Task 2.3: `), with the next id.
            let first = &src[text_start..line_end(text_start)];
            let prefix = match (&id, first.find(last.title.as_str())) {
                (Some(new_id), Some(i)) if i > 0 => first[..i].replacen(&last.id, new_id, 1),
                _ => String::new(),
            };
            let at = {
                let e = o.span.end.min(src.len());
                let e = src[..e].trim_end_matches(['\n', '\r']).len();
                line_end(e.max(o.span.start))
            };
            Ok((
                Replacement {
                    start: at,
                    end: at,
                    text: format!("{eol}{lead}{prefix}{}{}", new.title, attrs()),
                },
                id,
            ))
        }
        Form::Heading | Form::Line => Err(OpError::NoPlace {
            path: doc.path.clone(),
            line: o.span.line,
            id: last.id.clone(),
            what: "list or table to add to",
        }),
    }
}

/// Returns the replacements that record why `task` is blocked, in its own
/// form: ` (blocked: reason)` after a list item or heading, else the
/// table's Notes column (added when missing).
///
/// # Errors
///
/// Returns [`OpError::NoPlace`] when the task is in no table row, list item or heading.
pub fn set_blocked_reason(
    doc: &Document,
    task: &Task,
    reason: &str,
) -> Result<Vec<Replacement>, OpError> {
    let reason = reason.replace(['\n', '\r', '|'], " ");
    let src: &str = &doc.source;
    let o = &task.origin;
    match o.form {
        Form::TableRow => {
            if let Some(c) = o.cells.iter().find(|c| {
                let l = c.column.to_lowercase();
                ["note", "comment", "remark", "blocker"]
                    .iter()
                    .any(|n| l.starts_with(n))
            }) {
                return Ok(set_cell(doc, c.span, &reason));
            }
            add_column(doc, task, "Notes", |_| String::new(), &reason)
        }
        Form::ListItem | Form::Heading => {
            let span = o.text.unwrap_or(o.span);
            let line_end = src[span.start..span.end]
                .find('\n')
                .map_or(span.end, |i| span.start + i);
            let end = src[..line_end].trim_end().len();
            Ok(vec![Replacement {
                start: end,
                end,
                text: format!(" (blocked: {reason})"),
            }])
        }
        Form::Line => Err(OpError::NoPlace {
            path: doc.path.clone(),
            line: o.span.line,
            id: task.id.clone(),
            what: "place for a reason",
        }),
    }
}
