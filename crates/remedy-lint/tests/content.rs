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
    assert_eq!(report.files.len(), 3, "{:?}", report.files);
}
