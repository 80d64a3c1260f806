//! Rich text (SPEC §2): the small inline subset of CommonMark that guide texts may use, parsed
//! with `pulldown-cmark` into a typed tree every exporter reads, and the markup beyond the subset
//! with its byte range in the text, for `unsupported-markup`.
//!
//! | written | inline |
//! | --- | --- |
//! | `**Settings**` | [`Inline::Label`] |
//! | `**Settings > General**` | [`Inline::MenuPath`] |
//! | `` `ipconfig` `` | [`Inline::Code`] |
//! | `*once*` | [`Inline::Emphasis`] |
//! | `[text](https://…)` | [`Inline::Link`] |
//! | `[text](#method)`, `[text](guide#step)` | [`Inline::Reference`] |

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::id::{Reference, is_valid_id};

/// One piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Text as it reads (escapes resolved, line breaks as spaces).
    Text(String),
    /// A label on the screen: a button, menu, switch or field (`**Settings**`).
    Label(String),
    /// A menu path: labels separated by `>` (`**Settings > General**`).
    MenuPath(Vec<String>),
    /// Something to type, or a value exactly as shown.
    Code(String),
    /// Emphasis (`*once*`).
    Emphasis(Vec<Inline>),
    /// A link to a page outside the project (`http`, `https`, `mailto`).
    Link {
        /// The link text.
        text: Vec<Inline>,
        /// The address.
        url: String,
    },
    /// A link to a method or step: `#id` or `guide#id` as written after the `(`, the `#` of a
    /// same-guide link removed.
    Reference {
        /// The link text.
        text: Vec<Inline>,
        /// What it refers to.
        target: Reference,
    },
}

/// A text parsed: its paragraphs, each a list of inlines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RichText {
    /// The paragraphs, in order.
    pub paragraphs: Vec<Vec<Inline>>,
}

/// Markup beyond the subset, where it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// Byte range in the text of the characters at fault.
    pub range: Range<usize>,
    /// What was found, for a writer: "a heading", "raw HTML", …
    pub what: &'static str,
    /// What to write instead.
    pub fix: &'static str,
}

/// How many paragraphs a field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paragraphs {
    /// One paragraph: a blank line is markup at fault (`summary`, step `text`, `warning`, …).
    One,
    /// Blank lines separate paragraphs (`overview`, `description`, `answer`, `note`).
    Many,
}

/// The options the subset needs: tables, footnotes and strike-through are parsed so that they
/// can be reported, not printed.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// The bytes that can start inline markup (or a second line), as a table: a `matches!` over
/// them compiled to an indirect jump per byte, and perf showed `may_hold_markup` at 1.8% of a
/// one-thread lint (it reads every rich text of every guide).
static INLINE_MARKUP: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = *b"*_`[<\\!~&\n\r|";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether a text can hold markup at all: most texts are plain sentences and skip the parser.
/// Block markup starts a line, so a one-line text needs only its first character looked at.
pub fn may_hold_markup(text: &str) -> bool {
    // Eight bytes a round without a branch each: a byte-by-byte `any` stopped to test every
    // byte, and most texts hold none of these bytes, so the whole text is read anyway.
    let bytes = text.as_bytes();
    let mut rounds = bytes.chunks_exact(8);
    let inline = rounds.by_ref().any(|round| {
        round
            .iter()
            .fold(false, |seen, &b| seen | INLINE_MARKUP[usize::from(b)])
    }) || rounds
        .remainder()
        .iter()
        .any(|&b| INLINE_MARKUP[usize::from(b)]);
    inline
        || text.bytes().next().is_some_and(|b| {
            matches!(b, b'#' | b'>' | b'-' | b'+' | b'=' | b' ' | b'\t') || b.is_ascii_digit()
        })
}

/// Whether a text that holds no inline-markup byte but `\n` is plain paragraphs, in which
/// [`parse`] finds nothing at fault: every line starts, after its indentation, with a byte that
/// opens no block (not `#`, `>`, `-`, `+`, `=`, `:`, a digit or a markup byte), none ends in a
/// space or tab before a break (a hard break), a line after a blank one is not indented (code),
/// and blank lines are only where the field allows more than one paragraph (one line break may
/// end any text). Unsure is `false`: the parser decides.
///
/// The texts of `|` blocks, which their line breaks alone sent through the parser, are such
/// paragraphs; the caller knows the rest of their bytes from one scan of them.
pub fn plain_paragraphs(text: &str, paragraphs: Paragraphs) -> bool {
    let mut lines = text.as_bytes().split(|&b| b == b'\n').peekable();
    let mut first = true;
    let mut after_blank = false;
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        if !last && matches!(line.last(), Some(b' ' | b'\t')) {
            return false;
        }
        match line.iter().position(|&b| b != b' ' && b != b'\t') {
            None if last && line.is_empty() && !first => {}
            None if paragraphs == Paragraphs::Many => after_blank = true,
            None => return false,
            Some(indent) => {
                let opener = line[indent];
                if matches!(opener, b'#' | b'>' | b'-' | b'+' | b'=' | b':')
                    || opener.is_ascii_digit()
                    || INLINE_MARKUP[usize::from(opener)]
                    || (indent > 0 && (first || after_blank))
                {
                    return false;
                }
                after_blank = false;
            }
        }
        first = false;
    }
    true
}

/// A link destination, sorted: an external address, a reference, or neither.
fn classify_destination(url: &str) -> Option<Result<String, Reference>> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
    {
        return Some(Ok(url.to_owned()));
    }
    let target = url.strip_prefix('#').unwrap_or(url);
    let valid = match target.split_once('#') {
        Some((guide, id)) if !url.starts_with('#') => is_valid_id(guide) && is_valid_id(id),
        Some(_) => false,
        None => is_valid_id(target),
    };
    valid.then(|| Err(Reference(target.to_owned())))
}

/// The internal link targets of `text` with their byte ranges (the destination's), in order.
pub fn references(text: &str) -> Vec<(Reference, Range<usize>)> {
    // Every text of every guide is asked: a byte search for `]` then a look at the byte after
    // it costs less than `str::contains`'s two-way search (and than building a `memmem`
    // searcher for each text).
    if !has_link_middle(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. }) = event
            && let Some(Err(target)) = classify_destination(&dest_url)
        {
            out.push((target, destination_range(text, range, &dest_url)));
        }
    }
    out
}

/// Whether `](`, the middle of an inline link, is in `text`.
fn has_link_middle(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b']', bytes).any(|at| bytes.get(at + 1) == Some(&b'('))
}

/// `text` with every internal link whose target `keep` refuses replaced by the link's text as
/// written (`[the storage method](#free-up)` → `the storage method`); borrowed when nothing
/// changed.
pub fn unlink<'t>(text: &'t str, keep: &dyn Fn(&Reference) -> bool) -> std::borrow::Cow<'t, str> {
    if !text.contains("](") {
        return std::borrow::Cow::Borrowed(text);
    }
    // (link range, link text range) of the links to remove, in order, outermost only.
    let mut cuts: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let Event::Start(Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let drop = matches!(classify_destination(&dest_url), Some(Err(target)) if !keep(&target));
        if drop && cuts.last().is_none_or(|(last, _)| last.end <= range.start) {
            let inner_end = text
                .get(range.clone())
                .and_then(|link| link.rfind("]("))
                .map_or(range.start + 1, |at| range.start + at);
            cuts.push((range.clone(), range.start + 1..inner_end));
        }
    }
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (link, inner) in cuts {
        out.push_str(text.get(at..link.start).unwrap_or_default());
        out.push_str(text.get(inner).unwrap_or_default());
        at = link.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    std::borrow::Cow::Owned(out)
}

/// The first markup in a text meant to be plain (a title, an `alt`): the range of the
/// characters that a rich-text reader would not print as written. Escapes count as markup too.
pub fn first_markup(text: &str) -> Option<Range<usize>> {
    if !may_hold_markup(text) {
        return None;
    }
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) | Event::SoftBreak => {}
            Event::Text(content) if text.get(range.clone()) == Some(&*content) => {}
            _ => return Some(marker_range(text, range)),
        }
    }
    None
}

/// The byte range of a link's destination inside the link's range, or the link's range.
fn destination_range(text: &str, link: Range<usize>, destination: &str) -> Range<usize> {
    let Some(source) = text.get(link.clone()) else {
        return link;
    };
    match source.rfind(destination) {
        Some(at) if !destination.is_empty() => link.start + at..link.start + at + destination.len(),
        _ => link,
    }
}

/// The deepest nesting of labels, emphasis and links kept in the tree: no real text nests
/// deeper, and the tree's walks (and its drop) then stay shallow whatever the input.
const MAX_NESTING: usize = 16;

/// One open container while the tree is built.
#[derive(Debug)]
enum Frame {
    Strong,
    Emphasis,
    Link(Option<Result<String, Reference>>),
}

/// Parses `text` into paragraphs of inlines, and lists every piece of markup beyond the subset.
///
/// `leading_list_marker_is_text`: a step text that starts like a list item (`1.`, `-`) is
/// `manual-numbering`'s finding, not this one; such a marker is kept as text.
pub fn parse(
    text: &str,
    paragraphs: Paragraphs,
    leading_list_marker_is_text: bool,
) -> (RichText, Vec<Unsupported>) {
    let mut rich = RichText::default();
    let mut problems = Vec::new();
    if !may_hold_markup(text) {
        if !text.is_empty() {
            rich.paragraphs.push(vec![Inline::Text(text.to_owned())]);
        }
        return (rich, problems);
    }
    let mut problem = |range: Range<usize>, what: &'static str, fix: &'static str| {
        problems.push(Unsupported { range, what, fix });
    };
    // Each open container keeps the inlines collected inside it.
    let mut stack: Vec<(Frame, Vec<Inline>)> = Vec::new();
    // Containers opened deeper than MAX_NESTING keep their text but not their nesting.
    let mut flattened = 0usize;
    let mut current: Vec<Inline> = Vec::new();
    let mut paragraph_count = 0usize;
    let mut block_depth = 0usize;
    let mut list_depth = 0usize;
    // Where a leading marker may start, and how many were taken as text.
    let mut leading_end = 0usize;
    let mut leading_markers = 0usize;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    paragraph_count += 1;
                    if paragraph_count > 1 && paragraphs == Paragraphs::One && block_depth == 0 {
                        let start = range.start;
                        let line_end = text[start..]
                            .find('\n')
                            .map_or(range.end, |offset| start + offset);
                        problem(
                            start..line_end.max(start + 1).min(text.len()),
                            "a second paragraph (a blank line)",
                            "this field holds one paragraph: remove the blank line, or move the text to a `note`",
                        );
                    }
                    if !current.is_empty() {
                        flush(&mut rich, &mut current);
                    }
                }
                Tag::Strong | Tag::Emphasis if stack.len() >= MAX_NESTING => flattened += 1,
                Tag::Strong => stack.push((Frame::Strong, std::mem::take(&mut current))),
                Tag::Emphasis => stack.push((Frame::Emphasis, std::mem::take(&mut current))),
                Tag::Link {
                    link_type,
                    dest_url,
                    ..
                } => {
                    // `<someone@example.com>` is an e-mail autolink: a `mailto:` link.
                    let kind = if link_type == LinkType::Email {
                        Some(Ok(format!("mailto:{dest_url}")))
                    } else {
                        classify_destination(&dest_url)
                    };
                    if kind.is_none() {
                        problem(
                            destination_range(text, range.clone(), &dest_url),
                            "a link that is neither a web address nor a reference",
                            "link to `https://…`, `mailto:…`, `#method-or-step` or `guide#step`",
                        );
                    } else if matches!(
                        link_type,
                        LinkType::Reference
                            | LinkType::ReferenceUnknown
                            | LinkType::Collapsed
                            | LinkType::CollapsedUnknown
                            | LinkType::Shortcut
                            | LinkType::ShortcutUnknown
                    ) {
                        problem(
                            range.clone(),
                            "a reference-style link",
                            "write the address in the link: `[text](https://…)`",
                        );
                    }
                    if stack.len() >= MAX_NESTING {
                        flattened += 1;
                    } else {
                        stack.push((Frame::Link(kind), std::mem::take(&mut current)));
                    }
                }
                // Markers in a row at the very start (`1.`, `1. 1.`) are lists nested in
                // lists to CommonMark; each is text here, for manual-numbering to report.
                Tag::List(_)
                    if leading_list_marker_is_text
                        && block_depth == 0
                        && range.start == leading_end
                        && list_depth == leading_markers =>
                {
                    list_depth += 1;
                }
                Tag::Item
                    if leading_list_marker_is_text
                        && block_depth == 0
                        && range.start == leading_end
                        && list_depth == leading_markers + 1 =>
                {
                    if let Some(marker) = text
                        .get(range.start..)
                        .and_then(|rest| rest.find(char::is_whitespace).map(|end| &rest[..end]))
                    {
                        current.push(Inline::Text(format!("{marker} ")));
                        let after = range.start + marker.len();
                        leading_end = after
                            + text[after..]
                                .find(|c: char| c != ' ' && c != '\t')
                                .unwrap_or(text.len() - after);
                    }
                    leading_markers += 1;
                    paragraph_count = paragraph_count.saturating_sub(1);
                }
                other => {
                    block_depth += 1;
                    let (what, fix) = describe(&other);
                    problem(marker_range(text, range), what, fix);
                }
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => flush(&mut rich, &mut current),
                TagEnd::Strong | TagEnd::Emphasis | TagEnd::Link if flattened > 0 => {
                    flattened -= 1;
                }
                TagEnd::Strong | TagEnd::Emphasis | TagEnd::Link => {
                    if let Some((frame, outer)) = stack.pop() {
                        let inner = std::mem::replace(&mut current, outer);
                        current.push(close(frame, inner));
                    }
                }
                TagEnd::List(_) if list_depth > 0 && block_depth == 0 => list_depth -= 1,
                TagEnd::Item if list_depth > 0 && block_depth == 0 => {}
                _ => block_depth = block_depth.saturating_sub(1),
            },
            Event::Text(content) => push_text(&mut current, &content),
            Event::Code(content) => current.push(Inline::Code(content.into_string())),
            Event::SoftBreak => push_text(&mut current, " "),
            Event::HardBreak => {
                problem(
                    marker_range(text, range),
                    "a hard line break",
                    "remove the trailing spaces or backslash at the end of the line",
                );
                push_text(&mut current, " ");
            }
            Event::Html(content) | Event::InlineHtml(content) => {
                problem(
                    marker_range(text, range),
                    "raw HTML",
                    "write `\\<` for a literal `<`, or use `**label**` and `` `code` ``",
                );
                push_text(&mut current, &content);
            }
            Event::FootnoteReference(_) => problem(
                marker_range(text, range),
                "a footnote",
                "put the extra information in a `note`",
            ),
            Event::Rule => problem(
                marker_range(text, range),
                "a horizontal rule",
                "remove the line of dashes or asterisks",
            ),
            Event::TaskListMarker(_) => problem(
                marker_range(text, range),
                "a task-list box",
                "write the items as steps",
            ),
            Event::InlineMath(content) | Event::DisplayMath(content) => {
                push_text(&mut current, &content);
            }
        }
    }
    // Unbalanced events cannot come from pulldown-cmark, but a tree is never lost to them.
    while let Some((frame, outer)) = stack.pop() {
        let inner = std::mem::replace(&mut current, outer);
        current.push(close(frame, inner));
    }
    flush(&mut rich, &mut current);
    (rich, problems)
}

/// The range to point at for a block construct: its first line, not the whole block.
fn marker_range(text: &str, range: Range<usize>) -> Range<usize> {
    let start = range.start.min(text.len());
    let end = range.end.min(text.len()).max(start);
    let first_line = text[start..end]
        .find('\n')
        .map_or(end, |offset| start + offset);
    let trimmed = text[start..first_line].trim_end().len();
    if trimmed == 0 {
        // A construct that is only a line break: point at the character before it, if any.
        let at = text[..start.min(text.len())]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i);
        let next = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        return at..next.max(at);
    }
    start..start + trimmed
}

fn describe(tag: &Tag<'_>) -> (&'static str, &'static str) {
    match tag {
        Tag::Heading { .. } => (
            "a heading",
            "remove the `#`; guide texts have no headings (write `\\#` for a literal #)",
        ),
        Tag::BlockQuote(_) => (
            "a block quote",
            "remove the `>` at the start of the line (write `\\>` for a literal >)",
        ),
        Tag::CodeBlock(_) => (
            "a code block",
            "put commands in the step's `code` field; text indented by four spaces becomes a code block",
        ),
        Tag::HtmlBlock => ("raw HTML", "remove the HTML tags"),
        Tag::List(_) | Tag::Item => (
            "a list",
            "write each item as its own step, or `\\-`/`1\\.` for a literal marker",
        ),
        Tag::FootnoteDefinition(_) => ("a footnote", "put the extra information in a `note`"),
        Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell => (
            "a table",
            "describe the values in sentences, or write `\\|` for a literal |",
        ),
        Tag::Strikethrough => (
            "struck-through text",
            "remove the text, or write `\\~` for a literal ~",
        ),
        Tag::Image { .. } => (
            "an inline image",
            "use the step's `image` field with `src` and `alt`",
        ),
        _ => (
            "Markdown beyond guide rich text",
            "use only labels, menu paths, code, emphasis and links",
        ),
    }
}

fn push_text(current: &mut Vec<Inline>, text: &str) {
    if let Some(Inline::Text(last)) = current.last_mut() {
        last.push_str(text);
    } else {
        current.push(Inline::Text(text.to_owned()));
    }
}

fn flush(rich: &mut RichText, current: &mut Vec<Inline>) {
    if !current.is_empty() {
        rich.paragraphs.push(std::mem::take(current));
    }
}

fn close(frame: Frame, inner: Vec<Inline>) -> Inline {
    match frame {
        Frame::Strong => {
            let label = plain_inlines(&inner);
            if label.contains('>') {
                Inline::MenuPath(
                    label
                        .split('>')
                        .map(|part| part.trim().to_owned())
                        .collect(),
                )
            } else {
                Inline::Label(label)
            }
        }
        Frame::Emphasis => Inline::Emphasis(inner),
        Frame::Link(Some(Ok(url))) => Inline::Link { text: inner, url },
        Frame::Link(Some(Err(target))) => Inline::Reference {
            text: inner,
            target,
        },
        // An unsupported destination keeps its text (the finding says what is wrong).
        Frame::Link(None) => Inline::Emphasis(inner),
    }
}

fn push_plain(out: &mut String, inlines: &[Inline]) {
    for inline in inlines {
        match inline {
            Inline::Text(text) | Inline::Label(text) | Inline::Code(text) => out.push_str(text),
            Inline::MenuPath(labels) => out.push_str(&labels.join(" > ")),
            Inline::Emphasis(inner)
            | Inline::Link { text: inner, .. }
            | Inline::Reference { text: inner, .. } => push_plain(out, inner),
        }
    }
}

/// The text of some inlines without their markup.
pub fn plain_inlines(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(&mut out, inlines);
    out
}

impl RichText {
    /// The text without markup: labels and code keep their text, a menu path keeps its `>`, a
    /// link keeps its text; paragraphs are separated by a blank line.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for (i, paragraph) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            push_plain(&mut out, paragraph);
        }
        out
    }
}

/// `text` without its markup (see [`RichText::plain`]); a text without markup characters is
/// returned as it is.
pub fn plain(text: &str) -> String {
    if !may_hold_markup(text) {
        return text.to_owned();
    }
    parse(text, Paragraphs::Many, true).0.plain()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_pre_check_says_what_contains_says() {
        for text in [
            "", "]", "](", "a](b", "]]](", "] (", ")](", "x]", "[a](#b)", "]x(", "é](", "](é",
        ] {
            assert_eq!(has_link_middle(text), text.contains("]("), "{text:?}");
        }
        assert_eq!(references("See [the storage method](#free-up).").len(), 1);
    }

    #[test]
    fn the_markup_table_holds_exactly_the_inline_markup_bytes() {
        for b in 0..=u8::MAX {
            let expected = matches!(
                b,
                b'*' | b'_'
                    | b'`'
                    | b'['
                    | b'<'
                    | b'\\'
                    | b'!'
                    | b'~'
                    | b'&'
                    | b'\n'
                    | b'\r'
                    | b'|'
            );
            assert_eq!(INLINE_MARKUP[usize::from(b)], expected, "byte {b}");
        }
    }

    fn one(text: &str) -> (Vec<Inline>, Vec<Unsupported>) {
        let (rich, problems) = parse(text, Paragraphs::One, false);
        (rich.paragraphs.into_iter().flatten().collect(), problems)
    }

    #[test]
    fn the_subset_becomes_a_typed_tree() {
        let (inlines, problems) = one(
            "Open **Settings**, tap **General > Reset**, type `ipconfig /renew` *once*, see [status](https://example.com/s) or [the storage method](#free-up-storage) and [this](other-guide#step-two). \\*",
        );
        assert_eq!(problems, []);
        assert_eq!(
            inlines,
            vec![
                Inline::Text("Open ".into()),
                Inline::Label("Settings".into()),
                Inline::Text(", tap ".into()),
                Inline::MenuPath(vec!["General".into(), "Reset".into()]),
                Inline::Text(", type ".into()),
                Inline::Code("ipconfig /renew".into()),
                Inline::Text(" ".into()),
                Inline::Emphasis(vec![Inline::Text("once".into())]),
                Inline::Text(", see ".into()),
                Inline::Link {
                    text: vec![Inline::Text("status".into())],
                    url: "https://example.com/s".into()
                },
                Inline::Text(" or ".into()),
                Inline::Reference {
                    text: vec![Inline::Text("the storage method".into())],
                    target: Reference("free-up-storage".into())
                },
                Inline::Text(" and ".into()),
                Inline::Reference {
                    text: vec![Inline::Text("this".into())],
                    target: Reference("other-guide#step-two".into())
                },
                Inline::Text(". *".into()),
            ]
        );
    }

    #[test]
    fn deep_nesting_is_flattened_not_followed() {
        let text = format!("{}x{}", "*a _b ".repeat(5000), " b_ a*".repeat(5000));
        let (rich, _) = parse(&text, Paragraphs::One, false);
        let mut depth = 0;
        let mut level: &[Inline] = rich.paragraphs.first().map_or(&[], Vec::as_slice);
        while let Some(Inline::Emphasis(inner)) =
            level.iter().find(|i| matches!(i, Inline::Emphasis(_)))
        {
            depth += 1;
            level = inner;
        }
        assert!(depth <= MAX_NESTING, "{depth}");
        assert!(plain(&text).contains('x'));
        // Deep block nesting is pulldown-cmark's to walk; it only has to come back.
        let quotes = format!("{} x", ">".repeat(20_000));
        assert!(!parse(&quotes, Paragraphs::One, false).1.is_empty());
        let brackets = format!("{}x{}", "[".repeat(20_000), "](#a)".repeat(20_000));
        let _ = parse(&brackets, Paragraphs::One, false);
        let _ = unlink(&brackets, &|_| false);
    }

    #[test]
    fn plain_text_drops_the_markup_and_keeps_menu_arrows() {
        assert_eq!(
            plain("Tap **Settings > Wi-Fi**, then `Forget` [here](#x)."),
            "Tap Settings > Wi-Fi, then Forget here."
        );
        assert_eq!(plain("first\n\nsecond\nline"), "first\n\nsecond line");
        assert_eq!(plain("no markup at all"), "no markup at all");
    }

    #[test]
    fn markup_beyond_the_subset_is_found_at_its_characters() {
        let text = "Open it.\n\n# Heading";
        let (_, problems) = one(text);
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (&text[p.range.clone()], p.what))
            .collect();
        assert_eq!(found, [("# Heading", "a heading")]);

        assert_eq!(
            one("Write to <help@example.com> or see <https://example.com>.").1,
            []
        );
        let text = "Tap <b>Reset</b> and ![x](a.png) or [f](file.txt).";
        let (_, problems) = one(text);
        let found: Vec<&str> = problems.iter().map(|p| &text[p.range.clone()]).collect();
        assert_eq!(found, ["<b>", "</b>", "![x](a.png)", "file.txt"]);
    }

    #[test]
    fn a_blank_line_is_a_finding_only_where_one_paragraph_is_allowed() {
        let text = "One.\n\nTwo.";
        assert_eq!(one(text).1.len(), 1);
        assert_eq!(one(text).1[0].range, 6..10);
        assert_eq!(parse(text, Paragraphs::Many, false).1, []);
    }

    #[test]
    fn a_leading_list_marker_is_left_to_manual_numbering() {
        let (rich, problems) = parse("1. Open Settings.", Paragraphs::One, true);
        assert_eq!(problems, []);
        assert_eq!(rich.plain(), "1. Open Settings.");
        assert_eq!(one("1. Open Settings.").1.len(), 2);
    }

    #[test]
    fn plain_fields_find_their_first_markup() {
        let text = "Fix **Wi-Fi** now";
        assert_eq!(first_markup(text).map(|r| &text[r]), Some("**Wi-Fi**"));
        assert_eq!(first_markup("Fix Wi-Fi (2.4 GHz) now"), None);
        assert_eq!(
            first_markup("AT&T <router>").map(|r| &"AT&T <router>"[r]),
            Some("<router>")
        );
    }

    #[test]
    fn unlinking_keeps_the_link_text() {
        let keep = |r: &Reference| r.as_str() != "gone";
        assert_eq!(
            unlink("See [**the** method](#gone) or [that](#kept).", &keep),
            "See **the** method or [that](#kept)."
        );
        assert!(matches!(
            unlink("See [that](#kept).", &keep),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn references_are_listed_with_their_destinations() {
        let text = "See [a](#one) and [b](g#two), not [c](https://x.org).";
        let found: Vec<(String, &str)> = references(text)
            .into_iter()
            .map(|(r, range)| (r.0, &text[range]))
            .collect();
        assert_eq!(found, [("one".into(), "#one"), ("g#two".into(), "g#two")]);
    }

    /// Lines that start with every ASCII byte (after every indentation), with blank lines,
    /// trailing spaces and final breaks: wherever `plain_paragraphs` says the parser would find
    /// nothing at fault, it finds nothing, in every kind of field.
    #[test]
    fn plain_paragraphs_are_only_texts_the_parser_finds_nothing_wrong_in() {
        let mut accepted = 0;
        let openers: Vec<String> = (0x20u8..0x7F)
            .map(|b| char::from(b).to_string())
            .chain(["é".into(), "’".into()])
            .collect();
        for opener in &openers {
            for indent in ["", " ", "   ", "    ", "\t"] {
                for (before, after) in [
                    ("Open it.\n", ""),
                    ("Open it.\n", "\n"),
                    ("Open it.\n", "\n\n"),
                    ("Open it.\n\n", "\n"),
                    ("Open it.  \n", ""),
                    ("Open it. \n", "\n"),
                    ("Open it.\n \n", ""),
                    ("\n", ""),
                    ("", "\nthen wait."),
                    ("", "  \nthen wait."),
                ] {
                    let text = format!("{before}{indent}{opener} the tray{after}");
                    let only_breaks = text.chars().all(|c| {
                        c == '\n' || !c.is_ascii() || !INLINE_MARKUP[usize::from(c as u8)]
                    });
                    if !only_breaks {
                        continue;
                    }
                    for paragraphs in [Paragraphs::One, Paragraphs::Many] {
                        if !plain_paragraphs(&text, paragraphs) {
                            continue;
                        }
                        accepted += 1;
                        for leading in [false, true] {
                            let (_, problems) = parse(&text, paragraphs, leading);
                            assert_eq!(problems, [], "{text:?} {paragraphs:?}");
                        }
                    }
                }
            }
        }
        // Not a test that passes by saying no: most of these are plain prose.
        assert!(accepted > 500, "{accepted}");
        assert!(plain_paragraphs(
            "A line.\nAnother line.\n",
            Paragraphs::One
        ));
        assert!(!plain_paragraphs("A line.\n\nAnother.\n", Paragraphs::One));
        assert!(plain_paragraphs("A line.\n\nAnother.\n", Paragraphs::Many));
        assert!(!plain_paragraphs("A line.\n# Heading\n", Paragraphs::Many));
        assert!(!plain_paragraphs("A line.  \nhard break", Paragraphs::Many));
        assert!(!plain_paragraphs(" indented", Paragraphs::Many));
    }

    #[test]
    fn the_eight_byte_rounds_see_markup_at_every_offset() {
        for length in 0..20 {
            for at in 0..length {
                for markup in [b'*', b'`', b'\n', b'|'] {
                    let mut bytes = vec![b'x'; length];
                    bytes[at] = markup;
                    let text = String::from_utf8(bytes).unwrap_or_default();
                    assert!(may_hold_markup(&text), "{text:?}");
                }
            }
            assert!(!may_hold_markup(&"x".repeat(length)), "{length}");
        }
    }
}
