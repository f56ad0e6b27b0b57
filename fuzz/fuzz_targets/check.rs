//! Any bytes read and checked with every rule, then drawn by every
//! renderer that takes a plan: no panic, no hang.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(ws) = planmark_fuzz::workspace(data) else {
        return;
    };
    let opts = planmark::check::Options::new(planmark_fuzz::today());
    let report = planmark::check::check(&ws, &opts);
    let text: &str = &ws.documents[0].source;
    for d in &report.diagnostics {
        if let Some(s) = d.span {
            assert!(s.start <= s.end && s.end <= text.len(), "{d:?}");
        }
        // Every fix applies to the text it was made for.
        if let Some(f) = &d.fix {
            planmark::edit::apply("plan.md", text, &f.edits).expect("a fix applies");
        }
    }
    let _ = planmark::render::risk_matrix_svg(&ws);
    let _ = planmark::render::risk_matrix_text(&ws, true, 80);
    let config = planmark::config::Config::default();
    let sopts = planmark::schedule::Options::new(planmark_fuzz::today());
    if let Ok(s) = planmark::schedule::schedule(&ws, &config, &sopts) {
        let _ = planmark::render::gantt_svg(&ws, &s);
        let _ = planmark::render::gantt_mermaid(&ws, &s);
        let _ = planmark::render::gantt_text(&ws, &s, true, 100);
        let _ = planmark::render::graph_svg(&ws, &s);
        let _ = planmark::render::graph_dot(&ws, &s);
        let _ = planmark::render::graph_mermaid(&ws, &s);
    }
});
