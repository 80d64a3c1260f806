//! The lint cache as a user and a CI job meet it: a cache that cannot be written only warns,
//! and one that came with the repository is never trusted.

use crate::support::{Scratch, clean_guide};

/// A project whose one guide has an error of its own (a placeholder).
fn project(name: &str) -> Scratch {
    let project = Scratch::new(name);
    project.write("remedy.toml", "content = \"content\"\n");
    project.write(
        "content/todo.yaml",
        &clean_guide("todo").replace("Quick]", "TODO]"),
    );
    project.write("content/other.yaml", &clean_guide("other"));
    project
}

#[test]
fn a_cache_remedy_cannot_write_is_a_warning_and_the_run_stands() {
    let project = project("cache-unwritable");
    project.write(
        "blocker",
        "a file where the cache folder's parent should be\n",
    );
    project.write(
        "remedy.toml",
        "content = \"content\"\n[cache]\ndir = \"blocker/cache\"\n",
    );
    let run = project.remedy(&["lint", "--format", "json"]);
    run.assert_code(1);
    assert!(
        run.stdout.contains("\"rule\": \"placeholder-text\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .starts_with("warning: cannot write the lint cache in ")
            && run.stderr.contains("blocker"),
        "{}",
        run.stderr
    );
    project.write("content/todo.yaml", &clean_guide("todo"));
    let run = project.remedy(&["lint"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("warning: cannot write the lint cache"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_cache_that_came_with_the_repository_is_never_trusted() {
    let project = project("cache-brought");
    // A real run fills the cache: one whole-root lint finds the placeholder.
    project.remedy(&["lint"]).assert_code(1);
    let findings = project.read(".remedy-cache/findings.json");
    let (seal, body) = findings.split_once('\n').unwrap_or_default();
    assert_eq!(seal.len(), 64, "{findings}");
    assert!(body.contains("placeholder-text"), "{body}");
    // What a pull request could bring: the same cache without the finding, under a seal it
    // had to guess, and under the seal of the true file.
    let lie = body.replace("placeholder-text", "no-such-rule");
    // A header line, then one entry a line.
    let mut silent = String::new();
    for (at, line) in body.lines().enumerate() {
        let mut entry: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        if at > 0 {
            entry["findings"] = serde_json::json!([]);
        }
        silent.push_str(&entry.to_string());
        silent.push('\n');
    }
    assert_eq!(silent.lines().count(), 3, "{silent}");
    for brought in [
        format!("{}\n{silent}", "0".repeat(64)),
        format!("{seal}\n{silent}"),
        format!("{seal}\n{lie}"),
        silent.to_string(),
    ] {
        project.write(".remedy-cache/findings.json", &brought);
        let run = project.remedy(&["lint"]);
        run.assert_code(1);
        assert!(
            run.stdout.contains("error[placeholder-text]"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn without_a_place_for_the_key_the_cache_is_a_warning_and_the_findings_stand() {
    let project = project("cache-no-key");
    project.write("keys", "a file where the key's folder should be\n");
    let lint = || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_remedy"))
            .args(["--color", "never", "lint"])
            .current_dir(&project.root)
            .env("XDG_CACHE_HOME", project.root.join("keys"))
            .output()
            .unwrap_or_else(|e| panic!("cannot run remedy: {e}"));
        crate::support::Run::from(output)
    };
    for _ in 0..2 {
        let run = lint();
        run.assert_code(1);
        assert!(
            run.stdout.contains("error[placeholder-text]"),
            "{}",
            run.stdout
        );
        assert!(
            run.stderr.contains("cannot write the lint cache")
                && run.stderr.contains("its key cannot be read or made in"),
            "{}",
            run.stderr
        );
    }
}

/// A project where `linted.yaml` refers to `target#restart`, linted alone (so `target.yaml`
/// only feeds the index), after two runs: the second one keeps the target's stat even when
/// the first found it too young to be trusted by it.
fn referring(name: &str) -> Scratch {
    let project = Scratch::new(name);
    project.write("remedy.toml", "content = \"content\"\n");
    project.write(
        "content/linted.yaml",
        &clean_guide("linted").replace(
            "      - text: Drag the slider, then turn the device back on.\n",
            "      - text: Drag the slider, then turn the device back on.\n        see: target#restart\n",
        ),
    );
    project.write("content/target.yaml", &clean_guide("target"));
    for _ in 0..2 {
        lint_linted(&project).assert_code(0);
    }
    project
}

fn lint_linted(project: &Scratch) -> crate::support::Run {
    project.remedy(&["lint", "content/linted.yaml"])
}

const DANGLES: &str =
    "`see` refers to `target#restart`, but the guide `target` has no method or step `restart`";

/// Makes the cache say that `target.yaml` has no `restart`, under a key no text has: believed
/// only by a run that trusts the file by its stat without reading it (a run that reads it finds
/// the key wrong and reads the ids again). The control that the stat is what is trusted: the
/// lie is believed while the file is untouched.
fn lie_about_the_target(project: &Scratch) {
    let path = project.root.join(".remedy-cache/index.json");
    let text = project.read(".remedy-cache/index.json");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let Some(entry) = lines
        .iter_mut()
        .find(|line| line.contains("content/target.yaml\""))
    else {
        panic!("no entry for the target in {text}");
    };
    assert!(entry.contains("\"stat\":["), "no stat kept: {entry}");
    let mut forged: serde_json::Value = serde_json::from_str(entry).unwrap_or_default();
    forged["key"] = serde_json::json!("0".repeat(64));
    let ids = forged["ids"]
        .as_str()
        .unwrap_or_default()
        .replace("mrestart", "mreboots");
    forged["ids"] = serde_json::json!(ids);
    *entry = forged.to_string();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap_or_default();
    if let Err(error) = remedy_lint::cache::reseal(&path) {
        panic!("cannot seal {}: {error}", path.display());
    }
    let run = lint_linted(project);
    run.assert_code(1);
    assert!(run.stdout.contains(DANGLES), "{}", run.stdout);
}

/// `target.yaml` with other bytes of the same size that still declare `restart`.
fn same_size_edit(project: &Scratch) -> String {
    let before = project.read("content/target.yaml");
    let after = before.replace("Restart the device", "Restart the gadget");
    assert_eq!(before.len(), after.len());
    assert_ne!(before, after);
    after
}

fn modified(path: &std::path::Path) -> std::time::SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("cannot stat {}: {e}", path.display()))
}

fn set_modified(path: &std::path::Path, time: std::time::SystemTime) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(time))
        .unwrap_or_else(|e| panic!("cannot set the time of {}: {e}", path.display()));
}

#[test]
fn an_edit_that_keeps_the_size_and_sets_the_modification_time_back_is_seen() {
    let project = referring("cache-stat-mtime");
    lie_about_the_target(&project);
    let target = project.root.join("content/target.yaml");
    let before = modified(&target);
    let edited = same_size_edit(&project);
    project.write("content/target.yaml", &edited);
    // As `touch -d` would: only the change time, which no one can set, tells.
    set_modified(&target, before);
    assert_eq!(modified(&target), before);
    lint_linted(&project).assert_code(0);
}

#[test]
fn a_same_size_edit_is_seen() {
    let project = referring("cache-stat-size");
    lie_about_the_target(&project);
    let edited = same_size_edit(&project);
    project.write("content/target.yaml", &edited);
    lint_linted(&project).assert_code(0);
    // And an edit that takes the id away, of the same size, after the run that read it.
    let renamed = edited.replace("id: restart", "id: reboots");
    project.write("content/target.yaml", &renamed);
    let run = lint_linted(&project);
    run.assert_code(1);
    assert!(run.stdout.contains(DANGLES), "{}", run.stdout);
}

#[test]
fn a_file_replaced_by_a_rename_is_seen() {
    let project = referring("cache-stat-rename");
    lie_about_the_target(&project);
    let target = project.root.join("content/target.yaml");
    let before = modified(&target);
    // Another file of the same size and modification time, renamed over it: a new inode.
    let edited = same_size_edit(&project);
    let beside = project.write("content/.target.yaml.new", &edited);
    set_modified(&beside, before);
    std::fs::rename(&beside, &target).unwrap_or_else(|e| panic!("cannot rename: {e}"));
    assert_eq!(modified(&target), before);
    lint_linted(&project).assert_code(0);
}

#[test]
fn an_edit_right_after_a_run_is_seen() {
    // The target written, linted and written again at once, the time set back each time: a
    // file as young as the run is never trusted by its stat alone.
    for round in 0..3 {
        let project = Scratch::new(&format!("cache-racy-{round}"));
        project.write("remedy.toml", "content = \"content\"\n");
        project.write(
            "content/linted.yaml",
            &clean_guide("linted").replace(
                "      - text: Drag the slider, then turn the device back on.\n",
                "      - text: Drag the slider, then turn the device back on.\n        see: target#restart\n",
            ),
        );
        let target = project.write("content/target.yaml", &clean_guide("target"));
        let written = modified(&target);
        lint_linted(&project).assert_code(0);
        project.write(
            "content/target.yaml",
            &clean_guide("target").replace("id: restart", "id: reboots"),
        );
        set_modified(&target, written);
        let run = lint_linted(&project);
        run.assert_code(1);
        assert!(run.stdout.contains(DANGLES), "{}", run.stdout);
    }
}
