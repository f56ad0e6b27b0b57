//! `sync github`: tasks as GitHub issues, both ways.

use std::process::ExitCode;

use anyhow::anyhow;
use planmark::project::Project;
use planmark::sync::{self, SyncError, github as api};

use crate::args::{Format, Prefer, SyncGithubArgs};
use crate::common::{Context, date};
use crate::output::{self, DIM, ERR, WARN, paint};

/// `owner/name` from a remote URL: `git@github.com:o/r.git`,
/// `https://github.com/o/r`.
fn repo_of(url: &str) -> Option<String> {
    let url = url.trim().trim_end_matches('/').trim_end_matches(".git");
    let tail = url
        .rsplit_once(':')
        .filter(|(h, _)| h.contains('@') && !h.contains("//"))
        .map(|(_, t)| t)
        .or_else(|| {
            url.split("://")
                .nth(1)
                .and_then(|r| r.split_once('/'))
                .map(|(_, t)| t)
        })?;
    let mut parts = tail.rsplit('/');
    let name = parts.next()?;
    let owner = parts.next()?;
    (!owner.is_empty() && !name.is_empty()).then(|| format!("{owner}/{name}"))
}

/// The `origin` remote's repository.
fn origin(root: &std::path::Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["remote", "get-url", "origin"])
        .current_dir(root)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| repo_of(&String::from_utf8_lossy(&out.stdout)))
        .flatten()
}

/// Where the ETags of the last run's reads are kept, per API and
/// repository: `$XDG_CACHE_HOME/planmark/` (or `~/.cache/planmark/`).
fn etag_cache(api: &str, repo: &str) -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))?;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{api} {repo}").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    Some(base.join("planmark").join(format!("github-{h:016x}.json")))
}

pub(crate) fn github(cx: &Context, a: &SyncGithubArgs) -> anyhow::Result<ExitCode> {
    let cfg = cx.project.config().sync.github.clone();
    let repo = a
        .repo
        .clone()
        .or(cfg.repo.clone())
        .or_else(|| origin(cx.root()))
        .ok_or_else(|| {
            anyhow!("which repository? give --repo OWNER/NAME, or `repo` under [sync.github] in planmark.toml")
        })?;
    if repo.split('/').count() != 2 || repo.split('/').any(str::is_empty) {
        return Err(anyhow!("--repo `{repo}`: write it as OWNER/NAME"));
    }
    let api = a
        .api_url
        .clone()
        .or(cfg.api_url.clone())
        .unwrap_or_else(|| "https://api.github.com".to_owned());
    let Ok(token) = api::token() else {
        anstream::eprintln!(
            "{}: no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), or log in with `gh auth login`; it needs the `repo` scope, or Issues read and write",
            paint(ERR, "error")
        );
        return Ok(ExitCode::from(2));
    };
    let mut pace = api::Pace::default();
    if let Some(ms) = cfg.pace_ms {
        pace.writes = std::time::Duration::from_millis(ms);
    }
    if let Some(ms) = cfg.retry_ms {
        pace.backoff = std::time::Duration::from_millis(ms);
    }
    let mut client = api::Client::new(&api, &repo, token, pace);
    let cache = etag_cache(&api, &repo);
    if let Some(kept) = cache
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
    {
        client.remember(kept);
    }
    let project = Project::open(cx.root())?.with_paths(a.paths.clone());
    let opts = sync::Options {
        direction: if a.pull {
            sync::Direction::Pull
        } else if a.push {
            sync::Direction::Push
        } else {
            sync::Direction::Both
        },
        pull_fields: a.pull_fields,
        prefer: match a.prefer {
            Prefer::Plan => sync::Prefer::Plan,
            Prefer::Github => sync::Prefer::Tracker,
        },
        dry_run: a.dry_run,
        today: date(a.today.as_deref(), "--today")?.unwrap_or_else(|| jiff::Zoned::now().date()),
    };
    let report = match sync::github(&project, &mut client, &repo, &opts) {
        Ok(r) => r,
        Err(SyncError::Api(e)) => {
            anstream::eprintln!("{}: {e}", paint(ERR, "error"));
            let c = client.counts;
            anstream::eprintln!(
                "{}",
                paint(
                    DIM,
                    format!(
                        "{} reads, {} writes before it stopped; what was written stays, and running again finishes the work",
                        c.reads, c.writes
                    )
                )
            );
            return Ok(ExitCode::from(if e.is_auth() { 2 } else { 1 }));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(p) = &cache
        && !report.dry_run
    {
        // Best effort: without it the next run reads everything again.
        let _ = std::fs::create_dir_all(p.parent().unwrap_or(p))
            .and_then(|()| serde_json::to_vec(client.etags()).map_err(std::io::Error::other))
            .and_then(|b| std::fs::write(p, b));
    }
    if a.format == Format::Json {
        output::json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = sync::table(&report);
    let r = report.requests;
    let verb = if report.dry_run { "would make" } else { "made" };
    let summary = if report.changes.is_empty() {
        format!(
            "{repo}: {} tasks in sync, nothing to change ({} reads, {} not modified)",
            report.linked, r.reads, r.not_modified
        )
    } else {
        format!(
            "{repo}: {} tasks; {verb} {} changes ({} reads, {} writes, {} retries)",
            report.linked,
            report.changes.len(),
            r.reads,
            r.writes,
            r.retries
        )
    };
    out.push_str(&paint(DIM, summary));
    out.push('\n');
    output::print(&out)?;
    for n in &report.notes {
        anstream::eprintln!("{}: {n}", paint(WARN, "note"));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::repo_of;

    #[test]
    fn the_repository_is_read_from_the_remote() {
        for url in [
            "git@github.com:acme/shop.git",
            "https://github.com/acme/shop",
            "https://github.com/acme/shop.git\n",
            "ssh://git@github.com/acme/shop.git",
        ] {
            assert_eq!(repo_of(url).as_deref(), Some("acme/shop"), "{url}");
        }
        assert_eq!(repo_of("nonsense"), None);
    }
}
