//! Any bytes read as a plan: no panic, no hang, and every span the model
//! gives points inside the text, on character boundaries, at its line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planmark::model::{Origin, Span};

fn inside(text: &str, s: Span, what: &str) {
    assert!(s.start <= s.end && s.end <= text.len(), "{what}: {s:?} outside {}", text.len());
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "{what}: {s:?} splits a character"
    );
    let line = text[..s.start].matches('\n').count() as u32 + 1;
    assert!(s.line == line || s.line == 0, "{what}: {s:?} is on line {line}");
}

fn origin(text: &str, o: &Origin, what: &str) {
    inside(text, o.span, what);
    for s in o.marker.iter().chain(&o.text) {
        inside(text, *s, what);
    }
    for c in &o.cells {
        inside(text, c.span, what);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = planmark::syntax::parse_bytes("plan.md", data) else {
        return;
    };
    let text: &str = &doc.source;
    for t in &doc.tasks {
        origin(text, &t.origin, &t.id);
        for d in &t.dependencies {
            if let Some(s) = d.span {
                inside(text, s, "dependency");
            }
        }
    }
    for p in &doc.phases {
        origin(text, &p.origin, "phase");
    }
    for m in &doc.milestones {
        origin(text, &m.origin, "milestone");
    }
    for r in &doc.risks {
        origin(text, &r.origin, "risk");
    }
    for s in &doc.sections {
        inside(text, s.span, "section");
        inside(text, s.heading_span, "heading");
    }
    // The model is plain data: it writes out and reads back as JSON.
    let json = serde_json::to_string(&doc).expect("serialises");
    assert!(!json.is_empty());
});
