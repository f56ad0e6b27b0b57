//! planmark reads the Markdown planning documents teams already write and
//! makes them something a program can check, schedule and track.
//!
//! ```
//! let doc = planmark::syntax::parse_str(
//!     "plan.md",
//!     "# Plan\n\n## Tasks\n\n| Task | Estimate | Dependencies |\n|---|---|---|\n| 1.1 Design | 2d | - |\n| 1.2 Build | 3d | 1.1 |\n",
//! );
//! assert_eq!(doc.tasks.len(), 2);
//! assert_eq!(doc.tasks[1].dependencies[0].target, "1.1");
//! ```
//!
//! Modules, in pipeline order:
//! - [`model`] is the typed model (pure data).
//! - [`syntax`] reads Markdown into the model, with a span on every item.
//! - [`diag`] holds findings with stable codes.
//! - [`edit`] changes documents in place, atomically, by span.
//! - [`check`] runs the rules over a workspace and renders findings.
//! - [`history`] reads progress over time from git.
//! - [`links`] resolves dependencies to tasks across plans.
//! - [`project`] is the engine every front end asks: an open workspace
//!   kept current, answering questions and edits as values.
//! - [`schedule`] computes timelines (the working calendar so far).
//! - [`workspace`] finds and reads the plan files of a folder.
//! - [`config`] reads `planmark.toml`.
//! - [`summary`] computes progress figures per document.
//! - [`templates`] holds the built-in document templates.
#![warn(missing_docs)]

pub mod check;
pub mod config;
pub mod diag;
pub mod edit;
pub mod export;
pub mod forecast;
pub mod history;
pub mod import;
pub mod links;
pub mod model;
pub mod project;
pub mod render;
pub mod schedule;
pub mod summary;
pub mod sync;
pub mod syntax;
pub mod templates;
pub mod workspace;
