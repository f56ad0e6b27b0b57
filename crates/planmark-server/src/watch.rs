//! Watching the workspace: files that change on disk (an editor's save,
//! `planmark done`, an agent) are re-read, and open pages are told.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher as _};

use crate::App;

/// How long to wait for more events after one: an editor's save is often
/// several (write, rename, attributes), and a burst is read once.
const SETTLE: Duration = Duration::from_millis(40);

/// What to read again after a burst of events.
enum Work {
    Files(Vec<PathBuf>),
    /// A folder appeared: watch it, and look for plans in it.
    Folder(PathBuf),
    Everything,
}

/// A watcher shared with the thread that adds the folders that appear.
pub(crate) type Shared = Arc<std::sync::Mutex<notify::RecommendedWatcher>>;

/// Watches `root` and the folders under it: the workspace's, less what
/// git ignores and the folders never read (a `target/` or `node_modules/`
/// can hold tens of thousands, each a watch the system counts). Each
/// folder is watched as the walk reaches it, before its own entries are
/// listed, so that a folder made meanwhile is either listed or reported.
fn watch_all(w: &Shared, root: &Path) {
    let walk = ignore::WalkBuilder::new(root)
        .require_git(false)
        .filter_entry(|e| !skipped(e.path()))
        .build();
    for e in walk.filter_map(Result::ok) {
        if e.file_type().is_some_and(|t| t.is_dir()) {
            let _ = w
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .watch(e.path(), RecursiveMode::NonRecursive);
        }
    }
}

/// Starts watching; the watcher stops when the returned value is dropped.
pub(crate) fn start(app: Arc<App>) -> Result<Shared, notify::Error> {
    let (tx, rx) = mpsc::channel::<Work>();
    let watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        let work = match ev {
            Ok(e) if e.need_rescan() => Work::Everything,
            Ok(e) => {
                if matches!(e.kind, EventKind::Access(_)) {
                    return;
                }
                if matches!(e.kind, EventKind::Create(_)) {
                    for p in e.paths.iter().filter(|p| p.is_dir() && !skipped(p)) {
                        let _ = tx.send(Work::Folder(p.clone()));
                    }
                }
                let files: Vec<PathBuf> = e.paths.into_iter().filter(|p| relevant(p)).collect();
                if files.is_empty() {
                    return;
                }
                Work::Files(files)
            }
            Err(_) => Work::Everything,
        };
        let _ = tx.send(work);
    })?;
    let shared: Shared = Arc::new(std::sync::Mutex::new(watcher));
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .watch(&app.root, RecursiveMode::NonRecursive)?;
    watch_all(&shared, &app.root);
    let adder = shared.clone();
    std::thread::Builder::new()
        .name("planmark-watch".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut all = false;
                let mut files = Vec::new();
                let mut take = |w: Work| match w {
                    Work::Everything => all = true,
                    Work::Files(f) => files.extend(f),
                    Work::Folder(f) => {
                        // Plans may have come with it (a checkout, a copy).
                        watch_all(&adder, &f);
                        all = true;
                    }
                };
                take(first);
                while let Ok(w) = rx.recv_timeout(SETTLE) {
                    take(w);
                }
                files.sort();
                files.dedup();
                let config = files.iter().any(|f| {
                    f.file_name()
                        .is_some_and(|n| n == planmark::config::FILE_NAME)
                });
                if config {
                    app.reopen();
                } else if all {
                    app.refresh(&[]);
                } else {
                    app.refresh(&files);
                }
            }
        })
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    Ok(shared)
}

/// Folders never read for plans.
fn skipped(p: &Path) -> bool {
    p.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some(".git" | "target" | "node_modules")
        )
    })
}

/// Whether a changed file can change what the server shows: a Markdown
/// file outside the folders never read, or the configuration.
fn relevant(p: &Path) -> bool {
    if skipped(p) {
        return false;
    }
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name == planmark::config::FILE_NAME
        || Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown" | "mdx"))
}
