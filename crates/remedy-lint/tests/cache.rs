//! The lint cache: what each file gave the cross-guide index last time, and, for a lint of the
//! whole root, what its own checks found; used only for files whose name and text are
//! unchanged (and, for findings, at the same place, under the same settings and fonts, on a
//! day the date rules say the same), so that every change is seen on the next run and a cache
//! that cannot be trusted changes nothing.

mod common;

use std::path::{Path, PathBuf};

use common::{Scratch, guide};
use remedy_lint::cache::key;
use remedy_lint::config::RuleLevel;
use remedy_lint::report::{Format, ReportInput, write_report};
use remedy_lint::rules::{self, RuleId};
use remedy_lint::{Config, FailOn, LintReport};

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
    let (seal, body) = written.split_once('\n').unwrap_or_default();
    assert!(
        seal.len() == 64 && body.starts_with("{\"stamp\""),
        "{written}"
    );
}

/// Applies `edit` to every entry of a cache file's text (after its seal: a header line, then
/// one entry a line) and gives the text back.
fn each_entry(body: &str, mut edit: impl FnMut(&mut serde_json::Value)) -> String {
    let mut lines = body.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with("{\"stamp\""), "no header in {body}");
    let mut text = format!("{header}\n");
    let mut entries = 0;
    for line in lines {
        let mut entry: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        assert!(entry.is_object(), "not an entry: {line}");
        edit(&mut entry);
        text.push_str(&entry.to_string());
        text.push('\n');
        entries += 1;
    }
    assert!(entries > 0, "no entries in {body}");
    text
}

/// Replaces the text of cache file `path` by `edit` of it, sealed again with this user's key:
/// a cache that lies as only this user's own runs could have written it.
fn forge(path: &Path, edit: impl FnOnce(&str) -> String) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (seal, body) = text.split_once('\n').unwrap_or_default();
    assert_eq!(seal.len(), 64, "not a sealed cache file: {text}");
    std::fs::write(path, format!("{seal}\n{}", edit(body))).unwrap_or_default();
    if let Err(error) = remedy_lint::cache::reseal(path) {
        panic!("cannot seal {}: {error}", path.display());
    }
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
    let index = root.0.join("cache/index.json");
    root.write("content/b/target.yaml", &changed_target());
    forge(&index, lying_cache);
    let lie = std::fs::read_to_string(&index).unwrap_or_default();
    assert!(lie.contains(&key(Some("target"), changed_target().as_bytes())));
    // The control: a cache sealed by this user is trusted (so the cases below can fail).
    assert_eq!(common::lines(&lint_with(&root, true, &[LINTED])), "");

    // The same lie without this user's seal: what a repository could bring along.
    let (_, unsealed) = lie.split_once('\n').unwrap_or_default();
    ignored(&root, unsealed.as_bytes());
    ignored(&root, format!("{}\n{unsealed}", "0".repeat(64)).as_bytes());

    ignored(&root, b"\xff\xfe not json at all");
    ignored(&root, &lie.as_bytes()[..lie.len() / 2]);
    ignored(&root, b"");
    // Sealed, but for another format, remedy version or platform, or with an entry remedy
    // could not have written (a kind that does not exist).
    let edits: [&dyn Fn(&str) -> String; 4] = [
        &|text| text.replacen("\"format\":4", "\"format\":999", 1),
        &|text| text.replacen("\"remedy\":\"", "\"remedy\":\"0.0.0-", 1),
        &|text| text.replacen("\"platform\":\"", "\"platform\":\"plan9-", 1),
        &|text| text.replace("\\nssecond", "\\n?second"),
    ];
    for edit in edits {
        std::fs::write(&index, &lie).unwrap_or_default();
        forge(&index, |text| {
            let edited = edit(text);
            assert_ne!(edited, text, "the edit changed nothing");
            edited
        });
        let sealed = std::fs::read(&index).unwrap_or_default();
        ignored(&root, &sealed);
    }
}

#[cfg(unix)]
#[test]
fn a_cache_reached_through_a_symbolic_link_is_never_read() {
    let root = corpus("cache-symlink");
    // A cache that says the old target still declares `second`: trusted where it is ...
    root.write("content/b/target.yaml", &changed_target());
    forge(&root.0.join("cache/index.json"), lying_cache);
    assert_eq!(common::lines(&lint_with(&root, true, &[LINTED])), "");
    // ... but not once it is moved aside and linked to.
    let stale = root.0.join("stale.json");
    std::fs::rename(root.0.join("cache/index.json"), &stale).unwrap_or_default();
    if std::os::unix::fs::symlink(&stale, root.0.join("cache/index.json")).is_err() {
        panic!("cannot make a symbolic link");
    }
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
        // The whole folder: once to fill the cache, once with every file's own findings
        // taken from it; every report the same bytes as without a cache.
        let whole = |config: &Config| {
            remedy_lint::lint(&common::request(folder, config.clone(), &[]))
                .map(|report| reports(&report))
                .map_err(|error| error.to_string())
        };
        let expected = whole(&uncached);
        assert_eq!(whole(&cached), expected, "cold: {}", folder.display());
        if expected.is_ok() {
            let findings = cached.cache_dir.clone().unwrap_or_default();
            assert!(
                findings.join("findings.json").is_file(),
                "no findings cache for {}",
                folder.display()
            );
        }
        assert_eq!(whole(&cached), expected, "warm: {}", folder.display());
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

/// Every report format's bytes for a run.
fn reports(report: &LintReport) -> Vec<(&'static str, String)> {
    Format::ALL
        .iter()
        .map(|&format| {
            let input = ReportInput {
                findings: &report.findings,
                suppressed: &report.suppressed,
                fail_on: FailOn::Error,
                files: &report.files,
                rules: rules::registry(),
                color: false,
                tool_version: "0.0.0-test",
            };
            let mut out = Vec::new();
            if let Err(error) = write_report(format, &input, &mut out) {
                panic!("{}: {error}", format.as_str());
            }
            (format.as_str(), String::from_utf8_lossy(&out).into_owned())
        })
        .collect()
}

const BAD: &str = "content/a/bad.yaml";

fn cached_config(root: &Scratch) -> Config {
    config(root, true)
}

/// A guide with a finding of its own (a placeholder) that refers to `target#second`.
fn bad_guide() -> String {
    guide(
        "bad",
        "        note: TODO say why\n        see: target#second\n",
    )
}

const PLACEHOLDER: &str = "content/a/bad.yaml:17:15: error[placeholder-text]: `TODO` marks unfinished text; finish the text and remove `TODO`\n";

/// Lints the whole root with the cache and checks every report against a run without it.
fn whole(root: &Scratch, config: &Config) -> String {
    let cached = common::run(&common::request(&root.0, config.clone(), &[]));
    let uncached = Config {
        cache_dir: None,
        ..config.clone()
    };
    let uncached = common::run(&common::request(&root.0, uncached, &[]));
    assert_eq!(
        reports(&cached),
        reports(&uncached),
        "the cache changed a report"
    );
    common::lines(&cached)
}

/// What a whole-root lint with the cache finds, without comparing.
fn trusting(root: &Scratch, config: &Config) -> String {
    common::lines(&common::run(&common::request(&root.0, config.clone(), &[])))
}

/// Makes the findings cache say that no file has a finding of its own (or a picture), sealed
/// as this user's: a cache that lies, which the next run trusts only where nothing changed.
fn silence(root: &Scratch) {
    forge(&root.0.join("cache/findings.json"), |text| {
        each_entry(text, |entry| {
            if let Some(entry) = entry.as_object_mut() {
                entry.remove("findings");
                entry.remove("images");
            }
        })
    });
}

/// A root whose `bad.yaml` has a placeholder, the cache filled by a whole-root lint and then
/// made to lie; the control: the lie is trusted while nothing changes.
fn silenced(name: &str, config: impl Fn(&Scratch) -> Config) -> (Scratch, Config) {
    let root = Scratch::new(name);
    root.write(BAD, &bad_guide());
    root.write("content/b/target.yaml", &guide("target", ""));
    let config = config(&root);
    assert_eq!(whole(&root, &config), PLACEHOLDER);
    silence(&root);
    assert_eq!(trusting(&root, &config), "", "the lie was not trusted");
    (root, config)
}

#[test]
fn a_whole_root_lint_takes_unchanged_files_findings_from_the_cache_and_cross_guide_ones_never() {
    let (root, config) = silenced("findings-cross", cached_config);
    // The referring file's entry is trusted; the reference into the changed guide is checked
    // against this run's index.
    let renamed = guide("target", "").replace("id: second", "id: second-thing");
    root.write("content/b/target.yaml", &renamed);
    let dangles = DANGLES.replace("content/a/linted.yaml:17:14", "content/a/bad.yaml:18:14");
    assert_eq!(trusting(&root, &config), dangles);
    // Deleted.
    std::fs::remove_file(root.0.join("content/b/target.yaml")).unwrap_or_default();
    let gone = "content/a/bad.yaml:18:14: error[dangling-reference]: `see` refers to `target#second`, but no guide under the content root has the id `target`; fix the guide id\n";
    assert_eq!(trusting(&root, &config), gone);
}

#[test]
fn a_changed_or_moved_file_is_checked_again() {
    let (root, config) = silenced("findings-changed", cached_config);
    root.write(BAD, &(bad_guide() + "\n"));
    assert_eq!(whole(&root, &config), PLACEHOLDER);

    let (root, config) = silenced("findings-moved", cached_config);
    std::fs::remove_file(root.0.join(BAD)).unwrap_or_default();
    root.write("content/c/bad.yaml", &bad_guide());
    assert_eq!(
        whole(&root, &config),
        PLACEHOLDER.replace("content/a/", "content/c/")
    );
}

#[test]
fn changed_settings_or_a_changed_remedy_version_check_every_file_again() {
    let (root, config) = silenced("findings-settings", cached_config);
    let mut changed = config.clone();
    changed.rules.insert(RuleId::OrphanCause, RuleLevel::Error);
    assert_eq!(whole(&root, &changed), PLACEHOLDER);

    let (root, config) = silenced("findings-phrases", cached_config);
    let mut changed = config.clone();
    changed.extra_phrases.push("reset the gadget".into());
    assert_eq!(whole(&root, &changed), PLACEHOLDER);

    let (root, config) = silenced("findings-version", cached_config);
    forge(&root.0.join("cache/findings.json"), |text| {
        text.replacen("\"remedy\":\"", "\"remedy\":\"0.0.0-", 1)
    });
    assert_eq!(whole(&root, &config), PLACEHOLDER);
}

#[test]
fn a_changed_font_file_checks_every_file_again() {
    let with_font = |root: &Scratch| {
        root.write("fonts/extra.ttf", "");
        std::fs::write(root.0.join("fonts/extra.ttf"), dejavu::serif::regular())
            .unwrap_or_default();
        Config {
            pdf_fonts: vec![root.0.join("fonts/extra.ttf")],
            ..config(root, true)
        }
    };
    let (root, config) = silenced("findings-fonts", with_font);
    // The same path, another font in it: `unprintable-character` may now say otherwise.
    std::fs::write(root.0.join("fonts/extra.ttf"), dejavu::sans_mono::regular())
        .unwrap_or_default();
    assert_eq!(whole(&root, &config), PLACEHOLDER);
}

#[test]
fn findings_are_not_taken_on_a_day_the_date_rules_would_say_otherwise() {
    let today = rules::today_utc();
    // Last reviewed 366 days ago: stale today, not yesterday.
    let updated = rules::civil_from_days(today - 366);
    let root = Scratch::new("findings-date");
    root.write(
        "content/a/old.yaml",
        &guide("old", "").replace("updated: 2026-11-21", &format!("updated: {updated}")),
    );
    let mut config = config(&root, true);
    config.rules.insert(RuleId::StaleReview, RuleLevel::Warning);
    let stale = format!(
        "content/a/old.yaml:4:10: warning[stale-review]: the guide was last reviewed on {updated}, more than 365 days ago; check every step against the current software, then update the date\n"
    );
    assert_eq!(whole(&root, &config), stale);
    // What a run yesterday would have left: no finding, and true until yesterday.
    let written_on = |last_day: i64| {
        move |text: &str| {
            each_entry(text, |entry| {
                entry["findings"] = serde_json::json!([]);
                entry["days"] = serde_json::json!([today - 367, last_day]);
            })
        }
    };
    let findings = root.0.join("cache/findings.json");
    let before = std::fs::read_to_string(&findings).unwrap_or_default();
    // The control: an entry true until today is trusted ...
    forge(&findings, written_on(today));
    assert_eq!(trusting(&root, &config), "");
    // ... one true until yesterday is not.
    std::fs::write(&findings, &before).unwrap_or_default();
    forge(&findings, written_on(today - 1));
    assert_eq!(whole(&root, &config), stale);
}

#[test]
fn a_cache_that_cannot_be_written_is_a_warning_and_changes_nothing() {
    let root = Scratch::new("cache-unwritable");
    root.write(BAD, &bad_guide());
    root.write("content/b/target.yaml", &guide("target", ""));
    // A file where the cache folder's parent should be: no one, root included, can write it.
    root.write("blocker", "not a folder\n");
    for paths in [&[][..], &[BAD][..]] {
        let config = Config {
            cache_dir: Some(root.0.join("blocker/cache")),
            ..config(&root, false)
        };
        let report = common::run(&common::request(&root.0, config, paths));
        assert_eq!(common::lines(&report), PLACEHOLDER);
        assert_eq!(report.cache_errors.len(), 1, "{:?}", report.cache_errors);
        let warning = report.cache_errors[0].to_string();
        assert!(
            warning.starts_with("cannot write the lint cache in ") && warning.contains("blocker"),
            "{warning}"
        );
    }
}

#[test]
fn runs_at_the_same_time_never_leave_a_half_written_cache() {
    let root = Scratch::new("cache-concurrent");
    for i in 0..40 {
        let next = (i + 1) % 40;
        root.write(
            &format!("content/g{i}.yaml"),
            &guide(&format!("g{i}"), &format!("        see: g{next}#second\n")),
        );
    }
    root.write(BAD, &bad_guide());
    root.write("content/b/target.yaml", &guide("target", ""));
    let config = config(&root, true);
    std::thread::scope(|scope| {
        for round in 0..8 {
            let (root, config) = (&root, &config);
            scope.spawn(move || {
                // Each run sees other files changed, so that each one writes.
                root.write(
                    &format!("content/r{round}.yaml"),
                    &guide(&format!("r{round}"), ""),
                );
                let paths: &[&str] = if round % 2 == 0 { &[] } else { &[BAD] };
                common::run(&common::request(&root.0, config.clone(), paths));
            });
        }
    });
    let dir = root.0.join("cache");
    for name in ["index.json", "findings.json"] {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let (_, body) = text.split_once('\n').unwrap_or_default();
        assert!(
            body.ends_with('\n')
                && body
                    .lines()
                    .all(|line| serde_json::from_str::<serde_json::Value>(line).is_ok()),
            "{name} is not whole: {text}"
        );
        // Sealed as written: sealing it again changes nothing.
        remedy_lint::cache::reseal(&path).unwrap_or_default();
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), text);
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name())
        .filter(|name| name.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let report = whole(&root, &config);
    assert_eq!(report, PLACEHOLDER);
}

#[test]
fn a_cache_folder_holding_files_of_its_own_name_keeps_them() {
    let root = Scratch::new("cache-foreign-files");
    root.write(BAD, &bad_guide());
    root.write("content/b/target.yaml", &guide("target", ""));
    // `[cache] dir` names a folder of the site, whose index.json is not remedy's.
    let site = root.write("site/index.json", "{\"pages\": [\"home\"]}\n");
    let config = Config {
        cache_dir: Some(root.0.join("site")),
        ..config(&root, false)
    };
    let report = common::run(&common::request(&root.0, config, &[BAD]));
    assert_eq!(common::lines(&report), PLACEHOLDER);
    assert_eq!(report.cache_errors.len(), 1, "{:?}", report.cache_errors);
    let warning = report.cache_errors[0].to_string();
    assert!(
        warning.contains("index.json there is not a remedy cache file, and remedy never replaces a file it did not write"),
        "{warning}"
    );
    assert_eq!(
        std::fs::read_to_string(&site).unwrap_or_default(),
        "{\"pages\": [\"home\"]}\n"
    );
    // Nor is a `.gitignore` of `*` put in a folder remedy did not make: it would hide the
    // site's own files from git.
    assert!(!root.0.join("site/.gitignore").exists());
}

#[test]
fn a_run_killed_before_its_end_leaves_no_temporary_file_behind_the_next_one() {
    let root = corpus("cache-stale-temporary");
    let dir = root.0.join("cache");
    // What a run killed mid-way leaves: its temporary file, named by a process that is gone
    // (no process has the largest PID), and one of a run still going (this one).
    let dead = dir.join("index.json.4194304999-0.tmp");
    let live = dir.join(format!("index.json.{}-999.tmp", std::process::id()));
    let other = dir.join("notes.4194304999-0.tmp");
    for path in [&dead, &live, &other] {
        std::fs::write(path, "half a cache\n").unwrap_or_default();
    }
    assert_eq!(lines(&root, &[LINTED]), "");
    if cfg!(target_os = "linux") {
        assert!(!dead.exists(), "{} left", dead.display());
    }
    assert!(live.exists() && other.exists());
}
