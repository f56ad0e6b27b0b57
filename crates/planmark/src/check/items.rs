//! Rules on risks, action items, user stories, references and the Session
//! Checklist.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Fix, Replacement};
use crate::model::{ChecklistTopic, Level, SectionKind, Status};
use crate::syntax::values;

use super::template::is_placeholder;
use super::{DocCx, cell, item_span};

/// Whether a text says nothing: empty, `None`, `-`, `TBD`, a placeholder.
fn is_blank(s: Option<&str>) -> bool {
    s.is_none_or(|s| {
        let t = s.trim();
        t.is_empty()
            || is_placeholder(t)
            || values::is_none_text(t)
            || ["tbd", "tba", "todo", "?", "n/a", "na"]
                .iter()
                .any(|w| w.eq_ignore_ascii_case(t))
    })
}

pub(crate) fn check(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    risks(cx, out);
    actions(cx, out);
    stories(cx, out);
    references(cx, out);
}

fn risks(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    let src = cx.text();
    for r in &cx.doc.risks {
        if is_placeholder(&r.title) {
            continue;
        }
        let high = r
            .impact
            .as_ref()
            .and_then(|i| i.level)
            .is_some_and(|l| l >= Level::High);
        if high && is_blank(r.mitigation.as_deref()) {
            let mut d = cx.diag(
                Code::UnmitigatedRisk,
                item_span(src, &r.origin),
                format!("risk `{}` has a high impact and no mitigation", r.title),
            );
            if let Some(c) = cell(
                &r.origin,
                &["mitigation", "response", "plan", "contingency"],
            ) {
                d = d.with_label(c, "no mitigation here");
            }
            out.push(d.with_help(
                "say how the risk is reduced or what happens if it occurs, or lower its impact if it is not high",
            ));
        }
    }
}

fn actions(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    let src = cx.text();
    for a in &cx.doc.actions {
        if a.status.is_closed() || is_placeholder(&a.action) {
            continue;
        }
        let at = item_span(src, &a.origin);
        if is_blank(a.owner.as_deref()) {
            let mut d = cx.diag(
                Code::ActionWithoutOwner,
                at,
                format!("action `{}` has no owner", a.action),
            );
            if let Some(c) = cell(&a.origin, &["owner", "assignee", "who", "responsible"]) {
                d = d.with_label(c, "no owner here");
            }
            out.push(d.with_help("name who does it: an Owner cell, or `@alice` in the item"));
        }
        match (a.due, a.due_text.as_deref()) {
            (Some(due), _) => {
                if due < cx.opts.today {
                    let late = cx.opts.today - due;
                    let days = late.get_days();
                    let due_at =
                        cell(&a.origin, &["due", "deadline", "date", "when", "by"]).unwrap_or(at);
                    out.push(
                        cx.diag(
                            Code::OverdueAction,
                            due_at,
                            format!(
                                "action `{}` was due {due}, {days} day{} ago, and is not done",
                                a.action,
                                if days == 1 { "" } else { "s" }
                            ),
                        )
                        .with_help("do it and tick it off, or agree a new due date"),
                    );
                }
            }
            (None, Some(text)) if !is_blank(Some(text)) => {
                let due_at =
                    cell(&a.origin, &["due", "deadline", "date", "when", "by"]).unwrap_or(at);
                let reported = cx.doc.findings.iter().any(|f| {
                    f.code == Code::UnreadableDate
                        && f.span.is_some_and(|s| {
                            s.start >= a.origin.span.start && s.start < a.origin.span.end
                        })
                });
                if !reported {
                    out.push(
                        cx.diag(
                            Code::UnreadableDate,
                            due_at,
                            format!(
                                "due date `{}` of action `{}` cannot be read",
                                text.trim(),
                                a.action
                            ),
                        )
                        .with_help("write the date as YYYY-MM-DD, for example 2026-12-01"),
                    );
                }
            }
            _ => {
                let mut d = cx.diag(
                    Code::ActionWithoutDue,
                    at,
                    format!("action `{}` has no due date", a.action),
                );
                if let Some(c) = cell(&a.origin, &["due", "deadline", "date", "when", "by"]) {
                    d = d.with_label(c, "no date here");
                }
                out.push(
                    d.with_help("add a due date as YYYY-MM-DD, so that it can become overdue"),
                );
            }
        }
    }
}

fn stories(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    let src = cx.text();
    for s in &cx.doc.user_stories {
        let missing: Vec<&str> = [
            ("As a", &s.role),
            ("I want", &s.want),
            ("So that", &s.benefit),
        ]
        .into_iter()
        .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
        .map(|(k, _)| k)
        .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        out.push(
            cx.diag(
                Code::IncompleteUserStory,
                item_span(src, &s.origin),
                format!("user story has no {list} part"),
            )
            .with_help("write it as: As a <role>, I want <capability>, so that <benefit>"),
        );
    }
}

/// The local file a relative link points at, or `None` for URLs and anchors.
fn local_target(target: &str) -> Option<&str> {
    let t = target.trim().trim_start_matches('<').trim_end_matches('>');
    let t = t.split(['#', '?']).next().unwrap_or("");
    let scheme = t.find(':').is_some_and(|i| {
        i > 1
            && t[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    let template = ["link", "url", "path"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(t));
    if t.is_empty() || scheme || t.starts_with("//") || template || is_placeholder(t) {
        return None;
    }
    Some(t)
}

fn references(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    let src = cx.text();
    let doc_dir = Path::new(&cx.doc.path).parent().unwrap_or(Path::new(""));
    for r in &cx.doc.references {
        let Some(t) = local_target(&r.target) else {
            continue;
        };
        let decoded = t.replace("%20", " ");
        let path: PathBuf = match decoded.strip_prefix('/') {
            Some(abs) => cx.root.join(abs),
            None => cx.root.join(doc_dir).join(&decoded),
        };
        if cx.files.exists(&path) {
            continue;
        }
        // The target as written, searched from the item's line on.
        let from = src[..r.origin.span.start.min(src.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let to = src[r.origin.span.end.min(src.len())..]
            .find('\n')
            .map_or(src.len(), |i| r.origin.span.end + i);
        let span = src
            .get(from..to)
            .and_then(|s| {
                s.find(&format!("({t}"))
                    .map(|i| i + 1)
                    .or_else(|| s.find(t))
            })
            .map_or_else(
                || item_span(src, &r.origin),
                |i| crate::model::Span {
                    start: from + i,
                    end: from + i + t.len(),
                    line: r.origin.span.line,
                },
            );
        out.push(
            cx.diag(
                Code::BrokenLink,
                span,
                format!("`{t}` does not exist"),
            )
            .with_help(format!(
                "links are relative to the plan's folder{}; fix the path or remove the reference",
                if doc_dir.as_os_str().is_empty() {
                    String::new()
                } else {
                    format!(" (`{}`)", doc_dir.display())
                }
            )),
        );
    }
}

/// What the document says about a checklist topic: whether it holds, and why.
fn truth(cx: &DocCx<'_>, topic: ChecklistTopic) -> (bool, String) {
    let d = cx.doc;
    let count = |n: usize, what: &str| {
        let many = if n == 1 {
            what.to_owned()
        } else if let Some(stem) = what.strip_suffix("criterion") {
            format!("{stem}criteria")
        } else if let Some(stem) = what.strip_suffix('y') {
            format!("{stem}ies")
        } else {
            format!("{what}s")
        };
        format!("the plan has {n} {many}")
    };
    let real = |texts: &mut dyn Iterator<Item = &str>| texts.filter(|t| !is_placeholder(t)).count();
    match topic {
        ChecklistTopic::Goals => {
            let n = real(&mut d.goals.iter().map(|g| g.text.as_str()));
            (n > 0, count(n, "goal"))
        }
        ChecklistTopic::Requirements => {
            let n = real(&mut d.requirements.iter().map(|r| r.text.as_str()));
            (n > 0, count(n, "requirement"))
        }
        ChecklistTopic::Architecture => {
            let n = real(&mut d.components.iter().map(|c| c.name.as_str()));
            let prose = d.sections.iter().any(|s| {
                matches!(s.kind, SectionKind::HighLevelDesign | SectionKind::DataFlow)
                    && section_has_text(cx.text(), s.heading_span.end, s.span.end)
            });
            (
                n > 0 || prose,
                if n > 0 {
                    count(n, "component")
                } else if prose {
                    "the design is described".to_owned()
                } else {
                    "the design sections are empty".to_owned()
                },
            )
        }
        ChecklistTopic::Tasks => {
            let n = real(&mut d.tasks.iter().map(|t| t.title.as_str()));
            (n > 0, count(n, "task"))
        }
        ChecklistTopic::Estimates => {
            let open: Vec<_> = d
                .tasks
                .iter()
                .filter(|t| !is_placeholder(&t.title) && t.status != Status::Cancelled)
                .collect();
            let without = open.iter().filter(|t| t.estimate.is_none()).count();
            if open.is_empty() {
                (false, "the plan has no tasks".to_owned())
            } else if without > 0 {
                (
                    false,
                    format!("{without} of {} tasks have no estimate", open.len()),
                )
            } else {
                (true, format!("all {} tasks have an estimate", open.len()))
            }
        }
        ChecklistTopic::Risks => {
            let n = real(&mut d.risks.iter().map(|r| r.title.as_str()));
            (n > 0, count(n, "risk"))
        }
        ChecklistTopic::Timeline => {
            let n = d
                .timeline
                .iter()
                .filter(|t| !is_placeholder(&t.description))
                .count();
            let dated = d.tasks.iter().any(|t| t.start.is_some() || t.due.is_some())
                || d.milestones.iter().any(|m| m.target.is_some());
            (
                n > 0 || dated,
                if n > 0 {
                    count(n, "timeline entry")
                } else if dated {
                    "tasks or milestones carry dates".to_owned()
                } else {
                    "the plan has no timeline".to_owned()
                },
            )
        }
        ChecklistTopic::SuccessCriteria => {
            let n = real(&mut d.success_criteria.iter().map(|c| c.text.as_str()));
            (n > 0, count(n, "success criterion"))
        }
    }
}

fn section_has_text(src: &str, start: usize, end: usize) -> bool {
    let body = src.get(start..end).unwrap_or("");
    let mut in_comment = false;
    body.lines().any(|l| {
        let l = l.trim();
        if in_comment {
            in_comment = !l.contains("-->");
            return false;
        }
        if l.starts_with("<!--") {
            in_comment = !l.contains("-->");
            return false;
        }
        !(l.is_empty() || l.starts_with('#') || is_placeholder(l))
    })
}

pub(crate) fn checklist(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    let src = cx.text();
    for item in &cx.doc.checklist {
        let Some(topic) = item.topic else { continue };
        let ticked = item.status == Status::Done;
        if !ticked && item.status != Status::Todo {
            continue;
        }
        let (holds, why) = truth(cx, topic);
        if holds == ticked {
            continue;
        }
        let Some(marker) = item.origin.marker else {
            continue;
        };
        let name = item.text.trim();
        let (message, help, fix) = if ticked {
            (
                format!("`{name}` is ticked, but {why}"),
                "finish that part of the plan, or untick the item",
                "untick",
            )
        } else {
            (
                format!("`{name}` is not ticked, but {why}"),
                "tick the item",
                "tick",
            )
        };
        let inner = marker.start + 1;
        let edit = Replacement {
            start: inner,
            end: src[inner..]
                .chars()
                .next()
                .map_or(inner, |c| inner + c.len_utf8()),
            text: if ticked { " " } else { "x" }.to_owned(),
        };
        out.push(
            cx.diag(
                Code::ChecklistMismatch,
                item_span(src, &item.origin),
                message,
            )
            .with_label(marker, if ticked { "ticked here" } else { "not ticked" })
            .with_help(help)
            .with_fix(Fix {
                description: format!("{fix} `{name}`"),
                edits: vec![edit],
            }),
        );
    }
}
