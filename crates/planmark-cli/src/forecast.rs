//! `forecast`: finish dates with confidence, deadline odds, and what drives
//! the spread; and the forecast lines of `status`.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::anyhow;
use comfy_table::{ContentArrangement, Table, presets};
use planmark::diag::Code;
use planmark::forecast::{self, Bin, Forecast, Method, Options, Shape, Spread};
use planmark::model::Workspace;
use planmark::schedule::Schedule;

use crate::args::{Distribution, ForecastArgs, Format};
use crate::commands::{Context, finish};
use crate::output::{self, BOLD, DIM, ERR, GOOD, WARN, paint};
use crate::schedule::days;

/// Runs times activities above which a terminal gets a progress bar.
const BAR_WORK: u64 = 50_000_000;

pub(crate) fn forecast(cx: &Context, a: &ForecastArgs) -> anyhow::Result<ExitCode> {
    let spread = a
        .spread
        .as_deref()
        .map(|s| Spread::parse(s).map_err(|e| anyhow!("--spread: {e}")))
        .transpose()?;
    let ws = cx.load_plans(&a.paths)?;
    let s = match crate::schedule::compute_for(
        cx,
        &ws,
        &a.scheduling,
        &[Code::EstimateOutOfOrder],
        "forecast",
    )? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let opts = Options {
        runs: a.runs,
        seed: a.scheduling.seed,
        level: a.level,
        shape: a.distribution.map(|d| match d {
            Distribution::Pert => Shape::Pert,
            Distribution::Triangular => Shape::Triangular,
        }),
        spread,
    };
    let runs = opts
        .runs
        .or(cx.config.forecast.runs)
        .unwrap_or(forecast::DEFAULT_RUNS);
    let bar = (std::io::stderr().is_terminal()
        && u64::from(runs) * s.tasks.len() as u64 > BAR_WORK)
        .then(|| {
            let b = indicatif::ProgressBar::new(u64::from(runs));
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {eta} left")
            {
                b.set_style(style);
            }
            b
        });
    let progress = |done: u32| {
        if let Some(b) = &bar {
            b.set_position(u64::from(done));
        }
    };
    let result = forecast::forecast(&ws, &cx.config, &s, &opts, Some(&progress));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let f = match result {
        Ok(f) => f,
        Err(e @ forecast::ForecastError::Settings(_)) => return Err(e.into()),
        Err(e) => return Ok(crate::schedule::refuse(&ws, e.findings(), "forecast")),
    };
    if let Some(path) = &a.output {
        let svg = planmark::render::forecast_svg(&f);
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("svg") => svg,
            Some("html" | "htm") => crate::charts::page("Forecast", &svg),
            _ => anyhow::bail!("{}: draw the forecast as .svg or .html", path.display()),
        };
        crate::charts::write_file(path, &text)?;
    }
    if a.format == Format::Json {
        output::json(&f)?;
    } else {
        output::print(&report(&f, &s, ws.documents.len() > 1))?;
    }
    Ok(finish(ws))
}

fn percent(p: f64) -> String {
    let x = p * 100.0;
    if x > 99.5 && p < 1.0 {
        ">99%".to_owned()
    } else if x < 0.5 && p > 0.0 {
        "<1%".to_owned()
    } else {
        format!("{x:.0}%")
    }
}

/// Green when likely, yellow when a coin toss, red when unlikely.
fn odds(p: f64) -> String {
    let style = if p >= 0.8 {
        GOOD
    } else if p >= 0.5 {
        WARN
    } else {
        ERR
    };
    paint(style, format!("{} likely", percent(p)))
}

fn method(m: Method) -> &'static str {
    match m {
        Method::CriticalPath => "critical path",
        Method::ResourceOrder => "critical path, each person's tasks in the levelled order",
        Method::Levelled => "resources levelled again in every run",
    }
}

/// The human report.
fn report(f: &Forecast, s: &Schedule, many: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} runs (seed {}): {}; ranges and three-point estimates as {}, single estimates {}",
        paint(BOLD, "Forecast:"),
        output::count(u64::from(f.runs)),
        f.seed,
        method(f.method),
        f.distribution.name(),
        f.spread
    );
    let _ = writeln!(
        out,
        "  planned finish {} ({}), without uncertainty",
        f.planned,
        days(s.makespan_days)
    );
    let p = &f.finish.percentiles;
    for (k, label) in [(50, "P50"), (80, "P80"), (95, "P95")] {
        let _ = writeln!(
            out,
            "  {} {}  ({})",
            paint(BOLD, label),
            p[k].date,
            days(p[k].days)
        );
    }
    let _ = writeln!(
        out,
        "  {}",
        paint(
            DIM,
            format!(
                "mean {:.1} working days, standard deviation {:.1}",
                f.finish.mean_days, f.finish.std_days
            )
        )
    );
    for d in f.deadline.iter().chain(&f.plan_deadlines) {
        let _ = writeln!(
            out,
            "Deadline {}{}: {}",
            d.date,
            whose(d, many),
            odds(d.probability)
        );
    }
    for m in &f.milestones {
        let mut line = format!(
            "Milestone {} {}: P50 {}, P80 {}, P95 {}",
            m.id, m.title, m.outcome.p50, m.outcome.p80, m.outcome.p95
        );
        if let (Some(t), Some(pr)) = (m.target, m.probability) {
            let _ = write!(line, "; target {t} {}", odds(pr));
        }
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    let marks = {
        let mut m: Vec<(i64, String)> = [(50, "P50"), (80, "P80"), (95, "P95")]
            .iter()
            .map(|&(k, l)| (p[k].days, l.to_owned()))
            .collect();
        if let Some(d) = &f.deadline {
            m.push((d.days, "deadline".to_owned()));
        }
        m
    };
    let _ = writeln!(
        out,
        "{}",
        paint(BOLD, "Finish dates (share of runs, cumulative):")
    );
    out.push_str(&histogram(&f.finish.histogram, f.runs, &marks));
    let drivers = f.drivers(10);
    if !drivers.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                BOLD,
                "What drives the spread (correlation with the finish):"
            )
        );
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        t.set_header(["Task", "Title", "Days", "Correlation", "Critical"]);
        for d in drivers {
            let id = if many {
                format!("{}#{}", stem(&d.plan), d.id)
            } else {
                d.id.clone()
            };
            let range = d.range_days.map_or(String::new(), |r| {
                format!("{}–{}", round1(r[0]), round1(r[2]))
            });
            t.add_row([
                id,
                d.title.clone(),
                range,
                format!("{:.2}", d.sensitivity.unwrap_or(0.0)),
                percent(d.criticality),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if !f.risks.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "Risks in the runs:"));
        let mut risks: Vec<_> = f.risks.iter().collect();
        risks.sort_by(|a, b| b.effect_days.total_cmp(&a.effect_days));
        for r in risks {
            // Say where a value came from when it was not written as such.
            let likely = if r.probability_from.ends_with('%') {
                String::new()
            } else {
                format!(" ({} likelihood)", r.probability_from)
            };
            let delay = if r.delay_from.ends_with("impact") {
                format!(" ({})", r.delay_from)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {}: {}{likely}, +{} days{delay} on {}; the finish moves {:+.1} days when it happens",
                r.title,
                percent(r.probability),
                round1(r.delay_days),
                r.affects.join(", "),
                r.effect_days
            );
        }
    }
    if !f.skipped_risks.is_empty() {
        let _ = writeln!(out, "\n{}", paint(DIM, "Risks left out:"));
        for r in &f.skipped_risks {
            let _ = writeln!(out, "{}", paint(DIM, format!("  {}: {}", r.id, r.reason)));
        }
    }
    if f.unestimated_tasks > 0 {
        let _ = writeln!(
            out,
            "{}",
            paint(
                DIM,
                format!(
                    "{} open tasks have no estimate and take no time in any run",
                    f.unestimated_tasks
                )
            )
        );
    }
    out
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn stem(path: &str) -> String {
    std::path::Path::new(path)
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
}

/// One line per bar: dates, a bar scaled to the tallest, the share and the
/// cumulative share, and which percentiles or deadline fall in it.
fn histogram(bins: &[Bin], runs: u32, marks: &[(i64, String)]) -> String {
    const WIDTH: f64 = 40.0;
    let top = bins.iter().map(|b| b.runs).max().unwrap_or(1).max(1);
    let mut out = String::new();
    let mut cumulative = 0u32;
    for b in bins {
        cumulative += b.runs;
        let cells = f64::from(b.runs) / f64::from(top) * WIDTH;
        let full = cells.floor() as usize;
        let part = ((cells - cells.floor()) * 8.0).round() as usize;
        let mut bar = "█".repeat(full);
        if part > 0 && full < WIDTH as usize {
            bar.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'][part - 1]);
        }
        let label = if b.from == b.to {
            b.from.to_string()
        } else {
            format!("{}–{}", b.from, b.to.strftime("%m-%d"))
        };
        let here: Vec<&str> = marks
            .iter()
            .filter(|(d, _)| (b.from_day..=b.to_day).contains(d))
            .map(|(_, l)| l.as_str())
            .collect();
        let _ = writeln!(
            out,
            "  {label:<16} {}{} {:>5} {:>5}{}",
            paint(GOOD, &bar),
            " ".repeat(WIDTH as usize + 1 - bar.chars().count()),
            percent(f64::from(b.runs) / f64::from(runs)),
            percent(f64::from(cumulative) / f64::from(runs)),
            if here.is_empty() {
                String::new()
            } else {
                format!("  ◀ {}", here.join(", "))
            }
        );
    }
    out
}

/// Runs for `status`: as many as keep it quick on a large plan.
pub(crate) fn status_runs(activities: usize) -> u32 {
    (50_000_000 / activities.max(1)).min(forecast::DEFAULT_RUNS as usize) as u32
}

/// The forecast `status` shows, when the plans are big enough to be
/// uncertain and small enough to be quick.
pub(crate) fn for_status(cx: &Context, ws: &Workspace, s: &Schedule) -> Option<Forecast> {
    let runs =
        status_runs(s.tasks.len()).min(cx.config.forecast.runs.unwrap_or(forecast::DEFAULT_RUNS));
    if runs < 200 || s.tasks.iter().all(|t| t.status.is_closed()) {
        return None;
    }
    let opts = Options {
        runs: Some(runs),
        ..Options::default()
    };
    forecast::forecast(ws, &cx.config, s, &opts, None).ok()
}

/// The forecast lines of `status`.
pub(crate) fn status_lines(f: &Forecast, many: bool) -> String {
    let mut out = String::new();
    let p = &f.finish.percentiles;
    let _ = writeln!(
        out,
        "{} P50 {}, P80 {} {}",
        paint(BOLD, "Forecast:"),
        p[50].date,
        p[80].date,
        paint(
            DIM,
            format!(
                "({} runs; `planmark forecast` for details)",
                output::count(u64::from(f.runs))
            )
        )
    );
    for d in f.deadline.iter().chain(&f.plan_deadlines) {
        let _ = writeln!(
            out,
            "  deadline {}{}: {}",
            d.date,
            whose(d, many),
            odds(d.probability)
        );
    }
    out
}

/// ` (plan.md)` after a plan's own deadline, when there are several plans.
fn whose(d: &forecast::Odds, many: bool) -> String {
    match &d.plan {
        Some(p) if many => format!(" ({p})"),
        _ => String::new(),
    }
}
