//! The github reporter: GitHub Actions workflow commands, one line per finding, which the runner
//! turns into annotations on the pull request.
//!
//! ```text
//! ::error file=content/a.yaml,line=3,col=5,endLine=3,endColumn=9,title=schema::message
//! ::warning file=content/a.yaml,line=7,endLine=9,title=orphan-cause::message
//! ::notice file=content/a.yaml,line=12,col=9,title=suppressed orphan-cause::message (suppressed: reason)
//! ```
//!
//! Values are escaped as the Actions toolkit (`@actions/core`) does: the message with
//! `escapeData` (`%`, `\r`, `\n`), property values with `escapeProperty` (also `:` and `,`).
//! The runner drops `col` and `endColumn` when `line` and `endLine` differ, so a node spanning
//! several lines is annotated by lines only. `endColumn` is exclusive, as in the other formats.

use std::fmt::Write as _;

use super::{ReportInput, display_path};
use crate::finding::Severity;

pub(super) fn render(input: &ReportInput) -> String {
    let mut out = String::new();
    for finding in input.findings {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let start = finding.span.start;
        let end = finding.span.end;
        let mut properties = vec![
            ("file", display_path(&finding.file)),
            ("line", start.line.to_string()),
        ];
        if end.line <= start.line {
            let end_column = end.column.max(start.column);
            properties.push(("col", start.column.to_string()));
            properties.push(("endLine", start.line.to_string()));
            properties.push(("endColumn", end_column.to_string()));
        } else {
            properties.push(("endLine", end.line.to_string()));
        }
        properties.push(("title", finding.rule.to_owned()));

        let _ = write!(out, "::{command} ");
        for (index, (key, value)) in properties.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            let _ = write!(out, "{key}={}", escape_property(value));
        }
        let _ = writeln!(out, "::{}", escape_data(&finding.message));
    }
    // Silenced findings are notices, so the run's log still says where they are and why.
    for suppressed in input.suppressed {
        let finding = &suppressed.finding;
        let reason = suppressed.reason.as_deref().unwrap_or("no reason given");
        let _ = writeln!(
            out,
            "::notice file={},line={},col={},title={}::{}",
            escape_property(&display_path(&finding.file)),
            finding.span.start.line,
            finding.span.start.column,
            escape_property(&format!("suppressed {}", finding.rule)),
            escape_data(&format!("{} (suppressed: {reason})", finding.message))
        );
    }
    out
}

/// `escapeData` of `@actions/core`: the message of a command.
pub(crate) fn escape_data(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// `escapeProperty` of `@actions/core`: a property value of a command.
pub(crate) fn escape_property(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            ':' => escaped.push_str("%3A"),
            ',' => escaped.push_str("%2C"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        assert_eq!(escape_data("100%: a, b\r\nc::d"), "100%25: a, b%0D%0Ac::d");
        assert_eq!(
            escape_property("100%: a, b\r\nc::d"),
            "100%25%3A a%2C b%0D%0Ac%3A%3Ad"
        );
        assert_eq!(escape_data("%25"), "%2525");
    }
}
