//! The one write path: a plan file is changed under an advisory lock (on
//! its folder), the change is re-applied to the text on disk by the
//! identity of the tasks it touches, and the new text replaces the file
//! atomically.
//!
//! Writers that take the lock (every planmark process, the web UI, the
//! agent server) are serialised per file. A writer that does not (a
//! person's editor) is noticed by content: planmark re-reads the file under
//! the lock, and on Linux swaps its new file in with `RENAME_EXCHANGE`,
//! so that what it replaced can be compared with what it read. A change
//! made outside is re-applied on, or the edit refused; it is never
//! overwritten.

use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::EditError;
use crate::model::Document;

/// How long an edit waits for another writer of the same file.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// How many times a write is redone because the file changed under it
/// (only writers that do not take the lock can cause that).
const MAX_RETRIES: usize = 8;

/// An exclusive advisory lock for writing a plan file, held until dropped.
///
/// The lock is the kernel's (`flock`), taken on the folder that holds the
/// plan: planmark writers of the plans of one folder take turns. A lock on
/// the plan file itself would not hold: a write replaces the file, and a
/// writer that arrives after an editor has saved would lock the new file
/// while another still holds the old one. Locking the folder needs no lock
/// file beside the plans, and the operating system releases it when the
/// process ends, however it ends. Where a folder cannot be locked (some
/// systems cannot open one), the plan file is locked instead.
#[derive(Debug)]
pub struct PlanLock {
    _held: File,
}

impl PlanLock {
    /// Locks for writing the plan file at `path`, waiting at most `wait`
    /// for another writer.
    ///
    /// # Errors
    ///
    /// [`EditError::Locked`] when the wait runs out, [`EditError::Io`] when
    /// the file or its folder cannot be opened or locked.
    pub fn acquire(path: &Path, wait: Duration) -> Result<PlanLock, EditError> {
        let io = |source| EditError::Io {
            path: path.display().to_string(),
            source,
        };
        let target = File::open(folder(path))
            .or_else(|_| File::open(path))
            .map_err(io)?;
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(1);
        loop {
            match target.try_lock() {
                Ok(()) => return Ok(PlanLock { _held: target }),
                Err(TryLockError::WouldBlock) => {
                    if Instant::now() >= deadline {
                        return Err(EditError::Locked {
                            path: path.display().to_string(),
                            waited: wait,
                        });
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
    }

    /// The plan's bytes, read under the lock (taking the lock as an
    /// argument is what says it is held).
    #[allow(clippy::unused_self)]
    fn read(&self, path: &Path) -> Result<Vec<u8>, EditError> {
        std::fs::read(path).map_err(|source| EditError::Io {
            path: path.display().to_string(),
            source,
        })
    }
}

/// The folder of `path` (`.` for a bare file name).
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Computes a plan's new text from the plan and the indices of the tasks
/// an edit touches: what [`commit`] re-applies.
pub type Make<'a> = dyn Fn(&Document, &[usize]) -> Result<String, EditError> + 'a;

/// Changes the plan file `file`, read earlier as `doc`, under the lock.
///
/// `new` is the new text computed from `doc`; `make` computes it from a
/// document and the indices of the tasks the change touches (`tasks`,
/// indices into `doc.tasks`). When the file still holds `doc`'s text, `new`
/// is written. When it changed (an
/// edit of other tasks landed in between, or someone saved the file), the
/// file is read again under the lock, each touched task is found by its id
/// and must still have its own text unchanged, and `make` runs on the new
/// document: edits to different tasks all land. Returns the text written.
///
/// # Errors
///
/// [`EditError::TaskChanged`] or [`EditError::TaskGone`] when a touched
/// task changed since it was read; [`EditError::Locked`] when another
/// writer holds the file too long; what `make` returns; I/O errors. Nothing
/// is written then.
pub fn commit(
    file: &Path,
    doc: &Document,
    tasks: &[usize],
    new: &str,
    make: &Make<'_>,
) -> Result<String, EditError> {
    let lock = PlanLock::acquire(file, LOCK_WAIT)?;
    let on_disk = lock.read(file)?;
    let compute = |base: &[u8]| -> Result<String, EditError> {
        if base == doc.source.as_bytes() {
            return Ok(new.to_owned());
        }
        let text = std::str::from_utf8(base).map_err(|_| EditError::Changed {
            path: file.display().to_string(),
        })?;
        let now = crate::syntax::parse_str(&doc.path, text);
        let found = rebase(doc, tasks, &now)?;
        make(&now, &found)
    };
    let written = replace_with(file, on_disk, &compute)?;
    drop(lock);
    Ok(written)
}

/// Replaces the file at `path` with `new`, provided it still holds
/// `expected`, under the lock. The write is atomic: readers see the old file
/// or the new one, never a mix, and the file keeps its permissions.
///
/// # Errors
///
/// Returns [`EditError::Changed`] when the file no longer holds `expected`,
/// [`EditError::Locked`] when another writer holds it too long, and
/// [`EditError::Io`] when it cannot be read or written.
pub fn write_if_unchanged(path: &Path, expected: &[u8], new: &[u8]) -> Result<(), EditError> {
    let lock = PlanLock::acquire(path, LOCK_WAIT)?;
    let on_disk = lock.read(path)?;
    let changed = || EditError::Changed {
        path: path.display().to_string(),
    };
    if on_disk != expected {
        return Err(changed());
    }
    let new_text = std::str::from_utf8(new).map_err(|_| EditError::Io {
        path: path.display().to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "the new text is not UTF-8"),
    })?;
    replace_with(path, on_disk, &|base: &[u8]| {
        if base == expected {
            Ok(new_text.to_owned())
        } else {
            Err(changed())
        }
    })?;
    drop(lock);
    Ok(())
}

/// Finds the tasks `tasks` of `before` in `now`, by id and own text.
fn rebase(before: &Document, tasks: &[usize], now: &Document) -> Result<Vec<usize>, EditError> {
    let own = |d: &Document, i: usize| {
        let s = d.tasks[i].origin.span;
        d.source.get(s.start..s.end).unwrap_or("").to_owned()
    };
    tasks
        .iter()
        .map(|&ti| {
            let t = &before.tasks[ti];
            let Some(j) = now.tasks.iter().position(|x| x.id == t.id) else {
                return Err(EditError::TaskGone {
                    path: before.path.clone(),
                    id: t.id.clone(),
                });
            };
            let (was, is) = (own(before, ti), own(now, j));
            if was != is {
                return Err(EditError::TaskChanged {
                    path: before.path.clone(),
                    line: now.tasks[j].origin.span.line,
                    id: t.id.clone(),
                    was: first_line(&was),
                    now: first_line(&is),
                });
            }
            Ok(j)
        })
        .collect()
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_owned()
}

/// Writes what `compute` makes of the file's text (`on_disk`, read under
/// the lock) and swaps it in. When the file turns out to have changed
/// underneath (a writer that does not take the lock), `compute` runs again
/// on the text found, and what was found is never lost: it is either the
/// base of the text written, or put back.
fn replace_with(
    path: &Path,
    on_disk: Vec<u8>,
    compute: &dyn Fn(&[u8]) -> Result<String, EditError>,
) -> Result<String, EditError> {
    let shown = || path.display().to_string();
    let io = |source| EditError::Io {
        path: shown(),
        source,
    };
    let dir = folder(path);
    let permissions = std::fs::metadata(path).map_err(io)?.permissions();
    // What the file holds now, and the text to build on.
    let mut holds = on_disk;
    let mut base = holds.clone();
    // Text found under a swap that is not in the file any more: put back
    // unless what is written next builds on it.
    let mut set_aside: Option<tempfile::TempPath> = None;
    for _ in 0..MAX_RETRIES {
        let new = match compute(&base) {
            Ok(n) => n,
            Err(e) => {
                if let Some(theirs) = set_aside.take() {
                    put_back(&theirs, path, &holds);
                }
                return Err(e);
            }
        };
        if new.as_bytes() == holds {
            return Ok(new);
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(".planmark-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io)?;
        tmp.write_all(new.as_bytes()).map_err(io)?;
        tmp.as_file()
            .set_permissions(permissions.clone())
            .map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        let tmp = tmp.into_temp_path();
        match swap(&tmp, path) {
            Ok(true) => {
                // `tmp` now names what the file held: it must be what we built on.
                let was = std::fs::read(&tmp).map_err(io)?;
                sync_dir(dir);
                if was == holds {
                    return Ok(new);
                }
                // Written by someone else after we read it: build on that.
                // What we swapped in goes if the next round fails.
                set_aside = Some(tmp);
                holds = new.into_bytes();
                base = was;
            }
            Ok(false) => {
                // No swap on this system: look once more, then rename.
                let now = std::fs::read(path).map_err(io)?;
                if now != holds {
                    holds.clone_from(&now);
                    base = now;
                    continue;
                }
                tmp.persist(path).map_err(|e| io(e.error))?;
                sync_dir(dir);
                return Ok(new);
            }
            Err(e) => return Err(io(e)),
        }
    }
    if let Some(theirs) = set_aside.take() {
        put_back(&theirs, path, &holds);
    }
    Err(EditError::Changed { path: shown() })
}

/// Exchanges `tmp` and `path` atomically. `Ok(false)` when the system or
/// file system cannot.
#[cfg(target_os = "linux")]
fn swap(tmp: &Path, path: &Path) -> std::io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, tmp, CWD, path, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e)
            if e == rustix::io::Errno::INVAL
                || e == rustix::io::Errno::NOSYS
                || e == rustix::io::Errno::NOTSUP =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn swap(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Puts text set aside by a swap back in place of `ours`, what was swapped
/// in. When what comes out is not `ours`, someone saved after us: their
/// newer file goes back in place, and the older one set aside is dropped.
fn put_back(theirs: &Path, path: &Path, ours: &[u8]) {
    match swap(theirs, path) {
        Ok(true) => {
            if std::fs::read(theirs).is_ok_and(|out| out != ours) {
                let _ = swap(theirs, path);
            }
        }
        _ => {
            // Leave it where it is; the temporary path is removed on drop, so
            // keep a copy next to the plan.
            let keep = path.with_extension("md.planmark-conflict");
            let _ = std::fs::copy(theirs, keep);
        }
    }
}

/// Makes a rename durable where the platform allows it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(text: &str) -> (tempfile::TempDir, std::path::PathBuf, Document) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.md");
        std::fs::write(&path, text).unwrap();
        let doc = crate::syntax::parse_str("plan.md", text);
        (dir, path, doc)
    }

    fn done(d: &Document, found: &[usize]) -> Result<String, EditError> {
        super::super::set_statuses(d, found, crate::model::Status::Done, None)
    }

    #[test]
    fn an_edit_is_reapplied_on_the_file_as_it_is_now() {
        let (_dir, path, doc) = setup("## Tasks\n\n- [ ] T1: one\n- [ ] T2: two\n");
        // Someone else marks T2 after `doc` was read.
        std::fs::write(&path, "## Tasks\n\n- [ ] T1: one\n- [x] T2: two\n").unwrap();
        let t1 = doc.tasks.iter().position(|t| t.id == "T1").unwrap();
        let new = done(&doc, &[t1]).unwrap();
        let written = commit(&path, &doc, &[t1], &new, &done).unwrap();
        assert_eq!(written, "## Tasks\n\n- [x] T1: one\n- [x] T2: two\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    }

    #[test]
    fn an_edit_of_a_task_changed_meanwhile_is_refused() {
        let (_dir, path, doc) = setup("## Tasks\n\n- [ ] T1: one\n- [ ] T2: two\n");
        let changed = "## Tasks\n\n- [ ] T1: one, renamed\n- [ ] T2: two\n";
        std::fs::write(&path, changed).unwrap();
        let new = done(&doc, &[0]).unwrap();
        let e = commit(&path, &doc, &[0], &new, &done).unwrap_err();
        assert!(
            e.to_string()
                .contains("task `T1` changed since it was read (was `- [ ] T1: one`, now `- [ ] T1: one, renamed`)"),
            "{e}"
        );
        std::fs::write(&path, "## Tasks\n\n- [ ] T2: two\n").unwrap();
        let new = done(&doc, &[0]).unwrap();
        let e = commit(&path, &doc, &[0], &new, &done).unwrap_err();
        assert!(
            e.to_string().contains("task `T1` is no longer in the plan"),
            "{e}"
        );
        // Nothing was written, nothing left behind.
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "## Tasks\n\n- [ ] T2: two\n"
        );
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn a_held_lock_makes_a_writer_wait_then_give_up() {
        let (_dir, path, _) = setup("- [ ] a\n");
        let held = PlanLock::acquire(&path, LOCK_WAIT).unwrap();
        let started = Instant::now();
        let e = PlanLock::acquire(&path, Duration::from_millis(60)).unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(60));
        assert!(
            e.to_string()
                .contains("is being written by another process"),
            "{e}"
        );
        drop(held);
        PlanLock::acquire(&path, Duration::from_millis(60)).unwrap();
    }

    #[test]
    fn writes_only_when_the_file_is_unchanged() {
        let (dir, p, _) = setup("- [ ] a\n");
        write_if_unchanged(&p, b"- [ ] a\n", b"- [x] a\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "- [x] a\n");
        let e = write_if_unchanged(&p, b"- [ ] a\n", b"- [-] a\n").unwrap_err();
        assert!(
            e.to_string().contains("plan.md changed since it was read"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "- [x] a\n");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
