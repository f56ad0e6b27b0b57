//! `schedule` and `why`: the timeline of the workspace and the reasons behind it.

use std::fmt::Write as _;
use std::process::ExitCode;

use comfy_table::{ContentArrangement, Table, presets};
use planmark::schedule::{self, Schedule};

use crate::args::{Format, ScheduleArgs, ScheduleFormat, WhyArgs};
use crate::common::{Context, finish, schedule_options, settle, verdict};
use crate::output::{self, BOLD, DIM, paint};

pub(crate) fn schedule(cx: &Context, a: &ScheduleArgs) -> anyhow::Result<ExitCode> {
    let opts = schedule_options(&a.scheduling)?;
    let snap = cx.load_at(&a.paths, opts.today)?;
    let s = match settle(&snap, snap.schedule(&opts, &[], "scheduled"))? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let ws = snap.workspace();
    match a.format {
        ScheduleFormat::Json => output::json(&s)?,
        ScheduleFormat::Csv => output::raw(&csv(&s)?)?,
        ScheduleFormat::Table => output::print(&table(&s, ws.documents.len() > 1))?,
    }
    let late = s.deadline.as_ref().is_some_and(|d| d.late_days > 0);
    let code = finish(snap);
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
    let opts = schedule_options(&a.scheduling)?;
    let snap = cx.load_at(&a.paths, opts.today)?;
    let (di, ti) = snap.find(&a.id)?;
    let s = match settle(&snap, snap.schedule(&opts, &[], "scheduled"))? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let ws = snap.workspace();
    let Some(index) = s
        .tasks
        .iter()
        .position(|t| t.plan == ws.documents[di].path && t.id == ws.documents[di].tasks[ti].id)
    else {
        anyhow::bail!("`{}` is not on the timeline", a.id);
    };
    let e = schedule::explain(ws, &s, index);
    if a.format == Format::Json {
        output::json(&e)?;
        return Ok(finish(snap));
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
    Ok(finish(snap))
}
