//! Tracking: `next`, and the status commands that edit plans in place
//! (`done`, `start`, `reopen`, `cancel`, `block`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use planmark::edit;
use planmark::links::Links;
use planmark::model::{Document, Status, Task, Workspace};

use crate::args::{AddArgs, EditArgs, Format, NextArgs, ReadArgs, SetArgs};
use crate::commands::{Context, finish, print_tasks};
use crate::output::{self, DIM, paint};

pub(crate) fn next(cx: &Context, a: &NextArgs) -> anyhow::Result<ExitCode> {
    let ws = cx.load(&a.paths)?;
    let links = Links::new(&ws);
    let owner = a
        .owner
        .as_deref()
        .map(|o| o.trim_start_matches('@').to_lowercase());
    // Critical tasks first, then by slack; ties keep priority order.
    let slack: BTreeMap<(String, String), f64> = planmark::schedule::schedule(
        &ws,
        &cx.config,
        &planmark::schedule::Options::new(jiff::Zoned::now().date()),
    )
    .map(|s| {
        s.tasks
            .into_iter()
            .map(|t| ((t.plan, t.id), t.slack_days))
            .collect()
    })
    .unwrap_or_default();
    let mut ready: Vec<(usize, usize)> = links.ready();
    ready.sort_by(|a, b| {
        let s = |&(di, ti): &(usize, usize)| {
            let d = &ws.documents[di];
            slack
                .get(&(d.path.clone(), d.tasks[ti].id.clone()))
                .copied()
                .unwrap_or(f64::MAX)
        };
        s(a).total_cmp(&s(b))
    });
    let ready: Vec<(&Document, &Task)> = ready
        .into_iter()
        .map(|(di, ti)| (&ws.documents[di], &ws.documents[di].tasks[ti]))
        .filter(|(_, t)| {
            owner
                .as_deref()
                .is_none_or(|o| t.resources.iter().any(|r| r.name.to_lowercase() == o))
        })
        .take(a.limit)
        .collect();
    print_tasks(
        cx,
        &ready,
        a.format,
        ws.documents.len() > 1,
        "no task can start now: everything open waits for something",
    )?;
    Ok(finish(ws))
}

/// Finds one task by id (`1.2` or `plan#1.2`), or says why not.
pub(crate) fn find(ws: &Workspace, links: &Links, query: &str) -> anyhow::Result<(usize, usize)> {
    let found = links.find_all(query);
    match found.as_slice() {
        [one] => Ok(*one),
        [] => {
            let ids = ws
                .documents
                .iter()
                .flat_map(|d| d.tasks.iter().map(|t| t.id.as_str()));
            let hint = planmark::check::did_you_mean(query, ids)
                .map_or_else(String::new, |m| format!("; did you mean `{m}`?"));
            bail!("no task `{query}`{hint}")
        }
        many => {
            let places: Vec<String> = many
                .iter()
                .map(|&(di, ti)| {
                    let d = &ws.documents[di];
                    format!("{}:{}", d.path, d.tasks[ti].origin.span.line)
                })
                .collect();
            bail!(
                "`{query}` names tasks in several plans ({}); write `plan#{query}`",
                places.join(", ")
            )
        }
    }
}

/// Writes a plan's change through the locked write path: `make` computes
/// the new text from the plan (as read, or as found on disk when it changed
/// since) and the indices of the tasks it touches (`tasks`, found again by
/// identity). `new` is the text computed from the plan as read; with
/// `dry_run`, nothing is written and the diff to it is returned instead
/// (empty when written).
fn save(
    cx: &Context,
    doc: &Document,
    tasks: &[usize],
    new: &str,
    dry_run: bool,
    make: &edit::Make<'_>,
) -> anyhow::Result<String> {
    if dry_run {
        return Ok(edit::diff(&doc.path, &doc.source, new));
    }
    edit::commit(&cx.root.join(&doc.path), doc, tasks, new, make)?;
    Ok(String::new())
}

/// Prints an edit's outcome: JSON (`written`, and the diff with
/// `--dry-run`), else the diff, else the human lines.
fn report(
    format: Format,
    dry_run: bool,
    mut json: serde_json::Value,
    diff: String,
    human: &str,
) -> anyhow::Result<()> {
    if format == Format::Json {
        json["written"] = (!dry_run).into();
        if dry_run {
            json["diff"] = diff.into();
        }
        return output::json(&json);
    }
    output::print(if dry_run { &diff } else { human })
}

/// One task's change, as printed and as JSON.
#[derive(serde::Serialize)]
struct Change<'a> {
    id: &'a str,
    title: &'a str,
    document: &'a str,
    line: u32,
    from: &'static str,
    to: &'static str,
}

#[derive(serde::Serialize)]
struct EditReport<'a> {
    changes: Vec<Change<'a>>,
    written: bool,
    /// With --dry-run, the unified diff of what would be written.
    #[serde(skip_serializing_if = "String::is_empty")]
    diff: String,
}

pub(crate) fn set_status(
    cx: &Context,
    a: &EditArgs,
    to: Status,
    reason: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let ws = cx.load(&[])?;
    let links = Links::new(&ws);
    let mut targets: Vec<(usize, usize)> = Vec::new();
    for q in &a.ids {
        let t = find(&ws, &links, q)?;
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
    // `done` waits for the dependencies, unless they are done in the same call.
    if to == Status::Done && !a.force {
        let mut refusals = Vec::new();
        for &(di, ti) in &targets {
            let waiting: Vec<String> = links
                .blockers(di, ti)
                .into_iter()
                .filter(|b| !targets.contains(b))
                .map(|(dj, tj)| {
                    let t = &ws.documents[dj].tasks[tj];
                    format!("`{}` ({})", t.id, t.status.as_str().replace('_', " "))
                })
                .collect();
            if !waiting.is_empty() {
                refusals.push(format!(
                    "`{}` depends on {}",
                    ws.documents[di].tasks[ti].id,
                    waiting.join(", ")
                ));
            }
        }
        if !refusals.is_empty() {
            anstream::eprintln!(
                "error: not marked done: {}\n  help: finish those first, or pass --force",
                refusals.join("; ")
            );
            return Ok(ExitCode::from(1));
        }
    }
    let mut by_doc: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut changes = Vec::new();
    for &(di, ti) in &targets {
        let t = &ws.documents[di].tasks[ti];
        if t.status == to && reason.is_none() {
            anstream::eprintln!(
                "{} `{}` is already {}",
                paint(DIM, "note:"),
                t.id,
                to.as_str().replace('_', " ")
            );
            continue;
        }
        by_doc.entry(di).or_default().push(ti);
        changes.push(Change {
            id: &t.id,
            title: &t.title,
            document: &ws.documents[di].path,
            line: t.origin.span.line,
            from: t.status.as_str(),
            to: to.as_str(),
        });
    }
    // All of a plan's changes are made in one write, and checked by reading
    // the result back before anything is written.
    let mut writes = Vec::new();
    for (&di, tasks) in &by_doc {
        let doc = &ws.documents[di];
        writes.push((doc, tasks, edit::set_statuses(doc, tasks, to, reason)?));
    }
    let mut out = String::new();
    for (doc, tasks, new) in &writes {
        out.push_str(&save(cx, doc, tasks, new, a.dry_run, &|d, found| {
            edit::set_statuses(d, found, to, reason)
        })?);
    }
    if a.format == Format::Json {
        output::json(&EditReport {
            changes,
            written: !a.dry_run,
            diff: out,
        })?;
    } else {
        if !a.dry_run {
            for c in &changes {
                let _ = writeln!(
                    out,
                    "{} {}  {}  {}",
                    c.to.replace('_', " "),
                    c.id,
                    c.title,
                    paint(
                        DIM,
                        format!(
                            "{}:{} (was {})",
                            c.document,
                            c.line,
                            c.from.replace('_', " ")
                        )
                    )
                );
            }
        }
        output::print(&out)?;
    }
    Ok(finish(ws))
}

/// The plan's text with task `ti`'s attributes set, and the first value
/// (by index in `pairs`) it does not read back with, the task keeping its id.
fn set_values(
    doc: &Document,
    ti: usize,
    pairs: &[(edit::Attribute, &str)],
) -> Result<(String, Option<usize>), edit::EditError> {
    let task = &doc.tasks[ti];
    let mut edits = Vec::new();
    for &(attr, v) in pairs {
        edits.extend(edit::set_attribute(doc, task, attr, v)?);
    }
    let new = edit::apply(&doc.path, &doc.source, &edits)?;
    let again = planmark::syntax::parse_str(&doc.path, &new);
    let after = again
        .tasks
        .iter()
        .find(|t| t.origin.span.line == task.origin.span.line && t.id == task.id);
    let missed = pairs
        .iter()
        .position(|&(attr, v)| !after.is_some_and(|t| attr.holds(t, v)));
    Ok((new, missed))
}

/// One attribute's change, as printed and as JSON.
#[derive(serde::Serialize)]
struct AttributeChange<'a> {
    id: &'a str,
    document: &'a str,
    line: u32,
    key: &'static str,
    value: &'a str,
}

pub(crate) fn set(cx: &Context, a: &SetArgs) -> anyhow::Result<ExitCode> {
    let mut pairs = Vec::new();
    for p in &a.pairs {
        let Some((k, v)) = p.split_once('=') else {
            bail!("`{p}` is not key=value (keys: owner, estimate, priority, due, depends)");
        };
        let Some(attr) = edit::Attribute::parse(k) else {
            let names = edit::Attribute::ALL.map(edit::Attribute::name);
            let hint = planmark::check::did_you_mean(k, names.iter().copied())
                .map_or_else(String::new, |m| format!("; did you mean `{m}`?"));
            bail!(
                "`{k}` is not a task attribute planmark can set (owner, estimate, priority, due, depends){hint}"
            );
        };
        if v.trim().is_empty() {
            bail!("`{k}=` needs a value");
        }
        pairs.push((attr, v.trim()));
    }
    let ws = cx.load(&[])?;
    let (di, ti) = find(&ws, &Links::new(&ws), &a.id)?;
    let doc = &ws.documents[di];
    let task = &doc.tasks[ti];
    let (new, missed) = set_values(doc, ti, &pairs)?;
    if let Some(k) = missed {
        let (attr, v) = pairs[k];
        bail!(
            "{}:{}: `{}={v}` cannot be written for `{}` in this plan's form (or is not a valid {}); nothing was written",
            doc.path,
            task.origin.span.line,
            attr.name(),
            task.id,
            attr.name()
        );
    }
    let changes: Vec<AttributeChange> = pairs
        .iter()
        .map(|&(attr, value)| AttributeChange {
            id: &task.id,
            document: &doc.path,
            line: task.origin.span.line,
            key: attr.name(),
            value,
        })
        .collect();
    let diff = save(cx, doc, &[ti], &new, a.dry_run, &|d, found| {
        let ti = found[0];
        match set_values(d, ti, &pairs)? {
            (new, None) => Ok(new),
            (_, Some(_)) => Err(edit::EditError::NotHeld {
                path: d.path.clone(),
                line: d.tasks[ti].origin.span.line,
                id: d.tasks[ti].id.clone(),
                what: "the values asked for".to_owned(),
            }),
        }
    })?;
    let mut human = String::new();
    for c in &changes {
        let _ = writeln!(
            human,
            "set {} {}={}  {}",
            c.id,
            c.key,
            c.value,
            paint(DIM, format!("{}:{}", c.document, c.line))
        );
    }
    report(
        a.format,
        a.dry_run,
        serde_json::json!({ "changes": changes }),
        diff,
        &human,
    )?;
    Ok(finish(ws))
}

/// Whether phase `p` of `doc` is the one `want` names: part of its name, or its number.
fn phase_named(p: &planmark::model::Phase, want: &str) -> bool {
    let w = want.to_lowercase();
    let n = w.trim_start_matches("phase").trim();
    p.name.to_lowercase().contains(&w)
        || p.number
            .as_deref()
            .is_some_and(|x| x.eq_ignore_ascii_case(n))
}

pub(crate) fn add(cx: &Context, a: &AddArgs) -> anyhow::Result<ExitCode> {
    let title = a.title.trim();
    if title.is_empty() || title.contains(['\n', '\r']) {
        bail!("the title must be one non-empty line");
    }
    let paths: Vec<std::path::PathBuf> = a.plan.iter().cloned().collect();
    let ws = cx.load(&paths)?;
    // The plan and phase: named, or the only plan's last phase.
    let mut places: Vec<(usize, Option<usize>)> = Vec::new();
    for (di, d) in ws.documents.iter().enumerate() {
        match &a.phase {
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
    let (di, pi) = match places.as_slice() {
        [one] => *one,
        [] => match &a.phase {
            Some(p) => bail!(
                "no phase `{p}` in {}",
                if paths.is_empty() {
                    "the workspace"
                } else {
                    "that plan"
                }
            ),
            None => bail!("no plan to add to"),
        },
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
            bail!(
                "several places match ({}); name one with --phase and --plan",
                names.join("; ")
            )
        }
    };
    let doc = &ws.documents[di];
    let phase = pi.map(|pi| doc.phases[pi].name.as_str());
    let depends = match &a.after {
        Some(q) => {
            let (dj, tj) = find(&ws, &Links::new(&ws), q)?;
            let t = &ws.documents[dj].tasks[tj];
            Some(if dj == di {
                t.id.clone()
            } else {
                let stem = std::path::Path::new(&ws.documents[dj].path)
                    .file_stem()
                    .map_or(String::new(), |s| s.to_string_lossy().into_owned());
                format!("{stem}#{}", t.id)
            })
        }
        None => None,
    };
    let new_task = edit::NewTask {
        title,
        estimate: a.estimate.as_deref(),
        owner: a.owner.as_deref(),
        depends: depends.as_deref(),
    };
    let (new, added) = add_task(doc, phase, &new_task, a)?;
    let cannot = |d: &Document| {
        format!(
            "{}: the task cannot be added in this plan's form (is `{}` a valid estimate?); nothing was written",
            d.path,
            a.estimate.as_deref().unwrap_or("")
        )
    };
    let Some(mut added) = added else {
        bail!(cannot(doc));
    };
    // Added again to the plan as it is on disk when it changed meanwhile:
    // report where the task landed there.
    let landed = std::cell::RefCell::new(None);
    let diff = save(
        cx,
        doc,
        &[],
        &new,
        a.dry_run,
        &|d, _| match add_task(d, phase, &new_task, a)? {
            (text, Some(t)) => {
                *landed.borrow_mut() = Some(t);
                Ok(text)
            }
            (_, None) => Err(edit::EditError::NotHeld {
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
    let human = format!(
        "added {} {}  {}\n",
        added.id,
        added.title,
        paint(DIM, format!("{}:{}", doc.path, added.origin.span.line))
    );
    let json = serde_json::json!({
        "id": added.id,
        "title": added.title,
        "document": doc.path,
        "line": added.origin.span.line,
        "phase": added.phase,
    });
    report(a.format, a.dry_run, json, diff, &human)?;
    Ok(finish(ws))
}

/// The plan's text with `new_task` added at the end of `phase` (by name;
/// the plan's end without one), in the form the phase already uses, and
/// the task as it reads back: `None` when it does not read back with the
/// title, values and phase asked for.
fn add_task(
    doc: &Document,
    phase: Option<&str>,
    new_task: &edit::NewTask<'_>,
    a: &AddArgs,
) -> Result<(String, Option<Task>), edit::EditError> {
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
    let again = planmark::syntax::parse_str(&doc.path, &new);
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
                && a.estimate
                    .as_deref()
                    .is_none_or(|e| edit::Attribute::Estimate.holds(t, e))
                && a.owner
                    .as_deref()
                    .is_none_or(|o| edit::Attribute::Owner.holds(t, o))
        });
    Ok((new, added.filter(|_| ok).cloned()))
}

/// `history` and `burndown`: the same days, as progress or as work left.
/// The git history of the plans of `ws`, or, outside git, the message
/// said and exit code 1.
pub(crate) fn read_history(
    cx: &Context,
    ws: &planmark::model::Workspace,
) -> anyhow::Result<Result<planmark::history::History, ExitCode>> {
    let paths: Vec<String> = ws.documents.iter().map(|d| d.path.clone()).collect();
    match planmark::history::read(&cx.root, &paths, cx.work) {
        Ok(h) => Ok(Ok(h)),
        Err(planmark::history::HistoryError::NotGit(where_)) => {
            anstream::eprintln!("history is unavailable: {where_} is not in a git repository");
            Ok(Err(ExitCode::from(1)))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn history(cx: &Context, a: &ReadArgs, burndown: bool) -> anyhow::Result<ExitCode> {
    let ws = cx.load(&a.paths)?;
    let h = match read_history(cx, &ws)? {
        Ok(h) => h,
        Err(code) => return Ok(code),
    };
    if a.format == Format::Json {
        output::json(&h)?;
        return Ok(finish(ws));
    }
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
    if burndown {
        table.set_header(["Date", "Work left", "Open tasks", "Done"]);
    } else {
        table.set_header([
            "Date",
            "Tasks",
            "Done",
            "In progress",
            "Work left",
            "Commit",
        ]);
    }
    for d in &h.days {
        let left = output::hours(d.remaining_hours, cx.work.hours_per_day);
        if burndown {
            table.add_row([
                d.date.to_string(),
                left,
                (d.total - d.done).to_string(),
                d.done.to_string(),
            ]);
        } else {
            table.add_row([
                d.date.to_string(),
                d.total.to_string(),
                d.done.to_string(),
                d.in_progress.to_string(),
                left,
                d.commit[..d.commit.len().min(10)].to_owned(),
            ]);
        }
    }
    let mut out = String::new();
    if h.days.is_empty() {
        out.push_str("no commits touch these plans yet\n");
    } else {
        let _ = writeln!(out, "{table}");
    }
    let _ = writeln!(
        out,
        "{}",
        paint(
            DIM,
            format!(
                "{} commit{} read{}",
                h.commits,
                if h.commits == 1 { "" } else { "s" },
                if h.shallow {
                    "; the clone is shallow, so older history is missing"
                } else {
                    ""
                }
            )
        )
    );
    output::print(&out)?;
    Ok(finish(ws))
}
