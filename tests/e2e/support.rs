//! Running the binary in a scratch folder of its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scratch folder, removed when dropped.
pub struct Scratch {
    pub root: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("remedy-e2e-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        if let Err(error) = std::fs::create_dir_all(&root) {
            panic!("cannot create {}: {error}", root.display());
        }
        Self { root }
    }

    /// Writes a file below the scratch root, creating folders.
    pub fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Err(error) = std::fs::write(&path, contents) {
            panic!("cannot write {}: {error}", path.display());
        }
        path
    }

    /// Copies a file or folder of the repository into the scratch root.
    pub fn copy_from_repo(&self, from: &str, to: &str) {
        copy_tree(&repo().join(from), &self.root.join(to));
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// Runs `remedy ARGS` with the scratch root as working directory.
    pub fn remedy(&self, args: &[&str]) -> Run {
        self.remedy_with_stdin(args, None)
    }

    pub fn remedy_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        remedy_in(&self.root, args, stdin)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert_ne!(run.code, 101, "remedy panicked:\n{}", run.stderr);
        assert!(
            !run.stderr.contains("panicked"),
            "remedy panicked:\n{}",
            run.stderr
        );
        run
    }
}

impl Run {
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        let _ = std::fs::create_dir_all(to);
        let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        for entry in entries.flatten() {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        if let Some(parent) = to.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Err(error) = std::fs::copy(from, to) {
            panic!("cannot copy {}: {error}", from.display());
        }
    }
}

/// A small lint-clean guide with the given id.
pub fn clean_guide(id: &str) -> String {
    format!(
        "id: {id}
title: Guide {id}
summary: A small guide used by the tests.
updated: 2026-11-21
causes:
  - id: stale-cache
    title: A stale cache
methods:
  - id: restart
    title: Restart the device
    addresses: [stale-cache]
    risk: very-low
    steps:
      - text: Hold the side button until the slider appears.
      - text: Drag the slider, then turn the device back on.
    pros: [Quick]
    cons: [Rarely enough on its own]
"
    )
}

/// Runs `remedy ARGS` in `cwd`, with `stdin` as its input when given (else none).
pub fn remedy_in(cwd: &std::path::Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_remedy"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env("CI", "true")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start remedy: {e}"));
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        let _ = pipe.write_all(bytes);
    }
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("remedy did not finish: {e}"));
    Run::from(output)
}
