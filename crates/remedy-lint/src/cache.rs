//! The lint cache (`.remedy-cache/` by default): what each file contributed to the cross-guide
//! index on the last run (its guide id, ids and title), so that a run that lints a few files
//! does not parse the rest of the content root again.
//!
//! An entry is found by a BLAKE3 hash of the file's name (its stem is the id a file without one
//! is known by) and text, so a changed, renamed or moved file is never answered from the cache;
//! the whole cache is for one remedy version, cache format and platform, and is ignored for any
//! other. A cache file that is corrupt, truncated, too large, foreign or reached through a
//! symbolic link is ignored as if it were not there: the run loads every file, and writes a new
//! cache. Writing is atomic (a temporary file renamed over the old one) and never fails a run.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use remedy_core::{GuideIds, IdKind};
use serde::{Deserialize, Serialize};

/// The cache folder's default name, beside `remedy.toml` (or in the working directory).
pub const DEFAULT_DIR: &str = ".remedy-cache";

/// The index entries' file inside the cache folder.
const INDEX_FILE: &str = "index.json";

/// Bumped when what an entry means changes.
const FORMAT: u32 = 1;

/// The largest cache file read: far above what 100,000 guides need, far below what could hurt.
const MAX_CACHE_BYTES: u64 = 512 * 1024 * 1024;

/// The longest id kept from a cache file (the schema allows 64 characters).
const MAX_ID_BYTES: usize = 1024;

/// What the cache file says it is for: a cache for anything else is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    format: u32,
    remedy: String,
    platform: String,
}

impl Stamp {
    fn current() -> Self {
        Self {
            format: FORMAT,
            remedy: env!("CARGO_PKG_VERSION").to_owned(),
            platform: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    stamp: Stamp,
    entries: Vec<IndexEntry>,
}

/// What one file contributes to the cross-guide index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IndexEntry {
    /// [`key`] of the file.
    pub key: String,
    /// The guide id; `None` when the file has none (it is then known by its stem).
    pub guide: Option<String>,
    /// The ids the guide declares, each with `c` (cause), `m` (method) or `s` (step).
    pub ids: Vec<(String, char)>,
    /// The title, normalized as `duplicate-title` compares titles.
    pub title: Option<String>,
}

impl IndexEntry {
    pub fn new(key: String, guide: Option<&str>, ids: &GuideIds, title: Option<&str>) -> Self {
        Self {
            key,
            guide: guide.map(str::to_owned),
            ids: ids
                .iter()
                .map(|(id, kind)| (id.to_owned(), kind_letter(kind)))
                .collect(),
            title: title.map(str::to_owned),
        }
    }

    /// The entry's ids, or `None` when the cache holds a kind that does not exist.
    pub fn guide_ids(&self) -> Option<GuideIds> {
        let mut ids = Vec::with_capacity(self.ids.len());
        for (id, letter) in &self.ids {
            ids.push((id.as_str(), kind_of_letter(*letter)?));
        }
        Some(GuideIds::new(ids))
    }

    /// Whether the entry is one remedy could have written: bounded texts, known kinds.
    fn is_plausible(&self) -> bool {
        let short = |text: &str| text.len() <= MAX_ID_BYTES;
        self.key.len() == 64
            && self.key.bytes().all(|b| b.is_ascii_hexdigit())
            && self.guide.as_deref().is_none_or(short)
            && self.title.as_deref().is_none_or(short)
            && self
                .ids
                .iter()
                .all(|(id, letter)| short(id) && kind_of_letter(*letter).is_some())
    }
}

fn kind_letter(kind: IdKind) -> char {
    match kind {
        IdKind::Cause => 'c',
        IdKind::Method => 'm',
        IdKind::Step => 's',
    }
}

fn kind_of_letter(letter: char) -> Option<IdKind> {
    match letter {
        'c' => Some(IdKind::Cause),
        'm' => Some(IdKind::Method),
        's' => Some(IdKind::Step),
        _ => None,
    }
}

/// The key of a file's entry: a BLAKE3 hash of its stem and its bytes (hashed before they are
/// decoded, so that a file the cache knows is never decoded or indexed by line). BLAKE3 is a
/// cryptographic hash like SHA-256, several times faster on the CPU's vector instructions:
/// SHA-256 of every file was 2–3% of a whole lint.
pub fn key(stem: Option<&str>, bytes: &[u8]) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(stem.unwrap_or_default().as_bytes());
    hasher.update(&[0]);
    hasher.update(bytes);
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest.as_bytes() {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The entries of the last run, by key.
#[derive(Debug, Default)]
pub(crate) struct IndexCache {
    entries: HashMap<String, IndexEntry>,
}

impl IndexCache {
    /// Reads the cache of folder `dir`; an empty cache when there is none or it cannot be
    /// trusted.
    pub fn read(dir: &Path) -> Self {
        let entries = read_entries(dir).unwrap_or_default();
        Self {
            entries: entries
                .into_iter()
                .filter(IndexEntry::is_plausible)
                .map(|entry| (entry.key.clone(), entry))
                .collect(),
        }
    }

    /// The entry of a file with this key, if the last run wrote one.
    pub fn get(&self, key: &str) -> Option<&IndexEntry> {
        self.entries.get(key)
    }

    /// How many entries the cache holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

fn read_entries(dir: &Path) -> Option<Vec<IndexEntry>> {
    if !is_real_folder(dir) {
        return None;
    }
    let path = dir.join(INDEX_FILE);
    let before = std::fs::symlink_metadata(&path).ok()?;
    if !before.file_type().is_file() || before.len() > MAX_CACHE_BYTES {
        return None;
    }
    let file = std::fs::File::open(&path).ok()?;
    // The file opened is the one looked at, not a link put in its place meanwhile.
    if !same_file(&before, &file.metadata().ok()?) {
        return None;
    }
    let mut text = String::new();
    file.take(MAX_CACHE_BYTES).read_to_string(&mut text).ok()?;
    let cache: CacheFile = serde_json::from_str(&text).ok()?;
    (cache.stamp == Stamp::current()).then_some(cache.entries)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len() && b.is_file()
}

/// Whether `dir` is a folder itself, not a symbolic link to one.
fn is_real_folder(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok_and(|meta| meta.file_type().is_dir())
}

/// Writes the entries of this run as the cache of folder `dir`, creating it (with a
/// `.gitignore` that ignores the whole folder) when it does not exist. Failures are ignored: the
/// cache only saves time.
pub(crate) fn write(dir: &Path, mut entries: Vec<IndexEntry>) {
    let _ = try_write(dir, &mut entries);
}

fn try_write(dir: &Path, entries: &mut Vec<IndexEntry>) -> std::io::Result<()> {
    if std::fs::symlink_metadata(dir).is_err() {
        std::fs::create_dir_all(dir)?;
    }
    if !is_real_folder(dir) {
        return Ok(());
    }
    let ignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        write_new(
            &ignore,
            b"# remedy's cache: safe to delete; see `remedy lint --help`\n*\n",
        )?;
    }
    // Sorted, so that the same corpus writes the same bytes.
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    entries.dedup_by(|a, b| a.key == b.key);
    let cache = CacheFile {
        stamp: Stamp::current(),
        entries: std::mem::take(entries),
    };
    let text = serde_json::to_vec(&cache).map_err(std::io::Error::other)?;
    let temporary = dir.join(format!("{INDEX_FILE}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&temporary);
    let written = write_new(&temporary, &text)
        .and_then(|()| std::fs::rename(&temporary, dir.join(INDEX_FILE)));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Writes a file that must not exist yet (never through a link left in its place).
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The cache folder of a configuration: `[cache] dir`, else `.remedy-cache` beside its
/// `remedy.toml`, else in the working directory.
pub fn default_dir(config: &crate::Config, cwd: &Path) -> PathBuf {
    if let Some(dir) = &config.cache_dir {
        return dir.clone();
    }
    config
        .file
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(cwd)
        .join(DEFAULT_DIR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_the_name_and_the_text() {
        let a = key(Some("a"), b"id: a\n");
        assert_eq!(a.len(), 64);
        assert_eq!(a, key(Some("a"), b"id: a\n"));
        assert_ne!(a, key(Some("b"), b"id: a\n"));
        assert_ne!(a, key(Some("a"), b"id: a \n"));
        assert_ne!(key(Some("ab"), b"c"), key(Some("a"), b"bc"));
    }

    #[test]
    fn implausible_entries_are_not_kept() {
        let ids = GuideIds::new([("fix", IdKind::Method)]);
        let good = IndexEntry::new(key(Some("g"), b"x"), Some("g"), &ids, None);
        assert!(good.is_plausible());
        assert_eq!(good.guide_ids(), Some(ids));
        let bad_kind = IndexEntry {
            ids: vec![("fix".into(), 'x')],
            ..good.clone()
        };
        assert!(!bad_kind.is_plausible() && bad_kind.guide_ids().is_none());
        let bad_key = IndexEntry {
            key: "../../etc/passwd".into(),
            ..good.clone()
        };
        assert!(!bad_key.is_plausible());
        let long = IndexEntry {
            guide: Some("g".repeat(MAX_ID_BYTES + 1)),
            ..good
        };
        assert!(!long.is_plausible());
    }
}
