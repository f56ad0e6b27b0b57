//! The pages: overview, board, task, timeline, findings; the live event
//! stream and the two assets.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use futures_util::Stream;
use planmark::diag::Severity;
use planmark::model::{Document, Status, Task};
use planmark::project::{Snapshot, TaskFilter};
use planmark::render;
use serde::Deserialize;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

use crate::App;
use crate::html::{Nav, STATUSES, enc, esc, fingerprint, meter, page, task_href};

const CSS: &str = include_str!("assets/app.css");
const JS: &str = include_str!("assets/app.js");

pub(crate) async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        CSS,
    )
        .into_response()
}

pub(crate) async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        JS,
    )
        .into_response()
}

pub(crate) async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "no such page",
    )
        .into_response()
}

/// Open pages hear here when the workspace changes: a `change` event with
/// the new version.
pub(crate) async fn events(
    State(app): State<Arc<App>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let first = tokio_stream::once(Ok(Event::default().event("change").data(app.stamp())));
    let rest = BroadcastStream::new(app.events.subscribe())
        .filter_map(|v| v.ok().map(|v| Ok(Event::default().event("change").data(v))));
    let mut closing = app.closing.subscribe();
    let closed = async move {
        let _ = closing.wait_for(|c| *c).await;
    };
    Sse::new(futures_util::StreamExt::take_until(
        first.chain(rest),
        closed,
    ))
    .keep_alive(KeepAlive::default())
}

/// Runs page work off the async threads: a large workspace takes a while.
async fn render(
    app: Arc<App>,
    f: impl FnOnce(&App, &Snapshot) -> Result<String, (StatusCode, String)> + Send + 'static,
) -> Response {
    let out = tokio::task::spawn_blocking(move || {
        let snap = app.snapshot();
        f(&app, &snap)
    })
    .await;
    match out {
        Ok(Ok(html)) => Html(html).into_response(),
        Ok(Err((status, msg))) => (status, Html(msg)).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The last working day of each plan's tasks on the timeline, by path.
pub(crate) fn plan_finishes(snap: &Snapshot) -> HashMap<&str, jiff::civil::Date> {
    let mut out: HashMap<&str, jiff::civil::Date> = HashMap::new();
    for t in snap.timeline().map_or(&[][..], |s| &s.tasks) {
        let f = out.entry(t.plan.as_str()).or_insert(t.finish);
        *f = (*f).max(t.finish);
    }
    out
}

pub(crate) async fn overview(State(app): State<Arc<App>>) -> Response {
    render(app, |app, snap| {
        let mut m = String::new();
        m.push_str("<h1>Overview</h1>\n");
        let ws = snap.workspace();
        if ws.documents.is_empty() {
            let _ = write!(
                m,
                "<p>No plans found under {}.</p>",
                esc(&snap.root().display().to_string())
            );
        }
        let forecasted = app.forecasted();
        let forecast = forecasted.quick_forecast();
        if let Some(t) = snap.timeline().filter(|t| !t.tasks.is_empty()) {
            m.push_str(r#"<section class="verdict"><h2>When it ends</h2><dl>"#);
            let _ = write!(
                m,
                "<dt>Timeline</dt><dd>{} → <strong>{}</strong> ({})</dd>",
                t.start,
                t.finish,
                plural(t.makespan_days as usize, "working day")
            );
            if let Some(f) = forecast {
                let p = &f.finish.percentiles;
                let _ = write!(
                    m,
                    "<dt>Forecast</dt><dd>P50 <strong>{}</strong>, P80 <strong>{}</strong> <span class=\"muted\">({} runs)</span></dd>",
                    p[50].date, p[80].date, f.runs
                );
            }
            for d in t.deadline.iter().chain(&t.plan_deadlines) {
                let whose = d.plan.as_deref().map_or(String::new(), |p| format!(" ({})", esc(p)));
                let _ = write!(m, "<dt>Deadline {}{whose}</dt><dd>{}</dd>", d.date, deadline(d, forecast));
            }
            if !t.critical_path.is_empty() {
                let ids: Vec<String> = t
                    .critical_path
                    .iter()
                    .map(|&i| {
                        let x = &t.tasks[i];
                        format!(r#"<a href="{}">{}</a>"#, esc(&task_href(&x.plan, &x.id)), esc(&x.id))
                    })
                    .collect();
                let _ = write!(m, "<dt>Critical path</dt><dd>{}</dd>", ids.join(" → "));
            }
            m.push_str("</dl></section>\n");
        }
        let report = snap.check();
        let finishes = plan_finishes(snap);
        for (doc, s) in ws.documents.iter().zip(snap.summaries()) {
            let c = s.tasks;
            let _ = write!(
                m,
                r#"<section class="plan" id="plan-{anchor}"><h2>{title} <small class="muted">{path}</small></h2>"#,
                anchor = esc(&enc(&doc.path)),
                title = esc(&display_title(doc).unwrap_or_else(|| doc.path.clone())),
                path = esc(&doc.path),
            );
            let _ = write!(
                m,
                "<p>{} {}/{} tasks done ({:.0}%){}{}</p>",
                meter(c.ratio(), "progress"),
                c.done,
                c.planned(),
                c.ratio() * 100.0,
                if c.in_progress > 0 { format!(", {} in progress", c.in_progress) } else { String::new() },
                if c.blocked > 0 { format!(", {} blocked", c.blocked) } else { String::new() },
            );
            m.push_str("<dl class=\"facts\">");
            if let Some(f) = finishes.get(doc.path.as_str()) {
                let _ = write!(m, "<dt>Planned finish</dt><dd>{f}</dd>");
            }
            let outcome = forecast.and_then(|f| {
                if ws.documents.len() == 1 {
                    Some(&f.finish)
                } else {
                    f.plans.iter().find(|p| p.plan == doc.path).map(|p| &p.outcome)
                }
            });
            if let Some(o) = outcome {
                let _ = write!(m, "<dt>Forecast</dt><dd>P50 {}, P80 {}</dd>", o.p50, o.p80);
            }
            if let Some(t) = snap.timeline() {
                for d in t.deadline.iter().chain(&t.plan_deadlines).filter(|d| {
                    d.plan.as_deref() == Some(doc.path.as_str()) || (d.plan.is_none() && ws.documents.len() == 1)
                }) {
                    let _ = write!(m, "<dt>Deadline {}</dt><dd>{}</dd>", d.date, deadline(d, forecast));
                }
            }
            if s.milestones.1 > 0 {
                let _ = write!(m, "<dt>Milestones</dt><dd>{}/{} reached</dd>", s.milestones.0, s.milestones.1);
            }
            let _ = write!(m, "<dt>Open actions</dt><dd>{}</dd>", s.open_actions);
            let _ = write!(m, "<dt>Risks</dt><dd>{} ({} high impact)</dd>", s.risks, s.high_impact_risks);
            let (e, w, n) = s.findings;
            let _ = write!(
                m,
                r#"<dt>Findings</dt><dd><a href="/findings#{}">{}, {}{}</a></dd>"#,
                esc(&enc(&doc.path)),
                plural(e, "error"),
                plural(w, "warning"),
                if n > 0 { format!(", {}", plural(n, "note")) } else { String::new() }
            );
            m.push_str("</dl>");
            if !s.phases.is_empty() {
                m.push_str(r#"<table class="phases"><caption>Phases</caption><tbody>"#);
                for p in &s.phases {
                    let _ = write!(
                        m,
                        "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}/{}</td></tr>",
                        esc(&p.name),
                        meter(p.tasks.ratio(), "phase progress"),
                        p.tasks.done,
                        p.tasks.planned()
                    );
                }
                m.push_str("</tbody></table>");
            }
            let found: Vec<_> = report.diagnostics.iter().filter(|f| f.file == doc.path).take(5).collect();
            if !found.is_empty() {
                m.push_str("<ul class=\"findings\">");
                for f in found {
                    let _ = write!(
                        m,
                        "<li class=\"{}\"><code>{}</code> {}{}</li>",
                        sev(f.severity),
                        f.code.as_str(),
                        f.span.map_or(String::new(), |sp| format!("line {}: ", sp.line)),
                        esc(&f.message)
                    );
                }
                m.push_str("</ul>");
            }
            m.push_str("</section>\n");
        }
        Ok(page("Overview", Nav::Overview, &app.stamp(), &app.session, &m))
    })
    .await
}

/// The share of forecast runs that meet deadline `d`.
pub(crate) fn deadline_odds(
    d: &planmark::schedule::Deadline,
    forecast: Option<&planmark::forecast::Forecast>,
) -> Option<f64> {
    forecast.and_then(|f| {
        f.deadline
            .iter()
            .chain(&f.plan_deadlines)
            .find(|o| o.date == d.date && o.plan == d.plan)
            .map(|o| o.probability)
    })
}

/// A deadline's verdict: met or missed on the timeline, and the share of
/// forecast runs that meet it, coloured by those odds when known.
fn deadline(
    d: &planmark::schedule::Deadline,
    forecast: Option<&planmark::forecast::Forecast>,
) -> String {
    let odds = deadline_odds(d, forecast);
    let planned = if d.late_days > 0 {
        format!("missed by {}", plural(d.late_days as usize, "working day"))
    } else {
        format!(
            "met with {} to spare",
            plural((-d.late_days) as usize, "working day")
        )
    };
    let class = match odds {
        Some(p) if p >= 0.8 => "good",
        Some(p) if p >= 0.5 => "warn",
        Some(_) => "bad",
        None if d.late_days > 0 => "bad",
        None => "good",
    };
    let likely = odds.map_or(String::new(), |p| format!("; {:.0}% likely", p * 100.0));
    format!(r#"<span class="{class}">{planned}{likely}</span>"#)
}

/// A plan's name for people: the front matter's title (a guide's heading
/// is the template's), else its first heading.
pub(crate) fn display_title(d: &Document) -> Option<String> {
    d.front_matter
        .as_ref()
        .and_then(|f| f.fields.get("title"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .or_else(|| d.title.clone())
}

fn sev(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The board's filters, from the query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BoardQuery {
    #[serde(default)]
    plan: String,
    #[serde(default)]
    phase: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    q: String,
    /// Cards shown per column (default [`COLUMN`]).
    #[serde(default)]
    limit: Option<usize>,
}

/// Cards a column shows at first: a board of thousands is read through
/// its filters, and a browser draws a few hundred cards at once quickly.
const COLUMN: usize = 200;

impl BoardQuery {
    fn filter(&self) -> TaskFilter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        TaskFilter {
            plan: some(&self.plan),
            phase: some(&self.phase),
            owner: some(&self.owner),
            text: some(&self.q),
            ..TaskFilter::default()
        }
    }

    fn href(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("plan", &self.plan),
            ("phase", &self.phase),
            ("owner", &self.owner),
            ("q", &self.q),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", enc(v)));
            }
        }
        if let Some(l) = self.limit {
            parts.push(format!("limit={l}"));
        }
        if parts.is_empty() {
            "/board".to_owned()
        } else {
            format!("/board?{}", parts.join("&"))
        }
    }
}

/// The board's columns: the statuses a card can be dropped on.
const COLUMNS: [(Status, &str); 4] = [
    (Status::Todo, "To do"),
    (Status::InProgress, "In progress"),
    (Status::Blocked, "Blocked"),
    (Status::Done, "Done"),
];

pub(crate) async fn board(State(app): State<Arc<App>>, Query(q): Query<BoardQuery>) -> Response {
    render(app, move |app, snap| {
        let ws = snap.workspace();
        let critical: std::collections::HashSet<(&str, &str)> = snap
            .timeline()
            .map(|t| {
                t.tasks
                    .iter()
                    .filter(|x| x.critical && !x.status.is_closed())
                    .map(|x| (x.plan.as_str(), x.id.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let mut m = String::with_capacity(1 << 16);
        m.push_str("<h1>Board</h1>\n");
        // Filters: a plain form, so they work without the script and live in the URL.
        m.push_str(r#"<form class="filters" method="get" action="/board" role="search"><label>Plan <select name="plan"><option value="">all</option>"#);
        for d in &ws.documents {
            let _ = write!(
                m,
                r#"<option value="{p}"{sel}>{p}</option>"#,
                p = esc(&d.path),
                sel = if q.plan == d.path { " selected" } else { "" }
            );
        }
        let _ = write!(
            m,
            r#"</select></label> <label>Phase <input name="phase" value="{}" size="12"></label> <label>Owner <input name="owner" value="{}" size="10"></label> <label>Text <input type="search" name="q" value="{}" size="16"></label> <button>Filter</button> <a href="/board">clear</a></form>"#,
            esc(&q.phase),
            esc(&q.owner),
            esc(&q.q)
        );
        let filter = q.filter();
        let picked = snap.tasks(&filter);
        let back = q.href();
        let cancelled = picked.iter().filter(|&&at| snap.task(at).status == Status::Cancelled).count();
        let limit = q.limit.unwrap_or(COLUMN).max(1);
        let mut more = false;
        m.push_str(r#"<div class="board">"#);
        for (status, label) in COLUMNS {
            let cards: Vec<(usize, usize)> = picked.iter().copied().filter(|&at| snap.task(at).status == status).collect();
            let _ = write!(
                m,
                r#"<section class="column" data-status="{s}" aria-label="{label}"><h2>{label} <span class="count">{n}</span></h2><div class="cards">"#,
                s = status.as_str(),
                n = cards.len()
            );
            for &(di, ti) in cards.iter().take(limit) {
                let d = &ws.documents[di];
                let t = &d.tasks[ti];
                card(&mut m, d, t, critical.contains(&(d.path.as_str(), t.id.as_str())), &app.session, &back, ws.documents.len() > 1);
            }
            m.push_str("</div>");
            if cards.len() > limit {
                more = true;
                let _ = write!(m, r#"<p class="more muted">and {} more</p>"#, cards.len() - limit);
            }
            m.push_str("</section>");
        }
        m.push_str("</div>");
        if more {
            let wider = BoardQuery {
                plan: q.plan.clone(),
                phase: q.phase.clone(),
                owner: q.owner.clone(),
                q: q.q.clone(),
                limit: Some(limit * 4),
            };
            let _ = write!(
                m,
                r#"<p>Columns show {limit} cards each: narrow the board with the filters, or <a href="{}">show more</a>.</p>"#,
                esc(&wider.href())
            );
        }
        if cancelled > 0 {
            let _ = write!(m, "<p class=\"muted\">{} not shown.</p>", plural(cancelled, "cancelled task"));
        }
        add_form(&mut m, ws, &app.session, &back);
        Ok(page("Board", Nav::Board, &app.stamp(), &app.session, &m))
    })
    .await
}

/// One card: what the board shows of a task, and its menu to move it.
fn card(
    m: &mut String,
    d: &Document,
    t: &Task,
    critical: bool,
    token: &str,
    back: &str,
    many: bool,
) {
    let _ = write!(
        m,
        r#"<article class="card{crit}" tabindex="0" draggable="true" data-plan="{plan}" data-id="{id}" data-base="{base}" data-status="{status}"><header><a href="{href}" class="id">{id}</a>{mark}</header><p class="title">{title}</p><p class="meta">"#,
        crit = if critical { " critical" } else { "" },
        plan = esc(&d.path),
        id = esc(&t.id),
        base = fingerprint(d, t),
        status = t.status.as_str(),
        href = esc(&task_href(&d.path, &t.id)),
        mark = if critical {
            r#" <span class="crit" title="on the critical path">critical</span>"#
        } else {
            ""
        },
        title = esc(&t.title),
    );
    let mut meta = Vec::new();
    let owners: Vec<String> = t.resources.iter().map(ToString::to_string).collect();
    if !owners.is_empty() {
        meta.push(format!(
            "<span class=\"owner\">@{}</span>",
            esc(&owners.join(", @"))
        ));
    }
    if let Some(e) = t
        .estimate
        .as_ref()
        .map(|e| e.text().to_owned())
        .or_else(|| t.size.as_ref().map(|z| z.text().to_owned()))
    {
        meta.push(format!("<span class=\"estimate\">{}</span>", esc(&e)));
    }
    if let Some(p) = &t.phase {
        meta.push(format!("<span class=\"phase\">{}</span>", esc(p)));
    }
    if many {
        meta.push(format!("<span class=\"muted\">{}</span>", esc(&d.path)));
    }
    m.push_str(&meta.join(" · "));
    // The menu: a closed `details` costs a browser little to build, and
    // works by keyboard and without the script (each button posts).
    let action = format!(
        "/api/status?plan={}&id={}&base={}&back={}",
        enc(&d.path),
        enc(&t.id),
        fingerprint(d, t),
        enc(back)
    );
    let _ = write!(
        m,
        r#"</p><details class="menu"><summary>Move<span class="sr"> {id}</span></summary><form class="move" method="post" action="{action}"><input type="hidden" name="token" value="{token}">"#,
        id = esc(&t.id),
        action = esc(&action),
        token = esc(token),
    );
    for (v, s) in STATUSES {
        if s != t.status {
            let _ = write!(m, r#"<button name="to" value="{v}">{}</button>"#, s.label());
        }
    }
    m.push_str("</form></details></article>");
}

/// The form that adds a task to a phase.
fn add_form(m: &mut String, ws: &planmark::model::Workspace, token: &str, back: &str) {
    let _ = write!(
        m,
        r#"<details class="add"><summary>Add a task</summary><form method="post" action="/api/add"><input type="hidden" name="token" value="{token}"><input type="hidden" name="back" value="{back}"><label>Plan <select name="plan" required>"#,
        token = esc(token),
        back = esc(back)
    );
    for d in &ws.documents {
        let _ = write!(m, r#"<option value="{p}">{p}</option>"#, p = esc(&d.path));
    }
    m.push_str(r#"</select></label> <label>Phase <input name="phase" list="phases" size="16"></label><datalist id="phases">"#);
    let mut seen = std::collections::BTreeSet::new();
    for p in ws.documents.iter().flat_map(|d| &d.phases) {
        if seen.insert(p.name.as_str()) {
            let _ = write!(m, r#"<option value="{}">"#, esc(&p.name));
        }
    }
    m.push_str(r#"</datalist> <label>Title <input name="title" required size="30"></label> <label>Estimate <input name="estimate" size="6" placeholder="2d"></label> <label>Owner <input name="owner" size="8" placeholder="@ana"></label> <button>Add</button></form></details>"#);
}

/// Which task a page is about.
#[derive(Debug, Deserialize)]
pub(crate) struct TaskQuery {
    plan: String,
    id: String,
}

/// Finds a task among the loaded plans by its plan's workspace path and
/// its id: no path from a request ever reaches the file system.
pub(crate) fn locate(snap: &Snapshot, plan: &str, id: &str) -> Option<(usize, usize)> {
    let ws = snap.workspace();
    let di = ws.documents.iter().position(|d| d.path == plan)?;
    let ti = ws.documents[di].tasks.iter().position(|t| t.id == id)?;
    Some((di, ti))
}

pub(crate) async fn task(State(app): State<Arc<App>>, Query(q): Query<TaskQuery>) -> Response {
    render(app, move |app, snap| {
        let Some((di, ti)) = locate(snap, &q.plan, &q.id) else {
            return Err((
                StatusCode::NOT_FOUND,
                page("No such task", Nav::None, &app.stamp(), &app.session, &format!(
                    "<h1>No such task</h1><p>No task <code>{}</code> in <code>{}</code>. <a href=\"/board\">The board</a> lists them all.</p>",
                    esc(&q.id),
                    esc(&q.plan)
                )),
            ));
        };
        let ws = snap.workspace();
        let d = &ws.documents[di];
        let t = &d.tasks[ti];
        let work = snap.work();
        let mut m = String::new();
        let _ = write!(
            m,
            r#"<p class="crumbs"><a href="/board?plan={pe}">{p}</a>:{line}</p><h1><span class="id">{id}</span> {title}</h1>"#,
            pe = enc(&d.path),
            p = esc(&d.path),
            line = t.origin.span.line,
            id = esc(&t.id),
            title = esc(&t.title)
        );
        m.push_str("<dl class=\"facts\">");
        let mut field = |k: &str, v: String| {
            if !v.is_empty() {
                let _ = write!(m, "<dt>{k}</dt><dd>{v}</dd>");
            }
        };
        field("Status", t.status.label().to_owned());
        if let Some(r) = &t.blocked_reason {
            field("Blocked by", esc(r));
        }
        field("Phase", esc(t.phase.as_deref().unwrap_or_default()));
        if let Some(e) = &t.estimate {
            field("Estimate", format!("{} ({:.1} working hours)", esc(e.text()), e.likely_hours(work)));
        } else if let Some(z) = &t.size {
            field("Estimate", format!("{} (no duration: see [estimates] in planmark.toml)", esc(z.text())));
        }
        field("Owner", esc(&t.resources.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")));
        field("Priority", esc(t.priority.as_ref().map(|p| p.text.as_str()).unwrap_or_default()));
        field("Start", t.start.map(|x| x.to_string()).unwrap_or_default());
        field("Due", t.due.map(|x| x.to_string()).unwrap_or_default());
        let link = |id: &str| -> String {
            match snap.find(&format!("{}#{id}", d.path)).or_else(|_| snap.find(id)) {
                Ok(at) => {
                    let o = snap.task(at);
                    let p = &ws.documents[at.0].path;
                    format!(r#"<a href="{}">{}</a> <span class="muted">{}</span>"#, esc(&task_href(p, &o.id)), esc(id), o.status.label())
                }
                Err(_) => format!("{} <span class=\"bad\">(not found)</span>", esc(id)),
            }
        };
        let deps: Vec<String> = t.dependencies.iter().map(|x| link(&x.target)).collect();
        field("Depends on", deps.join(", "));
        let needed: Vec<String> = snap.dependents((di, ti)).into_iter().map(|o| link(&d.tasks[o].id)).collect();
        field("Needed by", needed.join(", "));
        let subs: Vec<String> = snap.subtasks((di, ti)).into_iter().map(|o| link(&d.tasks[o].id)).collect();
        field("Subtasks", subs.join(", "));
        if let Some(p) = &t.parent {
            field("Parent", link(p));
        }
        field("Tags", esc(&t.tags.join(", ")));
        // The schedule and why.
        let why = snap.why((di, ti));
        if let Some(e) = &why {
            field("Scheduled", format!("{} → {}{}", e.start, e.finish, if e.critical { " <strong class=\"bad\">critical</strong>".to_owned() } else { format!(", {:.1} working days of slack", e.slack_days) }));
        }
        m.push_str("</dl>");
        if let Some(e) = &why {
            m.push_str("<h2>Why then</h2><ul>");
            for r in &e.reasons {
                let _ = write!(m, "<li>{}</li>", esc(&r.to_string()));
            }
            m.push_str("</ul>");
            if !e.holds_back.is_empty() {
                let ids: Vec<String> = e
                    .holds_back
                    .iter()
                    .map(|(p, id)| match locate(snap, p, id) {
                        Some(_) => format!(r#"<a href="{}">{}</a>"#, esc(&task_href(p, id)), esc(id)),
                        // A milestone: no page of its own.
                        None => esc(id),
                    })
                    .collect();
                let _ = write!(m, "<p>It holds back {}.</p>", ids.join(", "));
            }
            let _ = write!(m, "<p>Finish: {}.</p>", esc(&e.finish_effect));
        }
        // The source, as written.
        let span = t.origin.span;
        if let Some(src) = d.source.get(span.start..span.end) {
            let _ = write!(m, "<h2>In the plan</h2><pre class=\"source\">{}</pre>", esc(src.trim_end()));
        }
        // Edits.
        let back = task_href(&d.path, &t.id);
        let base = fingerprint(d, t);
        let _ = write!(
            m,
            r#"<h2>Change</h2><form class="edit" method="post" action="/api/status"><input type="hidden" name="token" value="{tok}"><input type="hidden" name="plan" value="{plan}"><input type="hidden" name="id" value="{id}"><input type="hidden" name="base" value="{base}"><input type="hidden" name="back" value="{back}"><label>Status <select name="to">"#,
            tok = esc(&app.session),
            plan = esc(&d.path),
            id = esc(&t.id),
            back = esc(&back),
        );
        for (v, s) in STATUSES {
            let _ = write!(m, r#"<option value="{v}"{}>{}</option>"#, if s == t.status { " selected" } else { "" }, s.label());
        }
        m.push_str("</select></label> <button>Set status</button></form>");
        let value = |v: String| esc(&v);
        let _ = write!(
            m,
            r#"<form class="edit" method="post" action="/api/set"><input type="hidden" name="token" value="{tok}"><input type="hidden" name="plan" value="{plan}"><input type="hidden" name="id" value="{id}"><input type="hidden" name="base" value="{base}"><input type="hidden" name="back" value="{back}"><label>Owner <input name="owner" value="{owner}"></label> <label>Estimate <input name="estimate" value="{est}" size="8"></label> <label>Priority <input name="priority" value="{pri}" size="6"></label> <label>Due <input name="due" type="date" value="{due}"></label> <label>Depends on <input name="depends" value="{deps}"></label> <button>Save</button></form>"#,
            tok = esc(&app.session),
            plan = esc(&d.path),
            id = esc(&t.id),
            back = esc(&back),
            owner = value(t.resources.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            est = value(t.estimate.as_ref().map(|e| e.text().to_owned()).unwrap_or_default()),
            pri = value(t.priority.as_ref().map(|p| p.text.clone()).unwrap_or_default()),
            due = value(t.due.map(|x| x.to_string()).unwrap_or_default()),
            deps = value(t.dependencies.iter().map(|x| x.text.clone()).collect::<Vec<_>>().join(", ")),
        );
        Ok(page(&format!("{} {}", t.id, t.title), Nav::None, &app.stamp(), &app.session, &m))
    })
    .await
}

/// The timeline's zoom, from the query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TimelineQuery {
    #[serde(default)]
    zoom: String,
    /// One plan's charts only.
    #[serde(default)]
    plan: String,
}

/// Tasks above which the timeline draws one plan at a time: a chart of
/// thousands of rows is neither quick to draw nor readable.
const DRAWN: usize = 1500;

pub(crate) async fn timeline(
    State(app): State<Arc<App>>,
    Query(q): Query<TimelineQuery>,
) -> Response {
    render(app, move |app, snap| {
        let ws = snap.workspace();
        let mut m = String::from("<h1>Timeline</h1>\n");
        let zoom = match q.zoom.as_str() {
            "day" => render::Zoom::Day,
            "week" => render::Zoom::Week,
            "month" => render::Zoom::Month,
            _ => render::Zoom::Fit,
        };
        let plan = ws.documents.iter().find(|d| d.path == q.plan).map(|d| d.path.clone());
        let with_plan = |v: &str| {
            let mut parts = Vec::new();
            if !v.is_empty() {
                parts.push(format!("zoom={v}"));
            }
            if let Some(p) = &plan {
                parts.push(format!("plan={}", enc(p)));
            }
            if parts.is_empty() { "/timeline".to_owned() } else { format!("/timeline?{}", parts.join("&")) }
        };
        m.push_str(r#"<form class="filters" method="get" action="/timeline"><label>Plan <select name="plan"><option value="">all</option>"#);
        for d in &ws.documents {
            let _ = write!(m, r#"<option value="{p}"{sel}>{p}</option>"#, p = esc(&d.path), sel = if plan.as_deref() == Some(d.path.as_str()) { " selected" } else { "" });
        }
        let _ = write!(m, r#"</select></label><input type="hidden" name="zoom" value="{}"> <button>Show</button></form>"#, esc(&q.zoom));
        m.push_str(r#"<nav class="zoom" aria-label="Zoom">Zoom:"#);
        for (z, v, label) in [(render::Zoom::Fit, "", "fit"), (render::Zoom::Day, "day", "day"), (render::Zoom::Week, "week", "week"), (render::Zoom::Month, "month", "month")] {
            let cur = if z == zoom { r#" aria-current="true""# } else { "" };
            let _ = write!(m, r#" <a href="{}"{cur}>{label}</a>"#, esc(&with_plan(v)));
        }
        m.push_str("</nav>");
        let whole = snap.timeline();
        let cut = match (whole, &plan) {
            (Some(s), Some(p)) => Some(std::sync::Arc::new(s.only_plans(|x| x == p))),
            (Some(s), None) => Some(s.clone()),
            (None, _) => None,
        };
        match cut.as_ref() {
            Some(s) if s.tasks.len() > DRAWN => {
                let _ = write!(m, "<p>The workspace has {} scheduled tasks: pick a plan above to draw its Gantt chart and dependencies (<code>planmark gantt -o gantt.svg</code> draws them all).</p>", s.tasks.len());
                if let Some(f) = app.forecasted().quick_forecast() {
                    let _ = write!(m, r#"<section id="forecast"><h2>Forecast</h2><div class="chart">{}</div></section>"#, render::forecast_svg(f));
                }
            }
            Some(s) if !s.tasks.is_empty() => {
                let href = |plan: &str, id: &str| task_href(plan, id);
                let opts = render::GanttOptions { zoom, href: Some(&href) };
                let _ = write!(m, r#"<section id="gantt"><h2>Gantt chart</h2><div class="chart">{}</div></section>"#, render::gantt_svg_with(ws, s, &opts));
                let _ = write!(m, r#"<section id="graph"><h2>Dependencies</h2><div class="chart">{}</div></section>"#, render::graph_svg(ws, s));
                if let Some(f) = app.forecasted().quick_forecast() {
                    let _ = write!(m, r#"<section id="forecast"><h2>Forecast</h2><div class="chart">{}</div></section>"#, render::forecast_svg(f));
                }
            }
            Some(_) => m.push_str("<p>No tasks to schedule.</p>"),
            None => m.push_str(r#"<p class="bad">The plans cannot be scheduled: <a href="/findings">the findings</a> say why.</p>"#),
        }
        let risky: Vec<&std::sync::Arc<Document>> = ws
            .documents
            .iter()
            .filter(|d| plan.as_deref().is_none_or(|p| d.path == p) && !d.risks.is_empty())
            .collect();
        if !risky.is_empty() && risky.iter().map(|d| d.risks.len()).sum::<usize>() <= DRAWN {
            let part = planmark::model::Workspace {
                root: ws.root.clone(),
                documents: risky.into_iter().cloned().collect(),
                findings: Vec::new(),
            };
            let _ = write!(m, r#"<section id="risks"><h2>Risks</h2><div class="chart">{}</div></section>"#, render::risk_matrix_svg(&part));
        }
        match app.history(snap).as_ref() {
            Ok(h) if !h.days.is_empty() => {
                let target = snap.timeline().map(|s| s.deadline.as_ref().map_or(s.finish, |d| d.date));
                let _ = write!(m, r#"<section id="burndown"><h2>Burndown</h2><div class="chart">{}</div></section>"#, render::burndown_svg(h, target, snap.work().hours_per_day));
            }
            Ok(_) => m.push_str(r#"<section id="burndown"><h2>Burndown</h2><p class="muted">No commits touch these plans yet.</p></section>"#),
            Err(e) => {
                let _ = write!(m, r#"<section id="burndown"><h2>Burndown</h2><p class="muted">{}</p></section>"#, esc(e));
            }
        }
        Ok(page("Timeline", Nav::Timeline, &app.stamp(), &app.session, &m))
    })
    .await
}

pub(crate) async fn findings(State(app): State<Arc<App>>) -> Response {
    render(app, |app, snap| {
        let ws = snap.workspace();
        let report = snap.check();
        let mut m = String::from("<h1>Findings</h1>\n");
        if report.diagnostics.is_empty() {
            let _ = write!(m, "<p class=\"good\">Checked {}: no problems found.</p>", plural(ws.documents.len(), "plan"));
        }
        let docs: HashMap<&str, &Document> = ws.documents.iter().map(|d| (d.path.as_str(), &**d)).collect();
        let mut last = "";
        for f in &report.diagnostics {
            if f.file != last {
                if !last.is_empty() {
                    m.push_str("</ol></section>");
                }
                last = &f.file;
                let _ = write!(m, r#"<section id="{}"><h2>{}</h2><ol class="findings">"#, esc(&enc(&f.file)), esc(&f.file));
            }
            let _ = write!(
                m,
                r#"<li class="{s}"><p><span class="sev">{s}</span> <code>{code}</code> {msg} <span class="muted">{file}{line}</span></p>"#,
                s = sev(f.severity),
                code = f.code.as_str(),
                msg = esc(&f.message),
                file = esc(&f.file),
                line = f.span.map_or(String::new(), |sp| format!(":{}", sp.line)),
            );
            if let (Some(sp), Some(d)) = (f.span, docs.get(f.file.as_str())) {
                let line = d.source.lines().nth(sp.line.saturating_sub(1) as usize).unwrap_or_default();
                let _ = write!(m, r#"<pre class="source"><span class="ln">{}</span> {}</pre>"#, sp.line, esc(line));
            }
            if let Some(h) = &f.help {
                let _ = write!(m, "<p class=\"help\">help: {}</p>", esc(h));
            }
            m.push_str("</li>");
        }
        if !last.is_empty() {
            m.push_str("</ol></section>");
        }
        Ok(page("Findings", Nav::Findings, &app.stamp(), &app.session, &m))
    })
    .await
}
