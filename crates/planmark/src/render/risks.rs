//! The risk matrix: likelihood × impact, SVG and terminal.

use std::fmt::Write as _;

use super::svg::{self, esc, n, truncate};
use crate::model::{Level, Risk, Workspace};

/// A risk with its place on the matrix.
pub(crate) struct Placed<'a> {
    pub(crate) plan: &'a str,
    pub(crate) risk: &'a Risk,
    /// Likelihood and impact, 0 (very low) to 4 (very high).
    pub(crate) cell: Option<(usize, usize)>,
    /// Likelihood × impact on the 1-5 scales (1 to 25).
    pub(crate) exposure: usize,
}

fn index(l: Level) -> usize {
    match l {
        Level::VeryLow => 0,
        Level::Low => 1,
        Level::Medium => 2,
        Level::High => 3,
        Level::VeryHigh => 4,
    }
}

/// Every risk of the workspace, most exposed first (unrated last).
pub(crate) fn placed(ws: &Workspace) -> Vec<Placed<'_>> {
    let mut out: Vec<Placed<'_>> = ws
        .documents
        .iter()
        .flat_map(|d| d.risks.iter().map(move |r| (d.path.as_str(), r)))
        .map(|(plan, risk)| {
            let l = risk.likelihood.as_ref().and_then(|x| x.level).map(index);
            let i = risk.impact.as_ref().and_then(|x| x.level).map(index);
            let cell = l.zip(i);
            Placed {
                plan,
                risk,
                cell,
                exposure: cell.map_or(0, |(l, i)| (l + 1) * (i + 1)),
            }
        })
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.exposure));
    out
}

/// The scale the matrix needs: three steps when every rating is low,
/// medium or high, else five. Returns the levels shown, lowest first.
fn scale(risks: &[Placed<'_>]) -> Vec<usize> {
    let three = risks
        .iter()
        .filter_map(|p| p.cell)
        .all(|(l, i)| (1..=3).contains(&l) && (1..=3).contains(&i));
    if three {
        vec![1, 2, 3]
    } else {
        vec![0, 1, 2, 3, 4]
    }
}

const NAMES: [&str; 5] = ["Very low", "Low", "Medium", "High", "Very high"];

/// Green to red by exposure (1 to 25).
fn heat(exposure: usize) -> String {
    let t = (exposure as f64 - 1.0) / 24.0;
    let hue = 120.0 * (1.0 - t);
    format!("hsl({}, 70%, 50%)", n(hue))
}

const CELL: f64 = 84.0;
const LEFT: f64 = 110.0;
const TOP: f64 = 30.0;

/// The matrix as SVG: a heat map of likelihood (up) by impact (right),
/// each risk a numbered dot in its cell, and the list by exposure.
#[must_use]
pub fn risk_matrix_svg(ws: &Workspace) -> String {
    let risks = placed(ws);
    let levels = scale(&risks);
    let k = levels.len() as f64;
    let grid = k * CELL;
    let list_top = TOP + grid + 60.0;
    let height = list_top + risks.len() as f64 * 18.0 + 16.0;
    let width = (LEFT + grid + 40.0).max(640.0);
    let mut out = String::new();
    svg::open(&mut out, "risk-matrix", width, height, "Risk matrix");
    for (row, &l) in levels.iter().rev().enumerate() {
        for (col, &i) in levels.iter().enumerate() {
            let exposure = (l + 1) * (i + 1);
            let _ = write!(
                out,
                r#"<rect class="cell" data-likelihood="{l}" data-impact="{i}" x="{x}" y="{y}" width="{c}" height="{c}" style="fill:{f};fill-opacity:.35;stroke:var(--bg);stroke-width:2"><title>likelihood {ln}, impact {iname}: exposure {exposure}</title></rect>"#,
                x = n(LEFT + col as f64 * CELL),
                y = n(TOP + row as f64 * CELL),
                c = n(CELL),
                f = heat(exposure),
                ln = NAMES[l].to_lowercase(),
                iname = NAMES[i].to_lowercase(),
            );
        }
        let _ = write!(
            out,
            r#"<text class="muted" x="{x}" y="{y}" text-anchor="end">{name}</text>"#,
            x = n(LEFT - 8.0),
            y = n(TOP + row as f64 * CELL + CELL / 2.0 + 4.0),
            name = NAMES[l],
        );
    }
    for (col, &i) in levels.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text class="muted" x="{x}" y="{y}" text-anchor="middle">{name}</text>"#,
            x = n(LEFT + col as f64 * CELL + CELL / 2.0),
            y = n(TOP + grid + 16.0),
            name = NAMES[i],
        );
    }
    let _ = write!(
        out,
        r#"<text x="{x}" y="{y}" text-anchor="middle" font-weight="600">Impact →</text><text x="14" y="{ly}" font-weight="600" transform="rotate(-90 14 {ly})" text-anchor="middle">Likelihood →</text>"#,
        x = n(LEFT + grid / 2.0),
        y = n(TOP + grid + 36.0),
        ly = n(TOP + grid / 2.0),
    );
    // The dots: numbered by exposure rank, packed in their cell.
    let mut in_cell: std::collections::HashMap<(usize, usize), usize> =
        std::collections::HashMap::new();
    for (rank, p) in risks.iter().enumerate() {
        let Some((l, i)) = p.cell else { continue };
        let (Some(row), Some(col)) = (
            levels.iter().rev().position(|&x| x == l),
            levels.iter().position(|&x| x == i),
        ) else {
            continue;
        };
        let slot = in_cell.entry((l, i)).or_insert(0);
        let (sx, sy) = (*slot % 4, *slot / 4);
        *slot += 1;
        let cx = LEFT + col as f64 * CELL + 14.0 + sx as f64 * 19.0;
        let cy = TOP + row as f64 * CELL + 14.0 + sy as f64 * 19.0;
        let _ = write!(
            out,
            r#"<g class="risk" data-id="{id}"><title>{title}</title><circle cx="{cx}" cy="{cy}" r="8.5" style="fill:var(--fg)"/><text x="{cx}" y="{ty}" text-anchor="middle" font-size="10" font-weight="700" style="fill:var(--bg)">{num}</text></g>"#,
            id = esc(&p.risk.id),
            title = esc(&p.risk.title),
            cx = n(cx),
            cy = n(cy),
            ty = n(cy + 3.5),
            num = rank + 1,
        );
    }
    // The list.
    let _ = write!(
        out,
        r#"<text x="6" y="{y}" font-weight="600">Risks by exposure</text>"#,
        y = n(list_top - 8.0)
    );
    for (rank, p) in risks.iter().enumerate() {
        let rating = |r: &Option<crate::model::Rating>| {
            r.as_ref()
                .map_or_else(|| "?".to_owned(), |x| x.text.clone())
        };
        let line = format!(
            "{}. {} — likelihood {}, impact {}{}",
            rank + 1,
            p.risk.title,
            rating(&p.risk.likelihood),
            rating(&p.risk.impact),
            if p.risk.mitigation.is_none() {
                ", no mitigation"
            } else {
                ""
            }
        );
        let _ = write!(
            out,
            r#"<text x="6" y="{y}"{c}><title>{full} ({plan})</title>{t}</text>"#,
            y = n(list_top + 10.0 + rank as f64 * 18.0),
            c = if p.cell.is_none() {
                r#" class="muted""#
            } else {
                ""
            },
            full = esc(&line),
            plan = esc(p.plan),
            t = esc(&truncate(&line, 110)),
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The matrix for a terminal: a grid of counts by likelihood and impact,
/// each cell listing its risks' numbers, then the numbered list.
#[must_use]
pub fn risk_matrix_text(ws: &Workspace, color: bool, width: usize) -> String {
    let risks = placed(ws);
    if risks.is_empty() {
        return "No risks in these plans: add a Risks section (Risk | Likelihood | Impact | Mitigation).\n"
            .to_owned();
    }
    let levels = scale(&risks);
    let cell_w = 11usize;
    let mut out = String::new();
    let paint = |exposure: usize, text: &str| -> String {
        if !color {
            return text.to_owned();
        }
        let code = match exposure {
            0..=4 => "42",
            5..=9 => "43",
            _ => "41",
        };
        format!("\x1b[{code};30m{text}\x1b[0m")
    };
    let _ = writeln!(out, "Likelihood ↑ / Impact →");
    for &l in levels.iter().rev() {
        let _ = write!(out, "{:>10} ", NAMES[l]);
        for &i in &levels {
            let nums: Vec<String> = risks
                .iter()
                .enumerate()
                .filter(|(_, p)| p.cell == Some((l, i)))
                .map(|(k, _)| (k + 1).to_string())
                .collect();
            let text = truncate(&nums.join(","), cell_w - 2);
            let cell = format!(" {text:<w$} ", w = cell_w - 2);
            out.push_str(&paint((l + 1) * (i + 1), &cell));
            out.push(' ');
        }
        out.push('\n');
    }
    let _ = write!(out, "{:>10} ", "");
    for &i in &levels {
        let _ = write!(out, " {:<w$}  ", NAMES[i], w = cell_w - 2);
    }
    out.push('\n');
    for (k, p) in risks.iter().enumerate() {
        let line = format!(
            "{:>3}. {} ({} × {})",
            k + 1,
            p.risk.title,
            p.risk.likelihood.as_ref().map_or("?", |r| r.text.as_str()),
            p.risk.impact.as_ref().map_or("?", |r| r.text.as_str()),
        );
        let _ = writeln!(out, "{}", truncate(&line, width.max(20)));
    }
    out
}
