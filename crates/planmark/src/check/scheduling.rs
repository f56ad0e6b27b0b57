//! Rules that need the schedule: deadlines, milestone targets and due dates
//! missed, over-allocation without levelling, a Timeline that disagrees
//! with the computed dates, demands no resource can meet.

use super::{WsCx, first_line};
use crate::diag::{Code, Diagnostic};
use crate::model::{Document, Span, Status};
use crate::schedule::{self, DateSource, Deadline, Schedule};

pub(crate) fn check(cx: &WsCx<'_>, out: &mut Vec<Diagnostic>) {
    let ws = cx.ws;
    if ws.documents.iter().all(|d| d.tasks.is_empty()) {
        return;
    }
    if !cx.opts.scheduling {
        return;
    }
    let mut opts = schedule::Options::new(cx.opts.today);
    // Without a date to meet, no finding depends on how well the work is
    // levelled (demands are checked before levelling): one schedule will do
    // for the plans that have none.
    if cx.opts.project.deadline().is_none() {
        let dated: Vec<bool> = cx.ws.documents.iter().map(|d| has_dates(d)).collect();
        if dated.iter().any(|&d| d) {
            opts.dated = Some(dated);
        } else {
            opts.schedules = Some(1);
        }
    }
    let computed;
    let s: &Schedule = if let Some(s) = &cx.opts.schedule {
        s
    } else {
        match schedule::schedule(ws, &cx.opts.project, &opts) {
            Ok(s) => {
                computed = s;
                &computed
            }
            Err(e) => {
                // Cycles have their own rule; what only the scheduler finds is reported here.
                out.extend(
                    e.findings()
                        .iter()
                        .filter(|d| d.code == Code::ImpossibleDemand)
                        .cloned(),
                );
                return;
            }
        }
    };
    let by: ByPath = ws
        .documents
        .iter()
        .map(|d| (d.path.as_str(), &**d))
        .collect();
    deadlines(&by, s, out);
    at_risk(cx, &by, s, out);
    overallocation(&by, s, out);
    timeline(ws, s, out);
}

/// Whether a finding here compares a plan's schedule with a date: its
/// deadline, a due date, a milestone target or a Timeline entry.
fn has_dates(d: &Document) -> bool {
    d.front_matter
        .as_ref()
        .is_some_and(|f| f.deadline.is_some())
        || d.focus.timeframe.is_some()
        || !d.timeline.is_empty()
        || d.tasks.iter().any(|t| t.due.is_some())
        || d.milestones.iter().any(|m| m.target.is_some())
}

/// Plans by path.
type ByPath<'a> = rustc_hash::FxHashMap<&'a str, &'a Document>;

fn doc<'a>(by: &ByPath<'a>, path: &str) -> Option<&'a Document> {
    by.get(path).copied()
}

/// The span of `key:` in the front matter, else the whole block.
fn front_matter_key(d: &Document, key: &str) -> Option<Span> {
    let fm = d.front_matter.as_ref()?;
    let text = d.source.get(fm.span.start..fm.span.end)?;
    let mut at = fm.span.start;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with(&format!("{key}:")) {
            let n = text[..at - fm.span.start].matches('\n').count() as u32;
            return Some(Span {
                start: at,
                end: at + line.trim_end().len(),
                line: fm.span.line + n,
            });
        }
        at += line.len();
    }
    Some(fm.span)
}

/// Where a deadline is written: the front matter key, the Timeframe line,
/// or planmark.toml.
fn deadline_place(ws: &ByPath<'_>, dl: &Deadline) -> (String, Option<Span>) {
    match (&dl.plan, dl.from) {
        (Some(p), DateSource::FrontMatter) => match doc(ws, p) {
            Some(d) => (p.clone(), front_matter_key(d, "deadline")),
            None => (p.clone(), None),
        },
        (Some(p), _) => (
            p.clone(),
            doc(ws, p).and_then(|d| d.focus.timeframe.as_ref().map(|f| f.span)),
        ),
        (None, _) => (crate::config::FILE_NAME.to_owned(), None),
    }
}

fn deadline(ws: &ByPath<'_>, dl: &Deadline, out: &mut Vec<Diagnostic>) {
    if dl.late_days <= 0 {
        return;
    }
    let finish = dl.finish;
    let msg = format!(
        "the schedule finishes on {finish}, {} working days after the deadline {}",
        dl.late_days, dl.date
    );
    let help = "run `planmark schedule` for the critical path and `planmark why ID` for what holds it; cut scope, add people or move the deadline";
    let (file, span) = deadline_place(ws, dl);
    out.push(
        Diagnostic::new(
            Code::DeadlineMissed,
            Code::DeadlineMissed.default_severity(),
            &file,
            span,
            msg,
        )
        .with_help(help),
    );
}

/// Runs of the forecast behind [`Code::DeadlineAtRisk`].
const RISK_RUNS: u32 = 2_000;

/// The confidence a plan asks for in front matter
/// (`deadline-confidence: 80%`).
fn asked(d: &Document) -> Option<f64> {
    let f = &d.front_matter.as_ref()?.fields;
    ["deadline-confidence", "deadline_confidence", "confidence"]
        .iter()
        .find_map(|k| f.get(*k))
        .and_then(super::share)
}

/// Deadlines the schedule meets but the forecast meets less often than
/// asked (in the plan's front matter or `[check] deadline-confidence`).
fn at_risk(cx: &WsCx<'_>, ws: &ByPath<'_>, s: &Schedule, out: &mut Vec<Diagnostic>) {
    let want = |dl: &Deadline| {
        dl.plan
            .as_deref()
            .and_then(|p| doc(ws, p))
            .and_then(asked)
            .or(cx.opts.deadline_confidence)
    };
    let all: Vec<&Deadline> = s.deadline.iter().chain(&s.plan_deadlines).collect();
    if !all.iter().any(|dl| dl.late_days <= 0 && want(dl).is_some()) {
        return;
    }
    let opts = crate::forecast::Options {
        runs: Some(RISK_RUNS),
        seed: Some(1),
        ..Default::default()
    };
    // Estimates out of order have their own rule (PM034).
    let Ok(f) = crate::forecast::forecast(cx.ws, &cx.opts.project, s, &opts, None) else {
        return;
    };
    for (dl, odds) in all.iter().zip(f.deadline.iter().chain(&f.plan_deadlines)) {
        let Some(want) = want(dl) else { continue };
        if dl.late_days > 0 || odds.probability >= want {
            continue;
        }
        let (file, span) = deadline_place(ws, dl);
        out.push(
            Diagnostic::new(
                Code::DeadlineAtRisk,
                Code::DeadlineAtRisk.default_severity(),
                &file,
                span,
                format!(
                    "the deadline {} is met in {:.0}% of {} forecast runs, less than the {:.0}% asked",
                    dl.date,
                    odds.probability * 100.0,
                    f.runs,
                    want * 100.0
                ),
            )
            .with_help(
                "run `planmark forecast` to see what drives the spread; narrow the estimates, mitigate the risks, cut scope or move the deadline",
            ),
        );
    }
}

fn deadlines(ws: &ByPath<'_>, s: &Schedule, out: &mut Vec<Diagnostic>) {
    for dl in s.deadline.iter().chain(&s.plan_deadlines) {
        deadline(ws, dl, out);
    }
    for m in &s.milestones {
        let (Some(target), Some(late)) = (m.target, m.late_days) else {
            continue;
        };
        let Some(d) = doc(ws, &m.plan) else { continue };
        let ms = d.milestones.iter().find(|x| x.id == m.id);
        if late <= 0 || ms.is_some_and(|x| x.status.is_closed()) {
            continue;
        }
        let span = ms.map(|x| first_line(&d.source, x.origin.span));
        out.push(
            Diagnostic::new(
                Code::DeadlineMissed,
                Code::DeadlineMissed.default_severity(),
                &m.plan,
                span,
                format!(
                    "milestone {} is reached on {}, {late} working days after its target {target}",
                    m.id, m.date
                ),
            )
            .with_help("`planmark why` on its last task shows what holds it"),
        );
    }
    for t in &s.tasks {
        let Some(d) = doc(ws, &t.plan) else { continue };
        let task = &d.tasks[t.task];
        let Some(due) = task.due else { continue };
        if task.status.is_closed() || t.finish <= due {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::DeadlineMissed,
                Code::DeadlineMissed.default_severity(),
                &t.plan,
                Some(first_line(&d.source, task.origin.span)),
                format!(
                    "task `{}` is due {due} but is scheduled to finish on {}",
                    t.id, t.finish
                ),
            )
            .with_help(format!("`planmark why {}` shows what it waits for", t.id)),
        );
    }
}

fn overallocation(ws: &ByPath<'_>, s: &Schedule, out: &mut Vec<Diagnostic>) {
    for o in &s.overallocations {
        let Some((plan, id)) = o.tasks.first() else {
            continue;
        };
        let Some(d) = doc(ws, plan) else { continue };
        let Some(task) = d.tasks.iter().find(|t| &t.id == id) else {
            continue;
        };
        let ids: Vec<String> = o.tasks.iter().map(|t| format!("`{}`", t.1)).collect();
        out.push(
            Diagnostic::new(
                Code::Overallocated,
                Code::Overallocated.default_severity(),
                plan,
                Some(first_line(&d.source, task.origin.span)),
                format!(
                    "{} is booked {} of {} from {} to {} by {}",
                    o.resource,
                    o.booked,
                    o.capacity,
                    o.from,
                    o.to,
                    ids.join(", ")
                ),
            )
            .with_help("turn levelling on ([schedule] level = true), or move work to someone else"),
        );
    }
}

/// `Week 2-3: Phase 2` against the weeks the schedule gives the phase.
fn timeline(ws: &crate::model::Workspace, s: &Schedule, out: &mut Vec<Diagnostic>) {
    let per_week = s.calendar.work_time().days_per_week.max(1.0) as i64;
    for (di, d) in ws.documents.iter().enumerate() {
        for e in &d.timeline {
            let Some(name) = e.phase.as_deref() else {
                continue;
            };
            let lname = name.to_lowercase();
            let num = lname.strip_prefix("phase").map(str::trim);
            let Some(phase) = d.phases.iter().find(|p| {
                p.number.as_deref().is_some_and(|x| Some(x) == num)
                    || p.name.eq_ignore_ascii_case(name)
            }) else {
                continue;
            };
            let tasks: Vec<_> = s
                .tasks
                .iter()
                .filter(|t| t.doc == di && t.phase.as_deref() == Some(phase.name.as_str()))
                .collect();
            let open = tasks
                .iter()
                .any(|t| !t.status.is_closed() && !t.unestimated);
            if tasks.is_empty() || !open || tasks.iter().all(|t| t.status == Status::Done) {
                continue;
            }
            let first = tasks.iter().map(|t| t.start_day).min().unwrap_or(0);
            let last = tasks.iter().map(|t| t.finish_day).max().unwrap_or(0);
            let start_date = tasks.iter().map(|t| t.start).min();
            let end_date = tasks.iter().map(|t| t.finish).max();
            let (computed, stated, late) = if let Some((a, b)) = e.weeks {
                let (wa, wb) = (first / per_week + 1, (last - 1).max(0) / per_week + 1);
                let fmt = |x: i64, y: i64| {
                    if x == y {
                        format!("week {x}")
                    } else {
                        format!("weeks {x}-{y}")
                    }
                };
                (
                    fmt(wa, wb),
                    fmt(i64::from(a), i64::from(b)),
                    wb > i64::from(b) || wa > i64::from(b),
                )
            } else if let (Some(a), Some(b), Some(sd), Some(ed)) =
                (e.start, e.end, start_date, end_date)
            {
                (
                    format!("{sd} to {ed}"),
                    format!("{a} to {b}"),
                    ed > b || sd > b,
                )
            } else {
                continue;
            };
            if !late {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::TimelineMismatch,
                    Code::TimelineMismatch.default_severity(),
                    &d.path,
                    Some(first_line(&d.source, e.origin.span)),
                    format!(
                        "the Timeline puts {} in {stated}; the schedule has it in {computed}",
                        phase.name
                    ),
                )
                .with_help(
                    "update the Timeline line, or the estimates and dependencies it disagrees with",
                ),
            );
        }
    }
}
