//! Output safety: a failed export leaves the old files or the complete new ones, never half of
//! one, and says which path failed and why.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::hostile::{WATCHDOG, assert_no_debug_formatting, remedy_bounded};
use crate::support::{Run, Scratch, clean_guide};

fn project(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.write("content/one.yaml", &clean_guide("one"));
    scratch.write("content/two.yaml", &clean_guide("two"));
    scratch
}

/// Every file below `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// A CSV file is RFC 4180 and complete: quotes balance, every row has the header's width, and
/// it ends with a line break.
fn assert_csv_complete(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.ends_with('\n'), "{} is cut short", path.display());
    let mut rows: Vec<usize> = Vec::new();
    let (mut fields, mut quoted, mut chars) = (1, false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields += 1,
            ('\n', false) => {
                rows.push(fields);
                fields = 1;
            }
            _ => {}
        }
    }
    assert!(!quoted, "{}: an unclosed quote (cut short)", path.display());
    assert!(!rows.is_empty(), "{} has no header", path.display());
    assert!(
        rows.iter().all(|&n| n == rows[0]),
        "{}: ragged rows {rows:?}",
        path.display()
    );
}

/// Every output below `dir` parses completely; no temporary file is left.
fn assert_outputs_complete(dir: &Path) {
    for path in files(dir) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(
            !name.starts_with('.'),
            "temporary file left: {}",
            path.display()
        );
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => {
                let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&bytes);
                assert!(
                    parsed.is_ok(),
                    "{} does not parse: {parsed:?}",
                    path.display()
                );
            }
            Some("csv") => assert_csv_complete(&path),
            Some("pdf") => {
                assert!(bytes.starts_with(b"%PDF-"), "{} lacks %PDF", path.display());
                let end = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..])
                    .trim_end()
                    .to_owned();
                assert!(end.ends_with("%%EOF"), "{} is cut short", path.display());
            }
            Some("db") => {
                // The header's page size times its page count is the whole file.
                assert!(
                    bytes.starts_with(b"SQLite format 3\0") && bytes.len() >= 100,
                    "{} is not a database",
                    path.display()
                );
                let page_size = match u16::from_be_bytes([bytes[16], bytes[17]]) {
                    1 => 65536,
                    size => usize::from(size),
                };
                let pages = u32::from_be_bytes([bytes[28], bytes[29], bytes[30], bytes[31]]);
                assert_eq!(
                    bytes.len(),
                    page_size * pages as usize,
                    "{} is cut short",
                    path.display()
                );
            }
            Some("html") => assert!(
                bytes.starts_with(b"<!DOCTYPE html>\n") && bytes.ends_with(b"</html>\n"),
                "{} is not a whole page",
                path.display()
            ),
            Some("css" | "js") => {
                assert!(bytes.ends_with(b"\n"), "{} is cut short", path.display())
            }
            Some("png") => assert!(
                bytes.starts_with(b"\x89PNG"),
                "{} is not a PNG",
                path.display()
            ),
            _ => panic!("unexpected output {}", path.display()),
        }
    }
}

fn assert_error_names(run: &Run, path: &str) {
    assert!(
        run.stderr.contains(path),
        "the error does not name {path}:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("remedy: error:"), "{}", run.stderr);
    assert_no_debug_formatting(&run.stderr);
}

#[test]
fn an_output_path_that_is_a_file_is_refused_and_left_alone() {
    let scratch = project("out-is-file");
    scratch.write("taken", "a file");
    for args in [
        &["export", "csv", "-o", "taken"][..],
        &["export", "pdf", "-o", "taken"][..],
        &["build", "--out", "taken"][..],
        // A file where a folder is expected, further up.
        &["export", "json", "-o", "taken/sub/out.json"][..],
        &["export", "csv", "-o", "taken/sub"][..],
    ] {
        let run = remedy_bounded(&scratch.root, args, WATCHDOG);
        run.assert_code(2);
        assert_error_names(&run, "taken");
        assert_eq!(scratch.read("taken"), "a file", "{args:?}");
    }
    // A folder where a file is expected.
    std::fs::create_dir_all(scratch.root.join("folder.json")).unwrap_or_default();
    let run = remedy_bounded(
        &scratch.root,
        &["export", "json", "-o", "folder.json"],
        WATCHDOG,
    );
    run.assert_code(2);
    assert_error_names(&run, "folder.json");
    assert!(run.stderr.contains("is a folder"), "{}", run.stderr);
}

/// A slip of the tab key (`-o content/two.yaml`) must not replace a guide with the export.
#[test]
fn an_export_never_writes_over_a_guide_file() {
    let scratch = project("out-is-guide");
    let guide = scratch.read("content/two.yaml");
    for args in [
        &["export", "json", "-o", "content/two.yaml"][..],
        &["export", "json", "--jsonl", "-o", "content/two.yaml"][..],
        &["export", "pdf", "-o", "pdf", "--book", "content/two.yaml"][..],
    ] {
        let run = remedy_bounded(&scratch.root, args, WATCHDOG);
        run.assert_code(2);
        assert_error_names(&run, "content/two.yaml");
        assert!(run.stderr.contains("is a guide file"), "{}", run.stderr);
        assert_eq!(scratch.read("content/two.yaml"), guide, "{args:?}");
    }
    assert!(!scratch.root.join("pdf").exists());
}

#[test]
fn an_unwritable_output_folder_is_an_error_naming_it() {
    // As root, permission bits do not stop a write: /proc refuses new files and folders.
    let scratch = project("out-unwritable");
    for (args, named) in [
        (
            &["export", "json", "-o", "/proc/remedy-test/out.json"][..],
            "/proc/remedy-test",
        ),
        (
            &["export", "csv", "-o", "/proc/remedy-test"][..],
            "/proc/remedy-test",
        ),
        (
            &["export", "json", "-o", "/proc/self/remedy.json"][..],
            "/proc/self",
        ),
        (
            &["build", "--out", "/proc/remedy-test"][..],
            "/proc/remedy-test",
        ),
    ] {
        let run = remedy_bounded(&scratch.root, args, WATCHDOG);
        run.assert_code(2);
        assert_error_names(&run, named);
        assert!(run.stderr.contains("cannot "), "{}", run.stderr);
    }
}

/// A small tmpfs mounted on a folder, unmounted when dropped.
struct SmallDisk {
    dir: PathBuf,
}

impl SmallDisk {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Self {
            dir: dir.to_path_buf(),
        })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}

/// A guide whose JSON export is about `kib` KiB.
fn large_guide(id: &str, kib: usize) -> String {
    let words =
        "The device keeps a local copy of every item it has synced. ".repeat(kib * 1024 / 60);
    clean_guide(id).replace("summary:", &format!("overview: {words}\nsummary:"))
}

#[test]
fn a_disk_that_fills_keeps_the_old_files_and_says_so() {
    let scratch = project("disk-full");
    let out = scratch.root.join("out");
    // On a 512 KiB tmpfs when mounting is allowed (root; the first build takes about half of
    // it); else the shell's file size limit, with SIGXFSZ ignored so that a write past it
    // fails with EFBIG instead of killing the process.
    let disk = SmallDisk::mount(&out, "512k");
    let build = |args: &[&str]| -> Run {
        if disk.is_some() {
            return remedy_bounded(&scratch.root, args, WATCHDOG);
        }
        let script = format!(
            "trap '' XFSZ; ulimit -f 256; exec \"$0\" {}",
            args.iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let output = Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_remedy")])
            .current_dir(&scratch.root)
            .env("CI", "true")
            .output()
            .unwrap_or_else(|e| panic!("cannot start sh: {e}"));
        Run::from(output)
    };
    eprintln!(
        "disk-full case runs on {}",
        if disk.is_some() {
            "a 512 KiB tmpfs"
        } else {
            "ulimit -f (mount refused)"
        }
    );
    build(&["build"]).assert_code(0);
    let old_json = std::fs::read(out.join("json/guides.json")).unwrap_or_default();
    let old_csv = std::fs::read(out.join("csv/guides.csv")).unwrap_or_default();
    assert!(!old_json.is_empty() && !old_csv.is_empty());

    // Now a guide far larger than the space left.
    scratch.write("content/two.yaml", &large_guide("two", 400));
    let run = build(&["build"]);
    run.assert_code(2);
    assert_error_names(&run, "out/json/guides.json");
    let reason = if disk.is_some() {
        "the disk is full"
    } else {
        "too large"
    };
    assert!(run.stderr.to_lowercase().contains(reason), "{}", run.stderr);
    assert_eq!(
        std::fs::read(out.join("json/guides.json")).unwrap_or_default(),
        old_json
    );
    assert_eq!(
        std::fs::read(out.join("csv/guides.csv")).unwrap_or_default(),
        old_csv
    );
    assert_outputs_complete(&out);

    // The same through `export csv`, `export sqlite` and `export pdf`: each file old or new,
    // never cut.
    for args in [
        &["export", "csv", "-o", "out/csv"][..],
        &["export", "sqlite", "-o", "out/sqlite/guides.db"][..],
        &["export", "pdf", "-o", "out/pdf"][..],
    ] {
        let run = build(args);
        assert!(run.code == 0 || run.code == 2, "{args:?}: {}", run.stderr);
        if run.code == 2 {
            assert_error_names(&run, "out/");
        }
        assert_outputs_complete(&out);
    }
    drop(disk);
}

/// How long each of two builds side by side may run before it counts as hung: a watchdog
/// (the project's own guides build in seconds), not a speed claim.
const CONCURRENT_BUILD_HANG: Duration = Duration::from_secs(600);

#[test]
fn two_builds_into_one_folder_at_once_leave_complete_files() {
    let scratch = Scratch::new("concurrent-build");
    scratch.copy_from_repo("content", "content");
    // What one build alone leaves, however many guides content/ holds.
    let alone = Scratch::new("concurrent-build-alone");
    alone.copy_from_repo("content", "content");
    alone.remedy(&["build", "-q"]).assert_code(0);
    let relative = |root: &Path| -> Vec<PathBuf> {
        let out = root.join("out");
        files(&out)
            .iter()
            .filter_map(|path| path.strip_prefix(&out).ok().map(Path::to_path_buf))
            .collect()
    };
    let expected = relative(&alone.root);
    for file in ["remedy-build.json", "json/guides.json", "csv/guides.csv"] {
        assert!(
            expected.contains(&PathBuf::from(file)),
            "one build left no {file}: {expected:?}"
        );
    }
    for round in 0..3 {
        // Both builds at once, each watched: one that hangs (on the other's lock, a file, a
        // temporary name) is killed and named, however long a build takes on a busy machine.
        let builds: Vec<_> = (1..=2)
            .map(|build| {
                let root = scratch.root.clone();
                let run = std::thread::spawn(move || {
                    remedy_bounded(&root, &["build", "-q"], CONCURRENT_BUILD_HANG)
                });
                (build, run)
            })
            .collect();
        for (build, run) in builds {
            match run.join() {
                Ok(run) => {
                    run.assert_code(0);
                }
                Err(hang) => {
                    let why = hang
                        .downcast_ref::<String>()
                        .cloned()
                        .unwrap_or_else(|| "it failed".to_owned());
                    panic!("round {round}, build {build} of 2: {why}");
                }
            }
        }
        assert_outputs_complete(&scratch.root.join("out"));
        // Exactly the files one build leaves: every export and the build's list of them.
        assert_eq!(relative(&scratch.root), expected, "round {round}");
    }
}

#[test]
fn two_guides_with_one_id_are_exported_once() {
    // Regression: both wrote `same.pdf` through one temporary file at the same time.
    let scratch = Scratch::new("duplicate-id-export");
    scratch.write("content/a/same.yaml", &clean_guide("same"));
    scratch.write("content/b/same.yaml", &clean_guide("same"));
    let run = remedy_bounded(
        &scratch.root,
        &["export", "pdf", "--force", "-o", "out"],
        WATCHDOG,
    );
    run.assert_code(0);
    assert!(
        run.stderr.contains("content/b/same.yaml not exported"),
        "{}",
        run.stderr
    );
    assert_eq!(
        files(&scratch.root.join("out")),
        [scratch.root.join("out/same.pdf")]
    );
    assert_outputs_complete(&scratch.root.join("out"));
}
