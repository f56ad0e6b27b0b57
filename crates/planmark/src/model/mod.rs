//! The typed model of planning documents: pure data, no I/O.
//!
//! Every item keeps an [`Origin`]: where it was written (byte range and line)
//! and the byte ranges of its editable parts (the checkbox marker, each table
//! cell), so that later stages can report on it and edit it in place.

mod quantity;

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;

pub use quantity::{Effort, Quantity, Size, TimeUnit, WorkTime};

/// A byte range in one document's source, with the 1-based line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
}

impl Span {
    /// Returns the length of the range in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Returns whether the range is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// The written form an item was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// A list item (checkbox or not).
    ListItem,
    /// A table row.
    TableRow,
    /// A heading.
    Heading,
    /// A line of a paragraph or code block.
    Line,
}

/// One cell of a table row: the column it belongs to and its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Cell {
    /// The column header as written (shared by the column's cells).
    pub column: std::sync::Arc<str>,
    /// The cell's text, trimmed.
    pub text: String,
    /// The cell's content bytes (between the pipes, without padding).
    pub span: Span,
}

/// Where an item was written and the byte ranges of its editable parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Origin {
    /// The whole item: list item, table row, heading or line.
    pub span: Span,
    /// The form the item was written in.
    pub form: Form,
    /// The checkbox marker including brackets (`[ ]`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<Span>,
    /// The item's own inline text (for list items and headings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Span>,
    /// Each cell of a table row, in column order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<Cell>,
}

/// A set of planning documents read together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Workspace {
    /// The folder the documents' paths are relative to.
    pub root: String,
    /// The documents, in path order. Shared: a workspace kept current
    /// (the engine's) hands the same parse of an unchanged plan to every
    /// snapshot.
    pub documents: Vec<std::sync::Arc<Document>>,
    /// Findings about files that could not be read as documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Diagnostic>,
}

/// What kind of planning document this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A planning-session record (`# Planning Session: ...`).
    Session,
    /// A planning & implementation guide (front matter `phase: implementation`).
    Guide,
    /// Any other plan: a roadmap, a task list, a spec's tasks file.
    #[default]
    Generic,
}

/// The line ending a document predominantly uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineEnding {
    /// `\n`.
    #[default]
    Lf,
    /// `\r\n`.
    Crlf,
}

/// One parsed planning document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// The document kind, from front matter, else the title, else generic.
    pub kind: DocumentKind,
    /// The first level-one heading, or the front matter title.
    pub title: Option<String>,
    /// The front matter, when the document has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub front_matter: Option<FrontMatter>,
    /// The document's text, as read. Not serialised: a document read back
    /// from JSON has none, and the checks that read the text find nothing.
    #[serde(skip)]
    pub source: std::sync::Arc<str>,
    /// Whether the document starts with a UTF-8 byte-order mark.
    #[serde(default)]
    pub bom: bool,
    /// The predominant line ending.
    #[serde(default)]
    pub line_ending: LineEnding,
    /// Every heading-delimited section, in order.
    pub sections: Vec<Section>,
    /// Planning Focus fields.
    #[serde(default)]
    pub focus: Focus,
    /// Constraints fields.
    #[serde(default)]
    pub constraints: Constraints,
    /// Goals / objectives.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Phases, in document order.
    pub phases: Vec<Phase>,
    /// Tasks, in document order.
    pub tasks: Vec<Task>,
    /// Milestones.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// Functional and non-functional requirements.
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    /// User stories.
    #[serde(default)]
    pub user_stories: Vec<UserStory>,
    /// Architecture components.
    #[serde(default)]
    pub components: Vec<Component>,
    /// Risks.
    #[serde(default)]
    pub risks: Vec<Risk>,
    /// Decisions made.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// Action items.
    #[serde(default)]
    pub actions: Vec<ActionItem>,
    /// Open questions.
    #[serde(default)]
    pub questions: Vec<CheckItem>,
    /// Success criteria.
    #[serde(default)]
    pub success_criteria: Vec<CheckItem>,
    /// Session checklist items.
    #[serde(default)]
    pub checklist: Vec<ChecklistItem>,
    /// Next steps.
    #[serde(default)]
    pub next_steps: Vec<CheckItem>,
    /// People on the team.
    #[serde(default)]
    pub team: Vec<TeamMember>,
    /// Pools of interchangeable resources.
    #[serde(default)]
    pub pools: Vec<ResourcePool>,
    /// Tools and infrastructure.
    #[serde(default)]
    pub tools: Vec<Tool>,
    /// Timeline entries (`Week 1: Phase 1 - ...`).
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// References (links).
    #[serde(default)]
    pub references: Vec<Reference>,
    /// What the parser could not understand, with spans.
    #[serde(default)]
    pub findings: Vec<Diagnostic>,
    /// How each heading, list and table was read, and why (for
    /// `planmark tasks --explain`). Not serialised.
    #[serde(skip)]
    pub reading: Vec<Reading>,
}

/// How one block of a plan was read, and the rule that decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The block's first line.
    pub line: u32,
    /// What the block is.
    pub block: BlockKind,
    /// The heading, the first item or the table header, shortened.
    pub text: String,
    /// What planmark took the block for: `tasks`, `phase`, `notes`, ...
    pub role: &'static str,
    /// Why, in words.
    pub rule: &'static str,
    /// Tasks read from the block.
    pub tasks: usize,
}

/// The shape of a block, for [`Reading`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BlockKind {
    Heading,
    List,
    Table,
    Paragraph,
}

impl BlockKind {
    /// The block's name in output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Heading => "heading",
            BlockKind::List => "list",
            BlockKind::Table => "table",
            BlockKind::Paragraph => "paragraph",
        }
    }
}

/// Front matter: the YAML block between `---` lines at the top.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FrontMatter {
    /// The whole block, delimiters included.
    pub span: Span,
    /// Every key as written, as JSON values.
    pub fields: BTreeMap<String, serde_json::Value>,
    /// `start:` (project start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// `deadline:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// `phases: parallel` turns off the phase sequencing.
    #[serde(default)]
    pub phases_parallel: bool,
}

/// A heading and the lines up to the next heading of the same or a higher level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    /// The heading text as written (inline markup removed).
    pub heading: String,
    /// Heading level, 1 to 6.
    pub level: u8,
    /// What the heading was recognised as.
    pub kind: SectionKind,
    /// The heading line.
    pub heading_span: Span,
    /// The heading and everything under it.
    pub span: Span,
}

/// What a section is about, recognised from its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum SectionKind {
    Title,
    Overview,
    PlanningFocus,
    Context,
    Goals,
    Constraints,
    Requirements,
    FunctionalRequirements,
    NonFunctionalRequirements,
    UserStories,
    Architecture,
    HighLevelDesign,
    Components,
    DataFlow,
    IntegrationPoints,
    Tasks,
    Phase,
    Timeline,
    Risks,
    Resources,
    Team,
    Tools,
    SuccessCriteria,
    Checklist,
    Decisions,
    OpenQuestions,
    ActionItems,
    MeetingNotes,
    References,
    NextSteps,
    Milestones,
    Dependencies,
    DevelopmentSetup,
    CodeStructure,
    ImplementationNotes,
    CoreFeatures,
    Patterns,
    ErrorHandling,
    Performance,
    Security,
    Testing,
    Notes,
    /// A heading that matched nothing known.
    Other,
}

/// A `**Label**: value` field of a section, with the span of its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Field {
    /// The value as written, trimmed; empty when left blank.
    pub value: String,
    /// The whole line.
    pub span: Span,
}

/// Planning Focus: topic, scope, timeframe.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Focus {
    /// What is being planned.
    pub topic: Option<Field>,
    /// Project / Feature / Sprint / Architecture.
    pub scope: Option<Field>,
    /// When it should be completed.
    pub timeframe: Option<Field>,
}

/// Constraints: time, resources, technical, dependencies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Constraints {
    /// Time constraints.
    pub time: Option<Field>,
    /// Resource constraints.
    pub resources: Option<Field>,
    /// Technical constraints.
    pub technical: Option<Field>,
    /// Dependency constraints.
    pub dependencies: Option<Field>,
}

/// A goal or objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Goal {
    /// The goal text.
    pub text: String,
    /// Where it was written.
    pub origin: Origin,
}

/// A group of tasks: a `### Phase 2: Core Features` heading or a `Phase` column value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Phase {
    /// The phase number as written (`2`, `3.1`), when there is one.
    pub number: Option<String>,
    /// The phase name: the heading text without markup, e.g. `Phase 2: Core Features`.
    pub name: String,
    /// Where it was written.
    pub origin: Origin,
}

/// The progress state of a task or checkbox item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not started.
    #[default]
    Todo,
    /// Started, not finished.
    InProgress,
    /// Finished.
    Done,
    /// Waiting on something outside the plan.
    Blocked,
    /// Will not be done.
    Cancelled,
}

impl Status {
    /// Returns the status's name as used on the command line and in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Blocked => "blocked",
            Status::Cancelled => "cancelled",
        }
    }

    /// Returns the status's name for people: `in progress`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Status::InProgress => "in progress",
            s => s.as_str(),
        }
    }

    /// Returns whether no more work is expected (done or cancelled).
    #[must_use]
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Done | Status::Cancelled)
    }
}

/// Priority levels, from most to least urgent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PriorityLevel {
    /// `Critical`, `P0`, `Urgent`, `Blocker`.
    Critical,
    /// `High`, `P1`.
    High,
    /// `Medium`, `Med`, `P2`.
    Medium,
    /// `Low`, `P3` and below.
    Low,
}

impl PriorityLevel {
    /// Returns the level's name as used in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PriorityLevel::Critical => "critical",
            PriorityLevel::High => "high",
            PriorityLevel::Medium => "medium",
            PriorityLevel::Low => "low",
        }
    }
}

/// A priority as written, with its level when understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Priority {
    /// The level, `None` when the text was not understood.
    pub level: Option<PriorityLevel>,
    /// The text as written.
    pub text: String,
}

/// How a task is linked to one it depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// The task starts after the other finishes (the default).
    #[default]
    FinishToStart,
    /// The task starts after the other starts.
    StartToStart,
    /// The task finishes after the other finishes.
    FinishToFinish,
    /// The task finishes after the other starts.
    StartToFinish,
}

/// A dependency of a task on another task (or phase, or milestone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Dependency {
    /// The id of the task depended on: resolved to a task id of this
    /// document where possible, `doc#id` for another document, else as written.
    pub target: String,
    /// The link type.
    #[serde(default)]
    pub kind: LinkKind,
    /// Lag (positive) or lead (negative) in working time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag: Option<Quantity>,
    /// The reference as written.
    pub text: String,
    /// Whether `target` names a task that was found.
    #[serde(default)]
    pub resolved: bool,
    /// Where the reference is written, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// A demand on a person or a pooled resource: `@alice`, `backend x2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Demand {
    /// The person or pool name, without `@`.
    pub name: String,
    /// Units demanded (1 for a person, N for `pool xN`).
    pub units: f64,
}

/// How a task's id was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdSource {
    /// `{#id}` written explicitly.
    Explicit,
    /// From an `ID` or `#` column.
    Column,
    /// A leading label ending in a colon (`Task 1.2:`).
    Label,
    /// A leading tracker-style code (`T012`, `1.2`).
    Code,
    /// The slug of the title.
    #[default]
    Slug,
}

/// A unit of work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Task {
    /// Unique within the document.
    pub id: String,
    /// How the id was obtained.
    #[serde(default)]
    pub id_source: IdSource,
    /// The title with the inline attributes removed.
    pub title: String,
    /// Progress state.
    pub status: Status,
    /// Effort estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Effort>,
    /// A relative estimate (story points, T-shirt size) as written; it gives
    /// the task a duration only through `[estimates]` in planmark.toml.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// Tasks this one depends on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    /// People and pools the task needs (owners first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Demand>,
    /// Priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The phase name, when the task belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// The id of the enclosing task, for nested items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Start date, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// Due date, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// Inline tags: `[P]`, `[US1]`, `#backend`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Why it is blocked, when stated (`blocked: waiting for API keys`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_reason: Option<String>,
    /// The tracker issue it is, when written (`(#123)` after a list item,
    /// an `Issue` column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<u64>,
    /// Where it was written.
    pub origin: Origin,
}

impl std::fmt::Display for Demand {
    /// `alice`, or `backend x2` for several units.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if (self.units - 1.0).abs() < f64::EPSILON {
            f.write_str(&self.name)
        } else {
            write!(f, "{} x{}", self.name, self.units)
        }
    }
}

impl Task {
    /// Returns the first person or pool named, if any.
    #[must_use]
    pub fn owner(&self) -> Option<&str> {
        self.resources.first().map(|d| d.name.as_str())
    }
}

/// A checkpoint: `Milestone 1: Beta (target 2026-12-15, after Phase 2)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Milestone {
    /// `M1` for `Milestone 1`, else the slug of the title.
    pub id: String,
    /// The title with attributes removed.
    pub title: String,
    /// Reached or not.
    pub status: Status,
    /// Target date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Date>,
    /// Phases and tasks the milestone closes (as written: `Phase 2`, `2.3`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// Functional or non-functional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// What the system does (`FR1`).
    Functional,
    /// How well it does it (`NFR1 (Performance)`).
    NonFunctional,
}

/// A requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Requirement {
    /// `FR1`, `NFR2`, when labelled.
    pub id: Option<String>,
    /// Functional or non-functional.
    pub kind: RequirementKind,
    /// The category in parentheses: `Performance`, `Security`.
    pub category: Option<String>,
    /// The requirement text (empty when left blank).
    pub text: String,
    /// Checkbox state.
    pub status: Status,
    /// Where it was written.
    pub origin: Origin,
}

/// `As a <role> I want to <want> so that <benefit>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UserStory {
    /// `US1` when labelled.
    pub id: Option<String>,
    /// The user type.
    pub role: Option<String>,
    /// The action wanted.
    pub want: Option<String>,
    /// The benefit.
    pub benefit: Option<String>,
    /// The story as written.
    pub text: String,
    /// Where it was written.
    pub origin: Origin,
}

/// A row of the Components table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Component {
    /// Component name.
    pub name: String,
    /// What it is responsible for.
    pub responsibility: Option<String>,
    /// Who owns it.
    pub owner: Option<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// A five-step scale for likelihood and impact.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Level {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
}

/// A likelihood or impact rating as written, with its meaning when understood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Rating {
    /// The level, `None` when the text was not understood.
    pub level: Option<Level>,
    /// A probability in `0..=1`, when written as a percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// The text as written.
    pub text: String,
}

/// A risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Risk {
    /// `R1` when labelled, else the slug of the title.
    pub id: String,
    /// What could go wrong.
    pub title: String,
    /// How likely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<Rating>,
    /// How bad.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Rating>,
    /// What is done about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
    /// Who watches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Task ids it affects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affects: Vec<String>,
    /// The delay it causes when it happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Quantity>,
    /// Where it was written.
    pub origin: Origin,
}

/// A decision made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    /// What was decided.
    pub decision: String,
    /// Why.
    pub rationale: Option<String>,
    /// By whom.
    pub made_by: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Where it was written.
    pub origin: Origin,
}

/// An action item: `Action | Owner | Due Date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ActionItem {
    /// What to do.
    pub action: String,
    /// Who does it.
    pub owner: Option<String>,
    /// The due date, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// The due date as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_text: Option<String>,
    /// Done or not.
    pub status: Status,
    /// Where it was written.
    pub origin: Origin,
}

/// A checkbox (or plain) item: open question, success criterion, next step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckItem {
    /// The item text.
    pub text: String,
    /// Checkbox state (`todo` for plain items).
    pub status: Status,
    /// Where it was written.
    pub origin: Origin,
}

/// The eight items of the Session Checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ChecklistTopic {
    Goals,
    Requirements,
    Architecture,
    Tasks,
    Estimates,
    Risks,
    Timeline,
    SuccessCriteria,
}

/// A Session Checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ChecklistItem {
    /// The item text.
    pub text: String,
    /// What part of the document it vouches for, when recognised.
    pub topic: Option<ChecklistTopic>,
    /// Ticked or not.
    pub status: Status,
    /// Where it was written.
    pub origin: Origin,
}

/// A person: `- Alice: Backend (80%)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TeamMember {
    /// Name as written.
    pub name: String,
    /// Role or responsibility.
    pub role: Option<String>,
    /// Share of full time, 1.0 when not stated.
    pub capacity: f64,
    /// Where it was written.
    pub origin: Origin,
}

/// A pool of interchangeable units: `- Backend team: 3 developers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourcePool {
    /// Pool name as written (`Backend team`).
    pub name: String,
    /// Number of units.
    pub units: f64,
    /// Where it was written.
    pub origin: Origin,
}

/// A tool, service or piece of infrastructure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    /// Name as written.
    pub name: String,
    /// What it is for.
    pub note: Option<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// A line of the Timeline: `Week 1: Phase 1 - Foundation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TimelineEntry {
    /// The period as written: `Week 1`, `Weeks 2-3`, `2026-12-01`.
    pub period: String,
    /// First and last week numbers, when the period is in weeks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weeks: Option<(u32, u32)>,
    /// Start date, when the period is dated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// End date, when the period is dated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    /// The phase named (`Phase 1`), when there is one.
    pub phase: Option<String>,
    /// The rest of the line.
    pub description: String,
    /// Where it was written.
    pub origin: Origin,
}

/// A link in References.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Reference {
    /// The link text.
    pub text: String,
    /// The link target as written.
    pub target: String,
    /// Where it was written.
    pub origin: Origin,
}

impl Workspace {
    /// Reads a workspace back from the JSON that `planmark export --format json` writes.
    ///
    /// # Errors
    ///
    /// Returns the JSON error when the text is not such a workspace.
    pub fn from_json(json: &str) -> Result<Workspace, serde_json::Error> {
        serde_json::from_str(json)
    }
}
