//! iCalendar (RFC 5545): milestones and deadlines as all-day events, tasks
//! as to-dos (or all-day events spanning their scheduled days). UIDs come
//! from the plan's path and the item's id, so a calendar subscribed to the
//! file updates an item rather than adding it again; the timestamp is the
//! day the plans are read at, so two exports of the same plans are equal.

use std::fmt::Write as _;

use icalendar::{Calendar, Component as _, Event, EventLike as _, Property, Todo, TodoStatus};

use crate::model::{PriorityLevel, Status};
use crate::project::Snapshot;

use super::{owners, stable_id, timing};

/// How to write the calendar.
#[derive(Debug, Clone, Copy, Default)]
pub struct IcsOptions {
    /// Tasks as all-day events over their scheduled days, not to-dos.
    pub events: bool,
}

fn day(d: jiff::civil::Date) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(
        i32::from(d.year()),
        u32::from(d.month() as u8),
        u32::from(d.day() as u8),
    )
    .unwrap_or_default()
}

fn next(d: jiff::civil::Date) -> chrono::NaiveDate {
    day(d).succ_opt().unwrap_or_else(|| day(d))
}

fn uid(kind: &str, plan: &str, id: &str) -> String {
    format!("{}@planmark", stable_id(kind, plan, id))
}

/// The plans' calendar.
#[must_use]
pub fn ics(snap: &Snapshot, opts: IcsOptions) -> String {
    let stamp = day(snap.today())
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new(
        "PRODID",
        format!("-//planmark//planmark {}//EN", env!("CARGO_PKG_VERSION")),
    ));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    let name = snap
        .root()
        .file_name()
        .map_or_else(|| "plans".to_owned(), |n| n.to_string_lossy().into_owned());
    cal.name(&format!("planmark: {name}"));
    let times = timing(snap);
    let timeline = snap.timeline();
    for d in &snap.workspace().documents {
        for t in &d.tasks {
            let time = times.get(&(d.path.as_str(), t.id.as_str()));
            let summary = format!("{} {}", t.id, t.title);
            let mut description = format!("{}:{}", d.path, t.origin.span.line);
            if let Some(p) = &t.phase {
                let _ = write!(description, "\n{p}");
            }
            if let Some(e) = &t.estimate {
                let _ = write!(description, "\nEstimate: {}", e.text());
            }
            if !t.resources.is_empty() {
                let _ = write!(description, "\nOwner: {}", owners(t));
            }
            if !t.dependencies.is_empty() {
                let deps: Vec<&str> = t.dependencies.iter().map(|x| x.text.trim()).collect();
                let _ = write!(description, "\nDepends on: {}", deps.join(", "));
            }
            let priority = t.priority.as_ref().and_then(|p| p.level).map(|l| match l {
                PriorityLevel::Critical => 1,
                PriorityLevel::High => 3,
                PriorityLevel::Medium => 5,
                PriorityLevel::Low => 7,
            });
            if opts.events {
                let Some(x) = time else { continue };
                let mut e = Event::new();
                e.uid(&uid("task", &d.path, &t.id))
                    .timestamp(stamp)
                    .summary(&summary)
                    .description(&description)
                    .starts(day(x.start))
                    .ends(next(x.finish));
                if let Some(p) = &t.phase {
                    e.categories([p.as_str()]);
                }
                if let Some(p) = priority {
                    e.priority(p);
                }
                cal.push(e.done());
            } else {
                let mut todo = Todo::new();
                todo.uid(&uid("task", &d.path, &t.id))
                    .timestamp(stamp)
                    .summary(&summary)
                    .description(&description)
                    .status(match t.status {
                        Status::Todo | Status::Blocked => TodoStatus::NeedsAction,
                        Status::InProgress => TodoStatus::InProcess,
                        Status::Done => TodoStatus::Completed,
                        Status::Cancelled => TodoStatus::Cancelled,
                    })
                    .percent_complete(match t.status {
                        Status::Done => 100,
                        Status::InProgress => 50,
                        _ => 0,
                    });
                if let Some(x) = time {
                    todo.starts(day(x.start)).due(day(x.finish));
                } else if let Some(due) = t.due {
                    todo.due(day(due));
                }
                if let Some(p) = &t.phase {
                    todo.categories([p.as_str()]);
                }
                if let Some(p) = priority {
                    todo.priority(p);
                }
                cal.push(todo.done());
            }
        }
    }
    if let Some(s) = timeline {
        for m in &s.milestones {
            let mut e = Event::new();
            e.uid(&uid("milestone", &m.plan, &m.id))
                .timestamp(stamp)
                .summary(&format!("◆ {}", m.title))
                .description(&m.plan)
                .starts(day(m.date))
                .ends(next(m.date));
            cal.push(e.done());
        }
        for dl in s.deadline.iter().chain(&s.plan_deadlines) {
            let plan = dl.plan.as_deref().unwrap_or("");
            let mut e = Event::new();
            e.uid(&uid("deadline", plan, ""))
                .timestamp(stamp)
                .summary(&if plan.is_empty() {
                    "Deadline".to_owned()
                } else {
                    format!("Deadline: {plan}")
                })
                .description(&if dl.late_days > 0 {
                    format!(
                        "The plan finishes {}, {} working days late",
                        dl.finish, dl.late_days
                    )
                } else {
                    format!("The plan finishes {}", dl.finish)
                })
                .starts(day(dl.date))
                .ends(next(dl.date));
            cal.push(e.done());
        }
    }
    cal.done().to_string()
}
