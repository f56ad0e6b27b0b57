//! The plans in other tools' formats: CSV for spreadsheets, iCalendar for
//! calendars, TaskJuggler for `tj3`. Each works from a [`Snapshot`]: its tasks in plan order,
//! with the dates of its timeline (the levelled schedule) when the plans
//! can be scheduled.

mod ics;
mod mspdi;
mod tjp;

use std::collections::HashMap;

use serde::Serialize;

use crate::model::{Document, Task};
use crate::project::Snapshot;
use crate::schedule::ScheduledTask;

pub use ics::{IcsOptions, ics};
pub use mspdi::mspdi;
pub use tjp::tjp;

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The CSV writer failed.
    #[error("cannot write CSV: {0}")]
    Csv(String),
}

/// A stable identifier for an exported item: the same plan path and id
/// give the same value in every export, so that a calendar subscribed to
/// the file updates an event instead of adding another.
#[must_use]
pub fn stable_id(kind: &str, plan: &str, id: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind
        .bytes()
        .chain([0])
        .chain(plan.bytes())
        .chain([0])
        .chain(id.bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    format!("{kind}-{h:016x}")
}

/// Each task's place on the timeline, by (plan, id).
#[must_use]
pub fn timing(snap: &Snapshot) -> HashMap<(&str, &str), &ScheduledTask> {
    snap.timeline()
        .map(|s| {
            s.tasks
                .iter()
                .map(|t| ((t.plan.as_str(), t.id.as_str()), t))
                .collect()
        })
        .unwrap_or_default()
}

/// A plan's file name without its extension: how other plans name it
/// (`other-doc#1.2`).
pub(crate) fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// The (plan path, task id) a dependency of a task in `doc` names: its own
/// plan, or another named by path or file stem.
pub(crate) fn dependency_target<'a>(
    ws: &'a crate::model::Workspace,
    doc: &'a Document,
    dep: &'a crate::model::Dependency,
) -> (&'a str, &'a str) {
    match dep.target.split_once('#') {
        Some((p, i)) => (
            ws.documents
                .iter()
                .find(|x| x.path == p || stem(&x.path) == p)
                .map_or(p, |x| x.path.as_str()),
            i,
        ),
        None => (doc.path.as_str(), dep.target.as_str()),
    }
}

/// A task's owners as the plan names them: `alice, backend x2`.
pub(crate) fn owners(t: &Task) -> String {
    t.resources
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One CSV row.
#[derive(Debug, Serialize)]
struct Row<'a> {
    plan: &'a str,
    line: u32,
    id: &'a str,
    title: &'a str,
    phase: &'a str,
    status: &'a str,
    estimate: &'a str,
    estimate_hours: Option<f64>,
    owner: String,
    priority: &'a str,
    depends: String,
    start: Option<String>,
    finish: Option<String>,
    slack_days: Option<f64>,
    critical: Option<bool>,
    due: Option<String>,
    issue: Option<u64>,
}

/// The tasks as CSV, one row each, with the schedule's columns: for
/// spreadsheets. Columns: plan, line, id, title, phase, status, estimate
/// (as written), estimate_hours (the likely value), owner, priority,
/// depends, start, finish, slack_days, critical, due, issue.
///
/// # Errors
///
/// Only when the CSV writer fails.
pub fn csv(snap: &Snapshot) -> Result<String, ExportError> {
    let times = timing(snap);
    let work = snap.work();
    let mut w = csv::Writer::from_writer(Vec::new());
    for d in &snap.workspace().documents {
        for t in &d.tasks {
            w.serialize(row(
                d,
                t,
                times.get(&(d.path.as_str(), t.id.as_str())).copied(),
                work,
            ))
            .map_err(|e| ExportError::Csv(e.to_string()))?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ExportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Csv(e.to_string()))
}

fn row<'a>(
    d: &'a Document,
    t: &'a Task,
    time: Option<&ScheduledTask>,
    work: crate::model::WorkTime,
) -> Row<'a> {
    Row {
        plan: &d.path,
        line: t.origin.span.line,
        id: &t.id,
        title: &t.title,
        phase: t.phase.as_deref().unwrap_or(""),
        status: t.status.as_str(),
        estimate: t.estimate.as_ref().map_or("", |e| e.text()),
        estimate_hours: t
            .estimate
            .as_ref()
            .map(|e| (e.likely_hours(work) * 100.0).round() / 100.0),
        owner: owners(t),
        priority: t.priority.as_ref().map_or("", |p| p.text.as_str()),
        depends: t
            .dependencies
            .iter()
            .map(|x| x.text.trim())
            .collect::<Vec<_>>()
            .join(", "),
        start: time.map(|x| x.start.to_string()),
        finish: time.map(|x| x.finish.to_string()),
        slack_days: time.map(|x| x.slack_days),
        critical: time.map(|x| x.critical),
        due: t.due.map(|x| x.to_string()),
        issue: t.issue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(
            stable_id("task", "a.md", "1.1"),
            stable_id("task", "a.md", "1.1")
        );
        assert_ne!(
            stable_id("task", "a.md", "1.1"),
            stable_id("task", "b.md", "1.1")
        );
        assert_ne!(
            stable_id("task", "a.md1", ".1"),
            stable_id("task", "a.md", "1.1")
        );
        assert_ne!(
            stable_id("task", "a.md", "1.1"),
            stable_id("milestone", "a.md", "1.1")
        );
    }
}
