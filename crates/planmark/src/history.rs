//! Progress over time, from the git history of the plan files.
//!
//! Every commit reachable from `HEAD` is read (each version of a plan is
//! parsed once, however many commits share it); the last commit of each day
//! gives that day's figures. Shallow clones give the history they have;
//! outside git there is none, and the caller is told so.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiff::civil::Date;
use serde::Serialize;

use crate::model::{Status, WorkTime};

/// Why there is no history.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The workspace is not inside a git repository.
    #[error("{0} is not in a git repository, so there is no history")]
    NotGit(String),
    /// The repository could not be read.
    #[error("cannot read the git history: {0}")]
    Git(String),
}

/// One day's figures, over all plans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Day {
    /// The day (of the commit's own time zone).
    pub date: Date,
    /// The last commit of the day.
    pub commit: String,
    /// Tasks, cancelled ones excluded.
    pub total: usize,
    /// Done.
    pub done: usize,
    /// In progress.
    pub in_progress: usize,
    /// Estimated working hours of the open tasks.
    pub remaining_hours: f64,
}

/// The history of a workspace's plans.
#[derive(Debug, Clone, Default, Serialize)]
pub struct History {
    /// One entry per day with a commit, oldest first.
    pub days: Vec<Day>,
    /// When each task was first seen done: `plan.md#1.2` → day.
    pub first_done: BTreeMap<String, Date>,
    /// Commits read.
    pub commits: usize,
    /// Whether the clone is shallow (older history is missing).
    pub shallow: bool,
}

/// What one version of a plan holds.
struct Version {
    total: usize,
    done: usize,
    in_progress: usize,
    remaining_hours: f64,
    done_ids: Vec<String>,
}

fn version(path: &str, bytes: &[u8], work: WorkTime) -> Version {
    let mut v = Version {
        total: 0,
        done: 0,
        in_progress: 0,
        remaining_hours: 0.0,
        done_ids: Vec::new(),
    };
    let Ok(doc) = crate::syntax::parse_bytes(path, bytes) else {
        return v;
    };
    for t in &doc.tasks {
        if t.status == Status::Cancelled {
            continue;
        }
        v.total += 1;
        match t.status {
            Status::Done => {
                v.done += 1;
                v.done_ids.push(t.id.clone());
            }
            Status::InProgress => v.in_progress += 1,
            _ => {}
        }
        if !t.status.is_closed()
            && let Some(e) = &t.estimate
        {
            v.remaining_hours += e.likely_hours(work);
        }
    }
    v
}

/// Reads the history of the plans `paths` (relative to `root`, `/`
/// separated) from the git repository around `root`.
///
/// # Errors
///
/// Returns [`HistoryError::NotGit`] outside git, [`HistoryError::Git`] when
/// the repository cannot be read.
pub fn read(root: &Path, paths: &[String], work: WorkTime) -> Result<History, HistoryError> {
    let git = |e: &dyn std::fmt::Display| HistoryError::Git(e.to_string());
    let repo = gix::discover(root).map_err(|_| HistoryError::NotGit(root.display().to_string()))?;
    let shallow = repo.is_shallow().unwrap_or(false);
    let mut history = History {
        days: Vec::new(),
        first_done: BTreeMap::new(),
        commits: 0,
        shallow,
    };
    let Ok(head) = repo.head_commit() else {
        // No commits yet.
        return Ok(history);
    };
    // The plans' paths inside the repository.
    let workdir = repo
        .workdir()
        .map(|w| w.canonicalize().unwrap_or_else(|_| w.to_path_buf()));
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let prefix = workdir
        .as_deref()
        .and_then(|w| root.strip_prefix(w).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let in_repo: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let full = if prefix.is_empty() {
                p.clone()
            } else {
                format!("{prefix}/{p}")
            };
            (p.clone(), full)
        })
        .collect();
    let walk = repo.rev_walk([head.id]).all().map_err(|e| git(&e))?;
    let mut cache: HashMap<gix::ObjectId, Version> = HashMap::new();
    // (time, date, commit, per-plan blob ids)
    let mut points: Vec<(i64, Date, String, Vec<Option<gix::ObjectId>>)> = Vec::new();
    for info in walk {
        let Ok(info) = info else {
            // A shallow boundary or a missing object: the history ends here.
            history.shallow = true;
            break;
        };
        let commit = repo.find_commit(info.id).map_err(|e| git(&e))?;
        let Ok(time) = commit.time() else { continue };
        let tree = commit.tree().map_err(|e| git(&e))?;
        let mut blobs = Vec::with_capacity(in_repo.len());
        for (rel, full) in &in_repo {
            let entry = tree.lookup_entry_by_path(full).map_err(|e| git(&e))?;
            let id = entry.map(|e| e.object_id());
            if let Some(id) = id
                && !cache.contains_key(&id)
            {
                let blob = repo.find_blob(id).map_err(|e| git(&e))?;
                cache.insert(id, version(rel, &blob.data, work));
            }
            blobs.push(id);
        }
        let offset = jiff::tz::Offset::from_seconds(time.offset).unwrap_or(jiff::tz::Offset::UTC);
        let date = jiff::Timestamp::from_second(time.seconds)
            .map(|ts| ts.to_zoned(jiff::tz::TimeZone::fixed(offset)).date())
            .map_err(|e| git(&e))?;
        points.push((time.seconds, date, info.id.to_string(), blobs));
        history.commits += 1;
    }
    points.sort_by_key(|p| p.0);
    for (_, date, commit, blobs) in &points {
        let mut day = Day {
            date: *date,
            commit: commit.clone(),
            total: 0,
            done: 0,
            in_progress: 0,
            remaining_hours: 0.0,
        };
        for ((rel, _), id) in in_repo.iter().zip(blobs) {
            let Some(v) = id.and_then(|id| cache.get(&id)) else {
                continue;
            };
            day.total += v.total;
            day.done += v.done;
            day.in_progress += v.in_progress;
            day.remaining_hours += v.remaining_hours;
            for t in &v.done_ids {
                history
                    .first_done
                    .entry(format!("{rel}#{t}"))
                    .or_insert(*date);
            }
        }
        // The last commit of a day stands for the day.
        match history.days.last_mut() {
            Some(last) if last.date == *date => *last = day,
            _ => history.days.push(day),
        }
    }
    Ok(history)
}
