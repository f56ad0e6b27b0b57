//! Line and bar charts: the burndown and burnup from history, the forecast
//! histogram with its S-curve.

use std::fmt::Write as _;

use jiff::civil::Date;

use super::svg::{self, esc, n};
use crate::forecast::Forecast;
use crate::history::History;

const LEFT: f64 = 56.0;
const TOP: f64 = 28.0;
const PLOT_W: f64 = 720.0;
const PLOT_H: f64 = 260.0;

fn days_between(a: Date, b: Date) -> f64 {
    f64::from(a.until(b).map_or(0, |sp| sp.get_days()))
}

/// Axes, a y scale of `ymax` with about five ticks, and the dates at the
/// ends of the x axis.
fn frame(out: &mut String, ymax: f64, unit: &str, first: Date, last: Date) {
    let step = nice_step(ymax / 5.0);
    let mut v = 0.0;
    while v <= ymax + 1e-9 {
        let y = TOP + PLOT_H - v / ymax * PLOT_H;
        let _ = write!(
            out,
            r#"<line class="grid" x1="{l}" y1="{y}" x2="{r}" y2="{y}"/><text class="muted" x="{tx}" y="{ty}" text-anchor="end" font-size="10">{v}</text>"#,
            l = n(LEFT),
            r = n(LEFT + PLOT_W),
            y = n(y),
            tx = n(LEFT - 6.0),
            ty = n(y + 3.0),
            v = n(v),
        );
        v += step;
    }
    let _ = write!(
        out,
        r#"<text class="muted" x="{l}" y="{b}" font-size="10">{first}</text><text class="muted" x="{r}" y="{b}" font-size="10" text-anchor="end">{last}</text><text class="muted" x="6" y="{uy}" font-size="10">{unit}</text>"#,
        l = n(LEFT),
        r = n(LEFT + PLOT_W),
        b = n(TOP + PLOT_H + 16.0),
        uy = n(TOP - 10.0),
        unit = esc(unit),
    );
}

/// 1, 2 or 5 times a power of ten, at least `x`.
fn nice_step(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= x {
            return m * p;
        }
    }
    10.0 * p
}

/// The burndown from git history: work left per day (working days of
/// estimate), the ideal line from the first day's work to none at
/// `target` (a deadline or the planned finish), and the burnup: tasks done
/// against the plan's scope.
#[must_use]
pub fn burndown_svg(h: &History, target: Option<Date>, hours_per_day: f64) -> String {
    let width = LEFT + PLOT_W + 30.0;
    let height = TOP + PLOT_H + 40.0 + PLOT_H + 60.0;
    let mut out = String::new();
    svg::open(&mut out, "burndown", width, height, "Burndown and burnup");
    let (Some(first), Some(last_day)) = (h.days.first(), h.days.last()) else {
        out.push_str(r#"<text x="20" y="40">No history yet: commit the plans to see their burndown.</text></svg>"#);
        out.push('\n');
        return out;
    };
    let last = target.map_or(last_day.date, |t| t.max(last_day.date));
    let span = days_between(first.date, last).max(1.0);
    let x = |d: Date| LEFT + days_between(first.date, d) / span * PLOT_W;
    let left_days = |hours: f64| hours / hours_per_day.max(0.1);
    let ymax = h
        .days
        .iter()
        .map(|d| left_days(d.remaining_hours))
        .fold(1.0, f64::max)
        * 1.05;
    let _ = write!(
        out,
        r#"<text x="{l}" y="16" font-weight="600">Work left</text>"#,
        l = n(LEFT)
    );
    frame(&mut out, ymax, "days", first.date, last);
    let y = |v: f64| TOP + PLOT_H - v / ymax * PLOT_H;
    let mut d = String::new();
    for (i, p) in h.days.iter().enumerate() {
        let _ = write!(
            d,
            "{}{} {}",
            if i == 0 { "M" } else { "L" },
            n(x(p.date)),
            n(y(left_days(p.remaining_hours)))
        );
    }
    let _ = write!(
        out,
        r#"<path class="line burndown" d="{d}"><title>work left per day</title></path>"#
    );
    if let Some(t) = target {
        let _ = write!(
            out,
            r#"<path class="ideal" d="M{x1} {y1}L{x2} {y2}"><title>ideal: none left on {t}</title></path>"#,
            x1 = n(x(first.date)),
            y1 = n(y(left_days(first.remaining_hours))),
            x2 = n(x(t)),
            y2 = n(y(0.0)),
        );
    }
    for p in &h.days {
        let _ = write!(
            out,
            r#"<circle class="point" cx="{cx}" cy="{cy}" r="2.5" style="fill:var(--bar)"><title>{date}: {left} days left, {done}/{total} done</title></circle>"#,
            cx = n(x(p.date)),
            cy = n(y(left_days(p.remaining_hours))),
            date = p.date,
            left = n(left_days(p.remaining_hours)),
            done = p.done,
            total = p.total,
        );
    }
    // Burnup below: done against scope.
    let top2 = TOP + PLOT_H + 60.0;
    let scope = h.days.iter().map(|d| d.total).max().unwrap_or(1).max(1) as f64 * 1.05;
    let y2 = |v: f64| top2 + PLOT_H - v / scope * PLOT_H;
    let _ = write!(
        out,
        r#"<g transform="translate(0 {dy})"><text x="{l}" y="16" font-weight="600">Tasks done and scope</text>"#,
        dy = n(top2 - TOP),
        l = n(LEFT)
    );
    frame(&mut out, scope, "tasks", first.date, last);
    out.push_str("</g>");
    let mut done = String::new();
    let mut total = String::new();
    for (i, p) in h.days.iter().enumerate() {
        let m = if i == 0 { "M" } else { "L" };
        let _ = write!(done, "{m}{} {}", n(x(p.date)), n(y2(p.done as f64)));
        let _ = write!(total, "{m}{} {}", n(x(p.date)), n(y2(p.total as f64)));
    }
    let _ = write!(
        out,
        r#"<path class="scope" d="{total}"><title>tasks planned</title></path><path class="line burnup" d="{done}"><title>tasks done</title></path></svg>"#
    );
    out.push('\n');
    out
}

/// The forecast: runs per finish day as bars, the share finished by each
/// day as an S-curve, P50/P80/P95 and the deadline marked.
#[must_use]
pub fn forecast_svg(f: &Forecast) -> String {
    let width = LEFT + PLOT_W + 60.0;
    let height = TOP + PLOT_H + 50.0;
    let mut out = String::new();
    svg::open(
        &mut out,
        "forecast",
        width,
        height,
        "Forecast of the finish",
    );
    let bins = &f.finish.histogram;
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        out.push_str("</svg>\n");
        return out;
    };
    let lo = first.from_day as f64 - 0.5;
    let mut hi = last.to_day as f64 + 0.5;
    if let Some(d) = &f.deadline {
        hi = hi.max(d.days as f64 + 1.0);
    }
    let lo = f
        .deadline
        .as_ref()
        .map_or(lo, |d| lo.min(d.days as f64 - 1.0));
    let x = |day: f64| LEFT + (day - lo) / (hi - lo) * PLOT_W;
    let top = f64::from(bins.iter().map(|b| b.runs).max().unwrap_or(1).max(1));
    let runs = f64::from(f.runs.max(1));
    let ymax = top / runs * 100.0 * 1.1;
    let _ = write!(
        out,
        r#"<text x="{l}" y="16" font-weight="600">Finish over {r} runs</text>"#,
        l = n(LEFT),
        r = f.runs
    );
    frame(&mut out, ymax, "% of runs", first.from, last.to);
    let y = |share: f64| TOP + PLOT_H - share / ymax * PLOT_H;
    for b in bins {
        let share = f64::from(b.runs) / runs * 100.0;
        let (x1, x2) = (x(b.from_day as f64 - 0.5), x(b.to_day as f64 + 0.5));
        let _ = write!(
            out,
            r#"<rect class="hist" x="{x}" y="{y}" width="{w}" height="{h}"><title>{from}–{to}: {share}% of runs</title></rect>"#,
            x = n(x1 + 0.5),
            y = n(y(share)),
            w = n((x2 - x1 - 1.0).max(0.5)),
            h = n(TOP + PLOT_H - y(share)),
            from = b.from,
            to = b.to,
            share = n(share),
        );
    }
    // The S-curve on a 0-100 % scale of its own (right axis).
    let yc = |p: f64| TOP + PLOT_H - p / 100.0 * PLOT_H;
    let mut d = String::new();
    let mut cumulative = 0u32;
    for (i, b) in bins.iter().enumerate() {
        cumulative += b.runs;
        let p = f64::from(cumulative) / runs * 100.0;
        let _ = write!(
            d,
            "{}{} {}",
            if i == 0 { "M" } else { "L" },
            n(x(b.to_day as f64 + 0.5)),
            n(yc(p))
        );
    }
    let _ = write!(
        out,
        r#"<path class="line s-curve" d="{d}"><title>share of runs finished by each day</title></path><text class="muted" x="{rx}" y="{ty}" font-size="10">100%</text>"#,
        rx = n(LEFT + PLOT_W + 4.0),
        ty = n(TOP + 4.0),
    );
    // A vertical line across the plot with its label beside it.
    let mark = |out: &mut String, class: &str, day: i64, label: &str, label_y: f64| {
        let xx = x(day as f64 + 0.5);
        let _ = write!(
            out,
            r#"<line class="{class}" x1="{x}" y1="{t}" x2="{x}" y2="{b}"><title>{l}</title></line><text x="{tx}" y="{ty}" font-size="10">{l}</text>"#,
            x = n(xx),
            t = n(TOP),
            b = n(TOP + PLOT_H),
            tx = n(xx + 3.0),
            ty = n(label_y),
            l = esc(label),
        );
    };
    for (k, label) in [(50usize, "P50"), (80, "P80"), (95, "P95")] {
        let p = &f.finish.percentiles[k];
        let y = TOP + 12.0 + (k as f64 - 50.0) / 3.0;
        mark(&mut out, "pct", p.days, &format!("{label} {}", p.date), y);
    }
    if let Some(dl) = &f.deadline {
        let label = format!("deadline {} ({}%)", dl.date, n(dl.probability * 100.0));
        mark(&mut out, "deadline", dl.days, &label, TOP + PLOT_H - 6.0);
    }
    out.push_str("</svg>\n");
    out
}
