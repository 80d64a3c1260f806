//! The static site (SPEC §4, HTML): `index.html` with every guide and search, one page per
//! guide, the pictures copied beside them, one stylesheet and one small script. Every page
//! reads and works without the script; the script adds search, the jump from a "where to
//! start" answer to its method, step check-boxes remembered in the browser and "did this fix
//! it?" after each method. Nothing on a page is fetched from outside the site.
//!
//! The pages are the second typesetting of the format-neutral [`Handout`] (the PDF is the
//! first); the set of files is written as one ([`StagedSet`]): all new or all as before.

mod escape;
mod images;
mod index;
mod page;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::ExportGuide;
use crate::exporter::{Exporter, Progress, Shape, Staged};
use crate::handout::{self, Handout};
use crate::output::{ExportError, StagedFile, StagedSet, ensure_dir};

pub use escape::{escape, safe_url};
pub use index::INDEX_TITLE;

/// The stylesheet every page links: screen, dark mode and print.
pub const STYLESHEET: &str = include_str!("style.css");
/// The script every page loads (deferred); the pages work without it.
pub const SCRIPT: &str = include_str!("site.js");

/// What the HTML export needs beyond the guides.
#[derive(Debug, Clone, Default)]
pub struct HtmlOptions {
    /// The content root, where the guides' pictures are read from (never from outside it).
    pub content_root: PathBuf,
    /// Display names of platforms (`[platforms]` in `remedy.toml`), over the built-in ones.
    pub platform_names: BTreeMap<String, String>,
}

/// What an HTML export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlSummary {
    /// Guide pages.
    pub pages: usize,
    /// Pictures copied.
    pub images: usize,
}

/// The site as files: each path relative to the site folder, with its bytes; the pictures as
/// the files to copy. Deterministic: the same guides give the same files.
#[derive(Debug)]
pub struct Site {
    /// Pages, stylesheet, script and search index, by path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Pictures: their path in the site and the file inside the content root they come from.
    pub images: BTreeMap<String, PathBuf>,
}

/// Renders the whole site in memory (pictures by reference, not read): each guide's handout,
/// built once, as a page; the front page and the search index from the same handouts.
pub fn render_site(guides: &[ExportGuide<'_>], options: &HtmlOptions) -> Site {
    let library = handout::library(guides);
    let pages: Vec<(Handout, String, images::Images)> = guides
        .par_iter()
        .map(|export| {
            let handout = Handout::new(export, &library, &options.platform_names);
            let mut images = images::Images::new(&options.content_root);
            let html = page::Page {
                handout: &handout,
                images: &mut images,
                out: String::new(),
            }
            .render();
            (handout, html, images)
        })
        .collect();
    let mut files = BTreeMap::new();
    let mut all_images = images::Images::new(&options.content_root);
    let mut handouts = Vec::with_capacity(pages.len());
    for (handout, html, images) in pages {
        files.insert(index::page_name(&handout.id), html.into_bytes());
        all_images.merge(images);
        handouts.push(handout);
    }
    files.insert(
        "index.html".into(),
        index::render_index(&handouts).into_bytes(),
    );
    files.insert(
        "search-index.js".into(),
        index::render_search_index(&handouts).into_bytes(),
    );
    files.insert("style.css".into(), STYLESHEET.as_bytes().to_vec());
    files.insert("site.js".into(), SCRIPT.as_bytes().to_vec());
    Site {
        files,
        images: all_images.into_placed(),
    }
}

/// Writes the site into `dir` (created if missing; other files in it are left alone), every
/// file staged and put in place together.
pub fn export_html(
    guides: &[ExportGuide<'_>],
    dir: &Path,
    options: &HtmlOptions,
) -> Result<HtmlSummary, ExportError> {
    let (files, _, summary) = stage_html(guides, dir, options)?;
    files.commit()?;
    Ok(summary)
}

/// Stages every file of the site in `dir`, for the caller to commit (with other formats' files,
/// for a build): the set, the paths it puts in place, and what it holds.
pub fn stage_html(
    guides: &[ExportGuide<'_>],
    dir: &Path,
    options: &HtmlOptions,
) -> Result<(StagedSet, Vec<PathBuf>, HtmlSummary), ExportError> {
    ensure_dir(dir)?;
    let site = render_site(guides, options);
    let mut set = StagedSet::new();
    let mut written = Vec::with_capacity(site.files.len() + site.images.len());
    for (name, bytes) in &site.files {
        let path = dir.join(name);
        let mut file = StagedFile::create(&path)?;
        file.write_all(bytes)
            .map_err(|e| ExportError::io("write", &path, e))?;
        set.push_finished(file)?;
        written.push(path);
    }
    for (name, source) in &site.images {
        let path = dir.join(name);
        let mut file = StagedFile::create(&path)?;
        let mut input =
            std::fs::File::open(source).map_err(|e| ExportError::io("read", source, e))?;
        std::io::copy(&mut input, &mut file).map_err(|e| ExportError::io("copy", &path, e))?;
        set.push_finished(file)?;
        written.push(path);
    }
    let summary = HtmlSummary {
        pages: guides.len(),
        images: site.images.len(),
    };
    Ok((set, written, summary))
}

/// The site as an [`Exporter`]: it needs every guide at once (the front page, the search index
/// and the links and titles across guides).
#[derive(Debug, Clone)]
pub struct HtmlExporter {
    /// The site's folder.
    pub dir: PathBuf,
    /// The content root and platform names.
    pub options: HtmlOptions,
}

impl Exporter for HtmlExporter {
    fn shape(&self) -> Shape {
        Shape::WholeSet
    }

    fn outputs(&self) -> Vec<PathBuf> {
        vec![self.dir.clone()]
    }

    fn stage_all(
        &self,
        guides: &[ExportGuide<'_>],
        progress: Progress<'_>,
    ) -> Result<Staged, ExportError> {
        let (files, written, summary) = stage_html(guides, &self.dir, &self.options)?;
        progress(guides.len(), guides.len());
        let pages = match guides.len() {
            1 => "1 page".to_owned(),
            n => format!("{n} pages"),
        };
        let what = match summary.images {
            0 => format!("{pages} and index.html"),
            1 => format!("{pages}, index.html and 1 picture"),
            n => format!("{pages}, index.html and {n} pictures"),
        };
        Ok(Staged::of(files, written, vec![(what, self.dir.clone())]))
    }
}
