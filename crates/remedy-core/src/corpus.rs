//! Finding guide files under the content root and the paths a user names.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

use thiserror::Error;
use walkdir::WalkDir;

use crate::source::describe_io;

/// A path the user named that does not exist: a usage error, not a finding.
#[derive(Debug, Error)]
#[error("{}: no such file or folder; check the path (the content root is set by `content` in remedy.toml)", .path.display())]
pub struct MissingPath {
    /// The path as given.
    pub path: PathBuf,
}

/// Something under a folder that could not be walked: an unreadable folder, a broken link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    /// The path at fault.
    pub path: PathBuf,
    /// What went wrong, in words.
    pub message: String,
}

/// The guide files found, and what could not be walked.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Guide files, sorted, each once.
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked.
    pub problems: Vec<WalkProblem>,
}

/// Whether a path names a guide file by its extension.
pub fn is_guide_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|name| name.starts_with('.') && name != "." && name != "..")
}

/// Finds guide files. A named file is taken whatever its extension (the user asked for it); a
/// folder is walked for `*.yaml` and `*.yml`, skipping hidden folders and files, following
/// symbolic links but never around a loop.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, MissingPath> {
    let mut discovery = Discovery::default();
    // Identity → index in `files`. A file reached by several paths (a link, a loop through a
    // link that leaves the folder) is named by its shortest path, not by whichever the walk met
    // first: `content/a.yaml`, never `content/up/content/a.yaml`.
    let mut seen: HashMap<FileKey, usize> = HashMap::new();
    let mut add = |files: &mut Vec<PathBuf>, path: PathBuf| match seen.entry(file_key(&path)) {
        Entry::Vacant(slot) => {
            slot.insert(files.len());
            files.push(path);
        }
        Entry::Occupied(slot) => {
            let kept = &mut files[*slot.get()];
            if path.components().count() < kept.components().count() {
                *kept = path;
            }
        }
    };
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|_| MissingPath { path: path.clone() })?;
        if !metadata.is_dir() {
            add(&mut discovery.files, path.clone());
            continue;
        }
        let walker = WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_file() && is_guide_file(entry.path()) {
                        add(&mut discovery.files, entry.into_path());
                    }
                }
                Err(error) => {
                    // A loop is walked once and then left: nothing is missing, nothing to say.
                    if error.loop_ancestor().is_some() {
                        continue;
                    }
                    let Some(at) = error.path().map(Path::to_path_buf) else {
                        continue;
                    };
                    let message = match error.io_error() {
                        Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
                            "a symbolic link that points nowhere; fix or remove the link".to_owned()
                        }
                        Some(io) => format!("cannot read: {}", describe_io(io)),
                        None => "cannot be walked".to_owned(),
                    };
                    if is_guide_file(&at) || at.is_dir() || std::fs::symlink_metadata(&at).is_ok() {
                        discovery.problems.push(WalkProblem { path: at, message });
                    }
                }
            }
        }
    }
    discovery.files.sort();
    // The same broken link met through a loop is one problem, named by its shortest path.
    let mut problems: HashMap<PathBuf, WalkProblem> = HashMap::new();
    for problem in std::mem::take(&mut discovery.problems) {
        match problems.entry(link_identity(&problem.path)) {
            Entry::Vacant(slot) => {
                slot.insert(problem);
            }
            Entry::Occupied(mut slot) => {
                if problem.path.components().count() < slot.get().path.components().count() {
                    slot.insert(problem);
                }
            }
        }
    }
    discovery.problems = problems.into_values().collect();
    discovery
        .problems
        .sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.message.cmp(&b.message)));
    Ok(discovery)
}

/// What makes two paths the same file.
#[derive(Debug, PartialEq, Eq, Hash)]
enum FileKey {
    /// Device and inode: one `stat`, where resolving every link of the path costs a system
    /// call per folder on the way (a tenth of a lint run's time on a large corpus).
    #[cfg(unix)]
    Inode(u64, u64),
    /// The path with every link resolved.
    Path(PathBuf),
}

#[cfg(unix)]
fn file_key(path: &Path) -> FileKey {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(path) {
        Ok(metadata) => FileKey::Inode(metadata.dev(), metadata.ino()),
        Err(_) => FileKey::Path(identity(path)),
    }
}

#[cfg(not(unix))]
fn file_key(path: &Path) -> FileKey {
    FileKey::Path(identity(path))
}

/// A link's own identity (its folder resolved, its name kept), since the link itself may not
/// resolve.
fn link_identity(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => identity(parent).join(name),
        _ => identity(path),
    }
}

/// The same file reached twice (by a link, or named and also under a named folder) is read once.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
