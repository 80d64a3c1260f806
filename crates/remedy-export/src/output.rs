//! Writing output files atomically: a temporary file in the target folder, renamed into place,
//! so that a failed run leaves the old file or the new one, never half of one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use remedy_core::source::describe_io;
use thiserror::Error;

/// An export that could not be written.
#[derive(Debug, Error)]
pub enum ExportError {
    /// A file or folder could not be created or written.
    #[error("cannot {operation} {}: {}", .path.display(), describe_io(.source))]
    Io {
        /// What was being done: "create", "write", "rename into place", …
        operation: &'static str,
        /// The path.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The output path exists and is the wrong kind of thing.
    #[error("{}: {reason}", .path.display())]
    BadOutput {
        /// The path.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// The content cannot be rendered (a character no font can draw, …).
    #[error("{0}")]
    Content(String),
    /// SQLite could not write the database.
    #[error("cannot write the database {}: {source}", .path.display())]
    Database {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A set of files could not be put in place; `state` says what is on disk now.
    #[error("{source}; {state}")]
    NotCommitted {
        /// What failed.
        source: Box<ExportError>,
        /// Which files are new and which are as before, in words.
        state: String,
    },
}

impl ExportError {
    /// A database error, naming the database file.
    pub fn database(path: &Path, source: rusqlite::Error) -> Self {
        ExportError::Database {
            path: path.to_path_buf(),
            source,
        }
    }

    /// An I/O error, naming the operation and the path.
    pub fn io(operation: &'static str, path: &Path, source: io::Error) -> Self {
        ExportError::Io {
            operation,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Creates `dir` (and its parents) unless it exists; fails if it is not a folder.
pub fn ensure_dir(dir: &Path) -> Result<(), ExportError> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    match fs::metadata(dir) {
        Ok(metadata) if metadata.is_dir() => Ok(()),
        Ok(_) => Err(ExportError::BadOutput {
            path: dir.to_path_buf(),
            reason: "exists and is not a folder; choose another output folder".into(),
        }),
        Err(_) => fs::create_dir_all(dir).map_err(|e| ExportError::io("create folder", dir, e)),
    }
}

/// Writes `path` atomically: `write` fills a temporary file beside it, which is flushed, synced
/// and renamed over `path` only when everything succeeded. On failure the temporary file is
/// removed and `path` is untouched.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<(), ExportError>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let mut file = StagedFile::create(path)?;
    write(&mut file).map_err(|e| ExportError::io("write", path, e))?;
    file.commit()
}

/// An output file being written: a temporary file beside the target, renamed into place by
/// [`StagedFile::commit`]. Dropped without a commit, it removes the temporary and leaves the
/// target as it was; so an export that streams guides as they are linted can still be thrown
/// away when the lint run ends with errors.
#[derive(Debug)]
pub struct StagedFile {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
    /// Bytes written since the last sync was started.
    unsynced: u64,
    /// A sync of what was written so far, running beside the writing.
    syncing: Option<JoinHandle<io::Result<()>>>,
}

/// How much a staged file takes before what it holds is synced in the background, so that
/// the sync before the rename, which everything waits for, has little left to do (a 20 MB
/// JSON export spent 15 ms there).
const SYNC_BEHIND: u64 = 8 * 1024 * 1024;

/// How many threads a commit syncs its open files on, at most.
const SYNCING: usize = 8;

impl StagedFile {
    /// Starts writing `path`: its folder is created if missing.
    pub fn create(path: &Path) -> Result<Self, ExportError> {
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        ensure_dir(&dir)?;
        if path.is_dir() {
            return Err(ExportError::BadOutput {
                path: path.to_path_buf(),
                reason: "is a folder; name a file to write, or move the folder away".into(),
            });
        }
        // A rename replaces whatever the name is: as root, `-o /dev/null` put a file where the
        // device was. Only a regular file (or nothing) is ever replaced.
        if let Ok(metadata) = fs::symlink_metadata(path)
            && !metadata.is_file()
        {
            return Err(ExportError::BadOutput {
                path: path.to_path_buf(),
                reason: "is not a regular file (a device, pipe, socket or symbolic link); an export replaces only regular files, so choose another output path".into(),
            });
        }
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let (temp, file) = create_temporary(&dir, &name, path)?;
        Ok(Self {
            target: path.to_path_buf(),
            temp,
            writer: Some(BufWriter::with_capacity(256 * 1024, file)),
            unsynced: 0,
            syncing: None,
        })
    }

    /// The file this will become.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary file, for a writer that opens the file itself (SQLite): what it writes
    /// there is synced and renamed into place by [`StagedFile::commit`] like the rest.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Flushes, syncs and closes the temporary file, so that a rename cannot publish half of
    /// it; nothing more can be written. A commit finishes every file it has not yet.
    pub fn finish(&mut self) -> Result<(), ExportError> {
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let file = writer
            .into_inner()
            .map_err(|e| ExportError::io("write", &self.target, e.into_error()))?;
        if let Some(syncing) = self.syncing.take() {
            syncing
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a background sync panicked")))
                .map_err(|e| ExportError::io("write", &self.target, e))?;
        }
        file.sync_all()
            .map_err(|e| ExportError::io("write", &self.target, e))
    }

    /// Starts syncing what was written so far, unless a sync is still running.
    fn sync_behind(&mut self) -> io::Result<()> {
        if self
            .syncing
            .as_ref()
            .is_some_and(|syncing| !syncing.is_finished())
        {
            return Ok(());
        }
        if let Some(syncing) = self.syncing.take() {
            syncing
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a background sync panicked")))?;
        }
        let Some(writer) = &mut self.writer else {
            return Ok(());
        };
        writer.flush()?;
        let file = writer.get_ref().try_clone()?;
        self.unsynced = 0;
        self.syncing = Some(std::thread::spawn(move || file.sync_data()));
        Ok(())
    }

    /// Puts the file in place of the target.
    pub fn commit(self) -> Result<(), ExportError> {
        commit_all(vec![self])
    }
}

impl Write for StagedFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = match &mut self.writer {
            Some(writer) => writer.write(bytes)?,
            None => return Err(io::Error::other("the file was already finished")),
        };
        self.unsynced += written as u64;
        if self.unsynced >= SYNC_BEHIND {
            self.sync_behind()?;
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Some(writer) => writer.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        // Committed files were renamed away; anything else is an abandoned temporary.
        let mut live = live_temporaries();
        let _ = fs::remove_file(&self.temp);
        forget(&mut live, &self.temp);
    }
}

/// A file an export writes and reads back but never publishes (the related rows a CSV export
/// keeps until every guide's title is known): a temporary in the output folder, named like a
/// staged file's, removed when dropped.
#[derive(Debug)]
pub struct ScratchFile {
    path: PathBuf,
    file: File,
}

impl ScratchFile {
    /// A new, empty scratch file in `dir`, for the output `name`.
    pub fn create(dir: &Path, name: &str) -> Result<Self, ExportError> {
        ensure_dir(dir)?;
        let (path, file) = create_temporary(dir, name, &dir.join(name))?;
        Ok(Self { path, file })
    }

    /// The open file, for reading and writing.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }
}

impl Write for ScratchFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Puts several files in place as one: see [`StagedSet::commit`].
pub fn commit_all(files: Vec<StagedFile>) -> Result<(), ExportError> {
    StagedSet { files }.commit()
}

/// Files that are put in place together or not at all: the CSV tables and their data package,
/// a run's PDF handouts and its book. Any exporter of several files stages each one
/// ([`StagedFile::create`], written, then [`StagedSet::push`]) and commits once.
#[derive(Debug, Default)]
pub struct StagedSet {
    files: Vec<StagedFile>,
}

impl StagedSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file. A file written in full can be finished (synced and closed) at once with
    /// [`StagedSet::push_finished`], so that a set of thousands holds no open files.
    pub fn push(&mut self, file: StagedFile) {
        self.files.push(file);
    }

    /// Finishes a file (flushed, synced, closed) and adds it.
    pub fn push_finished(&mut self, mut file: StagedFile) -> Result<(), ExportError> {
        file.finish()?;
        self.files.push(file);
        Ok(())
    }

    /// Adds every file of `other`, so that several exports are committed as one set.
    pub fn append(&mut self, mut other: StagedSet) {
        self.files.append(&mut other.files);
    }

    /// How many files the set holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Puts every file in place, or none: each file is finished (synced side by side); each
    /// target that exists gets a backup (a hard link, so the old file never leaves its name);
    /// then the renames; then the backups go. A failure before the last rename puts the old
    /// files back and removes the new ones, and the error says whether that worked. A signal
    /// that arrives meanwhile waits for the commit to end (see [`abandon_temporaries`]).
    pub fn commit(mut self) -> Result<(), ExportError> {
        // The files are synced side by side: one after the other, the six CSV tables spent a
        // quarter of the export waiting for the disk.
        // Only files still open are synced here, by at most `SYNCING` threads: a thread a file
        // for a set of 2,000 handouts (finished as they were written) took 20 MiB of stacks.
        let files = &mut self.files;
        let mut open: Vec<&mut StagedFile> = files
            .iter_mut()
            .filter(|file| file.writer.is_some())
            .collect();
        let finished: Vec<Result<(), ExportError>> = if open.len() > 1 {
            let per_thread = open.len().div_ceil(SYNCING);
            std::thread::scope(|scope| {
                let syncs: Vec<_> = open
                    .chunks_mut(per_thread)
                    .map(|files| {
                        scope.spawn(move || {
                            files
                                .iter_mut()
                                .map(|file| file.finish())
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                syncs
                    .into_iter()
                    .flat_map(|sync| {
                        sync.join().unwrap_or_else(|_| {
                            vec![Err(ExportError::Content("syncing a file panicked".into()))]
                        })
                    })
                    .collect()
            })
        } else {
            open.into_iter().map(|file| file.finish()).collect()
        };
        let several = files.len() > 1;
        let unchanged = |error: ExportError| {
            if several {
                ExportError::NotCommitted {
                    source: Box::new(error),
                    state: format!(
                        "nothing was replaced: all {} files are as before",
                        files.len()
                    ),
                }
            } else {
                error
            }
        };
        // The first failure in the files' order.
        if let Some(error) = finished.into_iter().find_map(Result::err) {
            return Err(unchanged(error));
        }
        let mut live = live_temporaries();
        let mut backups: Vec<Option<PathBuf>> = Vec::with_capacity(files.len());
        for file in files.iter() {
            match back_up(&file.target, &mut live) {
                Ok(backup) => backups.push(backup),
                Err(error) => {
                    remove_backups(&backups, &mut live);
                    drop(live);
                    return Err(unchanged(error));
                }
            }
        }
        for (i, file) in files.iter().enumerate() {
            if let Err(e) = fs::rename(&file.temp, &file.target) {
                let error = ExportError::io("rename into place", &file.target, e);
                let state = roll_back(&files[..i], &backups[..i]);
                remove_backups(&backups, &mut live);
                drop(live);
                return Err(match state {
                    Ok(()) => unchanged(error),
                    Err(state) => ExportError::NotCommitted {
                        source: Box::new(error),
                        state,
                    },
                });
            }
            forget(&mut live, &file.temp);
        }
        remove_backups(&backups, &mut live);
        Ok(())
    }
}

/// A hard link to `target` under a temporary name beside it, when `target` exists.
fn back_up(target: &Path, live: &mut Vec<PathBuf>) -> Result<Option<PathBuf>, ExportError> {
    if fs::symlink_metadata(target).is_err() {
        return Ok(None);
    }
    let dir = folder_of(target);
    let name = file_name_of(target);
    loop {
        let backup = temporary_name(&dir, &name);
        match fs::hard_link(target, &backup) {
            Ok(()) => {
                live.push(backup.clone());
                return Ok(Some(backup));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(ExportError::io("keep a copy of", target, e)),
        }
    }
}

fn remove_backups(backups: &[Option<PathBuf>], live: &mut Vec<PathBuf>) {
    for backup in backups.iter().flatten() {
        let _ = fs::remove_file(backup);
        forget(live, backup);
    }
}

/// Puts back the old files of `done` (the files already renamed into place) and removes the
/// new ones that had no old file; `Err` says which files it could not restore.
fn roll_back(done: &[StagedFile], backups: &[Option<PathBuf>]) -> Result<(), String> {
    let mut new = Vec::new();
    for (file, backup) in done.iter().zip(backups) {
        let restored = match backup {
            Some(backup) => fs::rename(backup, &file.target),
            None => fs::remove_file(&file.target),
        };
        if restored.is_err() {
            new.push(file.target.display().to_string());
        }
    }
    if new.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the files could not all be put back: new: {}; every other file is as before",
        new.join(", ")
    ))
}

/// Temporary files of this process not yet renamed into place or removed: what a signal
/// handler removes before the process exits.
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn live_temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn forget(live: &mut Vec<PathBuf>, path: &Path) {
    if let Some(at) = live.iter().rposition(|live| live == path) {
        live.swap_remove(at);
    }
}

/// Removes every temporary file this process has open, for a process about to exit on a
/// signal. It waits for a multi-file commit in progress to end (all new, or all old), and never
/// returns the lock: no new temporary is created after it.
pub fn abandon_temporaries() {
    let mut live = live_temporaries();
    for path in live.drain(..) {
        let _ = fs::remove_file(path);
    }
    std::mem::forget(live);
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into())
}

/// `.NAME.PID.N.tmp`: unique to this process and this call.
fn temporary_name(dir: &Path, name: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// The process id in a name of our temporary pattern, `.NAME.PID.N.tmp`.
fn temporary_owner(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = inner.rsplitn(3, '.');
    let n = parts.next()?;
    let pid = parts.next()?;
    let stem = parts.next()?;
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    (digits(n) && digits(pid) && !stem.is_empty())
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether a process is running, as far as `/proc` tells; without `/proc`, every process is
/// taken to be running (nothing is removed).
fn is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Removes the temporary files a killed run left in `dir` (our name pattern, a process that is
/// no longer running), once per folder and process: SIGKILL leaves them, and twenty killed
/// runs left 286 MB.
fn remove_stale_temporaries(dir: &Path) {
    static CLEANED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    {
        let mut cleaned = CLEANED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cleaned.iter().any(|done| done == dir) {
            return;
        }
        cleaned.push(dir.to_path_buf());
    }
    let own = std::process::id();
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(owner) = name.to_str().and_then(temporary_owner) else {
            continue;
        };
        let regular = entry.file_type().is_ok_and(|kind| kind.is_file());
        if owner != own && regular && !is_running(owner) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Creates a new temporary file in `dir` for `name`. Its name is unique to this process and this
/// call, and it is created only if it does not exist: two threads writing the same output (two
/// guides with one id, exported with `--force`) or two runs into one folder never share one
/// temporary file, which would interleave their bytes.
fn create_temporary(dir: &Path, name: &str, path: &Path) -> Result<(PathBuf, File), ExportError> {
    remove_stale_temporaries(dir);
    loop {
        let temp = temporary_name(dir, name);
        let mut live = live_temporaries();
        // Readable too, for a scratch file read back.
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => {
                live.push(temp.clone());
                return Ok((temp, file));
            }
            // Left behind by a killed run that had the same process id: take the next name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            // Named by the output the user asked for, not the temporary name.
            Err(e) => return Err(ExportError::io("create", path, e)),
        }
    }
}

/// Writes bytes atomically.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    write_atomic(path, |out| out.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_synced_while_it_is_written_lands_whole()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("remedy-sync-behind-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let target = dir.join("large.json");
        // Three background syncs' worth, written in pieces of odd sizes.
        let piece: Vec<u8> = (0..=250u8).cycle().take(100_003).collect();
        let pieces = (3 * SYNC_BEHIND as usize) / piece.len() + 2;
        let mut file = StagedFile::create(&target)?;
        for _ in 0..pieces {
            file.write_all(&piece)?;
        }
        assert!(!target.exists(), "nothing is published before the commit");
        file.commit()?;
        let written = fs::read(&target)?;
        assert_eq!(written.len(), piece.len() * pieces);
        assert!(
            written
                .chunks(piece.len())
                .all(|chunk| chunk == piece.as_slice())
        );
        let left: Vec<_> = fs::read_dir(&dir)?.collect::<Result<_, _>>()?;
        assert_eq!(
            left.len(),
            1,
            "no temporary left beside {}",
            target.display()
        );
        fs::remove_dir_all(&dir)?;
        Ok(())
    }

    #[test]
    fn concurrent_writes_of_one_path_never_mix_their_bytes()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("remedy-atomic-race-{}", std::process::id()));
        fs::create_dir_all(&dir)?;
        let target = dir.join("same.pdf");
        // Before the fix both threads wrote into one `.same.pdf.PID.tmp`: one rename failed
        // ("rename into place") or the file held both contents interleaved.
        let contents: Vec<Vec<u8>> = (0..8u8).map(|i| vec![b'a' + i; 256 * 1024]).collect();
        let results: Vec<Result<(), ExportError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = contents
                .iter()
                .map(|bytes| scope.spawn(|| write_bytes_atomic(&target, bytes)))
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|_| Err(ExportError::Content("panicked".into())))
                })
                .collect()
        });
        for result in &results {
            assert!(result.is_ok(), "{result:?}");
        }
        let written = fs::read(&target)?;
        assert!(contents.contains(&written), "the file mixes several writes");
        let leftovers = fs::read_dir(&dir)?.count();
        fs::remove_dir_all(&dir)?;
        assert_eq!(leftovers, 1, "temporary files left behind");
        Ok(())
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("remedy-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir)?;
        let target = dir.join("out.json");
        write_bytes_atomic(&target, b"old")?;
        let failed = write_atomic(&target, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("disk on fire"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(&target)?, b"old");
        let leftovers: Vec<_> = fs::read_dir(&dir)?
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name() != "out.json")
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
        fs::remove_dir_all(&dir)?;
        Ok(())
    }

    #[test]
    fn a_set_that_fails_at_a_rename_puts_every_old_file_back()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("remedy-set-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)?;
        for name in ["a.csv", "b.csv"] {
            fs::write(dir.join(name), b"old")?;
        }
        let mut set = StagedSet::new();
        for name in ["a.csv", "b.csv", "c.csv"] {
            let mut file = StagedFile::create(&dir.join(name))?;
            file.write_all(b"new")?;
            set.push(file);
        }
        // The third rename fails: its temporary is gone when the commit comes to it.
        fs::remove_file(&set.files[2].temp)?;
        let error = set
            .commit()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("c.csv")
                && error.contains("nothing was replaced: all 3 files are as before"),
            "{error}"
        );
        assert_eq!(fs::read(dir.join("a.csv"))?, b"old");
        assert_eq!(fs::read(dir.join("b.csv"))?, b"old");
        assert!(!dir.join("c.csv").exists());
        let mut left: Vec<String> = fs::read_dir(&dir)?
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["a.csv", "b.csv"], "no temporary or backup left");
        // And a set that succeeds replaces all of them.
        let mut set = StagedSet::new();
        for name in ["a.csv", "b.csv", "c.csv"] {
            let mut file = StagedFile::create(&dir.join(name))?;
            file.write_all(b"new")?;
            set.push_finished(file)?;
        }
        set.commit()?;
        for name in ["a.csv", "b.csv", "c.csv"] {
            assert_eq!(fs::read(dir.join(name))?, b"new");
        }
        assert_eq!(fs::read_dir(&dir)?.count(), 3);
        fs::remove_dir_all(&dir)?;
        Ok(())
    }

    #[test]
    fn only_our_pattern_names_an_owner() {
        assert_eq!(temporary_owner(".guides.json.4242.7.tmp"), Some(4242));
        assert_eq!(temporary_owner(".a.b.csv.1.0.tmp"), Some(1));
        for other in [
            ".guides.json.tmp",
            "guides.json.1.0.tmp",
            "..1.0.tmp",
            ".x.1.y.tmp",
            ".x.y.0.tmp",
        ] {
            assert_eq!(temporary_owner(other), None, "{other}");
        }
    }
}
