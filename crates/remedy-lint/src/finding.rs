//! What the linter reports: findings, severities and rule metadata. Reporters read only these.

use std::fmt;
use std::path::PathBuf;

use remedy_core::Span;
use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth fixing; fails CI only with `fail-on = "warning"`.
    Warning,
    /// A defect; fails CI by default.
    Error,
}

impl Severity {
    /// `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's public description: what `remedy rules`, `remedy explain` and SARIF show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// The rule's name, as in configuration and suppressions: `missing-backup-warning`.
    pub name: &'static str,
    /// The severity unless configured otherwise.
    pub default_severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The full explanation in Markdown: what it finds, why it matters, a bad and a fixed example.
    pub doc: &'static str,
}

/// One defect at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file, relative to the working directory when it is below it.
    pub file: PathBuf,
    /// Where the offending node starts and ends (1-based lines and columns).
    pub span: Span,
    /// The JSON Pointer of the node (`/methods/2/steps/0`); empty for the whole document.
    pub pointer: String,
    /// The rule's name.
    pub rule: &'static str,
    /// The severity after configuration.
    pub severity: Severity,
    /// What is wrong and what to do about it.
    pub message: String,
    /// The text of the line where the node starts, for reporters that show it.
    pub source_line: Option<String>,
}

impl Finding {
    /// The order findings are reported in: by file, then position, then rule.
    pub fn sort_key(&self) -> (&PathBuf, remedy_core::Position, remedy_core::Position, &str) {
        (&self.file, self.span.start, self.span.end, self.rule)
    }
}

/// A finding a `# remedy: ignore[…]` comment silenced: not a failure, but every report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// The finding as it would have been reported.
    pub finding: Finding,
    /// The reason written after ` -- `, if any.
    pub reason: Option<String>,
}
