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
use crate::rules::{self, PhraseMatcher, RuleOptions};

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
    #[error("{}: unknown key `{key}` in {table}; valid keys: {valid}", .path.display())]
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
    /// A rule name in `[lint.rules]` that is not a rule.
    #[error("{}: unknown rule `{name}` in [lint.rules]; valid rules: {valid}", .path.display())]
    UnknownRule {
        /// The file.
        path: PathBuf,
        /// The name as written.
        name: String,
        /// Every rule name, comma-separated.
        valid: String,
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
    pub rules: BTreeMap<&'static str, RuleLevel>,
    /// `[lint.undeclared-destructive] extra-phrases`.
    pub extra_phrases: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            file: None,
            content: PathBuf::from(DEFAULT_CONTENT),
            fail_on: FailOn::Error,
            rules: BTreeMap::new(),
            extra_phrases: Vec::new(),
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
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
    /// Loads `explicit` (`--config FILE`, relative to `cwd`), or `remedy.toml` in `cwd` when it
    /// exists, or the defaults.
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
                let path = cwd.join(CONFIG_FILE);
                if !path.is_file() {
                    return Ok(Config {
                        content: cwd.join(DEFAULT_CONTENT),
                        ..Config::default()
                    });
                }
                path
            }
        };
        let shown = explicit.map_or_else(|| PathBuf::from(CONFIG_FILE), Path::to_path_buf);
        let text = read_config_text(&path).map_err(|error| ConfigError::Read {
            path: shown.clone(),
            message: remedy_core::source::describe_io(&error),
        })?;
        let base = path.parent().unwrap_or(cwd).to_path_buf();
        let mut config = Config::parse(&text, &shown, &base)?;
        config.file = Some(path);
        Ok(config)
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
        const TOP: [&str; 2] = ["content", "lint"];
        const LINT: [&str; 3] = ["fail-on", "rules", "undeclared-destructive"];
        const DESTRUCTIVE: [&str; 1] = ["extra-phrases"];
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
                                    let Some(rule) = rules::find(name) else {
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
                                    config.rules.insert(rule.name, parsed);
                                }
                            }
                            ("undeclared-destructive", Value::Table(options)) => {
                                for (key, value) in options {
                                    if key != "extra-phrases" {
                                        return Err(unknown(
                                            key,
                                            "[lint.undeclared-destructive]",
                                            &DESTRUCTIVE,
                                        ));
                                    }
                                    let expected = || {
                                        "write a list of phrases, like extra-phrases = [\"reset all content\"]".to_owned()
                                    };
                                    let Value::Array(items) = value else {
                                        return Err(bad(
                                            "lint.undeclared-destructive.extra-phrases",
                                            value,
                                            expected(),
                                        ));
                                    };
                                    if let Some(error) = phrases_over_limits(items, &path) {
                                        return Err(error);
                                    }
                                    for item in items {
                                        match item.as_str() {
                                            Some(phrase)
                                                if phrase.chars().any(char::is_alphanumeric) =>
                                            {
                                                config.extra_phrases.push(phrase.to_owned());
                                            }
                                            _ => {
                                                return Err(bad(
                                                    "lint.undeclared-destructive.extra-phrases",
                                                    item,
                                                    "each phrase must be text with at least one word".into(),
                                                ));
                                            }
                                        }
                                    }
                                }
                            }
                            ("rules" | "undeclared-destructive", value) => {
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
                (key, _) => return Err(unknown(key, "the top level", &TOP)),
            }
        }
        Ok(config)
    }

    /// The severity of a rule after configuration; `None` when it is off (or not a rule).
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        let info = rules::find(rule)?;
        match self.rules.get(info.name) {
            Some(level) => level.severity(),
            None => Some(info.default_severity),
        }
    }

    /// The rule options this configuration sets.
    pub fn rule_options(&self) -> RuleOptions {
        RuleOptions {
            destructive_phrases: PhraseMatcher::new(&self.extra_phrases),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "content = \"guides\"\n[lint]\nfail-on = \"warning\"\n[lint.rules]\norphan-cause = \"off\"\nschema = \"warning\"\n[lint.undeclared-destructive]\nextra-phrases = [\"reset all content\"]\n",
        )
        .unwrap_or_default();
        assert_eq!(config.content, PathBuf::from("/repo/guides"));
        assert_eq!(config.fail_on, FailOn::Warning);
        assert_eq!(config.severity("orphan-cause"), None);
        assert_eq!(config.severity("schema"), Some(Severity::Warning));
        assert_eq!(
            config.severity("method-without-cause"),
            Some(Severity::Warning)
        );
        assert_eq!(config.severity("dangling-step"), Some(Severity::Error));
        assert_eq!(config.extra_phrases, ["reset all content"]);
    }

    #[test]
    fn unknown_keys_name_the_key_and_the_valid_ones() {
        assert_eq!(
            error("[lint]\nfail_on = \"error\"\n"),
            "remedy.toml: unknown key `fail_on` in [lint]; valid keys: fail-on, rules, undeclared-destructive"
        );
        assert_eq!(
            error("contents = \"x\"\n"),
            "remedy.toml: unknown key `contents` in the top level; valid keys: content, lint"
        );
        assert_eq!(
            error("[lint.undeclared-destructive]\nphrases = []\n"),
            "remedy.toml: unknown key `phrases` in [lint.undeclared-destructive]; valid keys: extra-phrases"
        );
        let rule = error("[lint.rules]\norphan-causes = \"off\"\n");
        assert!(rule.starts_with("remedy.toml: unknown rule `orphan-causes` in [lint.rules]; valid rules: yaml-syntax, schema,"), "{rule}");
        assert!(rule.ends_with("io-error, unused-suppression"), "{rule}");
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
