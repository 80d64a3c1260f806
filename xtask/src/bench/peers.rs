//! `cargo xtask bench --peers`: remedy side by side with two peers on the bench's 200-guide
//! corpus (issues 16 and 20), medians of several runs taken in turn:
//!
//! - `remedy lint` of the whole corpus against Spectral running our ruleset
//!   (`bench/spectral/ruleset.mjs`: the same rules, as far as Spectral can express them);
//! - `remedy export pdf` of 20 of those guides against Typst compiling the same 20 guides' YAML
//!   with our template (`bench/typst/handout.typ`), through the `typst` Python package.
//!
//! Both peers are installed when missing, pinned, under `target/bench/peers/` (npm and pip, the
//! only downloads; nothing outside `target/` is touched). Timings are reported, never asserted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::measure::{self, Sample};

/// The Spectral command line, from npm.
const SPECTRAL: &str = "@stoplight/spectral-cli";
const SPECTRAL_VERSION: &str = "6.16.3";
/// Typst's Python binding (the Typst compiler in a wheel), from PyPI.
const TYPST: &str = "typst";
const TYPST_VERSION: &str = "0.15.0";

/// How many handouts the PDF comparison renders.
const HANDOUTS: usize = 20;

/// The targets of issue 20 (and 16 for the handouts): how many times faster remedy should be.
const LINT_TARGET: f64 = 100.0;
const PDF_TARGET: f64 = 10.0;

/// Where the peers live and how to call them.
#[derive(Debug)]
struct Peers {
    spectral: PathBuf,
    typst_path: PathBuf,
    python: String,
}

fn io(what: &str, path: &Path, error: std::io::Error) -> String {
    format!("cannot {what} {}: {error}", path.display())
}

fn run_checked(command: &mut Command, what: &str) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Installs Spectral and Typst under `dir` unless the pinned versions are already there.
fn install(dir: &Path) -> Result<Peers, String> {
    let spectral_dir = dir.join("spectral");
    let spectral = spectral_dir.join("node_modules/.bin/spectral");
    let installed = Command::new(&spectral)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if installed.as_deref() != Some(SPECTRAL_VERSION) {
        eprintln!(
            "bench: installing {SPECTRAL}@{SPECTRAL_VERSION} from npm into {}",
            spectral_dir.display()
        );
        std::fs::create_dir_all(&spectral_dir).map_err(|e| io("create", &spectral_dir, e))?;
        run_checked(
            Command::new("npm")
                .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
                .arg(&spectral_dir)
                .arg(format!("{SPECTRAL}@{SPECTRAL_VERSION}")),
            "npm install",
        )?;
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let typst_path = dir.join("typst");
    let version = Command::new(&python)
        .args(["-c", "import typst; print(typst.__version__)"])
        .env("PYTHONPATH", &typst_path)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if version.as_deref() != Some(TYPST_VERSION) {
        eprintln!(
            "bench: installing {TYPST}=={TYPST_VERSION} from PyPI into {}",
            typst_path.display()
        );
        run_checked(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--upgrade",
                    "--target",
                ])
                .arg(&typst_path)
                .arg(format!("{TYPST}=={TYPST_VERSION}")),
            "pip install",
        )?;
    }
    Ok(Peers {
        spectral,
        typst_path,
        python,
    })
}

/// The rule names the Spectral ruleset defines (its `RULES` table), in its order.
fn ruleset_rules(ruleset: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(ruleset).map_err(|e| io("read", ruleset, e))?;
    let table = text
        .split_once("const RULES = {")
        .and_then(|(_, rest)| rest.split_once("\n};"))
        .map(|(table, _)| table)
        .ok_or_else(|| format!("{}: no `const RULES = {{ … }};` table", ruleset.display()))?;
    Ok(table
        .lines()
        .filter_map(|line| line.trim().split_once(':'))
        .map(|(name, _)| name.trim_matches('"').to_owned())
        .filter(|name| !name.is_empty() && !name.starts_with("//"))
        .collect())
}

/// The rules `remedy rules` lists, in its order.
fn remedy_rules(remedy: &Path) -> Result<Vec<String>, String> {
    let listing = run_checked(Command::new(remedy).arg("rules"), "remedy rules")?;
    Ok(listing
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

/// For each rule the ruleset covers: remedy's findings in the rule's fixture folder
/// (`tests/fixtures/lint/<rule>/`, its `expected-txt` snapshot) and Spectral's findings of that
/// rule there, from one Spectral run over every fixture folder. It shows the ruleset's rules
/// fire where remedy's do, so the timed runs on the clean corpus check something.
fn fixture_agreement(
    peers: &Peers,
    root: &Path,
    ruleset: &Path,
    covered: &[String],
    out: &Path,
) -> Result<Vec<(String, usize, usize)>, String> {
    let fixtures = root.join("tests/fixtures/lint");
    let report = out.join("spectral-fixtures.json");
    let output = Command::new(&peers.spectral)
        .args([
            "lint",
            "*/**/*.yaml",
            "--quiet",
            "--format",
            "json",
            "--output",
        ])
        .arg(&report)
        .arg("--ruleset")
        .arg(ruleset)
        .env(
            "REMEDY_GUIDE_SCHEMA",
            root.join("schemas/guide.schema.json"),
        )
        .env("REMEDY_GUIDES", &fixtures)
        .current_dir(&fixtures)
        .output()
        .map_err(|e| format!("cannot run Spectral: {e}"))?;
    // Exit 1 is "found something", which the fixtures must.
    if output.status.code() != Some(1) {
        return Err(format!(
            "Spectral on the lint fixtures exited {}:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| io("read", &report, e))?;
    let results: Vec<serde_json::Value> = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not Spectral's JSON: {e}", report.display()))?;
    let mut rows = Vec::new();
    for rule in covered {
        let folder = fixtures.join(rule);
        let snapshot = folder.join("snapshots/expected-txt.snap.txt");
        let remedy = std::fs::read_to_string(&snapshot)
            .map_err(|e| io("read", &snapshot, e))?
            .lines()
            .count();
        let spectral = results
            .iter()
            .filter(|result| result["code"].as_str() == Some(rule.as_str()))
            .filter(|result| {
                result["source"]
                    .as_str()
                    .is_some_and(|source| Path::new(source).starts_with(&folder))
            })
            .count();
        rows.push((rule.clone(), remedy, spectral));
    }
    Ok(rows)
}

/// One side of a comparison: a name, the command, and its timed runs.
#[derive(Debug)]
struct Side {
    label: &'static str,
    walls: Vec<Duration>,
    max_rss: u64,
}

impl Side {
    fn new(label: &'static str) -> Self {
        Self {
            label,
            walls: Vec::new(),
            max_rss: 0,
        }
    }

    fn add(&mut self, sample: Sample) {
        self.walls.push(sample.wall);
        self.max_rss = self.max_rss.max(sample.max_rss);
    }

    fn median(&self) -> f64 {
        measure::median(&self.walls).as_secs_f64()
    }

    fn range(&self) -> (f64, f64) {
        let seconds = self.walls.iter().map(Duration::as_secs_f64);
        (
            seconds.clone().fold(f64::INFINITY, f64::min),
            seconds.fold(0.0, f64::max),
        )
    }

    fn row(&self) -> String {
        let (low, high) = self.range();
        format!(
            "| {} | {:.3} s | {low:.3}–{high:.3} s | {:.0} MiB |",
            self.label,
            self.median(),
            self.max_rss as f64 / (1024.0 * 1024.0)
        )
    }
}

fn empty_dir(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io("remove", dir, e)),
        _ => {}
    }
    std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))
}

/// Runs the comparison on the corpus in `corpus` (a `target/bench/corpus-N` folder) and writes
/// `bench/peers.md`.
pub fn run(
    remedy: &Path,
    root: &Path,
    bench: &Path,
    corpus: &Path,
    runs: usize,
    machine: &super::report::Machine,
) -> Result<String, String> {
    let peers_dir = bench.join("peers");
    let peers = install(&peers_dir)?;
    let ruleset = root.join("bench/spectral/ruleset.mjs");
    let template_source = root.join("bench/typst/handout.typ");
    let compile_script = root.join("bench/typst/compile.py");
    // Typst reads files only below its root: the template sits in `target/bench/peers/`, the
    // guides in `target/bench/corpus-N/guides/`, and the root is `target/bench/`.
    let template = peers_dir.join("handout.typ");
    std::fs::copy(&template_source, &template).map_err(|e| io("copy", &template_source, e))?;

    let guides_dir = corpus.join("guides");
    let all = super::walk(&guides_dir)?;
    let mut corpus_bytes = 0;
    for path in &all {
        corpus_bytes += std::fs::metadata(path)
            .map_err(|e| io("read", path, e))?
            .len();
    }
    let mut handouts: Vec<PathBuf> = all.clone();
    handouts.sort();
    handouts.truncate(HANDOUTS);
    if handouts.len() < HANDOUTS {
        return Err(format!(
            "{} holds {} guides; the PDF comparison needs {HANDOUTS}",
            guides_dir.display(),
            handouts.len()
        ));
    }
    let relative = |path: &Path, base: &Path| -> Result<PathBuf, String> {
        path.strip_prefix(base)
            .map(Path::to_path_buf)
            .map_err(|_| format!("{} is not below {}", path.display(), base.display()))
    };

    let out = bench.join("peers-out");
    let (remedy_pdf, typst_pdf) = (out.join("remedy-pdf"), out.join("typst-pdf"));
    let schema = root.join("schemas/guide.schema.json");

    // Cold: every file read and checked. Warm: each unchanged file's findings from the cache,
    // as a CI re-run with its cache restored, or an editor's save, sees it.
    let lint_command = |cache: bool| {
        let mut c = Command::new(remedy);
        c.args(["--color", "never"]);
        if !cache {
            c.arg("--no-cache");
        }
        c.args(["lint", "guides"]).current_dir(corpus);
        c
    };
    let spectral_command = || {
        let mut c = Command::new(&peers.spectral);
        c.args([
            "lint",
            "guides/**/*.yaml",
            "--fail-severity",
            "hint",
            "--ruleset",
        ])
        .arg(&ruleset)
        .env("REMEDY_GUIDE_SCHEMA", &schema)
        .env("REMEDY_GUIDES", &guides_dir)
        .current_dir(corpus);
        c
    };
    let mut corpus_paths = Vec::new();
    let mut bench_paths = Vec::new();
    for path in &handouts {
        corpus_paths.push(relative(path, corpus)?);
        bench_paths.push(relative(path, bench)?);
    }
    let pdf_command = || {
        let mut c = Command::new(remedy);
        c.args(["--color", "never", "export", "pdf"])
            .args(&corpus_paths)
            .arg("-o")
            .arg(&remedy_pdf)
            .current_dir(corpus);
        c
    };
    let typst_command = || {
        let mut c = Command::new(&peers.python);
        c.arg(&compile_script)
            .arg(&template)
            .arg(bench)
            .arg(&typst_pdf)
            .args(&bench_paths)
            .env("PYTHONPATH", &peers.typst_path)
            .current_dir(bench);
        c
    };

    let covered = ruleset_rules(&ruleset)?;
    std::fs::create_dir_all(&out).map_err(|e| io("create", &out, e))?;
    let agreement = fixture_agreement(&peers, root, &ruleset, &covered, &out)?;
    let silent: Vec<&str> = agreement
        .iter()
        .filter(|(_, _, spectral)| *spectral == 0)
        .map(|(rule, _, _)| rule.as_str())
        .collect();
    if !silent.is_empty() {
        return Err(format!(
            "the Spectral ruleset finds nothing in the fixture folders of {}; fix {}",
            silent.join(", "),
            ruleset.display()
        ));
    }
    let load_before = super::load_average();
    let mut sides = [
        Side::new("remedy lint, cold: `--no-cache` (whole corpus)"),
        Side::new("Spectral, the same rules"),
        Side::new("remedy export pdf (20 guides)"),
        Side::new("Typst, 20 handouts"),
    ];
    let mut warm_lint = Side::new("remedy lint, warm: with the cache (whole corpus)");
    std::fs::create_dir_all(&out).map_err(|e| io("create", &out, e))?;
    // One warm-up round, not counted; then the four take turns, run by run, so a neighbour's
    // load weighs on all of them alike.
    for run in 0..=runs {
        for (i, side) in sides.iter_mut().enumerate() {
            let mut command = match i {
                0 => lint_command(false),
                1 => spectral_command(),
                2 => {
                    empty_dir(&remedy_pdf)?;
                    pdf_command()
                }
                _ => {
                    empty_dir(&typst_pdf)?;
                    typst_command()
                }
            };
            let log = out.join(format!("peer-{i}"));
            let sample = measure::run_once(&mut command, &log)?;
            if run > 0 {
                side.add(sample);
            }
            eprintln!(
                "bench: {:>30}: run {run} {:.3} s",
                side.label,
                sample.wall.as_secs_f64()
            );
        }
        // The warm-up round fills the cache.
        let sample = measure::run_once(&mut lint_command(true), &out.join("peer-warm"))?;
        if run > 0 {
            warm_lint.add(sample);
        }
    }
    let load_after = super::load_average();
    let (remedy_pages, remedy_bytes) = super::count_pages(&remedy_pdf, HANDOUTS)?;
    let (typst_pages, typst_bytes) = super::count_pages(&typst_pdf, HANDOUTS)?;
    let kb_per_page = |bytes: u64, pages: u64| bytes as f64 / 1024.0 / pages.max(1) as f64;

    let not_covered: Vec<String> = remedy_rules(remedy)?
        .into_iter()
        .filter(|rule| !covered.contains(rule))
        .collect();
    let lint_ratio = sides[1].median() / sides[0].median();
    let warm_ratio = sides[1].median() / warm_lint.median();
    let pdf_ratio = sides[3].median() / sides[2].median();
    let verdict = |ratio: f64, target: f64| {
        if ratio >= target {
            format!("{ratio:.1}× (target ≥ {target:.0}×: met)")
        } else {
            format!("{ratio:.1}× (target ≥ {target:.0}×: missed)")
        }
    };
    let mut text = String::new();
    text.push_str("# remedy and its peers\n\n");
    text.push_str(&format!(
        "Measured {} on {} logical CPUs ({}), {} memory, {}; {}. Corpus: {} generated guides, \
         {:.1} MB (`{}`). Median of {runs} runs after one warm-up, the four commands taking turns; \
         whole processes, wall time; load average {load_before:.1} before, {load_after:.1} \
         after.\n\n",
        machine.date,
        machine.cpus,
        machine.cpu_model,
        machine.memory,
        machine.kernel,
        machine.rustc,
        all.len(),
        corpus_bytes as f64 / 1e6,
        corpus.display()
    ));
    text.push_str("| command | median | range | peak memory |\n| --- | --- | --- | --- |\n");
    for side in &sides {
        text.push_str(&side.row());
        text.push('\n');
    }
    text.push_str(&warm_lint.row());
    text.push('\n');
    text.push_str(&format!(
        "\n- **lint**: Spectral {SPECTRAL_VERSION} takes {} the time of `remedy lint` without \
         the cache, and {} the time of `remedy lint` with it (every file unchanged).\n\
         - **handouts**: Typst {TYPST_VERSION} (Python package) takes {} the time of \
         `remedy export pdf` ({remedy_pages} pages from remedy, {typst_pages} from Typst, \
         for the same {HANDOUTS} guides; {:.1} KB a page from remedy, near 10 KB the target \
         ({}), {:.1} KB from Typst).\n\n",
        verdict(lint_ratio, LINT_TARGET),
        verdict(warm_ratio, LINT_TARGET),
        verdict(pdf_ratio, PDF_TARGET),
        kb_per_page(remedy_bytes, remedy_pages),
        if kb_per_page(remedy_bytes, remedy_pages) <= 11.0 {
            "met"
        } else {
            "missed"
        },
        kb_per_page(typst_bytes, typst_pages)
    ));
    text.push_str(&format!(
        "Spectral runs `bench/spectral/ruleset.mjs`, which checks {} of remedy's rules: {}. \
         Not expressed there: {} (the ruleset's header says why). Its cross-guide rules read \
         every guide once per run, as remedy's index does. Both find nothing on the corpus: \
         the bench stops if either reports anything.\n\n",
        covered.len(),
        covered.join(", "),
        if not_covered.is_empty() {
            "none".to_owned()
        } else {
            not_covered.join(", ")
        }
    ));
    text.push_str(
        "Each rule in remedy's fixture folder for it (`tests/fixtures/lint/<rule>/`, guides \
         that must trigger it and near misses that must not), as findings of that rule:\n\n\
         | rule | remedy | Spectral |\n| --- | ---: | ---: |\n",
    );
    for (rule, remedy, spectral) in &agreement {
        text.push_str(&format!("| {rule} | {remedy} | {spectral} |\n"));
    }
    text.push('\n');
    text.push_str(&format!(
        "Typst compiles `bench/typst/handout.typ` once per guide, in one Python process: title, \
         summary, overview, causes, the methods compared in a table, each method's numbered \
         steps (nested), warnings, notes, results, pros and cons, the FAQ.\n\n\
         Peers installed under `{}` (npm `{SPECTRAL}@{SPECTRAL_VERSION}`, PyPI \
         `{TYPST}=={TYPST_VERSION}`). Rerun: `cargo xtask bench --peers`.\n",
        peers_dir.display()
    ));
    let path = bench.join("peers.md");
    std::fs::write(&path, &text).map_err(|e| io("write", &path, e))?;
    eprintln!("bench: wrote {}", path.display());
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule the Spectral ruleset names is one of remedy's (a file under
    /// `crates/remedy-lint/src/rules/`), once, so the report's two lists are exact.
    #[test]
    fn the_ruleset_names_only_rules_remedy_has() -> Result<(), String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let covered = ruleset_rules(&root.join("bench/spectral/ruleset.mjs"))?;
        let rules_dir = root.join("crates/remedy-lint/src/rules");
        let mut rules: Vec<String> = std::fs::read_dir(&rules_dir)
            .map_err(|e| io("read", &rules_dir, e))?
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
            .filter_map(|name| name.strip_suffix(".rs").map(|stem| stem.replace('_', "-")))
            .filter(|name| name != "mod")
            .collect();
        rules.sort();
        assert!(rules.len() > 20, "{rules:?}");
        let unknown: Vec<&String> = covered
            .iter()
            .filter(|rule| !rules.contains(rule))
            .collect();
        assert!(unknown.is_empty(), "not remedy rules: {unknown:?}");
        assert_eq!(covered[0], "schema");
        let mut unique = covered.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), covered.len(), "{covered:?}");
        Ok(())
    }
}
