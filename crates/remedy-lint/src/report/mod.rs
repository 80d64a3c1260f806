//! Reporters: human, json, sarif, github, junit (SPEC §3). They read findings, never guides.
//!
//! Every reporter is deterministic: the same findings, files and rules give the same bytes (no
//! timestamps, no absolute paths that were not given, no hash-map order). Paths are written with `/`
//! separators on every platform.
//!
//! The set of files a report speaks of is every file in [`ReportInput::files`] plus any file a
//! finding names that is not among them (a file given on stdin under `--stdin-filename`, say), so
//! counts never disagree with the findings listed.

use std::collections::BTreeSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::config::FailOn;
use crate::finding::{Finding, RuleInfo, Severity, Suppressed};

mod github;
mod human;
mod json;
mod junit;
mod sarif;

/// An output format of `remedy lint --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Compiler-style text with the source line, a marker under the node and a summary.
    #[default]
    Human,
    /// One JSON document: `version`, `findings`, `summary`.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::message`), one per finding.
    Github,
    /// JUnit XML, one test case per file.
    Junit,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 5] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
    ];

    /// The name on the command line: `human`, `json`, `sarif`, `github` or `junit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `--format` value that names no reporter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}` (expected one of: human, json, sarif, github, junit)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str() == name)
            .ok_or_else(|| UnknownFormat(name.to_owned()))
    }
}

/// Everything a reporter needs.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The findings, sorted by file, then position ([`Finding::sort_key`]).
    pub findings: &'a [Finding],
    /// The findings suppression comments silenced, with their reasons: never failures, but
    /// every report counts them and says where they are and why.
    pub suppressed: &'a [Suppressed],
    /// From which severity findings fail the run: junit fails exactly those test cases.
    pub fail_on: FailOn,
    /// Every file linted, with findings or without (junit has one test case per file).
    pub files: &'a [PathBuf],
    /// Every rule (sarif lists them all in `tool.driver.rules`).
    pub rules: &'a [RuleInfo],
    /// Whether the human reporter writes ANSI colour. The other reporters ignore it.
    pub color: bool,
    /// The version of remedy, for the reports that carry it (sarif).
    pub tool_version: &'a str,
}

/// Writes the report of `input` in `format` to `out`.
pub fn write_report(
    format: Format,
    input: &ReportInput,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let bytes = match format {
        Format::Human => human::render(input).into_bytes(),
        Format::Json => json::render(input)?,
        Format::Sarif => sarif::render(input)?,
        Format::Github => github::render(input).into_bytes(),
        Format::Junit => junit::render(input).into_bytes(),
    };
    out.write_all(&bytes)?;
    out.flush()
}

/// A path as reports show it: as given, with `/` separators on every platform.
pub(crate) fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// Every file the report speaks of: the files linted and any file a finding names, sorted like
/// findings are, each once.
pub(crate) fn all_files<'a>(input: &ReportInput<'a>) -> Vec<&'a Path> {
    let files: BTreeSet<&'a Path> = input
        .files
        .iter()
        .map(PathBuf::as_path)
        .chain(input.findings.iter().map(|finding| finding.file.as_path()))
        .collect();
    files.into_iter().collect()
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub(crate) fn of(findings: &[Finding]) -> Self {
        let mut counts = Counts::default();
        for finding in findings {
            match finding.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
            }
        }
        counts
    }
}

/// `1 error`, `2 errors`: a count and a noun in the right number (the plural adds an `s`).
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The one-line form of a finding that several reporters share:
/// `file:line:col: severity[rule]: message`.
pub(crate) fn one_line(finding: &Finding) -> String {
    format!(
        "{}:{}:{}: {}[{}]: {}",
        display_path(&finding.file),
        finding.span.start.line,
        finding.span.start.column,
        finding.severity,
        finding.rule,
        finding.message
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
            assert_eq!(format.to_string(), format.as_str());
        }
        assert_eq!(Format::default(), Format::Human);
        let error = UnknownFormat("xml".into());
        assert_eq!("xml".parse::<Format>(), Err(error.clone()));
        assert_eq!(
            error.to_string(),
            "unknown format `xml` (expected one of: human, json, sarif, github, junit)"
        );
        assert!("JSON".parse::<Format>().is_err());
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(0, "error"), "0 errors");
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(2, "file"), "2 files");
    }
}
