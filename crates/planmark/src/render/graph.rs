//! The dependency graph: a layered layout (longest-path layers, crossings
//! reduced by barycentres) as SVG, and the same graph as DOT and Mermaid.

use std::fmt::Write as _;

use super::gantt::task_links;
use super::svg::{self, esc, n, truncate};
use crate::model::Workspace;
use crate::schedule::Schedule;

/// Nodes by layer, in drawing order, and the edges.
pub(crate) struct Layout {
    /// Each task's layer and position within it.
    pub(crate) at: Vec<(usize, usize)>,
    pub(crate) layers: Vec<Vec<usize>>,
    pub(crate) edges: Vec<(usize, usize)>,
}

/// Longest-path layers (every edge points to a later layer), then
/// alternating sweeps that order each layer by the mean position of its
/// neighbours in the layer before (or after).
pub(crate) fn layout(ws: &Workspace, s: &Schedule) -> Layout {
    let n = s.tasks.len();
    let edges: Vec<(usize, usize)> = task_links(ws, s).iter().map(|l| (l.from, l.to)).collect();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(a, b) in &edges {
        preds[b].push(a);
        succs[a].push(b);
        indegree[b] += 1;
    }
    // Kahn's order; the scheduler has refused cycles already, but a
    // task left over is put in layer 0 rather than lost.
    let mut order: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let v = order[head];
        head += 1;
        for &w in &succs[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                order.push(w);
            }
        }
    }
    let mut layer = vec![0usize; n];
    for &v in &order {
        for &w in &succs[v] {
            layer[w] = layer[w].max(layer[v] + 1);
        }
    }
    let depth = layer.iter().copied().max().map_or(0, |x| x + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for v in 0..n {
        layers[layer[v]].push(v);
    }
    let mut pos = vec![0usize; n];
    let place = |layers: &Vec<Vec<usize>>, pos: &mut Vec<usize>| {
        for l in layers {
            for (i, &v) in l.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    place(&layers, &mut pos);
    for sweep in 0..8 {
        let down = sweep % 2 == 0;
        let range: Vec<usize> = if down {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for li in range {
            let keyed: Vec<(f64, usize)> = layers[li]
                .iter()
                .map(|&v| {
                    let near = if down { &preds[v] } else { &succs[v] };
                    let key = if near.is_empty() {
                        pos[v] as f64
                    } else {
                        near.iter().map(|&u| pos[u] as f64).sum::<f64>() / near.len() as f64
                    };
                    (key, v)
                })
                .collect();
            let mut keyed = keyed;
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[li] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in layers[li].iter().enumerate() {
                pos[v] = i;
            }
        }
    }
    let at = (0..n).map(|v| (layer[v], pos[v])).collect();
    Layout { at, layers, edges }
}

const W: f64 = 170.0;
const H: f64 = 36.0;
const GAP_X: f64 = 60.0;
const GAP_Y: f64 = 14.0;

/// The graph as SVG: tasks left to right by layer, critical tasks and the
/// links between them in red.
#[must_use]
pub fn graph_svg(ws: &Workspace, s: &Schedule) -> String {
    let l = layout(ws, s);
    let tallest = l.layers.iter().map(Vec::len).max().unwrap_or(0);
    let width = 20.0 + l.layers.len() as f64 * (W + GAP_X);
    let height = 20.0 + tallest as f64 * (H + GAP_Y);
    let xy = |v: usize| {
        let (layer, pos) = l.at[v];
        (
            10.0 + layer as f64 * (W + GAP_X),
            10.0 + pos as f64 * (H + GAP_Y),
        )
    };
    let on_path: Vec<bool> = {
        let mut m = vec![false; s.tasks.len()];
        for &i in &s.critical_path {
            m[i] = true;
        }
        m
    };
    let mut out = String::with_capacity(300 * s.tasks.len() + 2048);
    svg::open(&mut out, "graph", width, height, "Dependency graph");
    svg::arrow_markers(&mut out);
    out.push_str(r#"<g class="deps">"#);
    for &(a, b) in &l.edges {
        let (x1, y1) = xy(a);
        let (x2, y2) = xy(b);
        let (x1, y1, x2, y2) = (x1 + W, y1 + H / 2.0, x2 - 1.0, y2 + H / 2.0);
        let crit = on_path[a] && on_path[b];
        let c = (x2 - x1) / 2.0;
        let _ = write!(
            out,
            r#"<path class="dep{cl}" data-from="{f}" data-to="{t}" d="M{x1} {y1}C{c1} {y1} {c2} {y2} {x2} {y2}" marker-end="url(#pm-arrow{m})"/>"#,
            cl = if crit { " critical" } else { "" },
            f = esc(&s.tasks[a].id),
            t = esc(&s.tasks[b].id),
            x1 = n(x1),
            y1 = n(y1),
            c1 = n(x1 + c),
            c2 = n(x2 - c),
            x2 = n(x2),
            y2 = n(y2),
            m = if crit { "-critical" } else { "" },
        );
    }
    out.push_str("</g>");
    for (v, t) in s.tasks.iter().enumerate() {
        let (x, y) = xy(v);
        let _ = write!(
            out,
            r#"<g class="task" data-id="{id}"><title>{id} {title}&#10;{start} → {finish}</title><rect class="node{c}" x="{x}" y="{y}" width="{w}" height="{h}" rx="6"/><text x="{tx}" y="{ty1}" font-weight="600"{m}>{sid}</text><text x="{tx}" y="{ty2}" font-size="11"{m}>{st}</text></g>"#,
            id = esc(&t.id),
            title = esc(&t.title),
            start = t.start,
            finish = t.finish,
            c = if t.critical { " critical" } else { "" },
            x = n(x),
            y = n(y),
            w = n(W),
            h = n(H),
            tx = n(x + 8.0),
            ty1 = n(y + 15.0),
            ty2 = n(y + 29.0),
            m = if t.status.is_closed() {
                r#" class="muted""#
            } else {
                ""
            },
            sid = esc(&truncate(&t.id, 24)),
            st = esc(&truncate(&t.title, 26)),
        );
    }
    out.push_str("</svg>\n");
    out
}

fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// The graph in Graphviz DOT, critical tasks and links in red.
#[must_use]
pub fn graph_dot(ws: &Workspace, s: &Schedule) -> String {
    let mut out = String::from(
        "digraph plan {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n",
    );
    for (v, t) in s.tasks.iter().enumerate() {
        let _ = writeln!(
            out,
            "  n{v} [label=\"{}\\n{}\"{}];",
            dot_text(&t.id),
            dot_text(&truncate(&t.title, 40)),
            if t.critical {
                ", color=\"#cf222e\", penwidth=2"
            } else {
                ""
            }
        );
    }
    let on_path: std::collections::HashSet<usize> = s.critical_path.iter().copied().collect();
    for l in task_links(ws, s) {
        let crit = on_path.contains(&l.from) && on_path.contains(&l.to);
        let mut attrs = Vec::new();
        if crit {
            attrs.push("color=\"#cf222e\", penwidth=2".to_owned());
        }
        if let Some(x) = &l.label {
            attrs.push(format!("label=\"{}\"", dot_text(x)));
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(out, "  n{} -> n{}{attrs};", l.from, l.to);
    }
    out.push_str("}\n");
    out
}

/// The graph as a Mermaid flowchart, critical tasks in their own class.
#[must_use]
pub fn graph_mermaid(ws: &Workspace, s: &Schedule) -> String {
    let mut out = String::from("flowchart LR\n");
    for (v, t) in s.tasks.iter().enumerate() {
        let label = format!("{} {}", t.id, truncate(&t.title, 40)).replace('"', "#quot;");
        let _ = writeln!(out, "    n{v}[\"{label}\"]");
    }
    for l in task_links(ws, s) {
        match &l.label {
            Some(x) => {
                let _ = writeln!(out, "    n{} -->|\"{x}\"| n{}", l.from, l.to);
            }
            None => {
                let _ = writeln!(out, "    n{} --> n{}", l.from, l.to);
            }
        }
    }
    let critical: Vec<String> = s
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.critical)
        .map(|(v, _)| format!("n{v}"))
        .collect();
    if !critical.is_empty() {
        out.push_str("    classDef critical stroke:#cf222e,stroke-width:2px\n");
        let _ = writeln!(out, "    class {} critical", critical.join(","));
    }
    out
}
