//! Status legends: the key a document gives to its own markers.
//!
//! Plans often say what their symbols mean: a list `- Erledigt: ✔`,
//! `` - `[~]` - In Arbeit ``, or a line `Status: ⚪ Pending · 🟢 Reviewed`.
//! Such a list is not work (LABELING rule 5), and its meanings override the
//! usual ones for the whole document: where the legend says `❌` means "not
//! started", a `❌` task is todo, not cancelled.

use std::cell::RefCell;

use super::blocks::{Block, Blocks};
use super::vocab;
use crate::model::Status;

/// What a legend entry gives a meaning to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Symbol {
    /// An emoji or other non-ASCII mark.
    Emoji(char),
    /// A checkbox written out: `[~]`.
    Checkbox(char),
    /// Any other short mark (`*`, `[P]`): a legend entry without a status.
    Other,
}

/// The legend of one document.
#[derive(Debug, Default, Clone)]
pub(crate) struct Legend {
    pub(crate) entries: Vec<(Symbol, Status)>,
    /// Items (by index) that belong to a legend list.
    pub(crate) items: Vec<usize>,
}

/// Finds the legends of a document: lists whose items mostly pair a mark
/// with a meaning, and paragraph lines pairing several marks with statuses.
pub(crate) fn find(blocks: &Blocks, text: &str) -> Legend {
    let mut legend = Legend::default();
    let items = &blocks.items;
    let mut i = 0;
    while i < items.len() {
        let list = items[i].list;
        let parent = items[i].parent;
        let mut j = i;
        let (mut marks, mut with_status, mut n) = (0, 0, 0);
        let mut found = Vec::new();
        while j < items.len() && items[j].list == list {
            if items[j].parent == parent {
                n += 1;
                if items[j].marker.is_none()
                    && let Some((sym, st)) = entry(&items[j].text)
                {
                    marks += 1;
                    if let Some(st) = st {
                        with_status += 1;
                        found.push((sym, st));
                    }
                }
            }
            j += 1;
        }
        if n > 0 && marks * 3 >= n * 2 && with_status > 0 {
            legend.items.extend(i..j);
            legend.entries.extend(found);
        }
        i = j.max(i + 1);
    }
    for b in &blocks.list {
        if let Block::Lines {
            span, code: false, ..
        } = b
        {
            for line in text[span.start..span.end].lines() {
                // Two marks at least: two symbols beyond ASCII.
                if line.bytes().filter(|&b| b >= 0xC0).count() < 2
                    || line
                        .chars()
                        .filter(|&c| !c.is_ascii() && !super::sections::alnum(c))
                        .nth(1)
                        .is_none()
                {
                    continue;
                }
                let parts: Vec<(Symbol, Option<Status>)> = line
                    .split(['·', '|', ';', ','])
                    .filter_map(|p| {
                        let p = p.rsplit_once(":**").map_or(p, |x| x.1);
                        entry(p)
                    })
                    .collect();
                let emoji = parts
                    .iter()
                    .filter(|(s, st)| matches!(s, Symbol::Emoji(_)) && st.is_some())
                    .count();
                if emoji >= 2 {
                    legend.entries.extend(
                        parts
                            .into_iter()
                            .filter_map(|(s, st)| st.map(|st| (s, st)))
                            .filter(|(s, _)| matches!(s, Symbol::Emoji(_))),
                    );
                }
            }
        }
    }
    legend
}

/// Reads one legend entry: a mark and what it means, in either order
/// (`✔ Erledigt`, `Erledigt: ✔`, `` `[x]` - 已完成 ``, `🟢 Reviewed/Tested`).
/// The status is `None` when the meaning is not a status word.
pub(crate) fn entry(text: &str) -> Option<(Symbol, Option<Status>)> {
    let raw = text.trim();
    // Eighty characters of four bytes at most, and some markup.
    if raw.len() > 400 {
        return None;
    }
    // Most lines are neither: a mark starts them, or follows their last
    // `:` or `=`.
    let tail = memchr::memrchr2(b':', b'=', raw.as_bytes()).map(|i| &raw[i + 1..]);
    if !starts_with_mark(raw) && !tail.is_some_and(starts_with_mark) {
        return None;
    }
    let t = if raw.contains(['*', '`']) {
        std::borrow::Cow::Owned(raw.replace("**", "").replace('`', ""))
    } else {
        std::borrow::Cow::Borrowed(raw)
    };
    let t = t.trim();
    if t.is_empty() || t.chars().count() > 80 {
        return None;
    }
    let seps = |c: char| matches!(c, '-' | '–' | '—' | ':' | '=' | '→' | ' ' | '\u{fe0f}');
    // The mark first.
    if let Some((sym, len)) = mark(t) {
        let meaning = t[len..].trim_start_matches(seps).trim();
        // A legend explains a mark in a few words; more is a task with an emoji.
        if meaning.is_empty() || meaning.split_whitespace().count() > 6 {
            return None;
        }
        return Some((sym, meaning_status(meaning)));
    }
    // The meaning first: `Erledigt: ✔`.
    let (meaning, m) = t.rsplit_once([':', '='])?;
    let m = m.trim();
    let (sym, len) = mark(m)?;
    if len != m.len() || meaning.trim().is_empty() {
        return None;
    }
    Some((sym, meaning_status(meaning.trim())))
}

/// Whether `t` may start with a mark, past code ticks and bold.
fn starts_with_mark(t: &str) -> bool {
    let t = t.trim_start().trim_start_matches('`');
    let t = t.strip_prefix("**").unwrap_or(t).trim_start_matches('`');
    t.chars()
        .next()
        .is_some_and(|c| c == '[' || emoji_mark(c) || ascii_mark(c))
}

/// A symbol beyond ASCII that can be a mark (an emoji, `✔`).
fn emoji_mark(c: char) -> bool {
    !c.is_ascii() && !c.is_alphanumeric()
}

/// A short ASCII mark (`*`, `!`).
fn ascii_mark(c: char) -> bool {
    matches!(c, '*' | '+' | '!' | '?' | '~')
}

/// A mark at the start of `t` and its length.
fn mark(t: &str) -> Option<(Symbol, usize)> {
    let mut chars = t.chars();
    let c = chars.next()?;
    if c == '[' {
        let inner = chars.next()?;
        let close = t[1 + inner.len_utf8()..].find(']')?;
        let len = 1 + inner.len_utf8() + close + 1;
        if close == 0 {
            return Some((Symbol::Checkbox(inner), len));
        }
        // `[P]`, `[US1]`: a short tag.
        return (close < 5).then_some((Symbol::Other, len));
    }
    if emoji_mark(c) {
        let mut len = c.len_utf8();
        let rest = &t[len..];
        if let Some(vs) = rest.strip_prefix('\u{fe0f}') {
            len = t.len() - vs.len();
        }
        return Some((Symbol::Emoji(c), len));
    }
    if ascii_mark(c) {
        return Some((Symbol::Other, 1));
    }
    None
}

/// The status a legend meaning names: the whole phrase, else its first
/// words (`Reviewed/Tested (by User)` is done).
fn meaning_status(meaning: &str) -> Option<Status> {
    let lower = meaning.to_lowercase();
    let head = lower
        .split(['(', '（', '/', ','])
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches(['.', ':']);
    if let Some(st) = vocab::status(head) {
        return Some(st);
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    (1..=words.len().min(3))
        .rev()
        .find_map(|n| vocab::status(&words[..n].join(" ")))
}

thread_local! {
    static ACTIVE: RefCell<Vec<(Symbol, Status)>> = const { RefCell::new(Vec::new()) };
}

/// Makes `legend` the meaning of marks on this thread until the guard drops.
pub(crate) fn activate(legend: &Legend) -> Guard {
    ACTIVE.with(|a| a.borrow_mut().clone_from(&legend.entries));
    Guard
}

/// Restores the usual meanings when dropped.
pub(crate) struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.borrow_mut().clear());
    }
}

/// What the active legend says `sym` means.
pub(crate) fn lookup(sym: Symbol) -> Option<Status> {
    ACTIVE.with(|a| {
        let a = a.borrow();
        if a.is_empty() {
            return None;
        }
        a.iter().find(|(s, _)| *s == sym).map(|(_, st)| *st)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_in_either_order() {
        assert_eq!(
            entry("Erledigt: ✔"),
            Some((Symbol::Emoji('✔'), Some(Status::Done)))
        );
        assert_eq!(
            entry("`[~]` - In Arbeit"),
            Some((Symbol::Checkbox('~'), Some(Status::InProgress)))
        );
        assert_eq!(
            entry("❌ Noch nicht begonnen"),
            Some((Symbol::Emoji('❌'), Some(Status::Todo)))
        );
        assert_eq!(
            entry("🟢 Reviewed/Tested (by User)"),
            Some((Symbol::Emoji('🟢'), Some(Status::Done)))
        );
        assert_eq!(entry("`*` - optional work"), Some((Symbol::Other, None)));
        assert_eq!(entry("Write the parser"), None);
    }
}
