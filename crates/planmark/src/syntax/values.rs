//! Readers for single values: quantities, estimates, dates, priorities,
//! ratings, statuses, owner lists and dependency lists.

use jiff::civil::Date;
use smallvec::SmallVec;

use crate::model::{
    Demand, Dependency, Effort, Level, LinkKind, Priority, PriorityLevel, Quantity, Rating, Size,
    Status, TimeUnit,
};

/// Reads a time unit word: `h`, `hrs`, `days`, `wk`, `Wochen`, `jours`.
pub(crate) fn unit(word: &str) -> Option<TimeUnit> {
    let w = word.trim().trim_end_matches('.');
    if w.is_ascii() && !w.bytes().any(|b| b.is_ascii_uppercase()) {
        return super::vocab::unit(w);
    }
    super::vocab::unit(&w.to_lowercase())
}

fn number_prefix(s: &str) -> Option<(f64, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut seen_digit = false;
    while i < b.len() && (b[i].is_ascii_digit() || ((b[i] == b'.' || b[i] == b',') && seen_digit)) {
        seen_digit |= b[i].is_ascii_digit();
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    let num = s[..i].trim_end_matches(['.', ',']);
    let rest = &s[num.len()..];
    // Whole numbers, the usual case, exactly and without the float reader.
    if num.len() <= 15 && num.bytes().all(|b| b.is_ascii_digit()) {
        let n = num.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
        #[allow(clippy::cast_precision_loss)]
        return Some((n as f64, rest));
    }
    let value: f64 = if num.contains(',') {
        num.replace(',', ".").parse().ok()?
    } else {
        num.parse().ok()?
    };
    Some((value, rest))
}

/// Reads one amount of working time: `2h`, `1.5 days`, `30 mins`, `1h30m`,
/// `half a day`. A bare number takes `default` as its unit.
pub(crate) fn quantity(s: &str, default: Option<TimeUnit>) -> Option<Quantity> {
    let mut s = s.trim();
    for p in ["~", "≈", "about ", "approx. ", "approx ", "ca. ", "circa "] {
        s = s.strip_prefix(p).unwrap_or(s).trim_start();
    }
    if ["half a day", "half day", "½ day", "half-day"]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
    {
        return Some(Quantity {
            amount: 0.5,
            unit: TimeUnit::Days,
        });
    }
    let mut total: Option<Quantity> = None;
    let mut rest = s;
    loop {
        let (value, after) = number_prefix(rest)?;
        let after = after.trim_start();
        let word_len = after
            .char_indices()
            .find(|&(_, c)| !(c.is_alphabetic() || c == '-' || c == '.'))
            .map_or(after.len(), |(i, _)| i);
        let word = after[..word_len].trim_end_matches(['-', '.']);
        let u = if word.is_empty() {
            default?
        } else {
            unit(word)?
        };
        if !value.is_finite() || value > 1.0e6 {
            return None;
        }
        let q = Quantity {
            amount: value,
            unit: u,
        };
        total = Some(match total {
            None => q,
            Some(t) => combine(t, q),
        });
        rest = after[word.len()..]
            .trim_start()
            .trim_start_matches(['.', ' ']);
        if rest.is_empty() || word.is_empty() {
            break;
        }
    }
    if rest.trim().is_empty() { total } else { None }
}

/// Adds two quantities of possibly different units (`1h30m`, `1d 4h`).
fn combine(a: Quantity, b: Quantity) -> Quantity {
    if a.unit == b.unit {
        return Quantity {
            amount: a.amount + b.amount,
            unit: a.unit,
        };
    }
    let work = crate::model::WorkTime::default();
    Quantity {
        amount: a.hours(work) + b.hours(work),
        unit: TimeUnit::Hours,
    }
}

fn trailing_unit(s: &str) -> Option<TimeUnit> {
    let t = s.trim().trim_end_matches('.');
    let start = t
        .rfind(|c: char| !c.is_alphabetic())
        .map_or(0, |i| i + t[i..].chars().next().map_or(1, char::len_utf8));
    if start >= t.len() {
        return None;
    }
    unit(&t[start..])
}

/// An impact written as an amount of time (`+2 weeks`, `3 days delay`):
/// the delay it stands for. A bare number (`3` on a 1-5 scale) is not one.
pub(crate) fn impact_delay(s: &str) -> Option<Quantity> {
    let t = s.trim().trim_start_matches('+').trim();
    let t = t
        .strip_suffix("delay")
        .or_else(|| t.strip_suffix("slip"))
        .unwrap_or(t)
        .trim();
    quantity(t, None).filter(|q| q.amount > 0.0)
}

/// The finding for an estimate that cannot be read: message and help.
pub(crate) fn bad_estimate(text: &str) -> (String, &'static str) {
    let t = text.trim();
    let negative = t
        .strip_prefix(['-', '−'])
        .is_some_and(|r| r.trim_start().starts_with(|c: char| c.is_ascii_digit()));
    if negative {
        (
            format!("estimate `{t}` is negative"),
            "an estimate is an amount of work: write a positive duration like 2d, or 0",
        )
    } else if number_prefix(t).is_some_and(|(_, rest)| rest.trim().is_empty()) {
        (
            format!("estimate `{t}` has no unit"),
            "write the unit (16h, 2d), or name it in the column header: Estimate (h)",
        )
    } else {
        (
            format!("estimate `{t}` is not a duration"),
            "write an estimate like 2h, 1.5d, 3 days, 1w, 2-4d or 1d/2d/5d",
        )
    }
}

/// Reads an estimate written where only an estimate goes (an Estimate
/// cell, an `Estimate:` value), leaving out a note after it: `1 day (2-3
/// hours)`, `2 days, spread over two weeks`, `1 day every 2 weeks`.
pub(crate) fn effort_noted(s: &str, default: Option<TimeUnit>) -> Option<Effort> {
    if let Some(e) = effort(s, default) {
        return Some(e);
    }
    let t = s.trim();
    let cut = [" (", "（", ", ", "; ", " every ", " per ", " each "]
        .iter()
        .filter_map(|sep| t.find(sep))
        .min()?;
    let mut e = effort(&t[..cut], default)?;
    match &mut e {
        Effort::Single { text, .. }
        | Effort::Range { text, .. }
        | Effort::ThreePoint { text, .. } => {
            t.clone_into(text);
        }
    }
    Some(e)
}

/// Reads an estimate: `3d`, a range `2-4d`, or three points `1d/2d/5d`.
pub(crate) fn effort(s: &str, default: Option<TimeUnit>) -> Option<Effort> {
    let t = s.trim().trim_start_matches(['~', '≈']).trim();
    // Every estimate starts with a digit (or `half a day`).
    if !t.starts_with(|c: char| c.is_ascii_digit()) && !t.starts_with(['h', 'H', '½']) {
        return None;
    }
    let text = || s.trim().to_owned();
    if t.contains('/') {
        let parts: Vec<&str> = t.split('/').map(str::trim).collect();
        if parts.len() != 3 {
            return None;
        }
        let u = trailing_unit(parts[2]).or(default);
        let o = quantity(parts[0], u)?;
        let l = quantity(parts[1], u)?;
        let p = quantity(parts[2], u)?;
        return Some(Effort::ThreePoint {
            optimistic: o,
            likely: l,
            pessimistic: p,
            text: text(),
        });
    }
    // A range: the first separator after the first number.
    for (i, _) in t.char_indices().skip(1) {
        let r = &t[i..];
        let sep = [
            "–", "—", " to ", "..", "-", "~", "～", " bis ", " à ", " a ",
        ]
        .into_iter()
        .find(|s| r.starts_with(s));
        if let Some(sep) = sep {
            let (a, b) = (&t[..i], &r[sep.len()..]);
            let u = trailing_unit(b).or(default);
            if let (Some(min), Some(max)) = (quantity(a, u), quantity(b, u)) {
                return Some(Effort::Range {
                    min,
                    max,
                    text: text(),
                });
            }
            break;
        }
    }
    quantity(t, default).map(|value| Effort::Single {
        value,
        text: text(),
    })
}

/// Reads a relative estimate: story points (`5 SP`, `8 points`, `3 Punkte`;
/// a bare number when `bare_points`, as in a Story Points column) or, when
/// `shirts`, a T-shirt size (`M`, `XL`, `Large`).
pub(crate) fn size(s: &str, bare_points: bool, shirts: bool) -> Option<Size> {
    let t = s
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_' || c == '`')
        .trim();
    if let Some((value, rest)) = number_prefix(t) {
        let word = rest.trim().trim_end_matches('.').to_lowercase();
        let points = if word.is_empty() {
            bare_points
        } else {
            super::vocab::point_word(&word)
        };
        return (points && value.is_finite() && value >= 0.0).then(|| Size::Points {
            points: value,
            text: t.to_owned(),
        });
    }
    if !shirts {
        return None;
    }
    let lower = t.to_lowercase();
    let word = lower
        .strip_suffix(" size")
        .or_else(|| lower.strip_prefix("size "))
        .unwrap_or(&lower)
        .trim();
    super::vocab::shirt_size(word).map(|size| Size::Shirt {
        size: size.to_owned(),
        text: t.to_owned(),
    })
}

const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    ("januar", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("okt", 10),
    ("dez", 12),
];

fn month(word: &str) -> Option<i8> {
    let w = word.trim_end_matches(['.', ',']).to_lowercase();
    MONTHS.iter().find(|(m, _)| *m == w).map(|&(_, n)| n)
}

/// An issue number as a cell or a value holds it: `#123`, `123`,
/// `[#123](https://…/issues/123)` or an issue's URL.
#[must_use]
pub(crate) fn issue_number(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits = |t: &str| -> Option<u64> {
        let n = t.bytes().take_while(u8::is_ascii_digit).count();
        (n > 0 && n <= 9).then(|| t[..n].parse().ok()).flatten()
    };
    if let Some(i) = s.find("/issues/") {
        return digits(&s[i + 8..]);
    }
    let t = s.trim_start_matches('[');
    if let Some(r) = t.strip_prefix('#') {
        return digits(r);
    }
    let n = digits(s)?;
    (s.len() == n.to_string().len()).then_some(n)
}

/// Reads a calendar date: `2026-12-15`, `2026/12/15`, `15.12.2026`,
/// `Dec 15, 2026`, `15 December 2026`. Trailing times are ignored.
pub(crate) fn date(s: &str) -> Option<Date> {
    date_in(s, None)
}

/// Whether a numeric date reads day first (`13/02/2024`: `Some(true)`),
/// month first (`02/13/2024`: `Some(false)`), or could be either (`None`).
pub(crate) fn day_first(s: &str) -> Option<bool> {
    let s = s
        .trim()
        .trim_matches(|c: char| c == '*' || c == '`' || c == '_');
    let mut nums = s.split(['/', '-']);
    let a: u32 = nums.next()?.parse().ok()?;
    let b: u32 = nums.next()?.parse().ok()?;
    let y = nums.next()?;
    if y.len() != 4 || !y.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match (a > 12, b > 12) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// What is wrong with a date that cannot be read: the message and the help,
/// or `None` when it names a period rather than a day (`Week 3`, `Q2`,
/// `Sprint 4`), which is not a mistake.
pub(crate) fn bad_date(s: &str) -> Option<(String, &'static str)> {
    let t = s
        .trim()
        .trim_matches(|c: char| c == '*' || c == '`' || c == '_');
    if super::sections::phase_number(&super::sections::normalize(t)).is_some() {
        return None;
    }
    let parts: Vec<&str> = t.split(['/', '.']).filter(|p| !p.is_empty()).collect();
    if parts.len() == 2
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some((
            format!("date `{t}` has no year"),
            "write dates as YYYY-MM-DD",
        ));
    }
    if parts.len() == 3 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return Some((
            format!("date `{t}` could be day/month or month/day"),
            "write dates as YYYY-MM-DD, or give one date in the table whose day is above 12",
        ));
    }
    Some((
        format!("date `{t}` is not a date"),
        "write dates as YYYY-MM-DD",
    ))
}

/// Reads a date; `day_first` settles `02/11/2024` when the document shows
/// its order elsewhere.
pub(crate) fn date_in(s: &str, day_first: Option<bool>) -> Option<Date> {
    // Every form has a year of four digits and a day: five digits at least.
    if s.bytes().filter(u8::is_ascii_digit).count() < 5 {
        return None;
    }
    let s = s
        .trim()
        .trim_matches(|c: char| c == '*' || c == '`' || c == '_');
    let first = s.split(['T', ' ']).next().unwrap_or(s);
    let nums: Vec<&str> = first.split(['-', '/', '.']).collect();
    if nums.len() == 3
        && nums
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        let v: Vec<i32> = nums.iter().filter_map(|n| n.parse().ok()).collect();
        if v.len() == 3 {
            let (y, m, d) = if nums[0].len() == 4 {
                (v[0], v[1], v[2])
            } else if nums[2].len() == 4 {
                if first.contains('.') || v[0] > 12 {
                    (v[2], v[1], v[0])
                } else if v[1] > 12 || day_first == Some(false) {
                    (v[2], v[0], v[1])
                } else if day_first == Some(true) {
                    (v[2], v[1], v[0])
                } else {
                    return None;
                }
            } else {
                return None;
            };
            return Date::new(
                i16::try_from(y).ok()?,
                i8::try_from(m).ok()?,
                i8::try_from(d).ok()?,
            )
            .ok();
        }
    }
    // Month names: `Dec 15, 2026`, `15 Dec 2026`, `December 15th 2026`.
    let words: Vec<&str> = s.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    if words.len() >= 3 {
        let day = |w: &str| -> Option<i8> {
            w.trim_end_matches(|c: char| c.is_alphabetic() || c == '.')
                .parse()
                .ok()
        };
        let year = |w: &str| -> Option<i16> { w.parse().ok().filter(|y: &i16| *y > 1900) };
        if let (Some(m), Some(d), Some(y)) = (month(words[0]), day(words[1]), year(words[2])) {
            return Date::new(y, m, d).ok();
        }
        if let (Some(d), Some(m), Some(y)) = (day(words[0]), month(words[1]), year(words[2])) {
            return Date::new(y, m, d).ok();
        }
    }
    None
}

/// Reads a priority level, without allocating for the usual words.
pub(crate) fn priority_level(s: &str) -> Option<PriorityLevel> {
    let t = s.trim().trim_matches(|c: char| !c.is_alphanumeric());
    if t.len() > 24 {
        return None;
    }
    let mut buf = [0u8; 24];
    let n = t.len();
    if !t.is_ascii() {
        let lower = t.to_lowercase();
        return priority_word(lower.trim());
    }
    for (i, b) in t.bytes().enumerate() {
        buf[i] = b.to_ascii_lowercase();
    }
    let l = std::str::from_utf8(&buf[..n]).unwrap_or_default();
    let l = l
        .strip_suffix(" priority")
        .or_else(|| l.strip_prefix("priority "))
        .unwrap_or(l);
    priority_word(l.trim())
}

fn priority_word(l: &str) -> Option<PriorityLevel> {
    super::vocab::priority(l)
}

/// Reads a priority; the level is `None` when the text is not understood.
pub(crate) fn priority(s: &str) -> Priority {
    Priority {
        level: priority_level(s),
        text: s.trim().to_owned(),
    }
}

/// Reads a likelihood or impact: Low/Med/High, Very Low..Very High, 1-5, or a percentage.
pub(crate) fn rating(s: &str) -> Rating {
    let text = s.trim().to_owned();
    let t = text
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '%')
        .to_lowercase();
    if let Some(p) = t.strip_suffix('%') {
        let probability = p
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| (0.0..=100.0).contains(v))
            .map(|v| v / 100.0);
        let level = probability.map(|p| match p {
            p if p < 0.1 => Level::VeryLow,
            p if p < 0.3 => Level::Low,
            p if p < 0.6 => Level::Medium,
            p if p < 0.85 => Level::High,
            _ => Level::VeryHigh,
        });
        return Rating {
            level,
            probability,
            text,
        };
    }
    let level = super::vocab::level(t.as_str()).or_else(|| level_in(&t));
    Rating {
        level,
        probability: None,
        text,
    }
}

/// The level of a rating with a note or a range: `High - core feature`,
/// `Low (simple operations)`, `Low-Medium` (the higher end, as a careful
/// reader plans for it).
fn level_in(t: &str) -> Option<Level> {
    let head = t
        .split(['(', ',', ';', '—', '–', '（'])
        .next()
        .unwrap_or(t)
        .split(" - ")
        .next()
        .unwrap_or(t)
        .trim();
    if let Some(l) = super::vocab::level(head) {
        return Some(l);
    }
    let mut ends = head.split(['-', '/', '~']).map(str::trim);
    let (a, b) = (ends.next()?, ends.next()?);
    if ends.next().is_some() {
        return None;
    }
    let (a, b) = (super::vocab::level(a)?, super::vocab::level(b)?);
    // Levels are ordered from very low to very high.
    Some(a.max(b))
}

/// Reads a status word or emoji: `Done`, `In Progress`, `✅`, `WIP`.
pub(crate) fn status_word(s: &str) -> Option<Status> {
    let t = s
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_' || c == '`' || c == '[' || c == ']');
    if let Some(st) = t.chars().next().and_then(status_emoji)
        && t.chars()
            .skip(1)
            .all(|c| c == '\u{fe0f}' || c.is_whitespace() || c.is_alphabetic())
    {
        return Some(st);
    }
    let l = t
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if l.is_empty() {
        return Some(Status::Todo);
    }
    super::vocab::status(l.as_str())
        // `in_progress`, `in-progress`: machine-written words.
        .or_else(|| {
            l.contains(['_', '-'])
                .then(|| super::vocab::status(&l.replace(['_', '-'], " ")))
                .flatten()
        })
        .or_else(|| {
            // `Done (2026-01-04)`, `Completed – see PR`: the status word first.
            let head = l.split(['(', '/', ',', '-', '–']).next()?.trim();
            super::vocab::status(head)
        })
        // `🟢 Reviewed/Tested`: a leading status mark.
        .or_else(|| t.chars().next().and_then(status_emoji))
}

/// Maps a status emoji to its status.
pub(crate) fn status_emoji(c: char) -> Option<Status> {
    if let Some(st) = super::legend::lookup(super::legend::Symbol::Emoji(c)) {
        return Some(st);
    }
    Some(match c {
        '✅' | '✔' | '☑' | '✓' | '☒' | '🟢' | '🎉' => Status::Done,
        '🚧' | '🔄' | '⏳' | '🏗' | '🔨' | '🟡' | '🛠' | '⚙' | '🔧' | '👷' | '🏃' => {
            Status::InProgress
        }
        '❌' | '✗' | '✘' | '🚫' | '🗑' => Status::Cancelled,
        '⛔' | '🛑' | '🔴' | '⚠' | '🚨' | '🔒' => Status::Blocked,
        '⬜' | '🔲' | '☐' | '⭕' | '📋' | '🔜' | '⏸' | '📝' | '🆕' | '⚪' => {
            Status::Todo
        }
        _ => return None,
    })
}

/// Maps a checkbox character (`x` in `[x]`) to its status.
pub(crate) fn checkbox(c: char) -> Option<Status> {
    if c != ' '
        && let Some(st) = super::legend::lookup(super::legend::Symbol::Checkbox(c))
    {
        return Some(st);
    }
    Some(match c {
        ' ' | '>' | '<' => Status::Todo,
        'x' | 'X' | '✓' | '✔' => Status::Done,
        '~' | '/' | '.' | 'o' | 'O' | '+' => Status::InProgress,
        '-' => Status::Cancelled,
        '!' => Status::Blocked,
        _ => return None,
    })
}

/// Whether the text says "nothing": `None`, `-`, `N/A`, `TBD`, empty.
pub(crate) fn is_none_text(s: &str) -> bool {
    let t = s
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_' || c == '`' || c == '.');
    if t.len() > 10 {
        return false;
    }
    let mut buf = [0u8; 10];
    let lower = &mut buf[..t.len()];
    lower.copy_from_slice(t.as_bytes());
    lower.make_ascii_lowercase();
    matches!(
        &*lower,
        b"" | b"-"
            | b"--"
            // The em and en dashes.
            | b"\xE2\x80\x94"
            | b"\xE2\x80\x93"
            | b"none"
            | b"n/a"
            | b"na"
            | b"nil"
            | b"nothing"
            | b"tbd"
            | b"tba"
            | b"?"
            | b"unassigned"
            | b"no"
            | b"keine"
            | b"aucune"
            | b"ninguna"
            | b"x"
            | b"/"
    )
}

/// Reads a list of people and pools: `@alice @bob`, `Alice, Bob`, `backend x2`.
pub(crate) fn owners(s: &str) -> Vec<Demand> {
    let mut out = Vec::new();
    for part in split_list(s) {
        let mut p = part.trim();
        if is_none_text(p) {
            continue;
        }
        let mut units = 1.0;
        // `backend x2`, `backend ×2`, `backend (x2)`, `2x backend`, `2 × backend`.
        if let Some(i) = p.rfind([' ', '(']) {
            let tail = p[i + 1..].trim_end_matches(')');
            if let Some(n) = tail
                .strip_prefix(['x', '×', '*'])
                .and_then(|n| n.parse::<f64>().ok())
            {
                units = n;
                p = p[..i].trim();
            }
        }
        if (units - 1.0).abs() < f64::EPSILON
            && let Some((n, rest)) = number_prefix(p)
        {
            let rest = rest.trim_start();
            if let Some(r) = rest.strip_prefix(['x', '×', '*']) {
                units = n;
                p = r.trim();
            }
        }
        for name in p
            .split_whitespace()
            .filter(|w| w.starts_with('@'))
            .map(|w| w.trim_start_matches('@'))
        {
            out.push(Demand {
                name: clean_name(name),
                units: 1.0,
            });
        }
        if p.starts_with('@') {
            if let Some(last) = out.last_mut() {
                last.units = units;
            }
            continue;
        }
        let name = clean_name(p);
        if !name.is_empty() {
            out.push(Demand { name, units });
        }
    }
    out
}

fn clean_name(s: &str) -> String {
    s.trim()
        .trim_start_matches('@')
        .trim_matches(|c: char| c == '*' || c == '_' || c == '`' || c == '.')
        .to_owned()
}

/// Splits a list on `,`, `;`, `&` and ` and `.
pub(crate) fn split_list(s: &str) -> SmallVec<[&str; 4]> {
    let mut out = SmallVec::new();
    let b = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let sep = match b[i] {
            b',' | b';' | b'&' => 1,
            b' ' if b[i..].len() >= 5
                && b[i + 1..i + 4].eq_ignore_ascii_case(b"and")
                && b[i + 4] == b' ' =>
            {
                5
            }
            _ => 0,
        };
        if sep > 0 {
            out.push(s[start..i].trim());
            i += sep;
            start = i;
        } else if b[i] >= 0xE0 && s[i..].starts_with(['、', '・', '，']) {
            // `2・3・4`, `T001、T002`: separators of scripts without spaces.
            out.push(s[start..i].trim());
            i += 3;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(s[start..].trim());
    out.retain(|p: &mut &str| !p.is_empty());
    out
}

/// Whether `s` reads as a task id: `1.2`, `T012`, `API-3`, `doc#1.2`, `Task 3`, `Phase 2`.
pub(crate) fn is_id_like(s: &str) -> bool {
    let s = s.trim();
    if let Some((doc, id)) = s.split_once('#')
        && !doc.is_empty()
        && !doc.contains(' ')
    {
        return !id.is_empty();
    }
    for p in ["task ", "phase ", "step ", "milestone ", "story "] {
        let prefixed = s
            .as_bytes()
            .get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()));
        if let Some(rest) = prefixed.then(|| s[p.len()..].trim_start_matches('#')) {
            return code_len(rest.trim()) == rest.trim().len()
                || rest.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.');
        }
    }
    // A slug (`local-database-layer`): lower case words joined by dashes.
    let slug = s.contains('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    !s.is_empty()
        && (slug
            || code_len(s) == s.len()
            || (s.bytes().all(|b| b.is_ascii_digit()) && s.len() < 5))
}

/// Length of a tracker-style code at the start of `s` (`T012`, `1.2`, `API-3`,
/// `US1`), 0 when there is none. Pure numbers need a dot (`1.2`), else they
/// are ordinary numbers.
pub(crate) fn code_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_uppercase() && i < 8 {
        i += 1;
    }
    let letters = i;
    if letters > 0 && i < b.len() && (b[i] == b'-' || b[i] == b'_') {
        i += 1;
    }
    // `T.1`, `B.2.1`: a letter block and a number.
    if letters > 0 && letters <= 2 && i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == digits_start {
        return 0;
    }
    let mut dots = 0;
    while i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        dots += 1;
    }
    if i < b.len()
        && b[i].is_ascii_lowercase()
        && (i + 1 == b.len() || !b[i + 1].is_ascii_alphanumeric())
    {
        i += 1;
    }
    if i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        return 0;
    }
    if letters == 0 && dots == 0 {
        return 0;
    }
    i
}

/// Reads a dependency list: `1.1, 1.2`, `Task 1`, `after 1.1`, `1.1 SS`,
/// `1.1 FF+2d`. With `strict`, every entry must look like an id (for prose).
/// Returns the dependencies and the entries that could not be read.
pub(crate) fn dependencies(s: &str, strict: bool) -> (Vec<Dependency>, Vec<String>) {
    let mut deps = Vec::new();
    let mut bad = Vec::new();
    if is_none_text(s) {
        return (deps, bad);
    }
    for part in split_list(s) {
        let dep = |target: String, kind, lag| Dependency {
            target,
            kind,
            lag,
            text: part.to_owned(),
            resolved: false,
            span: None,
        };
        let mut p = part
            .trim()
            .trim_matches(|c: char| c == '*' || c == '`' || c == '_');
        // The usual entry, a bare code (`1.2`, `T012`): no prefix, range,
        // link type or lag to look for.
        if !p.is_empty() && code_len(p) == p.len() && !p.contains('-') && !p.contains("..") {
            deps.push(dep(p.to_owned(), LinkKind::default(), None));
            continue;
        }
        for prefix in [
            "depends on",
            "depends",
            "after",
            "blocked by",
            "requires",
            "needs",
            "following",
            "nach",
        ] {
            if p.len() > prefix.len()
                && p.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
            {
                p = p[prefix.len()..].trim_start_matches(':').trim();
                break;
            }
        }
        if is_none_text(p) {
            continue;
        }
        if let Some(ids) = id_range(p) {
            deps.extend(
                ids.into_iter()
                    .map(|target| dep(target, LinkKind::default(), None)),
            );
            continue;
        }
        let (target, kind, lag) = link_suffix(p);
        let mut target = target.trim().trim_end_matches(['.', ':']).trim();
        // `H.5 завершён`, `T003 done`: the state the work waits for.
        if let Some((id, state)) = target.split_once(' ')
            && is_id_like(id)
            && status_word(state).is_some()
        {
            target = id;
        }
        let link_word = ["FS", "SS", "FF", "SF"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(target));
        if target.is_empty()
            || link_word
            || !target.chars().any(char::is_alphanumeric)
            || (strict && !is_id_like(target))
        {
            bad.push(part.to_owned());
            continue;
        }
        deps.push(dep(target.to_owned(), kind, lag));
    }
    (deps, bad)
}

/// A range of ids: `T030-T032`, `T030–T032`, `T030..T032`, `2.1-2.4`, as
/// the ids it spans (at most 200).
fn id_range(p: &str) -> Option<Vec<String>> {
    // The start and end share everything before their trailing number.
    fn split_number(id: &str) -> Option<(&str, &str)> {
        let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        (digits > 0 && digits < 9).then(|| id.split_at(id.len() - digits))
    }
    // The separators, in one pass: `..`, `–`, `—`, `-`, each the first
    // one of its kind that splits a range, in that order of preference.
    let seps = p.char_indices().filter_map(|(i, c)| match c {
        '.' if p[i + 1..].starts_with('.') => Some((0, i, 2)),
        '–' | '—' => Some((if c == '–' { 1 } else { 2 }, i, c.len_utf8())),
        '-' => Some((3, i, 1)),
        _ => None,
    });
    let mut found: SmallVec<[(u8, usize, usize); 4]> = seps.collect();
    if found.is_empty() {
        return None;
    }
    found.sort_by_key(|&(rank, i, _)| (rank, i));
    for (_, i, len) in found {
        let (a, b) = (p[..i].trim(), p[i + len..].trim());
        let (Some((pa, na)), Some((pb, nb))) = (split_number(a), split_number(b)) else {
            continue;
        };
        if pa != pb || !is_id_like(a) || a.contains(' ') || b.contains(' ') {
            continue;
        }
        let (x, y): (u32, u32) = (na.parse().ok()?, nb.parse().ok()?);
        if x >= y || y - x > 200 {
            continue;
        }
        let width = na.len();
        return Some((x..=y).map(|n| format!("{pa}{n:0width$}")).collect());
    }
    None
}

/// Splits `1.1 FF+2d` into the target, the link kind and the lag.
fn link_suffix(p: &str) -> (&str, LinkKind, Option<Quantity>) {
    let mut target = p;
    let mut lag = None;
    // Lag: a trailing `+2d` / `-1d` / `+ 2 days`.
    if let Some(i) = p.rfind(['+', '-'])
        && i > 0
        && let Some(q) = quantity(&p[i + 1..], Some(TimeUnit::Days))
        && p[i + 1..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit())
    {
        let sign = if p.as_bytes()[i] == b'-' { -1.0 } else { 1.0 };
        // `API-3` is an id, not a lag: require a link type or a space before the sign.
        let before = p[..i].trim_end();
        let typed = ["SS", "FS", "FF", "SF"].iter().any(|k| before.ends_with(k));
        if typed || p[..i].ends_with(' ') {
            lag = Some(Quantity {
                amount: sign * q.amount,
                unit: q.unit,
            });
            target = before;
        }
    }
    let mut kind = LinkKind::FinishToStart;
    for (k, lk) in [
        ("SS", LinkKind::StartToStart),
        ("FS", LinkKind::FinishToStart),
        ("FF", LinkKind::FinishToFinish),
        ("SF", LinkKind::StartToFinish),
    ] {
        if let Some(t) = target.strip_suffix(k)
            && (t.ends_with(' ') || t.ends_with(|c: char| c.is_ascii_digit()))
        {
            kind = lk;
            target = t.trim_end();
            break;
        }
    }
    (target, kind, lag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(s: &str) -> Option<(f64, Option<f64>, Option<f64>)> {
        let w = crate::model::WorkTime::default();
        effort(s, None).map(|e| (e.likely_hours(w), e.min_hours(w), e.max_hours(w)))
    }

    #[test]
    fn estimates_in_every_form() {
        assert_eq!(hours("2h"), Some((2.0, None, None)));
        assert_eq!(hours("30m"), Some((0.5, None, None)));
        assert_eq!(hours("30 mins"), Some((0.5, None, None)));
        assert_eq!(hours("1.5d"), Some((12.0, None, None)));
        assert_eq!(hours("1,5 Tage"), Some((12.0, None, None)));
        assert_eq!(hours("3 days"), Some((24.0, None, None)));
        assert_eq!(hours("1w"), Some((40.0, None, None)));
        assert_eq!(hours("2 weeks"), Some((80.0, None, None)));
        assert_eq!(hours("2-4d"), Some((24.0, Some(16.0), Some(32.0))));
        assert_eq!(hours("2d - 4d"), Some((24.0, Some(16.0), Some(32.0))));
        assert_eq!(hours("2–3 weeks"), Some((100.0, Some(80.0), Some(120.0))));
        assert_eq!(hours("1d/2d/5d"), Some((16.0, Some(8.0), Some(40.0))));
        assert_eq!(hours("1/2/5d"), Some((16.0, Some(8.0), Some(40.0))));
        assert_eq!(hours("1h30m"), Some((1.5, None, None)));
        assert_eq!(hours("~3d"), Some((24.0, None, None)));
        assert_eq!(hours("half a day"), Some((4.0, None, None)));
        assert_eq!(hours("3 pts"), None);
        assert_eq!(hours("XL"), None);
        assert_eq!(hours("3"), None);
        assert_eq!(hours("1e999d"), None);
    }

    #[test]
    fn dates() {
        let d = |s| date(s).map(|d: Date| d.to_string());
        assert_eq!(d("2026-12-15"), Some("2026-12-15".into()));
        assert_eq!(d("2026/12/15"), Some("2026-12-15".into()));
        assert_eq!(d("15.12.2026"), Some("2026-12-15".into()));
        assert_eq!(d("Dec 15, 2026"), Some("2026-12-15".into()));
        assert_eq!(d("15 December 2026"), Some("2026-12-15".into()));
        assert_eq!(d("12/15/2026"), Some("2026-12-15".into()));
        assert_eq!(d("2026-02-30"), None);
        assert_eq!(d("next Friday"), None);
        assert_eq!(d("03/04/2026"), None);
    }

    #[test]
    fn dependency_lists() {
        let (d, bad) = dependencies("1.1, 1.2 SS, 2.1 FF+2d, Task 4", false);
        assert!(bad.is_empty());
        let t: Vec<_> = d
            .iter()
            .map(|d| (d.target.as_str(), d.kind, d.lag.map(|l| l.amount)))
            .collect();
        assert_eq!(
            t,
            vec![
                ("1.1", LinkKind::FinishToStart, None),
                ("1.2", LinkKind::StartToStart, None),
                ("2.1", LinkKind::FinishToFinish, Some(2.0)),
                ("Task 4", LinkKind::FinishToStart, None),
            ]
        );
        assert!(dependencies("None", false).0.is_empty());
        assert!(dependencies("-", false).0.is_empty());
        let (d, _) = dependencies("API-3", false);
        assert_eq!(d[0].target, "API-3");
        assert!(d[0].lag.is_none());
        let (d, bad) = dependencies("lunch", true);
        assert!(d.is_empty() && bad == ["lunch"]);
    }

    #[test]
    fn codes() {
        assert_eq!(code_len("T012 Create"), 4);
        assert_eq!(code_len("1.2 Build"), 3);
        assert_eq!(code_len("API-3: x"), 5);
        assert_eq!(code_len("12 monkeys"), 0);
        assert_eq!(code_len("OAuth2 flow"), 0);
        assert_eq!(code_len("US1"), 3);
    }

    #[test]
    fn owner_lists() {
        let o = owners("@alice @bob");
        assert_eq!(
            o.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
            ["alice", "bob"]
        );
        let o = owners("backend x2, Alice");
        assert_eq!((o[0].name.as_str(), o[0].units), ("backend", 2.0));
        assert_eq!(o[1].name, "Alice");
        assert!(owners("TBD").is_empty());
    }
}
