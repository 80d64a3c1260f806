//! Issue 15, "a lint result CI can trust": each way a green lint misled CI, as the user met it.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{Run, Scratch, clean_guide, remedy_in};

fn project(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.write("content/a/first.yaml", &clean_guide("first"));
    scratch.write("content/b/second.yaml", &clean_guide("second"));
    scratch
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.stdout))
}

#[test]
fn the_rules_exports_need_cannot_be_turned_off_or_lowered() {
    for (rule, level) in [
        ("schema", "off"),
        ("yaml-syntax", "off"),
        ("io-error", "warning"),
        ("duplicate-id", "off"),
    ] {
        let scratch = project("trust-required");
        scratch.write(
            "remedy.toml",
            &format!("content = \"content\"\n[lint.rules]\n{rule} = \"{level}\"\n"),
        );
        for args in [&["lint"][..], &["export", "json", "-o", "out.json"][..]] {
            let run = scratch.remedy(args);
            run.assert_code(2);
            assert!(
                run.stderr.contains(&format!(
                    "`lint.rules.{rule}` cannot be `{level}`: the exports cannot use a guide with `{rule}` findings"
                )),
                "{}",
                run.stderr
            );
        }
        assert!(!scratch.root.join("out.json").exists());
    }
}

#[test]
fn suppressions_are_counted_and_listed_with_their_reasons_in_every_report() {
    let scratch = project("trust-suppressed");
    scratch.write(
        "content/c/erase.yaml",
        "id: erase
title: Erase the drafts
summary: A guide with two silenced findings.
updated: 2026-11-21
causes:
  - id: full
    title: The storage is full
methods:
  - id: erase-drafts
    title: Erase the drafts
    addresses: [full]
    risk: moderate
    steps:
      # remedy: ignore[missing-backup-warning] -- the drafts sync back from iCloud
      - text: Erase the drafts.
        destructive: true
      - text: Delete the cache.  # remedy: ignore[undeclared-destructive]
    pros: [Quick]
    cons: [Drafts on this device only]
",
    );
    let run = scratch.remedy(&["lint", "content/c/erase.yaml"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("content/c/erase.yaml:15:9: suppressed[missing-backup-warning]: the drafts sync back from iCloud"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "content/c/erase.yaml:17:9: suppressed[undeclared-destructive]: no reason given"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with("(2 suppressed)"),
        "{}",
        run.stdout
    );

    let report = json(&scratch.remedy(&["lint", "content/c/erase.yaml", "--format", "json"]));
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(
        report["suppressed"],
        serde_json::json!([
            {"file": "content/c/erase.yaml", "line": 15, "column": 9,
             "rule": "missing-backup-warning", "reason": "the drafts sync back from iCloud"},
            {"file": "content/c/erase.yaml", "line": 17, "column": 9,
             "rule": "undeclared-destructive", "reason": null},
        ])
    );

    let sarif = json(&scratch.remedy(&["lint", "content/c/erase.yaml", "--format", "sarif"]));
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let suppressions: Vec<serde_json::Value> = results
        .iter()
        .map(|result| result["suppressions"].clone())
        .collect();
    assert_eq!(
        suppressions,
        [
            serde_json::json!([{"kind": "inSource", "justification": "the drafts sync back from iCloud"}]),
            serde_json::json!([{"kind": "inSource"}]),
        ]
    );
}

#[test]
fn a_suppression_without_a_reason_of_an_error_is_reported() {
    let scratch = project("trust-unjustified");
    scratch.write(
        "content/c/erase.yaml",
        "id: erase
title: Erase the drafts
summary: A guide with a silenced error and no reason.
updated: 2026-11-21
causes:
  - id: full
    title: The storage is full
methods:
  - id: erase-drafts
    title: Erase the drafts
    addresses: [full]
    risk: moderate
    steps:
      # remedy: ignore[missing-backup-warning]
      - text: Erase the drafts.
        destructive: true
    pros: [Quick]
    cons: [Drafts on this device only]
",
    );
    let run = scratch.remedy(&["lint", "content/c/erase.yaml", "--fail-on", "warning"]);
    run.assert_code(1);
    assert!(
        run.stdout.contains(
            "content/c/erase.yaml:14:24: warning[unjustified-suppression]: `missing-backup-warning` reports errors"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn junit_fails_exactly_when_the_exit_code_does() {
    let scratch = project("trust-junit");
    // Only a warning: an orphan cause.
    scratch.write(
        "content/c/warned.yaml",
        &clean_guide("warned").replace(
            "causes:\n",
            "causes:\n  - id: unused\n    title: A cause nothing addresses\n",
        ),
    );
    for (fail_on, code) in [("warning", 1), ("error", 0)] {
        let run = scratch.remedy(&["lint", "--format", "junit", "--fail-on", fail_on]);
        run.assert_code(code);
        let failures = if code == 1 {
            "failures=\"1\""
        } else {
            "failures=\"0\""
        };
        assert!(run.stdout.contains(failures), "{fail_on}: {}", run.stdout);
        assert_eq!(run.stdout.matches("<failure ").count(), code as usize);
    }
}

#[test]
fn remedy_toml_is_found_in_the_nearest_parent_folder() {
    let scratch = Scratch::new("trust-parent-config");
    scratch.write("remedy.toml", "content = \"guides\"\n");
    scratch.write("guides/a/first.yaml", &clean_guide("first"));
    let linking = clean_guide("linking").replace(
        "cons: [Rarely enough on its own]\n",
        "cons: [Rarely enough on its own]\nrelated: [first]\n",
    );
    scratch.write("guides/b/linking.yaml", &linking);
    let run = remedy_in(
        &scratch.root.join("guides/b"),
        &["lint", "linking.yaml"],
        None,
    );
    run.assert_code(0);
    assert!(run.stdout.contains("All clear"), "{}", run.stdout);
}

#[test]
fn stdin_filename_resolves_against_the_working_directory_the_content_root_or_as_absolute() {
    let scratch = project("trust-stdin");
    let guide = clean_guide("first");
    let absolute = scratch.root.join("content/a/first.yaml");
    let absolute = absolute.to_string_lossy().into_owned();
    for name in [
        "first.yaml",           // a bare name, as editors send
        "a/first.yaml",         // relative to the content root
        "content/a/first.yaml", // relative to the working directory
        absolute.as_str(),
    ] {
        let run = scratch.remedy_with_stdin(
            &["lint", "-", "--stdin-filename", name, "--format", "json"],
            Some(guide.as_bytes()),
        );
        run.assert_code(0);
        let report = json(&run);
        assert_eq!(report["findings"], serde_json::json!([]), "{name}");
    }
}

/// Runs remedy with its standard output closed before it writes.
fn with_closed_stdout(scratch: &Scratch, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(args)
        .current_dir(&scratch.root)
        .env("CI", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start remedy: {e}"));
    drop(child.stdout.take());
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("remedy did not finish: {e}"));
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let scratch = project("trust-pipe");
    for args in [
        &["export", "json", "-o", "-"][..],
        &["export", "json", "-o", "-", "--jsonl"][..],
        &["lint"][..],
        &["lint", "--format", "json"][..],
        &["schema"][..],
        &["rules"][..],
        &["explain", "schema"][..],
    ] {
        let (code, stderr) = with_closed_stdout(&scratch, args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn an_export_never_leaves_a_guide_out_silently() {
    let scratch = project("trust-left-out");
    // The schema stops the typed guide: no export can hold it.
    scratch.write(
        "content/c/broken.yaml",
        &clean_guide("broken").replace("risk: very-low", "risk: medium"),
    );
    let run = scratch.remedy(&["export", "json", "-o", "out.json", "--force"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "remedy: left out of the export: content/c/broken.yaml cannot be loaded as a guide"
        ),
        "{}",
        run.stderr
    );
    let exported: serde_json::Value =
        serde_json::from_str(&scratch.read("out.json")).unwrap_or_default();
    assert_eq!(exported["guides"].as_array().map(Vec::len), Some(2));
    // Every guide loads: --force exports them all and the run is clean.
    std::fs::remove_file(scratch.root.join("content/c/broken.yaml")).unwrap_or_default();
    scratch
        .remedy(&["export", "json", "-o", "out.json", "--force"])
        .assert_code(0);
}

#[test]
fn every_unprintable_character_is_found_in_one_run_and_the_rest_prints() {
    let scratch = project("trust-unprintable");
    let guide = clean_guide("symbols")
        .replace(
            "Hold the side button until the slider appears.",
            "Look for 📶 and 設定, then for 📶 again.",
        )
        .replace(
            "Drag the slider, then turn the device back on.",
            "Choose \u{F8FF} menu, then Café – “Ω Ж →” … as printed.",
        );
    scratch.write("content/c/symbols.yaml", &guide);
    let run = scratch.remedy(&["lint", "content/c/symbols.yaml", "--format", "json"]);
    run.assert_code(1);
    let report = json(&run);
    let places: Vec<(u64, u64)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            assert_eq!(f["rule"], "unprintable-character", "{f}");
            (
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // 📶, 設, 定, 📶 on the first step's line; U+F8FF on the second's.
    assert_eq!(places, [(14, 24), (14, 30), (14, 31), (14, 43), (15, 22)]);

    // What lint lets through, the PDF prints.
    let printable = clean_guide("printable").replace(
        "Drag the slider, then turn the device back on.",
        "Tap Café – “Ω Ж →” … ß as printed.",
    );
    scratch.write(
        "content/c/symbols.yaml",
        &printable.replace("id: printable", "id: symbols"),
    );
    scratch
        .remedy(&["lint", "content/c/symbols.yaml"])
        .assert_code(0);
    scratch
        .remedy(&["export", "pdf", "content/c/symbols.yaml", "-o", "pdf"])
        .assert_code(0);
    assert!(scratch.root.join("pdf/symbols.pdf").is_file());
}

/// The shell lines of README's "A short tour", without the install line.
fn readme_tour() -> Vec<String> {
    let readme = std::fs::read_to_string(crate::support::repo().join("README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    let tour = readme
        .split("## A short tour")
        .nth(1)
        .and_then(|rest| rest.split("```sh\n").nth(1))
        .and_then(|block| block.split("```").next())
        .unwrap_or_default();
    tour.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with("cargo install"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_tour_works_in_a_scratch_folder_and_leaves_nothing_behind() {
    let lines = readme_tour();
    assert!(
        lines.iter().any(|line| line.starts_with("remedy new")),
        "{lines:?}"
    );
    // A line whose comment says it exits 1 must exit 1; every other line must succeed.
    let script: Vec<String> = lines
        .iter()
        .map(|line| {
            if line.contains("# exit 1") {
                format!("if {line}\nthen echo 'expected exit 1' >&2; exit 9; fi")
            } else {
                line.clone()
            }
        })
        .collect();
    let scratch = Scratch::new("readme-tour");
    scratch.copy_from_repo("content", "content");
    let before = std::fs::read_dir(scratch.root.join("content/icloud"))
        .map(|dir| dir.count())
        .unwrap_or(0);
    let binary = Path::new(env!("CARGO_BIN_EXE_remedy"));
    let path = format!(
        "{}:{}",
        binary
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("sh")
        .arg("-ec")
        .arg(script.join("\n"))
        .current_dir(&scratch.root)
        .env("PATH", path)
        .env("CI", "true")
        .output()
        .unwrap_or_else(|e| panic!("cannot run sh: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    // The tour ran in its own folder: the copy it started from is as it was.
    let left: Vec<String> = std::fs::read_dir(&scratch.root)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(left, ["content"]);
    let after = std::fs::read_dir(scratch.root.join("content/icloud"))
        .map(|dir| dir.count())
        .unwrap_or(0);
    assert_eq!(after, before);
}
