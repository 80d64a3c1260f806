//! The lint run as a whole: which files are linted, what is reported for them, and what happens
//! around broken files, standard input and configuration.

mod common;

use std::path::PathBuf;

use common::{Scratch, guide};
use remedy_lint::{Config, FailOn, LintError, LintRequest, Severity, StdinInput, lint};

fn config(root: &Scratch) -> Config {
    Config {
        content: root.0.join("content"),
        ..Config::default()
    }
}

fn request(root: &Scratch, paths: &[&str]) -> LintRequest {
    common::request(&root.0, config(root), paths)
}

#[test]
fn references_into_guides_that_are_not_linted_resolve_against_the_whole_content_root() {
    let root = Scratch::new("cross-file");
    root.write(
        "content/a/linted.yaml",
        &guide("linted", "        see: target#second\n"),
    );
    root.write("content/b/target.yaml", &guide("target", ""));
    // A defect in the guide that is not linted is not reported.
    root.write(
        "content/b/noisy.yaml",
        &guide("noisy", "        see: nowhere#x\n"),
    );
    let report = common::run(&request(&root, &["content/a/linted.yaml"]));
    assert_eq!(common::lines(&report), "");
    assert_eq!(report.files, [PathBuf::from("content/a/linted.yaml")]);

    // The step is removed from the other guide: the linted file's reference now dangles.
    root.write(
        "content/b/target.yaml",
        &guide("target", "").replace("        id: second\n", ""),
    );
    let report = common::run(&request(&root, &["content/a/linted.yaml"]));
    assert_eq!(
        common::lines(&report),
        "content/a/linted.yaml:17:14: error[dangling-reference]: `see` refers to `target#second`, but the guide `target` has no method or step `second`; fix the id\n"
    );
    assert_eq!(report.findings[0].pointer, "/methods/0/steps/0/see");
    assert_eq!(
        report.findings[0].source_line.as_deref(),
        Some("        see: target#second")
    );

    // The whole fixture folder, linting only one file, finds what linting it all finds there.
    let folder = common::fixtures().join("dangling-reference");
    let config = common::folder_config(&folder);
    let report = common::run(&common::request(&folder, config, &["refs.yaml"]));
    let snapshot = folder.join("snapshots/expected-txt.snap.txt");
    let expected: String = std::fs::read_to_string(&snapshot)
        .unwrap_or_else(|error| panic!("{}: {error}", snapshot.display()))
        .lines()
        .filter(|line| line.starts_with("refs.yaml:"))
        .map(|line| format!("{line}\n"))
        .collect();
    // Two empty lists would agree without showing anything.
    assert!(
        !expected.is_empty(),
        "{} has no refs.yaml finding",
        snapshot.display()
    );
    assert_eq!(common::lines(&report), expected);
}

#[test]
fn a_broken_file_is_a_finding_and_the_others_are_still_linted() {
    let root = Scratch::new("broken");
    root.write(
        "content/good.yaml",
        &guide("good", "        see: broken#first\n"),
    );
    root.write("content/broken.yaml", "id: broken\ntitle: [unclosed\n");
    root.write(
        "content/other.yaml",
        &guide("other", "        see: nothing-here\n"),
    );
    let report = common::run(&request(&root, &[]));
    let found: Vec<(String, u32, &str)> = report
        .findings
        .iter()
        .map(|f| (f.file.display().to_string(), f.span.start.line, f.rule))
        .collect();
    assert_eq!(
        found,
        [
            ("content/broken.yaml".into(), 2, "yaml-syntax"),
            ("content/other.yaml".into(), 17, "dangling-reference"),
        ]
    );
    assert!(report.findings[0].message.starts_with("invalid YAML: "));
    // The reference into the broken guide is not checked: its ids are unknown until it parses.
    assert_eq!(report.files.len(), 3);
    assert_eq!((report.errors(), report.warnings()), (2, 0));
}

#[test]
fn id_mismatch_and_duplicate_ids_fire_even_when_a_type_error_stops_the_typed_guide() {
    let root = Scratch::new("untyped");
    let text = guide("other-name", "").replace("risk: very-low", "risk: 3")
        + "faq:\n  - question: Which?\n    answer: This.\n";
    let text = text.replace("        id: second\n", "        id: first\n");
    root.write("content/typed-error.yaml", &text);
    let report = common::run(&request(&root, &[]));
    let rules: Vec<(u32, &str)> = report
        .findings
        .iter()
        .map(|f| (f.span.start.line, f.rule))
        .collect();
    assert_eq!(
        rules,
        [(1, "id-mismatch"), (13, "schema"), (18, "duplicate-id")]
    );
}

#[test]
fn a_guide_id_used_by_two_files_is_reported_on_the_later_file_or_on_the_one_linted() {
    let root = Scratch::new("twins");
    root.write("content/a/twin.yaml", &guide("twin", ""));
    root.write("content/b/twin.yaml", &guide("twin", ""));
    let all = common::run(&request(&root, &[]));
    assert_eq!(
        common::lines(&all),
        "content/b/twin.yaml:1:5: error[duplicate-id]: the guide id `twin` is also used by content/a/twin.yaml; guide ids must be unique across the content root, so rename one of the guides (its file and its id)\n"
    );
    // CI lints only the first file (the new one): the clash is still reported, on it.
    let first = common::run(&request(&root, &["content/a/twin.yaml"]));
    assert_eq!(first.findings.len(), 1);
    assert!(
        first.findings[0]
            .message
            .contains("also used by content/b/twin.yaml")
    );
}

#[test]
fn standard_input_is_linted_under_its_name_and_replaces_that_file_in_the_index() {
    let root = Scratch::new("stdin");
    root.write("content/target.yaml", &guide("target", ""));
    root.write(
        "content/user.yaml",
        &guide("user", "        see: target#second\n"),
    );
    // The edited buffer of target.yaml no longer has `second`.
    let edited = guide("target", "").replace("        id: second\n", "");
    let mut request = request(&root, &["content/user.yaml"]);
    request.stdin = Some(StdinInput {
        name: PathBuf::from("content/target.yaml"),
        bytes: edited.into_bytes(),
    });
    let report = common::run(&request);
    assert_eq!(
        report.files,
        [
            PathBuf::from("content/target.yaml"),
            PathBuf::from("content/user.yaml")
        ]
    );
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].file, PathBuf::from("content/user.yaml"));

    // The id must equal the stem of the name given for standard input.
    let mut request = self::request(&root, &[]);
    request.stdin = Some(StdinInput {
        name: PathBuf::from("elsewhere/renamed.yaml"),
        bytes: guide("stray", "").into_bytes(),
    });
    let report = common::run(&request);
    assert_eq!(
        common::lines(&report),
        "elsewhere/renamed.yaml:1:5: error[id-mismatch]: the guide id `stray` differs from the file name `renamed.yaml`; change the id to `renamed` or rename the file to `stray.yaml`\n"
    );
}

/// The texts and source lines of cross-guide findings are not kept for every file but read
/// again when one is found; standard input cannot be read again, so its text is kept.
#[test]
fn cross_guide_findings_on_standard_input_carry_their_source_lines() {
    let root = Scratch::new("stdin-cross");
    root.write("content/target.yaml", &guide("target", ""));
    root.write("content/a/twin.yaml", &guide("twin", ""));
    let mut request = request(&root, &[]);
    request.stdin = Some(StdinInput {
        // Not on disk: only standard input holds this text.
        name: PathBuf::from("content/b/twin.yaml"),
        bytes: guide("twin", "        see: target#gone\n").into_bytes(),
    });
    let report = common::run(&request);
    assert_eq!(
        common::lines(&report),
        "content/b/twin.yaml:1:5: error[duplicate-id]: the guide id `twin` is also used by content/a/twin.yaml; guide ids must be unique across the content root, so rename one of the guides (its file and its id)\n\
         content/b/twin.yaml:17:14: error[dangling-reference]: `see` refers to `target#gone`, but the guide `target` has no method or step `gone`; fix the id\n"
    );
    let lines: Vec<Option<&str>> = report
        .findings
        .iter()
        .map(|f| f.source_line.as_deref())
        .collect();
    assert_eq!(lines, [Some("id: twin"), Some("        see: target#gone")]);
}

#[test]
fn kept_guides_carry_their_path_below_the_content_root() {
    let root = Scratch::new("keep");
    root.write("content/icloud/one.yaml", &guide("one", ""));
    root.write("content/broken.yaml", "id: [\n");
    let mut request = request(&root, &[]);
    request.keep_guides = true;
    request.jobs = Some(1);
    let report = common::run(&request);
    let kept: Vec<(PathBuf, &str, &str)> = report
        .guides
        .iter()
        .map(|g| (g.path.clone(), g.source.as_str(), g.guide.id.as_str()))
        .collect();
    assert_eq!(
        kept,
        [(
            PathBuf::from("content/icloud/one.yaml"),
            "icloud/one.yaml",
            "one"
        )]
    );
    request.keep_guides = false;
    assert!(common::run(&request).guides.is_empty());
}

#[test]
fn missing_paths_are_usage_errors() {
    let root = Scratch::new("missing");
    match lint(&request(&root, &[])) {
        Err(LintError::MissingPath(missing)) => assert_eq!(missing.path, PathBuf::from("content")),
        other => panic!("expected a missing content root, got {other:?}"),
    }
    root.write("content/one.yaml", &guide("one", ""));
    match lint(&request(&root, &["content/two.yaml"])) {
        Err(error @ LintError::MissingPath(_)) => assert_eq!(
            error.to_string(),
            "content/two.yaml: no such file or folder; check the path (the content root is set by `content` in remedy.toml)"
        ),
        other => panic!("expected a missing path, got {other:?}"),
    }
}

#[test]
fn severities_follow_the_configuration_and_decide_the_outcome() {
    let root = Scratch::new("severity");
    let lonely = guide("one", "").replace(
        "causes:\n",
        "causes:\n  - id: lonely\n    title: Nobody fixes this\n",
    );
    root.write("content/one.yaml", &lonely);
    root.write(
        "remedy.toml",
        "[lint]\nfail-on = \"warning\"\n[lint.rules]\norphan-cause = \"error\"\n",
    );
    let load = |root: &Scratch| match Config::load(None, &root.0) {
        Ok(config) => config,
        Err(error) => panic!("{error}"),
    };
    let config = load(&root);
    assert_eq!(config.fail_on, FailOn::Warning);
    let report = common::run(&common::request(&root.0, config, &[]));
    assert_eq!(report.findings.len(), 1);
    assert_eq!(
        (report.findings[0].rule, report.findings[0].severity),
        ("orphan-cause", Severity::Error)
    );

    root.write("remedy.toml", "[lint.rules]\norphan-cause = \"off\"\n");
    let report = common::run(&common::request(&root.0, load(&root), &[]));
    assert!(report.findings.is_empty());

    root.write("remedy.toml", "");
    let report = common::run(&common::request(&root.0, load(&root), &[]));
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert!(report.fails(FailOn::Warning));
    assert!(!report.fails(FailOn::Error));
    assert!(!report.fails(FailOn::Never));
}

#[test]
fn the_content_root_is_relative_to_the_configuration_file() {
    let root = Scratch::new("config-path");
    root.write("project/guides/one.yaml", &guide("one", ""));
    root.write("project/ci/remedy.toml", "content = \"../guides\"\n");
    let config = match Config::load(Some(&PathBuf::from("project/ci/remedy.toml")), &root.0) {
        Ok(config) => config,
        Err(error) => panic!("{error}"),
    };
    let report = common::run(&common::request(&root.0, config, &[]));
    assert_eq!(report.files, [PathBuf::from("project/guides/one.yaml")]);

    match Config::load(Some(&PathBuf::from("nope.toml")), &root.0) {
        Err(error) => assert_eq!(
            error.to_string(),
            "nope.toml: no such configuration file; check the --config path"
        ),
        Ok(config) => panic!("expected an error, got {config:?}"),
    }
    root.write("remedy.toml", "[lint]\nfail_on = \"never\"\n");
    match Config::load(None, &root.0) {
        Err(error) => assert_eq!(
            error.to_string(),
            "remedy.toml: unknown key `fail_on` in [lint]; did you mean `fail-on`? valid keys: fail-on, rules, undeclared-destructive, stale-review"
        ),
        Ok(config) => panic!("expected an error, got {config:?}"),
    }
}

#[test]
fn extra_phrases_from_the_configuration_are_destructive() {
    let root = Scratch::new("phrases");
    let text = guide("one", "").replace("Do the second thing.", "Reset all content on the watch.");
    root.write("content/one.yaml", &text);
    root.write(
        "remedy.toml",
        "[lint.rules]\nundeclared-destructive = \"off\"\n",
    );
    let off = match Config::load(None, &root.0) {
        Ok(config) => config,
        Err(error) => panic!("{error}"),
    };
    assert!(
        common::run(&common::request(&root.0, off, &[]))
            .findings
            .is_empty()
    );
    // Built in: "reset all content". An extra phrase changes nothing there, but "pair again" is new.
    let text = text.replace("Do the first thing.", "Unpair the watch and pair again.");
    root.write("content/one.yaml", &text);
    root.write(
        "remedy.toml",
        "[lint.undeclared-destructive]\nextra-phrases = [\"UNPAIR the watch\"]\n",
    );
    let on = match Config::load(None, &root.0) {
        Ok(config) => config,
        Err(error) => panic!("{error}"),
    };
    let report = common::run(&common::request(&root.0, on, &[]));
    let found: Vec<(u32, &str)> = report
        .findings
        .iter()
        .map(|f| (f.span.start.line, f.message.as_str()))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].1.contains("“Unpair the watch”"), "{found:?}");
    assert!(found[1].1.contains("“Reset all content”"), "{found:?}");
}

#[test]
fn suppressions_silence_their_line_and_the_next_and_unused_ones_are_reported() {
    let root = Scratch::new("suppress");
    let text = guide("one", "").replace(
        "causes:\n",
        "causes:\n  # remedy: ignore[orphan-cause]\n  - id: lonely\n    title: Nobody fixes this\n  - id: lonely-two # remedy: ignore[orphan-cause, method-without-cause]\n    title: Nor this\n",
    );
    root.write("content/one.yaml", &text);
    let report = common::run(&request(&root, &[]));
    assert_eq!(
        common::lines(&report),
        "content/one.yaml:9:51: warning[unused-suppression]: `# remedy: ignore[method-without-cause]` silences nothing: no `method-without-cause` finding starts on this line or the next; remove `method-without-cause` from the comment\n"
    );
    assert_eq!(
        report.findings[0].source_line.as_deref(),
        Some("  - id: lonely-two # remedy: ignore[orphan-cause, method-without-cause]")
    );
    // A suppression for a rule the configuration turns off is not "unused".
    root.write(
        "remedy.toml",
        "content = \"content\"\n[lint.rules]\nmethod-without-cause = \"off\"\n",
    );
    let config = match Config::load(None, &root.0) {
        Ok(config) => config,
        Err(error) => panic!("{error}"),
    };
    assert!(
        common::run(&common::request(&root.0, config, &[]))
            .findings
            .is_empty()
    );
}

#[test]
fn files_outside_the_working_directory_keep_the_path_as_given() {
    let root = Scratch::new("outside");
    root.write("elsewhere/one.yaml", &guide("wrong", ""));
    let cwd = root.0.join("work");
    let _ = std::fs::create_dir_all(&cwd);
    let config = Config {
        content: cwd.join("content"),
        ..Config::default()
    };
    let report = common::run(&common::request(&cwd, config, &["../elsewhere"]));
    assert_eq!(report.files, [PathBuf::from("../elsewhere/one.yaml")]);
    assert_eq!(report.findings[0].rule, "id-mismatch");
}

#[test]
fn an_empty_method_step_list_is_one_finding_of_dangling_step_or_of_schema_when_that_is_off() {
    let root = Scratch::new("empty-steps");
    let text = guide("one", "");
    let start = text.find("    steps:\n").unwrap_or_default();
    let end = text.find("    pros:").unwrap_or_default();
    root.write(
        "content/one.yaml",
        &format!("{}    steps: []\n{}", &text[..start], &text[end..]),
    );
    let report = common::run(&request(&root, &[]));
    let found: Vec<(u32, &str)> = report
        .findings
        .iter()
        .map(|f| (f.span.start.line, f.rule))
        .collect();
    assert_eq!(found, [(14, "dangling-step")]);
    root.write("remedy.toml", "[lint.rules]\ndangling-step = \"off\"\n");
    let config = match Config::load(None, &root.0) {
        Ok(config) => config,
        Err(error) => panic!("{error}"),
    };
    let report = common::run(&common::request(&root.0, config, &[]));
    let found: Vec<(u32, &str)> = report
        .findings
        .iter()
        .map(|f| (f.span.start.line, f.rule))
        .collect();
    assert_eq!(found, [(14, "schema")]);
}

#[test]
fn two_guides_with_one_title_are_reported_on_the_later_file_or_on_the_one_linted() {
    let root = Scratch::new("title-twins");
    root.write(
        "content/a/first.yaml",
        &common::guide("first", "").replace("title: Guide first", "title: Reset the router"),
    );
    root.write(
        "content/b/second.yaml",
        &common::guide("second", "").replace("title: Guide second", "title: reset the Router"),
    );
    let message = |file: &str, other: &str, title: &str| {
        format!(
            "{file}:2:8: warning[duplicate-title]: the guide's title “{title}” is also the title of {other}; give each guide a title that tells readers which problem it solves\n"
        )
    };
    let all = common::run(&request(&root, &[]));
    assert_eq!(
        common::lines(&all),
        message(
            "content/b/second.yaml",
            "content/a/first.yaml",
            "reset the Router"
        )
    );
    // Only the first file is linted: the clash is still reported, on it.
    let first = common::run(&request(&root, &["content/a/first.yaml"]));
    assert_eq!(
        common::lines(&first),
        message(
            "content/a/first.yaml",
            "content/b/second.yaml",
            "Reset the router"
        )
    );
    let second = common::run(&request(&root, &["content/b/second.yaml"]));
    assert_eq!(common::lines(&second), common::lines(&all));
}

#[test]
fn a_text_of_many_unprintable_characters_is_read_once_and_reported_a_bounded_number_of_times() {
    let root = Scratch::new("many-unprintable");
    // 300,000 characters, 20,000 of them distinct, none in the handout fonts.
    let text: String = (0..300_000u32)
        .filter_map(|i| char::from_u32(0x4E00 + i % 20_000))
        .collect();
    let guide =
        common::guide("many", "").replacen("A guide for a test.", &format!("\"{text}\""), 1);
    root.write("content/many.yaml", &guide);
    let report = common::run(&request(&root, &[]));
    let unprintable = report
        .findings
        .iter()
        .filter(|f| f.rule == "unprintable-character")
        .count();
    assert_eq!(unprintable, 200, "{}", common::lines(&report).len());
    assert!(report.findings.iter().all(|f| f.span.start.line == 3));
}

#[test]
fn a_guide_with_more_than_65535_references_into_another_guide_resolves_them_all() {
    let root = Scratch::new("many-references");
    // 70,000 references into `target` that resolve, then one that does not: only the last one
    // is a finding (the old index stopped checking at the 65,536th).
    let mut extra = String::from("        see: target#second\n");
    for n in 1..70_000 {
        extra.push_str(&format!(
            "      - text: Do step {n}.\n        see: target#first\n"
        ));
    }
    extra.push_str("      - text: Do the last step.\n        see: target#gone\n");
    root.write("content/many.yaml", &guide("many", &extra));
    root.write("content/target.yaml", &guide("target", ""));
    let report = common::run(&request(&root, &["content/many.yaml"]));
    let lines = common::lines(&report);
    assert_eq!(lines.lines().count(), 1, "{lines}");
    assert!(
        lines.contains("dangling-reference")
            && lines.contains("target#gone") | lines.contains("`gone`"),
        "{lines}"
    );
}

#[test]
fn cross_file_findings_show_the_lines_as_written_however_the_run_keeps_them() {
    let root = Scratch::new("kept-lines");
    // Quoted, commented and folded: the run keeps each line as the text around the id or title
    // it holds, or whole when it does not hold it.
    let first = guide("twin", "")
        .replacen("id: twin", "id: \"twin\"  # the first", 1)
        .replacen("title: Guide twin", "title: 'Reset the router'", 1);
    let folded =
        guide("other", "").replacen("title: Guide other", "title: >-\n  Reset the\n  router", 1);
    let commented =
        guide("third", "").replacen("title: Guide third", "title: Reset the router  # again", 1);
    root.write("content/a/twin.yaml", &first);
    root.write("content/b/twin.yaml", &guide("twin", ""));
    root.write("content/c/other.yaml", &folded);
    root.write("content/d/third.yaml", &commented);
    let shown = |report: &remedy_lint::LintReport| -> Vec<String> {
        report
            .findings
            .iter()
            .map(|f| {
                let line = f.source_line.as_deref().unwrap_or("(none)");
                format!(
                    "{}:{} {} | {line}",
                    f.file.display(),
                    f.span.start.line,
                    f.rule
                )
            })
            .collect()
    };
    let all = common::run(&request(&root, &[]));
    assert_eq!(
        shown(&all),
        [
            "content/b/twin.yaml:1 duplicate-id | id: twin",
            "content/c/other.yaml:2 duplicate-title | title: >-",
            "content/d/third.yaml:2 duplicate-title | title: Reset the router  # again",
        ]
    );
    // Only the first file linted: its own lines, kept for the findings that name the others.
    let alone = common::run(&request(&root, &["content/a/twin.yaml"]));
    assert_eq!(
        shown(&alone),
        [
            "content/a/twin.yaml:1 duplicate-id | id: \"twin\"  # the first",
            "content/a/twin.yaml:2 duplicate-title | title: 'Reset the router'",
        ]
    );
}

#[test]
fn a_reference_that_waited_for_its_guide_shows_its_line_and_pointer_as_written() {
    let root = Scratch::new("waiting-line");
    // `a/` comes before `b/`: the reference waits, kept compactly, until `later` is indexed.
    root.write(
        "content/a/early.yaml",
        &guide("early", "        see: [\"later#gone\", fix]  # waits\n"),
    );
    root.write("content/b/later.yaml", &guide("later", ""));
    let report = common::run(&request(&root, &[]));
    let shown: Vec<(String, u32, &str, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| {
            let file = f.file.to_string_lossy().into_owned();
            (
                file,
                f.span.start.line,
                f.pointer.as_str(),
                f.source_line.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [(
            "content/a/early.yaml".to_owned(),
            17,
            "/methods/0/steps/0/see/0",
            Some("        see: [\"later#gone\", fix]  # waits")
        )]
    );
    assert_eq!(report.findings[0].rule, "dangling-reference");
}

/// A guide id far past the schema's 64 characters is still a guide id two files can share:
/// `duplicate-id`, which cannot be turned off, still names the second file.
#[test]
fn two_files_with_one_overlong_guide_id_are_still_a_duplicate() {
    let root = Scratch::new("overlong-guide-id");
    let id = "a".repeat(70_000);
    root.write("content/x.yaml", &format!("id: {id}\ntitle: X\n"));
    root.write("content/y.yaml", &format!("id: {id}\ntitle: Y\n"));
    let report = common::run(&request(&root, &[]));
    let duplicates: Vec<_> = report
        .findings
        .iter()
        .filter(|finding| finding.rule == "duplicate-id")
        .map(|finding| (finding.file.clone(), finding.span.start.line))
        .collect();
    assert_eq!(duplicates, [(PathBuf::from("content/y.yaml"), 1)]);
}
