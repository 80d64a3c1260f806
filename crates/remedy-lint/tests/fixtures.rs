//! One fixture folder per rule under `tests/fixtures/lint/<rule>/`: each folder is a content root
//! whose guides trigger the rule at known lines, next to near misses that must stay silent. The
//! exact findings are in the folder's insta snapshot `snapshots/expected-txt.snap.txt`, one per
//! line as `path:line:col: severity[rule]: message`, paths relative to the folder.
//!
//! After an intended change, `cargo insta test -p remedy-lint --test fixtures --review` shows each
//! snapshot that differs; read every changed line before accepting it.

mod common;

use std::path::Path;

use remedy_lint::rules;

fn lint_folder(folder: &Path) -> String {
    let config = common::folder_config(folder);
    common::lines(&common::run(&common::request(folder, config, &[])))
}

#[test]
fn every_rule_has_a_fixture_folder_with_its_expected_findings() {
    let registry = rules::registry();
    assert!(!registry.is_empty(), "the rule registry is empty");
    for rule in registry {
        let folder = common::fixtures().join(rule.name);
        assert!(folder.is_dir(), "no fixture folder for {}", rule.name);
        let actual = lint_folder(&folder);
        common::assert_golden(&folder.join("snapshots"), "expected.txt", actual.as_bytes());
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
}
