//! `cargo xtask …`: project chores in Rust (matklad's convention).
//!
//! - `cargo xtask schema`: regenerate `schemas/*.schema.json` from the Rust types.
//! - `cargo xtask schema --check`: fail when a checked-in schema differs from the types.
//! - `cargo xtask check-pdf DIR CONTENT`: qpdf, pdffonts and pdftotext on exported handouts.
//! - `cargo xtask check-csv DIR`: load a CSV export into SQLite, checking keys, types and foreign
//!   keys from its `datapackage.json` (`--print-sql` prints the script instead).
//! - `cargo xtask bench [--guides N] [--runs R] [--quick]`: time the parse-only floor, `remedy lint`
//!   and the exports on a generated corpus; writes `target/bench/report.md` (see `bench/mod.rs`).
//! - `cargo xtask screenshots`: build the project's guides and render the README's pictures
//!   (`docs/images/`: a handout page with pdftoppm, the site with headless Chromium).
//! - `cargo xtask fonts [--check]`: make (or check) the dehinted DejaVu faces the handouts embed
//!   (`crates/remedy-export/assets/fonts/`), with fontTools (see `fonts.rs`).

mod bench;
mod check_csv;
mod check_pdf;
mod fonts;
mod screenshots;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A generated file: where it lives and what it should hold.
struct Generated {
    path: &'static str,
    contents: fn() -> String,
}

const GENERATED: &[Generated] = &[
    Generated {
        path: "schemas/guide.schema.json",
        contents: remedy_core::schema::guide_schema_text,
    },
    Generated {
        path: "schemas/export.schema.json",
        contents: remedy_export::json::export_schema_text,
    },
];

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn schema(check: bool) -> Result<(), String> {
    let root = project_root();
    let mut stale = Vec::new();
    for file in GENERATED {
        let path = root.join(file.path);
        let wanted = (file.contents)();
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == wanted {
            continue;
        }
        if check {
            stale.push(file.path);
        } else {
            std::fs::write(&path, wanted)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("wrote {}", file.path);
        }
    }
    if stale.is_empty() {
        if check {
            println!("schemas are up to date");
        }
        Ok(())
    } else {
        Err(format!(
            "{} differ from the Rust types; run `cargo xtask schema` and commit the result",
            stale.join(", ")
        ))
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["schema"] => schema(false),
        ["schema", "--check"] => schema(true),
        ["check-pdf", dir, content] => check_pdf::check_pdf(Path::new(dir), Path::new(content)),
        ["bench", rest @ ..] => bench::run(rest),
        ["screenshots"] => screenshots::screenshots(&project_root()),
        ["fonts"] => fonts::fonts(&project_root(), false),
        ["fonts", "--check"] => fonts::fonts(&project_root(), true),
        ["check-csv", dir] => check_csv::check_csv(Path::new(dir), false),
        ["check-csv", dir, "--print-sql"] | ["check-csv", "--print-sql", dir] => {
            check_csv::check_csv(Path::new(dir), true)
        }
        _ => Err(
            "usage: cargo xtask schema [--check] | check-csv DIR [--print-sql] | check-pdf DIR CONTENT | bench [--guides N] [--runs R] [--quick] [--server] | screenshots | fonts [--check]"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
