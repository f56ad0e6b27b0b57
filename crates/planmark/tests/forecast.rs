//! The forecast against analytic answers. Every tolerance is a multiple of
//! the standard error the sample size gives, never a tuned constant.

use std::fmt::Write as _;

use jiff::civil::{Date, date};
use planmark::config::Config;
use planmark::forecast::{self, Forecast, Options, Shape};
use planmark::model::Workspace;
use planmark::schedule;

/// Standard errors allowed: a false alarm about once in 150,000 checks.
const Z: f64 = 4.5;
const RUNS: u32 = 20_000;

fn ws(text: &str) -> Workspace {
    Workspace {
        root: String::new(),
        documents: vec![planmark::syntax::parse_str("plan.md", text).into()],
        findings: vec![],
    }
}

fn today() -> Date {
    date(2026, 11, 1)
}

fn try_run(text: &str, config: &str, opts: &Options) -> Result<Forecast, forecast::ForecastError> {
    let config = Config::parse(config).unwrap();
    let w = ws(text);
    let s = schedule::schedule(&w, &config, &schedule::Options::new(today())).unwrap();
    forecast::forecast(&w, &config, &s, opts, None)
}

fn run(text: &str, config: &str) -> Forecast {
    let opts = Options {
        runs: Some(RUNS),
        ..Options::default()
    };
    try_run(text, config, &opts).unwrap()
}

/// A plan starting Monday 2026-11-30 with these task rows
/// (`| ID | Task | Estimate | Dependencies |`).
fn plan(rows: &str) -> String {
    format!(
        "---\nstart: 2026-11-30\n---\n# P\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies |\n|---|---|---|---|\n{rows}"
    )
}

/// Mean, variance and fourth cumulant of PERT(o, m, p).
fn pert(o: f64, m: f64, p: f64) -> (f64, f64, f64) {
    let w = p - o;
    let a = 1.0 + 4.0 * (m - o) / w;
    let b = 1.0 + 4.0 * (p - m) / w;
    let s = a + b;
    let mean = o + w * a / s;
    let var = w * w * a * b / (s * s * (s + 1.0));
    let excess =
        6.0 * ((a - b).powi(2) * (s + 1.0) - a * b * (s + 2.0)) / (a * b * (s + 2.0) * (s + 3.0));
    (mean, var, excess * var * var)
}

fn close(what: &str, got: f64, want: f64, se: f64) {
    assert!(
        (got - want).abs() <= Z * se,
        "{what}: {got} against {want} (standard error {se})"
    );
}

#[test]
fn a_chain_of_pert_tasks_sums_means_and_variances() {
    let points = [
        (2.0, 4.0, 8.0),
        (1.0, 3.0, 5.0),
        (3.0, 3.0, 6.0),
        (0.5, 1.0, 4.0),
        (2.0, 5.0, 5.0),
        (1.0, 2.0, 9.0),
        (4.0, 6.0, 7.0),
        (1.0, 1.5, 2.0),
    ];
    let mut rows = String::new();
    let (mut mean, mut var, mut k4) = (0.0, 0.0, 0.0);
    for (i, &(o, m, p)) in points.iter().enumerate() {
        let dep = if i == 0 {
            "-".to_owned()
        } else {
            format!("T{i}")
        };
        let _ = writeln!(rows, "| T{} | Step | {o}d/{m}d/{p}d | {dep} |", i + 1);
        let (a, b, c) = pert(o, m, p);
        mean += a;
        var += b;
        k4 += c;
    }
    let f = run(&plan(&rows), "");
    let n = f64::from(RUNS);
    close("mean", f.finish.mean_days, mean, (var / n).sqrt());
    // The sample variance's standard error from the sum's fourth moment.
    let mu4 = k4 + 3.0 * var * var;
    let se_var = ((mu4 - var * var) / n).sqrt();
    close("variance", f.finish.std_days.powi(2), var, se_var);
    // Every task of a chain is on the critical path in every run.
    assert!(f.tasks.iter().all(|t| (t.criticality - 1.0).abs() < 1e-12));
    // The widest estimate drives the spread most.
    assert_eq!(f.drivers(1)[0].id, "T6");
    assert_eq!(f.distribution, Shape::Pert);
}

/// PERT(2, 3, 4) is Beta(3, 3) on [2, 4]; PERT(2, 2, 4) is Beta(1, 5).
fn cdf_a(t: f64) -> f64 {
    let x = ((t - 2.0) / 2.0).clamp(0.0, 1.0);
    x.powi(3) * (10.0 - 15.0 * x + 6.0 * x * x)
}

fn cdf_b(t: f64) -> f64 {
    let x = ((t - 2.0) / 2.0).clamp(0.0, 1.0);
    1.0 - (1.0 - x).powi(5)
}

#[test]
fn two_parallel_chains_finish_at_their_maximum() {
    let f = run(
        &plan("| A | Left | 2d/3d/4d | - |\n| B | Right | 2d/2d/4d | - |\n"),
        "",
    );
    // Moments of max(A, B) from its distribution F_A·F_B (Simpson's rule).
    let steps = 20_000;
    let h = 2.0 / f64::from(steps);
    let density = |t: f64| {
        let e = 1e-6;
        (cdf_a(t + e) * cdf_b(t + e) - cdf_a(t - e) * cdf_b(t - e)) / (2.0 * e)
    };
    let moment = |k: i32, c: f64| {
        let mut s = 0.0;
        for i in 0..=steps {
            let t = 2.0 + f64::from(i) * h;
            let w = if i == 0 || i == steps {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            s += w * (t - c).powi(k) * density(t);
        }
        s * h / 3.0
    };
    let mean = moment(1, 0.0);
    let var = moment(2, mean);
    let n = f64::from(RUNS);
    close(
        "mean of the maximum",
        f.finish.mean_days,
        mean,
        (var / n).sqrt(),
    );
    let se_var = ((moment(4, mean) - var * var) / n).sqrt();
    close(
        "variance of the maximum",
        f.finish.std_days.powi(2),
        var,
        se_var,
    );
    // Runs finishing within the third working day: F_A(3)·F_B(3).
    let p = cdf_a(3.0) * cdf_b(3.0);
    let by_day3: u32 = f
        .finish
        .histogram
        .iter()
        .filter(|b| b.to_day <= 3)
        .map(|b| b.runs)
        .sum();
    close(
        "share finished by day 3",
        f64::from(by_day3) / n,
        p,
        (p * (1.0 - p) / n).sqrt(),
    );
    // A is critical when it is the longer one: P(A > B).
    let pa = {
        // P(A > B) = ∫ F_B(t) dF_A(t).
        let mut s = 0.0;
        let steps = 20_000;
        for i in 0..steps {
            let t0 = 2.0 + 2.0 * f64::from(i) / f64::from(steps);
            let t1 = 2.0 + 2.0 * f64::from(i + 1) / f64::from(steps);
            s += cdf_b(0.5 * (t0 + t1)) * (cdf_a(t1) - cdf_a(t0));
        }
        s
    };
    let a = f.tasks.iter().find(|t| t.id == "A").unwrap();
    close(
        "criticality of A",
        a.criticality,
        pa,
        (pa * (1.0 - pa) / n).sqrt(),
    );
}

#[test]
fn a_risk_delays_the_finish_in_its_share_of_runs() {
    let text = format!(
        "{}\n## Risks\n\n| ID | Risk | Likelihood | Impact | Delay | Affects |\n|---|---|---|---|---|---|\n\
         | R1 | Vendor late | 30% | High | +2d | T2 |\n| R2 | Nobody cares | Low | Low | | |\n",
        plan("| T1 | Build | 5d | - |\n| T2 | Ship | 1d | T1 |\n")
    );
    let f = run(&text, "[forecast]\ndefault_spread = \"0\"\n");
    // Without spread the finish is day 6, or day 8 when the risk happens.
    assert_eq!(f.uncertain_tasks, 0);
    let n = f64::from(RUNS);
    let late: u32 = f
        .finish
        .histogram
        .iter()
        .filter(|b| b.from_day > 6)
        .map(|b| b.runs)
        .sum();
    let on_time: u32 = f
        .finish
        .histogram
        .iter()
        .filter(|b| b.to_day <= 6)
        .map(|b| b.runs)
        .sum();
    assert_eq!(late + on_time, RUNS);
    assert_eq!(f.finish.percentiles[100].days, 8);
    assert_eq!(f.finish.percentiles[0].days, 6);
    close(
        "share delayed",
        f64::from(late) / n,
        0.3,
        (0.3 * 0.7 / n).sqrt(),
    );
    let r = &f.risks[0];
    assert_eq!(r.id, "R1");
    assert!((r.occurred - f64::from(late) / n).abs() < 1e-12);
    assert!((r.effect_days - 2.0).abs() < 1e-9, "{}", r.effect_days);
    assert!((r.delay_days - 2.0).abs() < 1e-12);
    // The risk naming no task is reported, not guessed.
    assert_eq!(f.skipped_risks.len(), 1);
    assert!(f.skipped_risks[0].reason.contains("names no task"));
}

#[test]
fn likelihood_and_impact_levels_map_to_the_configured_values() {
    let text = format!(
        "{}\n## Risks\n\n| Risk | Likelihood | Impact | Affects |\n|---|---|---|---|\n\
         | Vendor late | High | Medium | T1 |\n",
        plan("| T1 | Build | 5d | - |\n")
    );
    let f = run(
        &text,
        "[forecast]\ndefault_spread = \"0\"\nlikelihood = { high = \"50%\" }\nimpact_delay = { medium = \"1w\" }\n",
    );
    let r = &f.risks[0];
    assert!((r.probability - 0.5).abs() < 1e-12);
    assert!((r.delay_days - 5.0).abs() < 1e-12);
    assert_eq!(f.finish.percentiles[100].days, 10);
    let n = f64::from(RUNS);
    close("share delayed", r.occurred, 0.5, (0.25 / n).sqrt());
}

#[test]
fn single_point_estimates_get_the_default_spread() {
    let f = run(&plan("| T1 | Build | 10d | - |\n"), "");
    // PERT(9, 10, 15): mean (9 + 40 + 15) / 6.
    let (mean, var, _) = pert(9.0, 10.0, 15.0);
    close(
        "mean",
        f.finish.mean_days,
        mean,
        (var / f64::from(RUNS)).sqrt(),
    );
    assert_eq!(f.spread.to_string(), "-10%/+50%");
    let t = &f.tasks[0];
    let r = t.range_days.unwrap();
    assert!((r[0] - 9.0).abs() < 1e-9 && (r[1] - 10.0).abs() < 1e-9 && (r[2] - 15.0).abs() < 1e-9);
    // The triangular option: mean (9 + 10 + 15) / 3.
    let f = run(
        &plan("| T1 | Build | 10d | - |\n"),
        "[forecast]\ndistribution = \"triangular\"\n",
    );
    let var = (81.0 + 100.0 + 225.0 - 90.0 - 135.0 - 150.0) / 18.0;
    close(
        "triangular mean",
        f.finish.mean_days,
        34.0 / 3.0,
        (var / f64::from(RUNS)).sqrt(),
    );
}

/// A plan with people, a pool, phases, a milestone, risks and a deadline.
fn rich() -> String {
    "---\nstart: 2026-11-30\ndeadline: 2027-01-15\nresources:\n  backend: 2\n---\n# Checkout\n\n\
     ## Milestones\n\n- [ ] Milestone 1: Beta (target 2026-12-18, after Phase 1)\n\n\
     ## Tasks\n\n### Phase 1: Core\n\n\
     | ID | Task | Estimate | Owner | Dependencies |\n|---|---|---|---|---|\n\
     | 1.1 | Schema | 2d/3d/6d | @ana | - |\n| 1.2 | API | 3-5d | backend | 1.1 |\n\
     | 1.3 | Client | 4d | @ana | 1.1 |\n| 1.4 | Auth | 2d | backend | - |\n\n\
     ### Phase 2: Launch\n\n\
     | ID | Task | Estimate | Owner | Dependencies |\n|---|---|---|---|---|\n\
     | 2.1 | Load test | 1d/2d/5d | backend x2 | - |\n| 2.2 | Docs | 2d | @ana | - |\n| 2.3 | Release | 0.5d | @ana | 2.1, 2.2 |\n\n\
     ## Risks\n\n| Risk | Likelihood | Impact | Delay | Affects |\n|---|---|---|---|---|\n\
     | Vendor API changes | Medium | High | +3d | 1.2 |\n| Load test fails | 20% | High | +2d | 2.1 |\n"
        .to_owned()
}

#[test]
fn the_same_seed_gives_the_same_forecast_on_any_number_of_threads() {
    let text = rich();
    let opts = Options {
        runs: Some(3_000),
        seed: Some(7),
        ..Options::default()
    };
    let on = |threads: usize, opts: &Options| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| serde_json::to_string(&try_run(&text, "", opts).unwrap()).unwrap())
    };
    let one = on(1, &opts);
    assert_eq!(one, on(2, &opts));
    assert_eq!(one, on(5, &opts));
    let other = Options {
        seed: Some(8),
        ..opts.clone()
    };
    assert_ne!(one, on(2, &other));
    // Levelled runs too.
    let lv = Options {
        level: true,
        ..opts.clone()
    };
    assert_eq!(on(1, &lv), on(3, &lv));
}

#[test]
fn milestones_deadlines_and_resources_are_forecast() {
    let f = run(&rich(), "");
    assert_eq!(f.method, forecast::Method::ResourceOrder);
    assert_eq!(f.milestones.len(), 1);
    let m = &f.milestones[0];
    assert!(m.probability.is_some());
    assert!(m.outcome.p50 <= m.outcome.p80 && m.outcome.p80 <= m.outcome.p95);
    let d = f.deadline.as_ref().unwrap();
    assert_eq!(d.date, date(2027, 1, 15));
    assert!((0.0..=1.0).contains(&d.probability));
    // The percentiles never run before the earliest possible finish.
    assert!(
        f.finish
            .percentiles
            .windows(2)
            .all(|w| w[0].days <= w[1].days)
    );
    let total: u32 = f.finish.histogram.iter().map(|b| b.runs).sum();
    assert_eq!(total, RUNS);
    assert_eq!(f.risks.len(), 2);
    // Ana's three tasks follow each other in every run: all critical at
    // least as often as anything else of hers.
    let crit = |id: &str| f.tasks.iter().find(|t| t.id == id).unwrap().criticality;
    assert!(crit("2.3") > 0.99, "{}", crit("2.3"));
    // Levelling again in each run gives a forecast of its own method.
    let opts = Options {
        runs: Some(2_000),
        level: true,
        ..Options::default()
    };
    let g = try_run(&rich(), "", &opts).unwrap();
    assert_eq!(g.method, forecast::Method::Levelled);
    assert!(g.finish.p50 >= g.start);
}

#[test]
fn levelled_runs_serialise_a_shared_person() {
    // Two tasks of one person, no links: levelled, one after the other.
    let text = "---\nstart: 2026-11-30\n---\n# P\n\n## Tasks\n\n| ID | Task | Estimate | Owner |\n|---|---|---|---|\n\
         | A | One | 1d/2d/3d | @ana |\n| B | Two | 1d/2d/3d | @ana |\n";
    let opts = Options {
        runs: Some(RUNS),
        level: true,
        ..Options::default()
    };
    let f = try_run(text, "", &opts).unwrap();
    let (m, v, _) = pert(1.0, 2.0, 3.0);
    let n = f64::from(RUNS);
    // Levelled runs round to the nearest hour, which is unbiased.
    close("mean", f.finish.mean_days, 2.0 * m, (2.0 * v / n).sqrt());
    assert!(f.tasks.iter().all(|t| t.criticality > 0.99));
}

#[test]
fn estimates_out_of_order_stop_the_forecast() {
    let e = try_run(
        &plan("| T1 | Build | 5-2d | - |\n| T2 | Ship | 3d/2d/6d | T1 |\n"),
        "",
        &Options::default(),
    )
    .unwrap_err();
    let codes: Vec<&str> = e.findings().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["PM034", "PM034"]);
    assert!(e.findings()[0].message.contains("5-2d"));
}

#[test]
fn bad_settings_are_errors() {
    for (config, needle) in [
        (
            "[forecast]\ndefault_spread = \"+10%/+50%\"\n",
            "cannot be positive",
        ),
        ("[forecast]\ndefault_spread = \"lots\"\n", "not a spread"),
        ("[forecast]\ndistribution = \"normal\"\n", "not `pert`"),
        (
            "[forecast]\nlikelihood = { high = \"150%\" }\n",
            "between 0% and 100%",
        ),
        (
            "[forecast]\nimpact_delay = { high = \"soon\" }\n",
            "not a delay",
        ),
        ("[forecast]\nruns = 0\n", "not between"),
    ] {
        let e = try_run(
            &plan("| T1 | Build | 5d | - |\n"),
            config,
            &Options::default(),
        )
        .unwrap_err();
        assert!(matches!(e, forecast::ForecastError::Settings(_)));
        assert!(e.to_string().contains(needle), "{config}: {e}");
    }
}

#[test]
fn unreadable_probabilities_and_negative_estimates_are_reported() {
    let text = format!(
        "{}\n## Risks\n\n| Risk | Likelihood | Impact | Delay | Affects |\n|---|---|---|---|---|\n\
         | Vendor late | 150% | High | soon | T1 |\n",
        plan("| T1 | Build | -2d | - |\n")
    );
    let w = ws(&text);
    let msgs: Vec<String> = w.documents[0]
        .findings
        .iter()
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("PM003") && m.contains("negative")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("PM010") && m.contains("between 0% and 100%")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("PM003") && m.contains("delay `soon`")),
        "{msgs:?}"
    );
    let f = run(&text, "");
    assert_eq!(f.unestimated_tasks, 1);
    assert!(f.skipped_risks[0].reason.contains("150%"));
}

#[test]
fn done_work_is_certain_and_open_work_starts_today() {
    // T1 is done, T2 in progress, T3 waits for T2; today is Wednesday of
    // the second week (working day 7).
    let text = "---\nstart: 2026-11-30\n---\n# P\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Status |\n|---|---|---|---|---|\n\
        | T1 | Build | 5d | - | Done |\n| T2 | Test | 2d/3d/4d | T1 | In progress |\n| T3 | Ship | 1d/1d/3d | T2 | Todo |\n";
    let config = Config::parse("").unwrap();
    let w = ws(text);
    let s = schedule::schedule(&w, &config, &schedule::Options::new(date(2026, 12, 9))).unwrap();
    let opts = Options {
        runs: Some(RUNS),
        ..Options::default()
    };
    let f = forecast::forecast(&w, &config, &s, &opts, None).unwrap();
    // Seven working days have passed; T2 and T3 take 3 to 7 more.
    assert!(
        f.finish.percentiles[0].days >= 7 + 3,
        "{:?}",
        f.finish.percentiles[0]
    );
    assert!(f.finish.percentiles[100].days <= 7 + 7);
    let (m2, v2, _) = pert(2.0, 3.0, 4.0);
    let (m3, v3, _) = pert(1.0, 1.0, 3.0);
    close(
        "mean",
        f.finish.mean_days,
        7.0 + m2 + m3,
        ((v2 + v3) / f64::from(RUNS)).sqrt(),
    );
    assert!(
        f.tasks.iter().all(|t| t.id != "T1"),
        "done work has no odds"
    );
    assert_eq!(f.uncertain_tasks, 2);
}

mod properties {
    use std::fmt::Write as _;

    use proptest::prelude::*;

    use super::*;

    /// A random plan: estimates single, ranges or three points (some out of
    /// order), links of every kind, people and a pool, any status, risks
    /// naming tasks or not.
    fn plans() -> impl Strategy<Value = String> {
        let row = (
            (1u32..6, 0u32..4, 0u32..6, 0usize..4),
            prop::collection::vec((0usize..20, 0usize..4, -1i32..3), 0..3),
            (0usize..5, 0usize..4),
        );
        let risk = (0usize..25, 0usize..5, 0u32..4);
        (
            prop::collection::vec(row, 1..20),
            prop::collection::vec(risk, 0..4),
        )
            .prop_map(|(rows, risks)| {
                let mut s = String::from("---\nstart: 2026-11-30\nphases: parallel\nresources:\n  pool: 2\n---\n# P\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies | Owner | Status |\n|---|---|---|---|---|---|\n");
                for (i, ((a, b, c, form), deps, (who, status))) in rows.iter().enumerate() {
                    let est = match form {
                        0 => format!("{a}d"),
                        1 => format!("{a}-{}d", a + b),
                        2 => format!("{a}d/{}d/{}d", a + b, a + b + c),
                        _ => format!("{a}d/{b}d/{c}d"),
                    };
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
                    let status = ["Todo", "Done", "In progress", "Cancelled"][*status];
                    let deps = if ds.is_empty() { "-".into() } else { ds.join(", ") };
                    let _ = writeln!(s, "| T{i} | Task {i} | {est} | {deps} | {owner} | {status} |");
                }
                s.push_str("\n## Risks\n\n| Risk | Likelihood | Impact | Delay | Affects |\n|---|---|---|---|---|\n");
                for (k, (target, likely, delay)) in risks.iter().enumerate() {
                    let likely = ["Low", "High", "35%", "100%", "150%"][*likely];
                    let _ = writeln!(s, "| Risk {k} | {likely} | High | +{delay}d | T{target} |");
                }
                s
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn forecasts_are_consistent_or_refused(text in plans(), level in any::<bool>()) {
            let config = Config::parse("").unwrap();
            let w = ws(&text);
            let s = schedule::schedule(&w, &config, &schedule::Options::new(date(2026, 12, 2))).unwrap();
            // Every picture of any plan is well-formed and fits its width.
            for svg in [
                planmark::render::gantt_svg(&w, &s),
                planmark::render::graph_svg(&w, &s),
                planmark::render::risk_matrix_svg(&w),
            ] {
                let mut reader = quick_xml::Reader::from_str(&svg);
                loop {
                    match reader.read_event() {
                        Ok(quick_xml::events::Event::Eof) => break,
                        Ok(_) => {}
                        Err(e) => prop_assert!(false, "not well-formed: {e}"),
                    }
                }
            }
            for line in planmark::render::gantt_text(&w, &s, false, 60).lines() {
                prop_assert!(line.chars().count() <= 60, "{line}");
            }
            prop_assert!(planmark::render::gantt_mermaid(&w, &s).starts_with("gantt\n"));
            let opts = Options { runs: Some(300), level, ..Options::default() };
            let out_of_order = w.documents[0].tasks.iter().any(|t| {
                !t.status.is_closed() && t.estimate.as_ref().is_some_and(|e| e.out_of_order().is_some())
            });
            match forecast::forecast(&w, &config, &s, &opts, None) {
                Err(e) => {
                    prop_assert!(out_of_order);
                    prop_assert!(e.findings().iter().all(|d| d.code.as_str() == "PM034"));
                }
                Ok(f) => {
                    prop_assert!(!out_of_order);
                    let p = &f.finish.percentiles;
                    prop_assert!(p.windows(2).all(|w| w[0].days <= w[1].days));
                    prop_assert!(p[0].date >= f.start);
                    prop_assert_eq!(f.finish.histogram.iter().map(|b| b.runs).sum::<u32>(), 300);
                    for t in &f.tasks {
                        prop_assert!((0.0..=1.0).contains(&t.criticality));
                        prop_assert!(t.sensitivity.is_none_or(|x| (-1.0..=1.0).contains(&x)));
                    }
                    for r in &f.risks {
                        prop_assert!((0.0..=1.0).contains(&r.probability));
                    }
                    let again = forecast::forecast(&w, &config, &s, &opts, None).unwrap();
                    prop_assert_eq!(serde_json::to_string(&f).unwrap(), serde_json::to_string(&again).unwrap());
                }
            }
        }
    }
}

/// Every fixture and example plan, one at a time and together: the
/// forecast runs, or refuses only for estimates out of order.
#[test]
fn every_fixture_and_example_can_be_forecast() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = Vec::new();
    for dir in [root.join("tests/fixtures"), root.join("../../examples")] {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            docs.push(std::sync::Arc::new(planmark::syntax::parse_str(
                &name, &text,
            )));
        }
    }
    let config = Config::parse("").unwrap();
    let opts = Options {
        runs: Some(500),
        ..Options::default()
    };
    let (mut scheduled, mut forecast_ok) = (0, 0);
    let one_by_one = docs.iter().map(|d| vec![d.clone()]);
    for documents in one_by_one.chain(std::iter::once(docs.clone())) {
        let w = Workspace {
            root: String::new(),
            documents,
            findings: vec![],
        };
        // extra-columns.md demands more of a pool than it has (PM033).
        let Ok(s) = schedule::schedule(&w, &config, &schedule::Options::new(today())) else {
            continue;
        };
        scheduled += 1;
        match forecast::forecast(&w, &config, &s, &opts, None) {
            Ok(f) => {
                forecast_ok += 1;
                let p = &f.finish.percentiles;
                assert!(p.windows(2).all(|x| x[0].days <= x[1].days));
                assert!(p[0].date >= s.start);
                let total: u32 = f.finish.histogram.iter().map(|b| b.runs).sum();
                assert_eq!(total, 500);
            }
            Err(e) => assert!(
                e.findings().iter().all(|d| d.code.as_str() == "PM034"),
                "{:?}",
                e.findings()
            ),
        }
    }
    assert_eq!(forecast_ok, scheduled);
    assert!(
        scheduled >= docs.len() - 1,
        "{scheduled} of {}",
        docs.len() + 1
    );
}

#[test]
fn three_point_columns_are_read_as_estimates() {
    // The PERT worksheet form: one column per point.
    let text = "---\nstart: 2026-11-30\n---\n# P\n\n## Tasks\n\n\
        | ID | Task | Optimistic (d) | Most likely (d) | Pessimistic (d) | Dependencies |\n|---|---|---|---|---|---|\n\
        | A | Build | 2 | 4 | 8 | - |\n| B | Test | 1 | 2 | 6 | A |\n";
    let w = ws(text);
    let e = w.documents[0].tasks[0].estimate.as_ref().unwrap();
    assert_eq!(e.text(), "2d/4d/8d");
    let f = run(text, "");
    let ((ma, va, _), (mb, vb, _)) = (pert(2.0, 4.0, 8.0), pert(1.0, 2.0, 6.0));
    close(
        "mean",
        f.finish.mean_days,
        ma + mb,
        ((va + vb) / f64::from(RUNS)).sqrt(),
    );
    // An Estimate column with best and worst cases beside it; a range
    // when only the ends are given; an unreadable point is reported.
    let text = "# P\n\n## Tasks\n\n| Task | Estimate | Best case | Worst case |\n|---|---|---|---|\n\
        | Build | 3d | 2d | 6d |\n| Test | | 1d | 2d |\n| Ship | 1d | soon | 2d |\n";
    let d = &ws(text).documents[0];
    assert_eq!(d.tasks[0].estimate.as_ref().unwrap().text(), "2d/3d/6d");
    assert_eq!(d.tasks[1].estimate.as_ref().unwrap().text(), "1d-2d");
    assert_eq!(d.tasks[2].estimate.as_ref().unwrap().text(), "1d");
    assert!(
        d.findings
            .iter()
            .any(|x| x.code.as_str() == "PM003" && x.message.contains("soon"))
    );
}

#[test]
fn an_impact_written_as_time_is_the_delay() {
    let text = format!(
        "{}\n## Risks\n\n| Risk | Probability | Impact | Affects |\n|---|---|---|---|\n\
         | Vendor late | 40% | +2 weeks | T1 |\n\n### Risk 2: Key person leaves\n\n- Likelihood: 20%\n- Impact: 3 days delay\n- Affects: T1\n",
        plan("| T1 | Build | 5d | - |\n")
    );
    let w = ws(&text);
    let d = &w.documents[0];
    assert!(
        d.findings.iter().all(|f| f.code.as_str() != "PM010"),
        "{:?}",
        d.findings
    );
    let f = run(&text, "[forecast]\ndefault_spread = \"0\"\n");
    assert_eq!(f.risks.len(), 2, "{:?}", f.skipped_risks);
    assert!((f.risks[0].delay_days - 10.0).abs() < 1e-9);
    assert!((f.risks[1].delay_days - 3.0).abs() < 1e-9);
}
