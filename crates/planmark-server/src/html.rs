//! Writing HTML: escaping, the page frame, small pieces every page uses.

use std::fmt::Write as _;

use planmark::model::{Document, Status, Task};

/// Escapes text for HTML content and attribute values.
pub(crate) use planmark::render::escape as esc;

/// Encodes a query value.
pub(crate) fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The link to a task's page.
pub(crate) fn task_href(plan: &str, id: &str) -> String {
    format!("/task?plan={}&id={}", enc(plan), enc(id))
}

/// What a task looked like when a page showed it: a short hash of its
/// text. An edit made from that page is refused when the task changed
/// since, so that a change made meanwhile is shown, not overwritten.
pub(crate) fn fingerprint(d: &Document, t: &Task) -> String {
    use std::hash::{Hash, Hasher};
    let span = t.origin.span;
    let text = d.source.get(span.start..span.end).unwrap_or_default();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The statuses a task can be moved to, as (form value, label).
pub(crate) const STATUSES: [(&str, Status); 5] = [
    ("todo", Status::Todo),
    ("in_progress", Status::InProgress),
    ("blocked", Status::Blocked),
    ("done", Status::Done),
    ("cancelled", Status::Cancelled),
];

/// Which page is shown, for the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    Overview,
    Board,
    Timeline,
    Findings,
    None,
}

/// A whole page around `main`.
pub(crate) fn page(title: &str, nav: Nav, stamp: &str, token: &str, main: &str) -> String {
    let version = stamp.split('.').next().unwrap_or_default();
    let mut out = String::with_capacity(main.len() + 2048);
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="planmark-token" content="{token}"><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/app.css"><script src="/assets/app.js" defer></script><title>{title} · planmark</title></head>
<body><header class="top"><a class="brand" href="/">planmark</a><nav aria-label="Pages">"#,
        token = esc(token),
        title = esc(title),
    );
    for (n, href, label) in [
        (Nav::Overview, "/", "Overview"),
        (Nav::Board, "/board", "Board"),
        (Nav::Timeline, "/timeline", "Timeline"),
        (Nav::Findings, "/findings", "Findings"),
    ] {
        let current = if n == nav {
            r#" aria-current="page""#
        } else {
            ""
        };
        let _ = write!(out, r#"<a href="{href}"{current}>{label}</a>"#);
    }
    let _ = write!(
        out,
        r#"</nav><span id="live" class="muted" role="status" aria-live="polite"></span></header>
<div id="notice" role="alert" hidden></div>
<main id="main" data-version="{version}" data-stamp="{stamp}">
{main}</main></body></html>
"#
    );
    out
}

/// A progress bar for a share from 0 to 1.
pub(crate) fn meter(ratio: f64, label: &str) -> String {
    format!(
        r#"<span class="meter" role="img" aria-label="{l}"><span style="width:{w:.1}%"></span></span>"#,
        l = esc(label),
        w = (ratio * 100.0).clamp(0.0, 100.0)
    )
}
