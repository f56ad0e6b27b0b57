//! `planmark check`: run the rules, render the findings, apply the fixes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{anyhow, bail};
use planmark::check::{self, Level, Options, RealFiles, Report, render};
use planmark::diag::{Code, Diagnostic, Replacement};
use planmark::model::Workspace;

use crate::args::{CheckArgs, CheckFormat};
use crate::commands::Context;
use crate::output;

/// Reads `--today`, default the current date.
pub(crate) fn today(arg: Option<&str>) -> anyhow::Result<jiff::civil::Date> {
    match arg {
        None => Ok(jiff::Zoned::now().date()),
        Some(s) => s
            .trim()
            .parse()
            .map_err(|_| anyhow!("--today: `{s}` is not a date (write YYYY-MM-DD)")),
    }
}

/// The options from planmark.toml and the command line.
pub(crate) fn options(cx: &Context, a: &CheckArgs) -> anyhow::Result<Options> {
    let mut opts = Options::from_config(&cx.config.check, today(a.today.as_deref())?, cx.work)
        .with_project(&cx.config);
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
    let opts = options(cx, a)?;
    let mut ws = cx.load(&a.paths)?;
    let mut report = check::check_with(&ws, &opts, &RealFiles);
    if a.fix {
        let changed = fix(cx, &ws, &report, a.dry_run)?;
        if a.dry_run {
            return Ok(exit(&report));
        }
        if changed > 0 {
            ws = cx.load(&a.paths)?;
            report = check::check_with(&ws, &opts, &RealFiles);
        }
    }
    let text = match a.format {
        CheckFormat::Human => {
            let mut s = render::human(
                &ws,
                &report.diagnostics,
                render::Style {
                    color: true,
                    width: None,
                },
            );
            s.push_str(&render::summary(&report.diagnostics, ws.documents.len()));
            s
        }
        CheckFormat::Json => render::json(&ws, &report.diagnostics),
        CheckFormat::Sarif => render::sarif(&ws, &report.diagnostics),
        CheckFormat::Github => render::github(&ws, &report.diagnostics),
    };
    if a.format == CheckFormat::Human {
        output::print(&text)?;
    } else {
        output::raw(&text)?;
    }
    let code = exit(&report);
    std::mem::forget(ws);
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
fn fix(cx: &Context, ws: &Workspace, report: &Report, dry_run: bool) -> anyhow::Result<usize> {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in report.diagnostics.iter().filter(|d| d.fix.is_some()) {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let mut changed = 0;
    let mut notes = String::new();
    for (file, found) in by_file {
        let Some(doc) = ws.documents.iter().find(|d| d.path == file) else {
            continue;
        };
        let mut edits: Vec<Replacement> = Vec::new();
        let mut done = Vec::new();
        for d in found {
            let Some(f) = &d.fix else { continue };
            let clashes = f
                .edits
                .iter()
                .any(|e| edits.iter().any(|o| e.start < o.end && o.start < e.end));
            if clashes {
                continue;
            }
            edits.extend(f.edits.iter().cloned());
            done.push(&f.description);
        }
        let old: &str = &doc.source;
        let new = planmark::edit::apply(file, old, &edits)?;
        if new == old {
            continue;
        }
        if dry_run {
            output::raw(&planmark::edit::diff(file, old, &new))?;
        } else {
            let path = cx.root.join(file);
            planmark::edit::write_if_unchanged(&path, old.as_bytes(), new.as_bytes())?;
            for what in &done {
                let _ = writeln!(notes, "fixed {file}: {what}");
            }
        }
        changed += 1;
    }
    if dry_run {
        anstream::eprintln!(
            "{changed} file{} would change; nothing was written",
            if changed == 1 { "" } else { "s" }
        );
    } else if changed == 0 {
        anstream::eprintln!("nothing to fix");
    } else {
        anstream::eprint!("{notes}");
    }
    Ok(changed)
}
