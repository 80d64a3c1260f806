//! Hostile input: every case ends in a finding or error that names the file (and the line where
//! there is one) and says what to do; never a panic (exit 101) or a hang; and the other files of
//! the same run are still linted and exported.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Run, Scratch, clean_guide};

/// How long one run of the binary may take before the test fails. Generous for a debug build on
/// a loaded CI machine; a hang never ends.
pub const WATCHDOG: Duration = Duration::from_secs(20);

/// Runs `remedy ARGS` in `dir` and kills it if it is still running after `limit`, failing the
/// test. Output is drained on threads so that a chatty run cannot block on a full pipe.
pub fn remedy_bounded(dir: &Path, args: &[&str], limit: Duration) -> Run {
    command_bounded(dir, env!("CARGO_BIN_EXE_remedy"), args, limit)
}

/// [`remedy_bounded`] for any program (a shell that sets limits, then runs remedy).
pub fn command_bounded(dir: &Path, program: &str, args: &[&str], limit: Duration) -> Run {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("CI", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start remedy: {e}"));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("remedy {args:?} still running after {limit:?}: killed (a hang)");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("cannot wait for remedy: {e}"),
        }
    };
    Run::from(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// A project with one clean guide, `content/good.yaml`, beside the hostile one.
fn project(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.write("content/good.yaml", &clean_guide("good"));
    scratch
}

fn write_bytes(scratch: &Scratch, relative: &str, bytes: &[u8]) {
    let path = scratch.root.join(relative);
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {relative}: {e}"));
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// `remedy lint --format json`, bounded, with the exit code checked.
fn lint_json(scratch: &Scratch, code: i32) -> Value {
    let run = remedy_bounded(&scratch.root, &["lint", "--format", "json"], WATCHDOG);
    run.assert_code(code);
    json(&run.stdout)
}

/// The findings for one file, as (line, column, rule, message).
fn findings_for(report: &Value, file: &str) -> Vec<(u64, u64, String, String)> {
    report["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|f| f["file"].as_str() == Some(file))
                .map(|f| {
                    (
                        f["line"].as_u64().unwrap_or(0),
                        f["column"].as_u64().unwrap_or(0),
                        f["rule"].as_str().unwrap_or_default().to_owned(),
                        f["message"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts exactly one finding for `file`, at `line:column`, of `rule`, whose message contains
/// `advice` (what to do), and that no message leaks Rust debug formatting.
fn assert_finding(report: &Value, file: &str, at: (u64, u64), rule: &str, advice: &str) {
    let found = findings_for(report, file);
    assert_eq!(found.len(), 1, "{file}: {found:?}\n{report}");
    let (line, column, found_rule, message) = &found[0];
    assert_eq!((*line, *column), at, "{file}: {message}");
    assert_eq!(found_rule, rule, "{file}: {message}");
    assert!(
        message.contains(advice),
        "{file}: `{message}` lacks `{advice}`"
    );
    assert_no_debug_formatting(message);
}

/// No `Os { code: 2, … }`, `Error("…")` or `Custom { … }` in anything a user reads.
pub fn assert_no_debug_formatting(text: &str) {
    for leak in ["Os {", "code:", "kind:", "Error(", "Custom {", "(os error"] {
        assert!(
            !text.contains(leak),
            "debug formatting `{leak}` reaches the user: {text}"
        );
    }
}

/// The good guide is still linted (no finding) and still exported with `--force`; a hostile
/// file that cannot be loaded is named as left out, and then the export exits 1 (SPEC §4).
fn assert_the_good_guide_survives(scratch: &Scratch, report: &Value) {
    assert!(
        findings_for(report, "content/good.yaml").is_empty(),
        "{report}"
    );
    let run = remedy_bounded(
        &scratch.root,
        &["export", "json", "--force", "-o", "out.json"],
        WATCHDOG,
    );
    let left_out = run.stderr.contains("remedy: left out of the export: ");
    run.assert_code(i32::from(left_out));
    assert_no_debug_formatting(&run.stderr);
    let exported = json(&scratch.read("out.json"));
    let ids: Vec<&str> = exported["guides"]
        .as_array()
        .map(|guides| guides.iter().filter_map(|g| g["id"].as_str()).collect())
        .unwrap_or_default();
    assert!(ids.contains(&"good"), "good guide not exported: {ids:?}");
}

/// The common shape: one hostile file beside the good one; one finding naming it.
fn one_bad_file(name: &str, bytes: &[u8], at: (u64, u64), rule: &str, advice: &str) {
    let scratch = project(name);
    write_bytes(&scratch, "content/bad.yaml", bytes);
    let report = lint_json(&scratch, 1);
    assert_eq!(report["summary"]["files"], 2, "{report}");
    assert_finding(&report, "content/bad.yaml", at, rule, advice);
    // The human format names the file and line as `file:line:col`.
    let run = remedy_bounded(&scratch.root, &["lint"], WATCHDOG);
    run.assert_code(1);
    let location = format!("content/bad.yaml:{}:{}:", at.0, at.1);
    assert!(
        run.stdout.contains(&location),
        "{location} not in\n{}",
        truncate(&run.stdout)
    );
    assert!(
        run.stdout.len() < 64 * 1024,
        "the report is {} bytes",
        run.stdout.len()
    );
    assert_the_good_guide_survives(&scratch, &report);
}

fn truncate(text: &str) -> &str {
    let mut end = text.len().min(4000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[test]
fn an_alias_bomb_is_stopped_at_the_alias_that_breaks_the_budget() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    one_bad_file(
        "alias-bomb",
        text.as_bytes(),
        (5, 10),
        "yaml-syntax",
        "write the content out",
    );
}

#[test]
fn an_alias_of_a_large_text_is_stopped_by_its_size() {
    // Regression: a 1 MB file of 2,000 aliases to one long string took 2 GB of memory.
    let text = format!(
        "id: bad\nx: &a \"{}\"\nsteps: [{}]\n",
        "a".repeat(600_000),
        vec!["*a"; 2000].join(", ")
    );
    one_bad_file(
        "alias-text",
        text.as_bytes(),
        (3, 13),
        "yaml-syntax",
        "write the content out",
    );
}

#[test]
fn deep_flow_nesting_is_a_positioned_finding() {
    let text = format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    // The parser stops scanning ahead at 256 open brackets; the finding is on the right line.
    let scratch = project("deep-flow");
    write_bytes(&scratch, "content/bad.yaml", text.as_bytes());
    let report = lint_json(&scratch, 1);
    let found = findings_for(&report, "content/bad.yaml");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].2.as_str()), (1, "yaml-syntax"));
    assert!(
        found[0].3.contains("flatten the structure"),
        "{}",
        found[0].3
    );
    assert_the_good_guide_survives(&scratch, &report);
}

#[test]
fn deep_block_nesting_is_a_positioned_finding() {
    // `- - - … x`: 100,000 block sequences, each inside the one before, on one line; and the
    // same by indentation, one level per line.
    let compact = format!("{}x\n", "- ".repeat(100_000));
    one_bad_file(
        "deep-block",
        compact.as_bytes(),
        (1, 129),
        "yaml-syntax",
        "flatten the structure",
    );
    let indented: String = (0..2_000)
        .map(|depth| format!("{}-\n", " ".repeat(depth)))
        .collect();
    one_bad_file(
        "deep-indent",
        indented.as_bytes(),
        (65, 65),
        "yaml-syntax",
        "flatten the structure",
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let bytes = vec![b'#'; 16 * 1024 * 1024 + 1];
    one_bad_file(
        "too-large",
        &bytes,
        (1, 1),
        "yaml-syntax",
        "split it into several guides",
    );
}

#[test]
fn a_single_ten_megabyte_line_is_reported_without_printing_it() {
    // An unclosed bracket at the start of a 10 MB line.
    let text = format!("id: bad\ntitle: [{}\n", "a".repeat(10_000_000));
    one_bad_file(
        "long-line",
        text.as_bytes(),
        (2, 8),
        "yaml-syntax",
        "never closed",
    );
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let mut bytes = clean_guide("bad").into_bytes();
    let at = bytes.windows(5).position(|w| w == b"Guide").unwrap_or(0);
    bytes[at + 1] = 0xE9; // title: G\xE9ide
    one_bad_file(
        "bad-utf8",
        &bytes,
        (2, 9),
        "yaml-syntax",
        "save it as UTF-8",
    );
}

/// A guide with a schema error on line 12 (`risk: extreme`, the value at column 11).
fn guide_with_error_on_line_12() -> String {
    clean_guide("bad").replace("risk: very-low", "risk: extreme")
}

#[test]
fn a_bom_does_not_shift_columns() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(guide_with_error_on_line_12().bytes());
    one_bad_file("bom", &bytes, (12, 11), "schema", "use one of");
    // A BOM on a clean guide is not a finding at all.
    let scratch = project("bom-clean");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(clean_guide("bommed").bytes());
    write_bytes(&scratch, "content/bommed.yaml", &bytes);
    let report = lint_json(&scratch, 0);
    assert_eq!(report["summary"]["files"], 2);
}

#[test]
fn crlf_line_endings_keep_positions_right() {
    let text = guide_with_error_on_line_12().replace('\n', "\r\n");
    one_bad_file("crlf", text.as_bytes(), (12, 11), "schema", "use one of");
}

#[test]
fn mixed_line_endings_keep_positions_right() {
    let text: String = guide_with_error_on_line_12()
        .lines()
        .enumerate()
        .map(|(i, line)| format!("{line}{}", if i % 2 == 0 { "\r\n" } else { "\n" }))
        .collect();
    one_bad_file(
        "mixed-eol",
        text.as_bytes(),
        (12, 11),
        "schema",
        "use one of",
    );
}

#[test]
fn a_duplicate_key_names_both_lines() {
    let text = clean_guide("bad").replace("summary:", "title: Again\nsummary:");
    one_bad_file(
        "dup-key",
        text.as_bytes(),
        (3, 1),
        "yaml-syntax",
        "first at line 2",
    );
}

#[test]
fn a_python_object_tag_is_refused() {
    let text = "id: !!python/object/apply:os.system [\"echo pwned\"]\n";
    one_bad_file(
        "python-tag",
        text.as_bytes(),
        (1, 5),
        "yaml-syntax",
        "remove it",
    );
}

#[test]
fn a_second_document_is_a_finding_at_its_start() {
    let text = format!("{}---\nid: other\n", clean_guide("bad"));
    one_bad_file(
        "multi-doc",
        text.as_bytes(),
        (18, 1),
        "yaml-syntax",
        "keep one guide per file",
    );
}

#[test]
fn an_empty_file_is_a_finding() {
    one_bad_file("empty", b"", (1, 1), "yaml-syntax", "remedy new");
}

#[test]
fn a_whitespace_only_file_is_a_finding() {
    one_bad_file(
        "blank",
        b"  \n\n\t\n   ",
        (1, 1),
        "yaml-syntax",
        "remedy new",
    );
}

#[test]
fn png_bytes_named_yaml_are_a_finding() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";
    one_bad_file("png", png, (1, 1), "yaml-syntax", "save it as UTF-8");
}

#[test]
fn a_folder_named_like_a_guide_is_walked_not_read() {
    let scratch = project("folder-yaml");
    scratch.write("content/x.yaml/inner.yaml", &clean_guide("inner"));
    std::fs::create_dir_all(scratch.root.join("content/empty.yaml")).unwrap_or_default();
    let report = lint_json(&scratch, 0);
    assert_eq!(report["summary"]["files"], 2, "{report}");
    // Named explicitly, it is a folder to walk too.
    let run = remedy_bounded(
        &scratch.root,
        &["lint", "content/x.yaml", "--format", "json"],
        WATCHDOG,
    );
    run.assert_code(0);
    assert_eq!(json(&run.stdout)["summary"]["files"], 1);
    assert_the_good_guide_survives(&scratch, &report);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_the_content_root_is_walked_once() {
    let scratch = project("symlink-loop");
    scratch.write("content/a/first.yaml", &clean_guide("first"));
    let link = |target: &str, at: &str| {
        std::os::unix::fs::symlink(target, scratch.root.join(at))
            .unwrap_or_else(|e| panic!("cannot link {at}: {e}"));
    };
    link("..", "content/a/loop"); // back to content
    link(".", "content/self"); // to itself
    link("..", "content/up"); // out of the root: refused, not walked back in through `content`
    let report = lint_json(&scratch, 1);
    assert_eq!(report["summary"]["files"], 3, "{report}");
    assert_finding(
        &report,
        "content/up",
        (1, 1),
        "io-error",
        "points outside the content root",
    );
    // Regression: files were named through the loop (`content/up/content/good.yaml`).
    let run = remedy_bounded(
        &scratch.root,
        &["export", "json", "--force", "-o", "out.json"],
        WATCHDOG,
    );
    // The link left out is named, so the forced export exits 1 (SPEC §4).
    run.assert_code(1);
    let exported = json(&scratch.read("out.json"));
    let sources: Vec<&str> = exported["guides"]
        .as_array()
        .map(|g| g.iter().filter_map(|g| g["source"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(sources, ["a/first.yaml", "good.yaml"]);
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_an_io_finding_naming_it() {
    let scratch = project("dangling");
    std::os::unix::fs::symlink("nowhere.yaml", scratch.root.join("content/bad.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let report = lint_json(&scratch, 1);
    assert_finding(
        &report,
        "content/bad.yaml",
        (1, 1),
        "io-error",
        "fix or remove the link",
    );
    assert_the_good_guide_survives(&scratch, &report);
    // Named on the command line, it is a usage error naming it.
    let run = remedy_bounded(&scratch.root, &["lint", "content/bad.yaml"], WATCHDOG);
    run.assert_code(2);
    assert!(run.stderr.contains("content/bad.yaml"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_io_finding_naming_it() {
    // The tests run as root, for whom permission bits do not stop a read. A link to
    // /proc/self/mem opens as a regular file and fails to read at offset 0 with EIO: an
    // unreadable file even for root.
    let scratch = project("unreadable");
    std::os::unix::fs::symlink("/proc/self/mem", scratch.root.join("content/bad.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut probe = Vec::new();
    let readable = std::fs::File::open(scratch.root.join("content/bad.yaml"))
        .and_then(|mut f| f.read_to_end(&mut probe));
    assert!(
        readable.is_err(),
        "/proc/self/mem was readable here; the case cannot be made"
    );
    // Through a link in the content root it is not read at all (it points outside the root);
    // named on the command line, it is read and fails.
    let report = lint_json(&scratch, 1);
    assert_finding(
        &report,
        "content/bad.yaml",
        (1, 1),
        "io-error",
        "points outside the content root",
    );
    assert_the_good_guide_survives(&scratch, &report);
    let run = remedy_bounded(
        &scratch.root,
        &[
            "lint",
            "/proc/self/mem",
            "content/good.yaml",
            "--format",
            "json",
        ],
        WATCHDOG,
    );
    run.assert_code(1);
    assert_finding(
        &json(&run.stdout),
        "/proc/self/mem",
        (1, 1),
        "io-error",
        "check that it exists",
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_not_waited_on() {
    // Regression: `remedy lint content/pipe.yaml` on a FIFO blocked forever in open().
    let scratch = project("fifo");
    let fifo = scratch.root.join("content/pipe.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    // Walked: not a regular file, not a guide, skipped.
    let report = lint_json(&scratch, 0);
    assert_eq!(report["summary"]["files"], 1);
    // Named: a finding that names it.
    let run = remedy_bounded(
        &scratch.root,
        &[
            "lint",
            "content/pipe.yaml",
            "content/good.yaml",
            "--format",
            "json",
        ],
        WATCHDOG,
    );
    run.assert_code(1);
    let report = json(&run.stdout);
    assert_finding(
        &report,
        "content/pipe.yaml",
        (1, 1),
        "io-error",
        "not a regular file",
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_linted_and_named() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let scratch = project("non-utf8-name");
    let name = OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::write(scratch.root.join("content").join(name), clean_guide("cafe"))
        .unwrap_or_else(|e| panic!("{e}"));
    let report = lint_json(&scratch, 1);
    assert_eq!(report["summary"]["files"], 2, "{report}");
    // Regression: no finding at all; now id-mismatch says to rename the file.
    assert_finding(
        &report,
        "content/caf\u{FFFD}.yaml",
        (1, 5),
        "id-mismatch",
        "rename the file to `cafe.yaml`",
    );
    assert_the_good_guide_survives(&scratch, &report);
}

#[test]
fn five_thousand_guides_in_one_folder() {
    let scratch = Scratch::new("five-thousand");
    for i in 0..5000 {
        let id = format!("guide-{i:04}");
        scratch.write(&format!("content/many/{id}.yaml"), &clean_guide(&id));
    }
    let limit = Duration::from_secs(60);
    let run = remedy_bounded(&scratch.root, &["lint", "--format", "json"], limit);
    run.assert_code(0);
    assert_eq!(json(&run.stdout)["summary"]["files"], 5000);
    let run = remedy_bounded(
        &scratch.root,
        &["export", "json", "--force", "-o", "out.json"],
        limit,
    );
    run.assert_code(0);
    let exported = json(&scratch.read("out.json"));
    assert_eq!(exported["guides"].as_array().map(Vec::len), Some(5000));
}

#[test]
fn every_hostile_file_at_once_still_lints_and_exports_the_good_one() {
    let scratch = project("all-at-once");
    write_bytes(
        &scratch,
        "content/big.yaml",
        &vec![b'#'; 16 * 1024 * 1024 + 1],
    );
    write_bytes(&scratch, "content/empty.yaml", b"");
    write_bytes(&scratch, "content/png.yaml", b"\x89PNG\r\n\x1a\n");
    write_bytes(
        &scratch,
        "content/deep.yaml",
        format!("{}\n", "{a: ".repeat(50_000)).as_bytes(),
    );
    write_bytes(
        &scratch,
        "content/tag.yaml",
        b"id: !!python/object:os.system x\n",
    );
    let report = lint_json(&scratch, 1);
    assert_eq!(report["summary"]["files"], 6, "{report}");
    for file in ["big", "empty", "png", "deep", "tag"] {
        let found = findings_for(&report, &format!("content/{file}.yaml"));
        assert_eq!(found.len(), 1, "{file}: {found:?}");
        assert_eq!(found[0].2, "yaml-syntax");
    }
    assert_the_good_guide_survives(&scratch, &report);
}

#[test]
fn a_guide_id_that_is_a_path_never_writes_outside_the_output_folder() {
    let scratch = project("evil-id");
    let evil = clean_guide("evil").replace("id: evil", "id: ../../evil");
    scratch.write("content/evil.yaml", &evil);
    let absolute = scratch.root.join("abs");
    let evil2 = clean_guide("evil2").replace("id: evil2", &format!("id: {}", absolute.display()));
    scratch.write("content/evil2.yaml", &evil2);
    for (args, out, code) in [
        (
            &["export", "pdf", "--force", "-o", "o1/a/b"][..],
            "o1/a/b",
            0,
        ),
        // `build --force` exports, then still fails the run on the lint errors.
        (&["build", "--force", "--out", "o2/a/b"][..], "o2/a/b", 1),
        (
            &["export", "json", "--force", "-o", "o3/a/x.json"][..],
            "o3/a/x.json",
            0,
        ),
        (
            &["export", "csv", "--force", "-o", "o4/a/b"][..],
            "o4/a/b",
            0,
        ),
    ] {
        let before = walk(&scratch.root);
        let run = remedy_bounded(&scratch.root, args, Duration::from_secs(60));
        run.assert_code(code);
        assert!(
            run.stderr.contains("content/evil.yaml not exported"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("content/evil2.yaml not exported"),
            "{}",
            run.stderr
        );
        // Regression: `export pdf` wrote `o1/evil.pdf` and `<scratch>/abs.pdf`.
        let out = scratch.root.join(out);
        let outside: Vec<_> = walk(&scratch.root)
            .into_iter()
            .filter(|path| !before.contains(path) && !path.starts_with(&out))
            .collect();
        assert!(outside.is_empty(), "{args:?} wrote outside -o: {outside:?}");
    }
    let pdfs = walk(&scratch.root.join("o1/a/b"));
    assert_eq!(pdfs, [scratch.root.join("o1/a/b/good.pdf")]);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn a_ten_megabyte_comment_of_hashes_is_read_once() {
    // Suppression comments are looked for from each `#`; from each `#` of one line to its end,
    // this line cost ten million scans of ten megabytes.
    let scratch = project("hashes");
    let text = format!("{}{}\n", clean_guide("hashes"), "#".repeat(10_000_000));
    write_bytes(&scratch, "content/hashes.yaml", text.as_bytes());
    remedy_bounded(&scratch.root, &["lint"], WATCHDOG).assert_code(0);
}

#[test]
fn a_control_character_in_a_guide_is_found_by_lint_and_never_printed_raw() {
    let scratch = project("control-character");
    let guide = clean_guide("bell")
        .replace("title: Guide bell", "title: \"Guide \\a \\e[31mbell\"")
        .replace(
            "summary: A small guide used by the tests.",
            "summary: \"A \\e[2J small guide\"",
        );
    scratch.write("content/bell.yaml", &guide);
    let lint = remedy_bounded(&scratch.root, &["lint"], WATCHDOG);
    lint.assert_code(1);
    assert!(
        lint.stdout.contains(
            "content/bell.yaml:2:8: error[unprintable-character]: U+0007 is a control character"
        ),
        "{}",
        lint.stdout
    );
    assert!(
        lint.stdout.contains(
            "content/bell.yaml:3:10: error[unprintable-character]: U+001B is a control character"
        ),
        "{}",
        lint.stdout
    );
    // Forced past lint, the PDF refuses the guide; its message quotes the title escaped.
    let export = remedy_bounded(
        &scratch.root,
        &["export", "pdf", "--force", "content/bell.yaml", "-o", "out"],
        WATCHDOG,
    );
    export.assert_code(2);
    assert!(
        export.stderr.contains("Guide \\u{7} \\u{1b}[31mbell"),
        "{}",
        export.stderr
    );
    for output in [&lint.stdout, &lint.stderr, &export.stdout, &export.stderr] {
        assert!(!output.contains(['\u{7}', '\u{1b}']), "{output:?}");
    }
}
