//! The one pipeline for a guide file: bytes → text ([`read_text`]) → YAML with positions
//! ([`parse_text`]) → schema check → typed guide ([`ParsedFile::check`]). [`load_file`] runs it
//! all; the linter runs it stage by stage, reading the raw document between the stages.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::model::Guide;
use crate::position::{Position, SourceMap, Span};
use crate::scalar::value_range_span;
use crate::schema::{Anchor, SchemaBuildError, SchemaViolation, validate_guide};
use crate::source::{DEFAULT_MAX_FILE_BYTES, ReadError, SourceText};
use crate::yaml::{self, Document, Limits, YamlError};

/// Limits on what one file may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// The largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Depth and alias limits for the YAML.
    pub yaml: Limits,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            yaml: Limits::default(),
        }
    }
}

/// Why a file is not a loadable guide at all (as opposed to a guide with findings).
#[derive(Debug, Error)]
pub enum LoadError {
    /// The bytes could not be read or are not UTF-8 text.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The text is not one YAML document within the limits.
    #[error(transparent)]
    Yaml(#[from] YamlError),
    /// The built-in schema is broken (a bug in remedy).
    #[error(transparent)]
    Schema(#[from] SchemaBuildError),
}

impl LoadError {
    /// Where in the file the problem is, when it is in the file.
    pub fn position(&self) -> Option<Position> {
        match self {
            LoadError::Read(error) => error.position(),
            LoadError::Yaml(error) => Some(error.position()),
            LoadError::Schema(_) => None,
        }
    }
}

/// A guide file, parsed and checked against the schema.
#[derive(Debug)]
pub struct GuideFile {
    /// The path as given or found.
    pub path: PathBuf,
    /// The text, for showing source lines and reading suppression comments.
    pub source: SourceText,
    /// The YAML as JSON with its source map.
    pub document: Document,
    /// Schema violations, in document order.
    pub violations: Vec<SchemaViolation>,
    /// The typed guide, when the document has the guide's shape. Unknown keys do not prevent it,
    /// so one typo does not hide every other finding; a wrong type or a missing field does.
    pub guide: Option<Guide>,
}

impl GuideFile {
    /// The file's stem: what the guide's id must equal.
    pub fn stem(&self) -> Option<&str> {
        file_stem(&self.path)
    }

    /// Where bytes `range` of `text`, the string at `pointer`, are in the source: the
    /// characters themselves, or the whole node when they cannot be told apart (a value from
    /// an alias).
    pub fn text_range_span(
        &self,
        pointer: &str,
        text: &str,
        range: std::ops::Range<usize>,
    ) -> Span {
        let node = self.document.source_map.nearest(pointer);
        if self.document.source_map.get(pointer).is_none() {
            return node.value;
        }
        value_range_span(&self.source, node.value, text, range).unwrap_or(node.value)
    }

    /// [`GuideFile::text_range_span`] for several ranges of one text, in one walk.
    pub fn text_range_spans(
        &self,
        pointer: &str,
        text: &str,
        ranges: &[std::ops::Range<usize>],
    ) -> Vec<Span> {
        let node = self.document.source_map.nearest(pointer);
        if self.document.source_map.get(pointer).is_none() {
            return vec![node.value; ranges.len()];
        }
        crate::scalar::value_ranges_spans(&self.source, node.value, text, ranges)
            .into_iter()
            .map(|span| span.unwrap_or(node.value))
            .collect()
    }
}

/// The span of a reference at `pointer` of the document whose JSON value is `value`: the node
/// itself, or, for an internal link in rich text, the link's destination inside it.
pub fn reference_span(
    source: &SourceText,
    map: &SourceMap,
    value: &serde_json::Value,
    pointer: &str,
    reference: &str,
) -> Span {
    let text = value.pointer(pointer).and_then(serde_json::Value::as_str);
    reference_span_within(source, map, text, pointer, reference)
}

/// [`reference_span`] from the text at `pointer` (`None`: not a text), for a caller that has it
/// without the document's value (which went into the typed guide).
pub fn reference_span_within(
    source: &SourceText,
    map: &SourceMap,
    text: Option<&str>,
    pointer: &str,
    reference: &str,
) -> Span {
    let node = map.nearest(pointer);
    let Some(text) = text else {
        return node.value;
    };
    if text == reference || map.get(pointer).is_none() {
        return node.value;
    }
    let found = text
        .match_indices(reference)
        .find(|(at, _)| text[at + reference.len()..].starts_with(')'));
    let Some((at, _)) = found else {
        return node.value;
    };
    value_range_span(source, node.value, text, at..at + reference.len()).unwrap_or(node.value)
}

/// The stem of a guide file's name, when it is valid Unicode.
pub fn file_stem(path: &Path) -> Option<&str> {
    path.file_stem().and_then(|stem| stem.to_str())
}

/// Reads and loads one file.
pub fn load_file(path: &Path, options: &LoadOptions) -> Result<GuideFile, LoadError> {
    let source = read_text(path, None, options)?;
    load_source(path.to_path_buf(), source, options)
}

/// Loads text already read (standard input, tests).
pub fn load_source(
    path: PathBuf,
    source: SourceText,
    options: &LoadOptions,
) -> Result<GuideFile, LoadError> {
    let parsed = parse_text(path, source, options).map_err(|failure| failure.error)?;
    Ok(parsed.check(GuideValue::Keep, options)?)
}

/// Stage 1 of the pipeline: the bytes of `path` (or `bytes`, already read: standard input, an
/// editor's buffer) → text, within the size limit.
pub fn read_text(
    path: &Path,
    bytes: Option<Vec<u8>>,
    options: &LoadOptions,
) -> Result<SourceText, ReadError> {
    match bytes {
        Some(bytes) if bytes.len() as u64 > options.max_file_bytes => Err(ReadError::TooLarge {
            limit: options.max_file_bytes,
        }),
        Some(bytes) => SourceText::from_bytes(bytes),
        None => SourceText::read(path, options.max_file_bytes),
    }
}

/// A file after stage 2 (text → YAML with positions), before the schema: what a caller that
/// needs the raw document (a linter's ids, comments) reads before [`ParsedFile::check`].
#[derive(Debug)]
pub struct ParsedFile {
    /// The path as given or found.
    pub path: PathBuf,
    /// The text.
    pub source: SourceText,
    /// The YAML as JSON with its source map.
    pub document: Document,
}

/// Stage 2 failed: the text is not one YAML document within the limits. The text is kept, for
/// the finding's source line and the file's suppression comments.
#[derive(Debug)]
pub struct ParseFailure {
    /// The text.
    pub source: SourceText,
    /// Why it does not parse.
    pub error: YamlError,
}

/// Whether the typed guide may take the document's strings instead of copying them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuideValue {
    /// The document's value stays as it is (callers that read both).
    Keep,
    /// When the schema accepts the document, the typed guide takes its strings and
    /// [`GuideFile::document`]'s value is left `null`: for callers that read only the guide
    /// then (a copy of every string saved).
    GiveToGuide,
}

/// Stage 2 of the pipeline: text → YAML with positions.
pub fn parse_text(
    path: PathBuf,
    source: SourceText,
    options: &LoadOptions,
) -> Result<ParsedFile, ParseFailure> {
    match yaml::parse(&source, options.yaml) {
        Ok(document) => Ok(ParsedFile {
            path,
            source,
            document,
        }),
        Err(error) => Err(ParseFailure { source, error }),
    }
}

impl ParsedFile {
    /// The file without stages 3 and 4 (no schema check, no typed guide): for a caller that
    /// needs only the raw document, such as the ids of a file that only feeds an index.
    pub fn unchecked(self) -> GuideFile {
        GuideFile {
            path: self.path,
            source: self.source,
            document: self.document,
            violations: Vec::new(),
            guide: None,
        }
    }

    /// Stages 3 and 4: the schema check (violations in document order), then the typed guide.
    pub fn check(
        mut self,
        value: GuideValue,
        options: &LoadOptions,
    ) -> Result<GuideFile, SchemaBuildError> {
        let document = &self.document;
        let mut violations = validate_guide(&document.value)?;
        violations.sort_by_key(|violation| {
            let node = document.source_map.nearest(&violation.pointer);
            match violation.anchor {
                Anchor::Key => node.key.unwrap_or(node.value).start,
                Anchor::Value => node.value.start,
            }
        });
        let guide = if value == GuideValue::GiveToGuide && violations.is_empty() {
            match Guide::deserialize(std::mem::take(&mut self.document.value)) {
                Ok(guide) => Some(guide),
                Err(_) => {
                    // The value is gone with the failed attempt; the raw checks still need it.
                    if let Ok(again) = yaml::parse(&self.source, options.yaml) {
                        self.document = again;
                    }
                    Guide::deserialize(&self.document.value).ok()
                }
            }
        } else {
            // Deserializing from a borrowed value: no copy of the document.
            Guide::deserialize(&self.document.value).ok()
        };
        Ok(GuideFile {
            path: self.path,
            source: self.source,
            document: self.document,
            violations,
            guide,
        })
    }
}
