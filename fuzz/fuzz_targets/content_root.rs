//! A content root built from the fuzz input: folders, guide files and symbolic links (inside
//! the root, to `..`, to `/`, to `/proc/self/environ`, to a secret beside the root, to
//! nowhere), then linted as CI lints a pull request. No panic, no hang (libFuzzer's
//! `-timeout`), and nothing outside the root is read: no finding quotes the secret, and every
//! finding but a walk problem is about a file inside the root.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use remedy_lint::{Config, LintRequest, lint};

/// Written beside the content root; no report may ever contain it.
const SECRET: &str = "FUZZ_SECRET_TOKEN=hunter2";

/// Where links may point outside the root.
const OUTSIDE: [&str; 6] = [
    "/",
    "/proc/self/environ",
    "/etc/passwd",
    "../outside",
    "../outside/secret.yaml",
    "nowhere.yaml",
];

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("remedy-fuzz-root-{}", std::process::id()))
}

fn build(root: &Path, data: &[u8]) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(root);
    let content = root.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::create_dir_all(root.join("outside"))?;
    std::fs::write(root.join("outside/secret.yaml"), format!("{SECRET}: [\n"))?;
    // Folders and files made so far, relative to the content root ("" is the root).
    let mut folders: Vec<PathBuf> = vec![PathBuf::new()];
    let mut files: Vec<PathBuf> = Vec::new();
    for (n, op) in data.chunks_exact(4).take(64).enumerate() {
        let parent = folders[usize::from(op[1]) % folders.len()].clone();
        match op[0] % 4 {
            0 => {
                let folder = parent.join(format!("d{n}"));
                if std::fs::create_dir_all(content.join(&folder)).is_ok() {
                    folders.push(folder);
                }
            }
            1 => {
                let file = parent.join(format!("g{n}.yaml"));
                let text = if op[2] % 2 == 0 {
                    format!("id: g{n}\ntitle: Guide {n}\nsummary: S\nupdated: 2026-11-21\n")
                } else {
                    format!("id: [g{n}\n")
                };
                if std::fs::write(content.join(&file), text).is_ok() {
                    files.push(file);
                }
            }
            _ => {
                let name = if op[2] % 2 == 0 {
                    format!("l{n}")
                } else {
                    format!("l{n}.yaml")
                };
                let choice = usize::from(op[3]);
                // Absolute targets inside the root, or one of the ways out.
                let target: PathBuf = match choice % 3 {
                    0 => content.join(&folders[choice / 3 % folders.len()]),
                    1 if !files.is_empty() => content.join(&files[choice / 3 % files.len()]),
                    _ => PathBuf::from(OUTSIDE[choice / 3 % OUTSIDE.len()]),
                };
                #[cfg(unix)]
                {
                    let _ = std::os::unix::fs::symlink(&target, content.join(&parent).join(&name));
                }
                if target.starts_with(&content) {
                    folders.push(parent.join(name));
                }
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let root = scratch();
    if build(&root, data).is_err() {
        return;
    }
    let request = LintRequest {
        paths: Vec::new(),
        stdin: None,
        config: Config {
            content: root.join("content"),
            ..Config::default()
        },
        cwd: root.clone(),
        keep_guides: false,
        jobs: None,
    };
    let report = match lint(&request) {
        Ok(report) => report,
        Err(error) => panic!("lint failed on a content root: {error}"),
    };
    let Ok(inside) = std::fs::canonicalize(root.join("content")) else {
        return;
    };
    for finding in &report.findings {
        let shown = format!("{} {:?}", finding.message, finding.source_line);
        assert!(
            !shown.contains("hunter2"),
            "the secret was read: {finding:?}"
        );
        assert!(
            !shown.contains("root:x:0:0"),
            "/etc/passwd was read: {finding:?}"
        );
        if finding.rule != "io-error" {
            let file = std::fs::canonicalize(root.join(&finding.file)).unwrap_or_default();
            assert!(
                file.starts_with(&inside),
                "a file outside the root was linted: {finding:?}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&root);
});
