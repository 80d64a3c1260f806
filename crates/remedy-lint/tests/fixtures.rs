//! One fixture folder per rule under `tests/fixtures/lint/<rule>/`: each folder is a content root
//! whose guides trigger the rule at known lines, next to near misses that must stay silent. The
//! exact findings are in the folder's `expected.txt`, one per line as
//! `path:line:col: severity[rule]: message`, paths relative to the folder.
//!
//! `REMEDY_BLESS=1 cargo test -p remedy-lint --test fixtures` rewrites the expected files; read
//! every changed line before committing it.

mod common;

use std::fs;
use std::path::Path;

use remedy_lint::rules;

fn lint_folder(folder: &Path) -> String {
    let config = common::folder_config(folder);
    common::lines(&common::run(&common::request(folder, config, &[])))
}

#[test]
fn every_rule_has_a_fixture_folder_with_its_expected_findings() {
    let bless = std::env::var_os("REMEDY_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for rule in rules::registry() {
        let folder = common::fixtures().join(rule.name);
        assert!(folder.is_dir(), "no fixture folder for {}", rule.name);
        let actual = lint_folder(&folder);
        let expected_file = folder.join("expected.txt");
        if bless && let Err(error) = fs::write(&expected_file, &actual) {
            panic!("cannot write {}: {error}", expected_file.display());
        }
        let expected = fs::read_to_string(&expected_file).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                rule.name
            ));
        }
        // The folder exists for its rule: it must fire it, and nothing else may fire there.
        let tag = format!("[{}]: ", rule.name);
        assert!(actual.contains(&tag), "{}: the rule never fires", rule.name);
        for line in actual.lines() {
            assert!(
                line.contains(&tag),
                "{}: another rule fired: {line}",
                rule.name
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
