//! The PSPLIB harness: every instance of `../shared/psplib` written as a
//! planmark plan (front matter `resources:` and `phases: parallel`, a task
//! table with Estimate, Dependencies and Resources), read by the parser,
//! scheduled by the library with its default settings, checked for
//! feasibility against the instance itself, and compared with the published
//! optimum (J30) and the critical-path bound (J60, J120).
//!
//! ```text
//! cargo bench -p planmark --bench psplib                 # every set
//! cargo bench -p planmark --bench psplib -- j30 j120     # some sets
//! cargo bench -p planmark --bench psplib -- j120 --limit 60 --write DIR
//! ```
//!
//! `--limit N` takes every k-th instance so that N are run; `--write DIR`
//! also saves the generated plans (for running other tools on the same
//! instances); `--direct` skips the Markdown round trip.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::civil::date;
use planmark::model::LinkKind;
use planmark::schedule::cpm::Link;
use planmark::schedule::level::{self, Problem, Settings};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One instance as the file gives it.
struct Instance {
    name: String,
    durations: Vec<i64>,
    successors: Vec<Vec<usize>>,
    demands: Vec<Vec<u32>>,
    capacity: Vec<u32>,
}

fn numbers(line: &str) -> Vec<i64> {
    line.split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect()
}

fn read_instance(path: &Path) -> Result<Instance, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let mut n = 0;
    let mut successors = Vec::new();
    let mut durations = Vec::new();
    let mut demands = Vec::new();
    let mut capacity = Vec::new();
    while let Some(l) = lines.next() {
        if l.starts_with("jobs (incl. supersource/sink ):") {
            n = numbers(l.split(':').nth(1).unwrap_or(""))[0] as usize;
        } else if l.starts_with("PRECEDENCE RELATIONS:") {
            lines.next();
            for _ in 0..n {
                let v = numbers(lines.next().ok_or("short precedence table")?);
                successors.push(v[3..].iter().map(|&s| s as usize - 1).collect());
            }
        } else if l.starts_with("REQUESTS/DURATIONS:") {
            lines.next();
            lines.next();
            for _ in 0..n {
                let v = numbers(lines.next().ok_or("short request table")?);
                durations.push(v[2]);
                demands.push(v[3..].iter().map(|&q| q as u32).collect());
            }
        } else if l.starts_with("RESOURCEAVAILABILITIES:") {
            lines.next();
            capacity = numbers(lines.next().ok_or("no capacities")?)
                .iter()
                .map(|&c| c as u32)
                .collect();
        }
    }
    if n == 0 || durations.len() != n || capacity.is_empty() {
        return Err(format!("{}: not a PSPLIB single-mode file", path.display()));
    }
    Ok(Instance {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        durations,
        successors,
        demands,
        capacity,
    })
}

impl Instance {
    fn problem(&self) -> Problem {
        let n = self.durations.len();
        let mut links = Vec::new();
        for (i, ss) in self.successors.iter().enumerate() {
            for &j in ss {
                links.push(Link {
                    from: i,
                    to: j,
                    kind: LinkKind::FinishToStart,
                    lag: 0,
                });
            }
        }
        Problem {
            durations: self.durations.clone(),
            release: vec![0; n],
            links,
            capacity: self.capacity.clone(),
            demands: self
                .demands
                .iter()
                .map(|d| {
                    d.iter()
                        .enumerate()
                        .filter(|&(_, &q)| q > 0)
                        .map(|(r, &q)| (r, q))
                        .collect()
                })
                .collect(),
            reserved: vec![],
        }
    }

    /// The instance as a plan: the dummy source and sink are left out
    /// (they have no duration and no demand).
    fn plan(&self) -> String {
        let n = self.durations.len();
        let mut preds = vec![Vec::new(); n];
        for (i, ss) in self.successors.iter().enumerate() {
            for &j in ss {
                if i != 0 {
                    preds[j].push(i);
                }
            }
        }
        let mut s = String::from("---\ntitle: ");
        s.push_str(&self.name);
        s.push_str("\nstart: 2027-01-04\nphases: parallel\nresources:\n");
        for (r, c) in self.capacity.iter().enumerate() {
            let _ = writeln!(s, "  R{}: {c}", r + 1);
        }
        let _ = writeln!(
            s,
            "---\n\n# {}\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Resources |\n|---|---|---|---|---|",
            self.name
        );
        for (j, pj) in preds.iter().enumerate().take(n - 1).skip(1) {
            let deps: Vec<String> = pj.iter().map(|p| format!("J{p}")).collect();
            let res: Vec<String> = self.demands[j]
                .iter()
                .enumerate()
                .filter(|&(_, &q)| q > 0)
                .map(|(r, &q)| format!("R{} x{q}", r + 1))
                .collect();
            let _ = writeln!(
                s,
                "| J{j} | Job {j} | {}d | {} | {} |",
                self.durations[j],
                if deps.is_empty() {
                    "-".to_owned()
                } else {
                    deps.join(", ")
                },
                res.join(", ")
            );
        }
        s
    }

    /// Checks starts (indexed like the instance) against the instance itself.
    fn verify(&self, start: &[i64]) -> Result<i64, String> {
        level::verify(&self.problem(), start)?;
        Ok((0..start.len())
            .map(|j| start[j] + self.durations[j])
            .max()
            .unwrap_or(0))
    }
}

/// The reference makespan of each instance: `problem,optimum` rows where the
/// optimum is a number or `LB..UB`.
fn bounds(dir: &Path) -> BTreeMap<String, (i64, i64)> {
    let text = std::fs::read_to_string(dir.join("bounds-2025.csv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let (name, v) = l.split_once(',')?;
            let (lb, ub) = match v.split_once("..") {
                // `..UB`: the lower bound is not recorded.
                Some((a, b)) => (a.trim().parse().unwrap_or(0), b.trim().parse().ok()?),
                None => {
                    let x = v.trim().parse().ok()?;
                    (x, x)
                }
            };
            Some((name.to_owned(), (lb, ub)))
        })
        .collect()
}

/// Schedules the instance through a plan; returns starts indexed like the
/// instance and the number of schedules generated.
fn through_plan(inst: &Instance, write: Option<&Path>) -> Result<(Vec<i64>, u32), String> {
    let text = inst.plan();
    if let Some(dir) = write {
        let stem = inst.name.trim_end_matches(".sm");
        std::fs::write(dir.join(format!("{stem}.md")), &text).map_err(|e| e.to_string())?;
    }
    let doc = planmark::syntax::parse_str(&inst.name, &text);
    let ws = planmark::model::Workspace {
        root: String::new(),
        documents: vec![doc.into()],
        findings: vec![],
    };
    let opts = planmark::schedule::Options::new(date(2027, 1, 4));
    let s = planmark::schedule::schedule(&ws, &planmark::config::Config::default(), &opts)
        .map_err(|e| format!("{}: {}", inst.name, e.findings()[0].message))?;
    let n = inst.durations.len();
    let mut start = vec![0i64; n];
    for t in &s.tasks {
        let j: usize = t.id.trim_start_matches('J').parse().map_err(|_| "bad id")?;
        start[j] = t.start_day;
    }
    start[n - 1] = s.makespan_days;
    Ok((start, s.levelling.map_or(0, |l| l.schedules)))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sets = Vec::new();
    let mut limit = usize::MAX;
    let mut write = None;
    let mut direct = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--limit" => limit = it.next().and_then(|n| n.parse().ok()).unwrap_or(limit),
            "--write" => write = it.next().map(PathBuf::from),
            "--direct" => direct = true,
            "--bench" => {}
            s if s.starts_with('j') => sets.push(s.to_owned()),
            _ => {}
        }
    }
    if sets.is_empty() {
        sets = vec!["j30".into(), "j60".into(), "j120".into()];
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/psplib");
    if !root.is_dir() {
        eprintln!("no PSPLIB at {}: nothing to measure", root.display());
        return;
    }
    if let Some(w) = &write {
        std::fs::create_dir_all(w).expect("cannot create the --write folder");
    }
    for set in sets {
        let dir = root.join(&set);
        let refs = bounds(&dir);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "sm"));
        files.sort_by_key(|p| {
            let n = p.file_stem().unwrap().to_string_lossy().into_owned();
            let (a, b) = n[set.len()..].split_once('_').unwrap_or(("0", "0"));
            (a.parse::<u32>().unwrap_or(0), b.parse::<u32>().unwrap_or(0))
        });
        let step = files.len().div_ceil(limit.max(1)).max(1);
        let (mut count, mut dev_ref, mut dev_cp, mut dev_ub, mut time, mut worst, mut scheds) =
            (0, 0.0, 0.0, 0.0, 0.0, 0.0_f64, 0u64);
        let mut optimal = 0;
        for f in files.iter().step_by(step) {
            let inst = match read_instance(f) {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("{e}");
                    continue;
                }
            };
            let t0 = Instant::now();
            let (start, used) = if direct {
                let budget = std::env::var("PSPLIB_SCHEDULES")
                    .ok()
                    .and_then(|b| b.parse().ok())
                    .unwrap_or(5000);
                let s = level::solve(
                    &inst.problem(),
                    Settings {
                        seed: 1,
                        schedules: budget,
                    },
                )
                .expect("solvable");
                (s.start, s.schedules)
            } else {
                through_plan(&inst, write.as_deref()).unwrap_or_else(|e| panic!("{e}"))
            };
            let secs = t0.elapsed().as_secs_f64();
            let makespan = inst
                .verify(&start)
                .unwrap_or_else(|e| panic!("{}: infeasible schedule: {e}", inst.name));
            let cp = planmark::schedule::cpm::compute(&planmark::schedule::cpm::Network {
                durations: inst.durations.clone(),
                release: vec![],
                links: inst.problem().links,
            })
            .expect("PSPLIB networks are acyclic")
            .finish;
            let (lb, ub) = refs.get(&inst.name).copied().unwrap_or((cp, cp));
            let pct = |x: i64, base: i64| 100.0 * (x - base) as f64 / base as f64;
            dev_ref += pct(makespan, ub);
            dev_cp += pct(makespan, cp);
            dev_ub += pct(makespan, ub);
            worst = worst.max(pct(makespan, ub));
            if std::env::var_os("PSPLIB_VERBOSE").is_some() {
                eprintln!(
                    "{} makespan {makespan} best known {ub} bound {cp} ({used} schedules, {:.1} ms)",
                    inst.name,
                    secs * 1000.0
                );
            }
            if makespan <= ub {
                optimal += 1;
            }
            let _ = lb;
            time += secs;
            scheds += u64::from(used);
            count += 1;
        }
        if count == 0 {
            continue;
        }
        let c = f64::from(count);
        println!(
            "{set}: {count} instances, {}; vs optimum/best known {:.2} % (worst {:.1} %, {optimal} matched), vs critical path {:.2} %, {:.1} ms per instance, {:.0} schedules per instance",
            if direct { "direct" } else { "through plans" },
            dev_ref / c,
            worst,
            dev_cp / c,
            time * 1000.0 / c,
            scheds as f64 / c
        );
        let _ = dev_ub;
    }
}
