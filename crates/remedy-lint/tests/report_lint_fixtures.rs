//! Snapshots of the human (no colour) and json reports of every rule's fixture folder.
//!
//! For each folder `tests/fixtures/lint/<rule>/` (at the repository root) whose name is a rule,
//! the folder is linted as its own content root (its `remedy.toml` when it has one), from inside
//! it, so findings name files relative to the folder. The reports are compared byte for byte to
//! `expected.human` and `expected.json` in the folder.
//!
//! `REMEDY_BLESS=1 cargo test -p remedy-lint --test report_lint_fixtures` rewrites them: read
//! every one that changed before committing it.

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

/// The rule folders, sorted.
fn rule_folders() -> Vec<PathBuf> {
    let root = common::fixtures();
    let Ok(entries) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .filter(|path| {
            let name = path.file_name().and_then(|name| name.to_str());
            registry().iter().any(|rule| Some(rule.name) == name)
        })
        .map(|path| std::fs::canonicalize(&path).unwrap_or(path))
        .collect();
    folders.sort();
    folders
}

/// Compares `actual` to `path`, or writes it under `REMEDY_BLESS=1`. Returns what is wrong.
fn check(path: &Path, actual: &[u8]) -> Option<String> {
    if std::env::var_os("REMEDY_BLESS").is_some_and(|value| value == "1") {
        return std::fs::write(path, actual)
            .err()
            .map(|error| format!("{}: {error}", path.display()));
    }
    match std::fs::read(path) {
        Err(error) => Some(format!(
            "{}: {error} (REMEDY_BLESS=1 creates it)",
            path.display()
        )),
        Ok(expected) if expected != actual => Some(format!(
            "{} differs (REMEDY_BLESS=1 rewrites it)\n--- expected\n{}\n--- actual\n{}",
            path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        )),
        Ok(_) => None,
    }
}

#[test]
fn every_rule_folder_matches_its_snapshots() {
    let folders = rule_folders();
    if folders.is_empty() {
        eprintln!("no rule folders under {}", common::fixtures().display());
    }
    let mut problems = Vec::new();
    for folder in folders {
        let config = common::folder_config(&folder);
        let report = common::run(&common::request(&folder, config, &[]));
        for (format, name) in [
            (Format::Human, "expected.human"),
            (Format::Json, "expected.json"),
        ] {
            problems.extend(check(&folder.join(name), &render(format, &report)));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
