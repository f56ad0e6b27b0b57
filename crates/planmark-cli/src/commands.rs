//! One function per command: load, call the library, format.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use comfy_table::{ContentArrangement, Table, presets};
use planmark::config::Config;
use planmark::diag::Severity;
use planmark::model::{Document, Status, Task, WorkTime, Workspace};
use planmark::summary::Summary;
use planmark::templates::{self, Builtin, Vars};
use serde_json::json;

use crate::args::{
    Cli, Command, ExportArgs, Format, NewArgs, ShowArgs, StatusArgs, StatusFilter, TasksArgs,
};
use crate::output::{self, BOLD, DIM, ERR, WARN, paint};

/// The workspace around the current folder and its configuration.
pub(crate) struct Context {
    pub(crate) root: PathBuf,
    pub(crate) config: Config,
    pub(crate) work: WorkTime,
}

impl Context {
    pub(crate) fn new() -> anyhow::Result<Context> {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        let root = planmark::workspace::find_root(&cwd);
        let config = Config::load(&root)?;
        let work = planmark::schedule::Calendar::from_config(&config.calendar)
            .map_err(|e| anyhow::anyhow!("planmark.toml: [calendar]: {e}"))?
            .work_time();
        Ok(Context { root, config, work })
    }

    pub(crate) fn load(&self, paths: &[PathBuf]) -> anyhow::Result<Workspace> {
        Ok(planmark::workspace::load(&self.root, paths, &self.config)?)
    }

    /// Like [`Context::load`], and says so on standard error when no plan
    /// was found (a chart of nothing is still written).
    pub(crate) fn load_plans(&self, paths: &[PathBuf]) -> anyhow::Result<Workspace> {
        let ws = self.load(paths)?;
        if ws.documents.is_empty() && ws.findings.is_empty() {
            anstream::eprintln!("no plans found under {}", self.root.display());
        }
        Ok(ws)
    }
}

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Status(a) => status(&Context::new()?, &a),
        Command::Check(a) => crate::check::run(&Context::new()?, &a),
        Command::Next(a) => crate::track::next(&Context::new()?, &a),
        Command::Done(a) => crate::track::set_status(&Context::new()?, &a, Status::Done, None),
        Command::Start(a) => {
            crate::track::set_status(&Context::new()?, &a, Status::InProgress, None)
        }
        Command::Reopen(a) => crate::track::set_status(&Context::new()?, &a, Status::Todo, None),
        Command::Cancel(a) => {
            crate::track::set_status(&Context::new()?, &a, Status::Cancelled, None)
        }
        Command::Set(a) => crate::track::set(&Context::new()?, &a),
        Command::Add(a) => crate::track::add(&Context::new()?, &a),
        Command::Schedule(a) => crate::schedule::schedule(&Context::new()?, &a),
        Command::Why(a) => crate::schedule::why(&Context::new()?, &a),
        Command::Forecast(a) => crate::forecast::forecast(&Context::new()?, &a),
        Command::History(a) => crate::track::history(&Context::new()?, &a, false),
        Command::Burndown(a) => crate::charts::burndown(&Context::new()?, &a),
        Command::Gantt(a) => crate::charts::chart(&Context::new()?, &a, crate::charts::Kind::Gantt),
        Command::Risks(a) => crate::charts::chart(&Context::new()?, &a, crate::charts::Kind::Risks),
        Command::Graph(a) => crate::charts::chart(&Context::new()?, &a, crate::charts::Kind::Graph),
        Command::Report(a) => crate::charts::report(&Context::new()?, &a),
        Command::Block(a) => {
            crate::track::set_status(&Context::new()?, &a.edit, Status::Blocked, Some(&a.reason))
        }
        Command::Tasks(a) => tasks(&Context::new()?, &a),
        Command::Show(a) => show(&Context::new()?, &a),
        Command::Export(a) => export(&Context::new()?, &a),
        Command::Schema => {
            let schema = schemars::schema_for!(Workspace);
            output::json(&schema)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::New(a) => new(&a),
        Command::Init => init(),
    }
}

/// Ends a command: reports unreadable files and returns the exit code.
/// The workspace is not freed piece by piece: the process ends next and the
/// system takes the memory back at once (half a million tasks take longer to
/// free than to print).
pub(crate) fn finish(ws: Workspace) -> ExitCode {
    let code = report_unreadable(&ws);
    std::mem::forget(ws);
    code
}

/// Reports files that could not be read and returns the exit code: 1 when
/// any plan could not be read, else 0.
fn report_unreadable(ws: &Workspace) -> ExitCode {
    for f in &ws.findings {
        let style = if f.severity == Severity::Error {
            ERR
        } else {
            WARN
        };
        anstream::eprintln!("{}", paint(style, f));
        if let Some(h) = &f.help {
            anstream::eprintln!("  {} {h}", paint(BOLD, "help:"));
        }
    }
    if ws.findings.iter().any(|f| f.severity == Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// How many findings `status` lists per document.
const SHOWN: usize = 5;

fn status(cx: &Context, sa: &StatusArgs) -> anyhow::Result<ExitCode> {
    let a = &sa.read;
    let ws = cx.load(&a.paths)?;
    let today = crate::check::today(sa.today.as_deref())?;
    // The timeline, when the plans can be scheduled (the findings say why
    // not); the checks use the same one.
    let timeline =
        planmark::schedule::schedule(&ws, &cx.config, &planmark::schedule::Options::new(today))
            .ok()
            .map(std::sync::Arc::new);
    let mut opts = planmark::check::Options::from_config(&cx.config.check, today, cx.work)
        .with_project(&cx.config);
    opts.schedule.clone_from(&timeline);
    let report = planmark::check::check_with(&ws, &opts, &planmark::check::RealFiles);
    let odds = timeline
        .as_ref()
        .and_then(|t| crate::forecast::for_status(cx, &ws, t));
    let summaries: Vec<Summary> = ws
        .documents
        .iter()
        .map(|d| {
            let mut s = Summary::of(d, cx.work);
            let found = report.diagnostics.iter().filter(|f| f.file == d.path);
            let count = |sev: Severity| found.clone().filter(|f| f.severity == sev).count();
            s.findings = (
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Note),
            );
            s
        })
        .collect();
    if a.format == Format::Json {
        output::json(&Documents {
            documents: summaries,
            timeline: timeline.as_ref().map(|t| TimelineView {
                start: t.start,
                finish: t.finish,
                makespan_days: t.makespan_days,
                deadline: t.deadline.as_ref(),
                critical_path: t
                    .critical_path
                    .iter()
                    .map(|&i| t.tasks[i].id.as_str())
                    .collect(),
                forecast: odds.as_ref().map(|f| ForecastView {
                    runs: f.runs,
                    p50: f.finish.p50,
                    p80: f.finish.p80,
                    p95: f.finish.p95,
                    deadline_probability: f.deadline.as_ref().map(|d| d.probability),
                }),
            }),
        })?;
        return Ok(finish(ws));
    }
    let mut out = String::new();
    if ws.documents.is_empty() && ws.findings.is_empty() {
        anstream::eprintln!("no plans found under {}", cx.root.display());
    }
    for (doc, s) in ws.documents.iter().zip(&summaries) {
        let kind = format!("{:?}", s.kind).to_lowercase();
        let _ = writeln!(
            out,
            "{}  {}",
            paint(BOLD, &s.path),
            paint(DIM, format!("({kind})"))
        );
        if let Some(t) = &s.title {
            let _ = writeln!(out, "  {t}");
        }
        let c = s.tasks;
        let mut line = format!(
            "{}/{} tasks done ({:.0}%)",
            c.done,
            c.planned(),
            c.ratio() * 100.0
        );
        if c.in_progress > 0 {
            let _ = write!(line, ", {} in progress", c.in_progress);
        }
        if c.blocked > 0 {
            let _ = write!(line, ", {} blocked", c.blocked);
        }
        if c.cancelled > 0 {
            let _ = write!(line, ", {} cancelled", c.cancelled);
        }
        if c.total == 0 {
            let _ = writeln!(out, "  {:<11}{}", "Progress", paint(DIM, "no tasks"));
        } else {
            let _ = writeln!(
                out,
                "  {:<11}{}  {line}",
                "Progress",
                output::bar(c.ratio(), 20)
            );
        }
        if s.remaining_hours > 0.0 || s.unestimated > 0 {
            let mut rem = format!(
                "{} estimated",
                output::hours(s.remaining_hours, cx.work.hours_per_day)
            );
            if s.unestimated > 0 {
                let noun = if s.unestimated == 1 { "task" } else { "tasks" };
                let _ = write!(rem, ", {} open {noun} without estimate", s.unestimated);
            }
            let _ = writeln!(out, "  {:<11}{rem}", "Remaining");
        }
        let width = s
            .phases
            .iter()
            .map(|p| p.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        for (i, p) in s.phases.iter().enumerate() {
            let label = if i == 0 { "Phases" } else { "" };
            let name: String = p.name.chars().take(40).collect();
            if p.tasks.planned() == 0 {
                let _ = writeln!(
                    out,
                    "  {label:<11}{name:<width$}  {}",
                    paint(DIM, "no tasks yet")
                );
            } else {
                let _ = writeln!(
                    out,
                    "  {label:<11}{name:<width$}  {}  {}/{}",
                    output::bar(p.tasks.ratio(), 10),
                    p.tasks.done,
                    p.tasks.planned()
                );
            }
        }
        if s.milestones.1 > 0 {
            let _ = writeln!(
                out,
                "  {:<11}{}/{} reached",
                "Milestones", s.milestones.0, s.milestones.1
            );
        }
        let _ = writeln!(out, "  {:<11}{} open", "Actions", s.open_actions);
        let _ = writeln!(
            out,
            "  {:<11}{} ({} high impact)",
            "Risks", s.risks, s.high_impact_risks
        );
        let (e, w, n) = s.findings;
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let findings = if e + w + n == 0 {
            "none".to_owned()
        } else {
            let mut parts = vec![
                paint(if e > 0 { ERR } else { DIM }, plural(e, "error")),
                paint(if w > 0 { WARN } else { DIM }, plural(w, "warning")),
            ];
            if n > 0 {
                parts.push(plural(n, "note"));
            }
            format!(
                "{}  {}",
                parts.join(", "),
                paint(DIM, "(planmark check shows them)")
            )
        };
        let _ = writeln!(out, "  {:<11}{findings}", "Findings");
        // The first few, so nothing is hidden; the checker shows them all with context.
        for f in report
            .diagnostics
            .iter()
            .filter(|f| f.file == doc.path)
            .take(SHOWN)
        {
            let line = f
                .span
                .map_or(String::new(), |sp| format!("line {}: ", sp.line));
            let _ = writeln!(
                out,
                "  {:<11}{} {line}{}",
                "",
                paint(DIM, f.code.as_str()),
                f.message
            );
        }
        if e + w + n > SHOWN {
            let _ = writeln!(
                out,
                "  {:<11}{}",
                "",
                paint(DIM, format!("and {} more", e + w + n - SHOWN))
            );
        }
        out.push('\n');
    }
    if let Some(t) = &timeline
        && !t.tasks.is_empty()
    {
        out.push_str(&crate::schedule::verdict(t));
        if let Some(f) = &odds {
            out.push_str(&crate::forecast::status_lines(f, ws.documents.len() > 1));
        }
    }
    output::print(&out)?;
    Ok(finish(ws))
}

pub(crate) fn phase_matches(t: &Task, doc: &Document, want: &str) -> bool {
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

/// `tasks --format json`: `{"tasks": [...]}`.
#[derive(serde::Serialize)]
struct Tasks<'a> {
    tasks: Vec<TaskView<'a>>,
}

/// `status --format json`: `{"documents": [...]}`.
#[derive(serde::Serialize)]
struct Documents<'a> {
    documents: Vec<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeline: Option<TimelineView<'a>>,
}

/// The schedule's headline, as `status --format json` prints it.
#[derive(serde::Serialize)]
struct TimelineView<'a> {
    start: jiff::civil::Date,
    finish: jiff::civil::Date,
    makespan_days: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<&'a planmark::schedule::Deadline>,
    critical_path: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    forecast: Option<ForecastView>,
}

/// The forecast in `status --format json`.
#[derive(serde::Serialize)]
struct ForecastView {
    runs: u32,
    p50: jiff::civil::Date,
    p80: jiff::civil::Date,
    p95: jiff::civil::Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline_probability: Option<f64>,
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
        document: &d.path,
        line: t.origin.span.line,
    }
}

fn tasks(cx: &Context, a: &TasksArgs) -> anyhow::Result<ExitCode> {
    if a.explain {
        let mut config = cx.config.clone();
        config.read.explain = true;
        let ws = planmark::workspace::load(&cx.root, &a.read.paths, &config)?;
        explain(&ws, a.read.format)?;
        return Ok(finish(ws));
    }
    let ws = cx.load(&a.read.paths)?;
    let owner = a
        .owner
        .as_deref()
        .map(|o| o.trim_start_matches('@').to_lowercase());
    let selected: Vec<(&Document, &Task)> = ws
        .documents
        .iter()
        .flat_map(|d| d.tasks.iter().map(move |t| (d, t)))
        .filter(|(_, t)| match a.status {
            None => true,
            Some(StatusFilter::Open) => !t.status.is_closed(),
            Some(StatusFilter::Todo) => t.status == Status::Todo,
            Some(StatusFilter::InProgress) => t.status == Status::InProgress,
            Some(StatusFilter::Done) => t.status == Status::Done,
            Some(StatusFilter::Blocked) => t.status == Status::Blocked,
            Some(StatusFilter::Cancelled) => t.status == Status::Cancelled,
        })
        .filter(|(d, t)| a.phase.as_deref().is_none_or(|p| phase_matches(t, d, p)))
        .filter(|(_, t)| {
            owner
                .as_deref()
                .is_none_or(|o| t.resources.iter().any(|r| r.name.to_lowercase() == o))
        })
        .collect();
    print_tasks(
        cx,
        &selected,
        a.read.format,
        ws.documents.len() > 1,
        "no tasks match",
    )?;
    Ok(finish(ws))
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
pub(crate) fn print_tasks(
    cx: &Context,
    selected: &[(&Document, &Task)],
    format: Format,
    several: bool,
    none: &str,
) -> anyhow::Result<()> {
    if format == Format::Json {
        let list: Vec<_> = selected
            .iter()
            .map(|(d, t)| task_json(t, d, cx.work))
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
                status_label(t.status).to_owned(),
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

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Todo => "todo",
        Status::InProgress => "in progress",
        Status::Done => "done",
        Status::Blocked => "blocked",
        Status::Cancelled => "cancelled",
    }
}

fn show(cx: &Context, a: &ShowArgs) -> anyhow::Result<ExitCode> {
    let ws = cx.load(&a.read.paths)?;
    let hits = planmark::links::Links::new(&ws).find_all(&a.id);
    let (di, ti) = match hits.as_slice() {
        [one] => *one,
        [] => {
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
                    f.add("status", status_label(m.status));
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
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|&(d, t)| format!("{}#{}", ws.documents[d].path, ws.documents[d].tasks[t].id))
                .collect();
            bail!("`{}` is ambiguous; name one of: {}", a.id, list.join(", "));
        }
    };
    let d = &ws.documents[di];
    let t = &d.tasks[ti];
    let dependents: Vec<&str> = d
        .tasks
        .iter()
        .filter(|o| o.dependencies.iter().any(|x| x.target == t.id))
        .map(|o| o.id.as_str())
        .collect();
    let children: Vec<&str> = d
        .tasks
        .iter()
        .filter(|o| o.parent.as_deref() == Some(&t.id))
        .map(|o| o.id.as_str())
        .collect();
    if a.read.format == Format::Json {
        let mut v = serde_json::to_value(task_json(t, d, cx.work))?;
        v["dependents"] = json!(dependents);
        v["subtasks"] = json!(children);
        v["origin"] = serde_json::to_value(&t.origin)?;
        output::json(&json!({ "task": v }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut fields = Fields::new(&t.id, &t.title);
    let mut field = |k: &str, v: String| fields.add(k, v);
    field("status", status_label(t.status).to_owned());
    field("document", format!("{}:{}", d.path, t.origin.span.line));
    field("phase", t.phase.clone().unwrap_or_default());
    if let Some(e) = &t.estimate {
        let mut s = format!(
            "{} ({})",
            e.text(),
            output::hours(e.likely_hours(cx.work), cx.work.hours_per_day)
        );
        if let (Some(lo), Some(hi)) = (e.min_hours(cx.work), e.max_hours(cx.work)) {
            let _ = write!(
                s,
                ", from {} to {}",
                output::hours(lo, cx.work.hours_per_day),
                output::hours(hi, cx.work.hours_per_day)
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

fn export(cx: &Context, a: &ExportArgs) -> anyhow::Result<ExitCode> {
    if a.format == crate::args::ExportFormat::Mermaid {
        let chart = crate::args::ChartArgs {
            paths: a.paths.clone(),
            output: a.output.clone(),
            format: Some(crate::args::ChartFormat::Mermaid),
            scheduling: crate::args::SchedulingArgs::default(),
        };
        return crate::charts::chart(cx, &chart, crate::charts::Kind::Gantt);
    }
    let ws = cx.load(&a.paths)?;
    match &a.output {
        Some(p) => {
            let f = std::fs::File::create(p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            let mut w = std::io::BufWriter::new(f);
            serde_json::to_writer_pretty(&mut w, &ws)?;
            std::io::Write::write_all(&mut w, b"\n")?;
            std::io::Write::flush(&mut w)
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        None => output::json(&ws)?,
    }
    Ok(finish(ws))
}

fn parse_now(s: &str) -> anyhow::Result<jiff::civil::DateTime> {
    let t = s.trim().replace(' ', "T");
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        return Ok(dt);
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return Ok(d.to_datetime(jiff::civil::Time::midnight()));
    }
    bail!("--now `{s}` is not a date and time; write it as 2026-11-23 14:00")
}

/// User templates: `templates/*.md` in the workspace root.
fn user_templates(root: &Path) -> Vec<(String, PathBuf)> {
    let Ok(rd) = std::fs::read_dir(root.join("templates")) else {
        return Vec::new();
    };
    let mut v: Vec<(String, PathBuf)> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter_map(|p| Some((p.file_stem()?.to_string_lossy().into_owned(), p)))
        .collect();
    v.sort();
    v
}

fn new(a: &NewArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    let root = planmark::workspace::find_root(&cwd);
    let user = user_templates(&root);
    if a.list {
        let mut out = String::new();
        for b in Builtin::ALL {
            let source = if user.iter().any(|(n, _)| n == b.name()) {
                "templates/ (overrides built-in)"
            } else {
                "built-in"
            };
            let _ = writeln!(
                out,
                "{:<10} {}  {}",
                b.name(),
                b.description(),
                paint(DIM, format!("[{source}]"))
            );
        }
        for (n, p) in user.iter().filter(|(n, _)| Builtin::from_name(n).is_none()) {
            let _ = writeln!(
                out,
                "{n:<10} {}  {}",
                planmark::workspace::relative(&root, p),
                paint(DIM, "[templates/]")
            );
        }
        output::print(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let name = a.template.as_deref().unwrap_or_default();
    let text = match user.iter().find(|(n, _)| n == name) {
        Some((_, p)) => std::fs::read_to_string(p)
            .with_context(|| format!("cannot read template {}", p.display()))?,
        None => match Builtin::from_name(name) {
            Some(b) => b.text().to_owned(),
            None => {
                let mut names: Vec<String> =
                    Builtin::ALL.iter().map(|b| b.name().to_owned()).collect();
                names.extend(user.iter().map(|(n, _)| n.clone()));
                bail!(
                    "no template `{name}`; available: {} (planmark new --list)",
                    names.join(", ")
                );
            }
        },
    };
    let now = match &a.now {
        Some(s) => parse_now(s)?,
        None => jiff::Zoned::now().datetime(),
    };
    let vars = Vars {
        now,
        topic: a.topic.clone(),
        scope: a.scope.clone(),
        timeframe: a.timeframe.clone(),
    };
    let doc = templates::render(&text, &vars);
    let path = match &a.output {
        Some(p) => p.clone(),
        None => root.join(vars.default_path(name)),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "{} already exists; not overwriting it (choose another --output or topic)",
                path.display()
            )
        }
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
    };
    std::io::Write::write_all(&mut f, doc.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let shown = pathdiff(&cwd, &path);
    anstream::eprintln!("created {shown} from the {name} template");
    output::print(&format!("{shown}\n"))?;
    Ok(ExitCode::SUCCESS)
}

fn pathdiff(cwd: &Path, p: &Path) -> String {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    let abs = abs
        .parent()
        .and_then(|d| d.canonicalize().ok())
        .map_or(abs.clone(), |d| d.join(abs.file_name().unwrap_or_default()));
    abs.strip_prefix(&cwd)
        .map_or_else(|_| abs.display().to_string(), |r| r.display().to_string())
}

fn init() -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    let path = cwd.join(planmark::config::FILE_NAME);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut f) => std::io::Write::write_all(&mut f, planmark::config::INIT.as_bytes())?,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("planmark.toml already exists; not overwriting it")
        }
        Err(e) => return Err(e).context("cannot create planmark.toml"),
    }
    std::fs::create_dir_all(cwd.join("docs/plans")).context("cannot create docs/plans")?;
    anstream::eprintln!(
        "created planmark.toml and docs/plans/; next: planmark new session \"Your topic\""
    );
    Ok(ExitCode::SUCCESS)
}
