//! Tables: classified by their header and the section they are in.

use super::blocks::Table;
use super::build::{Builder, rating_findings, timeline_entry};
use super::inline;
use super::values;
// What a column holds: the vocabulary's column kinds, `Other` for none.
use super::vocab::Column as Role;
use crate::diag::{Code, Severity};
use std::collections::{HashMap, HashSet};

use crate::model::{
    ActionItem, Cell, Component, Decision, Form, IdSource, Milestone, Origin, Requirement,
    RequirementKind, Risk, SectionKind, Status, Task, TeamMember, TimeUnit,
};

/// What a column holds, for the edit engine: `owner`, `estimate`,
/// `priority`, `due`, `depends`, `status`, or `` for anything else.
pub(crate) fn column_kind(header: &str) -> &'static str {
    // `Issue` and `Ticket` name the task when no other column does, and
    // hold its tracker number beside a Task column.
    if matches!(
        header.trim().to_lowercase().as_str(),
        "issue" | "issues" | "ticket" | "tickets"
    ) {
        return "issue";
    }
    match role(header).0 {
        Role::Owner => "owner",
        Role::Estimate => "estimate",
        Role::Priority => "priority",
        Role::Due => "due",
        Role::Deps => "depends",
        Role::Status => "status",
        Role::Issue => "issue",
        _ => "",
    }
}

/// What a CSV column holds, by its header, as a table column would:
/// `task`, `phase`, an attribute (`estimate`, `owner`, ...), `id`, or ``
/// for one planmark does not read.
pub(crate) fn csv_role(header: &str) -> &'static str {
    match role(header).0 {
        Role::Task | Role::WeakTask => "task",
        Role::Phase => "phase",
        Role::Id => "id",
        Role::Estimate | Role::Points | Role::Optimistic | Role::Likely | Role::Pessimistic => {
            "estimate"
        }
        Role::Priority => "priority",
        Role::Deps => "depends",
        Role::Owner => "owner",
        Role::Status => "status",
        Role::Start => "start",
        Role::Due => "due",
        Role::Issue => "issue",
        _ => "",
    }
}

/// A column's role, and the unit its header names (`Estimate (h)`, `Hours`).
fn role(header: &str) -> (Role, Option<TimeUnit>) {
    let h: String = header
        .chars()
        .filter(|c| {
            c.is_alphanumeric()
                || c.is_whitespace()
                || matches!(c, '#' | '(' | ')' | '.' | '/' | '-' | '（' | '）')
        })
        .collect::<String>()
        .to_lowercase();
    let h = h.trim();
    // A unit in the header: `Estimate (h)`, `Dauer (in Wochen)`, `Hours`.
    let (base, bracket) = match h.split_once(['(', '（']) {
        Some((b, u)) => (b.trim(), Some(u.trim_end_matches([')', '）']).trim())),
        None => (h, None),
    };
    let unit = bracket
        .and_then(|u| values::unit(u).or_else(|| u.rsplit(' ').next().and_then(values::unit)))
        .or_else(|| values::unit(base))
        .or_else(|| base.rsplit(' ').next().and_then(values::unit));
    let col = super::vocab::column(base)
        .or_else(|| super::vocab::column(h))
        .unwrap_or(Role::Other);
    (col, unit)
}

struct Columns {
    roles: Vec<Role>,
    /// The unit each column's header names, if any.
    units: Vec<Option<TimeUnit>>,
    /// Whether the table's numeric dates read day first, when it shows.
    day_first: Option<bool>,
    /// Whether an unreadable date of the table was reported.
    date_reported: std::cell::Cell<bool>,
}

impl Columns {
    fn find(&self, f: impl Fn(Role) -> bool) -> Option<usize> {
        self.roles.iter().position(|&r| f(r))
    }
    fn has(&self, r: Role) -> bool {
        self.roles.contains(&r)
    }
    /// The first column of `role`, with the unit its header names.
    fn with_unit(&self, role: Role) -> Option<(usize, Option<TimeUnit>)> {
        self.find(|r| r == role).map(|i| (i, self.units[i]))
    }
    fn estimate(&self) -> Option<(usize, Option<TimeUnit>)> {
        self.with_unit(Role::Estimate)
    }
}

fn cell(cells: &[Cell], i: Option<usize>) -> &str {
    i.and_then(|i| cells.get(i)).map_or("", |c| c.text.as_str())
}

/// Reports the estimate in cell `i` (or the row) as unreadable.
fn bad_estimate_cell(
    b: &mut Builder,
    cells: &[Cell],
    i: usize,
    row: crate::model::Span,
    text: &str,
) {
    let span = cells.get(i).map_or(row, |c| c.span);
    let (msg, help) = values::bad_estimate(text);
    b.finding(Code::UnreadableEstimate, Severity::Warning, span, msg, help);
}

/// Optimistic / Most likely / Pessimistic columns: a three-point estimate
/// (the Estimate column, when there is one, is the likely value), or a
/// range when the likely value is missing.
fn three_points(
    b: &mut Builder,
    cols: &Columns,
    cells: &[Cell],
    span: crate::model::Span,
    attrs: &mut inline::Attrs,
) {
    let (Some(o), Some(p)) = (
        cols.with_unit(Role::Optimistic),
        cols.with_unit(Role::Pessimistic),
    ) else {
        return;
    };
    let m = cols.with_unit(Role::Likely);
    let mut read = |(i, unit): (usize, Option<TimeUnit>)| -> Option<crate::model::Quantity> {
        let text = cell(cells, Some(i));
        if values::is_none_text(text) {
            return None;
        }
        let q = values::quantity(text, unit.or(Some(TimeUnit::Days)));
        if q.is_none() {
            bad_estimate_cell(b, cells, i, span, text);
        }
        q
    };
    let (Some(lo), Some(hi)) = (read(o), read(p)) else {
        return;
    };
    let likely = m.and_then(&mut read).or(match &attrs.estimate {
        Some(crate::model::Effort::Single { value, .. }) => Some(*value),
        _ => None,
    });
    let word = |q: crate::model::Quantity| {
        let u = match q.unit {
            TimeUnit::Minutes => "m",
            TimeUnit::Hours => "h",
            TimeUnit::Days => "d",
            TimeUnit::Weeks => "w",
            TimeUnit::Months => "mo",
        };
        format!("{}{u}", q.amount)
    };
    attrs.estimate = Some(match likely {
        Some(m) => crate::model::Effort::ThreePoint {
            optimistic: lo,
            likely: m,
            pessimistic: hi,
            text: format!("{}/{}/{}", word(lo), word(m), word(hi)),
        },
        None => crate::model::Effort::Range {
            min: lo,
            max: hi,
            text: format!("{}-{}", word(lo), word(hi)),
        },
    });
}

/// Counts the cells written after the last cell Markdown kept in a row.
fn extra_cells(text: &str, last_end: Option<usize>, row: crate::model::Span) -> usize {
    let Some(tail) = last_end.and_then(|e| text.get(e..row.end)) else {
        return 0;
    };
    let tail = tail
        .trim_start()
        .strip_prefix('|')
        .unwrap_or(tail)
        .trim_end();
    let tail = tail.strip_suffix('|').unwrap_or(tail);
    if tail.trim().is_empty() {
        return 0;
    }
    let b = tail.as_bytes();
    1 + (0..b.len())
        .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
        .count()
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && !values::is_none_text(s)).then(|| s.to_owned())
}

/// What a table's rows are, with the column holding each row's name.
enum Kind {
    Tasks(usize),
    Risks(usize),
    Actions(usize),
    Decisions(usize),
    Components(usize),
    Milestones(usize),
    Timeline,
    Team(usize),
    Requirements(usize),
}

#[allow(clippy::too_many_lines)]
pub(crate) fn table(
    b: &mut Builder,
    t: Table,
    effective: SectionKind,
    phase: Option<&str>,
    has_task_section: bool,
) {
    let (roles, units) = t
        .header
        .iter()
        .map(|c| {
            if let Some(&r) = b.header_roles.get(c.text.as_str()) {
                return r;
            }
            let r = role(&c.text);
            b.header_roles.insert(c.text.clone(), r);
            r
        })
        .unzip();
    let mut cols = Columns {
        roles,
        units,
        day_first: None,
        date_reported: std::cell::Cell::new(false),
    };
    // `| Task | … | Issue |`: the Task column names the task; an Issue or
    // Ticket column beside it holds its number in the tracker.
    let named: Vec<usize> = (0..cols.roles.len())
        .filter(|&i| cols.roles[i] == Role::Task)
        .collect();
    if named.len() >= 2 {
        let tracker = |i: usize| {
            let h = t.header[i].text.trim().to_lowercase();
            matches!(h.as_str(), "issue" | "issues" | "ticket" | "tickets")
        };
        if named.iter().any(|&i| !tracker(i)) {
            for &i in &named {
                if tracker(i) {
                    cols.roles[i] = Role::Issue;
                }
            }
        }
    }
    // `02/11/2024` is read the way the table's other dates show.
    let date_cols: Vec<usize> = (0..cols.roles.len())
        .filter(|&i| matches!(cols.roles[i], Role::Start | Role::Due))
        .collect();
    if !date_cols.is_empty() {
        cols.day_first = t
            .rows
            .iter()
            .flat_map(|(_, cells)| date_cols.iter().filter_map(|&i| cells.get(i)))
            .find_map(|c| values::day_first(&c.text));
    }
    let task_col = cols
        .find(|r| r == Role::Task)
        .or_else(|| cols.find(|r| r == Role::WeakTask));
    let attr_cols = cols.estimate().is_some()
        || cols.has(Role::Deps)
        || cols.has(Role::Status)
        || cols.has(Role::Priority)
        || cols.has(Role::Owner);
    let in_tasks = matches!(effective, SectionKind::Tasks | SectionKind::Phase);

    // The first column that names something: not an id, not the phase the
    // row belongs to, and not an attribute (priority, status, estimate,
    // owner, dates) of the row.
    let first_text = cols
        .find(|r| {
            !matches!(
                r,
                Role::Id
                    | Role::Phase
                    | Role::Priority
                    | Role::Status
                    | Role::Estimate
                    | Role::Owner
                    | Role::Start
                    | Role::Due
                    | Role::Deps
                    | Role::Points
            )
        })
        .or_else(|| cols.find(|r| !matches!(r, Role::Id)))
        .unwrap_or(0);
    let kind = match effective {
        SectionKind::Risks => Some(Kind::Risks(
            cols.find(|r| r == Role::Risk)
                .or(task_col)
                .unwrap_or(first_text),
        )),
        SectionKind::ActionItems => Some(Kind::Actions(
            task_col
                .or_else(|| cols.find(|r| r == Role::Decision))
                .unwrap_or(first_text),
        )),
        SectionKind::Decisions => Some(Kind::Decisions(
            cols.find(|r| r == Role::Decision)
                .or(task_col)
                .unwrap_or(first_text),
        )),
        SectionKind::Components | SectionKind::Architecture | SectionKind::HighLevelDesign
            if cols.has(Role::Component) || cols.has(Role::Responsibility) =>
        {
            Some(Kind::Components(
                cols.find(|r| r == Role::Component).unwrap_or(first_text),
            ))
        }
        SectionKind::Components => Some(Kind::Components(first_text)),
        SectionKind::Milestones
            if !(task_col.is_some() && attr_cols && !cols.has(Role::Milestone)) =>
        {
            Some(Kind::Milestones(
                cols.find(|r| r == Role::Milestone)
                    .or(task_col)
                    .unwrap_or(first_text),
            ))
        }
        // `| Week | Task | Owner |`: the work of each week.
        SectionKind::Timeline if cols.has(Role::Task) => Some(Kind::Tasks(
            cols.find(|r| r == Role::Task).unwrap_or(first_text),
        )),
        SectionKind::Timeline if cols.has(Role::Period) || cols.has(Role::Phase) => {
            Some(Kind::Timeline)
        }
        SectionKind::Team | SectionKind::Resources
            if cols.has(Role::WeakTask)
                || cols.has(Role::Owner)
                || cols.has(Role::JobTitle)
                || cols.has(Role::Responsibility)
                || cols.has(Role::Capacity) =>
        {
            Some(Kind::Team(
                cols.find(|r| matches!(r, Role::Owner | Role::WeakTask))
                    .unwrap_or(first_text),
            ))
        }
        SectionKind::Requirements
        | SectionKind::FunctionalRequirements
        | SectionKind::NonFunctionalRequirements => Some(Kind::Requirements(
            cols.find(|r| r == Role::Requirement)
                .or(task_col)
                .unwrap_or(first_text),
        )),
        _ if in_tasks => match task_col {
            Some(c) => Some(Kind::Tasks(c)),
            None if attr_cols => Some(Kind::Tasks(first_text)),
            None if cols.has(Role::Milestone) => Some(Kind::Milestones(
                cols.find(|r| r == Role::Milestone).unwrap_or(0),
            )),
            None => None,
        },
        _ => {
            // Outside a known section, the header decides.
            if cols.has(Role::Risk) && (cols.has(Role::Likelihood) || cols.has(Role::Impact)) {
                Some(Kind::Risks(cols.find(|r| r == Role::Risk).unwrap_or(0)))
            } else if cols.has(Role::Decision) && cols.has(Role::Rationale) {
                Some(Kind::Decisions(
                    cols.find(|r| r == Role::Decision).unwrap_or(0),
                ))
            } else if cols.has(Role::Milestone)
                && (cols.has(Role::Due) || cols.has(Role::Status))
                && task_col.is_none()
            {
                Some(Kind::Milestones(
                    cols.find(|r| r == Role::Milestone).unwrap_or(0),
                ))
            } else if let Some(c) =
                task_col.filter(|_| attr_cols && (cols.has(Role::Task) || !has_task_section))
            {
                if cols.roles.get(c) == Some(&Role::Task)
                    && t.header[c].text.to_lowercase().starts_with("action")
                    && (cols.has(Role::Owner) || cols.has(Role::Due))
                    && cols.estimate().is_none()
                {
                    Some(Kind::Actions(c))
                } else {
                    Some(Kind::Tasks(c))
                }
            } else {
                None
            }
        }
    };
    b.why = match kind {
        Some(Kind::Tasks(_)) if b.opts.tasks == super::TaskRule::Checkboxes => (
            "not tasks",
            "`planmark: tasks = checkboxes`: table rows are not tasks",
        ),
        Some(Kind::Tasks(_)) if in_tasks => (
            "tasks",
            "a table in a work section with a task column or task attributes (estimate, status, owner, dependencies)",
        ),
        Some(Kind::Tasks(_)) => ("tasks", "its header names a task and its attributes"),
        Some(Kind::Risks(_)) => (
            "risks",
            "a risk section, or a Risk column with likelihood or impact",
        ),
        Some(Kind::Actions(_)) => (
            "action items",
            "an action section, or Action with Owner or Due columns",
        ),
        Some(Kind::Decisions(_)) => (
            "decisions",
            "a decision section, or Decision and Rationale columns",
        ),
        Some(Kind::Milestones(_)) => ("milestones", "a milestone section or column"),
        Some(Kind::Components(_)) => ("components", "an architecture section with components"),
        Some(Kind::Team(_)) => ("team", "a team or resources section"),
        Some(Kind::Requirements(_)) => ("requirements", "a requirements section"),
        Some(Kind::Timeline) => ("timeline", "a timeline section with periods or phases"),
        None => (
            "not read",
            "its columns name nothing planmark reads in this section",
        ),
    };
    let Some(kind) = kind else {
        let planning = in_tasks
            || matches!(
                effective,
                SectionKind::Risks
                    | SectionKind::ActionItems
                    | SectionKind::Decisions
                    | SectionKind::Milestones
                    | SectionKind::Components
                    | SectionKind::Timeline
            );
        if planning {
            let headers: Vec<&str> = t.header.iter().map(|c| c.text.as_str()).collect();
            // The header row is what is not understood.
            let header_end = b.text[t.span.start..t.span.end]
                .find(['\r', '\n'])
                .map_or(t.span.end, |i| t.span.start + i);
            b.finding(
                Code::UnknownTable,
                Severity::Warning,
                crate::model::Span {
                    end: header_end,
                    ..t.span
                },
                format!("table with columns `{}` is not understood here", headers.join(" | ")),
                "a task table needs a Task column (or Estimate / Dependencies / Status / Owner columns)",
            );
        }
        return;
    };

    let header: Vec<std::sync::Arc<str>> = t
        .header
        .iter()
        .map(|c| std::sync::Arc::from(c.text.as_str()))
        .collect();
    let first_task = b.doc.tasks.len();
    for (row_span, raw) in t.rows {
        if raw.iter().all(|c| c.text.trim().is_empty()) {
            continue;
        }
        // Markdown drops the cells past the header's; count them in the source.
        let cells_written =
            raw.len() + extra_cells(b.text, raw.last().map(|c| c.span.end), row_span);
        if cells_written > header.len() {
            b.finding(
                Code::RaggedTable,
                Severity::Warning,
                row_span,
                format!(
                    "row has {} cells but the header has {}; the extra cells are ignored",
                    cells_written,
                    header.len()
                ),
                "escape a `|` inside a cell as `\\|`",
            );
        }
        let cells: Vec<Cell> = raw
            .into_iter()
            .enumerate()
            .map(|(i, c)| Cell {
                column: header.get(i).cloned().unwrap_or_default(),
                text: c.text,
                span: c.span,
            })
            .collect();
        if let Kind::Tasks(c) = kind {
            task_row(b, &cols, cells, c, row_span, phase.map(str::to_owned));
            continue;
        }
        let origin = Origin {
            span: row_span,
            form: Form::TableRow,
            marker: None,
            text: None,
            cells: cells.clone(),
        };
        let get = |r: Role| cell(&cells, cols.find(|x| x == r));
        match kind {
            Kind::Tasks(_) => {}
            Kind::Risks(c) => {
                let title = cell(&cells, Some(c)).to_owned();
                let affects = values::split_list(get(Role::Affects))
                    .into_iter()
                    .filter(|s| !values::is_none_text(s))
                    .map(str::to_owned)
                    .collect();
                let id_col = cols
                    .find(|r| r == Role::Id)
                    .map(|i| cells.get(i).map_or("", |c| c.text.as_str()).to_owned())
                    .filter(|s| !s.is_empty());
                let delay_text = get(Role::Delay).trim();
                let delay =
                    values::quantity(delay_text.trim_start_matches('+'), Some(TimeUnit::Days))
                        .filter(|q| q.amount >= 0.0);
                if delay.is_none() && !values::is_none_text(delay_text) {
                    let cspan = cols
                        .find(|r| r == Role::Delay)
                        .and_then(|i| cells.get(i))
                        .map_or(row_span, |c| c.span);
                    b.finding(
                        Code::UnreadableEstimate,
                        Severity::Warning,
                        cspan,
                        format!("delay `{delay_text}` is not a duration; the forecast uses the impact level instead"),
                        "write the delay the risk causes when it happens, like +3d or 1w",
                    );
                }
                // An impact written as time (`+2 weeks`) is the delay.
                let delay = delay.or_else(|| values::impact_delay(get(Role::Impact)));
                let r = Risk {
                    id: id_col.unwrap_or_else(|| inline::slug(&title)),
                    title,
                    likelihood: opt_any(get(Role::Likelihood)).map(|s| values::rating(&s)),
                    impact: opt_any(get(Role::Impact)).map(|s| values::rating(&s)),
                    mitigation: opt(get(Role::Mitigation)),
                    owner: opt(get(Role::Owner)).map(|o| o.trim_start_matches('@').to_owned()),
                    affects,
                    delay,
                    origin,
                };
                rating_findings(b, &r);
                b.doc.risks.push(r);
            }
            Kind::Actions(c) => {
                let attrs = inline::extract(cell(&cells, Some(c)));
                let due_text = opt(get(Role::Due));
                let due = due_text.as_deref().and_then(values::date).or(attrs.due);
                let status = values::status_word(get(Role::Status))
                    .or(attrs.status)
                    .unwrap_or_default();
                let owner = opt(get(Role::Owner))
                    .or_else(|| attrs.resources.first().map(|d| d.name.clone()));
                b.doc.actions.push(ActionItem {
                    action: attrs.title,
                    owner,
                    due,
                    due_text,
                    status,
                    origin,
                });
            }
            Kind::Decisions(c) => b.doc.decisions.push(Decision {
                decision: cell(&cells, Some(c)).to_owned(),
                rationale: opt(get(Role::Rationale)),
                made_by: opt(get(Role::MadeBy)).or_else(|| opt(get(Role::Owner))),
                date: values::date(get(Role::Due)),
                origin,
            }),
            Kind::Components(c) => b.doc.components.push(Component {
                name: cell(&cells, Some(c)).to_owned(),
                responsibility: opt(get(Role::Responsibility)).or_else(|| opt(get(Role::WeakTask))),
                owner: opt(get(Role::Owner)),
                origin,
            }),
            Kind::Milestones(c) => {
                let attrs = inline::extract(cell(&cells, Some(c)));
                let status = values::status_word(get(Role::Status))
                    .or(attrs.status)
                    .unwrap_or_default();
                let target = values::date(get(Role::Due)).or(attrs.due);
                let id = cols
                    .find(|r| r == Role::Id)
                    .and_then(|i| opt(cell(&cells, Some(i))))
                    .unwrap_or_else(|| inline::slug(&attrs.title));
                let after = values::split_list(get(Role::Deps))
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                b.doc.milestones.push(Milestone {
                    id,
                    title: attrs.title,
                    status,
                    target,
                    after,
                    origin,
                });
            }
            Kind::Timeline => {
                let period = cell(&cells, cols.find(|r| r == Role::Period)).to_owned();
                let rest: Vec<&str> = cells
                    .iter()
                    .map(|c| c.text.as_str())
                    .filter(|s| *s != period)
                    .collect();
                if let Some(e) = timeline_entry(&format!("{period}: {}", rest.join(" - ")), origin)
                {
                    b.doc.timeline.push(e);
                }
            }
            Kind::Team(c) => {
                let name = cell(&cells, Some(c)).trim_start_matches('@').to_owned();
                let cap = get(Role::Capacity);
                let capacity = cap
                    .trim_end_matches('%')
                    .trim()
                    .parse::<f64>()
                    .map_or(1.0, |v| {
                        if cap.contains('%') || v > 1.0 {
                            v / 100.0
                        } else {
                            v
                        }
                    });
                let role = opt(get(Role::JobTitle)).or_else(|| opt(get(Role::Responsibility)));
                b.doc.team.push(TeamMember {
                    name,
                    role,
                    capacity,
                    origin,
                });
            }
            Kind::Requirements(c) => {
                let id = cols
                    .find(|r| r == Role::Id)
                    .and_then(|i| opt(cell(&cells, Some(i))));
                let kind = if id.as_deref().is_some_and(|i| i.starts_with("NFR"))
                    || effective == SectionKind::NonFunctionalRequirements
                {
                    RequirementKind::NonFunctional
                } else {
                    RequirementKind::Functional
                };
                let status = values::status_word(get(Role::Status)).unwrap_or(Status::Todo);
                b.doc.requirements.push(Requirement {
                    id,
                    kind,
                    category: None,
                    text: cell(&cells, Some(c)).to_owned(),
                    status,
                    origin,
                });
            }
        }
    }
    if matches!(kind, Kind::Tasks(_)) {
        let rows: Vec<usize> = (first_task..b.doc.tasks.len()).collect();
        let parents = wbs_outline(b.doc, &rows);
        // The table's rows are the last tasks: nothing else points at them yet.
        let mut k = 0;
        b.doc.tasks.retain(|_| {
            let keep = parents.binary_search(&k).is_err();
            k += 1;
            keep
        });
    }
}

fn opt_any(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// A WBS table's parent rows (`2` over `2.1` and `2.2`, `1.0` over `1.1`)
/// sum up their children: they are not tasks. The outermost one is the
/// phase of its leaves (unless a named stage holds them), a dependency on
/// one's own parent is the outline, not a link, and a dependency on another
/// parent means all of its work.
pub(crate) fn wbs_outline(doc: &mut crate::model::Document, at: &[usize]) -> Vec<usize> {
    let key = |id: &str| id.strip_suffix(".0").unwrap_or(id).to_owned();
    let rows: Vec<&Task> = at.iter().map(|&i| &doc.tasks[i]).collect();
    let numbered = |t: &Task| {
        matches!(t.id_source, IdSource::Column | IdSource::Code)
            && t.id.starts_with(|c: char| c.is_ascii_digit())
    };
    if rows.len() < 3 || !rows.iter().all(|t| numbered(t)) {
        return Vec::new();
    }
    let keys: Vec<String> = rows.iter().map(|t| key(&t.id)).collect();
    let is_parent: Vec<bool> = keys
        .iter()
        .map(|k| {
            let prefix = format!("{k}.");
            keys.iter().any(|o| o.starts_with(&prefix))
        })
        .collect();
    if !is_parent.contains(&true) {
        return Vec::new();
    }
    // Each parent's leaves, and each leaf's ancestors.
    let ancestors = |k: &str| -> Vec<usize> {
        (0..keys.len())
            .filter(|&j| is_parent[j] && k.starts_with(&format!("{}.", keys[j])))
            .collect()
    };
    let titles: Vec<String> = rows.iter().map(|t| t.title.clone()).collect();
    let ids: Vec<String> = rows.iter().map(|t| t.id.clone()).collect();
    // Groups a heading implies, and the document's title (`# Milestone 2`
    // names the whole file), give way to the table's own outline.
    let title = doc.title.clone();
    let implicit: HashSet<String> = doc
        .phases
        .iter()
        .filter(|p| p.number.is_none() || title.as_deref() == Some(p.name.as_str()))
        .map(|p| p.name.clone())
        .collect();
    let mut leaves_of: HashMap<String, Vec<String>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        if !is_parent[i] {
            for a in ancestors(k) {
                leaves_of
                    .entry(ids[a].clone())
                    .or_default()
                    .push(ids[i].clone());
            }
        }
    }
    let mut new_phases = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        if is_parent[i] {
            continue;
        }
        let anc = ancestors(k);
        let own: HashSet<&str> = anc.iter().map(|&a| ids[a].as_str()).collect();
        let t = &mut doc.tasks[at[i]];
        if t.phase.as_ref().is_none_or(|p| implicit.contains(p)) {
            // A top-level leaf beside the summaries stands in no group.
            t.phase = anc.iter().min_by_key(|&&a| keys[a].len()).map(|&top| {
                new_phases.push(top);
                titles[top].clone()
            });
        }
        t.dependencies.retain(|d| !own.contains(d.target.as_str()));
        super::build::expand_group_deps(&mut t.dependencies, &t.id, &leaves_of);
    }
    new_phases.sort_unstable();
    new_phases.dedup();
    for top in new_phases {
        let origin = doc.tasks[at[top]].origin.clone();
        if !doc.phases.iter().any(|p| p.name == titles[top]) {
            doc.phases.push(crate::model::Phase {
                number: None,
                name: titles[top].clone(),
                origin,
            });
        }
    }
    // The parents go (by the caller, who knows what else points at tasks).
    (0..at.len())
        .filter(|&i| is_parent[i])
        .map(|i| at[i])
        .collect()
}

fn task_row(
    b: &mut Builder,
    cols: &Columns,
    cells: Vec<Cell>,
    c: usize,
    span: crate::model::Span,
    phase: Option<String>,
) {
    let origin_cells = cells;
    let cells = &origin_cells[..];
    let get = |r: Role| cell(cells, cols.find(|x| x == r));
    let title_text = cell(cells, Some(c));
    // A row that names a stage (`**Phase 2** : Design`) sums up tasks
    // listed elsewhere; it is not one.
    let bare = if title_text.contains('*') {
        std::borrow::Cow::Owned(title_text.replace('*', ""))
    } else {
        std::borrow::Cow::Borrowed(title_text)
    };
    let bare = bare.trim();
    // A title without a letter is a count (`13`), and a row with a total
    // cell is the sum of the rows above.
    let titled = matches!(cols.roles.get(c), Some(Role::Task | Role::WeakTask));
    if titled && super::build::is_stage_line(bare)
        || super::vocab::is_buffer(bare)
        || !bare.chars().any(char::is_alphabetic)
        || cells.iter().any(|x| super::vocab::is_total(&x.text))
    {
        return;
    }
    let mut attrs = inline::extract(title_text);
    // Checkbox written in a cell: `[x] Set up CI`.
    if let Some(rest) = title_text.trim_start().strip_prefix('[')
        && let Some(ch) = rest.chars().next()
        && rest[ch.len_utf8()..].starts_with(']')
        && let Some(st) = values::checkbox(ch)
    {
        attrs = inline::extract(rest[ch.len_utf8() + 1..].trim());
        attrs.status = Some(st);
    }
    if let Some(i) = cols.find(|r| r == Role::Id)
        && let Some(id) = opt(cell(cells, Some(i)))
    {
        attrs.id = Some((id.trim_start_matches('#').to_owned(), IdSource::Column));
    }
    if let Some((i, unit)) = cols.estimate() {
        let text = cell(cells, Some(i));
        if !values::is_none_text(text) {
            match values::effort_noted(text, unit) {
                Some(e) => attrs.estimate = Some(e),
                None => match values::size(text, false, true) {
                    Some(z) => attrs.size = Some(z),
                    None => bad_estimate_cell(b, cells, i, span, text),
                },
            }
        }
    }
    if let Some(i) = cols.find(|r| r == Role::Points) {
        let text = cell(cells, Some(i));
        if !values::is_none_text(text) {
            match values::size(text, true, true) {
                Some(z) => attrs.size = Some(z),
                None => bad_estimate_cell(b, cells, i, span, text),
            }
        }
    }
    three_points(b, cols, cells, span, &mut attrs);
    if cols.has(Role::Deps) {
        let text = get(Role::Deps);
        let (deps, bad) = values::dependencies(text, false);
        for x in bad {
            let cspan = cells
                .get(cols.find(|r| r == Role::Deps).unwrap_or(0))
                .map_or(span, |c| c.span);
            let msg = format!("dependency `{x}` cannot be read");
            b.finding(
                Code::UnreadableDependency,
                Severity::Warning,
                cspan,
                msg,
                "name tasks by id: 1.1, T003, Task 2",
            );
        }
        attrs.deps.extend(deps);
    }
    if let Some(n) = opt(get(Role::Issue)).and_then(|s| values::issue_number(&s)) {
        attrs.issue = Some(n);
    }
    if let Some(o) = opt(get(Role::Owner)) {
        let mut owners = values::owners(&o);
        owners.append(&mut attrs.resources);
        attrs.resources = owners;
    }
    if let Some(p) = opt(get(Role::Priority)) {
        let pr = values::priority(&p);
        if pr.level.is_none() {
            let cspan = cells
                .get(cols.find(|r| r == Role::Priority).unwrap_or(0))
                .map_or(span, |c| c.span);
            let msg = format!("priority `{p}` is not a known level");
            b.finding(
                Code::UnknownPriority,
                Severity::Warning,
                cspan,
                msg,
                "use Critical, High, Medium, Low or P0..P3",
            );
        }
        attrs.priority = Some(pr);
    }
    if cols.has(Role::Status) {
        let s = get(Role::Status);
        match values::status_word(s) {
            Some(st) => attrs.status = Some(st),
            // `JALON : report due (May 20)`: the row marks a milestone.
            None if super::vocab::names_milestone(s) => {}
            None => {
                let cspan = cells
                    .get(cols.find(|r| r == Role::Status).unwrap_or(0))
                    .map_or(span, |c| c.span);
                let msg = format!("status `{s}` is not a known status");
                b.finding(
                    Code::UnknownStatus,
                    Severity::Warning,
                    cspan,
                    msg,
                    "use Todo, In Progress, Done, Blocked or Cancelled",
                );
            }
        }
    }
    for (role, slot) in [(Role::Start, 0), (Role::Due, 1)] {
        let s = get(role);
        if values::is_none_text(s) {
            continue;
        }
        match values::date_in(s, cols.day_first) {
            Some(d) if slot == 0 => attrs.start = Some(d),
            Some(d) => attrs.due = Some(d),
            None => {
                // One finding per table: its other dates are written alike.
                if let Some((msg, help)) = values::bad_date(s)
                    && !cols.date_reported.replace(true)
                {
                    let cspan = cells
                        .get(cols.find(|r| r == role).unwrap_or(0))
                        .map_or(span, |c| c.span);
                    b.finding(Code::UnreadableDate, Severity::Warning, cspan, msg, help);
                }
            }
        }
    }
    let column_phase = opt(get(Role::Phase)).or_else(|| opt(get(Role::Period)));
    if let Some(p) = &column_phase
        && !b.doc.phases.iter().any(|x| &x.name == p)
    {
        let number = super::sections::phase_number(&super::sections::normalize(p));
        let origin = Origin {
            span,
            form: Form::TableRow,
            marker: None,
            text: None,
            cells: Vec::new(),
        };
        b.doc.phases.push(crate::model::Phase {
            number,
            name: p.clone(),
            origin,
        });
    }
    let origin = Origin {
        span,
        form: Form::TableRow,
        marker: None,
        text: None,
        cells: origin_cells,
    };
    b.new_task(attrs, origin, column_phase.or(phase), None);
}
