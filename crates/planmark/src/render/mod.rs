//! Pictures of a plan, as pure functions from the model and schedule to
//! text: SVG for the web and documents, Mermaid and DOT for wikis and pull
//! requests, block characters for a terminal, and one self-contained HTML
//! report that holds them all.
//!
//! Every SVG carries its own styles with light and dark colours (by
//! `prefers-color-scheme`), a `<title>` tooltip on every label that may be
//! cut, and no external references.

// Pixel arithmetic on counts far below 2^52.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

mod charts;
mod gantt;
mod graph;
mod report;
mod risks;
mod svg;

/// Escapes text for XML and HTML content and attribute values (and
/// replaces the control characters XML forbids).
pub use svg::esc as escape;
mod terminal;

pub use charts::{burndown_svg, forecast_svg};
pub use gantt::{GanttOptions, TaskHref, Zoom, gantt_mermaid, gantt_svg, gantt_svg_with};
pub use graph::{graph_dot, graph_mermaid, graph_svg};
pub use report::{ReportInput, report_html};
pub use risks::{risk_matrix_svg, risk_matrix_text};
pub use terminal::gantt_text;
