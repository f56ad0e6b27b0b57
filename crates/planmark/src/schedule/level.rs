//! Resource levelling: start times that respect the links and never use
//! more of a resource than it has, with the finish as early as the search
//! can find.
//!
//! The method is the one the scheduling literature shows to work best for a
//! budget of a few thousand schedules:
//!
//! - activity lists decoded by the **serial schedule generation scheme**
//!   (each activity in list order at the earliest time its links and the
//!   remaining capacity allow; activities are never split);
//! - every decoded schedule improved by **forward-backward improvement**
//!   (double justification: right-justify in reverse order of finish, then
//!   left-justify in order of start);
//! - a **genetic algorithm** over the lists (two-point crossover that keeps
//!   lists precedence-feasible, swap mutation, rank selection), seeded with
//!   the latest-finish-time rule and biased random samples of it.
//!
//! The search is deterministic for a seed and counts its budget in
//! schedules generated (each pass of the scheme is one), as the literature
//! reports it, so results do not depend on the machine.
//!
//! Times are integer ticks; the caller chooses what a tick is.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::{RngExt, SeedableRng};
use rand_xorshift::XorShiftRng;

use super::cpm::{self, Link};
use crate::model::LinkKind;

/// Units of a resource booked outside the search: time off, work already
/// under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// The resource.
    pub resource: usize,
    /// First tick.
    pub start: i64,
    /// One past the last tick.
    pub end: i64,
    /// Units booked.
    pub units: u32,
}

/// A resource-constrained scheduling problem.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// Each activity's duration in ticks.
    pub durations: Vec<i64>,
    /// Each activity's earliest start (0 for none).
    pub release: Vec<i64>,
    /// Precedence links, lags in ticks.
    pub links: Vec<Link>,
    /// Units of each resource.
    pub capacity: Vec<u32>,
    /// What each activity holds while it runs: (resource, units).
    pub demands: Vec<Vec<(usize, u32)>>,
    /// Units booked outside the search.
    pub reserved: Vec<Reservation>,
}

/// How hard to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Seed of the random choices: the same seed gives the same schedule.
    pub seed: u64,
    /// Schedules to generate at most for each group of activities that
    /// share links or resources (each pass of the generation scheme counts
    /// one; at least one is always generated).
    pub schedules: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 1,
            schedules: 5000,
        }
    }
}

/// A levelled schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// Each activity's start, in ticks.
    pub start: Vec<i64>,
    /// The latest finish.
    pub makespan: i64,
    /// Schedules generated.
    pub schedules: u32,
    /// The lower bound the search compared against (links and resource
    /// work only); the search stops early when it reaches it.
    pub lower_bound: i64,
}

/// Why a problem cannot be levelled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LevelError {
    /// The links have a cycle through these activities.
    #[error("the links have a cycle")]
    Cycle(Vec<usize>),
    /// An activity needs more units than the resource has.
    #[error("activity {activity} needs {units} units of resource {resource}, which has {capacity}")]
    Demand {
        /// The activity.
        activity: usize,
        /// The resource.
        resource: usize,
        /// Units demanded.
        units: u32,
        /// Units available.
        capacity: u32,
    },
    /// A duration, release or reservation is negative, or a value out of
    /// the range the search handles.
    #[error("{0}")]
    Invalid(String),
}

/// Which way time runs in a pass of the generation scheme.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Forward,
    Backward,
}

/// Links indexed by activity, as ranges of one array (forward and mirrored).
struct Graph {
    /// `preds[pred_start[j]..pred_start[j+1]]`: links into `j`, as
    /// (other activity, kind, lag).
    pred_start: Vec<usize>,
    preds: Vec<(usize, LinkKind, i64)>,
}

impl Graph {
    fn new(n: usize, links: impl Iterator<Item = Link> + Clone) -> Graph {
        let mut pred_start = vec![0usize; n + 1];
        for l in links.clone() {
            pred_start[l.to + 1] += 1;
        }
        for i in 0..n {
            pred_start[i + 1] += pred_start[i];
        }
        let mut fill = pred_start.clone();
        let mut preds = vec![(0, LinkKind::FinishToStart, 0); pred_start[n]];
        for l in links {
            preds[fill[l.to]] = (l.from, l.kind, l.lag);
            fill[l.to] += 1;
        }
        Graph { pred_start, preds }
    }

    fn preds(&self, j: usize) -> &[(usize, LinkKind, i64)] {
        &self.preds[self.pred_start[j]..self.pred_start[j + 1]]
    }
}

/// The link as seen with time running backwards (start and finish swap).
fn mirror(l: &Link) -> Link {
    let kind = match l.kind {
        LinkKind::FinishToStart => LinkKind::FinishToStart,
        LinkKind::StartToStart => LinkKind::FinishToFinish,
        LinkKind::FinishToFinish => LinkKind::StartToStart,
        LinkKind::StartToFinish => LinkKind::StartToFinish,
    };
    Link {
        from: l.to,
        to: l.from,
        kind,
        lag: l.lag,
    }
}

/// Remaining units per resource and tick, grown on demand: a resource's
/// row is as long as its last use, so a large plan with many people costs
/// what it uses, not its length times its people.
#[derive(Clone)]
pub(crate) struct Profile {
    rows: Vec<Vec<u32>>,
    /// Per resource, a tick before which nothing is free: searches start
    /// there, so a person booked solid for months is not rescanned by
    /// every task that waits for them.
    first_free: Vec<usize>,
    capacity: Vec<u32>,
    /// Bookings outside the search per resource, in the current direction.
    reserved: Vec<Vec<(i64, i64, u32)>>,
}

impl Profile {
    /// Makes row `r` at least `end` ticks long.
    fn grow(&mut self, r: usize, end: usize) {
        let row = &mut self.rows[r];
        let old = row.len();
        if end <= old {
            return;
        }
        let new = end.max(old * 2).max(64);
        row.resize(new, self.capacity[r]);
        for &(a, b, q) in &self.reserved[r] {
            let (a, b) = (a.max(old as i64) as usize, (b.max(0) as usize).min(new));
            for f in row.iter_mut().take(b).skip(a) {
                *f = f.saturating_sub(q);
            }
        }
    }

    /// Empties every row and sets the bookings for a pass.
    fn reset(&mut self, reserved: impl Iterator<Item = (usize, i64, i64, u32)>) {
        for row in &mut self.rows {
            row.clear();
        }
        self.first_free.fill(0);
        for r in &mut self.reserved {
            r.clear();
        }
        for (r, a, b, q) in reserved {
            if b > a {
                self.reserved[r].push((a, b, q));
            }
        }
    }
}

/// The solver's state for one problem.
struct Solver<'a> {
    p: &'a Problem,
    n: usize,
    fwd: Graph,
    bwd: Graph,
    /// Successors in each direction, for keeping lists feasible.
    fwd_succ: Graph,
    bwd_succ: Graph,
    /// Latest finish of each activity (CPM), the priority rule.
    lft: Vec<i64>,
    /// Schedules generated so far.
    generated: u32,
    /// Whether sorting by time is already precedence-feasible: forwards
    /// by start (every link FS or SS, no leads), backwards by finish
    /// (every link FS or FF, no leads).
    monotone: [bool; 2],
    /// Each activity's position in a topological order.
    rank: Vec<usize>,
    buf_back: Vec<i64>,
    buf_fwd: Vec<i64>,
    buf_key: Vec<i64>,
    buf_order: Vec<usize>,
    /// No schedule finishes earlier: a pass that reaches it needs no
    /// justification.
    bound: i64,
}

impl<'a> Solver<'a> {
    fn new(p: &'a Problem) -> Result<Solver<'a>, LevelError> {
        let n = p.durations.len();
        let bad = |m: String| Err(LevelError::Invalid(m));
        if p.demands.len() != n || (!p.release.is_empty() && p.release.len() != n) {
            return bad("every activity needs a demand list and a release".into());
        }
        if let Some(j) = (0..n).find(|&j| p.durations[j] < 0) {
            return bad(format!("activity {j} has a negative duration"));
        }
        for (j, ds) in p.demands.iter().enumerate() {
            for &(r, q) in ds {
                let Some(&c) = p.capacity.get(r) else {
                    return bad(format!(
                        "activity {j} names resource {r}, which does not exist"
                    ));
                };
                if q > c {
                    return Err(LevelError::Demand {
                        activity: j,
                        resource: r,
                        units: q,
                        capacity: c,
                    });
                }
            }
        }
        for l in &p.links {
            if l.from >= n || l.to >= n {
                return bad("a link names an activity that does not exist".into());
            }
        }
        // Cycles and the critical-path times in one go.
        let net = cpm::Network {
            durations: p.durations.clone(),
            release: p.release.clone(),
            links: p.links.clone(),
        };
        let times = cpm::compute(&net).map_err(LevelError::Cycle)?;
        for r in &p.reserved {
            if r.resource >= p.capacity.len() || r.start < 0 || r.end < r.start {
                return bad("a reservation is out of range".into());
            }
        }
        let lft = (0..n).map(|j| times.late_finish[j]).collect();
        // Sorting by start is feasible forwards when every link keeps its
        // successor's start at or after its predecessor's start (no lead);
        // sorting by finish is feasible backwards when every link keeps
        // the successor's finish at or after the predecessor's finish. A
        // start-to-start link does not: a short successor can finish
        // first.
        let monotone = [
            p.links.iter().all(|l| {
                l.lag >= 0 && matches!(l.kind, LinkKind::FinishToStart | LinkKind::StartToStart)
            }),
            p.links.iter().all(|l| {
                l.lag >= 0 && matches!(l.kind, LinkKind::FinishToStart | LinkKind::FinishToFinish)
            }),
        ];
        let fwd = Graph::new(n, p.links.iter().copied());
        let bwd = Graph::new(n, p.links.iter().map(mirror));
        let fwd_succ = Graph::new(
            n,
            p.links.iter().map(|l| Link {
                from: l.to,
                to: l.from,
                ..*l
            }),
        );
        let bwd_succ = Graph::new(
            n,
            p.links.iter().map(mirror).map(|l| Link {
                from: l.to,
                to: l.from,
                ..l
            }),
        );
        let mut solver = Solver {
            p,
            n,
            fwd,
            bwd,
            fwd_succ,
            bwd_succ,
            lft,
            generated: 0,
            monotone,
            rank: Vec::new(),
            buf_back: Vec::new(),
            buf_fwd: Vec::new(),
            buf_key: Vec::new(),
            buf_order: Vec::new(),
            bound: i64::MIN,
        };
        // Any topological order breaks ties between equal times correctly.
        let topo = solver.order_by(&times.early_start, Dir::Forward);
        solver.rank = vec![0; n];
        for (i, &j) in topo.iter().enumerate() {
            solver.rank[j] = i;
        }
        Ok(solver)
    }

    /// A lower bound on the makespan: the critical path, and for each
    /// resource the work it must do divided by its units.
    fn lower_bound(&self) -> i64 {
        let cp = (0..self.n).map(|j| self.lft[j]).max().unwrap_or(0);
        let mut work = vec![0i64; self.p.capacity.len()];
        for j in 0..self.n {
            for &(r, q) in &self.p.demands[j] {
                work[r] += self.p.durations[j] * i64::from(q);
            }
        }
        let release = self.p.release.iter().copied().min().unwrap_or(0).max(0);
        let res = work
            .iter()
            .zip(&self.p.capacity)
            .filter(|&(_, &c)| c > 0)
            .map(|(&w, &c)| release + (w + i64::from(c) - 1) / i64::from(c))
            .max()
            .unwrap_or(0);
        cp.max(res)
    }

    /// One pass of the serial scheme over `order` (which must list every
    /// activity after those it depends on in direction `dir`). Writes the
    /// starts (in that direction's time) and returns the makespan.
    ///
    /// Backwards, time is mirrored about `mirror_at`: the reservations are
    /// placed where they fall in mirrored time.
    fn serial(
        &mut self,
        order: &[usize],
        dir: Dir,
        mirror_at: i64,
        profile: &mut Profile,
        start: &mut [i64],
    ) -> i64 {
        self.generated += 1;
        let res = self.p.reserved.iter().map(|x| match dir {
            Dir::Forward => (x.resource, x.start, x.end, x.units),
            Dir::Backward => (x.resource, mirror_at - x.end, mirror_at - x.start, x.units),
        });
        profile.reset(res);
        let (graph, release): (_, &[i64]) = if dir == Dir::Forward {
            (&self.fwd, &self.p.release)
        } else {
            (&self.bwd, &[])
        };
        place(
            order,
            graph,
            &self.p.durations,
            release,
            &self.p.demands,
            profile,
            start,
        )
    }

    /// A precedence-feasible order, as close to ascending `key` as the
    /// links allow (ties by activity index).
    fn order_by(&self, key: &[i64], dir: Dir) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.n);
        self.order_into(key, dir, false, &mut order);
        order
    }

    /// Like `order_by`, into `order`. `times` says the keys are the start
    /// times of a schedule (finish times, backwards): then, when every link
    /// is finish-to-start or start-to-start with no lead, sorting by key
    /// and topological rank is already feasible.
    fn order_into(&self, key: &[i64], dir: Dir, times: bool, order: &mut Vec<usize>) {
        order.clear();
        if times && self.monotone[usize::from(dir == Dir::Backward)] {
            order.extend(0..self.n);
            match dir {
                Dir::Forward => order.sort_unstable_by_key(|&j| (key[j], self.rank[j])),
                Dir::Backward => order.sort_unstable_by_key(|&j| (key[j], Reverse(self.rank[j]))),
            }
            return;
        }
        let (graph, succ) = if dir == Dir::Forward {
            (&self.fwd, &self.fwd_succ)
        } else {
            (&self.bwd, &self.bwd_succ)
        };
        let mut waiting: Vec<usize> = (0..self.n).map(|j| graph.preds(j).len()).collect();
        let mut heap: BinaryHeap<Reverse<(i64, usize)>> = (0..self.n)
            .filter(|&j| waiting[j] == 0)
            .map(|j| Reverse((key[j], j)))
            .collect();
        while let Some(Reverse((_, j))) = heap.pop() {
            order.push(j);
            for &(s, _, _) in succ.preds(j) {
                waiting[s] -= 1;
                if waiting[s] == 0 {
                    heap.push(Reverse((key[s], s)));
                }
            }
        }
    }

    /// Decodes `list` and improves the schedule by forward-backward passes
    /// while they help. Returns the makespan and replaces `list` by the
    /// order of the improved schedule's starts.
    fn decode(&mut self, list: &mut Vec<usize>, profile: &mut Profile, start: &mut [i64]) -> i64 {
        let mut best = self.serial(list, Dir::Forward, 0, profile, start);
        if best <= self.bound {
            return best;
        }
        let mut back = std::mem::take(&mut self.buf_back);
        let mut fwd = std::mem::take(&mut self.buf_fwd);
        let mut key = std::mem::take(&mut self.buf_key);
        let mut order = std::mem::take(&mut self.buf_order);
        back.resize(self.n, 0);
        fwd.resize(self.n, 0);
        key.resize(self.n, 0);
        {
            // Right-justify: latest finishes first.
            for j in 0..self.n {
                key[j] = -(start[j] + self.p.durations[j]);
            }
            self.order_into(&key, Dir::Backward, true, &mut order);
            let _ = self.serial(&order, Dir::Backward, best, profile, &mut back);
            // Left-justify: in order of the justified starts.
            for j in 0..self.n {
                key[j] = -(back[j] + self.p.durations[j]);
            }
            self.order_into(&key, Dir::Forward, true, &mut order);
            let m = self.serial(&order, Dir::Forward, 0, profile, &mut fwd);
            if m <= best {
                start.copy_from_slice(&fwd);
                list.clone_from(&order);
            }
            // One round: more children for the budget serve better than
            // repeating the passes on one (measured on PSPLIB J120).
            best = best.min(m);
        }
        self.buf_back = back;
        self.buf_fwd = fwd;
        self.buf_key = key;
        self.buf_order = order;
        best
    }

    /// A biased random sample of the latest-finish-time rule: each
    /// activity's key is `scale` times its latest finish plus noise below
    /// `noise`, decoded and justified.
    fn sample(
        &mut self,
        rng: &mut XorShiftRng,
        profile: &mut Profile,
        scale: i64,
        noise: i64,
    ) -> Individual {
        let key: Vec<i64> = self
            .lft
            .iter()
            .map(|&l| l * scale + rng.random_range(0..noise))
            .collect();
        let mut list = self.order_by(&key, Dir::Forward);
        let mut start = vec![0i64; self.n];
        let makespan = self.decode(&mut list, profile, &mut start);
        Individual {
            list,
            start,
            makespan,
        }
    }

    fn profile(&self) -> Profile {
        Profile {
            rows: vec![Vec::new(); self.p.capacity.len()],
            first_free: vec![0; self.p.capacity.len()],
            capacity: self.p.capacity.clone(),
            reserved: vec![Vec::new(); self.p.capacity.len()],
        }
    }
}

/// The serial scheme: places each activity of `order` at its earliest
/// start after its links and release where its demands fit the profile.
/// Returns the makespan.
fn place(
    order: &[usize],
    graph: &Graph,
    d: &[i64],
    release: &[i64],
    demands: &[Vec<(usize, u32)>],
    profile: &mut Profile,
    start: &mut [i64],
) -> i64 {
    let mut makespan = 0;
    for &j in order {
        let mut t = release.get(j).copied().unwrap_or(0).max(0);
        for &(i, kind, lag) in graph.preds(j) {
            t = t.max(cpm::bound(kind, lag, start[i], start[i] + d[i], d[j]));
        }
        let t = earliest_slot(profile, &demands[j], t.max(0), d[j]);
        // Work of no length books nothing (its row may not reach `t`).
        let booked = if d[j] > 0 { &demands[j][..] } else { &[] };
        for &(r, q) in booked {
            let row = &mut profile.rows[r];
            for f in &mut row[t as usize..(t + d[j]) as usize] {
                *f -= q;
            }
            let ff = &mut profile.first_free[r];
            while *ff < row.len() && row[*ff] == 0 {
                *ff += 1;
            }
        }
        start[j] = t;
        makespan = makespan.max(t + d[j]);
    }
    makespan
}

/// The serial scheme over one fixed activity list, for many samples of
/// the durations of one problem: the forecast's levelled runs. Each run
/// keeps the priority order of the levelled plan and lets the resources
/// decide again who waits.
pub(crate) struct Replay {
    p: Problem,
    graph: Graph,
    order: Vec<usize>,
    /// An empty profile, cloned for each thread of runs.
    pub(crate) profile: Profile,
}

impl Replay {
    /// Prepares runs of `p` in the order of ascending `priority` (as far
    /// as the links allow).
    pub(crate) fn new(p: Problem, priority: &[i64]) -> Result<Replay, LevelError> {
        let solver = Solver::new(&p)?;
        let order = solver.order_by(priority, Dir::Forward);
        let profile = solver.profile();
        Ok(Replay {
            graph: Graph::new(p.durations.len(), p.links.iter().copied()),
            p,
            order,
            profile,
        })
    }

    /// Schedules with `durations` (ticks) in place of the problem's;
    /// writes the starts and returns the makespan.
    pub(crate) fn run(&self, durations: &[i64], start: &mut [i64], profile: &mut Profile) -> i64 {
        profile.reset(
            self.p
                .reserved
                .iter()
                .map(|x| (x.resource, x.start, x.end, x.units)),
        );
        place(
            &self.order,
            &self.graph,
            durations,
            &self.p.release,
            &self.p.demands,
            profile,
            start,
        )
    }
}

/// The earliest start at or after `t` where every demand fits for `d` ticks.
fn earliest_slot(profile: &mut Profile, demands: &[(usize, u32)], mut t: i64, d: i64) -> i64 {
    if d == 0 || demands.is_empty() {
        return t;
    }
    for &(r, _) in demands {
        t = t.max(profile.first_free[r] as i64);
    }
    'again: loop {
        let (a, b) = (t as usize, (t + d) as usize);
        for &(r, q) in demands {
            // The last conflict in the window moves the window past it.
            profile.grow(r, b);
            if let Some(p) = profile.rows[r][a..b].iter().rposition(|&f| f < q) {
                t += p as i64 + 1;
                continue 'again;
            }
        }
        return t;
    }
}

/// A member of the genetic search: an activity list and its schedule.
#[derive(Clone)]
struct Individual {
    list: Vec<usize>,
    start: Vec<i64>,
    makespan: i64,
}

/// Levels `p`: start times that respect every link, release and capacity.
///
/// Activities that share no link and no resource do not wait for each
/// other: each such group (a plan of a workspace, say) is levelled on its
/// own with the whole budget, and the groups that need no resource at all
/// are placed together in one pass. A plan's schedule then does not depend
/// on how many unrelated plans sit beside it, and the search spends its
/// schedules on the plans where resources conflict.
///
/// # Errors
///
/// Returns an error when the links have a cycle, an activity demands more
/// than a resource has, or the problem is malformed.
pub fn solve(p: &Problem, settings: Settings) -> Result<Solution, LevelError> {
    solve_marked(p, settings, &[])
}

/// [`solve`], searching with the whole budget only in the groups that hold
/// an activity marked in `thorough` (empty: every group); the others get
/// one pass, for a caller that reads only the marked activities' times.
///
/// # Errors
///
/// As [`solve`].
pub(crate) fn solve_marked(
    p: &Problem,
    settings: Settings,
    thorough: &[bool],
) -> Result<Solution, LevelError> {
    let budget = |acts: &[usize]| {
        if thorough.is_empty()
            || acts
                .iter()
                .any(|&j| thorough.get(j).copied().unwrap_or(true))
        {
            settings
        } else {
            Settings {
                schedules: 1,
                ..settings
            }
        }
    };
    let Some(groups) = independent_groups(p) else {
        return solve_one(p, settings);
    };
    if groups.len() < 2 {
        // The one group (if any) holds every activity.
        return solve_scaled(p, budget(groups.first().map_or(&[], Vec::as_slice)));
    }
    let n = p.durations.len();
    let mut out = Solution {
        start: vec![0; n],
        makespan: 0,
        schedules: 0,
        lower_bound: 0,
    };
    for (acts, (sub, resources)) in groups.iter().zip(split(p, &groups)) {
        let sol = solve_scaled(&sub, budget(acts)).map_err(|e| match e {
            LevelError::Cycle(stuck) => LevelError::Cycle(stuck.iter().map(|&j| acts[j]).collect()),
            LevelError::Demand {
                activity,
                resource,
                units,
                capacity,
            } => LevelError::Demand {
                activity: acts[activity],
                resource: resources[resource],
                units,
                capacity,
            },
            e @ LevelError::Invalid(_) => e,
        })?;
        for (&j, &st) in acts.iter().zip(&sol.start) {
            out.start[j] = st;
        }
        out.makespan = out.makespan.max(sol.makespan);
        out.lower_bound = out.lower_bound.max(sol.lower_bound);
        out.schedules += sol.schedules;
    }
    Ok(out)
}

/// The representative of `x`'s set in a union-find forest, halving the
/// path on the way.
fn root(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// The activities in groups that share no link and no resource, each in
/// index order, groups by their first activity; all groups without a
/// resource demand form the first. `None` when an index is out of range
/// (the solver reports that).
fn independent_groups(p: &Problem) -> Option<Vec<Vec<usize>>> {
    let n = p.durations.len();
    let r = p.capacity.len();
    if p.demands.len() != n {
        return None;
    }
    // Union-find over activities, then resources.
    let mut parent: Vec<usize> = (0..n + r).collect();
    let join = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (a, b) = (root(parent, a), root(parent, b));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    };
    for l in &p.links {
        if l.from >= n || l.to >= n {
            return None;
        }
        join(&mut parent, l.from, l.to);
    }
    for (j, ds) in p.demands.iter().enumerate() {
        for &(res, _) in ds {
            if res >= r {
                return None;
            }
            join(&mut parent, j, n + res);
        }
    }
    if p.reserved.iter().any(|x| x.resource >= r) {
        return None;
    }
    let mut uses_resource = vec![false; n + r];
    for (j, ds) in p.demands.iter().enumerate() {
        if !ds.is_empty() {
            let g = root(&mut parent, j);
            uses_resource[g] = true;
        }
    }
    let mut free = Vec::new();
    let mut slot = vec![usize::MAX; n + r];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for j in 0..n {
        let g = root(&mut parent, j);
        if !uses_resource[g] {
            free.push(j);
            continue;
        }
        if slot[g] == usize::MAX {
            slot[g] = groups.len();
            groups.push(Vec::new());
        }
        groups[slot[g]].push(j);
    }
    if !free.is_empty() {
        groups.insert(0, free);
    }
    Some(groups)
}

/// The problem split into one problem per group of activities (which no
/// link or resource connects to another group), each with the original
/// index of its resources. One pass over the activities, links and
/// bookings, however many groups there are.
fn split(p: &Problem, groups: &[Vec<usize>]) -> Vec<(Problem, Vec<usize>)> {
    let n = p.durations.len();
    let mut group_of = vec![0usize; n];
    let mut local = vec![0usize; n];
    for (g, acts) in groups.iter().enumerate() {
        for (i, &j) in acts.iter().enumerate() {
            group_of[j] = g;
            local[j] = i;
        }
    }
    let mut out: Vec<(Problem, Vec<usize>)> = groups
        .iter()
        .map(|acts| {
            let sub = Problem {
                durations: acts.iter().map(|&j| p.durations[j]).collect(),
                release: if p.release.is_empty() {
                    Vec::new()
                } else {
                    acts.iter().map(|&j| p.release[j]).collect()
                },
                demands: Vec::with_capacity(acts.len()),
                ..Problem::default()
            };
            (sub, Vec::new())
        })
        .collect();
    // Resources are numbered within their group in order of first use; a
    // resource belongs to the one group that uses it.
    let mut res_local = vec![usize::MAX; p.capacity.len()];
    let mut res_group = vec![usize::MAX; p.capacity.len()];
    for (g, acts) in groups.iter().enumerate() {
        let (sub, resources) = &mut out[g];
        for &j in acts {
            let ds = p.demands[j]
                .iter()
                .map(|&(r, q)| {
                    if res_local[r] == usize::MAX {
                        res_local[r] = resources.len();
                        res_group[r] = g;
                        resources.push(r);
                        sub.capacity.push(p.capacity[r]);
                    }
                    (res_local[r], q)
                })
                .collect();
            sub.demands.push(ds);
        }
    }
    for l in &p.links {
        out[group_of[l.from]].0.links.push(Link {
            from: local[l.from],
            to: local[l.to],
            ..*l
        });
    }
    // Bookings go with the group that uses their resource; a resource no
    // activity uses constrains nothing.
    for x in &p.reserved {
        if let Some(&g) = res_group.get(x.resource).filter(|&&g| g != usize::MAX) {
            out[g].0.reserved.push(Reservation {
                resource: res_local[x.resource],
                ..*x
            });
        }
    }
    out
}

/// Solves `p` in the coarsest step every time in it is a multiple of: a
/// plan estimated in whole days is searched in days even when the caller's
/// tick is a minute (another plan beside it may need minutes).
fn solve_scaled(p: &Problem, settings: Settings) -> Result<Solution, LevelError> {
    let step = p
        .durations
        .iter()
        .chain(&p.release)
        .chain(p.links.iter().map(|l| &l.lag))
        .chain(p.reserved.iter().flat_map(|r| [&r.start, &r.end]))
        .fold(0, |g, &x| gcd(g, x));
    if step <= 1 {
        return solve_one(p, settings);
    }
    let coarse = Problem {
        durations: p.durations.iter().map(|&x| x / step).collect(),
        release: p.release.iter().map(|&x| x / step).collect(),
        links: p
            .links
            .iter()
            .map(|l| Link {
                lag: l.lag / step,
                ..*l
            })
            .collect(),
        capacity: p.capacity.clone(),
        demands: p.demands.clone(),
        reserved: p
            .reserved
            .iter()
            .map(|r| Reservation {
                start: r.start / step,
                end: r.end / step,
                ..*r
            })
            .collect(),
    };
    let mut sol = solve_one(&coarse, settings)?;
    for x in &mut sol.start {
        *x *= step;
    }
    sol.makespan *= step;
    sol.lower_bound *= step;
    Ok(sol)
}

/// The greatest common divisor of two times (0 with 0 gives 0).
pub(crate) fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.min(i64::MAX as u64) as i64
}

fn solve_one(p: &Problem, settings: Settings) -> Result<Solution, LevelError> {
    let mut s = Solver::new(p)?;
    let n = s.n;
    let lb = s.lower_bound();
    s.bound = lb;
    let mut profile = s.profile();
    let mut rng = XorShiftRng::seed_from_u64(settings.seed);
    let budget = settings.schedules.max(1);
    // The latest-finish-time rule, ties by position.
    let mut list = s.order_by(&s.lft.clone(), Dir::Forward);
    let mut start = vec![0i64; n];
    let makespan = if budget < 3 {
        s.serial(&list, Dir::Forward, 0, &mut profile, &mut start)
    } else {
        s.decode(&mut list, &mut profile, &mut start)
    };
    let mut best = Individual {
        list,
        start,
        makespan,
    };
    if n < 2 || best.makespan <= lb || s.generated + 3 > budget {
        return Ok(done(best, &s, lb));
    }
    // Population: the rule's schedule and biased samples of it.
    let pop_size = 40.min(budget as usize / 12).max(4);
    let spread = (s.lft.iter().copied().max().unwrap_or(1) / 4).max(1);
    let mut pop = vec![best.clone()];
    while pop.len() < pop_size && s.generated + 3 <= budget {
        pop.push(s.sample(&mut rng, &mut profile, 4, spread * 4));
    }
    let linked = |a: usize, b: usize, s: &Solver| {
        s.fwd.preds(b).iter().any(|&(i, _, _)| i == a)
            || s.fwd.preds(a).iter().any(|&(i, _, _)| i == b)
    };
    let mut stale = 0;
    'search: while s.generated + 6 <= budget {
        pop.sort_by_key(|i| i.makespan);
        if pop[0].makespan < best.makespan {
            best = pop[0].clone();
            stale = 0;
        }
        if best.makespan <= lb {
            break;
        }
        // Pairs at random; each pair gives two children.
        let mut children = Vec::with_capacity(pop.len());
        let mut idx: Vec<usize> = (0..pop.len()).collect();
        for i in (1..idx.len()).rev() {
            idx.swap(i, rng.random_range(0..=i));
        }
        for pair in idx.chunks_exact(2) {
            let (q1, q2) = {
                let a = rng.random_range(0..n);
                let b = rng.random_range(0..n);
                (a.min(b), a.max(b))
            };
            for (m, f) in [(pair[0], pair[1]), (pair[1], pair[0])] {
                if s.generated + 3 > budget {
                    break 'search;
                }
                let mut list = crossover(&pop[m].list, &pop[f].list, q1, q2);
                for i in 0..n - 1 {
                    if rng.random_range(0..100) < 5 && !linked(list[i], list[i + 1], &s) {
                        list.swap(i, i + 1);
                    }
                }
                let mut start = vec![0i64; n];
                let makespan = s.decode(&mut list, &mut profile, &mut start);
                children.push(Individual {
                    list,
                    start,
                    makespan,
                });
            }
        }
        pop.extend(children);
        pop.sort_by_key(|i| i.makespan);
        // Keep the best, one of each schedule, so the population stays varied.
        pop.dedup_by(|a, b| a.makespan == b.makespan && a.start == b.start);
        pop.truncate(pop_size);
        stale += 1;
        // Restart most of a stuck population from fresh samples.
        if stale > 12 {
            stale = 0;
            pop.truncate(pop_size / 4);
            while pop.len() < pop_size && s.generated + 3 <= budget {
                pop.push(s.sample(&mut rng, &mut profile, 1, spread * 2));
            }
        }
    }
    for i in &pop {
        if i.makespan < best.makespan {
            best = i.clone();
        }
    }
    Ok(done(best, &s, lb))
}

fn done(best: Individual, s: &Solver, lb: i64) -> Solution {
    Solution {
        start: best.start,
        makespan: best.makespan,
        schedules: s.generated,
        lower_bound: lb,
    }
}

/// Hartmann's two-point crossover: the first `q1` activities from the
/// mother, up to `q2` the father's next ones in his order, the rest in the
/// mother's order. Both parents are precedence-feasible, so the child is.
fn crossover(mother: &[usize], father: &[usize], q1: usize, q2: usize) -> Vec<usize> {
    let n = mother.len();
    let mut taken = vec![false; n];
    let mut child = Vec::with_capacity(n);
    for &j in &mother[..q1] {
        taken[j] = true;
        child.push(j);
    }
    for &j in father {
        if child.len() >= q2 {
            break;
        }
        if !taken[j] {
            taken[j] = true;
            child.push(j);
        }
    }
    for &j in mother {
        if !taken[j] {
            taken[j] = true;
            child.push(j);
        }
    }
    child
}

/// Checks that `start` respects every link, release and capacity of `p`.
///
/// # Errors
///
/// Returns the first violation found, in words.
pub fn verify(p: &Problem, start: &[i64]) -> Result<(), String> {
    let n = p.durations.len();
    if start.len() != n {
        return Err(format!("{} starts for {n} activities", start.len()));
    }
    let d = &p.durations;
    for (j, &s) in start.iter().enumerate() {
        let r = p.release.get(j).copied().unwrap_or(0);
        if s < r.max(0) {
            return Err(format!("activity {j} starts at {s} before {r}"));
        }
    }
    for l in &p.links {
        let (s, f) = (start[l.from], start[l.from] + d[l.from]);
        let (ts, tf) = (start[l.to], start[l.to] + d[l.to]);
        let ok = match l.kind {
            LinkKind::FinishToStart => ts >= f + l.lag,
            LinkKind::StartToStart => ts >= s + l.lag,
            LinkKind::FinishToFinish => tf >= f + l.lag,
            LinkKind::StartToFinish => tf >= s + l.lag,
        };
        if !ok {
            return Err(format!(
                "activity {} starts at {ts} against its {:?} link from {} ({s}..{f})",
                l.to, l.kind, l.from
            ));
        }
    }
    // Capacity: sweep the events of each resource.
    for (r, &cap) in p.capacity.iter().enumerate() {
        let mut events: Vec<(i64, i64)> = Vec::new();
        for j in 0..n {
            for &(rr, q) in &p.demands[j] {
                if rr == r && d[j] > 0 {
                    events.push((start[j], i64::from(q)));
                    events.push((start[j] + d[j], -i64::from(q)));
                }
            }
        }
        for res in p
            .reserved
            .iter()
            .filter(|x| x.resource == r && x.end > x.start)
        {
            events.push((res.start, i64::from(res.units)));
            events.push((res.end, -i64::from(res.units)));
        }
        // Releases before uses at the same tick.
        events.sort_unstable();
        let mut used = 0;
        for (t, delta) in events {
            used += delta;
            if used > i64::from(cap) && delta > 0 {
                return Err(format!(
                    "resource {r} is over capacity at tick {t}: {used} > {cap}"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs(from: usize, to: usize) -> Link {
        Link::finish_to_start(from, to)
    }

    /// Three activities of 2 ticks, each needing the only unit: they run
    /// one after another.
    #[test]
    fn one_unit_serialises() {
        let p = Problem {
            durations: vec![2, 2, 2],
            release: vec![0; 3],
            links: vec![],
            capacity: vec![1],
            demands: vec![vec![(0, 1)]; 3],
            reserved: vec![],
        };
        let s = solve(&p, Settings::default()).unwrap();
        assert_eq!(s.makespan, 6);
        verify(&p, &s.start).unwrap();
    }

    /// The textbook case where the latest-finish rule alone is not optimal
    /// is found by the search; the lower bound is reached and it stops.
    #[test]
    fn the_search_reaches_the_bound() {
        // A(3, 2 units) and B(3, 2 units) cannot overlap (capacity 3);
        // C(6, 1 unit) can run beside either.
        let p = Problem {
            durations: vec![3, 3, 6],
            release: vec![],
            links: vec![],
            capacity: vec![3],
            demands: vec![vec![(0, 2)], vec![(0, 2)], vec![(0, 1)]],
            reserved: vec![],
        };
        let s = solve(&p, Settings::default()).unwrap();
        assert_eq!(s.makespan, 6);
        verify(&p, &s.start).unwrap();
        assert!(s.schedules < 10, "stopped at the bound: {}", s.schedules);
    }

    #[test]
    fn reservations_and_releases_are_respected() {
        // The only unit is booked on ticks 2..5; a 3-tick activity that
        // may start at 1 has to wait for 5.
        let p = Problem {
            durations: vec![3, 1],
            release: vec![1, 0],
            links: vec![fs(1, 0)],
            capacity: vec![1],
            demands: vec![vec![(0, 1)], vec![]],
            reserved: vec![Reservation {
                resource: 0,
                start: 2,
                end: 5,
                units: 1,
            }],
        };
        let s = solve(&p, Settings::default()).unwrap();
        assert_eq!(s.start[0], 5);
        verify(&p, &s.start).unwrap();
    }

    #[test]
    fn bad_problems_are_errors() {
        let mut p = Problem {
            durations: vec![1, 1],
            release: vec![],
            links: vec![fs(0, 1), fs(1, 0)],
            capacity: vec![1],
            demands: vec![vec![], vec![(0, 1)]],
            reserved: vec![],
        };
        assert!(matches!(
            solve(&p, Settings::default()),
            Err(LevelError::Cycle(_))
        ));
        p.links.clear();
        p.demands[1][0].1 = 2;
        assert_eq!(
            solve(&p, Settings::default()),
            Err(LevelError::Demand {
                activity: 1,
                resource: 0,
                units: 2,
                capacity: 1
            })
        );
    }

    /// Two plans side by side: one whose people conflict, one whose people
    /// never do, and tasks that need nobody. Each is levelled as if alone,
    /// and errors name the activities and resources of the whole problem.
    #[test]
    fn independent_plans_are_levelled_apart() {
        // Plan A: activities 0, 2, 4 on resource 1 (one unit), 2 after 0.
        // Plan B: activities 1, 3 on resource 0 (two units).
        // Activity 5 needs nothing and waits for nothing.
        let p = Problem {
            durations: vec![2, 3, 2, 3, 1, 4],
            release: vec![],
            links: vec![fs(0, 2)],
            capacity: vec![2, 1],
            demands: vec![
                vec![(1, 1)],
                vec![(0, 1)],
                vec![(1, 1)],
                vec![(0, 1)],
                vec![(1, 1)],
                vec![],
            ],
            reserved: vec![Reservation {
                resource: 0,
                start: 0,
                end: 1,
                units: 2,
            }],
        };
        let s = solve(&p, Settings::default()).unwrap();
        verify(&p, &s.start).unwrap();
        // A: five ticks of work on one unit; B: both start after the booking.
        assert_eq!(s.makespan, 5);
        assert_eq!((s.start[1], s.start[3]), (1, 1));
        assert_eq!(s.start[5], 0);
        // The same plan alone gets the same starts.
        let alone = Problem {
            durations: vec![2, 2, 1],
            release: vec![],
            links: vec![fs(0, 1)],
            capacity: vec![1],
            demands: vec![vec![(0, 1)]; 3],
            reserved: vec![],
        };
        let a = solve(&alone, Settings::default()).unwrap();
        assert_eq!(a.start, vec![s.start[0], s.start[2], s.start[4]]);

        // Searching only where the caller reads: plan A marked keeps its
        // starts; unmarked, every group is placed in one pass.
        let marked = solve_marked(
            &p,
            Settings::default(),
            &[true, false, true, false, true, false],
        )
        .unwrap();
        verify(&p, &marked.start).unwrap();
        assert_eq!(
            [marked.start[0], marked.start[2], marked.start[4]],
            [s.start[0], s.start[2], s.start[4]]
        );
        let quick = solve_marked(&p, Settings::default(), &[false; 6]).unwrap();
        verify(&p, &quick.start).unwrap();
        assert_eq!(quick.schedules, 3, "one pass for each of the three groups");

        let mut bad = p.clone();
        bad.demands[3] = vec![(0, 3)];
        assert_eq!(
            solve(&bad, Settings::default()),
            Err(LevelError::Demand {
                activity: 3,
                resource: 0,
                units: 3,
                capacity: 2
            })
        );
        let mut cyclic = p;
        cyclic.links.push(fs(2, 0));
        match solve(&cyclic, Settings::default()) {
            Err(LevelError::Cycle(stuck)) => {
                assert!(stuck.contains(&0) && stuck.contains(&2), "{stuck:?}");
            }
            other => panic!("expected a cycle, got {other:?}"),
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_schedule() {
        let n = 40;
        let p = Problem {
            durations: (0..n).map(|i| 1 + (i * 7 % 5)).collect(),
            release: vec![],
            links: (1..n as usize)
                .filter(|i| i % 3 != 0)
                .map(|i| fs(i - 1, i))
                .collect(),
            capacity: vec![2, 3],
            demands: (0..n as usize)
                .map(|i| vec![(0, (i % 2) as u32 + 1), (1, (i % 3) as u32)])
                .collect(),
            reserved: vec![],
        };
        let a = solve(
            &p,
            Settings {
                seed: 7,
                schedules: 500,
            },
        )
        .unwrap();
        let b = solve(
            &p,
            Settings {
                seed: 7,
                schedules: 500,
            },
        )
        .unwrap();
        assert_eq!(a, b);
        assert!(a.schedules <= 500);
        verify(&p, &a.start).unwrap();
        assert!(a.makespan >= a.lower_bound);
    }
}
