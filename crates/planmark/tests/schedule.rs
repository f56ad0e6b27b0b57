//! The scheduler on hand-checked plans: every link type with lags,
//! calendars with holidays, phases, milestones, part-time people, pools,
//! progress, deadlines, explanations; and properties of any schedule.

use std::fmt::Write as _;

use jiff::civil::{Date, date};
use planmark::config::Config;
use planmark::model::Workspace;
use planmark::schedule::{self, Options, Reason, Schedule};
use proptest::prelude::*;

fn ws(text: &str) -> Workspace {
    Workspace {
        root: String::new(),
        documents: vec![planmark::syntax::parse_str("plan.md", text).into()],
        findings: vec![],
    }
}

fn run(text: &str, config: &str, today: Date) -> Schedule {
    let config = Config::parse(config).unwrap();
    schedule::schedule(&ws(text), &config, &Options::new(today)).unwrap()
}

fn task<'a>(s: &'a Schedule, id: &str) -> &'a schedule::ScheduledTask {
    s.tasks
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no task {id}"))
}

fn days(s: &Schedule, id: &str) -> (i64, i64) {
    let t = task(s, id);
    (t.start_day, t.finish_day)
}

/// 2026-11-30 is a Monday.
const MONDAY: &str = "---\nstart: 2026-11-30\n---\n";

#[test]
fn every_link_type_with_lags_on_working_days() {
    let plan = format!(
        "{MONDAY}# P\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies |\n|---|---|---|---|\n\
         | A | Build | 4d | - |\n| B | Docs | 2d | A SS+1d |\n| C | Test | 3d | A FF+2d |\n\
         | D | Handover | 2d | A SF+5d |\n| E | Ship | 2d | A FS-1d |\n| F | Party | 1d | A FS+3d |\n"
    );
    let s = run(&plan, "", date(2026, 11, 1));
    assert_eq!(days(&s, "A"), (0, 4));
    assert_eq!(days(&s, "B"), (1, 3));
    assert_eq!(days(&s, "C"), (3, 6));
    assert_eq!(days(&s, "D"), (3, 5));
    assert_eq!(days(&s, "E"), (3, 5));
    assert_eq!(days(&s, "F"), (7, 8));
    assert_eq!(s.makespan_days, 8);
    // Day 5 is the next Monday; F runs on day 7, Wednesday 2026-12-09.
    assert_eq!(task(&s, "F").start, date(2026, 12, 9));
    assert_eq!(task(&s, "A").finish, date(2026, 12, 3));
    assert!(task(&s, "A").critical && task(&s, "F").critical);
    assert!((task(&s, "B").slack_days - 5.0).abs() < 1e-9);
    assert_eq!(s.finish, date(2026, 12, 9));
}

#[test]
fn holidays_and_hours_per_day_move_dates() {
    let plan =
        format!("{MONDAY}# P\n\n## Tasks\n\n- [ ] T1: One (3d)\n- [ ] T2: Two (12h) (after T1)\n");
    let s = run(
        &plan,
        "[calendar]\nhours_per_day = 6\nholidays = [2026-12-01]\n",
        date(2026, 11, 1),
    );
    // Mon, (Tue off), Wed, Thu for T1; 12 h of 6 h days: Fri and Mon for T2.
    assert_eq!(task(&s, "T1").start, date(2026, 11, 30));
    assert_eq!(task(&s, "T1").finish, date(2026, 12, 3));
    assert_eq!(task(&s, "T2").start, date(2026, 12, 4));
    assert_eq!(task(&s, "T2").finish, date(2026, 12, 7));
    let e = schedule::explain(&ws(&plan), &s, 1);
    assert!(
        e.reasons
            .iter()
            .any(|r| matches!(r, Reason::Dependency { id, .. } if id == "T1"))
    );
}

#[test]
fn phases_run_in_sequence_unless_parallel() {
    let body = "# P\n\n## Tasks\n\n### Phase 1: Base\n\n- [ ] 1.1 Schema (2d)\n- [ ] 1.2 API (3d)\n\n### Phase 2: UI\n\n- [ ] 2.1 Screens (1d)\n\n## Milestones\n\n- [ ] Milestone 1: Beta (target 2026-12-02, after Phase 2)\n";
    let s = run(&format!("{MONDAY}{body}"), "", date(2026, 11, 1));
    assert_eq!(days(&s, "1.1"), (0, 2));
    assert_eq!(days(&s, "1.2"), (0, 3));
    assert_eq!(days(&s, "2.1"), (3, 4));
    let m = &s.milestones[0];
    assert_eq!(m.date, date(2026, 12, 3));
    assert_eq!(m.late_days, Some(1));
    let e = schedule::explain(&ws(&format!("{MONDAY}{body}")), &s, 2);
    assert!(
        e.reasons
            .iter()
            .any(|r| matches!(r, Reason::Phase { last_task: Some(t), .. } if t == "1.2")),
        "{:?}",
        e.reasons
    );
    let parallel = format!("---\nstart: 2026-11-30\nphases: parallel\n---\n{body}");
    let s = run(&parallel, "", date(2026, 11, 1));
    assert_eq!(days(&s, "2.1"), (0, 1));
}

#[test]
fn levelling_shares_people_and_pools_and_stretches_part_time() {
    let plan = String::from(
        "---\nstart: 2026-11-30\nresources:\n  backend: 2\n  qa: 50%\n---\n# P\n\n## Tasks\n\n\
         | ID | Task | Estimate | Owner |\n|---|---|---|---|\n\
         | A | One | 2d | @alice |\n| B | Two | 3d | @alice |\n| C | Pool one | 2d | backend x2 |\n\
         | D | Pool two | 2d | backend |\n| E | Check | 2d | qa |\n",
    );
    let s = run(&plan, "", date(2026, 11, 1));
    let (a, b) = (days(&s, "A"), days(&s, "B"));
    assert!(
        a.1 <= b.0 || b.1 <= a.0,
        "alice does one thing at a time: {a:?} {b:?}"
    );
    let (c, d) = (days(&s, "C"), days(&s, "D"));
    assert!(
        c.1 <= d.0 || d.1 <= c.0,
        "C takes the whole pool: {c:?} {d:?}"
    );
    // Half-time QA takes twice as long.
    assert_eq!(days(&s, "E"), (0, 4));
    assert_eq!(s.makespan_days, 5);
    assert!(s.levelling.is_some());
    // The one that waits says who it waited for.
    let (later, other) = if a.0 > b.0 { ("A", "B") } else { ("B", "A") };
    let i = s.tasks.iter().position(|t| t.id == later).unwrap();
    let e = schedule::explain(&ws(&plan), &s, i);
    assert!(
        e.reasons.iter().any(|r| matches!(r, Reason::Resource { resource, busy_with } if resource == "alice" && busy_with[0].1 == other)),
        "{:?}",
        e.reasons
    );
    // Without levelling: the over-allocation is reported.
    let mut o = Options::new(date(2026, 11, 1));
    o.level = Some(false);
    let s = schedule::schedule(&ws(&plan), &Config::default(), &o).unwrap();
    assert!(
        s.overallocations
            .iter()
            .any(|x| x.resource == "alice" && (x.booked - 2.0).abs() < 1e-9)
    );
}

#[test]
fn time_off_delays_a_person_s_work() {
    let plan = format!("{MONDAY}# P\n\n## Tasks\n\n- [ ] T1: One (2d) @alice\n");
    let s = run(
        &plan,
        "[resources]\nalice = { capacity = 1, off = [\"2026-11-30..2026-12-01\"] }\n",
        date(2026, 11, 1),
    );
    assert_eq!(task(&s, "T1").start, date(2026, 12, 2));
    let e = schedule::explain(&ws(&plan), &s, 0);
    assert!(
        e.reasons
            .iter()
            .any(|r| matches!(r, Reason::TimeOff { .. })),
        "{:?}",
        e.reasons
    );
}

#[test]
fn progress_fixes_done_work_and_starts_the_rest_today() {
    let plan = format!(
        "{MONDAY}# P\n\n## Tasks\n\n- [x] T1: Done (3d)\n- [~] T2: Under way (2d) (after T1)\n- [ ] T3: Next (1d) (after T2)\n- [ ] T4: Free (1d)\n"
    );
    // Today is Thursday 2026-12-10: day 8.
    let s = run(&plan, "", date(2026, 12, 10));
    assert_eq!(days(&s, "T1"), (0, 3));
    assert!(!task(&s, "T1").critical);
    assert_eq!(days(&s, "T2"), (8, 10));
    assert_eq!(days(&s, "T3"), (10, 11));
    assert_eq!(days(&s, "T4"), (8, 9));
    let e = schedule::explain(&ws(&plan), &s, 1);
    assert!(
        matches!(e.reasons[0], Reason::InProgress { .. }),
        "{:?}",
        e.reasons
    );
}

#[test]
fn deadlines_are_judged_in_working_days() {
    let plan = "---\nstart: 2026-11-30\ndeadline: 2026-12-02\n---\n# P\n\n## Tasks\n\n- [ ] T1: Long (5d)\n";
    let s = run(plan, "", date(2026, 11, 1));
    let d = s.deadline.unwrap();
    assert_eq!(d.date, date(2026, 12, 2));
    assert_eq!(d.late_days, 2);
    let ok = run(&plan.replace("5d", "2d"), "", date(2026, 11, 1));
    assert_eq!(ok.deadline.unwrap().late_days, -1);
    // A Timeframe line gives start and deadline when nothing else does.
    let tf = "# Planning Session: x\n\n## Planning Focus\n\n- **Topic**: x\n- **Timeframe**: 2026-11-30 to 2026-12-04\n\n## Tasks\n\n- [ ] T1: Long (6d)\n";
    let s = run(tf, "", date(2026, 11, 1));
    assert_eq!(s.start, date(2026, 11, 30));
    assert_eq!(s.deadline.unwrap().late_days, 1);
}

#[test]
fn bad_plans_give_findings_not_panics() {
    let cycle = "# P\n\n## Tasks\n\n- [ ] A1: One (1d) (after B1)\n- [ ] B1: Two (1d) (after A1)\n";
    let e = schedule::schedule(
        &ws(cycle),
        &Config::default(),
        &Options::new(date(2026, 11, 30)),
    )
    .unwrap_err();
    assert_eq!(e.findings()[0].code.as_str(), "PM017");
    let demand = "---\nresources:\n  backend: 2\n---\n# P\n\n## Tasks\n\n| Task | Estimate | Owner |\n|---|---|---|\n| One | 1d | backend x3 |\n";
    let e = schedule::schedule(
        &ws(demand),
        &Config::default(),
        &Options::new(date(2026, 11, 30)),
    )
    .unwrap_err();
    assert_eq!(e.findings()[0].code.as_str(), "PM033");
    assert!(
        e.findings()[0]
            .message
            .contains("needs 3 of `backend`, which has 2")
    );
    let absurd = "# P\n\n## Tasks\n\n- [ ] A: One (0d)\n- [ ] B: Two (900000 weeks)\n";
    let s = schedule::schedule(
        &ws(absurd),
        &Config::default(),
        &Options::new(date(2026, 11, 30)),
    );
    assert!(s.is_ok() || s.is_err());
    let bad_res =
        "---\nresources:\n  alice: lots\n---\n# P\n\n## Tasks\n\n- [ ] A: One (1d) @alice\n";
    assert!(
        schedule::schedule(
            &ws(bad_res),
            &Config::default(),
            &Options::new(date(2026, 11, 30))
        )
        .is_err()
    );
}

#[test]
fn a_task_without_estimate_for_an_idle_person_is_placed() {
    // B has no length; Ann has nothing booked when B's dependency ends.
    let plan = format!(
        "{MONDAY}# P\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Owner |\n|---|---|---|---|---|\n\
         | A | One | 3d | - | @bo |\n| B | Two |  | A | @ann |\n"
    );
    let s = run(&plan, "", date(2026, 11, 1));
    assert_eq!(days(&s, "B"), (3, 3));
    assert!(task(&s, "B").unestimated);
}

/// A random plan: tasks with estimates, links of every kind to earlier
/// tasks, demands on two people and a pool of two.
fn plan_strategy() -> impl Strategy<Value = String> {
    let row = (
        1u32..5,
        prop::collection::vec((0usize..20, 0usize..4, -1i32..3), 0..3),
        0usize..5,
    );
    prop::collection::vec(row, 1..20).prop_map(|rows| {
        let mut s = String::from("---\nstart: 2026-11-30\nphases: parallel\nresources:\n  pool: 2\n---\n# P\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Owner |\n|---|---|---|---|---|\n");
        for (i, (est, deps, who)) in rows.iter().enumerate() {
            let mut ds: Vec<String> = Vec::new();
            for &(back, kind, lag) in deps {
                if i == 0 || back >= i {
                    continue;
                }
                let k = [if lag == 0 { "" } else { " FS" }, " SS", " FF", " SF"][kind];
                let l = match lag {
                    0 => String::new(),
                    x if x > 0 => format!("+{x}d"),
                    x => format!("{x}d"),
                };
                ds.push(format!("T{}{k}{l}", i - back - 1));
            }
            ds.sort();
            ds.dedup();
            let owner = ["@ann", "@bo", "pool", "pool x2", ""][*who];
            let deps = if ds.is_empty() { "-".into() } else { ds.join(", ") };
            let _ = writeln!(s, "| T{i} | Task {i} | {est}d | {deps} | {owner} |");
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn schedules_respect_links_and_capacities(plan in plan_strategy()) {
        let w = ws(&plan);
        let s = schedule::schedule(&w, &Config::default(), &Options::new(date(2026, 11, 1))).unwrap();
        let doc = &w.documents[0];
        let at = |id: &str| s.tasks.iter().find(|t| t.id == id).unwrap();
        for t in &doc.tasks {
            let me = at(&t.id);
            let est = t.estimate.as_ref().map_or(0.0, |e| e.likely_hours(planmark::model::WorkTime::default()) / 8.0) as i64;
            prop_assert_eq!(me.finish_day - me.start_day, est);
            prop_assert!(me.start >= s.start);
            for d in &t.dependencies {
                let other = at(&d.target);
                let lag = d.lag.map_or(0.0, |q| q.amount) as i64;
                let ok = match d.kind {
                    planmark::model::LinkKind::FinishToStart => me.start_day >= other.finish_day + lag,
                    planmark::model::LinkKind::StartToStart => me.start_day >= other.start_day + lag,
                    planmark::model::LinkKind::FinishToFinish => me.finish_day >= other.finish_day + lag,
                    planmark::model::LinkKind::StartToFinish => me.finish_day >= other.start_day + lag,
                };
                prop_assert!(ok, "{} {:?} {}", t.id, d.kind, d.target);
            }
        }
        // Capacities, day by day: people 1, the pool 2.
        for day in 0..s.makespan_days {
            let mut use_: std::collections::HashMap<String, f64> = std::collections::HashMap::default();
            for (t, me) in doc.tasks.iter().zip(&s.tasks) {
                if me.start_day <= day && day < me.finish_day {
                    for r in &t.resources {
                        *use_.entry(r.name.clone()).or_default() += r.units;
                    }
                }
            }
            for (name, u) in use_ {
                let cap = if name == "pool" { 2.0 } else { 1.0 };
                prop_assert!(u <= cap, "{} booked {} on day {}", name, u, day);
            }
            // Calendar: every day a task runs on is a working day.
        }
        for t in &s.tasks {
            prop_assert!(!matches!(t.start.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday));
            prop_assert!(!matches!(t.finish.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday));
        }
        // Deterministic.
        let again = schedule::schedule(&w, &Config::default(), &Options::new(date(2026, 11, 1))).unwrap();
        prop_assert_eq!(serde_json::to_string(&s).unwrap(), serde_json::to_string(&again).unwrap());
    }
}

/// A start-to-start link to a longer task: the successor may finish first,
/// so the levelling's backward pass cannot take finish order as a
/// feasible order (a search once put this successor before its
/// predecessor's start plus lag).
#[test]
fn levelling_keeps_start_to_start_lags() {
    let plan = "---\nstart: 2026-11-30\nphases: parallel\nresources:\n  pool: 2\n---\n# P\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Owner |\n|---|---|---|---|---|\n| T0 | Task 0 | 3d | - | pool x2 |\n| T1 | Task 1 | 3d | - | @ann |\n| T2 | Task 2 | 3d | - | @ann |\n| T3 | Task 3 | 1d | - | @ann |\n| T4 | Task 4 | 1d | - | @ann |\n| T5 | Task 5 | 1d | T2 SS+1d | pool x2 |\n| T6 | Task 6 | 2d | - | pool x2 |\n| T7 | Task 7 | 3d | - | pool |\n";
    let w = ws(plan);
    for seed in 1..40 {
        let mut opts = Options::new(date(2026, 11, 30));
        opts.seed = seed;
        let s = schedule::schedule(&w, &Config::default(), &opts).unwrap();
        let at = |id: &str| s.tasks.iter().find(|t| t.id == id).unwrap();
        assert!(
            at("T5").start_day > at("T2").start_day,
            "seed {seed}: T5 starts on day {}, T2 on day {}",
            at("T5").start_day,
            at("T2").start_day
        );
    }
}
