//! What every fuzz target shares: arbitrary bytes linted as one guide file, in memory, through
//! the same engine `remedy lint -` uses, with the invariants every run must keep.

use std::path::PathBuf;

use remedy_core::SourceText;
use remedy_lint::report::{Format, ReportInput, write_report};
use remedy_lint::{Config, LintReport, LintRequest, LintedGuide, StdinInput, lint, rules};

/// The name the bytes are linted under; its stem is the id a clean guide would have.
pub const NAME: &str = "fuzzed.yaml";

/// Lints `bytes` as standard input named [`NAME`], keeping the typed guide for the exporters,
/// and checks the invariants of a lint report.
pub fn lint_bytes(bytes: &[u8]) -> LintReport {
    let request = LintRequest {
        paths: Vec::new(),
        stdin: Some(StdinInput {
            name: PathBuf::from(NAME),
            bytes: bytes.to_vec(),
        }),
        config: Config::default(),
        // A working directory that does not exist: no content root, nothing read from disk.
        cwd: PathBuf::from("/nonexistent/remedy-fuzz"),
        keep_guides: true,
        jobs: None,
    };
    let report = match lint(&request) {
        Ok(report) => report,
        Err(error) => panic!("lint failed on in-memory input: {error}"),
    };
    // Invalid UTF-8 does not change where lines break (`\n`, `\r\n` or a lone `\r`).
    let lines = SourceText::new(String::from_utf8_lossy(bytes).into_owned()).line_count();
    for finding in &report.findings {
        assert!(
            !finding.message.trim().is_empty(),
            "empty message: {finding:?}"
        );
        let line = finding.span.start.line as usize;
        assert!(
            line >= 1 && line <= lines + 1,
            "line {line} of {lines}: {finding:?}"
        );
        assert!(finding.span.start.column >= 1, "column 0: {finding:?}");
        for leak in ["Os {", "Error(\"", "Custom {"] {
            assert!(!finding.message.contains(leak), "debug text: {finding:?}");
        }
    }
    report
}

/// Renders the report in every format; each must succeed.
pub fn render_every_format(report: &LintReport) {
    let input = ReportInput {
        findings: &report.findings,
        suppressed: &report.suppressed,
        fail_on: remedy_lint::FailOn::Error,
        files: &report.files,
        rules: rules::registry(),
        color: false,
        tool_version: "fuzz",
    };
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
    ] {
        let mut out = Vec::new();
        if let Err(error) = write_report(format, &input, &mut out) {
            panic!("{format:?} report failed: {error}");
        }
        if matches!(format, Format::Json | Format::Sarif) {
            let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&out);
            assert!(parsed.is_ok(), "{format:?} report is not JSON");
        }
    }
}

/// The guides of a report, as the exporters take them.
pub fn export_guides(guides: &[LintedGuide]) -> Vec<remedy_export::ExportGuide<'_>> {
    guides
        .iter()
        .map(|linted| remedy_export::ExportGuide {
            guide: &linted.guide,
            source: &linted.source,
        })
        .collect()
}
