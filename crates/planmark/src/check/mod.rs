//! `planmark check`: rules over the model that report what is wrong with a
//! plan, each finding with a stable code, a span and, where it can, a fix.
//!
//! The rules live in one registry (`RULES`, in this module). A rule is a function over one
//! document or over the whole workspace; later stages (the scheduler) add
//! their rules to the same registry with the same shape. After the rules
//! run, `planmark-disable` comments and the configured levels decide which
//! findings are kept and how serious they are.
//!
//! # Example
//!
//! ```
//! use planmark::check::{check, Options};
//! use planmark::model::Workspace;
//! let doc = planmark::syntax::parse_str("plan.md", "## Tasks\n- [ ] 1.1 Build (2d) (depends on 1.3)\n");
//! let ws = Workspace { documents: vec![doc.into()], ..Workspace::default() };
//! let report = check(&ws, &Options::new(jiff::civil::date(2026, 11, 23)));
//! assert_eq!(report.diagnostics[0].code.as_str(), "PM016");
//! ```

mod items;
pub mod render;
mod scheduling;
mod suppress;
mod tasks;
mod template;

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Severity};
use crate::model::{Document, Origin, Span, WorkTime, Workspace};

/// What a rule is configured to do with its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Drop the findings.
    Allow,
    /// Report them as warnings.
    Warn,
    /// Report them as errors, failing the run.
    Deny,
}

/// How the checks run.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The day overdue action items are measured against.
    pub today: Date,
    /// Per-rule levels, overriding each rule's default severity.
    pub levels: HashMap<Code, Level>,
    /// Turn every warning into an error (`--deny warnings`).
    pub deny_warnings: bool,
    /// Working time, to compare estimates in different units.
    pub work: WorkTime,
    /// Estimates above this many working hours get [`Code::LargeEstimate`].
    pub max_estimate_hours: f64,
    /// Missing estimates are reported once at least this share of a
    /// document's tasks has one (0 to 1).
    pub estimate_coverage: f64,
    /// The project configuration the scheduling rules use (calendar,
    /// resources, dates, levelling).
    pub project: std::sync::Arc<crate::config::Config>,
    /// Whether the scheduling rules (PM030-PM033) run.
    pub scheduling: bool,
    /// A schedule already computed for this workspace with the same
    /// configuration and day, for the scheduling rules to use instead of
    /// computing their own.
    pub schedule: Option<std::sync::Arc<crate::schedule::Schedule>>,
    /// The share of forecast runs every deadline should be met in
    /// ([`Code::DeadlineAtRisk`]); plans may set their own in front matter.
    pub deadline_confidence: Option<f64>,
}

impl Options {
    /// Returns the default options, measuring due dates against `today`.
    #[must_use]
    pub fn new(today: Date) -> Self {
        Options {
            today,
            levels: HashMap::new(),
            deny_warnings: false,
            work: WorkTime::default(),
            max_estimate_hours: 80.0,
            estimate_coverage: 0.5,
            project: std::sync::Arc::default(),
            scheduling: true,
            schedule: None,
            deadline_confidence: None,
        }
    }

    /// Uses `config` for the scheduling rules.
    #[must_use]
    pub fn with_project(mut self, config: &crate::config::Config) -> Self {
        self.project = std::sync::Arc::new(config.clone());
        self
    }
}

impl Options {
    /// Returns the options `planmark.toml` sets, measuring due dates against `today`.
    #[must_use]
    pub fn from_config(config: &crate::config::CheckConfig, today: Date, work: WorkTime) -> Self {
        let mut o = Options::new(today);
        o.work = work;
        for (key, level) in &config.rules {
            if let Some(code) = Code::parse(key) {
                o.levels.insert(code, *level);
            }
        }
        if let Some(q) = config
            .max_estimate
            .as_deref()
            .and_then(|m| crate::syntax::values::quantity(m, None))
        {
            o.max_estimate_hours = q.hours(work);
        }
        if let Some(c) = config.estimate_coverage {
            o.estimate_coverage = c;
        }
        o.deadline_confidence = config
            .deadline_confidence
            .as_ref()
            .and_then(|v| share(&crate::config::toml_to_json(v)));
        o
    }
}

/// A share from `0.8`, `80` or `"80%"`, when it lies in 0 to 1.
pub(crate) fn share(v: &serde_json::Value) -> Option<f64> {
    let x = match v {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => {
            let t = s.trim();
            match t.strip_suffix('%') {
                Some(p) => p.trim().parse::<f64>().ok()? / 100.0,
                None => t.parse().ok()?,
            }
        }
        _ => return None,
    };
    let x = if x > 1.0 && x <= 100.0 { x / 100.0 } else { x };
    (0.0..=1.0).contains(&x).then_some(x)
}

/// What the checks found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every finding kept, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Returns the number of findings at `severity`.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Whether any finding is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Whether a path exists; rules that look at the file system ask through
/// this, so that the library can be checked without one.
pub trait Files: Sync {
    /// Whether `path` names an existing file or folder.
    fn exists(&self, path: &Path) -> bool;
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFiles;

impl Files for RealFiles {
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
}

/// No file system: every path is taken to exist.
#[derive(Debug, Clone, Copy, Default)]
struct NoFiles;

impl Files for NoFiles {
    fn exists(&self, _: &Path) -> bool {
        true
    }
}

/// What a document rule sees.
pub(crate) struct DocCx<'a> {
    pub(crate) doc: &'a Document,
    pub(crate) opts: &'a Options,
    pub(crate) files: &'a dyn Files,
    pub(crate) root: &'a Path,
}

impl DocCx<'_> {
    /// Starts a finding at its code's default severity.
    pub(crate) fn diag(&self, code: Code, span: Span, message: String) -> Diagnostic {
        Diagnostic::new(
            code,
            code.default_severity(),
            &self.doc.path,
            Some(span),
            message,
        )
    }

    pub(crate) fn text(&self) -> &str {
        &self.doc.source
    }
}

/// What a workspace rule sees.
pub(crate) struct WsCx<'a> {
    pub(crate) ws: &'a Workspace,
    pub(crate) opts: &'a Options,
}

/// How a rule runs.
#[derive(Clone, Copy)]
pub(crate) enum Run {
    /// Once per document, in parallel.
    Document(fn(&DocCx<'_>, &mut Vec<Diagnostic>)),
    /// Once over the whole workspace (cross-document rules).
    Workspace(fn(&WsCx<'_>, &mut Vec<Diagnostic>)),
}

/// A registered rule: the codes it reports and how it runs.
pub(crate) struct Rule {
    /// The codes it reports (read by the registry's tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) codes: &'static [Code],
    pub(crate) run: Run,
}

/// Every rule, in the order they run. Parse findings (PM001-PM012) come
/// from the parser and need no rule.
pub(crate) static RULES: &[Rule] = &[
    Rule {
        codes: &[Code::TemplatePlaceholder, Code::EmptySection],
        run: Run::Document(template::check),
    },
    Rule {
        codes: &[
            Code::DuplicateTaskId,
            Code::SelfDependency,
            Code::MissingEstimate,
            Code::LargeEstimate,
            Code::EstimateOutOfOrder,
        ],
        run: Run::Document(tasks::check_document),
    },
    Rule {
        codes: &[
            Code::UnknownDependency,
            Code::DependencyCycle,
            Code::DoneBeforeDependency,
        ],
        run: Run::Workspace(tasks::check_links),
    },
    Rule {
        codes: &[
            Code::DeadlineMissed,
            Code::Overallocated,
            Code::TimelineMismatch,
            Code::ImpossibleDemand,
            Code::DeadlineAtRisk,
        ],
        run: Run::Workspace(scheduling::check),
    },
    Rule {
        codes: &[
            Code::UnmitigatedRisk,
            Code::ActionWithoutOwner,
            Code::ActionWithoutDue,
            Code::UnreadableDate,
            Code::OverdueAction,
            Code::IncompleteUserStory,
            Code::BrokenLink,
        ],
        run: Run::Document(items::check),
    },
    Rule {
        codes: &[Code::ChecklistMismatch],
        run: Run::Document(items::checklist),
    },
];

/// Checks a workspace without looking at the file system (links to files
/// are taken to exist).
#[must_use]
pub fn check(ws: &Workspace, opts: &Options) -> Report {
    check_with(ws, opts, &NoFiles)
}

/// Checks a workspace, asking `files` whether linked files exist.
#[must_use]
pub fn check_with(ws: &Workspace, opts: &Options, files: &dyn Files) -> Report {
    check_memo(ws, opts, files, None)
}

/// The findings of the rules that look at one plan alone, kept from one
/// check to the next: a plan whose text has not changed (the same shared
/// text, not only equal) is not checked again. The findings of a plan
/// depend on its text and on the options, so a memo filled under other
/// options is emptied first; they also depend on which linked files exist,
/// so a caller that sees files come and go calls [`Memo::clear`].
#[derive(Debug, Default)]
pub struct Memo {
    inner: std::sync::Mutex<MemoInner>,
}

#[derive(Debug, Default)]
struct MemoInner {
    /// The options the findings were computed under.
    key: Option<(Date, [u64; 4])>,
    /// Per plan path: its text and its plan rules' findings.
    plans: rustc_hash::FxHashMap<String, (std::sync::Arc<str>, Vec<Diagnostic>)>,
}

impl Memo {
    /// Forgets every plan's findings.
    pub fn clear(&self) {
        self.lock().plans.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoInner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Readies the memo for `opts` and `ws`: emptied when the options
    /// differ, and rid of plans no longer in the workspace.
    fn prepare(&self, opts: &Options, ws: &Workspace) {
        let key = (
            opts.today,
            [
                opts.work.hours_per_day.to_bits(),
                opts.work.days_per_week.to_bits(),
                opts.max_estimate_hours.to_bits(),
                opts.estimate_coverage.to_bits(),
            ],
        );
        let mut m = self.lock();
        if m.key != Some(key) {
            m.plans.clear();
            m.key = Some(key);
        }
        if m.plans.len() > ws.documents.len() {
            let live: rustc_hash::FxHashSet<&str> =
                ws.documents.iter().map(|d| d.path.as_str()).collect();
            m.plans.retain(|p, _| live.contains(p.as_str()));
        }
    }

    fn get(&self, doc: &Document) -> Option<Vec<Diagnostic>> {
        let m = self.lock();
        let (source, found) = m.plans.get(&doc.path)?;
        std::sync::Arc::ptr_eq(source, &doc.source).then(|| found.clone())
    }

    fn put(&self, doc: &Document, found: &[Diagnostic]) {
        self.lock()
            .plans
            .insert(doc.path.clone(), (doc.source.clone(), found.to_vec()));
    }
}

/// Like [`check_with`], reusing (and filling) `memo` for the rules that
/// look at one plan alone.
#[must_use]
pub fn check_memo(
    ws: &Workspace,
    opts: &Options,
    files: &dyn Files,
    memo: Option<&Memo>,
) -> Report {
    if let Some(m) = memo {
        m.prepare(opts, ws);
    }
    let root = Path::new(&ws.root);
    // The plans' own rules and the workspace rules (links, the schedule)
    // run at the same time; each side is parallel inside too.
    let wcx = WsCx { ws, opts };
    let (per_doc, cross): (Vec<Vec<Diagnostic>>, Vec<Vec<Diagnostic>>) = rayon::join(
        || {
            ws.documents
                .par_iter()
                .map(|doc| {
                    if let Some(found) = memo.and_then(|m| m.get(doc)) {
                        return found;
                    }
                    let cx = DocCx {
                        doc,
                        opts,
                        files,
                        root,
                    };
                    let mut out = doc.findings.clone();
                    for rule in RULES {
                        if let Run::Document(f) = rule.run {
                            f(&cx, &mut out);
                        }
                    }
                    if let Some(m) = memo {
                        m.put(doc, &out);
                    }
                    out
                })
                .collect()
        },
        || {
            RULES
                .par_iter()
                .filter_map(|rule| match rule.run {
                    Run::Workspace(f) => {
                        let mut out = Vec::new();
                        f(&wcx, &mut out);
                        Some(out)
                    }
                    Run::Document(_) => None,
                })
                .collect()
        },
    );
    let cross: Vec<Diagnostic> = cross.into_iter().flatten().collect();
    let mut by_doc: HashMap<&str, usize> = HashMap::new();
    for (i, d) in ws.documents.iter().enumerate() {
        by_doc.insert(d.path.as_str(), i);
    }
    let mut per_doc = per_doc;
    for d in cross {
        match by_doc.get(d.file.as_str()) {
            Some(&i) => per_doc[i].push(d),
            None => per_doc.push(vec![d]),
        }
    }
    let mut diagnostics: Vec<Diagnostic> = ws.findings.clone();
    for (i, mut found) in per_doc.into_iter().enumerate() {
        if let Some(doc) = ws.documents.get(i) {
            suppress::apply(doc, &mut found);
        }
        diagnostics.extend(found);
    }
    diagnostics.retain_mut(|d| settle(d, opts));
    diagnostics.sort_by(|a, b| {
        a.file
            .cmp(&b.file)
            .then_with(|| a.span.map(|s| s.start).cmp(&b.span.map(|s| s.start)))
            .then_with(|| a.code.cmp(&b.code))
    });
    diagnostics.dedup();
    Report { diagnostics }
}

/// Applies the configured level to a finding; false drops it.
fn settle(d: &mut Diagnostic, opts: &Options) -> bool {
    match opts.levels.get(&d.code) {
        Some(Level::Allow) => return false,
        Some(Level::Warn) => d.severity = Severity::Warning,
        Some(Level::Deny) => d.severity = Severity::Error,
        None => {}
    }
    if opts.deny_warnings && d.severity == Severity::Warning {
        d.severity = Severity::Error;
    }
    true
}

/// Returns the span of the first line of `span` in `text`, without the
/// line ending: carets under one line read better than a block.
pub(crate) fn first_line(text: &str, span: Span) -> Span {
    let end = text
        .get(span.start..span.end)
        .and_then(|s| memchr::memchr(b'\n', s.as_bytes()))
        .map_or(span.end, |i| span.start + i);
    let end = if end > span.start && text.as_bytes().get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    };
    Span { end, ..span }
}

/// Returns the span of the cell of `origin` whose column is one of `names`
/// (lower-case, matched as a prefix).
pub(crate) fn cell(origin: &Origin, names: &[&str]) -> Option<Span> {
    origin
        .cells
        .iter()
        .find(|c| {
            let col = c.column.to_lowercase();
            names.iter().any(|n| col.starts_with(n))
        })
        .map(|c| c.span)
}

/// Returns the span to point at for an item: its text, else its first line.
pub(crate) fn item_span(text: &str, origin: &Origin) -> Span {
    origin
        .text
        .filter(|s| !s.is_empty())
        .or_else(|| {
            origin
                .cells
                .iter()
                .find(|c| !c.text.is_empty())
                .map(|c| c.span)
        })
        .map_or_else(|| first_line(text, origin.span), |s| first_line(text, s))
}

/// Returns the candidate closest to `word` by edit distance, when close
/// enough to be a likely typo.
#[must_use]
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let limit = (w.chars().count() / 3).max(1);
    candidates
        .map(|c| (strsim::levenshtein(&w, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c.len()))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_code_is_registered_once() {
        let parse = Code::ALL
            .iter()
            .take_while(|c| **c != Code::TemplatePlaceholder);
        let mut seen: Vec<Code> = parse.copied().collect();
        seen.push(Code::UnknownRule); // reported by suppression comments
        for r in RULES {
            for c in r.codes {
                if *c != Code::UnreadableDate {
                    assert!(!seen.contains(c), "{c} registered twice");
                }
                seen.push(*c);
            }
        }
        for c in Code::ALL {
            assert!(seen.contains(c), "{c} has no rule");
        }
    }
}
