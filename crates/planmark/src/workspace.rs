//! Finding and reading the plan files of a workspace.
//!
//! This is the library's only module that touches the file system for plans.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::model::{Document, DocumentKind, Workspace};

/// Why a workspace could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A path given on the command line does not exist.
    #[error("{0}: no such file or folder")]
    NotFound(PathBuf),
    /// `planmark.toml` could not be read.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// A glob in `planmark.toml` is invalid.
    #[error("invalid glob in planmark.toml: {0}")]
    Glob(String),
}

/// One file as read: its plan (shared), or why it could not be read.
pub(crate) type Read = Result<Arc<Document>, Box<crate::diag::Diagnostic>>;

/// Per task and dependency of a plan, a new `resolved` flag.
type Flips = Vec<(usize, usize, bool)>;

/// Finds the workspace root for `start`: the nearest folder with
/// `planmark.toml`, else the git root, else `start` itself.
#[must_use]
pub fn find_root(start: &Path) -> PathBuf {
    let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
    if let Some(d) = start
        .ancestors()
        .find(|d| d.join(config::FILE_NAME).is_file())
    {
        return d.to_path_buf();
    }
    if let Some(d) = start.ancestors().find(|d| d.join(".git").exists()) {
        return d.to_path_buf();
    }
    start
}

fn is_markdown(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown" | "mdx"))
}

/// Whether a document has anything a plan has; files found by walking a
/// folder that have none (a README, a changelog) are left out.
pub(crate) fn is_plan(d: &Document) -> bool {
    d.kind != DocumentKind::Generic
        || !d.tasks.is_empty()
        || !d.milestones.is_empty()
        || !d.risks.is_empty()
        || !d.actions.is_empty()
}

/// Lists the Markdown files under `dir`, honouring `.gitignore` and the
/// configured globs. The workspace's `templates/` folder is never a plan.
/// The `plans` globs apply to the whole workspace; a folder named on the
/// command line is read whole (less the excludes).
fn walk(root: &Path, dir: &Path, config: &Config, whole: bool) -> Result<Vec<PathBuf>, LoadError> {
    let mut ob = ignore::overrides::OverrideBuilder::new(root);
    if whole {
        for g in &config.workspace.plans {
            ob.add(g).map_err(|e| LoadError::Glob(e.to_string()))?;
        }
    }
    for g in config.workspace.exclude.iter().map(String::as_str).chain([
        "templates/**",
        "node_modules/**",
        "target/**",
    ]) {
        ob.add(&format!("!{g}"))
            .map_err(|e| LoadError::Glob(e.to_string()))?;
    }
    let overrides = ob.build().map_err(|e| LoadError::Glob(e.to_string()))?;
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .overrides(overrides)
        .require_git(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()) && is_markdown(e.path()))
        .map(ignore::DirEntry::into_path)
        .collect();
    files.sort();
    Ok(files)
}

/// Returns `path` relative to `root` with `/` separators.
#[must_use]
pub fn relative(root: &Path, path: &Path) -> String {
    let p = path.strip_prefix(root).unwrap_or(path);
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map_or(s.clone(), str::to_owned)
}

/// Loads the documents named by `paths` (files or folders; none means the
/// whole workspace) relative to `root`.
///
/// Files given by name are always read; files found by walking a folder are
/// kept when they contain planning structure. Files that cannot be read
/// become findings in [`Workspace::findings`]; the rest is still loaded.
///
/// # Errors
///
/// Returns an error when a named path does not exist or the configuration is invalid.
pub fn load(root: &Path, paths: &[PathBuf], config: &Config) -> Result<Workspace, LoadError> {
    let jobs = files(root, paths, config)?;
    let results: Vec<(Read, bool)> = jobs
        .par_iter()
        .map(|(p, explicit)| (read_plan(root, p, config).map(Arc::new), *explicit))
        .collect();
    Ok(assemble(root, results))
}

/// The files `paths` name (files or folders; none means the whole
/// workspace), each with whether it was named itself (and so is read even
/// when it holds no plan).
pub(crate) fn files(
    root: &Path,
    paths: &[PathBuf],
    config: &Config,
) -> Result<Vec<(PathBuf, bool)>, LoadError> {
    let mut named = Vec::new();
    let mut walked = Vec::new();
    if paths.is_empty() {
        walked = walk(root, root, config, true)?;
    }
    for p in paths {
        if p.is_dir() {
            walked.extend(walk(root, p, config, false)?);
        } else if p.is_file() {
            named.push(p.clone());
        } else {
            return Err(LoadError::NotFound(p.clone()));
        }
    }
    Ok(named
        .into_iter()
        .map(|p| (p, true))
        .chain(walked.into_iter().map(|p| (p, false)))
        .collect())
}

/// Reads and parses one plan file as the workspace reads it: its path
/// relative to `root`, the reading options and estimate mapping of `config`.
pub(crate) fn read_plan(
    root: &Path,
    p: &Path,
    config: &Config,
) -> Result<Document, Box<crate::diag::Diagnostic>> {
    let rel = relative(root, p);
    let mut d = read(p, &rel, &config.read)?;
    config.estimates.apply(&mut d);
    Ok(d)
}

/// Reads and parses one file; a file over the size limit is refused
/// before it is read.
fn read(
    p: &Path,
    rel: &str,
    opts: &crate::syntax::ReadOptions,
) -> Result<Document, Box<crate::diag::Diagnostic>> {
    use crate::diag::{Code, Diagnostic, Severity};
    let cannot = |e: std::io::Error| {
        Box::new(Diagnostic::new(
            Code::NotText,
            Severity::Error,
            rel,
            None,
            format!("cannot read file: {e}"),
        ))
    };
    let size = std::fs::metadata(p).map_err(cannot)?.len();
    if size > crate::syntax::MAX_FILE_SIZE as u64 {
        return Err(Box::new(
            Diagnostic::new(
                Code::TooLarge,
                Severity::Error,
                rel,
                None,
                format!(
                    "file is {} MiB, more than the {} MiB a plan may be",
                    size >> 20,
                    crate::syntax::MAX_FILE_SIZE >> 20
                ),
            )
            .with_help("split the plan into several documents"),
        ));
    }
    let bytes = std::fs::read(p).map_err(cannot)?;
    crate::syntax::parse_bytes_with(rel, &bytes, opts)
}

/// Keeps the documents that are plans (and every named file), sorted, with
/// cross-document dependencies resolved.
pub(crate) fn assemble(root: &Path, results: Vec<(Read, bool)>) -> Workspace {
    let mut ws = Workspace {
        root: root.display().to_string(),
        ..Workspace::default()
    };
    let mut seen = std::collections::HashSet::new();
    for (r, explicit) in results {
        match r {
            Ok(doc) if explicit || is_plan(&doc) => {
                if seen.insert(doc.path.clone()) {
                    ws.documents.push(doc);
                }
            }
            Ok(_) => {}
            Err(d) => ws.findings.push(*d),
        }
    }
    ws.documents.sort_by(|a, b| a.path.cmp(&b.path));
    resolve_cross_document(&mut ws);
    ws
}

/// Marks `other-doc#1.2` and `path/to/doc.md#1.2` dependencies as resolved
/// when that document and task exist.
pub fn resolve_cross_document(ws: &mut Workspace) {
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, d) in ws.documents.iter().enumerate() {
        index.insert(d.path.clone(), i);
        let stem = Path::new(&d.path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        index.entry(stem).or_insert(i);
    }
    let mut ids: rustc_hash::FxHashMap<usize, rustc_hash::FxHashSet<&str>> =
        rustc_hash::FxHashMap::default();
    // Per plan, the new flags of its cross-plan dependencies, by
    // (task, dependency); a plan is changed (and, when shared, copied)
    // only when one differs.
    let mut updates: Vec<(usize, Flips)> = Vec::new();
    for (di, d) in ws.documents.iter().enumerate() {
        let mut flips = Vec::new();
        for (ti, t) in d.tasks.iter().enumerate() {
            for (k, dep) in t.dependencies.iter().enumerate() {
                if let Some((doc, id)) = dep.target.split_once('#')
                    && let Some(&i) = index.get(doc.trim())
                {
                    let resolved = ids
                        .entry(i)
                        .or_insert_with(|| {
                            ws.documents[i]
                                .tasks
                                .iter()
                                .map(|t| t.id.as_str())
                                .collect()
                        })
                        .contains(id.trim());
                    if resolved != dep.resolved {
                        flips.push((ti, k, resolved));
                    }
                }
            }
        }
        if !flips.is_empty() {
            updates.push((di, flips));
        }
    }
    for (di, flips) in updates {
        let d = Arc::make_mut(&mut ws.documents[di]);
        for (ti, k, resolved) in flips {
            d.tasks[ti].dependencies[k].resolved = resolved;
        }
    }
}
