//! The project's own guides under `content/` lint clean with the default configuration.

mod common;

use remedy_lint::Config;

#[test]
fn the_projects_guides_are_clean() {
    let repo = common::repo();
    let config = match Config::load(None, &repo) {
        Ok(config) => config,
        Err(error) => panic!("{error}"),
    };
    let report = common::run(&common::request(&repo, config, &[]));
    assert_eq!(common::lines(&report), "");
    // Whatever content/ holds (the count is not this test's business), every guide was linted.
    let guides = remedy_core::corpus::discover(&[repo.join("content")])
        .map(|found| found.files.len())
        .unwrap_or_default();
    assert!(guides > 0);
    assert_eq!(report.files.len(), guides, "{:?}", report.files);
}

/// The engine reads a linted guide's ids (and, when one repeats, their pointers) from the typed
/// guide, and a guide that does not deserialize from its YAML: both readings must agree.
#[test]
fn ids_read_from_the_typed_guide_equal_ids_read_from_the_yaml() {
    use remedy_lint::rules::duplicate_id::{declarations, declared_ids};

    let repo = common::repo();
    let mut files = Vec::new();
    for root in [repo.join("content"), repo.join("tests/fixtures")] {
        let found = match remedy_core::corpus::discover(&[root]) {
            Ok(found) => found,
            Err(error) => panic!("{error:?}"),
        };
        files.extend(found.files);
    }
    let mut compared = 0;
    for path in &files {
        let Ok(file) = remedy_core::load_file(path, &Default::default()) else {
            continue;
        };
        let Some(guide) = &file.guide else {
            continue;
        };
        let value = &file.document.value;
        assert_eq!(
            declared_ids(Some(guide), &serde_json::Value::Null),
            declared_ids(None, value),
            "{}",
            path.display()
        );
        assert_eq!(
            declarations(Some(guide), &serde_json::Value::Null),
            declarations(None, value),
            "{}",
            path.display()
        );
        compared += 1;
    }
    assert!(compared > 20, "only {compared} guides compared");
}
