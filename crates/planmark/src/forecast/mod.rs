//! Forecasts: the schedule run thousands of times with sampled durations
//! and risk events, summarised as the dates a team can promise with 50,
//! 80 and 95 % confidence, the chance of meeting each deadline and
//! milestone target, and what drives the spread.
//!
//! The uncertainty model:
//!
//! - a range (`2-4d`) or three-point estimate (`1d/2d/5d`) is a PERT
//!   (beta) distribution between its ends with its likely value as mode,
//!   or a triangular one;
//! - a single-point estimate gets the default spread around it
//!   (`-10%/+50%` unless `[forecast] default_spread` says otherwise);
//! - a risk that names the tasks it affects adds its delay to each of
//!   them with its probability, once per run.
//!
//! Each run schedules with the critical path method. When the plan is
//! levelled, the resource hand-overs of the levelled schedule are kept as
//! links, so a person's tasks still follow each other; with
//! [`Options::level`], each run is levelled again instead (slower).
//!
//! Runs are split into blocks of fixed size, each with its own random
//! stream derived from the seed and its index, and the blocks' sums are
//! merged in block order: the same seed gives the same forecast on any
//! number of threads.

// Minutes of a plan (at most a hundred years of work) and run counts are
// far inside the ranges where the integer and float conversions lose.
#![allow(
    clippy::cast_possible_wrap,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

mod sample;
mod sim;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Severity};
use crate::links::Links;
use crate::model::{Effort, Level, Status, TimeUnit, Workspace};
use crate::schedule::{DateSource, Schedule};

pub use sample::Shape;

/// Runs unless told otherwise.
pub const DEFAULT_RUNS: u32 = 10_000;
/// The most runs a forecast makes.
pub const MAX_RUNS: u32 = 10_000_000;

/// How much a single-point estimate may come in under or run over, as
/// fractions of it: `-0.1` and `0.5` for `-10%/+50%`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// At most this much under (zero or negative, at least -1).
    pub low: f64,
    /// At most this much over (zero or positive).
    pub high: f64,
}

impl Default for Spread {
    fn default() -> Self {
        Spread {
            low: -0.1,
            high: 0.5,
        }
    }
}

impl Spread {
    /// Reads `-10%/+50%`, `10%/50%` (under, then over), `±20%` or `0`.
    ///
    /// # Errors
    ///
    /// A message when the text is not a spread or is out of range.
    ///
    /// ```
    /// use planmark::forecast::Spread;
    /// let s = Spread::parse("-10%/+50%").unwrap();
    /// assert_eq!((s.low, s.high), (-0.1, 0.5));
    /// assert!(Spread::parse("+10%/+50%").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Spread, String> {
        let t = text.trim();
        let bad =
            || format!("`{t}` is not a spread; write the share under and over, like -10%/+50%");
        let part = |s: &str| -> Option<(Option<char>, f64)> {
            let s = s.trim();
            let sign = s.chars().next().filter(|c| matches!(c, '+' | '-' | '−'));
            let rest = s.trim_start_matches(['+', '-', '−']).trim();
            let v: f64 = rest.trim_end_matches('%').trim().parse().ok()?;
            (v.is_finite() && v >= 0.0).then_some((sign, v / 100.0))
        };
        let (lo, hi) = if let Some(x) = t.strip_prefix('±') {
            let (_, v) = part(x).ok_or_else(bad)?;
            ((None, v), (None, v))
        } else if let Some((a, b)) = t.split_once('/') {
            (part(a).ok_or_else(bad)?, part(b).ok_or_else(bad)?)
        } else {
            let v = part(t).ok_or_else(bad)?;
            if v.1 != 0.0 {
                return Err(bad());
            }
            (v, v)
        };
        if lo.0 == Some('+') && lo.1 > 0.0 {
            return Err(format!(
                "`{t}`: the first share is how much less work it may take, so it cannot be positive"
            ));
        }
        if matches!(hi.0, Some('-' | '−')) && hi.1 > 0.0 {
            return Err(format!(
                "`{t}`: the second share is how much more work it may take, so it cannot be negative"
            ));
        }
        if lo.1 > 1.0 {
            return Err(format!("`{t}`: a task cannot take less than no time"));
        }
        if hi.1 > 10.0 {
            return Err(format!("`{t}`: more than +1000% is not an estimate"));
        }
        Ok(Spread {
            low: -lo.1,
            high: hi.1,
        })
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "-{}%/+{}%",
            round2(-self.low * 100.0),
            round2(self.high * 100.0)
        )
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// What a forecast may be asked; unset fields come from `[forecast]` in
/// `planmark.toml`, then the defaults.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Monte Carlo runs ([`DEFAULT_RUNS`]).
    pub runs: Option<u32>,
    /// Seed of the runs (1).
    pub seed: Option<u64>,
    /// Level resources again in every run instead of keeping the levelled
    /// plan's order.
    pub level: bool,
    /// How ranges and three-point estimates are spread (PERT).
    pub shape: Option<Shape>,
    /// The spread of single-point estimates.
    pub spread: Option<Spread>,
}

/// How each run was scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The critical path method on the plan's links.
    CriticalPath,
    /// The critical path method on the plan's links and the levelled
    /// schedule's resource hand-overs.
    ResourceOrder,
    /// Resources levelled again in every run.
    Levelled,
}

/// The distribution of a finish date over the runs.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Mean, in working days from the project start (fractional).
    pub mean_days: f64,
    /// Standard deviation, in working days.
    pub std_days: f64,
    /// 50 % of the runs finish by this date.
    pub p50: Date,
    /// 80 % of the runs finish by this date.
    pub p80: Date,
    /// 95 % of the runs finish by this date.
    pub p95: Date,
    /// Every percentile from 0 (the earliest run) to 100 (the latest).
    pub percentiles: Vec<Percentile>,
    /// Runs per span of finish days, earliest first.
    pub histogram: Vec<Bin>,
}

/// One percentile of a finish.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Percentile {
    /// Percent of runs finished by then (0 to 100).
    pub p: u8,
    /// Working days from the project start, counting the finish day.
    pub days: i64,
    /// The finish date.
    pub date: Date,
}

/// One bar of a histogram: runs finishing within working days
/// `from_day..=to_day`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bin {
    /// First working day of the bar.
    pub from_day: i64,
    /// Last working day of the bar.
    pub to_day: i64,
    /// Its first date.
    pub from: Date,
    /// Its last date.
    pub to: Date,
    /// Runs finishing within it.
    pub runs: u32,
}

/// The chance of meeting a deadline.
#[derive(Debug, Clone, Serialize)]
pub struct Odds {
    /// The deadline.
    pub date: Date,
    /// Where it was read.
    pub from: DateSource,
    /// The plan it belongs to (none for the project's).
    pub plan: Option<String>,
    /// Working days from the project start up to and including it.
    pub days: i64,
    /// Share of runs that finish on or before it (0 to 1).
    pub probability: f64,
    /// When the plan finishes without uncertainty.
    pub planned: Date,
}

/// A milestone's forecast.
#[derive(Debug, Clone, Serialize)]
pub struct MilestoneForecast {
    /// Its id.
    pub id: String,
    /// Its plan.
    pub plan: String,
    /// Its title.
    pub title: String,
    /// When it is reached without uncertainty.
    pub planned: Date,
    /// Its target date.
    pub target: Option<Date>,
    /// Share of runs that reach it by the target.
    pub probability: Option<f64>,
    /// When it is reached over the runs.
    pub outcome: Outcome,
}

/// How many plans a forecast gives each its own finish dates (beyond,
/// only plans with a deadline of their own): each costs a number per run.
const PLAN_OUTCOMES: usize = 64;

/// When one plan of several is done.
#[derive(Debug, Clone, Serialize)]
pub struct PlanForecast {
    /// The plan.
    pub plan: String,
    /// When its last task ends, over the runs.
    pub outcome: Outcome,
}

/// A task's part in the forecast.
#[derive(Debug, Clone, Serialize)]
pub struct TaskForecast {
    /// Its id.
    pub id: String,
    /// Its plan.
    pub plan: String,
    /// Its title.
    pub title: String,
    /// Share of runs in which it is critical (0 to 1).
    pub criticality: f64,
    /// Correlation of its duration with the project finish (-1 to 1); none
    /// when its duration is certain.
    pub sensitivity: Option<f64>,
    /// Its shortest, likeliest and longest duration in working days; none
    /// when certain.
    pub range_days: Option<[f64; 3]>,
}

/// A risk's part in the forecast.
#[derive(Debug, Clone, Serialize)]
pub struct RiskForecast {
    /// Its id.
    pub id: String,
    /// Its plan.
    pub plan: String,
    /// What could go wrong.
    pub title: String,
    /// The probability used.
    pub probability: f64,
    /// Where the probability came from: the percentage written or the level.
    pub probability_from: String,
    /// The delay it adds to each task it affects, in working days.
    pub delay_days: f64,
    /// Where the delay came from: the Delay written or the impact level.
    pub delay_from: String,
    /// The tasks it delays.
    pub affects: Vec<String>,
    /// Share of runs in which it happened.
    pub occurred: f64,
    /// Mean project finish when it happens minus when it does not, in
    /// working days.
    pub effect_days: f64,
}

/// A risk left out of the runs, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedRisk {
    /// Its id.
    pub id: String,
    /// Its plan.
    pub plan: String,
    /// Why: no task named, no likelihood, no delay or impact.
    pub reason: String,
}

/// A forecast of a workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    /// Runs made.
    pub runs: u32,
    /// Their seed.
    pub seed: u64,
    /// How ranges and three-point estimates were spread.
    pub distribution: Shape,
    /// The spread given to single-point estimates.
    pub spread: Spread,
    /// How each run was scheduled.
    pub method: Method,
    /// The project start.
    pub start: Date,
    /// The finish without uncertainty (the schedule's).
    pub planned: Date,
    /// The project finish over the runs.
    pub finish: Outcome,
    /// The chance of meeting the project deadline.
    pub deadline: Option<Odds>,
    /// The chance of meeting each other plan's own deadline.
    pub plan_deadlines: Vec<Odds>,
    /// With several plans (up to 64), when each is done.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<PlanForecast>,
    /// Milestones placed by the schedule.
    pub milestones: Vec<MilestoneForecast>,
    /// Open tasks, in schedule order.
    pub tasks: Vec<TaskForecast>,
    /// Risks in the runs.
    pub risks: Vec<RiskForecast>,
    /// Risks left out.
    pub skipped_risks: Vec<SkippedRisk>,
    /// Open tasks whose duration varies.
    pub uncertain_tasks: usize,
    /// Open tasks without an estimate (they take no time).
    pub unestimated_tasks: usize,
}

impl Forecast {
    /// Open tasks by how strongly their duration drives the finish, the
    /// strongest first (at most `n`).
    #[must_use]
    pub fn drivers(&self, n: usize) -> Vec<&TaskForecast> {
        let mut v: Vec<&TaskForecast> = self
            .tasks
            .iter()
            .filter(|t| t.sensitivity.is_some_and(|s| s > 0.005))
            .collect();
        v.sort_by(|a, b| {
            b.sensitivity
                .unwrap_or(0.0)
                .total_cmp(&a.sensitivity.unwrap_or(0.0))
        });
        v.truncate(n);
        v
    }
}

/// Why a workspace cannot be forecast.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// Findings in the plans that stop the forecast (estimates out of order).
    #[error("the plans cannot be forecast")]
    Findings(Vec<Diagnostic>),
    /// Settings that cannot be used: `[forecast]` in planmark.toml or the
    /// options.
    #[error("{}", .0.join("; "))]
    Settings(Vec<String>),
}

impl ForecastError {
    /// The findings (none for bad settings).
    #[must_use]
    pub fn findings(&self) -> &[Diagnostic] {
        match self {
            ForecastError::Findings(f) => f,
            ForecastError::Settings(_) => &[],
        }
    }
}

/// The probability of each likelihood level, very low to very high.
const LIKELIHOOD: [f64; 5] = [0.05, 0.2, 0.45, 0.7, 0.9];
/// The delay of each impact level in working days, very low to very high.
const IMPACT_DAYS: [f64; 5] = [0.5, 1.0, 3.0, 5.0, 10.0];

fn level_index(name: &str) -> Option<usize> {
    match name
        .trim()
        .to_ascii_lowercase()
        .replace(['-', ' '], "_")
        .as_str()
    {
        "very_low" => Some(0),
        "low" => Some(1),
        "medium" | "med" => Some(2),
        "high" => Some(3),
        "very_high" => Some(4),
        _ => None,
    }
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::VeryLow => "very low",
        Level::Low => "low",
        Level::Medium => "medium",
        Level::High => "high",
        Level::VeryHigh => "very high",
    }
}

/// The settings after options and configuration.
struct Settings {
    runs: u32,
    seed: u64,
    shape: Shape,
    spread: Spread,
    likelihood: [f64; 5],
    /// Minutes per impact level.
    impact: [i64; 5],
}

fn settings(config: &Config, opts: &Options, day: i64) -> Result<Settings, Vec<String>> {
    let c = &config.forecast;
    let mut errors = Vec::new();
    let mut err = |m: String| errors.push(format!("[forecast] {m}"));
    let runs = opts.runs.or(c.runs).unwrap_or(DEFAULT_RUNS);
    if runs == 0 || runs > MAX_RUNS {
        err(format!("runs: {runs} is not between 1 and {MAX_RUNS}"));
    }
    let shape = match (opts.shape, &c.distribution) {
        (Some(s), _) => s,
        (None, Some(name)) => Shape::parse(name).unwrap_or_else(|| {
            err(format!(
                "distribution: `{name}` is not `pert` or `triangular`"
            ));
            Shape::Pert
        }),
        (None, None) => Shape::Pert,
    };
    let spread = match (opts.spread, &c.default_spread) {
        (Some(s), _) => s,
        (None, Some(t)) => Spread::parse(t).unwrap_or_else(|e| {
            err(format!("default_spread: {e}"));
            Spread::default()
        }),
        (None, None) => Spread::default(),
    };
    let mut likelihood = LIKELIHOOD;
    for (k, v) in &c.likelihood {
        let Some(i) = level_index(k) else {
            err(format!(
                "likelihood: `{k}` is not a level (very_low, low, medium, high, very_high)"
            ));
            continue;
        };
        let p = match v {
            toml::Value::Float(f) => Some(*f),
            toml::Value::Integer(n) => Some(*n as f64),
            toml::Value::String(s) => s
                .trim()
                .strip_suffix('%')
                .and_then(|x| x.trim().parse::<f64>().ok())
                .map(|x| x / 100.0),
            _ => None,
        };
        match p {
            Some(p) if (0.0..=1.0).contains(&p) => likelihood[i] = p,
            _ => err(format!(
                "likelihood: {k} = {v} is not a probability between 0% and 100%"
            )),
        }
    }
    let mut impact = IMPACT_DAYS.map(|d| (d * day as f64).round() as i64);
    for (k, v) in &c.impact_delay {
        let Some(i) = level_index(k) else {
            err(format!(
                "impact_delay: `{k}` is not a level (very_low, low, medium, high, very_high)"
            ));
            continue;
        };
        match crate::syntax::values::quantity(v.trim_start_matches('+'), Some(TimeUnit::Days)) {
            Some(q) if q.amount >= 0.0 => {
                impact[i] = minutes(q.hours(work_of(day)));
            }
            _ => err(format!(
                "impact_delay: {k} = \"{v}\" is not a delay (write 3d, 1w, 4h)"
            )),
        }
    }
    if errors.is_empty() {
        Ok(Settings {
            runs,
            seed: opts.seed.or(c.seed).unwrap_or(1),
            shape,
            spread,
            likelihood,
            impact,
        })
    } else {
        Err(errors)
    }
}

fn work_of(day: i64) -> crate::model::WorkTime {
    crate::model::WorkTime {
        hours_per_day: day as f64 / 60.0,
        ..Default::default()
    }
}

fn minutes(hours: f64) -> i64 {
    if hours.is_finite() {
        (hours * 60.0).round().clamp(0.0, 1e12) as i64
    } else {
        0
    }
}

/// Forecasts `ws` from its `schedule` (made by [`crate::schedule::schedule`]
/// with the same configuration). `progress` is told the runs done after
/// each block of runs.
///
/// # Errors
///
/// Findings when an open task's estimate is out of order (PM034) or the
/// `[forecast]` settings cannot be read.
pub fn forecast(
    ws: &Workspace,
    config: &Config,
    schedule: &Schedule,
    opts: &Options,
    progress: Option<&(dyn Fn(u32) + Sync)>,
) -> Result<Forecast, ForecastError> {
    let net = &schedule.net;
    let day = net.day;
    let set = settings(config, opts, day).map_err(ForecastError::Settings)?;
    let work = schedule.calendar.work_time();

    // Estimates the runs cannot sample.
    let mut findings = Vec::new();
    for d in &ws.documents {
        for t in d.tasks.iter().filter(|t| !t.status.is_closed()) {
            if let Some(why) = t.estimate.as_ref().and_then(Effort::out_of_order) {
                findings.push(
                    Diagnostic::new(
                        Code::EstimateOutOfOrder,
                        Severity::Error,
                        &d.path,
                        Some(t.origin.span),
                        format!("task `{}`: {why}", t.id),
                    )
                    .with_help(
                        "write ranges as min-max (2-4d) and three points as optimistic/likely/pessimistic (1d/2d/5d)",
                    ),
                );
            }
        }
    }
    if !findings.is_empty() {
        return Err(ForecastError::Findings(findings));
    }

    let mut model = sim::Model::new(schedule, opts.level);
    // Each open task's distribution.
    let unestimated = schedule
        .tasks
        .iter()
        .filter(|t| t.unestimated && !t.status.is_closed())
        .count();
    let mut ranges = vec![None; net.nodes.len()];
    for (v, node) in net.nodes.iter().enumerate() {
        let crate::schedule::Node::Task(di, ti) = *node else {
            continue;
        };
        let t = &ws.documents[di].tasks[ti];
        if t.status.is_closed() {
            continue;
        }
        let base = net.durations[v];
        let Some(e) = &t.estimate else {
            continue;
        };
        if base <= 0 {
            continue;
        }
        let likely = e.likely_hours(work) * 60.0;
        let k = if likely > 0.0 {
            base as f64 / likely
        } else {
            1.0
        };
        let b = base as f64;
        let (lo, hi) = match e {
            Effort::Single { .. } => (b * (1.0 + set.spread.low), b * (1.0 + set.spread.high)),
            _ => (
                e.min_hours(work).unwrap_or(0.0) * 60.0 * k,
                e.max_hours(work).unwrap_or(0.0) * 60.0 * k,
            ),
        };
        let (lo, hi) = (lo.max(0.0).min(b), hi.max(b));
        if hi - lo >= 0.5 {
            model.sample(v, set.shape, lo, hi, b);
            ranges[v] = Some([lo / day as f64, b / day as f64, hi / day as f64]);
        }
    }

    // Risks that name the tasks they delay.
    let links = Links::new(ws);
    let mut risks = Vec::new();
    let mut skipped = Vec::new();
    for (di, d) in ws.documents.iter().enumerate() {
        for r in &d.risks {
            let skip = |reason: String| SkippedRisk {
                id: r.id.clone(),
                plan: d.path.clone(),
                reason,
            };
            if r.affects.is_empty() {
                skipped.push(skip(
                    "names no task; add an Affects column or `Affects: 2.1` to simulate it".into(),
                ));
                continue;
            }
            let (probability, probability_from) = match &r.likelihood {
                Some(l) if l.probability.is_some() => {
                    (l.probability.unwrap_or(0.0), l.text.clone())
                }
                Some(l) if l.level.is_some() => {
                    let lv = l.level.unwrap_or(Level::Medium);
                    (set.likelihood[lv as usize], level_name(lv).to_owned())
                }
                Some(l) => {
                    skipped.push(skip(format!("likelihood `{}` cannot be read", l.text)));
                    continue;
                }
                None => {
                    skipped.push(skip("has no likelihood".into()));
                    continue;
                }
            };
            let (delay, delay_from) = match (&r.delay, r.impact.as_ref().and_then(|i| i.level)) {
                (Some(q), _) if q.amount >= 0.0 => (
                    minutes(q.hours(work)),
                    format!("+{}", fmt_days(q.hours(work) / work.hours_per_day)),
                ),
                (Some(_), _) => {
                    skipped.push(skip("has a negative delay".into()));
                    continue;
                }
                (None, Some(lv)) => (
                    set.impact[lv as usize],
                    format!("{} impact", level_name(lv)),
                ),
                (None, None) => {
                    skipped.push(skip("has no Delay and no impact level".into()));
                    continue;
                }
            };
            let mut targets = Vec::new();
            let mut names = Vec::new();
            let mut unknown = Vec::new();
            for a in &r.affects {
                let id = a.trim();
                let id = id
                    .strip_prefix("Task ")
                    .or_else(|| id.strip_prefix("task "))
                    .unwrap_or(id)
                    .trim();
                let found = links
                    .find(di, id)
                    .map_or_else(|| links.find_all(id), |ti| vec![(di, ti)]);
                if found.is_empty() {
                    unknown.push(a.clone());
                }
                for (dj, tj) in found {
                    let t = &ws.documents[dj].tasks[tj];
                    if !t.status.is_closed() {
                        targets.push(net.task_node[dj][tj]);
                        names.push(if dj == di {
                            t.id.clone()
                        } else {
                            format!("{}#{}", ws.documents[dj].path, t.id)
                        });
                    }
                }
            }
            targets.sort_unstable();
            targets.dedup();
            if targets.is_empty() {
                skipped.push(skip(if unknown.is_empty() {
                    "affects only finished tasks".into()
                } else {
                    format!("affects no task of the plans: {}", unknown.join(", "))
                }));
                continue;
            }
            model.risk(probability, delay, &targets);
            risks.push(RiskForecast {
                id: r.id.clone(),
                plan: d.path.clone(),
                title: r.title.clone(),
                probability,
                probability_from,
                delay_days: delay as f64 / day as f64,
                delay_from,
                affects: names,
                occurred: 0.0,
                effect_days: 0.0,
            });
        }
    }

    // What the runs record: milestones and plans with deadlines.
    let mut wd = schedule.calendar.days_from(schedule.start);
    let mut ms_nodes = Vec::new();
    for (v, node) in net.nodes.iter().enumerate() {
        if let crate::schedule::Node::Milestone(di, mi) = *node
            && !ws.documents[di].milestones[mi].after.is_empty()
        {
            ms_nodes.push(v);
        }
    }
    model.milestones(&ms_nodes);
    let many = ws.documents.len() > 1;
    let deadlines: Vec<&crate::schedule::Deadline> = schedule
        .deadline
        .iter()
        .chain(&schedule.plan_deadlines)
        .collect();
    let plan_slots: Vec<Option<usize>> = deadlines
        .iter()
        .map(|dl| {
            dl.plan
                .as_ref()
                .filter(|_| many)
                .and_then(|p| ws.documents.iter().position(|d| &d.path == p))
        })
        .collect();
    // Each plan's own finish too, while that stays small.
    let per_plan = many && ws.documents.len() <= PLAN_OUTCOMES;
    let mut recorded = plan_slots.clone();
    if per_plan {
        recorded.extend((0..ws.documents.len()).map(Some));
    }
    let mut floors = vec![0i64; ws.documents.len()];
    let mut floor = 0;
    for t in &schedule.tasks {
        if t.status == Status::Done {
            floors[t.doc] = floors[t.doc].max(t.finish_day * day);
            floor = floor.max(t.finish_day * day);
        }
    }
    model.plans(ws, &recorded, &floors, floor);

    let out = model.run(set.runs, set.seed, progress);

    // Summaries.
    let runs = set.runs;
    let days_of = |m: i64| (m + day - 1).div_euclid(day);
    let finish = outcome(&out.finish, day, &mut wd);
    let odds = |dl: &crate::schedule::Deadline,
                ends: &[i64],
                planned: Date,
                wd: &mut crate::schedule::WorkingDays<'_>| {
        let allowed = wd.day_of(dl.date.tomorrow().unwrap_or(dl.date)) as i64;
        let met = ends.iter().filter(|&&e| days_of(e) <= allowed).count();
        Odds {
            date: dl.date,
            from: dl.from,
            plan: dl.plan.clone(),
            days: allowed,
            probability: met as f64 / f64::from(runs),
            planned,
        }
    };
    let mut all_odds: Vec<Odds> = deadlines
        .iter()
        .zip(&plan_slots)
        .map(|(dl, slot)| {
            let ends = match slot {
                Some(pi) => out.plan_end(*pi),
                None => out.finish.clone(),
            };
            odds(dl, &ends, dl.finish, &mut wd)
        })
        .collect();
    let deadline = schedule.deadline.as_ref().map(|_| all_odds.remove(0));
    let milestones = schedule
        .milestones
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let ends = out.milestone(k);
            let probability = m.target.map(|t| {
                let allowed = wd.day_of(t.tomorrow().unwrap_or(t)) as i64;
                ends.iter().filter(|&&e| days_of(e) <= allowed).count() as f64 / f64::from(runs)
            });
            MilestoneForecast {
                id: m.id.clone(),
                plan: m.plan.clone(),
                title: m.title.clone(),
                planned: m.date,
                target: m.target,
                probability,
                outcome: outcome(&ends, day, &mut wd),
            }
        })
        .collect();
    let tasks = schedule
        .tasks
        .iter()
        .filter(|t| !t.status.is_closed())
        .map(|t| {
            let v = net.task_node[t.doc][t.task];
            TaskForecast {
                id: t.id.clone(),
                plan: t.plan.clone(),
                title: t.title.clone(),
                criticality: out.criticality(v),
                sensitivity: out.sensitivity(v),
                range_days: ranges[v],
            }
        })
        .collect();
    let plans = if per_plan {
        ws.documents
            .iter()
            .enumerate()
            .filter(|(di, _)| schedule.tasks.iter().any(|t| t.doc == *di))
            .map(|(di, d)| PlanForecast {
                plan: d.path.clone(),
                outcome: outcome(&out.plan_end(di), day, &mut wd),
            })
            .collect()
    } else {
        Vec::new()
    };
    for (k, r) in risks.iter_mut().enumerate() {
        let (occurred, effect) = out.risk(k);
        r.occurred = occurred;
        r.effect_days = effect / day as f64;
    }
    Ok(Forecast {
        runs,
        seed: set.seed,
        distribution: set.shape,
        spread: set.spread,
        method: out.method,
        start: schedule.start,
        planned: schedule.finish,
        finish,
        deadline,
        plan_deadlines: all_odds,
        plans,
        milestones,
        tasks,
        risks,
        skipped_risks: skipped,
        uncertain_tasks: model.uncertain(),
        unestimated_tasks: unestimated,
    })
}

fn fmt_days(d: f64) -> String {
    let r = (d * 100.0).round() / 100.0;
    if (r - 1.0).abs() < 1e-9 {
        "1 day".into()
    } else {
        format!("{r} days")
    }
}

/// Percentiles, moments and a histogram of finishes in minutes.
fn outcome(ends: &[i64], day: i64, wd: &mut crate::schedule::WorkingDays<'_>) -> Outcome {
    let n = ends.len().max(1);
    let mean = ends.iter().map(|&e| e as f64).sum::<f64>() / n as f64;
    let var = ends.iter().map(|&e| (e as f64 - mean).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64;
    let mut days: Vec<i64> = ends
        .iter()
        .map(|&e| (e + day - 1).div_euclid(day))
        .collect();
    days.sort_unstable();
    let mut date = |d: i64| wd.date((d - 1).max(0) as usize);
    let at = |p: u32| -> i64 {
        if days.is_empty() {
            return 0;
        }
        // Nearest rank: the smallest value with at least p % of runs at or below it.
        let rank = (u64::from(p) * days.len() as u64).div_ceil(100).max(1) as usize;
        days[rank - 1]
    };
    let percentiles: Vec<Percentile> = (0..=100u8)
        .map(|p| {
            let d = at(u32::from(p));
            Percentile {
                p,
                days: d,
                date: date(d),
            }
        })
        .collect();
    let (lo, hi) = (
        days.first().copied().unwrap_or(0),
        days.last().copied().unwrap_or(0),
    );
    // At most 30 bars, each a whole number of working days.
    let width = ((hi - lo + 1) + 29) / 30;
    let width = width.max(1);
    let mut histogram: Vec<Bin> = Vec::new();
    let mut from = lo;
    let mut i = 0;
    while from <= hi {
        let to = from + width - 1;
        let start = i;
        while i < days.len() && days[i] <= to {
            i += 1;
        }
        histogram.push(Bin {
            from_day: from,
            to_day: to,
            from: date(from),
            to: date(to),
            runs: (i - start) as u32,
        });
        from = to + 1;
    }
    Outcome {
        mean_days: mean / day as f64,
        std_days: var.sqrt() / day as f64,
        p50: percentiles[50].date,
        p80: percentiles[80].date,
        p95: percentiles[95].date,
        percentiles,
        histogram,
    }
}
