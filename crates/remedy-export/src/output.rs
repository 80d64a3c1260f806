//! Writing output files atomically: a temporary file in the target folder, renamed into place,
//! so that a failed run leaves the old file or the new one, never half of one.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

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
}

impl ExportError {
    pub(crate) fn io(operation: &'static str, path: &Path, source: io::Error) -> Self {
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
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    ensure_dir(&dir)?;
    if path.is_dir() {
        return Err(ExportError::BadOutput {
            path: path.to_path_buf(),
            reason: "is a folder; name a file to write".into(),
        });
    }
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let file = File::create(&temp).map_err(|e| ExportError::io("create", &temp, e))?;
        let mut writer = BufWriter::new(file);
        write(&mut writer).map_err(|e| ExportError::io("write", path, e))?;
        let file = writer
            .into_inner()
            .map_err(|e| ExportError::io("write", path, e.into_error()))?;
        file.sync_all().map_err(|e| ExportError::io("write", path, e))?;
        fs::rename(&temp, path).map_err(|e| ExportError::io("rename into place", path, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Writes bytes atomically.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    write_atomic(path, |out| out.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary() -> Result<(), Box<dyn std::error::Error>> {
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
