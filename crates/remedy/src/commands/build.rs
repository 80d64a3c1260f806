//! `remedy build`: lint the content root, then write every export into one folder, and remove
//! what an earlier build wrote there that this one did not (the handout of a deleted guide).
//!
//! Only files a build wrote itself are ever removed: each build lists the files it wrote in
//! [`MANIFEST`] inside the output folder, and the next build removes those of the list it did not
//! write again. A file the user put there is never on the list.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::export::{
    ExportRequest, export, html_options, missing_folders, pdf_options, remove_if_empty,
};
use super::lint::shown;
use super::{Outcome, Session};
use crate::cli::{BuildArgs, TextArg};
use remedy_export::csv::CsvOptions;
use remedy_export::exporter::{CsvExporter, Exporter, JsonExporter, PdfExporter, SqliteExporter};
use remedy_export::html::HtmlExporter;
use remedy_lint::report::plural;

/// The list of the files the last build wrote, relative to the output folder:
/// `{"format": "remedy-build", "version": 1, "files": ["csv/causes.csv", …]}`.
pub const MANIFEST: &str = "remedy-build.json";

/// Every export a build writes, each into its own folder of `out`: one line per format.
fn exporters(session: &Session, args: &BuildArgs) -> Vec<Box<dyn Exporter>> {
    let out = &args.out;
    let csv = CsvOptions {
        markdown: args.text == TextArg::Markdown,
        ..CsvOptions::default()
    };
    let pdf = out.join("pdf");
    vec![
        Box::new(JsonExporter {
            path: Some(out.join("json").join("guides.json")),
            jsonl: false,
        }),
        Box::new(CsvExporter {
            dir: out.join("csv"),
            options: csv,
        }),
        Box::new(SqliteExporter {
            path: out.join("sqlite").join("guides.db"),
        }),
        Box::new(PdfExporter {
            book: Some(pdf.join("handbook.pdf")),
            dir: pdf,
            options: pdf_options(session, args.page_size),
            // The site keeps every guide for its index: the handouts are given them too.
            read_again: None,
        }),
        Box::new(HtmlExporter {
            dir: out.join("html"),
            options: html_options(session),
        }),
    ]
}

pub fn run(session: &Session, args: BuildArgs) -> Result<Outcome, String> {
    let out = &args.out;
    let exporters = exporters(session, &args);
    // A refused build leaves no trace: the folders it made for its clock are removed again.
    let created = missing_folders(out);
    // Only files no build beside this one wrote meanwhile are stale: those not changed since
    // this build started, by the file system's own clock.
    let started = file_system_now(out);
    let before = file_times(out);
    let previous = read_manifest(out);
    let request = ExportRequest {
        paths: &[],
        force: args.force,
        platform: args.platform.as_deref(),
    };
    let built = match export(session, &request, &exporters) {
        Ok(Ok(built)) => built,
        refused => {
            remove_if_empty(&created);
            return refused.map(|refused| match refused {
                Ok(_) => Outcome::Clean,
                Err(outcome) => outcome,
            });
        }
    };
    let database = built.finish(session);
    let written: BTreeSet<String> = built
        .written
        .iter()
        .filter_map(|path| relative_path(out, path))
        .collect();
    // Without the file system's time nothing is known to be stale: nothing is removed.
    let stale: Vec<&String> = match started {
        Some(_) => previous.difference(&written).collect(),
        None => Vec::new(),
    };
    for stale in stale {
        let path = out.join(stale);
        // Written since this build started (by a build running beside this one): not stale.
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
    write_manifest(out, &written)
        .map_err(|e| format!("cannot write {}: {e}", shown(session, &out.join(MANIFEST))))?;
    if !session.quiet {
        eprintln!(
            "built {} into {}",
            plural(built.guides, "guide"),
            shown(session, out)
        );
    }
    Ok(
        if built.report.fails(session.config.fail_on) || database == Outcome::Findings {
            Outcome::Findings
        } else {
            Outcome::Clean
        },
    )
}

/// `path` below `out`, `/`-separated, when the manifest may list it.
fn relative_path(out: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(out).ok()?;
    let relative: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let relative = relative.join("/");
    is_listed_path(&relative).then_some(relative)
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
