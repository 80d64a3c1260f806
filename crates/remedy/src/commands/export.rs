//! `remedy export json|csv|sqlite|pdf|html`.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use remedy_core::corpus::is_guide_file;
use remedy_core::id::is_valid_id;
use remedy_core::source::describe_io;
use remedy_export::ExportGuide;
use remedy_export::csv::CsvOptions;
use remedy_export::exporter::{
    CsvExporter, Exporter, JsonExporter, PdfExporter, ReadAgain, Rendered, Shape, SqliteExporter,
    Staged, Staging, commit,
};
use remedy_export::html::{HtmlExporter, HtmlOptions};
use remedy_export::pdf::{BookOptions, PageSize, PdfFonts, PdfOptions};
use remedy_export::sqlite::LeftOut;
use remedy_lint::{LintReport, LintedGuide};

use super::lint::{lint_for_export, lint_streaming_for_export, shown};
use super::{Outcome, Session};
use crate::cli::{
    CsvArgs, ExportCommand, ExportCommon, HtmlArgs, JsonArgs, PageSizeArg, PdfArgs, SqliteArgs,
    TextArg,
};
use crate::terminal::Progress;

impl From<PageSizeArg> for PageSize {
    fn from(size: PageSizeArg) -> Self {
        match size {
            PageSizeArg::A4 => PageSize::A4,
            PageSizeArg::Letter => PageSize::Letter,
        }
    }
}

/// Which guides go into an export. Output file names and table keys are made from guide ids,
/// so with `--force` a guide whose id fails the id pattern (`../../evil`, `/tmp/x`) is left
/// out, never written outside the output folder; and of several guides with one id only the
/// first (by path) is kept, so that one output file is not written twice.
#[derive(Debug, Default)]
struct Admission {
    seen: HashSet<String>,
}

impl Admission {
    /// `Ok` when the guide goes in; else the warning that says why not.
    fn admit(&mut self, id: &str, path: &Path) -> Result<(), String> {
        if !is_valid_id(id) {
            return Err(format!(
                "remedy: warning: {} not exported: its id `{id}` is not a valid id, so it cannot name an output file; fix the id",
                path.display()
            ));
        }
        if !self.seen.insert(id.to_owned()) {
            return Err(format!(
                "remedy: warning: {} not exported: another guide already has the id `{id}`; give each guide its own id",
                path.display()
            ));
        }
        Ok(())
    }
}

/// The guides to export, of guides kept in memory (see [`Admission`]).
pub(super) fn export_guides(guides: &[LintedGuide]) -> Vec<ExportGuide<'_>> {
    let mut admission = Admission::default();
    let mut export = Vec::with_capacity(guides.len());
    for linted in guides {
        match admission.admit(linted.guide.id.as_str(), &linted.path) {
            Ok(()) => export.push(ExportGuide {
                guide: &linted.guide,
                source: &linted.source,
            }),
            Err(warning) => eprintln!("{}", crate::terminal::printable(&warning.to_string())),
        }
    }
    export
}

/// Replaces each guide by what a reader of `platform` sees (`--platform`), for the exports that
/// keep every guide in memory; refuses a platform no guide lists (see [`refuse_unlisted`]).
pub(super) fn view_for_platform(
    guides: &mut [LintedGuide],
    platform: Option<&str>,
) -> Result<(), String> {
    if let Some(platform) = platform {
        let listed: BTreeSet<String> = guides
            .iter()
            .flat_map(|linted| linted.guide.platforms.iter())
            .map(|slug| slug.as_str().to_owned())
            .collect();
        refuse_unlisted(platform, &listed)?;
        for linted in guides {
            linted.guide = linted.guide.for_platform(platform);
        }
    }
    Ok(())
}

/// Refuses `--platform P` when some guide lists platforms but none lists P: a typo (`mac`,
/// `macOS`) would otherwise export every guide whole and look like it worked. Guides without
/// `platforms` are exported whole for any platform (SPEC §2), so without any listed platform
/// every `P` is fine.
fn refuse_unlisted(platform: &str, listed: &BTreeSet<String>) -> Result<(), String> {
    if listed.is_empty() || listed.contains(platform) {
        return Ok(());
    }
    let listed: Vec<String> = listed.iter().cloned().collect();
    let hint = nearest_platform(platform, &listed)
        .map(|near| format!("did you mean {near}? "))
        .unwrap_or_default();
    Err(format!(
        "--platform {platform}: no guide lists this platform; {hint}the guides list: {}",
        listed.join(", ")
    ))
}

/// The listed platform `platform` was most likely meant to be: the same but for case, a close
/// spelling, or the only one it begins (`win` for `windows`).
fn nearest_platform<'a>(platform: &str, listed: &'a [String]) -> Option<&'a str> {
    if let Some(near) = remedy_core::schema::closest(platform, listed) {
        return Some(near);
    }
    let prefix = platform.to_lowercase();
    let mut starting = listed.iter().filter(|slug| slug.starts_with(&prefix));
    match (starting.next(), starting.next()) {
        (Some(only), None) if !prefix.is_empty() => Some(only),
        _ => None,
    }
}

/// The exporters of `remedy export X`: one line per format.
fn exporter_of(session: &Session, command: ExportCommand) -> Result<Exported, String> {
    Ok(match command {
        ExportCommand::Json(args) => (Box::new(json_exporter(&args)), args.common),
        ExportCommand::Csv(args) => (Box::new(csv_exporter(&args)?), args.common),
        ExportCommand::Sqlite(args) => (Box::new(sqlite_exporter(&args)?), args.common),
        ExportCommand::Pdf(args) => (Box::new(pdf_exporter(session, &args)), args.common),
        ExportCommand::Html(args) => (Box::new(html_exporter(session, &args)), args.common),
    })
}

/// The one exporter `remedy export X` runs, and the guides it exports.
type Exported = (Box<dyn Exporter>, ExportCommon);

fn json_exporter(args: &JsonArgs) -> JsonExporter {
    let output = &args.output;
    JsonExporter {
        // Standard output cannot be taken back: the export waits in memory for the verdict.
        path: (output.as_os_str() != "-").then(|| output.clone()),
        jsonl: args.jsonl,
    }
}

fn csv_exporter(args: &CsvArgs) -> Result<CsvExporter, String> {
    if args.output.as_os_str() == "-" {
        return Err(
            "CSV tables cannot be written to standard output; name the folder to write them into, e.g. `-o tables`"
                .into(),
        );
    }
    Ok(CsvExporter {
        dir: args.output.clone(),
        options: CsvOptions {
            bom: args.bom,
            excel_safe: args.excel_safe,
            markdown: args.text == TextArg::Markdown,
        },
    })
}

fn sqlite_exporter(args: &SqliteArgs) -> Result<SqliteExporter, String> {
    if args.output.as_os_str() == "-" {
        return Err(
            "a database cannot be written to standard output; name the file to write, e.g. `-o guides.db`"
                .into(),
        );
    }
    Ok(SqliteExporter {
        path: args.output.clone(),
    })
}

fn pdf_exporter(session: &Session, args: &PdfArgs) -> PdfExporter {
    PdfExporter {
        dir: args.output.clone(),
        book: args.book.clone(),
        options: PdfOptions {
            pdf_a: args.pdf_a,
            ..pdf_options(session, args.page_size)
        },
        read_again: Some(read_again(session, args.common.platform.clone())),
    }
}

/// Reads a guide's file again through the core's pipeline, as the lint read it (for the
/// export's `--platform`), for an export that does not keep its guides.
fn read_again(session: &Session, platform: Option<String>) -> ReadAgain {
    let cwd = session.cwd.clone();
    // The handouts are made when the lint is done, one by one: a writer watching 1,000 of them
    // is shown how far they have come, as `stage_all` shows it for a build.
    let bar = Progress::of_unknown_total("handouts", 8, session.quiet);
    let read = Arc::new(move |path: &Path| {
        let options = remedy_core::LoadOptions::default();
        let text =
            remedy_core::read_text(&cwd.join(path), None, &options).map_err(|e| e.to_string())?;
        let parsed = remedy_core::parse_text(path.to_path_buf(), text, &options)
            .map_err(|failure| failure.error.to_string())?;
        let file = parsed
            .check(remedy_core::GuideValue::GiveToGuide, &options)
            .map_err(|e| e.to_string())?;
        let guide = file
            .guide
            .ok_or_else(|| "it no longer holds a guide".to_owned())?;
        Ok(match &platform {
            Some(platform) => guide.for_platform(platform),
            None => guide,
        })
    });
    ReadAgain::new(read, Arc::new(move |done, total| bar.update(done, total)))
}

fn html_exporter(session: &Session, args: &HtmlArgs) -> HtmlExporter {
    HtmlExporter {
        dir: args.output.clone(),
        options: html_options(session),
    }
}

pub(super) fn html_options(session: &Session) -> HtmlOptions {
    HtmlOptions {
        content_root: session.content_root().to_path_buf(),
        platform_names: session.config.platform_names.clone(),
    }
}

pub(super) fn pdf_options(session: &Session, page_size: PageSizeArg) -> PdfOptions {
    PdfOptions {
        page_size: page_size.into(),
        platform_names: session.config.platform_names.clone(),
        pdf_a: false,
        content_root: Some(session.content_root().to_path_buf()),
        book: book_options(session),
        // The lint that runs before every export reads the same files and stops the run with
        // the font's error, so an unreadable font never reaches the PDF as "no fonts".
        fonts: session
            .config
            .read_fonts()
            .map(|fonts| PdfFonts(fonts.0))
            .unwrap_or_default(),
    }
}

/// `[book]` as the PDF book takes it.
fn book_options(session: &Session) -> BookOptions {
    let book = &session.config.book;
    BookOptions {
        title: book.title.clone(),
        subtitle: book.subtitle.clone(),
        author: book.author.clone(),
        order: book.order_ids(),
    }
}

/// Refuses a `[book] order` that lists an id no guide has (exit 2), before anything is
/// written. Checked against the guides exported and every guide file under the content root
/// (a guide's id is its file's stem), so that exporting a few guides does not make the others'
/// ids unknown.
fn check_book_order(session: &Session, guides: &[LintedGuide]) -> Result<(), String> {
    book_order_known(&session.config, guides)
}

/// [`check_book_order`] for `config`: `remedy lint` checks it too, so that CI finds a wrong
/// id before a build does.
pub(super) fn book_order_known(
    config: &remedy_lint::Config,
    guides: &[LintedGuide],
) -> Result<(), String> {
    book_order_of(
        config,
        guides
            .iter()
            .map(|linted| linted.guide.id.as_str().to_owned()),
    )
}

/// [`book_order_known`] for guides known by their ids.
fn book_order_of(
    config: &remedy_lint::Config,
    guides: impl Iterator<Item = String>,
) -> Result<(), String> {
    let book = &config.book;
    if book.order.is_empty() {
        return Ok(());
    }
    let mut ids: BTreeSet<String> = guides.collect();
    if let Ok(found) = remedy_core::corpus::discover(std::slice::from_ref(&config.content)) {
        ids.extend(found.files.iter().filter_map(|path| {
            let stem = path.file_stem()?.to_str()?;
            Some(stem.to_owned())
        }));
    }
    book.check_order(|id| ids.contains(id), ids.iter().map(String::as_str))
        .map_err(|e| e.to_string())
}

pub fn run(session: &Session, command: ExportCommand) -> Result<Outcome, String> {
    let (exporter, common) = exporter_of(session, command)?;
    let exporters = [exporter];
    let request = ExportRequest {
        paths: &common.paths,
        force: common.force,
        platform: common.platform.as_deref(),
    };
    let done_export = match export(session, &request, &exporters)? {
        Ok(done_export) => done_export,
        Err(outcome) => return Ok(outcome),
    };
    for staged in &done_export.staged {
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(&staged.stdout)
            .and_then(|()| stdout.flush())
        {
            // The reader took what it wanted (`| head`): nothing went wrong here.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => {
                return Err(format!(
                    "cannot write to standard output: {}",
                    describe_io(&e)
                ));
            }
            Ok(()) => {}
        }
    }
    Ok(done_export.finish(session))
}

/// The guides an export takes: these paths (the content root when empty), with `--force` and
/// `--platform`.
pub(super) struct ExportRequest<'a> {
    pub paths: &'a [PathBuf],
    pub force: bool,
    pub platform: Option<&'a str>,
}

/// An export put in place.
pub(super) struct DoneExport {
    pub report: LintReport,
    /// How many guides went in.
    pub guides: usize,
    pub staged: Vec<Staged>,
    /// Every file written, in order.
    pub written: Vec<PathBuf>,
}

impl DoneExport {
    /// Says what was written where, names the guides a format left out, and returns the
    /// outcome that gives (before the lint's own verdict).
    pub fn finish(&self, session: &Session) -> Outcome {
        for staged in &self.staged {
            for (what, path) in &staged.summary {
                done(session, what, path);
            }
        }
        let left_out: Vec<LeftOut> = self
            .staged
            .iter()
            .flat_map(|staged| staged.left_out.iter().cloned())
            .collect();
        left_out_of_database(&left_out)
    }
}

/// The one path of every export and build: lints the guides once, runs every exporter on them
/// and puts all their files in place as one set. Streams guide by guide when every exporter
/// can; else keeps the guides and gives each exporter all of them. Returns the outcome to exit
/// with instead when the lint run refuses the export.
pub(super) fn export(
    session: &Session,
    request: &ExportRequest<'_>,
    exporters: &[Box<dyn Exporter>],
) -> Result<Result<DoneExport, Outcome>, String> {
    for exporter in exporters {
        for output in exporter.outputs() {
            refuse_guide_file(&output, session)?;
        }
    }
    let streams = exporters
        .iter()
        .all(|exporter| exporter.shape() != Shape::WholeSet);
    let staged = if streams {
        stream(session, request, exporters)?
    } else {
        whole_set(session, request, exporters)?
    };
    let (report, guides, staged) = match staged {
        Ok(staged) => staged,
        Err(outcome) => return Ok(Err(outcome)),
    };
    let (staged, written) = commit(staged).map_err(|e| e.to_string())?;
    Ok(Ok(DoneExport {
        report,
        guides,
        staged,
        written,
    }))
}

/// What a lint run gave an export: the report, how many guides went in, what was staged.
type StagedRun = Result<(LintReport, usize, Vec<Staged>), Outcome>;

/// Keeps every guide, then gives each exporter all of them.
fn whole_set(
    session: &Session,
    request: &ExportRequest<'_>,
    exporters: &[Box<dyn Exporter>],
) -> Result<StagedRun, String> {
    let mut report = match lint_for_export(session, request.paths, request.force)? {
        Ok(report) => report,
        Err(outcome) => return Ok(Err(outcome)),
    };
    view_for_platform(&mut report.guides, request.platform)?;
    check_book_order(session, &report.guides)?;
    let guides = export_guides(&report.guides);
    let mut staged = Vec::with_capacity(exporters.len());
    for exporter in exporters {
        // The whole set takes long enough to show (PDF handouts); a streamed one is quick.
        let quiet = session.quiet || exporter.shape() == Shape::Streams;
        let progress = Progress::new("handouts", guides.len(), 8, quiet);
        let exported = exporter.stage_all(&guides, &|done, total| progress.update(done, total));
        progress.finish();
        staged.push(exported.map_err(|e| e.to_string())?);
    }
    let count = guides.len();
    drop(guides);
    Ok(Ok((report, count, staged)))
}

/// Stages every guide into every exporter as the lint run goes.
fn stream(
    session: &Session,
    request: &ExportRequest<'_>,
    exporters: &[Box<dyn Exporter>],
) -> Result<StagedRun, String> {
    let created: Vec<PathBuf> = exporters
        .iter()
        .flat_map(|exporter| exporter.outputs())
        .flat_map(|output| missing_folders(&output))
        .collect();
    let platform = request.platform;
    let render = |linted: &LintedGuide| rendered(linted, platform, exporters);
    let mut sink = Stream {
        exporters,
        admission: Admission::default(),
        listed: BTreeSet::new(),
        warnings: Vec::new(),
        stagings: None,
        error: None,
    };
    let verdict = lint_streaming_for_export(
        session,
        request.paths,
        request.force,
        &render,
        &mut |guide| sink.accept(guide),
    )?;
    let unlisted = match (&verdict, platform) {
        (Ok(_), Some(platform)) => refuse_unlisted(platform, &sink.listed).err(),
        _ => None,
    };
    let book_order = match &verdict {
        Ok(_)
            if exporters
                .iter()
                .any(|exporter| exporter.shape() == Shape::ReadsAgain) =>
        {
            book_order_of(&session.config, sink.admission.seen.iter().cloned()).err()
        }
        _ => None,
    };
    if let Some(error) = unlisted.or(book_order) {
        // Dropping the stagings removes what they staged: nothing is written.
        drop(sink);
        remove_if_empty(&created);
        return Err(error);
    }
    match verdict {
        Ok(report) => {
            let guides = sink.admitted();
            let staged = sink.finish()?;
            Ok(Ok((report, guides, staged)))
        }
        Err(outcome) => {
            drop(sink);
            remove_if_empty(&created);
            Ok(Err(outcome))
        }
    }
}

/// One guide, rendered for every exporter of a streaming export on a lint worker thread.
struct RenderedGuide {
    id: String,
    path: PathBuf,
    /// The guide's own `platforms`, for [`refuse_unlisted`].
    platforms: Vec<String>,
    /// By exporter.
    outputs: Result<Vec<Rendered>, String>,
}

fn rendered(
    linted: &LintedGuide,
    platform: Option<&str>,
    exporters: &[Box<dyn Exporter>],
) -> RenderedGuide {
    let view;
    let guide = match platform {
        Some(platform) => {
            view = linted.guide.for_platform(platform);
            &view
        }
        None => &linted.guide,
    };
    let export = ExportGuide {
        guide,
        source: &linted.source,
    };
    RenderedGuide {
        id: linted.guide.id.as_str().to_owned(),
        path: linted.path.clone(),
        platforms: linted
            .guide
            .platforms
            .iter()
            .map(|slug| slug.as_str().to_owned())
            .collect(),
        outputs: exporters
            .iter()
            .map(|exporter| exporter.render_read(&export, &linted.path))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string()),
    }
}

/// The sequential end of a streaming export: admits guides in file order and hands them to the
/// stagings, opened at the first guide (so that a lint run that fails leaves no trace), keeping
/// the first error; warnings wait until the export is known to be used.
struct Stream<'e> {
    exporters: &'e [Box<dyn Exporter>],
    admission: Admission,
    /// Every platform a streamed guide lists.
    listed: BTreeSet<String>,
    warnings: Vec<String>,
    stagings: Option<Vec<Box<dyn Staging + 'e>>>,
    error: Option<String>,
}

impl<'e> Stream<'e> {
    fn open(&self) -> Result<Vec<Box<dyn Staging + 'e>>, String> {
        self.exporters
            .iter()
            .map(|exporter| exporter.open().map_err(|e| e.to_string()))
            .collect()
    }

    fn accept(&mut self, rendered: RenderedGuide) {
        self.listed.extend(rendered.platforms);
        if self.error.is_some() {
            return;
        }
        if let Err(warning) = self.admission.admit(&rendered.id, &rendered.path) {
            self.warnings.push(warning);
            return;
        }
        let outputs = match rendered.outputs {
            Ok(outputs) => outputs,
            Err(error) => {
                self.error = Some(format!("{}: {error}", rendered.path.display()));
                return;
            }
        };
        let stagings = match self.stagings.take() {
            Some(stagings) => Ok(stagings),
            None => self.open(),
        };
        match stagings {
            Ok(mut stagings) => {
                for (staging, output) in stagings.iter_mut().zip(outputs) {
                    if let Err(error) = staging.push(output) {
                        self.error = Some(error.to_string());
                        break;
                    }
                }
                self.stagings = Some(stagings);
            }
            Err(error) => self.error = Some(error),
        }
    }

    fn admitted(&self) -> usize {
        self.admission.seen.len()
    }

    /// Every export staged with every admitted guide, once the lint run allows the export.
    fn finish(mut self) -> Result<Vec<Staged>, String> {
        for warning in &self.warnings {
            eprintln!("{}", crate::terminal::printable(&warning.to_string()));
        }
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let stagings = match self.stagings.take() {
            Some(stagings) => stagings,
            None => self.open()?,
        };
        stagings
            .into_iter()
            .map(|staging| staging.stage().map_err(|e| e.to_string()))
            .collect()
    }
}

/// The folders of `dir` (itself included) that do not exist yet, deepest first: a streaming
/// export creates them when its first guide comes, and removes them again (when still empty)
/// if the lint run then refuses the export, so that a refused export leaves no trace.
pub(super) fn missing_folders(dir: &Path) -> Vec<PathBuf> {
    dir.ancestors()
        .filter(|folder| !folder.as_os_str().is_empty())
        .take_while(|folder| std::fs::symlink_metadata(folder).is_err())
        .map(Path::to_path_buf)
        .collect()
}

pub(super) fn remove_if_empty(folders: &[PathBuf]) {
    for folder in folders {
        // `remove_dir` never removes a folder with anything in it.
        let _ = std::fs::remove_dir(folder);
    }
}

/// Refuses an output file that is a guide file already there: an export named after a guide
/// (`-o content/a.yaml`, a slip of the tab key) would replace what the writer wrote with JSON or
/// PDF bytes. Checked before anything is read or written.
fn refuse_guide_file(path: &Path, session: &Session) -> Result<(), String> {
    if is_guide_file(path) && path.is_file() {
        return Err(format!(
            "{} is a guide file; an export never writes over one, so choose another output path",
            shown(session, path)
        ));
    }
    Ok(())
}

/// Names the guides the database could not take (`--force` past lint errors): like a guide
/// that cannot be loaded, each is a reason to exit 1.
pub(super) fn left_out_of_database(left_out: &[LeftOut]) -> Outcome {
    for guide in left_out {
        let line = format!(
            "remedy: warning: the guide `{}` was left out of the database: {}; fix its lint errors",
            guide.id, guide.reason
        );
        eprintln!("{}", crate::terminal::printable(&line));
    }
    if left_out.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    }
}

fn done(session: &Session, what: &str, path: &Path) {
    if !session.quiet {
        eprintln!("wrote {what} to {}", shown(session, path));
    }
}
