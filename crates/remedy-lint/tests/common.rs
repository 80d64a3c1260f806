//! Shared helpers of the integration tests (included with `mod common;`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use remedy_lint::{Config, Finding, LintReport, LintRequest, lint};

/// `tests/fixtures/lint` at the repository root.
pub fn fixtures() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/lint"
    ))
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// A finding as one line: `path:line:col: severity[rule]: message`.
pub fn line(finding: &Finding) -> String {
    format!(
        "{}:{}:{}: {}[{}]: {}",
        finding.file.display().to_string().replace('\\', "/"),
        finding.span.start.line,
        finding.span.start.column,
        finding.severity,
        finding.rule,
        finding.message
    )
}

/// Every finding, one line each, with a final newline when there are any.
pub fn lines(report: &LintReport) -> String {
    report.findings.iter().map(|f| line(f) + "\n").collect()
}

/// A request for `paths` in `cwd` with this configuration.
pub fn request(cwd: &Path, config: Config, paths: &[&str]) -> LintRequest {
    LintRequest {
        paths: paths.iter().map(PathBuf::from).collect(),
        stdin: None,
        config,
        cwd: cwd.to_path_buf(),
        keep_guides: false,
        jobs: None,
    }
}

/// Lints, failing the test on a usage error.
pub fn run(request: &LintRequest) -> LintReport {
    match lint(request) {
        Ok(report) => report,
        Err(error) => panic!("lint failed: {error}"),
    }
}

/// The configuration of a folder: its `remedy.toml`, or the defaults with the folder itself as
/// the content root.
pub fn folder_config(folder: &Path) -> Config {
    if folder.join("remedy.toml").is_file() {
        match Config::load(None, folder) {
            Ok(config) => config,
            Err(error) => panic!("{error}"),
        }
    } else {
        Config {
            content: folder.to_path_buf(),
            ..Config::default()
        }
    }
}

/// A scratch folder for one test, removed when dropped.
#[derive(Debug)]
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new, empty folder named after the test.
    pub fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("remedy-lint-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        if let Err(error) = std::fs::create_dir_all(&path) {
            panic!("cannot create {}: {error}", path.display());
        }
        Self(path)
    }

    /// Writes a file below the folder, creating folders as needed.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Err(error) = std::fs::write(&path, text) {
            panic!("cannot write {}: {error}", path.display());
        }
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A lint-clean guide with this id; its method `fix` has steps `first` and `second` and
/// addresses the cause `cause`. `extra` is appended to the first step (indented 8 spaces).
pub fn guide(id: &str, extra: &str) -> String {
    format!(
        "id: {id}
title: Guide {id}
summary: A guide for a test.
updated: 2026-11-21
causes:
  - id: cause
    title: A cause
methods:
  - id: fix
    title: Fix it
    addresses:
      - cause
    risk: very-low
    steps:
      - text: Do the first thing.
        id: first
{extra}      - text: Do the second thing.
        id: second
    pros:
      - Quick
    cons:
      - Not always enough
"
    )
}

/// Asserts `actual` byte for byte against the golden file `file_name` (`expected.human`), kept as
/// an insta binary snapshot in `dir`: the exact bytes in `expected-human.snap.human` (a real file
/// any tool can read), insta's metadata in `expected-human.snap`. Binary rather than text
/// snapshots because insta compares text snapshots after trimming trailing newlines and turning
/// CRLF into LF, and a report's last newline and line endings are part of what it promises.
/// A mismatch leaves `*.snap.new*` beside them for `cargo insta review`.
pub fn assert_golden(dir: &Path, file_name: &str, actual: &[u8]) {
    let extension = file_name.rsplit_once('.').map_or("txt", |(_, ext)| ext);
    let name_and_extension = format!("{}.{extension}", file_name.replace('.', "-"));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_binary_snapshot!(name_and_extension.as_str(), actual.to_vec()));
}
