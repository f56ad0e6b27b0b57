//! Which task a dependency names, across the plans of a workspace.
//!
//! The checker, the tracking commands and the scheduler all follow
//! dependencies the same way: `1.2` in the same plan (exactly, else ignoring
//! case), `other-plan#1.2` or `path/to/plan.md#1.2` in another.

use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use crate::check::did_you_mean;
use crate::model::{Dependency, Workspace};

/// Where a dependency leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A task: (document index, task index).
    Task(usize, usize),
    /// A phase or milestone, not a task.
    Other,
    /// Nothing.
    Unknown {
        /// Why, in words: "no task `1.9` in this plan".
        why: String,
        /// The closest id, when one is close.
        suggestion: Option<String>,
    },
}

/// Task lookup over the whole workspace.
pub struct Links<'a> {
    ws: &'a Workspace,
    ids: Vec<HashMap<&'a str, usize>>,
    /// Lower-case ids, built for a plan the first time one is needed.
    lower: Vec<std::sync::OnceLock<HashMap<String, usize>>>,
    docs: HashMap<&'a str, usize>,
}

impl<'a> Links<'a> {
    /// Indexes the tasks of every plan of `ws`.
    #[must_use]
    pub fn new(ws: &'a Workspace) -> Self {
        let ids = ws
            .documents
            .par_iter()
            .map(|d| {
                let mut m =
                    HashMap::with_capacity_and_hasher(d.tasks.len(), rustc_hash::FxBuildHasher);
                for (i, t) in d.tasks.iter().enumerate() {
                    m.entry(t.id.as_str()).or_insert(i);
                }
                m
            })
            .collect();
        let mut docs = HashMap::default();
        for (i, d) in ws.documents.iter().enumerate() {
            docs.insert(d.path.as_str(), i);
        }
        for (i, d) in ws.documents.iter().enumerate() {
            if let Some(stem) = Path::new(&d.path).file_stem().and_then(|s| s.to_str()) {
                docs.entry(stem).or_insert(i);
            }
        }
        let lower = ws
            .documents
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Links {
            ws,
            ids,
            lower,
            docs,
        }
    }

    /// Finds task `id` of plan `doc` (exactly, else ignoring case).
    #[must_use]
    pub fn find(&self, doc: usize, id: &str) -> Option<usize> {
        self.ids[doc].get(id).copied().or_else(|| {
            let lower = self.lower[doc].get_or_init(|| {
                let mut m = HashMap::default();
                for (i, t) in self.ws.documents[doc].tasks.iter().enumerate() {
                    m.entry(t.id.to_lowercase()).or_insert(i);
                }
                m
            });
            lower.get(&id.to_lowercase()).copied()
        })
    }

    /// Returns the id of plan `doc` closest to `id`, when one is close.
    #[must_use]
    pub fn suggest(&self, doc: usize, id: &str) -> Option<String> {
        did_you_mean(
            id,
            self.ws.documents[doc].tasks.iter().map(|t| t.id.as_str()),
        )
        .map(str::to_owned)
    }

    /// Resolves a dependency of plan `di`; `suggest` says whether to look
    /// for the closest id when there is no such task (it compares against
    /// every id, so callers resolving thousands of broken links limit it).
    #[must_use]
    pub fn resolve(&self, di: usize, dep: &Dependency, suggest: bool) -> Target {
        let (target, resolved) = (dep.target.as_str(), dep.resolved);
        if let Some((name, id)) = target.split_once('#')
            && !name.is_empty()
            && !name.contains(' ')
        {
            let id = id.trim();
            return match self.docs.get(name.trim()) {
                Some(&dj) => match self.find(dj, id) {
                    Some(tj) => Target::Task(dj, tj),
                    None => Target::Unknown {
                        why: format!("`{name}` has no task `{id}`"),
                        suggestion: suggest
                            .then(|| self.suggest(dj, id))
                            .flatten()
                            .map(|s| format!("{name}#{s}")),
                    },
                },
                None => Target::Unknown {
                    why: format!("there is no plan `{name}` in the workspace"),
                    suggestion: did_you_mean(name, self.docs.keys().copied())
                        .map(|s| format!("{s}#{id}")),
                },
            };
        }
        match self.find(di, target) {
            Some(tj) => Target::Task(di, tj),
            None if resolved => Target::Other,
            None => Target::Unknown {
                why: format!("no task `{target}` in this plan"),
                suggestion: suggest.then(|| self.suggest(di, target)).flatten(),
            },
        }
    }
}

impl Links<'_> {
    /// The tasks `(document, task)` that task `ti` of plan `di` still waits
    /// for: finish-to-start and finish-to-finish dependencies that are not
    /// closed, start-to-start and start-to-finish ones that have not started.
    #[must_use]
    pub fn blockers(&self, di: usize, ti: usize) -> Vec<(usize, usize)> {
        use crate::model::{LinkKind, Status};
        let t = &self.ws.documents[di].tasks[ti];
        t.dependencies
            .iter()
            .filter_map(|d| match self.resolve(di, d, false) {
                Target::Task(dj, tj) if (dj, tj) != (di, ti) => {
                    let s = self.ws.documents[dj].tasks[tj].status;
                    let waits = match d.kind {
                        LinkKind::FinishToStart | LinkKind::FinishToFinish => !s.is_closed(),
                        LinkKind::StartToStart | LinkKind::StartToFinish => {
                            s == Status::Todo || s == Status::Blocked
                        }
                    };
                    waits.then_some((dj, tj))
                }
                _ => None,
            })
            .collect()
    }

    /// The tasks that can start now, most important first: todo, every
    /// dependency met, every earlier phase of their plan finished (unless
    /// the plan's phases run in parallel), and no open subtasks of their
    /// own. Ties keep document order.
    #[must_use]
    pub fn ready(&self) -> Vec<(usize, usize)> {
        use crate::model::Status;
        let mut out = Vec::new();
        for (di, doc) in self.ws.documents.iter().enumerate() {
            let parallel = doc.front_matter.as_ref().is_some_and(|f| f.phases_parallel);
            let phase_of = phase_indexes(doc);
            // The first phase with open work: later phases wait for it.
            let open_phase = if parallel {
                None
            } else {
                doc.tasks
                    .iter()
                    .zip(&phase_of)
                    .filter(|(t, _)| !t.status.is_closed())
                    .filter_map(|(_, p)| *p)
                    .min()
            };
            let open_children: rustc_hash::FxHashSet<&str> = doc
                .tasks
                .iter()
                .filter(|t| !t.status.is_closed())
                .filter_map(|t| t.parent.as_deref())
                .collect();
            for (ti, t) in doc.tasks.iter().enumerate() {
                if t.status != Status::Todo || open_children.contains(t.id.as_str()) {
                    continue;
                }
                let phase_ok = match (open_phase, phase_of[ti]) {
                    (Some(open), Some(mine)) => mine <= open,
                    _ => true,
                };
                if phase_ok && self.blockers(di, ti).is_empty() {
                    out.push((di, ti));
                }
            }
        }
        let rank = |&(di, ti): &(usize, usize)| {
            let t = &self.ws.documents[di].tasks[ti];
            t.priority
                .as_ref()
                .and_then(|p| p.level)
                .map_or(4, |l| l as u8)
        };
        out.sort_by_key(|k| (rank(k), k.0, k.1));
        out
    }
}

impl Links<'_> {
    /// Finds the tasks `query` names: `1.2` in any plan, or `plan#1.2`
    /// (file stem or path). Exact ids first; ignoring case when none match.
    #[must_use]
    pub fn find_all(&self, query: &str) -> Vec<(usize, usize)> {
        if let Some((name, id)) = query.split_once('#')
            && !name.is_empty()
        {
            return self
                .docs
                .get(name.trim())
                .and_then(|&di| self.find(di, id.trim()).map(|ti| (di, ti)))
                .into_iter()
                .collect();
        }
        let exact: Vec<(usize, usize)> = self
            .ids
            .iter()
            .enumerate()
            .filter_map(|(di, m)| m.get(query).map(|&ti| (di, ti)))
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        (0..self.ids.len())
            .filter_map(|di| self.find(di, query).map(|ti| (di, ti)))
            .collect()
    }
}

/// Each task's phase, as an index into the plan's phases (one map per
/// plan, not a search per task).
pub(crate) fn phase_indexes(doc: &crate::model::Document) -> Vec<Option<usize>> {
    let by_name: HashMap<&str, usize> = doc
        .phases
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    doc.tasks
        .iter()
        .map(|t| t.phase.as_deref().and_then(|p| by_name.get(p).copied()))
        .collect()
}
