//! Pages of draws → a tagged PDF on krilla, conforming to PDF/UA-1 (and PDF/A-2 when asked).
//!
//! Every text draw is one marked-content sequence tagged into the structure node open around it
//! ([`Draw::Begin`]); text outside every node, and every rectangle, is an artifact (page
//! furniture, grounds, rules). A node's parent is the node open around it where it is first
//! met, so the structure tree follows the reading order the layout drew. Links are tagged
//! annotations inside their `Link` node, described by its words. krilla subsets and embeds the
//! faces, writes the XMP metadata and validates the document; a document it cannot make
//! conformant is an error, never a silently lesser file. [`super::compact`] then packs what it
//! wrote.

use std::collections::BTreeMap;
use std::num::NonZeroU16;

use krilla::Document;
use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target as LinkTarget};
use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope,
    Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{GlyphId, KrillaGlyph};

use super::compact::compact;
use super::font::{Face, Fonts, Source};
use super::layout::{Color, Draw, Frame, NodeId, Page, Role, Target};
use super::render::OutlineItem;
use crate::ExportError;

/// What the document says about itself.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub title: String,
    pub authors: Vec<String>,
    pub subject: String,
    pub keywords: Vec<String>,
    pub date: Option<(u16, u8, u8)>,
    /// BCP 47.
    pub lang: String,
    /// What the trailer `/ID` is derived from: the same document set another way (another
    /// paper size) is another document.
    pub document_id: String,
}

fn content_error(message: impl Into<String>) -> ExportError {
    ExportError::Content(message.into())
}

/// A child of a structure node, in reading order.
#[derive(Debug)]
enum Child {
    Node(NodeId),
    Content(Identifier),
}

/// What a page's drawing did to the structure, kept in drawing order until the surface is done.
enum Mark {
    /// A node met for the first time, under the node open around it.
    Place(NodeId, Option<NodeId>),
    /// Marked content drawn inside a node.
    Content(NodeId, Identifier),
}

/// The structure of one chapter (a handout, or the book's front matter).
#[derive(Debug, Default)]
struct ChapterTree {
    roles: Vec<Role>,
    children: Vec<Vec<Child>>,
    placed: Vec<bool>,
    /// Link nodes that received their annotation: a link whose target is not in this
    /// document (another guide's step, in a handout) is words only, tagged as a span.
    annotated: Vec<bool>,
}

/// A PDF being written page by page; pages are serialized as they are added, so what stays in
/// memory is the written PDF and the structure tree, not the pages' draws.
pub(crate) struct PdfWriter {
    document: Document,
    fonts: &'static Fonts,
    /// The glyphs of the run being drawn, kept between draws to spare an allocation each.
    glyphs: Vec<KrillaGlyph>,
    frame: Frame,
    page_count: usize,
    chapters: Vec<ChapterTree>,
    /// The top of the structure tree: chapters' nodes met outside any other node.
    roots: Vec<(usize, NodeId)>,
    /// Links to anchors written as placeholders for [`super::book_writer`], which makes them
    /// destinations when it merges this document (a part of the book) into the book.
    deferred_links: bool,
}

impl std::fmt::Debug for PdfWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfWriter")
            .field("pages", &self.page_count)
            .finish_non_exhaustive()
    }
}

fn paint(color: Color) -> Fill {
    let channel = |value: f32| (value.clamp(0.0, 1.0) * 255.0).round() as u8;
    let Color(r, g, b) = color;
    Fill {
        paint: rgb::Color::new(channel(r), channel(g), channel(b)).into(),
        ..Fill::default()
    }
}

fn tag_of(role: &Role) -> TagKind {
    match role {
        Role::Heading(level, title) => Tag::Hn(
            NonZeroU16::MIN.saturating_add(level.saturating_sub(1)),
            Some(title.clone()),
        )
        .into(),
        Role::Paragraph => Tag::P.into(),
        Role::List => Tag::L(ListNumbering::Decimal).into(),
        Role::ListItem => Tag::LI.into(),
        Role::Label => Tag::Lbl.into(),
        Role::ListBody => Tag::LBody.into(),
        Role::Table => Tag::Table.into(),
        Role::Row => Tag::TR.into(),
        Role::HeaderCell => Tag::TH(TableHeaderScope::Column).into(),
        Role::Cell => Tag::TD.into(),
        Role::Note => Tag::Note.into(),
        Role::Code => Tag::Code.into(),
        Role::Link(_) => Tag::Link.into(),
        Role::Contents => Tag::TOC.into(),
        Role::ContentsItem => Tag::TOCI.into(),
        Role::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
    }
}

impl PdfWriter {
    /// A document for PDF/UA-1, and PDF/A-2 (level a) too when `archival`. A document of many
    /// pages (the book) has each page deflated as it is added (`pages_held`), so that it holds
    /// them compressed; a handout's pages are deflated by [`compact`] at a faster level, once.
    pub(crate) fn new(
        fonts: &'static Fonts,
        frame: Frame,
        archival: bool,
        pages_held: bool,
    ) -> Result<Self, ExportError> {
        let mut configuration =
            ConfigurationBuilder::new().with_accessibility_validator(Accessibility::UA1);
        if archival {
            configuration = configuration.with_archival_validator(Archival::A2_A);
        }
        let configuration = configuration
            .finish()
            .map_err(|e| content_error(format!("the PDF configuration is invalid: {e:?}")))?;
        let settings = krilla::SerializeSettings {
            configuration,
            enable_tagging: true,
            compress_content_streams: pages_held,
            xmp_metadata: true,
            ..krilla::SerializeSettings::default()
        };
        Ok(PdfWriter {
            document: Document::new_with(settings),
            fonts,
            glyphs: Vec::new(),
            frame,
            page_count: 0,
            chapters: Vec::new(),
            roots: Vec::new(),
            deferred_links: false,
        })
    }

    /// Makes this document a part of a book: its anchors' pages are the book's.
    pub(crate) fn defer_anchor_links(&mut self) {
        self.deferred_links = true;
    }

    /// Starts a chapter whose pages will refer to the nodes of `roles`; returns its key.
    pub(crate) fn chapter(&mut self, roles: Vec<Role>) -> usize {
        let count = roles.len();
        self.chapters.push(ChapterTree {
            roles,
            children: (0..count).map(|_| Vec::new()).collect(),
            placed: vec![false; count],
            annotated: vec![false; count],
        });
        self.chapters.len() - 1
    }

    /// Puts node `node` under `parent` (or the root) the first time it is met.
    fn place(&mut self, chapter: usize, node: NodeId, parent: Option<NodeId>) {
        let Some(tree) = self.chapters.get_mut(chapter) else {
            return;
        };
        let index = node as usize;
        if tree.placed.get(index).copied().unwrap_or(true) {
            return;
        }
        tree.placed[index] = true;
        match parent {
            Some(parent) if (parent as usize) < tree.children.len() => {
                tree.children[parent as usize].push(Child::Node(node));
            }
            _ => self.roots.push((chapter, node)),
        }
    }

    fn attach(&mut self, chapter: usize, node: NodeId, id: Identifier) {
        if let Some(children) = self
            .chapters
            .get_mut(chapter)
            .and_then(|tree| tree.children.get_mut(node as usize))
        {
            children.push(Child::Content(id));
        }
    }

    fn link_description(&self, chapter: usize, node: NodeId) -> Option<String> {
        match self.chapters.get(chapter)?.roles.get(node as usize)? {
            Role::Link(words) => Some(words.clone()),
            _ => None,
        }
    }

    /// Writes pages of chapter `chapter`; `anchors` are the whole document's (page, top).
    pub(crate) fn pages(
        &mut self,
        chapter: usize,
        pages: &[Page],
        anchors: &BTreeMap<String, (usize, f32)>,
    ) -> Result<(), ExportError> {
        for page in pages {
            self.page(chapter, page, anchors)?;
        }
        Ok(())
    }

    fn page(
        &mut self,
        chapter: usize,
        laid: &Page,
        anchors: &BTreeMap<String, (usize, f32)>,
    ) -> Result<(), ExportError> {
        let settings = PageSettings::from_wh(self.frame.page_width, self.frame.page_height)
            .ok_or_else(|| content_error("the page size is invalid"))?;
        // What the surface marks, applied to the structure once the surface is done with.
        // In the order drawn: a node placed among its parent's content, not before all of it,
        // so that the tree reads in the order the page paints (outloud ORD-001).
        let mut marks: Vec<Mark> = Vec::new();
        let mut links: Vec<(Rect, LinkTarget, Option<NodeId>)> = Vec::new();
        let deferred = self.deferred_links;
        let mut document = std::mem::take(&mut self.document);
        {
            let mut page = document.start_page_with(settings);
            {
                let mut surface = page.surface();
                let mut open: Vec<NodeId> = Vec::new();
                for (dx, dy, draw) in laid.draws() {
                    match draw {
                        Draw::Begin(node) => {
                            marks.push(Mark::Place(*node, open.last().copied()));
                            open.push(*node);
                        }
                        Draw::End => {
                            open.pop();
                        }
                        Draw::Text { x, y, style, text } => {
                            if text.is_empty() {
                                continue;
                            }
                            let tag = match open.last() {
                                Some(_) => ContentTag::Span(SpanTag::empty()),
                                None => ContentTag::Artifact(Artifact::with_kind(
                                    ArtifactType::PaginationOther,
                                )),
                            };
                            let id = surface.start_tagged(tag);
                            self.draw_text(
                                &mut surface,
                                x + dx,
                                y + dy,
                                style.face,
                                style.size,
                                style.color,
                                text,
                            );
                            surface.end_tagged();
                            if let Some(node) = open.last() {
                                marks.push(Mark::Content(*node, id));
                            }
                        }
                        Draw::Rect { x, y, w, h, fill } => {
                            let Some(rect) = Rect::from_xywh(x + dx, y + dy, *w, *h) else {
                                continue;
                            };
                            let mut path = PathBuilder::new();
                            path.push_rect(rect);
                            let Some(path) = path.finish() else {
                                continue;
                            };
                            surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                                ArtifactType::Layout,
                            )));
                            surface.set_fill(Some(paint(*fill)));
                            surface.draw_path(&path);
                            surface.end_tagged();
                        }
                        Draw::Image {
                            x,
                            y,
                            w,
                            h,
                            picture,
                        } => {
                            let (Some(image), Some(size)) = (
                                super::image::to_krilla(picture.format, &picture.bytes),
                                Size::from_wh(*w, *h),
                            ) else {
                                continue;
                            };
                            let tag = match open.last() {
                                Some(_) => ContentTag::Other,
                                None => {
                                    ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout))
                                }
                            };
                            let id = surface.start_tagged(tag);
                            surface.push_transform(&Transform::from_translate(x + dx, y + dy));
                            surface.draw_image(image, size);
                            surface.pop();
                            surface.end_tagged();
                            if let Some(node) = open.last() {
                                marks.push(Mark::Content(*node, id));
                            }
                        }
                        Draw::Link { x, y, w, h, target } => {
                            let Some(rect) = Rect::from_xywh(x + dx, y + dy, *w, *h) else {
                                continue;
                            };
                            let target = match target {
                                Target::Anchor(anchor) => {
                                    let Some((page_index, top)) = anchors.get(anchor) else {
                                        continue;
                                    };
                                    if deferred {
                                        let uri =
                                            super::book_writer::deferred_link(*page_index, *top);
                                        LinkTarget::Action(Action::Link(LinkAction::new(uri)))
                                    } else {
                                        LinkTarget::Destination(Destination::Xyz(
                                            XyzDestination::new(
                                                *page_index,
                                                Point::from_xy(0.0, *top),
                                            ),
                                        ))
                                    }
                                }
                                Target::Uri(uri) => {
                                    LinkTarget::Action(Action::Link(LinkAction::new(uri.clone())))
                                }
                            };
                            links.push((rect, target, open.last().copied()));
                        }
                    }
                }
                surface.finish();
            }
            for mark in marks {
                match mark {
                    Mark::Place(node, parent) => self.place(chapter, node, parent),
                    Mark::Content(node, id) => self.attach(chapter, node, id),
                }
            }
            for (rect, target, node) in links {
                let description = node.and_then(|node| self.link_description(chapter, node));
                let annotation = Annotation::new_link(
                    LinkAnnotation::new(rect, target),
                    Some(description.clone().unwrap_or_else(|| "Link".to_owned())),
                );
                let id = page.add_tagged_annotation(annotation);
                match node {
                    Some(node) => {
                        self.attach(chapter, node, id);
                        if let Some(flag) = self
                            .chapters
                            .get_mut(chapter)
                            .and_then(|tree| tree.annotated.get_mut(node as usize))
                        {
                            *flag = true;
                        }
                    }
                    None => {
                        // A link outside every node still needs a parent in the tree.
                        let tree_node = self.chapter_node(chapter, Role::Link("Link".to_owned()));
                        self.place(chapter, tree_node, None);
                        self.attach(chapter, tree_node, id);
                    }
                }
            }
            page.finish();
        }
        self.document = document;
        self.page_count += 1;
        Ok(())
    }

    fn chapter_node(&mut self, chapter: usize, role: Role) -> NodeId {
        match self.chapters.get_mut(chapter) {
            Some(tree) => {
                tree.roles.push(role);
                tree.children.push(Vec::new());
                tree.placed.push(false);
                tree.annotated.push(true);
                (tree.roles.len() - 1) as NodeId
            }
            None => 0,
        }
    }

    /// Draws `text` as runs of the fonts that draw its characters (the face, or a `[pdf]
    /// fonts` file for what the face lacks), each glyph advanced by the font's own width.
    #[allow(clippy::too_many_arguments)]
    fn draw_text(
        &mut self,
        surface: &mut Surface<'_>,
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        color: Color,
        text: &str,
    ) {
        surface.set_fill(Some(paint(color)));
        let mut run_x = x;
        let mut run_source = None;
        self.glyphs.clear();
        for (at, c) in text.char_indices() {
            let Some(glyph) = self.fonts.glyph(face, c) else {
                continue;
            };
            if run_source.is_some_and(|source| source != glyph.source) {
                run_x = self.draw_run(surface, run_x, y, run_source, size, text);
            }
            run_source = Some(glyph.source);
            self.glyphs.push(KrillaGlyph::new(
                GlyphId::new(u32::from(glyph.id)),
                glyph.advance,
                0.0,
                0.0,
                0.0,
                at..at + c.len_utf8(),
                None,
            ));
        }
        self.draw_run(surface, run_x, y, run_source, size, text);
    }

    /// Draws the glyphs gathered for one font and empties the buffer; returns where the next
    /// run starts.
    fn draw_run(
        &mut self,
        surface: &mut Surface<'_>,
        x: f32,
        y: f32,
        source: Option<Source>,
        size: f32,
        text: &str,
    ) -> f32 {
        let advance: f32 = self.glyphs.iter().map(|glyph| glyph.x_advance).sum();
        if let Some(font) = source.and_then(|source| self.fonts.pdf_font(source))
            && !self.glyphs.is_empty()
        {
            surface.draw_glyphs(
                Point::from_xy(x, y),
                &self.glyphs,
                font.clone(),
                text,
                size,
                false,
            );
        }
        self.glyphs.clear();
        x + advance * size
    }

    /// The structure tree, built without recursion: children before their parents.
    fn tag_tree(&mut self, lang: &str) -> TagTree {
        let mut tree = TagTree::new().with_lang(Some(lang.to_owned()));
        let roots = std::mem::take(&mut self.roots);
        for (chapter, root) in roots {
            let Some(chapter_tree) = self.chapters.get_mut(chapter) else {
                continue;
            };
            // Post-order: a node is built once all its children are.
            let mut built: BTreeMap<NodeId, TagGroup> = BTreeMap::new();
            let mut stack: Vec<(NodeId, bool)> = vec![(root, false)];
            while let Some((node, expanded)) = stack.pop() {
                let index = node as usize;
                if expanded {
                    let role = chapter_tree
                        .roles
                        .get(index)
                        .cloned()
                        .unwrap_or(Role::Paragraph);
                    let unlinked = matches!(role, Role::Link(_))
                        && !chapter_tree.annotated.get(index).copied().unwrap_or(false);
                    let tag = if unlinked {
                        Tag::Span.into()
                    } else {
                        tag_of(&role)
                    };
                    let mut group = TagGroup::new(tag);
                    for child in std::mem::take(&mut chapter_tree.children[index]) {
                        match child {
                            Child::Content(id) => group.push(id),
                            Child::Node(child) => {
                                if let Some(done) = built.remove(&child) {
                                    group.push(done);
                                }
                            }
                        }
                    }
                    built.insert(node, group);
                } else {
                    stack.push((node, true));
                    if let Some(children) = chapter_tree.children.get(index) {
                        for child in children.iter().rev() {
                            if let Child::Node(child) = child {
                                stack.push((*child, false));
                            }
                        }
                    }
                }
            }
            if let Some(group) = built.remove(&root) {
                tree.push(Node::from(group));
            }
        }
        tree
    }

    /// Finishes the document: structure tree, outline, metadata; validated by krilla.
    pub(crate) fn finish(
        self,
        outline: &[OutlineItem],
        anchors: &BTreeMap<String, (usize, f32)>,
        meta: &Meta,
    ) -> Result<Vec<u8>, ExportError> {
        let written = self.finish_uncompacted(outline, anchors, meta)?;
        compact(&written).map_err(content_error)
    }

    /// [`Self::finish`] as krilla writes it, for a part of the book, which is merged as it is.
    pub(crate) fn finish_uncompacted(
        mut self,
        outline: &[OutlineItem],
        anchors: &BTreeMap<String, (usize, f32)>,
        meta: &Meta,
    ) -> Result<Vec<u8>, ExportError> {
        let tree = self.tag_tree(&meta.lang);
        self.document.set_tag_tree(tree);
        self.document
            .set_outline(outline_of(outline, anchors, self.frame.left));
        let mut metadata = Metadata::new()
            .title(meta.title.clone())
            .language(meta.lang.clone())
            .authors(meta.authors.clone())
            .document_id(meta.document_id.clone())
            .creator("remedy".to_owned())
            .producer("remedy".to_owned());
        if !meta.subject.is_empty() {
            metadata = metadata.description(meta.subject.clone());
        }
        if !meta.keywords.is_empty() {
            metadata = metadata.keywords(meta.keywords.clone());
        }
        if let Some((year, month, day)) = meta.date {
            metadata = metadata.creation_date(DateTime::new(year).month(month).day(day));
        }
        self.document.set_metadata(metadata);
        self.document
            .finish()
            .map_err(|e| content_error(format!("the PDF cannot be written: {e:?}")))
    }
}

/// The outline, nested as the items are, each pointing at its heading; built with a stack.
fn outline_of(
    items: &[OutlineItem],
    anchors: &BTreeMap<String, (usize, f32)>,
    left: f32,
) -> Outline {
    fn node(
        item: &OutlineItem,
        anchors: &BTreeMap<String, (usize, f32)>,
        left: f32,
    ) -> Option<OutlineNode> {
        let (page, top) = anchors.get(&item.anchor)?;
        Some(OutlineNode::new(
            item.title.clone(),
            XyzDestination::new(*page, Point::from_xy(left, *top)),
        ))
    }
    let mut outline = Outline::new();
    // The outline is three levels deep at most (book, section, method): no input controls it.
    for item in items {
        let Some(mut first) = node(item, anchors, left) else {
            continue;
        };
        for child in &item.children {
            let Some(mut second) = node(child, anchors, left) else {
                continue;
            };
            for grandchild in &child.children {
                if let Some(third) = node(grandchild, anchors, left) {
                    second.push_child(third);
                }
            }
            first.push_child(second);
        }
        outline.push_child(first);
    }
    outline
}
