//! A bounded property test: the fixture guides and the project's own guides, mutated the way
//! half-edited files are (lines dropped, duplicated, swapped and re-indented, bytes flipped,
//! YAML punctuation inserted, the file cut short), then linted in memory as `remedy lint -` does.
//!
//! For every case: no panic; every finding names the file, sits inside it (line ≤ line count + 1,
//! column ≥ 1) and has a message; a file that does not load gets a `yaml-syntax` finding and a
//! file that loads without the guide's shape gets a `schema` finding.
//!
//! Deterministic (a hand-written xorshift PRNG with a fixed seed) and bounded (a fixed number of
//! cases). A failing case prints its seed and writes the mutated bytes under the target folder;
//! so does a case that hangs, which a watchdog names instead of waiting for it.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use remedy_core::load::load_source;
use remedy_core::{LoadOptions, SourceText};
use remedy_lint::{Config, LintRequest, StdinInput, lint};

/// How many mutated files are linted.
const CASES: usize = 3_000;

/// How long one case may run before the watchdog calls it a hang. A case is one small file
/// linted in memory (milliseconds); this is only there so that a loop or a runaway input fails
/// the test naming its case instead of stalling the suite, and says nothing about speed.
const HANG: Duration = Duration::from_secs(120);

/// xorshift64*: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `*.yaml` under the test fixtures, sorted (the order fixes the cases). Not `content/`:
/// the cases must not change when a writer adds a guide.
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![repo().join("tests/fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            Some((name, std::fs::read(&path).ok()?))
        })
        .collect()
}

const INSERTS: &[&str] = &[
    ":",
    ": ",
    "[",
    "]",
    "{",
    "}",
    "- ",
    "#",
    "\"",
    "'",
    "|",
    ">",
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "? ",
    "---\n",
    "...\n",
    "\t",
    "\r",
    "\r\n",
    "\u{feff}",
    "é",
    "—",
    "\0",
    "%YAML 1.2\n",
    ",",
    "# remedy: ignore[schema]\n",
    "~",
    "null",
    "true",
    "0x1F",
    ".inf",
    "2026-02-30",
];

/// One mutation of `bytes`.
fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng) {
    let mut lines: Vec<Vec<u8>> = bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    let n = lines.len();
    match rng.below(8) {
        0 if n > 0 => {
            lines.remove(rng.below(n));
        }
        1 if n > 0 => {
            let i = rng.below(n);
            let copy = lines[i].clone();
            lines.insert(rng.below(n + 1), copy);
        }
        2 if n > 0 => {
            let i = rng.below(n);
            match rng.below(3) {
                0 => {
                    let spaces = 1 + rng.below(4);
                    lines[i].splice(0..0, std::iter::repeat_n(b' ', spaces));
                }
                1 => {
                    let leading = lines[i].iter().take_while(|&&b| b == b' ').count();
                    let cut = leading.min(1 + rng.below(4));
                    lines[i].drain(..cut);
                }
                _ => lines[i].insert(0, b'\t'),
            }
        }
        3 if n > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            lines.swap(a, b);
        }
        4 if !bytes.is_empty() => {
            let at = rng.below(bytes.len());
            bytes[at] ^= 1 << rng.below(8);
            return;
        }
        5 => {
            let at = rng.below(bytes.len() + 1);
            bytes.truncate(at);
            return;
        }
        _ => {
            let insert = INSERTS[rng.below(INSERTS.len())].as_bytes();
            let at = rng.below(bytes.len() + 1);
            bytes.splice(at..at, insert.iter().copied());
            return;
        }
    }
    *bytes = lines.concat();
}

fn lint_case(name: &str, bytes: &[u8]) -> Result<(), String> {
    let request = LintRequest {
        paths: Vec::new(),
        stdin: Some(StdinInput {
            name: PathBuf::from(name),
            bytes: bytes.to_vec(),
        }),
        config: Config::default(),
        cwd: PathBuf::from("/nonexistent/remedy-mutations"),
        keep_guides: false,
        jobs: None,
    };
    let report = lint(&request).map_err(|e| format!("lint failed: {e}"))?;
    let loaded = SourceText::from_bytes(bytes.to_vec()).map(|source| {
        let lines = source.line_count();
        (
            lines,
            load_source(PathBuf::from(name), source, &LoadOptions::default()),
        )
    });
    let lines = match &loaded {
        Ok((lines, _)) => *lines,
        // Invalid UTF-8 does not change where lines break.
        Err(_) => SourceText::new(String::from_utf8_lossy(bytes).into_owned()).line_count(),
    };
    for finding in &report.findings {
        if finding.file != Path::new(name) {
            return Err(format!(
                "finding names {}, not {name}",
                finding.file.display()
            ));
        }
        let line = finding.span.start.line as usize;
        if line == 0 || line > lines + 1 || finding.span.start.column == 0 {
            return Err(format!(
                "finding outside the file ({lines} lines): {finding:?}"
            ));
        }
        if finding.message.trim().is_empty() {
            return Err(format!("empty message: {finding:?}"));
        }
    }
    let has = |rule: &str| report.findings.iter().any(|f| f.rule == rule);
    match loaded {
        Err(_) | Ok((_, Err(_))) if !has("yaml-syntax") => {
            Err("the file does not load, but there is no yaml-syntax finding".into())
        }
        Ok((_, Ok(file))) if file.guide.is_none() && !has("schema") => Err(format!(
            "the file loads without a guide's shape, but there is no schema finding: {:?}",
            report.findings
        )),
        _ => Ok(()),
    }
}

/// What the thread running the cases tells the watchdog.
enum Progress {
    /// A case begins: its number, its seed file, the generator's state and the mutated bytes.
    Started(usize, String, u64, Vec<u8>),
    /// The case ended with this outcome.
    Finished(Result<(), String>),
}

/// Where a case's bytes are kept for a look when it fails or hangs.
fn dump(case: usize, bytes: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mutation-{case}.yaml"));
    let _ = std::fs::write(&path, bytes);
    path
}

#[test]
fn mutated_guides_never_panic_and_every_finding_is_positioned() {
    let seeds = seeds();
    assert!(seeds.len() >= 10, "fixtures not found: {}", seeds.len());
    let (progress, watched) = mpsc::channel();
    // Not scoped: a case that hangs is left running (the test binary ends it on exit) while
    // the watchdog below fails the test naming it.
    std::thread::spawn(move || {
        let mut rng = Rng(0x005E_ED0F_BADF_11E5);
        for case in 0..CASES {
            let (name, original) = &seeds[case % seeds.len()];
            let state = rng.0;
            let mut bytes = original.clone();
            for _ in 0..1 + rng.below(3) {
                mutate(&mut bytes, &mut rng);
            }
            let started = Progress::Started(case, name.clone(), state, bytes.clone());
            if progress.send(started).is_err() {
                return;
            }
            let outcome = std::panic::catch_unwind(|| lint_case(name, &bytes))
                .unwrap_or_else(|_| Err("panicked".into()));
            if progress.send(Progress::Finished(outcome)).is_err() {
                return;
            }
        }
    });
    let mut current: Option<(usize, String, u64, Vec<u8>)> = None;
    let mut failures = Vec::new();
    let mut finished = 0;
    loop {
        match watched.recv_timeout(HANG) {
            Ok(Progress::Started(case, name, state, bytes)) => {
                current = Some((case, name, state, bytes));
            }
            Ok(Progress::Finished(outcome)) => {
                finished += 1;
                if let (Err(problem), Some((case, name, state, bytes))) = (outcome, &current) {
                    failures.push(format!(
                        "case {case} (rng state {state:#x}, from {name}, bytes in {}): {problem}",
                        dump(*case, bytes).display()
                    ));
                    if failures.len() >= 10 {
                        break;
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let Some((case, name, state, bytes)) = &current else {
                    panic!("no case started within {HANG:?}");
                };
                panic!(
                    "case {case} (rng state {state:#x}, from {name}, bytes in {}) still running after {HANG:?}: a hang",
                    dump(*case, bytes).display()
                );
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(finished, CASES, "the cases stopped early");
}
