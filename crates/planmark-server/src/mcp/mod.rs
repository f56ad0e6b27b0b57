//! `planmark mcp`: the plans for coding agents, over the Model Context
//! Protocol (stdio, and streamable HTTP at `/mcp` in `planmark serve`).
//!
//! Small on purpose: eight tools whose definitions fit in 8 KB, answers
//! of a few lines that stay under 4 KB unless the caller asks for more
//! (every list has a page size and a cursor), each plan and the two
//! templates as resources (a plan notifies its subscribers when its file
//! changes), and two prompts. Every edit goes through the engine's locked
//! write path.
//!
//! The workspace is the one `--root` names or the first folder among the
//! client's roots, never the server's working directory: a client that
//! starts the server elsewhere would otherwise read the wrong plans
//! without knowing it. Until it is known, tools answer how to set it.

mod prompts;
mod tools;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, GetPromptRequestParams, GetPromptResponse,
    Implementation, InitializeResult, ListPromptsResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ProtocolVersion, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, Resource, ResourceContents, ResourceUpdatedNotificationParam,
    ServerCapabilities, SubscribeRequestParams, Tool, UnsubscribeRequestParams,
};
use rmcp::service::{NotificationContext, RequestContext};
use rmcp::{ErrorData, Peer, RoleServer, ServerHandler};
use tokio::sync::watch;

use crate::{App, Live, ServeError};

/// How `planmark mcp` serves over stdio.
#[derive(Debug, Clone, Default)]
pub struct StdioOptions {
    /// The workspace root; none: the first folder among the client's roots.
    pub root: Option<PathBuf>,
    /// The day progress is measured at (`None`: the current day).
    pub today: Option<jiff::civil::Date>,
}

/// Serves MCP over stdin and stdout until the client closes them.
///
/// # Errors
///
/// When `root` cannot be opened, or the runtime cannot start.
pub fn serve_stdio(opts: StdioOptions) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(serve_on(opts, tokio::io::stdin(), tokio::io::stdout()))
}

/// Serves MCP over a pair of byte streams (newline-delimited JSON-RPC,
/// as on stdio) until the client closes them: for benchmarks and tests
/// in one process. Call it inside a Tokio runtime.
///
/// # Errors
///
/// When `root` cannot be opened, or the streams fail.
pub async fn serve_on<R, W>(opts: StdioOptions, read: R, write: W) -> Result<(), ServeError>
where
    R: tokio::io::AsyncRead + Send + Unpin + 'static,
    W: tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let workspace = match &opts.root {
        Some(root) => {
            if !root.is_dir() {
                return Err(ServeError::Io(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("--root {}: no such folder", root.display()),
                )));
            }
            let (root, today) = (root.clone(), opts.today);
            let live = tokio::task::spawn_blocking(move || Live::open(&root, today))
                .await
                .map_err(|e| ServeError::Io(std::io::Error::other(e.to_string())))??;
            Workspace::fixed_live(live)
        }
        None => Workspace::from_roots(opts.today),
    };
    let running = rmcp::ServiceExt::serve(Planmark::new(workspace), (read, write))
        .await
        .map_err(|e| ServeError::Io(std::io::Error::other(e.to_string())))?;
    running
        .waiting()
        .await
        .map_err(|e| ServeError::Io(std::io::Error::other(e.to_string())))?;
    Ok(())
}

/// The streamable HTTP endpoint of `planmark serve`, on its workspace.
pub(crate) fn http_service(
    app: Arc<App>,
    stop: tokio_util::sync::CancellationToken,
) -> rmcp::transport::StreamableHttpService<
    Planmark,
    rmcp::transport::streamable_http_server::session::local::LocalSessionManager,
> {
    let workspace = Workspace::fixed(app);
    // The server's own guard checks Host, Origin and the access token
    // before a request reaches this service.
    let config = rmcp::transport::StreamableHttpServerConfig::default()
        .disable_allowed_hosts()
        .with_cancellation_token(stop)
        .with_max_request_body_bytes(crate::BODY_LIMIT);
    rmcp::transport::StreamableHttpService::new(
        move || Ok(Planmark::new(workspace.clone())),
        Arc::default(),
        config,
    )
}

/// Where the workspace stands.
#[derive(Clone)]
enum State {
    /// No `--root`, and the client has not said its roots (or has none).
    Unknown,
    /// The client's roots were asked for.
    Asking,
    Open(Arc<App>),
    Failed(String),
}

/// The workspace a server works on, shared by its sessions.
#[derive(Clone)]
pub(crate) struct Workspace {
    /// Given (`--root`, or `planmark serve`'s): the client's roots are
    /// not asked for.
    fixed: bool,
    today: Option<jiff::civil::Date>,
    state: watch::Sender<State>,
    /// Keeps the watcher of a workspace opened here running.
    live: Arc<Mutex<Option<Live>>>,
}

/// How long a tool call waits for the client to say its roots.
const ROOTS_WAIT: Duration = Duration::from_secs(20);

impl Workspace {
    fn fixed(app: Arc<App>) -> Workspace {
        Workspace {
            fixed: true,
            today: app.today,
            state: watch::Sender::new(State::Open(app)),
            live: Arc::default(),
        }
    }

    fn fixed_live(live: Live) -> Workspace {
        let w = Workspace::fixed(live.app.clone());
        *w.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(live);
        w
    }

    fn from_roots(today: Option<jiff::civil::Date>) -> Workspace {
        Workspace {
            fixed: false,
            today,
            state: watch::Sender::new(State::Unknown),
            live: Arc::default(),
        }
    }

    /// The open workspace, waiting while the client's roots are asked for
    /// (and asking for them when no one has yet: a call may come before
    /// the handshake's end is handled).
    async fn app(&self, peer: &Peer<RoleServer>) -> Result<Arc<App>, String> {
        self.ask_roots(peer.clone(), false).await;
        let mut rx = self.state.subscribe();
        let waited =
            tokio::time::timeout(ROOTS_WAIT, rx.wait_for(|s| !matches!(s, State::Asking))).await;
        let state = match waited {
            Ok(Ok(s)) => s.clone(),
            _ => State::Asking,
        };
        match state {
            State::Open(app) => Ok(app),
            State::Failed(why) => Err(why),
            State::Asking => Err(
                "the client was asked for its roots and has not answered; start the server with `planmark mcp --root /path/to/project`".to_owned(),
            ),
            State::Unknown => Err(
                "planmark does not know which project to read: the client shared no roots. Start the server with `planmark mcp --root /path/to/project` (in the client's MCP settings), or use a client that shares its workspace roots.".to_owned(),
            ),
        }
    }

    /// Asks the client for its roots and opens the first folder among them.
    // Roots are what the handshake-era clients share (the 2026 revision
    // deprecates them), and the only way to learn the client's folder.
    #[allow(deprecated)]
    /// Only one asks at a time; `again` (the roots changed) asks even
    /// when they were known.
    async fn ask_roots(&self, peer: Peer<RoleServer>, again: bool) {
        if self.fixed {
            return;
        }
        let can = peer
            .peer_info()
            .is_some_and(|i| i.capabilities.roots.is_some());
        if !can {
            return;
        }
        let mine = self.state.send_if_modified(|s| {
            let ask = match s {
                State::Asking => false,
                State::Unknown => true,
                State::Open(_) | State::Failed(_) => again,
            };
            if ask {
                *s = State::Asking;
            }
            ask
        });
        if !mine {
            return;
        }
        let listed = peer.list_roots().await;
        let roots = match listed {
            Ok(r) => r.roots,
            Err(e) => {
                self.state
                    .send_replace(State::Failed(format!("the client's roots could not be read ({e}); start the server with `planmark mcp --root /path/to/project`")));
                return;
            }
        };
        let folder = roots.iter().find_map(|r| {
            let p = file_path(&r.uri)?;
            p.is_dir().then_some(p)
        });
        let Some(folder) = folder else {
            let listed: Vec<&str> = roots.iter().map(|r| r.uri.as_str()).collect();
            self.state.send_replace(State::Failed(format!(
                "none of the client's roots is a local folder ({}); start the server with `planmark mcp --root /path/to/project`",
                if listed.is_empty() { "it shared none".to_owned() } else { listed.join(", ") }
            )));
            return;
        };
        let open = self
            .live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|l| l.app.clone());
        if let Some(app) = open.filter(|a| a.root == folder) {
            self.state.send_replace(State::Open(app));
            return;
        }
        let today = self.today;
        let opened = tokio::task::spawn_blocking(move || {
            Live::open(&folder, today)
                .map_err(|e| format!("cannot open the project at {}: {e}", folder.display()))
        })
        .await;
        match opened {
            Ok(Ok(live)) => {
                let app = live.app.clone();
                *self
                    .live
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(live);
                self.state.send_replace(State::Open(app));
            }
            Ok(Err(why)) => {
                self.state.send_replace(State::Failed(why));
            }
            Err(e) => {
                self.state.send_replace(State::Failed(e.to_string()));
            }
        }
    }
}

/// The local path a `file://` URI names.
fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///home/x` or `file://localhost/home/x`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    Some(PathBuf::from(decode(rest)))
}

/// Undoes percent-encoding (`%20`); a malformed escape is kept as written.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes what a URI path cannot hold as is.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            use std::fmt::Write as _;
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

const PLAN_URI: &str = "planmark://plan/";
const TEMPLATE_URI: &str = "planmark://template/";

fn plan_uri(path: &str) -> String {
    format!("{PLAN_URI}{}", encode(path))
}

/// How the server introduces itself to the agent: what to call first.
const INSTRUCTIONS: &str = "planmark reads the project's Markdown plans. Start with `status`, then `next` for what to work on. \
Mark progress with `update` (status in_progress when you start, done when finished); ids are as `tasks` and `next` print them. \
`check` lists problems in the plans. Answers are short; ask `task` for one task in full.";

/// One MCP session's handler (stdio has one; HTTP one per client).
#[derive(Clone)]
pub struct Planmark {
    workspace: Workspace,
    /// The plans this session subscribed to, by URI.
    subscribed: Arc<Mutex<BTreeSet<String>>>,
    /// Whether the task that tells this session of changes runs.
    notifying: Arc<std::sync::atomic::AtomicBool>,
}

impl Planmark {
    fn new(workspace: Workspace) -> Planmark {
        Planmark {
            workspace,
            subscribed: Arc::default(),
            notifying: Arc::default(),
        }
    }

    /// Tells `peer` when a subscribed plan changes, until the session ends.
    fn notify(&self, app: &Arc<App>, peer: Peer<RoleServer>) {
        if self
            .notifying
            .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            return;
        }
        let mut rx = app.changes.subscribe();
        let subscribed = self.subscribed.clone();
        let notifying = self.notifying.clone();
        tokio::spawn(async move {
            loop {
                let paths: Vec<String> = match rx.recv().await {
                    Ok(paths) => paths.iter().map(|p| plan_uri(p)).collect(),
                    // Missed some: tell every subscriber rather than none.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => subscribed
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .iter()
                        .cloned()
                        .collect(),
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                };
                let due: Vec<String> = {
                    let s = subscribed
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    paths.into_iter().filter(|u| s.contains(u)).collect()
                };
                let mut gone = false;
                for uri in due {
                    #[allow(deprecated)]
                    let sent = peer
                        .notify_resource_updated(ResourceUpdatedNotificationParam::new(uri))
                        .await;
                    gone |= sent.is_err();
                }
                if gone || peer.is_transport_closed() {
                    break;
                }
            }
            notifying.store(false, std::sync::atomic::Ordering::SeqCst);
        });
    }
}

fn not_found(uri: &str, why: &str) -> ErrorData {
    ErrorData::resource_not_found(
        format!("{why}: {uri}"),
        Some(serde_json::json!({ "uri": uri })),
    )
}

/// A page of `items` from `cursor` (an offset), `size` at a time.
fn page<T: Clone>(
    items: &[T],
    request: Option<&PaginatedRequestParams>,
    size: usize,
) -> Result<(Vec<T>, Option<String>), ErrorData> {
    let from = match request.and_then(|r| r.cursor.as_deref()) {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .map_err(|_| ErrorData::invalid_params(format!("bad cursor `{c}`"), None))?,
    };
    let to = (from + size).min(items.len());
    let next = (to < items.len()).then(|| to.to_string());
    Ok((items.get(from..to).unwrap_or_default().to_vec(), next))
}

impl ServerHandler for Planmark {
    fn get_info(&self) -> InitializeResult {
        let capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .enable_resources_subscribe()
            .enable_prompts()
            .build();
        let mut info = InitializeResult::new(capabilities);
        info.server_info = Implementation::new("planmark", env!("CARGO_PKG_VERSION"));
        info.instructions = Some(INSTRUCTIONS.to_owned());
        info
    }

    /// The handshake-era revisions: the ones whose clients share their
    /// roots, which is how the server finds the project without `--root`.
    fn supported_protocol_versions(&self) -> std::borrow::Cow<'static, [ProtocolVersion]> {
        std::borrow::Cow::Borrowed(ProtocolVersion::known_up_to(&ProtocolVersion::V_2025_11_25))
    }

    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        let w = self.workspace.clone();
        tokio::spawn(async move { w.ask_roots(context.peer, false).await });
    }

    async fn on_roots_list_changed(&self, context: NotificationContext<RoleServer>) {
        let w = self.workspace.clone();
        tokio::spawn(async move { w.ask_roots(context.peer, true).await });
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::all().to_vec()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        tools::all().iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let args = request.arguments.unwrap_or_default();
        // Arguments are checked before the workspace is needed: a bad
        // call is the caller's to fix either way.
        let call = tools::parse(&name, args)?;
        let app = match self.workspace.app(&context.peer).await {
            Ok(app) => app,
            Err(why) => return Ok(tools::refused(why).into()),
        };
        let answer = tokio::task::spawn_blocking(move || tools::run(&app, call))
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        Ok(answer.into())
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let mut all: Vec<Resource> = prompts::TEMPLATES
            .iter()
            .map(|b| {
                Resource::new(
                    format!("{TEMPLATE_URI}{}", b.name()),
                    format!("{} template", b.name()),
                )
                .with_description(b.description())
                .with_mime_type("text/markdown")
            })
            .collect();
        if let Ok(app) = self.workspace.app(&context.peer).await {
            let snap = app.snapshot();
            for d in &snap.workspace().documents {
                let mut r = Resource::new(plan_uri(&d.path), d.path.clone())
                    .with_mime_type("text/markdown")
                    .with_size(d.source.len() as u64);
                if let Some(t) = &d.title {
                    r = r.with_title(t.clone());
                }
                all.push(r);
            }
        }
        let (resources, next) = page(&all, request.as_ref(), 200)?;
        let mut out = ListResourcesResult::with_all_items(resources);
        out.next_cursor = next;
        Ok(out)
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri;
        let text = if let Some(name) = uri.strip_prefix(TEMPLATE_URI) {
            prompts::TEMPLATES
                .iter()
                .find(|b| b.name() == name)
                .map(|b| b.text().to_owned())
                .ok_or_else(|| not_found(&uri, "no such template (session, guide)"))?
        } else if let Some(path) = uri.strip_prefix(PLAN_URI) {
            let path = decode(path);
            let app = self
                .workspace
                .app(&context.peer)
                .await
                .map_err(|why| ErrorData::invalid_request(why, None))?;
            let snap = app.snapshot();
            snap.workspace()
                .documents
                .iter()
                .find(|d| d.path == path)
                .map(|d| d.source.to_string())
                .ok_or_else(|| not_found(&uri, "no such plan in this workspace"))?
        } else {
            return Err(not_found(&uri, "not a planmark resource"));
        };
        Ok(ReadResourceResult::new(vec![
            ResourceContents::text(text, uri).with_mime_type("text/markdown"),
        ])
        .into())
    }

    #[allow(deprecated)]
    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let uri = request.uri;
        if uri.starts_with(TEMPLATE_URI) {
            // Built in: they never change while the server runs.
            return Ok(());
        }
        if !uri.starts_with(PLAN_URI) {
            return Err(not_found(&uri, "not a planmark resource"));
        }
        let app = self
            .workspace
            .app(&context.peer)
            .await
            .map_err(|why| ErrorData::invalid_request(why, None))?;
        self.subscribed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(uri);
        self.notify(&app, context.peer);
        Ok(())
    }

    #[allow(deprecated)]
    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.subscribed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&request.uri);
        Ok(())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(prompts::list()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        prompts::get(&request.name, request.arguments.as_ref()).map(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_name_local_folders() {
        assert_eq!(
            file_path("file:///home/a/b"),
            Some(PathBuf::from("/home/a/b"))
        );
        assert_eq!(
            file_path("file://localhost/home/a%20b"),
            Some(PathBuf::from("/home/a b"))
        );
        assert_eq!(file_path("https://example.com/x"), None);
        assert_eq!(file_path("file://server/share"), None);
    }

    #[test]
    fn plan_uris_round_trip() {
        for p in ["docs/plans/a.md", "my plans/ü #1.md", "a%b.md"] {
            let u = plan_uri(p);
            assert!(!u.contains(' ') && !u.contains('#'), "{u}");
            assert_eq!(decode(u.strip_prefix(PLAN_URI).unwrap()), p);
        }
    }

    #[test]
    fn pages_follow_their_cursor() {
        let items: Vec<u32> = (0..5).collect();
        let (a, next) = page(&items, None, 2).unwrap();
        assert_eq!((a, next.as_deref()), (vec![0, 1], Some("2")));
        let req = PaginatedRequestParams::default().with_cursor(Some("4".into()));
        let (b, next) = page(&items, Some(&req), 2).unwrap();
        assert_eq!((b, next), (vec![4], None));
        let bad = PaginatedRequestParams::default().with_cursor(Some("x".into()));
        assert!(page(&items, Some(&bad), 2).is_err());
    }
}
