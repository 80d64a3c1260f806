//! `remedy build`: lint the content root, then write every export into one folder.

use remedy_export::csv::{CsvOptions, export_csv};
use remedy_export::json::export_json;
use remedy_export::pdf::PdfOptions;
use remedy_lint::report::Format;
use remedy_lint::{LintRequest, lint};

use super::export::{export_guides, write_pdfs};
use super::lint::{print_report, shown};
use super::{Outcome, Session};
use crate::cli::BuildArgs;

pub fn run(session: &Session, args: BuildArgs) -> Result<Outcome, String> {
    let request = LintRequest {
        paths: Vec::new(),
        stdin: None,
        config: session.config.clone(),
        cwd: session.cwd.clone(),
        keep_guides: true,
        jobs: session.jobs,
    };
    let report = lint(&request).map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    print_report(session, &report, Format::Human, &mut stdout)?;
    drop(stdout);
    if report.errors() > 0 && !args.force {
        eprintln!(
            "remedy: nothing exported: fix the errors above, or pass --force to export anyway"
        );
        return Ok(Outcome::Findings);
    }
    let export = export_guides(&report.guides);
    let out = &args.out;
    let json = out.join("json").join("guides.json");
    export_json(&export, &json, false).map_err(|e| e.to_string())?;
    export_csv(&export, &out.join("csv"), &CsvOptions::default()).map_err(|e| e.to_string())?;
    let pdf_dir = out.join("pdf");
    let book = pdf_dir.join("handbook.pdf");
    let options = PdfOptions {
        page_size: args.page_size.into(),
    };
    write_pdfs(session, &export, &pdf_dir, Some(&book), &options)?;
    if !session.quiet {
        eprintln!("built {} guides into {}", export.len(), shown(session, out));
    }
    Ok(if report.fails(session.config.fail_on) {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
