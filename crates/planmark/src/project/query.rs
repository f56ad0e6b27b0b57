//! Questions about the loaded plans: which task an id names, which tasks
//! match a filter, what to work on next, a plan's progress.

use rustc_hash::FxHashMap;

use super::{ProjectError, Snapshot};
use crate::diag::Severity;
use crate::links::Links;
use crate::model::{Document, Status, Task};
use crate::summary::Summary;

/// Which tasks a list shows; every field left empty matches all.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Only these statuses.
    pub statuses: Vec<Status>,
    /// Only open tasks (not done, not cancelled).
    pub open: bool,
    /// Only tasks of the phase this names (part of its name, or its number).
    pub phase: Option<String>,
    /// Only tasks this person or pool works on (`@` optional, any case).
    pub owner: Option<String>,
    /// Only plans whose path contains this.
    pub plan: Option<String>,
    /// Only tasks whose id or title contains this, in any case.
    pub text: Option<String>,
}

impl TaskFilter {
    /// Whether task `t` of plan `d` passes.
    #[must_use]
    pub fn matches(&self, d: &Document, t: &Task) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&t.status))
            && (!self.open || !t.status.is_closed())
            && self.phase.as_deref().is_none_or(|p| phase_matches(t, d, p))
            && self.owner.as_deref().is_none_or(|o| works_on(t, o))
            && self.plan.as_deref().is_none_or(|p| d.path.contains(p))
            && self.text.as_deref().is_none_or(|q| {
                let q = q.to_lowercase();
                t.title.to_lowercase().contains(&q) || t.id.to_lowercase().contains(&q)
            })
    }
}

/// Whether `owner` (`@` optional, any case) works on `t`.
fn works_on(t: &Task, owner: &str) -> bool {
    let o = owner.trim().trim_start_matches('@').to_lowercase();
    t.resources.iter().any(|r| r.name.to_lowercase() == o)
}

/// Whether task `t` of `doc` is in the phase `want` names: part of the
/// phase's name, or its number (`2`, `phase 2`).
#[must_use]
pub fn phase_matches(t: &Task, doc: &Document, want: &str) -> bool {
    let Some(p) = &t.phase else { return false };
    let w = want.to_lowercase();
    if p.to_lowercase().contains(&w) {
        return true;
    }
    let w = w.trim_start_matches("phase").trim();
    doc.phases.iter().any(|ph| {
        &ph.name == p
            && ph
                .number
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(w))
    })
}

/// One answer to "what next": a task, and why it is where it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NextTask {
    /// The task, as `(plan, task)` indexes.
    pub at: (usize, usize),
    /// Already being worked on.
    pub in_progress: bool,
    /// On the critical path: any delay delays the finish.
    pub critical: bool,
    /// Working days it can slip without delaying the finish, when the plans
    /// can be scheduled.
    pub slack_days: Option<f64>,
}

impl Snapshot {
    /// Finds one task by id (`1.2`, or `plan#1.2` with the file stem or path).
    ///
    /// # Errors
    ///
    /// [`ProjectError::NoTask`] (with the closest id) or
    /// [`ProjectError::Ambiguous`] (with where each match is).
    pub fn find(&self, query: &str) -> Result<(usize, usize), ProjectError> {
        find_in(&self.ws, &Links::new(&self.ws), query)
    }

    /// The tasks that pass `filter`, in plan order.
    #[must_use]
    pub fn tasks(&self, filter: &TaskFilter) -> Vec<(usize, usize)> {
        self.ws
            .documents
            .iter()
            .enumerate()
            .flat_map(|(di, d)| {
                d.tasks
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| filter.matches(d, t))
                    .map(move |(ti, _)| (di, ti))
            })
            .collect()
    }

    /// The open tasks that can start now: every dependency met and the
    /// earlier phases finished, by priority, then in plan order.
    #[must_use]
    pub fn ready(&self) -> Vec<(usize, usize)> {
        Links::new(&self.ws).ready()
    }

    /// What to work on now, at most `limit` tasks: the work already in
    /// progress first, then the tasks that can start (every dependency
    /// met, earlier phases finished), critical first, then by slack, then
    /// by priority. With `owner`, only that person's or pool's tasks.
    #[must_use]
    pub fn next(&self, owner: Option<&str>, limit: usize) -> Vec<NextTask> {
        let links = Links::new(&self.ws);
        let timing: FxHashMap<(&str, &str), (bool, f64)> = self
            .timeline()
            .map(|s| {
                s.tasks
                    .iter()
                    .map(|t| ((t.plan.as_str(), t.id.as_str()), (t.critical, t.slack_days)))
                    .collect()
            })
            .unwrap_or_default();
        let entry = |at: (usize, usize), in_progress: bool| {
            let d = &self.ws.documents[at.0];
            let time = timing.get(&(d.path.as_str(), d.tasks[at.1].id.as_str()));
            NextTask {
                at,
                in_progress,
                critical: time.is_some_and(|t| t.0),
                slack_days: time.map(|t| t.1),
            }
        };
        let mine = |at: &(usize, usize)| owner.is_none_or(|o| works_on(self.task(*at), o));
        // Work in progress in plan order, ready work by priority (the order
        // `ready` gives); the sort keeps those orders between equals.
        let mut doing: Vec<NextTask> = self
            .tasks(&TaskFilter {
                statuses: vec![Status::InProgress],
                ..TaskFilter::default()
            })
            .into_iter()
            .filter(mine)
            .map(|at| entry(at, true))
            .collect();
        let mut ready: Vec<NextTask> = links
            .ready()
            .into_iter()
            .filter(mine)
            .map(|at| entry(at, false))
            .collect();
        let urgency = |a: &NextTask, b: &NextTask| {
            b.critical.cmp(&a.critical).then_with(|| {
                a.slack_days
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.slack_days.unwrap_or(f64::MAX))
            })
        };
        doing.sort_by(urgency);
        ready.sort_by(urgency);
        doing.extend(ready);
        doing.truncate(limit);
        doing
    }

    /// Why task `at` starts when it does on [`Snapshot::timeline`], what it
    /// holds back and its slack; `None` when the plans cannot be scheduled.
    #[must_use]
    pub fn why(&self, at: (usize, usize)) -> Option<crate::schedule::Explanation> {
        let s = self.timeline()?;
        let d = &self.ws.documents[at.0];
        let id = &d.tasks[at.1].id;
        let i = s
            .tasks
            .iter()
            .position(|x| x.plan == d.path && &x.id == id)?;
        Some(crate::schedule::explain(&self.ws, s, i))
    }

    /// The tasks of the same plan that depend on task `at`.
    #[must_use]
    pub fn dependents(&self, (di, ti): (usize, usize)) -> Vec<usize> {
        let d = &self.ws.documents[di];
        let id = &d.tasks[ti].id;
        (0..d.tasks.len())
            .filter(|&o| d.tasks[o].dependencies.iter().any(|x| &x.target == id))
            .collect()
    }

    /// The subtasks of task `at`.
    #[must_use]
    pub fn subtasks(&self, (di, ti): (usize, usize)) -> Vec<usize> {
        let d = &self.ws.documents[di];
        let id = &d.tasks[ti].id;
        (0..d.tasks.len())
            .filter(|&o| d.tasks[o].parent.as_ref() == Some(id))
            .collect()
    }

    /// Each plan's progress, with its findings counted by severity (from
    /// [`Snapshot::check`]).
    #[must_use]
    pub fn summaries(&self) -> Vec<Summary> {
        let report = self.check();
        let mut counts: FxHashMap<&str, (usize, usize, usize)> = FxHashMap::default();
        for f in &report.diagnostics {
            let c = counts.entry(f.file.as_str()).or_default();
            match f.severity {
                Severity::Error => c.0 += 1,
                Severity::Warning => c.1 += 1,
                Severity::Note => c.2 += 1,
            }
        }
        self.ws
            .documents
            .iter()
            .map(|d| {
                let mut s = Summary::of(d, self.work);
                s.findings = counts.get(d.path.as_str()).copied().unwrap_or_default();
                s
            })
            .collect()
    }
}

/// Finds one task of `ws` by id, or says why not.
pub(super) fn find_in(
    ws: &crate::model::Workspace,
    links: &Links<'_>,
    query: &str,
) -> Result<(usize, usize), ProjectError> {
    let found = links.find_all(query);
    match found.as_slice() {
        [one] => Ok(*one),
        [] => {
            let ids = ws
                .documents
                .iter()
                .flat_map(|d| d.tasks.iter().map(|t| t.id.as_str()));
            Err(ProjectError::NoTask {
                query: query.to_owned(),
                suggestion: crate::check::did_you_mean(query, ids).map(str::to_owned),
            })
        }
        many => Err(ProjectError::Ambiguous {
            query: query.to_owned(),
            places: many
                .iter()
                .map(|&(di, ti)| {
                    let d = &ws.documents[di];
                    format!("{}:{}", d.path, d.tasks[ti].origin.span.line)
                })
                .collect(),
            at: many.to_vec(),
        }),
    }
}
