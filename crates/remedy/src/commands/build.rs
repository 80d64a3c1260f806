//! `remedy build`: lint the content root, then write every export into one folder, and remove
//! what an earlier build wrote there that this one did not (the handout of a deleted guide).
//!
//! Only files a build wrote itself are ever removed: each build lists the files it wrote in
//! [`MANIFEST`] inside the output folder, and the next build removes those of the list it did not
//! write again. A file the user put there is never on the list.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::export::{export_guides, left_out_of_database, view_for_platform, write_pdfs};
use super::lint::{lint_for_export, shown};
use super::{Outcome, Session};
use crate::cli::{BuildArgs, TextArg};
use remedy_export::csv::{CsvOptions, export_csv};
use remedy_export::json::export_json;
use remedy_export::pdf::PdfOptions;
use remedy_export::sqlite::export_sqlite;
use remedy_lint::report::plural;

/// The list of the files the last build wrote, relative to the output folder:
/// `{"format": "remedy-build", "version": 1, "files": ["csv/causes.csv", …]}`.
pub const MANIFEST: &str = "remedy-build.json";

pub fn run(session: &Session, args: BuildArgs) -> Result<Outcome, String> {
    let mut report = match lint_for_export(session, &[], args.force)? {
        Ok(report) => report,
        Err(outcome) => return Ok(outcome),
    };
    view_for_platform(&mut report.guides, args.platform.as_deref())?;
    let export = export_guides(&report.guides);
    let out = &args.out;
    // Every export writes a new file and renames it into place, so what this build wrote is
    // what changed since it started, by the file system's own clock.
    let started = file_system_now(out);
    let before = file_times(out);
    let previous = read_manifest(out);
    let json = out.join("json").join("guides.json");
    export_json(&export, &json, false).map_err(|e| e.to_string())?;
    let csv = CsvOptions {
        markdown: args.text == TextArg::Markdown,
        ..CsvOptions::default()
    };
    export_csv(&export, &out.join("csv"), &csv).map_err(|e| e.to_string())?;
    let left_out =
        export_sqlite(&export, &out.join("sqlite").join("guides.db")).map_err(|e| e.to_string())?;
    let pdf_dir = out.join("pdf");
    let book = pdf_dir.join("handbook.pdf");
    let options = PdfOptions {
        page_size: args.page_size.into(),
        platform_names: session.config.platform_names.clone(),
        pdf_a: false,
    };
    write_pdfs(session, &export, &pdf_dir, Some(&book), &options)?;
    let written = written_since(out, started, &before);
    // Without the file system's time nothing is known to be stale: nothing is removed.
    let stale: Vec<&String> = match started {
        Some(_) => previous.difference(&written).collect(),
        None => Vec::new(),
    };
    for stale in stale {
        let path = out.join(stale);
        // Written since this build started (by a build running beside this one, or missed by
        // the walk while an export swapped it in): not stale.
        let fresh = std::fs::metadata(&path)
            .and_then(|meta| meta.modified())
            .is_ok_and(|modified| {
                started.is_some_and(|started| modified >= started)
                    || before.get(stale.as_str()) != Some(&modified)
            });
        if path.is_file() && !fresh {
            std::fs::remove_file(&path).map_err(|e| {
                format!(
                    "cannot remove {}, which an earlier build wrote: {}",
                    shown(session, &path),
                    remedy_core::source::describe_io(&e)
                )
            })?;
            if !session.quiet {
                eprintln!("removed {} (no longer built)", shown(session, &path));
            }
        }
    }
    if started.is_some() {
        write_manifest(out, &written)
            .map_err(|e| format!("cannot write {}: {e}", shown(session, &out.join(MANIFEST))))?;
    }
    if !session.quiet {
        eprintln!(
            "built {} into {}",
            plural(export.len(), "guide"),
            shown(session, out)
        );
    }
    let database = left_out_of_database(&left_out);
    Ok(
        if report.fails(session.config.fail_on) || database == Outcome::Findings {
            Outcome::Findings
        } else {
            Outcome::Clean
        },
    )
}

/// Now, by the clock the file system stamps files with (coarser than `SystemTime::now`, and
/// possibly another machine's): the time of a file created and removed at once. `None` when
/// the folder cannot be written; the exports then fail and say why.
fn file_system_now(out: &Path) -> Option<SystemTime> {
    let _ = std::fs::create_dir_all(out);
    let probe = out.join(format!(".remedy-build-clock.{}", std::process::id()));
    let stamped = std::fs::write(&probe, b"")
        .and_then(|()| std::fs::metadata(&probe))
        .and_then(|meta| meta.modified());
    let _ = std::fs::remove_file(&probe);
    stamped.ok()
}

/// The files the last build listed; none when there is no list (or it cannot be read).
fn read_manifest(out: &Path) -> BTreeSet<String> {
    let Ok(text) = std::fs::read_to_string(out.join(MANIFEST)) else {
        return BTreeSet::new();
    };
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    if manifest["format"] != "remedy-build" {
        return BTreeSet::new();
    }
    manifest["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .filter(|path| is_listed_path(path))
        .map(str::to_owned)
        .collect()
}

/// A path the manifest may hold: relative, inside the output folder, never the list itself.
fn is_listed_path(line: &str) -> bool {
    !line.is_empty()
        && line != MANIFEST
        && !line.starts_with('/')
        && !line.contains('\\')
        && line
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Every file under `out` with its modification time, by relative `/`-separated path.
fn file_times(out: &Path) -> BTreeMap<String, SystemTime> {
    let mut times = BTreeMap::new();
    walk_files(out, |relative, modified| {
        times.insert(relative, modified);
    });
    times
}

/// Every file under `out` this build wrote: modified since `started`, or changed since
/// `before` (a build running beside this one may rename in a file it wrote a moment before this
/// one started, over the one this build wrote), relative, `/`-separated.
fn written_since(
    out: &Path,
    started: Option<SystemTime>,
    before: &BTreeMap<String, SystemTime>,
) -> BTreeSet<String> {
    let mut written = BTreeSet::new();
    let Some(started) = started else {
        return written;
    };
    walk_files(out, |relative, modified| {
        if modified >= started || before.get(&relative) != Some(&modified) {
            written.insert(relative);
        }
    });
    written
}

/// Calls `visit` with every regular file below `out` a manifest may list and its time.
fn walk_files(out: &Path, mut visit: impl FnMut(String, SystemTime)) {
    let mut folders: Vec<PathBuf> = vec![out.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                folders.push(path);
                continue;
            }
            let modified = entry.metadata().and_then(|meta| meta.modified());
            let (true, Ok(modified)) = (kind.is_file(), modified) else {
                continue;
            };
            let Ok(relative) = path.strip_prefix(out) else {
                continue;
            };
            let relative: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let relative = relative.join("/");
            if is_listed_path(&relative) {
                visit(relative, modified);
            }
        }
    }
}

/// Writes the list atomically: a half-written list would make the next build forget files.
fn write_manifest(out: &Path, written: &BTreeSet<String>) -> std::io::Result<()> {
    let manifest = serde_json::json!({
        "format": "remedy-build",
        "version": 1,
        "files": written,
    });
    let mut text = serde_json::to_string_pretty(&manifest).map_err(std::io::Error::other)?;
    text.push('\n');
    let staged = out.join(format!(".{MANIFEST}.{}.tmp", std::process::id()));
    let result =
        std::fs::write(&staged, text).and_then(|()| std::fs::rename(&staged, out.join(MANIFEST)));
    if result.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    result
}
