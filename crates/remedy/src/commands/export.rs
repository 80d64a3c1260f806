//! `remedy export json|csv|pdf`.

use std::io::Write;
use std::path::Path;

use remedy_core::id::is_valid_id;
use remedy_core::source::describe_io;
use remedy_export::ExportGuide;
use remedy_export::csv::{CsvOptions, export_csv};
use remedy_export::json::{export_json, write_json, write_jsonl};
use remedy_export::pdf::{PageSize, PdfOptions, export_pdf};
use remedy_lint::LintedGuide;

use super::lint::{lint_for_export, shown};
use super::{Outcome, Session};
use crate::cli::{ExportCommand, PageSizeArg};
use crate::terminal::Progress;

impl From<PageSizeArg> for PageSize {
    fn from(size: PageSizeArg) -> Self {
        match size {
            PageSizeArg::A4 => PageSize::A4,
            PageSizeArg::Letter => PageSize::Letter,
        }
    }
}

/// The guides to export. Output file names are made from guide ids, so with `--force` a guide
/// whose id fails the id pattern (`../../evil`, `/tmp/x`) is left out, never written outside the
/// output folder; and of several guides with one id only the first (by path) is kept, so that
/// one output file is not written twice.
pub(super) fn export_guides(guides: &[LintedGuide]) -> Vec<ExportGuide<'_>> {
    let mut seen = std::collections::HashSet::new();
    let mut export = Vec::with_capacity(guides.len());
    for linted in guides {
        let id = linted.guide.id.as_str();
        if !is_valid_id(id) {
            eprintln!(
                "remedy: warning: {} not exported: its id `{id}` is not a valid id, so it cannot name an output file; fix the id",
                linted.path.display()
            );
            continue;
        }
        if !seen.insert(id) {
            eprintln!(
                "remedy: warning: {} not exported: another guide already has the id `{id}`; give each guide its own id",
                linted.path.display()
            );
            continue;
        }
        export.push(ExportGuide {
            guide: &linted.guide,
            source: &linted.source,
        });
    }
    export
}

pub fn run(session: &Session, command: ExportCommand) -> Result<Outcome, String> {
    let common = match &command {
        ExportCommand::Json(args) => &args.common,
        ExportCommand::Csv(args) => &args.common,
        ExportCommand::Pdf(args) => &args.common,
    };
    let report = match lint_for_export(session, &common.paths, common.force)? {
        Ok(report) => report,
        Err(outcome) => return Ok(outcome),
    };
    let export = export_guides(&report.guides);
    match command {
        ExportCommand::Json(args) => {
            if args.output.as_os_str() == "-" {
                let mut stdout = std::io::stdout().lock();
                let written = if args.jsonl {
                    write_jsonl(&export, &mut stdout)
                } else {
                    write_json(&export, &mut stdout)
                };
                written
                    .and_then(|()| stdout.flush())
                    .map_err(|e| format!("cannot write to standard output: {}", describe_io(&e)))?;
            } else {
                export_json(&export, &args.output, args.jsonl).map_err(|e| e.to_string())?;
                done(session, &format!("{} guides", export.len()), &args.output);
            }
        }
        ExportCommand::Csv(args) => {
            let options = CsvOptions {
                bom: args.bom,
                excel_safe: args.excel_safe,
            };
            export_csv(&export, &args.output, &options).map_err(|e| e.to_string())?;
            done(session, "6 tables and datapackage.json", &args.output);
        }
        ExportCommand::Pdf(args) => {
            let options = PdfOptions {
                page_size: args.page_size.into(),
            };
            write_pdfs(
                session,
                &export,
                &args.output,
                args.book.as_deref(),
                &options,
            )?;
        }
    }
    Ok(Outcome::Clean)
}

pub(super) fn write_pdfs(
    session: &Session,
    export: &[ExportGuide<'_>],
    dir: &Path,
    book: Option<&Path>,
    options: &PdfOptions,
) -> Result<(), String> {
    let progress = Progress::new("handouts", export.len(), 8, session.quiet);
    let result = export_pdf(export, dir, book, options, &|done, total| {
        progress.update(done, total)
    });
    progress.finish();
    result.map_err(|e| e.to_string())?;
    done(session, &format!("{} handouts", export.len()), dir);
    if let Some(book) = book {
        done(session, "the book", book);
    }
    Ok(())
}

fn done(session: &Session, what: &str, path: &Path) {
    if !session.quiet {
        eprintln!("wrote {what} to {}", shown(session, path));
    }
}
