//! Other agent task tools in: a Task Master `tasks.json` and a Backlog.md
//! folder of task files.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{Draft, ImportError, Imported, Item};
use crate::model::Status;

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn priority(v: &Value) -> Option<String> {
    let p = text(v)?.to_lowercase();
    Some(
        match p.as_str() {
            "critical" | "urgent" => "Critical",
            "high" => "High",
            "medium" | "med" => "Medium",
            "low" => "Low",
            _ => return Some(p),
        }
        .to_owned(),
    )
}

/// Task Master's statuses.
fn taskmaster_status(s: &str, notes: &mut Vec<String>, id: &str) -> Status {
    match s.trim().to_lowercase().as_str() {
        "done" | "completed" => Status::Done,
        "in-progress" | "in_progress" | "review" => Status::InProgress,
        "blocked" => Status::Blocked,
        "cancelled" | "canceled" => Status::Cancelled,
        "deferred" => {
            notes.push(format!("{id}: deferred in Task Master; todo in the plan"));
            Status::Todo
        }
        _ => Status::Todo,
    }
}

/// Reads a Task Master `tasks.json` (the flat form, or the tagged one
/// with a `master` tag) into a plan: each task a row, its subtasks rows
/// after it (`3.1`, `3.2`), with statuses, dependencies and priorities.
///
/// # Errors
///
/// When the file is not Task Master's JSON.
pub fn from_taskmaster(json: &str) -> Result<Imported, ImportError> {
    let v: Value = serde_json::from_str(json)
        .map_err(|e| ImportError::Invalid(format!("not Task Master's tasks.json: {e}")))?;
    let (tasks, tag) = if let Some(t) = v.get("tasks").and_then(Value::as_array) {
        (t.clone(), None)
    } else if let Some((name, tagged)) = v.as_object().and_then(|o| {
        o.iter()
            .find(|(_, x)| x.get("tasks").is_some_and(Value::is_array))
    }) {
        (
            tagged["tasks"].as_array().cloned().unwrap_or_default(),
            Some(name.clone()),
        )
    } else {
        return Err(ImportError::Invalid(
            "not Task Master's tasks.json: no `tasks` list".to_owned(),
        ));
    };
    let mut d = Draft {
        title: tag.map_or_else(|| "Tasks".to_owned(), |t| format!("Tasks ({t})")),
        ..Draft::default()
    };
    let mut items = Vec::new();
    let mut described = 0;
    for t in &tasks {
        let Some(id) = text(&t["id"]) else { continue };
        let title = text(&t["title"]).unwrap_or_else(|| format!("Task {id}"));
        if t.get("description").and_then(text).is_some()
            || t.get("details").and_then(text).is_some()
        {
            described += 1;
        }
        let deps: Vec<String> = t["dependencies"]
            .as_array()
            .map(|a| a.iter().filter_map(text).collect())
            .unwrap_or_default();
        let status = taskmaster_status(&text(&t["status"]).unwrap_or_default(), &mut d.notes, &id);
        items.push(Item {
            id: id.clone(),
            title,
            depends: deps,
            status,
            priority: priority(&t["priority"]),
            ..Item::default()
        });
        for s in t["subtasks"].as_array().map_or(&[][..], Vec::as_slice) {
            let Some(sid) = text(&s["id"]) else { continue };
            let sub = format!("{id}.{sid}");
            // A number names a sibling subtask; `2.1` any task's subtask.
            let deps: Vec<String> = s["dependencies"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| match x {
                            Value::Number(n) => Some(format!("{id}.{n}")),
                            other => text(other),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let status =
                taskmaster_status(&text(&s["status"]).unwrap_or_default(), &mut d.notes, &sub);
            items.push(Item {
                id: sub.clone(),
                title: text(&s["title"]).unwrap_or_else(|| format!("Subtask {sub}")),
                depends: deps,
                status,
                priority: priority(&s["priority"]),
                ..Item::default()
            });
        }
    }
    if described > 0 {
        d.notes.push(format!(
            "descriptions, details and test strategies of {described} tasks are not in the plan's table"
        ));
    }
    d.phases.push((None, items));
    // A checklist: a task with subtasks stays a task, its subtasks nested.
    Ok(d.write_list())
}

/// Reads a Backlog.md folder (`backlog/`, or its `tasks/` folder) into a
/// plan: each `task-N - Title.md` file a row, with its status, assignees,
/// dependencies and priority from its front matter.
///
/// # Errors
///
/// When the folder holds no task files.
pub fn from_backlog(dir: &Path) -> Result<Imported, ImportError> {
    let folder = if dir.join("tasks").is_dir() {
        dir.join("tasks")
    } else {
        dir.to_path_buf()
    };
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .map_err(|e| ImportError::Invalid(format!("cannot read {}: {e}", folder.display())))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let mut d = Draft {
        title: "Backlog".to_owned(),
        ..Draft::default()
    };
    let mut rows: Vec<(u64, Item)> = Vec::new();
    let mut labelled = 0;
    for f in &files {
        let Ok(body) = std::fs::read_to_string(f) else {
            continue;
        };
        let Some(rest) = body.strip_prefix("---") else {
            d.notes
                .push(format!("{}: no front matter; left out", f.display()));
            continue;
        };
        let Some(end) = rest.find("\n---") else {
            continue;
        };
        let Ok(fm) = serde_saphyr::from_str::<BTreeMap<String, Value>>(&rest[..end]) else {
            d.notes.push(format!(
                "{}: its front matter cannot be read; left out",
                f.display()
            ));
            continue;
        };
        let get = |k: &str| fm.get(k).cloned().unwrap_or(Value::Null);
        let Some(id) = text(&get("id")) else { continue };
        let list = |v: Value| -> Vec<String> {
            match v {
                Value::Array(a) => a.iter().filter_map(text).collect(),
                other => text(&other).into_iter().collect(),
            }
        };
        let status = match text(&get("status"))
            .unwrap_or_default()
            .to_lowercase()
            .as_str()
        {
            "done" | "completed" => Status::Done,
            "in progress" | "in-progress" => Status::InProgress,
            "blocked" => Status::Blocked,
            "cancelled" | "canceled" => Status::Cancelled,
            _ => Status::Todo,
        };
        if !list(get("labels")).is_empty() {
            labelled += 1;
        }
        let order = id
            .rsplit(['-', '.'])
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(u64::MAX);
        rows.push((
            order,
            Item {
                id: id.clone(),
                title: text(&get("title")).unwrap_or_else(|| id.clone()),
                depends: list(get("dependencies")),
                owners: list(get("assignee"))
                    .into_iter()
                    .map(|a| a.trim_start_matches('@').to_owned())
                    .collect(),
                status,
                priority: priority(&get("priority")),
                ..Item::default()
            },
        ));
    }
    if rows.is_empty() {
        return Err(ImportError::Invalid(format!(
            "no Backlog.md task files in {}",
            folder.display()
        )));
    }
    if labelled > 0 {
        d.notes
            .push(format!("labels of {labelled} tasks are not in the plan"));
    }
    rows.sort_by_key(|(n, _)| *n);
    d.phases
        .push((None, rows.into_iter().map(|(_, i)| i).collect()));
    Ok(d.write())
}
