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
use sha2::{Digest, Sha256};

/// The cache folder's default name, beside `remedy.toml` (or in the working directory).
pub const DEFAULT_DIR: &str = ".remedy-cache";

/// The index entries' file inside the cache folder.
const INDEX_FILE: &str = "index.json";

/// The findings entries' file inside the cache folder: read only by a lint of the whole root,
/// so that a run on a few files does not pay for reading every file's findings.
const FINDINGS_FILE: &str = "findings.json";

/// Bumped when what an entry means changes.
const FORMAT: u32 = 3;

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
    /// The ids the guide declares, one a line, each after its kind: `c` (cause), `m` (method)
    /// or `s` (step). One text, not one per id: the cache of 10,000 guides is in memory while
    /// they are linted.
    pub ids: String,
    /// The title, normalized as `duplicate-title` compares titles.
    pub title: Option<String>,
}

impl IndexEntry {
    /// The entry of a file; `None` when an id holds a line break (no valid id does), which
    /// the entry could not tell from the next id.
    pub fn new(
        key: String,
        guide: Option<&str>,
        ids: &GuideIds,
        title: Option<&str>,
    ) -> Option<Self> {
        let mut text = String::new();
        for (id, kind) in ids.iter() {
            if id.contains('\n') {
                return None;
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push(kind_letter(kind));
            text.push_str(id);
        }
        Some(Self {
            key,
            guide: guide.map(str::to_owned),
            ids: text,
            title: title.map(str::to_owned),
        })
    }

    fn each_id(&self) -> impl Iterator<Item = (Option<IdKind>, &str)> {
        self.ids
            .split('\n')
            .filter(|line| !line.is_empty())
            .map(|line| {
                let mut chars = line.chars();
                let kind = chars.next().and_then(kind_of_letter);
                (kind, chars.as_str())
            })
    }

    /// The entry's ids, or `None` when the cache holds a kind that does not exist.
    pub fn guide_ids(&self) -> Option<GuideIds> {
        let mut ids = Vec::new();
        for (kind, id) in self.each_id() {
            ids.push((id, kind?));
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
            && self.each_id().all(|(kind, id)| short(id) && kind.is_some())
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
    hex(hasher.finalize().as_bytes())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The entries of the last run, by key.
#[derive(Debug, Default)]
///
/// An entry is taken out when it is used, so that the cache shrinks as the run's own index
/// grows and a warm run holds each file's ids about once; writing the cache again reads the
/// kept entries back from the file.
pub(crate) struct IndexCache {
    entries: std::sync::Mutex<HashMap<String, IndexEntry>>,
    /// How many entries were read.
    read: usize,
}

impl IndexCache {
    /// Reads the cache of folder `dir`; an empty cache when there is none or it cannot be
    /// trusted.
    pub fn read(dir: &Path) -> Self {
        let entries: HashMap<String, IndexEntry> = read_entries(dir)
            .unwrap_or_default()
            .into_iter()
            .filter(IndexEntry::is_plausible)
            .map(|entry| (entry.key.clone(), entry))
            .collect();
        Self {
            read: entries.len(),
            entries: std::sync::Mutex::new(entries),
        }
    }

    /// The entry of a file with this key, if the last run wrote one; taken out of the cache.
    pub fn take(&self, key: &str) -> Option<IndexEntry> {
        self.entries.lock().ok()?.remove(key)
    }

    /// Whether the cache holds exactly this entry.
    pub fn holds(&self, entry: &IndexEntry) -> bool {
        self.entries
            .lock()
            .is_ok_and(|entries| entries.get(&entry.key) == Some(entry))
    }

    /// How many entries were read.
    pub fn len(&self) -> usize {
        self.read
    }
}

fn read_entries(dir: &Path) -> Option<Vec<IndexEntry>> {
    let text = read_sealed(dir, INDEX_FILE)?;
    let cache: CacheFile = serde_json::from_str(&text).ok()?;
    (cache.stamp == Stamp::current()).then_some(cache.entries)
}

/// The text of cache file `name` in folder `dir`, when it is a regular file (never reached
/// through a link), not too large, and sealed with this user's key: a cache file that came with
/// a repository, or was edited, is never trusted.
fn read_sealed(dir: &Path, name: &str) -> Option<String> {
    if !is_real_folder(dir) {
        return None;
    }
    let path = dir.join(name);
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
    let (seal, body) = text.split_once('\n')?;
    // Compared in constant time, so that a seal cannot be found a byte at a time.
    use hmac::Mac;
    keyed_mac(name, body.as_bytes())?
        .verify_slice(&hex_bytes(seal)?)
        .ok()?;
    let start = text.len() - body.len();
    text.drain(..start);
    Some(text)
}

type HmacSha256 = hmac::Hmac<Sha256>;

/// The seal's MAC fed with what it covers: the file's name (an index file cannot stand in for
/// a findings file) and its text.
fn keyed_mac(name: &str, body: &[u8]) -> Option<HmacSha256> {
    use hmac::{KeyInit, Mac};
    let mut mac = HmacSha256::new_from_slice(secret()?).ok()?;
    mac.update(name.as_bytes());
    mac.update(&[0]);
    mac.update(body);
    Some(mac)
}

/// HMAC-SHA-256 of a cache file's name and text under this user's key.
fn seal_of(name: &str, body: &[u8]) -> Option<[u8; 32]> {
    use hmac::Mac;
    Some(keyed_mac(name, body)?.finalize().into_bytes().into())
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..32)
        .map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// The key that seals this user's cache files, kept outside every repository (see
/// [`secret_dir`]) and made the first time it is needed: a repository can bring a cache
/// folder, and name one in its `remedy.toml`, but cannot bring what seals it.
fn secret() -> Option<&'static [u8]> {
    static SECRET: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    SECRET
        .get_or_init(|| {
            let dir = secret_dir()?;
            let path = dir.join(SECRET_FILE);
            if let Some(secret) = read_secret(&path) {
                return Some(secret);
            }
            std::fs::create_dir_all(&dir).ok()?;
            let temporary = dir.join(format!("{SECRET_FILE}.{}.tmp", std::process::id()));
            let _ = std::fs::remove_file(&temporary);
            let made = write_new(&temporary, hex(&fresh_secret()).as_bytes())
                .and_then(|()| std::fs::rename(&temporary, &path));
            if made.is_err() {
                let _ = std::fs::remove_file(&temporary);
            }
            // Another run may have made one at the same moment: the one in place is the key.
            read_secret(&path)
        })
        .as_deref()
}

const SECRET_FILE: &str = "cache-key";

fn read_secret(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() || meta.len() != 64 {
        return None;
    }
    hex_bytes(std::fs::read_to_string(path).ok()?.trim())
}

/// Where the key lives: `$XDG_CACHE_HOME/remedy`, else `~/.cache/remedy` (on Windows
/// `%LOCALAPPDATA%\remedy`); without any of them there is no trusted cache.
fn secret_dir() -> Option<PathBuf> {
    let from = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|dir| dir.is_absolute())
    };
    from("XDG_CACHE_HOME")
        .or_else(|| from("HOME").map(|home| home.join(".cache")))
        .or_else(|| from("LOCALAPPDATA"))
        .map(|dir| dir.join("remedy"))
}

/// 32 unpredictable bytes: the standard library's hash keys come from the operating system's
/// random source, so no dependency is needed for them.
fn fresh_secret() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = Sha256::new();
    for round in 0u64..8 {
        let mut keyed = std::collections::hash_map::RandomState::new().build_hasher();
        keyed.write_u64(round);
        keyed.write_u32(std::process::id());
        if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            keyed.write_u128(now.as_nanos());
        }
        hasher.update(keyed.finish().to_le_bytes());
    }
    hasher.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

/// Seals cache file `path` again after it was edited: for tests that need a cache which lies
/// but carries this user's seal (what only this user's own runs could write).
#[doc(hidden)]
pub fn reseal(path: &Path) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let body = text
        .split_once('\n')
        .map_or(text.as_str(), |(_, body)| body);
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let seal = seal_of(&name, body.as_bytes()).ok_or_else(|| std::io::Error::other("no key"))?;
    std::fs::write(path, format!("{}\n{body}", hex(&seal)))
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

/// Why the cache could not be written: the run's results stand, the binary warns.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot write the lint cache in {}: {problem}; the next run will parse every file again (set `[cache] dir` in remedy.toml, or pass --no-cache)", .dir.display())]
pub struct WriteError {
    /// The cache folder.
    pub dir: PathBuf,
    /// What went wrong, in words.
    pub problem: String,
}

/// Writes the entries of this run as the cache of folder `dir`, creating it (with a
/// `.gitignore` that ignores the whole folder) when it does not exist. A failure never fails
/// the run (the cache only saves time); the caller reports it as a warning.
pub(crate) fn write(dir: &Path, mut entries: Vec<IndexEntry>) -> Result<(), WriteError> {
    // Sorted, so that the same corpus writes the same bytes.
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    entries.dedup_by(|a, b| a.key == b.key);
    let cache = CacheFile {
        stamp: Stamp::current(),
        entries,
    };
    write_file(dir, INDEX_FILE, &cache)
}

fn write_file(dir: &Path, name: &str, cache: &impl Serialize) -> Result<(), WriteError> {
    let failed = |problem: String| WriteError {
        dir: dir.to_path_buf(),
        problem,
    };
    let io = |error: std::io::Error| failed(remedy_core::source::describe_io(&error));
    let created = std::fs::symlink_metadata(dir).is_err();
    if created {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    if !is_real_folder(dir) {
        return Err(failed(
            "it is not a folder (a symbolic link is never followed)".into(),
        ));
    }
    // Only a folder remedy makes gets its `.gitignore`: in a folder that was there before (any
    // `[cache] dir`), a `*` would hide the owner's own files from git.
    let ignore = dir.join(".gitignore");
    if created {
        write_new(&ignore, CACHE_GITIGNORE).map_err(io)?;
    }
    let body = serde_json::to_vec(cache).map_err(|error| failed(error.to_string()))?;
    let seal = seal_of(name, &body).ok_or_else(|| {
        failed(match secret_dir() {
            Some(keys) => format!(
                "its key cannot be read or made in {} (set XDG_CACHE_HOME to a folder you can write)",
                keys.display()
            ),
            None => "there is no folder for its key (set HOME or XDG_CACHE_HOME)".into(),
        })
    })?;
    let mut text = Vec::with_capacity(65 + body.len());
    text.extend_from_slice(hex(&seal).as_bytes());
    text.push(b'\n');
    text.extend_from_slice(&body);
    // A name no other run (another process, or another thread of this one) uses: the file
    // renamed into place is always one run's whole file.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let serial = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let target = dir.join(name);
    if !created && !is_cache_folder(&ignore) && !replaceable(&target) {
        return Err(failed(format!(
            "{name} there is not a remedy cache file, and remedy never replaces a file it did not write; set another [cache] dir"
        )));
    }
    let temporary = dir.join(format!("{name}.{}-{serial}.tmp", std::process::id()));
    let written = write_new(&temporary, &text).and_then(|()| std::fs::rename(&temporary, &target));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(io)
}

/// The `.gitignore` remedy writes into a cache folder it makes: it marks the folder as remedy's.
const CACHE_GITIGNORE: &[u8] = b"# remedy's cache: safe to delete; see `remedy lint --help`\n*\n";

/// Whether the folder of `ignore` is a cache folder remedy made (its `.gitignore` is
/// remedy's): there, whatever holds a cache file's name is an old or broken cache file.
fn is_cache_folder(ignore: &Path) -> bool {
    std::fs::symlink_metadata(ignore)
        .is_ok_and(|m| m.is_file() && m.len() == CACHE_GITIGNORE.len() as u64)
        && std::fs::read(ignore).is_ok_and(|bytes| bytes == CACHE_GITIGNORE)
}

/// Outside a cache folder remedy made, whether `path` may be replaced by a cache file: nothing is there, or a regular file that
/// starts as every cache file does (a seal of 64 hex digits and a line feed), whatever its seal
/// says. A `[cache] dir` may name any folder, and its other files are not remedy's.
fn replaceable(path: &Path) -> bool {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return true;
    };
    if !metadata.is_file() {
        return false;
    }
    let mut head = [0u8; 65];
    std::fs::File::open(path)
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut head))
        .is_ok_and(|()| {
            head[64] == b'\n'
                && head[..64]
                    .iter()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        })
}

/// Writes a file that must not exist yet (never through a link left in its place). Not synced:
/// a cache file cut short by a crash fails its seal and is ignored, so durability would only
/// cost every changed-file run a wait for the disk.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)
}

/// A span as four numbers: start line and column, end line and column.
pub(crate) type CachedSpan = [u32; 4];

/// One finding of a file's own checks, without its file (named as this run names it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CachedFinding {
    pub rule: String,
    pub severity: crate::Severity,
    pub span: CachedSpan,
    pub pointer: String,
    pub message: String,
}

/// A `# remedy: ignore[…]` comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CachedDirective {
    pub line: u32,
    pub span: CachedSpan,
    pub rules: Vec<(String, CachedSpan)>,
    pub reason: Option<String>,
}

/// A reference into another guide: checked against the index on every run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CachedReference {
    pub reference: String,
    pub pointer: String,
    /// `c` (a cause), `m` (a method), `o` (a method or a step), `g` (a guide).
    pub expected: char,
    pub span: CachedSpan,
}

/// A picture's `src`: `missing-image` asks the file system on every run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CachedImage {
    pub src: String,
    pub pointer: String,
    pub span: CachedSpan,
}

/// What one linted file's own checks found, for a lint of the whole root: valid for the file
/// of [`key`] at `path`, under the settings the findings file is stamped with, on the days
/// `days` covers. Source lines are not kept: a hit reads them from the file it hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FindingsEntry {
    pub key: String,
    /// The file as the engine read it: pictures are found from its folder.
    pub path: String,
    /// The first and last day (since 1970-01-01, UTC) on which the date rules say the same.
    pub days: [i64; 2],
    /// Whether the file held a typed guide.
    pub loaded: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<CachedFinding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub directives: Vec<CachedDirective>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<CachedReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_place: Option<CachedSpan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<(String, CachedSpan)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<CachedImage>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FindingsFile {
    stamp: Stamp,
    /// [`FindingsCache::read`]'s `settings`: a digest of everything the findings depend on
    /// besides the file.
    settings: String,
    entries: Vec<FindingsEntry>,
}

/// The findings entries of the last whole-root lint, by key; like [`IndexCache`], an entry is
/// taken out when it is used.
#[derive(Debug, Default)]
pub(crate) struct FindingsCache {
    entries: std::sync::Mutex<HashMap<String, FindingsEntry>>,
    read: usize,
}

impl FindingsCache {
    /// Reads the findings of folder `dir`; none when there are none, they cannot be trusted,
    /// or they were found under other `settings`.
    pub fn read(dir: &Path, settings: &str) -> Self {
        let entries = read_sealed(dir, FINDINGS_FILE)
            .and_then(|text| serde_json::from_str::<FindingsFile>(&text).ok())
            .filter(|file| file.stamp == Stamp::current() && file.settings == settings)
            .map(|file| file.entries)
            .unwrap_or_default();
        let entries: HashMap<String, FindingsEntry> = entries
            .into_iter()
            .filter(|entry| entry.key.len() == 64 && entry.days[0] <= entry.days[1])
            .map(|entry| (entry.key.clone(), entry))
            .collect();
        Self {
            read: entries.len(),
            entries: std::sync::Mutex::new(entries),
        }
    }

    /// The entry of this key, taken out of the cache.
    pub fn take(&self, key: &str) -> Option<FindingsEntry> {
        self.entries.lock().ok()?.remove(key)
    }

    /// How many entries were read.
    pub fn len(&self) -> usize {
        self.read
    }
}

/// Writes the findings of this run, found under `settings`, into folder `dir`.
pub(crate) fn write_findings(
    dir: &Path,
    settings: String,
    mut entries: Vec<FindingsEntry>,
) -> Result<(), WriteError> {
    entries.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.path.cmp(&b.path)));
    entries.dedup_by(|a, b| a.key == b.key);
    let file = FindingsFile {
        stamp: Stamp::current(),
        settings,
        entries,
    };
    write_file(dir, FINDINGS_FILE, &file)
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
        let Some(good) = good else {
            panic!("no entry");
        };
        assert_eq!(good.ids, "mfix");
        assert!(good.is_plausible());
        assert_eq!(good.guide_ids(), Some(ids));
        let bad_kind = IndexEntry {
            ids: "xfix".into(),
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
