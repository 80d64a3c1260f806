//! Printable PDF handouts (SPEC §4): our own layout, written as tagged PDF/UA-1 by krilla.
//!
//! - [`font`]: the DejaVu Sans faces (the `dejavu` crate's without hinting) and `[pdf] fonts`, parsed once
//!   per process: advance widths (the fonts' own, so glyphs need no adjustment), coverage.
//! - [`layout`]: spans → lines (greedy breaking with real metrics, long words broken) → units
//!   (never split) → blocks (keep-together, keep-with-next, repeated table headers) → pages,
//!   with structure marks ([`layout::Draw::Begin`]) saying what each draw is to a reader.
//! - [`render`]: a [`crate::handout::Handout`] as blocks: the handout's typography.
//! - [`book`]: the title page and table of contents of a book.
//! - [`writer`]: pages → a tagged PDF on krilla: structure tree, artifacts, tagged links,
//!   outline, XMP metadata, subset fonts; validated for PDF/UA-1 (and PDF/A-2).
//! - [`compact`]: krilla's output with its objects in compressed object streams (about half
//!   the size of what krilla writes alone).

mod book;
mod book_writer;
mod compact;
mod font;
mod image;
mod layout;
mod linebreak;
mod render;
mod writer;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use remedy_core::Guide;

use crate::handout::{Handout, Library, library};
use crate::output::{ScratchFile, StagedFile, StagedSet, ensure_dir};
use crate::{ExportError, ExportGuide};

pub use font::PdfFonts;
use font::{Face, Fonts};
use layout::{Frame, paginate};
use render::{
    Chapter, Ctx, OutlineItem, add_footers, add_footers_from, guide_anchor, guide_chapter,
};
use writer::{Meta, PdfWriter};

use book::Listed;
pub use book::{BookOptions, DEFAULT_TITLE};

/// The paper a handout is set for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageSize {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl PageSize {
    /// Width and height in points (1/72 in).
    pub fn dimensions(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (210.0 * 72.0 / 25.4, 297.0 * 72.0 / 25.4),
            PageSize::Letter => (612.0, 792.0),
        }
    }

    /// The name accepted on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PageSize::A4 => "a4",
            PageSize::Letter => "letter",
        }
    }
}

impl fmt::Display for PageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PageSize {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "a4" => Ok(PageSize::A4),
            "letter" => Ok(PageSize::Letter),
            _ => Err(format!("unknown page size \"{text}\"; use a4 or letter")),
        }
    }
}

/// How handouts are set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PdfOptions {
    /// The paper.
    pub page_size: PageSize,
    /// Display names of platforms (`[platforms]` in `remedy.toml`), over the built-in ones.
    pub platform_names: BTreeMap<String, String>,
    /// Also conform to PDF/A-2 (`--pdf-a`); every handout conforms to PDF/UA-1.
    pub pdf_a: bool,
    /// The content root the guides' pictures are read from (only inside it); `None` prints
    /// every picture as its text.
    pub content_root: Option<PathBuf>,
    /// The book's title page and order (`[book]` in `remedy.toml`).
    pub book: BookOptions,
    /// `[pdf] fonts`: what the built-in faces lack is drawn from the first of these that has
    /// it, embedded and subset like them.
    pub fonts: PdfFonts,
}

/// Millimetres to points.
fn mm(value: f32) -> f32 {
    value * 72.0 / 25.4
}

/// Margins fit for printing on either paper: 20 mm at the sides, 18 mm at the top, 20 mm below
/// the body with the footer in it.
fn frame(options: &PdfOptions) -> Frame {
    let (page_width, page_height) = options.page_size.dimensions();
    Frame {
        page_width,
        page_height,
        left: mm(20.0),
        right: mm(20.0),
        top: mm(18.0),
        bottom: page_height - mm(22.0),
    }
}

/// Lays one guide's handout out as a chapter, refusing characters the font cannot draw.
fn chapter(
    fonts: &'static Fonts,
    frame: Frame,
    export: &ExportGuide<'_>,
    library: &Library,
    options: &PdfOptions,
) -> Result<Chapter, ExportError> {
    let handout = Handout::new(export, library, &options.platform_names);
    let mut ctx = Ctx {
        fonts,
        frame,
        handout: &handout,
        problem: None,
        first_column: 19.0,
        roles: Vec::new(),
        content_root: options.content_root.as_deref(),
    };
    let chapter = guide_chapter(&mut ctx);
    match ctx.problem {
        Some(problem) => Err(ExportError::Content(problem)),
        None => Ok(chapter),
    }
}

fn guide_meta(guide: &Guide, options: &PdfOptions) -> Meta {
    Meta {
        title: guide.title.clone(),
        authors: vec!["remedy".to_owned()],
        subject: guide
            .summary
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        keywords: guide
            .tags
            .iter()
            .map(|tag| tag.as_str().to_owned())
            .collect(),
        date: guide.updated.parts(),
        lang: guide.lang.clone().unwrap_or_else(|| "en".to_owned()),
        document_id: format!("remedy/{}/{}", guide.id, options.page_size),
    }
}

/// A handout's bytes and what the book needs of its chapter: the layout is the book's too
/// (same guides, same library, same frame), so the book's first pass is the handouts'.
fn render_handout(
    export: &ExportGuide<'_>,
    library: &Library,
    options: &PdfOptions,
) -> Result<(Vec<u8>, ChapterPlan), ExportError> {
    let fonts = Fonts::with(&options.fonts)?;
    let frame = frame(options);
    let chapter = chapter(fonts, frame, export, library, options)?;
    let mut paginated = paginate(&frame, vec![chapter.blocks]);
    add_footers(
        fonts,
        &frame,
        &mut paginated.pages,
        std::slice::from_ref(&chapter.footer),
    );
    let mut writer = PdfWriter::new(fonts, frame, options.pdf_a, false)?;
    let key = writer.chapter(chapter.roles);
    writer.pages(key, &paginated.pages, &paginated.anchors)?;
    let bytes = writer.finish(
        &chapter.outline,
        &paginated.anchors,
        &guide_meta(export.guide, options),
    )?;
    let plan = ChapterPlan {
        pages: paginated.pages.len(),
        anchors: paginated.anchors,
        outline: chapter.outline,
        listed: Listed::of(export.guide),
    };
    Ok((bytes, plan))
}

/// One guide's printable handout.
pub fn render_guide(guide: &ExportGuide<'_>, options: &PdfOptions) -> Result<Vec<u8>, ExportError> {
    let library = library(std::slice::from_ref(guide));
    render_handout(guide, &library, options).map(|(bytes, _)| bytes)
}

/// Every guide in one PDF: a title page (`options.book`'s title, subtitle and author), a
/// table of contents (titles with page numbers, each a link), then each guide's handout in the
/// book's order, every guide starting on a new page. In memory: see [`write_book`] for a book
/// written to a file as it is made.
pub fn render_book(
    guides: &[ExportGuide<'_>],
    options: &PdfOptions,
) -> Result<Vec<u8>, ExportError> {
    let mut bytes = Vec::new();
    write_book(guides, options, &mut bytes)?;
    Ok(bytes)
}

/// What the first pass keeps of a guide's chapter: its length, where its anchors landed (on
/// its own pages), its outline and what the front matter lists of it. Its pages are dropped.
struct ChapterPlan {
    pages: usize,
    anchors: BTreeMap<String, (usize, f32)>,
    outline: Vec<OutlineItem>,
    listed: Listed,
}

/// A guide as one pass of the export has it: one of the guides kept in memory, or read again
/// from its file for this pass and dropped after it.
enum Loaded<'a> {
    Kept(ExportGuide<'a>),
    Read { guide: Box<Guide>, source: &'a str },
}

impl Loaded<'_> {
    fn export(&self) -> ExportGuide<'_> {
        match self {
            Loaded::Kept(export) => *export,
            Loaded::Read { guide, source } => ExportGuide { guide, source },
        }
    }
}

/// Guide `index` of the export, for a pass over it.
type Load<'a> = dyn Fn(usize) -> Result<Loaded<'a>, ExportError> + Sync + 'a;

/// How many pages a part of the book holds, at least (a part is whole guides): krilla holds a
/// part's pages until the part is finished, about 70 KiB a page, so a thread holds about this
/// many pages' worth; each part embeds its own font subsets, so smaller parts make a larger
/// file. ARCHITECTURE.md ("The book") has the figures.
const PART_PAGES: usize = 64;

/// How many pages of the title page and contents a part holds, at most.
const FRONT_PART_PAGES: usize = 16;

/// The guides of each part of the book, as positions in the book's order, from their page
/// counts: whole guides, at least [`PART_PAGES`] pages a part but the last.
fn book_parts(pages: impl ExactSizeIterator<Item = usize>) -> Vec<std::ops::Range<usize>> {
    let count = pages.len();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut sum = 0;
    for (index, length) in pages.enumerate() {
        sum += length;
        if sum >= PART_PAGES {
            parts.push(start..index + 1);
            start = index + 1;
            sum = 0;
        }
    }
    if start < count {
        parts.push(start..count);
    }
    parts
}

/// [`render_book`], written to `out` as it is made. Two passes over the guides: the first lays
/// every chapter out to count its pages, and keeps only that, its outline and its anchors; the
/// second makes the book in parts (see [`write_planned_book`]).
pub fn write_book(
    guides: &[ExportGuide<'_>],
    options: &PdfOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), ExportError> {
    let fonts = Fonts::with(&options.fonts)?;
    let frame = frame(options);
    let library = library(guides);
    // One guide a thread at a time: each layout is dropped as soon as its length is known.
    let round = rayon::current_num_threads().max(1);
    let mut plans: Vec<ChapterPlan> = Vec::with_capacity(guides.len());
    for batch in guides.chunks(round) {
        let laid = batch
            .par_iter()
            .map(|export| {
                let chapter = chapter(fonts, frame, export, &library, options)?;
                let paginated = paginate(&frame, vec![chapter.blocks]);
                Ok(ChapterPlan {
                    pages: paginated.pages.len(),
                    anchors: paginated.anchors,
                    outline: chapter.outline,
                    listed: Listed::of(export.guide),
                })
            })
            .collect::<Result<Vec<_>, ExportError>>()?;
        plans.extend(laid);
    }
    let load = |index: usize| {
        guides
            .get(index)
            .map(|export| Loaded::Kept(*export))
            .ok_or_else(|| ExportError::Content("a guide the book does not have".to_owned()))
    };
    write_planned_book(plans, &load, &library, options, out, None)
}

/// The book's second pass, from the first pass's `plans` (one a guide, in the export's order):
/// the book made in parts (the title page and contents, then a few guides each), each part a
/// krilla document of its own, made a part a thread (each guide loaded again by `load`) and
/// merged into `out` by [`book_writer`] as soon as it is done. What the book holds is thus a
/// few parts' pages and small bookkeeping per page, not every page: krilla 0.8 keeps every page
/// of a document until `finish`.
fn write_planned_book(
    mut plans: Vec<ChapterPlan>,
    load: &Load<'_>,
    library: &Library,
    options: &PdfOptions,
    out: &mut dyn std::io::Write,
    spill: Option<ScratchFile>,
) -> Result<(), ExportError> {
    let fonts = Fonts::with(&options.fonts)?;
    let front_matter = &options.book;
    let title = front_matter.title();
    let printed = [
        ("title", Some(title), Face::Bold),
        ("subtitle", front_matter.subtitle.as_deref(), Face::Regular),
        ("author", front_matter.author.as_deref(), Face::Bold),
    ];
    for (what, words, face) in printed {
        let Some(words) = words else { continue };
        if let Some(c) = words
            .chars()
            .find(|c| !c.is_whitespace() && !fonts.covers(face, *c))
        {
            return Err(ExportError::Content(format!(
                "the book {what} \"{words}\" uses '{c}' (U+{:04X}), which the embedded font ({}) cannot draw",
                u32::from(c),
                face.label()
            )));
        }
    }
    let frame = frame(options);
    // The book's order, as indices into the export's order.
    let order = book::book_order(
        plans.iter().map(|plan| plan.listed.id.as_str()),
        &front_matter.order,
    );
    let listed: Vec<&Listed> = order
        .iter()
        .filter_map(|index| plans.get(*index).map(|plan| &plan.listed))
        .collect();

    // The front matter, with the page each guide starts on.
    let mut front_roles = Vec::new();
    let title_blocks = book::title_page(fonts, &frame, front_matter, &listed, &mut front_roles);
    // The contents' length does not depend on the numbers in it: count its pages first.
    let mut draft_roles = front_roles.clone();
    let draft = book::contents(
        fonts,
        &frame,
        &listed,
        &vec![0; listed.len()],
        &mut draft_roles,
    );
    let front_pages = paginate(&frame, vec![title_blocks.clone(), draft])
        .pages
        .len();
    // The first page of each guide (1-based), by index in the export's order.
    let mut first_pages = vec![0; plans.len()];
    let mut next = front_pages;
    for index in &order {
        if let (Some(first), Some(plan)) = (first_pages.get_mut(*index), plans.get(*index)) {
            *first = next + 1;
            next += plan.pages;
        }
    }
    let total = next;
    let listed_pages: Vec<usize> = order
        .iter()
        .map(|index| first_pages.get(*index).copied().unwrap_or(0))
        .collect();
    let contents = book::contents(fonts, &frame, &listed, &listed_pages, &mut front_roles);
    let mut front = paginate(&frame, vec![title_blocks, contents]);
    if front.pages.len() != front_pages {
        return Err(ExportError::Content(
            "the table of contents changed length when its page numbers were set".into(),
        ));
    }
    let footers = [title.to_owned(), title.to_owned()];
    add_footers_from(fonts, &frame, &mut front.pages, &footers, 0, total);

    let mut keywords = BTreeSet::new();
    for guide in &listed {
        keywords.extend(guide.tags.iter().cloned());
    }
    let meta = Meta {
        title: title.to_owned(),
        authors: vec![
            front_matter
                .author
                .clone()
                .unwrap_or_else(|| "remedy".to_owned()),
        ],
        subject: format!(
            "{}{} troubleshooting guides: {}",
            front_matter
                .subtitle
                .as_ref()
                .map(|subtitle| format!("{subtitle}. "))
                .unwrap_or_default(),
            listed.len(),
            listed
                .iter()
                .map(|guide| guide.title.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        keywords: keywords.into_iter().collect(),
        date: listed
            .iter()
            .filter_map(|guide| guide.updated.parts())
            .max(),
        lang: listed
            .first()
            .and_then(|guide| guide.lang.clone())
            .unwrap_or_else(|| "en".to_owned()),
        document_id: format!("remedy/book/{}/{}", listed.len(), options.page_size),
    };
    drop(listed);

    // Every anchor of the book, by page of the book.
    let mut anchors = std::mem::take(&mut front.anchors);
    for index in &order {
        let (Some(plan), Some(first)) = (plans.get_mut(*index), first_pages.get(*index)) else {
            continue;
        };
        for (anchor, (page, y)) in std::mem::take(&mut plan.anchors) {
            anchors.entry(anchor).or_insert((page + first - 1, y));
        }
    }

    // Pass 2: the parts, a part a thread, each merged into the book once it is done (in order).
    // Each part has a one-entry outline of its own, which krilla asks for and the merge leaves.
    let part_anchor = "book/part".to_owned();
    let part_outline = [OutlineItem {
        title: title.to_owned(),
        anchor: part_anchor.clone(),
        children: Vec::new(),
    }];
    let part_anchors = BTreeMap::from([(part_anchor, (0, frame.top))]);
    // Only the first part's metadata is the book's; the merge leaves the others', which need
    // not list every guide's title (for 2,000 guides, 100 KB a part).
    let part_meta = Meta {
        subject: String::new(),
        keywords: Vec::new(),
        ..meta.clone()
    };
    let mut book = book_writer::BookWriter::new(out, total, frame.page_height, frame.left)?;
    if let Some(spill) = spill {
        book.spill_places_to(spill);
    }
    // The title page and contents in parts of their own, at most `FRONT_PART_PAGES` pages
    // each: a page of contents holds far more structure and links than a guide's, and the
    // contents grow with the guides.
    for (index, pages) in front.pages.chunks(FRONT_PART_PAGES).enumerate() {
        let mut writer = PdfWriter::new(fonts, frame, options.pdf_a, true)?;
        writer.defer_anchor_links();
        let front_key = writer.chapter(front_roles.clone());
        writer.pages(front_key, pages, &anchors)?;
        let first = index == 0;
        let part_meta = if first { &meta } else { &part_meta };
        let front_part = writer.finish_uncompacted(&part_outline, &part_anchors, part_meta)?;
        book.part(&front_part, first)?;
    }
    drop(front);
    drop(front_roles);
    let parts = book_parts(
        order
            .iter()
            .map(|index| plans.get(*index).map_or(0, |plan| plan.pages)),
    );
    let threads = rayon::current_num_threads().max(1);
    for round in parts.chunks(threads) {
        let made = round
            .par_iter()
            .map(|part| {
                let mut writer = PdfWriter::new(fonts, frame, options.pdf_a, true)?;
                writer.defer_anchor_links();
                for &index in order.get(part.clone()).unwrap_or_default() {
                    let loaded = load(index)?;
                    let chapter = chapter(fonts, frame, &loaded.export(), library, options)?;
                    drop(loaded);
                    let mut paginated = paginate(&frame, vec![chapter.blocks]);
                    let first = first_pages.get(index).map_or(0, |first| first - 1);
                    let footer = [chapter.footer];
                    add_footers_from(fonts, &frame, &mut paginated.pages, &footer, first, total);
                    let key = writer.chapter(chapter.roles);
                    writer.pages(key, &paginated.pages, &anchors)?;
                }
                writer.finish_uncompacted(&part_outline, &part_anchors, &part_meta)
            })
            .collect::<Result<Vec<_>, ExportError>>()?;
        for part in made {
            book.part(&part, false)?;
        }
    }

    let mut outline = vec![OutlineItem {
        title: "Contents".to_owned(),
        anchor: book::CONTENTS_ANCHOR.to_owned(),
        children: Vec::new(),
    }];
    for index in &order {
        let Some(plan) = plans.get_mut(*index) else {
            continue;
        };
        outline.push(OutlineItem {
            title: std::mem::take(&mut plan.listed.title),
            anchor: guide_anchor(&plan.listed.id),
            children: std::mem::take(&mut plan.outline),
        });
    }
    drop(plans);
    book.finish(&outline, &anchors)
}

/// Writes `<id>.pdf` for every guide into `dir` (atomically, in parallel, with identical bytes
/// on every run) and, when `book` is given, the book there. `progress(done, total)` is called as
/// files are finished. Returns the files written, guides first, in input order.
pub fn export_pdf(
    guides: &[ExportGuide<'_>],
    dir: &Path,
    book: Option<&Path>,
    options: &PdfOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<PathBuf>, ExportError> {
    let (set, written) = stage_pdf(guides, dir, book, options, progress)?;
    set.commit()?;
    Ok(written)
}

/// [`export_pdf`], leaving the files staged for a commit with other exports' files.
pub fn stage_pdf(
    guides: &[ExportGuide<'_>],
    dir: &Path,
    book: Option<&Path>,
    options: &PdfOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(StagedSet, Vec<PathBuf>), ExportError> {
    let named: Vec<(&str, &str)> = guides
        .iter()
        .map(|export| (export.guide.id.as_str(), export.source))
        .collect();
    let library = library(guides);
    let load = |index: usize| {
        guides
            .get(index)
            .map(|export| Loaded::Kept(*export))
            .ok_or_else(|| ExportError::Content("a guide the export does not have".to_owned()))
    };
    let target = Target { dir, book };
    stage_loaded(&named, &load, &library, &target, options, progress)
}

/// What a PDF export that reads its guides again ([`stage_pdf_again`]) keeps of a guide
/// between the lint that read it and its passes: where to read it, its name in messages and
/// exports, what references into it read as, and a digest of the guide as exported, so that
/// a file changed in between is refused instead of making a book that disagrees with its
/// handout. Small, whatever the guide, unless it keeps the guide itself ([`KeptGuide::whole`]).
#[derive(Debug, Clone)]
pub struct KeptGuide {
    id: String,
    path: PathBuf,
    source: String,
    digest: [u8; 32],
    shelf: Library,
    /// The guide itself, when the export keeps it: its passes then read nothing again.
    guide: Option<Box<Guide>>,
}

/// How many guides an export that reads its guides again keeps whole (the first the lint hands
/// over), the rest being read again: reading a guide again (parse, check, digest) cost about
/// 5% of a handout's instructions, and a few dozen guides held are the same at any size of
/// export.
pub const KEPT_WHOLE: usize = 32;

impl KeptGuide {
    /// What is kept of `export`, read from `path`.
    pub fn of(export: &ExportGuide<'_>, path: &Path) -> KeptGuide {
        let mut shelf = Library::default();
        shelf.add(export.guide);
        KeptGuide {
            id: export.guide.id.as_str().to_owned(),
            path: path.to_path_buf(),
            source: export.source.to_owned(),
            digest: digest(export.guide),
            shelf,
            guide: None,
        }
    }

    /// [`KeptGuide::of`], keeping the guide itself too, so that no pass reads it again.
    pub fn whole(export: &ExportGuide<'_>, path: &Path) -> KeptGuide {
        KeptGuide {
            guide: Some(Box::new(export.guide.clone())),
            ..KeptGuide::of(export, path)
        }
    }

    /// The guide's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The guide's file, as it was read.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Reads a guide's file again, as the export saw it (its `--platform` view); the error in
/// words.
pub type ReadGuide<'a> = dyn Fn(&Path) -> Result<Guide, String> + Send + Sync + 'a;

/// A digest of the guide as exported: of its typed model, so that a change to a file that
/// leaves its guide as it was (a comment, a blank line) is no disagreement.
fn digest(guide: &Guide) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    {
        let mut buffered = std::io::BufWriter::with_capacity(8192, &mut hasher);
        // Writing into a hasher cannot fail; a guide that does not serialize would digest as
        // far as it got, the same both times.
        let _ = serde_json::to_writer(&mut buffered, guide);
        let _ = std::io::Write::flush(&mut buffered);
    }
    *hasher.finalize().as_bytes()
}

/// [`stage_pdf`] for guides that are not kept: `kept` (in the export's order) says what each
/// was, and `read` reads each again for the handouts' pass and again for the book's, so that
/// the export holds one guide a thread, not every guide (but those kept whole). A guide that reads differently from
/// what the lint read (its file changed meanwhile) stops the export, naming the file.
pub fn stage_pdf_again(
    kept: Vec<KeptGuide>,
    read: &ReadGuide<'_>,
    dir: &Path,
    book: Option<&Path>,
    options: &PdfOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(StagedSet, Vec<PathBuf>), ExportError> {
    let mut kept = kept;
    let mut library = Library::default();
    for guide in &mut kept {
        library.append(&mut guide.shelf);
    }
    let named: Vec<(&str, &str)> = kept
        .iter()
        .map(|guide| (guide.id.as_str(), guide.source.as_str()))
        .collect();
    let load = |index: usize| -> Result<Loaded<'_>, ExportError> {
        let kept = kept
            .get(index)
            .ok_or_else(|| ExportError::Content("a guide the export does not have".to_owned()))?;
        if let Some(guide) = &kept.guide {
            return Ok(Loaded::Kept(ExportGuide {
                guide,
                source: &kept.source,
            }));
        }
        let shown = kept.path.display();
        let guide =
            read(&kept.path).map_err(|error| ExportError::Content(format!("{shown}: {error}")))?;
        if digest(&guide) != kept.digest {
            return Err(ExportError::Content(format!(
                "{shown} changed while it was being exported, so its handout and the book could disagree; export again"
            )));
        }
        Ok(Loaded::Read {
            guide: Box::new(guide),
            source: &kept.source,
        })
    };
    let target = Target { dir, book };
    stage_loaded(&named, &load, &library, &target, options, progress)
}

/// Where a PDF export writes: the handouts' folder and the book's file.
struct Target<'p> {
    dir: &'p Path,
    book: Option<&'p Path>,
}

/// The handouts and the book of the guides `named` (id and source, in the export's order),
/// each loaded by `load` for each pass.
fn stage_loaded(
    named: &[(&str, &str)],
    load: &Load<'_>,
    library: &Library,
    target: &Target<'_>,
    options: &PdfOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(StagedSet, Vec<PathBuf>), ExportError> {
    let Target { dir, book } = *target;
    let mut seen = BTreeSet::new();
    for (id, source) in named {
        // The file is named after the id: only an id of the id pattern can never name a path
        // outside `dir` (`../x`, `/x`).
        if !remedy_core::id::is_valid_id(id) {
            return Err(ExportError::Content(format!(
                "{source}: the id \"{id}\" is not a valid id, so no handout can be named after it; fix the id (lowercase letters, digits and hyphens)"
            )));
        }
        if !seen.insert(*id) {
            return Err(ExportError::Content(format!(
                "{source}: two guides have the id \"{id}\"; each handout is named after its guide's id"
            )));
        }
    }
    if let Some(book) = book
        && let Some(name) = book.file_name().and_then(|name| name.to_str())
        && let Some(id) = name.strip_suffix(".pdf")
        && seen.contains(id)
        && same_folder(book.parent().unwrap_or(Path::new("")), dir)
    {
        return Err(ExportError::BadOutput {
            path: book.to_path_buf(),
            reason: format!(
                "is also the handout of the guide `{id}`, which this export writes; name the book something else or put it in another folder"
            ),
        });
    }
    ensure_dir(dir)?;
    let total = named.len() + usize::from(book.is_some());
    let done = AtomicUsize::new(0);
    // With several workers, they render and one more thread writes, so that no worker waits
    // for the disk (each file is synced before it is renamed into place); a few handouts wait
    // in between, not all. With one worker (`-j 1`), it writes too. Either way each file is
    // synced on a thread of its own ([`write_and_sync`]).
    let path_of = |index: usize| {
        let id = named.get(index).map_or("", |(id, _)| *id);
        dir.join(format!("{id}.pdf"))
    };
    // Each handout is staged (written and synced under a temporary name) and the whole run is
    // committed at the end, book included: all new, or all as before.
    let synced = || {
        progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
    };
    // The book's first pass is this one: what it needs of each chapter, kept only for a book.
    let render = |index: usize| -> Result<(Vec<u8>, Option<ChapterPlan>), ExportError> {
        let loaded = load(index)?;
        let (bytes, plan) = render_handout(&loaded.export(), library, options)?;
        Ok((bytes, book.is_some().then_some(plan)))
    };
    // Each handout's outcome by its index: rendering failed, or how the writing went; and its
    // chapter's plan.
    let mut plans: Vec<(usize, ChapterPlan)> = Vec::new();
    let mut outcomes: Vec<(usize, Result<StagedFile, ExportError>)> =
        if rayon::current_num_threads() <= 1 {
            std::thread::scope(|scope| {
                let rendered = (0..named.len()).map(|index| {
                    let handout = render(index).map(|(bytes, plan)| {
                        plans.extend(plan.map(|plan| (index, plan)));
                        (path_of(index), bytes)
                    });
                    (index, handout)
                });
                write_and_sync(scope, rendered, &synced)
            })
        } else {
            let (sender, receiver) = std::sync::mpsc::sync_channel::<(usize, PathBuf, Vec<u8>)>(4);
            std::thread::scope(|scope| {
                let writer = scope.spawn(|| {
                    let received = receiver
                        .into_iter()
                        .map(|(index, path, bytes)| (index, Ok((path, bytes))));
                    write_and_sync(scope, received, &synced)
                });
                // One handout a task: rayon's default leaves of several handouts each let one
                // core sit idle at the end while the other finishes its leaf.
                let rendered: Vec<(usize, Result<Option<ChapterPlan>, ExportError>)> = (0..named
                    .len())
                    .into_par_iter()
                    .with_max_len(1)
                    .map_with(sender, |sender, index| {
                        let sent = render(index).and_then(|(bytes, plan)| {
                            sender
                                .send((index, path_of(index), bytes))
                                .map(|()| plan)
                                .map_err(|_| {
                                    ExportError::Content("the handout writer stopped".to_owned())
                                })
                        });
                        (index, sent)
                    })
                    .collect();
                let mut outcomes = Vec::new();
                for (index, sent) in rendered {
                    match sent {
                        Ok(plan) => plans.extend(plan.map(|plan| (index, plan))),
                        Err(error) => outcomes.push((index, Err(error))),
                    }
                }
                match writer.join() {
                    Ok(written) => outcomes.extend(written),
                    Err(_) => outcomes.push((
                        0,
                        Err(ExportError::Content(
                            "the handout writer panicked".to_owned(),
                        )),
                    )),
                }
                outcomes
            })
        };
    // The first failure in input order, as if the handouts were made one after the other.
    outcomes.sort_by_key(|(index, _)| *index);
    let results = outcomes.into_iter().map(|(_, outcome)| outcome);
    // A failure before the commit leaves every file as it was; the staged ones are removed
    // when the set is dropped.
    let untouched = |error: ExportError| ExportError::NotCommitted {
        source: Box::new(error),
        state: format!(
            "nothing was replaced: the {} are as before",
            if book.is_some() {
                "handouts and the book"
            } else {
                "handouts"
            }
        ),
    };
    let mut set = StagedSet::new();
    let mut written = Vec::with_capacity(total);
    for staged in results {
        let staged = staged.map_err(untouched)?;
        written.push(staged.target().to_path_buf());
        set.push(staged);
    }
    if let Some(book) = book {
        plans.sort_by_key(|(index, _)| *index);
        let plans: Vec<ChapterPlan> = plans.into_iter().map(|(_, plan)| plan).collect();
        // Written to its staged file as it is laid out, never held whole.
        let mut staged = StagedFile::create(book).map_err(untouched)?;
        let folder = book
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty());
        let name = book
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let spill =
            ScratchFile::create(folder.unwrap_or(Path::new(".")), &name).map_err(untouched)?;
        write_planned_book(plans, load, library, options, &mut staged, Some(spill))
            .map_err(untouched)?;
        staged.finish().map_err(untouched)?;
        set.push(staged);
        progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
        written.push(book.to_path_buf());
    }
    Ok((set, written))
}

/// How many handouts may be syncing at once. A sync waits for the disk, not for a core, and
/// syncs in flight together share the file system's journal commits: one after the other on
/// the writing thread, 20 bench handouts' syncs took 0.11–0.15 s on a disk shared with other
/// work, as long as rendering them, and the renderers waited for the writer.
const SYNCS_IN_FLIGHT: usize = 8;

/// Writes each handout under a temporary name as it comes and syncs and closes it on a thread
/// of its own, at most [`SYNCS_IN_FLIGHT`] at once; `synced` is called as each is done.
/// Returns each handout's outcome by its index: a rendering failure passed on, or how the
/// writing went.
fn write_and_sync<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    handouts: impl Iterator<Item = (usize, Result<(PathBuf, Vec<u8>), ExportError>)>,
    synced: &(dyn Fn() + Sync),
) -> Vec<(usize, Result<StagedFile, ExportError>)> {
    use std::io::Write;
    type Syncing<'scope> = std::thread::ScopedJoinHandle<'scope, Result<StagedFile, ExportError>>;
    let mut outcomes = Vec::new();
    let mut syncing: std::collections::VecDeque<(usize, Syncing<'scope>)> =
        std::collections::VecDeque::new();
    let join = |(index, sync): (usize, Syncing<'scope>),
                outcomes: &mut Vec<(usize, Result<StagedFile, ExportError>)>| {
        let outcome = sync.join().unwrap_or_else(|_| {
            Err(ExportError::Content(
                "syncing a handout panicked".to_owned(),
            ))
        });
        if outcome.is_ok() {
            synced();
        }
        outcomes.push((index, outcome));
    };
    for (index, handout) in handouts {
        let written = handout.and_then(|(path, bytes)| {
            let mut staged = StagedFile::create(&path)?;
            staged
                .write_all(&bytes)
                .map_err(|e| ExportError::io("write", &path, e))?;
            Ok(staged)
        });
        match written {
            Ok(mut staged) => {
                if syncing.len() >= SYNCS_IN_FLIGHT
                    && let Some(oldest) = syncing.pop_front()
                {
                    join(oldest, &mut outcomes);
                }
                let sync = scope.spawn(move || staged.finish().map(|()| staged));
                syncing.push_back((index, sync));
            }
            Err(error) => outcomes.push((index, Err(error))),
        }
    }
    for pending in syncing {
        join(pending, &mut outcomes);
    }
    outcomes
}

/// Whether two folders are one: by identity when both exist, else as written.
fn same_folder(a: &Path, b: &Path) -> bool {
    let lexical = |path: &Path| -> PathBuf {
        path.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    };
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => lexical(a) == lexical(b),
    }
}
