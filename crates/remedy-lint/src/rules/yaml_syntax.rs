//! `yaml-syntax`: the file is not one valid YAML document of text.

use remedy_core::source::ReadError;
use remedy_core::{LoadError, Position, Span};

use super::RuleFinding;

declare_rule! {
    /// ## What it finds
    ///
    /// A file that is not valid YAML: a syntax error, a second document (`---`) after the first,
    /// a key written twice in one mapping, a tag such as `!!python/object`, an empty file. Also a
    /// file that is not UTF-8 text, or one larger than 16 MiB. The finding points at the place
    /// the parser stopped; nothing else in that file can be checked until it is fixed, but every
    /// other file is still linted.
    ///
    /// ## Why it matters
    ///
    /// A guide that does not parse cannot be exported: the reader gets no handout at all, and the
    /// guides that refer to it cannot be checked against it.
    ///
    /// ## Example
    ///
    /// A value that contains `: ` must be quoted:
    ///
    /// ```yaml
    /// steps:
    ///   - text: Open Settings: General
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// steps:
    ///   - text: "Open Settings: General"
    /// ```
    pub struct YamlSyntax {
        name: "yaml-syntax",
        severity: Error,
        summary: "the file is not valid YAML, or holds more than one document",
    }
}

/// The finding for a file that could not be loaded, or `None` for an I/O failure (that is
/// `io-error`) or a broken built-in schema (a bug, reported by the engine).
pub fn finding(error: &LoadError) -> Option<RuleFinding> {
    // The core's messages already say what to do ("… put the value in quotes").
    let message = match error {
        LoadError::Read(ReadError::Io { .. }) | LoadError::Schema(_) => return None,
        other => other.to_string(),
    };
    let at = error.position().unwrap_or(Position::START);
    Some(RuleFinding {
        rule: YamlSyntax::ID,
        span: Span::at(at),
        pointer: String::new(),
        message,
    })
}
