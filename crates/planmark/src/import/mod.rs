//! Plans from other tools: MS Project XML, CSV, a Task Master
//! `tasks.json` and a Backlog.md folder in, a Markdown plan in
//! planmark's own form out (front matter, phases as headings, a task table
//! per phase with ID, Task, Estimate, Dependencies, Owner and Status).
//! What has no place in the plan is listed in [`Imported::notes`], never
//! dropped without a word.

mod mspdi;
mod tools;

use std::fmt::Write as _;

use crate::model::Status;

pub use mspdi::from_mspdi;
pub use tools::{from_backlog, from_taskmaster};

/// Reads a CSV file of tasks into a plan: its rows become a task table
/// whose columns the plan reader maps as it maps any table's (Task,
/// Estimate, Dependencies, Owner, Status, Priority, Phase, ...). A
/// `Phase` column splits the rows into phases.
///
/// # Errors
///
/// When the file is not CSV, or has no column that names tasks.
pub fn from_csv(text: &str, title: &str) -> Result<Imported, ImportError> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| ImportError::Invalid(format!("not CSV: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let kinds: Vec<&str> = headers
        .iter()
        .map(|h| crate::syntax::tables::csv_role(h))
        .collect();
    if !kinds.contains(&"task") {
        return Err(ImportError::Invalid(format!(
            "no column names the tasks (Task, Title, Name, ...): the columns are {}",
            headers.join(", ")
        )));
    }
    let mut notes: Vec<String> = headers
        .iter()
        .zip(&kinds)
        .filter(|(_, k)| k.is_empty())
        .map(|(h, _)| format!("column `{h}` is kept in the table, but planmark does not read it"))
        .collect();
    let phase_col = kinds.iter().position(|k| *k == "phase");
    let shown: Vec<usize> = (0..headers.len())
        .filter(|i| Some(*i) != phase_col)
        .collect();
    let mut phases: Vec<(Option<String>, Vec<Vec<String>>)> = Vec::new();
    let mut count = 0;
    for (n, row) in r.records().enumerate() {
        let row = row.map_err(|e| ImportError::Invalid(format!("row {}: {e}", n + 2)))?;
        let phase = phase_col
            .and_then(|i| row.get(i))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let cells: Vec<String> = shown
            .iter()
            .map(|&i| cell(row.get(i).unwrap_or("")))
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        count += 1;
        match phases.iter_mut().find(|(p, _)| *p == phase) {
            Some((_, rows)) => rows.push(cells),
            None => phases.push((phase, vec![cells])),
        }
    }
    let mut s = format!(
        "---\ntitle: {}\n---\n\n# {}\n\n## Task Breakdown\n\n",
        yaml(title),
        cell(title)
    );
    let head: Vec<&str> = shown.iter().map(|&i| headers[i].as_str()).collect();
    let mut n = 0;
    for (phase, rows) in &phases {
        if let Some(p) = phase {
            n += 1;
            if p.to_lowercase().starts_with("phase ") {
                let _ = writeln!(s, "### {}\n", cell(p));
            } else {
                let _ = writeln!(s, "### Phase {n}: {}\n", cell(p));
            }
        }
        let _ = writeln!(s, "| {} |", head.join(" | "));
        let _ = writeln!(s, "|{}", "---|".repeat(head.len()));
        for r in rows {
            let _ = writeln!(s, "| {} |", r.join(" | "));
        }
        s.push('\n');
    }
    if count == 0 {
        notes.push("the file has no rows".to_owned());
    }
    Ok(Imported {
        text: s,
        notes,
        tasks: count,
    })
}

/// Why a file could not be imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file is not what its format says.
    #[error("{0}")]
    Invalid(String),
}

/// A plan made from another tool's file.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The plan, as Markdown.
    pub text: String,
    /// What the file held that the plan does not.
    pub notes: Vec<String>,
    /// Tasks written.
    pub tasks: usize,
}

/// A task on its way into the plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct Item {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) estimate: Option<String>,
    /// As the plan writes them: `1.1`, `1.2 SS+1d`.
    pub(crate) depends: Vec<String>,
    pub(crate) owners: Vec<String>,
    pub(crate) status: Status,
    pub(crate) priority: Option<String>,
}

/// A plan on its way out.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    pub(crate) title: String,
    pub(crate) start: Option<jiff::civil::Date>,
    /// Phases in order; the unnamed one holds tasks outside any phase.
    pub(crate) phases: Vec<(Option<String>, Vec<Item>)>,
    pub(crate) notes: Vec<String>,
}

/// Working hours as an estimate the reader takes back: days when whole
/// or half days, else hours.
pub(crate) fn estimate(hours: f64, hours_per_day: f64) -> Option<String> {
    if hours <= 0.0 || !hours.is_finite() {
        return None;
    }
    let days = hours / hours_per_day;
    let text = if (days * 2.0 - (days * 2.0).round()).abs() < 1e-9 {
        format!("{}d", trim(days))
    } else if (hours - hours.round()).abs() < 1e-9 {
        format!("{}h", trim(hours))
    } else {
        format!("{}m", (hours * 60.0).round())
    };
    Some(text)
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn cell(s: &str) -> String {
    s.replace('|', "/")
        .replace(['\n', '\r'], " ")
        .trim()
        .to_owned()
}

impl Draft {
    /// The plan as Markdown.
    pub(crate) fn write(&self) -> Imported {
        let mut s = String::from("---\n");
        let _ = writeln!(s, "title: {}", yaml(&self.title));
        if let Some(d) = self.start {
            let _ = writeln!(s, "start: {d}");
        }
        s.push_str("---\n\n");
        let _ = writeln!(s, "# {}\n", cell(&self.title));
        s.push_str("## Task Breakdown\n\n");
        let mut n = 0;
        let mut count = 0;
        for (name, items) in &self.phases {
            if items.is_empty() {
                continue;
            }
            if let Some(name) = name {
                n += 1;
                // A name that already says `Phase 2: …` keeps its words.
                let lower = name.to_lowercase();
                if lower.starts_with("phase ") {
                    let _ = writeln!(s, "### {}\n", cell(name));
                } else {
                    let _ = writeln!(s, "### Phase {n}: {}\n", cell(name));
                }
            }
            s.push_str("| ID | Task | Estimate | Dependencies | Owner | Priority | Status |\n");
            s.push_str("|----|------|----------|--------------|-------|----------|--------|\n");
            for i in items {
                count += 1;
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    cell(&i.id),
                    cell(&i.title),
                    i.estimate.as_deref().unwrap_or(""),
                    if i.depends.is_empty() {
                        "None".to_owned()
                    } else {
                        cell(&i.depends.join(", "))
                    },
                    cell(&i.owners.join(", ")),
                    i.priority.as_deref().map_or(String::new(), cell),
                    match i.status {
                        Status::Todo => "Todo",
                        Status::InProgress => "In Progress",
                        Status::Done => "Done",
                        Status::Blocked => "Blocked",
                        Status::Cancelled => "Cancelled",
                    }
                );
            }
            s.push('\n');
        }
        Imported {
            text: s,
            notes: self.notes.clone(),
            tasks: count,
        }
    }
}

impl Draft {
    /// The plan as a checklist: each task a checkbox item in the form the
    /// reader takes back (`- [x] Task 1.2: Title (2d) @ana (priority:
    /// high) (depends on 1.1)`), a task whose id extends another's (`2.1`
    /// under `2`) nested under it as its subtask.
    pub(crate) fn write_list(&self) -> Imported {
        use crate::edit::Attribute;
        let mut s = String::from("---\n");
        let _ = writeln!(s, "title: {}", yaml(&self.title));
        s.push_str("---\n\n");
        let _ = writeln!(s, "# {}\n", cell(&self.title));
        s.push_str("## Task Breakdown\n\n");
        let mut count = 0;
        for (_, items) in &self.phases {
            let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
            for i in items {
                count += 1;
                let parent = i.id.rsplit_once('.').is_some_and(|(p, _)| ids.contains(&p));
                let mark = match i.status {
                    Status::Todo => ' ',
                    Status::InProgress => '~',
                    Status::Done => 'x',
                    Status::Blocked => '!',
                    Status::Cancelled => '-',
                };
                let _ = write!(
                    s,
                    "{}- [{mark}] Task {}: {}",
                    if parent { "  " } else { "" },
                    i.id,
                    i.title.replace(['\n', '\r'], " ")
                );
                if let Some(e) = &i.estimate {
                    s.push_str(&Attribute::Estimate.inline(e));
                }
                for o in &i.owners {
                    s.push_str(&Attribute::Owner.inline(o));
                }
                if let Some(p) = &i.priority {
                    s.push_str(&Attribute::Priority.inline(p));
                }
                if !i.depends.is_empty() {
                    s.push_str(&Attribute::Depends.inline(&i.depends.join(", ")));
                }
                s.push('\n');
            }
        }
        Imported {
            text: s,
            notes: self.notes.clone(),
            tasks: count,
        }
    }
}

/// A YAML scalar, quoted when it needs to be.
fn yaml(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || " -_.,()&".contains(c))
        && !s.starts_with(['-', ' ']);
    if plain {
        s.to_owned()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_are_written_as_the_reader_takes_them() {
        assert_eq!(estimate(12.0, 8.0).as_deref(), Some("1.5d"));
        assert_eq!(estimate(16.0, 8.0).as_deref(), Some("2d"));
        assert_eq!(estimate(3.0, 8.0).as_deref(), Some("3h"));
        assert_eq!(estimate(0.5, 8.0).as_deref(), Some("30m"));
        assert_eq!(estimate(0.0, 8.0), None);
    }
}
