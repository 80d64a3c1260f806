//! Commands that need no guides: schema, rules, explain, help; and usage errors.

use crate::support::{Scratch, repo};

#[test]
fn schema_prints_the_checked_in_schema() {
    let scratch = Scratch::new("schema");
    let run = scratch.remedy(&["schema"]);
    run.assert_code(0);
    let checked_in = std::fs::read_to_string(repo().join("schemas/guide.schema.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.stdout, checked_in);
}

#[test]
fn rules_lists_every_rule_of_the_spec_with_its_severity() {
    let scratch = Scratch::new("rules");
    let run = scratch.remedy(&["rules"]);
    run.assert_code(0);
    let spec = [
        ("yaml-syntax", "error"),
        ("schema", "error"),
        ("id-mismatch", "error"),
        ("duplicate-id", "error"),
        ("dangling-reference", "error"),
        ("dangling-step", "error"),
        ("missing-backup-warning", "error"),
        ("undeclared-destructive", "warning"),
        ("risk-understated", "error"),
        ("missing-pros-cons", "error"),
        ("orphan-cause", "warning"),
        ("method-without-cause", "warning"),
    ];
    for (rule, severity) in spec {
        let line = run
            .stdout
            .lines()
            .find(|line| line.split_whitespace().next() == Some(rule))
            .unwrap_or_else(|| panic!("{rule} missing from:\n{}", run.stdout));
        assert_eq!(line.split_whitespace().nth(1), Some(severity), "{line}");
    }
}

#[test]
fn explain_prints_the_three_parts_of_a_rule() {
    let scratch = Scratch::new("explain");
    let run = scratch.remedy(&["explain", "missing-backup-warning"]);
    run.assert_code(0);
    for part in ["## What it finds", "## Why it matters", "## Example"] {
        assert!(run.stdout.contains(part), "{part} missing:\n{}", run.stdout);
    }
    let run = scratch.remedy(&["explain", "no-such-rule"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("missing-backup-warning"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_arguments_are_usage_errors() {
    let scratch = Scratch::new("usage");
    scratch.remedy(&["lint", "--no-such-flag"]).assert_code(2);
    scratch.remedy(&["frobnicate"]).assert_code(2);
}
