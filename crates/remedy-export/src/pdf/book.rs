//! The book: a title page, a table of contents with page numbers (each entry a link), then
//! every guide's handout, in the order `[book]` gives.

use remedy_core::{Date, Guide};

use super::font::{Face, Fonts};
use super::layout::{
    Block, Draw, Frame, NodeId, Role, Span, Target, Unit, baseline, break_lines, draw_line,
    paragraph_units,
};
use super::render::{ACCENT, INK, MUTED, RULE, guide_anchor, long_date, style};

pub(crate) const CONTENTS_ANCHOR: &str = "book/contents";

/// The book's title when `[book]` gives none.
pub const DEFAULT_TITLE: &str = "Troubleshooting handbook";

/// What `[book]` in remedy.toml says about the book (SPEC §3). The binary reads the
/// configuration and carries it here; this crate never reads remedy.toml.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BookOptions {
    /// The title page's title and the document's title; `None`: [`DEFAULT_TITLE`].
    pub title: Option<String>,
    /// A line under the title, on the title page.
    pub subtitle: Option<String>,
    /// Who the book is by: on the title page, and the document's author.
    pub author: Option<String>,
    /// Guide ids the book prints first, in this order; the other guides follow as given.
    pub order: Vec<String>,
}

impl BookOptions {
    /// The title to print.
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(DEFAULT_TITLE)
    }
}

/// What the book's front matter and metadata need of a guide, kept for every guide while the
/// book is made (the guides themselves are not).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Listed {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) updated: Date,
    pub(crate) tags: Vec<String>,
    pub(crate) lang: Option<String>,
}

impl Listed {
    pub(crate) fn of(guide: &Guide) -> Self {
        Listed {
            id: guide.id.as_str().to_owned(),
            title: guide.title.clone(),
            summary: guide.summary.clone(),
            updated: guide.updated.clone(),
            tags: guide
                .tags
                .iter()
                .map(|tag| tag.as_str().to_owned())
                .collect(),
            lang: guide.lang.clone(),
        }
    }
}

/// The guides in the book's order, by index into `ids`: those `order` names, as it names them,
/// then the others in the order given (by path). An id of `order` that is not among the guides
/// is passed over: the binary refuses one that is no guide at all, and a guide left out of this
/// export has no place.
pub(crate) fn book_order<'i>(ids: impl Iterator<Item = &'i str>, order: &[String]) -> Vec<usize> {
    let mut ordered: Vec<(usize, usize)> = ids
        .map(|id| {
            order
                .iter()
                .position(|named| named == id)
                .unwrap_or(order.len())
        })
        .enumerate()
        .collect();
    // Stable: guides `order` does not name keep their order among themselves.
    ordered.sort_by_key(|(_, position)| *position);
    ordered.into_iter().map(|(index, _)| index).collect()
}

fn node(roles: &mut Vec<Role>, role: Role) -> NodeId {
    roles.push(role);
    (roles.len() - 1) as NodeId
}

fn within(mut units: Vec<Unit>, path: &[NodeId]) -> Vec<Unit> {
    for unit in &mut units {
        unit.within(path);
    }
    units
}

/// The title page: the title, the subtitle, how many guides and how recent, the author.
pub(crate) fn title_page(
    fonts: &Fonts,
    frame: &Frame,
    book: &BookOptions,
    guides: &[&Listed],
    roles: &mut Vec<Role>,
) -> Vec<Block> {
    let title = book.title();
    let width = frame.width();
    let body = frame.bottom - frame.top;
    let mut blocks = Vec::new();
    blocks.push(Block::new(vec![Unit::new(body * 0.26)], 0.0));
    let kicker = [Span::new(
        "TROUBLESHOOTING HANDBOOK",
        style(Face::Bold, 9.0, ACCENT),
    )];
    blocks.push(Block::new(
        paragraph_units(fonts, &kicker, 0.0, width, 14.0),
        0.0,
    ));
    let heading = [Span::new(title, style(Face::Bold, 30.0, INK))];
    let heading_node = node(roles, Role::Heading(1, title.to_owned()));
    blocks.push(Block::new(
        within(
            paragraph_units(fonts, &heading, 0.0, width, 36.0),
            &[heading_node],
        ),
        8.0,
    ));
    if let Some(subtitle) = &book.subtitle {
        let spans = [Span::new(
            subtitle.as_str(),
            style(Face::Regular, 15.0, INK),
        )];
        let subtitle_node = node(roles, Role::Paragraph);
        blocks.push(Block::new(
            within(
                paragraph_units(fonts, &spans, 0.0, width, 20.0),
                &[subtitle_node],
            ),
            6.0,
        ));
    }
    let latest = guides
        .iter()
        .map(|guide| &guide.updated)
        .max_by(|a, b| a.as_str().cmp(b.as_str()));
    let count = match guides.len() {
        1 => "1 guide".to_owned(),
        n => format!("{n} guides"),
    };
    let subtitle = match latest {
        Some(date) => format!("{count} · reviewed up to {}", long_date(date)),
        None => count,
    };
    let sub = [Span::new(subtitle, style(Face::Regular, 11.0, MUTED))];
    let sub_node = node(roles, Role::Paragraph);
    let mut units = within(paragraph_units(fonts, &sub, 0.0, width, 16.0), &[sub_node]);
    let mut rule = Unit::new(16.0);
    rule.draws.push(Draw::Rect {
        x: 0.0,
        y: 12.0,
        w: width.min(140.0),
        h: 2.2,
        fill: ACCENT,
    });
    units.push(rule);
    blocks.push(Block::new(units, 10.0));
    if let Some(author) = &book.author {
        let spans = [Span::new(author.as_str(), style(Face::Bold, 11.0, INK))];
        let author_node = node(roles, Role::Paragraph);
        blocks.push(Block::new(
            within(
                paragraph_units(fonts, &spans, 0.0, width, 16.0),
                &[author_node],
            ),
            4.0,
        ));
    }
    blocks
}

/// The contents: each guide's title (a link) with its first page, and its summary.
pub(crate) fn contents(
    fonts: &Fonts,
    frame: &Frame,
    guides: &[&Listed],
    pages: &[usize],
    roles: &mut Vec<Role>,
) -> Vec<Block> {
    let width = frame.width();
    let mut blocks = Vec::new();
    let size = 13.0;
    let spans = [Span::new("Contents", style(Face::Bold, size, ACCENT))];
    let mut heading = Unit::new(0.0);
    for line in break_lines(fonts, &spans, width) {
        let top = heading.height;
        draw_line(&mut heading, &line, 0.0, top, size, 17.0);
        heading.height += 17.0;
    }
    let heading_node = node(roles, Role::Heading(1, "Contents".to_owned()));
    heading.within(&[heading_node]);
    heading.height += 3.0;
    heading.draws.push(Draw::Rect {
        x: 0.0,
        y: heading.height,
        w: width,
        h: 0.6,
        fill: RULE,
    });
    heading.height += 8.0;
    heading.anchors.push(CONTENTS_ANCHOR.to_owned());
    blocks.push(Block::new(vec![heading], 0.0).with_next());

    let number_column = 36.0;
    let title_size = 10.5;
    let leading = 14.5;
    let toc = node(roles, Role::Contents);
    for (index, guide) in guides.iter().enumerate() {
        let page = pages.get(index).copied().unwrap_or(0);
        let target = Some(Target::Anchor(guide_anchor(&guide.id)));
        let item = node(roles, Role::ContentsItem);
        let link = node(roles, Role::Link(format!("{}, page {page}", guide.title)));
        let title = [
            Span::new(guide.title.clone(), style(Face::Bold, title_size, INK))
                .link(target.clone())
                .within(Some(link)),
        ];
        let lines = break_lines(fonts, &title, width - number_column - 12.0);
        let mut units = Vec::new();
        for (k, line) in lines.iter().enumerate() {
            let mut unit = Unit::new(leading);
            draw_line(&mut unit, line, 0.0, 0.0, title_size, leading);
            unit.within(&[toc, item]);
            if k + 1 == lines.len() {
                // Leader dots and the page number, right-aligned.
                let number = page.to_string();
                let number_style = style(Face::Bold, title_size, INK);
                let number_width = fonts.width(Face::Bold, title_size, &number);
                let dots_style = style(Face::Regular, title_size, RULE);
                let dot = fonts.width(Face::Regular, title_size, " .");
                let start = line.width + 6.0;
                let end = width - number_width - 6.0;
                let count = ((end - start) / dot).floor().max(0.0) as usize;
                if count > 0 {
                    unit.draws.push(Draw::Text {
                        x: end - count as f32 * dot,
                        y: baseline(title_size, leading),
                        style: dots_style,
                        text: " .".repeat(count),
                    });
                }
                // The leader dots are furniture; the number reads as part of the link.
                let mut number_draws = vec![Draw::Text {
                    x: width - number_width,
                    y: baseline(title_size, leading),
                    style: number_style,
                    text: number,
                }];
                if let Some(target) = &target {
                    number_draws.push(Draw::Link {
                        x: start,
                        y: 0.0,
                        w: width - start,
                        h: leading,
                        target: target.clone(),
                    });
                }
                let mut number_unit = Unit::new(0.0);
                number_unit.draws = number_draws;
                number_unit.within(&[toc, item, link]);
                unit.draws.append(&mut number_unit.draws);
            }
            units.push(unit);
        }
        let summary = [Span::new(
            guide.summary.clone(),
            style(Face::Regular, 8.6, MUTED),
        )];
        let summary_node = node(roles, Role::Paragraph);
        units.extend(within(
            paragraph_units(fonts, &summary, 0.0, width - number_column - 12.0, 12.0),
            &[toc, item, summary_node],
        ));
        blocks.push(Block::new(units, if index == 0 { 4.0 } else { 12.0 }).together());
    }
    blocks
}
