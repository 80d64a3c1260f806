//! The lint cache: what each file gave the cross-guide index last time, used only for files whose
//! name and text are unchanged, so that every change is seen on the next run and a cache that
//! cannot be trusted changes nothing.

mod common;

use std::path::{Path, PathBuf};

use common::{Scratch, guide};
use remedy_lint::cache::key;
use remedy_lint::{Config, LintReport};

fn config(root: &Scratch, cache: bool) -> Config {
    Config {
        content: root.0.join("content"),
        cache_dir: cache.then(|| root.0.join("cache")),
        ..Config::default()
    }
}

fn lint_with(root: &Scratch, cache: bool, paths: &[&str]) -> LintReport {
    common::run(&common::request(&root.0, config(root, cache), paths))
}

/// Lints `paths` with the cache (which this run reads and writes) and checks that the findings
/// are those of a run without it.
fn lines(root: &Scratch, paths: &[&str]) -> String {
    let cached = common::lines(&lint_with(root, true, paths));
    let uncached = common::lines(&lint_with(root, false, paths));
    assert_eq!(cached, uncached, "the cache changed the findings");
    cached
}

const LINTED: &str = "content/a/linted.yaml";

/// A linted guide that refers to `target#second`, the target, and the cache warmed by a lint
/// of the linted file alone (the target is then read for the index only).
fn corpus(name: &str) -> Scratch {
    let root = Scratch::new(name);
    root.write(LINTED, &guide("linted", "        see: target#second\n"));
    root.write("content/b/target.yaml", &guide("target", ""));
    assert_eq!(lines(&root, &[LINTED]), "");
    assert!(
        root.0.join("cache/index.json").is_file(),
        "no cache written"
    );
    root
}

const DANGLES: &str = "content/a/linted.yaml:17:14: error[dangling-reference]: `see` refers to `target#second`, but the guide `target` has no method or step `second`; fix the id\n";

#[test]
fn an_id_renamed_in_a_guide_not_linted_is_seen_on_the_next_run() {
    let root = corpus("cache-renamed");
    let renamed = guide("target", "").replace("id: second", "id: second-thing");
    root.write("content/b/target.yaml", &renamed);
    assert_eq!(lines(&root, &[LINTED]), DANGLES);
    // And back: the entry of the renamed text does not stand for the original one.
    root.write("content/b/target.yaml", &guide("target", ""));
    assert_eq!(lines(&root, &[LINTED]), "");
}

#[test]
fn a_guide_moved_or_deleted_is_seen_on_the_next_run() {
    let root = corpus("cache-moved");
    let text = guide("target", "");
    std::fs::remove_file(root.0.join("content/b/target.yaml")).unwrap_or_default();
    // Moved to another folder: the same guide, still found.
    root.write("content/c/d/target.yaml", &text);
    assert_eq!(lines(&root, &[LINTED]), "");
    // Renamed: the id no longer matches the file, but the guide id is what references use.
    std::fs::remove_file(root.0.join("content/c/d/target.yaml")).unwrap_or_default();
    root.write("content/c/renamed.yaml", &text);
    assert_eq!(lines(&root, &[LINTED]), "");
    // Deleted.
    std::fs::remove_file(root.0.join("content/c/renamed.yaml")).unwrap_or_default();
    let gone = "content/a/linted.yaml:17:14: error[dangling-reference]: `see` refers to `target#second`, but no guide under the content root has the id `target`; fix the guide id\n";
    assert_eq!(lines(&root, &[LINTED]), gone);
}

#[test]
fn changed_settings_are_seen_on_the_next_run() {
    let root = corpus("cache-settings");
    root.write(
        "content/b/target.yaml",
        &guide("target", "").replace("id: second", "id: other"),
    );
    assert_eq!(lines(&root, &[LINTED]), DANGLES);
    let mut config = config(&root, true);
    config.rules.insert(
        remedy_lint::rules::DanglingReference::ID,
        remedy_lint::config::RuleLevel::Warning,
    );
    let report = common::run(&common::request(&root.0, config, &[LINTED]));
    assert_eq!(
        common::lines(&report),
        DANGLES.replace("error[", "warning[")
    );
}

/// Writes `text` as the cache file and checks that the next run gives the findings of a run
/// without a cache, then leaves a cache it can read.
fn ignored(root: &Scratch, text: &[u8]) {
    std::fs::write(root.0.join("cache/index.json"), text).unwrap_or_default();
    assert_eq!(lines(root, &[LINTED]), DANGLES);
    let written = std::fs::read_to_string(root.0.join("cache/index.json")).unwrap_or_default();
    assert!(written.starts_with("{\"stamp\""), "{written}");
}

/// The cache warmed before the target lost `second`, its entry re-keyed to the target's new
/// text: a cache that lies. Trusted, it hides the dangling reference.
fn lying_cache(good: &str) -> String {
    let old = key(Some("target"), guide("target", "").as_bytes());
    let new = key(Some("target"), changed_target().as_bytes());
    good.replace(&old, &new)
}

fn changed_target() -> String {
    guide("target", "").replace("id: second", "id: other")
}

#[test]
fn a_corrupt_truncated_or_foreign_cache_is_ignored() {
    let root = corpus("cache-corrupt");
    let good = std::fs::read_to_string(root.0.join("cache/index.json")).unwrap_or_default();
    root.write("content/b/target.yaml", &changed_target());
    let lie = lying_cache(&good);
    assert_ne!(lie, good, "the target's entry was not found");
    // The control: remedy's own cache is trusted (so the cases below can fail).
    std::fs::write(root.0.join("cache/index.json"), &lie).unwrap_or_default();
    assert_eq!(common::lines(&lint_with(&root, true, &[LINTED])), "");

    ignored(&root, b"\xff\xfe not json at all");
    ignored(&root, &lie.as_bytes()[..lie.len() / 2]);
    ignored(&root, b"");
    ignored(
        &root,
        lie.replacen("\"format\":1", "\"format\":999", 1).as_bytes(),
    );
    ignored(
        &root,
        lie.replacen("\"remedy\":\"", "\"remedy\":\"0.0.0-", 1)
            .as_bytes(),
    );
    ignored(
        &root,
        lie.replacen("\"platform\":\"", "\"platform\":\"plan9-", 1)
            .as_bytes(),
    );
    // An entry remedy could not have written (a kind that does not exist) is not used.
    ignored(&root, lie.replace("\"s\"]", "\"?\"]").as_bytes());
}

#[cfg(unix)]
#[test]
fn a_cache_reached_through_a_symbolic_link_is_never_read() {
    let root = corpus("cache-symlink");
    // A cache that would say the old target still declares `second`, moved aside and linked.
    let stale = root.0.join("stale.json");
    std::fs::rename(root.0.join("cache/index.json"), &stale).unwrap_or_default();
    if std::os::unix::fs::symlink(&stale, root.0.join("cache/index.json")).is_err() {
        panic!("cannot make a symbolic link");
    }
    root.write("content/b/target.yaml", &changed_target());
    let good = std::fs::read_to_string(&stale).unwrap_or_default();
    std::fs::write(&stale, lying_cache(&good)).unwrap_or_default();
    assert_eq!(common::lines(&lint_with(&root, true, &[LINTED])), DANGLES);

    // A cache folder that is a link is neither read nor written.
    let root = corpus("cache-folder-link");
    let elsewhere = root.0.join("elsewhere");
    std::fs::rename(root.0.join("cache"), &elsewhere).unwrap_or_default();
    if std::os::unix::fs::symlink(&elsewhere, root.0.join("cache")).is_err() {
        panic!("cannot make a symbolic link");
    }
    let before = std::fs::read(elsewhere.join("index.json")).unwrap_or_default();
    root.write("content/b/new.yaml", &guide("new", ""));
    assert_eq!(common::lines(&lint_with(&root, true, &[LINTED])), "");
    let after = std::fs::read(elsewhere.join("index.json")).unwrap_or_default();
    assert_eq!(before, after, "written through a link");
}

#[test]
fn the_cache_folder_ignores_itself() {
    let root = corpus("cache-gitignore");
    let ignore = std::fs::read_to_string(root.0.join("cache/.gitignore")).unwrap_or_default();
    assert!(ignore.lines().any(|line| line == "*"), "{ignore}");
}

/// Every lint fixture folder, each file linted alone (so the rest of the folder comes from the
/// cache once it is warm), gives the same findings with and without the cache.
#[test]
fn every_lint_fixture_gives_the_same_findings_with_and_without_the_cache() {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(common::fixtures())
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    folders.retain(|folder| folder.is_dir());
    folders.sort();
    assert!(
        folders.len() > 20,
        "no fixture folders in {}",
        common::fixtures().display()
    );
    let cache = Scratch::new("cache-fixtures");
    let mut files_checked = 0;
    for folder in &folders {
        let uncached = common::folder_config(folder);
        let cached = Config {
            cache_dir: Some(cache.0.join(folder.file_name().unwrap_or_default())),
            ..uncached.clone()
        };
        let run = |config: &Config, paths: &[&str]| {
            // A fixture may name what cannot be linted (a dangling link): both runs must say so.
            remedy_lint::lint(&common::request(folder, config.clone(), paths))
                .map(|report| common::lines(&report))
                .map_err(|error| error.to_string())
        };
        // Warm: the whole folder once.
        assert_eq!(
            run(&cached, &[]),
            run(&uncached, &[]),
            "{}",
            folder.display()
        );
        for file in yaml_files(folder) {
            let relative = file.strip_prefix(folder).unwrap_or(&file);
            let path = relative.to_string_lossy().into_owned();
            assert_eq!(
                run(&cached, &[&path]),
                run(&uncached, &[&path]),
                "{}",
                file.display()
            );
            files_checked += 1;
        }
    }
    assert!(files_checked > 40, "only {files_checked} fixture files");
}

fn yaml_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
