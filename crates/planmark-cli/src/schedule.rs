//! `schedule` and `why`: the timeline of the workspace and the reasons behind it.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::anyhow;
use comfy_table::{ContentArrangement, Table, presets};
use planmark::check::{self, render};
use planmark::diag::{Code, Diagnostic, Severity};
use planmark::links::Links;
use planmark::model::Workspace;
use planmark::schedule::{self, DateSource, Schedule};

use crate::args::{Format, ScheduleArgs, ScheduleFormat, SchedulingArgs, WhyArgs};
use crate::commands::{Context, finish};
use crate::output::{self, BOLD, DIM, ERR, WARN, paint};

fn date(arg: Option<&str>, flag: &str) -> anyhow::Result<Option<jiff::civil::Date>> {
    arg.map(|s| {
        s.trim()
            .parse()
            .map_err(|_| anyhow!("{flag}: `{s}` is not a date (write YYYY-MM-DD)"))
    })
    .transpose()
}

/// The scheduler's options from the command line.
pub(crate) fn options(a: &SchedulingArgs) -> anyhow::Result<schedule::Options> {
    let today = crate::check::today(a.today.as_deref())?;
    let mut opts = schedule::Options::new(today);
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

/// Schedules the workspace, or prints why it cannot be and returns the exit code.
pub(crate) fn compute(
    cx: &Context,
    ws: &Workspace,
    a: &SchedulingArgs,
) -> anyhow::Result<Result<Schedule, ExitCode>> {
    compute_for(cx, ws, a, &[], "scheduled")
}

/// Like [`compute`], also refused for findings of `also` (which make the
/// plans unfit for what is computed: `done`, in words).
pub(crate) fn compute_for(
    cx: &Context,
    ws: &Workspace,
    a: &SchedulingArgs,
    also: &[Code],
    done: &str,
) -> anyhow::Result<Result<Schedule, ExitCode>> {
    let opts = options(a)?;
    let today = opts.today;
    // Findings that make a schedule meaningless stop it, shown as `check` shows them.
    let mut copts = check::Options::new(today);
    copts.scheduling = false;
    let report = check::check(ws, &copts);
    let blocking: Vec<Diagnostic> = report
        .diagnostics
        .into_iter()
        .filter(|d| {
            d.severity == Severity::Error
                && (matches!(
                    d.code,
                    Code::DuplicateTaskId
                        | Code::UnknownDependency
                        | Code::DependencyCycle
                        | Code::SelfDependency
                ) || also.contains(&d.code))
        })
        .collect();
    let findings = if blocking.is_empty() {
        match schedule::schedule(ws, &cx.config, &opts) {
            Ok(s) => return Ok(Ok(s)),
            Err(e) => e.findings().to_vec(),
        }
    } else {
        blocking
    };
    Ok(Err(refuse(ws, &findings, done)))
}

/// Shows the findings that stop a computation (the first few) and
/// returns exit code 1.
pub(crate) fn refuse(ws: &Workspace, findings: &[Diagnostic], done: &str) -> ExitCode {
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
        "{} the plans cannot be {done} until {} fixed",
        paint(ERR, "error:"),
        if findings.len() == 1 {
            "this is"
        } else {
            "these are"
        }
    );
    ExitCode::from(1)
}

/// How many blocking findings `schedule` shows: a plan with thousands of
/// broken rows needs the first few, not all.
const SHOWN: usize = 20;

fn source(s: DateSource) -> &'static str {
    match s {
        DateSource::Option => "--start",
        DateSource::FrontMatter => "front matter",
        DateSource::Config => "planmark.toml",
        DateSource::Timeframe => "the Timeframe line",
        DateSource::Today => "today: no start date is given",
    }
}

pub(crate) fn schedule(cx: &Context, a: &ScheduleArgs) -> anyhow::Result<ExitCode> {
    let ws = cx.load(&a.paths)?;
    let s = match compute(cx, &ws, &a.scheduling)? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    match a.format {
        ScheduleFormat::Json => output::json(&s)?,
        ScheduleFormat::Csv => output::raw(&csv(&s)?)?,
        ScheduleFormat::Table => output::print(&table(&s, ws.documents.len() > 1))?,
    }
    let late = s.deadline.as_ref().is_some_and(|d| d.late_days > 0);
    let code = finish(ws);
    Ok(if late { ExitCode::from(1) } else { code })
}

fn csv(s: &Schedule) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "plan",
        "id",
        "title",
        "status",
        "start",
        "finish",
        "start_day",
        "finish_day",
        "slack_days",
        "critical",
        "resources",
    ])?;
    for t in &s.tasks {
        w.write_record([
            t.plan.as_str(),
            &t.id,
            &t.title,
            t.status.as_str(),
            &t.start.to_string(),
            &t.finish.to_string(),
            &t.start_day.to_string(),
            &t.finish_day.to_string(),
            &t.slack_days.to_string(),
            if t.critical { "true" } else { "false" },
            &t.resources.join(" "),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// `1 working day`, `3 working days`.
fn tasks(n: usize) -> String {
    if n == 1 {
        "1 task".into()
    } else {
        format!("{n} tasks")
    }
}

pub(crate) fn days(n: i64) -> String {
    if n == 1 {
        "1 working day".to_owned()
    } else {
        format!("{n} working days")
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

fn table(s: &Schedule, many: bool) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header([
        "Task",
        "Title",
        "Start",
        "Finish",
        "Days",
        "Slack",
        "Resources",
    ]);
    for x in &s.tasks {
        let id = if many {
            let stem = std::path::Path::new(&x.plan)
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            format!("{stem}#{}", x.id)
        } else {
            x.id.clone()
        };
        let id = if x.critical { format!("{id} *") } else { id };
        t.add_row([
            id,
            x.title.clone(),
            x.start.to_string(),
            x.finish.to_string(),
            (x.finish_day - x.start_day).to_string(),
            if x.status.is_closed() {
                x.status.as_str().to_owned()
            } else {
                format!("{}", x.slack_days)
            },
            x.resources.join(", "),
        ]);
    }
    let mut out = format!("{t}\n");
    out.push_str(&paint(DIM, "* critical: no slack\n"));
    out.push_str(&verdict(s));
    out
}

pub(crate) fn why(cx: &Context, a: &WhyArgs) -> anyhow::Result<ExitCode> {
    let ws = cx.load(&a.paths)?;
    let (di, ti) = crate::track::find(&ws, &Links::new(&ws), &a.id)?;
    let s = match compute(cx, &ws, &a.scheduling)? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let Some(index) = s
        .tasks
        .iter()
        .position(|t| t.plan == ws.documents[di].path && t.id == ws.documents[di].tasks[ti].id)
    else {
        anyhow::bail!("`{}` is not on the timeline", a.id);
    };
    let e = schedule::explain(&ws, &s, index);
    if a.format == Format::Json {
        output::json(&e)?;
        return Ok(finish(ws));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}: {} → {}",
        paint(BOLD, format!("{} {}", e.id, e.title)),
        if e.critical { "(critical)" } else { "" },
        e.start,
        e.finish
    );
    out.push_str("Starts then because:\n");
    for r in &e.reasons {
        let _ = writeln!(out, "  - {r}");
    }
    if !e.holds_back.is_empty() {
        let ids: Vec<String> = e.holds_back.iter().map(|h| format!("`{}`", h.1)).collect();
        let _ = writeln!(out, "It holds back {}.", ids.join(", "));
    }
    let _ = writeln!(out, "Finish: {}.", e.finish_effect);
    output::print(&out)?;
    Ok(finish(ws))
}
