//! Task rules: ids, dependencies (unknown, self, cycles, done before its
//! dependency) and estimates (missing, too large).

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Label};
use crate::model::{Dependency, Document, Form, IdSource, LinkKind, Span, Status, Task};
use crate::syntax::values;

use super::template::is_placeholder;
use super::{DocCx, WsCx, cell, item_span};
use crate::links::{Links, Target};

/// The span of a dependency as written: inside the Dependencies cell, the
/// item's text, or the task's lines; else the task itself.
fn dep_span(doc: &Document, task: &Task, dep: &Dependency) -> Span {
    if let Some(s) = dep.span {
        return s;
    }
    let text = dep.text.as_str();
    let src: &str = &doc.source;
    let o = &task.origin;
    let areas = [
        cell(
            o,
            &[
                "depend", "dep", "after", "blocked", "prereq", "requires", "needs",
            ],
        ),
        o.text,
        Some(o.span),
    ];
    for area in areas.into_iter().flatten() {
        let Some(hay) = src.get(area.start..area.end) else {
            continue;
        };
        if let Some(i) = hay.find(text) {
            let start = area.start + i;
            let line = area.line + hay[..i].bytes().filter(|&b| b == b'\n').count() as u32;
            return Span {
                start,
                end: start + text.len(),
                line,
            };
        }
    }
    item_span(src, o)
}

/// The span of a task's estimate as written.
fn estimate_span(doc: &Document, task: &Task, written: &str) -> Span {
    let src: &str = &doc.source;
    let o = &task.origin;
    if let Some(c) = cell(
        o,
        &["estimate", "effort", "duration", "est", "time", "size"],
    ) {
        return c;
    }
    for area in [o.text, Some(o.span)].into_iter().flatten() {
        if let Some(i) = src.get(area.start..area.end).and_then(|h| h.find(written)) {
            let hay = &src[area.start..area.start + i];
            return Span {
                start: area.start + i,
                end: area.start + i + written.len(),
                line: area.line + hay.bytes().filter(|&b| b == b'\n').count() as u32,
            };
        }
    }
    item_span(src, o)
}

fn days(hours: f64, hours_per_day: f64) -> String {
    let d = hours / hours_per_day;
    if (d - d.round()).abs() < 0.05 {
        format!("{} days", d.round())
    } else {
        format!("{d:.1} days")
    }
}

pub(crate) fn check_document(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = cx.doc;
    let src: &str = &doc.source;
    // Duplicate ids (slugs are made unique by the parser).
    let mut first: HashMap<&str, usize> = HashMap::default();
    for (i, t) in doc.tasks.iter().enumerate() {
        if t.id_source == IdSource::Slug {
            continue;
        }
        match first.get(t.id.as_str()) {
            None => {
                first.insert(&t.id, i);
            }
            Some(&j) => {
                let prev = &doc.tasks[j];
                out.push(
                    cx.diag(
                        Code::DuplicateTaskId,
                        item_span(src, &t.origin),
                        format!("task id `{}` is used twice", t.id),
                    )
                    .with_label(
                        item_span(src, &prev.origin),
                        format!("`{}` is first used here", t.id),
                    )
                    .with_help(
                        "give each task its own id; a dependency on it cannot tell them apart",
                    ),
                );
            }
        }
    }
    // Self-dependencies.
    for t in &doc.tasks {
        for d in &t.dependencies {
            let own = match d.target.split_once('#') {
                Some((other, id)) => id == t.id && names_document(other, &doc.path),
                None => d.resolved && d.target == t.id,
            };
            if own {
                out.push(
                    cx.diag(
                        Code::SelfDependency,
                        dep_span(doc, t, d),
                        format!("task `{}` depends on itself", t.id),
                    )
                    .with_help(format!("remove `{}` from its own dependencies", d.text)),
                );
            }
        }
    }
    estimates(cx, out);
}

/// Whether `name` (a path or a file stem) names the document at `path`.
fn names_document(name: &str, path: &str) -> bool {
    let name = name.trim();
    path == name || Path::new(path).file_stem().is_some_and(|s| s == name)
}

fn estimates(cx: &DocCx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = cx.doc;
    let src: &str = &doc.source;
    let work = cx.opts.work;
    // Subtasks are rare; the maps are built only when there are some.
    let nested = doc.tasks.iter().any(|t| t.parent.is_some());
    let estimated: HashMap<&str, bool> = if nested {
        doc.tasks
            .iter()
            .map(|t| (t.id.as_str(), t.estimate.is_some()))
            .collect()
    } else {
        HashMap::default()
    };
    let parents: FxHashSet<&str> = doc
        .tasks
        .iter()
        .filter_map(|t| t.parent.as_deref())
        .collect();
    // Open leaf tasks with content; a subtask of an estimated task needs none.
    // A task whose estimate cannot be read has its own finding (PM003).
    let unreadable: Vec<usize> = doc
        .findings
        .iter()
        .filter(|f| f.code == Code::UnreadableEstimate)
        .filter_map(|f| f.span.map(|s| s.start))
        .collect();
    let candidates: Vec<&Task> = doc
        .tasks
        .iter()
        .filter(|t| {
            !t.status.is_closed()
                && !unreadable.iter().any(|&at| {
                    at >= t.origin.span.start && at < t.origin.span.end.max(t.origin.span.start + 1)
                })
                && !parents.contains(t.id.as_str())
                && !is_placeholder(&t.title)
                && !t
                    .parent
                    .as_deref()
                    .is_some_and(|p| estimated.get(p).copied().unwrap_or(false))
        })
        .collect();
    let with = candidates.iter().filter(|t| t.estimate.is_some()).count();
    let n = candidates.len();
    if with > 0 && with < n && with as f64 >= cx.opts.estimate_coverage * n as f64 {
        for t in candidates.iter().filter(|t| t.estimate.is_none()) {
            let help = if t.origin.form == Form::TableRow {
                "fill the estimate cell: 2h, 1.5d, 3 days, 1w, 2-4d or 1d/2d/5d"
            } else {
                "add an estimate to the item, for example `(2d)` or `est: 1d/2d/5d`"
            };
            out.push(
                cx.diag(
                    Code::MissingEstimate,
                    item_span(src, &t.origin),
                    format!(
                        "task `{}` has no estimate, while {with} of {n} open tasks have one",
                        t.id
                    ),
                )
                .with_help(help),
            );
        }
    }
    let max = cx.opts.max_estimate_hours;
    for t in &doc.tasks {
        let Some(e) = &t.estimate else { continue };
        if let Some(why) = e.out_of_order() {
            out.push(
                cx.diag(
                    Code::EstimateOutOfOrder,
                    estimate_span(doc, t, e.text()),
                    format!("task `{}`: {why}", t.id),
                )
                .with_help(
                    "write ranges as min-max (2-4d) and three points as optimistic/likely/pessimistic (1d/2d/5d)",
                ),
            );
        }
        let hours = e.likely_hours(work);
        if hours > max && !t.status.is_closed() {
            out.push(
                cx.diag(
                    Code::LargeEstimate,
                    estimate_span(doc, t, e.text()),
                    format!(
                        "task `{}` is estimated at {}, more than the {} limit",
                        t.id,
                        days(hours, work.hours_per_day),
                        days(max, work.hours_per_day)
                    ),
                )
                .with_help(format!(
                    "split it into tasks of {} or less; small tasks are estimated better and show progress sooner",
                    days(max, work.hours_per_day)
                )),
            );
        }
    }
}

/// Suggestions are computed for this many unknown dependencies per plan;
/// each compares against every id, so a plan of thousands of broken links
/// gets the rest without one rather than taking quadratic time.
const SUGGESTIONS: usize = 200;

/// A plan's edges (per task: to node, dependency index) and link findings.
type DocLinks = (Vec<Vec<(usize, usize)>>, Vec<Diagnostic>);

pub(crate) fn check_links(cx: &WsCx<'_>, out: &mut Vec<Diagnostic>) {
    let ws = cx.ws;
    let index = Links::new(ws);
    let offsets: Vec<usize> = ws
        .documents
        .iter()
        .scan(0, |acc, d| {
            let o = *acc;
            *acc += d.tasks.len();
            Some(o)
        })
        .collect();
    let total = offsets
        .last()
        .map_or(0, |o| o + ws.documents.last().map_or(0, |d| d.tasks.len()));
    // Per plan, in parallel: each task's edges (to node, dependency index)
    // and the findings about its links.
    let per_doc: Vec<DocLinks> = ws
        .documents
        .par_iter()
        .enumerate()
        .map(|(di, doc)| {
            let mut found = Vec::new();
            let mut unknowns = 0;
            let edges = doc
                .tasks
                .iter()
                .enumerate()
                .map(|(ti, t)| {
                    let mut to = Vec::new();
                    for (k, d) in t.dependencies.iter().enumerate() {
                        match index.resolve(di, d, unknowns < SUGGESTIONS) {
                            Target::Task(dj, tj) => {
                                if (dj, tj) != (di, ti) {
                                    to.push((offsets[dj] + tj, k));
                                }
                                done_before(cx, doc, t, d, dj, tj, &mut found);
                            }
                            Target::Other => {}
                            Target::Unknown { why, suggestion } => {
                                unknowns += 1;
                                unknown(doc, t, d, &why, suggestion, &mut found);
                            }
                        }
                    }
                    to
                })
                .collect();
            (edges, found)
        })
        .collect();
    let mut edges: Vec<Vec<(usize, usize)>> = Vec::with_capacity(total);
    let mut nodes: Vec<(usize, usize)> = Vec::with_capacity(total);
    for (di, (e, found)) in per_doc.into_iter().enumerate() {
        nodes.extend((0..e.len()).map(|ti| (di, ti)));
        edges.extend(e);
        out.extend(found);
    }
    cycles(ws, &nodes, &edges, out);
}

fn unknown(
    doc: &Document,
    t: &Task,
    dep: &Dependency,
    why: &str,
    suggestion: Option<String>,
    out: &mut Vec<Diagnostic>,
) {
    let written = dep.text.as_str();
    let looks_like_id = values::is_id_like(written.trim()) || suggestion.is_some();
    let mut d = Diagnostic::new(
        Code::UnknownDependency,
        if looks_like_id {
            Code::UnknownDependency.default_severity()
        } else {
            crate::diag::Severity::Warning
        },
        &doc.path,
        Some(dep_span(doc, t, dep)),
        format!("task `{}` depends on `{}`, but {why}", t.id, written.trim()),
    );
    d.help = Some(match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None if looks_like_id => {
            "name a task by its id (`1.2`), its title, or `other-plan#1.2` for another plan's task"
                .to_owned()
        }
        None => "if this is outside the plan, list it under Dependencies or Constraints instead"
            .to_owned(),
    });
    out.push(d);
}

fn done_before(
    cx: &WsCx<'_>,
    doc: &Document,
    t: &Task,
    d: &crate::model::Dependency,
    dj: usize,
    tj: usize,
    out: &mut Vec<Diagnostic>,
) {
    if t.status != Status::Done {
        return;
    }
    let other_doc = &cx.ws.documents[dj];
    let other = &other_doc.tasks[tj];
    let ok = match d.kind {
        LinkKind::FinishToStart | LinkKind::FinishToFinish => other.status.is_closed(),
        LinkKind::StartToStart | LinkKind::StartToFinish => {
            other.status.is_closed() || other.status == Status::InProgress
        }
    };
    if ok {
        return;
    }
    let state = match other.status {
        Status::Todo => "not started",
        Status::InProgress => "still in progress",
        Status::Blocked => "blocked",
        Status::Done | Status::Cancelled => "closed",
    };
    let mut diag = Diagnostic::new(
        Code::DoneBeforeDependency,
        Code::DoneBeforeDependency.default_severity(),
        &doc.path,
        Some(dep_span(doc, t, d)),
        format!(
            "task `{}` is done, but it depends on `{}`, which is {state}",
            t.id, other.id
        ),
    );
    diag.labels.push(Label {
        file: (other_doc.path != doc.path).then(|| other_doc.path.clone()),
        span: item_span(&other_doc.source, &other.origin),
        message: format!("`{}` is {state}", other.id),
    });
    diag.help = Some(format!(
        "mark `{}` done first, or remove the dependency if it no longer holds",
        other.id
    ));
    out.push(diag);
}

/// Reports each strongly connected group of tasks once, with one cycle through it.
fn cycles(
    ws: &crate::model::Workspace,
    nodes: &[(usize, usize)],
    edges: &[Vec<(usize, usize)>],
    out: &mut Vec<Diagnostic>,
) {
    for scc in strongly_connected(edges) {
        if scc.len() < 2 {
            continue;
        }
        let start = *scc.iter().min().unwrap_or(&0);
        let members: FxHashSet<usize> = scc.iter().copied().collect();
        let Some(path) = cycle_through(start, edges, &members) else {
            continue;
        };
        // path: [(node, dep index used to reach the next node)], closing at start.
        let name = |n: usize| {
            let (di, ti) = nodes[n];
            let d = &ws.documents[di];
            let (d0, _) = nodes[start];
            if di == d0 {
                d.tasks[ti].id.clone()
            } else {
                let stem = Path::new(&d.path)
                    .file_stem()
                    .map_or(String::new(), |s| s.to_string_lossy().into_owned());
                format!("{stem}#{}", d.tasks[ti].id)
            }
        };
        let mut chain: Vec<String> = path.iter().map(|&(n, _)| name(n)).collect();
        chain.push(name(start));
        let doc0 = &ws.documents[nodes[start].0];
        let spans: Vec<(usize, Span, String)> = path
            .iter()
            .take(MAX_STEPS)
            .enumerate()
            .map(|(i, &(n, k))| {
                let (di, ti) = nodes[n];
                let d = &ws.documents[di];
                let t = &d.tasks[ti];
                let dep = &t.dependencies[k];
                let next = &chain[i + 1];
                (
                    di,
                    dep_span(d, t, dep),
                    format!("`{}` waits for `{next}`", chain[i]),
                )
            })
            .collect();
        let mut diag = Diagnostic::new(
            Code::DependencyCycle,
            Code::DependencyCycle.default_severity(),
            &doc0.path,
            Some(spans[0].1),
            format!("dependency cycle: {}", shown_chain(&chain)),
        );
        for (di, span, msg) in spans {
            let path = &ws.documents[di].path;
            diag.labels.push(Label {
                file: (*path != doc0.path).then(|| path.clone()),
                span,
                message: msg,
            });
        }
        let more = if path.len() > MAX_STEPS {
            format!(
                " (the cycle has {} steps; the first {MAX_STEPS} are shown)",
                path.len()
            )
        } else if scc.len() > path.len() {
            format!(" ({} tasks in all are caught in cycles here)", scc.len())
        } else {
            String::new()
        };
        diag.help = Some(format!(
            "remove one of these dependencies: no task in a cycle can ever start{more}"
        ));
        out.push(diag);
    }
}

/// The steps of a cycle labelled in the source; longer cycles are cut short.
const MAX_STEPS: usize = 50;

/// The cycle as `a → b → c → a`, with the middle of a long one elided.
fn shown_chain(chain: &[String]) -> String {
    if chain.len() <= 12 {
        return chain.join(" → ");
    }
    format!(
        "{} → … {} more … → {}",
        chain[..8].join(" → "),
        chain.len() - 11,
        chain[chain.len() - 3..].join(" → ")
    )
}

/// Finds a shortest cycle from `start` back to itself inside `members`:
/// the nodes in order, each with the dependency index leading on.
fn cycle_through(
    start: usize,
    edges: &[Vec<(usize, usize)>],
    members: &FxHashSet<usize>,
) -> Option<Vec<(usize, usize)>> {
    let mut prev: HashMap<usize, (usize, usize)> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for &(m, k) in &edges[n] {
            if !members.contains(&m) {
                continue;
            }
            if m == start {
                let mut path = vec![(n, k)];
                let mut at = n;
                while at != start {
                    let (p, pk) = prev[&at];
                    path.push((p, pk));
                    at = p;
                }
                path.reverse();
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(m) {
                e.insert((n, k));
                queue.push_back(m);
            }
        }
    }
    None
}

/// Tarjan's algorithm without recursion: the strongly connected components
/// of more than one node (a task on no cycle is its own, and is left out).
fn strongly_connected(edges: &[Vec<(usize, usize)>]) -> Vec<Vec<usize>> {
    const NONE: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![NONE; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    let mut work: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != NONE || edges[root].is_empty() {
            continue;
        }
        work.push((root, 0));
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if *i == 0 && index[v] == NONE {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&(w, _)) = edges[v].get(*i) {
                *i += 1;
                if index[w] == NONE {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                if stack.last() == Some(&v) {
                    // A task on no cycle: nothing to keep.
                    stack.pop();
                    on_stack[v] = false;
                    continue;
                }
                let mut scc = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    scc.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(scc);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_graph_with_two_cycles() {
        // 0 -> 1 -> 2 -> 0, 3 -> 4 -> 3, 5 alone.
        let e = |v: &[usize]| v.iter().map(|&x| (x, 0)).collect::<Vec<_>>();
        let edges = vec![e(&[1]), e(&[2]), e(&[0, 3]), e(&[4]), e(&[3]), e(&[])];
        let mut sccs: Vec<Vec<usize>> = strongly_connected(&edges)
            .into_iter()
            .map(|mut s| {
                s.sort_unstable();
                s
            })
            .filter(|s| s.len() > 1)
            .collect();
        sccs.sort();
        assert_eq!(sccs, [vec![0, 1, 2], vec![3, 4]]);
        let members = [0, 1, 2].into_iter().collect();
        let path = cycle_through(0, &edges, &members).unwrap();
        assert_eq!(path.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let n = 200_000;
        let mut edges: Vec<Vec<(usize, usize)>> = (0..n).map(|i| vec![((i + 1) % n, 0)]).collect();
        edges[n - 1] = vec![(0, 0)];
        let sccs = strongly_connected(&edges);
        assert_eq!(sccs.iter().map(Vec::len).max(), Some(n));
    }
}
