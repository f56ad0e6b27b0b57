//! Edits from any front end: statuses, attributes, new tasks. Each goes
//! through [`crate::edit::commit`], the one locked write path, which
//! re-applies it by task identity to the plan as it is on disk.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::{ProjectError, Snapshot};
use crate::edit::{self, Attribute, EditError};
use crate::links::Links;
use crate::model::{Document, Status, Task};

/// What an edit did (or, dry, would do).
#[derive(Debug, Clone, Serialize)]
pub struct Edit<C> {
    /// The changes, one per task (or attribute) changed.
    pub changes: Vec<C>,
    /// Whether the plans were written (false for a dry run).
    pub written: bool,
    /// For a dry run, the unified diff of what would be written.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub diff: String,
    /// Tasks left as they were, already in the state asked for.
    #[serde(skip)]
    pub unchanged: Vec<(usize, usize)>,
}

/// One task's new status.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    /// The task id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its plan.
    pub document: String,
    /// Its line.
    pub line: u32,
    /// The status it had.
    pub from: Status,
    /// The status it has now.
    pub to: Status,
}

/// One attribute's new value.
#[derive(Debug, Clone, Serialize)]
pub struct AttributeChange {
    /// The task id.
    pub id: String,
    /// Its plan.
    pub document: String,
    /// Its line.
    pub line: u32,
    /// The attribute (`owner`, `estimate`, ...).
    pub key: &'static str,
    /// The value written.
    pub value: String,
}

/// A task `done` refused, and what it waits for.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    /// The task.
    pub id: String,
    /// Each unfinished dependency: id and status.
    pub on: Vec<(String, Status)>,
}

impl std::fmt::Display for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let on: Vec<String> = self
            .on
            .iter()
            .map(|(id, s)| format!("`{id}` ({})", s.as_str().replace('_', " ")))
            .collect();
        write!(f, "`{}` depends on {}", self.id, on.join(", "))
    }
}

/// A task to add.
#[derive(Debug, Clone, Default)]
pub struct NewTaskRequest {
    /// Its title (one line).
    pub title: String,
    /// The plan (path or part of it); none: any plan.
    pub plan: Option<String>,
    /// The phase (part of its name, or its number); none: the plan's last.
    pub phase: Option<String>,
    /// Its estimate.
    pub estimate: Option<String>,
    /// Its owner.
    pub owner: Option<String>,
    /// A task it comes after (an id, as `find` takes it).
    pub after: Option<String>,
}

/// The task an add wrote, where it landed.
#[derive(Debug, Clone, Serialize)]
pub struct Added {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its plan.
    pub document: String,
    /// Its line.
    pub line: u32,
    /// Its phase.
    pub phase: Option<String>,
}

impl Snapshot {
    /// Writes a plan's change through the locked write path: `make`
    /// computes the new text from the plan (as read, or as found on disk
    /// when it changed since) and the indexes of the tasks it touches
    /// (`tasks`, found again by identity). `new` is the text computed from
    /// the plan as read; with `dry_run`, nothing is written and the diff to
    /// it is returned instead (empty when written).
    fn save(
        &self,
        doc: &Document,
        tasks: &[usize],
        new: &str,
        dry_run: bool,
        make: &edit::Make<'_>,
    ) -> Result<String, EditError> {
        if dry_run {
            return Ok(edit::diff(&doc.path, &doc.source, new));
        }
        edit::commit(&self.root.join(&doc.path), doc, tasks, new, make)?;
        Ok(String::new())
    }

    /// Sets the status of the tasks `ids` name (with `reason`, a blocked
    /// task's reason). `done` waits for unfinished dependencies (unless
    /// they are done in the same call, or `force`). All of a plan's changes
    /// are one write.
    ///
    /// # Errors
    ///
    /// [`ProjectError::NoTask`], [`ProjectError::Ambiguous`],
    /// [`ProjectError::NotReady`], or the write's refusal.
    pub fn set_status(
        &self,
        ids: &[&str],
        to: Status,
        reason: Option<&str>,
        force: bool,
        dry_run: bool,
    ) -> Result<Edit<StatusChange>, ProjectError> {
        let ws = &self.ws;
        let links = Links::new(ws);
        let mut targets: Vec<(usize, usize)> = Vec::new();
        for q in ids {
            let t = super::query::find_in(ws, &links, q)?;
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        if to == Status::Done && !force {
            let waiting: Vec<Waiting> = targets
                .iter()
                .filter_map(|&(di, ti)| {
                    let on: Vec<(String, Status)> = links
                        .blockers(di, ti)
                        .into_iter()
                        .filter(|b| !targets.contains(b))
                        .map(|b| (self.task(b).id.clone(), self.task(b).status))
                        .collect();
                    (!on.is_empty()).then(|| Waiting {
                        id: ws.documents[di].tasks[ti].id.clone(),
                        on,
                    })
                })
                .collect();
            if !waiting.is_empty() {
                return Err(ProjectError::NotReady { waiting });
            }
        }
        let mut by_doc: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut out = Edit {
            changes: Vec::new(),
            written: !dry_run,
            diff: String::new(),
            unchanged: Vec::new(),
        };
        for &(di, ti) in &targets {
            let t = &ws.documents[di].tasks[ti];
            if t.status == to && reason.is_none() {
                out.unchanged.push((di, ti));
                continue;
            }
            by_doc.entry(di).or_default().push(ti);
            out.changes.push(StatusChange {
                id: t.id.clone(),
                title: t.title.clone(),
                document: ws.documents[di].path.clone(),
                line: t.origin.span.line,
                from: t.status,
                to,
            });
        }
        // Every plan's new text is made (and read back) before any is written.
        let mut writes = Vec::new();
        for (&di, tasks) in &by_doc {
            let doc = &ws.documents[di];
            writes.push((doc, tasks, edit::set_statuses(doc, tasks, to, reason)?));
        }
        for (doc, tasks, new) in &writes {
            out.diff
                .push_str(&self.save(doc, tasks, new, dry_run, &|d, found| {
                    edit::set_statuses(d, found, to, reason)
                })?);
        }
        Ok(out)
    }

    /// Sets attributes of the task `id` names, each `(attribute, value)`,
    /// in the plan's own form.
    ///
    /// # Errors
    ///
    /// [`ProjectError::Invalid`] when a value cannot be written in the
    /// plan's form (nothing is written), or as [`Snapshot::set_status`].
    pub fn set_values(
        &self,
        id: &str,
        pairs: &[(Attribute, &str)],
        dry_run: bool,
    ) -> Result<Edit<AttributeChange>, ProjectError> {
        let (di, ti) = self.find(id)?;
        let doc = &self.ws.documents[di];
        let task = &doc.tasks[ti];
        let (new, missed) = with_values(doc, ti, pairs)?;
        if let Some(k) = missed {
            let (attr, v) = pairs[k];
            return Err(ProjectError::Invalid(format!(
                "{}:{}: `{}={v}` cannot be written for `{}` in this plan's form (or is not a valid {}); nothing was written",
                doc.path,
                task.origin.span.line,
                attr.name(),
                task.id,
                attr.name()
            )));
        }
        let diff = self.save(doc, &[ti], &new, dry_run, &|d, found| {
            let ti = found[0];
            match with_values(d, ti, pairs)? {
                (new, None) => Ok(new),
                (_, Some(_)) => Err(EditError::NotHeld {
                    path: d.path.clone(),
                    line: d.tasks[ti].origin.span.line,
                    id: d.tasks[ti].id.clone(),
                    what: "the values asked for".to_owned(),
                }),
            }
        })?;
        Ok(Edit {
            changes: pairs
                .iter()
                .map(|&(attr, value)| AttributeChange {
                    id: task.id.clone(),
                    document: doc.path.clone(),
                    line: task.origin.span.line,
                    key: attr.name(),
                    value: value.to_owned(),
                })
                .collect(),
            written: !dry_run,
            diff,
            unchanged: Vec::new(),
        })
    }

    /// Adds a task at the end of a phase, in the form the phase already
    /// uses (a table row, a checkbox, a numbered item).
    ///
    /// # Errors
    ///
    /// [`ProjectError::Invalid`] when the place is unknown or several
    /// places match, or when the task does not read back as asked
    /// (nothing is written); as [`Snapshot::set_status`] otherwise.
    pub fn add_task(
        &self,
        req: &NewTaskRequest,
        dry_run: bool,
    ) -> Result<Edit<Added>, ProjectError> {
        let ws = &self.ws;
        let title = req.title.trim();
        if title.is_empty() || title.contains(['\n', '\r']) {
            return Err(ProjectError::Invalid(
                "the title must be one non-empty line".to_owned(),
            ));
        }
        // The plan and phase: named, or the only plan's last phase.
        let mut places: Vec<(usize, Option<usize>)> = Vec::new();
        for (di, d) in ws.documents.iter().enumerate() {
            if req.plan.as_deref().is_some_and(|p| !names_plan(&d.path, p)) {
                continue;
            }
            match &req.phase {
                Some(want) => places.extend(
                    d.phases
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| phase_named(p, want))
                        .map(|(pi, _)| (di, Some(pi))),
                ),
                None => places.push((di, d.phases.len().checked_sub(1))),
            }
        }
        if let Some(want) = &req.plan
            && !ws.documents.iter().any(|d| names_plan(&d.path, want))
        {
            let all: Vec<&str> = ws.documents.iter().map(|d| d.path.as_str()).collect();
            return Err(ProjectError::Invalid(format!(
                "no plan `{want}`; name one by its path or file name: {}",
                all.join(", ")
            )));
        }
        let (di, pi) = match places.as_slice() {
            [one] => *one,
            [] => {
                return Err(ProjectError::Invalid(match &req.phase {
                    Some(p) => format!(
                        "no phase `{p}` in {}",
                        if req.plan.is_none() {
                            "the workspace"
                        } else {
                            "that plan"
                        }
                    ),
                    None => "no plan to add to".to_owned(),
                }));
            }
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|&(di, pi)| {
                        let d = &ws.documents[di];
                        match pi {
                            Some(pi) => format!("{} in {}", d.phases[pi].name, d.path),
                            None => d.path.clone(),
                        }
                    })
                    .collect();
                return Err(ProjectError::Invalid(format!(
                    "several places match ({}); name one with --phase and --plan",
                    names.join("; ")
                )));
            }
        };
        let doc = &ws.documents[di];
        let phase = pi.map(|pi| doc.phases[pi].name.as_str());
        let depends = match &req.after {
            Some(q) => {
                let (dj, tj) = self.find(q)?;
                let t = &ws.documents[dj].tasks[tj];
                Some(if dj == di {
                    t.id.clone()
                } else {
                    let stem = Path::new(&ws.documents[dj].path)
                        .file_stem()
                        .map_or(String::new(), |s| s.to_string_lossy().into_owned());
                    format!("{stem}#{}", t.id)
                })
            }
            None => None,
        };
        let new_task = edit::NewTask {
            title,
            estimate: req.estimate.as_deref(),
            owner: req.owner.as_deref(),
            depends: depends.as_deref(),
        };
        let cannot = |d: &Document| {
            format!(
                "{}: the task cannot be added in this plan's form (is `{}` a valid estimate?); nothing was written",
                d.path,
                req.estimate.as_deref().unwrap_or("")
            )
        };
        let (new, added) = with_task(doc, phase, &new_task)?;
        let Some(mut added) = added else {
            return Err(ProjectError::Invalid(cannot(doc)));
        };
        // Added again to the plan as it is on disk when it changed
        // meanwhile: report where the task landed there.
        let landed = std::cell::RefCell::new(None);
        let diff = self.save(
            doc,
            &[],
            &new,
            dry_run,
            &|d, _| match with_task(d, phase, &new_task)? {
                (text, Some(t)) => {
                    *landed.borrow_mut() = Some(t);
                    Ok(text)
                }
                (_, None) => Err(EditError::NotHeld {
                    path: d.path.clone(),
                    line: 0,
                    id: String::new(),
                    what: cannot(d),
                }),
            },
        )?;
        if let Some(t) = landed.into_inner() {
            added = t;
        }
        Ok(Edit {
            changes: vec![Added {
                id: added.id,
                title: added.title,
                document: doc.path.clone(),
                line: added.origin.span.line,
                phase: added.phase,
            }],
            written: !dry_run,
            diff,
            unchanged: Vec::new(),
        })
    }
}

/// The fixes made to one plan by [`Snapshot::fix`].
#[derive(Debug, Clone, Serialize)]
pub struct Fixed {
    /// The plan.
    pub document: String,
    /// What each fix did.
    pub fixes: Vec<String>,
    /// For a dry run, the unified diff of what would be written.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub diff: String,
}

impl Snapshot {
    /// Applies the fixes the findings carry, each plan in one write; a fix
    /// that overlaps an earlier one of the same plan is left for the next
    /// run. With `dry_run`, nothing is written and each plan's diff is
    /// returned. Plans the fixes leave as they were are not listed.
    ///
    /// # Errors
    ///
    /// Returns the write's refusal; plans written before it stay written.
    pub fn fix(
        &self,
        findings: &[crate::diag::Diagnostic],
        dry_run: bool,
    ) -> Result<Vec<Fixed>, ProjectError> {
        let mut by_file: BTreeMap<&str, Vec<&crate::diag::Fix>> = BTreeMap::new();
        for d in findings {
            if let Some(f) = &d.fix {
                by_file.entry(d.file.as_str()).or_default().push(f);
            }
        }
        let mut out = Vec::new();
        for (file, fixes) in by_file {
            let Some(doc) = self.ws.documents.iter().find(|d| d.path == file) else {
                continue;
            };
            let mut edits: Vec<crate::diag::Replacement> = Vec::new();
            let mut done = Vec::new();
            for f in fixes {
                let clashes = f
                    .edits
                    .iter()
                    .any(|e| edits.iter().any(|o| e.start < o.end && o.start < e.end));
                if !clashes {
                    edits.extend(f.edits.iter().cloned());
                    done.push(f.description.clone());
                }
            }
            let old: &str = &doc.source;
            let new = edit::apply(file, old, &edits)?;
            if new == old {
                continue;
            }
            let diff = if dry_run {
                edit::diff(file, old, &new)
            } else {
                edit::write_if_unchanged(&self.root.join(file), old.as_bytes(), new.as_bytes())?;
                String::new()
            };
            out.push(Fixed {
                document: file.to_owned(),
                fixes: done,
                diff,
            });
        }
        Ok(out)
    }
}

/// Whether `want` names the plan at `path`: its path, its file name or
/// stem, or (ignoring the workspace-relative prefix) its end.
fn names_plan(path: &str, want: &str) -> bool {
    let want = want.trim().trim_start_matches("./");
    path == want
        || path.ends_with(&format!("/{want}"))
        || Path::new(path)
            .file_stem()
            .is_some_and(|s| s.to_string_lossy() == want)
}

/// Whether phase `p` is the one `want` names: part of its name, or its number.
fn phase_named(p: &crate::model::Phase, want: &str) -> bool {
    let w = want.to_lowercase();
    let n = w.trim_start_matches("phase").trim();
    p.name.to_lowercase().contains(&w)
        || p.number
            .as_deref()
            .is_some_and(|x| x.eq_ignore_ascii_case(n))
}

/// The plan's text with task `ti`'s attributes set, and the first value
/// (by index in `pairs`) it does not read back with, the task keeping its id.
fn with_values(
    doc: &Document,
    ti: usize,
    pairs: &[(Attribute, &str)],
) -> Result<(String, Option<usize>), EditError> {
    let task = &doc.tasks[ti];
    let mut edits = Vec::new();
    for &(attr, v) in pairs {
        edits.extend(edit::set_attribute(doc, task, attr, v)?);
    }
    let new = edit::apply(&doc.path, &doc.source, &edits)?;
    let again = crate::syntax::parse_str(&doc.path, &new);
    let after = again
        .tasks
        .iter()
        .find(|t| t.origin.span.line == task.origin.span.line && t.id == task.id);
    let missed = pairs
        .iter()
        .position(|&(attr, v)| !after.is_some_and(|t| attr.holds(t, v)));
    Ok((new, missed))
}

/// The plan's text with `new_task` added at the end of `phase` (by name;
/// the plan's end without one), in the form the phase already uses, and
/// the task as it reads back: `None` when it does not read back with the
/// title, values and phase asked for.
fn with_task(
    doc: &Document,
    phase: Option<&str>,
    new_task: &edit::NewTask<'_>,
) -> Result<(String, Option<Task>), EditError> {
    let heading = match phase {
        Some(name) => match doc.phases.iter().find(|p| p.name == name) {
            Some(p) => Some(p.origin.span),
            None => return Ok((doc.source.to_string(), None)),
        },
        None => None,
    };
    let last = doc
        .tasks
        .iter()
        .rev()
        .filter(|t| t.parent.is_none())
        .find(|t| phase.is_none_or(|p| t.phase.as_deref() == Some(p)));
    let (r, _) = edit::insert_task(doc, last, heading, new_task)?;
    let new = edit::apply(&doc.path, &doc.source, &[r])?;
    // Read back: one more task, with the title, values and phase asked for.
    let again = crate::syntax::parse_str(&doc.path, &new);
    let added = again.tasks.iter().find(|t| {
        t.title == new_task.title
            && !doc
                .tasks
                .iter()
                .any(|o| o.origin.span.line == t.origin.span.line && o.title == t.title)
    });
    let ok = again.tasks.len() == doc.tasks.len() + 1
        && added.is_some_and(|t| {
            phase.is_none_or(|p| t.phase.as_deref() == Some(p))
                && new_task
                    .estimate
                    .is_none_or(|e| Attribute::Estimate.holds(t, e))
                && new_task.owner.is_none_or(|o| Attribute::Owner.holds(t, o))
        });
    Ok((new, added.filter(|_| ok).cloned()))
}
