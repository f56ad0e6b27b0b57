//! The engine: one open workspace that every front end asks.
//!
//! A [`Project`] is a workspace root with its `planmark.toml` and working
//! calendar. It loads the plans into a [`Snapshot`], which answers status,
//! tasks, check, schedule, why, forecast, history and edit requests as
//! values; the command line formats them as text, the web server as pages.
//!
//! A long-lived front end (the web server) calls [`Project::refresh`] or
//! [`Project::changed`] whenever files change: a plan whose bytes did not
//! change keeps its parse, and the findings of the rules that look at one
//! plan alone are kept with it, so a change to one plan of a large
//! workspace costs one parse plus the workspace-wide rules and schedule.
//!
//! ```no_run
//! use planmark::project::Project;
//! let project = Project::discover(std::path::Path::new("."))?;
//! let today = jiff::civil::date(2026, 12, 1);
//! let snap = project.load(&[], today)?;
//! for n in snap.next(None, 3) {
//!     println!("{}", snap.task(n.at).id);
//! }
//! # Ok::<(), planmark::project::ProjectError>(())
//! ```

mod change;
mod query;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::check::{self, Memo, RealFiles, Report};
use crate::config::{Config, ConfigError};
use crate::diag::{Code, Diagnostic, Severity};
use crate::forecast::{self, Forecast};
use crate::model::{Document, Task, WorkTime, Workspace};
use crate::schedule::{self, Schedule};
use crate::workspace::{self, LoadError};

pub use change::{Added, AttributeChange, Edit, Fixed, NewTaskRequest, StatusChange, Waiting};
pub use query::{NextTask, TaskFilter, phase_matches};

/// Why the engine could not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectError {
    /// The plans could not be listed (a missing path, a bad glob).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// `planmark.toml` could not be read.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The working calendar of `planmark.toml` is invalid.
    #[error("planmark.toml: [calendar]: {0}")]
    Calendar(String),
    /// No task has the id asked for.
    #[error("no task `{query}`{}", suggestion.as_ref().map_or(String::new(), |m| format!("; did you mean `{m}`?")))]
    NoTask {
        /// The id asked for.
        query: String,
        /// The closest id, when one is close.
        suggestion: Option<String>,
    },
    /// The id names tasks in several plans.
    #[error("`{query}` names tasks in several plans ({}); write `plan#{query}`", places.join(", "))]
    Ambiguous {
        /// The id asked for.
        query: String,
        /// `path:line` of each task it names.
        places: Vec<String>,
        /// Each task it names, as `(plan, task)` indexes.
        at: Vec<(usize, usize)>,
    },
    /// Findings stop the computation asked for (a cycle, a duplicate id,
    /// an unknown dependency).
    #[error("the plans cannot be {what} until {} fixed", if findings.len() == 1 { "this is" } else { "these are" })]
    Refused {
        /// What could not be computed, in words (`scheduled`, `forecast`).
        what: &'static str,
        /// The findings, as `check` reports them.
        findings: Vec<Diagnostic>,
    },
    /// `done` asked for tasks whose dependencies are not finished.
    #[error("not marked done: {}", waiting.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    NotReady {
        /// Each refused task with what it waits for.
        waiting: Vec<Waiting>,
    },
    /// A request that cannot be carried out as asked.
    #[error("{0}")]
    Invalid(String),
    /// The edit was refused or could not be written.
    #[error(transparent)]
    Edit(#[from] crate::edit::EditError),
    /// The history could not be read.
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
}

/// An open workspace: its root, configuration and calendar, and (for a
/// long-lived front end) the parses of its plans kept between refreshes.
#[derive(Debug)]
pub struct Project {
    root: PathBuf,
    config: Arc<Config>,
    work: WorkTime,
    /// The files and folders the project serves (empty: the whole workspace).
    paths: Vec<PathBuf>,
    state: Mutex<State>,
}

/// What a long-lived project keeps between refreshes.
#[derive(Debug, Default)]
struct State {
    /// Per file (absolute path): what was read last.
    files: HashMap<PathBuf, Cached>,
    /// The plan rules' findings per plan.
    memo: Arc<Memo>,
    /// The last snapshot and its number.
    current: Option<Arc<Snapshot>>,
    version: u64,
}

/// One file as last read.
#[derive(Debug)]
struct Cached {
    len: u64,
    modified: Option<SystemTime>,
    explicit: bool,
    parsed: workspace::Read,
}

/// What a refresh found.
#[derive(Debug, Clone)]
pub struct Update {
    /// The workspace as it is now.
    pub snapshot: Arc<Snapshot>,
    /// Plans (paths relative to the root) added, changed or removed.
    pub changed: Vec<String>,
}

impl Project {
    /// Opens the workspace rooted at `root`: reads its `planmark.toml` and
    /// working calendar.
    ///
    /// # Errors
    ///
    /// Returns an error when the configuration or calendar is invalid.
    pub fn open(root: &Path) -> Result<Project, ProjectError> {
        let config = Config::load(root)?;
        let work = schedule::Calendar::from_config(&config.calendar)
            .map_err(|e| ProjectError::Calendar(e.to_string()))?
            .work_time();
        Ok(Project {
            root: root.to_path_buf(),
            config: Arc::new(config),
            work,
            paths: Vec::new(),
            state: Mutex::new(State::default()),
        })
    }

    /// Opens the workspace that `start` is in: the nearest folder with
    /// `planmark.toml`, else the git root, else `start` itself.
    ///
    /// # Errors
    ///
    /// As [`Project::open`].
    pub fn discover(start: &Path) -> Result<Project, ProjectError> {
        Project::open(&workspace::find_root(start))
    }

    /// Serves only these files and folders (none: the whole workspace) in
    /// [`Project::refresh`].
    #[must_use]
    pub fn with_paths(mut self, paths: Vec<PathBuf>) -> Project {
        self.paths = paths;
        self
    }

    /// Numbers this project's snapshots after `version`: a project opened
    /// again (its configuration changed) continues its predecessor's count,
    /// so that a front end can tell newer from older.
    #[must_use]
    pub fn numbered_after(self, version: u64) -> Project {
        self.lock().version = version;
        self
    }

    /// The workspace root.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The configuration from `planmark.toml`.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The working time of the calendar.
    #[must_use]
    pub fn work(&self) -> WorkTime {
        self.work
    }

    /// Loads the plans `paths` name (none: the whole workspace) once,
    /// keeping nothing for later: what a command does.
    ///
    /// # Errors
    ///
    /// Returns an error when a named path does not exist or a glob in
    /// `planmark.toml` is invalid. Files that cannot be read are findings
    /// in the workspace, not errors.
    pub fn load(&self, paths: &[PathBuf], today: Date) -> Result<Snapshot, ProjectError> {
        let ws = workspace::load(&self.root, paths, &self.config)?;
        Ok(self.snapshot(ws, today, None, 0))
    }

    /// Like [`Project::load`] with a changed configuration (for example
    /// reading options for `tasks --explain`).
    ///
    /// # Errors
    ///
    /// As [`Project::load`].
    pub fn load_with(
        &self,
        paths: &[PathBuf],
        today: Date,
        config: Config,
    ) -> Result<Snapshot, ProjectError> {
        let ws = workspace::load(&self.root, paths, &config)?;
        let mut snap = self.snapshot(ws, today, None, 0);
        snap.config = Arc::new(config);
        Ok(snap)
    }

    fn snapshot(
        &self,
        ws: Workspace,
        today: Date,
        memo: Option<Arc<Memo>>,
        version: u64,
    ) -> Snapshot {
        Snapshot {
            version,
            root: self.root.clone(),
            config: self.config.clone(),
            work: self.work,
            today,
            ws,
            memo,
            timeline: OnceLock::new(),
            report: OnceLock::new(),
            forecast: OnceLock::new(),
        }
    }

    /// The last snapshot [`Project::refresh`] or [`Project::changed`] made.
    #[must_use]
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        self.lock().current.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Lists the served files again and re-reads those whose size or time
    /// of change differ from the last read; a file whose bytes are the same
    /// keeps its parse.
    ///
    /// # Errors
    ///
    /// As [`Project::load`].
    pub fn refresh(&self, today: Date) -> Result<Update, ProjectError> {
        self.update(today, None)
    }

    /// Re-reads the files named (what a file watcher reports), whatever
    /// their time of change says, and lists the served files again only
    /// when one of them appeared or went away.
    ///
    /// # Errors
    ///
    /// As [`Project::load`].
    pub fn changed(&self, files: &[PathBuf], today: Date) -> Result<Update, ProjectError> {
        self.update(today, Some(files))
    }

    fn update(&self, today: Date, touched: Option<&[PathBuf]>) -> Result<Update, ProjectError> {
        let mut st = self.lock();
        // A watcher's report about files already known (and still there)
        // needs no new listing: only those files are looked at.
        let relist = match touched {
            Some(files) if st.current.is_some() => files
                .iter()
                .any(|f| !st.files.contains_key(f) || !f.is_file()),
            _ => true,
        };
        let listing: Vec<(PathBuf, bool)> = if relist {
            let paths: Vec<PathBuf> = self.paths.iter().map(|p| self.root.join(p)).collect();
            workspace::files(&self.root, &paths, &self.config)?
        } else {
            st.files
                .iter()
                .map(|(p, c)| (p.clone(), c.explicit))
                .collect()
        };
        let forced: std::collections::HashSet<&Path> = touched
            .unwrap_or_default()
            .iter()
            .map(PathBuf::as_path)
            .collect();
        let candidates: Vec<(PathBuf, bool)> = if relist {
            listing.clone()
        } else {
            listing
                .iter()
                .filter(|(p, _)| forced.contains(p.as_path()))
                .cloned()
                .collect()
        };
        // What to read again: new files, forced ones, and those whose
        // size or time of change moved.
        let stale: Vec<(PathBuf, bool, Option<std::fs::Metadata>)> = candidates
            .into_par_iter()
            .filter_map(|(p, explicit)| {
                let meta = std::fs::metadata(&p).ok();
                let same = st.files.get(&p).is_some_and(|c| {
                    !forced.contains(p.as_path())
                        && meta
                            .as_ref()
                            .is_some_and(|m| m.len() == c.len && m.modified().ok() == c.modified)
                });
                (!same).then_some((p, explicit, meta))
            })
            .collect();
        let read: Vec<(PathBuf, Cached)> = stale
            .into_par_iter()
            .map(|(p, explicit, meta)| {
                let parsed = workspace::read_plan(&self.root, &p, &self.config).map(Arc::new);
                let cached = Cached {
                    len: meta.as_ref().map_or(0, std::fs::Metadata::len),
                    modified: meta.and_then(|m| m.modified().ok()),
                    explicit,
                    parsed,
                };
                (p, cached)
            })
            .collect();
        let mut changed = Vec::new();
        let listed: std::collections::HashSet<&PathBuf> = listing.iter().map(|(p, _)| p).collect();
        let gone: Vec<PathBuf> = st
            .files
            .keys()
            .filter(|p| !listed.contains(p))
            .cloned()
            .collect();
        for p in gone {
            if let Some(c) = st.files.remove(&p)
                && c.parsed.is_ok_and(|d| c.explicit || workspace::is_plan(&d))
            {
                changed.push(workspace::relative(&self.root, &p));
            }
        }
        for (p, c) in read {
            let same = st
                .files
                .get(&p)
                .is_some_and(|old| same_text(&old.parsed, &c.parsed));
            if same {
                // The bytes did not change: keep the old parse (and with
                // it the memo of its findings), take the new file times.
                if let Some(old) = st.files.get_mut(&p) {
                    old.len = c.len;
                    old.modified = c.modified;
                }
                continue;
            }
            let shown = |r: &workspace::Read| {
                r.as_ref()
                    .map_or(true, |d| c.explicit || workspace::is_plan(d))
            };
            if shown(&c.parsed) || st.files.get(&p).is_some_and(|o| shown(&o.parsed)) {
                changed.push(workspace::relative(&self.root, &p));
            }
            st.files.insert(p, c);
        }
        if relist {
            // A file that came or went may be a linked one.
            st.memo.clear();
        }
        if !changed.is_empty() || st.current.as_ref().is_none_or(|c| c.today != today) {
            let results: Vec<(workspace::Read, bool)> = st
                .files
                .values()
                .map(|c| (c.parsed.clone(), c.explicit))
                .collect();
            let ws = workspace::assemble(&self.root, results);
            st.version += 1;
            let snap = Arc::new(self.snapshot(ws, today, Some(st.memo.clone()), st.version));
            st.current = Some(snap);
        }
        changed.sort();
        Ok(Update {
            snapshot: st.current.clone().expect("a snapshot was made above"),
            changed,
        })
    }
}

/// Whether two reads of a file found the same text.
fn same_text(a: &workspace::Read, b: &workspace::Read) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => a.source == b.source && a.bom == b.bom,
        (Err(a), Err(b)) => a.message == b.message,
        _ => false,
    }
}

/// The workspace as loaded at one moment, with what is computed from it,
/// each computed once, when first asked for.
#[derive(Debug)]
pub struct Snapshot {
    /// Counts the refreshes of a long-lived project (0 for a one-shot load).
    pub version: u64,
    root: PathBuf,
    config: Arc<Config>,
    work: WorkTime,
    today: Date,
    ws: Workspace,
    memo: Option<Arc<Memo>>,
    timeline: OnceLock<Option<Arc<Schedule>>>,
    report: OnceLock<Report>,
    forecast: OnceLock<Option<Forecast>>,
}

/// How many plan rows a status forecast takes at most: runs times
/// activities (a large plan gets fewer runs, a small one the default).
const STATUS_WORK: usize = 50_000_000;

/// Findings that make any schedule meaningless.
const BLOCKING: [Code; 4] = [
    Code::DuplicateTaskId,
    Code::UnknownDependency,
    Code::DependencyCycle,
    Code::SelfDependency,
];

impl Snapshot {
    /// The loaded plans.
    #[must_use]
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// Gives the loaded plans up (a command that is done computing).
    #[must_use]
    pub fn into_workspace(self) -> Workspace {
        self.ws
    }

    /// The workspace root.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The working time of the calendar.
    #[must_use]
    pub fn work(&self) -> WorkTime {
        self.work
    }

    /// The day progress is measured at.
    #[must_use]
    pub fn today(&self) -> Date {
        self.today
    }

    /// Plan `di`.
    #[must_use]
    pub fn document(&self, di: usize) -> &Document {
        &self.ws.documents[di]
    }

    /// The task at `(plan, task)`.
    #[must_use]
    pub fn task(&self, (di, ti): (usize, usize)) -> &Task {
        &self.ws.documents[di].tasks[ti]
    }

    /// The timeline with the default options (levelled as configured), or
    /// `None` when the plans cannot be scheduled ([`Snapshot::schedule`]
    /// says why).
    #[must_use]
    pub fn timeline(&self) -> Option<&Arc<Schedule>> {
        self.timeline
            .get_or_init(|| {
                schedule::schedule(&self.ws, &self.config, &schedule::Options::new(self.today))
                    .ok()
                    .map(Arc::new)
            })
            .as_ref()
    }

    /// The check options from `planmark.toml`, at the snapshot's day.
    #[must_use]
    pub fn check_options(&self) -> check::Options {
        check::Options::from_config(&self.config.check, self.today, self.work)
            .with_project(&self.config)
    }

    /// Every finding, with the configured levels; the rules that need a
    /// schedule use [`Snapshot::timeline`], so what the findings say
    /// about dates is what the timeline shows.
    #[must_use]
    pub fn check(&self) -> &Report {
        self.report.get_or_init(|| {
            let mut opts = self.check_options();
            opts.schedule = self.timeline().cloned();
            check::check_memo(&self.ws, &opts, &RealFiles, self.memo.as_deref())
        })
    }

    /// The findings under other options (`check --deny`, `--today`): the
    /// rules that need a schedule compute their own.
    #[must_use]
    pub fn check_with(&self, opts: &check::Options) -> Report {
        check::check_memo(&self.ws, opts, &RealFiles, self.memo.as_deref())
    }

    /// Schedules the plans with `opts`, or returns the findings that stop
    /// it: a duplicate id, an unknown dependency, a cycle, or any finding
    /// of `also` (which make the plans unfit for what the caller computes,
    /// `what` in words: `scheduled`, `forecast`).
    ///
    /// # Errors
    ///
    /// [`ProjectError::Refused`] with the findings, as `check` reports them.
    pub fn schedule(
        &self,
        opts: &schedule::Options,
        also: &[Code],
        what: &'static str,
    ) -> Result<Schedule, ProjectError> {
        let mut copts = check::Options::new(opts.today);
        copts.scheduling = false;
        let blocking: Vec<Diagnostic> = check::check(&self.ws, &copts)
            .diagnostics
            .into_iter()
            .filter(|d| {
                d.severity == Severity::Error
                    && (BLOCKING.contains(&d.code) || also.contains(&d.code))
            })
            .collect();
        let findings = if blocking.is_empty() {
            match schedule::schedule(&self.ws, &self.config, opts) {
                Ok(s) => return Ok(s),
                Err(e) => e.findings().to_vec(),
            }
        } else {
            blocking
        };
        Err(ProjectError::Refused { what, findings })
    }

    /// Runs the Monte Carlo forecast over schedule `s`.
    ///
    /// # Errors
    ///
    /// [`ProjectError::Invalid`] for settings that cannot be read,
    /// [`ProjectError::Refused`] for plans that cannot be forecast.
    pub fn forecast(
        &self,
        s: &Schedule,
        opts: &forecast::Options,
        progress: Option<&(dyn Fn(u32) + Sync)>,
    ) -> Result<Forecast, ProjectError> {
        forecast::forecast(&self.ws, &self.config, s, opts, progress).map_err(|e| match e {
            e @ forecast::ForecastError::Settings(_) => ProjectError::Invalid(e.to_string()),
            e => ProjectError::Refused {
                what: "forecast",
                findings: e.findings().to_vec(),
            },
        })
    }

    /// How many runs a quick forecast makes over `activities` tasks: as
    /// many as keep it quick on a large plan.
    #[must_use]
    pub fn quick_runs(activities: usize) -> u32 {
        (STATUS_WORK / activities.max(1)).min(forecast::DEFAULT_RUNS as usize) as u32
    }

    /// The forecast `status` shows over [`Snapshot::timeline`]: when the
    /// plans are big enough to be uncertain and small enough to be quick.
    #[must_use]
    pub fn quick_forecast(&self) -> Option<&Forecast> {
        self.forecast
            .get_or_init(|| {
                let s = self.timeline()?;
                let runs = Snapshot::quick_runs(s.tasks.len())
                    .min(self.config.forecast.runs.unwrap_or(forecast::DEFAULT_RUNS));
                if runs < 200 || s.tasks.iter().all(|t| t.status.is_closed()) {
                    return None;
                }
                let opts = forecast::Options {
                    runs: Some(runs),
                    ..forecast::Options::default()
                };
                forecast::forecast(&self.ws, &self.config, s, &opts, None).ok()
            })
            .as_ref()
    }

    /// The progress of the plans over their git history.
    ///
    /// # Errors
    ///
    /// [`ProjectError::History`] outside a git repository or when the
    /// repository cannot be read.
    pub fn history(&self) -> Result<crate::history::History, ProjectError> {
        let paths: Vec<String> = self.ws.documents.iter().map(|d| d.path.clone()).collect();
        Ok(crate::history::read(&self.root, &paths, self.work)?)
    }
}
