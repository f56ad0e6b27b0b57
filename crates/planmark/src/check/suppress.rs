//! `<!-- planmark-disable PM012 -->` comments.
//!
//! - `<!-- planmark-disable PM012 PM016 -->` on a line of its own silences
//!   those rules for the next item: the list item, table, heading or
//!   paragraph that follows (a task written as a heading with its attribute
//!   lines counts as one item).
//! - The same comment at the end of a line silences them for the item on
//!   that line.
//! - `<!-- planmark-disable-file PM013 -->` silences them for the whole document.
//! - Without codes, every rule is silenced. Codes may be given by name
//!   (`ragged-table`); an unknown code is itself a finding.

use memchr::memmem;

use crate::diag::{Code, Diagnostic};
use crate::model::{Document, Origin, Span};

const KEY: &str = "planmark-disable";

struct Suppression {
    /// The rules silenced; empty for all.
    codes: Vec<Code>,
    /// The bytes silenced; `None` for the whole document.
    range: Option<(usize, usize)>,
}

impl Suppression {
    fn covers(&self, d: &Diagnostic) -> bool {
        (self.codes.is_empty() || self.codes.contains(&d.code))
            && match (self.range, d.span) {
                (None, _) => true,
                (Some((a, b)), Some(s)) => s.start >= a && s.start < b,
                (Some(_), None) => false,
            }
    }
}

/// Drops the findings of `doc` that its comments silence, and reports
/// comments that name unknown rules.
pub(crate) fn apply(doc: &Document, found: &mut Vec<Diagnostic>) {
    let text: &str = &doc.source;
    if memmem::find(text.as_bytes(), KEY.as_bytes()).is_none() {
        return;
    }
    let mut rules = Vec::new();
    let mut unknown = Vec::new();
    for at in memmem::find_iter(text.as_bytes(), KEY.as_bytes()) {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let Some(open) = text[line_start..at].rfind("<!--").map(|i| line_start + i) else {
            continue;
        };
        if !text[open + 4..at].trim().is_empty() {
            continue;
        }
        let Some(close) = text[at..].find("-->").map(|i| at + i) else {
            continue;
        };
        let mut rest_at = at + KEY.len();
        let whole_file = text[rest_at..].starts_with("-file");
        if whole_file {
            rest_at += "-file".len();
        } else if !text[rest_at..].starts_with(|c: char| c.is_whitespace() || c == '-') {
            continue;
        }
        let mut codes = Vec::new();
        let args = &text[rest_at..close];
        for word in args.split(|c: char| c.is_whitespace() || c == ',') {
            if word.is_empty() {
                continue;
            }
            match Code::parse(word) {
                Some(c) => codes.push(c),
                None => {
                    let start = word.as_ptr() as usize - text.as_ptr() as usize;
                    unknown.push((start, word));
                }
            }
        }
        let range = if whole_file {
            None
        } else {
            Some((open, target_end(doc, text, line_start, open, close + 3)))
        };
        rules.push(Suppression { codes, range });
    }
    found.retain(|d| !rules.iter().any(|r| r.covers(d)));
    for (start, word) in unknown {
        let line = text[..start].bytes().filter(|&b| b == b'\n').count() as u32 + 1;
        let span = Span {
            start,
            end: start + word.len(),
            line,
        };
        let mut d = Diagnostic::new(
            Code::UnknownRule,
            Code::UnknownRule.default_severity(),
            &doc.path,
            Some(span),
            format!("`{word}` is not a planmark rule"),
        );
        let names = Code::ALL.iter().flat_map(|c| [c.as_str(), c.name()]);
        d.help = Some(match super::did_you_mean(word, names) {
            Some(m) => format!("did you mean `{m}`?"),
            None => "rules are named by code (PM012) or name (ragged-table); see docs/rules.md"
                .to_owned(),
        });
        found.push(d);
    }
}

/// Where the item a comment silences ends.
fn target_end(doc: &Document, text: &str, line_start: usize, open: usize, close: usize) -> usize {
    let line_end = |from: usize| text[from..].find('\n').map_or(text.len(), |i| from + i);
    // A heading, with the comment on its line or before it: the heading and
    // its body up to the next heading (a task written as a heading).
    let heading_end = |from: usize| {
        let mut at = line_end(from);
        while at < text.len() {
            let next = at + 1;
            if text[next..]
                .trim_start_matches([' ', '\t'])
                .starts_with('#')
            {
                return at;
            }
            at = line_end(next);
        }
        text.len()
    };
    if text[line_start..].trim_start().starts_with('#') && !text[line_start..open].trim().is_empty()
    {
        return heading_end(line_start);
    }
    // A comment after text on its line: the item holding that line.
    if !text[line_start..open].trim().is_empty() {
        let inner = origins(doc)
            .filter(|o| o.span.start <= open && open < o.span.end)
            .min_by_key(|o| o.span.end - o.span.start);
        return inner.map_or_else(|| line_end(open), |o| o.span.end.max(line_end(open)));
    }
    // Else the next item: skip blank lines and other comment lines.
    let mut at = line_end(close).min(text.len());
    loop {
        if at >= text.len() {
            return text.len();
        }
        let start = at + 1;
        let end = line_end(start);
        let line = text[start..end].trim();
        if line.is_empty() || (line.starts_with("<!--") && line.ends_with("-->")) {
            at = end;
            continue;
        }
        at = start;
        break;
    }
    let first_end = line_end(at);
    let item_end = origins(doc)
        .filter(|o| o.span.start >= at && o.span.start <= first_end)
        .map(|o| o.span.end)
        .max();
    let first = text[at..first_end].trim_start();
    if first.starts_with('#') {
        return heading_end(at);
    }
    if first.starts_with('|') {
        // A table: every row up to the first line that is not one.
        let mut end = first_end;
        while end < text.len() {
            let next_end = line_end(end + 1);
            if !text[end + 1..next_end].trim_start().starts_with('|') {
                break;
            }
            end = next_end;
        }
        return end;
    }
    if let Some(e) = item_end {
        return e.max(first_end);
    }
    // A paragraph: up to the next blank line.
    let mut end = first_end;
    while end < text.len() {
        let next_end = line_end(end + 1);
        if text[end + 1..next_end].trim().is_empty() {
            break;
        }
        end = next_end;
    }
    end
}

/// Every item origin of a document.
fn origins(doc: &Document) -> impl Iterator<Item = &Origin> {
    let d = doc;
    d.tasks
        .iter()
        .map(|x| &x.origin)
        .chain(d.risks.iter().map(|x| &x.origin))
        .chain(d.actions.iter().map(|x| &x.origin))
        .chain(d.milestones.iter().map(|x| &x.origin))
        .chain(d.requirements.iter().map(|x| &x.origin))
        .chain(d.user_stories.iter().map(|x| &x.origin))
        .chain(d.components.iter().map(|x| &x.origin))
        .chain(d.decisions.iter().map(|x| &x.origin))
        .chain(d.questions.iter().map(|x| &x.origin))
        .chain(d.success_criteria.iter().map(|x| &x.origin))
        .chain(d.checklist.iter().map(|x| &x.origin))
        .chain(d.next_steps.iter().map(|x| &x.origin))
        .chain(d.team.iter().map(|x| &x.origin))
        .chain(d.pools.iter().map(|x| &x.origin))
        .chain(d.tools.iter().map(|x| &x.origin))
        .chain(d.timeline.iter().map(|x| &x.origin))
        .chain(d.references.iter().map(|x| &x.origin))
        .chain(d.goals.iter().map(|x| &x.origin))
}
