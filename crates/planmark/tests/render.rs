//! The pictures: well-formed XML, the elements they promise, stable output.

use std::fmt::Write as _;

use jiff::civil::date;
use planmark::config::Config;
use planmark::model::Workspace;
use planmark::render;
use planmark::schedule::{self, Schedule};

fn ws(text: &str) -> Workspace {
    Workspace {
        root: String::new(),
        documents: vec![planmark::syntax::parse_str("plan.md", text).into()],
        findings: vec![],
    }
}

fn scheduled(text: &str) -> (Workspace, Schedule) {
    let w = ws(text);
    let s = schedule::schedule(
        &w,
        &Config::default(),
        &schedule::Options::new(date(2026, 12, 3)),
    )
    .unwrap();
    (w, s)
}

/// Parses `svg` as XML and returns its elements as (name, class) pairs.
fn elements(svg: &str) -> Vec<(String, String)> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let class = e
                    .attributes()
                    .map(|a| a.expect("a well-formed attribute"))
                    .find(|a| a.key.as_ref() == b"class")
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                    .unwrap_or_default();
                out.push((name, class));
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
    // Every element closed: quick-xml checks end names as it reads.
    out
}

fn count(els: &[(String, String)], name: &str, class: &str) -> usize {
    els.iter()
        .filter(|(n, c)| n == name && c.split(' ').any(|x| x == class))
        .count()
}

/// A plan with phases, links, people, a milestone, a deadline, done and
/// in-progress work, a holiday, a long title and characters XML escapes.
const PLAN: &str = "---\nstart: 2026-11-30\ndeadline: 2026-12-24\nholidays: [2026-12-08]\n---\n# Checkout rewrite & \"more\" (a < b)\n\n\
## Milestones\n\n- [ ] Milestone 1: Beta (target 2026-12-11, after Phase 1)\n\n\
## Tasks\n\n### Phase 1: Core\n\n\
| ID | Task | Estimate | Owner | Dependencies | Status |\n|---|---|---|---|---|---|\n\
| 1.1 | Schema & migrations for the new ledger tables (a < b) with a very long title indeed | 2d | @ana | - | Done |\n\
| 1.2 | API | 3d | @ana | 1.1 | In progress |\n\
| 1.3 | Client | 2d | @bo | 1.1 | Todo |\n\n\
### Phase 2: Launch\n\n\
| ID | Task | Estimate | Owner | Dependencies | Status |\n|---|---|---|---|---|---|\n\
| 2.1 | Load test | 2d | @bo | 1.2 | Todo |\n\
| 2.2 | Release | 1d | @ana | 2.1, 1.3 | Todo |\n\n\
## Risks\n\n| Risk | Likelihood | Impact | Mitigation | Affects | Delay |\n|---|---|---|---|---|---|\n\
| Vendor API changes > 2 a year | Medium | High | Pin the version | 1.2 | +2d |\n\
| Load test fails | Low | High | | 2.1 | +1d |\n\
| Team churn | High | Low | Pairing | | |\n\n\
## Action Items\n\n| Action | Owner | Due Date |\n|---|---|---|\n\
| Book the \"load\" lab | @bo | 2026-12-01 |\n| Sign off | @ana | 2026-12-20 |\n";

#[test]
fn the_gantt_chart_has_a_bar_per_task_an_arrow_per_link_and_the_critical_path() {
    let (w, s) = scheduled(PLAN);
    let svg = render::gantt_svg(&w, &s);
    let els = elements(&svg);
    assert_eq!(count(&els, "g", "task"), 5);
    assert_eq!(count(&els, "rect", "bar"), 5);
    let critical = s.tasks.iter().filter(|t| t.critical).count();
    assert!(critical > 0);
    assert_eq!(count(&els, "rect", "critical"), critical);
    // 1.2←1.1, 1.3←1.1, 2.1←1.2, 2.2←2.1, 2.2←1.3.
    assert_eq!(count(&els, "path", "dep"), 5);
    assert_eq!(count(&els, "path", "milestone"), 1);
    assert_eq!(count(&els, "line", "today"), 1);
    assert_eq!(count(&els, "line", "deadline"), 1);
    // Weekends and the holiday are shaded.
    assert!(count(&els, "rect", "off") >= 4);
    // Done work is filled; work in progress up to today.
    assert_eq!(count(&els, "rect", "progress"), 2);
    // Phases are groups with a summary bar.
    assert_eq!(count(&els, "rect", "summary"), 2);
    // Long labels are cut, with the whole title in the tooltip.
    assert!(svg.contains(
        "Schema &amp; migrations for the new ledger tables (a &lt; b) with a very long title indeed"
    ));
    assert!(svg.contains('…'));
    // Owners beside the bars.
    assert!(svg.contains(">ana<") && svg.contains(">bo<"));
    // The same input gives the same bytes.
    assert_eq!(svg, render::gantt_svg(&w, &s));
    insta::assert_snapshot!("gantt", svg);
}

#[test]
fn a_500_task_gantt_stays_readable() {
    let mut text = String::from(
        "---\nstart: 2026-11-30\n---\n# Big\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies |\n|---|---|---|---|\n",
    );
    for i in 0..500 {
        let dep = if i == 0 {
            "-".to_owned()
        } else {
            format!("T{}", i / 2)
        };
        let _ = writeln!(
            text,
            "| T{i} | Step {i} with a title long enough to need cutting at some point | {}d | {dep} |",
            1 + i % 3
        );
    }
    let (w, s) = scheduled(&text);
    let svg = render::gantt_svg(&w, &s);
    let els = elements(&svg);
    assert_eq!(count(&els, "rect", "bar"), 500);
    assert_eq!(count(&els, "path", "dep"), 499);
    // Rows of 20 px, a bar of at least 2 px, days at least 2 px wide.
    assert!(svg.contains(r#"height="12""#));
    let height: f64 = svg
        .split("height=\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(height >= 500.0 * 20.0);
}

#[test]
fn the_risk_matrix_places_each_rated_risk_in_its_cell() {
    let w = ws(PLAN);
    let svg = render::risk_matrix_svg(&w);
    let els = elements(&svg);
    // Low/Medium/High only: a 3 × 3 matrix.
    assert_eq!(count(&els, "rect", "cell"), 9);
    assert_eq!(count(&els, "g", "risk"), 3);
    // Listed by exposure: medium × high (9) first, then low × high and
    // high × low (6 each).
    let first = svg.find("1. Vendor API").unwrap();
    assert!(svg.find("2. Load test fails").unwrap() > first);
    assert!(svg.contains("Vendor API changes &gt; 2 a year"));
    assert!(svg.contains("data-likelihood=\"2\" data-impact=\"3\""));
    insta::assert_snapshot!("risk_matrix", svg);
    let text = render::risk_matrix_text(&w, false, 80);
    assert!(
        text.contains("1. Vendor API changes > 2 a year (Medium × High)"),
        "{text}"
    );
}

#[test]
fn the_dependency_graph_is_layered_and_exported() {
    let (w, s) = scheduled(PLAN);
    let svg = render::graph_svg(&w, &s);
    let els = elements(&svg);
    assert_eq!(count(&els, "rect", "node"), 5);
    assert_eq!(count(&els, "path", "dep"), 5);
    assert!(count(&els, "rect", "critical") > 0);
    // Every link points right: a later layer.
    for part in svg.split("<path class=\"dep").skip(1) {
        let d = part.split("d=\"M").nth(1).unwrap();
        let nums: Vec<f64> = d
            .split(['C', ' ', '"'])
            .take(8)
            .filter_map(|x| x.parse().ok())
            .collect();
        assert!(nums[6] > nums[0], "{d}");
    }
    let dot = render::graph_dot(&w, &s);
    assert!(dot.starts_with("digraph plan {"));
    assert_eq!(dot.matches(" -> ").count(), 5);
    assert!(dot.trim_end().ends_with('}'));
    let mmd = render::graph_mermaid(&w, &s);
    assert!(mmd.starts_with("flowchart LR\n"));
    assert_eq!(mmd.matches(" --> ").count(), 5);
    assert!(mmd.contains("class ") && mmd.contains(" critical"));
    insta::assert_snapshot!("graph_dot", dot);
}

#[test]
fn the_mermaid_gantt_names_every_task_once() {
    let (w, s) = scheduled(PLAN);
    let m = render::gantt_mermaid(&w, &s);
    assert!(m.starts_with("gantt\n    dateFormat YYYY-MM-DD\n"));
    assert!(m.contains("excludes weekends, 2026-12-08"));
    assert_eq!(m.matches("\n    section ").count(), 3);
    // No colon inside a task name: Mermaid reads it as the start of the data.
    for line in m.lines().filter(|l| l.contains(" :")) {
        let name = line.split(" :").next().unwrap();
        assert!(
            !name.contains(':') && !name.contains('#') && !name.contains(';'),
            "{line}"
        );
    }
    assert!(m.contains(":done, plan_1_1, 2026-11-30, "));
    assert!(m.contains(":milestone, plan_M1, "));
    insta::assert_snapshot!("gantt_mermaid", m);
}

#[test]
fn the_terminal_gantt_fits_the_width() {
    let (w, s) = scheduled(PLAN);
    for width in [40, 80, 200] {
        let text = render::gantt_text(&w, &s, false, width);
        for line in text.lines() {
            assert!(line.chars().count() <= width, "{width}: {line}");
        }
        assert!(text.contains('◆'));
        assert!(text.contains('█'), "critical work");
    }
    let colored = render::gantt_text(&w, &s, true, 80);
    assert!(colored.contains("\x1b[31m"));
}

#[test]
fn the_report_is_one_file_with_every_part() {
    let (w, s) = scheduled(PLAN);
    let f = planmark::forecast::forecast(
        &w,
        &Config::default(),
        &s,
        &planmark::forecast::Options {
            runs: Some(500),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let report = planmark::check::check(&w, &planmark::check::Options::new(date(2026, 12, 3)));
    let html = render::report_html(&render::ReportInput {
        ws: &w,
        work: planmark::model::WorkTime::default(),
        today: date(2026, 12, 3),
        findings: &report.diagnostics,
        schedule: Some(&s),
        forecast: Some(&f),
        history: None,
    });
    for id in [
        "summary",
        "findings",
        "gantt",
        "critical-path",
        "forecast",
        "risks",
        "actions",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    // Self-contained: nothing fetched, no scripts.
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("http://www.w3.org/2000/svg").count()
    );
    assert!(!html.contains("https://"));
    assert!(!html.contains("<script"));
    assert!(html.contains("prefers-color-scheme:dark"));
    assert!(html.contains("@media print"));
    assert!(html.contains("Checkout rewrite &amp; &quot;more&quot; (a &lt; b)"));
    // The SVG parts are well-formed inside it.
    for part in html.split("<svg").skip(1) {
        let svg = format!("<svg{}", &part[..part.find("</svg>").unwrap() + 6]);
        elements(&svg);
    }
}

#[test]
fn links_of_other_kinds_are_drawn_and_labelled_as_such() {
    let text = "---\nstart: 2026-11-30\n---\n# P\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies |\n|---|---|---|---|\n\
        | A | Build | 4d | - |\n| B | Docs | 2d | A SS+1d |\n| C | Test | 3d | A FF |\n| D | Ship | 1d | C |\n";
    let (w, s) = scheduled(text);
    let svg = render::gantt_svg(&w, &s);
    assert!(svg.contains("<title>SS+1d</title>") && svg.contains("<title>FF</title>"));
    // A start-to-start arrow leaves from the start of A's bar.
    let a_start = svg
        .split("data-id=\"A\"")
        .nth(1)
        .and_then(|x| x.split("x=\"").nth(2))
        .and_then(|x| x.split('"').next())
        .unwrap()
        .to_owned();
    assert!(
        svg.contains(&format!("data-from=\"A\" data-to=\"B\" d=\"M{a_start} ")),
        "{a_start}"
    );
    let dot = render::graph_dot(&w, &s);
    assert!(dot.contains("label=\"SS+1d\"") && dot.contains("label=\"FF\""));
    let mmd = render::graph_mermaid(&w, &s);
    assert!(mmd.contains("-->|\"SS+1d\"|") && mmd.contains(" --> "));
}
