//! The parse-only floor of `cargo xtask bench`: what every command of remedy must pay at least.
//!
//! `parse_floor [-j N] PATH…` finds the guide files as `remedy lint` does
//! (`remedy_core::corpus::discover`), then reads each one and parses it into a JSON value with its
//! source map (`SourceText::read` + `yaml::parse`), in parallel on `N` threads (default: one per
//! core). No schema, no typed model, no rules: the floor of a lint run. Each document is dropped
//! once parsed. Prints the number of files, bytes and YAML nodes; exits 1 when a file does not
//! parse.

use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;
use remedy_core::corpus::discover;
use remedy_core::source::{DEFAULT_MAX_FILE_BYTES, SourceText};
use remedy_core::yaml::{self, Limits};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("parse_floor: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut jobs = None;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-j" | "--jobs" => {
                let n = args.next().and_then(|n| n.parse::<usize>().ok());
                jobs = Some(n.ok_or("-j needs a number of threads")?);
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        return Err("usage: parse_floor [-j N] PATH…".into());
    }
    if let Some(jobs) = jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .map_err(|e| format!("cannot start {jobs} threads: {e}"))?;
    }
    let found = discover(&paths).map_err(|e| e.to_string())?;
    let totals = found
        .files
        .par_iter()
        .map(|path| {
            let source = SourceText::read(path, DEFAULT_MAX_FILE_BYTES)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            let document = yaml::parse(&source, Limits::default())
                .map_err(|e| format!("{}:{}: {e}", path.display(), e.position()))?;
            Ok::<_, String>((source.as_str().len(), document.source_map.len()))
        })
        .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))?;
    println!(
        "{} files, {} bytes, {} nodes",
        found.files.len(),
        totals.0,
        totals.1
    );
    Ok(())
}
