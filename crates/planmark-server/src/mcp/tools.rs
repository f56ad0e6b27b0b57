//! The eight tools: what they take, what they answer, and how.
//!
//! The cut: `status` (the whole picture), `tasks` (find work), `task`
//! (one in full), `next` (what to do now), `update` and `add` (progress
//! and new work), `check` (problems), `plan` (a new plan). Reading one
//! plan's text is a resource, not a tool. Arguments are Rust types: the
//! schema the client sees and the parser that checks a call are one and
//! the same, so a bad call is refused with the schema's own complaint.
//!
//! Every answer is a few lines of text (what a model reads) and the same
//! facts as structured content (what a program reads), together under
//! [`BUDGET`] bytes: lists are paged, one task is one line unless fields
//! are asked for.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use planmark::edit::Attribute;
use planmark::model::{Document, Status, Task};
use planmark::project::{NewTaskRequest, ProjectError, Snapshot, TaskFilter};
use planmark::templates::{self, Builtin, Vars};
use rmcp::ErrorData;
use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations,
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::App;

/// The most an answer holds unless the caller asks for a page size: text
/// and structured content together.
pub(crate) const BUDGET: usize = 4096;
/// The most a page holds when the caller asks for a page size.
const MAX_BUDGET: usize = 65_536;
/// Room kept for the envelope and the totals around a list.
const ENVELOPE: usize = 400;

// ---------------------------------------------------------------- inputs

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusArgs {
    /// Part of a plan's path.
    plan: Option<String>,
    /// Plans per page (default 10).
    limit: Option<u32>,
    cursor: Option<String>,
}

// A task's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum StatusName {
    Todo,
    InProgress,
    Blocked,
    Done,
    Cancelled,
}

impl StatusName {
    fn status(self) -> Status {
        match self {
            StatusName::Todo => Status::Todo,
            StatusName::InProgress => Status::InProgress,
            StatusName::Blocked => Status::Blocked,
            StatusName::Done => Status::Done,
            StatusName::Cancelled => Status::Cancelled,
        }
    }
}

// A field of a task, for `tasks` to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Field {
    Title,
    Status,
    Plan,
    Line,
    Phase,
    Estimate,
    Owner,
    Priority,
    Depends,
    Due,
    Start,
    Finish,
    Slack,
    Critical,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TasksArgs {
    /// Default: the open ones.
    status: Option<Vec<StatusName>>,
    owner: Option<String>,
    /// Phase name (part of it) or number.
    phase: Option<String>,
    /// Part of a plan's path.
    plan: Option<String>,
    /// Words in the title or id.
    text: Option<String>,
    /// Only tasks that can start now.
    ready: Option<bool>,
    /// Only tasks on the critical path.
    critical: Option<bool>,
    /// Objects with these fields instead of lines.
    fields: Option<Vec<Field>>,
    /// Page size; default: what fits in 4 KB.
    limit: Option<u32>,
    cursor: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskArgs {
    /// As `tasks` prints it: `1.2`, or `plan#1.2` when ids repeat.
    id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NextArgs {
    /// Only this person's or pool's tasks.
    owner: Option<String>,
    /// How many (default 5).
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateArgs {
    #[schemars(length(min = 1, max = 100))]
    ids: Vec<String>,
    status: Option<StatusName>,
    owner: Option<String>,
    /// 2h, 3d, 2-4d, 1d/2d/5d.
    estimate: Option<String>,
    priority: Option<String>,
    /// YYYY-MM-DD.
    due: Option<String>,
    /// Ids it depends on: `1.1, 1.2`.
    depends: Option<String>,
    /// Why it is blocked (with status blocked).
    note: Option<String>,
    /// Done despite open dependencies.
    force: Option<bool>,
    /// Show, do not write.
    dry_run: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddArgs {
    title: String,
    /// Its path or file name; default: the only plan.
    plan: Option<String>,
    /// Phase name (part of it) or number; default: the plan's last.
    phase: Option<String>,
    estimate: Option<String>,
    owner: Option<String>,
    /// Id of the task it comes after.
    after: Option<String>,
    dry_run: Option<bool>,
}

// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum SeverityName {
    Note,
    Warning,
    Error,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckArgs {
    /// Least severity listed (default note: all).
    severity: Option<SeverityName>,
    /// Part of a plan's path.
    plan: Option<String>,
    /// Page size; default: what fits in 4 KB.
    limit: Option<u32>,
    cursor: Option<String>,
}

// A built-in template.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum TemplateName {
    Session,
    Guide,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewTask {
    title: String,
    estimate: Option<String>,
    priority: Option<String>,
    owner: Option<String>,
    /// Ids of tasks it waits for; task N of phase P is `P.N`.
    depends: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewPhase {
    name: String,
    tasks: Vec<NewTask>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanArgs {
    template: TemplateName,
    topic: String,
    /// Project, Feature, Sprint or Architecture.
    scope: Option<String>,
    /// e.g. 2 weeks.
    timeframe: Option<String>,
    /// Default docs/plans/DATE-topic.md.
    path: Option<String>,
    /// Replace the template's example tasks.
    phases: Option<Vec<NewPhase>>,
}

// --------------------------------------------------------------- outputs

// One list item: a line, or the fields asked for.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
enum Item {
    Line(String),
    // Its fields are the ones `fields` names: the input schema lists them.
    #[schemars(schema_with = "fields_schema")]
    Fields(Box<TaskFields>),
}

fn fields_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "object", "required": ["id"] })
}

#[derive(Debug, Default, Serialize, JsonSchema)]
struct TaskFields {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<StatusName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    estimate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    depends: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finish: Option<String>,
    /// Working days it can slip.
    #[serde(skip_serializing_if = "Option::is_none")]
    slack: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    critical: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct PlanStatus {
    plan: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    done: usize,
    total: usize,
    in_progress: usize,
    blocked: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    finish: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p50: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p80: Option<String>,
    deadlines: Vec<String>,
    errors: usize,
    warnings: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
struct StatusOut {
    plans: Vec<PlanStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finish: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p50: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p80: Option<String>,
    deadlines: Vec<String>,
    critical: Vec<String>,
    findings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct ListOut {
    tasks: Vec<Item>,
    /// Matches in all pages.
    total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct TaskOut {
    id: String,
    title: String,
    status: StatusName,
    plan: String,
    line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    phase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    estimate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked: Option<String>,
    depends: Vec<String>,
    dependents: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finish: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slack: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    critical: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct NextOut {
    tasks: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct UpdateOut {
    changed: Vec<String>,
    /// Ids already as asked.
    unchanged: Vec<String>,
    written: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
struct AddOut {
    id: String,
    plan: String,
    line: u32,
    written: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
struct CheckOut {
    findings: Vec<String>,
    errors: usize,
    warnings: usize,
    notes: usize,
    /// Matches in all pages.
    total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct PlanOut {
    plan: String,
    uri: String,
    tasks: usize,
    findings: Vec<String>,
}

// --------------------------------------------------------- definitions

/// A JSON Schema as small as it can be and still say everything a caller
/// needs: no titles, no formats, nothing about `null` (optional fields
/// are simply left out).
fn schema<T: JsonSchema>() -> Arc<JsonObject> {
    let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| {
        s.inline_subschemas = true;
        s.meta_schema = None;
    });
    let root = settings.into_generator().into_root_schema_for::<T>();
    let mut v = serde_json::to_value(root).unwrap_or_default();
    trim(&mut v);
    match v {
        Value::Object(o) => Arc::new(o),
        _ => Arc::default(),
    }
}

fn trim(v: &mut Value) {
    match v {
        Value::Object(o) => {
            // Keywords only: a property may be called `title`.
            for k in ["title", "format", "$schema"] {
                if o.get(k).is_some_and(Value::is_string) {
                    o.remove(k);
                }
            }
            if o.get("default").is_some_and(Value::is_null) {
                o.remove("default");
            }
            if let Some(Value::Array(values)) = o.get_mut("enum") {
                values.retain(|x| !x.is_null());
            }
            if let Some(Value::Array(types)) = o.get("type") {
                let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                if kept.len() == 1 {
                    o.insert("type".into(), kept[0].clone());
                }
            }
            // `Option<Enum>` comes as anyOf [the enum, null].
            if let Some(Value::Array(any)) = o.get("anyOf") {
                let kept: Vec<Value> = any
                    .iter()
                    .filter(|x| x.get("type").is_none_or(|t| t != "null"))
                    .cloned()
                    .collect();
                if kept.len() == 1 {
                    o.remove("anyOf");
                    if let Value::Object(inner) = &kept[0] {
                        for (k, x) in inner {
                            o.entry(k.clone()).or_insert_with(|| x.clone());
                        }
                    }
                }
            }
            // `minimum: 0` says nothing a count does not.
            if o.get("minimum").is_some_and(|m| m == 0) {
                o.remove("minimum");
            }
            for x in o.values_mut() {
                trim(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(trim),
        _ => {}
    }
}

fn strip_required(o: &mut JsonObject) {
    o.remove("required");
    for v in o.values_mut() {
        match v {
            Value::Object(x) => strip_required(x),
            Value::Array(a) => a
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .for_each(strip_required),
            _ => {}
        }
    }
}

fn tool<I: JsonSchema, O: JsonSchema>(
    name: &'static str,
    description: &'static str,
    read_only: bool,
) -> Tool {
    // An answer's schema says what each field holds; which fields are
    // always there is the same for every answer, and not worth the bytes.
    let mut out = schema::<O>();
    strip_required(Arc::make_mut(&mut out));
    let mut t = Tool::new(name, description, schema::<I>()).with_raw_output_schema(out);
    // Only what differs from the defaults: reading tools say so (clients
    // may run them without asking); the writing ones destroy nothing.
    t.annotations = Some(if read_only {
        ToolAnnotations::new().read_only(true)
    } else {
        ToolAnnotations::new().destructive(false)
    });
    t
}

/// The tools, in the order an agent uses them.
pub(crate) fn all() -> &'static [Tool] {
    static TOOLS: OnceLock<Vec<Tool>> = OnceLock::new();
    TOOLS.get_or_init(|| {
        vec![
            tool::<StatusArgs, StatusOut>(
                "status",
                "Each plan's progress, planned finish, forecast (P50/P80), deadline odds, top findings.",
                true,
            ),
            tool::<TasksArgs, ListOut>(
                "tasks",
                "Tasks matching filters, one line each unless fields are asked for; paged.",
                true,
            ),
            tool::<TaskArgs, TaskOut>(
                "task",
                "One task in full: dependencies, dependents, schedule and why it starts when it does.",
                true,
            ),
            tool::<NextArgs, NextOut>(
                "next",
                "What to work on now: work in progress first, then tasks that can start, critical first.",
                true,
            ),
            tool::<UpdateArgs, UpdateOut>(
                "update",
                "Set tasks' status, owner, estimate, priority, due date or dependencies in their plan file; done waits for dependencies.",
                false,
            ),
            tool::<AddArgs, AddOut>(
                "add",
                "Add a task at the end of a phase, written in that phase's own form.",
                false,
            ),
            tool::<CheckArgs, CheckOut>(
                "check",
                "Problems in the plans (cycles, unknown ids, overdue work), worst first; paged.",
                true,
            ),
            tool::<PlanArgs, PlanOut>(
                "plan",
                "Create a plan file from the session or guide template, with its phases and tasks filled in.",
                false,
            ),
        ]
    })
}

// -------------------------------------------------------------- calling

/// A checked call.
pub(crate) enum Call {
    Status(StatusArgs),
    Tasks(TasksArgs),
    Task(TaskArgs),
    Next(NextArgs),
    Update(UpdateArgs),
    Add(AddArgs),
    Check(CheckArgs),
    Plan(PlanArgs),
}

fn args<T: DeserializeOwned>(name: &str, a: JsonObject) -> Result<T, ErrorData> {
    serde_json::from_value(Value::Object(a)).map_err(|e| {
        let schema = all()
            .iter()
            .find(|t| t.name == name)
            .map(|t| Value::Object((*t.input_schema).clone()));
        ErrorData::invalid_params(
            format!("{name}: {e}"),
            schema.map(|s| serde_json::json!({ "inputSchema": s })),
        )
    })
}

/// Checks a call's arguments against its tool's schema.
pub(crate) fn parse(name: &str, a: JsonObject) -> Result<Call, ErrorData> {
    Ok(match name {
        "status" => Call::Status(args(name, a)?),
        "tasks" => Call::Tasks(args(name, a)?),
        "task" => Call::Task(args(name, a)?),
        "next" => Call::Next(args(name, a)?),
        "update" => {
            let u: UpdateArgs = args(name, a)?;
            if u.ids.is_empty() {
                return Err(ErrorData::invalid_params("update: `ids` is empty", None));
            }
            if u.status.is_none() && attributes(&u).is_empty() {
                return Err(ErrorData::invalid_params(
                    "update: nothing to change; give status, owner, estimate, priority, due or depends",
                    None,
                ));
            }
            if u.note.is_some() && u.status != Some(StatusName::Blocked) {
                return Err(ErrorData::invalid_params(
                    "update: a note says why a task is blocked; give it with status `blocked`",
                    None,
                ));
            }
            Call::Update(u)
        }
        "add" => Call::Add(args(name, a)?),
        "check" => Call::Check(args(name, a)?),
        "plan" => Call::Plan(args(name, a)?),
        other => {
            let names: Vec<&str> = all().iter().map(|t| t.name.as_ref()).collect();
            return Err(ErrorData::invalid_params(
                format!("no tool `{other}`; the tools are {}", names.join(", ")),
                None,
            ));
        }
    })
}

/// What a tool answers.
pub(crate) struct Answer {
    text: String,
    data: Option<Value>,
    error: bool,
}

impl From<Answer> for CallToolResponse {
    fn from(a: Answer) -> CallToolResponse {
        let mut r = if a.error {
            CallToolResult::error(vec![ContentBlock::text(a.text)])
        } else {
            CallToolResult::success(vec![ContentBlock::text(a.text)])
        };
        r.structured_content = a.data;
        r.into()
    }
}

/// A call the tool could not carry out, said so the agent can act on it.
pub(crate) fn refused(why: impl Into<String>) -> Answer {
    Answer {
        text: why.into(),
        data: None,
        error: true,
    }
}

fn answer<T: Serialize>(text: String, data: &T) -> Answer {
    Answer {
        text,
        data: serde_json::to_value(data).ok(),
        error: false,
    }
}

/// Runs a checked call on the workspace.
pub(crate) fn run(app: &App, call: Call) -> Answer {
    let r = match call {
        Call::Status(a) => status(app, &a),
        Call::Tasks(a) => tasks(app, &a),
        Call::Task(a) => task(app, &a),
        Call::Next(a) => Ok(next(app, &a)),
        Call::Update(a) => Ok(update(app, &a)),
        Call::Add(a) => add(app, &a),
        Call::Check(a) => check(app, &a),
        Call::Plan(a) => plan(app, &a),
    };
    r.unwrap_or_else(refused)
}

// ------------------------------------------------------------ helpers

/// How each task is named in answers, the shortest way `find` takes
/// back: its id; `stem#id` when several plans use the id; `path#id` when
/// several plans also share the file name.
struct Names<'a> {
    ids: HashMap<&'a str, u32>,
    stems: HashMap<&'a str, u32>,
}

fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

impl<'a> Names<'a> {
    fn of(snap: &'a Snapshot) -> Names<'a> {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut stems: HashMap<&str, u32> = HashMap::new();
        for d in &snap.workspace().documents {
            *stems.entry(stem(&d.path)).or_default() += 1;
            for t in &d.tasks {
                *ids.entry(t.id.as_str()).or_default() += 1;
            }
        }
        Names { ids, stems }
    }

    fn name(&self, d: &Document, t: &Task) -> String {
        if self.ids.get(t.id.as_str()).copied().unwrap_or(0) <= 1 {
            t.id.clone()
        } else if self.stems.get(stem(&d.path)).copied().unwrap_or(0) <= 1 {
            format!("{}#{}", stem(&d.path), t.id)
        } else {
            format!("{}#{}", d.path, t.id)
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn status_name(s: Status) -> StatusName {
    match s {
        Status::Todo => StatusName::Todo,
        Status::InProgress => StatusName::InProgress,
        Status::Blocked => StatusName::Blocked,
        Status::Done => StatusName::Done,
        Status::Cancelled => StatusName::Cancelled,
    }
}

fn owner(t: &Task) -> Option<String> {
    (!t.resources.is_empty()).then(|| {
        t.resources
            .iter()
            .map(|r| format!("@{r}"))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A task on one line: `1.2 [todo] Title — 3d, @alice, after 1.1`.
fn line(name: &str, t: &Task) -> String {
    let mut s = format!("{name} [{}] {}", t.status.label(), shorten(&t.title, 100));
    let mut facts: Vec<String> = Vec::new();
    if let Some(e) = &t.estimate {
        facts.push(e.text().to_owned());
    }
    if let Some(o) = owner(t) {
        facts.push(o);
    }
    if let Some(p) = &t.priority {
        facts.push(p.text.clone());
    }
    if !t.dependencies.is_empty() {
        let deps: Vec<&str> = t.dependencies.iter().map(|d| d.text.trim()).collect();
        facts.push(format!("after {}", shorten(&deps.join(", "), 60)));
    }
    if let Some(d) = t.due {
        facts.push(format!("due {d}"));
    }
    if !facts.is_empty() {
        let _ = write!(s, " — {}", facts.join(", "));
    }
    s
}

/// The cursor's offset.
fn offset(cursor: Option<&str>) -> Result<usize, String> {
    cursor.map_or(Ok(0), |c| {
        c.parse::<usize>()
            .map_err(|_| format!("bad cursor `{c}`: pass the next_cursor of the previous answer"))
    })
}

/// The items of a page that fit `budget` bytes, from `from`, at most
/// `limit`: each item is counted twice (text and structured content).
fn fit<T>(
    all: &[T],
    from: usize,
    limit: usize,
    budget: usize,
    size: impl Fn(&T) -> usize,
) -> (usize, Option<String>) {
    let mut used = ENVELOPE;
    let mut n = 0;
    for x in all.iter().skip(from).take(limit) {
        let s = size(x);
        if n > 0 && used + s > budget {
            break;
        }
        used += s;
        n += 1;
    }
    let end = from + n;
    (end, (end < all.len()).then(|| end.to_string()))
}

/// A page fits in [`BUDGET`], unless the caller asked for a number of
/// items: then it holds them, up to [`MAX_BUDGET`].
fn json_len<T: Serialize>(x: &T) -> usize {
    serde_json::to_string(x).map_or(0, |s| s.len())
}

fn budget(limit: Option<u32>) -> usize {
    if limit.is_some() { MAX_BUDGET } else { BUDGET }
}

/// Near matches of an id that names no task: ids that look alike, and
/// tasks whose title holds the words.
fn near(snap: &Snapshot, query: &str) -> Vec<String> {
    let names = Names::of(snap);
    let q = query.rsplit('#').next().unwrap_or(query).to_lowercase();
    let mut scored: Vec<(f64, String)> = Vec::new();
    for d in &snap.workspace().documents {
        for t in &d.tasks {
            let id = strsim::normalized_damerau_levenshtein(&q, &t.id.to_lowercase());
            let title = t.title.to_lowercase();
            let words = if q.len() >= 3 && title.contains(&q) {
                0.9
            } else {
                0.0
            };
            let score = id.max(words);
            if score >= 0.5 {
                scored.push((
                    score,
                    format!("{} ({})", names.name(d, t), shorten(&t.title, 50)),
                ));
            }
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|x| x.1).collect()
}

/// An engine refusal, in words an agent can act on.
fn explain(snap: &Snapshot, e: ProjectError) -> String {
    match e {
        ProjectError::NoTask { query, .. } => {
            let near = near(snap, &query);
            if near.is_empty() {
                format!("no task `{query}`; `tasks` lists the ids")
            } else {
                format!("no task `{query}`; near matches: {}", near.join(", "))
            }
        }
        ProjectError::Ambiguous { query, at, .. } => {
            let ws = snap.workspace();
            let named = Names::of(snap);
            let names: Vec<String> = at
                .iter()
                .map(|&(d, t)| named.name(&ws.documents[d], &ws.documents[d].tasks[t]))
                .collect();
            format!(
                "`{query}` names tasks in several plans; pass one of: {}",
                names.join(", ")
            )
        }
        ProjectError::NotReady { waiting } => {
            let each: Vec<String> = waiting.iter().map(ToString::to_string).collect();
            format!(
                "not marked done, nothing was written: {}. Finish those first, or pass force: true if they are done outside the plans.",
                each.join("; ")
            )
        }
        e @ ProjectError::Edit(_) => {
            let said = e.to_string();
            let said = said.trim_end_matches(" Run the command again.");
            format!(
                "{}. Someone else changed it meanwhile: read the task again (`task`) and retry with what it holds now.",
                said.trim_end_matches('.')
            )
        }
        e => e.to_string(),
    }
}

/// Reads the plans holding `ids` again before an edit, so that it is
/// checked against what is on disk now.
fn reread(app: &App, ids: &[&str]) -> Arc<Snapshot> {
    let snap = fresh(app, ids);
    let mut files: Vec<PathBuf> = ids
        .iter()
        .filter_map(|id| snap.find(id).ok())
        .map(|(di, _)| app.root.join(&snap.document(di).path))
        .collect();
    files.sort();
    files.dedup();
    if !files.is_empty() {
        app.refresh(&files);
    }
    app.snapshot()
}

/// The workspace, read again first when an id names no task: a plan
/// written a moment ago may not have reached the watcher yet.
fn fresh(app: &App, ids: &[&str]) -> Arc<Snapshot> {
    let snap = app.snapshot();
    if ids
        .iter()
        .any(|id| matches!(snap.find(id), Err(ProjectError::NoTask { .. })))
    {
        app.refresh(&[]);
        return app.snapshot();
    }
    snap
}

fn plan_files(app: &App, paths: impl IntoIterator<Item = String>) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = paths.into_iter().map(|p| app.root.join(p)).collect();
    v.sort();
    v.dedup();
    v
}

// -------------------------------------------------------------- tools

fn status(app: &App, a: &StatusArgs) -> Result<Answer, String> {
    let snap = app.snapshot();
    let forecasted = app.forecasted();
    let forecast = forecasted.quick_forecast();
    let ws = snap.workspace();
    let report = snap.check();
    let timeline = snap.timeline();
    let names = Names::of(&snap);
    let finishes = crate::pages::plan_finishes(&snap);
    let deadline_text = |d: &planmark::schedule::Deadline| {
        let odds = crate::pages::deadline_odds(d, forecast);
        let mut s = if d.late_days > 0 {
            format!("{}: missed by {} working days", d.date, d.late_days)
        } else {
            format!("{}: met, {} working days to spare", d.date, -d.late_days)
        };
        if let Some(p) = odds {
            let _ = write!(s, ", {:.0}% likely", p * 100.0);
        }
        s
    };
    let summaries = snap.summaries();
    let chosen: Vec<usize> = (0..ws.documents.len())
        .filter(|&i| {
            a.plan
                .as_deref()
                .is_none_or(|p| ws.documents[i].path.contains(p))
        })
        .collect();
    if chosen.is_empty() && a.plan.is_some() {
        return Err(format!(
            "no plan matches `{}`; the plans are: {}",
            a.plan.as_deref().unwrap_or_default(),
            shorten(
                &ws.documents
                    .iter()
                    .map(|d| d.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                600
            )
        ));
    }
    let from = offset(a.cursor.as_deref())?;
    let limit = a.limit.map_or(10, |l| l as usize);
    let end = (from + limit).min(chosen.len());
    let mut plans = Vec::new();
    for &i in chosen.get(from..end).unwrap_or_default() {
        let d = &ws.documents[i];
        let s = &summaries[i];
        let outcome = forecast.and_then(|f| {
            if ws.documents.len() == 1 {
                Some(&f.finish)
            } else {
                f.plans
                    .iter()
                    .find(|p| p.plan == d.path)
                    .map(|p| &p.outcome)
            }
        });
        let deadlines = timeline.map_or(Vec::new(), |t| {
            t.plan_deadlines
                .iter()
                .chain(t.deadline.iter().filter(|_| ws.documents.len() == 1))
                .filter(|x| x.plan.as_deref().is_none_or(|p| p == d.path))
                .map(deadline_text)
                .collect()
        });
        plans.push(PlanStatus {
            plan: d.path.clone(),
            title: crate::pages::display_title(d),
            done: s.tasks.done,
            total: s.tasks.planned(),
            in_progress: s.tasks.in_progress,
            blocked: s.tasks.blocked,
            finish: finishes.get(d.path.as_str()).map(ToString::to_string),
            p50: outcome.map(|o| o.p50.to_string()),
            p80: outcome.map(|o| o.p80.to_string()),
            deadlines,
            errors: s.findings.0,
            warnings: s.findings.1,
        });
    }
    let mut findings: Vec<&planmark::diag::Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|f| f.severity != planmark::diag::Severity::Note)
        .filter(|f| chosen.iter().any(|&i| ws.documents[i].path == f.file))
        .collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut out = StatusOut {
        plans,
        finish: timeline
            .filter(|t| !t.tasks.is_empty())
            .map(|t| t.finish.to_string()),
        p50: forecast.map(|f| f.finish.p50.to_string()),
        p80: forecast.map(|f| f.finish.p80.to_string()),
        deadlines: timeline
            .and_then(|t| t.deadline.as_ref())
            .map(deadline_text)
            .into_iter()
            .collect(),
        critical: timeline.map_or(Vec::new(), |t| {
            t.critical_path
                .iter()
                .take(12)
                .filter_map(|&i| {
                    let x = &t.tasks[i];
                    let d = ws.documents.iter().find(|d| d.path == x.plan)?;
                    let task = d.tasks.iter().find(|k| k.id == x.id)?;
                    Some(names.name(d, task))
                })
                .collect()
        }),
        findings: findings.iter().take(5).map(|f| finding(f)).collect(),
        next_cursor: None,
    };
    // Plans past the budget go to the next page (text and structured
    // content say each plan once).
    let plans = std::mem::take(&mut out.plans);
    let mut used = ENVELOPE + 2 * json_len(&out);
    let cap = budget(a.limit);
    for p in plans {
        let s = 2 * json_len(&p) + 8;
        if !out.plans.is_empty() && used + s > cap {
            break;
        }
        used += s;
        out.plans.push(p);
    }
    let end = from + out.plans.len();
    out.next_cursor = (end < chosen.len()).then(|| end.to_string());
    let mut text = String::new();
    let total: usize = out.plans.iter().map(|p| p.total).sum();
    if ws.documents.is_empty() {
        let _ = writeln!(
            text,
            "No plans in {}. Create one with `plan`.",
            snap.root().display()
        );
    }
    if let Some(f) = &out.finish {
        let _ = write!(text, "Planned finish {f}");
        if let (Some(p50), Some(p80)) = (&out.p50, &out.p80) {
            let _ = write!(text, "; forecast P50 {p50}, P80 {p80}");
        }
        text.push('\n');
    }
    for d in &out.deadlines {
        let _ = writeln!(text, "Deadline {d}");
    }
    for p in &out.plans {
        let _ = write!(text, "{}", p.plan);
        if let Some(t) = &p.title {
            let _ = write!(text, " \"{}\"", shorten(t, 60));
        }
        let _ = write!(text, ": {}/{} done", p.done, p.total);
        if p.in_progress > 0 {
            let _ = write!(text, ", {} in progress", p.in_progress);
        }
        if p.blocked > 0 {
            let _ = write!(text, ", {} blocked", p.blocked);
        }
        if let Some(f) = &p.finish {
            let _ = write!(text, "; finish {f}");
        }
        if let (Some(a), Some(b)) = (&p.p50, &p.p80) {
            let _ = write!(text, " (P50 {a}, P80 {b})");
        }
        for d in &p.deadlines {
            let _ = write!(text, "; deadline {d}");
        }
        let _ = writeln!(
            text,
            "; {}, {}",
            plural(p.errors, "error"),
            plural(p.warnings, "warning")
        );
    }
    if let Some(c) = &out.next_cursor {
        let _ = writeln!(text, "(more plans: cursor {c})");
    }
    if !out.critical.is_empty() {
        let _ = writeln!(text, "Critical path: {}", out.critical.join(" → "));
    }
    for f in &out.findings {
        let _ = writeln!(text, "{f}");
    }
    if total == 0 && !ws.documents.is_empty() {
        let _ = writeln!(
            text,
            "No tasks found in the plans; `check` says what could not be read."
        );
    }
    Ok(answer(text, &out))
}

fn finding(f: &planmark::diag::Diagnostic) -> String {
    let mut s = format!(
        "{}:{} {} {}: {}",
        f.file,
        f.span.map_or(0, |s| s.line),
        match f.severity {
            planmark::diag::Severity::Error => "error",
            planmark::diag::Severity::Warning => "warning",
            planmark::diag::Severity::Note => "note",
        },
        f.code.as_str(),
        f.message
    );
    if let Some(h) = &f.help {
        let _ = write!(s, " (help: {h})");
    }
    shorten(&s, 300)
}

fn tasks(app: &App, a: &TasksArgs) -> Result<Answer, String> {
    let snap = app.snapshot();
    let ws = snap.workspace();
    let filter = TaskFilter {
        statuses: a.status.iter().flatten().map(|s| s.status()).collect(),
        open: a.status.is_none(),
        phase: a.phase.clone(),
        owner: a.owner.clone(),
        plan: a.plan.clone(),
        text: a.text.clone(),
    };
    let mut found = snap.tasks(&filter);
    if a.ready == Some(true) {
        let ready: std::collections::HashSet<(usize, usize)> = snap.ready().into_iter().collect();
        found.retain(|x| ready.contains(x));
    }
    let times = planmark::export::timing(&snap);
    if let Some(want) = a.critical {
        found.retain(|&(di, ti)| {
            let d = &ws.documents[di];
            times
                .get(&(d.path.as_str(), d.tasks[ti].id.as_str()))
                .is_some_and(|x| x.critical)
                == want
        });
    }
    let names = Names::of(&snap);
    let from = offset(a.cursor.as_deref())?;
    let limit = a.limit.map_or(usize::MAX, |l| l as usize);
    let item = |&(di, ti): &(usize, usize)| -> Item {
        let d = &ws.documents[di];
        let t = &d.tasks[ti];
        let name = names.name(d, t);
        let Some(fields) = &a.fields else {
            return Item::Line(line(&name, t));
        };
        let time = times.get(&(d.path.as_str(), t.id.as_str()));
        let has = |f: Field| fields.contains(&f);
        Item::Fields(Box::new(TaskFields {
            id: name,
            title: has(Field::Title).then(|| t.title.clone()),
            status: has(Field::Status).then(|| status_name(t.status)),
            plan: has(Field::Plan).then(|| d.path.clone()),
            line: has(Field::Line).then_some(t.origin.span.line),
            phase: if has(Field::Phase) {
                t.phase.clone()
            } else {
                None
            },
            estimate: if has(Field::Estimate) {
                t.estimate.as_ref().map(|e| e.text().to_owned())
            } else {
                None
            },
            owner: if has(Field::Owner) { owner(t) } else { None },
            priority: if has(Field::Priority) {
                t.priority.as_ref().map(|p| p.text.clone())
            } else {
                None
            },
            depends: has(Field::Depends).then(|| {
                t.dependencies
                    .iter()
                    .map(|x| x.text.trim().to_owned())
                    .collect()
            }),
            due: if has(Field::Due) {
                t.due.map(|x| x.to_string())
            } else {
                None
            },
            start: if has(Field::Start) {
                time.map(|x| x.start.to_string())
            } else {
                None
            },
            finish: if has(Field::Finish) {
                time.map(|x| x.finish.to_string())
            } else {
                None
            },
            slack: if has(Field::Slack) {
                time.map(|x| x.slack_days)
            } else {
                None
            },
            critical: if has(Field::Critical) {
                time.map(|x| x.critical)
            } else {
                None
            },
        }))
    };
    let size = |x: &(usize, usize)| match item(x) {
        Item::Line(l) => 2 * l.len() + 8,
        Item::Fields(f) => 2 * serde_json::to_string(&f).map_or(0, |s| s.len()) + 8,
    };
    let (end, next_cursor) = fit(&found, from, limit, budget(a.limit), size);
    let page: Vec<Item> = found
        .get(from..end)
        .unwrap_or_default()
        .iter()
        .map(item)
        .collect();
    let mut text = String::new();
    for i in &page {
        match i {
            Item::Line(l) => {
                let _ = writeln!(text, "{l}");
            }
            Item::Fields(f) => {
                let _ = writeln!(text, "{}", serde_json::to_string(f).unwrap_or_default());
            }
        }
    }
    if page.is_empty() {
        text.push_str("No task matches.\n");
    }
    let _ = write!(text, "{} of {} shown", page.len(), found.len());
    if let Some(c) = &next_cursor {
        let _ = write!(text, "; more with cursor {c}");
    }
    text.push('\n');
    let out = ListOut {
        tasks: page,
        total: found.len(),
        next_cursor,
    };
    Ok(answer(text, &out))
}

fn task(app: &App, a: &TaskArgs) -> Result<Answer, String> {
    let snap = fresh(app, &[&a.id]);
    let at = snap.find(&a.id).map_err(|e| explain(&snap, e))?;
    let d = snap.document(at.0);
    let t = snap.task(at);
    let names = Names::of(&snap);
    let times = planmark::export::timing(&snap);
    let time = times.get(&(d.path.as_str(), t.id.as_str()));
    let dependents = snap.dependents(at);
    let mut dependents_list: Vec<String> = dependents
        .iter()
        .take(20)
        .map(|&i| names.name(d, &d.tasks[i]))
        .collect();
    if dependents.len() > 20 {
        dependents_list.push(format!("and {} more", dependents.len() - 20));
    }
    let why = snap.why(at).map(|x| {
        let mut s: Vec<String> = x.reasons.iter().take(4).map(ToString::to_string).collect();
        if !x.finish_effect.is_empty() {
            s.push(x.finish_effect.clone());
        }
        shorten(&s.join("; "), 600)
    });
    let out = TaskOut {
        id: names.name(d, t),
        title: t.title.clone(),
        status: status_name(t.status),
        plan: d.path.clone(),
        line: t.origin.span.line,
        phase: t.phase.clone(),
        estimate: t.estimate.as_ref().map(|e| e.text().to_owned()),
        owner: owner(t),
        priority: t.priority.as_ref().map(|p| p.text.clone()),
        due: t.due.map(|x| x.to_string()),
        blocked: t.blocked_reason.clone(),
        depends: t
            .dependencies
            .iter()
            .map(|x| {
                let mut s = x.text.trim().to_owned();
                if !x.resolved {
                    s.push_str(" (not found)");
                }
                s
            })
            .collect(),
        dependents: dependents_list,
        start: time.map(|x| x.start.to_string()),
        finish: time.map(|x| x.finish.to_string()),
        slack: time.map(|x| x.slack_days),
        critical: time.map(|x| x.critical),
        why,
    };
    let mut text = format!("{}\n{}:{}", line(&out.id, t), out.plan, out.line);
    if let Some(p) = &out.phase {
        let _ = write!(text, ", {p}");
    }
    text.push('\n');
    if let Some(b) = &out.blocked {
        let _ = writeln!(text, "blocked: {b}");
    }
    if !out.dependents.is_empty() {
        let _ = writeln!(text, "needed by: {}", out.dependents.join(", "));
    }
    if let (Some(s), Some(f)) = (&out.start, &out.finish) {
        let _ = write!(text, "scheduled {s} → {f}");
        if let Some(sl) = out.slack {
            let _ = write!(text, ", slack {sl:.1} working days");
        }
        if out.critical == Some(true) {
            text.push_str(", critical");
        }
        text.push('\n');
    }
    if let Some(w) = &out.why {
        let _ = writeln!(text, "why: {w}");
    }
    Ok(answer(text, &out))
}

fn next(app: &App, a: &NextArgs) -> Answer {
    let snap = app.snapshot();
    let names = Names::of(&snap);
    let limit = a.limit.map_or(5, |l| l as usize);
    let found = snap.next(a.owner.as_deref(), limit);
    let lines: Vec<String> = found
        .iter()
        .map(|n| {
            let d = snap.document(n.at.0);
            let t = snap.task(n.at);
            let mut s = line(&names.name(d, t), t);
            if n.critical {
                s.push_str("; critical");
            } else if let Some(sl) = n.slack_days {
                let _ = write!(s, "; slack {sl:.1}d");
            }
            s
        })
        .collect();
    let mut text = lines.join("\n");
    if lines.is_empty() {
        text = match &a.owner {
            Some(o) => format!("Nothing open for {o} can start now; `tasks` with status blocked or todo shows what waits."),
            None => "Nothing can start now: every open task waits for another, or all are done. `status` and `check` tell why.".to_owned(),
        };
    }
    text.push('\n');
    answer(text, &NextOut { tasks: lines })
}

fn attributes(u: &UpdateArgs) -> Vec<(Attribute, &str)> {
    [
        (Attribute::Owner, &u.owner),
        (Attribute::Estimate, &u.estimate),
        (Attribute::Priority, &u.priority),
        (Attribute::Due, &u.due),
        (Attribute::Depends, &u.depends),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    .collect()
}

fn update(app: &App, u: &UpdateArgs) -> Answer {
    let ids: Vec<&str> = u.ids.iter().map(String::as_str).collect();
    let dry = u.dry_run == Some(true);
    let snap = reread(app, &ids);
    let names = Names::of(&snap);
    let mut changed = Vec::new();
    let mut unchanged = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    let mut diff = String::new();
    let mut failed: Option<String> = None;
    if let Some(to) = u.status {
        match snap.set_status(
            &ids,
            to.status(),
            u.note.as_deref(),
            u.force == Some(true),
            dry,
        ) {
            Ok(e) => {
                for c in &e.changes {
                    changed.push(format!(
                        "{} {} → {} ({}:{})",
                        c.id,
                        c.from.label(),
                        c.to.label(),
                        c.document,
                        c.line
                    ));
                    touched.push(c.document.clone());
                }
                for &(di, ti) in &e.unchanged {
                    let d = snap.document(di);
                    unchanged.push(names.name(d, &d.tasks[ti]));
                }
                diff.push_str(&e.diff);
            }
            Err(e) => failed = Some(explain(&snap, e)),
        }
    }
    let pairs = attributes(u);
    if failed.is_none() && !pairs.is_empty() {
        // After a status change the plan holds new text: read it again.
        let snap = if touched.is_empty() || dry {
            snap.clone()
        } else {
            app.refresh(&plan_files(app, touched.clone()));
            app.snapshot()
        };
        for id in &ids {
            match snap.set_values(id, &pairs, dry) {
                Ok(e) => {
                    for c in &e.changes {
                        changed.push(format!(
                            "{} {} = {} ({}:{})",
                            c.id, c.key, c.value, c.document, c.line
                        ));
                        touched.push(c.document.clone());
                    }
                    diff.push_str(&e.diff);
                }
                Err(e) => {
                    failed = Some(explain(&snap, e));
                    break;
                }
            }
        }
    }
    if !dry && !touched.is_empty() {
        app.refresh(&plan_files(app, touched));
    }
    let out = UpdateOut {
        changed,
        unchanged,
        written: !dry,
    };
    if let Some(why) = failed {
        let mut text = why;
        if !out.changed.is_empty() {
            let _ = write!(text, "\nWritten before that: {}", out.changed.join("; "));
        }
        return Answer {
            text,
            data: serde_json::to_value(&out).ok(),
            error: true,
        };
    }
    let mut text = if dry {
        "Would change (nothing written):\n".to_owned()
    } else {
        String::new()
    };
    for c in &out.changed {
        let _ = writeln!(text, "{c}");
    }
    if !out.unchanged.is_empty() {
        let _ = writeln!(text, "already so: {}", out.unchanged.join(", "));
    }
    if dry && !diff.is_empty() {
        let _ = writeln!(text, "{}", shorten(&diff, 2000));
    }
    answer(text, &out)
}

fn add(app: &App, a: &AddArgs) -> Result<Answer, String> {
    app.refresh(&[]);
    let snap = app.snapshot();
    let req = NewTaskRequest {
        title: a.title.clone(),
        plan: a.plan.clone(),
        phase: a.phase.clone(),
        estimate: a.estimate.clone(),
        owner: a.owner.clone(),
        after: a.after.clone(),
    };
    let dry = a.dry_run == Some(true);
    let e = snap.add_task(&req, dry).map_err(|e| explain(&snap, e))?;
    let Some(added) = e.changes.first() else {
        return Err("nothing was added".to_owned());
    };
    if !dry {
        app.refresh(&plan_files(app, [added.document.clone()]));
    }
    let mut text = format!(
        "{} {} \"{}\" at {}:{}",
        if dry { "Would add" } else { "Added" },
        added.id,
        added.title,
        added.document,
        added.line
    );
    if let Some(p) = &added.phase {
        let _ = write!(text, " ({p})");
    }
    text.push('\n');
    if dry {
        let _ = writeln!(text, "{}", shorten(&e.diff, 2000));
    }
    Ok(answer(
        text,
        &AddOut {
            id: added.id.clone(),
            plan: added.document.clone(),
            line: added.line,
            written: !dry,
        },
    ))
}

fn check(app: &App, a: &CheckArgs) -> Result<Answer, String> {
    use planmark::diag::Severity;
    let snap = app.snapshot();
    let report = snap.check();
    let least = match a.severity {
        Some(SeverityName::Error) => Severity::Error,
        Some(SeverityName::Warning) => Severity::Warning,
        _ => Severity::Note,
    };
    let mut found: Vec<&planmark::diag::Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|f| f.severity >= least)
        .filter(|f| a.plan.as_deref().is_none_or(|p| f.file.contains(p)))
        .collect();
    // Most serious first; the report's order (file, line) within.
    found.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let count = |s: Severity| found.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let from = offset(a.cursor.as_deref())?;
    let limit = a.limit.map_or(usize::MAX, |l| l as usize);
    let lines: Vec<String> = found.iter().map(|f| finding(f)).collect();
    let (end, next_cursor) = fit(&lines, from, limit, budget(a.limit), |l| 2 * l.len() + 8);
    let page: Vec<String> = lines.get(from..end).unwrap_or_default().to_vec();
    let mut text = format!(
        "{}, {}, {}\n",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(notes, "note")
    );
    for l in &page {
        let _ = writeln!(text, "{l}");
    }
    if let Some(c) = &next_cursor {
        let _ = writeln!(
            text,
            "{} of {} shown; more with cursor {c}",
            page.len(),
            lines.len()
        );
    }
    let out = CheckOut {
        findings: page,
        errors,
        warnings,
        notes,
        total: lines.len(),
        next_cursor,
    };
    Ok(answer(text, &out))
}

/// A path inside the workspace, or why not.
fn inside(root: &Path, p: &str) -> Result<PathBuf, String> {
    let rel = Path::new(p);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "`{p}`: give a path inside the project, relative to its root (no `..`, not absolute)"
        ));
    }
    if !rel
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
    {
        return Err(format!(
            "`{p}`: a plan is a Markdown file; end the path with .md"
        ));
    }
    Ok(root.join(rel))
}

/// The Task Breakdown section written from the phases given, in the
/// template's own form: tables for a session, checkboxes for a guide.
fn breakdown(template: TemplateName, phases: &[NewPhase]) -> String {
    let mut s = String::new();
    let owners = phases
        .iter()
        .flat_map(|p| &p.tasks)
        .any(|t| t.owner.is_some());
    for (pi, p) in phases.iter().enumerate() {
        let _ = writeln!(s, "### Phase {}: {}\n", pi + 1, one_line(&p.name));
        if matches!(template, TemplateName::Session) {
            let _ = writeln!(
                s,
                "| Task | Estimate | Priority | Dependencies |{}",
                if owners { " Owner |" } else { "" }
            );
            let _ = writeln!(
                s,
                "|------|----------|----------|--------------|{}",
                if owners { "-------|" } else { "" }
            );
        }
        for (ti, t) in p.tasks.iter().enumerate() {
            let id = format!("{}.{}", pi + 1, ti + 1);
            let title = one_line(&t.title);
            let deps = t
                .depends
                .as_ref()
                .filter(|d| !d.is_empty())
                .map(|d| d.join(", "));
            match template {
                TemplateName::Session => {
                    let cell = |v: Option<&str>| {
                        v.map_or(String::new(), |v| one_line(v).replace('|', "/"))
                    };
                    let _ = write!(
                        s,
                        "| Task {id}: {} | {} | {} | {} |",
                        title.replace('|', "/"),
                        cell(t.estimate.as_deref()),
                        cell(t.priority.as_deref()),
                        deps.as_deref().map_or("None".to_owned(), |d| cell(Some(d)))
                    );
                    if owners {
                        let _ = write!(
                            s,
                            " {} |",
                            t.owner.as_deref().map_or(String::new(), |o| format!(
                                "@{}",
                                o.trim_start_matches('@')
                            ))
                        );
                    }
                    s.push('\n');
                }
                TemplateName::Guide => {
                    let _ = write!(s, "- [ ] Task {id}: {title}");
                    if let Some(e) = &t.estimate {
                        s.push_str(&Attribute::Estimate.inline(&one_line(e)));
                    }
                    if let Some(o) = &t.owner {
                        s.push_str(&Attribute::Owner.inline(&one_line(o)));
                    }
                    if let Some(p) = &t.priority {
                        s.push_str(&Attribute::Priority.inline(&one_line(p)));
                    }
                    if let Some(d) = &deps {
                        s.push_str(&Attribute::Depends.inline(d));
                    }
                    s.push('\n');
                }
            }
        }
        s.push('\n');
    }
    s
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Replaces the body of the `## Task Breakdown` section of `text`.
fn with_breakdown(text: &str, body: &str) -> String {
    let Some(h) = text.find("\n## Task Breakdown") else {
        return format!("{text}\n## Task Breakdown\n\n{body}");
    };
    let body_start = text[h + 1..]
        .find('\n')
        .map_or(text.len(), |i| h + 1 + i + 1);
    let end = text[body_start..]
        .find("\n## ")
        .map_or(text.len(), |i| body_start + i + 1);
    format!("{}\n{body}{}", &text[..body_start], &text[end..])
}

fn plan(app: &App, a: &PlanArgs) -> Result<Answer, String> {
    let topic = one_line(&a.topic);
    if topic.is_empty() {
        return Err("the topic is empty".to_owned());
    }
    let (builtin, name) = match a.template {
        TemplateName::Session => (Builtin::Session, "session"),
        TemplateName::Guide => (Builtin::Guide, "guide"),
    };
    let now = app.today.map_or_else(
        || jiff::Zoned::now().datetime(),
        |d| d.to_datetime(jiff::civil::Time::midnight()),
    );
    let vars = Vars {
        now,
        topic: Some(topic),
        scope: a.scope.as_deref().map(one_line),
        timeframe: a.timeframe.as_deref().map(one_line),
    };
    let rel = a.path.clone().unwrap_or_else(|| vars.default_path(name));
    let path = inside(&app.root, &rel)?;
    let mut text = templates::render(builtin.text(), &vars);
    if let Some(phases) = a.phases.as_ref().filter(|p| !p.is_empty()) {
        text = with_breakdown(&text, &breakdown(a.template, phases));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        // A folder inside may be a link to elsewhere: the file must land
        // in the project all the same.
        let real = dir.canonicalize().map_err(|e| format!("{rel}: {e}"))?;
        let root = app.root.canonicalize().map_err(|e| format!("{rel}: {e}"))?;
        if !real.starts_with(&root) {
            return Err(format!(
                "`{rel}` leads outside the project (through a link); give another path"
            ));
        }
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()).map(|()| f))
        .and_then(|f| f.sync_all());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(format!(
                "{rel} already exists; not overwriting it (give another path)"
            ));
        }
        Err(e) => return Err(format!("cannot write {rel}: {e}")),
    }
    app.refresh(std::slice::from_ref(&path));
    let snap = app.snapshot();
    let rel = planmark::workspace::relative(&app.root, &path);
    let Some(doc) = snap.workspace().documents.iter().find(|d| d.path == rel) else {
        return Err(format!(
            "wrote {rel}, but it is not among the plans this project reads (see `plans` in planmark.toml)"
        ));
    };
    let out = PlanOut {
        plan: rel.clone(),
        uri: super::plan_uri(&rel),
        tasks: doc.tasks.len(),
        findings: snap
            .check()
            .diagnostics
            .iter()
            .filter(|f| f.file == rel && f.severity != planmark::diag::Severity::Note)
            .take(5)
            .map(finding)
            .collect(),
    };
    let mut text = format!(
        "Created {rel} from the {name} template with {} tasks. Fill its other sections in the file; `add` puts more tasks in a phase.\n",
        out.tasks
    );
    for f in &out.findings {
        let _ = writeln!(text, "{f}");
    }
    Ok(answer(text, &out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_definitions_fit_their_budget() {
        let all = serde_json::to_string(&serde_json::json!({ "tools": all() })).unwrap();
        eprintln!("{all}");
        assert!(all.len() <= 8 * 1024, "{} bytes", all.len());
        assert_eq!(super::all().len(), 8);
        for t in super::all() {
            assert_eq!(
                t.input_schema.get("type"),
                Some(&Value::from("object")),
                "{}",
                t.name
            );
            let out = t.output_schema.as_ref().unwrap();
            assert_eq!(out.get("type"), Some(&Value::from("object")), "{}", t.name);
            let s = serde_json::to_string(&t.input_schema).unwrap();
            assert!(
                !s.contains("\"null\"") && !s.contains("\"title\":\"") && !s.contains("$defs"),
                "{}: {s}",
                t.name
            );
        }
    }

    #[test]
    fn bad_arguments_are_refused_with_the_schema_complaint() {
        let obj = |v: Value| v.as_object().unwrap().clone();
        let e = parse("tasks", obj(serde_json::json!({ "status": ["doing"] })))
            .err()
            .unwrap();
        assert!(
            e.message.contains("unknown variant `doing`"),
            "{}",
            e.message
        );
        let e = parse("task", obj(serde_json::json!({}))).err().unwrap();
        assert!(e.message.contains("missing field `id`"), "{}", e.message);
        let e = parse("next", obj(serde_json::json!({ "who": "x" })))
            .err()
            .unwrap();
        assert!(e.message.contains("unknown field `who`"), "{}", e.message);
        let e = parse("update", obj(serde_json::json!({ "ids": ["1"] })))
            .err()
            .unwrap();
        assert!(e.message.contains("nothing to change"), "{}", e.message);
        assert!(parse("nope", JsonObject::new()).is_err());
    }

    #[test]
    fn pages_stop_at_the_budget() {
        let items: Vec<String> = (0..100).map(|i| format!("{i:0>60}")).collect();
        let (end, next) = fit(&items, 0, 100, BUDGET, |l| 2 * l.len());
        assert!(end > 10 && end < 100, "{end}");
        assert_eq!(next, Some(end.to_string()));
        let (end2, _) = fit(&items, end, 5, BUDGET, |l| 2 * l.len());
        assert_eq!(end2, end + 5);
        // One item always fits, however large: a page is never empty.
        let big = vec!["x".repeat(10_000)];
        assert_eq!(fit(&big, 0, 10, BUDGET, String::len).0, 1);
    }

    #[test]
    fn refusals_say_how_to_proceed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("plan.md"),
            "# P\n\n## Tasks\n\n- [ ] Task 1.1: Schema (1d)\n- [ ] Task 1.2: Importer (2d) (depends on 1.1)\n",
        )
        .unwrap();
        let project = planmark::project::Project::open(dir.path()).unwrap();
        let snap = project.load(&[], jiff::civil::date(2026, 12, 1)).unwrap();
        let changed = ProjectError::Edit(planmark::edit::EditError::TaskChanged {
            path: "plan.md".into(),
            line: 6,
            id: "1.2".into(),
            was: "- [ ] Task 1.2: Importer".into(),
            now: "- [x] Task 1.2: Importer".into(),
        });
        let said = explain(&snap, changed);
        assert!(
            said.contains("changed since it was read") && said.contains("read the task again"),
            "{said}"
        );
        let waiting = snap
            .set_status(&["1.2"], Status::Done, None, false, true)
            .unwrap_err();
        let said = explain(&snap, waiting);
        assert!(
            said.contains("1.1") && said.contains("force: true"),
            "{said}"
        );
        let said = explain(&snap, snap.find("1.3").unwrap_err());
        assert!(
            said.contains("near matches: 1.1 (Schema), 1.2 (Importer)"),
            "{said}"
        );
        let said = explain(&snap, snap.find("importer").unwrap_err());
        assert!(said.contains("1.2 (Importer)"), "{said}");
    }

    #[test]
    fn paths_stay_inside_the_project() {
        let root = Path::new("/p");
        assert!(inside(root, "docs/plans/a.md").is_ok());
        for bad in ["../a.md", "/etc/a.md", "docs/../../a.md", "docs/a.txt"] {
            assert!(inside(root, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_breakdown_replaces_the_template_tasks() {
        let phases = vec![NewPhase {
            name: "Base".into(),
            tasks: vec![
                NewTask {
                    title: "Schema".into(),
                    estimate: Some("2d".into()),
                    priority: None,
                    owner: Some("ana".into()),
                    depends: None,
                },
                NewTask {
                    title: "API".into(),
                    estimate: Some("1d/2d/4d".into()),
                    priority: Some("High".into()),
                    owner: None,
                    depends: Some(vec!["1.1".into()]),
                },
            ],
        }];
        let guide = breakdown(TemplateName::Guide, &phases);
        assert!(
            guide.contains("- [ ] Task 1.2: API (1d/2d/4d) (priority: High) (depends on 1.1)"),
            "{guide}"
        );
        let session = breakdown(TemplateName::Session, &phases);
        assert!(
            session.contains("| Task 1.1: Schema | 2d |  | None | @ana |"),
            "{session}"
        );
        let text =
            "# T\n\n## Task Breakdown\n<!-- c -->\n### Phase 1: X\n- [ ] a\n\n## Timeline\nw\n";
        let out = with_breakdown(text, "NEW\n\n");
        assert_eq!(out, "# T\n\n## Task Breakdown\n\nNEW\n\n## Timeline\nw\n");
    }
}
