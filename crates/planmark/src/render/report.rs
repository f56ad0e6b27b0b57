//! The one-file HTML report: everything inline, no scripts, no requests.

use std::fmt::Write as _;

use jiff::civil::Date;

use super::svg::esc;
use crate::diag::{Diagnostic, Severity};
use crate::forecast::Forecast;
use crate::history::History;
use crate::model::{Status, WorkTime, Workspace};
use crate::schedule::Schedule;
use crate::summary::Summary;

/// What the report shows; each part is optional but the plans.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The plans.
    pub ws: &'a Workspace,
    /// Working time, for the work left.
    pub work: WorkTime,
    /// The day the report is made for.
    pub today: Date,
    /// The findings of `check`.
    pub findings: &'a [Diagnostic],
    /// The schedule, when the plans can be scheduled.
    pub schedule: Option<&'a Schedule>,
    /// The forecast, when made.
    pub forecast: Option<&'a Forecast>,
    /// The git history of the plans, when there is one.
    pub history: Option<&'a History>,
}

const CSS: &str = "\
:root{color-scheme:light dark;--fg:#1f2328;--muted:#656d76;--bg:#fff;--card:#f6f8fa;--line:#d0d7de;--good:#1a7f37;--warn:#9a6700;--bad:#cf222e;--accent:#0969da}\
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#8d96a0;--bg:#0d1117;--card:#161b22;--line:#30363d;--good:#3fb950;--warn:#d29922;--bad:#ff6a69;--accent:#4c8dff}}\
*{box-sizing:border-box}body{margin:0 auto;max-width:1200px;padding:24px;font:14px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);background:var(--bg)}\
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}\
.muted{color:var(--muted)}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}\
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:170px}\
.card b{display:block;font-size:20px}.good{color:var(--good)}.warn{color:var(--warn)}.bad{color:var(--bad)}\
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}\
th{font-weight:600;background:var(--card)}.chart{overflow-x:auto;border:1px solid var(--line);border-radius:8px;margin:8px 0}\
.chart svg{display:block;max-width:none}.bar{height:8px;background:var(--line);border-radius:4px;overflow:hidden;width:160px;display:inline-block;vertical-align:middle}\
.bar i{display:block;height:100%;background:var(--good)}code{font-size:12px}ol.path li{margin:2px 0}\
@media print{body{max-width:none;padding:0;font-size:11px}.chart{overflow:visible;border:none}.chart svg{max-width:100%;height:auto}h2{break-after:avoid}table,.chart,.card{break-inside:avoid}}\
";

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// The report as one self-contained HTML file: summary with progress and
/// forecast, findings, Gantt chart, critical path, forecast chart, risk
/// matrix, action items and decisions, burndown.
#[must_use]
pub fn report_html(r: &ReportInput<'_>) -> String {
    let ws = r.ws;
    let title = if ws.documents.len() == 1 {
        ws.documents[0]
            .title
            .clone()
            .unwrap_or_else(|| ws.documents[0].path.clone())
    } else {
        format!("{} plans", ws.documents.len())
    };
    let mut out = String::with_capacity(1 << 16);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\"><link rel=\"icon\" href=\"data:,\"><title>{t} — planmark report</title><style>{CSS}</style></head><body>\n<header><h1>{t}</h1><div class=\"muted\">Report of {today} · {n} plan{s}</div></header>\n",
        t = esc(&title),
        today = r.today,
        n = ws.documents.len(),
        s = if ws.documents.len() == 1 { "" } else { "s" },
    );
    summary(&mut out, r);
    findings(&mut out, r.findings);
    if let Some(s) = r.schedule {
        let _ = writeln!(
            out,
            "<section id=\"gantt\"><h2>Timeline</h2><div class=\"chart\">{}</div></section>",
            super::gantt_svg(ws, s)
        );
        critical_path(&mut out, s);
    }
    if let Some(f) = r.forecast {
        let _ = writeln!(
            out,
            "<section id=\"forecast\"><h2>Forecast</h2><p class=\"muted\">{} runs; ranges and three-point estimates as {}, single estimates {}.</p><div class=\"chart\">{}</div></section>",
            f.runs,
            f.distribution.name(),
            esc(&f.spread.to_string()),
            super::forecast_svg(f)
        );
    }
    if ws.documents.iter().any(|d| !d.risks.is_empty()) {
        let _ = writeln!(
            out,
            "<section id=\"risks\"><h2>Risks</h2><div class=\"chart\">{}</div></section>",
            super::risk_matrix_svg(ws)
        );
    }
    actions(&mut out, r);
    if let Some(h) = r.history
        && !h.days.is_empty()
    {
        let target = r
            .schedule
            .map(|s| s.deadline.as_ref().map_or(s.finish, |d| d.date));
        let _ = writeln!(
            out,
            "<section id=\"burndown\"><h2>Burndown</h2><div class=\"chart\">{}</div></section>",
            super::burndown_svg(h, target, r.work.hours_per_day)
        );
    }
    out.push_str("<footer class=\"muted\"><p>Made by planmark from the plans themselves.</p></footer>\n</body></html>\n");
    out
}

fn summary(out: &mut String, r: &ReportInput<'_>) {
    let sums: Vec<Summary> =
        r.ws.documents
            .iter()
            .map(|d| Summary::of(d, r.work))
            .collect();
    let done: usize = sums.iter().map(|s| s.tasks.done).sum();
    let planned: usize = sums.iter().map(|s| s.tasks.planned()).sum();
    let ratio = if planned == 0 {
        0.0
    } else {
        done as f64 / planned as f64
    };
    out.push_str("<section id=\"summary\"><div class=\"cards\">");
    let _ = write!(
        out,
        "<div class=\"card\">Progress<b>{done} of {planned} tasks</b><span class=\"bar\"><i style=\"width:{w}%\"></i></span> {p}</div>",
        w = (ratio * 100.0).round(),
        p = pct(ratio),
    );
    if let Some(s) = r.schedule {
        let _ = write!(
            out,
            "<div class=\"card\">Planned finish<b>{}</b>{} working days from {}</div>",
            s.finish, s.makespan_days, s.start
        );
        if let Some(d) = &s.deadline {
            let (class, text) = if d.late_days > 0 {
                ("bad", format!("missed by {} working days", d.late_days))
            } else {
                (
                    "good",
                    format!("met, {} working days to spare", -d.late_days),
                )
            };
            let _ = write!(
                out,
                "<div class=\"card\">Deadline {}{}<b class=\"{class}\">{text}</b></div>",
                d.date,
                whose(r.ws, d.plan.as_deref()),
            );
        }
    }
    if let Some(f) = r.forecast {
        let _ = write!(
            out,
            "<div class=\"card\">Forecast<b>P50 {}</b>P80 {} · P95 {}</div>",
            f.finish.p50, f.finish.p80, f.finish.p95
        );
        if let Some(d) = &f.deadline {
            let class = if d.probability >= 0.8 {
                "good"
            } else if d.probability >= 0.5 {
                "warn"
            } else {
                "bad"
            };
            let _ = write!(
                out,
                "<div class=\"card\">Chance of the deadline<b class=\"{class}\">{}</b>{}{}</div>",
                pct(d.probability),
                d.date,
                whose(r.ws, d.plan.as_deref()),
            );
        }
    }
    let errors = r
        .findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let _ = write!(
        out,
        "<div class=\"card\">Findings<b class=\"{}\">{} error{}</b>{} warning{}</div>",
        if errors > 0 { "bad" } else { "good" },
        errors,
        if errors == 1 { "" } else { "s" },
        r.findings.len() - errors,
        if r.findings.len() - errors == 1 {
            ""
        } else {
            "s"
        },
    );
    out.push_str("</div>");
    out.push_str("<table><thead><tr><th>Plan</th><th>Progress</th><th>Work left</th><th>Milestones</th><th>Open actions</th><th>Risks</th></tr></thead><tbody>");
    for s in &sums {
        let _ = write!(
            out,
            "<tr><td>{}</td><td><span class=\"bar\"><i style=\"width:{w}%\"></i></span> {d}/{p}</td><td>{left:.1} days</td><td>{m0}/{m1}</td><td>{a}</td><td>{rk} ({hi} high impact)</td></tr>",
            esc(s.title.as_deref().unwrap_or(&s.path)),
            w = (s.tasks.ratio() * 100.0).round(),
            d = s.tasks.done,
            p = s.tasks.planned(),
            left = s.remaining_hours / r.work.hours_per_day,
            m0 = s.milestones.0,
            m1 = s.milestones.1,
            a = s.open_actions,
            rk = s.risks,
            hi = s.high_impact_risks,
        );
    }
    out.push_str("</tbody></table></section>\n");
}

/// ` of plan-name` for a plan's own deadline when there are several plans.
fn whose(ws: &Workspace, plan: Option<&str>) -> String {
    match plan {
        Some(p) if ws.documents.len() > 1 => {
            let name = std::path::Path::new(p)
                .file_stem()
                .map_or_else(|| p.to_owned(), |s| s.to_string_lossy().into_owned());
            format!(" of {}", esc(&name))
        }
        _ => String::new(),
    }
}

fn findings(out: &mut String, findings: &[Diagnostic]) {
    out.push_str("<section id=\"findings\"><h2>Findings</h2>");
    if findings.is_empty() {
        out.push_str("<p class=\"good\">No findings.</p></section>\n");
        return;
    }
    out.push_str("<table><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>What</th></tr></thead><tbody>");
    for d in findings.iter().take(500) {
        let class = match d.severity {
            Severity::Error => "bad",
            Severity::Warning => "warn",
            Severity::Note => "muted",
        };
        let line = d.span.map_or(String::new(), |s| format!(":{}", s.line));
        let _ = write!(
            out,
            "<tr><td class=\"{class}\">{sev}</td><td><code>{code}</code> {name}</td><td><code>{file}{line}</code></td><td>{msg}{help}</td></tr>",
            sev = d.severity.as_str(),
            code = d.code.as_str(),
            name = d.code.name(),
            file = esc(&d.file),
            msg = esc(&d.message),
            help = d.help.as_ref().map_or(String::new(), |h| format!(
                "<br><span class=\"muted\">{}</span>",
                esc(h)
            )),
        );
    }
    out.push_str("</tbody></table>");
    if findings.len() > 500 {
        let _ = write!(
            out,
            "<p class=\"muted\">and {} more; <code>planmark check</code> lists them all.</p>",
            findings.len() - 500
        );
    }
    out.push_str("</section>\n");
}

fn critical_path(out: &mut String, s: &Schedule) {
    if s.critical_path.is_empty() {
        return;
    }
    out.push_str("<section id=\"critical-path\"><h2>Critical path</h2><ol class=\"path\">");
    for &i in &s.critical_path {
        let t = &s.tasks[i];
        let _ = write!(
            out,
            "<li><b>{}</b> {} <span class=\"muted\">{} → {}{}</span></li>",
            esc(&t.id),
            esc(&t.title),
            t.start,
            t.finish,
            if t.resources.is_empty() {
                String::new()
            } else {
                format!(", {}", esc(&t.resources.join(", ")))
            }
        );
    }
    out.push_str("</ol></section>\n");
}

fn actions(out: &mut String, r: &ReportInput<'_>) {
    let actions: Vec<_> =
        r.ws.documents
            .iter()
            .flat_map(|d| d.actions.iter())
            .collect();
    let decisions: Vec<_> =
        r.ws.documents
            .iter()
            .flat_map(|d| d.decisions.iter())
            .collect();
    if actions.is_empty() && decisions.is_empty() {
        return;
    }
    out.push_str("<section id=\"actions\"><h2>Action items and decisions</h2>");
    if !actions.is_empty() {
        out.push_str("<table><thead><tr><th>Action</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead><tbody>");
        for a in actions {
            let overdue = a.status != Status::Done && a.due.is_some_and(|d| d < r.today);
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td{}>{}</td><td>{}</td></tr>",
                esc(&a.action),
                esc(a.owner.as_deref().unwrap_or("—")),
                if overdue { " class=\"bad\"" } else { "" },
                a.due.map_or_else(
                    || esc(a.due_text.as_deref().unwrap_or("—")),
                    |d| format!("{d}{}", if overdue { " (overdue)" } else { "" })
                ),
                a.status.as_str(),
            );
        }
        out.push_str("</tbody></table>");
    }
    if !decisions.is_empty() {
        out.push_str("<table><thead><tr><th>Decision</th><th>Rationale</th><th>Made by</th></tr></thead><tbody>");
        for d in decisions {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&d.decision),
                esc(d.rationale.as_deref().unwrap_or("")),
                esc(d.made_by.as_deref().unwrap_or("")),
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>\n");
}
