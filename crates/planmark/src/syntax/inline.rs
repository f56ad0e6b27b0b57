//! Attributes written inline in an item's text: ids, estimates,
//! dependencies, owners, priorities, statuses, dates and tags.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use jiff::civil::Date;
use smallvec::SmallVec;

use super::values;
use crate::model::{Demand, Dependency, Effort, IdSource, Priority, Size, Status};

/// What was read from one item's text.
#[derive(Debug, Default)]
pub(crate) struct Attrs {
    pub(crate) id: Option<(String, IdSource)>,
    pub(crate) title: String,
    pub(crate) status: Option<Status>,
    pub(crate) estimate: Option<Effort>,
    /// Story points or a T-shirt size.
    pub(crate) size: Option<Size>,
    /// Estimates that were marked as such (`est: lots`) but could not be read.
    pub(crate) bad_estimates: Vec<String>,
    pub(crate) deps: Vec<Dependency>,
    pub(crate) resources: Vec<Demand>,
    pub(crate) priority: Option<Priority>,
    pub(crate) start: Option<Date>,
    pub(crate) due: Option<Date>,
    /// A due or target date that was marked but could not be read.
    pub(crate) bad_date: Option<String>,
    pub(crate) tags: Vec<String>,
    /// Why the task is blocked (`blocked: waiting for keys`).
    pub(crate) blocked: Option<String>,
    /// The tracker issue: `(#123)`.
    pub(crate) issue: Option<u64>,
}

struct Scan<'a> {
    text: &'a str,
    removed: SmallVec<[(usize, usize); 8]>,
}

impl Scan<'_> {
    fn remove(&mut self, a: usize, b: usize) {
        self.removed.push((a, b));
    }

    fn is_removed(&self, i: usize) -> bool {
        self.removed.iter().any(|&(a, b)| a <= i && i < b)
    }

    fn rest(&self) -> String {
        if self.removed.is_empty() {
            return self.text.to_owned();
        }
        let mut r = self.removed.clone();
        r.sort_unstable();
        let mut out = String::with_capacity(self.text.len());
        let mut pos = 0;
        for (a, b) in r {
            if a > pos {
                out.push_str(&self.text[pos..a]);
                out.push(' ');
            }
            pos = pos.max(b);
        }
        if pos < self.text.len() {
            out.push_str(&self.text[pos..]);
        }
        out
    }
}

/// Keys of `key: value` attributes, recognised anywhere in an item.
const KEYS: &[&str] = &[
    "depends on",
    "depends",
    "dependencies",
    "deps",
    "blocked by",
    "blocked",
    "requires",
    "after",
    "est.",
    "est",
    "estimated",
    "estimate",
    "effort",
    "duration",
    "story points",
    "points",
    "sp",
    "size",
    "依存",
    "依赖",
    "前置",
    "owner",
    "owners",
    "assignee",
    "assigned to",
    "assigned",
    "who",
    "due date",
    "due",
    "deadline",
    "by",
    "target",
    "eta",
    "priority",
    "prio",
    "start",
    "starts",
    "status",
];

static KEYED: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        // Thirty short keys: a full DFA is small and the fastest to scan with.
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(KEYS)
        .expect("valid keywords")
});

/// A keyword at a word boundary: where it starts, the key (lower case),
/// where its value starts and whether a colon followed it.
struct Key {
    start: usize,
    name: &'static str,
    value_start: usize,
    colon: bool,
}

fn keys(text: &str) -> impl Iterator<Item = Key> + '_ {
    let b = text.as_bytes();
    KEYED.find_iter(text).filter_map(move |m| {
        let (start, end) = (m.start(), m.end());
        let before_ok = start == 0
            || matches!(
                b[start - 1],
                b' ' | b'\t' | b',' | b';' | b'(' | b'[' | b'|' | b'-'
            )
            || text[..start].ends_with(['—', '–']);
        let after_ok = text[end..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if !before_ok || !after_ok {
            return None;
        }
        let mut v = end;
        while v < b.len() && matches!(b[v], b' ' | b'\t') {
            v += 1;
        }
        let colon = v < b.len() && b[v] == b':';
        if colon {
            v += 1;
            // Dataview's `[Due:: 2026-09-26]`.
            if v < b.len() && b[v] == b':' {
                v += 1;
            }
        }
        Some(Key {
            start,
            name: KEYS[m.pattern().as_usize()],
            value_start: v,
            colon,
        })
    })
}

/// Reads the attributes of an item's plain text.
pub(crate) fn extract(text: &str) -> Attrs {
    let mut a = Attrs::default();
    let text = text.trim();
    let mut s = Scan {
        text,
        removed: SmallVec::new(),
    };
    let bytes = text.as_bytes();
    // Most items are plain ASCII: the searches for marks and full-width
    // brackets below are skipped for them.
    let all_ascii = text.is_ascii();

    // Status emoji and words at either end: `✅ Ship it`, `Ship it ✅`, `DONE: Ship it`.
    // Only non-ASCII symbols are trimmed: skip the scan when the ends are ASCII.
    let lead = if text.as_bytes().first().is_none_or(u8::is_ascii) {
        0
    } else {
        // The symbols and the space after them: `✅ T1: Ship` reads its label.
        let rest = text.trim_start_matches(|c: char| lead_symbol(c) && !c.is_ascii());
        if rest.len() == text.len() {
            0
        } else {
            text.len() - rest.trim_start().len()
        }
    };
    if lead > 0 {
        if let Some(st) = text[..lead].chars().find_map(values::status_emoji)
            && !type_label(&text[lead..])
        {
            a.status = Some(st);
        }
        s.remove(0, lead);
    }
    let trail_start = if text.as_bytes().last().is_none_or(u8::is_ascii) {
        text.len()
    } else {
        text.trim_end_matches(|c: char| lead_symbol(c) && !c.is_ascii())
            .len()
    };
    if trail_start < text.len()
        && trail_start > lead
        && let Some(st) = text[trail_start..].chars().find_map(values::status_emoji)
    {
        a.status = a.status.or(Some(st));
        s.remove(trail_start, text.len());
    }
    // `Import CSV ✅ DONE`, `Импорт ✅ ЗАВЕРШЕНО`: a mark and an upper-case
    // status word at the end.
    if a.status.is_none()
        && !all_ascii
        && trail_start == text.len()
        && let Some((i, c)) = text
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_ascii() && values::status_emoji(c).is_some())
        && i > lead
    {
        let tail = &text[i + c.len_utf8()..];
        let words = tail.trim_start_matches('\u{fe0f}').trim();
        if !words.is_empty()
            && words.split_whitespace().count() <= 3
            && words.chars().all(|c| c.is_uppercase() || c.is_whitespace())
        {
            a.status = Some(
                values::status_word(words)
                    .unwrap_or_else(|| values::status_emoji(c).unwrap_or_default()),
            );
            s.remove(i, text.len());
        }
    }
    let body_start = lead;
    for (word, st) in [
        ("DONE", Status::Done),
        ("WIP", Status::InProgress),
        ("TODO", Status::Todo),
        ("BLOCKED", Status::Blocked),
    ] {
        if let Some(r) = text[body_start..].strip_prefix(word)
            && r.starts_with([':', ' ', '-'])
        {
            a.status = Some(st);
            let end = text.len() - r.trim_start_matches([':', ' ', '-']).len();
            s.remove(body_start, end);
        }
    }

    // Explicit id `{#api}`.
    if let Some(i) = text
        .bytes()
        .position(|b| b == b'{')
        .filter(|&i| bytes.get(i + 1) == Some(&b'#'))
        && let Some(j) = text[i..].find('}')
    {
        let id = text[i + 2..i + j].trim();
        if !id.is_empty() {
            a.id = Some((id.to_owned(), IdSource::Explicit));
        }
        s.remove(i, i + j + 1);
    }

    // Leading label or tracker code.
    let start = s
        .removed
        .iter()
        .filter(|r| r.0 == body_start || r.0 == 0)
        .map(|r| r.1)
        .max()
        .unwrap_or(0)
        .max(body_start);
    if let Some((id, src, end)) = leading_id(text, start) {
        if a.id.is_none() {
            a.id = Some((id, src));
        }
        s.remove(start, end);
    }

    // Groups in parentheses and brackets.
    let mut groups: SmallVec<[(usize, usize); 4]> = SmallVec::new();
    let mut i = 0;
    while let Some(k) = memchr::memchr2(b'(', b'[', &bytes[i..]) {
        i += k;
        let open = bytes[i];
        if !s.is_removed(i) {
            let close = if open == b'(' { b')' } else { b']' };
            if let Some(len) = memchr::memchr2(close, open, &bytes[i + 1..]) {
                let j = i + 1 + len;
                if bytes[j] == close {
                    groups.push((i, j + 1));
                    if group(&mut a, &text[i + 1..j], open == b'[') {
                        s.remove(i, j + 1);
                    }
                    i = j + 1;
                    continue;
                }
            }
        }
        i += 1;
    }

    // Full-width groups: `（Task 2.1 完了後）`.
    if !all_ascii {
        for (i, _) in text.match_indices('（') {
            if s.is_removed(i) {
                continue;
            }
            let inner = i + '（'.len_utf8();
            let Some(len) = text[inner..].find(['）', '（']) else {
                continue;
            };
            let j = inner + len;
            if !text[j..].starts_with('）') {
                continue;
            }
            groups.push((i, j + '）'.len_utf8()));
            // `timeout = 2700`（45min）: a note on the value before it.
            if text[..i].ends_with(|c: char| c.is_ascii_digit() || c == '`') {
                continue;
            }
            if group(&mut a, &text[inner..j], false) {
                s.remove(i, j + '）'.len_utf8());
            }
        }
    }

    // `key: value` attributes outside groups.
    let mut spans: SmallVec<[(usize, usize); 4]> = SmallVec::new();
    for k in keys(text) {
        if s.is_removed(k.start) || groups.iter().any(|&(x, y)| x <= k.start && k.start < y) {
            continue;
        }
        let value_end = clause_end(text, k.value_start);
        let value = text[k.value_start..value_end].trim();
        if keyed(&mut a, k.name, value, k.colon) {
            spans.push((k.start, value_end));
        }
    }
    for (x, y) in spans {
        s.remove(x, y);
    }

    // `~3d`.
    let tildes = memchr::memchr_iter(b'~', bytes).chain(
        if all_ascii {
            None
        } else {
            Some(text.match_indices('≈').map(|(i, _)| i))
        }
        .into_iter()
        .flatten(),
    );
    for i in tildes {
        if s.is_removed(i) {
            continue;
        }
        let after = &text[i + text[i..].chars().next().map_or(1, char::len_utf8)..];
        let end = after.find([' ', ',', ';', ')']).unwrap_or(after.len());
        if let Some(e) = values::effort(&after[..end], None) {
            a.estimate.get_or_insert(e);
            s.remove(i, text.len() - after.len() + end);
        }
    }

    // `@alice`, `@backend x2`.
    for (i, _) in text.match_indices('@') {
        if s.is_removed(i) || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
            continue;
        }
        let name_len = text[i + 1..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .unwrap_or(text.len() - i - 1);
        let name = text[i + 1..i + 1 + name_len].trim_end_matches(['.', '-']);
        if name.is_empty() {
            continue;
        }
        let mut end = i + 1 + name.len();
        let mut units = 1.0;
        let tail = &text[end..];
        if let Some(r) = tail.strip_prefix(" x").or_else(|| tail.strip_prefix(" ×")) {
            let n = r
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .unwrap_or(r.len());
            if let Ok(v) = r[..n].parse::<f64>() {
                units = v;
                end += tail.len() - r.len() + n;
            }
        }
        a.resources.push(Demand {
            name: name.to_owned(),
            units,
        });
        s.remove(i, end);
    }

    // `P0`..`P4` as a word.
    for (i, _) in text.match_indices('P') {
        if s.is_removed(i)
            || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'-'))
        {
            continue;
        }
        if i + 1 < bytes.len()
            && (b'0'..=b'4').contains(&bytes[i + 1])
            && (i + 2 == bytes.len()
                || !(bytes[i + 2].is_ascii_alphanumeric() || bytes[i + 2] == b'.'))
        {
            a.priority.get_or_insert(values::priority(&text[i..i + 2]));
            s.remove(i, i + 2);
        }
    }

    // The emoji below are in the U+23xx and U+27xx blocks or outside the
    // Basic Multilingual Plane: skip their searches when none can be there.
    // Told by their UTF-8 lead bytes (`F0` takes in a little more).
    let ascii = all_ascii
        || !bytes
            .windows(2)
            .any(|w| w[0] == 0xF0 || (w[0] == 0xE2 && matches!(w[1], 0x8C..=0x8F | 0x9C..=0x9E)));
    // Obsidian-style priorities.
    for (emoji, level) in [
        ("🔺", "critical"),
        ("⏫", "high"),
        ("🔼", "medium"),
        ("🔽", "low"),
        ("⏬", "low"),
    ] {
        if ascii {
            break;
        }
        if let Some(i) = text.find(emoji) {
            a.priority.get_or_insert(values::priority(level));
            s.remove(i, i + emoji.len());
        }
    }

    // Obsidian-style dates: `📅 2026-12-01`, `🛫 2026-11-20`, `✅ 2026-11-30`.
    for (emoji, which) in [
        ("📅", 0),
        ("🗓", 0),
        ("⏰", 0),
        ("🛫", 1),
        ("⏳", 1),
        ("✅", 2),
    ] {
        if ascii {
            break;
        }
        for (i, _) in text.match_indices(emoji) {
            let after = text[i + emoji.len()..].trim_start_matches('\u{fe0f}');
            let trimmed = after.trim_start();
            let n = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            if let Some(d) = values::date(&trimmed[..n]) {
                match which {
                    0 => a.due = Some(d),
                    1 => a.start = Some(d),
                    _ => a.status = Some(Status::Done),
                }
                s.remove(i, text.len() - trimmed.len() + n);
            }
        }
    }

    // A trailing estimate after a separator: `Set up CI — 2h`.
    let rest = s.rest();
    let mut words = rest.trim_end().rsplit(' ');
    let last_word = words.next().unwrap_or("");
    let may_end_in_estimate = last_word.bytes().any(|b| b.is_ascii_digit())
        || last_word.bytes().all(|b| b.is_ascii_alphabetic())
            && words
                .next()
                .is_some_and(|w| w.bytes().any(|b| b.is_ascii_digit()));
    if a.estimate.is_none() && a.size.is_none() && may_end_in_estimate {
        let r = rest.trim_end();
        if let Some(i) = r.rfind(['—', '–', '-', ':', '|']) {
            let sep_len = r[i..].chars().next().map_or(1, char::len_utf8);
            if i > 0 && r.as_bytes()[i - 1] == b' ' || matches!(r.as_bytes()[i], b':' | b'|') {
                let tail = &r[i + sep_len..];
                if let Some(e) = values::effort(tail, None) {
                    a.estimate = Some(e);
                } else if let Some(z) = values::size(tail, false, false) {
                    a.size = Some(z);
                }
                if a.estimate.is_some() || a.size.is_some() {
                    // Rebuild from the shortened text.
                    let title_part = r[..i].to_owned();
                    return finish(a, title_part);
                }
            }
        }
    }

    // `#tags` preceded by a space.
    if !rest.contains('#') {
        return finish(a, rest);
    }
    let mut title = String::with_capacity(rest.len());
    for word in rest.split(' ') {
        if let Some(tag) = word.strip_prefix('#')
            && tag.starts_with(|c: char| c.is_alphabetic())
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '/')
        {
            a.tags.push(tag.to_owned());
            continue;
        }
        title.push_str(word);
        title.push(' ');
    }
    finish(a, title)
}

fn finish(mut a: Attrs, owned: String) -> Attrs {
    let title = owned.trim();
    let sep = |c: char| matches!(c, '-' | '–' | '—' | ':' | '|' | ',' | ';') || c.is_whitespace();
    // Clean: nothing the slow path below would change. One pass over the
    // bytes for doubled spaces, tabs and newlines, emptied brackets.
    let tb = title.as_bytes();
    let mut prev = b'x';
    let mut tidy = true;
    for &b in tb {
        if matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
            || (b == b' ' && prev == b' ')
            || (b == b')' && prev == b'(')
            || (b == b']' && prev == b'[')
        {
            tidy = false;
            break;
        }
        prev = b;
    }
    let clean = tidy
        && !title.is_empty()
        && (title.is_ascii() || title.chars().all(|c| c == ' ' || !c.is_whitespace()))
        && !title.starts_with(sep)
        && !title.ends_with(sep);
    if clean {
        a.title = if title.len() == owned.len() {
            owned
        } else {
            title.to_owned()
        };
        return a;
    }
    // Collapse whitespace, drop what removals left behind (`()`, `[]`) and
    // dangling separators at the ends.
    let mut t = String::with_capacity(title.len());
    for w in title.split_whitespace() {
        if matches!(w, "()" | "[]" | "(" | ")") && (w.len() == 2 || t.is_empty()) {
            continue;
        }
        if !t.is_empty() {
            t.push(' ');
        }
        t.push_str(w);
    }
    let trimmed = t.trim_matches(sep);
    a.title = if trimmed.len() == t.len() {
        t
    } else {
        trimmed.to_owned()
    };
    a
}

/// Whether text after a leading mark starts with a kind of work in capitals
/// (`TEST :`, `CODE:`, `REFACTOR :`, `FIX:`): then the mark decorates the
/// kind (a TDD step, a commit type), it is not the task's status.
fn type_label(rest: &str) -> bool {
    let word_len = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    word.chars().all(char::is_uppercase)
        && rest[word_len..].trim_start().starts_with(':')
        && super::vocab::WORK_TYPES.contains(&word.to_lowercase().as_str())
}

fn lead_symbol(c: char) -> bool {
    !(c.is_alphanumeric()
        || c == '('
        || c == '['
        || c == '{'
        || c == '@'
        || c == '#'
        || c == '`'
        || c == '~'
        || c == '"'
        || c == '\'')
}

/// The end of a keyed value: the next `;` `|` `)` `. `, ` - ` (or an en or
/// em dash between spaces), or the end.
fn clause_end(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b';' | b'|' | b')' => return i,
            b'.' if b.get(i + 1) == Some(&b' ') => return i,
            // `（予定: ...）`, `；`: full-width brackets and separators.
            0xEF if text[i..].starts_with(['（', '）', '；']) => return i,
            b' ' => {
                let r = &text[i + 1..];
                if r.starts_with("- ") || r.starts_with("— ") || r.starts_with("– ") {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Reads a leading label (`Task 1.2:`, `T1.2:`, `API-3:`) or tracker code
/// (`T012`, `1.2`) starting at byte `start`. Returns the id, how it was
/// obtained and where the title starts.
fn leading_id(text: &str, start: usize) -> Option<(String, IdSource, usize)> {
    let t = &text[start..];
    for prefix in [
        "task ", "step ", "item ", "story ", "ticket ", "subtask ", "todo ",
    ] {
        if t.len() > prefix.len()
            && t.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        {
            let rest = t[prefix.len()..].trim_start().trim_start_matches('#');
            let n = id_token_len(rest);
            if n > 0 {
                let after = &rest[n..];
                if let Some(end) = label_end(after, true) {
                    let consumed = t.len() - after.len() + end;
                    return Some((rest[..n].to_owned(), IdSource::Label, start + consumed));
                }
            }
        }
    }
    let n = id_token_len(t);
    if n > 0
        && let Some(end) = label_end(&t[n..], false)
    {
        return Some((
            t[..n].trim_end_matches('.').to_owned(),
            IdSource::Label,
            start + n + end,
        ));
    }
    // `#12 Fix login`: an issue-style number.
    if let Some(r) = t.strip_prefix('#') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && r[digits..].starts_with([' ', ':']) {
            let after = r[digits..].trim_start_matches([' ', ':']).trim_start();
            return Some((
                r[..digits].to_owned(),
                IdSource::Code,
                start + t.len() - after.len(),
            ));
        }
    }
    // `1. Set up` inside a checkbox item: the number is the task's.
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 5 && t[digits..].starts_with(". ") {
        let after = t[digits + 2..].trim_start();
        return Some((
            t[..digits].to_owned(),
            IdSource::Code,
            start + t.len() - after.len(),
        ));
    }
    let c = values::code_len(t);
    if c > 0 {
        let after = &t[c..];
        let trimmed = after.trim_start_matches(['.', ')']);
        if trimmed.starts_with([' ', '\t']) {
            let after_sep = trimmed.trim_start();
            let after_sep = after_sep
                .strip_prefix(['-', '–', '—', ':', '|'])
                .map_or(after_sep, str::trim_start);
            return Some((
                t[..c].to_owned(),
                IdSource::Code,
                start + t.len() - after_sep.len(),
            ));
        }
    }
    None
}

/// Length of an id token at the start: letters, digits, `.`, `-`, `_`, with at least one digit.
fn id_token_len(s: &str) -> usize {
    let n = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'))
        .unwrap_or(s.len());
    let tok = s[..n].trim_end_matches(['.', '-', '_']);
    let has_digit = tok.bytes().any(|b| b.is_ascii_digit());
    let letters_ok = tok
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .all(|b| b.is_ascii_uppercase())
        || tok.bytes().take_while(u8::is_ascii_alphabetic).count() == 0;
    if has_digit && letters_ok && tok.len() <= 24 {
        tok.len()
    } else {
        0
    }
}

/// Where the title starts after an id token: after `:` (and, for prefixed
/// labels, a dash), or `None` when the token is not a label.
fn label_end(after: &str, prefixed: bool) -> Option<usize> {
    let t = after.trim_start_matches([' ', '*', '_']);
    let skipped = after.len() - t.len();
    let sep_ok = t.starts_with(':') || (prefixed && (t.starts_with(['-', '–', '—', '.', ')'])));
    if !sep_ok {
        return None;
    }
    let sep = t.chars().next().map_or(1, char::len_utf8);
    let r = &t[sep..];
    if !r.is_empty() && !r.starts_with([' ', '*', '_']) {
        return None;
    }
    Some(skipped + sep + (r.len() - r.trim_start_matches([' ', '*', '_']).len()))
}

/// Reads a group in parentheses or brackets. Returns whether every part of it
/// was an attribute, in which case it is removed from the title.
fn group(a: &mut Attrs, content: &str, bracket: bool) -> bool {
    let c = content.trim();
    if c.is_empty() {
        return false;
    }
    let mut buf = [0u8; 11];
    let lower = if c.len() <= buf.len() {
        let l = &mut buf[..c.len()];
        l.copy_from_slice(c.as_bytes());
        l.make_ascii_lowercase();
        // Only ASCII bytes changed: still UTF-8.
        std::str::from_utf8(l).unwrap_or_default()
    } else {
        ""
    };
    if matches!(
        lower,
        "done"
            | "completed"
            | "complete"
            | "finished"
            | "wip"
            | "in progress"
            | "blocked"
            | "cancelled"
            | "canceled"
            | "dropped"
            | "deferred"
            | "optional"
            | "todo"
    ) {
        if lower != "optional" {
            a.status = values::status_word(c);
        }
        return lower != "optional";
    }
    let mut applied = false;
    let mut all = true;
    let mut in_deps = false;
    let had_estimate = a.estimate.is_some() || a.size.is_some();
    for part in c.split([',', ';', '|', '、', '，', '；']) {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        // `depends on 1.1, 1.2`: the list continues after the comma.
        if in_deps && values::is_id_like(p) {
            a.deps.extend(values::dependencies(p, true).0);
            continue;
        }
        let deps_before = a.deps.len();
        let ok = piece(a, p);
        in_deps = ok && a.deps.len() > deps_before;
        if ok {
            applied = true;
        } else if bracket
            && p.len() <= 12
            && p.chars().all(|ch| {
                ch.is_ascii_uppercase()
                    || ch.is_ascii_digit()
                    || ch == '-'
                    || ch == '_'
                    || ch == '.'
            })
        {
            // Spec-kit tags `[P]`, `[US1]`, `[Story]`.
            a.tags.push(p.to_owned());
            applied = true;
        } else {
            all = false;
        }
    }
    // `(1024d, cosine, HNSW)` describes the work: a number in a group of
    // prose is not its estimate.
    if !all && !had_estimate {
        a.estimate = None;
        a.size = None;
    }
    applied && all
}

/// Reads one comma-separated part of a group.
fn piece(a: &mut Attrs, p: &str) -> bool {
    // `key: value` or `key value`.
    if let Some(k) = keys(p).next()
        && k.start == 0
    {
        return keyed(a, k.name, p[k.value_start..].trim(), k.colon);
    }
    // `(#123)`: the task's issue in the tracker.
    if let Some(n) = p.trim().strip_prefix('#')
        && !n.is_empty()
        && n.len() <= 9
        && n.bytes().all(|c| c.is_ascii_digit())
    {
        a.issue = n.parse().ok();
        return a.issue.is_some();
    }
    if p.starts_with('@') {
        let d = values::owners(p);
        if !d.is_empty() {
            add(&mut a.resources, d);
            return true;
        }
    }
    if let Some(e) = values::effort(p, None) {
        a.estimate.get_or_insert(e);
        return true;
    }
    if let Some(z) = values::size(p, false, false) {
        a.size.get_or_insert(z);
        return true;
    }
    if let Some(level) = values::priority_level(p)
        && (p.len() <= 8 || p.to_ascii_lowercase().contains("prio"))
        && !matches!(p.trim(), "m" | "l" | "h" | "M" | "L" | "H")
    {
        a.priority.get_or_insert(crate::model::Priority {
            level: Some(level),
            text: p.trim().to_owned(),
        });
        return true;
    }
    if let Some(d) = values::date(p) {
        a.due.get_or_insert(d);
        return true;
    }
    // `Task 2.1 完了後`, `T003 之后`: the phrase after the ids.
    if !p.is_ascii() {
        for suffix in super::vocab::DEPENDENCY_SUFFIXES {
            if let Some(rest) = p.trim_end().strip_suffix(suffix) {
                let (deps, bad) = values::dependencies(rest.trim(), true);
                if !deps.is_empty() && bad.is_empty() {
                    add(&mut a.deps, deps);
                    return true;
                }
            }
        }
    }
    // `depende de T003`, `зависит от T001, T002`, `依赖 T001`.
    let lower = p.to_lowercase();
    for phrase in super::vocab::DEPENDENCY_PHRASES {
        if let Some(rest) = lower.strip_prefix(phrase)
            && rest.starts_with([' ', ':', '：'])
        {
            let Some(rest) = p.get(phrase.len()..) else {
                continue;
            };
            let rest = rest.trim_start_matches([' ', ':', '：']).trim();
            let (deps, bad) = values::dependencies(rest, true);
            if !deps.is_empty() && bad.is_empty() {
                add(&mut a.deps, deps);
                return true;
            }
        }
    }
    false
}

/// Applies a keyed attribute. `colon` says whether the key had a colon,
/// which makes prose-like keys (`after`, `by`) unambiguous.
fn keyed(a: &mut Attrs, key: &str, value: &str, colon: bool) -> bool {
    let value = value.trim().trim_matches(|c: char| c == '*' || c == '_');
    match key.trim_end_matches('.') {
        k if super::vocab::DEPENDENCY_KEYS.contains(&k) => {
            let (deps, bad) = values::dependencies(value, true);
            if deps.is_empty() || !bad.is_empty() {
                if colon && values::is_none_text(value) {
                    return true;
                }
                return false;
            }
            add(&mut a.deps, deps);
            true
        }
        "est" | "estimated" | "estimate" | "effort" | "duration" => {
            if !colon {
                return values::effort(value, None).is_some_and(|e| {
                    a.estimate = Some(e);
                    true
                });
            }
            match values::effort_noted(value, None) {
                Some(e) => a.estimate = Some(e),
                None if values::is_none_text(value) => {}
                None => match values::size(value, false, true) {
                    Some(z) => a.size = Some(z),
                    None => a.bad_estimates.push(value.to_owned()),
                },
            }
            true
        }
        "story points" | "points" | "sp" | "size" => {
            if !colon {
                return false;
            }
            if key == "size"
                && let Some(e) = values::effort(value, None)
            {
                a.estimate = Some(e);
                return true;
            }
            // `bundle size: analyze the build` is prose: only a value that
            // reads as points or a size is one.
            match values::size(value, true, key == "size") {
                Some(z) => {
                    a.size = Some(z);
                    true
                }
                None => false,
            }
        }
        "owner" | "owners" | "assignee" | "assigned to" | "assigned" | "who" => {
            if !colon && !value.starts_with('@') {
                return false;
            }
            add(&mut a.resources, values::owners(value));
            true
        }
        "due date" | "due" | "deadline" | "by" | "target" | "eta" => match values::date(value) {
            Some(d) => {
                a.due = Some(d);
                true
            }
            None if colon && key != "by" => {
                a.bad_date = Some(value.to_owned());
                true
            }
            None => false,
        },
        "start" | "starts" => match values::date(value) {
            Some(d) => {
                a.start = Some(d);
                true
            }
            None => false,
        },
        "priority" | "prio" => {
            if !colon && values::priority(value).level.is_none() {
                return false;
            }
            a.priority = Some(values::priority(value));
            true
        }
        "blocked" if colon => {
            a.status = Some(Status::Blocked);
            if !value.is_empty() {
                a.blocked = Some(value.to_owned());
            }
            true
        }
        "status" if colon => match values::status_word(value) {
            Some(st) => {
                a.status = Some(st);
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// Appends `more` to `to`, taking its buffer when `to` is empty.
fn add<T>(to: &mut Vec<T>, more: Vec<T>) {
    if to.is_empty() {
        *to = more;
    } else {
        to.extend(more);
    }
}

/// Makes an id from a title: lower case words joined by `-`.
#[must_use]
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len().min(64));
    let mut dash = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
        if out.len() >= 60 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PriorityLevel, WorkTime};

    fn hours(a: &Attrs) -> Option<f64> {
        a.estimate
            .as_ref()
            .map(|e| e.likely_hours(WorkTime::default()))
    }

    #[test]
    fn keys_start_words_in_any_script() {
        // Keys are found at word starts only, between letters of any width.
        let a = extract("작업 형식 — depends on 1.2; 담당 owner: @kim");
        assert_eq!(a.deps.len(), 1);
        assert_eq!(a.deps[0].target, "1.2");
        assert_eq!(a.resources[0].name, "kim");
        let a = extract("画面を作る 依存: T001");
        assert_eq!(a.deps[0].target, "T001");
        // Inside a word a key is just letters.
        let a = extract("Redeploy the autostart service");
        assert!(a.deps.is_empty() && a.start.is_none());
        assert_eq!(a.title, "Redeploy the autostart service");
    }

    #[test]
    fn labels_and_codes() {
        let a = extract("Task 1.2: Set up the repo");
        assert_eq!(a.id, Some(("1.2".into(), IdSource::Label)));
        assert_eq!(a.title, "Set up the repo");
        for (text, id) in [
            ("T1.2: x", "T1.2"),
            ("API-3: x", "API-3"),
            ("J7: x", "J7"),
            ("T012 x", "T012"),
            ("1.2 x", "1.2"),
            ("1.2. x", "1.2"),
        ] {
            assert_eq!(extract(text).id.map(|i| i.0).as_deref(), Some(id), "{text}");
        }
        assert_eq!(
            extract("Set up {#setup} the repo").id,
            Some(("setup".into(), IdSource::Explicit))
        );
        assert_eq!(extract("OAuth2 flow").id, None);
        assert_eq!(extract("3 developers onboarded").id, None);
        assert_eq!(extract("Task 1").id, None);
    }

    #[test]
    fn estimates_inline() {
        assert_eq!(hours(&extract("Write docs (2h)")), Some(2.0));
        assert_eq!(hours(&extract("Write docs [3d]")), Some(24.0));
        assert_eq!(hours(&extract("Write docs ~3d")), Some(24.0));
        assert_eq!(hours(&extract("Write docs est: 3d")), Some(24.0));
        assert_eq!(hours(&extract("Write docs (30 mins)")), Some(0.5));
        assert_eq!(hours(&extract("Write docs (2-4d)")), Some(24.0));
        assert_eq!(hours(&extract("Write docs (1d/2d/5d)")), Some(16.0));
        assert_eq!(hours(&extract("Write docs — 2h")), Some(2.0));
        assert_eq!(extract("Write docs (2h)").title, "Write docs");
        let a = extract("Write docs (est: lots)");
        assert_eq!(a.bad_estimates, ["lots"]);
        assert_eq!(hours(&extract("Take 2 breaks")), None);
    }

    #[test]
    fn dependencies_owners_priority_inline() {
        let a = extract("Build API (depends on 1.1, 1.2) @alice P1");
        assert_eq!(
            a.deps.iter().map(|d| d.target.as_str()).collect::<Vec<_>>(),
            ["1.1", "1.2"]
        );
        assert_eq!(a.resources[0].name, "alice");
        assert_eq!(a.priority.unwrap().level, Some(PriorityLevel::High));
        assert_eq!(a.title, "Build API");
        let a = extract("Deploy after 2.3");
        assert_eq!(a.deps[0].target, "2.3");
        assert!(extract("Fix login, blocked by #123").deps.is_empty());
        assert_eq!(
            extract("Ship (depends on Task #4)").deps[0].target,
            "Task #4"
        );
        let a = extract("Deploy after lunch");
        assert!(a.deps.is_empty());
        assert_eq!(a.title, "Deploy after lunch");
        let a = extract("Load test @backend x2");
        assert_eq!(
            (a.resources[0].name.as_str(), a.resources[0].units),
            ("backend", 2.0)
        );
        let a = extract("Mail alice@example.com");
        assert!(a.resources.is_empty());
    }

    #[test]
    fn statuses_and_tags() {
        assert_eq!(extract("✅ Ship it").status, Some(Status::Done));
        assert_eq!(extract("Ship it 🚧").status, Some(Status::InProgress));
        assert_eq!(extract("❌ Ship it").status, Some(Status::Cancelled));
        assert_eq!(extract("Ship it (done)").status, Some(Status::Done));
        let a = extract("T001 [P] [US1] Create project structure in src/");
        assert_eq!(a.id.unwrap().0, "T001");
        assert_eq!(a.tags, ["P", "US1"]);
        assert_eq!(a.title, "Create project structure in src/");
        let a = extract("Fix login #auth #bug");
        assert_eq!(a.tags, ["auth", "bug"]);
        assert_eq!(
            extract("Ship it 📅 2026-12-01").due.unwrap().to_string(),
            "2026-12-01"
        );
    }
}
