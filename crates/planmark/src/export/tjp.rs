//! TaskJuggler (`.tjp`), for `tj3`: the project with planmark's calendar
//! (working days, hours, holidays), a task per plan holding a task per
//! phase holding the plan's tasks, their working-time length, completion,
//! and dependencies with lags; phases that run in sequence depend on the
//! one before. People and pools become resources, and a task that names
//! them is allocated to them with its estimate as effort.
//!
//! Done and cancelled tasks are milestones at the start (with their
//! completion), since they take no more time; the schedule then matches
//! planmark's unlevelled one.
//!
//! TaskJuggler has no finish-to-finish or start-to-finish link for a
//! task scheduled as soon as possible: those are written as
//! finish-to-start with a comment saying so.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::model::{LinkKind, Status, Task};
use crate::project::Snapshot;

/// A TaskJuggler identifier made of `s`: letters, digits and `_`.
fn ident(prefix: &str, s: &str) -> String {
    let mut out = String::from(prefix);
    for c in s.chars() {
        out.push(if c.is_ascii_alphanumeric() { c } else { '_' });
    }
    out
}

/// A string literal.
fn lit(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn hours(h: f64) -> String {
    let m = (h * 60.0).round() as i64;
    format!("{m}min")
}

/// The project as TaskJuggler reads it.
#[must_use]
pub fn tjp(snap: &Snapshot) -> String {
    let ws = snap.workspace();
    let work = snap.work();
    let cal = crate::schedule::Calendar::from_config(&snap.config().calendar).unwrap_or_default();
    let start = snap.timeline().map_or_else(|| snap.today(), |s| s.start);
    let name = snap
        .root()
        .file_name()
        .map_or_else(|| "plans".to_owned(), |n| n.to_string_lossy().into_owned());
    let mut out = String::new();
    let _ = writeln!(out, "/* Written by planmark from the plans of {name}. */");
    let _ = writeln!(
        out,
        "project planmark {} {start} +{}d {{",
        lit(&name),
        // Long enough for any plan the schedule can place.
        snap.timeline()
            .map_or(365, |s| (s.finish - start).get_days().max(0) * 3 + 365)
    );
    let _ = writeln!(out, "  timezone \"UTC\"");
    let _ = writeln!(out, "  now {}", snap.today());
    let h = work.hours_per_day;
    let _ = writeln!(out, "  dailyworkinghours {h}");
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let weekdays = [
        jiff::civil::Weekday::Monday,
        jiff::civil::Weekday::Tuesday,
        jiff::civil::Weekday::Wednesday,
        jiff::civil::Weekday::Thursday,
        jiff::civil::Weekday::Friday,
        jiff::civil::Weekday::Saturday,
        jiff::civil::Weekday::Sunday,
    ];
    // A working day of `h` hours from 9:00.
    let end_min = 9 * 60 + (h * 60.0).round() as i64;
    let end = format!("{}:{:02}", end_min / 60, end_min % 60);
    let on: Vec<&str> = days
        .iter()
        .zip(weekdays)
        .filter(|(_, w)| cal.works_on(*w))
        .map(|(d, _)| *d)
        .collect();
    let off: Vec<&str> = days
        .iter()
        .zip(weekdays)
        .filter(|(_, w)| !cal.works_on(*w))
        .map(|(d, _)| *d)
        .collect();
    if !on.is_empty() {
        let _ = writeln!(out, "  workinghours {} 9:00 - {end}", on.join(", "));
    }
    if !off.is_empty() {
        let _ = writeln!(out, "  workinghours {} off", off.join(", "));
    }
    out.push_str("}\n\n");
    for d in cal.holidays() {
        let _ = writeln!(out, "leaves holiday \"Holiday\" {d}");
    }
    // Resources: every person or pool a task names.
    let mut resources: Vec<(String, f64)> = Vec::new();
    let mut seen = HashSet::new();
    for doc in &ws.documents {
        for t in &doc.tasks {
            for r in &t.resources {
                if seen.insert(r.name.to_lowercase()) {
                    resources.push((r.name.clone(), r.units));
                }
            }
        }
    }
    for (r, _) in &resources {
        let _ = writeln!(
            out,
            "resource {} {}",
            ident("r_", &r.to_lowercase()),
            lit(r)
        );
    }
    if !resources.is_empty() {
        out.push('\n');
    }
    // Task paths, to write dependencies: (plan, task id) → plan.phase.task.
    let mut paths: HashMap<(&str, &str), String> = HashMap::new();
    let mut plan_ids: Vec<String> = Vec::new();
    for (di, doc) in ws.documents.iter().enumerate() {
        let plan_id = ident("plan", &di.to_string());
        for t in &doc.tasks {
            let phase = phase_ident(doc, t);
            let tid = ident("t_", &t.id);
            let path = match &phase {
                Some(p) => format!("{plan_id}.{p}.{tid}"),
                None => format!("{plan_id}.{tid}"),
            };
            paths.insert((doc.path.as_str(), t.id.as_str()), path);
        }
        plan_ids.push(plan_id);
    }
    for (di, doc) in ws.documents.iter().enumerate() {
        let plan_id = &plan_ids[di];
        let _ = writeln!(out, "task {plan_id} {} {{", lit(&doc.path));
        // Tasks by phase, phases in order; tasks without one first.
        let mut groups: Vec<(Option<String>, Vec<&Task>)> = Vec::new();
        for t in &doc.tasks {
            let p = phase_ident(doc, t);
            match groups.iter_mut().find(|g| g.0 == p) {
                Some(g) => g.1.push(t),
                None => groups.push((p, vec![t])),
            }
        }
        let sequential = !doc
            .front_matter
            .as_ref()
            .and_then(|f| f.fields.get("phases"))
            .and_then(|v| v.as_str())
            .is_some_and(|v| v.eq_ignore_ascii_case("parallel"));
        let mut previous: Option<String> = None;
        for (phase, tasks) in &groups {
            let indent = if phase.is_some() { "    " } else { "  " };
            if let Some(p) = phase {
                let title = tasks[0].phase.clone().unwrap_or_default();
                let _ = writeln!(out, "  task {p} {} {{", lit(&title));
                if sequential && let Some(prev) = &previous {
                    let _ = writeln!(out, "    depends {plan_id}.{prev}");
                }
                previous = Some(p.clone());
            }
            for t in tasks {
                let _ = writeln!(
                    out,
                    "{indent}task {} {} {{",
                    ident("t_", &t.id),
                    lit(&format!("{} {}", t.id, t.title))
                );
                let hrs = t.estimate.as_ref().map_or(0.0, |e| e.likely_hours(work));
                // Done and cancelled work takes no more time: as in
                // planmark's schedule, it holds nothing back.
                let open = !t.status.is_closed();
                if hrs <= 0.0 || !open {
                    if let Some(e) = t.estimate.as_ref().filter(|_| !open) {
                        let _ = writeln!(out, "{indent}  # estimated {}", e.text());
                    }
                    let _ = writeln!(out, "{indent}  milestone");
                } else if !t.resources.is_empty() && !matches!(t.status, Status::Done) {
                    let _ = writeln!(
                        out,
                        "{indent}  effort {}",
                        hours(hrs * t.resources.len() as f64)
                    );
                    let names: Vec<String> = t
                        .resources
                        .iter()
                        .map(|r| ident("r_", &r.name.to_lowercase()))
                        .collect();
                    let _ = writeln!(out, "{indent}  allocate {}", names.join(", "));
                } else {
                    let _ = writeln!(out, "{indent}  length {}", hours(hrs));
                }
                match t.status {
                    Status::Done => {
                        let _ = writeln!(out, "{indent}  complete 100");
                    }
                    Status::InProgress => {
                        let _ = writeln!(out, "{indent}  complete 50");
                    }
                    _ => {}
                }
                for dep in t.dependencies.iter().filter(|x| x.resolved) {
                    let (plan, id) = super::dependency_target(ws, doc, dep);
                    let Some(target) = paths.get(&(plan, id)) else {
                        let _ = writeln!(
                            out,
                            "{indent}  # depends on {} (not a task of these plans)",
                            dep.text.trim()
                        );
                        continue;
                    };
                    let mut opts = Vec::new();
                    match dep.kind {
                        LinkKind::FinishToStart => {}
                        LinkKind::StartToStart => opts.push("onstart".to_owned()),
                        LinkKind::FinishToFinish | LinkKind::StartToFinish => {
                            let _ = writeln!(
                                out,
                                "{indent}  # {} is {:?} in the plan; TaskJuggler links it finish-to-start",
                                dep.text.trim(),
                                dep.kind
                            );
                        }
                    }
                    if let Some(l) = &dep.lag {
                        let lag = l.hours(work);
                        if lag > 0.0 {
                            opts.push(format!("gaplength {}", hours(lag)));
                        }
                    }
                    if opts.is_empty() {
                        let _ = writeln!(out, "{indent}  depends {target}");
                    } else {
                        let _ =
                            writeln!(out, "{indent}  depends {target} {{ {} }}", opts.join(" "));
                    }
                }
                let _ = writeln!(out, "{indent}}}");
            }
            if phase.is_some() {
                out.push_str("  }\n");
            }
        }
        out.push_str("}\n\n");
    }
    out
}

/// The TaskJuggler id of task `t`'s phase in `doc`.
fn phase_ident(doc: &crate::model::Document, t: &Task) -> Option<String> {
    let p = t.phase.as_deref()?;
    let i = doc.phases.iter().position(|x| x.name == p).unwrap_or(0);
    Some(format!("phase{}", i + 1))
}
