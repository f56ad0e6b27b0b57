//! Progress figures for a document: what `planmark status` shows.

use serde::Serialize;

use crate::diag::Severity;
use crate::model::{Document, DocumentKind, Level, Status, WorkTime};

/// Counts of tasks by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// All tasks, cancelled included.
    pub total: usize,
    /// Done.
    pub done: usize,
    /// In progress.
    pub in_progress: usize,
    /// Blocked.
    pub blocked: usize,
    /// Cancelled (not counted as work).
    pub cancelled: usize,
}

impl Counts {
    fn add(&mut self, s: Status) {
        self.total += 1;
        match s {
            Status::Done => self.done += 1,
            Status::InProgress => self.in_progress += 1,
            Status::Blocked => self.blocked += 1,
            Status::Cancelled => self.cancelled += 1,
            Status::Todo => {}
        }
    }

    /// Returns the tasks that count as work: all but the cancelled.
    #[must_use]
    pub fn planned(&self) -> usize {
        self.total - self.cancelled
    }

    /// Returns the share done, 0 to 1 (1 for a plan with no work).
    #[must_use]
    pub fn ratio(&self) -> f64 {
        if self.planned() == 0 {
            1.0
        } else {
            self.done as f64 / self.planned() as f64
        }
    }
}

/// Progress of one phase.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseSummary {
    /// The phase name.
    pub name: String,
    /// Its tasks by status.
    pub tasks: Counts,
}

/// What `planmark status` reports for one document.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Document path.
    pub path: String,
    /// Document kind.
    pub kind: DocumentKind,
    /// Title.
    pub title: Option<String>,
    /// Tasks by status.
    pub tasks: Counts,
    /// Per phase, in document order.
    pub phases: Vec<PhaseSummary>,
    /// Estimated working hours of the tasks not yet done or cancelled.
    pub remaining_hours: f64,
    /// Tasks that are not closed and have no estimate.
    pub unestimated: usize,
    /// Milestones reached / total.
    pub milestones: (usize, usize),
    /// Open action items.
    pub open_actions: usize,
    /// Risks.
    pub risks: usize,
    /// Risks with high or very high impact.
    pub high_impact_risks: usize,
    /// Findings by severity: errors, warnings, notes.
    pub findings: (usize, usize, usize),
}

impl Summary {
    /// Computes the summary of `doc`, converting estimates with `work`.
    #[must_use]
    pub fn of(doc: &Document, work: WorkTime) -> Summary {
        let mut tasks = Counts::default();
        let mut phases: Vec<PhaseSummary> = doc
            .phases
            .iter()
            .map(|p| PhaseSummary {
                name: p.name.clone(),
                tasks: Counts::default(),
            })
            .collect();
        let index: std::collections::HashMap<&str, usize> = doc
            .phases
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), i))
            .collect();
        let mut remaining_hours = 0.0;
        let mut unestimated = 0;
        for t in &doc.tasks {
            tasks.add(t.status);
            if let Some(&i) = t.phase.as_deref().and_then(|p| index.get(p)) {
                phases[i].tasks.add(t.status);
            }
            if !t.status.is_closed() {
                match &t.estimate {
                    Some(e) => remaining_hours += e.likely_hours(work),
                    None => unestimated += 1,
                }
            }
        }
        let count = |s: Severity| doc.findings.iter().filter(|f| f.severity == s).count();
        Summary {
            path: doc.path.clone(),
            kind: doc.kind,
            title: doc.title.clone(),
            tasks,
            phases,
            remaining_hours,
            unestimated,
            milestones: (
                doc.milestones
                    .iter()
                    .filter(|m| m.status == Status::Done)
                    .count(),
                doc.milestones.len(),
            ),
            open_actions: doc.actions.iter().filter(|a| !a.status.is_closed()).count(),
            risks: doc.risks.len(),
            high_impact_risks: doc
                .risks
                .iter()
                .filter(|r| {
                    r.impact
                        .as_ref()
                        .and_then(|i| i.level)
                        .is_some_and(|l| l >= Level::High)
                })
                .count(),
            findings: (
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Note),
            ),
        }
    }
}
