//! Finding guide files under the content root and the paths a user names.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use thiserror::Error;

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
    /// What the walk's own `stat` of each file said, beside `files` (`None` where it failed,
    /// or off Unix): a cache can trust an unchanged file by it without reading the file.
    pub stats: Vec<Option<FileStat>>,
    /// Paths that could not be walked.
    pub problems: Vec<WalkProblem>,
}

/// What `stat` says of a file, as git's index keeps it: a file whose size, times, inode and
/// device are all as they were has not been written since (its change time moves with every
/// write, and with every change of the modification time, which only the kernel can set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileStat {
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time, in nanoseconds since 1970.
    pub modified: i64,
    /// Its status change time, in nanoseconds since 1970.
    pub changed: i64,
    /// Its inode.
    pub inode: u64,
    /// Its device.
    pub device: u64,
}

impl FileStat {
    /// The stat of `metadata` (of a regular file); `None` off Unix, where there is no change
    /// time to tell a modification time set back.
    #[cfg(unix)]
    pub fn of(metadata: &std::fs::Metadata) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let nanos =
            |seconds: i64, nanos: i64| seconds.checked_mul(1_000_000_000)?.checked_add(nanos);
        Some(Self {
            size: metadata.len(),
            modified: nanos(metadata.mtime(), metadata.mtime_nsec())?,
            changed: nanos(metadata.ctime(), metadata.ctime_nsec())?,
            inode: metadata.ino(),
            device: metadata.dev(),
        })
    }

    /// See the Unix version.
    #[cfg(not(unix))]
    pub fn of(_metadata: &std::fs::Metadata) -> Option<Self> {
        None
    }
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

/// Finds guide files, each named path its own boundary: see [`discover_within`].
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, MissingPath> {
    discover_within(paths, None)
}

/// Finds guide files. A named file is taken whatever its extension (the user asked for it); a
/// folder is walked for `*.yaml` and `*.yml`, skipping hidden folders and files.
///
/// Symbolic links are followed only where they stay inside the boundary: the content root
/// `root` for the paths inside it, else the named folder itself (or a named file's folder). A
/// link that leaves it is a [`WalkProblem`] naming the link, and nothing behind it is read: a
/// pull request may commit `content/x.yaml -> /proc/self/environ`. Every folder is entered once,
/// by identity (device and inode), whatever number of links lead to it, so no graph of links
/// multiplies the walk; the real tree is walked before any folder reached only through a link,
/// so files keep their own paths.
pub fn discover_within(paths: &[PathBuf], root: Option<&Path>) -> Result<Discovery, MissingPath> {
    let mut walk = Walk::default();
    let root = root.map(|root| (root, identity(root)));
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|_| MissingPath { path: path.clone() })?;
        let inside_root = root.as_ref().filter(|(root, _)| path.starts_with(root));
        if !metadata.is_dir() {
            let boundary = match inside_root {
                Some((_, resolved)) => resolved.clone(),
                None => identity(path.parent().unwrap_or(Path::new("."))),
            };
            if identity(path).starts_with(&boundary) {
                walk.add(path.clone());
            } else {
                walk.problem(path.clone(), OUTSIDE_THE_ROOT.to_owned());
            }
            continue;
        }
        let boundary = match inside_root {
            Some((_, resolved)) => resolved.clone(),
            None => identity(path),
        };
        // `lint content/folder` where the folder is a link out of the root.
        if !identity(path).starts_with(&boundary) {
            walk.problem(path.clone(), OUTSIDE_THE_ROOT.to_owned());
            continue;
        }
        walk.folder(path, &boundary);
    }
    let mut discovery = walk.discovery;
    let mut found: Vec<(PathBuf, Option<FileStat>)> = std::mem::take(&mut discovery.files)
        .into_iter()
        .zip(std::mem::take(&mut discovery.stats))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    (discovery.files, discovery.stats) = found.into_iter().unzip();
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

/// What a link that leaves the boundary is told. The target is not named: what it points at is
/// the committer's choice, and nothing of it belongs in a CI log.
const OUTSIDE_THE_ROOT: &str = "a symbolic link that points outside the content root; remedy does not follow it (nothing behind it is read): link to a guide inside the content root, or copy the file in";

/// The state of one discovery: what is found, and what was entered already.
#[derive(Default)]
struct Walk {
    discovery: Discovery,
    /// File identity → index in `files`. A file reached by several paths (a link, a named file
    /// also under a named folder) is named by its shortest path: `content/a.yaml`, never
    /// `content/up/content/a.yaml`.
    files: HashMap<FileKey, usize>,
    /// Every folder entered, by identity.
    folders: HashSet<FileKey>,
}

impl Walk {
    fn add(&mut self, path: PathBuf) {
        let files = &mut self.discovery.files;
        // One `stat` a file: its identity here, and what a cache compares with later.
        let metadata = std::fs::metadata(&path).ok();
        match self.files.entry(key_of(&path, metadata.as_ref())) {
            Entry::Vacant(slot) => {
                slot.insert(files.len());
                files.push(path);
                self.discovery
                    .stats
                    .push(metadata.as_ref().and_then(FileStat::of));
            }
            Entry::Occupied(slot) => {
                let kept = &mut files[*slot.get()];
                if path.components().count() < kept.components().count() {
                    *kept = path;
                }
            }
        }
    }

    fn problem(&mut self, path: PathBuf, message: String) {
        self.discovery.problems.push(WalkProblem { path, message });
    }

    /// Walks one folder with an explicit stack (the depth of a tree is the input's to choose),
    /// then the folders its links lead to, in the order met.
    fn folder(&mut self, start: &Path, boundary: &Path) {
        if !self.folders.insert(file_key(start)) {
            return;
        }
        let mut stack = vec![start.to_path_buf()];
        let mut through_links: VecDeque<(PathBuf, bool)> = VecDeque::new();
        while let Some(folder) = stack.pop().or_else(|| {
            while let Some((linked, is_folder)) = through_links.pop_front() {
                if !is_folder {
                    self.add(linked);
                } else if self.folders.insert(file_key(&linked)) {
                    return Some(linked);
                }
            }
            None
        }) {
            let entries = match std::fs::read_dir(&folder) {
                Ok(entries) => entries,
                Err(error) => {
                    let message = format!("cannot read: {}", describe_io(&error));
                    self.problem(folder, message);
                    continue;
                }
            };
            let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
            entries.sort_by_key(std::fs::DirEntry::file_name);
            let mut subfolders = Vec::new();
            for entry in entries {
                if is_hidden(&entry.file_name()) {
                    continue;
                }
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    subfolders.push(path);
                } else if kind.is_file() {
                    if is_guide_file(&path) {
                        self.add(path);
                    }
                } else if kind.is_symlink() {
                    self.link(path, boundary, &mut through_links);
                }
            }
            // Popped in name order.
            for subfolder in subfolders.into_iter().rev() {
                if self.folders.insert(file_key(&subfolder)) {
                    stack.push(subfolder);
                }
            }
        }
    }

    /// A link met in a walk: resolved once, and followed only when it stays inside `boundary`;
    /// queued (with whether it leads to a folder) until the real tree is walked.
    fn link(&mut self, path: PathBuf, boundary: &Path, later: &mut VecDeque<(PathBuf, bool)>) {
        let target = match std::fs::canonicalize(&path) {
            Ok(target) => target,
            Err(error) => {
                let message = if error.kind() == std::io::ErrorKind::NotFound {
                    "a symbolic link that points nowhere; fix or remove the link".to_owned()
                } else {
                    format!("cannot read: {}", describe_io(&error))
                };
                self.problem(path, message);
                return;
            }
        };
        let Ok(metadata) = std::fs::metadata(&target) else {
            return;
        };
        let matters = metadata.is_dir() || is_guide_file(&path);
        if !matters {
            return;
        }
        if !target.starts_with(boundary) {
            self.problem(path, OUTSIDE_THE_ROOT.to_owned());
        } else if metadata.is_dir() || metadata.is_file() {
            later.push_back((path, metadata.is_dir()));
        }
    }
}

/// Folders that are never a content root: the whole system, or a tree of the kernel's or the
/// system's own files. Walking `/sys` never ends; `/proc` and `/etc` hold secrets.
pub fn is_system_folder(path: &Path) -> bool {
    let resolved = identity(path);
    if resolved.parent().is_none() {
        return true;
    }
    const UNDER: [&str; 3] = ["/proc", "/sys", "/dev"];
    const EXACTLY: [&str; 14] = [
        "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/boot", "/var", "/run",
        "/root", "/home", "/opt", "/srv",
    ];
    UNDER.iter().any(|system| resolved.starts_with(system))
        || EXACTLY.iter().any(|system| resolved == Path::new(system))
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

fn file_key(path: &Path) -> FileKey {
    key_of(path, std::fs::metadata(path).ok().as_ref())
}

/// [`file_key`] from the metadata of `path` already read.
#[cfg(unix)]
fn key_of(path: &Path, metadata: Option<&std::fs::Metadata>) -> FileKey {
    use std::os::unix::fs::MetadataExt;
    match metadata {
        Some(metadata) => FileKey::Inode(metadata.dev(), metadata.ino()),
        None => FileKey::Path(identity(path)),
    }
}

#[cfg(not(unix))]
fn key_of(path: &Path, _metadata: Option<&std::fs::Metadata>) -> FileKey {
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
