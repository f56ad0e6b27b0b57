//! Tracking: the commands that edit plans in place (`done`, `start`,
//! `reopen`, `cancel`, `block`, `set`, `add`), all through the engine's
//! locked edit path.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use planmark::edit;
use planmark::model::Status;
use planmark::project::NewTaskRequest;

use crate::args::{AddArgs, EditArgs, Format, SetArgs};
use crate::common::{Context, finish, settle};
use crate::output::{self, DIM, paint};

/// Prints an edit's outcome: JSON (`written`, and the diff with
/// `--dry-run`), else the diff, else the human lines.
fn report(
    format: Format,
    dry_run: bool,
    mut json: serde_json::Value,
    diff: String,
    human: &str,
) -> anyhow::Result<()> {
    if format == Format::Json {
        json["written"] = (!dry_run).into();
        if dry_run {
            json["diff"] = diff.into();
        }
        return output::json(&json);
    }
    output::print(if dry_run { &diff } else { human })
}

pub(crate) fn set_status(
    cx: &Context,
    a: &EditArgs,
    to: Status,
    reason: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let snap = cx.load(&[])?;
    let ids: Vec<&str> = a.ids.iter().map(String::as_str).collect();
    let done = match settle(&snap, snap.set_status(&ids, to, reason, a.force, a.dry_run))? {
        Ok(done) => done,
        Err(code) => return Ok(code),
    };
    for &at in &done.unchanged {
        anstream::eprintln!(
            "{} `{}` is already {}",
            paint(DIM, "note:"),
            snap.task(at).id,
            to.as_str().replace('_', " ")
        );
    }
    if a.format == Format::Json {
        output::json(&done)?;
        return Ok(finish(snap));
    }
    let mut out = done.diff;
    if !a.dry_run {
        for c in &done.changes {
            let _ = writeln!(
                out,
                "{} {}  {}  {}",
                c.to.as_str().replace('_', " "),
                c.id,
                c.title,
                paint(
                    DIM,
                    format!(
                        "{}:{} (was {})",
                        c.document,
                        c.line,
                        c.from.as_str().replace('_', " ")
                    )
                )
            );
        }
    }
    output::print(&out)?;
    Ok(finish(snap))
}

pub(crate) fn set(cx: &Context, a: &SetArgs) -> anyhow::Result<ExitCode> {
    let mut pairs = Vec::new();
    for p in &a.pairs {
        let Some((k, v)) = p.split_once('=') else {
            bail!("`{p}` is not key=value (keys: owner, estimate, priority, due, depends, issue)");
        };
        let Some(attr) = edit::Attribute::parse(k) else {
            let names = edit::Attribute::ALL.map(edit::Attribute::name);
            let hint = planmark::check::did_you_mean(k, names.iter().copied())
                .map_or_else(String::new, |m| format!("; did you mean `{m}`?"));
            bail!(
                "`{k}` is not a task attribute planmark can set (owner, estimate, priority, due, depends){hint}"
            );
        };
        if v.trim().is_empty() {
            bail!("`{k}=` needs a value");
        }
        pairs.push((attr, v.trim()));
    }
    let snap = cx.load(&[])?;
    let done = snap.set_values(&a.id, &pairs, a.dry_run)?;
    let mut human = String::new();
    for c in &done.changes {
        let _ = writeln!(
            human,
            "set {} {}={}  {}",
            c.id,
            c.key,
            c.value,
            paint(DIM, format!("{}:{}", c.document, c.line))
        );
    }
    report(
        a.format,
        a.dry_run,
        serde_json::json!({ "changes": done.changes }),
        done.diff,
        &human,
    )?;
    Ok(finish(snap))
}

pub(crate) fn add(cx: &Context, a: &AddArgs) -> anyhow::Result<ExitCode> {
    let paths: Vec<std::path::PathBuf> = a.plan.iter().cloned().collect();
    let snap = cx.load(&paths)?;
    let docs = &snap.workspace().documents;
    let req = NewTaskRequest {
        title: a.title.clone(),
        // A plan named on the command line is the only one loaded.
        plan: a
            .plan
            .as_ref()
            .and_then(|_| docs.first())
            .map(|d| d.path.clone()),
        phase: a.phase.clone(),
        estimate: a.estimate.clone(),
        owner: a.owner.clone(),
        after: a.after.clone(),
    };
    let done = snap.add_task(&req, a.dry_run)?;
    let added = &done.changes[0];
    let human = format!(
        "added {} {}  {}\n",
        added.id,
        added.title,
        paint(DIM, format!("{}:{}", added.document, added.line))
    );
    let json = serde_json::json!({
        "id": added.id,
        "title": added.title,
        "document": added.document,
        "line": added.line,
        "phase": added.phase,
    });
    report(a.format, a.dry_run, json, done.diff, &human)?;
    Ok(finish(snap))
}
