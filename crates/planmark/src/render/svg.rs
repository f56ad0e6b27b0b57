//! Writing SVG: escaping, numbers, the shared style sheet.

use std::fmt::Write as _;

/// Escapes text for XML content and attribute values.
#[must_use]
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Characters XML 1.0 forbids, whatever a plan contains.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `max` characters with an ellipsis.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A number as SVG wants it: at most two decimals, no trailing zeros.
pub(crate) fn n(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// The opening `<svg>` with its size, title, the shared styles (light and
/// dark by `prefers-color-scheme`) and the background.
pub(crate) fn open(out: &mut String, class: &str, width: f64, height: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="planmark {class}" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12"><title>{t}</title><style>{STYLE}</style>"#,
        w = n(width),
        h = n(height),
        t = esc(title),
    );
    let _ = write!(
        out,
        r#"<rect class="bg" width="{}" height="{}"/>"#,
        n(width),
        n(height)
    );
}

/// Colours as CSS variables, so one sheet serves light and dark.
pub(crate) const STYLE: &str = "\
.planmark{--fg:#1f2328;--muted:#656d76;--grid:#d0d7de;--bg:#ffffff;--off:#f3f4f6;--bar:#4f7fd9;--done:#2da44e;--crit:#cf222e;--phase:#57606a;--today:#bf8700;--deadline:#cf222e;--ms:#8250df}\
@media (prefers-color-scheme:dark){.planmark{--fg:#e6edf3;--muted:#8d96a0;--grid:#30363d;--bg:#0d1117;--off:#161b22;--bar:#4c8dff;--done:#3fb950;--crit:#ff6a69;--phase:#8d96a0;--today:#d29922;--deadline:#ff6a69;--ms:#a371f7}}\
.planmark text{fill:var(--fg)}.planmark .muted{fill:var(--muted)}.planmark .bg{fill:var(--bg)}\
.planmark .grid{stroke:var(--grid);stroke-width:1}.planmark .off{fill:var(--off)}\
.planmark .bar{fill:var(--bar);fill-opacity:.35;stroke:var(--bar)}.planmark .bar.critical{fill:var(--crit);stroke:var(--crit)}\
.planmark .progress{fill:var(--done)}.planmark .summary{fill:var(--phase)}\
.planmark .dep{fill:none;stroke:var(--muted);stroke-width:1}.planmark .dep.critical{stroke:var(--crit);stroke-width:1.5}\
.planmark .arrow{fill:var(--muted)}.planmark .arrow-critical{fill:var(--crit)}\
.planmark .today{stroke:var(--today);stroke-width:2}.planmark .deadline{stroke:var(--deadline);stroke-width:2;stroke-dasharray:6 4}\
.planmark .milestone{fill:var(--ms)}.planmark .node{fill:var(--bg);stroke:var(--muted)}.planmark .node.critical{stroke:var(--crit);stroke-width:2}\
.planmark .line{fill:none;stroke:var(--bar);stroke-width:2}.planmark .ideal{fill:none;stroke:var(--muted);stroke-dasharray:4 4}\
.planmark .scope{fill:none;stroke:var(--phase);stroke-width:2}.planmark .hist{fill:var(--bar);fill-opacity:.6}\
.planmark .pct{stroke:var(--ms);stroke-width:1.5;stroke-dasharray:3 3}\
";

/// The arrowhead markers the dependency lines use.
pub(crate) fn arrow_markers(out: &mut String) {
    out.push_str(
        r#"<defs><marker id="pm-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0 0L8 4L0 8z"/></marker><marker id="pm-arrow-critical" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow-critical" d="M0 0L8 4L0 8z"/></marker></defs>"#,
    );
}
