//! The layout model: styled spans broken into lines with real advance widths, lines gathered into
//! unsplittable units, units into blocks with keep rules, blocks paginated onto pages.
//!
//! Coordinates here run from the top-left of the content area downwards, in points; the PDF
//! writer turns them into PDF space (origin bottom-left).

use std::collections::BTreeMap;
use std::sync::Arc;

use hypher::Lang;
use unicode_linebreak::BreakClass;

use super::font::{Face, Fonts};
use super::image::Picture;
use super::linebreak::{BREAK_HYPHEN, End, Piece, segments};

/// An RGB colour, each channel 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Color(pub f32, pub f32, pub f32);

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub color: Color,
}

impl Style {
    pub(crate) const fn new(face: Face, size: f32, color: Color) -> Self {
        Style { face, size, color }
    }
}

/// A node of a chapter's structure tree: an index into its [`Role`]s.
pub(crate) type NodeId = u32;

/// What a node of the structure tree is, for readers that do not see the page (PDF/UA tags).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Role {
    /// A heading of level 1–3, with its text.
    Heading(u16, String),
    Paragraph,
    List,
    ListItem,
    Label,
    ListBody,
    Table,
    Row,
    HeaderCell,
    Cell,
    /// A warning: read before the step it guards.
    Note,
    Code,
    /// A link, with the words that describe where it goes.
    Link(String),
    Contents,
    ContentsItem,
    /// A picture, with the words that say what it shows.
    Figure(String),
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Target {
    /// A named place in this document.
    Anchor(String),
    /// A web address.
    Uri(String),
}

/// A run of text in one style; a tag is set as a small label on a coloured ground.
#[derive(Debug, Clone)]
pub(crate) struct Span {
    pub text: String,
    pub style: Style,
    pub link: Option<Target>,
    pub tag: Option<Color>,
    /// A blank of this width instead of text: a break opportunity that vanishes at a line's
    /// ends (between the items of a facts line).
    pub gap: f32,
    /// The structure node the span's text belongs to inside its paragraph (a link's).
    pub node: Option<NodeId>,
}

impl Span {
    pub(crate) fn new(text: impl Into<String>, style: Style) -> Self {
        Span {
            text: text.into(),
            style,
            link: None,
            tag: None,
            gap: 0.0,
            node: None,
        }
    }

    pub(crate) fn gap(width: f32, style: Style) -> Self {
        Span {
            text: String::new(),
            style,
            link: None,
            tag: None,
            gap: width,
            node: None,
        }
    }

    pub(crate) fn link(mut self, target: Option<Target>) -> Self {
        self.link = target;
        self
    }

    pub(crate) fn within(mut self, node: Option<NodeId>) -> Self {
        self.node = node;
        self
    }

    pub(crate) fn tag(text: impl Into<String>, style: Style, ground: Color) -> Self {
        Span {
            text: text.into(),
            style,
            link: None,
            tag: Some(ground),
            gap: 0.0,
            node: None,
        }
    }
}

/// Something drawn, positioned relative to its unit's top-left (or, once paginated, the page's
/// top-left).
#[derive(Debug, Clone)]
pub(crate) enum Draw {
    /// Text on a baseline `y` below the top.
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
    },
    /// A filled rectangle whose top edge is `y` below the top.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Color,
    },
    /// A picture scaled into the rectangle whose top edge is `y` below the top.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        picture: Arc<Picture>,
    },
    /// A clickable area.
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        target: Target,
    },
    /// What follows, until the matching [`Draw::End`], belongs to this structure node (inside
    /// the node open before it). Text outside every node is page furniture.
    Begin(NodeId),
    End,
}

impl Draw {
    fn shifted(&self, dx: f32, dy: f32) -> Draw {
        match self {
            Draw::Text { x, y, style, text } => Draw::Text {
                x: x + dx,
                y: y + dy,
                style: *style,
                text: text.clone(),
            },
            Draw::Rect { x, y, w, h, fill } => Draw::Rect {
                x: x + dx,
                y: y + dy,
                w: *w,
                h: *h,
                fill: *fill,
            },
            Draw::Image {
                x,
                y,
                w,
                h,
                picture,
            } => Draw::Image {
                x: x + dx,
                y: y + dy,
                w: *w,
                h: *h,
                picture: Arc::clone(picture),
            },
            Draw::Link { x, y, w, h, target } => Draw::Link {
                x: x + dx,
                y: y + dy,
                w: *w,
                h: *h,
                target: target.clone(),
            },
            Draw::Begin(node) => Draw::Begin(*node),
            Draw::End => Draw::End,
        }
    }
}

/// Content that is never split across pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Unit {
    pub height: f32,
    pub draws: Vec<Draw>,
    /// Names of places at the unit's top (headings), for the outline and links.
    pub anchors: Vec<String>,
}

impl Unit {
    pub(crate) fn new(height: f32) -> Self {
        Unit {
            height,
            draws: Vec::new(),
            anchors: Vec::new(),
        }
    }

    /// Adds another unit's drawing, moved by `dx`, `dy`.
    pub(crate) fn absorb(&mut self, other: &Unit, dx: f32, dy: f32) {
        self.draws
            .extend(other.draws.iter().map(|draw| draw.shifted(dx, dy)));
        self.anchors.extend(other.anchors.iter().cloned());
    }

    /// Puts the unit's drawing inside the nodes of `path`, outermost first.
    pub(crate) fn within(&mut self, path: &[NodeId]) {
        if path.is_empty() {
            return;
        }
        let mut draws = Vec::with_capacity(self.draws.len() + 2 * path.len());
        draws.extend(path.iter().map(|node| Draw::Begin(*node)));
        draws.append(&mut self.draws);
        draws.extend(path.iter().map(|_| Draw::End));
        self.draws = draws;
    }

    /// The unit as page furniture: its structure marks removed (a table header drawn again).
    pub(crate) fn as_furniture(&self) -> Unit {
        Unit {
            height: self.height,
            draws: self
                .draws
                .iter()
                .filter(|draw| !matches!(draw, Draw::Begin(_) | Draw::End))
                .cloned()
                .collect(),
            anchors: Vec::new(),
        }
    }

    /// Stacks units into one.
    pub(crate) fn stack(units: &[Unit]) -> Unit {
        let mut out = Unit::new(0.0);
        for unit in units {
            out.absorb(unit, 0.0, out.height);
            out.height += unit.height;
        }
        out
    }
}

/// A run of units with rules for breaking.
#[derive(Debug, Clone, Default)]
pub(crate) struct Block {
    pub units: Vec<Unit>,
    /// Space above the block, dropped at the top of a page.
    pub space_before: f32,
    /// Move the whole block to the next page rather than split it (unless it is taller than a
    /// page).
    pub keep_together: bool,
    /// Never end a page with this block: it goes with the start of the next one (headings).
    pub keep_with_next: bool,
    /// Drawn again at the top of each page the block continues on (table header rows).
    pub repeat_header: Option<Unit>,
    /// Drawn, as page furniture, at the top of a page that starts with this block or inside
    /// it: "Method 2 (continued)", so that no part of a method opens a page without its name.
    pub continued: Option<Arc<Unit>>,
}

impl Block {
    pub(crate) fn new(units: Vec<Unit>, space_before: f32) -> Self {
        Block {
            units,
            space_before,
            ..Block::default()
        }
    }

    pub(crate) fn together(mut self) -> Self {
        self.keep_together = true;
        self
    }

    pub(crate) fn with_next(mut self) -> Self {
        self.keep_with_next = true;
        self
    }

    fn height(&self) -> f32 {
        self.units.iter().map(|unit| unit.height).sum()
    }

    /// The height that must fit for the block to start on a page: all of it when kept
    /// together, else its first two units (no single orphaned line).
    fn lead(&self) -> f32 {
        if self.keep_together {
            self.height()
        } else {
            self.units.iter().take(2).map(|unit| unit.height).sum()
        }
    }
}

/// One line of a broken paragraph: fragments placed from the line's left edge.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    pub width: f32,
    pub frags: Vec<Frag>,
}

/// A piece of a line in one style.
#[derive(Debug, Clone)]
pub(crate) struct Frag {
    pub x: f32,
    pub width: f32,
    pub text: String,
    pub style: Style,
    pub link: Option<Target>,
    pub tag: Option<Color>,
    pub node: Option<NodeId>,
}

/// Horizontal padding inside a tag.
pub(crate) const TAG_PAD: f32 = 3.0;

/// Characters after which a word too long for a line is preferably broken.
fn good_break_after(c: char) -> bool {
    matches!(
        c,
        '/' | '.' | '?' | '&' | '=' | '-' | '_' | '#' | ':' | ',' | ';'
    )
}

/// Splits a piece wider than `room` into a head that fits and the rest.
fn split_piece(fonts: &Fonts, style: Style, text: &str, room: f32) -> (String, String) {
    let mut used = 0.0;
    let mut fit = 0; // byte index after the last character that fits
    let mut last_good = None;
    for (index, c) in text.char_indices() {
        let w = fonts.char_width(style.face, style.size, c);
        // A combining mark or joiner stays with the character before it.
        let attached = matches!(
            unicode_linebreak::break_property(u32::from(c)),
            BreakClass::CombiningMark | BreakClass::ZeroWidthJoiner
        );
        if used + w > room && fit > 0 && !attached {
            break;
        }
        used += w;
        fit = index + c.len_utf8();
        if good_break_after(c) {
            last_good = Some(fit);
        }
    }
    // Prefer a natural break if it keeps at least two thirds of the line.
    let cut = match last_good {
        Some(good)
            if good < fit && fonts.width(style.face, style.size, &text[..good]) >= room * 0.66 =>
        {
            good
        }
        _ => fit,
    };
    (text[..cut].to_owned(), text[cut..].to_owned())
}

/// Moves the last characters of a line that ends inside a word onto the next line until the
/// hyphen drawn there (`hyphen` wide) fits in `width`; returns them, in order. A combining
/// mark goes with its letter; a tag is never taken apart.
fn make_room(
    fonts: &Fonts,
    spans: &[Span],
    current: &mut Vec<Piece>,
    current_width: &mut f32,
    width: f32,
    hyphen: f32,
) -> Vec<Piece> {
    let mut carried: Vec<Piece> = Vec::new();
    let mut attached = false;
    while attached || *current_width + hyphen > width + 0.001 {
        let Some(last) = current.last_mut() else {
            break;
        };
        if spans[last.0].tag.is_some() {
            break;
        }
        let Some(c) = last.1.pop() else {
            current.pop();
            continue;
        };
        let style = spans[last.0].style;
        let w = fonts.char_width(style.face, style.size, c);
        last.2 -= w;
        *current_width -= w;
        match carried.first_mut() {
            Some(first) if first.0 == last.0 => {
                first.1.insert(0, c);
                first.2 += w;
            }
            _ => carried.insert(0, (last.0, c.to_string(), w)),
        }
        if last.1.is_empty() {
            current.pop();
        }
        attached = matches!(
            unicode_linebreak::break_property(u32::from(c)),
            BreakClass::CombiningMark | BreakClass::ZeroWidthJoiner
        );
    }
    carried
}

/// A line at least this full without the word that does not fit is left ragged rather than
/// ended with a hyphen: hyphens where the line needs them, not wherever a word could break.
const HYPHENATE_BELOW: f32 = 0.85;

/// Breaks spans into lines no wider than `width` (greedy, first fit), without hyphenation:
/// see [`break_lines_in`].
pub(crate) fn break_lines(fonts: &Fonts, spans: &[Span], width: f32) -> Vec<Line> {
    break_lines_in(fonts, spans, width, None)
}

/// Breaks spans into lines no wider than `width` (greedy, first fit) at the break
/// opportunities of the Unicode rules and, with `lang`, at hyphenation points when the line
/// would otherwise be left short, drawing a hyphen where a word is broken. A word wider than a line is broken between characters,
/// preferably after `/`, `.`, `-` and the like, so nothing ever overflows.
pub(crate) fn break_lines_in(
    fonts: &Fonts,
    spans: &[Span],
    width: f32,
    lang: Option<Lang>,
) -> Vec<Line> {
    let width = width.max(1.0);
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    let mut current_width = 0.0f32;
    // The glue after the line's last segment, and whether a hyphen is drawn if it ends there.
    let mut pending: Option<(usize, f32)> = None;
    let mut hyphen_after: Option<usize> = None;
    // The word being set: the line's length and width before the glue in front of it, and
    // where its first piece is.
    let mut word: Option<(usize, f32, usize)> = None;
    let hyphen_width = |span: usize| {
        let style = spans[span].style;
        fonts.char_width(style.face, style.size, BREAK_HYPHEN)
    };
    let end_line = |current: &mut Vec<Piece>,
                    current_width: &mut f32,
                    lines: &mut Vec<Vec<Piece>>,
                    hyphen_after: Option<usize>| {
        if let Some(span) = hyphen_after
            && let Some(last) = current.last_mut()
        {
            last.1.push(BREAK_HYPHEN);
            last.2 += hyphen_width(span);
        }
        lines.push(std::mem::take(current));
        *current_width = 0.0;
    };
    for segment in segments(fonts, spans, lang) {
        if segment.pieces.is_empty() {
            if !current.is_empty()
                && let Some((span, w)) = segment.glue
            {
                pending = Some(pending.map_or((span, w), |(_, p)| (span, p.max(w))));
            }
            if segment.end == End::Mandatory && !current.is_empty() {
                end_line(&mut current, &mut current_width, &mut lines, None);
                pending = None;
            }
            continue;
        }
        let glue_width = if current.is_empty() {
            0.0
        } else {
            pending.map_or(0.0, |(_, w)| w)
        };
        let segment_width = segment.width();
        let last_span = segment.pieces.last().map(|(span, _, _)| *span);
        let own_hyphen = match (segment.end, last_span) {
            (End::Hyphen, Some(span)) => hyphen_width(span),
            _ => 0.0,
        };
        let starts_word = hyphen_after.is_none();
        if !current.is_empty()
            && current_width + glue_width + segment_width + own_hyphen > width + 0.001
        {
            // Breaking inside a word: only if the line would otherwise be left short.
            let carry = match (hyphen_after, word) {
                (Some(_), Some((glue_at, before, start)))
                    if glue_at > 0
                        && glue_at <= start
                        && start <= current.len()
                        && before >= width * HYPHENATE_BELOW =>
                {
                    Some((glue_at, start))
                }
                _ => None,
            };
            match carry {
                Some((glue_at, start)) => {
                    let carried = current.split_off(start);
                    current.truncate(glue_at);
                    end_line(&mut current, &mut current_width, &mut lines, None);
                    current_width = carried.iter().map(|(_, _, w)| w).sum();
                    current = carried;
                }
                None => {
                    let hyphen = hyphen_after.map_or(0.0, hyphen_width);
                    let carried = make_room(
                        fonts,
                        spans,
                        &mut current,
                        &mut current_width,
                        width,
                        hyphen,
                    );
                    if !current.is_empty() {
                        end_line(&mut current, &mut current_width, &mut lines, hyphen_after);
                    }
                    current_width = carried.iter().map(|(_, _, w)| w).sum();
                    current = carried;
                }
            }
            word = Some((0, 0.0, 0));
        } else {
            let (glue_at, before) = (current.len(), current_width);
            if !current.is_empty()
                && let Some((span, w)) = pending
            {
                let blank = if spans[span].gap > 0.0 { "" } else { " " };
                current.push((span, blank.to_owned(), w));
                current_width += w;
            }
            if starts_word {
                word = Some((glue_at, before, current.len()));
            }
        }
        for (span, text, piece_width) in segment.pieces {
            if current_width + piece_width <= width + 0.001
                || spans[span].tag.is_some() && current.is_empty()
            {
                current_width += piece_width;
                current.push((span, text, piece_width));
                continue;
            }
            // Too wide: break the piece itself.
            let style = spans[span].style;
            let mut rest = text;
            while !rest.is_empty() {
                let rest_width = fonts.width(style.face, style.size, &rest);
                if current_width + rest_width <= width + 0.001 {
                    current_width += rest_width;
                    current.push((span, rest, rest_width));
                    break;
                }
                let room = width - current_width;
                let (head, tail) = split_piece(fonts, style, &rest, room);
                let head_width = fonts.width(style.face, style.size, &head);
                word = None;
                if head_width > room + 0.001 && !current.is_empty() {
                    // Not even one character fits after what is on the line: new line.
                    end_line(&mut current, &mut current_width, &mut lines, None);
                    continue;
                }
                current.push((span, head, head_width));
                end_line(&mut current, &mut current_width, &mut lines, None);
                rest = tail;
            }
        }
        pending = segment.glue;
        hyphen_after = match segment.end {
            End::Hyphen => last_span,
            _ => None,
        };
        if segment.end == End::Mandatory {
            end_line(&mut current, &mut current_width, &mut lines, None);
            pending = None;
            hyphen_after = None;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
        .into_iter()
        .map(|mut pieces| {
            // Trailing glue never ends a line.
            while pieces
                .last()
                .is_some_and(|(_, text, _)| text == " " || text.is_empty())
            {
                pieces.pop();
            }
            let mut line = Line::default();
            for (span, text, piece_width) in pieces {
                let source = &spans[span];
                let merge = source.tag.is_none()
                    && !text.is_empty()
                    && line.frags.last().is_some_and(|frag: &Frag| {
                        frag.tag.is_none()
                            && !frag.text.is_empty()
                            && frag.style == source.style
                            && frag.link == source.link
                            && frag.node == source.node
                    });
                if merge {
                    if let Some(frag) = line.frags.last_mut() {
                        frag.text.push_str(&text);
                        frag.width += piece_width;
                    }
                } else {
                    line.frags.push(Frag {
                        x: line.width,
                        width: piece_width,
                        text,
                        style: source.style,
                        link: source.link.clone(),
                        tag: source.tag,
                        node: source.node,
                    });
                }
                line.width += piece_width;
            }
            line
        })
        .collect()
}

/// Cap height of DejaVu Sans, in em.
pub(crate) const CAP_HEIGHT: f32 = 0.729;

/// The baseline of text of `size` in a line box `leading` tall: the capitals centred.
pub(crate) fn baseline(size: f32, leading: f32) -> f32 {
    (leading + CAP_HEIGHT * size) / 2.0
}

/// Draws a broken line into `unit` at (`x`, `top`), with every fragment on one baseline set for
/// `size` in a box `leading` tall.
pub(crate) fn draw_line(unit: &mut Unit, line: &Line, x: f32, top: f32, size: f32, leading: f32) {
    let base = top + baseline(size, leading);
    for frag in &line.frags {
        let fx = x + frag.x;
        if let Some(node) = frag.node {
            unit.draws.push(Draw::Begin(node));
        }
        if let Some(ground) = frag.tag {
            // The label shares the line's baseline: text extractors (pdftotext) then read it as
            // part of the line, before the text it marks, not as a line of its own.
            let h = frag.style.size + 3.0;
            let label_centre = base - CAP_HEIGHT * frag.style.size / 2.0;
            unit.draws.push(Draw::Rect {
                x: fx,
                y: label_centre - h / 2.0,
                w: frag.width,
                h,
                fill: ground,
            });
            unit.draws.push(Draw::Text {
                x: fx + TAG_PAD,
                y: base,
                style: frag.style,
                text: frag.text.clone(),
            });
        } else {
            unit.draws.push(Draw::Text {
                x: fx,
                y: base,
                style: frag.style,
                text: frag.text.clone(),
            });
        }
        if let Some(target) = &frag.link {
            unit.draws.push(Draw::Link {
                x: fx,
                y: top,
                w: frag.width,
                h: leading,
                target: target.clone(),
            });
        }
        if frag.node.is_some() {
            unit.draws.push(Draw::End);
        }
    }
}

/// A paragraph as one unit per line: splittable between lines; not hyphenated.
pub(crate) fn paragraph_units(
    fonts: &Fonts,
    spans: &[Span],
    x: f32,
    width: f32,
    leading: f32,
) -> Vec<Unit> {
    paragraph_units_in(fonts, spans, x, width, leading, None)
}

/// [`paragraph_units`], hyphenated in `lang`.
pub(crate) fn paragraph_units_in(
    fonts: &Fonts,
    spans: &[Span],
    x: f32,
    width: f32,
    leading: f32,
    lang: Option<Lang>,
) -> Vec<Unit> {
    let size = spans
        .iter()
        .find(|span| span.tag.is_none())
        .map_or(9.5, |span| span.style.size);
    break_lines_in(fonts, spans, width, lang)
        .iter()
        .map(|line| {
            let mut unit = Unit::new(leading);
            draw_line(&mut unit, line, x, 0.0, size, leading);
            unit
        })
        .collect()
}

/// The page's frame, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub page_width: f32,
    pub page_height: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    /// Distance of the body's bottom edge from the page top.
    pub bottom: f32,
}

impl Frame {
    pub(crate) fn width(&self) -> f32 {
        self.page_width - self.left - self.right
    }

    fn body_height(&self) -> f32 {
        self.bottom - self.top
    }
}

/// A unit's drawing placed on a page: the draws keep their unit-relative positions and the
/// frame carries the offset, so placing content moves it instead of copying every draw.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placed {
    /// The offset of the unit's top-left corner from the page's top-left corner.
    pub x: f32,
    pub y: f32,
    pub draws: Vec<Draw>,
}

/// A laid-out page: frames placed by offset from the page's top-left corner.
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    pub frames: Vec<Placed>,
    /// Which chapter the page belongs to (its footer title).
    pub chapter: usize,
}

impl Page {
    /// Draws already positioned on the page (page furniture such as footers).
    pub(crate) fn push_fixed(&mut self, draw: Draw) {
        match self.frames.last_mut() {
            Some(last) if last.x == 0.0 && last.y == 0.0 => last.draws.push(draw),
            _ => self.frames.push(Placed {
                x: 0.0,
                y: 0.0,
                draws: vec![draw],
            }),
        }
    }

    /// Every draw with the offset of its frame.
    pub(crate) fn draws(&self) -> impl Iterator<Item = (f32, f32, &Draw)> {
        self.frames
            .iter()
            .flat_map(|frame| frame.draws.iter().map(move |draw| (frame.x, frame.y, draw)))
    }
}

/// Pages and where each anchor landed: page index and distance from the page top.
#[derive(Debug, Default)]
pub(crate) struct Paginated {
    pub pages: Vec<Page>,
    pub anchors: BTreeMap<String, (usize, f32)>,
}

struct Paginator<'a> {
    frame: &'a Frame,
    out: Paginated,
    y: f32,
    empty: bool,
    chapter: usize,
}

impl Paginator<'_> {
    fn new_page(&mut self) {
        self.out.pages.push(Page {
            frames: Vec::new(),
            chapter: self.chapter,
        });
        self.y = self.frame.top;
        self.empty = true;
    }

    fn room(&self) -> f32 {
        self.frame.bottom - self.y
    }

    /// A fresh page that starts with (or inside) a block: its continuation line first.
    fn continued(&mut self, line: Option<&Arc<Unit>>) {
        if let Some(line) = line {
            self.place(line.as_furniture());
        }
    }

    fn place(&mut self, unit: Unit) {
        let page_index = self.out.pages.len() - 1;
        for anchor in unit.anchors {
            self.out
                .anchors
                .entry(anchor)
                .or_insert((page_index, self.y));
        }
        if let Some(page) = self.out.pages.last_mut() {
            page.frames.push(Placed {
                x: self.frame.left,
                y: self.y,
                draws: unit.draws,
            });
        }
        self.y += unit.height;
        self.empty = false;
    }
}

/// Lays chapters out on pages; each chapter starts on a new page. The blocks are consumed: their
/// units move onto the pages.
pub(crate) fn paginate(frame: &Frame, chapters: Vec<Vec<Block>>) -> Paginated {
    let mut p = Paginator {
        frame,
        out: Paginated::default(),
        y: frame.top,
        empty: true,
        chapter: 0,
    };
    let body = frame.body_height();
    for (chapter, mut blocks) in chapters.into_iter().enumerate() {
        p.chapter = chapter;
        p.new_page();
        for index in 0..blocks.len() {
            if blocks[index].units.is_empty() {
                continue;
            }
            let block = &blocks[index];
            // What must fit here: this block's lead, and for a heading the lead of what follows.
            let mut need = block.lead();
            let mut next = index;
            while blocks[next].keep_with_next && next + 1 < blocks.len() {
                next += 1;
                need += blocks[next].space_before + blocks[next].lead();
            }
            // On a new page the continuation line comes first: what moves must fit below it.
            let reserve = block.continued.as_ref().map_or(0.0, |line| line.height);
            if !p.empty && block.space_before + need > p.room() && need + reserve <= body {
                p.new_page();
                p.continued(blocks[index].continued.as_ref());
            }
            if !p.empty {
                p.y += block.space_before;
            }
            // Only this block is taken: the lead of the blocks after it is still measured.
            let block = std::mem::take(&mut blocks[index]);
            for (k, unit) in block.units.into_iter().enumerate() {
                if !p.empty && unit.height > p.room() + 0.01 {
                    p.new_page();
                    p.continued(block.continued.as_ref());
                    if k > 0
                        && let Some(header) = &block.repeat_header
                    {
                        // A repeated header row is the one unit drawn more than once.
                        p.place(header.as_furniture());
                    }
                }
                p.place(unit);
            }
        }
    }
    p.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ExportError;

    const INK: Color = Color(0.0, 0.0, 0.0);

    fn body() -> Style {
        Style::new(Face::Regular, 10.0, INK)
    }

    #[test]
    fn lines_fit_and_long_words_are_broken() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        let url = format!("https://example.com/{}", "abcdefghij/".repeat(20));
        let text = format!("Open {url} and then read the rest of this sentence carefully.");
        let lines = break_lines(fonts, &[Span::new(text.clone(), body())], 200.0);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(line.width <= 200.001, "{line:?}");
            let measured: f32 = line
                .frags
                .iter()
                .map(|frag| fonts.width(frag.style.face, frag.style.size, &frag.text))
                .sum();
            assert!((measured - line.width).abs() < 0.01);
        }
        let joined: String = lines
            .iter()
            .flat_map(|line| line.frags.iter().map(|frag| frag.text.clone()))
            .collect::<Vec<_>>()
            .join("");
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
        Ok(())
    }

    #[test]
    fn a_word_is_hyphenated_only_where_the_line_would_be_left_short() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        let lang = super::super::linebreak::hyphenation_language("en");
        let text = |lines: &[Line]| -> Vec<String> {
            lines
                .iter()
                .map(|line| line.frags.iter().map(|frag| frag.text.as_str()).collect())
                .collect()
        };
        // A short line takes the word's first syllables, with a hyphen.
        let short = fonts.width(Face::Regular, 10.0, "aa config\u{ad}") + 0.5;
        let lines = break_lines_in(fonts, &[Span::new("aa configuration", body())], short, lang);
        assert_eq!(text(&lines), ["aa config\u{ad}", "uration"]);
        // A line already nearly full leaves the word whole for the next line.
        let prefix = "a".repeat(30);
        let full = fonts.width(Face::Regular, 10.0, &prefix) / 0.87;
        let spans = [Span::new(format!("{prefix} configuration"), body())];
        let lines = break_lines_in(fonts, &spans, full, lang);
        assert_eq!(text(&lines), [prefix.as_str(), "configuration"]);
        Ok(())
    }

    #[test]
    fn odd_text_breaks_without_overflowing_or_losing_characters() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        let lang = super::super::linebreak::hyphenation_language("de");
        let tag = Style::new(Face::Bold, 10.0, INK);
        let cases: Vec<Vec<Span>> = vec![
            vec![],
            vec![Span::new("", body())],
            vec![Span::new("   \t  ", body())],
            vec![Span::new("\u{ad}\u{ad}\u{200b}", body())],
            vec![Span::new("erste Zeile\nzweite Zeile\r\ndritte", body())],
            vec![Span::new("\u{200b}".repeat(500), body())],
            vec![Span::new("e\u{301}".repeat(300), body())],
            vec![Span::new(
                "Donaudampfschifffahrtsgesellschaftskapitän".repeat(6),
                body(),
            )],
            vec![
                Span::tag("DATA LOSS RISK", tag, INK),
                Span::gap(14.0, body()),
                Span::tag("BACKUP", tag, INK),
            ],
            vec![Span::new(
                "(「日本語の文章は文字の間で改行できます」)".repeat(8),
                body(),
            )],
        ];
        for spans in &cases {
            for width in [1.0, 30.0, 200.0, f32::NAN] {
                let lines = break_lines_in(fonts, spans, width, lang);
                let limit = if width.is_nan() { 1.0 } else { width };
                let mut printed = String::new();
                for line in &lines {
                    // Only a tag, or one character, wider than the line may stick out.
                    let tags_only = line.frags.iter().all(|frag| frag.tag.is_some());
                    let text: String = line.frags.iter().map(|frag| frag.text.as_str()).collect();
                    let first = text.chars().next().map_or(0, char::len_utf8);
                    let one_character = text[first..]
                        .chars()
                        .all(|c| c == '\u{301}' || c == '\u{ad}');
                    assert!(
                        line.width <= limit + 0.01 || tags_only || one_character,
                        "{width}: {text:?}"
                    );
                    // A line never starts with a combining mark cut from its letter.
                    assert!(!text.starts_with('\u{301}'), "{text:?}");
                    printed.push_str(&text);
                }
                let visible = |text: &str| -> String {
                    text.chars()
                        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{ad}' | '\u{200b}'))
                        .collect()
                };
                let written: String = spans.iter().map(|span| visible(&span.text)).collect();
                assert_eq!(visible(&printed), written, "{width}");
            }
        }
        Ok(())
    }

    #[test]
    fn hyphenated_words_may_break_after_the_hyphen() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        let spans = [Span::new("aaaa full-resolution", body())];
        let narrow = fonts.width(Face::Regular, 10.0, "aaaa full-") + 20.0;
        let lines = break_lines(fonts, &spans, narrow);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].frags[0].text, "aaaa full-");
        Ok(())
    }
}
