//! The lint cache (`.remedy-cache/` by default): what each file contributed to the cross-guide
//! index on the last run (its guide id, ids and title), so that a run that lints a few files
//! does not parse the rest of the content root again.
//!
//! An entry is for one file (its path) and holds a BLAKE3 hash of the file's name (its stem is
//! the id a file without one is known by) and text, so a changed, renamed or moved file is
//! never answered from the cache; and the file's stat when it was read, by which an unchanged
//! file is trusted without being read again, as git trusts its index (see [`settled`] for the
//! files that were too young to be trusted so). The whole cache is for one remedy version,
//! cache format and platform, and is ignored for any other. A cache file that is corrupt,
//! truncated, too large, foreign or reached through a symbolic link is ignored as if it were
//! not there: the run loads every file, and writes a new cache.
//!
//! A cache file is a seal line, a header line, then one entry a line in the order the run
//! linted the files: the next run reads it as a stream in the same order ([`EntryReader`],
//! after checking the seal over the whole file), so that it holds a round's entries, never
//! the whole cache, and writes the new file as it goes ([`EntryWriter`]). Writing is atomic (a
//! temporary file renamed over the old one, only when something differs) and never fails a
//! run.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use remedy_core::corpus::FileStat;
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

/// Bumped when what an entry means changes (4: a line an entry, in lint order, with stats).
const FORMAT: u32 = 4;

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

/// The line after the seal: what the entries below it are for.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Header {
    stamp: Stamp,
    /// For the findings file: [`crate::engine`]'s digest of everything the findings depend on
    /// besides the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    settings: Option<String>,
}

impl Header {
    /// The header of this remedy, for findings found under `settings` (none for the index).
    pub fn current(settings: Option<String>) -> Self {
        Self {
            stamp: Stamp::current(),
            settings,
        }
    }
}

/// A file's stat as an entry keeps it: size, modification and change times (nanoseconds),
/// inode, device.
pub(crate) type KeptStat = (u64, i64, i64, u64, u64);

fn kept_stat(stat: &FileStat) -> KeptStat {
    (
        stat.size,
        stat.modified,
        stat.changed,
        stat.inode,
        stat.device,
    )
}

/// The stat an entry keeps for a file whose stat (taken before it was read) is `stat`: only
/// when its modification and change times are both strictly older than `clock`, a timestamp of
/// the cache's file system taken before any file of the run was looked at. A file written in
/// the tick the run began could be written again within that tick after it was read, and then
/// show the same size, times, inode and device with other bytes (git's "racy" entries): such a
/// file keeps no stat, so the next run reads and hashes it (and keeps its stat then).
pub(crate) fn settled(stat: Option<FileStat>, clock: Option<i64>) -> Option<KeptStat> {
    let (stat, clock) = (stat?, clock?);
    (stat.modified < clock && stat.changed < clock).then(|| kept_stat(&stat))
}

/// Whether `stat`, taken by this run, is the one `entry` was made with: then the file has not
/// been written since, and the entry stands without reading it.
pub(crate) fn unchanged(entry: &IndexEntry, stat: Option<FileStat>) -> bool {
    entry.stat.is_some() && entry.stat == stat.as_ref().map(kept_stat)
}

/// What one file contributes to the cross-guide index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IndexEntry {
    /// The file, as the engine read it (empty until the engine sets it).
    #[serde(default)]
    pub path: String,
    /// Its stat when it was read, if [`settled`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stat: Option<KeptStat>,
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
            path: String::new(),
            stat: None,
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

/// An entry of a cache file as it was read, with its line (written again as it is when the
/// entry still holds).
#[derive(Debug)]
pub(crate) struct Cached<T> {
    pub entry: T,
    pub line: String,
}

/// What a file's entry in the file this run writes is.
#[derive(Debug)]
pub(crate) enum Fresh<T> {
    /// The entry read, still true: its line again.
    Same(String),
    /// A new or changed entry.
    New(T),
}

/// What every entry of a cache file is held to.
pub(crate) trait Entry: serde::de::DeserializeOwned {
    /// Whether remedy could have written it: bounded texts, known kinds.
    fn plausible(&self) -> bool;
}

impl Entry for IndexEntry {
    fn plausible(&self) -> bool {
        !self.path.is_empty() && self.is_plausible()
    }
}

impl Entry for FindingsEntry {
    fn plausible(&self) -> bool {
        self.key.len() == 64 && self.days[0] <= self.days[1]
    }
}

/// An entry's line, not parsed yet: the reader only reads its path, so that the entries of a
/// round are parsed by the workers that use them, and a round holds each entry once.
#[derive(Debug)]
pub(crate) struct Line(String);

impl Line {
    /// The entry, when it is one remedy could have written.
    pub fn parse<T: Entry>(self) -> Option<Cached<T>> {
        let entry: T = serde_json::from_str(&self.0).ok()?;
        entry.plausible().then_some(Cached {
            entry,
            line: self.0,
        })
    }
}

/// What the reader reads of each line.
#[derive(Deserialize)]
struct PathOnly<'a> {
    #[serde(borrow)]
    path: std::borrow::Cow<'a, str>,
}

/// A cache file read as a stream, an entry at a time, in the order it was written (the order
/// the last run linted its files): [`EntryReader::take`] is asked for the files of this run in
/// the same order, so only the entry looked at is held. Asked in another order (another working
/// directory can order display names otherwise), it answers less often, never wrongly: an
/// entry is only ever given for its own path.
pub(crate) struct EntryReader {
    lines: Option<BufReader<std::io::Take<std::fs::File>>>,
    /// The next entry's path and line.
    peeked: Option<(PathBuf, Line)>,
    /// Entries read that no file took (their files are gone, or came in another order).
    skipped: usize,
    buffer: Vec<u8>,
}

impl EntryReader {
    /// Reads cache file `name` of folder `dir` when its seal holds and its header is `header`'s
    /// (this remedy's stamp and settings); `None` when there is none or it cannot be trusted.
    pub fn open(dir: &Path, name: &str, header: &Header) -> Option<Self> {
        let mut lines = open_sealed(dir, name)?;
        let mut first = String::new();
        lines.read_line(&mut first).ok()?;
        let read: Header = serde_json::from_str(first.trim_end_matches('\n')).ok()?;
        (read.stamp == header.stamp && read.settings == header.settings).then_some(Self {
            lines: Some(lines),
            peeked: None,
            skipped: 0,
            buffer: Vec::new(),
        })
    }

    /// The entry of the file at `path`, if the last run wrote one and it comes next; entries
    /// for paths before it (in path order) are passed by.
    pub fn take(&mut self, path: &Path) -> Option<Line> {
        loop {
            if self.peeked.is_none() {
                self.peeked = self.next_entry();
            }
            let (next, _) = self.peeked.as_ref()?;
            match next.as_path().cmp(path) {
                std::cmp::Ordering::Equal => return self.peeked.take().map(|(_, line)| line),
                std::cmp::Ordering::Less => {
                    self.peeked = None;
                    self.skipped += 1;
                }
                std::cmp::Ordering::Greater => return None,
            }
        }
    }

    fn next_entry(&mut self) -> Option<(PathBuf, Line)> {
        loop {
            let lines = self.lines.as_mut()?;
            self.buffer.clear();
            if !matches!(lines.read_until(b'\n', &mut self.buffer), Ok(read) if read > 0) {
                self.lines = None;
                return None;
            }
            if self.buffer.last() == Some(&b'\n') {
                self.buffer.pop();
            }
            let path = serde_json::from_slice::<PathOnly<'_>>(&self.buffer)
                .ok()
                .map(|entry| PathBuf::from(entry.path.into_owned()));
            match (path, std::str::from_utf8(&self.buffer)) {
                // A copy of its own length: a line read grows its buffer by doubling.
                (Some(path), Ok(line)) => return Some((path, Line(line.to_owned()))),
                _ => self.skipped += 1,
            }
        }
    }

    /// Whether the file holds entries no file of this run took: its files are gone.
    pub fn left_over(&mut self) -> bool {
        if self.peeked.is_none() {
            self.peeked = self.next_entry();
        }
        self.skipped > 0 || self.peeked.is_some()
    }
}

/// The rest of cache file `name` in folder `dir` after its seal line, when it is a regular file
/// (never reached through a link), not too large, and sealed with this user's key: a cache file
/// that came with a repository, or was edited, is never trusted. The seal is checked over the
/// whole file, read as a stream, before the reader returned reads any of it again from the
/// same open file (remedy replaces a cache file by renaming a new one over it, never writes
/// into one).
fn open_sealed(dir: &Path, name: &str) -> Option<BufReader<std::io::Take<std::fs::File>>> {
    if !is_real_folder(dir) {
        return None;
    }
    let path = dir.join(name);
    let before = std::fs::symlink_metadata(&path).ok()?;
    if !before.file_type().is_file() || before.len() > MAX_CACHE_BYTES {
        return None;
    }
    let mut file = std::fs::File::open(&path).ok()?;
    // The file opened is the one looked at, not a link put in its place meanwhile.
    if !same_file(&before, &file.metadata().ok()?) {
        return None;
    }
    let mut seal = [0u8; SEAL_LINE];
    file.read_exact(&mut seal).ok()?;
    let (seal, newline) = seal.split_at(SEAL_LINE - 1);
    if newline != b"\n" {
        return None;
    }
    let seal = hex_bytes(std::str::from_utf8(seal).ok()?)?;
    let mut mac = keyed_mac(name, b"")?;
    let mut body = (&mut file).take(MAX_CACHE_BYTES);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match body.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => hmac::Mac::update(&mut mac, buffer.get(..read)?),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    // Compared in constant time, so that a seal cannot be found a byte at a time.
    hmac::Mac::verify_slice(mac, &seal).ok()?;
    file.seek(SeekFrom::Start(SEAL_LINE as u64)).ok()?;
    Some(BufReader::with_capacity(
        64 * 1024,
        file.take(MAX_CACHE_BYTES),
    ))
}

/// The seal line: 64 hex digits and a line feed.
const SEAL_LINE: usize = 65;

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

/// The cache file this run writes, an entry at a time in the order files are linted: a
/// temporary file in the cache folder (opened before the run looks at any file, so that its
/// time is the run's [`settled`] clock), sealed and renamed into place at the end only when an
/// entry differs from the file read, else removed. A failure is kept for the end: it is a
/// warning only when there was something to write.
pub(crate) struct EntryWriter {
    dir: PathBuf,
    name: &'static str,
    temporary: Option<PathBuf>,
    file: Option<std::io::BufWriter<std::fs::File>>,
    mac: Option<HmacSha256>,
    /// The folder did not exist: this run made it (and its `.gitignore`).
    created: bool,
    problem: Option<WriteError>,
    /// The file system's time when the temporary file was made, in nanoseconds since 1970.
    pub clock: Option<i64>,
}

impl EntryWriter {
    /// Starts cache file `name` (index.json or findings.json) in folder `dir`, creating the
    /// folder (with a `.gitignore` that ignores all of it) when it does not exist.
    pub fn open(dir: &Path, name: &'static str, header: &Header) -> Self {
        let mut writer = Self {
            dir: dir.to_path_buf(),
            name,
            temporary: None,
            file: None,
            mac: None,
            created: false,
            problem: None,
            clock: None,
        };
        if let Err(problem) = writer.start(header) {
            writer.problem = Some(problem);
            writer.file = None;
        }
        writer
    }

    fn failed(&self, problem: String) -> WriteError {
        WriteError {
            dir: self.dir.clone(),
            problem,
        }
    }

    fn io(&self, error: &std::io::Error) -> WriteError {
        self.failed(remedy_core::source::describe_io(error))
    }

    fn start(&mut self, header: &Header) -> Result<(), WriteError> {
        let dir = self.dir.clone();
        self.created = std::fs::symlink_metadata(&dir).is_err();
        if self.created {
            std::fs::create_dir_all(&dir).map_err(|e| self.io(&e))?;
        }
        if !is_real_folder(&dir) {
            return Err(
                self.failed("it is not a folder (a symbolic link is never followed)".into())
            );
        }
        // Only a folder remedy makes gets its `.gitignore`: in a folder that was there before
        // (any `[cache] dir`), a `*` would hide the owner's own files from git.
        if self.created {
            match write_new(&dir.join(".gitignore"), CACHE_GITIGNORE) {
                Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(self.io(&error));
                }
                _ => {}
            }
        }
        let mac = keyed_mac(self.name, b"").ok_or_else(|| {
            self.failed(match secret_dir() {
                Some(keys) => format!(
                    "its key cannot be read or made in {} (set XDG_CACHE_HOME to a folder you can write)",
                    keys.display()
                ),
                None => "there is no folder for its key (set HOME or XDG_CACHE_HOME)".into(),
            })
        })?;
        remove_stale(&dir, self.name);
        // A name no other run (another process, or another thread of this one) uses: the file
        // renamed into place is always one run's whole file.
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let serial = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temporary = dir.join(format!("{}.{}-{serial}.tmp", self.name, std::process::id()));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(|e| self.io(&e))?;
        self.temporary = Some(temporary);
        if let Ok(made) = file.metadata()
            && let Some(stat) = FileStat::of(&made)
        {
            self.clock = Some(stat.modified.min(stat.changed));
        }
        self.file = Some(std::io::BufWriter::with_capacity(64 * 1024, file));
        self.mac = Some(mac);
        // The seal's place, filled in at the end.
        self.write_raw(&[b'0'; SEAL_LINE - 1], false);
        self.write_raw(b"\n", false);
        let header = serde_json::to_string(header).map_err(|e| self.failed(e.to_string()))?;
        self.push_line(&header);
        self.problem.take().map_or(Ok(()), Err)
    }

    fn write_raw(&mut self, bytes: &[u8], sealed: bool) {
        let Some(file) = self.file.as_mut() else {
            return;
        };
        if let Err(error) = file.write_all(bytes) {
            self.problem = Some(self.io(&error));
            self.file = None;
            return;
        }
        if sealed && let Some(mac) = self.mac.as_mut() {
            hmac::Mac::update(mac, bytes);
        }
    }

    /// Appends an entry's line as it was read.
    pub fn push_line(&mut self, line: &str) {
        self.write_raw(line.as_bytes(), true);
        self.write_raw(b"\n", true);
    }

    /// Appends a new entry.
    pub fn push(&mut self, entry: &impl Serialize) {
        if self.file.is_none() {
            return;
        }
        match serde_json::to_string(entry) {
            Ok(line) => self.push_line(&line),
            Err(error) => {
                self.problem = Some(self.failed(error.to_string()));
                self.file = None;
            }
        }
    }

    /// Seals the file and puts it in place when `changed` (an entry differs from the file
    /// read, or that file could not be read), else throws it away.
    pub fn finish(mut self, changed: bool) -> Result<(), WriteError> {
        if !changed {
            return Ok(());
        }
        if let Some(problem) = self.problem.take() {
            return Err(problem);
        }
        let (Some(file), Some(mac), Some(temporary)) =
            (self.file.take(), self.mac.take(), self.temporary.clone())
        else {
            return Err(self.failed("it was not started".into()));
        };
        let seal: [u8; 32] = hmac::Mac::finalize(mac).into_bytes().into();
        let mut file = file.into_inner().map_err(|error| self.io(error.error()))?;
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(hex(&seal).as_bytes()))
            .map_err(|e| self.io(&e))?;
        drop(file);
        let target = self.dir.join(self.name);
        let ignore = self.dir.join(".gitignore");
        if !self.created && !is_cache_folder(&ignore) && !replaceable(&target) {
            return Err(self.failed(format!(
                "{} there is not a remedy cache file, and remedy never replaces a file it did not write; set another [cache] dir",
                self.name
            )));
        }
        std::fs::rename(&temporary, &target).map_err(|e| self.io(&e))?;
        self.temporary = None;
        self.created = false;
        Ok(())
    }
}

/// Removes the temporary cache files of runs that died before their end (a run killed keeps
/// its temporary file, which lives as long as the run): a file of the name a run gives its
/// temporary file (`index.json.PID-N.tmp`) whose process is gone. Only where the process table
/// can be asked (Linux); elsewhere they stay until the folder is deleted.
fn remove_stale(dir: &Path, name: &str) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|file| file.strip_prefix(name))
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split_once('-'))
            .filter(|(_, serial)| serial.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists();
        if !alive && entry.file_type().is_ok_and(|kind| kind.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Drop for EntryWriter {
    fn drop(&mut self) {
        self.file = None;
        if let Some(temporary) = self.temporary.take() {
            let _ = std::fs::remove_file(temporary);
        }
        // A folder this run made and wrote nothing into is taken away again.
        if self.created {
            let _ = std::fs::remove_file(self.dir.join(".gitignore"));
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
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

/// The index entries' file's name.
pub(crate) const INDEX: &str = INDEX_FILE;
/// The findings entries' file's name.
pub(crate) const FINDINGS: &str = FINDINGS_FILE;

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
    fn a_file_as_young_as_the_run_keeps_no_stat() {
        let stat = FileStat {
            size: 10,
            modified: 1_000,
            changed: 2_000,
            inode: 7,
            device: 8,
        };
        assert_eq!(
            settled(Some(stat), Some(2_001)),
            Some((10, 1_000, 2_000, 7, 8))
        );
        // Written in the tick the run's clock was taken, or after: it could be written again
        // within that tick with every field of its stat the same.
        assert_eq!(settled(Some(stat), Some(2_000)), None);
        let touched = FileStat {
            modified: 3_000,
            ..stat
        };
        assert_eq!(settled(Some(touched), Some(2_500)), None);
        assert_eq!(settled(Some(stat), None), None);
        assert_eq!(settled(None, Some(5_000)), None);

        let ids = GuideIds::new([("fix", IdKind::Method)]);
        let Some(mut entry) = IndexEntry::new(key(Some("g"), b"x"), Some("g"), &ids, None) else {
            panic!("no entry");
        };
        // An entry without a stat is never trusted by one.
        assert!(!unchanged(&entry, Some(stat)));
        entry.stat = settled(Some(stat), Some(2_001));
        assert!(unchanged(&entry, Some(stat)));
        for other in [
            FileStat { size: 11, ..stat },
            FileStat {
                modified: 999,
                ..stat
            },
            FileStat {
                changed: 2_001,
                ..stat
            },
            FileStat { inode: 9, ..stat },
            FileStat { device: 1, ..stat },
        ] {
            assert!(!unchanged(&entry, Some(other)), "{other:?}");
        }
        assert!(!unchanged(&entry, None));
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
