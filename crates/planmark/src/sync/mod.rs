//! Tasks as tracker issues: `planmark sync github`.
//!
//! The plan stays the source of truth. Each selected task is one issue,
//! found again by a hidden key in the issue's body
//! (`<!-- planmark:v1 plan=<path> task=<id> -->`) that does not depend on
//! the title, so a renamed task keeps its issue and two plans with the
//! same ids keep theirs apart. Issues are listed through the REST list
//! (open and closed, every page), never the search API, which lags behind
//! a create: a run that was killed half-way and runs again finds what it
//! made and creates nothing twice.
//!
//! Push writes what the plan says: title, a block of details in the body
//! (text outside it is never touched), labels, milestone, assignees and
//! open/closed. The issue's number is written back into the plan in the
//! task's own form. Pull reads what changed on the tracker since the last
//! sync (the block records what was pushed): an issue closed as completed
//! ticks the task, closed as not planned cancels it, reopened reopens it.
//! When both sides changed, the plan wins (or the tracker, when asked) and
//! the conflict is reported.

pub mod github;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use crate::config::GithubSyncConfig;
use crate::edit::Attribute;
use crate::model::{Document, PriorityLevel, Status, Task};
use crate::project::{Project, ProjectError, Snapshot};
use github::{ApiError, Client};

/// Why a sync stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The API refused or failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The plans could not be read or written.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// `[sync.github]` or the options say something that cannot be done.
    #[error("{0}")]
    Config(String),
}

/// Which way to sync, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Push, pull or both.
    pub direction: Direction,
    /// Also pull changed assignees into owners.
    pub pull_fields: bool,
    /// Who wins when both sides changed since the last sync.
    pub prefer: Prefer,
    /// Say what would change; change nothing.
    pub dry_run: bool,
    /// The day the plans are read at.
    pub today: Date,
}

/// Which way a sync goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Pull what changed on the tracker, then push the plan.
    Both,
    /// Only write the plan to the tracker.
    Push,
    /// Only read the tracker into the plan.
    Pull,
}

impl Direction {
    fn pushes(self) -> bool {
        self != Direction::Pull
    }

    fn pulls(self) -> bool {
        self != Direction::Push
    }
}

/// Who wins when a task and its issue both changed since the last sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// The plan (the default: it is the source of truth).
    Plan,
    /// The tracker.
    Tracker,
}

/// One change, made or (with `dry_run`) to make.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// `create`, `update`, `close`, `reopen`, `label`, `milestone`,
    /// `write-back`, `pull`, `conflict`.
    pub action: &'static str,
    /// The task (`plan#id`), or the label or milestone.
    pub target: String,
    /// The issue, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<u64>,
    /// What changes.
    pub detail: String,
}

/// What a sync did.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The repository.
    pub repo: String,
    /// Nothing was changed.
    pub dry_run: bool,
    /// Every change, in order.
    pub changes: Vec<Change>,
    /// What was left as it is, and why (an owner without a login, a
    /// title changed on the tracker, a conflict).
    pub notes: Vec<String>,
    /// Tasks in sync, issues linked.
    pub linked: usize,
    /// The requests made.
    pub requests: github::Counts,
}

/// The marker that opens planmark's block in an issue body.
const OPEN: &str = "<!-- planmark:v1 ";
/// The marker that closes it.
const CLOSE: &str = "<!-- /planmark -->";

/// A task's key in an issue body.
fn key(plan: &str, id: &str) -> String {
    format!("plan={} task={}", enc(plan), enc(id))
}

/// Spaces and `-->` cannot stand in the key: they are escaped.
fn enc(s: &str) -> String {
    s.replace('%', "%25")
        .replace(' ', "%20")
        .replace('>', "%3E")
        .replace('\n', "%0A")
}

/// What an issue body's block says: its key and what was last synced.
#[derive(Debug, Clone, Default, PartialEq)]
struct Block {
    key: String,
    status: Option<Status>,
    title: Option<String>,
    assignees: Option<String>,
    /// Where the block is in the body (start, end).
    at: (usize, usize),
}

fn parse_block(body: &str) -> Option<Block> {
    let start = body.find(OPEN)?;
    let head_end = start + body[start..].find("-->")?;
    let key = body[start + OPEN.len()..head_end].trim().to_owned();
    let end = body[head_end..]
        .find(CLOSE)
        .map_or(body.len(), |i| head_end + i + CLOSE.len());
    let inside = &body[start..end];
    let mut b = Block {
        key,
        at: (start, end),
        ..Block::default()
    };
    if let Some(i) = inside.find("<!-- planmark:synced ") {
        let rest = &inside[i + 21..];
        let rest = &rest[..rest.find("-->").unwrap_or(rest.len())];
        for kv in rest.split_whitespace() {
            match kv.split_once('=') {
                Some(("status", v)) => b.status = status(v),
                Some(("title", v)) => b.title = Some(v.to_owned()),
                Some(("assignees", v)) => b.assignees = Some(v.to_owned()),
                _ => {}
            }
        }
    }
    Some(b)
}

fn status(s: &str) -> Option<Status> {
    Some(match s {
        "todo" => Status::Todo,
        "in_progress" => Status::InProgress,
        "blocked" => Status::Blocked,
        "done" => Status::Done,
        "cancelled" => Status::Cancelled,
        _ => return None,
    })
}

/// A short, stable fingerprint (FNV-1a): to tell whether a title was
/// changed on the tracker without storing it twice.
fn hash(s: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

/// Open, done or cancelled: what an issue's state can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Open,
    Done,
    Cancelled,
}

fn class(s: Status) -> Class {
    match s {
        Status::Done => Class::Done,
        Status::Cancelled => Class::Cancelled,
        _ => Class::Open,
    }
}

fn issue_class(issue: &Value) -> Class {
    if issue["state"] == "closed" {
        if issue["state_reason"] == "not_planned" {
            Class::Cancelled
        } else {
            Class::Done
        }
    } else {
        Class::Open
    }
}

/// What the plan says an issue should be.
#[derive(Debug, Clone)]
struct Desired {
    title: String,
    block: String,
    labels: Vec<String>,
    /// The milestone's title and due date.
    milestone: Option<(String, Option<Date>)>,
    assignees: Vec<String>,
    class: Class,
}

fn label_name(s: &str) -> String {
    s.chars().take(50).collect::<String>().trim().to_owned()
}

fn priority_label(p: PriorityLevel) -> String {
    format!("priority: {}", p.as_str())
}

/// Whether planmark made label `l` (and may take it off again).
fn ours(l: &str) -> bool {
    l.starts_with("phase: ") || l.starts_with("priority: ")
}

/// Syncs the selected tasks of `project` with the repository `client`
/// speaks to.
///
/// # Errors
///
/// When the API refuses (a bad token: [`ApiError::is_auth`]), or a plan
/// cannot be read or written.
pub fn github(
    project: &Project,
    client: &mut Client,
    repo: &str,
    opts: &Options,
) -> Result<Report, SyncError> {
    let cfg = project.config().sync.github.clone();
    if let Some(bad) = cfg.statuses.iter().find(|s| status(s).is_none()) {
        return Err(SyncError::Config(format!(
            "planmark.toml: [sync.github] statuses: `{bad}` is not a status (todo, in_progress, blocked, done, cancelled)"
        )));
    }
    let mut run = Run {
        project,
        client,
        opts,
        cfg,
        snap: project.refresh(opts.today)?.snapshot,
        report: Report {
            repo: repo.to_owned(),
            dry_run: opts.dry_run,
            changes: Vec::new(),
            notes: Vec::new(),
            linked: 0,
            requests: github::Counts::default(),
        },
        labels: HashSet::new(),
        milestones: HashMap::new(),
    };
    run.sync()?;
    run.report.requests = run.client.counts;
    Ok(run.report)
}

struct Run<'a> {
    project: &'a Project,
    client: &'a mut Client,
    opts: &'a Options,
    cfg: GithubSyncConfig,
    snap: std::sync::Arc<Snapshot>,
    report: Report,
    /// Label names in the repository, lower case.
    labels: HashSet<String>,
    /// Milestones by title: number and due date (`YYYY-MM-DD`).
    milestones: HashMap<String, (u64, Option<String>)>,
}

impl Run<'_> {
    fn change(&mut self, action: &'static str, target: String, issue: Option<u64>, detail: String) {
        self.report.changes.push(Change {
            action,
            target,
            issue,
            detail,
        });
    }

    fn sync(&mut self) -> Result<(), SyncError> {
        let issues: Vec<Value> = self
            .client
            .list("/issues?state=all")?
            .into_iter()
            .filter(|i| i.get("pull_request").is_none())
            .collect();
        // Issues by key; when someone copied a block, the oldest keeps it.
        let mut by_key: HashMap<String, Value> = HashMap::new();
        let mut by_number: HashMap<u64, Value> = HashMap::new();
        let mut sorted = issues;
        sorted.sort_by_key(|i| i["number"].as_u64().unwrap_or(0));
        for i in sorted {
            let n = i["number"].as_u64().unwrap_or(0);
            if let Some(b) = i["body"].as_str().and_then(parse_block) {
                if let Some(first) = by_key.get(&b.key) {
                    self.report.notes.push(format!(
                        "issue #{n} repeats the key of #{}; #{n} is left alone",
                        first["number"]
                    ));
                } else {
                    by_key.insert(b.key.clone(), i.clone());
                }
            }
            by_number.insert(n, i);
        }
        if self.cfg.labels.unwrap_or(true) {
            self.labels = self
                .client
                .list("/labels")?
                .iter()
                .filter_map(|l| l["name"].as_str().map(str::to_lowercase))
                .collect();
        }
        if self.cfg.milestones.unwrap_or(true) {
            for m in self.client.list("/milestones?state=all")? {
                if let (Some(t), Some(n)) = (m["title"].as_str(), m["number"].as_u64()) {
                    let due = m["due_on"].as_str().map(|d| d.chars().take(10).collect());
                    self.milestones.insert(t.to_owned(), (n, due));
                }
            }
        }

        // The tasks to sync, with the issue each has.
        let mut work: Vec<(String, String, Option<Value>)> = Vec::new();
        let mut claimed: HashSet<u64> = HashSet::new();
        for d in &self.snap.workspace().documents {
            for t in &d.tasks {
                let k = key(&d.path, &t.id);
                let mut found = by_key.get(&k).cloned();
                // A number written in the plan, for an issue without a key
                // (linked by hand) or whose task is gone (its id changed).
                if found.is_none()
                    && let Some(n) = t.issue
                    && let Some(i) = by_number.get(&n)
                {
                    let free = i["body"]
                        .as_str()
                        .and_then(parse_block)
                        .is_none_or(|b| !self.key_exists(&b.key));
                    if free {
                        found = Some(i.clone());
                    }
                }
                if let Some(i) = &found {
                    let n = i["number"].as_u64().unwrap_or(0);
                    if !claimed.insert(n) {
                        found = None;
                    }
                }
                if found.is_some() || self.selected(d, t) {
                    work.push((d.path.clone(), t.id.clone(), found));
                }
            }
        }

        // Pull first: what changed on the tracker lands in the plan, and
        // the push then writes what the plan says now.
        if self.opts.direction.pulls() {
            for (plan, id, issue) in &work {
                if let Some(i) = issue {
                    self.pull(plan, id, i)?;
                }
            }
        }
        if !self.opts.direction.pushes() {
            self.report.linked = work.iter().filter(|w| w.2.is_some()).count();
            return Ok(());
        }
        // Create what is missing first, so that every dependency has its
        // number when the bodies are written.
        let mut numbers: HashMap<(String, String), u64> = HashMap::new();
        for (plan, id, issue) in &work {
            if let Some(n) = issue.as_ref().and_then(|i| i["number"].as_u64()) {
                numbers.insert((plan.clone(), id.clone()), n);
            }
        }
        let mut current: Vec<(String, String, Value)> = Vec::new();
        for (plan, id, issue) in work {
            let issue = match issue {
                Some(i) => i,
                None => {
                    let Some(made) = self.create(&plan, &id, &numbers)? else {
                        continue;
                    };
                    if let Some(n) = made["number"].as_u64() {
                        numbers.insert((plan.clone(), id.clone()), n);
                    }
                    made
                }
            };
            current.push((plan, id, issue));
        }
        for (plan, id, issue) in &current {
            self.update(plan, id, issue, &numbers)?;
            self.write_back(plan, id, issue["number"].as_u64())?;
        }
        self.report.linked = current.len();
        Ok(())
    }

    fn key_exists(&self, k: &str) -> bool {
        self.snap
            .workspace()
            .documents
            .iter()
            .any(|d| d.tasks.iter().any(|t| key(&d.path, &t.id) == k))
    }

    /// Whether `[sync.github]` selects task `t` of `d` (by default: the
    /// open tasks).
    fn selected(&self, d: &Document, t: &Task) -> bool {
        let c = &self.cfg;
        let plan_ok = c.plans.is_empty()
            || c.plans.iter().any(|p| {
                let p = p.trim_start_matches("./");
                d.path == p || d.path.ends_with(&format!("/{p}")) || stem(&d.path) == p
            });
        let phase_ok = c.phases.is_empty()
            || c.phases
                .iter()
                .any(|p| crate::project::phase_matches(t, d, p));
        let status_ok = if c.statuses.is_empty() {
            !t.status.is_closed()
        } else {
            c.statuses.iter().any(|s| status(s) == Some(t.status))
        };
        let tag_ok = c.tags.is_empty()
            || c.tags
                .iter()
                .any(|g| t.tags.iter().any(|x| x.eq_ignore_ascii_case(g)));
        plan_ok && phase_ok && status_ok && tag_ok
    }

    /// The task as it is now (after the edits of this run).
    fn task(&self, plan: &str, id: &str) -> Option<(&Document, &Task)> {
        let d = self
            .snap
            .workspace()
            .documents
            .iter()
            .find(|d| d.path == plan)?;
        let t = d.tasks.iter().find(|t| t.id == id)?;
        Some((d, t))
    }

    fn reread(&mut self, plan: &str) -> Result<(), SyncError> {
        let file = self.project.root().join(plan);
        self.snap = self.project.changed(&[file], self.opts.today)?.snapshot;
        Ok(())
    }

    fn pull(&mut self, plan: &str, id: &str, issue: &Value) -> Result<(), SyncError> {
        let Some((_, t)) = self.task(plan, id) else {
            return Ok(());
        };
        let t = t.clone();
        let target = format!("{plan}#{id}");
        let number = issue["number"].as_u64();
        let Some(block) = issue["body"].as_str().and_then(parse_block) else {
            return Ok(());
        };
        let Some(synced) = block.status else {
            return Ok(());
        };
        let tracker = issue_class(issue);
        let plan_now = class(t.status);
        let tracker_changed = tracker != class(synced);
        let plan_changed = plan_now != class(synced);
        let title_now = t.title.clone();
        if tracker_changed && tracker != plan_now {
            let take = !plan_changed || self.opts.prefer == Prefer::Tracker;
            if plan_changed {
                self.change(
                    "conflict",
                    target.clone(),
                    number,
                    format!(
                        "both changed: the plan says {}, the issue is {}; {} wins{}",
                        t.status.label(),
                        describe(tracker),
                        if take { "the tracker" } else { "the plan" },
                        if take {
                            ""
                        } else {
                            " (--prefer github to flip)"
                        }
                    ),
                );
            }
            if take {
                let to = match tracker {
                    Class::Done => Status::Done,
                    Class::Cancelled => Status::Cancelled,
                    Class::Open => Status::Todo,
                };
                self.change(
                    "pull",
                    target.clone(),
                    number,
                    format!(
                        "{} → {} (issue {})",
                        t.status.label(),
                        to.label(),
                        describe(tracker)
                    ),
                );
                if !self.opts.dry_run {
                    let q = format!("{plan}#{id}");
                    self.snap.set_status(&[q.as_str()], to, None, true, false)?;
                    self.reread(plan)?;
                }
            }
        }
        // Titles and assignees changed on the tracker: said, not pulled.
        if let (Some(h), Some(now)) = (&block.title, issue["title"].as_str())
            && hash(now) != *h
        {
            self.report.notes.push(format!(
                "{target}: the title of #{} was changed on GitHub to \"{now}\"; the plan's \"{title_now}\" is kept there (rename the task to keep GitHub's)",
                number.unwrap_or(0)
            ));
        }
        if let Some(synced) = &block.assignees {
            let now = logins(issue);
            if now.join(",") != *synced {
                if self.opts.pull_fields && !self.opts.dry_run {
                    let owners: Vec<String> = now
                        .iter()
                        .map(|l| {
                            self.cfg
                                .users
                                .iter()
                                .find(|(_, v)| v.eq_ignore_ascii_case(l))
                                .map_or_else(|| l.clone(), |(k, _)| k.clone())
                        })
                        .collect();
                    if let Some(first) = owners.first() {
                        let q = format!("{plan}#{id}");
                        self.snap.set_values(
                            &q,
                            &[(Attribute::Owner, &format!("@{first}"))],
                            false,
                        )?;
                        self.reread(plan)?;
                        self.change("pull", target, number, format!("owner @{first}"));
                    }
                } else {
                    self.report.notes.push(format!(
                        "{target}: the assignees of #{} were changed on GitHub ({}); not pulled (--pull-fields to pull them)",
                        number.unwrap_or(0),
                        if now.is_empty() { "none".to_owned() } else { now.join(", ") }
                    ));
                }
            }
        }
        Ok(())
    }

    /// What the plan says task `plan#id`'s issue should be.
    fn desired(
        &mut self,
        plan: &str,
        id: &str,
        numbers: &HashMap<(String, String), u64>,
    ) -> Option<Desired> {
        let (d, t) = self.task(plan, id)?;
        let (d, t) = (d.clone(), t.clone());
        let template = self
            .cfg
            .title
            .clone()
            .unwrap_or_else(|| "{title}".to_owned());
        let title = template
            .replace("{id}", &t.id)
            .replace("{title}", &t.title)
            .replace("{plan}", &stem(&d.path))
            .replace("{phase}", t.phase.as_deref().unwrap_or(""))
            .trim()
            .to_owned();
        let mut labels = Vec::new();
        let mut milestone = None;
        if self.cfg.labels.unwrap_or(true) {
            if let Some(p) = &t.phase {
                labels.push(label_name(&format!("phase: {p}")));
            }
            if let Some(l) = t.priority.as_ref().and_then(|p| p.level) {
                labels.push(priority_label(l));
            }
            for g in &t.tags {
                labels.push(label_name(g));
            }
        }
        if self.cfg.milestones.unwrap_or(true) {
            milestone = self.milestone_of(&d, &t);
        }
        let mut assignees = Vec::new();
        for r in &t.resources {
            match self
                .cfg
                .users
                .iter()
                .find(|(k, _)| k.trim_start_matches('@').eq_ignore_ascii_case(&r.name))
            {
                Some((_, login)) => assignees.push(login.trim_start_matches('@').to_owned()),
                None => {
                    let note = format!(
                        "owner @{} of {plan}#{id} has no GitHub login in [sync.github.users]; not assigned",
                        r.name
                    );
                    if !self.report.notes.contains(&note) {
                        self.report.notes.push(note);
                    }
                }
            }
        }
        assignees.sort();
        assignees.dedup();
        // The details.
        let mut b = String::new();
        let _ = writeln!(b, "{OPEN}{} -->", key(plan, id));
        let _ = write!(
            b,
            "Task **{}** of [{plan}](../blob/HEAD/{}#L{})",
            t.id,
            enc(plan),
            t.origin.span.line
        );
        if let Some(p) = &t.phase {
            let _ = write!(b, ", {p}");
        }
        b.push_str(".\n\n");
        if let Some(e) = &t.estimate {
            let _ = writeln!(b, "- Estimate: {}", e.text());
        }
        if !t.resources.is_empty() {
            let owners: Vec<String> = t.resources.iter().map(|r| format!("@{r}")).collect();
            let _ = writeln!(
                b,
                "- Owner: {}",
                owners.join(", ").replace('@', "@\u{200b}")
            );
        }
        if let Some(p) = &t.priority {
            let _ = writeln!(b, "- Priority: {}", p.text);
        }
        if let Some(due) = t.due {
            let _ = writeln!(b, "- Due: {due}");
        }
        if !t.dependencies.is_empty() {
            let deps: Vec<String> = t
                .dependencies
                .iter()
                .map(|x| {
                    let (p, i) = match x.target.split_once('#') {
                        Some((p, i)) => (
                            self.plan_path(p).unwrap_or_else(|| p.to_owned()),
                            i.to_owned(),
                        ),
                        None => (plan.to_owned(), x.target.clone()),
                    };
                    match numbers.get(&(p, i)) {
                        Some(n) => format!("#{n} ({})", x.text.trim()),
                        None => x.text.trim().to_owned(),
                    }
                })
                .collect();
            let _ = writeln!(b, "- Depends on: {}", deps.join(", "));
        }
        let _ = writeln!(
            b,
            "\n<!-- planmark:synced status={} title={} assignees={} -->",
            t.status.as_str(),
            hash(&title),
            assignees.join(",")
        );
        b.push_str(CLOSE);
        Some(Desired {
            title,
            block: b,
            labels,
            milestone,
            assignees,
            class: class(t.status),
        })
    }

    fn plan_path(&self, stem_or_path: &str) -> Option<String> {
        self.snap
            .workspace()
            .documents
            .iter()
            .find(|d| d.path == stem_or_path || stem(&d.path) == stem_or_path)
            .map(|d| d.path.clone())
    }

    fn ensure_labels(&mut self, labels: &[String]) -> Result<(), SyncError> {
        for l in labels {
            if self.labels.contains(&l.to_lowercase()) {
                continue;
            }
            let color = if l.starts_with("phase: ") {
                "c5def5"
            } else if l.starts_with("priority: ") {
                "fbca04"
            } else {
                "ededed"
            };
            self.change("label", l.clone(), None, "create the label".to_owned());
            if !self.opts.dry_run {
                self.client
                    .write("POST", "/labels", &json!({ "name": l, "color": color }))?;
            }
            self.labels.insert(l.to_lowercase());
        }
        Ok(())
    }

    /// The milestone's number, made or moved to the phase's scheduled end.
    fn ensure_milestone(
        &mut self,
        title: &str,
        due: Option<Date>,
    ) -> Result<Option<u64>, SyncError> {
        let due = due.map(|d| d.to_string());
        match self.milestones.get(title).cloned() {
            Some((n, have)) => {
                if due.is_some() && have != due {
                    let on = due.clone().unwrap_or_default();
                    self.change("milestone", title.to_owned(), None, format!("due {on}"));
                    if !self.opts.dry_run {
                        self.client.write(
                            "PATCH",
                            &format!("/milestones/{n}"),
                            &json!({ "due_on": format!("{on}T00:00:00Z") }),
                        )?;
                    }
                    self.milestones.insert(title.to_owned(), (n, due));
                }
                Ok(Some(n))
            }
            None => {
                self.change(
                    "milestone",
                    title.to_owned(),
                    None,
                    format!(
                        "create{}",
                        due.as_ref().map_or(String::new(), |d| format!(", due {d}"))
                    ),
                );
                if self.opts.dry_run {
                    self.milestones.insert(title.to_owned(), (0, due));
                    return Ok(None);
                }
                let mut body = json!({ "title": title });
                if let Some(d) = &due {
                    body["due_on"] = json!(format!("{d}T00:00:00Z"));
                }
                let m = self.client.write("POST", "/milestones", &body)?;
                let n = m["number"].as_u64().unwrap_or(0);
                self.milestones.insert(title.to_owned(), (n, due));
                Ok(Some(n))
            }
        }
    }

    /// The milestone task `t` of `d` counts towards: the plan's milestone
    /// that closes its phase (or names it), else its phase; with the date
    /// the schedule gives it.
    fn milestone_of(&self, d: &Document, t: &Task) -> Option<(String, Option<Date>)> {
        let timeline = self.snap.timeline();
        let closing = d.milestones.iter().find(|m| {
            m.after
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&t.id) || crate::project::phase_matches(t, d, a))
        });
        if let Some(m) = closing {
            let due = timeline
                .and_then(|s| {
                    s.milestones
                        .iter()
                        .find(|x| x.plan == d.path && x.id == m.id)
                })
                .map(|x| x.date)
                .or(m.target);
            return Some((format!("{}: {}", stem(&d.path), m.title), due));
        }
        let phase = t.phase.as_deref()?;
        let due = timeline.and_then(|s| {
            s.tasks
                .iter()
                .filter(|x| x.plan == d.path && x.phase.as_deref() == Some(phase))
                .map(|x| x.finish)
                .max()
        });
        Some((format!("{}: {phase}", stem(&d.path)), due))
    }

    fn create(
        &mut self,
        plan: &str,
        id: &str,
        numbers: &HashMap<(String, String), u64>,
    ) -> Result<Option<Value>, SyncError> {
        let Some(want) = self.desired(plan, id, numbers) else {
            return Ok(None);
        };
        self.ensure_labels(&want.labels)?;
        let milestone = match &want.milestone {
            Some((m, due)) => self.ensure_milestone(m, *due)?,
            None => None,
        };
        let target = format!("{plan}#{id}");
        self.change("create", target, None, want.title.clone());
        if self.opts.dry_run {
            return Ok(Some(
                json!({ "number": null, "title": want.title, "body": want.block,
                "labels": want.labels.iter().map(|l| json!({ "name": l })).collect::<Vec<_>>(),
                "assignees": want.assignees.iter().map(|l| json!({ "login": l })).collect::<Vec<_>>(),
                "milestone": null, "state": "open" }),
            ));
        }
        let mut body = json!({
            "title": want.title,
            "body": want.block,
            "labels": want.labels,
            "assignees": want.assignees,
        });
        if let Some(m) = milestone {
            body["milestone"] = json!(m);
        }
        Ok(Some(self.client.write("POST", "/issues", &body)?))
    }

    fn update(
        &mut self,
        plan: &str,
        id: &str,
        issue: &Value,
        numbers: &HashMap<(String, String), u64>,
    ) -> Result<(), SyncError> {
        let Some(want) = self.desired(plan, id, numbers) else {
            // The task is gone from the plan: its issue is left as it is.
            return Ok(());
        };
        let number = issue["number"].as_u64();
        if number.is_none() {
            // Made by this dry run: its creation says it all.
            return Ok(());
        }
        let target = format!("{plan}#{id}");
        let mut patch = serde_json::Map::new();
        let mut what = Vec::new();
        let body = issue["body"].as_str().unwrap_or_default();
        let block = parse_block(body);
        // A title changed on the tracker (not in the plan) stays.
        let tracker_renamed = block
            .as_ref()
            .and_then(|b| b.title.clone())
            .is_some_and(|h| {
                issue["title"].as_str().is_some_and(|t| hash(t) != h) && h == hash(&want.title)
            });
        if issue["title"].as_str() != Some(want.title.as_str()) && !tracker_renamed {
            patch.insert("title".into(), json!(want.title));
            what.push(format!("title \"{}\"", want.title));
        }
        let new_body = match &block {
            Some(b) => format!("{}{}{}", &body[..b.at.0], want.block, &body[b.at.1..]),
            None if body.trim().is_empty() => want.block.clone(),
            None => format!("{}\n\n{}", body.trim_end(), want.block),
        };
        if new_body != body {
            patch.insert("body".into(), json!(new_body));
            what.push("details".to_owned());
        }
        let have: Vec<String> = issue["labels"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|l| l["name"].as_str().or_else(|| l.as_str()).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if self.cfg.labels.unwrap_or(true) {
            let mut labels: Vec<String> = have
                .iter()
                .filter(|l| !ours(l) || want.labels.iter().any(|w| w.eq_ignore_ascii_case(l)))
                .cloned()
                .collect();
            for w in &want.labels {
                if !labels.iter().any(|l| l.eq_ignore_ascii_case(w)) {
                    labels.push(w.clone());
                }
            }
            let same = labels.len() == have.len()
                && labels
                    .iter()
                    .all(|l| have.iter().any(|h| h.eq_ignore_ascii_case(l)));
            if !same {
                self.ensure_labels(&want.labels)?;
                what.push(format!("labels {}", labels.join(", ")));
                patch.insert("labels".into(), json!(labels));
            }
        }
        if let Some((m, due)) = &want.milestone {
            let n = self.ensure_milestone(m, *due)?;
            let have_m = issue["milestone"]["number"].as_u64();
            if n.is_some() && have_m != n {
                patch.insert("milestone".into(), json!(n));
                what.push(format!("milestone {m}"));
            }
        }
        let have_a = logins(issue);
        let synced_a = block.as_ref().and_then(|b| b.assignees.clone());
        let tracker_assigned =
            synced_a.is_some_and(|s| s != have_a.join(",") && s == want.assignees.join(","));
        if have_a != want.assignees && !tracker_assigned {
            patch.insert("assignees".into(), json!(want.assignees));
            what.push(format!("assignees {}", want.assignees.join(", ")));
        }
        let have_c = issue_class(issue);
        if have_c != want.class {
            let (state, reason, action) = match want.class {
                Class::Open => ("open", "reopened", "reopen"),
                Class::Done => ("closed", "completed", "close"),
                Class::Cancelled => ("closed", "not_planned", "close"),
            };
            patch.insert("state".into(), json!(state));
            patch.insert("state_reason".into(), json!(reason));
            self.change(action, target.clone(), number, reason.replace('_', " "));
        }
        if !what.is_empty() {
            self.change("update", target, number, what.join("; "));
        }
        if !patch.is_empty()
            && !self.opts.dry_run
            && let Some(n) = number
        {
            self.client
                .write("PATCH", &format!("/issues/{n}"), &Value::Object(patch))?;
        }
        Ok(())
    }

    /// Writes the issue's number into the plan, in the task's own form.
    fn write_back(&mut self, plan: &str, id: &str, number: Option<u64>) -> Result<(), SyncError> {
        let Some(n) = number else { return Ok(()) };
        let Some((_, t)) = self.task(plan, id) else {
            return Ok(());
        };
        if t.issue == Some(n) {
            return Ok(());
        }
        self.change(
            "write-back",
            format!("{plan}#{id}"),
            Some(n),
            format!("#{n} into the plan"),
        );
        if self.opts.dry_run {
            return Ok(());
        }
        let q = format!("{plan}#{id}");
        self.snap
            .set_values(&q, &[(Attribute::Issue, &format!("#{n}"))], false)?;
        self.reread(plan)
    }
}

fn describe(c: Class) -> &'static str {
    match c {
        Class::Open => "open",
        Class::Done => "closed as completed",
        Class::Cancelled => "closed as not planned",
    }
}

fn logins(issue: &Value) -> Vec<String> {
    let mut v: Vec<String> = issue["assignees"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["login"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(s, _)| s).to_owned()
}

/// The changes as a table for people.
#[must_use]
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let w = r
        .changes
        .iter()
        .map(|c| c.target.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    for c in &r.changes {
        let issue = c.issue.map_or(String::new(), |n| format!("#{n}"));
        let _ = writeln!(
            out,
            "{:<10} {:<w$} {:<6} {}",
            c.action, c.target, issue, c.detail
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_found_and_read_back() {
        let body = format!(
            "Notes by a person.\n\n{OPEN}{} -->\nTask **2.3**\n<!-- planmark:synced status=in_progress title=0a1b2c3d assignees=ana,bo -->\n{CLOSE}\nMore notes.",
            key("docs/my plan.md", "2.3")
        );
        let b = parse_block(&body).unwrap();
        assert_eq!(b.key, "plan=docs/my%20plan.md task=2.3");
        assert_eq!(b.status, Some(Status::InProgress));
        assert_eq!(b.title.as_deref(), Some("0a1b2c3d"));
        assert_eq!(b.assignees.as_deref(), Some("ana,bo"));
        assert!(body[..b.at.0].ends_with("\n\n") && body[b.at.1..].starts_with("\nMore"));
        assert_eq!(parse_block("no block here"), None);
    }

    #[test]
    fn keys_do_not_depend_on_titles_and_keep_plans_apart() {
        assert_ne!(key("a.md", "1.1"), key("b.md", "1.1"));
        assert_eq!(key("a b.md", "x y").matches(' ').count(), 1);
        assert!(!key("a.md", "x-->y").contains("-->"));
        assert_eq!(hash("Title"), hash("Title"));
        assert_ne!(hash("Title"), hash("Title 2"));
    }
}
