//! The json reporter: one pretty-printed document, keys in a fixed order, a final newline.
//!
//! ```json
//! {
//!   "version": 1,
//!   "findings": [
//!     {"file": "content/a.yaml", "line": 3, "column": 5, "end_line": 3, "end_column": 9,
//!      "rule": "schema", "severity": "error", "message": "…", "pointer": "/methods/0"}
//!   ],
//!   "suppressed": [
//!     {"file": "content/a.yaml", "line": 9, "column": 7, "rule": "orphan-cause",
//!      "reason": "kept for the FAQ"}
//!   ],
//!   "summary": {"files": 3, "errors": 1, "warnings": 0, "suppressed": 1}
//! }
//! ```
//!
//! `end_line`/`end_column` are exclusive (the position just after the node), columns count
//! characters; `summary.files` is the number of files linted. A suppression without a reason has
//! `"reason": null`.

use std::io;

use serde::Serialize;

use super::{Counts, ReportInput, all_files, display_path};
use crate::finding::Severity;

/// The version of this document's shape; bumped when a key changes meaning or goes away.
const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    suppressed: Vec<JsonSuppressed<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    file: String,
    line: u32,
    column: u32,
    rule: &'a str,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    pointer: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    suppressed: usize,
}

pub(super) fn render(input: &ReportInput) -> io::Result<Vec<u8>> {
    let counts = Counts::of(input.findings);
    let report = Report {
        version: VERSION,
        findings: input
            .findings
            .iter()
            .map(|finding| JsonFinding {
                file: display_path(&finding.file),
                line: finding.span.start.line,
                column: finding.span.start.column,
                end_line: finding.span.end.line,
                end_column: finding.span.end.column,
                rule: finding.rule,
                severity: finding.severity,
                message: &finding.message,
                pointer: &finding.pointer,
            })
            .collect(),
        suppressed: input
            .suppressed
            .iter()
            .map(|suppressed| JsonSuppressed {
                file: display_path(&suppressed.finding.file),
                line: suppressed.finding.span.start.line,
                column: suppressed.finding.span.start.column,
                rule: suppressed.finding.rule,
                reason: suppressed.reason.as_deref(),
            })
            .collect(),
        summary: Summary {
            files: all_files(input).len(),
            errors: counts.errors,
            warnings: counts.warnings,
            suppressed: input.suppressed.len(),
        },
    };
    let mut bytes = serde_json::to_vec_pretty(&report).map_err(io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}
