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

    /// Flushes and syncs the temporary file, so that a rename cannot publish half of it.
    fn finish(&mut self) -> Result<(), ExportError> {
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
        let _ = fs::remove_file(&self.temp);
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

/// Puts several files in place as one: every file is finished first, then every rename. A
/// failure before the renames leaves every target as it was and no temporary behind.
pub fn commit_all(mut files: Vec<StagedFile>) -> Result<(), ExportError> {
    // The files are synced side by side: one after the other, the six CSV tables spent a
    // quarter of the export waiting for the disk.
    let finished: Vec<Result<(), ExportError>> = if files.len() > 1 {
        std::thread::scope(|scope| {
            let syncs: Vec<_> = files
                .iter_mut()
                .map(|file| scope.spawn(move || file.finish()))
                .collect();
            syncs
                .into_iter()
                .map(|sync| {
                    sync.join().unwrap_or_else(|_| {
                        Err(ExportError::Content("syncing a file panicked".into()))
                    })
                })
                .collect()
        })
    } else {
        files.iter_mut().map(StagedFile::finish).collect()
    };
    // The first failure in the files' order.
    finished.into_iter().collect::<Result<Vec<()>, _>>()?;
    for (i, file) in files.iter().enumerate() {
        if let Err(e) = fs::rename(&file.temp, &file.target) {
            // The files before this one are already in place; the rest stay as they were.
            for later in &files[i + 1..] {
                let _ = fs::remove_file(&later.temp);
            }
            return Err(ExportError::io("rename into place", &file.target, e));
        }
    }
    Ok(())
}

/// Creates a new temporary file in `dir` for `name`. Its name is unique to this process and this
/// call, and it is created only if it does not exist: two threads writing the same output (two
/// guides with one id, exported with `--force`) or two runs into one folder never share one
/// temporary file, which would interleave their bytes.
fn create_temporary(dir: &Path, name: &str, path: &Path) -> Result<(PathBuf, File), ExportError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        // Readable too, for a scratch file read back.
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            // Left behind by a killed run that had the same process id: take the next name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < u64::MAX => continue,
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
}
