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
    let forged: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let mut silent = forged.clone();
    for entry in silent["entries"].as_array_mut().into_iter().flatten() {
        entry["findings"] = serde_json::json!([]);
    }
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
