//! `status`: each plan's progress, phases, findings, and when the work ends.

use std::fmt::Write as _;
use std::process::ExitCode;

use planmark::summary::Summary;

use crate::args::{Format, StatusArgs};
use crate::common::{Context, finish, forecast_lines, today, verdict};
use crate::output::{self, BOLD, DIM, ERR, WARN, paint};

/// How many findings `status` lists per document.
const SHOWN: usize = 5;

pub(crate) fn status(cx: &Context, sa: &StatusArgs) -> anyhow::Result<ExitCode> {
    let a = &sa.read;
    let snap = cx.load_at(&a.paths, today(sa.today.as_deref())?)?;
    // The timeline, when the plans can be scheduled (the findings say why
    // not); the checks use the same one.
    let timeline = snap.timeline();
    let report = snap.check();
    let odds = snap.quick_forecast();
    let summaries = snap.summaries();
    let ws = snap.workspace();
    if a.format == Format::Json {
        output::json(&Documents {
            documents: summaries,
            timeline: timeline.as_ref().map(|t| TimelineView {
                start: t.start,
                finish: t.finish,
                makespan_days: t.makespan_days,
                deadline: t.deadline.as_ref(),
                critical_path: t
                    .critical_path
                    .iter()
                    .map(|&i| t.tasks[i].id.as_str())
                    .collect(),
                forecast: odds.as_ref().map(|f| ForecastView {
                    runs: f.runs,
                    p50: f.finish.p50,
                    p80: f.finish.p80,
                    p95: f.finish.p95,
                    deadline_probability: f.deadline.as_ref().map(|d| d.probability),
                }),
            }),
        })?;
        return Ok(finish(snap));
    }
    let mut out = String::new();
    if ws.documents.is_empty() && ws.findings.is_empty() {
        anstream::eprintln!("no plans found under {}", cx.root().display());
    }
    for (doc, s) in ws.documents.iter().zip(&summaries) {
        let kind = format!("{:?}", s.kind).to_lowercase();
        let _ = writeln!(
            out,
            "{}  {}",
            paint(BOLD, &s.path),
            paint(DIM, format!("({kind})"))
        );
        if let Some(t) = &s.title {
            let _ = writeln!(out, "  {t}");
        }
        let c = s.tasks;
        let mut line = format!(
            "{}/{} tasks done ({:.0}%)",
            c.done,
            c.planned(),
            c.ratio() * 100.0
        );
        if c.in_progress > 0 {
            let _ = write!(line, ", {} in progress", c.in_progress);
        }
        if c.blocked > 0 {
            let _ = write!(line, ", {} blocked", c.blocked);
        }
        if c.cancelled > 0 {
            let _ = write!(line, ", {} cancelled", c.cancelled);
        }
        if c.total == 0 {
            let _ = writeln!(out, "  {:<11}{}", "Progress", paint(DIM, "no tasks"));
        } else {
            let _ = writeln!(
                out,
                "  {:<11}{}  {line}",
                "Progress",
                output::bar(c.ratio(), 20)
            );
        }
        if s.remaining_hours > 0.0 || s.unestimated > 0 {
            let mut rem = format!(
                "{} estimated",
                output::hours(s.remaining_hours, cx.work().hours_per_day)
            );
            if s.unestimated > 0 {
                let noun = if s.unestimated == 1 { "task" } else { "tasks" };
                let _ = write!(rem, ", {} open {noun} without estimate", s.unestimated);
            }
            let _ = writeln!(out, "  {:<11}{rem}", "Remaining");
        }
        let width = s
            .phases
            .iter()
            .map(|p| p.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        for (i, p) in s.phases.iter().enumerate() {
            let label = if i == 0 { "Phases" } else { "" };
            let name: String = p.name.chars().take(40).collect();
            if p.tasks.planned() == 0 {
                let _ = writeln!(
                    out,
                    "  {label:<11}{name:<width$}  {}",
                    paint(DIM, "no tasks yet")
                );
            } else {
                let _ = writeln!(
                    out,
                    "  {label:<11}{name:<width$}  {}  {}/{}",
                    output::bar(p.tasks.ratio(), 10),
                    p.tasks.done,
                    p.tasks.planned()
                );
            }
        }
        if s.milestones.1 > 0 {
            let _ = writeln!(
                out,
                "  {:<11}{}/{} reached",
                "Milestones", s.milestones.0, s.milestones.1
            );
        }
        let _ = writeln!(out, "  {:<11}{} open", "Actions", s.open_actions);
        let _ = writeln!(
            out,
            "  {:<11}{} ({} high impact)",
            "Risks", s.risks, s.high_impact_risks
        );
        let (e, w, n) = s.findings;
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let findings = if e + w + n == 0 {
            "none".to_owned()
        } else {
            let mut parts = vec![
                paint(if e > 0 { ERR } else { DIM }, plural(e, "error")),
                paint(if w > 0 { WARN } else { DIM }, plural(w, "warning")),
            ];
            if n > 0 {
                parts.push(plural(n, "note"));
            }
            format!(
                "{}  {}",
                parts.join(", "),
                paint(DIM, "(planmark check shows them)")
            )
        };
        let _ = writeln!(out, "  {:<11}{findings}", "Findings");
        // The first few, so nothing is hidden; the checker shows them all with context.
        for f in report
            .diagnostics
            .iter()
            .filter(|f| f.file == doc.path)
            .take(SHOWN)
        {
            let line = f
                .span
                .map_or(String::new(), |sp| format!("line {}: ", sp.line));
            let _ = writeln!(
                out,
                "  {:<11}{} {line}{}",
                "",
                paint(DIM, f.code.as_str()),
                f.message
            );
        }
        if e + w + n > SHOWN {
            let _ = writeln!(
                out,
                "  {:<11}{}",
                "",
                paint(DIM, format!("and {} more", e + w + n - SHOWN))
            );
        }
        out.push('\n');
    }
    if let Some(t) = &timeline
        && !t.tasks.is_empty()
    {
        out.push_str(&verdict(t));
        if let Some(f) = &odds {
            out.push_str(&forecast_lines(f, ws.documents.len() > 1));
        }
    }
    output::print(&out)?;
    Ok(finish(snap))
}

/// `status --format json`: `{"documents": [...]}`.
#[derive(serde::Serialize)]
struct Documents<'a> {
    documents: Vec<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeline: Option<TimelineView<'a>>,
}

/// The schedule's headline, as `status --format json` prints it.
#[derive(serde::Serialize)]
struct TimelineView<'a> {
    start: jiff::civil::Date,
    finish: jiff::civil::Date,
    makespan_days: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<&'a planmark::schedule::Deadline>,
    critical_path: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    forecast: Option<ForecastView>,
}

/// The forecast in `status --format json`.
#[derive(serde::Serialize)]
struct ForecastView {
    runs: u32,
    p50: jiff::civil::Date,
    p80: jiff::civil::Date,
    p95: jiff::civil::Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline_probability: Option<f64>,
}
