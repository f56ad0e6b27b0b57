//! Template text left in place (PM013) and sections the template expects
//! filled that are still empty (PM014).

use crate::diag::{Code, Diagnostic};
use crate::model::{DocumentKind, Field, SectionKind, Span};
use crate::syntax::values;

use super::DocCx;

/// Items the templates number instead of naming: `Goal 1`, `Task 2`, `Person 1`.
const NUMBERED: &[&str] = &[
    "action",
    "component",
    "criterion",
    "decision",
    "deliverable",
    "document",
    "feature",
    "goal",
    "item",
    "member",
    "milestone",
    "objective",
    "person",
    "question",
    "requirement",
    "risk",
    "service",
    "step",
    "story",
    "system",
    "task",
    "tool",
];

/// Words the templates put where the real text goes.
const FILLER: &[&str] = &[
    "strategy",
    "implementation approach",
    "description",
    "low/med/high",
    "low/medium/high",
];

/// Single words that are placeholders when written in brackets: `[Description]`.
const BRACKET_WORDS: &[&str] = &[
    "action",
    "benefit",
    "date",
    "description",
    "details",
    "feature",
    "goal",
    "link",
    "name",
    "owner",
    "person",
    "requirement",
    "role",
    "scope",
    "summary",
    "task",
    "timeframe",
    "title",
    "topic",
    "url",
    "value",
];

/// Whether bracketed text reads as a placeholder: `[Description]`,
/// `[What are you planning?]`, `[DATE TIME]`, `[user type]`; not `[x]`,
/// `[3d]`, `[WIP]`, `[In Progress]`.
fn bracket_placeholder(inner: &str) -> bool {
    let c = inner.trim();
    if c.chars().count() < 3
        || !c.starts_with(char::is_alphabetic)
        || !c
            .chars()
            .all(|ch| ch.is_alphabetic() || " /?-',.&".contains(ch))
    {
        return false;
    }
    if values::status_word(c).is_some() || values::priority_level(c).is_some() {
        return false;
    }
    if c.contains([' ', '/']) {
        return true;
    }
    BRACKET_WORDS.iter().any(|w| w.eq_ignore_ascii_case(c))
}

/// If `unit` starts with a numbered template label (`Goal 1`, `Task 1.2`)
/// that nothing real follows, returns the label's length.
fn numbered_label(unit: &str) -> Option<usize> {
    // The longest numbered word has eleven letters.
    let space = unit.bytes().take(12).position(|b| b == b' ')?;
    let (word, rest) = (&unit[..space], &unit[space + 1..]);
    let word_l = *NUMBERED.iter().find(|w| w.eq_ignore_ascii_case(word))?;
    let digits = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    if digits == 0 || !rest.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let number = rest[..digits].trim_end_matches('.');
    let label_len = word.len() + 1 + number.len();
    let after = &unit[label_len..];
    if after.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let tail = after
        .trim_start_matches(['*', '_'])
        .trim_start_matches([':', '-', '–', '—', ')'])
        .trim()
        .trim_matches(['*', '_'])
        .trim();
    let empty = tail.is_empty() || FILLER.iter().any(|f| f.eq_ignore_ascii_case(tail));
    (empty || word_l == "person").then_some(label_len)
}

/// Whether a piece of model text is template text rather than content.
pub(crate) fn is_placeholder(s: &str) -> bool {
    let t = s.trim().trim_matches(['*', '_']).trim();
    if t.is_empty() || FILLER.iter().any(|f| f.eq_ignore_ascii_case(t)) {
        return true;
    }
    if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return bracket_placeholder(inner);
    }
    if t.starts_with("{{") && t.ends_with("}}") {
        return true;
    }
    numbered_label(t).is_some_and(|n| {
        t[n..].trim_start_matches([':', ' ']).is_empty() || bracket_or_filler(&t[n..])
    })
}

fn bracket_or_filler(rest: &str) -> bool {
    let r = rest.trim_start_matches([':', ' ', '-']).trim();
    r.is_empty()
        || FILLER.iter().any(|f| f.eq_ignore_ascii_case(r))
        || r.strip_prefix('[')
            .and_then(|x| x.strip_suffix(']'))
            .is_some_and(bracket_placeholder)
}

/// What was found: the bytes and what to say.
struct Hit {
    start: usize,
    end: usize,
    line: u32,
    kind: HitKind,
}

enum HitKind {
    Bracket,
    Variable,
    Link,
    Numbered,
    Filler,
}

/// Scans `text` (`base` is its offset in the document) for template text:
/// one pass per marker over the whole text, then, with `labels`, the lines
/// for numbered labels and filler, whose first letters are checked before
/// anything else.
fn scan(text: &str, base: usize, labels: bool, out: &mut Vec<Hit>) {
    let b = text.as_bytes();
    let hit = |start: usize, end: usize, kind: HitKind| Hit {
        start: base + start,
        end: base + end,
        line: 0,
        kind,
    };
    for i in memchr::memchr_iter(b'[', b) {
        let prev_ok = i == 0
            || matches!(
                b[i - 1],
                b' ' | b'\t' | b'\n' | b'(' | b'|' | b':' | b'*' | b'_' | b'"'
            );
        if !prev_ok {
            continue;
        }
        let Some(j) = memchr::memchr3(b']', b'[', b'\n', &b[i + 1..]).map(|k| i + 1 + k) else {
            continue;
        };
        if b[j] != b']' || matches!(b.get(j + 1), Some(b'(' | b'[' | b':')) {
            continue;
        }
        if bracket_placeholder(&text[i + 1..j]) {
            out.push(hit(i, j + 1, HitKind::Bracket));
        }
    }
    for i in memchr::memmem::find_iter(b, b"{{") {
        let line_end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k);
        if let Some(k) = memchr::memmem::find(&b[i..line_end], b"}}") {
            out.push(hit(i, i + k + 2, HitKind::Variable));
        }
    }
    for i in memchr::memmem::find_iter(b, b"](") {
        let Some(k) = memchr::memchr2(b')', b'\n', &b[i + 2..]) else {
            continue;
        };
        if b[i + 2 + k] != b')' {
            continue;
        }
        let target = text[i + 2..i + 2 + k].trim();
        if ["link", "url", "#", ""]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(target))
        {
            out.push(hit(i + 1, i + 3 + k, HitKind::Link));
        }
    }
    let mut at = 0;
    while labels && at < b.len() {
        let end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |k| at + k);
        let line = text[at..end].trim_end_matches('\r');
        units(line, base + at, out);
        at = end + 1;
    }
}

/// Whether `c` can start a numbered label or a filler word.
fn may_start_unit(c: u8) -> bool {
    matches!(
        c.to_ascii_lowercase(),
        b'a' | b'c'
            | b'd'
            | b'f'
            | b'g'
            | b'i'
            | b'l'
            | b'm'
            | b'o'
            | b'p'
            | b'q'
            | b'r'
            | b's'
            | b't'
    )
}

/// Units of a line: table cells, or the text of a list item, heading or line.
fn units(line: &str, base: usize, out: &mut Vec<Hit>) {
    let b = line.as_bytes();
    let trimmed = line.trim_start();
    let lead = line.len() - trimmed.len();
    if trimmed.starts_with('|') {
        // A numbered label names the row only in its first cell (or the
        // second, after an id); elsewhere `Task 1.2` refers to a task.
        let mut start = lead + 1;
        let mut index = 0;
        let mut first_is_id = false;
        for k in lead + 1..=b.len() {
            if k == b.len() || (b[k] == b'|' && b[k - 1] != b'\\') {
                let cell = &line[start..k];
                let t = cell.trim();
                let names_row = index == 0 || (index == 1 && first_is_id);
                if index == 0 {
                    first_is_id = !t.is_empty() && t.len() <= 8 && !t.contains(' ');
                }
                if t.as_bytes().first().is_some_and(|&c| may_start_unit(c)) {
                    let at = start + (cell.len() - cell.trim_start().len());
                    unit(t, base + at, names_row, true, out);
                }
                start = k + 1;
                index += 1;
            }
        }
        return;
    }
    let mut u = trimmed.trim_start_matches('#').trim_start();
    if let Some(r) = u
        .strip_prefix("- ")
        .or_else(|| u.strip_prefix("* "))
        .or_else(|| u.strip_prefix("+ "))
    {
        u = r;
    } else {
        let n = u.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 && matches!(u.as_bytes().get(n), Some(b'.' | b')')) {
            u = u[n + 1..].trim_start();
        }
    }
    if u.len() >= 3 && u.as_bytes()[0] == b'[' && u.as_bytes()[2] == b']' {
        u = u[3..].trim_start();
    }
    let u = u.trim_start_matches(['*', '_']);
    if u.as_bytes().first().is_some_and(|&c| may_start_unit(c)) {
        let at = u.as_ptr() as usize - line.as_ptr() as usize;
        unit(u, base + at, true, false, out);
    }
}

fn unit(t: &str, at: usize, names_row: bool, cell: bool, out: &mut Vec<Hit>) {
    if t.is_empty() {
        return;
    }
    if let Some(n) = numbered_label(t).filter(|_| names_row) {
        out.push(Hit {
            start: at,
            end: at + n,
            line: 0,
            kind: HitKind::Numbered,
        });
    } else if cell && FILLER.iter().any(|f| f.eq_ignore_ascii_case(t)) {
        out.push(Hit {
            start: at,
            end: at + t.len(),
            line: 0,
            kind: HitKind::Filler,
        });
    }
}

/// Sections each kind of document's template expects filled.
fn expected(kind: DocumentKind, section: SectionKind) -> bool {
    use SectionKind as S;
    match section {
        S::Requirements | S::FunctionalRequirements | S::SuccessCriteria => true,
        S::Context | S::Goals | S::Tasks | S::Timeline | S::Risks => {
            kind == DocumentKind::Session
                || (kind == DocumentKind::Guide
                    && matches!(section, S::Tasks | S::Timeline | S::Risks))
        }
        S::Milestones | S::Dependencies | S::Resources => kind == DocumentKind::Guide,
        _ => false,
    }
}

/// Whether a section body has nothing but comments, prompts and rules.
fn is_empty_body(body: &str) -> bool {
    let mut in_comment = false;
    for line in body.lines() {
        let mut l = line.trim();
        if in_comment {
            match l.find("-->") {
                Some(i) => {
                    in_comment = false;
                    l = l[i + 3..].trim();
                }
                None => continue,
            }
        }
        while let Some(i) = l.find("<!--") {
            let before = &l[..i];
            if !before.trim().is_empty() {
                return false;
            }
            match l[i..].find("-->") {
                Some(k) => l = l[i + k + 3..].trim(),
                None => {
                    in_comment = true;
                    l = "";
                }
            }
        }
        let prompt = l.len() > 4 && l.starts_with("**") && l.ends_with("**");
        let rule = !l.is_empty() && l.chars().all(|c| matches!(c, '-' | '*' | '_' | ' '));
        if !(l.is_empty() || l.starts_with('#') || prompt || rule) {
            return false;
        }
    }
    true
}

/// Byte ranges of fenced code blocks and inline code spans.
fn code_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut fence: Option<(usize, &str)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| t.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some((at, m)),
            (Some((start, m)), Some(m2)) if m == m2 => {
                out.push((start, at + line.len()));
                fence = None;
            }
            (None, None) => {
                let mut open: Option<usize> = None;
                for (i, _) in line.match_indices('`') {
                    match open {
                        None => open = Some(i),
                        Some(o) => {
                            out.push((at + o, at + i + 1));
                            open = None;
                        }
                    }
                }
            }
            _ => {}
        }
        at += line.len();
    }
    if let Some((start, _)) = fence {
        out.push((start, text.len()));
    }
    out
}

pub(crate) fn check(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    let text = cx.text();
    let mut hits = Vec::new();
    // Numbered names and filler words are template text only in a plan made
    // from a template; elsewhere `Milestone 2` is a name and `Description`
    // a column. Nothing in code is a placeholder.
    scan(text, 0, cx.doc.kind != DocumentKind::Generic, &mut hits);
    if !hits.is_empty() {
        let code = code_ranges(text);
        hits.retain(|h| !code.iter().any(|&(a, b)| a <= h.start && h.start < b));
    }
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    // Line numbers, counted forward from one hit to the next.
    let (mut line, mut counted) = (1u32, 0);
    for h in &mut hits {
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted..h.start]).count() as u32;
        counted = h.start;
        h.line = line;
    }
    // One finding per place: drop hits inside an earlier one.
    let mut last_end = 0;
    for h in &hits {
        if h.start < last_end {
            continue;
        }
        last_end = h.end;
        let span = Span {
            start: h.start,
            end: h.end,
            line: h.line,
        };
        let s = &text[h.start..h.end];
        let (message, help) = match h.kind {
            HitKind::Bracket | HitKind::Variable => (
                format!("template placeholder `{s}` is still in the plan"),
                "replace it with the real text, or delete it".to_owned(),
            ),
            HitKind::Link => (
                format!("`{s}` is a template placeholder, not a link target"),
                "put the document's path or URL between the parentheses".to_owned(),
            ),
            HitKind::Numbered => (
                format!("`{s}` is template text, not a name"),
                format!(
                    "replace `{s}` with what the {} is, or delete it",
                    s.split(' ').next().unwrap_or(s).to_lowercase()
                ),
            ),
            HitKind::Filler => (
                format!("`{s}` is template text"),
                "write the real text, or delete it".to_owned(),
            ),
        };
        out.push(
            cx.diag(Code::TemplatePlaceholder, span, message)
                .with_help(help),
        );
    }
    empty_items(cx, out);
    for s in &cx.doc.sections {
        if !expected(cx.doc.kind, s.kind) {
            continue;
        }
        let body = text.get(s.heading_span.end..s.span.end).unwrap_or("");
        if is_empty_body(body) {
            out.push(
                cx.diag(
                    Code::EmptySection,
                    s.heading_span,
                    format!("section `{}` is empty", s.heading),
                )
                .with_help("fill it in, or delete the section if it does not apply"),
            );
        }
    }
}

/// Requirements and labelled fields the template left without text.
fn empty_items(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    let text = cx.text();
    for r in &cx.doc.requirements {
        if r.text.trim().is_empty() {
            let name =
                r.id.clone()
                    .or_else(|| r.category.clone())
                    .unwrap_or_else(|| "requirement".to_owned());
            out.push(
                cx.diag(
                    Code::TemplatePlaceholder,
                    super::first_line(text, r.origin.span),
                    format!("requirement `{name}` is empty"),
                )
                .with_help(format!(
                    "write the requirement after `{name}:`, or delete the line"
                )),
            );
        }
    }
    for c in &cx.doc.success_criteria {
        if c.text.trim().is_empty() {
            out.push(
                cx.diag(
                    Code::TemplatePlaceholder,
                    super::first_line(text, c.origin.span),
                    "success criterion is empty".to_owned(),
                )
                .with_help("say how success is measured, or delete the line"),
            );
        }
    }
    let f = &cx.doc.focus;
    let c = &cx.doc.constraints;
    let fields: [(&str, &Option<Field>); 7] = [
        ("Topic", &f.topic),
        ("Scope", &f.scope),
        ("Timeframe", &f.timeframe),
        ("Time", &c.time),
        ("Resources", &c.resources),
        ("Technical", &c.technical),
        ("Dependencies", &c.dependencies),
    ];
    for (name, field) in fields {
        if let Some(field) = field
            && field.value.trim().is_empty()
        {
            out.push(
                cx.diag(
                    Code::TemplatePlaceholder,
                    super::first_line(text, field.span),
                    format!("`{name}` is left empty"),
                )
                .with_help("fill it in, or write `None`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_told_from_content() {
        for p in [
            "[Description]",
            "[What are you planning?]",
            "[DATE TIME]",
            "[user type]",
            "Goal 1",
            "Task 2",
            "Person 1",
            "Criterion 3",
            "Strategy",
            "{{topic}}",
            "",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for c in [
            "Goal 1: ship search",
            "Task 1.1: Set up CI",
            "[x]",
            "[WIP]",
            "[In Progress]",
            "Risk of data loss",
            "Ship the beta",
            "[3d]",
        ] {
            assert!(!is_placeholder(c), "{c}");
        }
    }

    #[test]
    fn scan_finds_each_form_once() {
        let mut hits = Vec::new();
        scan("| Task 1 | 2h | High | None |", 0, true, &mut hits);
        scan("- Person 1: [Role/Responsibility]", 100, true, &mut hits);
        scan("- [Document 1](link)", 200, true, &mut hits);
        scan(
            "- [ ] Milestone 1: Beta (target 2026-12-15)",
            300,
            true,
            &mut hits,
        );
        scan("let x = arr[index];", 400, true, &mut hits);
        scan(
            "| Review the API | 1h | High | Task 1.1 |",
            500,
            true,
            &mut hits,
        );
        let mut spans: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
        spans.sort_unstable();
        assert_eq!(spans, [(2, 8), (102, 110), (112, 133), (214, 220)]);
    }
}
