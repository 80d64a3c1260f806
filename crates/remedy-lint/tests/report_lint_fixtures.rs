//! Snapshots of the human (no colour) and json reports of every rule's fixture folder.
//!
//! Every rule has a folder `tests/fixtures/lint/<rule>/` (at the repository root), and every
//! folder there is a rule's: a missing or stray folder fails the test rather than shrinking what
//! it checks. Each folder is linted as its own content root (its `remedy.toml` when it has one),
//! from inside it, so findings name files relative to the folder. The reports are compared byte
//! for byte to the insta snapshots `snapshots/expected-human.snap.human` and
//! `snapshots/expected-json.snap.json` in the folder: after an intended change,
//! `cargo insta test -p remedy-lint --test report_lint_fixtures --review` shows each one that
//! differs; read every one before accepting it.

mod common;

use std::path::{Path, PathBuf};

use remedy_lint::report::{Format, ReportInput, write_report};
use remedy_lint::rules::registry;

fn render(format: Format, report: &remedy_lint::LintReport) -> Vec<u8> {
    let input = ReportInput {
        findings: &report.findings,
        suppressed: &report.suppressed,
        fail_on: remedy_lint::FailOn::Error,
        files: &report.files,
        rules: registry(),
        color: false,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let mut out = Vec::new();
    if let Err(error) = write_report(format, &input, &mut out) {
        panic!("{format}: {error}");
    }
    out
}

/// The folder names under `root`, sorted; a root that cannot be read fails the test.
fn folder_names(root: &Path) -> Vec<String> {
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(error) => panic!("{}: {error}", root.display()),
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Each rule's fixture folder, in registry order; fails unless the folders are exactly the rules.
fn rule_folders() -> Vec<PathBuf> {
    let root = common::fixtures();
    let found = folder_names(&root);
    let mut rules: Vec<String> = registry().iter().map(|rule| rule.name.to_owned()).collect();
    rules.sort();
    assert!(!rules.is_empty(), "the rule registry is empty");
    let missing: Vec<&String> = rules.iter().filter(|rule| !found.contains(rule)).collect();
    let stray: Vec<&String> = found.iter().filter(|name| !rules.contains(name)).collect();
    assert!(
        missing.is_empty() && stray.is_empty(),
        "{}: every rule needs one fixture folder named after it; missing {missing:?}, not a rule {stray:?}",
        root.display()
    );
    rules.iter().map(|rule| root.join(rule)).collect()
}

#[test]
fn every_rule_folder_matches_its_snapshots() {
    for folder in rule_folders() {
        let config = common::folder_config(&folder);
        let report = common::run(&common::request(&folder, config, &[]));
        for (format, name) in [
            (Format::Human, "expected.human"),
            (Format::Json, "expected.json"),
        ] {
            common::assert_golden(&folder.join("snapshots"), name, &render(format, &report));
        }
    }
}
