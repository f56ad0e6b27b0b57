//! `forecast`: finish dates with confidence, deadline odds, and what drives
//! the spread; and the forecast lines of `status`.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::anyhow;
use comfy_table::{ContentArrangement, Table, presets};
use planmark::diag::Code;
use planmark::forecast::{self, Bin, Forecast, Method, Options, Shape, Spread};
use planmark::schedule::Schedule;

use crate::args::{Distribution, ForecastArgs, Format};
use crate::common::{
    Context, days, finish, odds, page, percent, schedule_options, settle, whose, write_file,
};
use crate::output::{self, BOLD, DIM, GOOD, paint};

/// Runs times activities above which a terminal gets a progress bar.
const BAR_WORK: u64 = 50_000_000;

pub(crate) fn forecast(cx: &Context, a: &ForecastArgs) -> anyhow::Result<ExitCode> {
    let spread = a
        .spread
        .as_deref()
        .map(|s| Spread::parse(s).map_err(|e| anyhow!("--spread: {e}")))
        .transpose()?;
    let sopts = schedule_options(&a.scheduling)?;
    let snap = cx.load_plans(&a.paths, sopts.today)?;
    let s = match settle(
        &snap,
        snap.schedule(&sopts, &[Code::EstimateOutOfOrder], "forecast"),
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
        .or(cx.project.config().forecast.runs)
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
    let result = snap.forecast(&s, &opts, Some(&progress));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let f = match settle(&snap, result)? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    if let Some(path) = &a.output {
        let svg = planmark::render::forecast_svg(&f);
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("svg") => svg,
            Some("html" | "htm") => page("Forecast", &svg),
            _ => anyhow::bail!("{}: draw the forecast as .svg or .html", path.display()),
        };
        write_file(path, &text)?;
    }
    if a.format == Format::Json {
        output::json(&f)?;
    } else {
        output::print(&report(&f, &s, snap.workspace().documents.len() > 1))?;
    }
    Ok(finish(snap))
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
