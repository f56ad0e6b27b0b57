//! The Gantt chart for a terminal: one line per task, fitted to the width.

use std::fmt::Write as _;

use jiff::civil::Date;

use super::gantt::{Row, rows, span};
use super::svg::truncate;
use crate::model::{Status, Workspace};
use crate::schedule::Schedule;

fn days_between(a: Date, b: Date) -> i64 {
    i64::from(a.until(b).map_or(0, |sp| sp.get_days()))
}

/// The Gantt chart in `width` columns: labels, then bars of block
/// characters over the calendar, the critical path in red (or `█` against
/// `▒` without colour), done work green (or `░`), milestones `◆`, today `│`.
#[must_use]
pub fn gantt_text(ws: &Workspace, s: &Schedule, color: bool, width: usize) -> String {
    let width = width.max(40);
    let label = (width / 3).clamp(12, 40);
    let cols = width - label - 1;
    let (first, last) = span(s);
    let days = (days_between(first, last) + 1).max(1);
    // Day of a column's first day, fractional.
    let per = days as f64 / cols as f64;
    let col_of = |d: Date| ((days_between(first, d) as f64 / per) as usize).min(cols - 1);
    let today = (s.today >= first && s.today <= last).then(|| col_of(s.today));
    let paint = |code: &str, text: &str| -> String {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    let head = format!("{first} … {last}");
    let _ = writeln!(out, "{:label$} {}", "", truncate(&head, cols));
    for row in rows(ws, s) {
        let (name, cells, style): (String, Vec<char>, &str) = match row {
            Row::Group { name, .. } => {
                let _ = writeln!(out, "{}", paint("1", &truncate(&name, width)));
                continue;
            }
            Row::Task(i) => {
                let t = &s.tasks[i];
                let (a, b) = (col_of(t.start), col_of(t.finish));
                let ch = if color {
                    '█'
                } else if t.status == Status::Done {
                    '░'
                } else if t.critical {
                    '█'
                } else {
                    '▒'
                };
                let mut cells = vec![' '; cols];
                if t.finish_day > t.start_day || t.status == Status::Done {
                    for c in &mut cells[a..=b.max(a)] {
                        *c = ch;
                    }
                }
                let style = if t.status == Status::Done {
                    "32"
                } else if t.critical {
                    "31"
                } else {
                    "34"
                };
                (format!("{} {}", t.id, t.title), cells, style)
            }
            Row::Milestone(k) => {
                let m = &s.milestones[k];
                let mut cells = vec![' '; cols];
                cells[col_of(m.date)] = '◆';
                (format!("{} {}", m.id, m.title), cells, "35")
            }
        };
        let mut line = format!("{:<label$} ", truncate(&name, label));
        let mut run = String::new();
        for (c, &ch) in cells.iter().enumerate() {
            let ch = if ch == ' ' && Some(c) == today {
                '│'
            } else {
                ch
            };
            if ch == '│' {
                line.push_str(&paint(style, &run));
                run.clear();
                line.push_str(&paint("33", "│"));
            } else {
                run.push(ch);
            }
        }
        line.push_str(&paint(style, run.trim_end()));
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let legend = if color {
        format!(
            "{} critical  {} done  {} other  ◆ milestone  {} today",
            paint("31", "█"),
            paint("32", "█"),
            paint("34", "█"),
            paint("33", "│")
        )
    } else {
        "█ critical  ░ done  ▒ other  ◆ milestone  │ today".to_owned()
    };
    let legend = if color {
        legend
    } else {
        truncate(&legend, width)
    };
    let _ = writeln!(out, "{legend}");
    out
}
