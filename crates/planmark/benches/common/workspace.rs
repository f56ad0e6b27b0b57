//! Generated workspaces of many plans, shared by the benchmarks.

use std::fmt::Write as _;
use std::path::Path;

/// A planning session written the way teams write them: focus, goals, a
/// task table per phase with estimates and dependencies, risks, a
/// checklist, action items and references.
pub(crate) fn session(i: usize) -> String {
    let mut s = format!(
        "# Planning Session: 2026-11-{:02} 10:00\n\n## Planning Focus\n- **Topic**: Service {i} hardening\n- **Scope**: Feature\n- **Timeframe**: 10 weeks\n\n## Context\nService {i} drops requests under load; this plan fixes the worst paths first.\n\n## Goals / Objectives\n1. p99 latency under 200 ms\n2. No dropped requests at twice today's peak\n\n## Task Breakdown\n\n",
        i % 28 + 1
    );
    for p in 1..=3 {
        let _ = write!(
            s,
            "### Phase {p}: Step {p}\n| ID | Task | Estimate | Priority | Dependencies | Owner |\n|----|------|----------|----------|--------------|-------|\n"
        );
        for t in 1..=6 {
            let dep = if t > 1 {
                format!("{p}.{}", t - 1)
            } else {
                "None".into()
            };
            let _ = writeln!(
                s,
                "| {p}.{t} | Work item {t} of step {p} for service {i} | {}d | {} | {dep} | @dev{i}x{} |",
                t % 4 + 1,
                ["High", "Med", "Low"][t % 3],
                (i + t) % 7
            );
        }
        s.push('\n');
    }
    s.push_str("## Risk Assessment\n| Risk | Likelihood | Impact | Mitigation |\n|------|------------|--------|------------|\n| Load tests do not match production | Med | High | Replay a day of production traffic |\n| Team out for holidays | High | Med | Plan around the rota |\n\n");
    s.push_str("## Session Checklist\n- [x] Goals clearly defined\n- [x] Tasks broken down\n- [x] Estimates provided\n- [x] Risks identified\n\n");
    let _ = write!(
        s,
        "## Action Items\n| Action | Owner | Due Date |\n|--------|-------|----------|\n| Book the load-test cluster | Sam | 2026-12-{:02} |\n\n## References\n- [Runbook](https://wiki.example.com/service-{i})\n",
        i % 28 + 1
    );
    s
}

/// An implementation guide: front matter, milestones, phases of checkbox tasks.
pub(crate) fn guide(i: usize) -> String {
    let mut s = format!(
        "---\nphase: implementation\ntitle: Importer {i}\n---\n\n# Importer {i}\n\n## Milestones\n- [ ] Milestone 1: Beta (target 2027-01-15, after Phase 2)\n\n## Task Breakdown\n\n"
    );
    for p in 1..=3 {
        let _ = writeln!(s, "### Phase {p}: Part {p}\n");
        for t in 1..=8 {
            // Work done in order: the first tasks of phase 1.
            let mark = if p == 1 && t <= i % 9 { "x" } else { " " };
            let dep = if t > 1 {
                format!(" (depends on {p}.{})", t - 1)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "- [{mark}] Task {p}.{t}: Handle case {t} of part {p} ({}h) @ana{i}{dep}",
                t % 6 + 2
            );
        }
        s.push('\n');
    }
    s.push_str("## Dependencies\nThe upstream export API.\n\n## Timeline & Estimates\nThree weeks.\n\n## Risks & Mitigation\n- Upstream changes its format: pin the version.\n\n## Resources Needed\n");
    let _ = writeln!(s, "- Ana{i}: Backend");
    s
}

/// The file name and text of plan `i` of a generated workspace: sessions
/// and guides in turn.
pub(crate) fn plan_file(i: usize) -> (String, String) {
    if i.is_multiple_of(2) {
        (format!("2026-11-{i:05}-service.md"), session(i))
    } else {
        (format!("importer-{i:05}.md"), guide(i))
    }
}

/// Writes `n` generated plans under `root/docs/plans`; returns their bytes.
pub(crate) fn write(root: &Path, n: usize) -> usize {
    let plans = root.join("docs/plans");
    std::fs::create_dir_all(&plans).unwrap();
    let mut bytes = 0;
    for i in 0..n {
        let (name, text) = plan_file(i);
        bytes += text.len();
        std::fs::write(plans.join(name), text).unwrap();
    }
    bytes
}
