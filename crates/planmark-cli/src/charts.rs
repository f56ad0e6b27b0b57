//! `gantt`, `risks`, `graph`, `burndown` and `report`: pictures of the plans.

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use planmark::render;

use crate::args::{BurndownArgs, BurndownFormat, ChartArgs, ChartFormat, ReportArgs};
use crate::commands::{Context, finish};
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

/// Writes `text` to `path` through a temporary file beside it, so a reader
/// never sees half a chart.
pub(crate) fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(
        || "planmark-output".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp = dir.join(format!(".{name}.planmark-tmp"));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
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

/// A page around one SVG, for `-o chart.html`.
pub(crate) fn page(title: &str, svg: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"color-scheme\" content=\"light dark\"><link rel=\"icon\" href=\"data:,\"><title>{title}</title><style>body{{margin:16px;background:Canvas;color:CanvasText;font-family:system-ui,sans-serif}}</style></head><body>\n{svg}</body></html>\n"
    )
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
    let ws = cx.load_plans(&a.paths)?;
    let text = if kind == Kind::Risks {
        match format {
            ChartFormat::Svg => render::risk_matrix_svg(&ws),
            ChartFormat::Html => page("Risk matrix", &render::risk_matrix_svg(&ws)),
            ChartFormat::Text => {
                render::risk_matrix_text(&ws, color() && a.output.is_none(), width())
            }
            ChartFormat::Mermaid | ChartFormat::Dot => {
                bail!("the risk matrix is drawn as text, SVG or HTML, not {format:?}")
            }
        }
    } else {
        let s = match crate::schedule::compute(cx, &ws, &a.scheduling)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        match (kind, format) {
            (Kind::Gantt, ChartFormat::Svg) => render::gantt_svg(&ws, &s),
            (Kind::Gantt, ChartFormat::Html) => page("Gantt chart", &render::gantt_svg(&ws, &s)),
            (Kind::Gantt, ChartFormat::Mermaid) => render::gantt_mermaid(&ws, &s),
            (Kind::Gantt, ChartFormat::Text) => {
                render::gantt_text(&ws, &s, color() && a.output.is_none(), width())
            }
            (Kind::Graph, ChartFormat::Svg) => render::graph_svg(&ws, &s),
            (Kind::Graph, ChartFormat::Html) => {
                page("Dependency graph", &render::graph_svg(&ws, &s))
            }
            (Kind::Graph, ChartFormat::Mermaid) => render::graph_mermaid(&ws, &s),
            (Kind::Graph, ChartFormat::Dot | ChartFormat::Text) => render::graph_dot(&ws, &s),
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
    Ok(finish(ws))
}

pub(crate) fn burndown(cx: &Context, a: &BurndownArgs) -> anyhow::Result<ExitCode> {
    let format = match (a.format, &a.output) {
        (Some(f), _) => f,
        (None, Some(p)) => match by_extension(p) {
            Some(ChartFormat::Svg) => BurndownFormat::Svg,
            Some(ChartFormat::Html) => BurndownFormat::Html,
            _ => bail!("{}: write the burndown as .svg or .html", p.display()),
        },
        (None, None) => BurndownFormat::Table,
    };
    if matches!(format, BurndownFormat::Table | BurndownFormat::Json) {
        let read = crate::args::ReadArgs {
            paths: a.paths.clone(),
            format: if format == BurndownFormat::Json {
                crate::args::Format::Json
            } else {
                crate::args::Format::Table
            },
        };
        return crate::track::history(cx, &read, true);
    }
    let ws = cx.load_plans(&a.paths)?;
    let h = match crate::track::read_history(cx, &ws)? {
        Ok(h) => h,
        Err(code) => return Ok(code),
    };
    let today = crate::check::today(a.today.as_deref())?;
    let target =
        planmark::schedule::schedule(&ws, &cx.config, &planmark::schedule::Options::new(today))
            .ok()
            .map(|s| s.deadline.as_ref().map_or(s.finish, |d| d.date));
    let svg = render::burndown_svg(&h, target, cx.work.hours_per_day);
    let text = if format == BurndownFormat::Html {
        page("Burndown", &svg)
    } else {
        svg
    };
    match &a.output {
        Some(p) => write_file(p, &text)?,
        None => output::print(&text)?,
    }
    Ok(finish(ws))
}

pub(crate) fn report(cx: &Context, a: &ReportArgs) -> anyhow::Result<ExitCode> {
    let ws = cx.load_plans(&a.paths)?;
    let sopts = crate::schedule::options(&a.scheduling)?;
    let today = sopts.today;
    // When the plans cannot be scheduled, the findings below say why and
    // the report shows the rest.
    let schedule = planmark::schedule::schedule(&ws, &cx.config, &sopts).ok();
    let mut opts = planmark::check::Options::from_config(&cx.config.check, today, cx.work)
        .with_project(&cx.config);
    opts.schedule = schedule.clone().map(std::sync::Arc::new);
    let findings = planmark::check::check_with(&ws, &opts, &planmark::check::RealFiles);
    let runs = a.runs.unwrap_or_else(|| {
        crate::forecast::status_runs(ws.documents.iter().map(|d| d.tasks.len()).sum())
    });
    let forecast = match (&schedule, runs) {
        (Some(s), r) if r > 0 => planmark::forecast::forecast(
            &ws,
            &cx.config,
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
    let paths: Vec<String> = ws.documents.iter().map(|d| d.path.clone()).collect();
    let history = planmark::history::read(&cx.root, &paths, cx.work).ok();
    let html = render::report_html(&render::ReportInput {
        ws: &ws,
        work: cx.work,
        today,
        findings: &findings.diagnostics,
        schedule: schedule.as_ref(),
        forecast: forecast.as_ref(),
        history: history.as_ref(),
    });
    write_file(&a.output, &html)?;
    anstream::eprintln!("wrote {}", a.output.display());
    Ok(finish(ws))
}
