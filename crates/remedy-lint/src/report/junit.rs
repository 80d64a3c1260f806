//! The junit reporter: JUnit XML valid against the common JUnit schema (Apache Ant's, as
//! published by Windy Road), which CI test views read.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites>
//!   <testsuite name="remedy lint" package="remedy" id="0" tests="3" failures="2" errors="0"
//!       skipped="0" time="0" timestamp="1970-01-01T00:00:00" hostname="localhost">
//!     <properties>
//!       <property name="fail-on" value="error"/>
//!     </properties>
//!     <testcase classname="content/a.yaml" name="schema" time="0">
//!       <failure message="2 schema findings" type="schema">content/a.yaml:3:5: error[schema]: …
//! content/a.yaml:8:5: error[schema]: …</failure>
//!     </testcase>
//!     <testcase classname="content/a.yaml" name="dangling-reference" time="0">…</testcase>
//!     <testcase classname="content/b.yaml" name="lint" time="0"/>
//!     <system-out>content/b.yaml:9:3: warning[orphan-cause]: …</system-out>
//!     <system-err></system-err>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One test case per file and rule that has findings at or above `fail-on`, each with one
//! `failure` listing every such finding of that rule in that file (the schema allows one, and
//! many viewers show only the first); one passing test case, named `lint`, per file with none.
//! So `failures` is non-zero exactly when `remedy lint` exits 1. Findings below `fail-on`, and
//! the findings suppression comments silenced (with their reasons), are listed in the suite's
//! `system-out`. The schema requires a timestamp, a host and times: they are fixed
//! (`1970-01-01T00:00:00`, `localhost`, `0`), so the report is reproducible.
//!
//! Text and attribute values are escaped (`&`, `<`, `>`, `"`, `'`; in attributes also tab and line
//! breaks, which attribute normalisation would otherwise turn into spaces), and characters XML 1.0
//! forbids (most C0 controls, U+FFFE, U+FFFF) are replaced by U+FFFD.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{ReportInput, all_files, display_path, one_line, plural};
use crate::finding::Finding;

pub(super) fn render(input: &ReportInput) -> String {
    let files = all_files(input);
    // Per file, the failing findings by rule (in the order the rules first fail) and the rest.
    let mut failing: BTreeMap<&Path, Vec<(&str, Vec<&Finding>)>> = BTreeMap::new();
    let mut below: Vec<&Finding> = Vec::new();
    for finding in input.findings {
        if !input.fail_on.fails(finding.severity) {
            below.push(finding);
            continue;
        }
        let rules = failing.entry(&finding.file).or_default();
        match rules.iter_mut().find(|(rule, _)| *rule == finding.rule) {
            Some((_, findings)) => findings.push(finding),
            None => rules.push((finding.rule, vec![finding])),
        }
    }
    let failures: usize = failing.values().map(Vec::len).sum();
    let tests = failures + files.iter().filter(|f| !failing.contains_key(*f)).count();

    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<testsuites>\n");
    let _ = writeln!(
        out,
        "  <testsuite name=\"remedy lint\" package=\"remedy\" id=\"0\" tests=\"{tests}\" \
         failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\" \
         timestamp=\"1970-01-01T00:00:00\" hostname=\"localhost\">"
    );
    out.push_str("    <properties>\n");
    let _ = writeln!(
        out,
        "      <property name=\"fail-on\" value=\"{}\"/>",
        input.fail_on
    );
    out.push_str("    </properties>\n");
    for file in files {
        let classname = escape_attribute(&display_path(file));
        let Some(rules) = failing.get(file) else {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{classname}\" name=\"lint\" time=\"0\"/>"
            );
            continue;
        };
        for (rule, findings) in rules {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{classname}\" name=\"{}\" time=\"0\">",
                escape_attribute(rule)
            );
            let message = if findings.len() == 1 {
                findings[0].message.clone()
            } else {
                format!(
                    "{} in this file",
                    plural(findings.len(), &format!("{rule} finding"))
                )
            };
            let lines: Vec<String> = findings.iter().map(|finding| one_line(finding)).collect();
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape_attribute(&message),
                escape_attribute(rule),
                escape_text(&lines.join("\n"))
            );
            out.push_str("    </testcase>\n");
        }
    }
    let mut system_out: Vec<String> = below.iter().map(|finding| one_line(finding)).collect();
    for suppressed in input.suppressed {
        let finding = &suppressed.finding;
        system_out.push(format!(
            "{}:{}:{}: suppressed[{}]: {}",
            display_path(&finding.file),
            finding.span.start.line,
            finding.span.start.column,
            finding.rule,
            suppressed.reason.as_deref().unwrap_or("no reason given")
        ));
    }
    let _ = writeln!(
        out,
        "    <system-out>{}</system-out>",
        escape_text(&system_out.join("\n"))
    );
    out.push_str("    <system-err></system-err>\n");
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
