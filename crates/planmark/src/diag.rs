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
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $name:literal;)*) => {
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
        }
    };
}

codes! {
    /// The file is not UTF-8 text (binary, or another encoding).
    NotText = "PM001", "not-text";
    /// The front matter is not valid YAML, or a known key has the wrong type.
    FrontMatter = "PM002", "front-matter";
    /// An estimate could not be read.
    UnreadableEstimate = "PM003", "unreadable-estimate";
    /// A table in a planning section could not be classified.
    UnknownTable = "PM004", "unknown-table";
    /// A dependency reference could not be read.
    UnreadableDependency = "PM005", "unreadable-dependency";
    /// A status marker or Status cell could not be read.
    UnknownStatus = "PM006", "unknown-status";
    /// A date could not be read.
    UnreadableDate = "PM007", "unreadable-date";
    /// A code fence is never closed, so the rest of the document is code.
    UnclosedFence = "PM008", "unclosed-fence";
    /// A priority could not be read.
    UnknownPriority = "PM009", "unknown-priority";
    /// A likelihood or impact could not be read.
    UnknownRating = "PM010", "unknown-rating";
    /// The file is too large to read as a plan.
    TooLarge = "PM011", "too-large";
    /// A table row has more cells than the header.
    RaggedTable = "PM012", "ragged-table";
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
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
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
            help: None,
        }
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
