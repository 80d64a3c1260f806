//! The sarif reporter: SARIF 2.1.0, as GitHub code scanning accepts it.
//!
//! One run, tool `remedy`, every rule in `tool.driver.rules` (id, a PascalCase name, the summary as
//! short description, the "What it finds" part of the doc, or its first paragraph, as full
//! description, the whole doc as help, the default level). A result per finding: rule id and index,
//! level, message, one physical location (a URI relative to `%SRCROOT%`, the working directory, and
//! the region, end exclusive, columns in Unicode code points as `columnKind` says), the node's JSON
//! Pointer as logical
//! location, and a partial fingerprint. A finding a comment silenced is a result too, with
//! `suppressions: [{kind: inSource, justification: the reason}]`, so code scanning shows it as
//! dismissed in the source. A rule's `name` never equals its id ignoring case (`schema` is
//! `SchemaViolation`), as the SARIF validator asks; a region is never empty.
//!
//! The fingerprint (`remedy/v1`) hashes rule, file and pointer (FNV-1a, 64 bits), plus an
//! occurrence number for findings that share all three: an alert follows its node when lines
//! above it are inserted, as GitHub matches alerts across commits by fingerprint. GitHub's own
//! `primaryLocationLineHash` is left to the upload action, which computes it from the file.

use std::collections::HashMap;
use std::io;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::{ReportInput, display_path};
use crate::finding::{Finding, RuleInfo, Severity};

/// The schema `$schema` names (GitHub's documentation uses this one).
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where to read about the tool (the workspace's `repository`).
const INFORMATION_URI: &str = "https://example.invalid/remedy";
/// The base every relative artifact URI is relative to.
const SRCROOT: &str = "%SRCROOT%";
/// The key of our partial fingerprint.
const FINGERPRINT_KEY: &str = "remedy/v1";

pub(super) fn render(input: &ReportInput) -> io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(&log(input)).map_err(io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn log(input: &ReportInput) -> Value {
    // Every known rule, then any rule a finding names that the list lacks, so every result has
    // a rule descriptor to point at.
    let mut rules: Vec<Value> = input.rules.iter().map(rule_descriptor).collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (position, rule) in input.rules.iter().enumerate() {
        index.entry(rule.name).or_insert(position);
    }
    let silenced = input
        .suppressed
        .iter()
        .map(|suppressed| &suppressed.finding);
    for finding in input.findings.iter().chain(silenced) {
        if !index.contains_key(finding.rule) {
            index.insert(finding.rule, rules.len());
            rules.push(unknown_rule_descriptor(finding.rule));
        }
    }

    let mut occurrences: HashMap<(&str, &Path, &str), usize> = HashMap::new();
    let mut results: Vec<Value> = input
        .findings
        .iter()
        .map(|finding| {
            let occurrence = occurrences
                .entry((finding.rule, &finding.file, &finding.pointer))
                .or_insert(0);
            *occurrence += 1;
            result(finding, index[finding.rule], *occurrence)
        })
        .collect();
    for suppressed in input.suppressed {
        let finding = &suppressed.finding;
        let occurrence = occurrences
            .entry((finding.rule, &finding.file, &finding.pointer))
            .or_insert(0);
        *occurrence += 1;
        let mut value = result(finding, index[finding.rule], *occurrence);
        let mut suppression = Map::new();
        suppression.insert("kind".into(), json!("inSource"));
        if let Some(reason) = &suppressed.reason {
            suppression.insert("justification".into(), json!(reason));
        }
        if let Some(object) = value.as_object_mut() {
            object.insert("suppressions".into(), json!([suppression]));
        }
        results.push(value);
    }

    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "remedy",
                    "version": input.tool_version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                SRCROOT: {
                    "description": {
                        "text": "The directory remedy ran in; file paths are relative to it."
                    }
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule_descriptor(rule: &RuleInfo) -> Value {
    let doc = rule.doc.trim();
    let full = what_it_finds(doc)
        .or_else(|| first_paragraph(doc))
        .unwrap_or(rule.summary);
    let help = if doc.is_empty() { rule.summary } else { doc };
    // A rule that runs only when configured says so (`enabled: false`) beside its level.
    let mut configuration = json!({ "level": level(rule.default_severity) });
    if crate::rules::RuleId::from_name(rule.name)
        .is_some_and(crate::rules::RuleId::is_off_by_default)
    {
        configuration["enabled"] = json!(false);
    }
    json!({
        "id": rule.name,
        "name": rule_name(rule.name),
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": full },
        "help": { "text": help, "markdown": help },
        "defaultConfiguration": configuration,
        "properties": { "tags": ["remedy"] },
    })
}

fn unknown_rule_descriptor(name: &str) -> Value {
    json!({
        "id": name,
        "name": rule_name(name),
        "shortDescription": { "text": name },
        "properties": { "tags": ["remedy"] },
    })
}

/// The text of the doc's `## What it finds` section, if it has one.
fn what_it_finds(doc: &str) -> Option<&str> {
    let mut rest = None;
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let heading = line.trim();
        if rest.is_none() {
            if heading.starts_with('#')
                && heading
                    .trim_start_matches('#')
                    .trim()
                    .eq_ignore_ascii_case("what it finds")
            {
                rest = Some(offset + line.len());
            }
        } else if heading.starts_with("## ") || heading.starts_with("# ") {
            let start = rest?;
            return non_empty(&doc[start..offset]);
        }
        offset += line.len();
    }
    non_empty(&doc[rest?..])
}

/// The doc's first paragraph, for a doc without a `What it finds` heading.
fn first_paragraph(doc: &str) -> Option<&str> {
    if doc.trim_start().starts_with('#') {
        return None;
    }
    non_empty(doc.split("\n\n").next().unwrap_or(doc))
}

fn non_empty(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|text| !text.is_empty())
}

/// A rule's SARIF `name`: its id in PascalCase, which for a one-word id (`schema`) would equal
/// the id ignoring case, so that one is `SchemaViolation`.
fn rule_name(id: &str) -> String {
    let name = pascal_case(id);
    if name.eq_ignore_ascii_case(id) {
        name + "Violation"
    } else {
        name
    }
}

/// `missing-backup-warning` → `MissingBackupWarning`.
pub(crate) fn pascal_case(name: &str) -> String {
    name.split(['-', '_'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars))
                .into_iter()
                .flatten()
        })
        .collect()
}

fn result(finding: &Finding, rule_index: usize, occurrence: usize) -> Value {
    let start_line = finding.span.start.line.max(1);
    let start_column = finding.span.start.column.max(1);
    let (mut end_line, mut end_column) = (finding.span.end.line, finding.span.end.column.max(1));
    // A region is never empty: a finding at one position covers the character there.
    if (end_line, end_column) <= (start_line, start_column) {
        (end_line, end_column) = (start_line, start_column + 1);
    }

    let mut location = Map::new();
    location.insert(
        "physicalLocation".into(),
        json!({
            "artifactLocation": artifact_location(&finding.file),
            "region": {
                "startLine": start_line,
                "startColumn": start_column,
                "endLine": end_line,
                "endColumn": end_column,
            }
        }),
    );
    if !finding.pointer.is_empty() {
        location.insert(
            "logicalLocations".into(),
            json!([{ "fullyQualifiedName": finding.pointer }]),
        );
    }

    let fingerprint = format!(
        "{:016x}:{occurrence}",
        fnv1a(&[finding.rule, &display_path(&finding.file), &finding.pointer])
    );
    json!({
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": { "text": finding.message },
        "locations": [location],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
    })
}

fn artifact_location(file: &Path) -> Value {
    let path = display_path(file);
    if file.is_absolute() || path.starts_with('/') {
        // Not below the working directory: a file URI of its own, not relative to %SRCROOT%.
        let slash = if path.starts_with('/') { "" } else { "/" };
        json!({ "uri": format!("file://{slash}{}", percent_encode(&path, true)) })
    } else {
        json!({ "uri": percent_encode(&path, false), "uriBaseId": SRCROOT })
    }
}

/// Percent-encodes a `/`-separated path for a URI: every byte but the unreserved characters
/// (RFC 3986) and `/` is written `%XX`. A `:` is kept only in an absolute path (a Windows drive);
/// in a relative one it would read as a scheme.
pub(crate) fn percent_encode(path: &str, keep_colon: bool) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte));
            }
            b':' if keep_colon => encoded.push(':'),
            byte => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// FNV-1a, 64 bits, over the parts separated by NUL: stable across runs, platforms and versions.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            // A NUL byte between parts: XOR with 0 leaves the hash as it is, then multiply.
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        for byte in part.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_of_rule_ids() {
        assert_eq!(
            pascal_case("missing-backup-warning"),
            "MissingBackupWarning"
        );
        assert_eq!(pascal_case("schema"), "Schema");
        assert_eq!(pascal_case("yaml-syntax"), "YamlSyntax");
        assert_eq!(pascal_case("a--b_c"), "ABC");
        assert_eq!(rule_name("schema"), "SchemaViolation");
        assert_eq!(rule_name("yaml-syntax"), "YamlSyntax");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            percent_encode("content/sign in/über 100%.yaml", false),
            "content/sign%20in/%C3%BCber%20100%25.yaml"
        );
        assert_eq!(percent_encode("a:b,c#d?e", false), "a%3Ab%2Cc%23d%3Fe");
        assert_eq!(percent_encode("C:/x y", true), "C:/x%20y");
    }

    #[test]
    fn what_it_finds_is_the_first_section() {
        let doc = "## What it finds\n\nA step.\nMore.\n\n## Why it matters\n\nBecause.\n";
        assert_eq!(what_it_finds(doc), Some("A step.\nMore."));
        assert_eq!(what_it_finds("## What it finds\nOnly.\n"), Some("Only."));
        assert_eq!(what_it_finds("No sections."), None);
        assert_eq!(what_it_finds("## What it finds\n\n## Why\nx"), None);
        assert_eq!(first_paragraph("One.\nTwo.\n\nThree."), Some("One.\nTwo."));
        assert_eq!(first_paragraph("## Heading\n\nText."), None);
    }

    #[test]
    fn fnv1a_is_the_standard_hash() {
        // Reference values of FNV-1a 64.
        assert_eq!(fnv1a(&[""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }
}
