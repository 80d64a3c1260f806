//! The junit reporter: JUnit XML with one test case per file linted, passing files too.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="remedy" tests="2" failures="1" errors="0">
//!   <testsuite name="remedy" tests="2" failures="1" errors="0" skipped="0">
//!     <testcase classname="remedy" name="content/a.yaml">
//!       <failure message="…" type="schema">content/a.yaml:3:5: error[schema]: …</failure>
//!       <system-out>content/a.yaml:9:3: warning[orphan-cause]: …</system-out>
//!     </testcase>
//!     <testcase classname="remedy" name="content/b.yaml"/>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! Only errors fail a test case: each error is a `<failure>`. Warnings are reported in the test
//! case's `<system-out>`, one per line, so they are visible in the CI's test view without turning
//! a file red that `fail-on = "error"` (the default) lets through. `failures` counts the test
//! cases (files) with at least one error, as JUnit consumers expect; `errors` is always 0 (a file
//! that cannot be read or parsed is a `yaml-syntax` finding, so a failure too). No timestamps or
//! durations are written, so the report is reproducible.
//!
//! Text and attribute values are escaped (`&`, `<`, `>`, `"`, `'`; in attributes also tab and line
//! breaks, which attribute normalisation would otherwise turn into spaces), and characters XML 1.0
//! forbids (most C0 controls, U+FFFE, U+FFFF) are replaced by U+FFFD.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{ReportInput, all_files, display_path, one_line};
use crate::finding::{Finding, Severity};

pub(super) fn render(input: &ReportInput) -> String {
    let files = all_files(input);
    let mut by_file: BTreeMap<&Path, Vec<&Finding>> = BTreeMap::new();
    for finding in input.findings {
        by_file.entry(&finding.file).or_default().push(finding);
    }
    let failing = by_file
        .values()
        .filter(|findings| findings.iter().any(|f| f.severity == Severity::Error))
        .count();
    let tests = files.len();

    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"remedy\" tests=\"{tests}\" failures=\"{failing}\" errors=\"0\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"remedy\" tests=\"{tests}\" failures=\"{failing}\" errors=\"0\" \
         skipped=\"0\">"
    );
    for file in files {
        let findings = by_file.get(file).map(Vec::as_slice).unwrap_or_default();
        let name = escape_attribute(&display_path(file));
        if findings.is_empty() {
            let _ = writeln!(out, "    <testcase classname=\"remedy\" name=\"{name}\"/>");
            continue;
        }
        let _ = writeln!(out, "    <testcase classname=\"remedy\" name=\"{name}\">");
        for finding in findings.iter().filter(|f| f.severity == Severity::Error) {
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape_attribute(&finding.message),
                escape_attribute(finding.rule),
                escape_text(&one_line(finding))
            );
        }
        let warnings: Vec<String> = findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|finding| one_line(finding))
            .collect();
        if !warnings.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape_text(&warnings.join("\n"))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n");
    out.push_str("</testsuites>\n");
    out
}

/// Whether XML 1.0 allows the character at all (its `Char` production).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// Escapes element content.
pub(crate) fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// Escapes an attribute value (in double quotes).
pub(crate) fn escape_attribute(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // A literal CR would be read back as LF (end-of-line handling), so keep it as a
            // reference everywhere.
            '\r' => escaped.push_str("&#13;"),
            '\n' if attribute => escaped.push_str("&#10;"),
            '\t' if attribute => escaped.push_str("&#9;"),
            c if !allowed_in_xml(c) => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape_text("a<b & \"c\" 'd'>\n\u{1}\u{FFFE}é"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\n\u{FFFD}\u{FFFD}é"
        );
        assert_eq!(escape_attribute("a\nb\tc\r"), "a&#10;b&#9;c&#13;");
        assert_eq!(escape_text("a\r\nb"), "a&#13;\nb");
        assert_eq!(escape_text("😀\u{7F}"), "😀\u{7F}");
    }
}
