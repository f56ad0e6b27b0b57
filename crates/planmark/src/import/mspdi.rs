//! MS Project XML in: summary tasks become phases, leaf tasks the phases'
//! tasks, with their duration as the estimate, predecessor links of all
//! four kinds with lags, assigned resources as owners, and percent
//! complete as status.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::{Draft, ImportError, Imported, Item, estimate};
use crate::model::Status;

#[derive(Debug, Default, Clone)]
struct Link {
    pred: String,
    kind: String,
    lag: String,
}

#[derive(Debug, Default, Clone)]
struct T {
    uid: String,
    name: String,
    wbs: String,
    level: usize,
    summary: bool,
    duration: String,
    percent: String,
    priority: String,
    notes: String,
    active: String,
    links: Vec<Link>,
}

/// Minutes in `PT16H30M0S` (days count as `hours_per_day`).
fn minutes(d: &str, hours_per_day: f64) -> f64 {
    let Some(rest) = d.trim().strip_prefix('P') else {
        return 0.0;
    };
    let mut total = 0.0;
    let mut num = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' | '.' => num.push(c),
            _ => {
                let v: f64 = num.parse().unwrap_or(0.0);
                num.clear();
                total += match (c, in_time) {
                    ('D', _) => v * hours_per_day * 60.0,
                    ('H', true) => v * 60.0,
                    ('M', true) => v,
                    ('S', true) => v / 60.0,
                    ('W', false) => v * 5.0 * hours_per_day * 60.0,
                    _ => 0.0,
                };
            }
        }
    }
    total
}

/// An id the plan can hold: a WBS code, or the name's leading code.
fn clean_id(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '|' || c == ',' {
                '-'
            } else {
                c
            }
        })
        .collect()
}

/// Reads an MS Project XML file into a plan.
///
/// # Errors
///
/// When the file is not XML, or holds no project.
pub fn from_mspdi(xml: &str) -> Result<Imported, ImportError> {
    let mut r = Reader::from_str(xml);
    r.config_mut().trim_text(false);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut title = String::new();
    let mut start = String::new();
    let mut per_day = 480.0;
    let mut tasks: Vec<T> = Vec::new();
    let mut resources: HashMap<String, String> = HashMap::new();
    let mut res: (String, String) = Default::default();
    let mut assignments: Vec<(String, String)> = Vec::new();
    let mut asg: (String, String) = Default::default();
    let mut seen_project = false;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| ImportError::Invalid(format!("not MS Project XML: {e}")))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "Project" && path.is_empty() {
                    seen_project = true;
                }
                match (path.last().map(String::as_str), name.as_str()) {
                    (Some("Tasks"), "Task") => tasks.push(T::default()),
                    (Some("Task"), "PredecessorLink") => {
                        if let Some(t) = tasks.last_mut() {
                            t.links.push(Link::default());
                        }
                    }
                    _ => {}
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => {
                text.push_str(&t.decode().unwrap_or_default());
            }
            Event::GeneralRef(g) => {
                if let Ok(Some(c)) = g.resolve_char_ref() {
                    text.push(c);
                } else {
                    text.push_str(match g.decode().unwrap_or_default().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map_or("", String::as_str);
                let v = text.trim().to_owned();
                match (parent, name.as_str()) {
                    ("Project", "Title") if !v.is_empty() => title = v,
                    ("Project", "Name") if title.is_empty() => {
                        title.clear();
                        title.push_str(v.trim_end_matches(".xml").trim_end_matches(".mpp"));
                    }
                    ("Project", "StartDate") => start = v,
                    ("Project", "MinutesPerDay") => per_day = v.parse().unwrap_or(480.0),
                    ("Task", field) if path.len() >= 3 && path[path.len() - 2] == "Tasks" => {
                        if let Some(t) = tasks.last_mut() {
                            match field {
                                "UID" => t.uid = v,
                                "Name" => t.name = v,
                                "WBS" => t.wbs = v,
                                "OutlineLevel" => t.level = v.parse().unwrap_or(0),
                                "Summary" => t.summary = v == "1",
                                "Duration" => t.duration = v,
                                "PercentComplete" => t.percent = v,
                                "Priority" => t.priority = v,
                                "Notes" => t.notes = v,
                                "Active" => t.active = v,
                                _ => {}
                            }
                        }
                    }
                    ("PredecessorLink", field) => {
                        if let Some(l) = tasks.last_mut().and_then(|t| t.links.last_mut()) {
                            match field {
                                "PredecessorUID" => l.pred = v,
                                "Type" => l.kind = v,
                                "LinkLag" => l.lag = v,
                                _ => {}
                            }
                        }
                    }
                    ("Resource", "UID") => res.0 = v,
                    ("Resource", "Name") => res.1 = v,
                    ("Resources", "Resource") => {
                        let (u, n) = std::mem::take(&mut res);
                        if !n.is_empty() {
                            resources.insert(u, n);
                        }
                    }
                    ("Assignment", "TaskUID") => asg.0 = v,
                    ("Assignment", "ResourceUID") => asg.1 = v,
                    ("Assignments", "Assignment") => assignments.push(std::mem::take(&mut asg)),
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_project {
        return Err(ImportError::Invalid(
            "not MS Project XML: no <Project> element".to_owned(),
        ));
    }
    let hours_per_day = per_day / 60.0;
    let mut d = Draft {
        title: if title.is_empty() {
            "Imported plan".to_owned()
        } else {
            title
        },
        start: start.get(..10).and_then(|s| s.parse().ok()),
        ..Draft::default()
    };
    // Ids: the WBS (planmark writes its ids there), else the outline.
    let leaves: Vec<&T> = tasks
        .iter()
        .filter(|t| !t.summary && t.uid != "0" && !t.name.is_empty())
        .collect();
    let mut id_of: HashMap<&str, String> = HashMap::new();
    for (n, t) in leaves.iter().enumerate() {
        let id = if t.wbs.is_empty() {
            (n + 1).to_string()
        } else {
            clean_id(&t.wbs)
        };
        id_of.insert(t.uid.as_str(), id);
    }
    let mut owners: HashMap<&str, Vec<String>> = HashMap::new();
    for (task, r) in &assignments {
        match resources.get(r) {
            Some(name) => owners.entry(task.as_str()).or_default().push(name.clone()),
            None if r != "-65535" => d.notes.push(format!(
                "assignment of task {task} to an unknown resource {r} left out"
            )),
            None => {}
        }
    }
    // Each leaf's phase: the nearest summary task above it.
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut dropped_summaries = 0;
    for t in &tasks {
        if t.uid == "0" || t.level == 0 {
            continue;
        }
        while stack.last().is_some_and(|(l, _)| *l >= t.level) {
            stack.pop();
        }
        if t.summary {
            stack.push((t.level, t.name.clone()));
            continue;
        }
        if t.name.is_empty() {
            continue;
        }
        if stack.len() > 2 {
            dropped_summaries += 1;
        }
        let phase = stack.last().map(|(_, n)| n.clone());
        let id = id_of.get(t.uid.as_str()).cloned().unwrap_or_default();
        // planmark writes `id title` as the name.
        let title = t
            .name
            .strip_prefix(&format!("{} ", t.wbs))
            .unwrap_or(&t.name)
            .to_owned();
        let pct: f64 = t.percent.parse().unwrap_or(0.0);
        let cancelled = t.active == "0" || t.notes.contains(" · cancelled");
        let status = if cancelled {
            Status::Cancelled
        } else if pct >= 100.0 {
            Status::Done
        } else if pct > 0.0 {
            Status::InProgress
        } else {
            Status::Todo
        };
        let est = t
            .notes
            .split(" · ")
            .find_map(|p| p.strip_prefix("estimate "))
            .map(str::to_owned)
            .or_else(|| estimate(minutes(&t.duration, hours_per_day) / 60.0, hours_per_day));
        let mut depends = Vec::new();
        for l in &t.links {
            let Some(p) = id_of.get(l.pred.as_str()) else {
                d.notes.push(format!(
                    "{id}: a link to task {} that is not in the file left out",
                    l.pred
                ));
                continue;
            };
            let kind = match l.kind.as_str() {
                "0" => "FF",
                "2" => "SF",
                "3" => "SS",
                _ => "FS",
            };
            // Tenths of a minute.
            let lag_h = l.lag.parse::<f64>().unwrap_or(0.0) / 600.0;
            let lag = if lag_h.abs() < 1e-9 {
                String::new()
            } else {
                let sign = if lag_h < 0.0 { "-" } else { "+" };
                format!(
                    "{sign}{}",
                    estimate(lag_h.abs(), hours_per_day).unwrap_or_default()
                )
            };
            depends.push(if kind == "FS" && lag.is_empty() {
                p.clone()
            } else {
                format!("{p} {kind}{lag}")
            });
        }
        let priority = match t.priority.parse::<u32>().unwrap_or(500) {
            p if p >= 900 => Some("Critical".to_owned()),
            p if p >= 700 => Some("High".to_owned()),
            p if p <= 300 => Some("Low".to_owned()),
            _ => None,
        };
        let item = Item {
            id,
            title,
            estimate: est,
            depends,
            owners: owners.get(t.uid.as_str()).cloned().unwrap_or_default(),
            status,
            priority,
        };
        match d.phases.iter_mut().find(|(n, _)| *n == phase) {
            Some((_, items)) => items.push(item),
            None => d.phases.push((phase, vec![item])),
        }
    }
    if dropped_summaries > 0 {
        d.notes.push(format!(
            "{dropped_summaries} tasks sit under nested summary tasks; each is put in its nearest summary's phase"
        ));
    }
    Ok(d.write())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_in_working_time() {
        assert!((minutes("PT16H0M0S", 8.0) - 960.0).abs() < 1e-9);
        assert!((minutes("PT1H30M0S", 8.0) - 90.0).abs() < 1e-9);
        assert!((minutes("P2DT4H0M0S", 8.0) - 1200.0).abs() < 1e-9);
        assert!(minutes("nonsense", 8.0).abs() < 1e-9);
    }
}
