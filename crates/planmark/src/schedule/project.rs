//! From plans to a timeline: the network of a workspace (tasks, phases in
//! sequence, milestones, cross-plan links, progress), the resources and
//! their calendars, then the critical path method and, when tasks name
//! resources, levelling.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::calendar::Calendar;
use super::cpm::{self, Link, Network};
use super::level::{self, Problem, Reservation, Settings, gcd};
use crate::config::Config;
use crate::diag::{Code, Diagnostic, Severity};
use crate::links::{Links, Target};
use crate::model::{Span, Status, Workspace};

/// How to schedule.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The day progress is measured at: work not done cannot start before it.
    pub today: Date,
    /// Project start, overriding the plans and the configuration (`--start`).
    pub start: Option<Date>,
    /// Level resources (`None`: the configuration decides, on by default).
    pub level: Option<bool>,
    /// Seed of the levelling search.
    pub seed: u64,
    /// Schedules the levelling may generate (`None`: the default for the
    /// plan's size).
    pub schedules: Option<u32>,
    /// The plans (by index in the workspace) whose dates the caller reads:
    /// resources that only other plans use are levelled in one pass.
    /// `None`: every plan's dates are read.
    pub dated: Option<Vec<bool>>,
}

impl Options {
    /// Default options, with progress measured at `today`.
    #[must_use]
    pub fn new(today: Date) -> Options {
        Options {
            today,
            start: None,
            level: None,
            seed: 1,
            schedules: None,
            dated: None,
        }
    }
}

/// The default levelling budget: 5,000 schedules for plans of up to 100
/// activities, fewer for larger plans so that the work (schedules times
/// activities) stays about the same: about 4,000 for 120 activities, 50
/// for 10,000.
#[must_use]
pub fn default_schedules(activities: usize) -> u32 {
    (500_000 / activities.max(1)).clamp(3, 5000) as u32
}

/// Where a date came from, for the output to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// `--start`.
    Option,
    /// A plan's front matter.
    FrontMatter,
    /// `planmark.toml`.
    Config,
    /// A plan's Timeframe line.
    Timeframe,
    /// Nothing said: today.
    Today,
}

/// One task on the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduledTask {
    /// The task id.
    pub id: String,
    /// The plan it is in.
    pub plan: String,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: Status,
    /// Its phase, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// First working day.
    pub start: Date,
    /// Last working day (the start for zero-length tasks).
    pub finish: Date,
    /// Working days from the project start to the start (0: the first day).
    pub start_day: i64,
    /// Working days from the project start to the end of the task:
    /// `finish_day - start_day` is its length in working days.
    pub finish_day: i64,
    /// Working days it can slip without moving the project finish.
    pub slack_days: f64,
    /// Whether it is on a critical path.
    pub critical: bool,
    /// People and pools it holds.
    pub resources: Vec<String>,
    /// Whether it has no estimate (scheduled with no length).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unestimated: bool,
    #[serde(skip)]
    pub(crate) doc: usize,
    #[serde(skip)]
    pub(crate) task: usize,
}

/// A milestone on the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduledMilestone {
    /// The milestone id.
    pub id: String,
    /// The plan it is in.
    pub plan: String,
    /// Its title.
    pub title: String,
    /// When it is reached.
    pub date: Date,
    /// Working days from the project start.
    pub day: i64,
    /// The target date, when the plan gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Date>,
    /// Working days late (positive) or early (negative) against the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_days: Option<i64>,
}

/// The deadline and how the schedule stands against it.
#[derive(Debug, Clone, Serialize)]
pub struct Deadline {
    /// The date.
    pub date: Date,
    /// Where it was stated.
    pub from: DateSource,
    /// The plan that states it (none for the configuration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Working days late (positive) or to spare (zero or negative).
    pub late_days: i64,
    /// The scheduled finish judged against it (the plan's, or the project's).
    pub finish: Date,
}

/// A resource booked beyond its units on some days (without levelling).
#[derive(Debug, Clone, Serialize)]
pub struct Overallocation {
    /// The resource.
    pub resource: String,
    /// First day over.
    pub from: Date,
    /// Last day over.
    pub to: Date,
    /// Most units booked at once.
    pub booked: f64,
    /// Units it has.
    pub capacity: f64,
    /// The tasks booked at the worst moment: (plan, id).
    pub tasks: Vec<(String, String)>,
}

/// How levelling went.
#[derive(Debug, Clone, Serialize)]
pub struct Levelling {
    /// Schedules generated.
    pub schedules: u32,
    /// The seed.
    pub seed: u64,
    /// The working days of the critical path alone, with no resource limits.
    pub unlevelled_days: i64,
}

/// A resource as the scheduler uses it.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// Name as declared or first used.
    pub name: String,
    /// Units (1 for a full-time person, 0.5 for half time, N for a pool).
    pub capacity: f64,
    /// Whether it was declared (else: a person named by a task).
    pub declared: bool,
    /// Days off.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub off: Vec<Date>,
}

/// The computed timeline of a workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    /// The project start (the first working day on or after the date given).
    pub start: Date,
    /// Where the start came from.
    pub start_from: DateSource,
    /// The day progress is measured at.
    pub today: Date,
    /// The last working day of the last task.
    pub finish: Date,
    /// Working days from the project start to the finish.
    pub makespan_days: i64,
    /// The deadline verdict, when there is a deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    /// Per-plan deadlines other than the project's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan_deadlines: Vec<Deadline>,
    /// Every task.
    pub tasks: Vec<ScheduledTask>,
    /// Milestones linked to work.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<ScheduledMilestone>,
    /// A critical path, first task first (indexes into `tasks`).
    pub critical_path: Vec<usize>,
    /// Levelling, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levelling: Option<Levelling>,
    /// Resources.
    pub resources: Vec<Resource>,
    /// Over-allocations (only without levelling).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overallocations: Vec<Overallocation>,
    /// Dependencies that were left out because they name nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_dependencies: Vec<String>,
    /// Per plan, open tasks estimated only in story points or T-shirt sizes
    /// that `[estimates]` gives no duration (scheduled with no length).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmapped_sizes: Vec<UnmappedSizes>,
    #[serde(skip)]
    pub(crate) net: Net,
    /// The working calendar used.
    #[serde(skip)]
    pub calendar: Calendar,
}

/// A plan whose relative estimates have no duration yet.
#[derive(Debug, Clone, Serialize)]
pub struct UnmappedSizes {
    /// The plan's path.
    pub plan: String,
    /// Open tasks estimated in story points only.
    pub points: usize,
    /// Open tasks estimated in T-shirt sizes only.
    pub shirts: usize,
}

/// What an activity of the network stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Node {
    Task(usize, usize),
    /// The end of a phase: (document, phase index).
    PhaseEnd(usize, usize),
    Milestone(usize, usize),
}

/// Why an activity may not start earlier than its release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Release {
    None,
    /// Work not done waits for today.
    Today,
    /// The task's own start date.
    StartDate,
    /// Started: fixed at today.
    InProgress,
}

/// The network behind a schedule, kept for explanations.
#[derive(Debug, Clone, Default)]
pub(crate) struct Net {
    pub(crate) nodes: Vec<Node>,
    pub(crate) durations: Vec<i64>,
    pub(crate) release: Vec<i64>,
    pub(crate) release_why: Vec<Release>,
    pub(crate) links: Vec<Link>,
    pub(crate) start: Vec<i64>,
    pub(crate) demands: Vec<Vec<(usize, u32)>>,
    /// Minutes in a working day.
    pub(crate) day: i64,
    /// Activity of each task: `task_node[doc][task]`.
    pub(crate) task_node: Vec<Vec<usize>>,
    /// Per resource: days off (as working-day offsets).
    pub(crate) off: Vec<Vec<i64>>,
}

/// Why a workspace cannot be scheduled.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// Findings that stop scheduling (cycles, impossible demands, a bad calendar).
    #[error("the plans cannot be scheduled")]
    Findings(Vec<Diagnostic>),
}

impl Schedule {
    /// This timeline cut down to the tasks, milestones and deadlines of
    /// the plans `keep` accepts, their dates as they are in the whole: to
    /// draw one plan of a large workspace. Links to the plans left out are
    /// left out; [`explain`](crate::schedule::explain) needs the whole.
    #[must_use]
    pub fn only_plans(&self, keep: impl Fn(&str) -> bool) -> Schedule {
        let mut new_index = vec![None; self.tasks.len()];
        let mut tasks = Vec::new();
        for (i, t) in self.tasks.iter().enumerate() {
            if keep(&t.plan) {
                new_index[i] = Some(tasks.len());
                tasks.push(t.clone());
            }
        }
        Schedule {
            tasks,
            critical_path: self
                .critical_path
                .iter()
                .filter_map(|&i| new_index[i])
                .collect(),
            milestones: self
                .milestones
                .iter()
                .filter(|m| keep(&m.plan))
                .cloned()
                .collect(),
            plan_deadlines: self
                .plan_deadlines
                .iter()
                .filter(|d| d.plan.as_deref().is_none_or(&keep))
                .cloned()
                .collect(),
            overallocations: Vec::new(),
            unmapped_sizes: Vec::new(),
            ignored_dependencies: Vec::new(),
            ..self.clone_head()
        }
    }

    /// Everything but the lists, copied.
    fn clone_head(&self) -> Schedule {
        Schedule {
            start: self.start,
            start_from: self.start_from,
            today: self.today,
            finish: self.finish,
            makespan_days: self.makespan_days,
            deadline: self.deadline.clone(),
            plan_deadlines: Vec::new(),
            tasks: Vec::new(),
            milestones: Vec::new(),
            critical_path: Vec::new(),
            levelling: self.levelling.clone(),
            resources: self.resources.clone(),
            overallocations: Vec::new(),
            ignored_dependencies: Vec::new(),
            unmapped_sizes: Vec::new(),
            net: Net::default(),
            calendar: self.calendar.clone(),
        }
    }
}

impl ScheduleError {
    /// The findings.
    #[must_use]
    pub fn findings(&self) -> &[Diagnostic] {
        match self {
            ScheduleError::Findings(f) => f,
        }
    }
}

/// A name as resources are matched: lower case, no `@`, single spaces.
fn key(name: &str) -> String {
    name.trim()
        .trim_start_matches('@')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A capacity written as `1`, `0.5`, `50%` or `3 developers`.
fn capacity_of(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => {
            let s = s.trim();
            if let Some(p) = s.strip_suffix('%') {
                return p.trim().parse::<f64>().ok().map(|p| p / 100.0);
            }
            s.split_whitespace().next()?.parse().ok()
        }
        serde_json::Value::Object(m) => m
            .get("capacity")
            .or_else(|| m.get("units"))
            .and_then(capacity_of),
        _ => None,
    }
}

/// Days off written as `2026-12-24` or `2026-12-24..2026-12-31` (a list or one).
fn days_off(v: &serde_json::Value, out: &mut Vec<(Date, Date)>) -> Result<(), String> {
    match v {
        serde_json::Value::Array(a) => a.iter().try_for_each(|x| days_off(x, out)),
        serde_json::Value::String(s) => {
            let (a, b) = s.split_once("..").unwrap_or((s, s));
            match (
                crate::syntax::values::date(a),
                crate::syntax::values::date(b.trim_start_matches('=')),
            ) {
                (Some(a), Some(b)) if a <= b => {
                    out.push((a, b));
                    Ok(())
                }
                _ => Err(format!("`{s}` is not a date or a range of dates")),
            }
        }
        other => Err(format!("`{other}` is not a date or a range of dates")),
    }
}

/// Resources by matching key.
#[derive(Default)]
struct Registry {
    list: Vec<Resource>,
    by_key: HashMap<String, usize>,
    /// Names as written, to skip normalising the same name again.
    by_name: HashMap<String, usize>,
    off: Vec<Vec<(Date, Date)>>,
}

impl Registry {
    fn declare(&mut self, name: &str, capacity: f64, off: Vec<(Date, Date)>) {
        let k = key(name);
        if k.is_empty() {
            return;
        }
        if let Some(&i) = self.by_key.get(&k) {
            if !self.list[i].declared {
                self.list[i].capacity = capacity;
                self.list[i].declared = true;
            }
            self.off[i].extend(off);
            return;
        }
        let i = self.list.len();
        self.list.push(Resource {
            name: name.trim().trim_start_matches('@').to_owned(),
            capacity,
            declared: true,
            off: vec![],
        });
        self.off.push(off);
        self.by_key.insert(k.clone(), i);
        // `Backend team` also answers to `backend`.
        for suffix in [" team", " developers", " engineers", " devs", " pool"] {
            if let Some(short) = k.strip_suffix(suffix) {
                self.by_key.entry(short.to_owned()).or_insert(i);
            }
        }
    }

    fn get(&mut self, name: &str) -> usize {
        if let Some(&i) = self.by_name.get(name) {
            return i;
        }
        let i = self.lookup(name);
        self.by_name.insert(name.to_owned(), i);
        i
    }

    fn lookup(&mut self, name: &str) -> usize {
        let k = key(name);
        if let Some(&i) = self.by_key.get(&k) {
            return i;
        }
        let i = self.list.len();
        self.list.push(Resource {
            name: name.trim().trim_start_matches('@').to_owned(),
            capacity: 1.0,
            declared: false,
            off: vec![],
        });
        self.off.push(vec![]);
        self.by_key.insert(k, i);
        i
    }
}

/// A plan's Timeframe: (document, (start, end)).
type Frame = (usize, (Option<Date>, Option<Date>));

/// The project start and deadline and where they came from.
fn project_dates(
    ws: &Workspace,
    config: &Config,
    opts: &Options,
) -> (Date, DateSource, Option<Deadline>, Vec<Deadline>) {
    let fm_start = ws
        .documents
        .iter()
        .filter_map(|d| d.front_matter.as_ref()?.start)
        .min();
    let frames: Vec<Frame> = ws
        .documents
        .iter()
        .enumerate()
        .filter_map(|(i, d)| Some((i, timeframe(&d.focus.timeframe.as_ref()?.value))))
        .collect();
    let tf_start = frames.iter().filter_map(|(_, (s, _))| *s).min();
    let (start, from) = if let Some(s) = opts.start {
        (s, DateSource::Option)
    } else if let Some(s) = fm_start {
        (s, DateSource::FrontMatter)
    } else if let Some(s) = config.start() {
        (s, DateSource::Config)
    } else if let Some(s) = tf_start {
        (s, DateSource::Timeframe)
    } else {
        (opts.today, DateSource::Today)
    };
    let mut plan_deadlines = Vec::new();
    for (i, d) in ws.documents.iter().enumerate() {
        let fm = d.front_matter.as_ref().and_then(|f| f.deadline);
        let tf = frames
            .iter()
            .find(|(j, _)| *j == i)
            .and_then(|(_, (_, e))| *e)
            .or_else(|| {
                // `Timeframe: 6 weeks` ends six weeks after the start.
                let text = &d.focus.timeframe.as_ref()?.value;
                let q = crate::syntax::values::quantity(text, None)?;
                let days = match q.unit {
                    crate::model::TimeUnit::Weeks => q.amount * 7.0,
                    crate::model::TimeUnit::Months => q.amount * 30.0,
                    crate::model::TimeUnit::Days => q.amount,
                    _ => return None,
                };
                start
                    .checked_add(jiff::Span::new().days(days.ceil() as i64 - 1))
                    .ok()
            });
        let (date, source) = match (fm, tf) {
            (Some(x), _) => (x, DateSource::FrontMatter),
            (None, Some(x)) => (x, DateSource::Timeframe),
            _ => continue,
        };
        plan_deadlines.push(Deadline {
            date,
            from: source,
            plan: Some(d.path.clone()),
            late_days: 0,
            finish: date,
        });
    }
    let project = config
        .deadline()
        .map(|date| Deadline {
            date,
            from: DateSource::Config,
            plan: None,
            late_days: 0,
            finish: date,
        })
        .or_else(|| plan_deadlines.iter().max_by_key(|d| d.date).cloned());
    if let Some(p) = project.as_ref().and_then(|p| p.plan.clone()) {
        plan_deadlines.retain(|d| d.plan.as_deref() != Some(p.as_str()));
    }
    (start, from, project, plan_deadlines)
}

/// Reads a Timeframe line: two dates give a start and an end, one date an end.
#[must_use]
pub fn timeframe(text: &str) -> (Option<Date>, Option<Date>) {
    let dates: Vec<Date> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')' || c == '→')
        .filter_map(|w| {
            let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            (w.len() >= 8 && w.starts_with(|c: char| c.is_ascii_digit()))
                .then(|| crate::syntax::values::date(w))
                .flatten()
        })
        .collect();
    match dates.as_slice() {
        [] => (None, None),
        [end] => (None, Some(*end)),
        [a, .., b] => (Some(*a), Some(*b)),
    }
}

/// Schedules every task of `ws`.
///
/// # Errors
///
/// Returns findings when the plans cannot be scheduled: a dependency cycle,
/// a task demanding more of a resource than it has, a calendar or resource
/// declaration that cannot be read.
pub fn schedule(
    ws: &Workspace,
    config: &Config,
    opts: &Options,
) -> Result<Schedule, ScheduleError> {
    let fail = |d: Vec<Diagnostic>| Err(ScheduleError::Findings(d));
    let config_error = |m: String| {
        Diagnostic::new(
            Code::ImpossibleDemand,
            Severity::Error,
            "planmark.toml",
            None,
            m,
        )
    };
    // The calendar: configuration plus holidays any plan lists.
    let mut calendar = match Calendar::from_config(&config.calendar) {
        Ok(c) => c,
        Err(e) => return fail(vec![config_error(format!("[calendar]: {e}"))]),
    };
    for d in &ws.documents {
        if let Some(h) = d
            .front_matter
            .as_ref()
            .and_then(|f| f.fields.get("holidays"))
        {
            let mut days = Vec::new();
            if let Err(e) = days_off(h, &mut days) {
                return fail(vec![fm_error(d, &format!("holidays: {e}"))]);
            }
            calendar = calendar.with_holidays(days.into_iter().flat_map(|(a, b)| {
                a.series(jiff::Span::new().days(1))
                    .take_while(move |x| *x <= b)
            }));
        }
    }
    let work = calendar.work_time();
    let day = (calendar.hours_per_day * 60.0).round().max(1.0) as i64;
    let (start, start_from, mut deadline, mut plan_deadlines) = project_dates(ws, config, opts);
    let mut wd = calendar.days_from(start);
    let start = wd.date(0);
    let now_day = if opts.today > start {
        wd.day_of(opts.today) as i64
    } else {
        0
    };
    let now = now_day * day;

    // Resources: configuration, front matter, team lists, pools.
    let mut reg = Registry::default();
    for (name, v) in &config.resources {
        let v = crate::config::toml_to_json(v);
        let Some(cap) = capacity_of(&v).filter(|c| *c > 0.0 && c.is_finite()) else {
            return fail(vec![config_error(format!(
                "[resources] {name}: `{v}` is not a capacity (write 1, 0.5, \"50%\" or 3)"
            ))]);
        };
        let mut off = Vec::new();
        if let Some(o) = v.get("off")
            && let Err(e) = days_off(o, &mut off)
        {
            return fail(vec![config_error(format!("[resources] {name}: off: {e}"))]);
        }
        reg.declare(name, cap, off);
    }
    for d in &ws.documents {
        if let Some(serde_json::Value::Object(m)) = d
            .front_matter
            .as_ref()
            .and_then(|f| f.fields.get("resources"))
        {
            for (name, v) in m {
                let Some(cap) = capacity_of(v).filter(|c| *c > 0.0 && c.is_finite()) else {
                    return fail(vec![fm_error(
                        d,
                        &format!(
                            "resources: {name}: `{v}` is not a capacity (write 1, 0.5, 50% or 3)"
                        ),
                    )]);
                };
                let mut off = Vec::new();
                if let Some(o) = v.get("off")
                    && let Err(e) = days_off(o, &mut off)
                {
                    return fail(vec![fm_error(d, &format!("resources: {name}: off: {e}"))]);
                }
                reg.declare(name, cap, off);
            }
        }
        for m in &d.team {
            reg.declare(&m.name, m.capacity, vec![]);
        }
        for p in &d.pools {
            reg.declare(&p.name, p.units, vec![]);
        }
    }

    // Nodes: tasks, then phase ends and milestones per plan.
    let links_index = Links::new(ws);
    let task_count: usize = ws.documents.iter().map(|d| d.tasks.len()).sum();
    let mut nodes = Vec::with_capacity(task_count);
    let mut task_node = Vec::with_capacity(ws.documents.len());
    for (di, d) in ws.documents.iter().enumerate() {
        task_node.push((nodes.len()..nodes.len() + d.tasks.len()).collect::<Vec<_>>());
        nodes.extend((0..d.tasks.len()).map(|ti| Node::Task(di, ti)));
    }
    let mut phase_end: Vec<Vec<Option<usize>>> = Vec::new();
    let mut milestone_node: Vec<Vec<usize>> = Vec::new();
    // Each task's phase index, per plan.
    let phase_of: Vec<Vec<Option<usize>>> = ws
        .documents
        .iter()
        .map(|d| crate::links::phase_indexes(d))
        .collect();
    for (di, d) in ws.documents.iter().enumerate() {
        let mut ends = vec![None; d.phases.len()];
        for &pi in phase_of[di].iter().flatten() {
            if ends[pi].is_none() {
                ends[pi] = Some(nodes.len());
                nodes.push(Node::PhaseEnd(di, pi));
            }
        }
        phase_end.push(ends);
        let ms = (0..d.milestones.len())
            .map(|mi| {
                nodes.push(Node::Milestone(di, mi));
                nodes.len() - 1
            })
            .collect();
        milestone_node.push(ms);
    }
    let n = nodes.len();
    let mut durations = vec![0i64; n];
    let mut release = vec![0i64; n];
    let mut release_why = vec![Release::None; n];
    let mut demands: Vec<Vec<(usize, u32)>> = vec![Vec::new(); n];
    let mut links: Vec<Link> = Vec::with_capacity(2 * task_count);
    let mut ignored = Vec::new();
    let mut findings = Vec::new();
    let mut unestimated = vec![false; n];
    let mut sized = vec![(0usize, 0usize); ws.documents.len()];

    // A phase or milestone named in words: `Phase 2`, `2`, `M1`, a name.
    let find_other = |di: usize, what: &str| -> Option<usize> {
        let d = &ws.documents[di];
        let w = what.trim().trim_end_matches(['.', ')']);
        let lw = w.to_lowercase();
        let num = lw.strip_prefix("phase").map(str::trim);
        if let Some(pi) = d.phases.iter().position(|p| {
            p.number
                .as_deref()
                .is_some_and(|x| Some(x) == num || x == lw)
                || p.name.eq_ignore_ascii_case(w)
                || p.name
                    .to_lowercase()
                    .split(':')
                    .nth(1)
                    .is_some_and(|x| x.trim() == lw)
        }) {
            return phase_end[di][pi];
        }
        let lm = lw
            .strip_prefix("milestone")
            .map_or(lw.clone(), |x| format!("m{}", x.trim()));
        d.milestones
            .iter()
            .position(|m| {
                m.id.eq_ignore_ascii_case(&lm)
                    || m.id.eq_ignore_ascii_case(w)
                    || m.title.eq_ignore_ascii_case(w)
            })
            .map(|mi| milestone_node[di][mi])
    };

    for (di, d) in ws.documents.iter().enumerate() {
        let parallel = d.front_matter.as_ref().is_some_and(|f| f.phases_parallel);
        // Summary tasks: a task whose subtasks carry estimates.
        // The end of the nearest earlier phase with tasks, per phase.
        let mut prev_end = vec![None; d.phases.len()];
        let mut last = None;
        for (pi, slot) in prev_end.iter_mut().enumerate() {
            *slot = last;
            if phase_end[di][pi].is_some() {
                last = phase_end[di][pi];
            }
        }
        let mut children: HashMap<&str, Vec<usize>> = HashMap::default();
        for (ti, t) in d.tasks.iter().enumerate() {
            if let Some(p) = t.parent.as_deref() {
                children.entry(p).or_default().push(ti);
            }
        }
        let is_summary: Vec<bool> = d
            .tasks
            .iter()
            .map(|t| {
                children
                    .get(t.id.as_str())
                    .is_some_and(|c| c.iter().any(|&k| d.tasks[k].estimate.is_some()))
            })
            .collect();
        let summary = |ti: usize| is_summary[ti];
        for (ti, t) in d.tasks.iter().enumerate() {
            let v = task_node[di][ti];
            let mut minutes = match &t.estimate {
                Some(e) => {
                    let h = e.likely_hours(work);
                    if !h.is_finite() || h < 0.0 {
                        0
                    } else {
                        (h * 60.0).round().min(1e12) as i64
                    }
                }
                None => {
                    unestimated[v] = !summary(ti) && t.status != Status::Cancelled;
                    if unestimated[v] && !t.status.is_closed() {
                        match &t.size {
                            Some(crate::model::Size::Points { .. }) => sized[di].0 += 1,
                            Some(crate::model::Size::Shirt { .. }) => sized[di].1 += 1,
                            None => {}
                        }
                    }
                    0
                }
            };
            if summary(ti) || t.status == Status::Cancelled {
                minutes = 0;
            }
            // Demands; a part-time person stretches the task.
            let mut stretch = 1.0f64;
            if !matches!(t.status, Status::Cancelled | Status::Done) {
                for dm in &t.resources {
                    let r = reg.get(&dm.name);
                    let cap = (reg.list[r].capacity * 100.0).round() as u32;
                    let mut units = (dm.units * 100.0).round().max(0.0) as u32;
                    if units > cap && units <= 100 && cap > 0 {
                        stretch = stretch.max(f64::from(units) / f64::from(cap));
                        units = cap;
                    }
                    if units > cap {
                        findings.push(impossible(
                            ws,
                            di,
                            ti,
                            &dm.name,
                            dm.units,
                            reg.list[r].capacity,
                        ));
                        continue;
                    }
                    if units > 0 {
                        match demands[v].iter_mut().find(|x| x.0 == r) {
                            Some(x) => x.1 = (x.1 + units).min(cap),
                            None => demands[v].push((r, units)),
                        }
                    }
                }
            }
            durations[v] = ((minutes as f64) * stretch).round() as i64;
            if durations[v] > MAX_YEARS * 260 * day {
                findings.push(absurd(ws, di, ti));
                durations[v] = 0;
            }
            // Progress.
            match t.status {
                Status::Done | Status::Cancelled => {}
                Status::InProgress => {
                    release[v] = now;
                    release_why[v] = Release::InProgress;
                }
                _ => {
                    release[v] = now;
                    release_why[v] = Release::Today;
                    if let Some(s) = t.start {
                        let s = wd.day_of(s) as i64 * day;
                        if s > now {
                            release[v] = s;
                            release_why[v] = Release::StartDate;
                        }
                    }
                }
            }
            // Dependencies (a summary task's apply to its subtasks too).
            let mut deps: Vec<&crate::model::Dependency> = t.dependencies.iter().collect();
            let mut p = t.parent.as_deref();
            let mut hops = 0;
            while let Some(pid) = p {
                let Some(pi) = links_index.find(di, pid) else {
                    break;
                };
                if !summary(pi) || hops > 64 {
                    break;
                }
                deps.extend(&d.tasks[pi].dependencies);
                p = d.tasks[pi].parent.as_deref();
                hops += 1;
            }
            for dep in deps {
                let lag = dep.lag.map_or(0, |q| (q.hours(work) * 60.0).round() as i64);
                if lag.abs() > MAX_YEARS * 260 * day {
                    findings.push(absurd(ws, di, ti));
                    continue;
                }
                let from = match links_index.resolve(di, dep, false) {
                    Target::Task(dj, tj) => Some(task_node[dj][tj]),
                    Target::Other | Target::Unknown { .. } => find_other(di, &dep.target),
                };
                match from {
                    Some(u) if u != v => links.push(Link {
                        from: u,
                        to: v,
                        kind: dep.kind,
                        lag,
                    }),
                    Some(_) => {}
                    None => ignored.push(format!("{}: {} → {}", d.path, t.id, dep.text)),
                }
            }
            if summary(ti) {
                for &k in &children[t.id.as_str()] {
                    links.push(Link::finish_to_start(task_node[di][k], v));
                }
            }
            // Phases: the phase's end waits for the task; the next phase's tasks
            // wait for the end of the one before.
            if let Some(pi) = phase_of[di][ti] {
                if let Some(e) = phase_end[di][pi] {
                    links.push(Link::finish_to_start(v, e));
                }
                if !parallel && let Some(prev) = prev_end[pi] {
                    links.push(Link::finish_to_start(prev, v));
                }
            }
        }
        for (mi, m) in d.milestones.iter().enumerate() {
            for a in &m.after {
                let from = find_other(di, a)
                    .or_else(|| links_index.find(di, a).map(|ti| task_node[di][ti]));
                match from {
                    Some(u) => links.push(Link::finish_to_start(u, milestone_node[di][mi])),
                    None => ignored.push(format!("{}: {} → {a}", d.path, m.id)),
                }
            }
        }
    }
    if !findings.is_empty() {
        return fail(findings);
    }
    // Started and finished work does not wait any more.
    let fixed: Vec<bool> = nodes
        .iter()
        .map(|nd| match *nd {
            Node::Task(di, ti) => matches!(
                ws.documents[di].tasks[ti].status,
                Status::Done | Status::InProgress
            ),
            _ => false,
        })
        .collect();
    let done: Vec<bool> = nodes
        .iter()
        .map(|nd| matches!(*nd, Node::Task(di, ti) if ws.documents[di].tasks[ti].status == Status::Done))
        .collect();
    let all_links = links.clone();
    links.retain(|l| !fixed[l.to]);
    let mut plan_durations = durations.clone();
    for v in 0..n {
        if done[v] {
            plan_durations[v] = durations[v];
            durations[v] = 0;
            demands[v].clear();
        }
    }

    // Unlevelled times (also the cycle check).
    let net = Network {
        durations: durations.clone(),
        release: release.clone(),
        links: links.clone(),
    };
    let cpm_times = match cpm::compute(&net) {
        Ok(t) => t,
        Err(stuck) => return fail(vec![cycle_finding(ws, &nodes, &stuck)]),
    };
    let any_demand = demands.iter().any(|d| !d.is_empty());
    // `level: false` (or `levelling: off`) in any plan's front matter turns it off.
    let fm_level = ws.documents.iter().find_map(|d| {
        let f = &d.front_matter.as_ref()?.fields;
        let v = f
            .get("level")
            .or_else(|| f.get("levelling"))
            .or_else(|| f.get("leveling"))?;
        match v {
            serde_json::Value::Bool(b) => Some(*b),
            serde_json::Value::String(s) => Some(!matches!(s.as_str(), "off" | "false" | "no")),
            _ => None,
        }
    });
    let level_on = opts
        .level
        .or(fm_level)
        .unwrap_or(config.schedule.level.unwrap_or(true))
        && any_demand;
    let capacity: Vec<u32> = reg
        .list
        .iter()
        .map(|r| (r.capacity * 100.0).round() as u32)
        .collect();
    // Days off as working-day offsets.
    let off: Vec<Vec<i64>> = reg
        .off
        .iter()
        .map(|ranges| {
            let mut days: Vec<i64> = Vec::new();
            for &(a, b) in ranges {
                let (x, y) = (
                    wd.day_of(a) as i64,
                    wd.day_of(b.tomorrow().unwrap_or(b)) as i64,
                );
                days.extend(x..y);
            }
            days.sort_unstable();
            days.dedup();
            days
        })
        .collect();
    let mut levelling = None;
    let mut start_min = cpm_times.early_start.clone();
    let mut slack = cpm_times.total_slack.clone();
    let unlevelled_days = (cpm_times.finish + day - 1) / day;
    if level_on {
        // Ticks: the largest step every time in the problem is a multiple of.
        let mut tick = day;
        for &x in durations.iter().chain(&release) {
            tick = gcd(tick, x);
        }
        for l in &links {
            tick = gcd(tick, l.lag);
        }
        let total: i64 = durations.iter().sum::<i64>() + release.iter().copied().max().unwrap_or(0);
        if total / tick.max(1) * (capacity.len() as i64) > 20_000_000 {
            tick = day;
        }
        let tick = tick.max(1);
        let problem = in_ticks(
            (&durations, &release, &demands),
            &off,
            (day, tick),
            &links,
            &capacity,
        );
        let budget = opts
            .schedules
            .or(config.schedule.schedules)
            .unwrap_or_else(|| default_schedules(n));
        let seed = config.schedule.seed.unwrap_or(opts.seed);
        let thorough: Vec<bool> = match &opts.dated {
            Some(dated) => nodes
                .iter()
                .map(|nd| {
                    let (Node::Task(di, _) | Node::PhaseEnd(di, _) | Node::Milestone(di, _)) = *nd;
                    dated.get(di).copied().unwrap_or(true)
                })
                .collect(),
            None => Vec::new(),
        };
        match level::solve_marked(
            &problem,
            Settings {
                seed,
                schedules: budget,
            },
            &thorough,
        ) {
            Ok(sol) => {
                start_min = sol.start.iter().map(|&s| s * tick).collect();
                for (d, &p) in durations.iter_mut().zip(&problem.durations) {
                    *d = p * tick;
                }
                levelling = Some(Levelling {
                    schedules: sol.schedules,
                    seed,
                    unlevelled_days,
                });
            }
            Err(level::LevelError::Cycle(stuck)) => {
                return fail(vec![cycle_finding(ws, &nodes, &stuck)]);
            }
            Err(e) => {
                return fail(vec![Diagnostic::new(
                    Code::ImpossibleDemand,
                    Severity::Error,
                    ws.documents.first().map_or("", |d| d.path.as_str()),
                    None,
                    format!("cannot level resources: {e}"),
                )]);
            }
        }
    }

    // Resource hand-overs in the final schedule, for slack and the critical chain.
    let hand_overs = resource_links(&durations, &start_min, &demands);
    if levelling.is_some() {
        slack = levelled_slack(&durations, &links, &hand_overs, &start_min);
    }

    // Done work: placed among itself, ending by today at the latest.
    let done_net = Network {
        durations: plan_durations
            .iter()
            .zip(&done)
            .map(|(&d, &x)| if x { d } else { 0 })
            .collect(),
        release: vec![],
        links: all_links
            .iter()
            .filter(|l| done[l.from] && done[l.to])
            .copied()
            .collect(),
    };
    let done_times = cpm::compute(&done_net).ok();
    let mut shown_start = start_min.clone();
    let mut shown_dur = durations.clone();
    if let Some(dt) = &done_times {
        for v in (0..n).filter(|&v| done[v]) {
            let f = (dt.early_start[v] + plan_durations[v]).min(now);
            let s = dt.early_start[v].min(f);
            shown_start[v] = s;
            shown_dur[v] = f - s;
            slack[v] = slack[v].max(0);
        }
    }
    let finish_min = (0..n)
        .map(|v| start_min[v] + durations[v])
        .max()
        .unwrap_or(0)
        .max(
            now.min(
                (0..n)
                    .filter(|&v| done[v])
                    .map(|v| shown_start[v] + shown_dur[v])
                    .max()
                    .unwrap_or(0),
            ),
        );
    let makespan_days = (finish_min + day - 1) / day;
    let finish = wd.date((makespan_days - 1).max(0) as usize);

    // Tasks out.
    let mut tasks = Vec::with_capacity(n);
    let mut out_index = vec![usize::MAX; n];
    for v in 0..n {
        let Node::Task(di, ti) = nodes[v] else {
            continue;
        };
        let d = &ws.documents[di];
        let t = &d.tasks[ti];
        let (s, e) = (shown_start[v], shown_start[v] + shown_dur[v]);
        let (start_day, finish_day) = if e > s {
            (s.div_euclid(day), (e + day - 1).div_euclid(day))
        } else {
            let x = (s + day - 1).div_euclid(day);
            (x, x)
        };
        let (sd, fd) = if e > s {
            (
                wd.date(start_day as usize),
                wd.date((finish_day - 1).max(0) as usize),
            )
        } else {
            let x = wd.date((start_day - 1).max(0) as usize);
            (x, x)
        };
        out_index[v] = tasks.len();
        tasks.push(ScheduledTask {
            id: t.id.clone(),
            plan: d.path.clone(),
            title: t.title.clone(),
            status: t.status,
            phase: t.phase.clone(),
            start: sd,
            finish: fd,
            start_day,
            finish_day,
            slack_days: (slack[v].max(0) as f64 / day as f64 * 100.0).round() / 100.0,
            critical: slack[v] <= 0 && !done[v] && t.status != Status::Cancelled,
            resources: t
                .resources
                .iter()
                .filter(|_| !matches!(t.status, Status::Cancelled))
                .map(ToString::to_string)
                .collect(),
            unestimated: unestimated[v],
            doc: di,
            task: ti,
        });
    }
    // Milestones and deadlines.
    let late = |wd: &mut super::calendar::WorkingDays<'_>, target: Date, end_min: i64| {
        // Working days up to and including the target.
        let allowed = wd.day_of(target.tomorrow().unwrap_or(target)) as i64;
        (end_min + day - 1).div_euclid(day) - allowed
    };
    let mut milestones = Vec::new();
    for v in 0..n {
        let Node::Milestone(di, mi) = nodes[v] else {
            continue;
        };
        let m = &ws.documents[di].milestones[mi];
        if m.after.is_empty() {
            continue;
        }
        let x = (start_min[v] + day - 1).div_euclid(day);
        milestones.push(ScheduledMilestone {
            id: m.id.clone(),
            plan: ws.documents[di].path.clone(),
            title: m.title.clone(),
            date: wd.date((x - 1).max(0) as usize),
            day: x,
            target: m.target,
            late_days: m.target.map(|t| late(&mut wd, t, start_min[v])),
        });
    }
    // Each plan's finish, for its own deadline.
    let mut plan_end: HashMap<&str, i64> = HashMap::default();
    for t in &tasks {
        let e = plan_end.entry(t.plan.as_str()).or_insert(0);
        *e = (*e).max(t.finish_day * day);
    }
    let many = ws.documents.len() > 1;
    for dl in deadline.iter_mut().chain(plan_deadlines.iter_mut()) {
        let end = match &dl.plan {
            Some(p) if many => plan_end.get(p.as_str()).copied().unwrap_or(0),
            _ => finish_min,
        };
        dl.late_days = late(&mut wd, dl.date, end);
        dl.finish = wd.date(((end + day - 1).div_euclid(day) - 1).max(0) as usize);
    }
    // A critical path: from the task that ends last, back through binding links.
    let critical_path = critical_chain(&nodes, &durations, &links, &start_min, &slack, &hand_overs)
        .into_iter()
        .filter_map(|v| (out_index[v] != usize::MAX).then_some(out_index[v]))
        .collect();
    let overallocations = if level_on || !any_demand {
        Vec::new()
    } else {
        overbooked(
            ws, &nodes, &start_min, &durations, &demands, &capacity, &reg.list, &mut wd, day,
        )
    };
    let mut resources = reg.list;
    for (r, days) in off.iter().enumerate() {
        resources[r].off = days.iter().map(|&x| wd.date(x as usize)).collect();
    }
    Ok(Schedule {
        start,
        start_from,
        today: opts.today,
        finish,
        makespan_days,
        deadline,
        plan_deadlines,
        tasks,
        milestones,
        critical_path,
        levelling,
        resources,
        overallocations,
        ignored_dependencies: ignored,
        unmapped_sizes: ws
            .documents
            .iter()
            .zip(&sized)
            .filter(|(_, z)| z.0 + z.1 > 0)
            .map(|(d, &(points, shirts))| UnmappedSizes {
                plan: d.path.clone(),
                points,
                shirts,
            })
            .collect(),
        net: Net {
            nodes,
            durations,
            release,
            release_why,
            links,
            start: start_min,
            demands,
            day,
            task_node,
            off,
        },
        calendar: calendar.clone(),
    })
}

/// Per activity, the (resource, units) it holds.
pub(crate) type Demands = [Vec<(usize, u32)>];

/// The levelling problem of activities with `links` in steps of `tick`
/// minutes: durations, releases and lags rounded up to whole steps, each
/// resource's days off booked in full.
pub(crate) fn in_ticks(
    (durations, release, demands): (&[i64], &[i64], &Demands),
    off: &[Vec<i64>],
    (day, tick): (i64, i64),
    links: &[Link],
    capacity: &[u32],
) -> Problem {
    let up = |x: i64| (x + tick - 1).div_euclid(tick);
    let mut reserved = Vec::new();
    for (r, days) in off.iter().enumerate() {
        for &dd in days {
            reserved.push(Reservation {
                resource: r,
                start: dd * day / tick,
                end: (dd + 1) * day / tick,
                units: capacity[r],
            });
        }
    }
    Problem {
        durations: durations.iter().map(|&x| up(x)).collect(),
        release: release.iter().map(|&x| up(x)).collect(),
        links: links
            .iter()
            .map(|l| Link {
                lag: if l.lag >= 0 { up(l.lag) } else { -up(-l.lag) },
                ..*l
            })
            .collect(),
        capacity: capacity.to_vec(),
        demands: demands.to_vec(),
        reserved,
    }
}

/// Estimates and lags beyond this many years of work are refused.
const MAX_YEARS: i64 = 100;

fn absurd(ws: &Workspace, di: usize, ti: usize) -> Diagnostic {
    let d = &ws.documents[di];
    let t = &d.tasks[ti];
    Diagnostic::new(
        Code::LargeEstimate,
        Severity::Error,
        &d.path,
        Some(crate::check::first_line(&d.source, t.origin.span)),
        format!("task `{}` has an estimate or lag of more than {MAX_YEARS} years of work, which cannot be scheduled", t.id),
    )
    .with_help("split the task, or correct the unit (`3w`, not `3000w`)")
}

fn fm_error(d: &crate::model::Document, m: &str) -> Diagnostic {
    Diagnostic::new(
        Code::FrontMatter,
        Severity::Error,
        &d.path,
        d.front_matter.as_ref().map(|f| f.span),
        format!("front matter {m}"),
    )
}

fn impossible(
    ws: &Workspace,
    di: usize,
    ti: usize,
    name: &str,
    units: f64,
    cap: f64,
) -> Diagnostic {
    let d = &ws.documents[di];
    let t = &d.tasks[ti];
    let span = crate::check::cell(
        &t.origin,
        &["owner", "owners", "assignee", "resources", "who"],
    )
    .unwrap_or_else(|| crate::check::first_line(&d.source, t.origin.span));
    Diagnostic::new(
        Code::ImpossibleDemand,
        Severity::Error,
        &d.path,
        Some(span),
        format!("task `{}` needs {units} of `{name}`, which has {cap}", t.id),
    )
    .with_help(format!(
        "lower the demand, or declare more units (`resources: {{{name}: {units}}}` in the front matter or planmark.toml)"
    ))
}

fn cycle_finding(ws: &Workspace, nodes: &[Node], stuck: &[usize]) -> Diagnostic {
    let names: Vec<String> = stuck
        .iter()
        .filter_map(|&v| match nodes[v] {
            Node::Task(di, ti) => Some(ws.documents[di].tasks[ti].id.clone()),
            _ => None,
        })
        .take(12)
        .collect();
    let (path, span) = stuck
        .iter()
        .find_map(|&v| match nodes[v] {
            Node::Task(di, ti) => {
                let d = &ws.documents[di];
                Some((
                    d.path.as_str(),
                    Some(crate::check::first_line(&d.source, d.tasks[ti].origin.span)),
                ))
            }
            _ => None,
        })
        .unwrap_or(("", None));
    Diagnostic::new(
        Code::DependencyCycle,
        Severity::Error,
        path,
        span.filter(|s: &Span| !s.is_empty() || s.line > 0),
        format!(
            "the tasks cannot be ordered: dependencies (with the phase order) form a cycle through {}",
            names.join(", ")
        ),
    )
    .with_help("run `planmark check` to see the cycle; a milestone or phase that waits for a task of a later phase also closes one")
}

/// Slack in a levelled schedule: the links plus, for every task a resource
/// held back, a link from each task that released the resource at its start.
fn levelled_slack(
    durations: &[i64],
    links: &[Link],
    hand_overs: &[Link],
    start: &[i64],
) -> Vec<i64> {
    let n = durations.len();
    let mut all = links.to_vec();
    all.extend_from_slice(hand_overs);
    let net = Network {
        durations: durations.to_vec(),
        release: start.to_vec(),
        links: all,
    };
    match cpm::compute(&net) {
        Ok(t) => t.total_slack,
        Err(_) => vec![0; n],
    }
}

/// For each activity that starts exactly when others sharing a resource
/// end, a link from each of those.
pub(crate) fn resource_links(
    durations: &[i64],
    start: &[i64],
    demands: &[Vec<(usize, u32)>],
) -> Vec<Link> {
    let n = durations.len();
    let mut ends: HashMap<(usize, i64), Vec<usize>> = HashMap::default();
    for u in 0..n {
        if durations[u] > 0 {
            for &(r, _) in &demands[u] {
                ends.entry((r, start[u] + durations[u]))
                    .or_default()
                    .push(u);
            }
        }
    }
    let mut out = Vec::new();
    for v in 0..n {
        if durations[v] == 0 {
            continue;
        }
        let mut seen: Vec<usize> = Vec::new();
        for &(r, _) in &demands[v] {
            if let Some(us) = ends.get(&(r, start[v])) {
                for &u in us {
                    if u != v && !seen.contains(&u) {
                        seen.push(u);
                        out.push(Link::finish_to_start(u, v));
                    }
                }
            }
        }
    }
    out
}

/// Walks back from the activity that ends last through links (and, when
/// levelled, resource hand-overs) that bind, preferring tasks.
fn critical_chain(
    nodes: &[Node],
    durations: &[i64],
    links: &[Link],
    start: &[i64],
    slack: &[i64],
    hand_overs: &[Link],
) -> Vec<usize> {
    let n = nodes.len();
    let Some(mut v) = (0..n).filter(|&v| slack[v] <= 0).max_by_key(|&v| {
        (
            start[v] + durations[v],
            matches!(nodes[v], Node::Task(..)),
            std::cmp::Reverse(v),
        )
    }) else {
        return vec![];
    };
    let mut incoming: Vec<Vec<Link>> = vec![Vec::new(); n];
    for &l in links.iter().chain(hand_overs) {
        incoming[l.to].push(l);
    }
    let mut chain = vec![v];
    let mut seen = vec![false; n];
    seen[v] = true;
    loop {
        let s = start[v];
        let next = incoming[v].iter().find_map(|l| {
            let b = cpm::bound(
                l.kind,
                l.lag,
                start[l.from],
                start[l.from] + durations[l.from],
                durations[v],
            );
            (b == s && !seen[l.from] && slack[l.from] <= 0).then_some(l.from)
        });
        match next {
            Some(u) => {
                seen[u] = true;
                chain.push(u);
                v = u;
            }
            None => break,
        }
    }
    chain.reverse();
    chain
}

/// Days where tasks book more of a resource than it has (no levelling).
#[allow(clippy::too_many_arguments)]
fn overbooked(
    ws: &Workspace,
    nodes: &[Node],
    start: &[i64],
    durations: &[i64],
    demands: &[Vec<(usize, u32)>],
    capacity: &[u32],
    resources: &[Resource],
    wd: &mut super::calendar::WorkingDays<'_>,
    day: i64,
) -> Vec<Overallocation> {
    let mut by_res: BTreeMap<usize, Vec<(i64, i64, usize)>> = BTreeMap::new();
    for v in 0..nodes.len() {
        for &(r, q) in &demands[v] {
            if durations[v] > 0 {
                by_res
                    .entry(r)
                    .or_default()
                    .push((start[v], i64::from(q), v));
                by_res
                    .entry(r)
                    .or_default()
                    .push((start[v] + durations[v], -i64::from(q), v));
            }
        }
    }
    let mut out = Vec::new();
    for (r, mut ev) in by_res {
        ev.sort_unstable_by_key(|&(t, q, _)| (t, q));
        let cap = i64::from(capacity[r]);
        let (mut used, mut worst, mut worst_at, mut from, mut to) = (0i64, 0i64, 0i64, None, 0i64);
        for (i, &(t, q, _)) in ev.iter().enumerate() {
            used += q;
            let next_t = ev.get(i + 1).map_or(t, |e| e.0);
            if used > cap && next_t > t {
                from.get_or_insert(t);
                to = next_t;
                if used > worst {
                    worst = used;
                    worst_at = t;
                }
            }
        }
        // The tasks running at the worst moment (the first few).
        let worst_tasks: Vec<usize> = ev
            .iter()
            .filter(|&&(t, q, v)| q > 0 && t <= worst_at && worst_at < t + durations[v])
            .map(|&(_, _, v)| v)
            .take(20)
            .collect();
        if let Some(f) = from {
            out.push(Overallocation {
                resource: resources[r].name.clone(),
                from: wd.date(f.div_euclid(day) as usize),
                to: wd.date(((to + day - 1).div_euclid(day) - 1).max(0) as usize),
                booked: worst as f64 / 100.0,
                capacity: cap as f64 / 100.0,
                tasks: worst_tasks
                    .iter()
                    .filter_map(|&v| match nodes[v] {
                        Node::Task(di, ti) => Some((
                            ws.documents[di].path.clone(),
                            ws.documents[di].tasks[ti].id.clone(),
                        )),
                        _ => None,
                    })
                    .collect(),
            });
        }
    }
    out
}
