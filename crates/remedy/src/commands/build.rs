//! `remedy build`: lint the content root, then write every export into one folder.

use super::export::{export_guides, view_for_platform, write_pdfs};
use super::lint::{lint_for_export, shown};
use super::{Outcome, Session};
use crate::cli::{BuildArgs, TextArg};
use remedy_export::csv::{CsvOptions, export_csv};
use remedy_export::json::export_json;
use remedy_export::pdf::PdfOptions;
use remedy_lint::report::plural;

pub fn run(session: &Session, args: BuildArgs) -> Result<Outcome, String> {
    let mut report = match lint_for_export(session, &[], args.force)? {
        Ok(report) => report,
        Err(outcome) => return Ok(outcome),
    };
    view_for_platform(&mut report.guides, args.platform.as_deref());
    let export = export_guides(&report.guides);
    let out = &args.out;
    let json = out.join("json").join("guides.json");
    export_json(&export, &json, false).map_err(|e| e.to_string())?;
    let csv = CsvOptions {
        markdown: args.text == TextArg::Markdown,
        ..CsvOptions::default()
    };
    export_csv(&export, &out.join("csv"), &csv).map_err(|e| e.to_string())?;
    let pdf_dir = out.join("pdf");
    let book = pdf_dir.join("handbook.pdf");
    let options = PdfOptions {
        page_size: args.page_size.into(),
        platform_names: session.config.platform_names.clone(),
    };
    write_pdfs(session, &export, &pdf_dir, Some(&book), &options)?;
    if !session.quiet {
        eprintln!(
            "built {} into {}",
            plural(export.len(), "guide"),
            shown(session, out)
        );
    }
    Ok(if report.fails(session.config.fail_on) {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
