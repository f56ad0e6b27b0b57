//! Command-line arguments, as clap sees them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check, schedule and track the Markdown plans your team already writes.
#[derive(Debug, Parser)]
#[command(name = "planmark", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show each plan's progress, phases, open action items, risks and findings.
    Status(StatusArgs),
    /// Check plans for mistakes: cycles, unknown dependencies, overdue actions, template text...
    Check(CheckArgs),
    /// What to work on now: work in progress first, then tasks that can start, critical first.
    Next(NextArgs),
    /// Mark tasks done (refused while their dependencies are unfinished, unless --force).
    Done(EditArgs),
    /// Mark tasks in progress.
    Start(EditArgs),
    /// Mark tasks todo again.
    Reopen(EditArgs),
    /// Mark tasks cancelled.
    Cancel(EditArgs),
    /// Mark tasks blocked, with the reason.
    Block(BlockArgs),
    /// Set a task's owner, estimate, priority, due date or dependencies: `set 2.3 owner=@bob estimate=3d`.
    Set(SetArgs),
    /// Add a task at the end of a phase, in the form the phase already uses.
    Add(AddArgs),
    /// The timeline: start and finish of every task, slack, critical path, levelled resources.
    Schedule(ScheduleArgs),
    /// Why a task starts when it does, and what would move the project finish.
    Why(WhyArgs),
    /// When it will be done with 50/80/95 % confidence, the chance of each deadline, what drives the spread.
    Forecast(ForecastArgs),
    /// Progress per day from the git history of the plans: tasks, done, in progress, work left.
    History(ReadArgs),
    /// Work remaining per day from the git history: a table, or a chart with -o burndown.svg.
    Burndown(BurndownArgs),
    /// The Gantt chart: in the terminal, or -o gantt.svg / .mmd / .html.
    Gantt(ChartArgs),
    /// The risk matrix (likelihood × impact): in the terminal, or -o risks.svg / .html.
    Risks(ChartArgs),
    /// The dependency graph, critical path highlighted: -o graph.svg / .dot / .mmd / .html.
    Graph(ChartArgs),
    /// One self-contained HTML file: progress, forecast, findings, Gantt, risks, actions, burndown.
    Report(ReportArgs),
    /// The live local web UI: overview, board, tasks, timeline, findings, updated as plans change.
    Serve(ServeArgs),
    /// The plans for coding agents: an MCP server on stdin/stdout.
    Mcp(McpArgs),
    /// Make a plan from another tool's file: MS Project XML or CSV.
    Import(ImportArgs),
    /// Sync tasks with a tracker: `planmark sync github`.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// List tasks, optionally filtered.
    Tasks(TasksArgs),
    /// Show one task with everything known about it.
    Show(ShowArgs),
    /// Export the parsed plans.
    Export(ExportArgs),
    /// Print the JSON Schema of the exported model.
    Schema,
    /// Create a plan from a template (`session`, `guide`, or one in templates/).
    New(NewArgs),
    /// Write a commented planmark.toml and create docs/plans/.
    Init,
}

#[derive(Debug, Args)]
pub(crate) struct ReadArgs {
    /// Plan files or folders; none means the workspace around the current folder.
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// The day to measure due dates against (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    pub(crate) today: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Plan files or folders; none means the workspace around the current folder.
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub(crate) format: CheckFormat,
    /// Report these as errors: `warnings` for every warning, or a rule (code or name). Repeatable.
    #[arg(long, value_name = "RULE")]
    pub(crate) deny: Vec<String>,
    /// Report these rules as warnings. Repeatable.
    #[arg(long, value_name = "RULE")]
    pub(crate) warn: Vec<String>,
    /// Do not report these rules. Repeatable.
    #[arg(long, value_name = "RULE")]
    pub(crate) allow: Vec<String>,
    /// Apply the safe fixes and report what is left.
    #[arg(long)]
    pub(crate) fix: bool,
    /// With --fix: print the changes as a diff and write nothing.
    #[arg(long, requires = "fix")]
    pub(crate) dry_run: bool,
    /// The day to measure due dates against (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    pub(crate) today: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct NextArgs {
    /// Plan files or folders; none means the workspace around the current folder.
    pub(crate) paths: Vec<PathBuf>,
    /// Only tasks of this owner or resource.
    #[arg(long)]
    pub(crate) owner: Option<String>,
    /// At most this many tasks.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub(crate) limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Default, Args)]
pub(crate) struct SchedulingArgs {
    /// The day progress is measured at (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    pub(crate) today: Option<String>,
    /// Project start (YYYY-MM-DD), overriding the plans and planmark.toml.
    #[arg(long, value_name = "DATE")]
    pub(crate) start: Option<String>,
    /// Pure critical path: do not level resources (over-allocations are reported).
    #[arg(long)]
    pub(crate) no_level: bool,
    /// Seed of the levelling search and the forecast (the same seed gives the same answer).
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Schedules the levelling search may generate (default: 5,000 for small
    /// plans, fewer for large ones).
    #[arg(long, value_name = "N")]
    pub(crate) schedules: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScheduleFormat {
    /// For people.
    Table,
    /// For programs.
    Json,
    /// For spreadsheets.
    Csv,
}

#[derive(Debug, Args)]
pub(crate) struct ScheduleArgs {
    /// Plan files or folders; none means the workspace around the current folder.
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScheduleFormat::Table)]
    pub(crate) format: ScheduleFormat,
    #[command(flatten)]
    pub(crate) scheduling: SchedulingArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Distribution {
    /// Beta-PERT: mean (optimistic + 4 × likely + pessimistic) / 6.
    Pert,
    /// Triangular: heavier tails than PERT.
    Triangular,
}

#[derive(Debug, Args)]
pub(crate) struct ForecastArgs {
    /// Plan files or folders; none means the workspace around the current folder.
    pub(crate) paths: Vec<PathBuf>,
    /// Monte Carlo runs (default 10,000, or `[forecast] runs`).
    #[arg(long, value_name = "N")]
    pub(crate) runs: Option<u32>,
    /// Level resources again in every run (slower) instead of keeping the
    /// levelled plan's order of each person's tasks.
    #[arg(long, conflicts_with = "no_level")]
    pub(crate) level: bool,
    /// How ranges and three-point estimates are spread (default PERT).
    #[arg(long, value_enum)]
    pub(crate) distribution: Option<Distribution>,
    /// The spread of single-point estimates, under and over: `-10%/+50%`.
    #[arg(long, value_name = "SPREAD", allow_hyphen_values = true)]
    pub(crate) spread: Option<String>,
    /// Also draw the histogram and S-curve to this file (.svg or .html).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    #[command(flatten)]
    pub(crate) scheduling: SchedulingArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ChartFormat {
    /// Block characters for a terminal (the default without -o).
    Text,
    /// SVG for the web and documents.
    Svg,
    /// Mermaid, for wikis and pull requests.
    Mermaid,
    /// Graphviz DOT (the dependency graph).
    Dot,
    /// A self-contained HTML page around the SVG.
    Html,
}

#[derive(Debug, Args)]
pub(crate) struct ChartArgs {
    /// Plan files or folders; none means the workspace around the current folder.
    pub(crate) paths: Vec<PathBuf>,
    /// Write to this file; its extension picks the format (.svg, .mmd, .dot, .html, .txt).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// The format, whatever the file is called.
    #[arg(long, value_enum)]
    pub(crate) format: Option<ChartFormat>,
    #[command(flatten)]
    pub(crate) scheduling: SchedulingArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BurndownArgs {
    /// Plan files or folders; none means the workspace around the current folder.
    pub(crate) paths: Vec<PathBuf>,
    /// Write a chart to this file (.svg or .html).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// `table` and `json` print the days; `svg` and `html` draw them.
    #[arg(long, value_enum)]
    pub(crate) format: Option<BurndownFormat>,
    /// The day the ideal line ends on: the deadline, else the planned finish.
    #[arg(long, value_name = "DATE")]
    pub(crate) today: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BurndownFormat {
    /// For people.
    Table,
    /// For programs.
    Json,
    /// A chart.
    Svg,
    /// A chart in a page.
    Html,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Plan files or folders; none means the workspace around the current folder.
    pub(crate) paths: Vec<PathBuf>,
    /// The HTML file to write.
    #[arg(short, long, value_name = "FILE", default_value = "report.html")]
    pub(crate) output: PathBuf,
    /// Monte Carlo runs for the forecast (0 for none).
    #[arg(long, value_name = "N")]
    pub(crate) runs: Option<u32>,
    #[command(flatten)]
    pub(crate) scheduling: SchedulingArgs,
}

#[derive(Debug, Args)]
pub(crate) struct WhyArgs {
    /// The task id, or `plan#id`.
    pub(crate) id: String,
    /// Plan files or folders; none means the workspace around the current folder.
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    #[command(flatten)]
    pub(crate) scheduling: SchedulingArgs,
}

#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// Task ids, or `plan#id` when several plans share one.
    #[arg(required = true, value_name = "ID")]
    pub(crate) ids: Vec<String>,
    /// Print the change as a diff and write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Mark done even when dependencies are unfinished.
    #[arg(long)]
    pub(crate) force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// Task id, or `plan#id`.
    pub(crate) id: String,
    /// `key=value` pairs; keys: owner, estimate, priority, due, depends, issue.
    #[arg(required = true, value_name = "KEY=VALUE")]
    pub(crate) pairs: Vec<String>,
    /// Print the change as a diff and write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// The task's title.
    pub(crate) title: String,
    /// The phase to add it to (name, part of the name, or number); default the plan's last phase.
    #[arg(long)]
    pub(crate) phase: Option<String>,
    /// The plan to add it to, when the workspace has several.
    #[arg(long, value_name = "FILE")]
    pub(crate) plan: Option<PathBuf>,
    /// Estimate: 2h, 3d, 2-4d, 1d/2d/5d.
    #[arg(long)]
    pub(crate) estimate: Option<String>,
    /// The task it depends on.
    #[arg(long, value_name = "ID")]
    pub(crate) after: Option<String>,
    /// Owner: @alice.
    #[arg(long)]
    pub(crate) owner: Option<String>,
    /// Print the change as a diff and write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct BlockArgs {
    #[command(flatten)]
    pub(crate) edit: EditArgs,
    /// Why the tasks are blocked; written beside them in the plan.
    #[arg(long)]
    pub(crate) reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    /// Source snippets with carets, for people.
    Human,
    /// A JSON array, one object per finding.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people.
    Table,
    /// For programs.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct TasksArgs {
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// Only tasks with this status (`open` means todo, in progress or blocked).
    #[arg(long, value_enum)]
    pub(crate) status: Option<StatusFilter>,
    /// Only tasks of this phase (name, part of the name, or number).
    #[arg(long)]
    pub(crate) phase: Option<String>,
    /// Only tasks of this owner or resource.
    #[arg(long)]
    pub(crate) owner: Option<String>,
    /// Instead of the tasks, show how each heading, list and table was
    /// read (the role planmark gave it) and the rule that decided.
    #[arg(long)]
    pub(crate) explain: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatusFilter {
    Todo,
    #[value(alias = "in-progress", alias = "wip")]
    InProgress,
    Done,
    Blocked,
    #[value(alias = "canceled")]
    Cancelled,
    /// Todo, in progress or blocked.
    Open,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Task id, or `doc#id` when several plans share the id.
    pub(crate) id: String,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Plan files or folders; none means the workspace.
    pub(crate) paths: Vec<PathBuf>,
    /// Export format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub(crate) format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    pub(crate) output: Option<PathBuf>,
    /// With --format ics: tasks as all-day events over their scheduled days.
    #[arg(long)]
    pub(crate) events: bool,
    /// Measure progress at this date (YYYY-MM-DD) instead of today.
    #[arg(long)]
    pub(crate) today: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// The whole model; read back by the library (`Workspace::from_json`).
    Json,
    /// The timeline as a Mermaid gantt chart.
    Mermaid,
    /// One row per task with the schedule's columns, for spreadsheets.
    Csv,
    /// iCalendar: tasks as to-dos (or events with --events), milestones and deadlines as all-day events.
    Ics,
    /// TaskJuggler: a project `tj3` schedules.
    Tjp,
    /// Microsoft Project XML, for MS Project, ProjectLibre and GanttProject.
    Mspdi,
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// Template: `session`, `guide`, or the name of a file in the workspace's templates/ folder.
    #[arg(required_unless_present = "list")]
    pub(crate) template: Option<String>,
    /// Topic (session) or title (guide).
    pub(crate) topic: Option<String>,
    /// Scope: Project, Feature, Sprint or Architecture.
    #[arg(long)]
    pub(crate) scope: Option<String>,
    /// Timeframe, e.g. "by 2026-12-15" or "2 weeks".
    #[arg(long)]
    pub(crate) timeframe: Option<String>,
    /// Date and time to fill in instead of now: "2026-11-23 14:00".
    #[arg(long)]
    pub(crate) now: Option<String>,
    /// Where to write; default docs/plans/YYYY-MM-DD-slug.md in the workspace.
    #[arg(short, long)]
    pub(crate) output: Option<PathBuf>,
    /// List the available templates.
    #[arg(long)]
    pub(crate) list: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Plan files or folders; none means the workspace.
    pub(crate) paths: Vec<PathBuf>,
    /// The port (0: any free one).
    #[arg(long, default_value_t = 4000)]
    pub(crate) port: u16,
    /// The address to listen on; anything but 127.0.0.1 or ::1 asks every
    /// visitor for the access token printed at start.
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) host: std::net::IpAddr,
    /// Open the page in the default browser.
    #[arg(long)]
    pub(crate) open: bool,
    /// Measure progress at this date (YYYY-MM-DD) instead of today.
    #[arg(long)]
    pub(crate) today: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct McpArgs {
    /// The project folder; default: the first folder among the client's
    /// roots (never the folder the server starts in).
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// Measure progress at this date (YYYY-MM-DD) instead of today.
    #[arg(long)]
    pub(crate) today: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SyncCommand {
    /// Tasks as GitHub issues, both ways: one issue per selected task, its
    /// number written back into the plan; closed issues tick their tasks.
    Github(SyncGithubArgs),
}

// Command-line switches are booleans by nature.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
pub(crate) struct SyncGithubArgs {
    /// Plan files or folders; none means the workspace.
    pub(crate) paths: Vec<PathBuf>,
    /// The repository, `owner/name`; default [sync.github] repo, else the `origin` remote.
    #[arg(long, value_name = "OWNER/NAME")]
    pub(crate) repo: Option<String>,
    /// Print what would change, in a table (or JSON), and change nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Only read the tracker into the plans.
    #[arg(long, conflicts_with = "push")]
    pub(crate) pull: bool,
    /// Only write the plans to the tracker.
    #[arg(long)]
    pub(crate) push: bool,
    /// Also pull assignees changed on GitHub into the owners.
    #[arg(long)]
    pub(crate) pull_fields: bool,
    /// When both sides changed since the last sync: `plan` (default) or `github`.
    #[arg(long, value_enum, default_value_t = Prefer::Plan)]
    pub(crate) prefer: Prefer,
    /// The API's address, for GitHub Enterprise: `https://HOST/api/v3`.
    #[arg(long, value_name = "URL")]
    pub(crate) api_url: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    /// Measure progress at this date (YYYY-MM-DD) instead of today.
    #[arg(long)]
    pub(crate) today: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Prefer {
    /// The plan wins.
    Plan,
    /// The tracker wins.
    Github,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The file (or Backlog.md folder) to read.
    pub(crate) file: PathBuf,
    /// Its format; default: from its name (.xml MS Project XML, .csv, .json Task Master, a folder Backlog.md).
    #[arg(long, value_enum)]
    pub(crate) from: Option<ImportFormat>,
    /// The plan to write (never over an existing file); default: standard output.
    #[arg(short, long)]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImportFormat {
    /// Microsoft Project XML (MS Project, ProjectLibre, GanttProject, MPXJ).
    Mspdi,
    /// A CSV file of tasks, its columns named as a plan's table's.
    Csv,
    /// Task Master's `tasks.json`.
    Taskmaster,
    /// A Backlog.md folder (`backlog/`) of task files.
    Backlog,
}
