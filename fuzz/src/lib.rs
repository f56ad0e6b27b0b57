//! What the fuzz targets share: reading fuzzer bytes as a workspace of one
//! plan, and the fixed day they are checked and scheduled on.

use planmark::model::Workspace;

/// The day the targets check and schedule on, fixed so a crash replays.
#[must_use]
pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 21)
}

/// `data` read as the one plan of a workspace; `None` when it is not text.
#[must_use]
pub fn workspace(data: &[u8]) -> Option<Workspace> {
    let doc = planmark::syntax::parse_bytes("plan.md", data).ok()?;
    Some(Workspace {
        documents: vec![doc.into()],
        ..Workspace::default()
    })
}
