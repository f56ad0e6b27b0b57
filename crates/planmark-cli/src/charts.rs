//! `gantt`, `risks`, `graph` and `report`: pictures of the plans; and
//! `export`, the plans as JSON or the Gantt chart as Mermaid.

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use planmark::project::Snapshot;
use planmark::render;

use crate::args::{ChartArgs, ChartFormat, ExportArgs, ExportFormat, ReportArgs, SchedulingArgs};
use crate::common::{Context, date, finish, page, schedule_options, settle, write_file};
use crate::output;

/// Which picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Gantt,
    Risks,
    Graph,
}

/// The format a file name asks for.
fn by_extension(path: &Path) -> Option<ChartFormat> {
    match path
        .extension()?
        .to_string_lossy()
        .to_ascii_lowercase()
        .as_str()
    {
        "svg" => Some(ChartFormat::Svg),
        "mmd" | "mermaid" => Some(ChartFormat::Mermaid),
        "dot" | "gv" => Some(ChartFormat::Dot),
        "html" | "htm" => Some(ChartFormat::Html),
        "txt" | "text" => Some(ChartFormat::Text),
        _ => None,
    }
}

/// The terminal's width, or 100 columns in a pipe.
fn width() -> usize {
    terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0))
}

/// Whether standard output takes colour (a terminal, no `NO_COLOR`).
fn color() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        && std::io::stdout().is_terminal()
}

pub(crate) fn chart(cx: &Context, a: &ChartArgs, kind: Kind) -> anyhow::Result<ExitCode> {
    let format = match (a.format, &a.output) {
        (Some(f), _) => f,
        (None, Some(p)) => by_extension(p).with_context(|| {
            format!(
                "{}: cannot tell the format from the name; use .svg, .mmd, .dot, .html or .txt, or --format",
                p.display()
            )
        })?,
        (None, None) => ChartFormat::Text,
    };
    let opts = schedule_options(&a.scheduling)?;
    let snap = cx.load_plans(&a.paths, opts.today)?;
    let ws = snap.workspace();
    let text = if kind == Kind::Risks {
        match format {
            ChartFormat::Svg => render::risk_matrix_svg(ws),
            ChartFormat::Html => page("Risk matrix", &render::risk_matrix_svg(ws)),
            ChartFormat::Text => {
                render::risk_matrix_text(ws, color() && a.output.is_none(), width())
            }
            ChartFormat::Mermaid | ChartFormat::Dot => {
                bail!("the risk matrix is drawn as text, SVG or HTML, not {format:?}")
            }
        }
    } else {
        let s = match settle(&snap, snap.schedule(&opts, &[], "scheduled"))? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        match (kind, format) {
            (Kind::Gantt, ChartFormat::Svg) => render::gantt_svg(ws, &s),
            (Kind::Gantt, ChartFormat::Html) => page("Gantt chart", &render::gantt_svg(ws, &s)),
            (Kind::Gantt, ChartFormat::Mermaid) => render::gantt_mermaid(ws, &s),
            (Kind::Gantt, ChartFormat::Text) => {
                render::gantt_text(ws, &s, color() && a.output.is_none(), width())
            }
            (Kind::Graph, ChartFormat::Svg) => render::graph_svg(ws, &s),
            (Kind::Graph, ChartFormat::Html) => {
                page("Dependency graph", &render::graph_svg(ws, &s))
            }
            (Kind::Graph, ChartFormat::Mermaid) => render::graph_mermaid(ws, &s),
            (Kind::Graph, ChartFormat::Dot | ChartFormat::Text) => render::graph_dot(ws, &s),
            (Kind::Gantt, ChartFormat::Dot) => {
                bail!(
                    "the Gantt chart is drawn as text, SVG, Mermaid or HTML; `planmark graph` gives DOT"
                )
            }
            (Kind::Risks, _) => unreachable!("handled above"),
        }
    };
    match &a.output {
        Some(p) => write_file(p, &text)?,
        None => output::print(&text)?,
    }
    Ok(finish(snap))
}

pub(crate) fn report(cx: &Context, a: &ReportArgs) -> anyhow::Result<ExitCode> {
    let sopts = schedule_options(&a.scheduling)?;
    let today = sopts.today;
    let snap = cx.load_plans(&a.paths, today)?;
    let ws = snap.workspace();
    // When the plans cannot be scheduled, the findings below say why and
    // the report shows the rest.
    let schedule = planmark::schedule::schedule(ws, snap.config(), &sopts).ok();
    let mut opts = snap.check_options();
    opts.schedule = schedule.clone().map(std::sync::Arc::new);
    let findings = snap.check_with(&opts);
    let runs = a
        .runs
        .unwrap_or_else(|| Snapshot::quick_runs(ws.documents.iter().map(|d| d.tasks.len()).sum()));
    let forecast = match (&schedule, runs) {
        (Some(s), r) if r > 0 => snap
            .forecast(
                s,
                &planmark::forecast::Options {
                    runs: Some(r),
                    seed: a.scheduling.seed,
                    ..Default::default()
                },
                None,
            )
            .ok(),
        _ => None,
    };
    let history = snap.history().ok();
    let html = render::report_html(&render::ReportInput {
        ws,
        work: cx.work(),
        today,
        findings: &findings.diagnostics,
        schedule: schedule.as_ref(),
        forecast: forecast.as_ref(),
        history: history.as_ref(),
    });
    write_file(&a.output, &html)?;
    anstream::eprintln!("wrote {}", a.output.display());
    Ok(finish(snap))
}

pub(crate) fn export(cx: &Context, a: &ExportArgs) -> anyhow::Result<ExitCode> {
    if a.format == ExportFormat::Mermaid {
        let gantt = ChartArgs {
            paths: a.paths.clone(),
            output: a.output.clone(),
            format: Some(ChartFormat::Mermaid),
            scheduling: SchedulingArgs::default(),
        };
        return chart(cx, &gantt, Kind::Gantt);
    }
    let today = date(a.today.as_deref(), "--today")?.unwrap_or_else(|| jiff::Zoned::now().date());
    let snap = cx.load_at(&a.paths, today)?;
    let text = match a.format {
        ExportFormat::Csv => Some(planmark::export::csv(&snap)?),
        ExportFormat::Ics => Some(planmark::export::ics(
            &snap,
            planmark::export::IcsOptions { events: a.events },
        )),
        ExportFormat::Tjp => Some(planmark::export::tjp(&snap)),
        ExportFormat::Mspdi => Some(planmark::export::mspdi(&snap)),
        _ => None,
    };
    if let Some(text) = text {
        match &a.output {
            Some(p) => write_file(p, &text)?,
            None => output::print(&text)?,
        }
        return Ok(finish(snap));
    }
    let ws = snap.workspace();
    match &a.output {
        Some(p) => {
            let f = std::fs::File::create(p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            let mut w = std::io::BufWriter::new(f);
            serde_json::to_writer_pretty(&mut w, ws)?;
            std::io::Write::write_all(&mut w, b"\n")?;
            std::io::Write::flush(&mut w)
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        None => output::json(ws)?,
    }
    Ok(finish(snap))
}

pub(crate) fn import(a: &crate::args::ImportArgs) -> anyhow::Result<ExitCode> {
    use crate::args::ImportFormat;
    let from = a.from.unwrap_or_else(|| {
        if a.file.is_dir() {
            return ImportFormat::Backlog;
        }
        match a
            .file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => ImportFormat::Csv,
            Some("json") => ImportFormat::Taskmaster,
            _ => ImportFormat::Mspdi,
        }
    });
    let text = if from == ImportFormat::Backlog {
        String::new()
    } else {
        std::fs::read_to_string(&a.file)
            .with_context(|| format!("cannot read {}", a.file.display()))?
    };
    let title = a.file.file_stem().map_or_else(
        || "Imported plan".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    let imported = match from {
        ImportFormat::Mspdi => planmark::import::from_mspdi(&text),
        ImportFormat::Csv => planmark::import::from_csv(&text, &title),
        ImportFormat::Taskmaster => planmark::import::from_taskmaster(&text),
        ImportFormat::Backlog => planmark::import::from_backlog(&a.file),
    }
    .with_context(|| format!("cannot import {}", a.file.display()))?;
    match &a.output {
        Some(p) => {
            let mut f = match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(p)
            {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    anyhow::bail!(
                        "{} already exists; not overwriting it (choose another -o)",
                        p.display()
                    )
                }
                Err(e) => return Err(e).with_context(|| format!("cannot create {}", p.display())),
            };
            std::io::Write::write_all(&mut f, imported.text.as_bytes())
                .with_context(|| format!("cannot write {}", p.display()))?;
            anstream::eprintln!("wrote {} with {} tasks", p.display(), imported.tasks);
        }
        None => output::print(&imported.text)?,
    }
    for n in &imported.notes {
        anstream::eprintln!("note: {n}");
    }
    Ok(ExitCode::SUCCESS)
}
