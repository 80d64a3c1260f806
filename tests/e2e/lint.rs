//! `remedy lint` as CI runs it: exit codes, broken files among good ones, configuration, stdin.

use crate::support::{Scratch, clean_guide};

fn project(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.write("content/a/first.yaml", &clean_guide("first"));
    scratch.write("content/b/second.yaml", &clean_guide("second"));
    scratch
}

#[test]
fn clean_guides_exit_zero() {
    let scratch = project("lint-clean");
    let run = scratch.remedy(&["lint"]);
    run.assert_code(0);
}

#[test]
fn the_project_content_is_lint_clean() {
    let scratch = Scratch::new("lint-content");
    scratch.copy_from_repo("content", "content");
    let run = scratch.remedy(&["lint", "content", "--fail-on", "warning"]);
    run.assert_code(0);
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let scratch = project("lint-missing");
    let run = scratch.remedy(&["lint", "content/nope.yaml"]);
    run.assert_code(2);
    assert!(run.stderr.contains("content/nope.yaml"), "{}", run.stderr);
}

#[test]
fn a_broken_file_is_a_finding_and_the_others_are_still_linted() {
    let scratch = project("lint-broken");
    scratch.write("content/a/broken.yaml", "id: broken\ntitle: [unclosed\n");
    let mut bad = clean_guide("third");
    bad = bad.replace("risk: very-low", "risk: extreme");
    scratch.write("content/c/third.yaml", &bad);
    let run = scratch.remedy(&["lint", "--format", "json"]);
    run.assert_code(1);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    let findings: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| {
                    (
                        f["file"].as_str().unwrap_or_default().to_owned(),
                        f["rule"].as_str().unwrap_or_default().to_owned(),
                        f["line"].as_u64().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        findings,
        [
            ("content/a/broken.yaml".into(), "yaml-syntax".into(), 2),
            ("content/c/third.yaml".into(), "schema".into(), 12),
        ]
    );
    assert_eq!(report["summary"]["files"], 4);
}

#[test]
fn fail_on_decides_the_exit_code() {
    let scratch = project("lint-fail-on");
    // An orphan cause is a warning.
    let guide = clean_guide("first").replace(
        "causes:\n",
        "causes:\n  - id: unused-cause\n    title: Nobody fixes this\n",
    );
    scratch.write("content/a/first.yaml", &guide);
    scratch.remedy(&["lint"]).assert_code(0);
    scratch
        .remedy(&["lint", "--fail-on", "warning"])
        .assert_code(1);
    scratch
        .remedy(&["lint", "--fail-on", "never"])
        .assert_code(0);
    scratch.write("remedy.toml", "[lint]\nfail-on = \"warning\"\n");
    scratch.remedy(&["lint"]).assert_code(1);
    scratch
        .remedy(&["lint", "--fail-on", "error"])
        .assert_code(0);
}

#[test]
fn an_unknown_config_key_is_a_usage_error_naming_the_key() {
    let scratch = project("lint-config");
    scratch.write("remedy.toml", "[lint]\nfail_on = \"warning\"\n");
    let run = scratch.remedy(&["lint"]);
    run.assert_code(2);
    assert!(run.stderr.contains("fail_on"), "{}", run.stderr);
    assert!(run.stderr.contains("fail-on"), "{}", run.stderr);
}

#[test]
fn stdin_is_linted_under_the_given_name() {
    let scratch = project("lint-stdin");
    let guide = clean_guide("third");
    let run = scratch.remedy_with_stdin(
        &["lint", "-", "--stdin-filename", "content/c/third.yaml"],
        Some(guide.as_bytes()),
    );
    run.assert_code(0);
    let run = scratch.remedy_with_stdin(
        &["lint", "-", "--stdin-filename", "content/c/other.yaml"],
        Some(guide.as_bytes()),
    );
    run.assert_code(1);
    assert!(
        run.stdout.contains("content/c/other.yaml:1:5"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("id-mismatch"), "{}", run.stdout);
}

#[test]
fn a_reference_to_a_removed_id_is_caught_when_only_the_referring_file_is_linted() {
    let scratch = project("lint-cross");
    let referring = clean_guide("first").replace(
        "      - text: Hold the side button until the slider appears.\n",
        "      - text: Hold the side button until the slider appears.\n        see: second#gone\n",
    );
    scratch.write("content/a/first.yaml", &referring);
    let run = scratch.remedy(&["lint", "content/a/first.yaml"]);
    run.assert_code(1);
    assert!(
        run.stdout.contains("content/a/first.yaml:15:14"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("dangling-reference"), "{}", run.stdout);
}

#[test]
fn every_format_reports_the_same_finding() {
    let scratch = project("lint-formats");
    scratch.write("content/a/first.yaml", &clean_guide("wrong-id"));
    for format in ["human", "json", "sarif", "github", "junit"] {
        let run = scratch.remedy(&["lint", "--format", format]);
        run.assert_code(1);
        assert!(
            run.stdout.contains("id-mismatch"),
            "{format}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("first.yaml"),
            "{format}: {}",
            run.stdout
        );
    }
}

/// A guide linted by path from another folder, with no remedy.toml and no content root there,
/// keeps its pictures in its own folder: they are found, not reported as unreadable.
#[test]
fn pictures_of_a_guide_linted_from_elsewhere_without_a_content_root_are_found() {
    let scratch = Scratch::new("lint-image-no-root");
    scratch.copy_from_repo("tests/fixtures/lint/missing-image", "guides");
    std::fs::create_dir_all(scratch.root.join("elsewhere"))
        .unwrap_or_else(|e| panic!("cannot make a folder: {e}"));
    let run = crate::support::remedy_in(
        &scratch.root.join("elsewhere"),
        &["lint", "--format", "json", "../guides/good.yaml"],
        None,
    );
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .map(|all| all.iter().filter_map(|f| f["rule"].as_str()).collect())
        .unwrap_or_default();
    assert!(!rules.contains(&"missing-image"), "{report}");
}

/// An empty `src` or `alt` is one finding, the schema's (empty text), not also a picture that
/// cannot be found and an alt text "that is the file name".
#[test]
fn an_empty_image_src_or_alt_is_reported_once() {
    let scratch = Scratch::new("lint-empty-image");
    let guide = clean_guide("empty-image").replace(
        "      - text: Hold the side button until the slider appears.\n",
        "      - text: Hold the side button until the slider appears.\n        image: {src: \"\", alt: \"\"}\n",
    );
    assert!(
        guide.contains("image:"),
        "the guide's step text changed: {guide}"
    );
    scratch.write("content/empty-image.yaml", &guide);
    let run = scratch.remedy(&["lint", "--format", "json"]);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .map(|all| all.iter().filter_map(|f| f["rule"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(rules, ["schema", "schema"], "{report}");
}

/// Without a content root (no remedy.toml, no `content/` folder) only the files named are
/// indexed: a reference into a sibling guide that was not named cannot be checked, and is not
/// reported as dangling; the run says once that it was not checked. One into a guide that was
/// named is checked as ever.
#[test]
fn without_a_content_root_references_into_guides_not_linted_are_not_called_dangling() {
    let scratch = Scratch::new("lint-no-root");
    let referring = clean_guide("first").replace(
        "      - text: Hold the side button until the slider appears.\n",
        "      - text: Hold the side button until the slider appears.\n        see: second#restart\n",
    );
    scratch.write("guides/first.yaml", &referring);
    scratch.write("guides/second.yaml", &clean_guide("second"));

    let alone = scratch.remedy(&["--no-cache", "lint", "guides/first.yaml"]);
    alone.assert_code(0);
    assert!(
        !alone.stdout.contains("dangling-reference"),
        "{}",
        alone.stdout
    );
    assert_eq!(
        alone
            .stderr
            .lines()
            .filter(|line| line.starts_with("note: "))
            .collect::<Vec<_>>(),
        [
            "note: 1 reference into guides not linted was not checked: there is no content root (the folder `content` does not exist), so only the files named are known; set `content` in remedy.toml to the folder that holds every guide, or lint that folder"
        ],
        "{}",
        alone.stderr
    );
    let quiet = scratch.remedy(&["--no-cache", "-q", "lint", "guides/first.yaml"]);
    quiet.assert_code(0);
    assert_eq!(quiet.stderr, "");

    let both = scratch.remedy(&[
        "--no-cache",
        "lint",
        "guides/first.yaml",
        "guides/second.yaml",
    ]);
    both.assert_code(0);
    assert!(!both.stderr.contains("note: "), "{}", both.stderr);

    scratch.write(
        "guides/first.yaml",
        &referring.replace("second#restart", "second#gone"),
    );
    let wrong = scratch.remedy(&["--no-cache", "lint", "guides"]);
    wrong.assert_code(1);
    assert!(
        wrong
            .stdout
            .contains("guides/first.yaml:15:14: error[dangling-reference]"),
        "{}",
        wrong.stdout
    );
    assert!(!wrong.stderr.contains("note: "), "{}", wrong.stderr);

    // `content` naming a file is no content root either, and the note says what it is.
    scratch.write("guides/first.yaml", &referring);
    scratch.write("remedy.toml", "content = \"guides/second.yaml\"\n");
    let file_root = scratch.remedy(&["--no-cache", "lint", "guides/first.yaml"]);
    file_root.assert_code(0);
    assert!(
        file_root.stderr.contains(
            "not checked: there is no content root (`guides/second.yaml` is not a folder)"
        ),
        "{}",
        file_root.stderr
    );
}
