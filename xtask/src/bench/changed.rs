//! Issue 20's cache targets, measured in the `--peers` run beside Spectral and Typst:
//!
//! - one changed file on a 2,000-guide root against the whole lint, cold (`--no-cache`) and
//!   warm (every unchanged file's findings from the cache), medians of runs taken in turns; the
//!   named file really changes before every run, so its index entry is never a hit;
//! - a reference into a guide whose id was renamed since the previous run, with the cache warm:
//!   still caught, by a lint of the referring file alone and by a warm whole-root lint;
//! - peak memory of the whole lint at 1,000 and 10,000 guides, cold and warm.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::measure;

/// The corpus the changed-file target is stated for.
const CHANGED_GUIDES: usize = 2_000;
/// The target: a changed-file run this many times faster than the whole lint.
const CHANGED_TARGET: f64 = 10.0;
/// The corpora memory is compared on.
const MEMORY_SIZES: [usize; 2] = [1_000, 10_000];
/// Runs per memory measurement (peak memory varies little; the wall time is reported too).
const MEMORY_RUNS: usize = 3;

fn io(what: &str, path: &Path, error: std::io::Error) -> String {
    format!("cannot {what} {}: {error}", path.display())
}

/// `remedy lint PATHS` in `corpus`, with or without the cache.
fn lint(remedy: &Path, corpus: &Path, cache: bool, paths: &[&Path]) -> Command {
    let mut command = Command::new(remedy);
    command.args(["--color", "never"]);
    if !cache {
        command.arg("--no-cache");
    }
    command.arg("lint").args(paths).current_dir(corpus);
    command
}

fn seconds(walls: &[std::time::Duration]) -> (f64, f64, f64) {
    let all = walls.iter().map(std::time::Duration::as_secs_f64);
    (
        measure::median(walls).as_secs_f64(),
        all.clone().fold(f64::INFINITY, f64::min),
        all.fold(0.0, f64::max),
    )
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Runs the three measurements and returns the report's sections.
pub fn run(remedy: &Path, bench: &Path, runs: usize) -> Result<String, String> {
    let mut text = String::new();
    let corpus = bench.join(format!("corpus-{CHANGED_GUIDES}"));
    super::ensure_corpus(&corpus, CHANGED_GUIDES)?;
    text.push_str(&changed_file(remedy, bench, &corpus, runs)?);
    text.push_str(&renamed_id(remedy, bench, &corpus)?);
    text.push_str(&memory(remedy, bench)?);
    Ok(text)
}

/// The changed-file section for the corpus in `corpus`.
pub fn changed_file(
    remedy: &Path,
    bench: &Path,
    corpus: &Path,
    runs: usize,
) -> Result<String, String> {
    let guides = corpus.join("guides");
    let files = super::walk(&guides)?;
    let Some(one) = files.get(files.len() / 2).cloned() else {
        return Err(format!("{} holds no guide", guides.display()));
    };
    let original = std::fs::read(&one).map_err(|e| io("read", &one, e))?;
    let log = bench.join("changed-file");
    // The previous run: the cache holds every file as it is now.
    measure::run_once(&mut lint(remedy, corpus, true, &[&guides]), &log)?;
    let (mut cold, mut warm, mut single) = (Vec::new(), Vec::new(), Vec::new());
    let (mut cold_rss, mut warm_rss, mut single_rss) = (0, 0, 0);
    let mut failure = None;
    for run in 0..=runs {
        let mut changed = original.clone();
        changed.extend_from_slice(format!("# edited for bench run {run}\n").as_bytes());
        if let Err(error) = std::fs::write(&one, &changed) {
            failure = Some(io("write", &one, error));
            break;
        }
        let samples = [
            measure::run_once(&mut lint(remedy, corpus, false, &[&guides]), &log),
            measure::run_once(&mut lint(remedy, corpus, true, &[&guides]), &log),
            // Changed again, so that the file linted is never the one the whole lint cached.
            std::fs::write(&one, [&changed[..], b"# and again\n"].concat())
                .map_err(|e| io("write", &one, e))
                .and_then(|()| measure::run_once(&mut lint(remedy, corpus, true, &[&one]), &log)),
        ];
        let [a, b, c] = match samples {
            [Ok(a), Ok(b), Ok(c)] => [a, b, c],
            [a, b, c] => {
                failure = [a.err(), b.err(), c.err()].into_iter().flatten().next();
                break;
            }
        };
        eprintln!(
            "bench: changed file, run {run}: whole cold {:.3} s, whole warm {:.3} s, one file {:.3} s",
            a.wall.as_secs_f64(),
            b.wall.as_secs_f64(),
            c.wall.as_secs_f64()
        );
        if run > 0 {
            cold.push(a.wall);
            warm.push(b.wall);
            single.push(c.wall);
            cold_rss = cold_rss.max(a.max_rss);
            warm_rss = warm_rss.max(b.max_rss);
            single_rss = single_rss.max(c.max_rss);
        }
    }
    std::fs::write(&one, &original).map_err(|e| io("restore", &one, e))?;
    if let Some(failure) = failure {
        return Err(failure);
    }
    let (cold, warm, single) = (seconds(&cold), seconds(&warm), seconds(&single));
    let verdict = |ratio: f64| {
        let met = if ratio >= CHANGED_TARGET {
            "met"
        } else {
            "missed"
        };
        format!("{ratio:.1}× (target ≥ {CHANGED_TARGET:.0}×: {met})")
    };
    let relative = one
        .strip_prefix(corpus)
        .unwrap_or(&one)
        .display()
        .to_string();
    let row = |label: &str, (median, low, high): (f64, f64, f64), rss: u64| {
        format!(
            "| {label} | {median:.3} s | {low:.3}–{high:.3} s | {:.0} MiB |\n",
            mib(rss)
        )
    };
    let mut text = format!(
        "\n## One changed file on {} guides (issue 20)\n\n\
         `remedy lint {relative}`, the file edited before every run, every other guide's index \
         entry from the cache, against the whole lint of the same root. Median of {runs} runs \
         after one warm-up, the three commands taking turns.\n\n\
         | command | median | range | peak memory |\n| --- | ---: | ---: | ---: |\n",
        files.len()
    );
    text.push_str(&row("whole lint, cold (`--no-cache`)", cold, cold_rss));
    text.push_str(&row("whole lint, warm (cache)", warm, warm_rss));
    text.push_str(&row("one changed file (cache)", single, single_rss));
    text.push_str(&format!(
        "\n- against the whole lint without the cache (what a first CI run, or one on a new \
         runner, pays): {}\n- against the whole lint with the cache warm: {:.1}×\n",
        verdict(cold.0 / single.0.max(1e-9)),
        warm.0 / single.0.max(1e-9)
    ));
    Ok(text)
}

/// The first reference into another guide written in `text`: (guide, id).
fn first_reference(text: &str) -> Option<(String, String)> {
    let is_id = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    for line in text.lines() {
        let Some(value) = line.trim_start().strip_prefix("see:") else {
            continue;
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if let Some((guide, id)) = value.split_once('#')
            && !guide.is_empty()
            && !id.is_empty()
            && guide.chars().all(is_id)
            && id.chars().all(is_id)
        {
            return Some((guide.to_owned(), id.to_owned()));
        }
    }
    None
}

/// A guide whose id was renamed since the previous run, referred to by an unchanged guide.
fn renamed_id(remedy: &Path, bench: &Path, corpus: &Path) -> Result<String, String> {
    let guides = corpus.join("guides");
    let files = super::walk(&guides)?;
    let mut found = None;
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(|e| io("read", path, e))?;
        if let Some((guide, id)) = first_reference(&text) {
            let stem = |p: &PathBuf| p.file_stem().is_some_and(|s| s == guide.as_str());
            if let Some(target) = files.iter().find(|p| stem(p)) {
                found = Some((path.clone(), target.clone(), guide, id));
                break;
            }
        }
    }
    let Some((from, target, guide, id)) = found else {
        return Err(format!(
            "no guide in {} refers to another",
            guides.display()
        ));
    };
    let original = std::fs::read_to_string(&target).map_err(|e| io("read", &target, e))?;
    let declaration = format!("id: {id}\n");
    let renamed = original.replacen(&declaration, &format!("id: {id}-renamed\n"), 1);
    if renamed == original {
        return Err(format!("{} does not declare `{id}`", target.display()));
    }
    let log = bench.join("renamed-id");
    // The previous run, with the old id: the cache is warm with it.
    measure::run_once(&mut lint(remedy, corpus, true, &[&guides]), &log)?;
    std::fs::write(&target, &renamed).map_err(|e| io("write", &target, e))?;
    let shown = from.strip_prefix(corpus).unwrap_or(&from).to_path_buf();
    let caught = |paths: &[&Path]| -> Result<bool, String> {
        let output = lint(remedy, corpus, true, paths)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", remedy.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let wanted = format!("refers to `{guide}#{id}`");
        Ok(output.status.code() == Some(1)
            && stdout.lines().any(|line| {
                line.starts_with(&*shown.to_string_lossy())
                    && line.contains("error[dangling-reference]")
                    && line.contains(&wanted)
            }))
    };
    let alone = caught(&[&from]);
    let whole = caught(&[&guides]);
    std::fs::write(&target, &original).map_err(|e| io("restore", &target, e))?;
    let (alone, whole) = (alone?, whole?);
    let word = |caught: bool| if caught { "caught" } else { "**missed**" };
    Ok(format!(
        "\n## A reference into a renamed id, with the cache warm (issue 20)\n\n\
         After a whole lint with the cache, `{id}` in `{}` was renamed to `{id}-renamed`; \
         `{}` (unchanged) still refers to `{guide}#{id}`.\n\n\
         - `remedy lint {}` (the referring file alone; the renamed guide read for the index): {}\n\
         - `remedy lint guides` (whole root, the referring file's own findings from the cache): {}\n",
        target.strip_prefix(corpus).unwrap_or(&target).display(),
        shown.display(),
        shown.display(),
        word(alone),
        word(whole)
    ))
}

/// Peak memory of the whole lint, cold and warm, at each of [`MEMORY_SIZES`].
fn memory(remedy: &Path, bench: &Path) -> Result<String, String> {
    // Every corpus is made before any run is measured: a child's peak memory includes this
    // process's peak when it was started, so generating the larger corpus between the two
    // sizes' runs would weigh on the larger size's figures only.
    for size in MEMORY_SIZES {
        super::ensure_corpus(&bench.join(format!("corpus-{size}")), size)?;
    }
    let mut rows = Vec::new();
    for size in MEMORY_SIZES {
        let corpus = bench.join(format!("corpus-{size}"));
        let guides = corpus.join("guides");
        let log = bench.join(format!("memory-{size}"));
        // Fills the cache for the warm runs.
        measure::run_once(&mut lint(remedy, &corpus, true, &[&guides]), &log)?;
        let (mut cold, mut warm) = ((Vec::new(), 0), (Vec::new(), 0));
        for _ in 0..MEMORY_RUNS {
            for (cache, side) in [(false, &mut cold), (true, &mut warm)] {
                let sample =
                    measure::run_once(&mut lint(remedy, &corpus, cache, &[&guides]), &log)?;
                side.0.push(sample.wall);
                side.1 = side.1.max(sample.max_rss);
            }
        }
        eprintln!(
            "bench: memory, {size} guides: cold {:.0} MiB, warm {:.0} MiB",
            mib(cold.1),
            mib(warm.1)
        );
        rows.push((size, seconds(&cold.0).0, cold.1, seconds(&warm.0).0, warm.1));
    }
    let mut text = format!(
        "\n## Memory of the whole lint, {} to {} guides (issue 20)\n\n\
         Peak resident memory, the largest of {MEMORY_RUNS} runs (median wall time beside it), \
         every core.\n\n| guides | cold (`--no-cache`) | warm (cache) |\n| ---: | ---: | ---: |\n",
        MEMORY_SIZES[0], MEMORY_SIZES[1]
    );
    for (size, cold_s, cold_rss, warm_s, warm_rss) in &rows {
        text.push_str(&format!(
            "| {size} | {:.0} MiB ({cold_s:.2} s) | {:.0} MiB ({warm_s:.2} s) |\n",
            mib(*cold_rss),
            mib(*warm_rss)
        ));
    }
    if let [
        (_, _, cold_small, _, warm_small),
        (_, _, cold_large, _, warm_large),
    ] = rows[..]
    {
        text.push_str(&format!(
            "\n{}× the guides: cold {:.2}× the memory, warm {:.2}×.\n",
            MEMORY_SIZES[1] / MEMORY_SIZES[0],
            cold_large as f64 / cold_small.max(1) as f64,
            warm_large as f64 / warm_small.max(1) as f64
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reference_into_another_guide_is_found() {
        let text = "steps:\n  - text: Do it.\n    see: fix\n  - text: Then.\n    see: \"other-guide#reset-it\"\n";
        assert_eq!(
            first_reference(text),
            Some(("other-guide".into(), "reset-it".into()))
        );
        assert_eq!(first_reference("see: fix\n"), None);
    }
}
