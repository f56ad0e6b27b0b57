//! Reading tasks: `tasks` (with `--explain`), `show`, and `next`.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use comfy_table::{ContentArrangement, Table, presets};
use planmark::model::{Document, Status, Task, WorkTime, Workspace};
use planmark::project::{ProjectError, TaskFilter};
use serde_json::json;

use crate::args::{Format, NextArgs, ShowArgs, StatusFilter, TasksArgs};
use crate::common::{Context, finish};
use crate::output::{self, BOLD, DIM, paint};

pub(crate) fn tasks(cx: &Context, a: &TasksArgs) -> anyhow::Result<ExitCode> {
    if a.explain {
        let mut config = cx.project.config().clone();
        config.read.explain = true;
        let snap = cx
            .project
            .load_with(&a.read.paths, jiff::Zoned::now().date(), config)?;
        explain(snap.workspace(), a.read.format)?;
        return Ok(finish(snap));
    }
    let snap = cx.load(&a.read.paths)?;
    let mut filter = TaskFilter {
        phase: a.phase.clone(),
        owner: a.owner.clone(),
        ..TaskFilter::default()
    };
    match a.status {
        None => {}
        Some(StatusFilter::Open) => filter.open = true,
        Some(StatusFilter::Todo) => filter.statuses.push(Status::Todo),
        Some(StatusFilter::InProgress) => filter.statuses.push(Status::InProgress),
        Some(StatusFilter::Done) => filter.statuses.push(Status::Done),
        Some(StatusFilter::Blocked) => filter.statuses.push(Status::Blocked),
        Some(StatusFilter::Cancelled) => filter.statuses.push(Status::Cancelled),
    }
    let ws = snap.workspace();
    let selected: Vec<(&Document, &Task)> = snap
        .tasks(&filter)
        .into_iter()
        .map(|(di, ti)| (&*ws.documents[di], snap.task((di, ti))))
        .collect();
    print_tasks(
        cx,
        &selected,
        a.read.format,
        ws.documents.len() > 1,
        "no tasks match",
    )?;
    Ok(finish(snap))
}

pub(crate) fn next(cx: &Context, a: &NextArgs) -> anyhow::Result<ExitCode> {
    let snap = cx.load(&a.paths)?;
    let ws = snap.workspace();
    let picked: Vec<(&Document, &Task)> = snap
        .next(a.owner.as_deref(), a.limit)
        .into_iter()
        .map(|n| (&*ws.documents[n.at.0], snap.task(n.at)))
        .collect();
    print_tasks(
        cx,
        &picked,
        a.format,
        ws.documents.len() > 1,
        "no task can start now: everything open waits for something",
    )?;
    Ok(finish(snap))
}

pub(crate) fn show(cx: &Context, a: &ShowArgs) -> anyhow::Result<ExitCode> {
    let snap = cx.load(&a.read.paths)?;
    let ws = snap.workspace();
    let (di, ti) = match snap.find(&a.id) {
        Ok(at) => at,
        Err(ProjectError::NoTask { .. }) => {
            let milestone = ws.documents.iter().find_map(|d| {
                d.milestones
                    .iter()
                    .find(|m| m.id.eq_ignore_ascii_case(&a.id))
                    .map(|m| (d, m))
            });
            let risk = ws.documents.iter().find_map(|d| {
                d.risks
                    .iter()
                    .find(|r| r.id.eq_ignore_ascii_case(&a.id))
                    .map(|r| (d, r))
            });
            if let Some((d, m)) = milestone {
                if a.read.format == Format::Json {
                    output::json(&json!({ "milestone": m, "document": d.path }))?;
                } else {
                    let mut f = Fields::new(&m.id, &m.title);
                    f.add("status", m.status.label());
                    f.add("document", format!("{}:{}", d.path, m.origin.span.line));
                    f.add(
                        "target",
                        m.target.map(|t| t.to_string()).unwrap_or_default(),
                    );
                    f.add("after", m.after.join(", "));
                    output::print(&f.out)?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            if let Some((d, r)) = risk {
                if a.read.format == Format::Json {
                    output::json(&json!({ "risk": r, "document": d.path }))?;
                } else {
                    let rating = |x: &Option<planmark::model::Rating>| {
                        x.as_ref().map(|x| x.text.clone()).unwrap_or_default()
                    };
                    let mut f = Fields::new(&r.id, &r.title);
                    f.add("document", format!("{}:{}", d.path, r.origin.span.line));
                    f.add("likelihood", rating(&r.likelihood));
                    f.add("impact", rating(&r.impact));
                    f.add("mitigation", r.mitigation.clone().unwrap_or_default());
                    f.add("owner", r.owner.clone().unwrap_or_default());
                    f.add("affects", r.affects.join(", "));
                    output::print(&f.out)?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            bail!(
                "no task, milestone or risk `{}` in {} plan(s); `planmark tasks` lists the ids",
                a.id,
                ws.documents.len()
            );
        }
        Err(ProjectError::Ambiguous { at, .. }) => {
            let list: Vec<String> = at
                .iter()
                .map(|&(d, t)| format!("{}#{}", ws.documents[d].path, ws.documents[d].tasks[t].id))
                .collect();
            bail!("`{}` is ambiguous; name one of: {}", a.id, list.join(", "));
        }
        Err(e) => return Err(e.into()),
    };
    let d = &ws.documents[di];
    let t = &d.tasks[ti];
    let ids =
        |v: Vec<usize>| -> Vec<&str> { v.into_iter().map(|i| d.tasks[i].id.as_str()).collect() };
    let dependents = ids(snap.dependents((di, ti)));
    let children = ids(snap.subtasks((di, ti)));
    if a.read.format == Format::Json {
        let mut v = serde_json::to_value(task_json(t, d, cx.work()))?;
        v["dependents"] = json!(dependents);
        v["subtasks"] = json!(children);
        v["origin"] = serde_json::to_value(&t.origin)?;
        output::json(&json!({ "task": v }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut fields = Fields::new(&t.id, &t.title);
    let mut field = |k: &str, v: String| fields.add(k, v);
    field("status", t.status.label().to_owned());
    field("document", format!("{}:{}", d.path, t.origin.span.line));
    field("phase", t.phase.clone().unwrap_or_default());
    if let Some(e) = &t.estimate {
        let mut s = format!(
            "{} ({})",
            e.text(),
            output::hours(e.likely_hours(cx.work()), cx.work().hours_per_day)
        );
        if let (Some(lo), Some(hi)) = (e.min_hours(cx.work()), e.max_hours(cx.work())) {
            let _ = write!(
                s,
                ", from {} to {}",
                output::hours(lo, cx.work().hours_per_day),
                output::hours(hi, cx.work().hours_per_day)
            );
        }
        field("estimate", s);
    } else if let Some(z) = &t.size {
        field(
            "estimate",
            format!(
                "{} (no duration: see [estimates] in planmark.toml)",
                z.text()
            ),
        );
    }
    let deps: Vec<String> = t
        .dependencies
        .iter()
        .map(|x| {
            let mut s = x.target.clone();
            if x.kind != planmark::model::LinkKind::FinishToStart {
                let _ = write!(s, " {:?}", x.kind);
            }
            if let Some(l) = x.lag {
                let _ = write!(s, " lag {}{:?}", l.amount, l.unit);
            }
            if !x.resolved {
                s.push_str(" (not found)");
            }
            s
        })
        .collect();
    field("depends on", deps.join(", "));
    field("needed by", dependents.join(", "));
    field(
        "owner",
        t.resources
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    );
    field(
        "priority",
        t.priority
            .as_ref()
            .map(|p| p.text.clone())
            .unwrap_or_default(),
    );
    field("start", t.start.map(|d| d.to_string()).unwrap_or_default());
    field("due", t.due.map(|d| d.to_string()).unwrap_or_default());
    field("parent", t.parent.clone().unwrap_or_default());
    field("subtasks", children.join(", "));
    field("tags", t.tags.join(", "));
    output::print(&fields.out)?;
    Ok(ExitCode::SUCCESS)
}

/// `show`'s human output: a bold id and title, then `key  value` lines.
struct Fields {
    out: String,
}

impl Fields {
    fn new(id: &str, title: &str) -> Fields {
        Fields {
            out: format!("{} {title}\n", paint(BOLD, id)),
        }
    }

    /// Adds a line, unless the value is empty.
    fn add(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            let _ = writeln!(self.out, "  {}{value}", paint(DIM, format!("{key:<12}")));
        }
    }
}

/// How one block was read, as `tasks --explain --format json` prints it.
#[derive(serde::Serialize)]
struct ReadingView<'a> {
    line: u32,
    block: &'static str,
    text: &'a str,
    role: &'static str,
    rule: &'static str,
    tasks: usize,
}

#[derive(serde::Serialize)]
struct ExplainedDoc<'a> {
    path: &'a str,
    tasks: usize,
    blocks: Vec<ReadingView<'a>>,
}

/// Prints, per plan, how each heading, list and table was read and why.
fn explain(ws: &Workspace, format: Format) -> anyhow::Result<()> {
    let docs: Vec<ExplainedDoc<'_>> = ws
        .documents
        .iter()
        .map(|d| ExplainedDoc {
            path: &d.path,
            tasks: d.tasks.len(),
            blocks: d
                .reading
                .iter()
                .map(|r| ReadingView {
                    line: r.line,
                    block: r.block.as_str(),
                    text: &r.text,
                    role: r.role,
                    rule: r.rule,
                    tasks: r.tasks,
                })
                .collect(),
        })
        .collect();
    if format == Format::Json {
        return output::json(&serde_json::json!({ "documents": docs }));
    }
    let mut out = String::new();
    for d in &docs {
        let noun = if d.tasks == 1 { "task" } else { "tasks" };
        let _ = writeln!(out, "{}: {} {noun}", d.path, d.tasks);
        for r in &d.blocks {
            let role = if r.tasks > 0 && r.role != "task" {
                format!("{} ({})", r.role, r.tasks)
            } else {
                r.role.to_owned()
            };
            let _ = writeln!(
                out,
                "{:>6}  {:<9} {:<22} {}",
                r.line,
                r.block,
                role,
                paint(DIM, r.text)
            );
            let _ = writeln!(
                out,
                "{:>6}  {:<9} {}",
                "",
                "",
                paint(DIM, format!("↳ {}", r.rule))
            );
        }
    }
    output::print(&out)
}

/// Prints tasks as a table (columns no task fills are left out) or as
/// `{"tasks": [...]}`.
fn print_tasks(
    cx: &Context,
    selected: &[(&Document, &Task)],
    format: Format,
    several: bool,
    none: &str,
) -> anyhow::Result<()> {
    if format == Format::Json {
        let list: Vec<_> = selected
            .iter()
            .map(|(d, t)| task_json(t, d, cx.work()))
            .collect();
        return output::json(&Tasks { tasks: list });
    }
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // A terminal that reports no usable width (some pseudo-terminals say 0)
    // gets the table unwrapped rather than squeezed to one letter a column.
    if table.width().is_some_and(|w| w < 40) {
        table.set_content_arrangement(ContentArrangement::Disabled);
    }
    let mut header = vec![
        "ID",
        "Status",
        "Task",
        "Phase",
        "Estimate",
        "Depends on",
        "Owner",
        "Priority",
    ];
    if several {
        header.push("Document");
    }
    let rows: Vec<(Status, Vec<String>)> = selected
        .iter()
        .map(|(d, t)| {
            let mut row = vec![
                t.id.clone(),
                t.status.label().to_owned(),
                t.title.clone(),
                t.phase.clone().unwrap_or_default(),
                t.estimate
                    .as_ref()
                    .map(|e| e.text().to_owned())
                    .or_else(|| t.size.as_ref().map(|z| z.text().to_owned()))
                    .unwrap_or_default(),
                t.dependencies
                    .iter()
                    .map(|x| x.target.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                t.resources
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                t.priority
                    .as_ref()
                    .map(|p| p.level.map_or(p.text.clone(), |l| l.as_str().to_owned()))
                    .unwrap_or_default(),
            ];
            if several {
                row.push(format!("{}:{}", d.path, t.origin.span.line));
            }
            (t.status, row)
        })
        .collect();
    // Columns no task fills only take width; id, status and title always show.
    let keep: Vec<bool> = (0..header.len())
        .map(|c| c < 3 || rows.iter().any(|(_, r)| !r[c].is_empty()))
        .collect();
    let pick = |v: Vec<comfy_table::Cell>| {
        v.into_iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c)
            .collect::<Vec<_>>()
    };
    table.set_header(pick(
        header.into_iter().map(comfy_table::Cell::new).collect(),
    ));
    for (status, row) in rows {
        let mut cells: Vec<comfy_table::Cell> =
            row.into_iter().map(comfy_table::Cell::new).collect();
        if let Some(c) = status_color(status) {
            cells[1] = cells[1].clone().fg(c);
        }
        table.add_row(pick(cells));
    }
    if selected.is_empty() {
        anstream::eprintln!("{none}");
    } else {
        output::print(&format!("{table}\n"))?;
    }
    Ok(())
}

fn status_color(s: Status) -> Option<comfy_table::Color> {
    match s {
        Status::Done => Some(comfy_table::Color::Green),
        Status::InProgress => Some(comfy_table::Color::Yellow),
        Status::Blocked => Some(comfy_table::Color::Red),
        Status::Cancelled => Some(comfy_table::Color::DarkGrey),
        Status::Todo => None,
    }
}

/// `tasks --format json`: `{"tasks": [...]}`.
#[derive(serde::Serialize)]
struct Tasks<'a> {
    tasks: Vec<TaskView<'a>>,
}

/// A task as `tasks --format json` and `show --format json` print it.
#[derive(serde::Serialize)]
struct TaskView<'a> {
    id: &'a str,
    title: &'a str,
    status: &'static str,
    phase: Option<&'a str>,
    estimate: Option<EstimateView<'a>>,
    dependencies: Vec<&'a str>,
    owner: Option<&'a str>,
    resources: &'a [planmark::model::Demand],
    priority: Option<&'a str>,
    parent: Option<&'a str>,
    tags: &'a [String],
    start: Option<jiff::civil::Date>,
    due: Option<jiff::civil::Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issue: Option<u64>,
    document: &'a str,
    line: u32,
}

/// Working hours of the likely value, and of the bounds when there are any.
#[derive(serde::Serialize)]
struct EstimateView<'a> {
    /// `None` for points or a size with no duration configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    points: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<&'a str>,
}

/// The estimate in working time, and the points or size it was written in.
fn estimate_view(t: &Task, work: WorkTime) -> Option<EstimateView<'_>> {
    let (points, size) = match &t.size {
        Some(planmark::model::Size::Points { points, .. }) => (Some(*points), None),
        Some(planmark::model::Size::Shirt { size, .. }) => (None, Some(size.as_str())),
        None => (None, None),
    };
    match (&t.estimate, &t.size) {
        (Some(e), _) => Some(EstimateView {
            hours: Some(e.likely_hours(work)),
            min: e.min_hours(work),
            max: e.max_hours(work),
            text: e.text(),
            points,
            size,
        }),
        (None, Some(z)) => Some(EstimateView {
            hours: None,
            min: None,
            max: None,
            text: z.text(),
            points,
            size,
        }),
        (None, None) => None,
    }
}

fn task_json<'a>(t: &'a Task, d: &'a Document, work: WorkTime) -> TaskView<'a> {
    TaskView {
        id: &t.id,
        title: &t.title,
        status: t.status.as_str(),
        phase: t.phase.as_deref(),
        estimate: estimate_view(t, work),
        dependencies: t.dependencies.iter().map(|x| x.target.as_str()).collect(),
        owner: t.owner(),
        resources: &t.resources,
        priority: t
            .priority
            .as_ref()
            .map(|p| p.level.map_or(p.text.as_str(), |l| l.as_str())),
        parent: t.parent.as_deref(),
        tags: &t.tags,
        start: t.start,
        due: t.due,
        blocked_reason: t.blocked_reason.as_deref(),
        issue: t.issue,
        document: &d.path,
        line: t.origin.span.line,
    }
}
