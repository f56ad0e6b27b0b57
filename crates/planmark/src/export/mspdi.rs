//! Microsoft Project XML (MSPDI), as MS Project, ProjectLibre and (through
//! MPXJ) GanttProject read it: the project with planmark's calendar
//! (working days, hours, holidays), a summary task per plan and per phase,
//! the tasks with their duration, the schedule's start and finish, percent
//! complete from status, priority, notes with the plan and line, and
//! predecessor links of all four kinds with lags; people and pools as
//! resources (a pool's size as its maximum units), owners as assignments.
//! UIDs come from the plans' order and the tasks' positions in them, so
//! that two exports of the same plans agree.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::model::{LinkKind, PriorityLevel, Status};
use crate::project::Snapshot;

use super::timing;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `PT16H0M0S`.
fn duration(hours: f64) -> String {
    let m = (hours * 60.0).round().max(0.0) as i64;
    format!("PT{}H{}M0S", m / 60, m % 60)
}

/// A task of the export: a plan's or a phase's summary, or a plan's task.
struct Row {
    uid: u32,
    name: String,
    /// A task's planmark id (MS Project's WBS column).
    wbs: Option<String>,
    level: usize,
    outline: String,
    summary: bool,
    body: String,
}

/// The project as MS Project XML.
#[must_use]
pub fn mspdi(snap: &Snapshot) -> String {
    let ws = snap.workspace();
    let work = snap.work();
    let cal = crate::schedule::Calendar::from_config(&snap.config().calendar).unwrap_or_default();
    let timeline = snap.timeline();
    let times = timing(snap);
    let start = timeline.map_or_else(|| snap.today(), |s| s.start);
    let finish = timeline.map_or(start, |s| s.finish);
    let hpd = work.hours_per_day;
    // The working day: from 8:00, an hour's break after four hours.
    let (day_start, day_end) = ("08:00:00", {
        let m = 8 * 60 + (hpd * 60.0).round() as i64 + if hpd > 4.0 { 60 } else { 0 };
        format!("{:02}:{:02}:00", (m / 60).min(23), m % 60)
    });
    let name = snap
        .root()
        .file_name()
        .map_or_else(|| "plans".to_owned(), |n| n.to_string_lossy().into_owned());
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    x.push_str("<Project xmlns=\"http://schemas.microsoft.com/project\">\n");
    let _ = writeln!(x, "  <SaveVersion>14</SaveVersion>");
    let _ = writeln!(x, "  <Name>{}.xml</Name>", esc(&name));
    let _ = writeln!(x, "  <Title>{}</Title>", esc(&name));
    let _ = writeln!(x, "  <ScheduleFromStart>1</ScheduleFromStart>");
    let _ = writeln!(x, "  <StartDate>{start}T{day_start}</StartDate>");
    let _ = writeln!(x, "  <FinishDate>{finish}T{day_end}</FinishDate>");
    let _ = writeln!(x, "  <CalendarUID>1</CalendarUID>");
    let _ = writeln!(x, "  <DefaultStartTime>{day_start}</DefaultStartTime>");
    let _ = writeln!(x, "  <DefaultFinishTime>{day_end}</DefaultFinishTime>");
    let minutes_per_day = (hpd * 60.0).round() as i64;
    let working_days = [
        jiff::civil::Weekday::Sunday,
        jiff::civil::Weekday::Monday,
        jiff::civil::Weekday::Tuesday,
        jiff::civil::Weekday::Wednesday,
        jiff::civil::Weekday::Thursday,
        jiff::civil::Weekday::Friday,
        jiff::civil::Weekday::Saturday,
    ];
    let per_week =
        i64::try_from(working_days.iter().filter(|w| cal.works_on(**w)).count()).unwrap_or(5);
    let _ = writeln!(x, "  <MinutesPerDay>{minutes_per_day}</MinutesPerDay>");
    let _ = writeln!(
        x,
        "  <MinutesPerWeek>{}</MinutesPerWeek>",
        minutes_per_day * per_week
    );
    let _ = writeln!(x, "  <DaysPerMonth>20</DaysPerMonth>");
    let _ = writeln!(
        x,
        "  <CurrentDate>{}T{day_start}</CurrentDate>",
        snap.today()
    );
    // The calendar.
    x.push_str("  <Calendars>\n    <Calendar>\n      <UID>1</UID>\n      <Name>Standard</Name>\n      <IsBaseCalendar>1</IsBaseCalendar>\n      <BaseCalendarUID>-1</BaseCalendarUID>\n      <WeekDays>\n");
    let break_at = if hpd > 4.0 { 4.0 } else { hpd };
    let t = |h: f64| {
        let m = (h * 60.0).round() as i64;
        format!("{:02}:{:02}:00", m / 60, m % 60)
    };
    for (i, w) in working_days.iter().enumerate() {
        let _ = writeln!(
            x,
            "        <WeekDay>\n          <DayType>{}</DayType>",
            i + 1
        );
        if cal.works_on(*w) {
            x.push_str("          <DayWorking>1</DayWorking>\n          <WorkingTimes>\n");
            let _ = writeln!(
                x,
                "            <WorkingTime>\n              <FromTime>{}</FromTime>\n              <ToTime>{}</ToTime>\n            </WorkingTime>",
                t(8.0),
                t(8.0 + break_at)
            );
            if hpd > 4.0 {
                let _ = writeln!(
                    x,
                    "            <WorkingTime>\n              <FromTime>{}</FromTime>\n              <ToTime>{}</ToTime>\n            </WorkingTime>",
                    t(13.0),
                    t(13.0 + hpd - 4.0)
                );
            }
            x.push_str("          </WorkingTimes>\n");
        } else {
            x.push_str("          <DayWorking>0</DayWorking>\n");
        }
        x.push_str("        </WeekDay>\n");
    }
    for d in cal.holidays() {
        let _ = writeln!(
            x,
            "        <WeekDay>\n          <DayType>0</DayType>\n          <DayWorking>0</DayWorking>\n          <TimePeriod>\n            <FromDate>{d}T00:00:00</FromDate>\n            <ToDate>{d}T23:59:00</ToDate>\n          </TimePeriod>\n        </WeekDay>"
        );
    }
    x.push_str("      </WeekDays>\n    </Calendar>\n  </Calendars>\n");

    // UIDs: plans, then phases, then tasks, in order.
    let mut next_uid = 1u32;
    let mut uid_of: HashMap<(&str, &str), u32> = HashMap::new();
    let mut rows: Vec<Row> = Vec::new();
    // Every task's UID first, so that links can name tasks later in order.
    let mut plan_uids = Vec::new();
    let mut phase_uids: Vec<Vec<u32>> = Vec::new();
    for d in &ws.documents {
        plan_uids.push(next_uid);
        next_uid += 1;
        let mut ph = Vec::new();
        for _ in &d.phases {
            ph.push(next_uid);
            next_uid += 1;
        }
        phase_uids.push(ph);
        for t in &d.tasks {
            uid_of.insert((d.path.as_str(), t.id.as_str()), next_uid);
            next_uid += 1;
        }
    }
    let date =
        |d: jiff::civil::Date, end: bool| format!("{d}T{}", if end { &day_end } else { day_start });
    let mut outline_n = 0;
    for (di, d) in ws.documents.iter().enumerate() {
        // A plan without tasks has nothing to schedule.
        if d.tasks.is_empty() {
            continue;
        }
        outline_n += 1;
        let outline_plan = outline_n.to_string();
        let (ps, pf) = d
            .tasks
            .iter()
            .filter_map(|t| times.get(&(d.path.as_str(), t.id.as_str())))
            .fold(
                None,
                |acc: Option<(jiff::civil::Date, jiff::civil::Date)>, x| {
                    Some(acc.map_or((x.start, x.finish), |(a, b)| {
                        (a.min(x.start), b.max(x.finish))
                    }))
                },
            )
            .unwrap_or((start, start));
        rows.push(Row {
            uid: plan_uids[di],
            name: d.title.clone().unwrap_or_else(|| d.path.clone()),
            wbs: None,
            level: 1,
            outline: outline_plan.clone(),
            summary: true,
            body: format!(
                "      <Start>{}</Start>\n      <Finish>{}</Finish>\n      <Notes>{}</Notes>\n",
                date(ps, false),
                date(pf, true),
                esc(&d.path)
            ),
        });
        // Tasks by phase, in document order.
        let mut counter: HashMap<Option<usize>, usize> = HashMap::new();
        let phase_index = |t: &crate::model::Task| {
            t.phase
                .as_deref()
                .and_then(|p| d.phases.iter().position(|x| x.name == p))
        };
        let mut emitted_phase = vec![false; d.phases.len()];
        for t in &d.tasks {
            let pi = phase_index(t);
            if let Some(p) = pi
                && !emitted_phase[p]
            {
                emitted_phase[p] = true;
                let tasks_of: Vec<_> = d
                    .tasks
                    .iter()
                    .filter(|x| phase_index(x) == Some(p))
                    .filter_map(|x| times.get(&(d.path.as_str(), x.id.as_str())))
                    .collect();
                let s = tasks_of.iter().map(|x| x.start).min().unwrap_or(ps);
                let f = tasks_of.iter().map(|x| x.finish).max().unwrap_or(s);
                let n = counter.entry(None).or_default();
                *n += 1;
                rows.push(Row {
                    uid: phase_uids[di][p],
                    name: d.phases[p].name.clone(),
                    wbs: None,
                    level: 2,
                    outline: format!("{outline_plan}.{n}"),
                    summary: true,
                    body: format!(
                        "      <Start>{}</Start>\n      <Finish>{}</Finish>\n",
                        date(s, false),
                        date(f, true)
                    ),
                });
            }
            let uid = uid_of[&(d.path.as_str(), t.id.as_str())];
            let parent_outline = match pi {
                Some(p) => rows
                    .iter()
                    .find(|r| r.uid == phase_uids[di][p])
                    .map_or_else(|| outline_plan.clone(), |r| r.outline.clone()),
                None => outline_plan.clone(),
            };
            let n = counter.entry(pi.map(|p| p + 1)).or_default();
            *n += 1;
            let outline = format!("{parent_outline}.{n}");
            let hrs = if t.status.is_closed() && t.status == Status::Cancelled {
                0.0
            } else {
                t.estimate.as_ref().map_or(0.0, |e| e.likely_hours(work))
            };
            let time = times.get(&(d.path.as_str(), t.id.as_str()));
            let (s, f) = time.map_or((start, start), |x| (x.start, x.finish));
            let mut b = String::new();
            let priority = match t.priority.as_ref().and_then(|p| p.level) {
                Some(PriorityLevel::Critical) => 900,
                Some(PriorityLevel::High) => 700,
                Some(PriorityLevel::Medium) | None => 500,
                Some(PriorityLevel::Low) => 300,
            };
            let _ = writeln!(b, "      <Priority>{priority}</Priority>");
            let _ = writeln!(b, "      <Start>{}</Start>", date(s, false));
            let _ = writeln!(b, "      <Finish>{}</Finish>", date(f, true));
            let _ = writeln!(b, "      <Duration>{}</Duration>", duration(hrs));
            let _ = writeln!(b, "      <DurationFormat>7</DurationFormat>");
            let _ = writeln!(b, "      <Milestone>{}</Milestone>", u8::from(hrs <= 0.0));
            let _ = writeln!(b, "      <Summary>0</Summary>");
            let _ = writeln!(
                b,
                "      <Critical>{}</Critical>",
                u8::from(time.is_some_and(|x| x.critical))
            );
            let pct = match t.status {
                Status::Done => 100,
                Status::InProgress => 50,
                _ => 0,
            };
            let _ = writeln!(b, "      <PercentComplete>{pct}</PercentComplete>");
            let mut notes = format!("{}:{}", d.path, t.origin.span.line);
            if let Some(e) = &t.estimate {
                let _ = write!(notes, " · estimate {}", e.text());
            }
            if t.status == Status::Cancelled {
                notes.push_str(" · cancelled");
            }
            let _ = writeln!(b, "      <Notes>{}</Notes>", esc(&notes));
            for dep in t.dependencies.iter().filter(|x| x.resolved) {
                let (plan, id) = super::dependency_target(ws, d, dep);
                let Some(pred) = uid_of.get(&(plan, id)) else {
                    continue;
                };
                let kind = match dep.kind {
                    LinkKind::FinishToFinish => 0,
                    LinkKind::FinishToStart => 1,
                    LinkKind::StartToFinish => 2,
                    LinkKind::StartToStart => 3,
                };
                // Tenths of a minute.
                let lag = dep
                    .lag
                    .as_ref()
                    .map_or(0, |l| (l.hours(work) * 600.0).round() as i64);
                let _ = writeln!(
                    b,
                    "      <PredecessorLink>\n        <PredecessorUID>{pred}</PredecessorUID>\n        <Type>{kind}</Type>\n        <CrossProject>0</CrossProject>\n        <LinkLag>{lag}</LinkLag>\n        <LagFormat>7</LagFormat>\n      </PredecessorLink>"
                );
            }
            rows.push(Row {
                uid,
                name: format!("{} {}", t.id, t.title),
                wbs: Some(t.id.clone()),
                level: if pi.is_some() { 3 } else { 2 },
                outline,
                summary: false,
                body: b,
            });
        }
    }
    x.push_str("  <Tasks>\n");
    // The project summary task, UID 0.
    let _ = writeln!(
        x,
        "    <Task>\n      <UID>0</UID>\n      <ID>0</ID>\n      <Name>{}</Name>\n      <Type>1</Type>\n      <IsNull>0</IsNull>\n      <OutlineNumber>0</OutlineNumber>\n      <OutlineLevel>0</OutlineLevel>\n      <Start>{}</Start>\n      <Finish>{}</Finish>\n      <Summary>1</Summary>\n    </Task>",
        esc(&name),
        date(start, false),
        date(finish, true)
    );
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(
            x,
            "    <Task>\n      <UID>{}</UID>\n      <ID>{}</ID>\n      <Name>{}</Name>\n      <Type>{}</Type>\n      <IsNull>0</IsNull>\n{}      <OutlineNumber>{}</OutlineNumber>\n      <OutlineLevel>{}</OutlineLevel>\n",
            r.uid,
            i + 1,
            esc(&r.name),
            u8::from(r.summary),
            r.wbs
                .as_ref()
                .map_or(String::new(), |w| format!("      <WBS>{}</WBS>\n", esc(w))),
            r.outline,
            r.level
        );
        if r.summary {
            // Start and finish first, then the summary flag (the schema's order).
            x.push_str(
                &r.body
                    .replace("      <Notes>", "      <Summary>1</Summary>\n      <Notes>"),
            );
            if !r.body.contains("<Notes>") {
                x.push_str("      <Summary>1</Summary>\n");
            }
        } else {
            x.push_str(&r.body);
        }
        x.push_str("    </Task>\n");
    }
    x.push_str("  </Tasks>\n");
    // Resources and assignments.
    let mut resources: Vec<(String, f64)> = Vec::new();
    for d in &ws.documents {
        for t in &d.tasks {
            for r in &t.resources {
                if !resources
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(&r.name))
                {
                    resources.push((r.name.clone(), 1.0));
                }
            }
        }
    }
    for (n, cap) in &mut resources {
        if let Some(c) = snap.config().resources.get(n.as_str()) {
            *cap = c
                .as_float()
                .or_else(|| c.as_integer().map(|i| i as f64))
                .or_else(|| {
                    c.as_str().and_then(|s| {
                        s.trim_end_matches('%')
                            .parse::<f64>()
                            .ok()
                            .map(|p| p / 100.0)
                    })
                })
                .unwrap_or(1.0);
        }
    }
    x.push_str("  <Resources>\n");
    for (i, (n, cap)) in resources.iter().enumerate() {
        let _ = writeln!(
            x,
            "    <Resource>\n      <UID>{}</UID>\n      <ID>{}</ID>\n      <Name>{}</Name>\n      <Type>1</Type>\n      <IsNull>0</IsNull>\n      <MaxUnits>{cap:.2}</MaxUnits>\n    </Resource>",
            i + 1,
            i + 1,
            esc(n)
        );
    }
    x.push_str("  </Resources>\n  <Assignments>\n");
    let mut a_uid = 1;
    for d in &ws.documents {
        for t in &d.tasks {
            for r in &t.resources {
                let Some(ri) = resources
                    .iter()
                    .position(|(n, _)| n.eq_ignore_ascii_case(&r.name))
                else {
                    continue;
                };
                let _ = writeln!(
                    x,
                    "    <Assignment>\n      <UID>{a_uid}</UID>\n      <TaskUID>{}</TaskUID>\n      <ResourceUID>{}</ResourceUID>\n      <Units>{:.2}</Units>\n    </Assignment>",
                    uid_of[&(d.path.as_str(), t.id.as_str())],
                    ri + 1,
                    r.units
                );
                a_uid += 1;
            }
        }
    }
    x.push_str("  </Assignments>\n</Project>\n");
    x
}
