use super::*;

/// One file to load.
#[derive(Debug)]
pub(super) struct Job {
    /// Where to read it (absolute when `cwd` is).
    pub(super) path: PathBuf,
    /// How findings name it.
    pub(super) display: PathBuf,
    /// Whether its findings are reported (it was named), or it only feeds the index.
    pub(super) reported: bool,
    /// The bytes, for standard input.
    pub(super) stdin: Option<Vec<u8>>,
    /// What the walk's `stat` said of it.
    pub(super) stat: Option<FileStat>,
    /// Its entries in the last run's cache, given to it just before its round.
    pub(super) cache: Option<Box<reuse::FromCache>>,
}

/// How findings name a file: relative to `cwd` (normalized) when below it, else under the named path it was
/// found through, as the user wrote that path; else as it is.
pub(super) fn display_of(path: &Path, cwd: &Path, named: &[(PathBuf, PathBuf)]) -> PathBuf {
    if let Ok(relative) = path.strip_prefix(cwd) {
        if relative.as_os_str().is_empty() {
            return PathBuf::from(".");
        }
        return relative.to_path_buf();
    }
    for (given, resolved) in named {
        if let Ok(rest) = path.strip_prefix(resolved) {
            return if rest.as_os_str().is_empty() {
                given.clone()
            } else {
                given.join(rest)
            };
        }
    }
    path.to_path_buf()
}

/// `source` of an exported guide: the path below the content root with `/`, or the file name.
pub(super) fn source_name(path: &Path, content_root: &Path) -> String {
    match path.strip_prefix(content_root) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// The file standard input stands for (`--stdin-filename NAME`): an absolute path as it is; a
/// relative one below the working directory, or else below the content root, whichever exists;
/// a bare file name that is neither, the one file of that name under the content root (editors
/// send bare names); else below the working directory, as a new file.
pub(super) fn resolve_stdin_name(
    name: &Path,
    cwd: &Path,
    content_root: &Path,
    root_files: &[PathBuf],
) -> PathBuf {
    if name.is_absolute() {
        return normalize(name);
    }
    let in_cwd = normalize(&cwd.join(name));
    if in_cwd.is_file() {
        return in_cwd;
    }
    let in_root = normalize(&content_root.join(name));
    if in_root.is_file() {
        return in_root;
    }
    if name.components().count() == 1 {
        let mut same_name = root_files
            .iter()
            .filter(|path| path.file_name() == Some(name.as_os_str()));
        if let (Some(only), None) = (same_name.next(), same_name.next()) {
            return normalize(only);
        }
    }
    in_cwd
}

/// Removes `.` and resolves `..` without touching the file system.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The same file reached twice (by a link, or named and under the content root) is read once.
pub(super) fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

/// What makes two paths of a run the same file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum SameFile {
    /// Device and inode, from the walk's `stat`.
    Inode(u64, u64),
    /// The path with every link resolved, where there is no `stat`.
    Path(PathBuf),
}

fn same_file_key(path: &Path, stat: Option<&FileStat>) -> SameFile {
    match stat {
        Some(stat) => SameFile::Inode(stat.device, stat.inode),
        None => SameFile::Path(identity(path)),
    }
}

/// The files of one run, in report order, and how findings name them.
pub(super) struct Plan {
    /// The content root, normalized.
    pub content_root: PathBuf,
    /// Every file once, named files first, sorted by display name.
    pub jobs: Vec<Job>,
    /// Folders and files the walk could not read.
    pub walk_problems: Vec<WalkProblem>,
    /// How findings name a file.
    pub displayer: Displayer,
}

/// How findings name a file: see [`display_of`].
pub(super) struct Displayer {
    /// The working directory, normalized once, not for every file.
    cwd: PathBuf,
    /// The named paths, as given and resolved.
    named: Vec<(PathBuf, PathBuf)>,
}

impl Displayer {
    pub fn display(&self, path: &Path) -> PathBuf {
        display_of(path, &self.cwd, &self.named)
    }
}

/// Finds the files to lint and the rest of the content root (for the index), each once.
pub(super) fn plan(request: &LintRequest) -> Result<Plan, LintError> {
    let cwd = &request.cwd;
    let config = &request.config;
    let content_root = normalize(&cwd.join(&config.content));

    let normalized_cwd = normalize(cwd);
    // The named paths, as given and resolved.
    let mut named: Vec<(PathBuf, PathBuf)> = request
        .paths
        .iter()
        .map(|given| (given.clone(), normalize(&cwd.join(given))))
        .collect();
    if named.is_empty() && request.stdin.is_none() {
        named.push((
            display_of(&content_root, &normalized_cwd, &[]),
            content_root.clone(),
        ));
    }
    let displayer = Displayer {
        cwd: normalized_cwd,
        named,
    };
    let named = &displayer.named;
    let displayer_fn = |path: &Path| displayer.display(path);

    let resolved: Vec<PathBuf> = named.iter().map(|(_, path)| path.clone()).collect();
    for (given, path) in std::iter::once((&content_root, &content_root))
        .chain(named.iter().map(|(given, path)| (given, path)))
    {
        if path.is_dir() && is_system_folder(path) {
            return Err(LintError::SystemFolder(given.clone()));
        }
    }
    let found = discover_within(&resolved, Some(&content_root)).map_err(|missing| MissingPath {
        path: displayer_fn(&missing.path),
    })?;
    // Linting the content root itself (what CI does) walks it once.
    let root = if resolved == [content_root.clone()] || !content_root.is_dir() {
        Default::default()
    } else {
        discover_within(std::slice::from_ref(&content_root), Some(&content_root))
            .unwrap_or_default()
    };
    let walk_problems = found.problems;

    // Every file once: named files first, then the rest of the content root for the index.
    let stdin_path = request
        .stdin
        .as_ref()
        .map(|stdin| resolve_stdin_name(&stdin.name, cwd, &content_root, &root.files));
    let stdin_key = stdin_path.as_deref().map(|path| {
        let stat = std::fs::metadata(path).ok().and_then(|m| FileStat::of(&m));
        same_file_key(path, stat.as_ref())
    });
    let mut jobs: Vec<Job> =
        Vec::with_capacity(found.files.len() + root.files.len() + usize::from(stdin_key.is_some()));
    {
        let mut seen: HashSet<SameFile> = stdin_key.iter().cloned().collect();
        if let (Some(stdin), Some(path)) = (&request.stdin, stdin_path.clone()) {
            jobs.push(Job {
                display: displayer_fn(&path),
                path,
                reported: true,
                stdin: Some(stdin.bytes.clone()),
                stat: None,
                cache: None,
            });
        }
        // A file reached twice (a link, or named and under the content root) is read once.
        // The walk stays inside the content root by itself (it follows no link out of it), so
        // a file is known by the device and inode its walk already read, never by resolving
        // every link of its path (a `readlink` a folder on the way, for every file).
        let must_compare = !root.files.is_empty() || stdin_key.is_some() || named.len() > 1;
        for (files, stats, reported) in [
            (found.files, found.stats, true),
            (root.files, root.stats, false),
        ] {
            let mut stats = stats.into_iter();
            for path in files {
                let stat = stats.next().flatten();
                // One walk gives each file once already.
                let fresh = !must_compare || seen.insert(same_file_key(&path, stat.as_ref()));
                if fresh {
                    jobs.push(Job {
                        display: displayer_fn(&path),
                        path,
                        reported,
                        stdin: None,
                        stat,
                        cache: None,
                    });
                }
            }
        }
    }
    // In report order, so that guides stream out in it.
    jobs.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(Plan {
        content_root,
        jobs,
        walk_problems,
        displayer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("./content")), PathBuf::from("content"));
    }

    #[test]
    fn display_paths_are_relative_to_the_working_directory() {
        let named = vec![(PathBuf::from("../x"), PathBuf::from("/w/x"))];
        assert_eq!(
            display_of(
                Path::new("/w/main/content/a.yaml"),
                Path::new("/w/main"),
                &named
            ),
            PathBuf::from("content/a.yaml")
        );
        assert_eq!(
            display_of(Path::new("/w/x/b/a.yaml"), Path::new("/w/main"), &named),
            PathBuf::from("../x/b/a.yaml")
        );
        assert_eq!(
            source_name(Path::new("/w/c/icloud/a.yaml"), Path::new("/w/c")),
            "icloud/a.yaml"
        );
        assert_eq!(
            source_name(Path::new("/elsewhere/a.yaml"), Path::new("/w/c")),
            "a.yaml"
        );
    }
}
