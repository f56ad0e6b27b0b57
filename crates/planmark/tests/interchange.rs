//! Round trip through MS Project XML: a plan exported and imported back
//! keeps its ids, titles, estimates, dependencies with their kinds and
//! lags, owners and statuses, for plans generated in the forms plans take.

use std::fmt::Write as _;

use planmark::project::Project;
use proptest::prelude::*;

/// What the round trip must keep, per task.
fn essentials(text: &str) -> Vec<String> {
    let doc = planmark::syntax::parse_str("plan.md", text);
    doc.tasks
        .iter()
        .map(|t| {
            let deps: Vec<String> = t
                .dependencies
                .iter()
                .filter(|d| d.resolved)
                .map(|d| format!("{} {:?} {:?}", d.target, d.kind, d.lag))
                .collect();
            let owners: Vec<&str> = t.resources.iter().map(|r| r.name.as_str()).collect();
            format!(
                "{} | {} | {} | {} | {} | {:?}",
                t.id,
                t.title,
                t.estimate.as_ref().map_or("-", |e| e.text()),
                deps.join(", "),
                owners.join(", "),
                t.status
            )
        })
        .collect()
}

const ESTIMATES: [&str; 6] = ["2h", "1d", "1.5d", "3d", "2-4d", "1d/2d/5d"];
const KINDS: [&str; 4] = ["", " SS", " FF", " SS+1d"];
const MARKS: [&str; 4] = [" ", "x", "~", "-"];
const OWNERS: [&str; 3] = ["", " @ana", " @bo"];

/// A guide of `phases` phases whose tasks draw on the choices given.
/// A task's choices: estimate, link kind, status mark, owner, dependency.
type Choice = (usize, usize, usize, usize, Option<usize>);

fn guide(shape: &[Vec<Choice>]) -> String {
    let mut s = String::from(
        "---\nphase: implementation\ntitle: Generated\nstart: 2026-12-01\n---\n\n# Planning & Implementation Guide\n\n## Task Breakdown\n\n",
    );
    let mut earlier: Vec<String> = Vec::new();
    for (p, tasks) in shape.iter().enumerate() {
        let _ = write!(s, "### Phase {}: Part {}\n\n", p + 1, p + 1);
        for (t, &(est, kind, mark, owner, dep)) in tasks.iter().enumerate() {
            let id = format!("{}.{}", p + 1, t + 1);
            let _ = write!(
                s,
                "- [{}] Task {id}: Work item {id} ({}){}",
                MARKS[mark], ESTIMATES[est], OWNERS[owner]
            );
            if let Some(d) = dep.filter(|_| !earlier.is_empty()) {
                let target = &earlier[d % earlier.len()];
                let _ = write!(s, " (depends on {target}{})", KINDS[kind]);
            }
            s.push('\n');
            earlier.push(id);
        }
        s.push('\n');
    }
    s
}

fn round_trip(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.md"), text).unwrap();
    let project = Project::open(dir.path()).unwrap();
    let snap = project.load(&[], jiff::civil::date(2026, 12, 1)).unwrap();
    let xml = planmark::export::mspdi(&snap);
    planmark::import::from_mspdi(&xml).unwrap().text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_plan_through_ms_project_xml_keeps_its_tasks(
        shape in prop::collection::vec(
            prop::collection::vec(
                (0..ESTIMATES.len(), 0..KINDS.len(), 0..MARKS.len(), 0..OWNERS.len(), prop::option::of(0usize..20)),
                1..6,
            ),
            1..4,
        )
    ) {
        let text = guide(&shape);
        let tasks: usize = shape.iter().map(Vec::len).sum();
        prop_assert_eq!(essentials(&text).len(), tasks, "{}", text);
        let back = round_trip(&text);
        prop_assert_eq!(essentials(&back), essentials(&text), "{}\n---\n{}", text, back);
    }
}
