//! Reading a guide file into text: size limit, UTF-8 check, BOM, and a line index for showing
//! source lines in findings.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::position::Position;

/// The largest guide file read by default: 16 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A guide file's text, decoded, with the BOM removed so that columns do not shift.
#[derive(Debug, Clone)]
pub struct SourceText {
    text: String,
    line_starts: Vec<usize>,
}

/// Why a file's bytes could not become text.
#[derive(Debug, Error)]
pub enum ReadError {
    /// The operating system refused or failed the read.
    #[error("cannot read {path}: {}", describe_io(.source))]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The file is larger than the limit.
    #[error("the file is larger than {} MiB; split it into several guides", .limit / (1024 * 1024))]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The bytes are not UTF-8.
    #[error("the file is not valid UTF-8 (first bad byte at {at}); save it as UTF-8")]
    NotUtf8 {
        /// Where the first invalid byte is.
        at: Position,
    },
}

impl ReadError {
    /// Where in the file the problem is, when it is in the file.
    pub fn position(&self) -> Option<Position> {
        match self {
            ReadError::NotUtf8 { at } => Some(*at),
            ReadError::Io { .. } | ReadError::TooLarge { .. } => None,
        }
    }
}

/// An I/O error as a reader would say it: "permission denied", not `Os { code: 13, … }`.
pub fn describe_io(error: &io::Error) -> String {
    let kind = match error.kind() {
        io::ErrorKind::NotFound => "no such file or folder",
        io::ErrorKind::PermissionDenied => "permission denied",
        io::ErrorKind::IsADirectory => "it is a folder, not a file",
        io::ErrorKind::NotADirectory => "part of the path is a file, not a folder",
        io::ErrorKind::FileTooLarge => "the file would be larger than the system allows",
        io::ErrorKind::QuotaExceeded => "the disk quota is used up",
        io::ErrorKind::StorageFull => "the disk is full",
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only",
        io::ErrorKind::AlreadyExists => "it already exists",
        io::ErrorKind::InvalidFilename => "the file name is too long or not allowed",
        _ => "",
    };
    if !kind.is_empty() {
        return kind.to_owned();
    }
    // The standard library's Display adds "(os error N)": keep the words, drop the code.
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

impl SourceText {
    /// Reads a file, refusing one past `limit` bytes before reading it whole.
    pub fn read(path: &Path, limit: u64) -> Result<Self, ReadError> {
        Self::from_bytes(Self::read_bytes(path, limit)?)
    }

    /// The bytes of a regular file of at most `limit` bytes, not yet decoded: for a caller that
    /// may not need the text (a cache keyed by the bytes).
    pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let io_error = |source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        };
        // A pipe, socket or device named as a guide would block `open` or `read` forever (a
        // FIFO waits for a writer): only regular files are read.
        let metadata = std::fs::metadata(path).map_err(io_error)?;
        if !metadata.is_file() {
            return Err(io_error(not_a_regular_file(&metadata)));
        }
        let file = File::open(path).map_err(io_error)?;
        // Room for the size `stat` just gave (a `Take` hides it from `read_to_end`, which then
        // starts at 32 bytes and doubles: a dozen reads for a 24 KB guide), and one byte to
        // see the end or a file grown past the limit.
        let hint = metadata.len().min(limit).saturating_add(1);
        let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge { limit });
        }
        Ok(bytes)
    }

    /// Decodes bytes already in memory (standard input, tests).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ReadError> {
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Self::new(text)),
            Err(error) => {
                let valid = error.utf8_error().valid_up_to();
                let bytes = error.as_bytes();
                // The prefix is valid by definition, so this never falls back.
                let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
                let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
                let index = SourceText::new(prefix.to_owned());
                let at = index.position_at_end();
                Err(ReadError::NotUtf8 { at })
            }
        }
    }

    /// Wraps text, removing a leading BOM.
    pub fn new(mut text: String) -> Self {
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    line_starts.push(i + 2);
                    i += 1;
                }
                b'\r' => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Self { text, line_starts }
    }

    /// The whole text, without BOM.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// How many lines the text has.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of a 1-based line, without its line break.
    pub fn line(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    fn position_at_end(&self) -> Position {
        let last = self.line_starts.len();
        let start = self.line_starts[last - 1];
        let column = self.text[start..].chars().count() + 1;
        Position::new(saturate(last), saturate(column))
    }
}

/// The error for a path that exists but is not a regular file.
fn not_a_regular_file(metadata: &std::fs::Metadata) -> io::Error {
    if metadata.is_dir() {
        return io::Error::from(io::ErrorKind::IsADirectory);
    }
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "it is not a regular file (a pipe, socket or device); name a guide file instead",
    )
}

pub(crate) fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_on_every_kind_of_break() {
        let text = SourceText::new("\u{feff}a\r\nb\rc\nd".into());
        let lines: Vec<_> = (1..=4).map(|n| text.line(n).unwrap_or("?")).collect();
        assert_eq!(lines, ["a", "b", "c", "d"]);
        assert_eq!(text.line(5), None);
        assert_eq!(text.line(0), None);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let error = SourceText::from_bytes(b"id: x\ntitle: caf\xe9\n".to_vec());
        match error {
            Err(ReadError::NotUtf8 { at }) => assert_eq!(at, Position::new(2, 11)),
            other => panic!("expected NotUtf8, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_instead_of_blocking() {
        let dir = std::env::temp_dir().join(format!("remedy-fifo-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let fifo = dir.join("pipe.yaml");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo failed");
        // Before the fix, this blocked forever waiting for a writer.
        let error = SourceText::read(&fifo, DEFAULT_MAX_FILE_BYTES);
        let _ = std::fs::remove_dir_all(&dir);
        match error {
            Err(error @ ReadError::Io { .. }) => {
                let text = error.to_string();
                assert!(text.contains("pipe.yaml"), "{text}");
                assert!(text.contains("not a regular file"), "{text}");
            }
            other => panic!("expected an I/O error, got {other:?}"),
        }
    }

    #[test]
    fn io_errors_read_as_words() {
        let error = io::Error::from_raw_os_error(2);
        assert_eq!(describe_io(&error), "no such file or folder");
        let error = io::Error::from_raw_os_error(20);
        assert_eq!(
            describe_io(&error),
            "part of the path is a file, not a folder"
        );
        let error = io::Error::from_raw_os_error(27);
        assert_eq!(
            describe_io(&error),
            "the file would be larger than the system allows"
        );
    }
}
