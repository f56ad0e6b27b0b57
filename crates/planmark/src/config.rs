//! `planmark.toml`: which files are plans, the calendar, resources and
//! project dates. Every key is optional.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;

/// The file name looked for in the workspace root.
pub const FILE_NAME: &str = "planmark.toml";

/// A commented starting point, written by `planmark init`.
pub const INIT: &str = r#"# planmark configuration. Every key is optional.

[workspace]
# Which Markdown files are plans (globs relative to this file). By default
# every Markdown file that contains planning structure is read.
# plans = ["docs/plans/**/*.md"]
# Files to leave out.
# exclude = ["docs/archive/**"]

[project]
# Project start and deadline, unless a plan's front matter says otherwise.
# start = 2026-12-01
# deadline = 2027-03-31

[calendar]
# hours_per_day = 8
# working_days = ["mon", "tue", "wed", "thu", "fri"]
# holidays = [2026-12-25, 2027-01-01]

[resources]
# People have capacity 1 unless stated; pools have N interchangeable units.
# alice = 1
# qa = "50%"
# backend = 3

[schedule]
# Level resources when tasks name people or pools (on by default).
# level = true
# Seed and budget (schedules generated) of the levelling search.
# seed = 1
# schedules = 5000

[read]
# Which items are tasks: "auto" (planmark decides from sections and shapes,
# see `planmark tasks --explain`), "checkboxes" (only checkbox items) or
# "items" (every top-level item of a work section).
# tasks = "auto"
# Headings whose sections hold no tasks (`*` at either end matches any text).
# not-tasks = ["Acceptance*", "Notes"]

[estimates]
# Story points and T-shirt sizes have no duration until they are given one:
# the working time of one point, or the team's velocity (not both).
# point = "4h"
# velocity = "20 points/week"
# sizes = { S = "1d", M = "3d", L = "1w", XL = "2w" }

[forecast]
# Monte Carlo runs, and their seed.
# runs = 10000
# seed = 1
# How ranges and three-point estimates are sampled: "pert" or "triangular".
# distribution = "pert"
# The spread of a single-point estimate: from 10 % under to 50 % over.
# default_spread = "-10%/+50%"
# Risks with `Affects`: the probability of a likelihood level without a
# percentage, and the delay of an impact level without a `Delay`.
# likelihood = { very_low = "5%", low = "20%", medium = "45%", high = "70%", very_high = "90%" }
# impact_delay = { very_low = "0.5d", low = "1d", medium = "3d", high = "1w", very_high = "2w" }

[check]
# The largest estimate before `planmark check` suggests splitting a task.
# max-estimate = "2w"
# Report tasks without an estimate once this share of a plan's tasks has one.
# estimate-coverage = 0.5
# Report deadlines the forecast meets less often than this (PM035; off by
# default; a plan can set its own with front matter `deadline-confidence: 80%`).
# deadline-confidence = "80%"

[check.rules]
# Each rule, by code or name, to "allow", "warn" or "deny" (see docs/rules.md).
# PM012 = "allow"
# overdue-action = "warn"

[sync.github]
# `planmark sync github`: one issue per task (see docs/sync.md).
# repo = "acme/shop"              # default: the `origin` remote
# title = "{id}: {title}"         # default "{title}"; also {plan}, {phase}
# statuses = ["todo", "in_progress", "blocked"]   # default: the open tasks
# plans = ["docs/plans/2026-11-23-search-rewrite.md"]
# phases = ["2"]
# tags = ["US1"]
# labels = true                   # phase, priority and tags as labels
# milestones = true               # the plan's milestones, else its phases

[sync.github.users]
# Owner in the plans = GitHub login; an owner not listed is not assigned.
# alice = "alice-gh"
"#;

/// The parsed configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Config {
    /// `[workspace]`.
    pub workspace: WorkspaceConfig,
    /// `[project]`.
    pub project: ProjectConfig,
    /// `[calendar]`.
    pub calendar: CalendarConfig,
    /// `[resources]`: name to capacity (a number or a percentage string).
    pub resources: BTreeMap<String, toml::Value>,
    /// `[check]`.
    pub check: CheckConfig,
    /// `[schedule]`.
    pub schedule: ScheduleConfig,
    /// `[forecast]`.
    pub forecast: ForecastConfig,
    /// `[estimates]`.
    pub estimates: EstimatesConfig,
    /// `[read]`: corrections to how plans are read.
    pub read: crate::syntax::ReadOptions,
    /// `[sync]`: trackers the tasks are synced with.
    pub sync: SyncConfig,
}

/// `[sync]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    /// `[sync.github]`.
    pub github: GithubSyncConfig,
}

/// `[sync.github]`: which tasks become issues, and how.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct GithubSyncConfig {
    /// `owner/name`; else `--repo`, else the `origin` remote.
    pub repo: Option<String>,
    /// The API's address (GitHub Enterprise: `https://HOST/api/v3`).
    pub api_url: Option<String>,
    /// The issue title: `{title}` (default), with `{id}`, `{plan}`, `{phase}`.
    pub title: Option<String>,
    /// Only these plans (paths or file names without `.md`).
    pub plans: Vec<String>,
    /// Only these phases (part of the name, or the number).
    pub phases: Vec<String>,
    /// Only tasks with these statuses (default: the open ones).
    pub statuses: Vec<String>,
    /// Only tasks with one of these tags.
    pub tags: Vec<String>,
    /// Labels from phase, priority and tags (default true).
    pub labels: Option<bool>,
    /// A milestone per phase, due when the schedule ends it (default true).
    pub milestones: Option<bool>,
    /// Owner name in the plans to GitHub login.
    pub users: BTreeMap<String, String>,
    /// The least time between two writes, in milliseconds (default 1000).
    pub pace_ms: Option<u64>,
    /// The first wait before a retry, in milliseconds (default 1000).
    pub retry_ms: Option<u64>,
}

/// `[estimates]`: what story points and T-shirt sizes take in working time.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EstimatesConfig {
    /// The working time of one story point: `"4h"`.
    pub point: Option<String>,
    /// The team's velocity: `"20 points/week"`, `"40 points per 2w"`.
    pub velocity: Option<String>,
    /// T-shirt sizes to working time: `{ S = "1d", M = "3d" }`.
    pub sizes: BTreeMap<String, String>,
}

impl EstimatesConfig {
    /// The working time of one story point, from `point` or `velocity`.
    ///
    /// # Errors
    ///
    /// Returns why a value cannot be read.
    pub fn per_point(&self) -> Result<Option<crate::model::Quantity>, String> {
        use crate::syntax::values;
        match (&self.point, &self.velocity) {
            (Some(_), Some(_)) => Err("[estimates]: give `point` or `velocity`, not both".into()),
            (Some(p), None) => values::quantity(p, None)
                .filter(|q| q.amount > 0.0 && q.amount.is_finite())
                .map(Some)
                .ok_or_else(|| {
                    format!("[estimates] point: `{p}` is not a duration (write 4h or 0.5d)")
                }),
            (None, Some(v)) => velocity(v).map(Some).ok_or_else(|| {
                format!(
                    "[estimates] velocity: `{v}` cannot be read (write \"20 points/week\" or \"40 points per 2w\")"
                )
            }),
            (None, None) => Ok(None),
        }
    }

    /// The working time a relative estimate takes, when configured.
    #[must_use]
    pub fn effort(&self, size: &crate::model::Size) -> Option<crate::model::Effort> {
        self.effort_at(size, self.per_point().ok().flatten())
    }

    /// [`EstimatesConfig::effort`] with the working time of a point read once.
    fn effort_at(
        &self,
        size: &crate::model::Size,
        per_point: Option<crate::model::Quantity>,
    ) -> Option<crate::model::Effort> {
        use crate::model::{Effort, Quantity, Size};
        match size {
            Size::Points { points, text } => {
                let q = per_point?;
                Some(Effort::Single {
                    value: Quantity {
                        amount: q.amount * points,
                        unit: q.unit,
                    },
                    text: text.clone(),
                })
            }
            Size::Shirt { size, text } => {
                let (_, v) = self
                    .sizes
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(size))?;
                let mut e = crate::syntax::values::effort(v, None)?;
                match &mut e {
                    Effort::Single { text: t, .. }
                    | Effort::Range { text: t, .. }
                    | Effort::ThreePoint { text: t, .. } => t.clone_from(text),
                }
                Some(e)
            }
        }
    }

    /// Gives every task with points or a size, and no estimate in working
    /// time, the estimate these settings map it to.
    pub fn apply(&self, doc: &mut crate::model::Document) {
        if self.point.is_none() && self.velocity.is_none() && self.sizes.is_empty() {
            return;
        }
        let per_point = self.per_point().ok().flatten();
        for t in &mut doc.tasks {
            if t.estimate.is_none()
                && let Some(z) = &t.size
            {
                t.estimate = self.effort_at(z, per_point);
            }
        }
    }
}

/// `20 points/week`, `40 points per 2w`, `20/week`: one point's share of
/// the period.
fn velocity(v: &str) -> Option<crate::model::Quantity> {
    use crate::syntax::values;
    let (n, period) = v.split_once('/').or_else(|| v.split_once(" per "))?;
    let points = match values::size(n, true, false)? {
        crate::model::Size::Points { points, .. } => points,
        crate::model::Size::Shirt { .. } => return None,
    };
    let period = period.trim();
    let q = values::quantity(period, None)
        .or_else(|| values::quantity(&format!("1 {period}"), None))?;
    (points > 0.0 && q.amount > 0.0).then(|| crate::model::Quantity {
        amount: q.amount / points,
        unit: q.unit,
    })
}

/// `[forecast]`: the uncertainty model and the Monte Carlo settings.
/// Values are checked when a forecast is made.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForecastConfig {
    /// Monte Carlo runs.
    pub runs: Option<u32>,
    /// Seed of the runs.
    pub seed: Option<u64>,
    /// `pert` or `triangular`.
    pub distribution: Option<String>,
    /// The spread of single-point estimates: `"-10%/+50%"`.
    #[serde(alias = "default-spread")]
    pub default_spread: Option<String>,
    /// Likelihood level (`low`, `very_high`, ...) to a probability (`"20%"` or 0.2).
    pub likelihood: BTreeMap<String, toml::Value>,
    /// Impact level to a delay (`"3d"`).
    #[serde(alias = "impact-delay")]
    pub impact_delay: BTreeMap<String, String>,
}

/// `[schedule]`: levelling settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Level resources (on unless set to false).
    pub level: Option<bool>,
    /// Seed of the levelling search.
    pub seed: Option<u64>,
    /// Schedules the levelling search may generate.
    pub schedules: Option<u32>,
}

/// `[check]`: rule levels and parameters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckConfig {
    /// Rule (code or name) to `allow`, `warn` or `deny`.
    pub rules: BTreeMap<String, crate::check::Level>,
    /// The largest estimate before a task should be split: `2w`, `10d`.
    pub max_estimate: Option<String>,
    /// Report missing estimates once this share of a plan's tasks has one (0 to 1).
    pub estimate_coverage: Option<f64>,
    /// Report a deadline the forecast meets less often than this (0 to 1,
    /// or a percentage); off unless set here or in a plan's front matter.
    pub deadline_confidence: Option<toml::Value>,
}

/// `[workspace]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkspaceConfig {
    /// Globs of plan files, relative to the workspace root.
    pub plans: Vec<String>,
    /// Globs of files to leave out.
    pub exclude: Vec<String>,
}

/// `[project]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectConfig {
    /// Project start.
    pub start: Option<toml::value::Datetime>,
    /// Deadline.
    pub deadline: Option<toml::value::Datetime>,
}

/// `[calendar]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    /// Working hours per day.
    pub hours_per_day: Option<f64>,
    /// Working weekdays (`mon`..`sun`).
    pub working_days: Option<Vec<String>>,
    /// Holidays.
    pub holidays: Vec<toml::value::Datetime>,
}

/// Why a configuration could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a key of the wrong type.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, with line and column.
        message: String,
    },
}

impl Config {
    /// Reads `planmark.toml` from `root`; a missing file gives the defaults.
    ///
    /// # Errors
    ///
    /// Returns an error when the file exists but cannot be read or is invalid.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        Config::parse(&text).map_err(|message| ConfigError::Invalid {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parses configuration text.
    ///
    /// # Errors
    ///
    /// Returns the parser's message (with line and column) when the text is invalid.
    pub fn parse(text: &str) -> Result<Config, String> {
        let c: Config = toml::from_str(text).map_err(|e| e.to_string().trim().to_owned())?;
        for d in c
            .project
            .start
            .iter()
            .chain(&c.project.deadline)
            .chain(&c.calendar.holidays)
        {
            if to_date(d).is_none() {
                return Err(format!("`{d}` is not a date (write YYYY-MM-DD)"));
            }
        }
        for key in c.check.rules.keys() {
            if crate::diag::Code::parse(key).is_none() {
                let names = crate::diag::Code::ALL
                    .iter()
                    .flat_map(|c| [c.as_str(), c.name()]);
                let hint = crate::check::did_you_mean(key, names)
                    .map_or_else(String::new, |m| format!("; did you mean `{m}`?"));
                return Err(format!(
                    "[check.rules]: `{key}` is not a planmark rule{hint}"
                ));
            }
        }
        if let Some(m) = &c.check.max_estimate
            && crate::syntax::values::quantity(m, None).is_none_or(|q| q.amount <= 0.0)
        {
            return Err(format!(
                "[check] max-estimate: `{m}` is not a duration (write 2w, 10d or 80h)"
            ));
        }
        c.estimates.per_point()?;
        for (k, v) in &c.estimates.sizes {
            if crate::syntax::values::effort(v, None).is_none() {
                return Err(format!(
                    "[estimates] sizes: {k} = `{v}` is not a duration (write 1d, 3d or 2-4d)"
                ));
            }
        }
        if let Some(v) = c.check.estimate_coverage
            && !(0.0..=1.0).contains(&v)
        {
            return Err(format!(
                "[check] estimate-coverage must be between 0 and 1, not {v}"
            ));
        }
        Ok(c)
    }

    /// Returns the configured project start.
    #[must_use]
    pub fn start(&self) -> Option<Date> {
        self.project.start.as_ref().and_then(to_date)
    }

    /// Returns the configured deadline.
    #[must_use]
    pub fn deadline(&self) -> Option<Date> {
        self.project.deadline.as_ref().and_then(to_date)
    }
}

fn to_date(d: &toml::value::Datetime) -> Option<Date> {
    let date = d.date?;
    Date::new(
        i16::try_from(date.year).ok()?,
        i8::try_from(date.month).ok()?,
        i8::try_from(date.day).ok()?,
    )
    .ok()
}

/// A TOML value as JSON, so settings from planmark.toml and from front
/// matter are read by the same code.
pub(crate) fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Value::from(*f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(a) => a.iter().map(toml_to_json).collect(),
        toml::Value::Table(t) => t
            .iter()
            .map(|(k, v)| (k.clone(), toml_to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}
