//! `remedy export json|csv|sqlite|pdf`.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use remedy_core::corpus::is_guide_file;
use remedy_core::id::is_valid_id;
use remedy_core::source::describe_io;
use remedy_export::csv::{CsvOptions, CsvRecords, CsvWriter, render_csv_guide};
use remedy_export::json::{JsonWriter, render_json_guide};
use remedy_export::output::StagedFile;
use remedy_export::pdf::{PageSize, PdfOptions, export_pdf};
use remedy_export::sqlite::{LeftOut, SqliteRecords, SqliteWriter, render_sqlite_guide};
use remedy_export::{ExportError, ExportGuide};
use remedy_lint::LintedGuide;
use remedy_lint::report::plural;

use super::lint::{lint_for_export, lint_streaming_for_export, shown};
use super::{Outcome, Session};
use crate::cli::{
    CsvArgs, ExportCommand, ExportCommon, JsonArgs, PageSizeArg, SqliteArgs, TextArg,
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
            Err(warning) => eprintln!("{warning}"),
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

/// One guide, rendered for a streaming export on a lint worker thread.
struct Rendered<T> {
    id: String,
    path: PathBuf,
    /// The guide's own `platforms`, for [`refuse_unlisted`].
    platforms: Vec<String>,
    output: Result<T, String>,
}

fn rendered<T, E: ToString>(
    linted: &LintedGuide,
    platform: Option<&str>,
    render: impl FnOnce(&ExportGuide<'_>) -> Result<T, E>,
) -> Rendered<T> {
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
    Rendered {
        id: linted.guide.id.as_str().to_owned(),
        path: linted.path.clone(),
        platforms: linted
            .guide
            .platforms
            .iter()
            .map(|slug| slug.as_str().to_owned())
            .collect(),
        output: render(&export).map_err(|e| e.to_string()),
    }
}

/// The sequential end of a streaming export: admits guides in file order and hands them to the
/// writer, opened at the first guide (so that a lint run that fails leaves no trace), keeping
/// the first error; warnings wait until the export is known to be used.
struct Stream<W, T> {
    admission: Admission,
    /// Every platform a streamed guide lists.
    listed: BTreeSet<String>,
    warnings: Vec<String>,
    writer: Option<W>,
    error: Option<String>,
    open: Box<Open<W>>,
    push: Box<Push<W, T>>,
}

/// Opens an export's writer.
type Open<W> = dyn FnMut() -> Result<W, String> + Send;
/// Adds one rendered guide to it.
type Push<W, T> = dyn FnMut(&mut W, T) -> Result<(), String> + Send;

impl<W, T> Stream<W, T> {
    fn new(
        open: impl FnMut() -> Result<W, String> + Send + 'static,
        push: impl FnMut(&mut W, T) -> Result<(), String> + Send + 'static,
    ) -> Self {
        Self {
            admission: Admission::default(),
            listed: BTreeSet::new(),
            warnings: Vec::new(),
            writer: None,
            error: None,
            open: Box::new(open),
            push: Box::new(push),
        }
    }

    fn accept(&mut self, rendered: Rendered<T>) {
        self.listed.extend(rendered.platforms);
        if self.error.is_some() {
            return;
        }
        if let Err(warning) = self.admission.admit(&rendered.id, &rendered.path) {
            self.warnings.push(warning);
            return;
        }
        let output = match rendered.output {
            Ok(output) => output,
            Err(error) => {
                self.error = Some(format!("{}: {error}", rendered.path.display()));
                return;
            }
        };
        let writer = match self.writer.take() {
            Some(writer) => Ok(writer),
            None => (self.open)(),
        };
        match writer {
            Ok(mut writer) => {
                if let Err(error) = (self.push)(&mut writer, output) {
                    self.error = Some(error);
                }
                self.writer = Some(writer);
            }
            Err(error) => self.error = Some(error),
        }
    }

    /// Lints the export's paths, streaming every guide rendered by `render` into this stream.
    /// Returns the writer with every admitted guide in it when the lint run allows the export;
    /// else the outcome to exit with, after removing the `created` folders if they are empty.
    fn run(
        mut self,
        session: &Session,
        common: &ExportCommon,
        render: &(dyn Fn(&LintedGuide) -> Rendered<T> + Sync),
        created: &[PathBuf],
    ) -> Result<Result<W, Outcome>, String>
    where
        W: Send,
        T: Send,
    {
        let verdict = lint_streaming_for_export(
            session,
            &common.paths,
            common.force,
            render,
            &mut |guide| self.accept(guide),
        )?;
        let unlisted = match (&verdict, common.platform.as_deref()) {
            (Ok(_), Some(platform)) => refuse_unlisted(platform, &self.listed).err(),
            _ => None,
        };
        if let Some(error) = unlisted {
            // Dropping the writer removes what it staged: nothing is written.
            drop(self);
            remove_if_empty(created);
            return Err(error);
        }
        match verdict {
            Ok(_) => self.finish().map(Ok),
            Err(outcome) => {
                drop(self);
                remove_if_empty(created);
                Ok(Err(outcome))
            }
        }
    }

    /// The writer with every admitted guide in it, once the lint run allows the export.
    fn finish(mut self) -> Result<W, String> {
        for warning in &self.warnings {
            eprintln!("{warning}");
        }
        if let Some(error) = self.error {
            return Err(error);
        }
        match self.writer.take() {
            Some(writer) => Ok(writer),
            None => (self.open)(),
        }
    }
}

/// The folders of `dir` (itself included) that do not exist yet, deepest first: a streaming
/// export creates them when its first guide comes, and removes them again (when still empty)
/// if the lint run then refuses the export, so that a refused export leaves no trace.
fn missing_folders(dir: &Path) -> Vec<PathBuf> {
    dir.ancestors()
        .filter(|folder| !folder.as_os_str().is_empty())
        .take_while(|folder| std::fs::symlink_metadata(folder).is_err())
        .map(Path::to_path_buf)
        .collect()
}

fn remove_if_empty(folders: &[PathBuf]) {
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

pub fn run(session: &Session, command: ExportCommand) -> Result<Outcome, String> {
    match command {
        ExportCommand::Json(args) => run_json(session, args),
        ExportCommand::Csv(args) => run_csv(session, args),
        ExportCommand::Sqlite(args) => run_sqlite(session, args),
        ExportCommand::Pdf(args) => {
            if let Some(book) = &args.book {
                refuse_guide_file(book, session)?;
            }
            // The book and the related-guide titles of each handout need every guide.
            let mut report = match lint_for_export(session, &args.common.paths, args.common.force)?
            {
                Ok(report) => report,
                Err(outcome) => return Ok(outcome),
            };
            view_for_platform(&mut report.guides, args.common.platform.as_deref())?;
            let export = export_guides(&report.guides);
            let options = PdfOptions {
                page_size: args.page_size.into(),
                platform_names: session.config.platform_names.clone(),
                pdf_a: args.pdf_a,
            };
            write_pdfs(
                session,
                &export,
                &args.output,
                args.book.as_deref(),
                &options,
            )?;
            Ok(Outcome::Clean)
        }
    }
}

fn run_json(session: &Session, args: JsonArgs) -> Result<Outcome, String> {
    let jsonl = args.jsonl;
    let platform = args.common.platform.clone();
    let render = move |linted: &LintedGuide| {
        rendered(linted, platform.as_deref(), |export| {
            render_json_guide(export, jsonl)
        })
    };
    if args.output.as_os_str() == "-" {
        // Standard output cannot be taken back: the export waits in memory for the verdict.
        let stream = Stream::new(
            move || JsonWriter::new(Vec::new(), jsonl).map_err(|e| e.to_string()),
            |writer: &mut JsonWriter<Vec<u8>>, bytes: Vec<u8>| {
                writer.push(&bytes).map_err(|e| e.to_string())
            },
        );
        let writer = match stream.run(session, &args.common, &render, &[])? {
            Ok(writer) => writer,
            Err(outcome) => return Ok(outcome),
        };
        let bytes = writer
            .finish()
            .map_err(|e| format!("cannot write the export: {}", describe_io(&e)))?;
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
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
        return Ok(Outcome::Clean);
    }
    let path = args.output.clone();
    refuse_guide_file(&path, session)?;
    let created = missing_folders(path.parent().unwrap_or(Path::new("")));
    let opened = path.clone();
    let written = path.clone();
    let stream = Stream::new(
        move || {
            let file = StagedFile::create(&opened).map_err(|e| e.to_string())?;
            JsonWriter::new(file, jsonl)
                .map_err(|e| ExportError::io("write", &opened, e).to_string())
        },
        move |writer: &mut JsonWriter<StagedFile>, bytes: Vec<u8>| {
            writer
                .push(&bytes)
                .map_err(|e| ExportError::io("write", &written, e).to_string())
        },
    );
    let writer = match stream.run(session, &args.common, &render, &created)? {
        Ok(writer) => writer,
        Err(outcome) => return Ok(outcome),
    };
    let count = writer.len();
    writer
        .finish()
        .map_err(|e| ExportError::io("write", &path, e).to_string())?
        .commit()
        .map_err(|e| e.to_string())?;
    done(session, &plural(count, "guide"), &path);
    Ok(Outcome::Clean)
}

fn run_csv(session: &Session, args: CsvArgs) -> Result<Outcome, String> {
    let options = CsvOptions {
        bom: args.bom,
        excel_safe: args.excel_safe,
        markdown: args.text == TextArg::Markdown,
    };
    let platform = args.common.platform.clone();
    let dir = args.output.clone();
    let created = missing_folders(&dir);
    let render = move |linted: &LintedGuide| {
        rendered(linted, platform.as_deref(), |export| {
            render_csv_guide(export, &options)
        })
    };
    let stream = Stream::new(
        move || CsvWriter::create(&dir, &options).map_err(|e| e.to_string()),
        |writer: &mut CsvWriter, records: CsvRecords| {
            writer.push(records).map_err(|e| e.to_string())
        },
    );
    let writer = match stream.run(session, &args.common, &render, &created)? {
        Ok(writer) => writer,
        Err(outcome) => return Ok(outcome),
    };
    writer.finish().map_err(|e| e.to_string())?;
    let tables = plural(remedy_export::csv::TABLES.len(), "table");
    done(
        session,
        &format!("{tables} and datapackage.json"),
        &args.output,
    );
    Ok(Outcome::Clean)
}

fn run_sqlite(session: &Session, args: SqliteArgs) -> Result<Outcome, String> {
    let path = args.output.clone();
    if path.as_os_str() == "-" {
        return Err(
            "a database cannot be written to standard output; name the file to write, e.g. `-o guides.db`"
                .into(),
        );
    }
    refuse_guide_file(&path, session)?;
    let created = missing_folders(path.parent().unwrap_or(Path::new("")));
    let opened = path.clone();
    let platform = args.common.platform.clone();
    let render =
        move |linted: &LintedGuide| rendered(linted, platform.as_deref(), render_sqlite_guide);
    let stream = Stream::new(
        move || SqliteWriter::create(&opened).map_err(|e| e.to_string()),
        |writer: &mut SqliteWriter, records: SqliteRecords| {
            writer.push(records).map_err(|e| e.to_string())
        },
    );
    let writer = match stream.run(session, &args.common, &render, &created)? {
        Ok(writer) => writer,
        Err(outcome) => return Ok(outcome),
    };
    let count = writer.guides();
    let left_out = writer.left_out().to_vec();
    writer.finish().map_err(|e| e.to_string())?;
    done(session, &plural(count, "guide"), &path);
    Ok(left_out_of_database(&left_out))
}

/// Names the guides the database could not take (`--force` past lint errors): like a guide
/// that cannot be loaded, each is a reason to exit 1.
pub(super) fn left_out_of_database(left_out: &[LeftOut]) -> Outcome {
    for guide in left_out {
        eprintln!(
            "remedy: warning: the guide `{}` was left out of the database: {}; fix its lint errors",
            guide.id, guide.reason
        );
    }
    if left_out.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    }
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
    done(session, &plural(export.len(), "handout"), dir);
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
