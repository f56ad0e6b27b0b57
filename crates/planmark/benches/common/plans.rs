//! Generated plans shared by the benchmarks.

use std::fmt::Write as _;

/// A plan of `n` tasks in a table: estimates of half a day to five days,
/// each task after one or two of the 40 before it, owners round a team of
/// `people`. A fixed-seed generator, so every run measures the same plan.
///
/// With `uncertain`, a third of the estimates are ranges and a third
/// three-point estimates, and a risk table names one task in a hundred.
pub(crate) fn plan(n: usize, people: usize, uncertain: bool) -> String {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut s = String::from(
        "---\ntitle: Platform rebuild\nstart: 2027-01-04\nphases: parallel\n---\n\n# Platform rebuild\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Owner |\n|---|---|---|---|---|\n",
    );
    for i in 0..n {
        let est = ["4h", "1d", "2d", "3d", "5d"][(next() % 5) as usize];
        let est = match (uncertain, i % 3) {
            (true, 1) => ["2-4h", "1-2d", "2-3d", "2-5d", "4-8d"][(next() % 5) as usize],
            (true, 2) => {
                ["2h/4h/8h", "1d/1d/3d", "1d/2d/4d", "2d/3d/6d", "3d/5d/10d"][(next() % 5) as usize]
            }
            _ => est,
        };
        let mut deps = Vec::new();
        for _ in 0..(next() % 3) {
            if i > 0 {
                let back = 1 + (next() % 40) as usize;
                deps.push(format!("T{}", i.saturating_sub(back)));
            }
        }
        deps.sort();
        deps.dedup();
        let owner = next() as usize % people;
        let _ = writeln!(
            s,
            "| T{i} | Task number {i} | {est} | {} | @p{owner} |",
            if deps.is_empty() {
                "-".to_owned()
            } else {
                deps.join(", ")
            }
        );
    }
    if uncertain {
        s.push_str("\n## Risks\n\n| Risk | Likelihood | Impact | Delay | Affects |\n|---|---|---|---|---|\n");
        for r in 0..n / 100 {
            let _ = writeln!(
                s,
                "| Risk {r} | {} | High | +{}d | T{} |",
                ["Low", "Medium", "High", "10%"][(next() % 4) as usize],
                1 + next() % 3,
                next() as usize % n
            );
        }
    }
    s
}
