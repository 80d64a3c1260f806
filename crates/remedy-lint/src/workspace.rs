//! The linter for an editor: every guide of the content root indexed once, in memory, and the
//! open documents linted from the editor's text as the writer types.
//!
//! [`lint`](crate::lint) walks and parses the whole content root on every run, which is right
//! for CI and far too slow per keystroke on a thousand guides. A [`Workspace`] keeps, for every
//! guide file, an [`Outline`]: its ids with their places and titles and its references with
//! theirs. The cross-guide index is rebuilt from the outlines (no parse) when an id changes, and
//! an open document is linted alone against it, with the same rules, messages and positions as
//! `remedy lint` gives for the same text.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use remedy_core::corpus::discover;
use remedy_core::load::file_stem;
use remedy_core::{
    Expected, Guide, GuideIds, IdIndex, IdKind, LoadOptions, SourceText, Span, parse_text,
};
use serde::Deserialize;
use serde_json::Value;

use crate::config::Config;
use crate::engine::{LintError, OneFile, lint_one};
use crate::finding::Finding;
use crate::rules::duplicate_id;

/// An id a guide declares, where, and what it is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredId {
    /// The id as written.
    pub id: String,
    /// What it names.
    pub kind: IdKind,
    /// The JSON Pointer of the id's value (`/methods/1/id`).
    pub pointer: String,
    /// Where the id's value is.
    pub span: Span,
    /// The cause's or method's title, or the step's text.
    pub title: String,
}

/// A reference a guide makes, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceAt {
    /// The reference as written: `ID`, `GUIDE#ID`, or a guide id for `related`.
    pub text: String,
    /// What it must name.
    pub expected: Expected,
    /// The JSON Pointer of the reference's value.
    pub pointer: String,
    /// Where the reference's value is (quotes included when it is quoted).
    pub span: Span,
    /// Whether it is written inside a text (an internal link), where `span` is the whole text,
    /// rather than as an entry of `see`, `addresses`, `try` or `related`.
    pub in_text: bool,
}

impl ReferenceAt {
    /// The guide it points into: the part before `#`, the guide itself for `related`, or `None`
    /// for an id of the guide it is written in.
    pub fn target_guide(&self) -> Option<&str> {
        match self.text.split_once('#') {
            Some((guide, _)) => Some(guide),
            None if self.expected == Expected::Guide => Some(&self.text),
            None => None,
        }
    }

    /// The id it names inside that guide; `None` for `related`.
    pub fn target_id(&self) -> Option<&str> {
        match self.text.split_once('#') {
            Some((_, id)) => Some(id),
            None if self.expected == Expected::Guide => None,
            None => Some(&self.text),
        }
    }
}

/// What the workspace knows of one guide file, from its last text.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// The file (absolute, normalized).
    pub path: PathBuf,
    /// How findings name it: relative to the working directory when below it.
    pub display: PathBuf,
    /// The guide's `id`, when the file parses and has one.
    pub guide_id: Option<String>,
    /// Where the guide's `id` value is.
    pub guide_id_span: Option<Span>,
    /// The guide's `title`.
    pub title: Option<String>,
    /// Every cause, method and step id, in document order.
    pub declarations: Vec<DeclaredId>,
    /// Every reference, in document order (only when the guide reads as a typed guide).
    pub references: Vec<ReferenceAt>,
    /// The ids for the cross-guide index; `None` when they are unknown (the file does not parse
    /// or has no id), so that references into it are not checked.
    ids: Option<GuideIds>,
}

impl Outline {
    /// Reads a guide's text for its ids and references. Never fails: a file that does not
    /// parse has an empty outline.
    pub fn of(path: &Path, display: PathBuf, text: &str) -> Self {
        let mut outline = Outline {
            path: path.to_path_buf(),
            display,
            ..Outline::default()
        };
        let source = SourceText::new(text.to_owned());
        // The core's pipeline to the raw document; no schema: an outline is what the text
        // says, whatever else is wrong with it.
        let Ok(parsed) = parse_text(path.to_path_buf(), source, &LoadOptions::default()) else {
            return outline;
        };
        let document = &parsed.document;
        let value = &document.value;
        let map = &document.source_map;
        let guide = Guide::deserialize(value).ok();
        let mut declarations = duplicate_id::declarations(guide.as_ref(), value);
        declarations.sort_by_key(|d| map.nearest(&d.pointer).value.start);
        outline.declarations = declarations
            .into_iter()
            .map(|d| {
                let owner = d.pointer.strip_suffix("/id").unwrap_or_default();
                let title = ["title", "text"]
                    .iter()
                    .find_map(|key| {
                        value
                            .pointer(&format!("{owner}/{key}"))
                            .and_then(Value::as_str)
                    })
                    .unwrap_or_default()
                    .to_owned();
                DeclaredId {
                    span: map.nearest(&d.pointer).value,
                    id: d.id,
                    kind: d.kind,
                    pointer: d.pointer,
                    title,
                }
            })
            .collect();
        if let Some(guide) = &guide {
            guide.for_each_reference(|text, expected, pointer| {
                let pointer = pointer();
                let field = pointer
                    .rsplit('/')
                    .find(|token| token.parse::<usize>().is_err())
                    .unwrap_or_default();
                outline.references.push(ReferenceAt {
                    text: text.to_owned(),
                    expected,
                    span: map.nearest(&pointer).value,
                    in_text: !matches!(field, "see" | "addresses" | "try" | "related"),
                    pointer,
                });
            });
        }
        outline.title = value
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(id) = value.get("id").and_then(Value::as_str) {
            outline.guide_id = Some(id.to_owned());
            outline.guide_id_span = map.get("/id").map(|node| node.value);
            outline.ids = Some(GuideIds::new(
                outline.declarations.iter().map(|d| (d.id.as_str(), d.kind)),
            ));
        }
        outline
    }

    /// The declaration of `id` in this guide (the first, when it is declared twice).
    pub fn declaration(&self, id: &str) -> Option<&DeclaredId> {
        self.declarations.iter().find(|d| d.id == id)
    }
}

/// The cross-guide index built from the outlines.
#[derive(Debug, Default)]
struct Built {
    index: IdIndex,
    unknown: HashSet<Box<str>>,
    /// Each guide id's files, by display path: the first holds the id.
    holders: HashMap<Box<str>, Vec<PathBuf>>,
}

/// Every guide of the content root, and the documents open in the editor.
#[derive(Debug)]
pub struct Workspace {
    config: Config,
    cwd: PathBuf,
    content_root: PathBuf,
    outlines: BTreeMap<PathBuf, Outline>,
    /// The editor's text of each open document, by path.
    open: HashMap<PathBuf, String>,
    built: Option<Built>,
}

impl Workspace {
    /// Indexes every guide under the configured content root (relative to `cwd` when
    /// relative). A content root that does not exist gives an empty workspace: the open
    /// documents are still linted.
    pub fn load(config: Config, cwd: &Path) -> Self {
        let cwd = normalize(cwd);
        let content_root = normalize(&cwd.join(&config.content));
        let files = if content_root.is_dir() {
            discover(std::slice::from_ref(&content_root))
                .map(|found| found.files)
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let limit = LoadOptions::default().max_file_bytes;
        let outlines: Vec<Outline> = files
            .into_par_iter()
            .map(|path| {
                let path = normalize(&path);
                let display = display_of(&path, &cwd);
                match SourceText::read(&path, limit) {
                    Ok(source) => Outline::of(&path, display, source.as_str()),
                    Err(_) => Outline {
                        path,
                        display,
                        ..Outline::default()
                    },
                }
            })
            .collect();
        Self {
            config,
            cwd,
            content_root,
            outlines: outlines
                .into_iter()
                .map(|outline| (outline.path.clone(), outline))
                .collect(),
            open: HashMap::new(),
            built: None,
        }
    }

    /// The content root (absolute).
    pub fn content_root(&self) -> &Path {
        &self.content_root
    }

    /// The configuration the documents are linted with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Opens a document, or takes its new text. Returns the guide ids whose ids may have
    /// changed (the old and the new guide id of the file) when its ids or references changed.
    pub fn set_text(&mut self, path: &Path, text: String) -> Vec<String> {
        let path = normalize(path);
        let outline = Outline::of(&path, display_of(&path, &self.cwd), &text);
        self.open.insert(path.clone(), text);
        self.replace(path, Some(outline))
    }

    /// Closes a document: the file on disk counts again (or nothing, when it is gone or
    /// outside the content root).
    pub fn close(&mut self, path: &Path) -> Vec<String> {
        let path = normalize(path);
        self.open.remove(&path);
        self.reload(&path)
    }

    /// Reads a file again from disk (it changed there), unless it is open.
    pub fn reload(&mut self, path: &Path) -> Vec<String> {
        let path = normalize(path);
        if self.open.contains_key(&path) {
            return Vec::new();
        }
        let limit = LoadOptions::default().max_file_bytes;
        let inside = path.starts_with(&self.content_root)
            && remedy_core::corpus::is_guide_file(&path)
            && path.is_file();
        let outline = inside.then(|| {
            let display = display_of(&path, &self.cwd);
            match SourceText::read(&path, limit) {
                Ok(source) => Outline::of(&path, display, source.as_str()),
                Err(_) => Outline {
                    path: path.clone(),
                    display,
                    ..Outline::default()
                },
            }
        });
        self.replace(path, outline)
    }

    fn replace(&mut self, path: PathBuf, outline: Option<Outline>) -> Vec<String> {
        let old = self.outlines.remove(&path);
        let same = match (&old, &outline) {
            (Some(old), Some(new)) => old.guide_id == new.guide_id && old.ids == new.ids,
            (None, None) => true,
            _ => false,
        };
        let mut changed: Vec<String> = old.into_iter().filter_map(|o| o.guide_id).collect();
        if let Some(outline) = outline {
            changed.extend(outline.guide_id.clone());
            self.outlines.insert(path, outline);
        }
        changed.dedup();
        if same {
            // What other guides resolve against is the same: only this file's own findings
            // can change.
            return Vec::new();
        }
        self.built = None;
        changed
    }

    /// The text of an open document.
    pub fn text(&self, path: &Path) -> Option<&str> {
        self.open.get(&normalize(path)).map(String::as_str)
    }

    /// The open documents' paths.
    pub fn open_paths(&self) -> impl Iterator<Item = &Path> {
        self.open.keys().map(PathBuf::as_path)
    }

    /// A file's outline.
    pub fn outline(&self, path: &Path) -> Option<&Outline> {
        self.outlines.get(&normalize(path))
    }

    /// Every file's outline, by path.
    pub fn outlines(&self) -> impl Iterator<Item = &Outline> {
        self.outlines.values()
    }

    /// The file that holds a guide id (the first by display path, as `remedy lint` has it).
    pub fn guide(&self, guide_id: &str) -> Option<&Outline> {
        self.outlines
            .values()
            .filter(|outline| outline.guide_id.as_deref() == Some(guide_id))
            .min_by(|a, b| a.display.cmp(&b.display))
    }

    /// Whether a file refers to, or shares the id of, any of these guides: it must be linted
    /// again when their ids change.
    pub fn depends_on(&self, path: &Path, guide_ids: &[String]) -> bool {
        let Some(outline) = self.outline(path) else {
            return false;
        };
        let named = |id: &str| guide_ids.iter().any(|g| g == id);
        outline.guide_id.as_deref().is_some_and(named)
            || outline
                .references
                .iter()
                .any(|r| r.target_guide().is_some_and(named))
    }

    fn built(&mut self) -> &Built {
        self.built.get_or_insert_with(|| {
            let mut ordered: Vec<&Outline> = self.outlines.values().collect();
            ordered.sort_by(|a, b| a.display.cmp(&b.display));
            let mut built = Built {
                index: IdIndex::with_capacity(ordered.len()),
                ..Built::default()
            };
            let mut stems = Vec::new();
            for outline in ordered {
                match (&outline.guide_id, &outline.ids) {
                    (Some(guide), Some(ids)) => {
                        built.index.insert(guide, ids.clone());
                        built
                            .holders
                            .entry(guide.as_str().into())
                            .or_default()
                            .push(outline.display.clone());
                    }
                    _ => stems.extend(file_stem(&outline.path).map(Box::<str>::from)),
                }
            }
            built.unknown = stems
                .into_iter()
                .filter(|stem| !built.index.contains(stem))
                .collect();
            built
        })
    }

    /// Lints an open document's text against every guide of the workspace: the findings
    /// `remedy lint` gives for that text, sorted. A document that is not open has none.
    pub fn lint(&mut self, path: &Path) -> Result<Vec<Finding>, LintError> {
        let path = normalize(path);
        let Some(text) = self.open.get(&path).cloned() else {
            return Ok(Vec::new());
        };
        let display = display_of(&path, &self.cwd);
        // Built first: it borrows the workspace mutably.
        self.built();
        let Some(built) = self.built.as_ref() else {
            return Ok(Vec::new());
        };
        let taken_by = |guide: &str| {
            built
                .holders
                .get(guide)
                .and_then(|holders| holders.first())
                .filter(|first| **first != display)
                .cloned()
        };
        // `remedy lint` reports a shared title on the later file, in path order.
        let outlines = &self.outlines;
        let title_taken_by = |title: &str, guide: Option<&str>| {
            outlines
                .range(..path.clone())
                .map(|(_, outline)| outline)
                .find(|outline| {
                    let other = outline.guide_id.as_deref();
                    (guide.is_none() || other != guide)
                        && outline
                            .title
                            .as_deref()
                            .map(crate::rules::duplicate_title::normalized)
                            .is_some_and(|t| !t.is_empty() && t == title)
                })
                .map(|outline| outline.display.clone())
        };
        lint_one(OneFile {
            path: path.clone(),
            display: display.clone(),
            bytes: text.into_bytes(),
            config: &self.config,
            content_root: &self.content_root,
            index: &built.index,
            unknown: &built.unknown,
            taken_by: &taken_by,
            title_taken_by: &title_taken_by,
        })
    }
}

/// How findings name a file: relative to the working directory when below it.
fn display_of(path: &Path, cwd: &Path) -> PathBuf {
    match path.strip_prefix(cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

/// Removes `.` and resolves `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
