//! What every command shares: the open project, reading dates and
//! scheduling flags, reporting the engine's refusals, writing files, and
//! the lines about a timeline and a forecast that several commands print.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, anyhow};
use planmark::check::render;
use planmark::diag::{Diagnostic, Severity};
use planmark::forecast::{Forecast, Odds};
use planmark::model::Workspace;
use planmark::project::{Project, ProjectError, Snapshot};
use planmark::schedule::{self, DateSource, Schedule};

use crate::args::SchedulingArgs;
use crate::output::{self, BOLD, DIM, ERR, GOOD, WARN, paint};

/// The workspace around the current folder.
pub(crate) struct Context {
    pub(crate) project: Project,
}

impl Context {
    pub(crate) fn new() -> anyhow::Result<Context> {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        Ok(Context {
            project: Project::discover(&cwd)?,
        })
    }

    pub(crate) fn root(&self) -> &Path {
        self.project.root()
    }

    pub(crate) fn work(&self) -> planmark::model::WorkTime {
        self.project.work()
    }

    /// Loads the plans `paths` name, with progress measured at `today`.
    pub(crate) fn load_at(
        &self,
        paths: &[PathBuf],
        today: jiff::civil::Date,
    ) -> anyhow::Result<Snapshot> {
        Ok(self.project.load(paths, today)?)
    }

    /// Loads the plans `paths` name, with progress measured today.
    pub(crate) fn load(&self, paths: &[PathBuf]) -> anyhow::Result<Snapshot> {
        self.load_at(paths, jiff::Zoned::now().date())
    }

    /// Like [`Context::load_at`], and says so on standard error when no
    /// plan was found (a chart of nothing is still written).
    pub(crate) fn load_plans(
        &self,
        paths: &[PathBuf],
        today: jiff::civil::Date,
    ) -> anyhow::Result<Snapshot> {
        let snap = self.load_at(paths, today)?;
        let ws = snap.workspace();
        if ws.documents.is_empty() && ws.findings.is_empty() {
            anstream::eprintln!("no plans found under {}", self.root().display());
        }
        Ok(snap)
    }
}

/// Reads a date flag.
pub(crate) fn date(arg: Option<&str>, flag: &str) -> anyhow::Result<Option<jiff::civil::Date>> {
    arg.map(|s| {
        s.trim()
            .parse()
            .map_err(|_| anyhow!("{flag}: `{s}` is not a date (write YYYY-MM-DD)"))
    })
    .transpose()
}

/// Reads `--today`, default the current date.
pub(crate) fn today(arg: Option<&str>) -> anyhow::Result<jiff::civil::Date> {
    Ok(date(arg, "--today")?.unwrap_or_else(|| jiff::Zoned::now().date()))
}

/// The scheduler's options from the command line.
pub(crate) fn schedule_options(a: &SchedulingArgs) -> anyhow::Result<schedule::Options> {
    let mut opts = schedule::Options::new(today(a.today.as_deref())?);
    opts.start = date(a.start.as_deref(), "--start")?;
    if a.no_level {
        opts.level = Some(false);
    }
    if let Some(s) = a.seed {
        opts.seed = s;
    }
    opts.schedules = a.schedules;
    Ok(opts)
}

/// Ends a command: reports unreadable files and returns the exit code.
/// The workspace is not freed piece by piece: the process ends next and the
/// system takes the memory back at once (half a million tasks take longer to
/// free than to print).
pub(crate) fn finish(snap: Snapshot) -> ExitCode {
    let ws = snap.into_workspace();
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

/// How many blocking findings a refusal shows: a plan with thousands of
/// broken rows needs the first few, not all.
const SHOWN: usize = 20;

/// The engine's answer, or (for the refusals a user acts on: findings
/// that stop a schedule, a `done` before its dependencies) the refusal
/// printed and exit code 1.
pub(crate) fn settle<T>(
    snap: &Snapshot,
    r: Result<T, ProjectError>,
) -> anyhow::Result<Result<T, ExitCode>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(ProjectError::Refused { what, findings }) => {
            Ok(Err(refuse(snap.workspace(), &findings, what)))
        }
        Err(e @ ProjectError::NotReady { .. }) => {
            anstream::eprintln!("error: {e}\n  help: finish those first, or pass --force");
            Ok(Err(ExitCode::from(1)))
        }
        Err(e) => Err(e.into()),
    }
}

/// Shows the findings that stop a computation (the first few) and
/// returns exit code 1.
fn refuse(ws: &Workspace, findings: &[Diagnostic], what: &str) -> ExitCode {
    let style = render::Style {
        color: true,
        width: None,
    };
    anstream::eprint!(
        "{}",
        render::human(ws, &findings[..findings.len().min(SHOWN)], style)
    );
    if findings.len() > SHOWN {
        anstream::eprintln!(
            "… and {} more (`planmark check` lists them all)",
            findings.len() - SHOWN
        );
    }
    anstream::eprintln!(
        "{} the plans cannot be {what} until {} fixed",
        paint(ERR, "error:"),
        if findings.len() == 1 {
            "this is"
        } else {
            "these are"
        }
    );
    ExitCode::from(1)
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

/// A page around one SVG, for `-o chart.html`.
pub(crate) fn page(title: &str, svg: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"color-scheme\" content=\"light dark\"><link rel=\"icon\" href=\"data:,\"><title>{title}</title><style>body{{margin:16px;background:Canvas;color:CanvasText;font-family:system-ui,sans-serif}}</style></head><body>\n{svg}</body></html>\n"
    )
}

/// `1 working day`, `3 working days`.
pub(crate) fn days(n: i64) -> String {
    if n == 1 {
        "1 working day".to_owned()
    } else {
        format!("{n} working days")
    }
}

/// `1 task`, `3 tasks`.
fn tasks(n: usize) -> String {
    if n == 1 {
        "1 task".into()
    } else {
        format!("{n} tasks")
    }
}

fn source(s: DateSource) -> &'static str {
    match s {
        DateSource::Option => "--start",
        DateSource::FrontMatter => "front matter",
        DateSource::Config => "planmark.toml",
        DateSource::Timeframe => "the Timeframe line",
        DateSource::Today => "today: no start date is given",
    }
}

/// The verdict lines shared by `schedule` and `status`.
pub(crate) fn verdict(s: &Schedule) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} → {} ({}; start from {})",
        paint(BOLD, "Timeline:"),
        s.start,
        s.finish,
        days(s.makespan_days),
        source(s.start_from)
    );
    if let Some(l) = &s.levelling
        && l.unlevelled_days < s.makespan_days
    {
        let _ = writeln!(
            out,
            "  resources add {} to the {} the links alone need",
            days(s.makespan_days - l.unlevelled_days),
            l.unlevelled_days
        );
    }
    for d in s.deadline.iter().chain(&s.plan_deadlines) {
        let whose = d
            .plan
            .as_deref()
            .map_or(String::new(), |p| format!(" ({p})"));
        let _ = if d.late_days > 0 {
            writeln!(
                out,
                "{} deadline {}{whose} missed by {}",
                paint(ERR, "✗"),
                d.date,
                days(d.late_days)
            )
        } else {
            writeln!(
                out,
                "{} deadline {}{whose} met with {} to spare",
                paint(BOLD, "✓"),
                d.date,
                days(-d.late_days)
            )
        };
    }
    for m in &s.milestones {
        if let (Some(t), Some(late)) = (m.target, m.late_days) {
            let _ = writeln!(
                out,
                "{} milestone {} {}: {} (target {t}{})",
                if late > 0 {
                    paint(ERR, "✗")
                } else {
                    paint(BOLD, "✓")
                },
                m.id,
                m.title,
                m.date,
                if late > 0 {
                    format!(", {} late", days(late))
                } else {
                    String::new()
                }
            );
        }
    }
    if !s.critical_path.is_empty() {
        let ids: Vec<&str> = s
            .critical_path
            .iter()
            .map(|&i| s.tasks[i].id.as_str())
            .collect();
        let _ = writeln!(out, "{} {}", paint(BOLD, "Critical path:"), ids.join(" → "));
    }
    for o in &s.overallocations {
        let tasks: Vec<&str> = o.tasks.iter().map(|t| t.1.as_str()).collect();
        let _ = writeln!(
            out,
            "{} {} is booked {} of {} from {} to {} ({})",
            paint(WARN, "!"),
            o.resource,
            o.booked,
            o.capacity,
            o.from,
            o.to,
            tasks.join(", ")
        );
    }
    for u in &s.unmapped_sizes {
        let what = match (u.points > 0, u.shirts > 0) {
            (true, true) => format!(
                "{} in story points and {} in T-shirt sizes",
                tasks(u.points),
                u.shirts
            ),
            (true, false) => format!("{} in story points", tasks(u.points)),
            _ => format!("{} in T-shirt sizes", tasks(u.shirts)),
        };
        let have = if u.points + u.shirts == 1 {
            "has"
        } else {
            "have"
        };
        let how = if u.points > 0 {
            "set `point = \"4h\"` or `velocity = \"20 points/week\"`"
        } else {
            "set `sizes = { S = \"1d\", M = \"3d\", L = \"1w\" }`"
        };
        let _ = writeln!(
            out,
            "{} {}: {what} {have} no duration yet and take none; {how} under [estimates] in planmark.toml",
            paint(WARN, "!"),
            u.plan
        );
    }
    let sized: usize = s.unmapped_sizes.iter().map(|u| u.points + u.shirts).sum();
    let unestimated = s
        .tasks
        .iter()
        .filter(|t| t.unestimated)
        .count()
        .saturating_sub(sized);
    if unestimated > 0 {
        let _ = writeln!(
            out,
            "{}",
            paint(
                DIM,
                format!("{unestimated} tasks have no estimate and are scheduled with no length")
            )
        );
    }
    out
}

pub(crate) fn percent(p: f64) -> String {
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
pub(crate) fn odds(p: f64) -> String {
    let style = if p >= 0.8 {
        GOOD
    } else if p >= 0.5 {
        WARN
    } else {
        ERR
    };
    paint(style, format!("{} likely", percent(p)))
}

/// ` (plan.md)` after a plan's own deadline, when there are several plans.
pub(crate) fn whose(d: &Odds, many: bool) -> String {
    match &d.plan {
        Some(p) if many => format!(" ({p})"),
        _ => String::new(),
    }
}

/// The forecast lines of `status`.
pub(crate) fn forecast_lines(f: &Forecast, many: bool) -> String {
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
