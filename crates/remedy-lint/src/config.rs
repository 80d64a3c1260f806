//! `remedy.toml`: the content root, `fail-on`, per-rule severities and rule options (SPEC §3).
//!
//! ```toml
//! content = "content"
//! [lint]
//! fail-on = "error"              # error | warning | never
//! [lint.rules]
//! orphan-cause = "off"           # off | warning | error
//! [lint.undeclared-destructive]
//! extra-phrases = ["reset all content"]
//! ```
//!
//! Unknown keys are errors that name the key and the valid ones: a misspelled key would otherwise
//! be silently ignored, and CI would run with settings nobody chose.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use thiserror::Error;
use toml::{Table, Value};

use crate::finding::Severity;
use crate::rules::{self, PhraseMatcher, RuleId, RuleOptions};

/// The configuration file's name, looked for in the working directory.
pub const CONFIG_FILE: &str = "remedy.toml";

/// The content root when no configuration says otherwise.
pub const DEFAULT_CONTENT: &str = "content";

/// From which severity findings fail the run (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Errors fail the run; warnings do not (the default).
    #[default]
    Error,
    /// Errors and warnings fail the run.
    Warning,
    /// Nothing fails the run; findings are only reported.
    Never,
}

impl FailOn {
    /// The values as written in configuration and on the command line.
    pub const VALUES: [&'static str; 3] = ["error", "warning", "never"];

    /// `error`, `warning` or `never`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Never => "never",
        }
    }

    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => true,
            FailOn::Never => false,
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `fail-on` value that is not one of `error`, `warning`, `never`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{0}` is not a fail-on value; use error, warning or never")]
pub struct BadFailOn(pub String);

impl FromStr for FailOn {
    type Err = BadFailOn;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "error" => Ok(FailOn::Error),
            "warning" => Ok(FailOn::Warning),
            "never" => Ok(FailOn::Never),
            other => Err(BadFailOn(other.to_owned())),
        }
    }
}

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    /// The rule does not run.
    Off,
    /// Its findings are warnings.
    Warning,
    /// Its findings are errors.
    Error,
}

impl RuleLevel {
    /// The values as written.
    pub const VALUES: [&'static str; 3] = ["off", "warning", "error"];

    fn parse(text: &str) -> Option<Self> {
        match text {
            "off" => Some(RuleLevel::Off),
            "warning" => Some(RuleLevel::Warning),
            "error" => Some(RuleLevel::Error),
            _ => None,
        }
    }

    /// The severity, `None` for off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Off => None,
            RuleLevel::Warning => Some(Severity::Warning),
            RuleLevel::Error => Some(Severity::Error),
        }
    }
}

/// Why the configuration cannot be used. Each message names the file and what to do.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// `--config FILE` names a file that does not exist.
    #[error("{}: no such configuration file; check the --config path", .path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file exists but cannot be read.
    #[error("{}: cannot read: {message}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Not valid TOML.
    #[error("{}:{line}:{column}: invalid TOML: {message}", .path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A key the configuration does not know.
    #[error("{}: unknown key `{key}` in {table}; {}valid keys: {valid}", .path.display(), did_you_mean_key(.key, .valid))]
    UnknownKey {
        /// The file.
        path: PathBuf,
        /// The key as written.
        key: String,
        /// Where: `the top level`, `[lint]`, …
        table: String,
        /// The keys allowed there, comma-separated.
        valid: String,
    },
    /// A rule the exports depend on, turned off or lowered to a warning.
    #[error("{}: `lint.rules.{name}` cannot be `{level}`: the exports cannot use a guide with `{name}` findings, so they are always errors; remove this line", .path.display())]
    Required {
        /// The file.
        path: PathBuf,
        /// The rule.
        name: &'static str,
        /// The level written: `off` or `warning`.
        level: String,
    },
    /// A rule name in `[lint.rules]` that is not a rule.
    #[error("{}: unknown rule `{name}` in [lint.rules]; {}valid rules: {valid}", .path.display(), did_you_mean(.name))]
    UnknownRule {
        /// The file.
        path: PathBuf,
        /// The name as written.
        name: String,
        /// Every rule name, comma-separated.
        valid: String,
    },
    /// A `[pdf] fonts` file that cannot be read or is not a font.
    #[error("{}: the font {} in [pdf] fonts {problem}; check the path (it is relative to remedy.toml's folder)", .path.display(), .font.display())]
    Font {
        /// The configuration file.
        path: PathBuf,
        /// The font file.
        font: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// `[book] order` lists a guide twice.
    #[error("{}:{line}:{column}: `book.order` lists `{id}` twice (first on line {first}); list each guide once", .path.display())]
    BookOrderRepeated {
        /// The file.
        path: PathBuf,
        /// 1-based line of the second mention.
        line: usize,
        /// 1-based column of the second mention.
        column: usize,
        /// The id.
        id: String,
        /// 1-based line of the first mention.
        first: usize,
    },
    /// `[book] order` lists an id no guide has.
    #[error("{}:{line}:{column}: `book.order` lists `{id}`, but no guide has that id; {}list guide ids (a guide's file name without .yaml)", .path.display(), .nearest.as_ref().map(|near| format!("did you mean `{near}`? ")).unwrap_or_default())]
    BookOrderUnknown {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The id as written.
        id: String,
        /// The guide id it was most likely meant to be.
        nearest: Option<String>,
    },
    /// A value of the wrong type or outside its choices.
    #[error("{}: `{key}` is {found}; {expected}", .path.display())]
    BadValue {
        /// The file.
        path: PathBuf,
        /// The key, with its table: `lint.fail-on`.
        key: String,
        /// What was written, in words.
        found: String,
        /// What is allowed.
        expected: String,
    },
}

/// The linter's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The configuration file read, if any.
    pub file: Option<PathBuf>,
    /// The content root: relative to the configuration file's folder when set there, else
    /// `content` in the working directory. Joined with the working directory by the engine
    /// when relative.
    pub content: PathBuf,
    /// From which severity findings fail the run. `--fail-on` overrides it.
    pub fail_on: FailOn,
    /// Per-rule levels from `[lint.rules]`.
    pub rules: BTreeMap<RuleId, RuleLevel>,
    /// `[lint.undeclared-destructive] extra-phrases`.
    pub extra_phrases: Vec<String>,
    /// `[lint.stale-review] max-age-days`.
    pub stale_max_age_days: u32,
    /// `[pdf] fonts`: extra fonts the handouts may draw with, resolved against the
    /// configuration file's folder.
    pub pdf_fonts: Vec<PathBuf>,
    /// `[lint.undeclared-destructive] extra-reset-phrases`.
    pub extra_reset_phrases: Vec<String>,
    /// `[platforms]`: display names by platform slug, over the built-in ones.
    pub platform_names: BTreeMap<String, String>,
    /// The lint cache's folder, `[cache] dir`; `None`: no cache. The binary uses
    /// [`crate::cache::default_dir`] when it is not set (and nothing with `--no-cache`); a
    /// configuration built or loaded in code has no cache unless it says so.
    pub cache_dir: Option<PathBuf>,
    /// `[book]`: the book's title page and the order of its guides.
    pub book: BookConfig,
}

/// `[book]` (SPEC §3): what the combined PDF says about itself, and which guides come first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BookConfig {
    /// The title page's title, also the document's title; `None`: the exporter's default.
    pub title: Option<String>,
    /// A line under the title.
    pub subtitle: Option<String>,
    /// Who the book is by: on the title page and as the document's author.
    pub author: Option<String>,
    /// Guide ids the book prints first, in this order; the other guides follow by path.
    pub order: Vec<OrderEntry>,
    /// The configuration file as errors name it.
    pub file: PathBuf,
}

/// One id of `[book] order`, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEntry {
    /// The guide id as written.
    pub id: String,
    /// 1-based line in the configuration file.
    pub line: usize,
    /// 1-based column (in characters) of its opening quote.
    pub column: usize,
}

impl BookConfig {
    /// The ids of `order`, in order.
    pub fn order_ids(&self) -> Vec<String> {
        self.order.iter().map(|entry| entry.id.clone()).collect()
    }

    /// Refuses an `order` entry that names no guide, where `is_guide` says which ids are
    /// guides: an error naming the line and the nearest of `guide_ids`.
    pub fn check_order<'a>(
        &self,
        is_guide: impl Fn(&str) -> bool,
        guide_ids: impl Iterator<Item = &'a str> + Clone,
    ) -> Result<(), ConfigError> {
        let Some(unknown) = self.order.iter().find(|entry| !is_guide(&entry.id)) else {
            return Ok(());
        };
        Err(ConfigError::BookOrderUnknown {
            path: self.file.clone(),
            line: unknown.line,
            column: unknown.column,
            id: unknown.id.clone(),
            nearest: nearest_id(&unknown.id, guide_ids).map(str::to_owned),
        })
    }
}

/// The id `written` was most likely meant to be: the closest by edit distance, within a third
/// of its length (at least 2).
fn nearest_id<'a>(written: &str, ids: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    // Ids are at most 64 characters: a longer one is near none of them.
    if written.len() > 64 {
        return None;
    }
    let mut nearest: Option<(usize, &str)> = None;
    for id in ids {
        let distance = strsim::levenshtein(written, id);
        if distance <= (id.len().max(written.len()) / 3).max(2)
            && nearest.is_none_or(|(best, near)| (distance, id) < (best, near))
        {
            nearest = Some((distance, id));
        }
    }
    nearest.map(|(_, id)| id)
}

/// "did you mean `key`? " for a mistyped configuration key, of the comma-separated `valid`.
fn did_you_mean_key(key: &str, valid: &str) -> String {
    let valid: Vec<String> = valid.split(", ").map(str::to_owned).collect();
    remedy_core::schema::closest(key, &valid)
        .map(|near| format!("did you mean `{near}`? "))
        .unwrap_or_default()
}

/// The keys of `[book]`.
/// The longest title, subtitle or author a title page takes (a few lines of large type).
const MAX_BOOK_TEXT: usize = 200;

const BOOK_KEYS: [&str; 4] = ["title", "subtitle", "author", "order"];

/// Reads `[book]`. `text` is the whole file, for the lines of `order`'s entries.
fn book_table(book: &Table, text: &str, path: &Path) -> Result<BookConfig, ConfigError> {
    let bad = |key: &str, value: &Value, expected: &str| ConfigError::BadValue {
        path: path.to_path_buf(),
        key: format!("book.{key}"),
        found: describe(value),
        expected: expected.to_owned(),
    };
    let mut config = BookConfig {
        file: path.to_path_buf(),
        ..BookConfig::default()
    };
    for (key, value) in book {
        let text_value = || match value.as_str() {
            // One printable line: a title page sets no line breaks or control characters.
            Some(words)
                if !words.trim().is_empty()
                    && words.chars().count() <= MAX_BOOK_TEXT
                    && !words.chars().any(char::is_control) =>
            {
                Ok(Some(words.trim().to_owned()))
            }
            _ => Err(bad(
                key,
                value,
                &format!(
                    "write the words the book shows, on one line of at most {MAX_BOOK_TEXT} characters, like {key} = \"Home network handbook\""
                ),
            )),
        };
        match key.as_str() {
            "title" => config.title = text_value()?,
            "subtitle" => config.subtitle = text_value()?,
            "author" => config.author = text_value()?,
            "order" => {
                let expected =
                    "write a list of guide ids, like order = [\"mac-wont-connect-to-wifi\"]";
                let Value::Array(items) = value else {
                    return Err(bad(key, value, expected));
                };
                let places = order_places(text);
                for (index, item) in items.iter().enumerate() {
                    let Some(id) = item.as_str().filter(|id| !id.trim().is_empty()) else {
                        return Err(bad(key, item, expected));
                    };
                    let (line, column) = places.get(index).copied().unwrap_or((1, 1));
                    if let Some(first) = config.order.iter().find(|entry| entry.id == id) {
                        return Err(ConfigError::BookOrderRepeated {
                            path: path.to_path_buf(),
                            line,
                            column,
                            id: id.to_owned(),
                            first: first.line,
                        });
                    }
                    config.order.push(OrderEntry {
                        id: id.to_owned(),
                        line,
                        column,
                    });
                }
            }
            other => {
                return Err(ConfigError::UnknownKey {
                    path: path.to_path_buf(),
                    key: other.to_owned(),
                    table: "[book]".to_owned(),
                    valid: BOOK_KEYS.join(", "),
                });
            }
        }
    }
    Ok(config)
}

/// Where each entry of `[book] order` is written (line, column), read again with spans; empty
/// when the file does not have that shape (the caller has already checked it does).
fn order_places(text: &str) -> Vec<(usize, usize)> {
    #[derive(serde::Deserialize)]
    struct File {
        book: Option<Book>,
    }
    #[derive(serde::Deserialize)]
    struct Book {
        #[serde(default)]
        order: Vec<toml::Spanned<String>>,
    }
    toml::from_str::<File>(text)
        .ok()
        .and_then(|file| file.book)
        .map(|book| {
            book.order
                .iter()
                .map(|entry| line_column(text, entry.span().start))
                .collect()
        })
        .unwrap_or_default()
}

impl Default for Config {
    fn default() -> Self {
        Self {
            file: None,
            content: PathBuf::from(DEFAULT_CONTENT),
            fail_on: FailOn::Error,
            rules: BTreeMap::new(),
            extra_phrases: Vec::new(),
            stale_max_age_days: rules::stale_review::DEFAULT_MAX_AGE_DAYS,
            pdf_fonts: Vec::new(),
            extra_reset_phrases: Vec::new(),
            platform_names: BTreeMap::new(),
            cache_dir: None,
            book: BookConfig::default(),
        }
    }
}

fn did_you_mean(name: &str) -> String {
    rules::nearest_name(name)
        .map(|rule| format!("did you mean `{rule}`? "))
        .unwrap_or_default()
}

/// How much of a wrong text value an error shows.
const SHOWN_CHARS: usize = 60;

fn describe(value: &Value) -> String {
    match value {
        // The repository's words, so never raw: control characters (a terminal's escape
        // sequences among them) shown escaped, and a long text cut short.
        Value::String(s) => {
            let head: String = s.chars().take(SHOWN_CHARS).collect();
            let mut shown = remedy_core::shown::escaped(&head).into_owned();
            if s.chars().nth(SHOWN_CHARS).is_some() {
                shown.push('…');
            }
            format!("`{shown}`")
        }
        Value::Integer(i) => format!("the number {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Boolean(b) => format!("`{b}`"),
        Value::Datetime(d) => format!("the date {d}"),
        Value::Array(_) => "a list".into(),
        Value::Table(_) => "a table".into(),
    }
}

/// The most `extra-phrases` a configuration may list: each is tried at every word that starts
/// one, in every step of every guide.
pub const MAX_EXTRA_PHRASES: usize = 1000;

/// The longest extra phrase, in characters.
pub const MAX_PHRASE_CHARS: usize = 200;

/// The largest configuration file read, in bytes.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// An error when `extra-phrases` lists too many phrases or too long a one. Checked before the
/// phrases are looked at, and without echoing a long phrase back.
fn phrases_over_limits(items: &[Value], path: &Path) -> Option<ConfigError> {
    let key = "lint.undeclared-destructive.extra-phrases".to_owned();
    if items.len() > MAX_EXTRA_PHRASES {
        return Some(ConfigError::BadValue {
            path: path.to_path_buf(),
            key,
            found: format!("a list of {} phrases", items.len()),
            expected: format!(
                "list at most {MAX_EXTRA_PHRASES}: each is tried at every word of every step"
            ),
        });
    }
    let long = items
        .iter()
        .filter_map(Value::as_str)
        .map(|phrase| phrase.chars().count())
        .find(|&chars| chars > MAX_PHRASE_CHARS)?;
    Some(ConfigError::BadValue {
        path: path.to_path_buf(),
        key,
        found: format!("a list with a phrase of {long} characters"),
        expected: format!("keep each phrase to at most {MAX_PHRASE_CHARS} characters"),
    })
}

/// Reads a configuration file: a regular file (a FIFO would block the run, a device never
/// ends), at most [`MAX_CONFIG_BYTES`], read no further than that.
fn read_config_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a regular file (a folder, pipe, socket or device); name a remedy.toml",
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "it is larger than {} KiB, which no configuration needs",
                MAX_CONFIG_BYTES / 1024
            ),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

fn quoted_list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

impl Config {
    /// Loads `explicit` (`--config FILE`, relative to `cwd`), or the `remedy.toml` of `cwd` or of
    /// its nearest parent folder that has one, or the defaults.
    pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(path) => {
                let path = cwd.join(path);
                if !path.exists() {
                    return Err(ConfigError::NotFound {
                        path: explicit.map(Path::to_path_buf).unwrap_or(path),
                    });
                }
                path
            }
            None => {
                let found = cwd
                    .ancestors()
                    .map(|folder| folder.join(CONFIG_FILE))
                    .find(|path| path.is_file());
                let Some(path) = found else {
                    return Ok(Config {
                        content: cwd.join(DEFAULT_CONTENT),
                        ..Config::default()
                    });
                };
                path
            }
        };
        // Errors name the file as the user would find it: as given, or relative to `cwd`.
        let shown = match explicit {
            Some(given) => given.to_path_buf(),
            None => path
                .strip_prefix(cwd)
                .map_or_else(|_| path.clone(), Path::to_path_buf),
        };
        let text = read_config_text(&path).map_err(|error| ConfigError::Read {
            path: shown.clone(),
            message: remedy_core::source::describe_io(&error),
        })?;
        let base = path.parent().unwrap_or(cwd).to_path_buf();
        let mut config = Config::parse(&text, &shown, &base)?;
        config.file = Some(path);
        Ok(config)
    }

    /// The `remedy.toml` of the nearest folder that has one, from `path`'s folder up: for a file
    /// linted from outside its project, whose working directory has no configuration.
    pub fn find_near(path: &Path) -> Option<PathBuf> {
        let start = if path.is_dir() { path } else { path.parent()? };
        start
            .ancestors()
            .map(|folder| folder.join(CONFIG_FILE))
            .find(|candidate| candidate.is_file())
    }

    /// Parses configuration text. `shown` names the file in errors; a relative `content` is
    /// joined to `base`.
    pub fn parse(text: &str, shown: &Path, base: &Path) -> Result<Config, ConfigError> {
        let path = shown.to_path_buf();
        let table: Table = toml::from_str(text).map_err(|error| {
            let (line, column) = error
                .span()
                .map_or((1, 1), |span| line_column(text, span.start));
            ConfigError::Syntax {
                path: path.clone(),
                line,
                column,
                message: error.message().trim().to_owned(),
            }
        })?;
        let unknown = |key: &str, table: &str, valid: &[&str]| ConfigError::UnknownKey {
            path: path.clone(),
            key: key.to_owned(),
            table: table.to_owned(),
            valid: valid.join(", "),
        };
        let bad = |key: &str, value: &Value, expected: String| ConfigError::BadValue {
            path: path.clone(),
            key: key.to_owned(),
            found: describe(value),
            expected,
        };
        let mut config = Config {
            content: base.join(DEFAULT_CONTENT),
            ..Config::default()
        };
        const TOP: [&str; 6] = ["content", "lint", "pdf", "platforms", "cache", "book"];
        const LINT: [&str; 4] = ["fail-on", "rules", "undeclared-destructive", "stale-review"];
        const DESTRUCTIVE: [&str; 2] = ["extra-phrases", "extra-reset-phrases"];
        for (key, value) in &table {
            match (key.as_str(), value) {
                ("content", Value::String(content)) if !content.trim().is_empty() => {
                    config.content = base.join(content);
                }
                ("content", value) => {
                    return Err(bad(
                        "content",
                        value,
                        "write the content root as a folder path, like content = \"content\""
                            .into(),
                    ));
                }
                ("lint", Value::Table(lint)) => {
                    for (key, value) in lint {
                        match (key.as_str(), value) {
                            ("fail-on", Value::String(text)) if text.parse::<FailOn>().is_ok() => {
                                config.fail_on = text.parse().unwrap_or_default();
                            }
                            ("fail-on", value) => {
                                return Err(bad(
                                    "lint.fail-on",
                                    value,
                                    format!("use one of {}", quoted_list(&FailOn::VALUES)),
                                ));
                            }
                            ("rules", Value::Table(levels)) => {
                                for (name, level) in levels {
                                    let Some(rule) = RuleId::from_name(name) else {
                                        return Err(ConfigError::UnknownRule {
                                            path: path.clone(),
                                            name: name.clone(),
                                            valid: rules::names(),
                                        });
                                    };
                                    let parsed = level.as_str().and_then(RuleLevel::parse);
                                    let Some(parsed) = parsed else {
                                        return Err(bad(
                                            &format!("lint.rules.{name}"),
                                            level,
                                            format!(
                                                "use one of {}",
                                                quoted_list(&RuleLevel::VALUES)
                                            ),
                                        ));
                                    };
                                    if rule.is_required() && parsed != RuleLevel::Error {
                                        return Err(ConfigError::Required {
                                            path: path.clone(),
                                            name: rule.name(),
                                            level: level.as_str().unwrap_or_default().to_owned(),
                                        });
                                    }
                                    config.rules.insert(rule, parsed);
                                }
                            }
                            ("undeclared-destructive", Value::Table(options)) => {
                                for (key, value) in options {
                                    if !DESTRUCTIVE.contains(&key.as_str()) {
                                        return Err(unknown(
                                            key,
                                            "[lint.undeclared-destructive]",
                                            &DESTRUCTIVE,
                                        ));
                                    }
                                    let full = format!("lint.undeclared-destructive.{key}");
                                    let expected = || {
                                        format!(
                                            "write a list of phrases, like {key} = [\"reset all content\"]"
                                        )
                                    };
                                    let Value::Array(items) = value else {
                                        return Err(bad(&full, value, expected()));
                                    };
                                    let list = if key == "extra-phrases" {
                                        &mut config.extra_phrases
                                    } else {
                                        &mut config.extra_reset_phrases
                                    };
                                    if let Some(error) = phrases_over_limits(items, &path) {
                                        return Err(error);
                                    }
                                    for item in items {
                                        match item.as_str() {
                                            Some(phrase)
                                                if phrase.chars().any(char::is_alphanumeric) =>
                                            {
                                                list.push(phrase.to_owned());
                                            }
                                            _ => {
                                                return Err(bad(
                                                    &full,
                                                    item,
                                                    "each phrase must be text with at least one word".into(),
                                                ));
                                            }
                                        }
                                    }
                                }
                            }
                            ("stale-review", Value::Table(options)) => {
                                for (key, value) in options {
                                    if key != "max-age-days" {
                                        return Err(unknown(
                                            key,
                                            "[lint.stale-review]",
                                            &["max-age-days"],
                                        ));
                                    }
                                    match value.as_integer().map(u32::try_from) {
                                        Some(Ok(days)) if days > 0 => {
                                            config.stale_max_age_days = days;
                                        }
                                        _ => {
                                            return Err(bad(
                                                "lint.stale-review.max-age-days",
                                                value,
                                                "write a whole number of days, like max-age-days = 365".into(),
                                            ));
                                        }
                                    }
                                }
                            }
                            ("rules" | "undeclared-destructive" | "stale-review", value) => {
                                return Err(bad(
                                    &format!("lint.{key}"),
                                    value,
                                    format!("write it as a table, [lint.{key}]"),
                                ));
                            }
                            (key, _) => return Err(unknown(key, "[lint]", &LINT)),
                        }
                    }
                }
                ("lint", value) => {
                    return Err(bad("lint", value, "write it as a table, [lint]".into()));
                }
                ("pdf", Value::Table(pdf)) => {
                    for (key, value) in pdf {
                        if key != "fonts" {
                            return Err(unknown(key, "[pdf]", &["fonts"]));
                        }
                        let expected = || {
                            "write a list of font files, like fonts = [\"fonts/NotoSansJP-Regular.ttf\"]".to_owned()
                        };
                        let Value::Array(items) = value else {
                            return Err(bad("pdf.fonts", value, expected()));
                        };
                        for item in items {
                            match item.as_str() {
                                Some(font) if !font.trim().is_empty() => {
                                    config.pdf_fonts.push(base.join(font));
                                }
                                _ => return Err(bad("pdf.fonts", item, expected())),
                            }
                        }
                    }
                }
                ("platforms", Value::Table(names)) => {
                    for (slug, name) in names {
                        match name.as_str() {
                            Some(name) if !name.trim().is_empty() => {
                                config.platform_names.insert(slug.clone(), name.to_owned());
                            }
                            _ => {
                                return Err(bad(
                                    &format!("platforms.{slug}"),
                                    name,
                                    format!("write the name readers see, like {slug} = \"iPhone\""),
                                ));
                            }
                        }
                    }
                }
                ("pdf", value) => {
                    return Err(bad("pdf", value, "write it as a table, [pdf]".into()));
                }
                ("cache", Value::Table(cache)) => {
                    for (key, value) in cache {
                        if key != "dir" {
                            return Err(unknown(key, "[cache]", &["dir"]));
                        }
                        match value.as_str() {
                            Some(dir) if !dir.trim().is_empty() => {
                                config.cache_dir = Some(base.join(dir));
                            }
                            _ => {
                                return Err(bad(
                                    "cache.dir",
                                    value,
                                    "write the cache folder as a path, like dir = \".remedy-cache\""
                                        .into(),
                                ));
                            }
                        }
                    }
                }
                ("cache", value) => {
                    return Err(bad("cache", value, "write it as a table, [cache]".into()));
                }
                ("platforms", value) => {
                    return Err(bad(
                        "platforms",
                        value,
                        "write it as a table, [platforms], of slug = \"Name\"".into(),
                    ));
                }
                ("book", Value::Table(book)) => config.book = book_table(book, text, &path)?,
                ("book", value) => {
                    return Err(bad("book", value, "write it as a table, [book]".into()));
                }
                (key, _) => return Err(unknown(key, "the top level", &TOP)),
            }
        }
        Ok(config)
    }

    /// The severity of a rule after configuration; `None` when it is off (or not a rule).
    pub fn severity(&self, rule: RuleId) -> Option<Severity> {
        match self.rules.get(&rule) {
            Some(level) => level.severity(),
            None if rule.is_off_by_default() => None,
            None => Some(rule.info().default_severity),
        }
    }

    /// [`Config::severity`] of the rule with this name; `None` for a name no rule has. For
    /// what is named by text: findings as reporters see them, names in suppression comments.
    pub fn severity_of_name(&self, name: &str) -> Option<Severity> {
        RuleId::from_name(name).and_then(|rule| self.severity(rule))
    }

    /// The rule options this configuration sets, with today's date from the system clock.
    /// `[pdf] fonts` are not read here ([`Config::read_fonts`] does, once per run).
    pub fn rule_options(&self) -> RuleOptions {
        RuleOptions {
            destructive_phrases: PhraseMatcher::new(&self.extra_phrases),
            today: Some(rules::today_utc()),
            stale_max_age_days: self.stale_max_age_days,
            extra_fonts: Default::default(),
            reset_phrases: PhraseMatcher::resets(&self.extra_reset_phrases),
            platform_names: self.platform_names.clone(),
        }
    }

    /// Reads the `[pdf] fonts` files, each checked to be a font with a character map.
    pub fn read_fonts(&self) -> Result<rules::unprintable_character::ExtraFonts, ConfigError> {
        let shown = self
            .file
            .clone()
            .unwrap_or_else(|| PathBuf::from(CONFIG_FILE));
        // A repository's settings never make remedy read outside the repository: a font must
        // be inside remedy.toml's folder (a configuration built in code names its own files).
        let project = match self.file.as_deref() {
            Some(file) => {
                let folder = file.parent().filter(|p| !p.as_os_str().is_empty());
                let folder = folder.unwrap_or_else(|| Path::new("."));
                Some(folder.canonicalize().map_err(|error| ConfigError::Font {
                    path: shown.clone(),
                    font: folder.to_path_buf(),
                    problem: format!(
                        "(the folder of remedy.toml) cannot be read: {}",
                        remedy_core::source::describe_io(&error)
                    ),
                })?)
            }
            None => None,
        };
        let mut fonts = Vec::with_capacity(self.pdf_fonts.len());
        for font in &self.pdf_fonts {
            let refuse = |problem: String| ConfigError::Font {
                path: shown.clone(),
                font: font.clone(),
                problem,
            };
            let unreadable = |error: std::io::Error| {
                refuse(format!(
                    "cannot be read: {}",
                    remedy_core::source::describe_io(&error)
                ))
            };
            let real = font.canonicalize().map_err(unreadable)?;
            if let Some(project) = &project
                && !real.starts_with(project)
            {
                return Err(refuse(
                    "is outside the folder of remedy.toml (or reached through a link out of it); copy the font into the project".into(),
                ));
            }
            let file = std::fs::File::open(&real).map_err(unreadable)?;
            let metadata = file.metadata().map_err(unreadable)?;
            if !metadata.is_file() {
                return Err(refuse("is not a regular file".into()));
            }
            if metadata.len() > MAX_FONT_BYTES {
                return Err(refuse(format!(
                    "is larger than {} MiB, more than any font needs",
                    MAX_FONT_BYTES >> 20
                )));
            }
            // Bounded even if the file grows while it is read.
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(
                &mut std::io::Read::take(file, MAX_FONT_BYTES + 1),
                &mut bytes,
            )
            .map_err(unreadable)?;
            if bytes.len() as u64 > MAX_FONT_BYTES {
                return Err(refuse(format!(
                    "is larger than {} MiB, more than any font needs",
                    MAX_FONT_BYTES >> 20
                )));
            }
            if !rules::unprintable_character::is_font(&bytes) {
                return Err(refuse("is not a TrueType or OpenType font".into()));
            }
            fonts.push(bytes);
        }
        Ok(rules::unprintable_character::ExtraFonts(
            std::sync::Arc::new(fonts),
        ))
    }
}

/// The largest `[pdf] fonts` file read: the largest CJK fonts are about 20–30 MB.
const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_book_text_is_shown_escaped_and_cut_short() {
        let message = error("[book]\ntitle = \"Line one\\nline two\\u001b[31m\"\n");
        assert_eq!(
            message,
            "remedy.toml: `book.title` is `Line one\\nline two\\u{1b}[31m`; write the words the book shows, on one line of at most 200 characters, like title = \"Home network handbook\""
        );
        let long = "A".repeat(300);
        let message = error(&format!("[book]\nauthor = \"{long}\"\n"));
        assert!(
            message.starts_with(&format!(
                "remedy.toml: `book.author` is `{}…`;",
                "A".repeat(60)
            )),
            "{message}"
        );
    }

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("remedy.toml"), Path::new("/repo"))
    }

    fn error(text: &str) -> String {
        match parse(text) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn the_spec_example_parses() {
        let config = parse(
            "content = \"guides\"\n[lint]\nfail-on = \"warning\"\n[lint.rules]\norphan-cause = \"off\"\ndangling-step = \"warning\"\n[lint.undeclared-destructive]\nextra-phrases = [\"reset all content\"]\n",
        )
        .unwrap_or_default();
        assert_eq!(config.content, PathBuf::from("/repo/guides"));
        assert_eq!(config.fail_on, FailOn::Warning);
        assert_eq!(config.severity_of_name("orphan-cause"), None);
        assert_eq!(
            config.severity_of_name("dangling-step"),
            Some(Severity::Warning)
        );
        assert_eq!(
            config.severity_of_name("method-without-cause"),
            Some(Severity::Warning)
        );
        assert_eq!(config.severity_of_name("schema"), Some(Severity::Error));
        assert_eq!(config.extra_phrases, ["reset all content"]);
    }

    #[test]
    fn reset_phrases_and_platform_names_parse() {
        let config = parse(
            "[lint.undeclared-destructive]\nextra-reset-phrases = [\"forget this printer\"]\n[platforms]\nios = \"iPhone\"\n",
        )
        .unwrap_or_default();
        assert_eq!(config.extra_reset_phrases, ["forget this printer"]);
        assert_eq!(
            config.platform_names.get("ios").map(String::as_str),
            Some("iPhone")
        );
        assert_eq!(
            error("[platforms]\nios = 3\n"),
            "remedy.toml: `platforms.ios` is the number 3; write the name readers see, like ios = \"iPhone\""
        );
    }

    #[test]
    fn unknown_keys_name_the_key_and_the_valid_ones() {
        assert_eq!(
            error("[lint]\nfail_on = \"error\"\n"),
            "remedy.toml: unknown key `fail_on` in [lint]; did you mean `fail-on`? valid keys: fail-on, rules, undeclared-destructive, stale-review"
        );
        assert_eq!(
            error("contents = \"x\"\n"),
            "remedy.toml: unknown key `contents` in the top level; did you mean `content`? valid keys: content, lint, pdf, platforms, cache, book"
        );
        assert_eq!(
            error("[lint.undeclared-destructive]\nphrases = []\n"),
            "remedy.toml: unknown key `phrases` in [lint.undeclared-destructive]; valid keys: extra-phrases, extra-reset-phrases"
        );
        let rule = error("[lint.rules]\norphan-causes = \"off\"\n");
        assert!(rule.starts_with("remedy.toml: unknown rule `orphan-causes` in [lint.rules]; did you mean `orphan-cause`? valid rules: yaml-syntax, schema,"), "{rule}");
        assert!(rule.contains("did you mean `orphan-cause`? "), "{rule}");
    }

    const BOOK: &str = "content = \"guides\"\n[book]\ntitle = \"Home network handbook\"\nsubtitle = \"Fixes for common problems\"\nauthor = \"Example Support Team\"\norder = [\n  \"mac-wont-connect-to-wifi\",\n  \"printer-offline-windows-11\",\n]\n";

    #[test]
    fn the_book_table_parses_with_where_each_id_is_written() {
        let config = parse(BOOK).unwrap_or_default();
        let book = &config.book;
        assert_eq!(book.title.as_deref(), Some("Home network handbook"));
        assert_eq!(book.subtitle.as_deref(), Some("Fixes for common problems"));
        assert_eq!(book.author.as_deref(), Some("Example Support Team"));
        assert_eq!(
            book.order,
            [
                OrderEntry {
                    id: "mac-wont-connect-to-wifi".into(),
                    line: 7,
                    column: 3
                },
                OrderEntry {
                    id: "printer-offline-windows-11".into(),
                    line: 8,
                    column: 3
                },
            ]
        );
        assert_eq!(book.file, PathBuf::from("remedy.toml"));
        assert_eq!(parse("").unwrap_or_default().book, BookConfig::default());
    }

    #[test]
    fn book_mistakes_are_errors_naming_the_line_and_the_nearest_name() {
        assert_eq!(
            error("[book]\ntitel = \"Handbook\"\n"),
            "remedy.toml: unknown key `titel` in [book]; did you mean `title`? valid keys: title, subtitle, author, order"
        );
        assert_eq!(
            error("[book]\norder = [\"a\", \"b\",\n  \"a\"]\n"),
            "remedy.toml:3:3: `book.order` lists `a` twice (first on line 2); list each guide once"
        );
        assert_eq!(
            error("[book]\ntitle = \"  \"\n"),
            "remedy.toml: `book.title` is `  `; write the words the book shows, on one line of at most 200 characters, like title = \"Home network handbook\""
        );
        assert_eq!(
            error("[book]\norder = \"a\"\n"),
            "remedy.toml: `book.order` is `a`; write a list of guide ids, like order = [\"mac-wont-connect-to-wifi\"]"
        );
        assert_eq!(
            error("book = 3\n"),
            "remedy.toml: `book` is the number 3; write it as a table, [book]"
        );
        let config = parse(BOOK).unwrap_or_default();
        let guides = ["mac-wont-connect-to-wi-fi", "printer-offline-windows-11"];
        let checked = config
            .book
            .check_order(|id| guides.contains(&id), guides.iter().copied());
        assert_eq!(
            checked.map_err(|e| e.to_string()),
            Err("remedy.toml:7:3: `book.order` lists `mac-wont-connect-to-wifi`, but no guide has that id; did you mean `mac-wont-connect-to-wi-fi`? list guide ids (a guide's file name without .yaml)".to_owned())
        );
        let far = ["printer-offline-windows-11"];
        assert_eq!(
            config
                .book
                .check_order(|id| far.contains(&id), far.iter().copied())
                .map_err(|e| e.to_string()),
            Err("remedy.toml:7:3: `book.order` lists `mac-wont-connect-to-wifi`, but no guide has that id; list guide ids (a guide's file name without .yaml)".to_owned())
        );
        let all = ["mac-wont-connect-to-wifi", "printer-offline-windows-11"];
        assert!(
            config
                .book
                .check_order(|id| all.contains(&id), all.iter().copied())
                .is_ok()
        );
    }

    #[test]
    fn bad_values_name_the_valid_values() {
        assert_eq!(
            error("[lint]\nfail-on = \"warnings\"\n"),
            "remedy.toml: `lint.fail-on` is `warnings`; use one of \"error\", \"warning\", \"never\""
        );
        assert_eq!(
            error("[lint.rules]\nschema = \"warn\"\n"),
            "remedy.toml: `lint.rules.schema` is `warn`; use one of \"off\", \"warning\", \"error\""
        );
        assert_eq!(
            error("[lint.rules]\nschema = false\n"),
            "remedy.toml: `lint.rules.schema` is `false`; use one of \"off\", \"warning\", \"error\""
        );
        assert!(
            error("[lint.undeclared-destructive]\nextra-phrases = \"wipe\"\n")
                .contains("write a list of phrases")
        );
    }

    #[test]
    fn rules_the_exports_need_cannot_be_turned_off_or_lowered() {
        for rule in ["yaml-syntax", "schema", "io-error", "duplicate-id"] {
            for level in ["off", "warning"] {
                assert_eq!(
                    error(&format!("[lint.rules]\n{rule} = \"{level}\"\n")),
                    format!(
                        "remedy.toml: `lint.rules.{rule}` cannot be `{level}`: the exports cannot use a guide with `{rule}` findings, so they are always errors; remove this line"
                    )
                );
            }
            assert!(parse(&format!("[lint.rules]\n{rule} = \"error\"\n")).is_ok());
        }
    }

    #[test]
    fn stale_review_is_off_until_turned_on_and_takes_its_age() {
        let config = parse("").unwrap_or_default();
        assert_eq!(config.severity_of_name("stale-review"), None);
        assert_eq!(config.rule_options().stale_max_age_days, 365);
        let config = parse(
            "[lint.rules]\nstale-review = \"warning\"\n[lint.stale-review]\nmax-age-days = 90\n",
        )
        .unwrap_or_default();
        assert_eq!(
            config.severity_of_name("stale-review"),
            Some(Severity::Warning)
        );
        assert_eq!(config.stale_max_age_days, 90);
        assert!(
            error("[lint.stale-review]\nmax-age-days = -3\n").contains("a whole number of days")
        );
    }

    #[test]
    fn the_nearest_parent_folder_with_remedy_toml_is_used() {
        let root =
            std::env::temp_dir().join(format!("remedy-config-parent-{}", std::process::id()));
        let nested = root.join("content/deep/er");
        let _ = std::fs::create_dir_all(&nested);
        let _ = std::fs::write(root.join("remedy.toml"), "content = \"guides\"\n");
        let config = Config::load(None, &nested);
        let _ = std::fs::remove_dir_all(&root);
        let config = match config {
            Ok(config) => config,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(config.content, root.join("guides"));
        assert_eq!(config.file, Some(root.join("remedy.toml")));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let message = error("[lint]\nfail-on = error\n");
        assert!(
            message.starts_with("remedy.toml:2:11: invalid TOML:"),
            "{message}"
        );
    }

    #[test]
    fn fail_on_parses_and_decides() {
        assert_eq!("never".parse::<FailOn>(), Ok(FailOn::Never));
        assert!("errors".parse::<FailOn>().is_err());
        assert!(FailOn::Error.fails(Severity::Error) && !FailOn::Error.fails(Severity::Warning));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(!FailOn::Never.fails(Severity::Error));
    }
}
