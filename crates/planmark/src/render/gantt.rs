//! The Gantt chart: SVG, Mermaid and the terminal.

use std::fmt::Write as _;

use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;

use super::svg::{self, esc, n, truncate};
use crate::links::{Links, Target};
use crate::model::{LinkKind, Status, Workspace};
use crate::schedule::{Schedule, ScheduledTask};

/// Rows of the chart: a header per plan and phase, then its tasks.
pub(crate) enum Row {
    Group { name: String, tasks: Vec<usize> },
    Task(usize),
    Milestone(usize),
}

/// Groups the schedule's tasks by plan and phase, in plan order, then
/// the milestones.
pub(crate) fn rows(ws: &Workspace, s: &Schedule) -> Vec<Row> {
    let many = ws.documents.len() > 1;
    let mut order: Vec<(String, Vec<usize>)> = Vec::new();
    let mut at: HashMap<(String, Option<String>), usize> = HashMap::default();
    for (i, t) in s.tasks.iter().enumerate() {
        let key = (t.plan.clone(), t.phase.clone());
        let slot = *at.entry(key).or_insert_with(|| {
            let stem = plan_name(&t.plan);
            let name = match (&t.phase, many) {
                (Some(p), true) => format!("{stem}: {p}"),
                (Some(p), false) => p.clone(),
                (None, true) => stem,
                (None, false) => "Tasks".to_owned(),
            };
            order.push((name, Vec::new()));
            order.len() - 1
        });
        order[slot].1.push(i);
    }
    let mut out = Vec::new();
    let single = order.len() == 1;
    for (name, tasks) in order {
        if !single {
            out.push(Row::Group {
                name,
                tasks: tasks.clone(),
            });
        }
        out.extend(tasks.into_iter().map(Row::Task));
    }
    if !s.milestones.is_empty() {
        out.push(Row::Group {
            name: "Milestones".to_owned(),
            tasks: vec![],
        });
        out.extend((0..s.milestones.len()).map(Row::Milestone));
    }
    out
}

fn plan_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_stem()
        .map_or_else(|| path.to_owned(), |s| s.to_string_lossy().into_owned())
}

/// A link between scheduled tasks: indexes into `s.tasks`, its kind, and
/// a short label for kinds other than finish-to-start or a lag (`SS+1d`).
pub(crate) struct TaskLink {
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) kind: LinkKind,
    pub(crate) label: Option<String>,
}

fn link_label(kind: LinkKind, lag: Option<crate::model::Quantity>) -> Option<String> {
    let k = match kind {
        LinkKind::FinishToStart => "",
        LinkKind::StartToStart => "SS",
        LinkKind::FinishToFinish => "FF",
        LinkKind::StartToFinish => "SF",
    };
    let lag = lag.filter(|q| q.amount != 0.0).map(|q| {
        let unit = match q.unit {
            crate::model::TimeUnit::Minutes => "m",
            crate::model::TimeUnit::Hours => "h",
            crate::model::TimeUnit::Days => "d",
            crate::model::TimeUnit::Weeks => "w",
            crate::model::TimeUnit::Months => "mo",
        };
        format!("{:+}{unit}", q.amount)
    });
    match (k, lag) {
        ("", None) => None,
        (k, lag) => Some(format!("{k}{}", lag.unwrap_or_default())),
    }
}

/// Links between scheduled tasks.
pub(crate) fn task_links(ws: &Workspace, s: &Schedule) -> Vec<TaskLink> {
    let index: HashMap<(usize, usize), usize> = s
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| ((t.doc, t.task), i))
        .collect();
    let links = Links::new(ws);
    let mut out = Vec::new();
    for (i, t) in s.tasks.iter().enumerate() {
        for dep in &ws.documents[t.doc].tasks[t.task].dependencies {
            if let Target::Task(dj, tj) = links.resolve(t.doc, dep, false)
                && let Some(&j) = index.get(&(dj, tj))
                && j != i
            {
                out.push(TaskLink {
                    from: j,
                    to: i,
                    kind: dep.kind,
                    label: link_label(dep.kind, dep.lag),
                });
            }
        }
    }
    out
}

/// The days a chart spans: from the project start (or earlier work) to
/// the finish, the deadline and milestone targets.
pub(crate) fn span(s: &Schedule) -> (Date, Date) {
    let first = s
        .tasks
        .iter()
        .map(|t| t.start)
        .min()
        .unwrap_or(s.start)
        .min(s.start);
    let mut last = s.tasks.iter().map(|t| t.finish).max().unwrap_or(s.finish);
    last = last.max(s.finish);
    for d in s.deadline.iter().chain(&s.plan_deadlines) {
        last = last.max(d.date);
    }
    for m in &s.milestones {
        last = last.max(m.date);
        if let Some(t) = m.target {
            last = last.max(t);
        }
    }
    (first, last)
}

fn days_between(a: Date, b: Date) -> i64 {
    i64::from(a.until(b).map_or(0, |sp| sp.get_days()))
}

const LABEL: f64 = 300.0;
const ROW: f64 = 20.0;
const TOP: f64 = 44.0;

/// The Gantt chart as SVG: bars by phase with progress, dependency
/// arrows, the critical path in red, milestones as diamonds, today and
/// deadline lines, weekends and holidays shaded, owners beside the bars.
/// Every label is cut to fit, with the full text in a tooltip.
#[must_use]
pub fn gantt_svg(ws: &Workspace, s: &Schedule) -> String {
    gantt_svg_with(ws, s, &GanttOptions::default())
}

/// How wide a day is drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Zoom {
    /// The whole plan in about 1,000 pixels.
    #[default]
    Fit,
    /// 24 pixels a day.
    Day,
    /// 6 pixels a day.
    Week,
    /// 2 pixels a day.
    Month,
}

/// Makes the link of a task's row from its plan's path and its id.
pub type TaskHref<'a> = &'a dyn Fn(&str, &str) -> String;

/// Options of [`gantt_svg_with`].
#[derive(Default)]
pub struct GanttOptions<'a> {
    /// How wide a day is drawn.
    pub zoom: Zoom,
    /// A link for each task's row (by plan path and id), for a page that
    /// shows the task.
    pub href: Option<TaskHref<'a>>,
}

/// [`gantt_svg`] at a zoom, with each task's row a link.
#[must_use]
pub fn gantt_svg_with(ws: &Workspace, s: &Schedule, opts: &GanttOptions<'_>) -> String {
    let rows = rows(ws, s);
    let (first, last) = span(s);
    let days = days_between(first, last) + 1;
    let dw = match opts.zoom {
        Zoom::Fit => (1000.0 / days as f64).clamp(2.0, 24.0),
        Zoom::Day => 24.0,
        Zoom::Week => 6.0,
        Zoom::Month => 2.0,
    };
    let chart = days as f64 * dw;
    let width = LABEL + chart + 140.0;
    let height = TOP + rows.len() as f64 * ROW + 12.0;
    let x = |d: Date| LABEL + days_between(first, d) as f64 * dw;
    let mut out = String::with_capacity(400 * rows.len() + 4096);
    svg::open(&mut out, "gantt", width, height, "Gantt chart");
    svg::arrow_markers(&mut out);
    // Days off, merged into runs.
    out.push_str(r#"<g class="days-off">"#);
    let mut d = first;
    let mut run_start: Option<Date> = None;
    while d <= last {
        let working = s.calendar.is_working(d);
        match (working, run_start) {
            (false, None) => run_start = Some(d),
            (true, Some(a)) => {
                off_rect(&mut out, x(a), x(d), height);
                run_start = None;
            }
            _ => {}
        }
        let Ok(next) = d.tomorrow() else { break };
        d = next;
    }
    if let Some(a) = run_start {
        off_rect(&mut out, x(a), x(last) + dw, height);
    }
    out.push_str("</g>");
    // The date axis: a line per week (Mondays) or month, labels above.
    out.push_str(r#"<g class="axis">"#);
    let mut d = first;
    let weekly = dw * 7.0 >= 28.0;
    while d <= last {
        let label = if weekly {
            (d.weekday() == jiff::civil::Weekday::Monday).then(|| d.strftime("%b %-d").to_string())
        } else {
            (d.day() == 1).then(|| d.strftime("%b %Y").to_string())
        };
        if let Some(l) = label {
            let _ = write!(
                out,
                r#"<line class="grid" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}"/><text class="muted" x="{tx}" y="{ty}">{l}</text>"#,
                x = n(x(d)),
                y1 = n(TOP - 8.0),
                y2 = n(height),
                tx = n(x(d) + 3.0),
                ty = n(TOP - 14.0),
                l = esc(&l),
            );
        }
        let Ok(next) = d.tomorrow() else { break };
        d = next;
    }
    let _ = write!(
        out,
        r#"<line class="grid" x1="0" y1="{y}" x2="{w}" y2="{y}"/></g>"#,
        y = n(TOP - 4.0),
        w = n(width)
    );
    // Row positions, for the arrows.
    let mut row_of = vec![0usize; s.tasks.len()];
    for (r, row) in rows.iter().enumerate() {
        if let Row::Task(i) = row {
            row_of[*i] = r;
        }
    }
    let y = |r: usize| TOP + r as f64 * ROW;
    let bar_x = |t: &ScheduledTask| (x(t.start), x(t.finish) + dw);
    // Dependency arrows under the bars.
    out.push_str(r#"<g class="deps">"#);
    for l in task_links(ws, s) {
        let (a, b) = (&s.tasks[l.from], &s.tasks[l.to]);
        let (a_start, a_end) = bar_x(a);
        let (b_start, b_end) = bar_x(b);
        // Out of the predecessor's finish (or start), into the
        // successor's start (or finish), as the link kind says.
        let (x1, out_dir) = match l.kind {
            LinkKind::StartToStart | LinkKind::StartToFinish => (a_start, -1.0),
            _ => (a_end, 1.0),
        };
        let (x2, in_dir) = match l.kind {
            LinkKind::FinishToFinish | LinkKind::StartToFinish => (b_end + 1.0, -1.0),
            _ => (b_start - 1.0, 1.0),
        };
        let (y1, y2) = (y(row_of[l.from]) + ROW / 2.0, y(row_of[l.to]) + ROW / 2.0);
        let crit = a.critical && b.critical;
        let (xa, xb) = (x1 + 6.0 * out_dir, x2 - 6.0 * in_dir);
        let ym = if y2 > y1 {
            y2 - ROW / 2.0
        } else {
            y2 + ROW / 2.0
        };
        let _ = write!(
            out,
            r#"<path class="dep{c}" data-from="{f}" data-to="{t}" d="M{x1} {y1}H{xa}V{ym}H{xb}V{y2}H{x2}" marker-end="url(#pm-arrow{m})">{title}</path>"#,
            c = if crit { " critical" } else { "" },
            f = esc(&a.id),
            t = esc(&b.id),
            x1 = n(x1),
            y1 = n(y1),
            xa = n(xa),
            ym = n(ym),
            xb = n(xb),
            y2 = n(y2),
            x2 = n(x2),
            m = if crit { "-critical" } else { "" },
            title = l
                .label
                .as_ref()
                .map_or(String::new(), |x| format!("<title>{}</title>", esc(x))),
        );
    }
    out.push_str("</g>");
    // Rows.
    for (r, row) in rows.iter().enumerate() {
        let top = y(r);
        match row {
            Row::Group { name, tasks } => {
                let _ = write!(
                    out,
                    r#"<g class="group"><title>{full}</title><text x="6" y="{ty}" font-weight="600">{label}</text>"#,
                    full = esc(name),
                    ty = n(top + 14.0),
                    label = esc(&truncate(name, 44)),
                );
                if let (Some(a), Some(b)) = (
                    tasks.iter().map(|&i| s.tasks[i].start).min(),
                    tasks.iter().map(|&i| s.tasks[i].finish).max(),
                ) {
                    let _ = write!(
                        out,
                        r#"<rect class="summary" x="{x}" y="{y}" width="{w}" height="4"/>"#,
                        x = n(x(a)),
                        y = n(top + 8.0),
                        w = n(x(b) + dw - x(a)),
                    );
                }
                out.push_str("</g>");
            }
            Row::Task(i) => {
                let t = &s.tasks[*i];
                let link = opts.href.map(|f| f(&t.plan, &t.id));
                if let Some(l) = &link {
                    let _ = write!(out, r#"<a href="{}">"#, esc(l));
                }
                task_row(&mut out, s, t, top, &bar_x, &x, dw);
                if link.is_some() {
                    out.push_str("</a>");
                }
            }
            Row::Milestone(k) => {
                let m = &s.milestones[*k];
                let cx = x(m.date) + dw;
                let cy = top + ROW / 2.0;
                let late = m.late_days.is_some_and(|l| l > 0);
                let _ = write!(
                    out,
                    r#"<g class="milestone-row"><title>{id} {title}: {date}{target}</title><text x="6" y="{ty}">{label}</text><path class="milestone{late}" d="M{cx} {t}L{r} {cy}L{cx} {b}L{l} {cy}z"/></g>"#,
                    id = esc(&m.id),
                    title = esc(&m.title),
                    date = m.date,
                    target = m.target.map_or(String::new(), |t| format!(" (target {t})")),
                    ty = n(top + 14.0),
                    label = esc(&truncate(&format!("{} {}", m.id, m.title), 44)),
                    late = if late { " late" } else { "" },
                    cx = n(cx),
                    cy = n(cy),
                    t = n(cy - 6.0),
                    b = n(cy + 6.0),
                    l = n(cx - 6.0),
                    r = n(cx + 6.0),
                );
            }
        }
    }
    // Today and deadline lines over everything.
    if s.today >= first && s.today <= last {
        let _ = write!(
            out,
            r#"<line class="today" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}"><title>today {d}</title></line>"#,
            x = n(x(s.today)),
            y1 = n(TOP - 8.0),
            y2 = n(height),
            d = s.today,
        );
    }
    for dl in s.deadline.iter().chain(&s.plan_deadlines) {
        let _ = write!(
            out,
            r#"<line class="deadline" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}"><title>deadline {d}</title></line>"#,
            x = n(x(dl.date) + dw),
            y1 = n(TOP - 8.0),
            y2 = n(height),
            d = dl.date,
        );
    }
    out.push_str("</svg>\n");
    out
}

fn off_rect(out: &mut String, x1: f64, x2: f64, height: f64) {
    let _ = write!(
        out,
        r#"<rect class="off" x="{x}" y="{y}" width="{w}" height="{h}"/>"#,
        x = n(x1),
        y = n(TOP - 4.0),
        w = n(x2 - x1),
        h = n(height - TOP + 4.0),
    );
}

fn task_row(
    out: &mut String,
    s: &Schedule,
    t: &ScheduledTask,
    top: f64,
    bar_x: &dyn Fn(&ScheduledTask) -> (f64, f64),
    x: &dyn Fn(Date) -> f64,
    dw: f64,
) {
    let (x1, x2) = bar_x(t);
    let label = format!("{} {}", t.id, t.title);
    let length = t.finish_day - t.start_day;
    let mut tip = format!(
        "{label}\n{} → {} ({length} working day{})",
        t.start,
        t.finish,
        if length == 1 { "" } else { "s" }
    );
    if t.status.is_closed() {
        let _ = write!(tip, ", {}", t.status.as_str());
    } else {
        let _ = write!(tip, ", slack {} days", t.slack_days);
    }
    if t.critical {
        tip.push_str(", critical");
    }
    if !t.resources.is_empty() {
        let _ = write!(tip, "\n{}", t.resources.join(", "));
    }
    let class = if t.critical { "bar critical" } else { "bar" };
    let _ = write!(
        out,
        r#"<g class="task" data-id="{id}"><title>{tip}</title><text x="6" y="{ty}"{muted}>{lab}</text><rect class="{class}" x="{x}" y="{y}" width="{w}" height="12" rx="2"/>"#,
        id = esc(&t.id),
        tip = esc(&tip),
        ty = n(top + 14.0),
        muted = if t.status.is_closed() {
            r#" class="muted""#
        } else {
            ""
        },
        lab = esc(&truncate(&label, 44)),
        x = n(x1),
        y = n(top + 4.0),
        w = n((x2 - x1).max(2.0)),
    );
    // Progress: done work in full, work in progress up to today.
    let filled = match t.status {
        Status::Done => Some(x2),
        Status::InProgress => Some((x(s.today) + dw).clamp(x1, x2)),
        _ => None,
    };
    if let Some(f) = filled
        && f > x1
    {
        let _ = write!(
            out,
            r#"<rect class="progress" x="{x}" y="{y}" width="{w}" height="4" rx="1"/>"#,
            x = n(x1),
            y = n(top + 12.0),
            w = n(f - x1),
        );
    }
    if !t.resources.is_empty() {
        let _ = write!(
            out,
            r#"<text class="muted" x="{x}" y="{y}" font-size="10">{who}</text>"#,
            x = n(x2 + 4.0),
            y = n(top + 14.0),
            who = esc(&truncate(&t.resources.join(", "), 24)),
        );
    }
    out.push_str("</g>");
}

/// The Gantt chart as a Mermaid `gantt` block: sections by plan and
/// phase, critical and done tasks tagged, milestones.
#[must_use]
pub fn gantt_mermaid(ws: &Workspace, s: &Schedule) -> String {
    let mut out = String::from("gantt\n    dateFormat YYYY-MM-DD\n");
    let title = ws
        .documents
        .first()
        .and_then(|d| d.title.clone())
        .filter(|_| ws.documents.len() == 1)
        .unwrap_or_else(|| "Plan".to_owned());
    let _ = writeln!(out, "    title {}", mermaid_text(&title));
    // Days off: weekends when the calendar has them, and the holidays
    // inside the chart.
    let mut excludes = Vec::new();
    if !s.calendar.works_on(jiff::civil::Weekday::Saturday)
        && !s.calendar.works_on(jiff::civil::Weekday::Sunday)
    {
        excludes.push("weekends".to_owned());
    }
    let (first, last) = span(s);
    excludes.extend(
        s.calendar
            .holidays()
            .filter(|d| *d >= first && *d <= last)
            .map(|d| d.to_string()),
    );
    if !excludes.is_empty() {
        let _ = writeln!(out, "    excludes {}", excludes.join(", "));
    }
    let mut ids = MermaidIds::default();
    if s.tasks.is_empty() && s.milestones.is_empty() {
        // Mermaid draws no axis for a chart without tasks.
        let _ = writeln!(
            out,
            "    section Plan\n    No tasks yet :milestone, none, {}, 0d",
            s.start
        );
        return out;
    }
    for row in rows(ws, s) {
        match row {
            Row::Group { name, .. } => {
                let _ = writeln!(out, "    section {}", mermaid_text(&name));
            }
            Row::Task(i) => {
                let t = &s.tasks[i];
                let mut tags = Vec::new();
                if t.critical {
                    tags.push("crit");
                }
                match t.status {
                    Status::Done => tags.push("done"),
                    Status::InProgress => tags.push("active"),
                    _ => {}
                }
                let id = ids.get(&t.plan, &t.id);
                tags.push(&id);
                // Mermaid's end dates are exclusive.
                let end = t.finish.tomorrow().unwrap_or(t.finish);
                let start = if t.finish_day > t.start_day {
                    t.start
                } else {
                    t.finish
                };
                let _ = writeln!(
                    out,
                    "    {} :{}, {start}, {end}",
                    mermaid_text(&format!("{} {}", t.id, t.title)),
                    tags.join(", ")
                );
            }
            Row::Milestone(k) => {
                let m = &s.milestones[k];
                let id = ids.get(&m.plan, &m.id);
                let _ = writeln!(
                    out,
                    "    {} :milestone, {id}, {}, 0d",
                    mermaid_text(&format!("{} {}", m.id, m.title)),
                    m.date
                );
            }
        }
    }
    out
}

/// Mermaid ids: letters, digits and underscores, unique.
#[derive(Default)]
struct MermaidIds {
    seen: HashMap<String, usize>,
}

impl MermaidIds {
    fn get(&mut self, plan: &str, id: &str) -> String {
        let raw = format!("{}_{id}", plan_name(plan));
        let mut clean: String = raw
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if !clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
            clean.insert(0, 't');
        }
        let k = self.seen.entry(clean.clone()).or_insert(0);
        *k += 1;
        if *k > 1 {
            let _ = write!(clean, "_{k}");
        }
        clean
    }
}

/// Text Mermaid reads as a name: no colons, semicolons, hashes or line
/// breaks, which its grammar treats as syntax.
pub(crate) fn mermaid_text(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| match c {
            ':' | ';' | '#' | '\n' | '\r' | '\t' => ' ',
            c => c,
        })
        .collect();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        "untitled".to_owned()
    } else {
        t
    }
}
