//! `planmark serve`: the live local web UI over the planmark engine.
//!
//! The server holds one [`planmark::project::Project`], kept current by a
//! file watcher, and renders its answers as pages: an overview, a board,
//! each task, the timeline and the findings. Pages are plain HTML that
//! read without JavaScript; the project's own small script adds dragging
//! cards, forms that report conflicts in place, and live updates over
//! server-sent events. Every change goes through the engine's locked edit
//! path.
//!
//! Security: it binds to 127.0.0.1 unless told otherwise, and then asks
//! for an access token; the Host header is checked on every request (DNS
//! rebinding) and Origin on every change; changes carry a per-session
//! token; bodies are size-limited; no request names a file: plans are
//! found among the loaded ones by their workspace path, so nothing outside
//! the workspace is ever read or written.

mod api;
mod html;
pub mod mcp;
mod pages;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use planmark::history::History;
use planmark::project::{Project, Snapshot};
use tokio::sync::broadcast;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// The workspace root.
    pub root: PathBuf,
    /// The plans served (files or folders; none: the whole workspace).
    pub paths: Vec<PathBuf>,
    /// The address to bind (127.0.0.1 unless given).
    pub host: IpAddr,
    /// The port (0: any free one).
    pub port: u16,
    /// The day progress is measured at (`None`: the current day, each refresh).
    pub today: Option<jiff::civil::Date>,
}

impl Options {
    /// Serves the whole workspace at `root` on 127.0.0.1:4000.
    #[must_use]
    pub fn new(root: PathBuf) -> Options {
        Options {
            root,
            paths: Vec::new(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 4000,
            today: None,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The workspace could not be opened or loaded.
    #[error(transparent)]
    Project(#[from] planmark::project::ProjectError),
    /// The address could not be bound, or the runtime not started.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file watcher could not start.
    #[error("cannot watch the workspace")]
    Watch(#[from] notify::Error),
}

/// The largest request body accepted: an edit is a few hundred bytes.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

/// What every request handler shares.
pub(crate) struct App {
    /// The open workspace; replaced when `planmark.toml` changes.
    project: RwLock<Arc<Project>>,
    /// The workspace root.
    pub(crate) root: PathBuf,
    /// The files and folders served.
    paths: Vec<PathBuf>,
    pub(crate) today: Option<jiff::civil::Date>,
    /// The workspace as last loaded.
    pub(crate) current: RwLock<Arc<Snapshot>>,
    /// The latest workspace whose forecast is computed: pages show it
    /// rather than wait for the forecast of the newest.
    pub(crate) forecasted: RwLock<Arc<Snapshot>>,
    /// Asks the forecast worker to catch up with the newest workspace.
    forecast_jobs: std::sync::mpsc::Sender<()>,
    forecast_queue: std::sync::Mutex<Option<std::sync::mpsc::Receiver<()>>>,
    /// The git history, read at most every [`HISTORY_TTL`].
    history: std::sync::Mutex<Option<(std::time::Instant, Read<History>)>>,
    /// Tells open pages what they show changed: the stamp of the
    /// workspace and of its forecast.
    pub(crate) events: broadcast::Sender<String>,
    /// The workspace paths of the plans each change touched (added,
    /// changed or removed): what agents subscribed to a plan hear of.
    pub(crate) changes: broadcast::Sender<Arc<[String]>>,
    /// Changes carry this token (it is in every page).
    pub(crate) session: String,
    /// With a public address: every request carries this token (a cookie
    /// after the first).
    pub(crate) access: Option<String>,
    /// Host header values accepted.
    pub(crate) hosts: Vec<String>,
    /// Set when the server stops: open event streams end, so that
    /// stopping does not wait for pages left open.
    pub(crate) closing: tokio::sync::watch::Sender<bool>,
}

/// A result read once and shared by the pages that show it.
type Read<T> = Arc<Result<T, String>>;

/// How long the git history read for the burndown is reused: commits
/// are rarer than page views.
const HISTORY_TTL: std::time::Duration = std::time::Duration::from_secs(10);

impl App {
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn project(&self) -> Arc<Project> {
        self.project
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Opens the workspace again after `planmark.toml` changed: its
    /// calendar, resources and globs apply from now on. A configuration
    /// that cannot be read leaves the last good one in place, and says so.
    pub(crate) fn reopen(&self) {
        match Project::open(&self.root) {
            Ok(p) => {
                *self
                    .project
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(
                    p.with_paths(self.paths.clone())
                        .numbered_after(self.snapshot().version),
                );
                if let Ok(up) = self.project().refresh(self.today()) {
                    // Another calendar or other globs can change every plan.
                    let mut all: Vec<String> = up
                        .snapshot
                        .workspace()
                        .documents
                        .iter()
                        .map(|d| d.path.clone())
                        .collect();
                    all.extend(up.changed);
                    all.sort();
                    all.dedup();
                    self.install(up.snapshot, all);
                }
            }
            Err(e) => eprintln!("planmark serve: {e}; keeping the configuration read before"),
        }
    }

    pub(crate) fn forecasted(&self) -> Arc<Snapshot> {
        self.forecasted
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// What an open page compares to know it is out of date.
    pub(crate) fn stamp(&self) -> String {
        format!("{}.{}", self.snapshot().version, self.forecasted().version)
    }

    /// The plans' git history, reused for a few seconds.
    pub(crate) fn history(&self, snap: &Snapshot) -> Read<History> {
        let mut h = self
            .history
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, found)) = h.as_ref()
            && at.elapsed() < HISTORY_TTL
        {
            return found.clone();
        }
        let found = Arc::new(snap.history().map_err(|e| e.to_string()));
        *h = Some((std::time::Instant::now(), found.clone()));
        found
    }

    /// Computes the forecast of the newest workspace whenever asked, one
    /// at a time, skipping the versions that came and went meanwhile.
    fn forecast_worker(self: &Arc<App>) -> std::io::Result<()> {
        let Some(rx) = self
            .forecast_queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        else {
            return Ok(());
        };
        let app = self.clone();
        // One thread of its own: the forecast of a large workspace takes a
        // while, and requests and re-reading plans keep the other cores.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "planmark-forecast-runs".into())
            .build()
            .map_err(std::io::Error::other)?;
        std::thread::Builder::new()
            .name("planmark-forecast".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    while rx.try_recv().is_ok() {}
                    let snap = app.snapshot();
                    if snap.version == app.forecasted().version {
                        continue;
                    }
                    pool.install(|| {
                        let _ = snap.quick_forecast();
                    });
                    *app.forecasted
                        .write()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = snap;
                    let _ = app.events.send(app.stamp());
                }
            })?;
        Ok(())
    }

    pub(crate) fn today(&self) -> jiff::civil::Date {
        self.today.unwrap_or_else(|| jiff::Zoned::now().date())
    }

    /// Re-reads `files` (none: everything) and tells open pages when
    /// something changed; what the pages show is computed before they are
    /// told.
    pub(crate) fn refresh(&self, files: &[PathBuf]) {
        let up = if files.is_empty() {
            self.project().refresh(self.today())
        } else {
            self.project().changed(files, self.today())
        };
        let Ok(up) = up else { return };
        if up.snapshot.version != self.snapshot().version {
            self.install(up.snapshot, up.changed);
        }
    }

    /// Makes `snap` the workspace pages show, computed first, and tells
    /// open pages, subscribed agents and the forecast worker.
    fn install(&self, snap: Arc<Snapshot>, changed: Vec<String>) {
        warm(&snap);
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = snap;
        let _ = self.events.send(self.stamp());
        if !changed.is_empty() {
            let _ = self.changes.send(changed.into());
        }
        let _ = self.forecast_jobs.send(());
    }

    /// Opens the workspace at `root`, loads it and computes what is shown
    /// first (timeline, findings, quick forecast).
    fn load(
        root: &std::path::Path,
        paths: Vec<PathBuf>,
        today: Option<jiff::civil::Date>,
        access: Option<String>,
        hosts: Vec<String>,
    ) -> Result<App, ServeError> {
        let project = Project::open(root)?.with_paths(paths.clone());
        let first = project
            .refresh(today.unwrap_or_else(|| jiff::Zoned::now().date()))?
            .snapshot;
        warm(&first);
        let _ = first.quick_forecast();
        let (events, _) = broadcast::channel(64);
        let (changes, _) = broadcast::channel(64);
        let (forecast_jobs, queue) = std::sync::mpsc::channel();
        Ok(App {
            root: project.root().to_path_buf(),
            project: RwLock::new(Arc::new(project)),
            paths,
            today,
            current: RwLock::new(first.clone()),
            forecasted: RwLock::new(first),
            forecast_jobs,
            forecast_queue: std::sync::Mutex::new(Some(queue)),
            history: std::sync::Mutex::new(None),
            events,
            changes,
            session: token()?,
            access,
            hosts,
            closing: tokio::sync::watch::Sender::new(false),
        })
    }
}

/// A workspace kept current without a web server (`planmark mcp` over
/// stdio): the engine, its file watcher and its forecast worker.
pub(crate) struct Live {
    pub(crate) app: Arc<App>,
    _watcher: watch::Shared,
}

impl Live {
    /// Opens the workspace at `root` and starts keeping it current.
    pub(crate) fn open(
        root: &std::path::Path,
        today: Option<jiff::civil::Date>,
    ) -> Result<Live, ServeError> {
        let app = Arc::new(App::load(root, Vec::new(), today, None, Vec::new())?);
        let watcher = watch::start(app.clone())?;
        app.forecast_worker()?;
        Ok(Live {
            app,
            _watcher: watcher,
        })
    }
}

/// Computes what every page needs, so that the first page after a change
/// does not wait for it.
fn warm(s: &Snapshot) {
    let _ = s.timeline();
    let _ = s.check();
}

/// A random token of 32 hex digits.
fn token() -> Result<String, std::io::Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut out = String::with_capacity(32);
    for x in b {
        use std::fmt::Write as _;
        let _ = write!(out, "{x:02x}");
    }
    Ok(out)
}

/// A server bound to its address, ready to run.
pub struct Server {
    app: Arc<App>,
    listener: std::net::TcpListener,
    /// The URL to open (with the access token when one is needed).
    pub url: String,
}

impl Server {
    /// Opens the workspace, loads it and binds the address.
    ///
    /// # Errors
    ///
    /// When the workspace cannot be opened or the address bound.
    pub fn bind(opts: Options) -> Result<Server, ServeError> {
        let listener = std::net::TcpListener::bind(SocketAddr::new(opts.host, opts.port))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let loopback = opts.host.is_loopback();
        let mut hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|h| format!("{h}:{port}"))
            .collect();
        if !loopback {
            let h = match opts.host {
                IpAddr::V6(a) => format!("[{a}]:{port}"),
                IpAddr::V4(a) => format!("{a}:{port}"),
            };
            hosts.push(h);
        }
        let access = if loopback { None } else { Some(token()?) };
        let shown = match opts.host {
            IpAddr::V4(a) if !a.is_unspecified() => a.to_string(),
            IpAddr::V6(a) if !a.is_unspecified() => format!("[{a}]"),
            _ => "127.0.0.1".to_owned(),
        };
        let url = match &access {
            Some(t) => format!("http://{shown}:{port}/?token={t}"),
            None => format!("http://{shown}:{port}/"),
        };
        let app = Arc::new(App::load(
            &opts.root, opts.paths, opts.today, access, hosts,
        )?);
        Ok(Server { app, listener, url })
    }

    /// Serves until the process is stopped (Ctrl-C ends it cleanly).
    ///
    /// # Errors
    ///
    /// When the runtime or the watcher cannot start.
    pub fn run(self) -> Result<(), ServeError> {
        self.run_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }

    /// Serves until `stop` completes.
    ///
    /// # Errors
    ///
    /// When the runtime or the watcher cannot start.
    pub fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let _watcher = watch::start(self.app.clone())?;
        self.app.forecast_worker()?;
        let app = self.app.clone();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            // Ends the MCP sessions when the server stops, so that
            // stopping does not wait for agents left connected.
            let sessions = tokio_util::sync::CancellationToken::new();
            let ended = sessions.clone();
            axum::serve(listener, router(self.app, sessions))
                .with_graceful_shutdown(async move {
                    stop.await;
                    app.closing.send_replace(true);
                    ended.cancel();
                })
                .await
        })?;
        Ok(())
    }

    /// Serves on a thread of its own until the returned handle is stopped
    /// or dropped: for benchmarks and tests in one process.
    ///
    /// # Errors
    ///
    /// When the thread cannot start.
    pub fn spawn(self) -> Result<Running, ServeError> {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let url = self.url.clone();
        let thread = std::thread::Builder::new()
            .name("planmark-serve".into())
            .spawn(move || {
                self.run_until(async {
                    let _ = rx.await;
                })
            })?;
        Ok(Running {
            url,
            stop: Some(tx),
            thread: Some(thread),
        })
    }
}

/// A server serving on its own thread; dropping it stops it.
pub struct Running {
    /// The server's URL.
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServeError>>>,
}

impl Running {
    /// Stops the server and waits for it.
    ///
    /// # Errors
    ///
    /// What the server ended with.
    pub fn stop(mut self) -> Result<(), ServeError> {
        self.finish()
    }

    fn finish(&mut self) -> Result<(), ServeError> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(ServeError::Io(std::io::Error::other(
                "the server thread panicked",
            ))),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

fn router(app: Arc<App>, sessions: tokio_util::sync::CancellationToken) -> Router {
    Router::new()
        .route_service("/mcp", mcp::http_service(app.clone(), sessions))
        .route("/", get(pages::overview))
        .route("/board", get(pages::board))
        .route("/task", get(pages::task))
        .route("/timeline", get(pages::timeline))
        .route("/findings", get(pages::findings))
        .route("/events", get(pages::events))
        .route("/assets/app.css", get(pages::css))
        .route("/assets/app.js", get(pages::js))
        .route("/api/status", post(api::status))
        .route("/api/set", post(api::set))
        .route("/api/add", post(api::add))
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app)
}

/// The checks every request passes: the Host header names this server,
/// the access token when one is needed, Origin and the session token on
/// every change. Responses forbid framing, sniffing and any request to
/// another origin.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let h = req.headers();
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    // On loopback, the Host must be this server's own (a page of another
    // site resolving its name to 127.0.0.1 sends its own). On a public
    // address visitors use names the server cannot know; the access
    // token protects it there.
    let known = host.is_some_and(|x| app.hosts.iter().any(|a| a.eq_ignore_ascii_case(x)));
    if app.access.is_none() && !known {
        return refuse(
            StatusCode::FORBIDDEN,
            "unknown Host: this server answers only to its own address",
        );
    }
    // The MCP endpoint: agents, not pages. No session token (a client
    // cannot read one from a page); Host and Origin as for pages, and the
    // access token as a bearer token on a public address.
    let agent = req.uri().path() == "/mcp";
    let mut set_cookie = None;
    if let Some(t) = &app.access
        && agent
    {
        let bearer = h
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|v| same(v.trim(), t));
        if !bearer {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "this server needs its access token: send it as `Authorization: Bearer <token>`",
            );
        }
    } else if let Some(t) = &app.access {
        let query_token = req.uri().query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("token="))
                .map(str::to_owned)
        });
        let cookie_ok = cookie(h, "planmark_access").is_some_and(|c| same(&c, t));
        if query_token.as_deref().is_some_and(|q| same(q, t)) {
            set_cookie = Some(format!(
                "planmark_access={t}; HttpOnly; SameSite=Strict; Path=/"
            ));
        } else if !cookie_ok {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "this server needs its access token: open the URL it printed",
            );
        }
    }
    if req.method() != axum::http::Method::GET && req.method() != axum::http::Method::HEAD {
        if let Some(o) = h.get(header::ORIGIN) {
            let ok = o
                .to_str()
                .ok()
                .and_then(|o| o.strip_prefix("http://"))
                .is_some_and(|o| host.is_some_and(|x| o.eq_ignore_ascii_case(x)));
            if !ok {
                return refuse(
                    StatusCode::FORBIDDEN,
                    "a change from another origin is refused",
                );
            }
        }
        // The session token: a header (the script) or, for a plain form,
        // checked by the handler from the form body.
        let header_ok = h
            .get("x-planmark-token")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| same(v, &app.session));
        let form = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if !header_ok && !form && !agent {
            return refuse(StatusCode::FORBIDDEN, "a change needs this session's token");
        }
    }
    let ending = agent && req.method() == axum::http::Method::DELETE;
    let mut res = next.run(req).await;
    // A session's end is answered 202 by the MCP library, and clients
    // (the official Python one) expect 200 or 204, and warn otherwise.
    if ending && res.status() == StatusCode::ACCEPTED {
        *res.status_mut() = StatusCode::NO_CONTENT;
    }
    let hs = res.headers_mut();
    hs.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    hs.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    hs.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    hs.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let Some(c) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        hs.insert(header::SET_COOKIE, c);
    }
    res
}

/// Compares tokens in time that does not depend on where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn cookie(h: &HeaderMap, name: &str) -> Option<String> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        why,
    )
        .into_response()
}
