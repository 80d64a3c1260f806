//! A hostile pull request (issue 21): the content root, its links, its remedy.toml and the
//! sizes of its files are the attacker's. Every run here is bounded by a watchdog, so a hang
//! fails the test instead of stalling the suite.

use std::path::Path;

use serde_json::Value;

use crate::hostile::{WATCHDOG, remedy_bounded};
use crate::support::{Run, Scratch, clean_guide};

fn project(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.write("content/good.yaml", &clean_guide("good"));
    scratch
}

fn run(scratch: &Scratch, args: &[&str]) -> Run {
    remedy_bounded(&scratch.root, args, WATCHDOG)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[cfg(unix)]
fn link(scratch: &Scratch, target: impl AsRef<Path>, at: &str) {
    let at = scratch.root.join(at);
    if let Some(parent) = at.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    std::os::unix::fs::symlink(target.as_ref(), &at)
        .unwrap_or_else(|e| panic!("cannot link {}: {e}", at.display()));
}

/// The (file, rule, message) of every finding of a JSON report.
fn findings(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| {
                    let text = |key: &str| f[key].as_str().unwrap_or_default().to_owned();
                    (text("file"), text("rule"), text("message"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every file below `dir`, its bytes read as text, concatenated.
fn everything_written(dir: &Path) -> String {
    let mut out = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    out
}

/// A secret outside the content root, shaped like a guide with a mistake on its first line, so
/// that any report that shows a source line would show it.
const SECRET: &str = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI-hostile-pr-secret";

#[cfg(unix)]
#[test]
fn a_link_out_of_the_content_root_is_named_and_never_read_in_any_output() {
    let scratch = project("link-out");
    scratch.write("secret/credentials.yaml", &format!("{SECRET}: [\n"));
    link(&scratch, "../secret/credentials.yaml", "content/aws.yaml");
    link(&scratch, "/proc/self/environ", "content/environ.yaml");
    link(&scratch, "/etc/passwd", "content/passwd.yaml");
    link(&scratch, "../secret", "content/folder");
    // The runner's environment, which /proc/self/environ would print.
    let report = json(
        &run(&scratch, &["lint", "--format", "json"])
            .assert_code(1)
            .stdout,
    );
    let found = findings(&report);
    let named: Vec<&str> = found.iter().map(|(file, ..)| file.as_str()).collect();
    assert_eq!(
        named,
        [
            "content/aws.yaml",
            "content/environ.yaml",
            "content/folder",
            "content/passwd.yaml"
        ],
        "{report}"
    );
    for (file, rule, message) in &found {
        assert_eq!(rule, "io-error", "{file}");
        assert!(
            message.contains("points outside the content root"),
            "{file}: {message}"
        );
    }
    let mut printed = String::new();
    for format in ["human", "json", "sarif", "github", "junit"] {
        let lint = run(&scratch, &["lint", "--format", format]);
        lint.assert_code(1);
        printed.push_str(&lint.stdout);
        printed.push_str(&lint.stderr);
    }
    for args in [
        &["export", "json", "--force", "-o", "out/guides.json"][..],
        &["export", "csv", "--force", "-o", "out/csv"][..],
        &[
            "export",
            "pdf",
            "--force",
            "-o",
            "out/pdf",
            "--book",
            "out/book.pdf",
        ][..],
        &["build", "--force", "--out", "out/build"][..],
    ] {
        let export = run(&scratch, args);
        printed.push_str(&export.stdout);
        printed.push_str(&export.stderr);
    }
    printed.push_str(&everything_written(&scratch.root.join("out")));
    // `lint content/aws.yaml`: a named link is held to the same boundary.
    let named = run(&scratch, &["lint", "content/aws.yaml", "--format", "json"]);
    named.assert_code(1);
    assert!(
        named.stdout.contains("points outside the content root"),
        "{}",
        named.stdout
    );
    printed.push_str(&named.stdout);
    let folder = run(&scratch, &["lint", "content/folder", "--format", "json"]);
    folder.assert_code(1);
    assert!(
        folder.stdout.contains("points outside the content root"),
        "{}",
        folder.stdout
    );
    printed.push_str(&folder.stdout);
    for foreign in [SECRET, "wJalrXUtnFEMI", "root:x:0:0", "PATH=", "CARGO"] {
        assert!(
            !printed.contains(foreign),
            "`{foreign}` was printed or exported"
        );
    }
    // The good guide is still exported beside the refused links.
    let exported = json(&scratch.read("out/guides.json"));
    assert_eq!(exported["guides"][0]["id"], "good");
}

#[cfg(unix)]
#[test]
fn a_graph_of_links_is_walked_once_per_folder() {
    // Each level links twice to the next: 2^24 paths, 25 folders.
    let scratch = project("link-graph");
    for level in 0..25 {
        let id = format!("level-{level}");
        scratch.write(&format!("content/d{level}/{id}.yaml"), &clean_guide(&id));
    }
    for level in 0..24 {
        let next = format!("../d{}", level + 1);
        link(&scratch, &next, &format!("content/d{level}/a"));
        link(&scratch, &next, &format!("content/d{level}/b"));
    }
    let lint = remedy_bounded(&scratch.root, &["lint", "--format", "json"], WATCHDOG);
    let report = json(&lint.assert_code(0).stdout);
    assert_eq!(report["summary"]["files"], 26, "{report}");
    // Each file by its own path, not through a link.
    let export = run(&scratch, &["export", "json", "-o", "out.json"]);
    export.assert_code(0);
    let exported = json(&scratch.read("out.json"));
    let sources: Vec<String> = exported["guides"]
        .as_array()
        .map(|g| {
            g.iter()
                .filter_map(|g| g["source"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        sources.contains(&"d24/level-24.yaml".to_owned()),
        "{sources:?}"
    );
    assert!(
        sources
            .iter()
            .all(|s| !s.contains("/a/") && !s.contains("/b/")),
        "{sources:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_the_root_of_the_system_is_not_walked() {
    let scratch = project("link-slash");
    link(&scratch, "/", "content/root");
    link(&scratch, "/sys", "content/sys");
    let report = json(
        &run(&scratch, &["lint", "--format", "json"])
            .assert_code(1)
            .stdout,
    );
    let found = findings(&report);
    let named: Vec<&str> = found.iter().map(|(file, ..)| file.as_str()).collect();
    assert_eq!(named, ["content/root", "content/sys"], "{report}");
    assert_eq!(report["summary"]["files"], 3, "{report}");
}

#[test]
fn a_system_folder_as_the_content_root_is_refused() {
    for root in ["/", "/proc", "/sys", "/dev", "/etc", "/usr", "/proc/self"] {
        let scratch = project("system-root");
        scratch.write("remedy.toml", &format!("content = \"{root}\"\n"));
        for args in [&["lint"][..], &["export", "json", "-o", "out.json"][..]] {
            let refused = run(&scratch, args);
            refused.assert_code(2);
            assert!(
                refused
                    .stderr
                    .contains("is a system folder, not a content root"),
                "{root}: {}",
                refused.stderr
            );
        }
        assert!(!scratch.root.join("out.json").exists());
        // Named on the command line, the same.
        let scratch = project("system-named");
        let refused = run(&scratch, &["lint", root]);
        refused.assert_code(2);
        assert!(
            refused.stderr.contains("system folder"),
            "{}",
            refused.stderr
        );
    }
}

#[cfg(unix)]
#[test]
fn links_inside_the_content_root_are_still_followed() {
    let scratch = project("link-inside");
    scratch.write("content/real/shared.yaml", &clean_guide("shared"));
    link(&scratch, "real", "content/alias");
    link(
        &scratch,
        "../real/shared.yaml",
        "content/deep/shared-link.yaml",
    );
    scratch.write("content/deep/other.yaml", &clean_guide("other"));
    let report = json(
        &run(&scratch, &["lint", "--format", "json"])
            .assert_code(0)
            .stdout,
    );
    // good, real/shared (once, by its own path), deep/other.
    assert_eq!(report["summary"]["files"], 3, "{report}");
}

/// Runs `remedy ARGS` in `dir` with its address space capped at `mib` MiB (`ulimit -v`), under
/// the watchdog: a run that needs more fails to allocate and aborts, which fails the test.
fn remedy_within(dir: &Path, args: &[&str], mib: u64) -> Run {
    // Few malloc arenas: each thread's arena reserves 64 MiB of address space it never uses,
    // which would count against the cap without being memory the run needs.
    let script = format!(
        "ulimit -v {}; MALLOC_ARENA_MAX=2 exec \"$0\" \"$@\"",
        mib * 1024
    );
    let mut all = vec!["-c", &script, env!("CARGO_BIN_EXE_remedy")];
    all.extend_from_slice(args);
    crate::hostile::command_bounded(dir, "sh", &all, WATCHDOG)
}

#[test]
fn fifty_thousand_unknown_keys_lint_in_seconds() {
    // Regression: each schema finding was compared with every other (`overlaps_dangling_step`):
    // 150,000 keys took 321 s in a release build.
    let scratch = project("unknown-keys");
    let mut text = clean_guide("keys");
    for k in 0..50_000 {
        text.push_str(&format!("k{k:06}: 1\n"));
    }
    scratch.write("content/keys.yaml", &text);
    // A debug build takes about 10 s for the 50,000 findings alone, and 15–20 s beside the rest
    // of the suite on a loaded two-core machine: three watchdogs still fail the quadratic
    // comparison by an order of magnitude.
    let lint = remedy_bounded(&scratch.root, &["lint", "--format", "json"], WATCHDOG * 3);
    let report = json(&lint.assert_code(1).stdout);
    assert_eq!(report["summary"]["errors"], 50_000, "{}", lint.stderr);
}

#[test]
fn long_nested_keys_over_many_siblings_stay_small() {
    // 60 nested 200-character keys over 100,000 siblings, 1.1 MB: every node kept its whole
    // JSON Pointer (12 KB each), 1.27 GB in all. A parent chain keeps it to tens of MB.
    let scratch = project("nested-keys");
    let mut text = clean_guide("nested");
    text.push_str("extra: ");
    for depth in 0..60 {
        text.push_str(&format!("{{{}{depth:02}: ", "k".repeat(198)));
    }
    text.push('{');
    for sibling in 0..100_000 {
        text.push_str(&format!("s{sibling}: 1, "));
    }
    text.push_str("last: 1}");
    text.push_str(&"}".repeat(60));
    text.push('\n');
    scratch.write("content/nested.yaml", &text);
    let lint = remedy_within(&scratch.root, &["lint", "--format", "json"], 400);
    let report = json(&lint.assert_code(1).stdout);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0].1, "schema");
}

#[test]
fn standard_input_is_read_no_further_than_the_size_limit() {
    // Regression: `lint -` read all of its input before checking the 16 MiB limit (2 GB in,
    // 4.2 GB resident). A gigabyte of input under a 400 MiB address space proves it stops.
    let scratch = project("stdin-limit");
    let script = format!(
        "ulimit -v {}; yes '# a comment line' | head -c 1000000000 | MALLOC_ARENA_MAX=2 \"$0\" lint - --format json",
        400 * 1024
    );
    let remedy = env!("CARGO_BIN_EXE_remedy");
    let lint =
        crate::hostile::command_bounded(&scratch.root, "sh", &["-c", &script, remedy], WATCHDOG);
    let report = json(&lint.assert_code(1).stdout);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0].0, "stdin.yaml");
    assert!(found[0].2.contains("larger than 16 MiB"), "{report}");
}

#[cfg(unix)]
#[test]
fn a_pipe_a_device_or_a_huge_file_as_config_is_an_error() {
    let scratch = project("config-limits");
    let fifo = scratch.root.join("fifo.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    let mut configs = vec![("fifo.toml", "not a regular file")];
    scratch.write("huge.toml", &format!("# {}\n", "x".repeat(2 * 1024 * 1024)));
    configs.push(("huge.toml", "larger than 1024 KiB"));
    if is_root() {
        // A character device like /dev/zero, made in the scratch folder: reading it never ends.
        let zero = scratch.root.join("zero.toml");
        let made = std::process::Command::new("mknod")
            .args([zero.as_os_str(), "c".as_ref(), "1".as_ref(), "5".as_ref()])
            .status();
        assert!(made.is_ok_and(|s| s.success()), "mknod failed");
        configs.push(("zero.toml", "not a regular file"));
    } else {
        eprintln!("skipped the device-node config: mknod needs root");
    }
    for (config, says) in configs {
        let lint = run(&scratch, &["--config", config, "lint"]);
        lint.assert_code(2);
        assert!(lint.stderr.contains(config), "{}", lint.stderr);
        assert!(lint.stderr.contains(says), "{config}: {}", lint.stderr);
    }
}

#[test]
fn extra_phrases_are_bounded_in_number_and_length() {
    let scratch = project("phrases");
    let many: Vec<String> = (0..1001).map(|n| format!("\"wipe thing {n}\"")).collect();
    let long = "w".repeat(201);
    for (config, says) in [
        (
            format!(
                "[lint.undeclared-destructive]\nextra-phrases = [{}]\n",
                many.join(", ")
            ),
            "a list of 1001 phrases; list at most 1000",
        ),
        (
            format!("[lint.undeclared-destructive]\nextra-phrases = [\"{long}\"]\n"),
            "a phrase of 201 characters; keep each phrase to at most 200 characters",
        ),
    ] {
        scratch.write("remedy.toml", &config);
        let lint = run(&scratch, &["lint"]);
        lint.assert_code(2);
        assert!(lint.stderr.contains(says), "{}", lint.stderr);
        assert!(!lint.stderr.contains(&long), "the phrase was echoed");
    }
    // At the limits, it runs.
    let most: Vec<String> = (0..1000)
        .map(|n| format!("\"{}{n:03}\"", "w".repeat(197)))
        .collect();
    scratch.write(
        "remedy.toml",
        &format!(
            "[lint.undeclared-destructive]\nextra-phrases = [{}]\n",
            most.join(", ")
        ),
    );
    run(&scratch, &["lint"]).assert_code(0);
}

#[cfg(unix)]
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"))
}

#[cfg(unix)]
fn kind_of(path: &Path) -> String {
    use std::os::unix::fs::FileTypeExt;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => "symlink".into(),
        Ok(m) if m.file_type().is_fifo() => "fifo".into(),
        Ok(m) if m.file_type().is_char_device() => "char-device".into(),
        Ok(m) if m.is_file() => "file".into(),
        Ok(_) => "other".into(),
        Err(_) => "missing".into(),
    }
}

/// The temporary files (our `.NAME.PID.N.tmp` pattern) anywhere below `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            } else if name.starts_with('.') && name.ends_with(".tmp") {
                out.push(entry.path().display().to_string());
            }
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn only_regular_files_are_replaced_by_an_export() {
    let scratch = project("special-outputs");
    let mkfifo = |name: &str| {
        let made = std::process::Command::new("mkfifo")
            .arg(scratch.root.join(name))
            .status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    };
    mkfifo("pipe.json");
    mkfifo("pipe.pdf");
    std::fs::create_dir_all(scratch.root.join("csv")).unwrap_or_else(|e| panic!("{e}"));
    scratch.write("elsewhere.json", "keep me");
    link(&scratch, "elsewhere.json", "link.json");
    link(&scratch, "../elsewhere.json", "csv/guides.csv");
    let mut cases: Vec<(Vec<&str>, &str, String)> = vec![
        (
            vec!["export", "json", "-o", "pipe.json"],
            "pipe.json",
            "fifo".into(),
        ),
        (
            vec!["export", "json", "-o", "link.json"],
            "link.json",
            "symlink".into(),
        ),
        (
            vec!["export", "csv", "-o", "csv"],
            "csv/guides.csv",
            "symlink".into(),
        ),
        (
            vec!["export", "pdf", "-o", "pdf", "--book", "pipe.pdf"],
            "pipe.pdf",
            "fifo".into(),
        ),
        (
            vec!["export", "pdf", "-o", "pdf", "--book", "link.json"],
            "link.json",
            "symlink".into(),
        ),
    ];
    if is_root() {
        // A device node made here, never the real /dev: /dev/null was replaced by a file.
        for name in ["null.json", "null.pdf"] {
            let made = std::process::Command::new("mknod")
                .arg(scratch.root.join(name))
                .args(["c", "1", "3"])
                .status();
            assert!(made.is_ok_and(|s| s.success()), "mknod failed");
        }
        cases.push((
            vec!["export", "json", "-o", "null.json"],
            "null.json",
            "char-device".into(),
        ));
        cases.push((
            vec!["export", "pdf", "-o", "pdf", "--book", "null.pdf"],
            "null.pdf",
            "char-device".into(),
        ));
    } else {
        eprintln!("skipped the device-node outputs: mknod needs root");
    }
    for (args, node, kind) in cases {
        let export = run(&scratch, &args);
        export.assert_code(2);
        assert!(
            export.stderr.contains("not a regular file"),
            "{args:?}: {}",
            export.stderr
        );
        assert!(export.stderr.contains(node), "{args:?}: {}", export.stderr);
        assert_eq!(kind_of(&scratch.root.join(node)), kind, "{args:?}");
    }
    assert_eq!(scratch.read("elsewhere.json"), "keep me");
    assert!(
        !scratch.root.join("pdf/good.pdf").exists(),
        "a refused run wrote handouts"
    );
    assert!(
        temporaries(&scratch.root).is_empty(),
        "{:?}",
        temporaries(&scratch.root)
    );
}

#[test]
fn the_book_may_not_be_one_of_the_handouts() {
    let scratch = project("book-handout");
    for book in ["pdf/good.pdf", "./pdf/good.pdf"] {
        let export = run(&scratch, &["export", "pdf", "-o", "pdf", "--book", book]);
        export.assert_code(2);
        assert!(
            export
                .stderr
                .contains("is also the handout of the guide `good`"),
            "{}",
            export.stderr
        );
    }
    assert!(!scratch.root.join("pdf/good.pdf").exists());
    run(
        &scratch,
        &["export", "pdf", "-o", "pdf", "--book", "pdf/book.pdf"],
    )
    .assert_code(0);
    assert!(scratch.root.join("pdf/book.pdf").is_file());
}

/// A process id that no process has now.
fn dead_pid() -> u32 {
    (400_000..4_000_000)
        .step_by(7919)
        .find(|pid| !Path::new(&format!("/proc/{pid}")).exists())
        .unwrap_or(3_999_999)
}

#[test]
fn temporaries_of_killed_runs_are_removed_by_the_next_run() {
    let scratch = project("stale-temps");
    let dead = dead_pid();
    let stale = [
        format!("out/.guides.json.{dead}.0.tmp"),
        format!("out/csv/.steps.csv.{dead}.3.tmp"),
        format!("out/pdf/.good.pdf.{dead}.12.tmp"),
    ];
    // Not ours to remove: a running process's (pid 1 always runs), and other names.
    let kept = [
        "out/.guides.json.1.0.tmp",
        "out/.notes.tmp",
        "out/csv/.x.tmp",
    ];
    for name in stale.iter().map(String::as_str).chain(kept) {
        scratch.write(name, "left behind");
    }
    run(&scratch, &["export", "json", "-o", "out/guides.json"]).assert_code(0);
    run(&scratch, &["export", "csv", "-o", "out/csv"]).assert_code(0);
    run(&scratch, &["export", "pdf", "-o", "out/pdf"]).assert_code(0);
    for name in &stale {
        assert!(!scratch.root.join(name).exists(), "{name} is still there");
    }
    for name in kept {
        assert!(scratch.root.join(name).exists(), "{name} was removed");
    }
}

#[cfg(unix)]
#[test]
fn a_signal_removes_the_temporary_files_and_says_so_in_the_exit_code() {
    use std::process::{Command, Stdio};
    use std::time::Instant;
    let scratch = Scratch::new("signals");
    for i in 0..400 {
        let id = format!("guide-{i:03}");
        scratch.write(&format!("content/{id}.yaml"), &clean_guide(&id));
    }
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let out = scratch.root.join(format!("pdf-{signal}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
            .args(["-j", "1", "export", "pdf", "-o"])
            .arg(&out)
            .current_dir(&scratch.root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start remedy: {e}"));
        // Wait until the run has temporary files, then signal it.
        let started = Instant::now();
        while temporaries(&out).is_empty() {
            assert!(started.elapsed() < WATCHDOG, "no temporary file appeared");
            assert!(
                matches!(child.try_wait(), Ok(None)),
                "the export ended before the signal"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let sent = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status();
        assert!(sent.is_ok_and(|s| s.success()), "kill failed");
        let status = loop {
            if let Ok(Some(status)) = child.try_wait() {
                break status;
            }
            if started.elapsed() > WATCHDOG {
                let _ = child.kill();
                panic!("remedy did not end on SIG{signal}");
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert_eq!(status.code(), Some(code), "SIG{signal}");
        assert_eq!(temporaries(&out), Vec::<String>::new(), "SIG{signal}");
        // And nothing of the interrupted run was published.
        let published = std::fs::read_dir(&out).map(Iterator::count).unwrap_or(0);
        assert_eq!(
            published, 0,
            "SIG{signal}: handouts of an interrupted run were put in place"
        );
    }
}

#[cfg(unix)]
#[test]
fn new_never_writes_through_a_link_out_of_the_content_root() {
    let scratch = project("new-link");
    std::fs::create_dir_all(scratch.root.join("outside")).unwrap_or_else(|e| panic!("{e}"));
    link(&scratch, "../outside", "content/escape");
    for folder in ["escape", "escape/deeper"] {
        let new = run(&scratch, &["new", "my-guide", "--folder", folder]);
        new.assert_code(2);
        assert!(
            new.stderr.contains("leads outside the content root"),
            "{}",
            new.stderr
        );
    }
    let written = std::fs::read_dir(scratch.root.join("outside")).map(Iterator::count);
    assert_eq!(
        written.unwrap_or(0),
        0,
        "new wrote outside the content root"
    );
    run(&scratch, &["new", "my-guide", "--folder", "inside"]).assert_code(0);
    assert!(scratch.root.join("content/inside/my-guide.yaml").is_file());
}

/// Runs `remedy ARGS` in `dir` with standard output going to `stdout`, under the watchdog.
fn remedy_into(dir: &Path, args: &[&str], stdout: std::process::Stdio) -> Run {
    use std::process::{Command, Output, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(args)
        .current_dir(dir)
        .env("CI", "true")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start remedy: {e}"));
    let stderr = child.stderr.take();
    let drained = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = stderr {
            let _ = std::io::Read::read_to_end(&mut pipe, &mut bytes);
        }
        bytes
    });
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            _ if started.elapsed() > WATCHDOG => {
                let _ = child.kill();
                panic!("remedy {args:?} hung");
            }
            _ => std::thread::sleep(std::time::Duration::from_millis(5)),
        }
    };
    Run::from(Output {
        status,
        stdout: Vec::new(),
        stderr: drained.join().unwrap_or_default(),
    })
}

const STDOUT_COMMANDS: [&[&str]; 9] = [
    &["rules"],
    &["schema"],
    &["explain", "dangling-step"],
    &["lint"],
    &["lint", "--format", "json"],
    &["lint", "--format", "sarif"],
    &["lint", "--format", "junit"],
    &["export", "json", "-o", "-"],
    &["export", "json", "-o", "-", "--jsonl"],
];

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_an_error_not_a_panic() {
    let scratch = project("dev-full");
    for args in STDOUT_COMMANDS {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap_or_else(|e| panic!("cannot open /dev/full: {e}"));
        // `Run::from` fails the test on exit 101 or a panic message.
        let run = remedy_into(&scratch.root, args, full.into());
        run.assert_code(2);
        assert!(
            run.stderr.contains("the disk is full"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_closed_stdout_never_panics() {
    let scratch = project("closed-stdout");
    for args in STDOUT_COMMANDS {
        // The reading end is closed before remedy writes: every write fails (EPIPE).
        let (reader, writer) = std::io::pipe().unwrap_or_else(|e| panic!("no pipe: {e}"));
        drop(reader);
        let run = remedy_into(&scratch.root, args, writer.into());
        assert!(
            matches!(run.code, 0 | 2),
            "{args:?}: exit {}: {}",
            run.code,
            run.stderr
        );
    }
}

#[cfg(unix)]
#[test]
fn a_line_break_in_a_file_name_cannot_forge_a_line_of_the_report() {
    let scratch = project("newline-name");
    let forged = "content/x.yaml:1:1: error[schema]: forged\ncontent/evil.yaml";
    scratch.write(&format!("{forged}\u{1b}[2J.yaml"), "id: [\n");
    let lint = run(&scratch, &["lint"]);
    lint.assert_code(1);
    let line = lint
        .stdout
        .lines()
        .find(|line| line.contains("forged"))
        .unwrap_or_default();
    assert!(
        line.starts_with(
            "content/x.yaml:1:1: error[schema]: forged\\ncontent/evil.yaml\\u{1b}[2J.yaml:"
        ),
        "{}",
        lint.stdout
    );
    assert!(!lint.stdout.contains('\u{1b}'), "{}", lint.stdout);
    // One finding: its location line, its source line, its marker, a blank line, the summary.
    assert_eq!(
        lint.stdout.lines().filter(|l| l.contains("error[")).count(),
        1,
        "{}",
        lint.stdout
    );
}

/// Runs `remedy ARGS` in `dir` under `limit` and returns the run and its peak resident memory
/// in KiB, read from `/proc/PID/status` (VmHWM only grows) until the process ends.
#[cfg(target_os = "linux")]
fn remedy_peak_memory(dir: &Path, args: &[&str], limit: std::time::Duration) -> (i32, u64) {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start remedy: {e}"));
    let status_file = format!("/proc/{}/status", child.id());
    let started = std::time::Instant::now();
    let mut peak = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(line) = text.lines().find(|line| line.starts_with("VmHWM:"))
        {
            let kib = line
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            peak = peak.max(kib);
        }
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("remedy {args:?} still running after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(3));
    };
    (status.code().unwrap_or(-1), peak)
}

#[cfg(target_os = "linux")]
#[test]
fn the_book_holds_one_round_of_guides_not_all_of_them() {
    // Every guide's pages were held until the book was written: about 0.8 MB a guide (285 MB
    // peak for 300 guides, 57 MB once the book streams; handouts alone 45 MB).
    let scratch = Scratch::new("book-memory");
    let stress =
        std::fs::read_to_string(crate::support::repo().join("tests/fixtures/pdf/pdf-stress.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
    let guides = 150;
    for n in 0..guides {
        let id = format!("stress-{n:03}");
        scratch.write(
            &format!("content/{id}.yaml"),
            &stress.replacen("id: pdf-stress", &format!("id: {id}"), 1),
        );
    }
    let args = [
        "-j", "2", "export", "pdf", "--force", "-o", "pdf", "--book", "book.pdf",
    ];
    let (code, peak_kib) = remedy_peak_memory(&scratch.root, &args, WATCHDOG * 6);
    assert_eq!(code, 0);
    let book = std::fs::read(scratch.root.join("book.pdf")).unwrap_or_default();
    assert!(book.starts_with(b"%PDF-1.7") && book.trim_ascii_end().ends_with(b"%%EOF"));
    // Page objects sit in compressed object streams: ask a PDF reader.
    let pages = lopdf::Document::load_mem(&book)
        .map(|document| document.get_pages().len())
        .unwrap_or_else(|e| panic!("the book is not a readable PDF: {e}"));
    assert!(pages > 2 * guides, "{pages} pages");
    eprintln!(
        "book of {guides} guides, {pages} pages: peak {} MiB",
        peak_kib / 1024
    );
    assert!(peak_kib < 100 * 1024, "peak {} MiB", peak_kib / 1024);
}

#[test]
fn a_failed_pdf_run_replaces_no_handout_and_says_so() {
    let scratch = project("pdf-all-or-nothing");
    scratch.write("content/other.yaml", &clean_guide("other"));
    run(&scratch, &["export", "pdf", "-o", "pdf"]).assert_code(0);
    let before: Vec<Vec<u8>> = ["pdf/good.pdf", "pdf/other.pdf"]
        .iter()
        .map(|p| std::fs::read(scratch.root.join(p)).unwrap_or_default())
        .collect();
    // New content for both handouts, and a book that cannot be written (a folder is there):
    // the handouts were staged, but none is put in place.
    scratch.write(
        "content/good.yaml",
        &clean_guide("good").replace("Guide good", "Guide good, revised"),
    );
    scratch.write(
        "content/other.yaml",
        &clean_guide("other").replace("Guide other", "Guide other, revised"),
    );
    std::fs::create_dir_all(scratch.root.join("book.pdf")).unwrap_or_else(|e| panic!("{e}"));
    let failed = run(
        &scratch,
        &["export", "pdf", "-o", "pdf", "--book", "book.pdf"],
    );
    failed.assert_code(2);
    assert!(
        failed
            .stderr
            .contains("nothing was replaced: the handouts and the book are as before"),
        "{}",
        failed.stderr
    );
    let after: Vec<Vec<u8>> = ["pdf/good.pdf", "pdf/other.pdf"]
        .iter()
        .map(|p| std::fs::read(scratch.root.join(p)).unwrap_or_default())
        .collect();
    assert!(before == after, "a handout was replaced by a failed run");
    assert!(
        temporaries(&scratch.root).is_empty(),
        "{:?}",
        temporaries(&scratch.root)
    );
    // Once the book can be written, every file is new.
    std::fs::remove_dir(scratch.root.join("book.pdf")).unwrap_or_else(|e| panic!("{e}"));
    run(
        &scratch,
        &["export", "pdf", "-o", "pdf", "--book", "book.pdf"],
    )
    .assert_code(0);
    let now = std::fs::read(scratch.root.join("pdf/good.pdf")).unwrap_or_default();
    assert!(now != before[0], "the handout was not replaced");
}
