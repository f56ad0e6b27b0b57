//! Why a task starts when it does, read off the computed schedule: the
//! links that bind, the resources that were busy and with what, the days
//! nobody works, and what the task's own slip would do to the finish.

use jiff::civil::Date;
use serde::Serialize;

use super::project::{Node, Release, Schedule};
use crate::model::{LinkKind, Workspace};

/// One reason a task starts when it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// Nothing holds it back: it starts with the project.
    ProjectStart {
        /// The project start.
        date: Date,
    },
    /// Work not done cannot start before today.
    Today {
        /// Today.
        date: Date,
    },
    /// The task's own start date.
    StartDate {
        /// The date.
        date: Date,
    },
    /// The task is under way: its estimate counts from today.
    InProgress {
        /// Today.
        date: Date,
    },
    /// A dependency binds.
    Dependency {
        /// The task waited for.
        id: String,
        /// Its plan.
        plan: String,
        /// The link type.
        link: LinkKind,
        /// The lag in working days.
        lag_days: f64,
        /// When the task waited for starts (SS, SF) or finishes (FS, FF).
        date: Date,
    },
    /// The previous phase must finish first.
    Phase {
        /// The phase waited for.
        phase: String,
        /// Its last task.
        last_task: Option<String>,
        /// Its last working day.
        date: Date,
    },
    /// A milestone it depends on.
    Milestone {
        /// The milestone id.
        id: String,
        /// When it is reached.
        date: Date,
    },
    /// A resource was fully booked until the start.
    Resource {
        /// The resource.
        resource: String,
        /// The tasks holding it just before: (plan, id, last working day).
        busy_with: Vec<(String, String, Date)>,
    },
    /// A resource was off.
    TimeOff {
        /// The resource.
        resource: String,
        /// The days off just before the start.
        days: Vec<Date>,
    },
    /// Days nobody works fall between what it waited for and its start.
    Calendar {
        /// The non-working days.
        days: Vec<Date>,
    },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::ProjectStart { date } => {
                write!(
                    f,
                    "nothing holds it back: it starts with the project on {date}"
                )
            }
            Reason::Today { date } => write!(f, "work not done cannot start before today, {date}"),
            Reason::StartDate { date } => write!(f, "its start date is {date}"),
            Reason::InProgress { date } => {
                write!(
                    f,
                    "it is in progress: its estimate counts from today, {date}"
                )
            }
            Reason::Dependency {
                id,
                link,
                lag_days,
                date,
                ..
            } => {
                let (what, word) = match link {
                    LinkKind::FinishToStart => ("finish", "starts after"),
                    LinkKind::StartToStart => ("start", "starts with"),
                    LinkKind::FinishToFinish => ("finish", "must finish after"),
                    LinkKind::StartToFinish => ("start", "must finish after"),
                };
                write!(f, "it {word} `{id}`, which is set to {what} on {date}")?;
                if *lag_days != 0.0 {
                    write!(f, " ({lag_days:+} working days lag)")?;
                }
                Ok(())
            }
            Reason::Phase {
                phase,
                last_task,
                date,
            } => {
                write!(
                    f,
                    "phases run in sequence: it waits for {phase} to finish on {date}"
                )?;
                if let Some(t) = last_task {
                    write!(f, " (its last task is `{t}`)")?;
                }
                Ok(())
            }
            Reason::Milestone { id, date } => {
                write!(f, "it waits for milestone {id}, reached on {date}")
            }
            Reason::Resource {
                resource,
                busy_with,
            } => {
                write!(f, "{resource} is busy until then with ")?;
                for (i, (_, id, until)) in busy_with.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{id}` (to {until})")?;
                }
                Ok(())
            }
            Reason::TimeOff { resource, days } => {
                write!(f, "{resource} is off on {}", dates(days))
            }
            Reason::Calendar { days } => {
                write!(f, "{} not working days", dates(days))?;
                f.write_str(if days.len() == 1 { " is" } else { " are" })?;
                f.write_str(" skipped")
            }
        }
    }
}

fn dates(days: &[Date]) -> String {
    match days {
        [] => String::new(),
        [d] => d.to_string(),
        [a, .., b] => format!("{a} to {b}"),
    }
}

/// Why a task starts when it does and what moves the finish.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The task id.
    pub id: String,
    /// Its plan.
    pub plan: String,
    /// Its title.
    pub title: String,
    /// First working day.
    pub start: Date,
    /// Last working day.
    pub finish: Date,
    /// Why it starts then (all binding reasons).
    pub reasons: Vec<Reason>,
    /// Whether it is on a critical path.
    pub critical: bool,
    /// Working days it can slip without moving the project finish.
    pub slack_days: f64,
    /// The tasks its finish (or start) holds back directly: (plan, id).
    pub holds_back: Vec<(String, String)>,
    /// What would move the project finish, in words.
    pub finish_effect: String,
}

/// Explains task `index` of `s.tasks`.
#[must_use]
pub fn explain(ws: &Workspace, s: &Schedule, index: usize) -> Explanation {
    let t = &s.tasks[index];
    let net = &s.net;
    let v = net.task_node[t.doc][t.task];
    let day = net.day;
    let start = net.start[v];
    let d = &net.durations;
    let mut wd = calendar_days(s);
    let date_at = |wd: &mut super::calendar::WorkingDays<'_>, m: i64, end: bool| {
        let x = if end {
            (m + day - 1).div_euclid(day) - 1
        } else {
            m.div_euclid(day)
        };
        wd.date(x.max(0) as usize)
    };
    let name = |u: usize| -> (String, String) {
        match net.nodes[u] {
            Node::Task(di, ti) => (
                ws.documents[di].path.clone(),
                ws.documents[di].tasks[ti].id.clone(),
            ),
            Node::Milestone(di, mi) => (
                ws.documents[di].path.clone(),
                ws.documents[di].milestones[mi].id.clone(),
            ),
            Node::PhaseEnd(di, pi) => (
                ws.documents[di].path.clone(),
                ws.documents[di].phases[pi].name.clone(),
            ),
        }
    };
    let bound = |l: &super::cpm::Link| {
        super::cpm::bound(
            l.kind,
            l.lag,
            net.start[l.from],
            net.start[l.from] + d[l.from],
            d[v],
        )
    };
    let mut reasons = Vec::new();
    let mut waited = net.release[v];
    for l in net.links.iter().filter(|l| l.to == v) {
        waited = waited.max(bound(l));
    }
    let done = matches!(t.status, crate::model::Status::Done);
    if !done {
        for l in net.links.iter().filter(|l| l.to == v && bound(l) == start) {
            let u = l.from;
            let at = match l.kind {
                LinkKind::FinishToStart | LinkKind::FinishToFinish => {
                    date_at(&mut wd, net.start[u] + d[u], true)
                }
                _ => date_at(&mut wd, net.start[u], false),
            };
            match net.nodes[u] {
                Node::Task(..) => {
                    let (plan, id) = name(u);
                    reasons.push(Reason::Dependency {
                        id,
                        plan,
                        link: l.kind,
                        lag_days: (l.lag as f64 / day as f64 * 100.0).round() / 100.0,
                        date: at,
                    });
                }
                Node::PhaseEnd(..) => {
                    let last = net
                        .links
                        .iter()
                        .filter(|k| k.to == u)
                        .max_by_key(|k| (net.start[k.from] + d[k.from], std::cmp::Reverse(k.from)))
                        .map(|k| name(k.from).1);
                    reasons.push(Reason::Phase {
                        phase: name(u).1,
                        last_task: last,
                        date: at,
                    });
                }
                Node::Milestone(..) => reasons.push(Reason::Milestone {
                    id: name(u).1,
                    date: at,
                }),
            }
        }
        if start == net.release[v] && (reasons.is_empty() || net.release[v] > 0) {
            let today = s.today;
            reasons.push(match net.release_why[v] {
                Release::InProgress => Reason::InProgress { date: today },
                Release::StartDate => Reason::StartDate {
                    date: date_at(&mut wd, start, false),
                },
                Release::Today if net.release[v] > 0 => Reason::Today { date: today },
                _ => Reason::ProjectStart { date: s.start },
            });
        }
        if start > waited {
            // Held back by resources: who held them just before the start.
            for &(r, _) in &net.demands[v] {
                let busy: Vec<(String, String, Date)> = (0..net.nodes.len())
                    .filter(|&u| {
                        u != v
                            && d[u] > 0
                            && net.start[u] < start
                            && net.start[u] + d[u] >= start
                            && net.demands[u].iter().any(|x| x.0 == r)
                    })
                    .map(|u| {
                        let (p, id) = name(u);
                        (p, id, date_at(&mut wd, net.start[u] + d[u], true))
                    })
                    .collect();
                let resource = s.resources[r].name.clone();
                let before = (start - 1).div_euclid(day);
                let off: Vec<Date> = net.off[r]
                    .iter()
                    .filter(|&&x| x <= before && x >= waited.div_euclid(day))
                    .map(|&x| wd.date(x as usize))
                    .collect();
                if !busy.is_empty() {
                    reasons.push(Reason::Resource {
                        resource: resource.clone(),
                        busy_with: busy,
                    });
                }
                if !off.is_empty() {
                    reasons.push(Reason::TimeOff {
                        resource,
                        days: off,
                    });
                }
            }
        }
        // Days off between the last working day before the start and the start.
        if start > 0 && start % day == 0 && t.finish_day > t.start_day {
            let prev = wd.date((start / day - 1) as usize);
            let cur = wd.date((start / day) as usize);
            let gap: Vec<Date> = prev
                .series(jiff::Span::new().days(1))
                .skip(1)
                .take_while(|x| *x < cur)
                .collect();
            if !gap.is_empty() && !reasons.is_empty() {
                reasons.push(Reason::Calendar { days: gap });
            }
        }
    }
    let holds_back: Vec<(String, String)> = net
        .links
        .iter()
        .filter(|l| l.from == v)
        .filter(|l| {
            let b = super::cpm::bound(l.kind, l.lag, net.start[v], net.start[v] + d[v], d[l.to]);
            b == net.start[l.to]
        })
        .flat_map(|l| match net.nodes[l.to] {
            // Through a phase end to the next phase's first tasks.
            Node::PhaseEnd(..) => net
                .links
                .iter()
                .filter(|k| k.from == l.to && net.start[k.to] == net.start[l.to])
                .map(|k| name(k.to))
                .collect::<Vec<_>>(),
            _ => vec![name(l.to)],
        })
        .collect();
    let finish_effect = if done {
        "it is done: it no longer affects the finish".to_owned()
    } else if t.critical {
        format!(
            "it is on the critical path: each working day it slips moves the project finish ({}) by a day, and finishing it earlier moves the finish only as far as the next constraint allows",
            s.finish
        )
    } else {
        format!(
            "it can slip {} working days before the project finish ({}) moves",
            t.slack_days, s.finish
        )
    };
    Explanation {
        id: t.id.clone(),
        plan: t.plan.clone(),
        title: t.title.clone(),
        start: t.start,
        finish: t.finish,
        reasons,
        critical: t.critical,
        slack_days: t.slack_days,
        holds_back,
        finish_effect,
    }
}

fn calendar_days(s: &Schedule) -> super::calendar::WorkingDays<'_> {
    s.calendar.days_from(s.start)
}
