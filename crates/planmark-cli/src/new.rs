//! `new` and `init`: a plan from a template, and a workspace to put it in.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use planmark::templates::{self, Builtin, Vars};

use crate::args::NewArgs;
use crate::output::{self, DIM, paint};

fn parse_now(s: &str) -> anyhow::Result<jiff::civil::DateTime> {
    let t = s.trim().replace(' ', "T");
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        return Ok(dt);
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return Ok(d.to_datetime(jiff::civil::Time::midnight()));
    }
    bail!("--now `{s}` is not a date and time; write it as 2026-11-23 14:00")
}

/// User templates: `templates/*.md` in the workspace root.
fn user_templates(root: &Path) -> Vec<(String, PathBuf)> {
    let Ok(rd) = std::fs::read_dir(root.join("templates")) else {
        return Vec::new();
    };
    let mut v: Vec<(String, PathBuf)> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter_map(|p| Some((p.file_stem()?.to_string_lossy().into_owned(), p)))
        .collect();
    v.sort();
    v
}

pub(crate) fn new(a: &NewArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    let root = planmark::workspace::find_root(&cwd);
    let user = user_templates(&root);
    if a.list {
        let mut out = String::new();
        for b in Builtin::ALL {
            let source = if user.iter().any(|(n, _)| n == b.name()) {
                "templates/ (overrides built-in)"
            } else {
                "built-in"
            };
            let _ = writeln!(
                out,
                "{:<10} {}  {}",
                b.name(),
                b.description(),
                paint(DIM, format!("[{source}]"))
            );
        }
        for (n, p) in user.iter().filter(|(n, _)| Builtin::from_name(n).is_none()) {
            let _ = writeln!(
                out,
                "{n:<10} {}  {}",
                planmark::workspace::relative(&root, p),
                paint(DIM, "[templates/]")
            );
        }
        output::print(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let name = a.template.as_deref().unwrap_or_default();
    let text = match user.iter().find(|(n, _)| n == name) {
        Some((_, p)) => std::fs::read_to_string(p)
            .with_context(|| format!("cannot read template {}", p.display()))?,
        None => match Builtin::from_name(name) {
            Some(b) => b.text().to_owned(),
            None => {
                let mut names: Vec<String> =
                    Builtin::ALL.iter().map(|b| b.name().to_owned()).collect();
                names.extend(user.iter().map(|(n, _)| n.clone()));
                bail!(
                    "no template `{name}`; available: {} (planmark new --list)",
                    names.join(", ")
                );
            }
        },
    };
    let now = match &a.now {
        Some(s) => parse_now(s)?,
        None => jiff::Zoned::now().datetime(),
    };
    let vars = Vars {
        now,
        topic: a.topic.clone(),
        scope: a.scope.clone(),
        timeframe: a.timeframe.clone(),
    };
    let doc = templates::render(&text, &vars);
    let path = match &a.output {
        Some(p) => p.clone(),
        None => root.join(vars.default_path(name)),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "{} already exists; not overwriting it (choose another --output or topic)",
                path.display()
            )
        }
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
    };
    std::io::Write::write_all(&mut f, doc.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let shown = pathdiff(&cwd, &path);
    anstream::eprintln!("created {shown} from the {name} template");
    output::print(&format!("{shown}\n"))?;
    Ok(ExitCode::SUCCESS)
}

fn pathdiff(cwd: &Path, p: &Path) -> String {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    let abs = abs
        .parent()
        .and_then(|d| d.canonicalize().ok())
        .map_or(abs.clone(), |d| d.join(abs.file_name().unwrap_or_default()));
    abs.strip_prefix(&cwd)
        .map_or_else(|_| abs.display().to_string(), |r| r.display().to_string())
}

pub(crate) fn init() -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    let path = cwd.join(planmark::config::FILE_NAME);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut f) => std::io::Write::write_all(&mut f, planmark::config::INIT.as_bytes())?,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("planmark.toml already exists; not overwriting it")
        }
        Err(e) => return Err(e).context("cannot create planmark.toml"),
    }
    std::fs::create_dir_all(cwd.join("docs/plans")).context("cannot create docs/plans")?;
    anstream::eprintln!(
        "created planmark.toml and docs/plans/; next: planmark new session \"Your topic\""
    );
    Ok(ExitCode::SUCCESS)
}
