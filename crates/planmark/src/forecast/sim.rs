//! The Monte Carlo runs: sampling, one critical-path pass forward and one
//! back per run over flat arrays in topological order, and what each run
//! records.

use std::sync::atomic::{AtomicU32, Ordering};

use rand::{Rng, SeedableRng};
use rand_xorshift::XorShiftRng;
use rayon::prelude::*;

use super::Method;
use super::sample::{Shape, Tables, draw};
use crate::model::{LinkKind, Workspace};
use crate::schedule::cpm::{self, Link, Network};
use crate::schedule::level;
use crate::schedule::{Node, Schedule, in_ticks, resource_links};

/// Runs per block: the unit of parallel work and of merging.
const BLOCK: u32 = 256;

/// A sampled duration: `lo + width * shape(u)` minutes.
#[derive(Debug, Clone, Copy)]
struct Sampler {
    pos: u32,
    table: u32,
    lo: i64,
    width: u64,
}

/// A link into an activity, by position: `es[to] ≥ es[from] +
/// (d[from] & from_d) − (d[to] & to_d) + lag`, the masks all ones or zero
/// by the link's kind.
#[derive(Debug, Clone, Copy)]
struct Pred {
    from: u32,
    /// Bit 0: `from`'s duration counts (FS, FF); bit 1: `to`'s is
    /// subtracted (FF, SF).
    kind: u32,
    lag: i64,
}

impl Pred {
    #[inline]
    fn pred_mask(self) -> i64 {
        -i64::from(self.kind & 1)
    }

    #[inline]
    fn to_mask(self) -> i64 {
        -i64::from(self.kind >> 1)
    }
}

/// One activity in one run: duration and earliest start.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    d: i64,
    es: i64,
}

#[derive(Debug, Clone)]
struct RiskModel {
    probability: f64,
    delay: i64,
    /// Positions of the tasks it delays.
    targets: Vec<u32>,
}

/// The plan as the runs see it.
pub(crate) struct Model<'a> {
    schedule: &'a Schedule,
    level: bool,
    tables: Tables,
    /// Samplers by activity (positions are set when the runs start).
    samplers: Vec<(usize, usize, f64, f64)>,
    risks: Vec<(f64, i64, Vec<usize>)>,
    milestones: Vec<usize>,
    /// Per plan: the slot its end is recorded in.
    plan_slot: Vec<Option<usize>>,
    slots: usize,
    plan_floor: Vec<i64>,
    floor: i64,
}

impl<'a> Model<'a> {
    pub(crate) fn new(schedule: &'a Schedule, level: bool) -> Model<'a> {
        Model {
            schedule,
            level,
            tables: Tables::default(),
            samplers: Vec::new(),
            risks: Vec::new(),
            milestones: Vec::new(),
            plan_slot: Vec::new(),
            slots: 0,
            plan_floor: Vec::new(),
            floor: 0,
        }
    }

    /// Activity `v` takes between `lo` and `hi` minutes, most likely `mode`.
    pub(crate) fn sample(&mut self, v: usize, shape: Shape, lo: f64, hi: f64, mode: f64) {
        let r = (mode - lo) / (hi - lo);
        let table = self.tables.offset(shape, r);
        self.samplers.push((v, table, lo, hi - lo));
    }

    /// With `probability`, the activities `targets` take `delay` minutes more.
    pub(crate) fn risk(&mut self, probability: f64, delay: i64, targets: &[usize]) {
        self.risks.push((probability, delay, targets.to_vec()));
    }

    /// Records when these milestone activities are reached.
    pub(crate) fn milestones(&mut self, nodes: &[usize]) {
        self.milestones = nodes.to_vec();
    }

    /// Records the end of the plans named in `slots` (by document index),
    /// with done work ending at `floors` per plan and `floor` overall.
    pub(crate) fn plans(
        &mut self,
        ws: &Workspace,
        slots: &[Option<usize>],
        floors: &[i64],
        floor: i64,
    ) {
        self.plan_slot = vec![None; ws.documents.len()];
        for &di in slots.iter().flatten() {
            if self.plan_slot[di].is_none() {
                self.plan_slot[di] = Some(self.slots);
                self.slots += 1;
            }
        }
        self.plan_floor = vec![0; self.slots];
        for (di, s) in self.plan_slot.iter().enumerate() {
            if let Some(s) = *s {
                self.plan_floor[s] = floors[di];
            }
        }
        self.floor = floor;
    }

    /// Open tasks whose duration varies.
    pub(crate) fn uncertain(&self) -> usize {
        self.samplers.len()
    }

    /// Makes `runs` runs from `seed`.
    pub(crate) fn run(&self, runs: u32, seed: u64, progress: Option<&(dyn Fn(u32) + Sync)>) -> Out {
        let k = Kernel::new(self);
        let blocks = runs.div_ceil(BLOCK);
        let done = AtomicU32::new(0);
        let mut out = Out::new(&k, runs);
        out.plan_slot.clone_from(&self.plan_slot);
        // Blocks in groups: at most a group's sums are held at once, and
        // they are merged in block order whatever the threads did.
        let group = (4 * rayon::current_num_threads() as u32).max(8);
        let mut b = 0;
        while b < blocks {
            let end = (b + group).min(blocks);
            let parts: Vec<Block> = (b..end)
                .into_par_iter()
                .map(|bi| {
                    let first = bi * BLOCK;
                    let last = (first + BLOCK).min(runs);
                    let part = k.block(seed, first..last);
                    if let Some(p) = progress {
                        p(done.fetch_add(last - first, Ordering::Relaxed) + last - first);
                    }
                    part
                })
                .collect();
            for p in &parts {
                out.merge(p);
            }
            b = end;
        }
        out
    }
}

/// The same run stream for a seed and run index, on any thread.
fn run_rng(seed: u64, run: u32) -> XorShiftRng {
    // SplitMix64 of the pair: well-mixed seeds for neighbouring runs.
    let mut z = seed ^ (u64::from(run) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    XorShiftRng::seed_from_u64(z ^ (z >> 31))
}

/// A uniform number in `[0, 1)` from a random word.
fn unit(word: u64) -> f64 {
    (word >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Levelling again in every run.
struct Relevel {
    replay: level::Replay,
    tick: i64,
    links: Vec<Link>,
    demands: Vec<Vec<(usize, u32)>>,
}

/// The compiled model.
struct Kernel<'a> {
    n: usize,
    method: Method,
    /// Activity at each position, and position of each activity.
    node_of: Vec<u32>,
    pos_of: Vec<u32>,
    release: Vec<i64>,
    base: Vec<i64>,
    pred_start: Vec<u32>,
    preds: Vec<Pred>,
    samplers: Vec<Sampler>,
    tables: &'a [u32],
    risks: Vec<RiskModel>,
    milestones: Vec<u32>,
    /// Per position: the plan-end slot, or `u32::MAX`.
    slot_of: Vec<u32>,
    slots: usize,
    plan_floor: Vec<i64>,
    floor: i64,
    relevel: Option<Box<Relevel>>,
}

/// What a block of runs adds up to.
struct Block {
    finish: Vec<i64>,
    milestones: Vec<i64>,
    plans: Vec<i64>,
    critical: Vec<u32>,
    /// Per sampler: Σx, Σx², Σx·f with x the deviation from the planned
    /// duration and f the deviation from the planned finish.
    sx: Vec<f64>,
    sxx: Vec<f64>,
    sxf: Vec<f64>,
    sf: f64,
    sff: f64,
    fired: Vec<u32>,
    fired_f: Vec<f64>,
}

/// Everything the runs recorded.
pub(crate) struct Out {
    pub(crate) method: Method,
    runs: u32,
    pub(crate) finish: Vec<i64>,
    milestones: Vec<i64>,
    ms_count: usize,
    plans: Vec<i64>,
    slots: usize,
    plan_slot: Vec<Option<usize>>,
    critical: Vec<u32>,
    pos_of: Vec<u32>,
    sampler_of: Vec<u32>,
    sx: Vec<f64>,
    sxx: Vec<f64>,
    sxf: Vec<f64>,
    sf: f64,
    sff: f64,
    fired: Vec<u32>,
    fired_f: Vec<f64>,
}

impl Out {
    fn new(k: &Kernel<'_>, runs: u32) -> Out {
        let mut sampler_of = vec![u32::MAX; k.n];
        for (i, s) in k.samplers.iter().enumerate() {
            sampler_of[s.pos as usize] = i as u32;
        }
        Out {
            method: k.method,
            runs,
            finish: Vec::with_capacity(runs as usize),
            milestones: Vec::new(),
            ms_count: k.milestones.len(),
            plans: Vec::new(),
            slots: k.slots,
            plan_slot: Vec::new(),
            critical: vec![0; k.n],
            pos_of: k.pos_of.clone(),
            sampler_of,
            sx: vec![0.0; k.samplers.len()],
            sxx: vec![0.0; k.samplers.len()],
            sxf: vec![0.0; k.samplers.len()],
            sf: 0.0,
            sff: 0.0,
            fired: vec![0; k.risks.len()],
            fired_f: vec![0.0; k.risks.len()],
        }
    }

    fn merge(&mut self, b: &Block) {
        self.finish.extend_from_slice(&b.finish);
        self.milestones.extend_from_slice(&b.milestones);
        self.plans.extend_from_slice(&b.plans);
        for (c, x) in self.critical.iter_mut().zip(&b.critical) {
            *c += x;
        }
        for i in 0..self.sx.len() {
            self.sx[i] += b.sx[i];
            self.sxx[i] += b.sxx[i];
            self.sxf[i] += b.sxf[i];
        }
        self.sf += b.sf;
        self.sff += b.sff;
        for i in 0..self.fired.len() {
            self.fired[i] += b.fired[i];
            self.fired_f[i] += b.fired_f[i];
        }
    }

    /// Each run's end of plan `doc` (minutes).
    pub(crate) fn plan_end(&self, doc: usize) -> Vec<i64> {
        let Some(Some(s)) = self.plan_slot.get(doc) else {
            return self.finish.clone();
        };
        self.plans
            .iter()
            .skip(*s)
            .step_by(self.slots)
            .copied()
            .collect()
    }

    /// Each run's time of milestone `k` (minutes).
    pub(crate) fn milestone(&self, k: usize) -> Vec<i64> {
        self.milestones
            .iter()
            .skip(k)
            .step_by(self.ms_count.max(1))
            .copied()
            .collect()
    }

    /// Share of runs in which activity `v` was critical.
    pub(crate) fn criticality(&self, v: usize) -> f64 {
        f64::from(self.critical[self.pos_of[v] as usize]) / f64::from(self.runs)
    }

    /// Correlation of activity `v`'s duration with the finish.
    pub(crate) fn sensitivity(&self, v: usize) -> Option<f64> {
        let i = self.sampler_of[self.pos_of[v] as usize];
        if i == u32::MAX {
            return None;
        }
        let i = i as usize;
        let n = f64::from(self.runs);
        let cov = self.sxf[i] / n - (self.sx[i] / n) * (self.sf / n);
        let vx = self.sxx[i] / n - (self.sx[i] / n).powi(2);
        let vf = self.sff / n - (self.sf / n).powi(2);
        if vx <= 0.0 || vf <= 0.0 {
            return Some(0.0);
        }
        Some((cov / (vx * vf).sqrt()).clamp(-1.0, 1.0))
    }

    /// Risk `k`: the share of runs it happened in, and the mean finish
    /// when it happened minus when it did not (minutes).
    pub(crate) fn risk(&self, k: usize) -> (f64, f64) {
        let n = f64::from(self.runs);
        let hit = f64::from(self.fired[k]);
        let occurred = hit / n;
        if self.fired[k] == 0 || self.fired[k] == self.runs {
            return (occurred, 0.0);
        }
        let with = self.fired_f[k] / hit;
        let without = (self.sf - self.fired_f[k]) / (n - hit);
        (occurred, with - without)
    }
}

impl<'a> Kernel<'a> {
    fn new(m: &'a Model<'_>) -> Kernel<'a> {
        let s = m.schedule;
        let net = &s.net;
        let n = net.nodes.len();
        let levelled = s.levelling.is_some();
        let mut method = if levelled {
            Method::ResourceOrder
        } else {
            Method::CriticalPath
        };
        let mut links = net.links.clone();
        if levelled && m.level {
            method = Method::Levelled;
        } else if levelled {
            links.extend(resource_links(&net.durations, &net.start, &net.demands));
        }
        let order = topological(n, &links).unwrap_or_else(|| {
            // Hand-overs against a lead can close a loop: drop them.
            method = Method::CriticalPath;
            links.clone_from(&net.links);
            topological(n, &links).unwrap_or_else(|| (0..n).collect())
        });
        let mut pos_of = vec![0u32; n];
        for (p, &v) in order.iter().enumerate() {
            pos_of[v] = p as u32;
        }
        let mut pred_start = vec![0u32; n + 1];
        for l in &links {
            pred_start[pos_of[l.to] as usize + 1] += 1;
        }
        for i in 0..n {
            pred_start[i + 1] += pred_start[i];
        }
        let mut fill = pred_start.clone();
        let mut preds = vec![
            Pred {
                from: 0,
                kind: 0,
                lag: 0
            };
            links.len()
        ];
        for l in &links {
            let p = pos_of[l.to] as usize;
            let kind = match l.kind {
                LinkKind::FinishToStart => 1,
                LinkKind::StartToStart => 0,
                LinkKind::FinishToFinish => 3,
                LinkKind::StartToFinish => 2,
            };
            preds[fill[p] as usize] = Pred {
                from: pos_of[l.from],
                kind,
                lag: l.lag,
            };
            fill[p] += 1;
        }
        let by_pos = |xs: &[i64]| order.iter().map(|&v| xs[v]).collect::<Vec<i64>>();
        let mut samplers: Vec<Sampler> = m
            .samplers
            .iter()
            .map(|&(v, table, lo, width)| Sampler {
                pos: pos_of[v],
                table: table as u32,
                lo: lo.round() as i64,
                width: (lo + width).round() as u64 - lo.round() as u64,
            })
            .collect();
        samplers.sort_by_key(|x| x.pos);
        let slot_of = order
            .iter()
            .map(|&v| {
                let di = match net.nodes[v] {
                    Node::Task(di, _) | Node::PhaseEnd(di, _) | Node::Milestone(di, _) => di,
                };
                m.plan_slot
                    .get(di)
                    .copied()
                    .flatten()
                    .map_or(u32::MAX, |x| x as u32)
            })
            .collect();
        let relevel = if method == Method::Levelled {
            match relevel(s, &links) {
                Some(r) => Some(Box::new(r)),
                None => {
                    method = Method::ResourceOrder;
                    None
                }
            }
        } else {
            None
        };
        Kernel {
            n,
            method,
            node_of: order.iter().map(|&v| v as u32).collect(),
            release: by_pos(&net.release),
            base: by_pos(&net.durations),
            pred_start,
            preds,
            samplers,
            tables: &m.tables.values,
            risks: m
                .risks
                .iter()
                .map(|(p, d, t)| RiskModel {
                    probability: *p,
                    delay: *d,
                    targets: t.iter().map(|&v| pos_of[v]).collect(),
                })
                .collect(),
            milestones: m.milestones.iter().map(|&v| pos_of[v]).collect(),
            slot_of,
            slots: m.slots,
            plan_floor: m.plan_floor.clone(),
            floor: m.floor,
            relevel,
            pos_of,
        }
    }

    /// The finish with every duration at its planned value.
    fn planned(&self) -> i64 {
        let mut t: Vec<Slot> = self.base.iter().map(|&d| Slot { d, es: 0 }).collect();
        self.forward(&mut t).max(self.floor)
    }

    /// Earliest starts; returns the latest finish. Every link kind is one
    /// formula, `es[v] ≥ es[u] + a·d[u] − b·d[v] + lag`, so the loop has
    /// no branch on the kind.
    #[inline]
    fn forward(&self, t: &mut [Slot]) -> i64 {
        let mut finish = 0;
        for (p, w) in self.pred_start.windows(2).enumerate() {
            let dp = t[p].d;
            let mut s = self.release[p];
            for pr in &self.preds[w[0] as usize..w[1] as usize] {
                let u = t[pr.from as usize];
                s = s.max(u.es + (u.d & pr.pred_mask()) - (dp & pr.to_mask()) + pr.lag);
            }
            t[p].es = s;
            finish = finish.max(s + dp);
        }
        finish
    }

    /// Counts the critical positions: those ending at the finish, and
    /// back from them, every predecessor whose link is tight (it holds the
    /// successor's start exactly where it is). That is zero total slack,
    /// found by visiting only the links of critical activities. `flag`
    /// is all false before and after.
    #[inline]
    fn backward(&self, t: &[Slot], finish: i64, flag: &mut [bool], critical: &mut [u32]) {
        for (p, w) in self.pred_start.windows(2).enumerate().rev() {
            let Slot { d: dp, es } = t[p];
            if !(flag[p] || es + dp == finish) {
                continue;
            }
            flag[p] = false;
            critical[p] += 1;
            for pr in &self.preds[w[0] as usize..w[1] as usize] {
                let u = t[pr.from as usize];
                if u.es + (u.d & pr.pred_mask()) - (dp & pr.to_mask()) + pr.lag == es {
                    flag[pr.from as usize] = true;
                }
            }
        }
    }

    /// Runs `runs` (a range of run indexes).
    fn block(&self, seed: u64, runs: std::ops::Range<u32>) -> Block {
        let count = runs.len();
        let ns = self.samplers.len();
        let mut out = Block {
            finish: Vec::with_capacity(count),
            milestones: Vec::with_capacity(count * self.milestones.len()),
            plans: Vec::with_capacity(count * self.slots),
            critical: vec![0; self.n],
            sx: vec![0.0; ns],
            sxx: vec![0.0; ns],
            sxf: vec![0.0; ns],
            sf: 0.0,
            sff: 0.0,
            fired: vec![0; self.risks.len()],
            fired_f: vec![0.0; self.risks.len()],
        };
        let planned = self.planned();
        let mut t: Vec<Slot> = vec![Slot::default(); self.n];
        let mut flag = vec![false; self.n];
        let mut x = vec![0i64; ns];
        let mut hit = vec![false; self.risks.len()];
        let mut ends = vec![0i64; self.slots];
        let mut lv = self
            .relevel
            .as_deref()
            .map(|r| LevelScratch::new(r, self.n));
        for run in runs {
            let mut rng = run_rng(seed, run);
            for (slot, &d) in t.iter_mut().zip(&self.base) {
                slot.d = d;
            }
            for (i, s) in self.samplers.iter().enumerate() {
                let table = &self.tables[s.table as usize..];
                let v = s.lo + draw(table, rng.next_u64(), s.width) as i64;
                x[i] = v - t[s.pos as usize].d;
                t[s.pos as usize].d = v;
            }
            for (k, r) in self.risks.iter().enumerate() {
                hit[k] = unit(rng.next_u64()) < r.probability;
                if hit[k] {
                    for &p in &r.targets {
                        t[p as usize].d += r.delay;
                    }
                }
            }
            let finish = match (self.relevel.as_deref(), &mut lv) {
                (Some(r), Some(scratch)) => {
                    self.levelled_run(r, scratch, &mut t, &mut out.critical)
                }
                _ => {
                    let f = self.forward(&mut t);
                    self.backward(&t, f, &mut flag, &mut out.critical);
                    f
                }
            };
            let finish = finish.max(self.floor);
            out.finish.push(finish);
            out.milestones
                .extend(self.milestones.iter().map(|&p| t[p as usize].es));
            if self.slots > 0 {
                ends.copy_from_slice(&self.plan_floor);
                for (p, slot) in t.iter().enumerate() {
                    let s = self.slot_of[p];
                    if s != u32::MAX {
                        let e = &mut ends[s as usize];
                        *e = (*e).max(slot.es + slot.d);
                    }
                }
                out.plans.extend_from_slice(&ends);
            }
            let f = (finish - planned) as f64;
            out.sf += f;
            out.sff += f * f;
            for (i, &xi) in x.iter().enumerate() {
                let xi = xi as f64;
                out.sx[i] += xi;
                out.sxx[i] += xi * xi;
                out.sxf[i] += xi * f;
            }
            for (k, &h) in hit.iter().enumerate() {
                if h {
                    out.fired[k] += 1;
                    out.fired_f[k] += f;
                }
            }
        }
        out
    }

    /// One run levelled again: the serial scheme in the levelled plan's
    /// order, then slack through links and this run's hand-overs.
    fn levelled_run(
        &self,
        r: &Relevel,
        scratch: &mut LevelScratch,
        t: &mut [Slot],
        critical: &mut [u32],
    ) -> i64 {
        let tick = r.tick;
        for (p, slot) in t.iter().enumerate() {
            let v = self.node_of[p] as usize;
            // To the nearest step (rounding up would add half a step per
            // task to every person's queue), and never down to nothing.
            scratch.ticks[v] = if slot.d > 0 {
                ((slot.d + tick / 2) / tick).max(1)
            } else {
                0
            };
        }
        r.replay
            .run(&scratch.ticks, &mut scratch.start, &mut scratch.profile);
        for (p, slot) in t.iter_mut().enumerate() {
            let v = self.node_of[p] as usize;
            slot.d = scratch.ticks[v] * tick;
            slot.es = scratch.start[v] * tick;
            scratch.minutes[v] = slot.d;
            scratch.at[v] = slot.es;
        }
        let mut links = r.links.clone();
        links.extend(resource_links(&scratch.minutes, &scratch.at, &r.demands));
        let net = Network {
            durations: scratch.minutes.clone(),
            release: scratch.at.clone(),
            links,
        };
        let finish = t.iter().map(|x| x.es + x.d).max().unwrap_or(0);
        if let Ok(t) = cpm::compute(&net) {
            for (c, &v) in critical.iter_mut().zip(&self.node_of) {
                *c += u32::from(t.total_slack[v as usize] <= 0);
            }
        }
        finish
    }
}

/// Per-thread state of levelled runs.
struct LevelScratch {
    ticks: Vec<i64>,
    start: Vec<i64>,
    minutes: Vec<i64>,
    at: Vec<i64>,
    profile: level::Profile,
}

impl LevelScratch {
    fn new(r: &Relevel, n: usize) -> LevelScratch {
        LevelScratch {
            ticks: vec![0; n],
            start: vec![0; n],
            minutes: vec![0; n],
            at: vec![0; n],
            profile: r.replay.profile.clone(),
        }
    }
}

/// Kahn's order of `n` activities, or none when the links have a cycle.
fn topological(n: usize, links: &[Link]) -> Option<Vec<usize>> {
    let mut out_start = vec![0usize; n + 1];
    let mut indegree = vec![0usize; n];
    for l in links {
        out_start[l.from + 1] += 1;
        indegree[l.to] += 1;
    }
    for i in 0..n {
        out_start[i + 1] += out_start[i];
    }
    let mut out = vec![0usize; links.len()];
    let mut fill = out_start.clone();
    for l in links {
        out[fill[l.from]] = l.to;
        fill[l.from] += 1;
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let v = order[head];
        head += 1;
        for &w in &out[out_start[v]..out_start[v + 1]] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                order.push(w);
            }
        }
    }
    (order.len() == n).then_some(order)
}

/// The levelling problem of the schedule in hours (or the largest step
/// that divides a working day and an hour), for runs levelled again.
/// Planned durations are whole steps already; sampled ones are rounded to
/// the nearest.
fn relevel(s: &Schedule, links: &[Link]) -> Option<Relevel> {
    let net = &s.net;
    let day = net.day;
    let tick = gcd(day, 60).max(1);
    let capacity: Vec<u32> = s
        .resources
        .iter()
        .map(|r| (r.capacity * 100.0).round() as u32)
        .collect();
    let problem = in_ticks(
        (&net.durations, &net.release, &net.demands),
        &net.off,
        (day, tick),
        links,
        &capacity,
    );
    let priority: Vec<i64> = net.start.clone();
    Some(Relevel {
        replay: level::Replay::new(problem, &priority).ok()?,
        tick,
        links: links.to_vec(),
        demands: net.demands.clone(),
    })
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}
