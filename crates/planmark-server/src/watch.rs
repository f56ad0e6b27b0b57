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
    Everything,
}

/// Starts watching; the watcher stops when the returned value is dropped.
pub(crate) fn start(app: Arc<App>) -> Result<notify::RecommendedWatcher, notify::Error> {
    let (tx, rx) = mpsc::channel::<Work>();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        let work = match ev {
            Ok(e) if e.need_rescan() => Work::Everything,
            Ok(e) => {
                if matches!(e.kind, EventKind::Access(_)) {
                    return;
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
    watcher.watch(&app.root, RecursiveMode::Recursive)?;
    std::thread::Builder::new()
        .name("planmark-watch".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut all = false;
                let mut files = Vec::new();
                let mut take = |w: Work| match w {
                    Work::Everything => all = true,
                    Work::Files(f) => files.extend(f),
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
    Ok(watcher)
}

/// Whether a changed file can change what the server shows: a Markdown
/// file outside the folders never read, or the configuration.
fn relevant(p: &Path) -> bool {
    let skipped = p.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some(".git" | "target" | "node_modules")
        )
    });
    if skipped {
        return false;
    }
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name == planmark::config::FILE_NAME
        || Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown" | "mdx"))
}
