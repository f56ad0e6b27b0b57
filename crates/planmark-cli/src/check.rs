//! `planmark check`: run the rules, render the findings, apply the fixes.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use planmark::check::{Level, Options, Report, render};
use planmark::diag::Code;
use planmark::project::Snapshot;

use crate::args::{CheckArgs, CheckFormat};
use crate::common::{Context, today};
use crate::output;

/// The options from planmark.toml and the command line.
fn options(snap: &Snapshot, a: &CheckArgs) -> anyhow::Result<Options> {
    let mut opts = snap.check_options();
    for (rules, level) in [
        (&a.allow, Level::Allow),
        (&a.warn, Level::Warn),
        (&a.deny, Level::Deny),
    ] {
        for r in rules {
            if level == Level::Deny && r.eq_ignore_ascii_case("warnings") {
                opts.deny_warnings = true;
                continue;
            }
            let Some(code) = Code::parse(r) else {
                bail!(
                    "`{r}` is not a planmark rule; name one by code (PM012) or name (ragged-table){}",
                    if level == Level::Deny {
                        ", or use `--deny warnings`"
                    } else {
                        ""
                    }
                );
            };
            opts.levels.insert(code, level);
        }
    }
    Ok(opts)
}

pub(crate) fn run(cx: &Context, a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let today = today(a.today.as_deref())?;
    let mut snap = cx.load_at(&a.paths, today)?;
    let opts = options(&snap, a)?;
    let mut report = snap.check_with(&opts);
    if a.fix {
        let changed = fix(&snap, &report, a.dry_run)?;
        if a.dry_run {
            return Ok(exit(&report));
        }
        if changed > 0 {
            snap = cx.load_at(&a.paths, today)?;
            report = snap.check_with(&opts);
        }
    }
    let ws = snap.workspace();
    let text = match a.format {
        CheckFormat::Human => {
            let mut s = render::human(
                ws,
                &report.diagnostics,
                render::Style {
                    color: true,
                    width: None,
                },
            );
            s.push_str(&render::summary(&report.diagnostics, ws.documents.len()));
            s
        }
        CheckFormat::Json => render::json(ws, &report.diagnostics),
        CheckFormat::Sarif => render::sarif(ws, &report.diagnostics),
        CheckFormat::Github => render::github(ws, &report.diagnostics),
    };
    if a.format == CheckFormat::Human {
        output::print(&text)?;
    } else {
        output::raw(&text)?;
    }
    let code = exit(&report);
    std::mem::forget(snap);
    Ok(code)
}

fn exit(report: &Report) -> ExitCode {
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Applies (or with `dry_run`, shows) every fix that does not overlap an
/// earlier one; returns the number of files changed.
fn fix(snap: &Snapshot, report: &Report, dry_run: bool) -> anyhow::Result<usize> {
    let fixed = snap.fix(&report.diagnostics, dry_run)?;
    let changed = fixed.len();
    if dry_run {
        for f in &fixed {
            output::raw(&f.diff)?;
        }
        anstream::eprintln!(
            "{changed} file{} would change; nothing was written",
            if changed == 1 { "" } else { "s" }
        );
    } else if changed == 0 {
        anstream::eprintln!("nothing to fix");
    } else {
        let mut notes = String::new();
        for f in &fixed {
            for what in &f.fixes {
                let _ = writeln!(notes, "fixed {}: {what}", f.document);
            }
        }
        anstream::eprint!("{notes}");
    }
    Ok(changed)
}
