//! Findings: what the parser (and later the checker) has to say about a
//! document, each with a stable code and the span it is about.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::Span;

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Note,
    /// Probably a mistake.
    Warning,
    /// The document cannot be read as intended.
    Error,
}

impl Severity {
    /// Returns the severity's name as printed.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $name:literal, $level:ident, $summary:literal;)*) => {
        /// A stable finding code, documented in `docs/rules.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// Returns the code as written in output and configuration: `PM003`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// Returns the code's short name: `unreadable-estimate`.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// Returns the severity findings of this code have unless configured otherwise.
            #[must_use]
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$level,)* }
            }

            /// Returns what the rule checks, in one line.
            #[must_use]
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    /// The file is not UTF-8 text (binary, or another encoding).
    NotText = "PM001", "not-text", Error, "The file is not UTF-8 text.";
    /// The front matter is not valid YAML, or a known key has the wrong type.
    FrontMatter = "PM002", "front-matter", Warning, "The front matter cannot be read.";
    /// An estimate could not be read.
    UnreadableEstimate = "PM003", "unreadable-estimate", Warning, "An estimate cannot be read.";
    /// A table in a planning section could not be classified.
    UnknownTable = "PM004", "unknown-table", Warning, "A table in a planning section is not understood.";
    /// A dependency reference could not be read.
    UnreadableDependency = "PM005", "unreadable-dependency", Warning, "A dependency cannot be read.";
    /// A status marker or Status cell could not be read.
    UnknownStatus = "PM006", "unknown-status", Warning, "A status cannot be read.";
    /// A date could not be read.
    UnreadableDate = "PM007", "unreadable-date", Warning, "A date cannot be read.";
    /// A code fence is never closed, so the rest of the document is code.
    UnclosedFence = "PM008", "unclosed-fence", Warning, "A code fence is never closed.";
    /// A priority could not be read.
    UnknownPriority = "PM009", "unknown-priority", Warning, "A priority cannot be read.";
    /// A likelihood or impact could not be read.
    UnknownRating = "PM010", "unknown-rating", Warning, "A risk likelihood or impact cannot be read.";
    /// The file is too large to read as a plan.
    TooLarge = "PM011", "too-large", Error, "The file is too large to read as a plan.";
    /// A table row has more cells than the header.
    RaggedTable = "PM012", "ragged-table", Warning, "A table row has more cells than its header.";
    /// Template text was left in place: `[Description]`, `Goal 1`, `(link)`.
    TemplatePlaceholder = "PM013", "template-placeholder", Warning, "Template placeholder text is left in the plan.";
    /// A section the template expects filled is empty.
    EmptySection = "PM014", "empty-section", Warning, "A section the template expects filled is empty.";
    /// Two tasks of a document have the same id.
    DuplicateTaskId = "PM015", "duplicate-task-id", Error, "Two tasks of a document have the same id.";
    /// A dependency names a task that does not exist.
    UnknownDependency = "PM016", "unknown-dependency", Error, "A dependency names a task that does not exist.";
    /// Tasks depend on each other in a cycle.
    DependencyCycle = "PM017", "dependency-cycle", Error, "Tasks depend on each other in a cycle.";
    /// A task depends on itself.
    SelfDependency = "PM018", "self-dependency", Error, "A task depends on itself.";
    /// A task has no estimate while most tasks of its document have one.
    MissingEstimate = "PM019", "missing-estimate", Warning, "A task has no estimate while most tasks have one.";
    /// An estimate is larger than the configured limit.
    LargeEstimate = "PM020", "large-estimate", Warning, "An estimate is larger than the configured limit.";
    /// A done task depends on a task that is not finished.
    DoneBeforeDependency = "PM021", "done-before-dependency", Warning, "A done task depends on an unfinished task.";
    /// A high-impact risk has no mitigation.
    UnmitigatedRisk = "PM022", "unmitigated-risk", Warning, "A high-impact risk has no mitigation.";
    /// An action item has no owner.
    ActionWithoutOwner = "PM023", "action-without-owner", Warning, "An action item has no owner.";
    /// An action item has no due date.
    ActionWithoutDue = "PM024", "action-without-due", Warning, "An action item has no due date.";
    /// An open action item is past its due date.
    OverdueAction = "PM025", "overdue-action", Error, "An open action item is past its due date.";
    /// A Session Checklist item contradicts the document.
    ChecklistMismatch = "PM026", "checklist-mismatch", Warning, "A Session Checklist item contradicts the document.";
    /// A user story lacks its role, want or benefit.
    IncompleteUserStory = "PM027", "incomplete-user-story", Warning, "A user story lacks As a, I want or So that.";
    /// A relative link in References points to a missing file.
    BrokenLink = "PM028", "broken-link", Warning, "A relative link in References points to a missing file.";
    /// A `planmark-disable` comment names a rule that does not exist.
    UnknownRule = "PM029", "unknown-rule", Warning, "A planmark-disable comment names an unknown rule.";
    /// A deadline, milestone target or task due date falls before the scheduled finish.
    DeadlineMissed = "PM030", "deadline-missed", Error, "The schedule ends after a deadline, milestone target or due date.";
    /// Without levelling, tasks book a resource beyond its units.
    Overallocated = "PM031", "over-allocated", Warning, "Tasks book a resource beyond its units at the same time.";
    /// A Timeline line disagrees with the computed dates.
    TimelineMismatch = "PM032", "timeline-mismatch", Warning, "The Timeline section disagrees with the computed schedule.";
    /// A task needs more units of a resource than it has.
    ImpossibleDemand = "PM033", "impossible-demand", Error, "A task needs more of a resource than it has, or resources cannot be read.";
    /// A range or three-point estimate is out of order.
    EstimateOutOfOrder = "PM034", "estimate-out-of-order", Error, "A range or three-point estimate is out of order.";
    /// The forecast meets a deadline less often than the plan asks.
    DeadlineAtRisk = "PM035", "deadline-at-risk", Warning, "The forecast meets a deadline less often than the plan asks.";
}

impl Code {
    /// Finds a code by its code (`PM012`) or name (`ragged-table`), ignoring case.
    #[must_use]
    pub fn parse(s: &str) -> Option<Code> {
        let s = s.trim();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s) || c.name().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place a finding points at, with what it says there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Label {
    /// The document, when not the finding's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The bytes pointed at.
    pub span: Span,
    /// What to say about them.
    pub message: String,
}

/// A replacement of the bytes `start..end` of a document by `text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Replacement {
    /// First byte replaced.
    pub start: usize,
    /// One past the last byte replaced.
    pub end: usize,
    /// The new text.
    pub text: String,
}

/// A safe, mechanical correction of a finding: replacements in the finding's document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Fix {
    /// What the fix does, in a few words: "tick `Estimates provided`".
    pub description: String,
    /// The replacements, in the finding's document.
    pub edits: Vec<Replacement>,
}

/// One finding about a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// How serious it is.
    pub severity: Severity,
    /// The document path, relative to the workspace root.
    pub file: String,
    /// The bytes the finding is about (absent for whole-file findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Other places the finding points at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A correction `planmark check --fix` may apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// Creates a finding about `span` of `file`.
    #[must_use]
    pub fn new(
        code: Code,
        severity: Severity,
        file: &str,
        span: Option<Span>,
        message: String,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            file: file.to_owned(),
            span,
            message,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// Adds a secondary label in the same document.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            file: None,
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a fix.
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl std::fmt::Display for Diagnostic {
    /// One line: `path:line: severity[PM003]: message`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.span {
            Some(s) => write!(f, "{}:{}: ", self.file, s.line)?,
            None => write!(f, "{}: ", self.file)?,
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code.as_str(),
            self.message
        )
    }
}
