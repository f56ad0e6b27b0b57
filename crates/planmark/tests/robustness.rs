//! Bad input never panics or hangs, and templates round-trip.
// Parsed values are compared exactly: they come from decimal text.
#![allow(clippy::float_cmp)]

use std::fmt::Write as _;

use planmark::diag::Code;
use planmark::model::{DocumentKind, SectionKind};
use planmark::syntax::{parse_bytes, parse_str};
use planmark::templates::{Builtin, Vars, render};

fn vars() -> Vars {
    Vars {
        now: "2026-11-23T10:00".parse().unwrap(),
        topic: Some("Search rewrite".into()),
        scope: Some("Feature".into()),
        timeframe: Some("6 weeks".into()),
    }
}

/// Asserts that `d` has a section of every one of `kinds`.
fn assert_sections(d: &planmark::model::Document, template: &str, kinds: &[SectionKind]) {
    for kind in kinds {
        assert!(
            d.sections.iter().any(|s| s.kind == *kind),
            "{template} lacks {kind:?}"
        );
    }
}

#[test]
fn templates_round_trip_with_every_section_recognised() {
    for b in Builtin::ALL {
        for v in [
            vars(),
            Vars {
                topic: None,
                scope: None,
                timeframe: None,
                ..vars()
            },
        ] {
            let text = render(b.text(), &v);
            assert!(!text.contains("{{"), "unfilled placeholder in {}", b.name());
            let d = parse_str("new.md", &text);
            let other: Vec<_> = d
                .sections
                .iter()
                .filter(|s| s.kind == SectionKind::Other)
                .map(|s| &s.heading)
                .collect();
            assert!(
                other.is_empty(),
                "{}: unrecognised sections {other:?}",
                b.name()
            );
            assert!(d.findings.is_empty(), "{}: {:?}", b.name(), d.findings);
            match b {
                Builtin::Session => {
                    assert_eq!(d.kind, DocumentKind::Session);
                    assert_eq!(
                        d.title.as_deref(),
                        Some("Planning Session: 2026-11-23 10:00")
                    );
                    assert_eq!(d.checklist.len(), 8);
                    assert!(d.checklist.iter().all(|c| c.topic.is_some()));
                    assert_eq!(d.phases.len(), 3);
                    assert_eq!(d.tasks.len(), 2);
                    assert_eq!(d.tasks[1].dependencies[0].target, d.tasks[0].id);
                    assert_eq!(d.next_steps.len(), 3);
                    assert_eq!(d.requirements.len(), 5);
                    assert_eq!(d.timeline.len(), 3);
                    assert!(
                        d.focus.topic.is_some()
                            && d.focus.scope.is_some()
                            && d.focus.timeframe.is_some()
                    );
                    assert!(d.constraints.time.is_some() && d.constraints.dependencies.is_some());
                    assert_sections(
                        &d,
                        "session",
                        &[
                            SectionKind::Context,
                            SectionKind::HighLevelDesign,
                            SectionKind::DataFlow,
                            SectionKind::MeetingNotes,
                            SectionKind::IntegrationPoints,
                            SectionKind::Components,
                            SectionKind::Decisions,
                            SectionKind::ActionItems,
                            SectionKind::References,
                            SectionKind::Risks,
                            SectionKind::Team,
                            SectionKind::Tools,
                            SectionKind::UserStories,
                        ],
                    );
                }
                Builtin::Guide => {
                    assert_eq!(d.kind, DocumentKind::Guide);
                    assert_eq!(d.milestones.len(), 3);
                    assert_eq!(d.phases.len(), 3);
                    assert_eq!(d.tasks.len(), 6);
                    assert_eq!(d.tasks[0].id, "1.1");
                    assert_sections(
                        &d,
                        "guide",
                        &[
                            SectionKind::Dependencies,
                            SectionKind::Timeline,
                            SectionKind::Risks,
                            SectionKind::Resources,
                            SectionKind::DevelopmentSetup,
                            SectionKind::CodeStructure,
                            SectionKind::ImplementationNotes,
                            SectionKind::CoreFeatures,
                            SectionKind::Patterns,
                            SectionKind::IntegrationPoints,
                            SectionKind::ErrorHandling,
                            SectionKind::Performance,
                            SectionKind::Security,
                        ],
                    );
                }
            }
        }
    }
}

#[test]
fn the_seed_templates_are_understood_too() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    for name in ["planning-session.md", "planning-implementation-guide.md"] {
        // The product brief's templates sit in `shared/` beside the repository.
        let text =
            std::fs::read_to_string(dir.join(name)).expect("shared/seeds beside the repository");
        let d = parse_str(name, &text);
        let other: Vec<_> = d
            .sections
            .iter()
            .filter(|s| s.kind == SectionKind::Other)
            .map(|s| &s.heading)
            .collect();
        assert!(other.is_empty(), "{name}: {other:?}");
        assert_ne!(d.kind, DocumentKind::Generic);
    }
}

#[test]
fn invalid_utf8_reports_the_byte_offset() {
    let mut bytes = b"# Plan\n\n## Tasks\n- [ ] one\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
    let e = parse_bytes("bad.md", &bytes).unwrap_err();
    assert_eq!(e.code, Code::NotText);
    assert_eq!(e.span.unwrap().start, 27);
    assert!(e.message.contains("byte 27"), "{}", e.message);
    assert!(e.message.contains("line 5"), "{}", e.message);
}

#[test]
fn binary_files_are_refused() {
    let e = parse_bytes("x.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err();
    assert_eq!(e.code, Code::NotText);
    assert!(e.message.contains("binary"));
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut s = String::from("## Tasks\n");
    for _ in 0..10_000 {
        s.push_str("- ");
    }
    s.push_str("[ ] deep\n");
    let quotes = format!("## Tasks\n{}- [ ] quoted\n", "> ".repeat(10_000));
    let mut indented = String::new();
    for i in 0..2_000 {
        let _ = writeln!(indented, "{}- [ ] level {i}", "  ".repeat(i));
    }
    for text in [s, quotes, format!("## Tasks\n{indented}")] {
        let d = parse_str("deep.md", &text);
        assert!(d.tasks.len() <= 10_001);
    }
}

#[test]
fn a_table_of_100_000_rows() {
    let mut s = String::from("## Tasks\n| Task | Estimate | Dependencies |\n|---|---|---|\n");
    for i in 0..100_000 {
        let _ = writeln!(
            s,
            "| T{i}: step {i} | 2h | {} |",
            if i > 0 {
                format!("T{}", i - 1)
            } else {
                "-".into()
            }
        );
    }
    let d = parse_str("big.md", &s);
    assert_eq!(d.tasks.len(), 100_000);
    assert_eq!(d.tasks[99_999].dependencies[0].target, "T99998");
    assert!(d.tasks[99_999].dependencies[0].resolved);
}

#[test]
fn an_unterminated_fence_is_reported() {
    let d = parse_str("f.md", "## Tasks\n- [ ] real\n```\n- [ ] code\n");
    assert_eq!(d.tasks.len(), 1);
    assert!(
        d.findings
            .iter()
            .any(|f| f.code == Code::UnclosedFence && f.span.unwrap().line == 3)
    );
}

#[test]
fn absurd_values_are_kept_as_text_not_panics() {
    let d = parse_str(
        "a.md",
        "## Tasks\n| Task | Estimate | Start | Dependencies |\n|---|---|---|---|\n| x | 99999999999999999999d | 2026-13-45 | x FF+9999999w |\n| y | -3d | 0000-00-00 | y |\n",
    );
    assert_eq!(d.tasks.len(), 2);
    assert!(d.tasks[0].estimate.is_none());
    assert!(
        d.findings
            .iter()
            .any(|f| f.code == Code::UnreadableEstimate)
    );
    assert!(d.findings.iter().any(|f| f.code == Code::UnreadableDate));
}

#[test]
fn broken_front_matter_is_a_finding() {
    let d = parse_str(
        "fm.md",
        "---\ntitle: [unclosed\nstart: 2026-99-01\n---\n# Plan\n",
    );
    assert!(d.findings.iter().any(|f| f.code == Code::FrontMatter));
    assert_eq!(d.title.as_deref(), Some("Plan"));
}

mod props {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any text parses without panicking, and every span lies inside it
        /// on character boundaries.
        #[test]
        fn any_text_parses_with_valid_spans(s in "(\\PC|[\\[\\]()|#*`~@:\\-\n ]){0,400}") {
            let d = planmark::syntax::parse_str("p.md", &s);
            for t in &d.tasks {
                let sp = t.origin.span;
                prop_assert!(sp.start <= sp.end && sp.end <= s.len());
                prop_assert!(s.is_char_boundary(sp.start) && s.is_char_boundary(sp.end));
                if let Some(m) = t.origin.marker {
                    prop_assert!(s[m.start..m.end].starts_with('['));
                }
                for c in &t.origin.cells {
                    prop_assert!(s.is_char_boundary(c.span.start) && s.is_char_boundary(c.span.end));
                }
            }
            for f in &d.findings {
                if let Some(sp) = f.span {
                    prop_assert!(sp.end <= s.len());
                }
            }
            check_renders(d, &s)?;
        }

        /// Markdown built from planning pieces parses, and ids stay unique
        /// for slugs.
        #[test]
        fn planning_shaped_text_parses(lines in proptest::collection::vec(prop_oneof![
            Just("## Tasks".to_string()),
            Just("### Phase 2: Build".to_string()),
            Just("| Task | Estimate | Dependencies |".to_string()),
            Just("|---|---|---|".to_string()),
            "\\| [A-Za-z0-9 .]{0,12} \\| [0-9]{1,2}[hdw] \\| [A-Za-z0-9 .,]{0,8} \\|",
            "- \\[[ x~/-]\\] [A-Za-z0-9 .:()@#~-]{0,30}",
            "[ ]{0,6}- [A-Za-z0-9 .:()@]{0,20}",
            "```[a-z]{0,3}",
            Just(String::new()),
        ], 0..60)) {
            let text = lines.join("\n");
            let d = planmark::syntax::parse_str("p.md", &text);
            let slugs: Vec<&str> = d.tasks.iter().filter(|t| t.id_source == planmark::model::IdSource::Slug).map(|t| t.id.as_str()).collect();
            let mut sorted = slugs.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), slugs.len());
            check_renders(d, &text)?;
        }
    }

    /// Checks `d` with every rule and renders the findings in every format:
    /// no panic, every span inside the text on character boundaries, and
    /// every fix applies.
    fn check_renders(d: planmark::model::Document, text: &str) -> Result<(), TestCaseError> {
        use planmark::check::{Options, check, render};
        let ws = planmark::model::Workspace {
            documents: vec![d.into()],
            ..Default::default()
        };
        let r = check(&ws, &Options::new(jiff::civil::date(2026, 11, 21)));
        for f in &r.diagnostics {
            for sp in f.span.iter().chain(f.labels.iter().map(|l| &l.span)) {
                prop_assert!(sp.start <= sp.end && sp.end <= text.len(), "{f:?}");
                prop_assert!(
                    text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end),
                    "{f:?}"
                );
            }
            if let Some(fix) = &f.fix {
                prop_assert!(planmark::edit::apply("p.md", text, &fix.edits).is_ok());
            }
        }
        let style = render::Style {
            color: false,
            width: None,
        };
        prop_assert!(render::human(&ws, &r.diagnostics, style).len() >= r.diagnostics.len());
        serde_json::from_str::<serde_json::Value>(&render::json(&ws, &r.diagnostics)).unwrap();
        serde_json::from_str::<serde_json::Value>(&render::sarif(&ws, &r.diagnostics)).unwrap();
        let _ = render::github(&ws, &r.diagnostics);
        Ok(())
    }
}

#[test]
fn text_whose_lower_case_is_longer_is_sliced_safely() {
    // `İ` lower-cases to two characters: offsets found in a lower-cased copy
    // must never be used on the original.
    let d = parse_str(
        "u.md",
        "## Risks\n- İİİ risk — Likelihood: High, Impact: İİ\n## Milestones\n- [ ] İİ beta after İ 1.2\n## User Stories\n- As a İİ user, I want İ, so that İİİ\n",
    );
    assert_eq!(d.risks.len(), 1);
    assert_eq!(d.milestones.len(), 1);
    assert_eq!(d.user_stories.len(), 1);
}

/// A risk whose text has a word in another script right before a colon:
/// the `key:` reader stepped into the middle of the character (found by
/// the schedule fuzz target).
#[test]
fn risk_details_after_words_in_other_scripts() {
    let doc = parse_str(
        "plan.md",
        "# Plan\n\n## Risks\n\n- **R1**: Vendor slips — Likelihood: High, Impact: Med, Mitigation: ask theпоставщик: twice\n- **R2**: 供应商延迟 — Likelihood: Low\n",
    );
    assert_eq!(doc.risks.len(), 2);
    let r = &doc.risks[0];
    assert_eq!(
        r.likelihood.as_ref().and_then(|l| l.level),
        Some(planmark::model::Level::High)
    );
}
