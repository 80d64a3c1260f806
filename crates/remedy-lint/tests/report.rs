//! Every reporter on the same findings, compared byte for byte to golden files under
//! `tests/fixtures/report/`; SARIF validated against the official 2.1.0 schema; GitHub escaping;
//! JUnit read back by a small XML checker.
//!
//! The golden files are insta snapshots in `tests/fixtures/report/snapshots/` (see
//! `common::assert_golden`): after an intended change, `cargo insta test -p remedy-lint --test
//! report --review` shows each one that differs; read every one before accepting it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use remedy_core::{Position, Span};
use remedy_lint::report::{Format, ReportInput, write_report};
use remedy_lint::{Finding, RuleInfo, Severity};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The shared input: two files with findings (errors and warnings, a multi-line span, a message
// with quotes, commas, a newline and non-ASCII text, tabs and wide characters in source lines, a
// finding without a source line) and one clean file.

const RESET: &str = "content/icloud/reset-iphone.yaml";
const KONTO: &str = "content/sign in/Über-Konto.yaml";
const WIFI: &str = "content/wifi.yaml";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        name: "schema",
        default_severity: Severity::Error,
        summary: "the guide violates the guide schema",
        doc: "## What it finds\n\nA value of the wrong type, a missing required field, an unknown key.\n\n\
              ## Why it matters\n\nThe site and the handouts cannot show what they cannot read.\n\n\
              ## Example\n\n```yaml\ndestructive: yes\n```\n\nFixed:\n\n```yaml\ndestructive: true\n```",
    },
    RuleInfo {
        name: "id-mismatch",
        default_severity: Severity::Error,
        summary: "the guide's `id` differs from its file stem",
        doc: "## What it finds\n\nA guide whose `id` is not its file name.\n\n\
              ## Why it matters\n\nLinks are built from file names.\n\n\
              ## Example\n\n`wifi.yaml` with `id: wlan`. Fixed: `id: wifi`.",
    },
    RuleInfo {
        name: "dangling-step",
        default_severity: Severity::Error,
        summary: "a step announcing sub-steps that has none",
        doc: "## What it finds\n\nA step ending with `:` and no sub-steps.\n\n\
              ## Why it matters\n\nThe reader waits for steps that never come.\n\n\
              ## Example\n\n`- text: Then:`. Fixed: give it `steps`.",
    },
    RuleInfo {
        name: "missing-backup-warning",
        default_severity: Severity::Error,
        summary: "a destructive step with no backup step before it",
        doc: "## What it finds\n\nA `destructive: true` step with no `backup: true` step before it in \
              the same method.\n\n## Why it matters\n\nReaders lose photos & messages they could have \
              kept.\n\n## Example\n\n```yaml\nsteps:\n  - text: Erase all content and settings\n    \
              destructive: true\n```",
    },
    RuleInfo {
        name: "undeclared-destructive",
        default_severity: Severity::Warning,
        summary: "a step that reads as destructive without `destructive` set",
        doc: "## What it finds\n\nA step whose text says erase, wipe, delete or \"sign out\" without \
              `destructive` set.\n\n## Why it matters\n\nThe warning box is drawn from the flag.\n\n\
              ## Example\n\n`- text: Sign out`. Fixed: add `destructive: false`.",
    },
    RuleInfo {
        name: "missing-pros-cons",
        default_severity: Severity::Error,
        summary: "a method without pros or without cons",
        doc: "## What it finds\n\nA method without `pros` or `cons`.\n\n\
              ## Why it matters\n\nReaders choose blind.\n\n## Example\n\n`pros: []`.",
    },
    RuleInfo {
        name: "orphan-cause",
        default_severity: Severity::Warning,
        summary: "a cause that no method addresses",
        doc: "A cause listed in `causes` that no method names in `addresses`.",
    },
];

/// The span of the first `needle` in `source`, on line `line`: columns in characters.
fn span_of(line: u32, source: &str, needle: &str) -> Span {
    let byte = source.find(needle).expect("the needle is in the line");
    let column = source[..byte].chars().count() as u32 + 1;
    let end = column + needle.chars().count() as u32;
    Span::new(Position::new(line, column), Position::new(line, end))
}

fn finding(
    file: &str,
    span: Span,
    pointer: &str,
    rule: &'static str,
    severity: Severity,
    message: &str,
    source_line: Option<&str>,
) -> Finding {
    Finding {
        file: PathBuf::from(file),
        span,
        pointer: pointer.to_owned(),
        rule,
        severity,
        message: message.to_owned(),
        source_line: source_line.map(str::to_owned),
    }
}

fn findings() -> Vec<Finding> {
    let cause = "  - id: stale-keychain";
    let method = "  - id: erase-and-restore";
    let erase = "      - text: Erase all content and settings";
    let konto_step = "      - text: \"Konto\tabmelden, then sign in again\"";
    let flow = "    - {text: 設定を開く, destructive: yes}";
    let mut findings = vec![
        finding(
            RESET,
            Span::new(Position::new(9, 5), Position::new(12, 1)),
            "/causes/1",
            "orphan-cause",
            Severity::Warning,
            "cause `stale-keychain` is addressed by no method; add it to a method's `addresses` \
             or remove it",
            Some(cause),
        ),
        finding(
            RESET,
            Span::new(Position::new(20, 5), Position::new(31, 1)),
            "/methods/1",
            "missing-pros-cons",
            Severity::Error,
            "method `erase-and-restore` has no `cons`; list at least one drawback",
            Some(method),
        ),
        finding(
            RESET,
            span_of(24, erase, "Erase all content and settings"),
            "/methods/1/steps/0",
            "missing-backup-warning",
            Severity::Error,
            "step is destructive but no `backup: true` step comes before it in method \
             `erase-and-restore`; add a backup step first",
            Some(erase),
        ),
        finding(
            KONTO,
            Span::new(Position::new(2, 5), Position::new(2, 16)),
            "/id",
            "id-mismatch",
            Severity::Error,
            "guide id `uber-konto` differs from the file stem `Über-Konto`; rename one of them",
            None,
        ),
        finding(
            KONTO,
            span_of(7, konto_step, "\"Konto\tabmelden, then sign in again\""),
            "/methods/0/steps/1",
            "undeclared-destructive",
            Severity::Warning,
            "step “Konto abmelden” reads as destructive (\"sign out\", 'abmelden'),\nset \
             `destructive: true` — or `destructive: false` if nothing is lost",
            Some(konto_step),
        ),
        finding(
            KONTO,
            span_of(9, flow, "yes"),
            "/methods/0/steps/2/destructive",
            "schema",
            Severity::Error,
            "`destructive` must be true or false, not the string \"yes\"",
            Some(flow),
        ),
    ];
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

fn files() -> Vec<PathBuf> {
    [RESET, KONTO, WIFI]
        .into_iter()
        .map(PathBuf::from)
        .collect()
}

fn render(format: Format, findings: &[Finding], files: &[PathBuf], color: bool) -> Vec<u8> {
    let input = ReportInput {
        findings,
        suppressed: &[],
        fail_on: remedy_lint::FailOn::Error,
        files,
        rules: RULES,
        color,
        tool_version: "0.1.0",
    };
    let mut out = Vec::new();
    write_report(format, &input, &mut out).unwrap();
    out
}

fn render_all(format: Format) -> Vec<u8> {
    render(format, &findings(), &files(), false)
}

// ---------------------------------------------------------------------------------------------
// Golden files.

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report")
}

/// Compares `actual` to the golden file `name`, an insta snapshot.
fn golden(name: &str, actual: &[u8]) {
    common::assert_golden(&golden_dir().join("snapshots"), name, actual);
}

#[test]
fn human_golden() {
    golden("findings.human", &render_all(Format::Human));
}

#[test]
fn human_color_golden() {
    let colored = render(Format::Human, &findings(), &files(), true);
    golden("findings.color.human", &colored);
    // Colour changes nothing but the escape sequences.
    let text = String::from_utf8(colored).unwrap();
    let stripped = strip_ansi(&text);
    assert_eq!(stripped.as_bytes(), render_all(Format::Human));
    assert!(text.contains("\x1b[1;31merror[schema]\x1b[0m"));
    assert!(text.contains("\x1b[1;33mwarning[orphan-cause]\x1b[0m"));
}

#[test]
fn human_without_color_has_no_escapes() {
    let text = String::from_utf8(render_all(Format::Human)).unwrap();
    assert!(!text.contains('\x1b'));
    assert!(
        text.ends_with("\n4 errors, 2 warnings in 2 files\n"),
        "{text}"
    );
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn json_golden() {
    golden("findings.json", &render_all(Format::Json));
}

#[test]
fn sarif_golden() {
    golden("findings.sarif", &render_all(Format::Sarif));
}

#[test]
fn github_golden() {
    golden("findings.github", &render_all(Format::Github));
}

#[test]
fn junit_golden() {
    golden("findings.junit.xml", &render_all(Format::Junit));
}

#[test]
fn clean_goldens() {
    for (format, name) in [
        (Format::Human, "clean.human"),
        (Format::Json, "clean.json"),
        (Format::Sarif, "clean.sarif"),
        (Format::Github, "clean.github"),
        (Format::Junit, "clean.junit.xml"),
    ] {
        golden(name, &render(format, &[], &files(), false));
    }
}

#[test]
fn human_summary_wording() {
    let summary = |findings: &[Finding], files: &[PathBuf]| {
        let text = String::from_utf8(render(Format::Human, findings, files, false)).unwrap();
        text.lines().last().unwrap().to_owned()
    };
    let all = findings();
    let one_file = [PathBuf::from(WIFI)];
    assert_eq!(
        summary(&[], &one_file),
        "All clear: 1 file checked, no problems."
    );
    assert_eq!(
        summary(&[], &[]),
        "All clear: 0 files checked, no problems."
    );
    assert_eq!(summary(&all[..1], &files()), "1 warning in 1 file");
    assert_eq!(summary(&all[1..2], &files()), "1 error in 1 file");
    assert_eq!(
        summary(&all[..3], &files()),
        "2 errors, 1 warning in 1 file"
    );
}

#[test]
fn reports_are_deterministic() {
    for format in Format::ALL {
        assert_eq!(render_all(format), render_all(format), "{format}");
    }
}

// ---------------------------------------------------------------------------------------------
// JSON.

#[test]
fn json_has_exactly_the_documented_keys_in_order() {
    let text = String::from_utf8(render_all(Format::Json)).unwrap();
    assert!(text.ends_with("}\n"));
    let report: Value = serde_json::from_str(&text).unwrap();
    let keys = |value: &Value| {
        value
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&report),
        ["version", "findings", "suppressed", "summary"]
    );
    assert_eq!(report["version"], 1);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 6);
    for finding in findings {
        assert_eq!(
            keys(finding),
            [
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "rule",
                "severity",
                "message",
                "pointer"
            ]
        );
    }
    assert_eq!(
        findings[1],
        serde_json::json!({
            "file": RESET, "line": 20, "column": 5, "end_line": 31, "end_column": 1,
            "rule": "missing-pros-cons", "severity": "error",
            "message": "method `erase-and-restore` has no `cons`; list at least one drawback",
            "pointer": "/methods/1",
        })
    );
    assert_eq!(
        report["summary"],
        serde_json::json!({"files": 3, "errors": 4, "warnings": 2, "suppressed": 0})
    );
    assert_eq!(
        keys(&report["summary"]),
        ["files", "errors", "warnings", "suppressed"]
    );
}

// ---------------------------------------------------------------------------------------------
// SARIF.

fn sarif_validator() -> jsonschema::Validator {
    // A copy of the official schema (OASIS, errata 01), so the test needs no network.
    let path = golden_dir().join("sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, log: &Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    for findings in [findings(), Vec::new()] {
        let log: Value =
            serde_json::from_slice(&render(Format::Sarif, &findings, &files(), false)).unwrap();
        let errors = schema_errors(&validator, &log);
        assert!(errors.is_empty(), "{errors:#?}");
    }

    // The validator is not vacuous: a broken log fails it.
    let mut broken: Value = serde_json::from_slice(&render_all(Format::Sarif)).unwrap();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    broken["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    broken["runs"][0]["tool"]["driver"]["unknown"] = true.into();
    assert_eq!(schema_errors(&validator, &broken).len(), 3);
}

/// Every finding of `findings()` silenced, the first with a reason, rendered in `format`.
fn render_suppressed(format: Format) -> Vec<u8> {
    let all = findings();
    let suppressed: Vec<remedy_lint::Suppressed> = all
        .iter()
        .enumerate()
        .map(|(i, finding)| remedy_lint::Suppressed {
            finding: finding.clone(),
            reason: (i == 0).then(|| "kept on purpose: \"see the FAQ\"".to_owned()),
        })
        .collect();
    let input = ReportInput {
        findings: &[],
        suppressed: &suppressed,
        fail_on: remedy_lint::FailOn::Error,
        files: &files(),
        rules: RULES,
        color: false,
        tool_version: "0.1.0",
    };
    let mut out = Vec::new();
    write_report(format, &input, &mut out).unwrap();
    out
}

#[test]
fn suppressed_findings_are_sarif_results_with_in_source_suppressions_the_schema_accepts() {
    let log: Value = serde_json::from_slice(&render_suppressed(Format::Sarif)).unwrap();
    let errors = schema_errors(&sarif_validator(), &log);
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings().len());
    assert_eq!(
        results[0]["suppressions"],
        serde_json::json!([{"kind": "inSource", "justification": "kept on purpose: \"see the FAQ\""}])
    );
    assert!(
        results[1..]
            .iter()
            .all(|r| r["suppressions"] == serde_json::json!([{"kind": "inSource"}]))
    );
}

#[test]
fn suppressed_findings_are_counted_and_listed_by_human_json_and_junit() {
    let human = String::from_utf8(render_suppressed(Format::Human)).unwrap();
    let n = findings().len();
    assert!(
        human.ends_with(&format!(
            "All clear: 3 files checked, no problems. ({n} suppressed)\n"
        )),
        "{human}"
    );
    assert!(
        human.contains(&format!("{RESET}:9:5: suppressed[orphan-cause]: ")),
        "{human}"
    );
    let json: Value = serde_json::from_slice(&render_suppressed(Format::Json)).unwrap();
    assert_eq!(json["summary"]["suppressed"], n);
    assert_eq!(json["suppressed"].as_array().map(Vec::len), Some(n));
    assert_eq!(
        json["suppressed"][0]["reason"],
        "kept on purpose: \"see the FAQ\""
    );
    assert_eq!(json["suppressed"][1]["reason"], Value::Null);
    let junit = String::from_utf8(render_suppressed(Format::Junit)).unwrap();
    assert!(junit.contains("failures=\"0\""), "{junit}");
    assert_eq!(junit.matches("suppressed[").count(), n, "{junit}");
}

#[test]
fn sarif_carries_rule_metadata() {
    let log: Value = serde_json::from_slice(&render_all(Format::Sarif)).unwrap();
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "remedy");
    assert_eq!(driver["version"], "0.1.0");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (rule, info) in rules.iter().zip(RULES) {
        assert_eq!(rule["id"], info.name);
        assert_eq!(rule["shortDescription"]["text"], info.summary);
        assert_eq!(rule["help"]["markdown"], info.doc);
        assert_eq!(rule["help"]["text"], info.doc);
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            info.default_severity.as_str()
        );
    }
    let backup = &rules[3];
    assert_eq!(backup["name"], "MissingBackupWarning");
    assert_eq!(
        backup["fullDescription"]["text"],
        "A `destructive: true` step with no `backup: true` step before it in the same method."
    );
    // A doc without sections is its own full description.
    assert_eq!(
        rules[6]["fullDescription"]["text"],
        "A cause listed in `causes` that no method names in `addresses`."
    );
    assert_eq!(rules[6]["defaultConfiguration"]["level"], "warning");
}

#[test]
fn sarif_results_have_rules_and_regions() {
    let log: Value = serde_json::from_slice(&render_all(Format::Sarif)).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    }

    // The multi-line span.
    let pros_cons = &results[1];
    assert_eq!(pros_cons["ruleId"], "missing-pros-cons");
    assert_eq!(pros_cons["level"], "error");
    let location = &pros_cons["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        RESET
    );
    assert_eq!(
        location["physicalLocation"]["region"],
        serde_json::json!({"startLine": 20, "startColumn": 5, "endLine": 31, "endColumn": 1})
    );
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "/methods/1"
    );

    // The path with a space and a non-ASCII letter, and columns after wide characters.
    let schema = &results[5];
    assert_eq!(schema["ruleId"], "schema");
    let physical = &schema["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"],
        "content/sign%20in/%C3%9Cber-Konto.yaml"
    );
    assert_eq!(
        physical["region"],
        serde_json::json!({"startLine": 9, "startColumn": 34, "endLine": 9, "endColumn": 37})
    );

    // The warning keeps its level; the message keeps its newline and quotes.
    let destructive = &results[4];
    assert_eq!(destructive["level"], "warning");
    assert_eq!(
        destructive["message"]["text"],
        findings()[4].message.as_str()
    );
    assert!(findings()[4].message.contains("'abmelden'),\nset"));

    // Fingerprints are present and distinct.
    let mut fingerprints: Vec<&str> = results
        .iter()
        .map(|result| result["partialFingerprints"]["remedy/v1"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), results.len());
}

#[test]
fn sarif_describes_rules_missing_from_the_list_and_absolute_paths() {
    let findings = vec![
        finding(
            "/srv/guides/x.yaml",
            Span::new(Position::new(1, 1), Position::new(1, 1)),
            "",
            "io-error",
            Severity::Error,
            "cannot read the file",
            None,
        ),
        finding(
            "a:b.yaml",
            Span::new(Position::new(0, 0), Position::new(0, 0)),
            "",
            "io-error",
            Severity::Error,
            "cannot read the file",
            None,
        ),
    ];
    let bytes = render(Format::Sarif, &findings, &[], false);
    let log: Value = serde_json::from_slice(&bytes).unwrap();
    let errors = schema_errors(&sarif_validator(), &log);
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len() + 1);
    assert_eq!(rules[RULES.len()]["id"], "io-error");
    assert_eq!(rules[RULES.len()]["name"], "IoError");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results[0]["ruleIndex"], RULES.len());
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"],
        serde_json::json!({"uri": "file:///srv/guides/x.yaml"})
    );
    assert!(results[0]["locations"][0].get("logicalLocations").is_none());
    let second = &results[1]["locations"][0]["physicalLocation"];
    assert_eq!(second["artifactLocation"]["uri"], "a%3Ab.yaml");
    // An empty span still gets a region of one character: never an empty region.
    assert_eq!(
        second["region"],
        serde_json::json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 2})
    );
}

#[test]
fn sarif_of_the_real_rules_validates_and_describes_each() {
    let rules = remedy_lint::rules::registry();
    let findings: Vec<Finding> = rules
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            finding(
                WIFI,
                Span::new(
                    Position::new(index as u32 + 1, 3),
                    Position::new(index as u32 + 1, 9),
                ),
                "/methods/0",
                rule.name,
                rule.default_severity,
                rule.summary,
                None,
            )
        })
        .collect();
    let input = ReportInput {
        findings: &findings,
        suppressed: &[],
        fail_on: remedy_lint::FailOn::Error,
        files: &files(),
        rules,
        color: false,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let mut out = Vec::new();
    write_report(Format::Sarif, &input, &mut out).unwrap();
    let log: Value = serde_json::from_slice(&out).unwrap();
    let errors = schema_errors(&sarif_validator(), &log);
    assert!(errors.is_empty(), "{errors:#?}");

    let descriptors = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(descriptors.len(), rules.len());
    for (descriptor, rule) in descriptors.iter().zip(rules) {
        let full = descriptor["fullDescription"]["text"].as_str().unwrap();
        assert!(
            !full.is_empty() && !full.starts_with('#'),
            "{}: {full}",
            rule.name
        );
        assert!(!full.contains("## "), "{}: {full}", rule.name);
        assert_eq!(
            descriptor["help"]["markdown"],
            rule.doc.trim(),
            "{}",
            rule.name
        );
        // Distinct from the id ignoring case (the SARIF validator's SARIF1001).
        let name = descriptor["name"].as_str().unwrap();
        assert!(!name.eq_ignore_ascii_case(rule.name), "{name}");
        let enabled = &descriptor["defaultConfiguration"]["enabled"];
        if rule.name == "stale-review" {
            assert_eq!(enabled, &Value::Bool(false));
        } else {
            assert!(enabled.is_null(), "{}", rule.name);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// GitHub.

#[test]
fn github_escapes_properties_and_data() {
    let findings = vec![
        finding(
            "dir,a:b/100%\nx.yaml",
            Span::new(Position::new(3, 7), Position::new(3, 12)),
            "/x",
            "schema",
            Severity::Error,
            "50% done: a, b\r\nc::d",
            None,
        ),
        finding(
            "dir,a:b/100%\nx.yaml",
            Span::new(Position::new(5, 3), Position::new(8, 1)),
            "/y",
            "orphan-cause",
            Severity::Warning,
            "plain",
            None,
        ),
    ];
    let text = String::from_utf8(render(Format::Github, &findings, &[], false)).unwrap();
    assert_eq!(
        text,
        "::error file=dir%2Ca%3Ab/100%25%0Ax.yaml,line=3,col=7,endLine=3,endColumn=12,\
         title=schema::50%25 done: a, b%0D%0Ac::d\n\
         ::warning file=dir%2Ca%3Ab/100%25%0Ax.yaml,line=5,endLine=8,title=orphan-cause::plain\n"
    );
}

#[test]
fn github_writes_one_command_line_per_finding() {
    let text = String::from_utf8(render_all(Format::Github)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(lines[0].starts_with("::warning file=content/icloud/reset-iphone.yaml,line=9,"));
    assert!(lines[2].starts_with("::error file="));
    assert!(lines.iter().all(|line| line.starts_with("::")));
}

// ---------------------------------------------------------------------------------------------
// JUnit.

fn render_junit(findings: &[Finding], files: &[PathBuf], fail_on: remedy_lint::FailOn) -> String {
    let input = ReportInput {
        findings,
        suppressed: &[],
        fail_on,
        files,
        rules: RULES,
        color: false,
        tool_version: "0.1.0",
    };
    let mut out = Vec::new();
    write_report(Format::Junit, &input, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn junit_has_one_case_per_file_and_failing_rule_with_one_failure_each() {
    let text = String::from_utf8(render_all(Format::Junit)).unwrap();
    let root = xml::parse(&text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    assert_eq!(root.name, "testsuites");
    let [suite] = root.children.as_slice() else {
        panic!("one testsuite")
    };
    assert_eq!(suite.name, "testsuite");
    let all = findings();
    // Every (file, rule) with an error is a failing case; the clean file passes.
    let mut failing: Vec<(String, &str)> = Vec::new();
    for finding in all.iter().filter(|f| f.severity == Severity::Error) {
        let key = (finding.file.display().to_string(), finding.rule);
        if !failing.contains(&key) {
            failing.push(key);
        }
    }
    let cases: Vec<_> = suite
        .children
        .iter()
        .filter(|c| c.name == "testcase")
        .collect();
    let names: Vec<(String, String)> = cases
        .iter()
        .map(|c| {
            (
                c.attr("classname").unwrap().to_owned(),
                c.attr("name").unwrap().to_owned(),
            )
        })
        .collect();
    let mut expected: Vec<(String, String)> = failing
        .iter()
        .map(|(file, rule)| (file.clone(), (*rule).to_owned()))
        .collect();
    expected.push((WIFI.to_owned(), "lint".to_owned()));
    expected.sort();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    assert_eq!(suite.attr("tests"), Some(cases.len().to_string().as_str()));
    assert_eq!(
        suite.attr("failures"),
        Some(failing.len().to_string().as_str())
    );
    for case in &cases {
        let failures = case.children.iter().filter(|c| c.name == "failure").count();
        let passing = case.attr("name") == Some("lint");
        assert_eq!(failures, usize::from(!passing), "{:?}", case.attr("name"));
    }
    // Warnings (below fail-on) are in the suite's system-out.
    let out = suite
        .children
        .iter()
        .find(|c| c.name == "system-out")
        .unwrap();
    assert!(
        out.text
            .contains(&format!("{RESET}:9:5: warning[orphan-cause]: ")),
        "{}",
        out.text
    );
}

#[test]
fn junit_failures_agree_with_the_exit_code_at_every_fail_on() {
    use remedy_lint::FailOn;
    let warnings: Vec<Finding> = findings()
        .into_iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    let failures = |text: &str| {
        let root = xml::parse(text).unwrap_or_else(|error| panic!("{error}\n{text}"));
        root.children[0].attr("failures").unwrap().to_owned()
    };
    // Only warnings: `--fail-on warning` exits 1, so JUnit must fail too; `error` passes.
    let at_warning = render_junit(&warnings, &files(), FailOn::Warning);
    assert_ne!(failures(&at_warning), "0", "{at_warning}");
    assert_eq!(
        failures(&render_junit(&warnings, &files(), FailOn::Error)),
        "0"
    );
    assert_eq!(
        failures(&render_junit(&findings(), &files(), FailOn::Never)),
        "0"
    );
}

/// The Ant JUnit report format CI servers read, as our own schema beside the goldens (JUnit.xsd).
fn xmllint_against_the_junit_schema(text: &str) -> Result<(), String> {
    // A file of its own in the temporary folder, removed below: a folder shared by the tests
    // running at once could not be removed safely, and one named by the pid stays for good.
    static REPORTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = REPORTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let report =
        std::env::temp_dir().join(format!("remedy-junit-xsd-{}-{n}.xml", std::process::id()));
    std::fs::write(&report, text).map_err(|e| e.to_string())?;
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(golden_dir().join("JUnit.xsd"))
        .arg(&report)
        .output();
    let _ = std::fs::remove_file(&report);
    // No xmllint is a failure, never a skip: CI installs it (libxml2-utils).
    let output = output.map_err(|e| format!("cannot run xmllint (install libxml2-utils): {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn junit_is_valid_against_the_common_junit_schema() {
    use remedy_lint::FailOn;
    let escaped = vec![finding(
        "a&b<c>.yaml",
        Span::new(Position::new(1, 1), Position::new(1, 2)),
        "",
        "schema",
        Severity::Error,
        "bad ]]> <tag attr=\"x\"> & 'y'\u{1}\r\n\tend",
        None,
    )];
    for (name, text) in [
        (
            "findings",
            render_junit(&findings(), &files(), FailOn::Error),
        ),
        (
            "findings at warning",
            render_junit(&findings(), &files(), FailOn::Warning),
        ),
        ("clean", render_junit(&[], &files(), FailOn::Error)),
        ("no files", render_junit(&[], &[], FailOn::Error)),
        ("escaped", render_junit(&escaped, &[], FailOn::Error)),
    ] {
        if let Err(error) = xmllint_against_the_junit_schema(&text) {
            panic!("{name}: {error}\n{text}");
        }
    }
}

#[test]
fn junit_escapes_markup_and_forbidden_characters() {
    let findings = vec![finding(
        "a&b<c>.yaml",
        Span::new(Position::new(1, 1), Position::new(1, 2)),
        "",
        "schema",
        Severity::Error,
        "bad ]]> <tag attr=\"x\"> & 'y'\u{1}\u{b}\r\n\tend",
        None,
    )];
    let text = String::from_utf8(render(Format::Junit, &findings, &[], false)).unwrap();
    assert!(!text.contains('\u{1}') && !text.contains('\u{b}'));
    let root = xml::parse(&text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    let case = root.children[0]
        .children
        .iter()
        .find(|c| c.name == "testcase")
        .unwrap();
    assert_eq!(case.attr("classname"), Some("a&b<c>.yaml"));
    let failure = &case.children[0];
    assert_eq!(
        failure.attr("message"),
        Some("bad ]]> <tag attr=\"x\"> & 'y'\u{FFFD}\u{FFFD}\r\n\tend")
    );
    assert_eq!(
        failure.text,
        "a&b<c>.yaml:1:1: error[schema]: bad ]]> <tag attr=\"x\"> & 'y'\u{FFFD}\u{FFFD}\r\n\tend"
    );
}

/// A small XML 1.0 reader, enough to check that the JUnit report is well-formed and read it back:
/// a prolog, elements with attributes, text with the five entities and character references.
/// Rejects mismatched tags, unescaped `<` or `&`, unquoted attributes, duplicate attributes,
/// characters XML forbids and anything after the root.
mod xml {
    #[derive(Debug)]
    pub struct Element {
        pub name: String,
        pub attributes: Vec<(String, String)>,
        pub children: Vec<Element>,
        pub text: String,
    }

    impl Element {
        pub fn attr(&self, name: &str) -> Option<&str> {
            self.attributes
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        }
    }

    struct Reader<'a> {
        rest: &'a str,
    }

    pub fn parse(text: &str) -> Result<Element, String> {
        if let Some(c) = text.chars().find(|&c| !allowed(c)) {
            return Err(format!("forbidden character {c:?}"));
        }
        let mut reader = Reader { rest: text };
        reader.expect("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        reader.skip_space();
        let root = reader.element()?;
        reader.skip_space();
        if !reader.rest.is_empty() {
            return Err(format!("content after the root: {:?}", reader.rest));
        }
        Ok(root)
    }

    fn allowed(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    }

    impl Reader<'_> {
        fn expect(&mut self, token: &str) -> Result<(), String> {
            self.rest = self
                .rest
                .strip_prefix(token)
                .ok_or_else(|| format!("expected {token:?} at {:?}", self.head()))?;
            Ok(())
        }

        fn head(&self) -> &str {
            &self.rest[..self
                .rest
                .char_indices()
                .nth(40)
                .map_or(self.rest.len(), |(i, _)| i)]
        }

        fn skip_space(&mut self) {
            self.rest = self.rest.trim_start_matches([' ', '\t', '\n', '\r']);
        }

        fn name(&mut self) -> Result<String, String> {
            let end = self
                .rest
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')))
                .unwrap_or(self.rest.len());
            if end == 0 {
                return Err(format!("expected a name at {:?}", self.head()));
            }
            let name = self.rest[..end].to_owned();
            self.rest = &self.rest[end..];
            Ok(name)
        }

        fn element(&mut self) -> Result<Element, String> {
            self.expect("<")?;
            let name = self.name()?;
            let mut element = Element {
                name,
                attributes: Vec::new(),
                children: Vec::new(),
                text: String::new(),
            };
            loop {
                let before = self.rest.len();
                self.skip_space();
                if self.rest.starts_with("/>") {
                    self.rest = &self.rest[2..];
                    return Ok(element);
                }
                if self.rest.starts_with('>') {
                    self.rest = &self.rest[1..];
                    break;
                }
                if self.rest.len() == before {
                    return Err(format!(
                        "expected space before an attribute at {:?}",
                        self.head()
                    ));
                }
                let key = self.name()?;
                self.expect("=\"")?;
                let end = self.rest.find('"').ok_or("unterminated attribute")?;
                let raw = &self.rest[..end];
                if raw.contains('<') {
                    return Err(format!("`<` in attribute {key}"));
                }
                // Attribute-value normalisation: literal white space becomes a space.
                let value = unescape(raw)?;
                let literal_whitespace = raw.contains(['\n', '\r', '\t']);
                if literal_whitespace {
                    return Err(format!("literal line break or tab in attribute {key}"));
                }
                self.rest = &self.rest[end + 1..];
                if element.attr(&key).is_some() {
                    return Err(format!("duplicate attribute {key}"));
                }
                element.attributes.push((key, value));
            }
            loop {
                let end = self.rest.find('<').ok_or("unterminated element")?;
                let raw = &self.rest[..end];
                if raw.contains("]]>") {
                    return Err("`]]>` in text".into());
                }
                // End-of-line handling: a literal CR LF or CR reads as LF.
                let raw = raw.replace("\r\n", "\n").replace('\r', "\n");
                element.text.push_str(&unescape(&raw)?);
                self.rest = &self.rest[end..];
                if self.rest.starts_with("</") {
                    self.rest = &self.rest[2..];
                    let name = self.name()?;
                    if name != element.name {
                        return Err(format!("</{name}> closes <{}>", element.name));
                    }
                    self.skip_space();
                    self.expect(">")?;
                    if !element.children.is_empty() && !element.text.trim().is_empty() {
                        return Err(format!("mixed content in <{name}>"));
                    }
                    if !element.children.is_empty() {
                        element.text.clear();
                    }
                    return Ok(element);
                }
                let child = self.element()?;
                element.children.push(child);
            }
        }
    }

    fn unescape(raw: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = raw;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let end = rest[amp..].find(';').ok_or("unterminated reference")? + amp;
            let entity = &rest[amp + 1..end];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = if let Some(hex) = entity.strip_prefix("#x") {
                        u32::from_str_radix(hex, 16)
                    } else if let Some(decimal) = entity.strip_prefix('#') {
                        decimal.parse()
                    } else {
                        return Err(format!("unknown entity &{entity};"));
                    };
                    code.ok()
                        .and_then(char::from_u32)
                        .filter(|&c| allowed(c))
                        .ok_or_else(|| format!("bad character reference &{entity};"))?
                }
            };
            out.push(c);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}
