//! `planmark check`: every rule against a fixture that triggers it and one
//! that does not, snapshots of the human output, the machine formats, the
//! suppression comments, the levels and the fixes.

use std::path::{Path, PathBuf};

use planmark::check::{Level, Options, RealFiles, Report, check_with, render};
use planmark::config::Config;
use planmark::diag::{Code, Severity};
use planmark::model::Workspace;
use planmark::templates::{Builtin, Vars};
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check")
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 21)
}

fn load(root: &Path, files: &[&str]) -> Workspace {
    let paths: Vec<PathBuf> = files.iter().map(|f| root.join(f)).collect();
    planmark::workspace::load(root, &paths, &Config::default()).unwrap()
}

fn run(files: &[&str], opts: &Options) -> (Workspace, Report) {
    let ws = load(&dir(), files);
    let report = check_with(&ws, opts, &RealFiles);
    (ws, report)
}

fn plain(ws: &Workspace, report: &Report) -> String {
    let style = render::Style {
        color: false,
        width: Some(100),
    };
    render::human(ws, &report.diagnostics, style)
}

fn codes(report: &Report) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// Each rule's bad fixture triggers it (human output snapshotted, carets
/// and all); its good fixture checks clean.
#[test]
fn every_rule_is_triggered_by_its_bad_fixture_and_not_by_its_good_one() {
    let opts = Options::new(today());
    let mut failures = Vec::new();
    for &code in Code::ALL {
        // A 256 MiB file is no fixture; robustness.rs covers PM011.
        if code == Code::TooLarge {
            continue;
        }
        let bad = format!("{code}.bad.md");
        let good = format!("{code}.good.md");
        let (ws, report) = run(&[&bad], &opts);
        if !report.diagnostics.iter().any(|d| d.code == code) {
            failures.push(format!(
                "{bad} does not trigger {code}: {:?}",
                codes(&report)
            ));
        }
        insta::with_settings!({ snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(code.as_str(), plain(&ws, &report));
        });
        let (_, report) = run(&[&good], &opts);
        if !report.diagnostics.is_empty() {
            failures.push(format!("{good} is not clean: {:?}", codes(&report)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_bundled_examples_check_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ws =
        planmark::workspace::load(&root, &[root.join("examples")], &Config::default()).unwrap();
    assert_eq!(ws.documents.len(), 3);
    let report = check_with(&ws, &Options::new(today()), &RealFiles);
    assert!(report.diagnostics.is_empty(), "{}", plain(&ws, &report));
}

#[test]
fn a_new_plan_has_only_template_findings() {
    for b in Builtin::ALL {
        for topic in [Some("Search rewrite"), None] {
            let vars = Vars {
                now: "2026-11-23T10:00".parse().unwrap(),
                topic: topic.map(Into::into),
                scope: None,
                timeframe: None,
            };
            let text = planmark::templates::render(b.text(), &vars);
            let doc = planmark::syntax::parse_str("new.md", &text);
            let ws = Workspace {
                documents: vec![doc.into()],
                ..Workspace::default()
            };
            let report = planmark::check::check(&ws, &Options::new(today()));
            assert!(
                report.diagnostics.len() > 10,
                "{}: {:?}",
                b.name(),
                codes(&report)
            );
            let other: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| !matches!(d.code, Code::TemplatePlaceholder | Code::EmptySection))
                .map(ToString::to_string)
                .collect();
            assert!(other.is_empty(), "{}: {other:#?}", b.name());
            let summary = render::summary(&report.diagnostics, 1);
            assert!(
                summary.contains("pieces of template text left"),
                "{summary}"
            );
        }
    }
}

#[test]
fn the_seed_templates_have_only_template_findings() {
    // The product brief's templates sit in `shared/` beside the repository.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let ws = load(
        &root,
        &["planning-session.md", "planning-implementation-guide.md"],
    );
    assert_eq!(ws.documents.len(), 2, "shared/seeds beside the repository");
    let r = check_with(&ws, &Options::new(today()), &RealFiles);
    for doc in &ws.documents {
        assert!(
            r.diagnostics.iter().any(|d| d.file == doc.path),
            "{}",
            doc.path
        );
    }
    let other: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| !matches!(d.code, Code::TemplatePlaceholder | Code::EmptySection))
        .map(ToString::to_string)
        .collect();
    assert!(other.is_empty(), "{other:#?}");
}

#[test]
fn disable_comments_silence_the_next_item_or_their_own_line() {
    let (ws, report) = run(&["suppressed.md"], &Options::new(today()));
    let found: Vec<(Code, u32)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.span.unwrap().line))
        .collect();
    // The table's ragged row and the commented item are silenced; the next item is not.
    assert_eq!(
        found,
        [(Code::UnreadableEstimate, 16)],
        "{}",
        plain(&ws, &report)
    );
}

#[test]
fn levels_allow_warn_and_deny_rules() {
    let mut opts = Options::new(today());
    let (_, r) = run(&["PM019.bad.md"], &opts);
    assert_eq!(r.diagnostics[0].severity, Severity::Warning);
    assert!(!r.has_errors());
    opts.deny_warnings = true;
    let (_, r) = run(&["PM019.bad.md"], &opts);
    assert!(r.has_errors());
    opts.deny_warnings = false;
    opts.levels.insert(Code::MissingEstimate, Level::Allow);
    let (_, r) = run(&["PM019.bad.md"], &opts);
    assert!(r.diagnostics.is_empty());
    opts.levels.insert(Code::OverdueAction, Level::Warn);
    let (_, r) = run(&["PM025.bad.md"], &opts);
    assert_eq!(r.count(Severity::Warning), 1);
    assert!(!r.has_errors());
}

#[test]
fn configuration_names_rules_and_parameters() {
    let c = Config::parse(
        "[check]\nmax-estimate = \"1w\"\n[check.rules]\nPM019 = \"allow\"\ndone-before-dependency = \"deny\"\n",
    )
    .unwrap();
    let opts = Options::from_config(&c.check, today(), planmark::model::WorkTime::default());
    assert!((opts.max_estimate_hours - 40.0).abs() < 1e-9);
    assert_eq!(opts.levels[&Code::MissingEstimate], Level::Allow);
    assert_eq!(opts.levels[&Code::DoneBeforeDependency], Level::Deny);
    let e = Config::parse("[check.rules]\nragged-tabel = \"allow\"\n").unwrap_err();
    assert!(e.contains("did you mean `ragged-table`"), "{e}");
    assert!(Config::parse("[check.rules]\nPM012 = \"off\"\n").is_err());
    assert!(Config::parse("[check]\nmax-estimate = \"big\"\n").is_err());
    assert!(Config::parse("[check]\nestimate-coverage = 2\n").is_err());
}

#[test]
fn a_cycle_is_reported_once_with_every_step() {
    let (_, r) = run(&["PM017.bad.md"], &Options::new(today()));
    let cycles: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::DependencyCycle)
        .collect();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].message, "dependency cycle: 1 → 3 → 2 → 1");
    assert_eq!(cycles[0].labels.len(), 3);
}

#[test]
fn cycles_and_links_across_plans() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("api.md"),
        "# API\n\n## Tasks\n- [ ] A1: Schema (1d) (depends on web#W2)\n- [ ] A2: Server (2d)\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("web.md"),
        "# Web\n\n## Tasks\n- [ ] W1: Client (1d) (depends on api#A1)\n- [ ] W2: Pages (2d) (depends on W1, api#A3)\n",
    )
    .unwrap();
    let ws = planmark::workspace::load(tmp.path(), &[], &Config::default()).unwrap();
    let r = check_with(&ws, &Options::new(today()), &RealFiles);
    let cycle = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DependencyCycle)
        .expect("cycle across plans");
    assert_eq!(cycle.message, "dependency cycle: A1 → web#W2 → web#W1 → A1");
    assert!(
        cycle
            .labels
            .iter()
            .any(|l| l.file.as_deref() == Some("web.md"))
    );
    let unknown = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UnknownDependency)
        .expect("unknown cross-plan task");
    assert_eq!(unknown.help.as_deref(), Some("did you mean `api#A1`?"));
}

#[test]
fn json_has_byte_and_line_column_ranges() {
    let (ws, r) = run(&["PM016.bad.md", "PM017.bad.md"], &Options::new(today()));
    let v: Value = serde_json::from_str(&render::json(&ws, &r.diagnostics)).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), r.diagnostics.len());
    for item in items {
        for key in ["code", "name", "severity", "file", "message"] {
            assert!(item[key].is_string(), "{key} in {item}");
        }
        for end in ["start", "end"] {
            for key in ["byte", "line", "column"] {
                assert!(item["range"][end][key].as_u64().unwrap() >= u64::from(key != "byte"));
            }
        }
    }
    let unknown = items.iter().find(|i| i["code"] == "PM016").unwrap();
    assert_eq!(unknown["name"], "unknown-dependency");
    assert_eq!(unknown["help"], "did you mean `API-2`?");
    assert_eq!(unknown["range"]["start"]["line"], 9);
    assert_eq!(unknown["range"]["start"]["column"], 35);
    assert_eq!(unknown["range"]["end"]["column"], 39);
    let text = std::fs::read_to_string(dir().join("PM016.bad.md")).unwrap();
    let (a, b) = (
        unknown["range"]["start"]["byte"].as_u64().unwrap() as usize,
        unknown["range"]["end"]["byte"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[a..b], "API2");
    let cycle = items.iter().find(|i| i["code"] == "PM017").unwrap();
    assert_eq!(cycle["labels"].as_array().unwrap().len(), 3);
}

#[test]
fn sarif_is_a_2_1_0_log_with_rules_and_regions() {
    let (ws, r) = run(&["PM026.bad.md", "PM016.bad.md"], &Options::new(today()));
    let v: Value = serde_json::from_str(&render::sarif(&ws, &r.diagnostics)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "planmark");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), r.diagnostics.len());
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(res["message"]["text"].is_string());
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with(".bad.md")
        );
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][key].as_u64().unwrap() >= 1, "{key}");
        }
    }
    let fixable = results.iter().find(|r| r.get("fixes").is_some()).unwrap();
    let rep = &fixable["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(rep["deletedRegion"]["byteLength"], 1);
}

#[test]
fn github_annotations_escape_their_fields() {
    let (ws, r) = run(&["PM016.bad.md"], &Options::new(today()));
    let out = render::github(&ws, &r.diagnostics);
    let line = out.lines().next().unwrap();
    assert!(
        line.starts_with(
            "::error file=PM016.bad.md,line=9,col=35,endColumn=39,title=PM016 unknown-dependency::"
        ),
        "{line}"
    );
    assert!(line.contains("%0Ahelp: did you mean `API-2`?"), "{line}");
}

#[test]
fn checklist_fixes_change_only_the_marker() {
    let (ws, r) = run(&["PM026.bad.md"], &Options::new(today()));
    let doc = &ws.documents[0];
    let edits: Vec<_> = r
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.clone())
        .collect();
    assert_eq!(edits.len(), 2);
    let fixed = planmark::edit::apply(&doc.path, &doc.source, &edits).unwrap();
    assert!(fixed.contains("- [ ] Estimates provided\n- [x] Risks identified\n"));
    let changed: Vec<usize> = doc
        .source
        .bytes()
        .zip(fixed.bytes())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(changed.len(), 2);
    assert_eq!(doc.source.len(), fixed.len());
    let again = planmark::syntax::parse_str(&doc.path, &fixed);
    let ws2 = Workspace {
        documents: vec![again.into()],
        ..Workspace::default()
    };
    let r2 = planmark::check::check(&ws2, &Options::new(today()));
    assert!(
        !r2.diagnostics
            .iter()
            .any(|d| d.code == Code::ChecklistMismatch)
    );
}

#[test]
fn an_unreadable_plan_is_a_finding_and_the_others_are_still_checked() {
    let (_, r) = run(&["PM001.bad.md", "PM017.bad.md"], &Options::new(today()));
    let found = codes(&r);
    assert!(found.contains(&"PM001"), "{found:?}");
    assert!(found.contains(&"PM017"), "{found:?}");
}

#[test]
fn overdue_is_measured_against_today() {
    let (_, r) = run(
        &["PM025.bad.md"],
        &Options::new(jiff::civil::date(2026, 11, 13)),
    );
    assert!(r.diagnostics.is_empty());
    let (_, r) = run(
        &["PM025.bad.md"],
        &Options::new(jiff::civil::date(2026, 12, 1)),
    );
    assert_eq!(r.count(Severity::Error), 2);
}

/// Only `runbook.md` exists, for the PM028 examples.
struct OnlyRunbook;

impl planmark::check::Files for OnlyRunbook {
    fn exists(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|n| n == "runbook.md")
    }
}

/// The bad and good examples of docs/rules.md, by code.
fn rule_examples() -> Vec<(Code, String, String)> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md"))
            .unwrap();
    let mut out = Vec::new();
    let mut code = None;
    let mut want: Option<bool> = None;
    let (mut bad, mut good) = (None::<String>, None::<String>);
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(h) = line.strip_prefix("### ") {
            if let (Some(c), Some(b), Some(g)) = (code, bad.take(), good.take()) {
                out.push((c, b, g));
            }
            code = Code::parse(h.split(' ').next().unwrap());
            continue;
        }
        if line.starts_with("Bad") {
            want = Some(true);
        } else if line.starts_with("Good") {
            want = Some(false);
        }
        let fence = line.trim_end_matches("markdown");
        if line.ends_with("markdown") && fence.chars().all(|c| c == '`') && fence.len() >= 3 {
            let mut block = String::new();
            for l in lines.by_ref() {
                if l == fence {
                    break;
                }
                block.push_str(l);
                block.push('\n');
            }
            match want.take() {
                Some(true) => bad = Some(block),
                Some(false) => good = Some(block),
                None => {}
            }
        }
    }
    if let (Some(c), Some(b), Some(g)) = (code, bad, good) {
        out.push((c, b, g));
    }
    out
}

#[test]
fn the_examples_in_docs_rules_hold() {
    let examples = rule_examples();
    // Every rule but PM001 and PM011 (a file's bytes and size) has examples.
    assert_eq!(
        examples.len(),
        Code::ALL.len() - 2,
        "{:?}",
        examples.iter().map(|e| e.0).collect::<Vec<_>>()
    );
    let opts = Options::new(today());
    let mut failures = Vec::new();
    for (code, bad, good) in examples {
        for (text, should) in [(bad, true), (good, false)] {
            let ws = Workspace {
                documents: vec![planmark::syntax::parse_str("plan.md", &text).into()],
                ..Workspace::default()
            };
            let r = check_with(&ws, &opts, &OnlyRunbook);
            let found = r.diagnostics.iter().any(|d| d.code == code);
            if found != should {
                failures.push(format!(
                    "{code} {}: {:?}\n{text}",
                    if should {
                        "bad example not reported"
                    } else {
                        "good example reported"
                    },
                    codes(&r)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Thousands of unknown dependencies and a long cycle: no quadratic
/// suggestion search, no recursion, and a readable report.
#[test]
fn many_broken_links_and_a_long_cycle_stay_fast() {
    let n = 20_000;
    let mut text = String::from("# Big\n\n## Tasks\n");
    for i in 0..n {
        use std::fmt::Write as _;
        let _ = writeln!(
            text,
            "- [ ] T{i}: Work (1h) (depends on T{}, X{i})",
            (i + 1) % n
        );
    }
    let ws = Workspace {
        documents: vec![planmark::syntax::parse_str("big.md", &text).into()],
        ..Workspace::default()
    };
    let r = planmark::check::check(&ws, &Options::new(today()));
    assert_eq!(
        r.diagnostics
            .iter()
            .filter(|d| d.code == Code::UnknownDependency)
            .count(),
        n
    );
    let cycle = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DependencyCycle)
        .unwrap();
    // Long cycles are shown in part.
    assert_eq!(cycle.labels.len(), 50);
    assert!(
        cycle.message.starts_with("dependency cycle: T0 → T1 → "),
        "{}",
        cycle.message
    );
    assert!(
        cycle.message.ends_with(" more … → T19998 → T19999 → T0"),
        "{}",
        cycle.message
    );
    let human = render::human(
        &ws,
        std::slice::from_ref(cycle),
        render::Style {
            color: false,
            width: None,
        },
    );
    assert!(!human.is_empty());
}

#[test]
fn deadline_confidence_comes_from_the_configuration_or_the_plan() {
    let plan = |confidence: &str| {
        format!(
            "---\nstart: 2026-11-30\ndeadline: 2026-12-11\n{confidence}---\n# P\n\n## Tasks\n\n| ID | Task | Estimate | Dependencies |\n|---|---|---|---|\n| 1 | Export | 3d/4d/12d | - |\n| 2 | Page | 2d/3d/8d | 1 |\n"
        )
    };
    let found = |text: &str, config: &str| {
        let config = Config::parse(config).unwrap();
        let ws = Workspace {
            documents: vec![planmark::syntax::parse_str("plan.md", text).into()],
            ..Workspace::default()
        };
        let opts =
            Options::from_config(&config.check, today(), planmark::model::WorkTime::default())
                .with_project(&config);
        check_with(&ws, &opts, &OnlyRunbook)
            .diagnostics
            .iter()
            .any(|d| d.code.as_str() == "PM035")
    };
    // Off unless asked.
    assert!(!found(&plan(""), ""));
    assert!(found(&plan(""), "[check]\ndeadline-confidence = \"90%\"\n"));
    assert!(found(&plan(""), "[check]\ndeadline-confidence = 0.9\n"));
    assert!(!found(&plan(""), "[check]\ndeadline-confidence = 0.5\n"));
    // The plan's own ask wins.
    assert!(!found(
        &plan("deadline-confidence: 50%\n"),
        "[check]\ndeadline-confidence = 0.9\n"
    ));
    assert!(found(&plan("deadline-confidence: 0.9\n"), ""));
}
