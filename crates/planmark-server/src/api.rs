//! Changes: a task's status, its attributes, a new task. Each is checked
//! against what the page showed (a task changed on disk meanwhile is a
//! conflict, shown, never overwritten) and written through the engine's
//! locked edit path.
//!
//! The script posts JSON with the session token in a header and gets JSON
//! back; a plain form posts the token in its body and is sent back to the
//! page it came from (or shown what went wrong).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use planmark::edit::{Attribute, EditError};
use planmark::project::{NewTaskRequest, ProjectError, Snapshot};
use serde::Deserialize;
use serde_json::json;

use crate::html::{Nav, STATUSES, esc, fingerprint, page};
use crate::pages::locate;
use crate::{App, same};

/// What a change request carries (each endpoint reads its own fields).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Fields {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    id: String,
    /// The task's fingerprint when the page showed it.
    #[serde(default)]
    base: Option<String>,
    /// Where a plain form goes back to.
    #[serde(default)]
    back: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    estimate: Option<String>,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    due: Option<String>,
    #[serde(default)]
    depends: Option<String>,
    #[serde(default)]
    phase: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

/// A refused change: the status, the message, and whether it is a
/// conflict with a change made meanwhile.
struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: message.into(),
        }
    }
}

impl From<ProjectError> for Refusal {
    fn from(e: ProjectError) -> Refusal {
        let status = match &e {
            ProjectError::NoTask { .. } => StatusCode::NOT_FOUND,
            ProjectError::NotReady { .. }
            | ProjectError::Edit(
                EditError::Changed { .. }
                | EditError::TaskChanged { .. }
                | EditError::TaskGone { .. }
                | EditError::Locked { .. },
            ) => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Refusal::new(status, e.to_string())
    }
}

/// The request, read as JSON or as a form.
struct Input {
    fields: Fields,
    json: bool,
}

fn read(
    app: &App,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Input, Refusal> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    let bad = |e: &dyn std::fmt::Display| {
        Refusal::new(StatusCode::BAD_REQUEST, format!("bad request: {e}"))
    };
    let mut fields: serde_json::Map<String, serde_json::Value> = if json {
        serde_json::from_slice(body).map_err(|e| bad(&e))?
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map_err(|e| bad(&e))?
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect()
    };
    // A card's form names its task in its address; the body wins.
    if let Some(q) = query {
        for (k, v) in serde_urlencoded::from_str::<Vec<(String, String)>>(q).map_err(|e| bad(&e))? {
            fields.entry(k).or_insert(v.into());
        }
    }
    let fields: Fields = serde_json::from_value(fields.into()).map_err(|e| bad(&e))?;
    // The guard let a form through without the header: its body must
    // carry the token.
    let header_ok = headers
        .get("x-planmark-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| same(v, &app.session));
    let body_ok = fields
        .token
        .as_deref()
        .is_some_and(|t| same(t, &app.session));
    if !header_ok && !body_ok {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "a change needs this session's token",
        ));
    }
    Ok(Input { fields, json })
}

/// The answer: JSON for the script, a redirect back (or the refusal as a
/// page) for a form.
fn answer(app: &App, input: &Input, result: Result<serde_json::Value, Refusal>) -> Response {
    let version = app.snapshot().version;
    match (result, input.json) {
        (Ok(mut v), true) => {
            v["version"] = version.into();
            axum::Json(v).into_response()
        }
        (Err(r), true) => (
            r.status,
            axum::Json(json!({
                "error": r.message,
                "conflict": r.status == StatusCode::CONFLICT,
                "version": version,
            })),
        )
            .into_response(),
        (Ok(_), false) => Redirect::to(&back(input.fields.back.as_deref())).into_response(),
        (Err(r), false) => {
            let main = format!(
                r#"<h1>Not changed</h1><p class="bad">{}</p><p>Nothing was written. <a href="{}">Back</a></p>"#,
                esc(&r.message),
                esc(&back(input.fields.back.as_deref()))
            );
            (
                r.status,
                Html(page(
                    "Not changed",
                    Nav::None,
                    &app.stamp(),
                    &app.session,
                    &main,
                )),
            )
                .into_response()
        }
    }
}

/// A page of this server to go back to: a local path, never another site.
fn back(b: Option<&str>) -> String {
    match b {
        Some(b) if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') => b.to_owned(),
        _ => "/board".to_owned(),
    }
}

/// Reads plan `plan` again (the page may be older than the disk) and
/// returns the workspace with it; a plan not among the loaded ones is
/// refused before any file is touched.
fn reread(app: &App, plan: &str) -> Result<Arc<Snapshot>, Refusal> {
    if !app
        .snapshot()
        .workspace()
        .documents
        .iter()
        .any(|d| d.path == plan)
    {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            format!("no plan `{plan}` in this workspace"),
        ));
    }
    read_again(app, plan);
    Ok(app.snapshot())
}

/// Reads the plan again, finds the task, and refuses when it is not what
/// the page showed.
fn current(app: &App, f: &Fields) -> Result<(Arc<Snapshot>, (usize, usize)), Refusal> {
    let snap = reread(app, &f.plan)?;
    let Some(at) = locate(&snap, &f.plan, &f.id) else {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            format!(
                "task `{}` is no longer in {} (changed on disk meanwhile); nothing was written",
                f.id, f.plan
            ),
        ));
    };
    if let Some(base) = f.base.as_deref().filter(|b| !b.is_empty()) {
        let d = snap.document(at.0);
        let t = snap.task(at);
        if fingerprint(d, t) != base {
            let span = t.origin.span;
            let now = d
                .source
                .get(span.start..span.end)
                .and_then(|s| s.lines().next())
                .unwrap_or_default()
                .trim();
            return Err(Refusal::new(
                StatusCode::CONFLICT,
                format!(
                    "{}:{}: task `{}` changed on disk since the page was shown (now `{now}`); nothing was written",
                    d.path, t.origin.span.line, t.id
                ),
            ));
        }
    }
    Ok((snap, at))
}

/// Reads a plan again (after a write: so that every page hears of it).
fn read_again(app: &App, plan: &str) {
    app.refresh(&[app.root.join(plan)]);
}

async fn blocking(
    app: Arc<App>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    f: fn(&App, &Fields) -> Result<serde_json::Value, Refusal>,
) -> Response {
    let out = tokio::task::spawn_blocking(move || match read(&app, uri.query(), &headers, &body) {
        Ok(input) => {
            let r = f(&app, &input.fields);
            answer(&app, &input, r)
        }
        Err(r) => {
            let input = Input {
                fields: Fields::default(),
                json: true,
            };
            answer(&app, &input, Err(r))
        }
    })
    .await;
    out.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

pub(crate) async fn status(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    blocking(app, uri, headers, body, |app, f| {
        let to = f.to.as_deref().unwrap_or_default();
        let Some(&(_, to)) = STATUSES.iter().find(|(v, _)| *v == to) else {
            return Err(Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("`{to}` is not a status (todo, in_progress, blocked, done, cancelled)"),
            ));
        };
        let (snap, at) = current(app, f)?;
        let query = format!("{}#{}", f.plan, snap.task(at).id);
        let done = snap.set_status(&[&query], to, None, false, false)?;
        read_again(app, &f.plan);
        Ok(json!({ "changes": done.changes }))
    })
    .await
}

pub(crate) async fn set(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    blocking(app, uri, headers, body, |app, f| {
        let (snap, at) = current(app, f)?;
        let t = snap.task(at);
        let now = |a: Attribute| -> String {
            match a {
                Attribute::Owner => t
                    .resources
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                Attribute::Estimate => t
                    .estimate
                    .as_ref()
                    .map(|e| e.text().to_owned())
                    .unwrap_or_default(),
                Attribute::Priority => t
                    .priority
                    .as_ref()
                    .map(|p| p.text.clone())
                    .unwrap_or_default(),
                Attribute::Due => t.due.map(|d| d.to_string()).unwrap_or_default(),
                Attribute::Depends => t
                    .dependencies
                    .iter()
                    .map(|d| d.text.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            }
        };
        // Only the values that differ from the task's: a form sends them all.
        let mut pairs = Vec::new();
        for (a, v) in [
            (Attribute::Owner, &f.owner),
            (Attribute::Estimate, &f.estimate),
            (Attribute::Priority, &f.priority),
            (Attribute::Due, &f.due),
            (Attribute::Depends, &f.depends),
        ] {
            if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty())
                && v != now(a)
            {
                pairs.push((a, v));
            }
        }
        if pairs.is_empty() {
            return Ok(json!({ "changes": [] }));
        }
        let query = format!("{}#{}", f.plan, t.id);
        let done = snap.set_values(&query, &pairs, false)?;
        read_again(app, &f.plan);
        Ok(json!({ "changes": done.changes }))
    })
    .await
}

pub(crate) async fn add(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    blocking(app, uri, headers, body, |app, f| {
        let snap = reread(app, &f.plan)?;
        let some = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let req = NewTaskRequest {
            title: f.title.clone().unwrap_or_default(),
            plan: Some(f.plan.clone()),
            phase: some(&f.phase),
            estimate: some(&f.estimate),
            owner: some(&f.owner),
            after: None,
        };
        let done = snap.add_task(&req, false)?;
        read_again(app, &f.plan);
        Ok(json!({ "changes": done.changes }))
    })
    .await
}
