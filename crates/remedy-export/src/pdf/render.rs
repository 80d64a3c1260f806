//! A handout as blocks: the handout's typography lives here. What the handout says comes from
//! [`crate::handout`], built once per guide; this module only decides how it looks.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use remedy_core::Risk;

use crate::handout::{
    self, Cause, CodeBlock, ComparisonRow, CrossRef, Handout, Image, Method, Question, RelatedItem,
    Scenario, Section, Step, Text,
};

use super::font::{Face, Fonts};
use super::image;
use super::layout::{
    Block, Color, Draw, Frame, Line, NodeId, Page, Role, Span, Style, Target, Unit, baseline,
    break_lines, break_lines_in, draw_line, paragraph_units, paragraph_units_in,
};
use super::linebreak::hyphenation_language;

/// Colours.
pub(crate) mod theme {
    use super::Color;

    pub const INK: Color = Color(0.11, 0.12, 0.14);
    pub const MUTED: Color = Color(0.36, 0.38, 0.42);
    pub const ACCENT: Color = Color(0.06, 0.31, 0.55);
    pub const RULE: Color = Color(0.80, 0.82, 0.85);
    pub const WHITE: Color = Color(1.0, 1.0, 1.0);
    pub const DANGER: Color = Color(0.74, 0.12, 0.10);
    pub const SAFE: Color = Color(0.08, 0.44, 0.24);
    pub const CAUTION: Color = Color(0.72, 0.42, 0.0);
    pub const WARN_EDGE: Color = Color(0.89, 0.55, 0.0);
    pub const WARN_GROUND: Color = Color(1.0, 0.957, 0.87);
    pub const WARN_INK: Color = Color(0.52, 0.29, 0.0);
    pub const HEADER_GROUND: Color = Color(0.14, 0.23, 0.34);
    pub const PANEL: Color = Color(0.953, 0.961, 0.972);
    pub const STAR_OFF: Color = Color(0.76, 0.78, 0.81);
}

pub(crate) use theme::*;

/// Body text.
pub(crate) const BODY: f32 = 9.5;
pub(crate) const LEAD: f32 = 13.8;
/// Secondary text: notes, captions, table cells.
pub(crate) const SMALL: f32 = 8.4;
pub(crate) const SMALL_LEAD: f32 = 11.8;

pub(crate) fn style(face: Face, size: f32, color: Color) -> Style {
    Style::new(face, size, color)
}

fn body() -> Style {
    style(Face::Regular, BODY, INK)
}

/// An entry of the PDF outline.
#[derive(Debug, Clone)]
pub(crate) struct OutlineItem {
    pub title: String,
    pub anchor: String,
    pub children: Vec<OutlineItem>,
}

/// A run of pages with one footer title.
#[derive(Debug)]
pub(crate) struct Chapter {
    pub footer: String,
    pub blocks: Vec<Block>,
    pub outline: Vec<OutlineItem>,
    /// The structure nodes the blocks' draws refer to.
    pub roles: Vec<Role>,
}

/// Anchor names, unique across a book.
pub(crate) fn guide_anchor(guide: &str) -> String {
    format!("g/{guide}")
}

fn section_anchor(guide: &str, section: &str) -> String {
    format!("g/{guide}/{section}")
}

fn method_anchor(guide: &str, method: &str) -> String {
    format!("g/{guide}/m/{method}")
}

fn step_anchor(guide: &str, step: &str) -> String {
    format!("g/{guide}/s/{step}")
}

pub(crate) use crate::handout::long_date;

fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
    }
    out.iter().rev().collect()
}

fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, numeral) in TABLE {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// `1.`, `a.`, `i.` for the first three levels; below them the step's full number
/// (`2.1.3.1`), as cross-references and the data exports write it, so that no marker stands
/// for two depths (a fourth level of `1.` would read as a new first-level step).
pub(crate) fn step_marker(depth: usize, position: usize, number: &str) -> String {
    match depth {
        0 | 1 => format!("{position}."),
        2 => format!("{}.", letters(position)),
        3 => format!("{}.", roman(position)),
        _ => number.to_owned(),
    }
}

/// Everything a handout's typesetter needs.
pub(crate) struct Ctx<'a> {
    pub fonts: &'static Fonts,
    pub frame: Frame,
    pub handout: &'a Handout,
    /// The first character no face can draw, as an error message.
    pub problem: Option<String>,
    /// The width of the current method's first-level step numbers.
    pub first_column: f32,
    /// The structure nodes made so far.
    pub roles: Vec<Role>,
    /// Where the guides' pictures are read from; `None`: no picture is read, each is printed
    /// as its text.
    pub content_root: Option<&'a Path>,
}

/// Puts every unit inside the nodes of `path`.
pub(crate) fn within(mut units: Vec<Unit>, path: &[NodeId]) -> Vec<Unit> {
    for unit in &mut units {
        unit.within(path);
    }
    units
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("guide", &self.handout.id)
            .finish_non_exhaustive()
    }
}

/// The words of inline spans, without their kinds (a link's text).
fn handout_plain(spans: &[handout::Span]) -> String {
    let mut out = String::new();
    let mut stack: Vec<std::slice::Iter<'_, handout::Span>> = vec![spans.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(
                handout::Span::Text(text) | handout::Span::Label(text) | handout::Span::Code(text),
            ) => {
                out.push_str(text);
            }
            Some(handout::Span::MenuPath(labels)) => out.push_str(&labels.join(" \u{203a} ")),
            Some(
                handout::Span::Emphasis(inner)
                | handout::Span::Link { text: inner, .. }
                | handout::Span::Reference { text: inner, .. },
            ) => stack.push(inner.iter()),
            None => {
                stack.pop();
            }
        }
    }
    out
}

/// The anchor a handout target lands on.
fn anchor(target: &handout::Target) -> String {
    match target {
        handout::Target::Guide { guide } => guide_anchor(guide),
        handout::Target::Section { guide, section } => section_anchor(guide, section),
        handout::Target::Method { guide, method } => method_anchor(guide, method),
        handout::Target::Step { guide, step } => step_anchor(guide, step),
    }
}

fn link_target(target: Option<&handout::Target>) -> Option<Target> {
    target.map(|target| Target::Anchor(anchor(target)))
}

impl<'a> Ctx<'a> {
    fn width(&self) -> f32 {
        self.frame.width()
    }

    fn id(&self) -> &str {
        self.handout.id.as_str()
    }

    /// The hyphenation patterns of the guide's language, if there are any.
    fn lang(&self) -> Option<hypher::Lang> {
        hyphenation_language(&self.handout.lang)
    }

    /// Body text broken into lines, hyphenated in the guide's language.
    fn lines(&self, spans: &[Span], width: f32) -> Vec<Line> {
        break_lines_in(self.fonts, spans, width, self.lang())
    }

    /// A new structure node.
    pub(crate) fn node(&mut self, role: Role) -> NodeId {
        self.roles.push(role);
        (self.roles.len() - 1) as NodeId
    }

    /// A paragraph of its own: one `P` node, at `path`.
    fn tagged_paragraph(
        &mut self,
        spans: &[Span],
        x: f32,
        leading: f32,
        path: &[NodeId],
    ) -> Vec<Unit> {
        let node = self.node(Role::Paragraph);
        let mut full = path.to_vec();
        full.push(node);
        within(self.paragraph(spans, x, leading), &full)
    }

    /// Checks that the face can draw every character of `text`.
    pub(crate) fn check(&mut self, text: &str, face: Face) {
        if self.problem.is_some() {
            return;
        }
        for c in text.chars() {
            let shaping = remedy_core::script::needs_shaping(c);
            if shaping.is_none()
                && (c.is_whitespace()
                    || matches!(c, '\u{ad}' | '\u{200b}')
                    || self.fonts.covers(face, c))
            {
                continue;
            }
            let mut excerpt: String = text.chars().take(100).collect();
            if text.chars().count() > 100 {
                excerpt.push('…');
            }
            let what = if c.is_control() {
                "a control character".to_owned()
            } else {
                format!("'{c}'")
            };
            // A font may have the letters of a script that needs shaping; drawn one by one,
            // left to right, they would still print mangled.
            let why = match shaping {
                Some((script, why)) => format!(
                    "is {script} script, which the handout cannot print ({}; it sets text letter \
                     by letter from left to right)",
                    why.reason()
                ),
                None => format!(
                    "cannot be printed: the embedded font ({}) has no glyph for it",
                    face.label()
                ),
            };
            self.problem = Some(format!(
                "{}: guide \"{}\": {what} (U+{:04X}) {why}, in \"{}\"; replace or remove the character",
                self.handout.source,
                self.id(),
                u32::from(c),
                excerpt.replace('\n', " "),
            ));
            return;
        }
    }

    /// A checked span.
    pub(crate) fn span(&mut self, text: &str, style: Style) -> Span {
        self.check(text, style.face);
        Span::new(text, style)
    }

    fn linked(&mut self, text: &str, style: Style, target: Option<Target>) -> Span {
        let node = target
            .is_some()
            .then(|| self.node(Role::Link(text.to_owned())));
        self.span(text, style).link(target).within(node)
    }

    fn paragraph(&mut self, spans: &[Span], x: f32, leading: f32) -> Vec<Unit> {
        let width = self.width() - x;
        paragraph_units_in(self.fonts, spans, x, width, leading, self.lang())
    }

    /// A paragraph's inline spans set in `base`: labels bold, a menu path bold with `›` between
    /// its labels, code monospaced, emphasis italic, links as links. Nesting is bounded by the
    /// rich-text parser (16 levels), not by the input.
    fn rich(&mut self, inlines: &[handout::Span], base: Style, out: &mut Vec<Span>) {
        let bold = |face: Face| match face {
            Face::Regular => Face::Bold,
            Face::Oblique => Face::BoldOblique,
            other => other,
        };
        let italic = |face: Face| match face {
            Face::Regular => Face::Oblique,
            Face::Bold => Face::BoldOblique,
            other => other,
        };
        for inline in inlines {
            match inline {
                handout::Span::Text(text) => out.push(self.span(text, base)),
                handout::Span::Label(text) => {
                    out.push(self.span(
                        text,
                        Style {
                            face: bold(base.face),
                            ..base
                        },
                    ));
                }
                handout::Span::MenuPath(labels) => {
                    let path = labels.join(" \u{203a} ");
                    out.push(self.span(
                        &path,
                        Style {
                            face: bold(base.face),
                            ..base
                        },
                    ));
                }
                handout::Span::Code(text) => {
                    out.push(self.span(
                        text,
                        Style {
                            face: Face::Mono,
                            ..base
                        },
                    ));
                }
                handout::Span::Emphasis(inner) => {
                    self.rich(
                        inner,
                        Style {
                            face: italic(base.face),
                            ..base
                        },
                        out,
                    );
                }
                handout::Span::Link { text, url } => {
                    let words = handout_plain(text);
                    let linked = Style {
                        color: ACCENT,
                        ..base
                    };
                    out.push(self.linked(&words, linked, Some(Target::Uri(url.clone()))));
                }
                handout::Span::Reference { text, target } => {
                    let words = handout_plain(text);
                    let target = link_target(target.as_ref());
                    let color = if target.is_some() { ACCENT } else { base.color };
                    out.push(self.linked(&words, Style { color, ..base }, target));
                }
            }
        }
    }

    /// Each paragraph of `text` as spans (see [`Ctx::rich`]).
    fn rich_paragraphs(&mut self, text: &Text, base: Style) -> Vec<Vec<Span>> {
        text.paragraphs
            .iter()
            .map(|paragraph| {
                let mut spans = Vec::new();
                self.rich(paragraph, base, &mut spans);
                spans
            })
            .collect()
    }

    /// "See: A, B" as spans.
    fn see_spans(&mut self, label: &str, references: &[CrossRef]) -> Vec<Span> {
        let mut spans = vec![self.span(label, style(Face::Bold, SMALL, MUTED))];
        for (i, reference) in references.iter().enumerate() {
            if i > 0 {
                spans.push(Span::new(", ", style(Face::Regular, SMALL, MUTED)));
            }
            let target = link_target(reference.target.as_ref());
            let color = if target.is_some() { ACCENT } else { MUTED };
            spans.push(self.linked(&reference.text, style(Face::Regular, SMALL, color), target));
        }
        spans
    }
}

/// A section heading: large, with a hairline under it.
fn section_heading(ctx: &mut Ctx<'_>, title: &str, anchor: String) -> Block {
    let node = ctx.node(Role::Heading(2, title.to_owned()));
    let size = 13.0;
    let leading = 17.0;
    let spans = [ctx.span(title, style(Face::Bold, size, ACCENT))];
    let lines = break_lines(ctx.fonts, &spans, ctx.width());
    let mut unit = Unit::new(0.0);
    for line in &lines {
        let top = unit.height;
        draw_line(&mut unit, line, 0.0, top, size, leading);
        unit.height += leading;
    }
    unit.within(&[node]);
    unit.height += 3.0;
    unit.draws.push(Draw::Rect {
        x: 0.0,
        y: unit.height,
        w: ctx.width(),
        h: 0.6,
        fill: RULE,
    });
    unit.height += 6.0;
    unit.anchors.push(anchor);
    Block::new(vec![unit], 20.0).with_next()
}

fn paragraph_blocks(ctx: &mut Ctx<'_>, text: &Text, space_before: f32) -> Vec<Block> {
    ctx.rich_paragraphs(text, body())
        .into_iter()
        .enumerate()
        .map(|(i, spans)| {
            Block::new(
                ctx.tagged_paragraph(&spans, 0.0, LEAD, &[]),
                if i == 0 { space_before } else { 6.0 },
            )
        })
        .collect()
}

fn title_block(ctx: &mut Ctx<'_>) -> Vec<Block> {
    let handout = ctx.handout;
    let width = ctx.width();
    let mut blocks = Vec::new();

    let kicker = [Span::new(
        "TROUBLESHOOTING GUIDE",
        style(Face::Bold, 7.5, ACCENT),
    )];
    let mut kicker_units = ctx.paragraph(&kicker, 0.0, 11.0);
    if let Some(first) = kicker_units.first_mut() {
        first.anchors.push(guide_anchor(ctx.id()));
    }
    blocks.push(Block::new(kicker_units, 0.0).with_next());

    let title = [ctx.span(&handout.title, style(Face::Bold, 21.0, INK))];
    let heading = ctx.node(Role::Heading(1, handout.title.clone()));
    blocks.push(
        Block::new(within(ctx.paragraph(&title, 0.0, 25.5), &[heading]), 3.0)
            .together()
            .with_next(),
    );

    let summary = [ctx.span(&handout.summary.plain, style(Face::Regular, 10.5, MUTED))];
    blocks.push(Block::new(ctx.tagged_paragraph(&summary, 0.0, 15.0, &[]), 6.0).with_next());

    let label = style(Face::Bold, 7.8, MUTED);
    let value = style(Face::Regular, 7.8, INK);
    let mut meta = Vec::new();
    if !handout.platforms.is_empty() {
        meta.push(Span::new("PLATFORMS ", label));
        meta.push(ctx.span(&handout.platforms.join(", "), value));
        meta.push(Span::gap(16.0, value));
    }
    meta.push(Span::new("REVIEWED ", label));
    meta.push(ctx.span(&handout.reviewed.long, value));
    let mut units = ctx.tagged_paragraph(&meta, 0.0, 11.5, &[]);
    let mut rule = Unit::new(10.0);
    rule.draws.push(Draw::Rect {
        x: 0.0,
        y: 6.0,
        w: width,
        h: 1.6,
        fill: ACCENT,
    });
    units.push(rule);
    blocks.push(Block::new(units, 9.0).together());
    blocks
}

/// Filled and empty stars for a 1–5 rating, or a dash.
fn stars(rating: Option<u8>, size: f32) -> Vec<Span> {
    match rating {
        Some(n) => {
            let n = usize::from(n.min(5));
            vec![
                Span::new("★".repeat(n), style(Face::Regular, size, ACCENT)),
                Span::new("☆".repeat(5 - n), style(Face::Regular, size, STAR_OFF)),
            ]
        }
        None => vec![Span::new("—", style(Face::Regular, size, MUTED))],
    }
}

fn risk_color(risk: Risk) -> Color {
    match risk {
        Risk::VeryLow | Risk::Low => SAFE,
        Risk::Moderate => CAUTION,
        Risk::High | Risk::VeryHigh => DANGER,
    }
}

fn risk_spans(risk: Risk, size: f32) -> Vec<Span> {
    vec![
        Span::new("● ", style(Face::Regular, size * 0.8, risk_color(risk))),
        Span::new(risk.label(), style(Face::Regular, size, INK)),
    ]
}

/// The "at a glance" table: a header row repeated on each page it spans, wrapping cells.
fn glance_table(ctx: &mut Ctx<'_>, rows: &[ComparisonRow]) -> Block {
    let fonts = ctx.fonts;
    let size = 8.3;
    let leading = 11.2;
    let head_size = 7.4;
    let pad_x = 5.0;
    let pad_y = 4.5;
    let width = ctx.width();
    let head = style(Face::Bold, head_size, WHITE);
    let headers = [
        "Method",
        "Best for",
        "Ease",
        "Effectiveness",
        "Time",
        "Data risk",
    ];

    let star_width = fonts.width(Face::Regular, size, "★★★★★");
    let head_width = |text: &str| fonts.width(Face::Bold, head_size, text);
    let times: Vec<String> = rows
        .iter()
        .map(|row| row.time.clone().unwrap_or_else(|| "—".to_owned()))
        .collect();
    let time_width = times
        .iter()
        .map(|t| fonts.width(Face::Regular, size, t))
        .fold(head_width("Time"), f32::max);
    let risk_width = rows
        .iter()
        .map(|row| {
            fonts.width(Face::Regular, size, row.risk.label())
                + fonts.width(Face::Regular, size * 0.8, "● ")
        })
        .fold(head_width("Data risk"), f32::max);
    let mut widths = [
        0.0,
        0.0,
        head_width("Ease").max(star_width) + 2.0 * pad_x,
        head_width("Effectiveness").max(star_width) + 2.0 * pad_x,
        time_width + 2.0 * pad_x + 1.0,
        risk_width + 2.0 * pad_x + 1.0,
    ];
    let rest = (width - widths[2..].iter().sum::<f32>()).max(120.0);
    widths[0] = (rest * 0.46).floor();
    widths[1] = rest - widths[0];
    let xs: Vec<f32> = widths
        .iter()
        .scan(0.0, |x, w| {
            let start = *x;
            *x += w;
            Some(start)
        })
        .collect();

    let lang = ctx.lang();
    let cell_unit =
        |cells: &[Vec<Span>], nodes: &[NodeId], text_leading: f32, text_size: f32| -> (Unit, f32) {
            let broken: Vec<Vec<Line>> = cells
                .iter()
                .enumerate()
                .map(|(i, spans)| break_lines_in(fonts, spans, widths[i] - 2.0 * pad_x, lang))
                .collect();
            let lines = broken.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = lines as f32 * text_leading + 2.0 * pad_y;
            let mut unit = Unit::new(height);
            for (i, cell) in broken.iter().enumerate() {
                if let Some(node) = nodes.get(i) {
                    unit.draws.push(Draw::Begin(*node));
                }
                for (k, line) in cell.iter().enumerate() {
                    draw_line(
                        &mut unit,
                        line,
                        xs[i] + pad_x,
                        pad_y + k as f32 * text_leading,
                        text_size,
                        text_leading,
                    );
                }
                if nodes.get(i).is_some() {
                    unit.draws.push(Draw::End);
                }
            }
            (unit, height)
        };

    let table = ctx.node(Role::Table);
    let header_row = ctx.node(Role::Row);
    let header_nodes: Vec<NodeId> = headers.iter().map(|_| ctx.node(Role::HeaderCell)).collect();
    let header_cells: Vec<Vec<Span>> = headers.iter().map(|h| vec![Span::new(*h, head)]).collect();
    let (mut header_content, header_height) =
        cell_unit(&header_cells, &header_nodes, 10.0, head_size);
    header_content.within(&[table, header_row]);
    let mut header = Unit::new(header_height);
    header.draws.push(Draw::Rect {
        x: 0.0,
        y: 0.0,
        w: width,
        h: header_height,
        fill: HEADER_GROUND,
    });
    header.absorb(&header_content, 0.0, 0.0);

    let mut units = vec![header.clone()];
    units[0]
        .anchors
        .push(section_anchor(ctx.id(), "at-a-glance"));
    for (index, row) in rows.iter().enumerate() {
        let target = link_target(row.method.target.as_ref());
        let method = vec![
            Span::new(format!("{}. ", row.number), style(Face::Bold, size, MUTED)),
            ctx.linked(&row.method.text, style(Face::Bold, size, ACCENT), target),
        ];
        let best = match &row.best_for {
            Some(text) => vec![ctx.span(&text.plain, style(Face::Regular, size, INK))],
            None => vec![Span::new("—", style(Face::Regular, size, MUTED))],
        };
        let cells = vec![
            method,
            best,
            stars(row.ease, size),
            stars(row.effectiveness, size),
            vec![Span::new(
                times[index].clone(),
                style(Face::Regular, size, INK),
            )],
            risk_spans(row.risk, size),
        ];
        let row_node = ctx.node(Role::Row);
        let cell_nodes: Vec<NodeId> = cells.iter().map(|_| ctx.node(Role::Cell)).collect();
        let (mut content, height) = cell_unit(&cells, &cell_nodes, leading, size);
        content.within(&[table, row_node]);
        let mut unit = Unit::new(height);
        if index % 2 == 1 {
            unit.draws.push(Draw::Rect {
                x: 0.0,
                y: 0.0,
                w: width,
                h: height,
                fill: PANEL,
            });
        }
        unit.draws.push(Draw::Rect {
            x: 0.0,
            y: height - 0.4,
            w: width,
            h: 0.4,
            fill: RULE,
        });
        unit.absorb(&content, 0.0, 0.0);
        units.push(unit);
    }
    Block {
        units,
        space_before: 4.0,
        repeat_header: Some(header),
        ..Block::default()
    }
}

fn causes_blocks(ctx: &mut Ctx<'_>, causes: &[Cause]) -> Vec<Block> {
    let mut blocks = Vec::new();
    for cause in causes {
        let title = [ctx.span(&cause.title, style(Face::Bold, BODY, INK))];
        let mut units = ctx.tagged_paragraph(&title, 0.0, LEAD, &[]);
        if let Some(description) = &cause.description {
            for spans in ctx.rich_paragraphs(description, body()) {
                units.extend(ctx.tagged_paragraph(&spans, 0.0, LEAD, &[]));
            }
        }
        let fixes = &cause.fixed_by;
        if !fixes.is_empty() {
            let mut spans = vec![Span::new("Fixed by: ", style(Face::Bold, SMALL, MUTED))];
            for (i, method) in fixes.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::new(" · ", style(Face::Regular, SMALL, MUTED)));
                }
                let target = link_target(method.target.as_ref());
                spans.push(ctx.linked(&method.text, style(Face::Regular, SMALL, ACCENT), target));
            }
            let mut gap = Unit::new(2.0);
            gap.draws.clear();
            units.push(gap);
            units.extend(ctx.tagged_paragraph(&spans, 0.0, SMALL_LEAD, &[]));
        }
        let mut block = Block::new(units, 9.0);
        if block.units.len() <= 8 {
            block = block.together();
        }
        blocks.push(block);
    }
    blocks
}

/// How far the text of a step at `depth` sits right of its parent's: the first level's
/// column fits the method's widest number (`first`); below the third level, the widest full
/// number among the step and its `siblings` (`parent` is the parent's number).
fn marker_column(ctx: &Ctx<'_>, depth: usize, parent: &str, siblings: usize) -> f32 {
    match depth {
        0 | 1 => ctx.first_column,
        2 => 16.0,
        3 => 21.0,
        _ => {
            let widest = step_marker(depth, siblings, &format!("{parent}.{siblings}"));
            ctx.fonts.width(Face::Regular, BODY, &widest) + 6.0
        }
    }
}

/// Code to type: one line of the PDF per line written (long lines wrap, lines are never
/// joined, indentation kept), in DejaVu Sans Mono, with its language as a small label.
fn code_block(ctx: &mut Ctx<'_>, code: &CodeBlock, x: f32, path: &[NodeId]) -> Block {
    let mut units = Vec::new();
    let paragraph = ctx.node(Role::Paragraph);
    let code_node = ctx.node(Role::Code);
    let mut code_path = path.to_vec();
    code_path.extend([paragraph, code_node]);
    if let Some(language) = &code.language {
        let label = [Span::new(
            language.to_uppercase(),
            style(Face::Bold, 7.0, MUTED),
        )];
        units.extend(ctx.tagged_paragraph(&label, x + 6.0, 10.0, path));
    }
    for line in &code.lines {
        // Indentation is part of the code: kept as no-break spaces, which no line start drops.
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let shown = if line.trim().is_empty() {
            "\u{a0}".to_owned()
        } else {
            let (lead, rest) = line.split_at(indent);
            let lead: String = lead
                .chars()
                .map(|c| {
                    if c == '\t' {
                        "\u{a0}".repeat(4)
                    } else {
                        "\u{a0}".to_owned()
                    }
                })
                .collect();
            format!("{lead}{rest}")
        };
        let code_style = style(Face::Mono, SMALL + 0.2, INK);
        let spans = [ctx.span(&shown, code_style)];
        // A written line wrapped over several printed lines is one unit, a page break never
        // cutting a command in two, and its continuations hang two characters further in, so
        // that no one types them as commands of their own.
        let hang = 2.0 * ctx.fonts.char_width(Face::Mono, code_style.size, ' ');
        let left = x + 6.0;
        let lines = ctx.lines(&spans, ctx.width() - left - hang);
        let mut unit = Unit::new(0.0);
        for (k, line) in lines.iter().enumerate() {
            let indent = if k == 0 { left } else { left + hang };
            let top = unit.height;
            draw_line(&mut unit, line, indent, top, code_style.size, SMALL_LEAD);
            unit.height += SMALL_LEAD;
        }
        unit.within(&code_path);
        units.push(unit);
    }
    for unit in &mut units {
        margin_bar(unit, MUTED);
    }
    // A short block stays whole; a long one may break between lines, never before its label
    // and first line (a block's lead).
    let block = Block::new(units, 3.0);
    if block.units.len() <= CODE_KEPT_WHOLE {
        block.together()
    } else {
        block
    }
}

/// Code blocks of at most this many written lines (label included) never break.
const CODE_KEPT_WHOLE: usize = 8;

/// A picture scaled to the column (never beyond its natural size at 150 dpi, never taller
/// than what a page holds with its caption), tagged `Figure` with its `alt`, the caption
/// below it; the picture's text when it cannot be shown (see [`image_note`]).
fn figure_block(ctx: &mut Ctx<'_>, image: &Image, x: f32, path: &[NodeId]) -> Block {
    let picture = ctx
        .content_root
        .zip(image.path.as_deref())
        .and_then(|(root, path)| image::load(root, path));
    let Some(picture) = picture else {
        return image_note(ctx, image, x, path);
    };
    let mut units = Vec::new();
    let figure = ctx.node(Role::Figure(image.alt.clone()));
    let mut figure_path = path.to_vec();
    figure_path.push(figure);
    let mut caption = Vec::new();
    if let Some(text) = &image.caption {
        for spans in ctx.rich_paragraphs(text, style(Face::Oblique, SMALL, MUTED)) {
            caption.extend(ctx.tagged_paragraph(&spans, x, SMALL_LEAD, path));
        }
    }
    let caption_height: f32 = caption.iter().map(|unit| unit.height).sum();
    let (natural_w, natural_h) = picture.natural_size();
    let column = (ctx.width() - x).max(1.0);
    let room = (ctx.frame.bottom - ctx.frame.top - caption_height - 2.0 * LEAD).max(LEAD);
    let scale = (column / natural_w).min(room / natural_h).min(1.0);
    let (w, h) = (natural_w * scale, natural_h * scale);
    let mut unit = Unit::new(h + FIGURE_PAD);
    unit.draws.push(Draw::Image {
        x,
        y: FIGURE_PAD / 2.0,
        w,
        h,
        picture: Arc::new(picture),
    });
    unit.within(&figure_path);
    units.push(unit);
    units.extend(caption);
    Block::new(units, 4.0).together()
}

/// Space above and below a picture, inside its block.
const FIGURE_PAD: f32 = 4.0;

/// A picture that cannot be shown (no file inside the content root, not a PNG or JPEG, too
/// large): its `alt` and caption in words.
fn image_note(ctx: &mut Ctx<'_>, image: &Image, x: f32, path: &[NodeId]) -> Block {
    let mut spans = vec![
        Span::new("Picture: ", style(Face::Bold, SMALL, MUTED)),
        ctx.span(&image.alt, style(Face::Oblique, SMALL, MUTED)),
    ];
    if let Some(caption) = &image.caption {
        spans.push(Span::new(" — ", style(Face::Regular, SMALL, MUTED)));
        spans.push(ctx.span(&caption.plain, style(Face::Regular, SMALL, MUTED)));
    }
    Block::new(ctx.tagged_paragraph(&spans, x, SMALL_LEAD, path), 2.5)
}

/// A warning box: tinted ground, strong left border, a label; never split (unless taller than a
/// page, when each part still reads as a box).
fn warning_block(ctx: &mut Ctx<'_>, text: &Text, x: f32, path: &[NodeId]) -> Block {
    let note = ctx.node(Role::Note);
    let mut note_path = path.to_vec();
    note_path.push(note);
    let width = ctx.width() - x;
    let border = 3.2;
    let pad = 8.0;
    let inner_x = x + border + pad;
    let inner_width = width - border - 2.0 * pad;
    let mut units = Vec::new();
    let label = [Span::new("⚠  WARNING", style(Face::Bold, 7.6, WARN_INK))];
    // `Note` > `Lbl` + `P`: screen readers announce the label as what kind of note this is.
    let label_node = ctx.node(Role::Label);
    let mut label_path = note_path.clone();
    label_path.push(label_node);
    let mut label_units = within(
        paragraph_units(ctx.fonts, &label, inner_x, inner_width, 11.0),
        &label_path,
    );
    if let Some(first) = label_units.first_mut() {
        let mut top = Unit::new(5.0);
        top.absorb(first, 0.0, 5.0);
        top.height += first.height;
        *first = top;
    }
    units.extend(label_units);
    for (i, spans) in ctx
        .rich_paragraphs(text, style(Face::Regular, 9.0, INK))
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            units.push(Unit::new(4.0));
        }
        let node = ctx.node(Role::Paragraph);
        let mut paragraph_path = note_path.clone();
        paragraph_path.push(node);
        units.extend(within(
            paragraph_units_in(ctx.fonts, &spans, inner_x, inner_width, 12.8, ctx.lang()),
            &paragraph_path,
        ));
    }
    units.push(Unit::new(6.0));
    for unit in &mut units {
        let mut ground = vec![
            Draw::Rect {
                x,
                y: 0.0,
                w: width,
                h: unit.height,
                fill: WARN_GROUND,
            },
            Draw::Rect {
                x,
                y: 0.0,
                w: border,
                h: unit.height,
                fill: WARN_EDGE,
            },
        ];
        ground.append(&mut unit.draws);
        unit.draws = ground;
    }
    Block::new(units, 5.0).together()
}

/// Margin marks for destructive and backup steps.
fn margin_bar(unit: &mut Unit, color: Color) {
    unit.draws.push(Draw::Rect {
        x: -11.0,
        y: 0.0,
        w: 2.8,
        h: unit.height,
        fill: color,
    });
}

/// The labels are set at the body size: text extractors (pdftotext) join words into a line only
/// when their sizes match, and a smaller label split each marked step from its own text.
fn tag_style() -> Style {
    style(Face::Bold, BODY, WHITE)
}

/// A method's steps: each step, then its sub-steps, then its result (a parent's result reads
/// after its sub-steps). An explicit stack, not recursion: the depth is the writer's.
///
/// Tagged as lists: `L` > `LI` > `Lbl` (the number) and `LBody` (the text and everything that
/// belongs to the step, sub-steps as a nested `L`).
///
/// Returns where the last first-level step's blocks start.
fn steps_blocks(ctx: &mut Ctx<'_>, steps: &[Step], blocks: &mut Vec<Block>) -> usize {
    struct Open<'s> {
        step: &'s Step,
        next: usize,
        body: Vec<NodeId>,
        children: Option<Vec<NodeId>>,
        /// Where the step's text starts.
        x: f32,
    }
    let list = ctx.node(Role::List);
    // Deep nesting never squeezes the text below a third of the line.
    let deepest = ctx.width() * 0.66;
    let mut open: Vec<Open<'_>> = Vec::new();
    let mut last = blocks.len();
    for step in steps {
        last = blocks.len();
        let x = marker_column(ctx, 1, "", steps.len()).min(deepest);
        let body = step_blocks(ctx, step, blocks, &[list], x);
        open.push(Open {
            step,
            next: 0,
            body,
            children: None,
            x,
        });
        while let Some(top) = open.last_mut() {
            let current: &Step = top.step;
            match current.steps.get(top.next) {
                Some(child) => {
                    top.next += 1;
                    let list_path = match &top.children {
                        Some(path) => path.clone(),
                        None => {
                            let mut path = top.body.clone();
                            path.push(ctx.node(Role::List));
                            top.children = Some(path.clone());
                            path
                        }
                    };
                    let column =
                        marker_column(ctx, child.depth, &current.number, current.steps.len());
                    let x = (top.x + column).min(deepest);
                    let body = step_blocks(ctx, child, blocks, &list_path, x);
                    open.push(Open {
                        step: child,
                        next: 0,
                        body,
                        children: None,
                        x,
                    });
                }
                None => {
                    if let Some(done) = open.pop() {
                        result_block(ctx, current, blocks, &done.body, done.x);
                    }
                }
            }
        }
    }
    last
}

/// A step's own blocks, before its sub-steps, in a new item of the list at `list`, its text
/// starting at `x`; returns the path of the item's body.
fn step_blocks(
    ctx: &mut Ctx<'_>,
    step: &Step,
    blocks: &mut Vec<Block>,
    list: &[NodeId],
    x: f32,
) -> Vec<NodeId> {
    let item = ctx.node(Role::ListItem);
    let label = ctx.node(Role::Label);
    let body_node = ctx.node(Role::ListBody);
    let text_node = ctx.node(Role::Paragraph);
    let mut item_path = list.to_vec();
    item_path.push(item);
    let mut body_path = item_path.clone();
    body_path.push(body_node);
    let depth = step.depth;

    // The warning that guards the step is read before it, and never left at the foot of a
    // page without the step's first lines.
    if let Some(warning) = &step.warning {
        blocks.push(warning_block(ctx, warning, x, &item_path).with_next());
    }

    let mut spans = Vec::new();
    if step.data_loss {
        spans.push(Span::tag("DATA LOSS RISK", tag_style(), DANGER));
        spans.push(Span::new(" ", body()));
    }
    if step.backup {
        spans.push(Span::tag("BACKUP", tag_style(), SAFE));
        spans.push(Span::new(" ", body()));
    }
    if step.settings_reset && !step.data_loss {
        spans.push(Span::tag("SETTINGS RESET", tag_style(), WARN_INK));
        spans.push(Span::new(" ", body()));
    }
    if !step.platforms.is_empty() {
        // In words, not by colour: "macOS only:" before the instruction.
        let label = format!("{} only: ", step.platforms.join(", "));
        spans.push(ctx.span(&label, style(Face::Bold, BODY, MUTED)));
    }
    for (i, paragraph) in ctx
        .rich_paragraphs(&step.text, body())
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            spans.push(Span::new(" ", body()));
        }
        spans.extend(paragraph);
    }
    let mut units = within(ctx.paragraph(&spans, x, LEAD), &[body_node, text_node]);
    let marker = step_marker(depth, step.position, &step.number);
    let marker_style = if depth == 1 {
        style(Face::Bold, BODY, INK)
    } else {
        style(Face::Regular, BODY, MUTED)
    };
    let marker_width = ctx
        .fonts
        .width(marker_style.face, marker_style.size, &marker);
    if let Some(first) = units.first_mut() {
        first.draws.splice(
            0..0,
            [
                Draw::Begin(label),
                Draw::Text {
                    x: x - 5.0 - marker_width,
                    y: baseline(BODY, LEAD),
                    style: marker_style,
                    text: marker,
                },
                Draw::End,
            ],
        );
        if let Some(id) = &step.id {
            first.anchors.push(step_anchor(ctx.id(), id));
        }
    }
    let bar = if step.data_loss {
        Some(DANGER)
    } else if step.backup {
        Some(SAFE)
    } else {
        None
    };
    if let Some(color) = bar {
        for unit in &mut units {
            margin_bar(unit, color);
        }
    }
    let units = within(units, &item_path);
    blocks.push(Block::new(units, if depth == 1 { 7.0 } else { 3.5 }));

    if let Some(code) = &step.code {
        blocks.push(code_block(ctx, code, x, &body_path));
    }
    if let Some(image) = &step.image {
        blocks.push(figure_block(ctx, image, x, &body_path));
    }
    if let Some(note) = &step.note {
        let mut spans = vec![Span::new("Note: ", style(Face::Bold, SMALL + 0.2, MUTED))];
        for paragraph in ctx.rich_paragraphs(note, style(Face::Oblique, SMALL + 0.2, MUTED)) {
            spans.extend(paragraph);
            spans.push(Span::new(" ", style(Face::Oblique, SMALL + 0.2, MUTED)));
        }
        blocks.push(Block::new(
            ctx.tagged_paragraph(&spans, x, SMALL_LEAD, &body_path),
            2.5,
        ));
    }
    if !step.see.is_empty() {
        let mut spans = vec![Span::new("→ ", style(Face::Regular, SMALL, MUTED))];
        spans.extend(ctx.see_spans("See: ", &step.see));
        blocks.push(Block::new(
            ctx.tagged_paragraph(&spans, x, SMALL_LEAD, &body_path),
            2.5,
        ));
    }
    body_path
}

/// What the reader should see once a step and its sub-steps are done.
fn result_block(ctx: &mut Ctx<'_>, step: &Step, blocks: &mut Vec<Block>, body: &[NodeId], x: f32) {
    if let Some(result) = &step.result {
        let mut spans = vec![Span::new(
            "✓ Result: ",
            style(Face::Bold, SMALL + 0.3, SAFE),
        )];
        for paragraph in ctx.rich_paragraphs(result, style(Face::Regular, SMALL + 0.3, INK)) {
            spans.extend(paragraph);
            spans.push(Span::new(" ", style(Face::Regular, SMALL + 0.3, INK)));
        }
        blocks.push(Block::new(
            ctx.tagged_paragraph(&spans, x, SMALL_LEAD, body),
            3.0,
        ));
    }
}

/// Pros and cons side by side on a light panel; stacked when too long for that.
fn pros_cons_blocks(ctx: &mut Ctx<'_>, method: &Method) -> Vec<Block> {
    if method.pros.is_empty() && method.cons.is_empty() {
        return Vec::new();
    }
    let width = ctx.width();
    let pad = 9.0;
    let gap = 18.0;
    let column = (width - 2.0 * pad - gap) / 2.0;
    let size = 8.8;
    let leading = 12.4;
    let list = |ctx: &mut Ctx<'_>,
                title: &str,
                items: &[Text],
                marker: &str,
                color: Color,
                col_width: f32| {
        let mut units = ctx.tagged_paragraph(
            &[Span::new(title, style(Face::Bold, 8.0, color))],
            0.0,
            12.0,
            &[],
        );
        units.push(Unit::new(1.5));
        let list = ctx.node(Role::List);
        for item in items {
            let spans = [ctx.span(&item.plain, style(Face::Regular, size, INK))];
            let lines = ctx.lines(&spans, col_width - 12.0);
            let entry = ctx.node(Role::ListItem);
            let label = ctx.node(Role::Label);
            let body = ctx.node(Role::ListBody);
            let text = ctx.node(Role::Paragraph);
            for (k, line) in lines.iter().enumerate() {
                let mut unit = Unit::new(leading);
                if k == 0 {
                    unit.draws.push(Draw::Begin(label));
                    unit.draws.push(Draw::Text {
                        x: 0.0,
                        y: baseline(size, leading),
                        style: style(Face::Bold, size, color),
                        text: marker.to_owned(),
                    });
                    unit.draws.push(Draw::End);
                }
                unit.draws.push(Draw::Begin(body));
                unit.draws.push(Draw::Begin(text));
                draw_line(&mut unit, line, 12.0, 0.0, size, leading);
                unit.draws.push(Draw::End);
                unit.draws.push(Draw::End);
                unit.within(&[list, entry]);
                units.push(unit);
            }
        }
        units
    };
    let pros = if method.pros.is_empty() {
        Vec::new()
    } else {
        list(ctx, "PROS", &method.pros, "+", SAFE, column)
    };
    let cons = if method.cons.is_empty() {
        Vec::new()
    } else {
        list(ctx, "CONS", &method.cons, "–", DANGER, column)
    };
    let left = Unit::stack(&pros);
    let right = Unit::stack(&cons);
    let inner = left.height.max(right.height);
    let body_height = ctx.frame.bottom - ctx.frame.top;
    if inner + 2.0 * pad > body_height * 0.5 {
        // Too long to keep side by side: two labelled lists, each may break across pages.
        let mut blocks = Vec::new();
        for units in [pros, cons] {
            if !units.is_empty() {
                blocks.push(Block::new(units, 8.0));
            }
        }
        return blocks;
    }
    let mut unit = Unit::new(inner + 2.0 * pad - 2.0);
    unit.draws.push(Draw::Rect {
        x: 0.0,
        y: 0.0,
        w: width,
        h: unit.height,
        fill: PANEL,
    });
    unit.absorb(&left, pad, pad - 1.0);
    unit.absorb(&right, pad + column + gap, pad - 1.0);
    vec![Block::new(vec![unit], 10.0)]
}

fn method_facts(method: &Method) -> Vec<Span> {
    let platforms = method.platforms.join(", ");
    let label = style(Face::Bold, 7.4, MUTED);
    let value = style(Face::Regular, SMALL, INK);
    let gap = || Span::gap(14.0, value);
    let mut spans = vec![Span::new("EASE ", label)];
    spans.extend(stars(method.ease, SMALL));
    spans.push(gap());
    spans.push(Span::new("EFFECTIVENESS ", label));
    spans.extend(stars(method.effectiveness, SMALL));
    if let Some(time) = &method.time {
        spans.push(gap());
        spans.push(Span::new("TIME ", label));
        spans.push(Span::new(time.clone(), value));
    }
    spans.push(gap());
    spans.push(Span::new("DATA RISK ", label));
    spans.extend(risk_spans(method.risk, SMALL));
    if !platforms.is_empty() {
        spans.push(gap());
        spans.push(Span::new("ONLY ON ", label));
        spans.push(Span::new(platforms, value));
    }
    spans
}

fn method_blocks(ctx: &mut Ctx<'_>, method: &Method) -> Vec<Block> {
    let width = ctx.width();
    let mut blocks = Vec::new();
    // Heading: a numbered badge and the title.
    let size = 12.5;
    let leading = 16.0;
    let badge = 17.0;
    let text_x = badge + 8.0;
    let spans = [ctx.span(&method.title, style(Face::Bold, size, INK))];
    let lines = break_lines(ctx.fonts, &spans, width - text_x);
    let heading_node = ctx.node(Role::Heading(
        3,
        format!("{}. {}", method.number, method.title),
    ));
    let mut heading = Unit::new(0.0);
    for line in &lines {
        let top = heading.height;
        draw_line(&mut heading, line, text_x, top, size, leading);
        heading.height += leading;
    }
    let badge_top = (leading - badge) / 2.0;
    let number = method.number.to_string();
    let number_style = style(Face::Bold, 9.0, WHITE);
    let number_width = ctx.fonts.width(Face::Bold, 9.0, &number);
    heading.draws.insert(
        0,
        Draw::Rect {
            x: 0.0,
            y: badge_top,
            w: badge,
            h: badge,
            fill: ACCENT,
        },
    );
    heading.draws.push(Draw::Text {
        x: (badge - number_width) / 2.0,
        y: badge_top + badge / 2.0 + 9.0 * 0.729 / 2.0,
        style: number_style,
        text: number,
    });
    heading.within(&[heading_node]);
    heading.anchors.push(method_anchor(ctx.id(), &method.id));
    heading.height += 2.0;
    blocks.push(Block::new(vec![heading], 22.0).with_next().together());

    let facts = method_facts(method);
    blocks.push(Block::new(ctx.tagged_paragraph(&facts, text_x, 12.0, &[]), 1.0).with_next());

    if let Some(summary) = &method.summary {
        for (i, spans) in ctx.rich_paragraphs(summary, body()).into_iter().enumerate() {
            blocks.push(
                Block::new(
                    ctx.tagged_paragraph(&spans, 0.0, LEAD, &[]),
                    if i == 0 { 7.0 } else { 5.0 },
                )
                .with_next(),
            );
        }
    }
    if let Some(best) = &method.best_for {
        let spans = [
            Span::new("Best for: ", style(Face::Bold, SMALL, MUTED)),
            ctx.span(&best.plain, style(Face::Regular, SMALL, MUTED)),
        ];
        blocks
            .push(Block::new(ctx.tagged_paragraph(&spans, 0.0, SMALL_LEAD, &[]), 3.0).with_next());
    }
    if !method.before.is_empty() {
        let mut spans = vec![Span::new("Have ready: ", style(Face::Bold, SMALL, INK))];
        for (i, item) in method.before.iter().enumerate() {
            if i > 0 {
                spans.push(Span::new("; ", style(Face::Regular, SMALL, INK)));
            }
            spans.push(ctx.span(&item.plain, style(Face::Regular, SMALL, INK)));
        }
        blocks
            .push(Block::new(ctx.tagged_paragraph(&spans, 0.0, SMALL_LEAD, &[]), 3.0).with_next());
    }
    if let Some(warning) = &method.warning {
        blocks.push(warning_block(ctx, warning, 0.0, &[]).with_next());
    }
    if let Some(image) = &method.image {
        blocks.push(figure_block(ctx, image, 0.0, &[]).with_next());
    }

    let widest = format!("{}.", method.steps.len());
    ctx.first_column = (ctx.fonts.width(Face::Bold, BODY, &widest) + 6.0).max(19.0);
    // What opens the method (heading, facts, summary, warning) goes with its first step.
    let opening = blocks.len();
    let last_step = steps_blocks(ctx, &method.steps, &mut blocks);
    if last_step > opening {
        // The last step never opens a page alone: the one before it comes along.
        blocks[last_step - 1].keep_with_next = true;
    }
    let pros_cons = pros_cons_blocks(ctx, method);
    if !pros_cons.is_empty()
        && let Some(last) = blocks.last_mut()
    {
        // Pros and cons never open a page alone: the method's last step comes with them.
        last.keep_with_next = true;
    }
    blocks.extend(pros_cons);
    // A page that starts inside the method says whose steps these are.
    let continued = Arc::new(continued_line(ctx, method));
    for block in blocks.iter_mut().skip(opening) {
        block.continued = Some(Arc::clone(&continued));
    }
    blocks
}

/// "Method 2 (continued)", at the top of a page that starts inside a method; drawn as page
/// furniture, not read (the method's heading is in the tree, and a reader in the middle of a
/// step must not hear it). The number alone: a line of furniture that reads as prose (a long
/// title) is one that checkers say a reader misses.
fn continued_line(ctx: &mut Ctx<'_>, method: &Method) -> Unit {
    let spans = [Span::new(
        format!("Method {} (continued)", method.number),
        style(Face::Bold, SMALL, MUTED),
    )];
    let title = ctx
        .lines(&spans, ctx.width())
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut unit = Unit::new(SMALL_LEAD + 6.0);
    draw_line(&mut unit, &title, 0.0, 0.0, SMALL, SMALL_LEAD);
    unit.draws.push(Draw::Rect {
        x: 0.0,
        y: SMALL_LEAD + 1.5,
        w: ctx.width(),
        h: 0.4,
        fill: RULE,
    });
    unit
}

fn faq_blocks(ctx: &mut Ctx<'_>, questions: &[Question]) -> Vec<Block> {
    let mut blocks = Vec::new();
    for faq in questions {
        let question = [ctx.span(&faq.question.plain, style(Face::Bold, BODY + 0.3, INK))];
        blocks.push(Block::new(ctx.tagged_paragraph(&question, 0.0, LEAD, &[]), 10.0).with_next());
        blocks.extend(paragraph_blocks(ctx, &faq.answer, 1.0));
        if !faq.see.is_empty() {
            let mut spans = vec![Span::new("→ ", style(Face::Regular, SMALL, MUTED))];
            spans.extend(ctx.see_spans("See: ", &faq.see));
            blocks.push(Block::new(
                ctx.tagged_paragraph(&spans, 0.0, SMALL_LEAD, &[]),
                2.0,
            ));
        }
    }
    blocks
}

fn scenario_blocks(ctx: &mut Ctx<'_>, scenarios: &[Scenario]) -> Vec<Block> {
    let mut blocks = Vec::new();
    for scenario in scenarios {
        let mut spans = vec![
            Span::new("If ", style(Face::Bold, BODY, ACCENT)),
            ctx.span(&scenario.when.plain, style(Face::Bold, BODY, INK)),
        ];
        spans.push(Span::new(" — try: ", style(Face::Regular, BODY, MUTED)));
        for (i, reference) in scenario.try_methods.iter().enumerate() {
            if i > 0 {
                spans.push(Span::new(", then ", style(Face::Regular, BODY, MUTED)));
            }
            let target = link_target(reference.target.as_ref());
            let color = if target.is_some() { ACCENT } else { INK };
            spans.push(ctx.linked(&reference.text, style(Face::Regular, BODY, color), target));
        }
        blocks.push(Block::new(
            ctx.tagged_paragraph(&spans, 0.0, LEAD, &[]),
            6.0,
        ));
    }
    blocks
}

fn related_blocks(ctx: &mut Ctx<'_>, items: &[RelatedItem]) -> Vec<Block> {
    let mut blocks = Vec::new();
    for related in items {
        let mut spans = vec![Span::new("•  ", style(Face::Regular, BODY, MUTED))];
        match related {
            RelatedItem::Guide { id, title } => {
                let target = Some(Target::Anchor(guide_anchor(id)));
                spans.push(ctx.linked(title, style(Face::Regular, BODY, ACCENT), target));
                spans.push(Span::new("  ", body()));
                spans.push(ctx.span(&format!("({id})"), style(Face::Regular, SMALL, MUTED)));
            }
            RelatedItem::Missing { id } => {
                spans.push(Span::new("Guide ", body()));
                spans.push(ctx.span(id, style(Face::Bold, BODY, INK)));
            }
            RelatedItem::External { title, url } => {
                let target = Some(Target::Uri(url.clone()));
                spans.push(ctx.linked(title, style(Face::Regular, BODY, ACCENT), target.clone()));
                spans.push(Span::new(" — ", style(Face::Regular, SMALL, MUTED)));
                spans.push(ctx.linked(url, style(Face::Regular, SMALL, MUTED), target));
            }
        }
        blocks.push(Block::new(
            ctx.tagged_paragraph(&spans, 0.0, LEAD, &[]),
            4.0,
        ));
    }
    blocks
}

/// The whole handout of one guide, section by section in the handout's order.
pub(crate) fn guide_chapter(ctx: &mut Ctx<'_>) -> Chapter {
    let handout = ctx.handout;
    let id = ctx.id().to_owned();
    let mut blocks = title_block(ctx);
    let mut outline = Vec::new();
    for section in &handout.sections {
        let title = section.title();
        let anchor = section_anchor(&id, section.key());
        blocks.push(section_heading(ctx, title, anchor.clone()));
        let mut children = Vec::new();
        match section {
            Section::Overview(text) => blocks.extend(paragraph_blocks(ctx, text, 0.0)),
            Section::AtAGlance(rows) => blocks.push(glance_table(ctx, rows)),
            Section::Causes(causes) => blocks.extend(causes_blocks(ctx, causes)),
            Section::Methods(methods) => {
                for (index, method) in methods.iter().enumerate() {
                    let mut method_blocks = method_blocks(ctx, method);
                    if index == 0
                        && let Some(first) = method_blocks.first_mut()
                    {
                        first.space_before = 4.0;
                    }
                    blocks.extend(method_blocks);
                    children.push(OutlineItem {
                        title: format!("{}. {}", method.number, method.title),
                        anchor: method_anchor(&id, &method.id),
                        children: Vec::new(),
                    });
                }
            }
            Section::Questions(questions) => blocks.extend(faq_blocks(ctx, questions)),
            Section::WhereToStart(scenarios) => blocks.extend(scenario_blocks(ctx, scenarios)),
            Section::Related(items) => blocks.extend(related_blocks(ctx, items)),
        }
        outline.push(OutlineItem {
            title: title.to_owned(),
            anchor,
            children,
        });
    }
    Chapter {
        footer: handout.title.clone(),
        blocks,
        outline,
        roles: std::mem::take(&mut ctx.roles),
    }
}

/// Adds the footer to every page: a hairline, the chapter's title, "Page N of M".
pub(crate) fn add_footers(fonts: &Fonts, frame: &Frame, pages: &mut [Page], titles: &[String]) {
    let total = pages.len();
    add_footers_from(fonts, frame, pages, titles, 0, total);
}

/// [`add_footers`] for pages that are part of a longer document: the first is page
/// `first + 1` of `total`.
pub(crate) fn add_footers_from(
    fonts: &Fonts,
    frame: &Frame,
    pages: &mut [Page],
    titles: &[String],
    first: usize,
    total: usize,
) {
    let size = 7.4;
    let y_rule = frame.page_height - 44.0;
    let y_text = frame.page_height - 32.0;
    let width = frame.width();
    // A running title is printed where it runs: on every page of a document of two pages or
    // more, or over at least three pages of a book's chapter. On a lone page it only repeats
    // the heading, as page furniture that recurs nowhere, which checkers (outloud's TAG-002)
    // rightly take for prose a reader never hears.
    let whole = first == 0 && pages.len() == total && total > 1;
    let mut runs: BTreeMap<&str, usize> = BTreeMap::new();
    for page in pages.iter() {
        if let Some(title) = titles.get(page.chapter) {
            *runs.entry(title.as_str()).or_default() += 1;
        }
    }
    let shown: Vec<String> = pages
        .iter()
        .map(|page| match titles.get(page.chapter) {
            Some(title) if whole || runs.get(title.as_str()).is_some_and(|n| *n >= 3) => {
                title.clone()
            }
            _ => String::new(),
        })
        .collect();
    for ((index, page), title) in pages.iter_mut().enumerate().zip(shown) {
        let label = format!("Page {} of {total}", first + index + 1);
        let label_width = fonts.width(Face::Regular, size, &label);
        let room = width - label_width - 24.0;
        let title = truncate(fonts, &title, Face::Regular, size, room);
        page.push_fixed(Draw::Rect {
            x: frame.left,
            y: y_rule,
            w: width,
            h: 0.5,
            fill: RULE,
        });
        page.push_fixed(Draw::Text {
            x: frame.left,
            y: y_text,
            style: style(Face::Regular, size, MUTED),
            text: title,
        });
        page.push_fixed(Draw::Text {
            x: frame.left + width - label_width,
            y: y_text,
            style: style(Face::Regular, size, MUTED),
            text: label,
        });
    }
}

/// Shortens text with an ellipsis to fit `room`.
pub(crate) fn truncate(fonts: &Fonts, text: &str, face: Face, size: f32, room: f32) -> String {
    if fonts.width(face, size, text) <= room {
        return text.to_owned();
    }
    let ellipsis = fonts.width(face, size, "…");
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = fonts.char_width(face, size, c);
        if used + w + ellipsis > room {
            break;
        }
        used += w;
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_by_depth() {
        assert_eq!(step_marker(1, 12, "12"), "12.");
        assert_eq!(step_marker(2, 1, "3.1"), "a.");
        assert_eq!(step_marker(2, 27, "3.27"), "aa.");
        assert_eq!(step_marker(3, 4, "3.1.4"), "iv.");
        assert_eq!(step_marker(3, 9, "3.1.9"), "ix.");
        // Below the third level the full number: never `1.` or `a.` again.
        assert_eq!(step_marker(4, 1, "3.1.9.1"), "3.1.9.1");
        assert_eq!(step_marker(6, 2, "1.1.1.1.1.2"), "1.1.1.1.1.2");
    }
}
