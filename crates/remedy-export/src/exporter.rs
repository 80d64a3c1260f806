//! The one shape every export format has, so that `remedy export X` and `remedy build` run every
//! format through one path: render each guide (on the lint's worker threads), stage the files
//! beside their targets, and commit them (with other formats' files, for a build) all at once.
//!
//! A format that streams ([`Shape::Streams`]) renders guide by guide as they are linted and
//! needs no guide kept; one that needs the whole set ([`Shape::WholeSet`]: the site) is given
//! every guide at once; one that reads its guides again ([`Shape::ReadsAgain`]: the PDF
//! handouts and book, which need every guide's titles and page counts before they write)
//! keeps a little of each guide as it streams and reads each again for its own passes.

use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::csv::{CsvOptions, CsvRecords, CsvWriter, render_csv_guide};
use crate::json::{JsonWriter, render_json_guide};
use crate::output::{StagedFile, StagedSet};
use crate::pdf::{KEPT_WHOLE, KeptGuide, PdfOptions, ReadGuide, stage_pdf, stage_pdf_again};
use crate::sqlite::{LeftOut, SqliteRecords, SqliteWriter, render_sqlite_guide};
use crate::{ExportError, ExportGuide};

/// One guide rendered by an [`Exporter`], for the [`Staging`] that exporter opened.
pub type Rendered = Box<dyn Any + Send>;

/// Called with (files done, files in all) as a long export goes.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Whether a format can be written guide by guide as guides are linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Each guide is rendered alone and added in file order ([`Staging::push`]).
    Streams,
    /// Every guide is needed at once ([`Exporter::stage_all`]).
    WholeSet,
    /// Streams like [`Shape::Streams`], but what it is given of each guide is what it keeps
    /// ([`Exporter::render_read`]: small) and the file to read the guide from again when
    /// it is staged.
    ReadsAgain,
}

/// An export format with its output and options.
pub trait Exporter: Send + Sync {
    /// Whether it streams or needs every guide.
    fn shape(&self) -> Shape;

    /// The files or folders it writes, for refusing an output that is a guide file and for
    /// removing folders a refused export created.
    fn outputs(&self) -> Vec<PathBuf>;

    /// Renders one guide, on any thread, for [`Staging::push`]. Only for [`Shape::Streams`]:
    /// a whole-set format keeps this refusal.
    fn render(&self, guide: &ExportGuide<'_>) -> Result<Rendered, ExportError> {
        let _ = guide;
        Err(whole_set_only())
    }

    /// [`Exporter::render`] for a guide read from `path`: a format that reads its guides again
    /// ([`Shape::ReadsAgain`]) keeps what it needs of the guide and where to read it.
    fn render_read(&self, guide: &ExportGuide<'_>, path: &Path) -> Result<Rendered, ExportError> {
        let _ = path;
        self.render(guide)
    }

    /// Starts staging the export guide by guide: nothing is in place until [`commit`]. Only
    /// for [`Shape::Streams`]: a whole-set format keeps this refusal.
    fn open(&self) -> Result<Box<dyn Staging + '_>, ExportError> {
        Err(whole_set_only())
    }

    /// Stages the export of every guide at once: for a format of [`Shape::WholeSet`], and for
    /// a streaming one when the guides are kept anyway (`build`), rendering and pushing each.
    fn stage_all(
        &self,
        guides: &[ExportGuide<'_>],
        progress: Progress<'_>,
    ) -> Result<Staged, ExportError> {
        let _ = progress;
        let mut staging = self.open()?;
        for guide in guides {
            staging.push(self.render(guide)?)?;
        }
        staging.stage()
    }
}

/// An export being staged: dropped before [`commit`], it leaves every target as it was.
pub trait Staging: Send {
    /// Adds the next guide, rendered by the exporter that opened this staging.
    fn push(&mut self, rendered: Rendered) -> Result<(), ExportError>;

    /// Completes every file under its temporary name: ready for [`commit`].
    fn stage(self: Box<Self>) -> Result<Staged, ExportError>;
}

/// What one export staged, waiting for [`commit`].
#[derive(Debug, Default)]
pub struct Staged {
    files: StagedSet,
    /// Every file it puts in place, in the order written.
    written: Vec<PathBuf>,
    /// For standard output, after the commit: an export that cannot be taken back waits.
    pub stdout: Vec<u8>,
    /// What was written where, in words: `("3 guides", guides.json)`.
    pub summary: Vec<(String, PathBuf)>,
    /// Guides the format could not take (`--force` past lint errors).
    pub left_out: Vec<LeftOut>,
}

impl Staged {
    /// What an exporter outside this module staged: its files, their paths in the order
    /// written, and the summary lines.
    pub fn of(files: StagedSet, written: Vec<PathBuf>, summary: Vec<(String, PathBuf)>) -> Self {
        Staged {
            files,
            written,
            summary,
            ..Staged::default()
        }
    }

    /// The files this export puts in place.
    pub fn written(&self) -> &[PathBuf] {
        &self.written
    }
}

/// Puts the files of every staged export in place as one set: all new, or all as before.
/// Returns what each staged (its summary, left-out guides, standard output) and every file
/// written, in order.
pub fn commit(staged: Vec<Staged>) -> Result<(Vec<Staged>, Vec<PathBuf>), ExportError> {
    let mut set = StagedSet::new();
    let mut written = Vec::new();
    let mut done = Vec::with_capacity(staged.len());
    for mut export in staged {
        set.append(std::mem::take(&mut export.files));
        written.extend(export.written.iter().cloned());
        done.push(export);
    }
    set.commit()?;
    Ok((done, written))
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn take<T: 'static>(rendered: Rendered) -> Result<T, ExportError> {
    rendered.downcast::<T>().map(|boxed| *boxed).map_err(|_| {
        ExportError::Content("a guide rendered for another format was given to this one".into())
    })
}

/// One JSON document (or JSON Lines) in a file, or on standard output when `path` is `None`.
#[derive(Debug, Clone)]
pub struct JsonExporter {
    /// The file; `None` for standard output.
    pub path: Option<PathBuf>,
    /// JSON Lines rather than one document.
    pub jsonl: bool,
}

enum JsonStaging {
    File(JsonWriter<StagedFile>, PathBuf),
    Stdout(JsonWriter<Vec<u8>>),
}

impl Exporter for JsonExporter {
    fn shape(&self) -> Shape {
        Shape::Streams
    }

    fn outputs(&self) -> Vec<PathBuf> {
        self.path.iter().cloned().collect()
    }

    fn render(&self, guide: &ExportGuide<'_>) -> Result<Rendered, ExportError> {
        render_json_guide(guide, self.jsonl)
            .map(|bytes| Box::new(bytes) as Rendered)
            .map_err(|e| ExportError::Content(e.to_string()))
    }

    fn open(&self) -> Result<Box<dyn Staging + '_>, ExportError> {
        Ok(Box::new(match &self.path {
            Some(path) => {
                let file = StagedFile::create(path)?;
                let writer = JsonWriter::new(file, self.jsonl)
                    .map_err(|e| ExportError::io("write", path, e))?;
                JsonStaging::File(writer, path.clone())
            }
            None => JsonStaging::Stdout(
                JsonWriter::new(Vec::new(), self.jsonl)
                    .map_err(|e| ExportError::Content(format!("cannot write the export: {e}")))?,
            ),
        }))
    }
}

impl Staging for JsonStaging {
    fn push(&mut self, rendered: Rendered) -> Result<(), ExportError> {
        let bytes: Vec<u8> = take(rendered)?;
        match self {
            JsonStaging::File(writer, path) => writer
                .push(&bytes)
                .map_err(|e| ExportError::io("write", path, e)),
            JsonStaging::Stdout(writer) => writer
                .push(&bytes)
                .map_err(|e| ExportError::Content(format!("cannot write the export: {e}"))),
        }
    }

    fn stage(self: Box<Self>) -> Result<Staged, ExportError> {
        match *self {
            JsonStaging::File(writer, path) => {
                let count = writer.len();
                let file = writer
                    .finish()
                    .map_err(|e| ExportError::io("write", &path, e))?;
                // Finished now, as the PDF export finishes each handout: a disk that fills
                // is reported for the file that filled it.
                let mut files = StagedSet::new();
                files.push_finished(file)?;
                Ok(Staged {
                    files,
                    written: vec![path.clone()],
                    summary: vec![(plural(count, "guide"), path)],
                    ..Staged::default()
                })
            }
            JsonStaging::Stdout(writer) => Ok(Staged {
                stdout: writer
                    .finish()
                    .map_err(|e| ExportError::Content(format!("cannot write the export: {e}")))?,
                ..Staged::default()
            }),
        }
    }
}

/// The CSV tables and their data package in a folder.
#[derive(Debug, Clone)]
pub struct CsvExporter {
    /// The folder.
    pub dir: PathBuf,
    /// How the tables are written.
    pub options: CsvOptions,
}

struct CsvStaging(CsvWriter, PathBuf);

impl Exporter for CsvExporter {
    fn shape(&self) -> Shape {
        Shape::Streams
    }

    fn outputs(&self) -> Vec<PathBuf> {
        vec![self.dir.clone()]
    }

    fn render(&self, guide: &ExportGuide<'_>) -> Result<Rendered, ExportError> {
        render_csv_guide(guide, &self.options)
            .map(|records| Box::new(records) as Rendered)
            .map_err(|e| ExportError::io("write", &self.dir, e))
    }

    fn open(&self) -> Result<Box<dyn Staging + '_>, ExportError> {
        Ok(Box::new(CsvStaging(
            CsvWriter::create(&self.dir, &self.options)?,
            self.dir.clone(),
        )))
    }
}

impl Staging for CsvStaging {
    fn push(&mut self, rendered: Rendered) -> Result<(), ExportError> {
        self.0.push(take::<CsvRecords>(rendered)?)
    }

    fn stage(self: Box<Self>) -> Result<Staged, ExportError> {
        let CsvStaging(writer, dir) = *self;
        let staged = writer.stage()?;
        let written = staged
            .iter()
            .map(|file| file.target().to_path_buf())
            .collect();
        let mut files = StagedSet::new();
        for file in staged {
            files.push(file);
        }
        let tables = plural(crate::csv::TABLES.len(), "table");
        Ok(Staged {
            files,
            written,
            summary: vec![(format!("{tables} and datapackage.json"), dir)],
            ..Staged::default()
        })
    }
}

/// One SQLite database.
#[derive(Debug, Clone)]
pub struct SqliteExporter {
    /// The database file.
    pub path: PathBuf,
}

struct SqliteStaging(SqliteWriter);

impl Exporter for SqliteExporter {
    fn shape(&self) -> Shape {
        Shape::Streams
    }

    fn outputs(&self) -> Vec<PathBuf> {
        vec![self.path.clone()]
    }

    fn render(&self, guide: &ExportGuide<'_>) -> Result<Rendered, ExportError> {
        render_sqlite_guide(guide).map(|records| Box::new(records) as Rendered)
    }

    fn open(&self) -> Result<Box<dyn Staging + '_>, ExportError> {
        Ok(Box::new(SqliteStaging(SqliteWriter::create(&self.path)?)))
    }
}

impl Staging for SqliteStaging {
    fn push(&mut self, rendered: Rendered) -> Result<(), ExportError> {
        self.0.push(take::<SqliteRecords>(rendered)?)
    }

    fn stage(self: Box<Self>) -> Result<Staged, ExportError> {
        let count = self.0.guides();
        let left_out = self.0.left_out().to_vec();
        let file = self.0.stage()?;
        let path = file.target().to_path_buf();
        let mut files = StagedSet::new();
        files.push(file);
        Ok(Staged {
            files,
            written: vec![path.clone()],
            summary: vec![(plural(count, "guide"), path)],
            left_out,
            ..Staged::default()
        })
    }
}

/// One PDF handout per guide in a folder, and the book of them all when `book` is given: a thin
/// adapter over [`crate::pdf`], which needs every guide's titles and page counts before it
/// writes (the book's two passes, related guides' titles). With `read_again`, it streams and
/// reads each guide again for its passes ([`Shape::ReadsAgain`]); without, it is given every
/// guide at once.
#[derive(Debug, Clone)]
pub struct PdfExporter {
    /// The handouts' folder.
    pub dir: PathBuf,
    /// The book's file.
    pub book: Option<PathBuf>,
    /// Page size and platform names.
    pub options: PdfOptions,
    /// How to read a guide again, when the guides are not kept.
    pub read_again: Option<ReadAgain>,
}

/// Reads a guide's file again as the export sees it (see [`ReadGuide`]), and tells how far the
/// handouts have come: a streamed export is staged at its end, where no caller of
/// [`Exporter::stage_all`] is there to be given progress.
#[derive(Clone)]
pub struct ReadAgain {
    /// Reads the guide of a file.
    pub read: Arc<ReadGuide<'static>>,
    /// Called as each handout (and then the book) is done, with how many and out of how many.
    pub progress: Arc<dyn Fn(usize, usize) + Send + Sync>,
    /// How many guides have been kept whole so far: at most [`KEPT_WHOLE`], whichever the
    /// lint hands over first (a copy of a guide costs far less than reading it again, and no
    /// more copies are made than are kept).
    kept_whole: Arc<AtomicUsize>,
}

impl ReadAgain {
    /// Reads guides again with `read`, telling `progress` how far the handouts have come.
    pub fn new(
        read: Arc<ReadGuide<'static>>,
        progress: Arc<dyn Fn(usize, usize) + Send + Sync>,
    ) -> ReadAgain {
        ReadAgain {
            read,
            progress,
            kept_whole: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl std::fmt::Debug for ReadAgain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadAgain")
    }
}

impl PdfExporter {
    fn summary(&self, guides: usize) -> Vec<(String, PathBuf)> {
        let mut summary = vec![(plural(guides, "handout"), self.dir.clone())];
        if let Some(book) = &self.book {
            summary.push(("the book".to_owned(), book.clone()));
        }
        summary
    }
}

/// A PDF export as it streams: what it keeps of each guide, in order.
struct PdfStaging<'e> {
    exporter: &'e PdfExporter,
    read: ReadAgain,
    kept: Vec<KeptGuide>,
}

impl Exporter for PdfExporter {
    fn shape(&self) -> Shape {
        if self.read_again.is_some() {
            Shape::ReadsAgain
        } else {
            Shape::WholeSet
        }
    }

    fn outputs(&self) -> Vec<PathBuf> {
        std::iter::once(self.dir.clone())
            .chain(self.book.iter().cloned())
            .collect()
    }

    fn render_read(&self, guide: &ExportGuide<'_>, path: &Path) -> Result<Rendered, ExportError> {
        let whole = self.read_again.as_ref().is_some_and(|again| {
            again
                .kept_whole
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |kept| {
                    (kept < KEPT_WHOLE).then_some(kept + 1)
                })
                .is_ok()
        });
        Ok(Box::new(if whole {
            KeptGuide::whole(guide, path)
        } else {
            KeptGuide::of(guide, path)
        }))
    }

    fn open(&self) -> Result<Box<dyn Staging + '_>, ExportError> {
        let read = self.read_again.as_ref().ok_or_else(whole_set_only)?;
        Ok(Box::new(PdfStaging {
            exporter: self,
            read: read.clone(),
            kept: Vec::new(),
        }))
    }

    fn stage_all(
        &self,
        guides: &[ExportGuide<'_>],
        progress: Progress<'_>,
    ) -> Result<Staged, ExportError> {
        let book = self.book.as_deref();
        let (files, written) = stage_pdf(guides, &self.dir, book, &self.options, progress)?;
        Ok(Staged {
            files,
            written,
            summary: self.summary(guides.len()),
            ..Staged::default()
        })
    }
}

impl Staging for PdfStaging<'_> {
    fn push(&mut self, rendered: Rendered) -> Result<(), ExportError> {
        self.kept.push(take::<KeptGuide>(rendered)?);
        Ok(())
    }

    fn stage(self: Box<Self>) -> Result<Staged, ExportError> {
        let PdfStaging {
            exporter,
            read,
            kept,
        } = *self;
        let count = kept.len();
        let book = exporter.book.as_deref();
        let progress = &*read.progress;
        let staged = stage_pdf_again(
            kept,
            &*read.read,
            &exporter.dir,
            book,
            &exporter.options,
            progress,
        );
        if staged.is_err() {
            // The count is done with: a progress bar can give its line to the error.
            let total = count + usize::from(book.is_some());
            progress(total, total);
        }
        let (files, written) = staged?;
        Ok(Staged {
            files,
            written,
            summary: exporter.summary(count),
            ..Staged::default()
        })
    }
}

/// A whole-set format asked to stream: a bug in the caller, reported rather than a panic.
fn whole_set_only() -> ExportError {
    ExportError::Content("this export needs every guide at once".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("remedy-exporter-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_guide_rendered_for_another_format_is_an_error_not_a_panic() {
        let dir = scratch("mismatch");
        let sqlite = SqliteExporter {
            path: dir.join("guides.db"),
        };
        let mut staging = sqlite.open().unwrap_or_else(|e| panic!("{e}"));
        let json_bytes: Rendered = Box::new(b"{}".to_vec());
        let error = staging.push(json_bytes).err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("a guide rendered for another format was given to this one")
        );
        drop(staging);
        // The dropped staging left neither the database nor a temporary file.
        let left: Vec<_> = std::fs::read_dir(&dir)
            .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn commit_puts_every_export_in_place_and_lists_what_it_wrote() {
        let dir = scratch("commit");
        let json = JsonExporter {
            path: Some(dir.join("json/guides.json")),
            jsonl: true,
        };
        let csv = CsvExporter {
            dir: dir.join("csv"),
            options: CsvOptions::default(),
        };
        let staged: Vec<Staged> = [&json as &dyn Exporter, &csv]
            .iter()
            .map(|exporter| exporter.stage_all(&[], &|_, _| {}))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{e}"));
        // Nothing is in place before the commit.
        assert!(!dir.join("json/guides.json").exists());
        assert!(!dir.join("csv/guides.csv").exists());
        let (staged, written) = commit(staged).unwrap_or_else(|e| panic!("{e}"));
        let mut expected = vec![dir.join("json/guides.json")];
        expected.extend(
            crate::csv::TABLES
                .iter()
                .map(|table| dir.join("csv").join(table.file)),
        );
        expected.push(dir.join("csv/datapackage.json"));
        assert_eq!(written, expected);
        for path in &written {
            assert!(path.is_file(), "{} is not in place", path.display());
        }
        // JSON Lines of no guide is an empty file.
        assert_eq!(
            std::fs::read(dir.join("json/guides.json")).ok(),
            Some(Vec::new())
        );
        assert_eq!(
            staged[0].summary,
            vec![("0 guides".to_owned(), dir.join("json/guides.json"))]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
