//! `history` and `burndown`: the same days of git history, as progress
//! or as work left.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use planmark::history::{History, HistoryError};
use planmark::project::{ProjectError, Snapshot};
use planmark::render;

use crate::args::{BurndownArgs, BurndownFormat, Format, ReadArgs};
use crate::common::{Context, finish, page, today, write_file};
use crate::output::{self, DIM, paint};

pub(crate) fn history(cx: &Context, a: &ReadArgs) -> anyhow::Result<ExitCode> {
    table(cx, a, false)
}

/// The git history of the plans, or, outside git, `None` once that is said.
fn read(snap: &Snapshot) -> anyhow::Result<Option<History>> {
    match snap.history() {
        Ok(h) => Ok(Some(h)),
        Err(ProjectError::History(HistoryError::NotGit(where_))) => {
            anstream::eprintln!("history is unavailable: {where_} is not in a git repository");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn burndown(cx: &Context, a: &BurndownArgs) -> anyhow::Result<ExitCode> {
    let format = match (a.format, &a.output) {
        (Some(f), _) => f,
        (None, Some(p)) => match p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("svg") => BurndownFormat::Svg,
            Some("html" | "htm") => BurndownFormat::Html,
            _ => bail!("{}: write the burndown as .svg or .html", p.display()),
        },
        (None, None) => BurndownFormat::Table,
    };
    if matches!(format, BurndownFormat::Table | BurndownFormat::Json) {
        let read = ReadArgs {
            paths: a.paths.clone(),
            format: if format == BurndownFormat::Json {
                Format::Json
            } else {
                Format::Table
            },
        };
        return table(cx, &read, true);
    }
    let snap = cx.load_plans(&a.paths, today(a.today.as_deref())?)?;
    let Some(h) = read(&snap)? else {
        return Ok(ExitCode::from(1));
    };
    let target = snap
        .timeline()
        .map(|s| s.deadline.as_ref().map_or(s.finish, |d| d.date));
    let svg = render::burndown_svg(&h, target, cx.work().hours_per_day);
    let text = if format == BurndownFormat::Html {
        page("Burndown", &svg)
    } else {
        svg
    };
    match &a.output {
        Some(p) => write_file(p, &text)?,
        None => output::print(&text)?,
    }
    Ok(finish(snap))
}

fn table(cx: &Context, a: &ReadArgs, burndown: bool) -> anyhow::Result<ExitCode> {
    let snap = cx.load(&a.paths)?;
    let Some(h) = read(&snap)? else {
        return Ok(ExitCode::from(1));
    };
    if a.format == Format::Json {
        output::json(&h)?;
        return Ok(finish(snap));
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
        let left = output::hours(d.remaining_hours, cx.work().hours_per_day);
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
    Ok(finish(snap))
}
