//! Recognising sections by their heading text.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use smallvec::SmallVec;

use super::vocab::{self, SECTIONS_CONTAINS as CONTAINS};
use crate::model::SectionKind;

/// Reduces a heading to the words that identify it: lower case, no
/// numbering, emoji, punctuation at the ends or `(if applicable)` notes.
pub(crate) fn normalize(heading: &str) -> String {
    let s = strip_lead(heading);
    if s.is_ascii() {
        return normalize_ascii(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    // Lower case, brackets dropped, punctuation to single spaces.
    let mut space = false;
    let mut push = |out: &mut String, c: char| {
        if c == ' ' {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else if caseless(c) {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
        }
    };
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '&' | '+' => {
                push(&mut out, ' ');
                push(&mut out, 'a');
                push(&mut out, 'n');
                push(&mut out, 'd');
                push(&mut out, ' ');
            }
            c if alnum(c) || c == '\'' || c == '.' || c == ':' => push(&mut out, c),
            _ => push(&mut out, ' '),
        }
    }
    let trimmed = out.trim_end_matches([':', '.', ' ']).len();
    out.truncate(trimmed);
    out
}

/// [`normalize`] for ASCII text, a byte at a time.
fn normalize_ascii(s: &str) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(s.len() + 4);
    let mut depth = 0u32;
    let mut space = false;
    let mut push = |out: &mut Vec<u8>, c: u8| {
        if c == b' ' {
            space = !out.is_empty();
        } else {
            if space {
                out.push(b' ');
                space = false;
            }
            out.push(c.to_ascii_lowercase());
        }
    };
    for &c in s.as_bytes() {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            b'&' | b'+' => {
                for &x in b" and " {
                    push(&mut out, x);
                }
            }
            c if c.is_ascii_alphanumeric() || matches!(c, b'\'' | b'.' | b':') => push(&mut out, c),
            _ => push(&mut out, b' '),
        }
    }
    while out.last().is_some_and(|c| matches!(c, b':' | b'.' | b' ')) {
        out.pop();
    }
    // Only ASCII bytes were pushed.
    String::from_utf8(out).unwrap_or_default()
}

/// Letters of the scripts written without case (CJK ideographs, kana,
/// hangul), told by range: the general Unicode tables are slow to consult
/// and plans in these scripts are made of them.
pub(crate) fn caseless(c: char) -> bool {
    matches!(
        c as u32,
        0x3041..=0x3096 | 0x309D..=0x309F | 0x30A1..=0x30FA | 0x30FC..=0x30FF
            | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3
    )
}

/// Whether `c` is a letter or a digit, with the common cases first.
pub(crate) fn alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        caseless(c) || c.is_alphanumeric()
    }
}

/// A heading without its leading emoji, symbols and numbering: `3.`,
/// `2.1`, `IV.`, `A)`, `§ 4`.
pub(crate) fn strip_lead(heading: &str) -> &str {
    let mut s = heading.trim();
    loop {
        let before = s;
        s = s.trim_start_matches(|c: char| !alnum(c));
        s = strip_numbering(s);
        if s == before {
            return s;
        }
    }
}

/// Whether `text` (not normalised) may start with a stage word: false only
/// when it starts with an ASCII letter and no stage word, so most task
/// titles are told apart without normalising them.
pub(crate) fn may_name_stage(text: &str) -> bool {
    static PREFIX: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .start_kind(StartKind::Anchored)
            // Each word's leading ASCII letters: what normalising keeps
            // of them whatever their case and punctuation.
            .build(vocab::STAGE_WORDS.iter().chain(&["q"]).filter_map(|w| {
                let n = w.bytes().take_while(u8::is_ascii_alphabetic).count();
                (n > 0).then(|| &w[..n])
            }))
            .expect("valid stage words")
    });
    let s = strip_lead(text);
    !s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        || PREFIX.is_match(Input::new(s).anchored(Anchored::Yes))
}

/// Whether a heading names a bucket the plan orders its work by, rather
/// than a topic: it is numbered (`2. Import`), names a release (`v1.2`,
/// `1.2.0`), a stage or an epic (`Epic: Reporting`), a year, a month
/// beside a number or a horizon (`Now`, `Later`, `Long term`, `Future`).
/// `Documentation`, `Bugs to fix` and `General` are topics.
pub(crate) fn names_bucket(heading: &str) -> bool {
    let bare = heading
        .trim()
        .trim_start_matches(|c: char| !c.is_alphanumeric());
    if strip_lead(heading).len() != bare.len() {
        return true;
    }
    // Words as written, brackets included (`Future (v2.0+)`), lower case.
    let lower = bare.to_lowercase();
    let words: SmallVec<[&str; 8]> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .map(|w| w.trim_matches(['.', '-']))
        .filter(|w| !w.is_empty())
        .collect();
    // `Epic: Reporting`, `Stage – Pilot`: a word for a group of work.
    if words
        .first()
        .is_some_and(|w| vocab::STAGE_WORDS.contains(w) || vocab::EPIC_WORDS.contains(w))
    {
        return true;
    }
    let number = words
        .iter()
        .any(|w| w.bytes().next().is_some_and(|b| b.is_ascii_digit()));
    words.iter().enumerate().any(|(i, w)| {
        let b = w.as_bytes();
        // `v2.0` anywhere; `1.2.0` as the heading's first word (`Upgrade to
        // Python 3.12` is a topic).
        let version = b.first() == Some(&b'v') && b.get(1).is_some_and(u8::is_ascii_digit)
            || i == 0
                && b.first().is_some_and(u8::is_ascii_digit)
                && w.contains('.')
                && b.iter().all(|c| c.is_ascii_digit() || *c == b'.');
        let year = b.len() == 4
            && (w.starts_with("19") || w.starts_with("20"))
            && b.iter().all(u8::is_ascii_digit);
        version || year || vocab::TIME_WORDS.contains(w) || number && vocab::MONTH_WORDS.contains(w)
    }) || vocab::TIME_PHRASES.iter().any(|p| lower.contains(p))
}

/// Whether a heading that names work carries a numbered label after a
/// separator: `Sprint Backlog – UC1`, `Tasks: Milestone 2`. Several such
/// headings are buckets of the same kind of work.
pub(crate) fn labelled_bucket(heading: &str) -> bool {
    let Some(i) = [" – ", " — ", " - ", ": "]
        .iter()
        .filter_map(|sep| heading.rfind(sep).map(|i| i + sep.len()))
        .max()
    else {
        return false;
    };
    // A short label ending in a number or a code: `UC1`, `Sprint 3`, `US-2`.
    let label = heading[i..].trim();
    let Some(last) = label.split_whitespace().last() else {
        return false;
    };
    let letters = last
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic() || *b == b'-')
        .count();
    label.split_whitespace().count() <= 3
        && letters < last.len()
        && last[letters..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
}

fn strip_numbering(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if i > 0 && i < b.len() && matches!(b[i], b' ' | b')' | b'.' | b':' | b'\t') {
        return s[i..].trim_start_matches([')', '.', ':']).trim_start();
    }
    // Roman numerals and single letters followed by `.` or `)`.
    // A numeral of four letters at most: only the first bytes matter.
    let j = s
        .bytes()
        .take(5)
        .position(|b| b == b'.' || b == b')')
        .unwrap_or(0);
    if j > 0
        && j <= 4
        && s[..j].chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
        && s[j + 1..].starts_with(' ')
    {
        return s[j + 1..].trim_start();
    }
    s
}

/// Returns the phase number when the heading reads like `Phase 2: Name`,
/// `Fase 1`, `Фаза 2`, `Giai đoạn 3`, `フェーズ1`, `阶段 4`, `第一周`,
/// `2단계` or `Q3 2026`.
pub(crate) fn phase_number(normalized: &str) -> Option<String> {
    numbered(normalized).or_else(|| cjk_stage(normalized))
}

/// The stage words, longest first at each start.
static STAGE_AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(StartKind::Anchored)
        .build(vocab::STAGE_WORDS)
        .expect("valid stage words")
});

/// `word N` for a stage word; the number may follow the word directly in
/// scripts written without spaces (`フェーズ1`).
fn numbered(n: &str) -> Option<String> {
    // `Q1`, `Q3 2026`: a quarter.
    if let Some(q) = n.strip_prefix('q')
        && !q.is_empty()
        && matches!(q.as_bytes()[0], b'1'..=b'4')
        && q[1..].chars().next().is_none_or(|c| !c.is_alphanumeric())
    {
        return Some(q[..1].to_owned());
    }
    // The longest stage word `n` starts with.
    let m = STAGE_AC.find(Input::new(n).anchored(Anchored::Yes))?;
    let word = vocab::STAGE_WORDS[m.pattern().as_usize()];
    let rest = &n[word.len()..];
    let spaced = rest.starts_with(' ');
    if !spaced && word.is_ascii() {
        // `Phases`, `Stagehand`: a longer word, not a number.
        return None;
    }
    let num = rest
        .trim_start()
        .split([' ', ':'])
        .next()?
        .trim_end_matches(['.', ':']);
    let ok = !num.is_empty()
        && (num
            .split(['.', '-'])
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            || matches!(
                num,
                "one"
                    | "two"
                    | "three"
                    | "four"
                    | "five"
                    | "six"
                    | "i"
                    | "ii"
                    | "iii"
                    | "iv"
                    | "v"
                    | "vi"
                    | "vii"
                    | "viii"
                    | "ix"
                    | "x"
            )
            || (num.chars().count() == 1 && num.chars().all(char::is_alphabetic) && spaced)
            || num.chars().all(|c| CJK_DIGITS.contains(c)));
    ok.then(|| num.to_owned())
}

const CJK_DIGITS: &str = "一二三四五六七八九十零〇";

const SUFFIXES: &[&str] = &[
    "周",
    "週",
    "阶段",
    "階段",
    "期",
    "天",
    "日",
    "단계",
    "주차",
    "주",
    "일차",
    "スプリント",
    "フェーズ",
    "段階",
];

/// `第一周`, `第2阶段`, `2단계`, `1주차`: an ordinal before the stage word.
fn cjk_stage(n: &str) -> Option<String> {
    let s = n.strip_prefix('第').unwrap_or(n);
    let digits: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || CJK_DIGITS.contains(*c))
        .collect();
    if digits.is_empty() || (s.len() == n.len() && !digits.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let rest = s[digits.len()..].trim_start();

    let prefixed = s.len() != n.len();
    SUFFIXES
        .iter()
        .any(|w| {
            rest.starts_with(w) && (prefixed || !w.starts_with(['周', '週', '期', '天', '日']))
        })
        .then_some(digits)
}

/// Classifies a heading (already free of inline markup).
pub(crate) fn classify(heading: &str, level: u8) -> SectionKind {
    classify_normalized(&normalize(heading), level)
}

/// Classifies a heading given in its [`normalize`]d form.
pub(crate) fn classify_normalized(n: &str, level: u8) -> SectionKind {
    // "Summary of phase 1", "Resumen fase 1": looks back at a stage.
    if vocab::SUMMARY_WORDS.iter().any(|w| {
        n.strip_prefix(w)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', ':']))
    }) {
        return SectionKind::Notes;
    }
    if phase_number(n).is_some() {
        return SectionKind::Phase;
    }
    // `## Monday 2026-12-07`: a day's lane or section is a time bucket.
    if n.split(' ')
        .next()
        .is_some_and(|w| vocab::WEEKDAYS.contains(&w))
    {
        return SectionKind::Phase;
    }
    if let Some(kind) = vocab::section_exact(n) {
        return kind;
    }
    if let Some(&(_, kind)) = vocab::SECTIONS_PREFIX.iter().find(|(k, _)| {
        n.strip_prefix(k)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', ':']))
    }) {
        return kind;
    }
    if level == 1 {
        return SectionKind::Title;
    }
    // "Task Breakdown" and "Tasks for v2" are tasks, "Task dependencies"
    // and "User Story Dependencies" are not.
    if (n.contains("task") || n.contains("stor")) && n.contains("dependenc") {
        return SectionKind::Dependencies;
    }
    // The first rule in list order whose keyword occurs anywhere.
    let Some((i, at)) = CONTAINS_AC
        .find_overlapping_iter(n)
        .map(|m| (m.pattern().as_usize(), m.start()))
        .min()
    else {
        return SectionKind::Other;
    };
    let kind = CONTAINS[i].1;
    // A story section is named so ("User Stories (P1)"); "Within User
    // Story 1" and "Within each user story" are about stories, not of them.
    if kind == SectionKind::UserStories && (at > 0 || names_one_story(n)) {
        return SectionKind::Other;
    }
    kind
}

/// Whether a normalised heading names one story by its number: a word
/// ending in "story" (or "stories") followed by a number.
fn names_one_story(n: &str) -> bool {
    let words: Vec<&str> = n.split(' ').collect();
    words.windows(2).any(|w| {
        (w[0].ends_with("story") || w[0] == "us") && w[1].starts_with(|c: char| c.is_ascii_digit())
    })
}

/// Whether a heading names a list of steps: `Implementation Steps`,
/// `Schritte`, `Étapes`, `手順`.
pub(crate) fn names_steps(heading: &str) -> bool {
    let n = normalize(heading);
    vocab::STEP_WORDS.iter().any(|w| n.contains(w))
}

/// Whether a heading is exactly a section name (`Resources`, `Team`), not
/// a topic that contains one (`Documentation & Learning Resources`).
pub(crate) fn is_exact(heading: &str) -> bool {
    let n = normalize(heading);
    vocab::section_exact(&n).is_some()
}

/// Whether a document title names work: `# Tasks: Feature`, `# 任务分解`,
/// `# Vorgangsliste`, `# Roadmap`, `# Implementation Plan`.
pub(crate) fn names_work(heading: &str) -> bool {
    let n = normalize(heading);
    n.split(' ').any(|w| w == "plan" || w == "planification")
        || CONTAINS_AC
            .find_overlapping_iter(&n)
            .any(|m| CONTAINS[m.pattern().as_usize()].1 == SectionKind::Tasks)
}

/// Whether a title names a list of work items (`# WBS`, `# Backlog`,
/// `# TODO`, `# Aufgaben`) rather than a plan in prose (`# Implementation
/// Plan`, `# Roadmap`), whose plain lists are mostly not tasks.
pub(crate) fn names_work_list(heading: &str) -> bool {
    let n = normalize(heading);
    CONTAINS_AC.find_overlapping_iter(&n).any(|m| {
        let (k, kind) = CONTAINS[m.pattern().as_usize()];
        kind == SectionKind::Tasks
            && ![
                "plan",
                "计划",
                "計画",
                "계획",
                "план",
                "roadmap",
                "phases",
                "checklist",
                "deliverables",
                "路线图",
                "ロードマップ",
                "로드맵",
                "hoja de ruta",
                "feuille de route",
                "дорожная",
            ]
            .iter()
            .any(|w| k.contains(w))
    })
}

/// One automaton for all [`CONTAINS`] keywords.
static CONTAINS_AC: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(CONTAINS.iter().map(|(k, _)| k)).expect("valid keywords")
    });

/// Whether a section of this kind holds tasks.
pub(crate) fn holds_tasks(kind: SectionKind) -> bool {
    matches!(kind, SectionKind::Tasks | SectionKind::Phase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_order_the_work_and_topics_do_not() {
        for h in [
            "2. Import",
            "v2.0",
            "1.2.0 — Beta",
            "Now",
            "Later",
            "Long term",
            "Epic: Reporting",
            "March 2027",
            "2027",
            "⚡ Quick wins",
            "Corrección inmediata",
            "未来 | Future",
        ] {
            assert!(names_bucket(h), "{h}");
        }
        for h in [
            "Documentation",
            "Bugs to fix",
            "General",
            "Future-proofing",
            "Features we may add",
            "Upgrade to Python 3.12",
            "Top 10 ideas",
        ] {
            assert!(!names_bucket(h), "{h}");
        }
        assert!(labelled_bucket("Sprint Backlog – UC2"));
        assert!(labelled_bucket("Tasks: Milestone 3"));
        assert!(!labelled_bucket("Tasks: latency under 100ms"));
        assert!(!labelled_bucket("Backlog"));
    }

    #[test]
    fn headings_with_numbering_emoji_and_synonyms() {
        assert_eq!(classify("3. Risks", 2), SectionKind::Risks);
        assert_eq!(classify("⚠️ Risk Assessment", 2), SectionKind::Risks);
        assert_eq!(classify("Risks & Mitigation", 2), SectionKind::Risks);
        assert_eq!(classify("Task Breakdown:", 2), SectionKind::Tasks);
        assert_eq!(classify("📋 Implementation Plan", 2), SectionKind::Tasks);
        assert_eq!(classify("Work Breakdown", 2), SectionKind::Tasks);
        assert_eq!(classify("Phase 2: Core Features", 3), SectionKind::Phase);
        assert_eq!(classify("Phase 3.1: Setup", 2), SectionKind::Phase);
        assert_eq!(classify("Sprint 4 (Dec 1 – Dec 12)", 2), SectionKind::Phase);
        assert_eq!(
            classify("User Stories (if applicable)", 3),
            SectionKind::UserStories
        );
        assert_eq!(
            classify("Meeting Notes (if applicable)", 2),
            SectionKind::MeetingNotes
        );
        assert_eq!(
            classify("Non-Functional Requirements", 3),
            SectionKind::NonFunctionalRequirements
        );
        assert_eq!(
            classify("Functional Requirements", 3),
            SectionKind::FunctionalRequirements
        );
        assert_eq!(classify("Goals / Objectives", 2), SectionKind::Goals);
        assert_eq!(classify("Timeline & Estimates", 2), SectionKind::Timeline);
        assert_eq!(classify("Aufgaben", 2), SectionKind::Tasks);
        assert_eq!(classify("Risques", 2), SectionKind::Risks);
        assert_eq!(classify("Próximos pasos", 2), SectionKind::NextSteps);
        assert_eq!(classify("IV. Decisions Made", 2), SectionKind::Decisions);
        assert_eq!(classify("Session Checklist", 2), SectionKind::Checklist);
        assert_eq!(classify("Launch checklist", 2), SectionKind::Tasks);
        assert_eq!(
            classify("Dependencies & Execution Order", 2),
            SectionKind::Dependencies
        );
        assert_eq!(classify("Task dependencies", 2), SectionKind::Dependencies);
        assert_eq!(classify("Weather", 2), SectionKind::Other);
    }

    #[test]
    fn phase_numbers() {
        assert_eq!(phase_number(&normalize("Phase 2: Core")), Some("2".into()));
        assert_eq!(
            phase_number(&normalize("Phase 3.1: Setup")),
            Some("3.1".into())
        );
        assert_eq!(phase_number(&normalize("Phases overview")), None);
        assert_eq!(phase_number(&normalize("Step one")), Some("one".into()));
    }
}
