//! Where a paragraph may break: the Unicode line-breaking rules (UAX #14, `unicode-linebreak`)
//! over the paragraph's whole text, so that a break between two spans is decided by the
//! characters on both sides, plus hyphenation points in the guide's language (`hypher`, only
//! for the languages it has patterns for).
//!
//! The result is a list of segments: what lies between two break opportunities, with the
//! spaces that vanish when the line ends there and how it ends (a hyphen to draw or not).

use std::cell::RefCell;
use std::collections::HashMap;

use hypher::Lang;
use unicode_linebreak::{BreakOpportunity, linebreaks};

use super::font::{Face, Fonts};
use super::layout::{Span, TAG_PAD};

/// The character drawn where a word is broken by hyphenation or at a soft hyphen: the soft
/// hyphen itself, which DejaVu draws as a hyphen and which text extraction and screen
/// readers take for "a hyphen that only marks a break", so the word reads whole (ISO 32000
/// 14.8.2.2.3).
pub(crate) const BREAK_HYPHEN: char = '\u{ad}';

/// Stands for a tag (a label on a coloured ground) in the paragraph's text: an object the
/// rules break around.
const OBJECT: char = '\u{fffc}';

/// Words shorter than this are never hyphenated.
const MIN_HYPHENATED: usize = 6;

/// The hyphenation patterns for a BCP 47 language tag (`en`, `de-CH`), when `hypher` has
/// them.
pub(crate) fn hyphenation_language(tag: &str) -> Option<Lang> {
    let primary = tag.split(['-', '_']).next()?;
    let bytes = primary.as_bytes();
    if bytes.len() != 2 {
        return None;
    }
    Lang::from_iso([bytes[0].to_ascii_lowercase(), bytes[1].to_ascii_lowercase()])
}

/// How a segment ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// A break where nothing is drawn (after a space, a hyphen, a dash).
    Plain,
    /// A break inside a word: a hyphen is drawn if the line ends here.
    Hyphen,
    /// The line must end here (a line break in the text).
    Mandatory,
}

/// A piece of a segment in one span's style: `(span index, text, width)`.
pub(crate) type Piece = (usize, String, f32);

/// What lies between two break opportunities.
#[derive(Debug)]
pub(crate) struct Segment {
    pub pieces: Vec<Piece>,
    /// The spaces after the segment: drawn only when the line goes on. `(span, width)`.
    pub glue: Option<(usize, f32)>,
    pub end: End,
}

impl Segment {
    pub(crate) fn width(&self) -> f32 {
        self.pieces.iter().map(|(_, _, width)| width).sum()
    }
}

/// A space that breaks (no-break spaces do not).
pub(crate) fn is_break_space(c: char) -> bool {
    c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}' && c != '\u{2007}'
}

/// Characters that mark a break and are never drawn themselves.
fn is_invisible_break(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}')
}

/// The paragraph's text and, for each character, the span it comes from.
struct Text {
    text: String,
    /// `(byte offset, span)` for the first character of each span's text, in order.
    owners: Vec<(usize, usize)>,
}

impl Text {
    fn of(spans: &[Span]) -> Text {
        let mut text = String::new();
        let mut owners = Vec::with_capacity(spans.len());
        for (index, span) in spans.iter().enumerate() {
            owners.push((text.len(), index));
            if span.gap > 0.0 {
                text.push(' ');
            } else if span.tag.is_some() {
                text.push(OBJECT);
            } else {
                text.push_str(&span.text);
            }
        }
        Text { text, owners }
    }

    /// The span of the character at byte `at`.
    fn owner(&self, at: usize) -> usize {
        self.owners_from(at).owner(at)
    }

    /// [`Text::owner`] for offsets from `at` on, met in increasing order: a step forward
    /// each, not a search.
    fn owners_from(&self, at: usize) -> Owners<'_> {
        Owners {
            owners: &self.owners,
            found: self.owners.partition_point(|(start, _)| *start <= at),
        }
    }
}

/// The spans of a paragraph's characters, walked forward: `found` owners start at or before
/// the last offset asked about.
struct Owners<'a> {
    owners: &'a [(usize, usize)],
    found: usize,
}

impl Owners<'_> {
    fn owner(&mut self, at: usize) -> usize {
        while self
            .owners
            .get(self.found)
            .is_some_and(|(start, _)| *start <= at)
        {
            self.found += 1;
        }
        self.owners
            .get(self.found.saturating_sub(1))
            .map_or(0, |(_, span)| *span)
    }
}

/// How many words a thread remembers the syllables of before it starts afresh.
const REMEMBERED_WORDS: usize = 20_000;

/// Words and where their syllables end, by language.
type SyllableMemo = Vec<(Lang, HashMap<Box<str>, Box<[usize]>>)>;

thread_local! {
    /// Each word's syllable ends, once hyphenated: guides repeat their words, and a look-up
    /// costs a fraction of hypher's patterns.
    static SYLLABLE_ENDS: RefCell<SyllableMemo> = const { RefCell::new(Vec::new()) };
}

/// Calls `use_ends` with the byte offsets in `word` where each syllable but the last ends.
fn with_syllable_ends(word: &str, lang: Lang, use_ends: impl FnOnce(&[usize])) {
    SYLLABLE_ENDS.with_borrow_mut(|memo| {
        let at = match memo.iter().position(|(known, _)| *known == lang) {
            Some(at) => at,
            None => {
                memo.push((lang, HashMap::new()));
                memo.len() - 1
            }
        };
        let words = &mut memo[at].1;
        if let Some(ends) = words.get(word) {
            use_ends(ends);
            return;
        }
        let mut ends = Vec::new();
        let mut end = 0;
        let mut syllables = hypher::hyphenate(word, lang).peekable();
        while let Some(syllable) = syllables.next() {
            end += syllable.len();
            if syllables.peek().is_some() {
                ends.push(end);
            }
        }
        use_ends(&ends);
        if words.len() >= REMEMBERED_WORDS {
            words.clear();
        }
        words.insert(word.into(), ends.into_boxed_slice());
    });
}

/// Hyphenation points inside `range` of the text: byte offsets between two syllables of a
/// word of letters in one span that may be hyphenated (not code, labels or tags).
fn hyphenation_points(
    text: &Text,
    spans: &[Span],
    range: std::ops::Range<usize>,
    lang: Lang,
    out: &mut Vec<usize>,
) {
    let slice = &text.text[range.clone()];
    let mut word_start: Option<usize> = None;
    let flush = |start: usize, end: usize, out: &mut Vec<usize>| {
        let word = &text.text[start..end];
        if word.chars().count() < MIN_HYPHENATED {
            return;
        }
        let span = text.owner(start);
        if text.owner(end - 1) != span {
            return;
        }
        let Some(source) = spans.get(span) else {
            return;
        };
        // Code is typed as printed, and labels and menu paths (bold) name what is on the
        // screen: a reader matches both letter by letter.
        if source.tag.is_some()
            || matches!(
                source.style.face,
                Face::Mono | Face::Bold | Face::BoldOblique
            )
        {
            return;
        }
        with_syllable_ends(word, lang, |ends| {
            out.extend(ends.iter().map(|end| start + end))
        });
    };
    for (offset, c) in slice.char_indices() {
        let at = range.start + offset;
        if c.is_alphabetic() {
            if word_start.is_none() {
                word_start = Some(at);
            }
        } else if let Some(start) = word_start.take() {
            flush(start, at, out);
        }
    }
    if let Some(start) = word_start {
        flush(start, range.end, out);
    }
}

/// The segments of a paragraph of spans, in order; `lang` hyphenates.
pub(crate) fn segments(fonts: &Fonts, spans: &[Span], lang: Option<Lang>) -> Vec<Segment> {
    let text = Text::of(spans);
    let mut out = Vec::new();
    let mut start = 0;
    for (at, opportunity) in linebreaks(&text.text) {
        let mut points = Vec::new();
        if let Some(lang) = lang {
            hyphenation_points(&text, spans, start..at, lang, &mut points);
        }
        let mut from = start;
        for point in points {
            out.push(segment(fonts, spans, &text, from..point, End::Hyphen));
            from = point;
        }
        let last = text.text[from..at]
            .trim_end_matches(is_break_space)
            .chars()
            .next_back();
        let end = if opportunity == BreakOpportunity::Mandatory && at < text.text.len() {
            End::Mandatory
        } else if last == Some('\u{ad}') {
            End::Hyphen
        } else {
            End::Plain
        };
        out.push(segment(fonts, spans, &text, from..at, end));
        start = at;
    }
    out
}

/// One segment: its characters by span, the spaces at its end as glue.
fn segment(
    fonts: &Fonts,
    spans: &[Span],
    text: &Text,
    range: std::ops::Range<usize>,
    end: End,
) -> Segment {
    let slice = &text.text[range.clone()];
    let content_len = slice.trim_end_matches(is_break_space).len();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut glue: Option<(usize, f32)> = None;
    let mut owners = text.owners_from(range.start);
    for (offset, c) in slice.char_indices() {
        let at = range.start + offset;
        let span_index = owners.owner(at);
        let Some(span) = spans.get(span_index) else {
            continue;
        };
        let style = span.style;
        if offset >= content_len {
            // Spaces that vanish at a line's end; a gap keeps its own width.
            let width = if span.gap > 0.0 {
                span.gap
            } else {
                fonts.char_width(style.face, style.size, ' ')
            };
            glue = Some(match glue {
                Some((_, w)) => (span_index, w.max(width)),
                None => (span_index, width),
            });
            continue;
        }
        if span.tag.is_some() {
            let width = fonts.width(style.face, style.size, &span.text) + 2.0 * TAG_PAD;
            pieces.push((span_index, span.text.clone(), width));
            continue;
        }
        if is_invisible_break(c) {
            continue;
        }
        let width = if span.gap > 0.0 {
            span.gap
        } else {
            fonts.char_width(style.face, style.size, c)
        };
        let shown = if span.gap > 0.0 { None } else { Some(c) };
        match pieces.last_mut() {
            Some((last, piece, piece_width))
                if *last == span_index && spans[*last].tag.is_none() =>
            {
                if let Some(c) = shown {
                    piece.push(c);
                }
                *piece_width += width;
            }
            _ => {
                // Room for the rest of the segment, so the piece grows without reallocating.
                let mut piece = String::new();
                if let Some(c) = shown {
                    piece.reserve(content_len - offset);
                    piece.push(c);
                }
                pieces.push((span_index, piece, width));
            }
        }
    }
    Segment { pieces, glue, end }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ExportError;
    use crate::pdf::layout::{Color, Style};

    fn body() -> Style {
        Style::new(Face::Regular, 10.0, Color(0.0, 0.0, 0.0))
    }

    fn texts(segments: &[Segment]) -> Vec<String> {
        segments
            .iter()
            .map(|segment| {
                let mut text: String = segment.pieces.iter().map(|(_, t, _)| t.as_str()).collect();
                if segment.glue.is_some() {
                    text.push(' ');
                }
                if segment.end == End::Hyphen {
                    text.push('=');
                }
                text
            })
            .collect()
    }

    #[test]
    fn breaks_follow_the_unicode_rules_across_spans() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        // No break before the closing bracket or the full stop, even in another span; one
        // after the hyphen of a compound; none inside "10 %" bound by a no-break space.
        let spans = [
            Span::new("Open (the ", body()),
            Span::new("Settings", body()),
            Span::new(") app. A full-screen 10\u{a0}% view.", body()),
        ];
        let segments = segments(fonts, &spans, None);
        assert_eq!(
            texts(&segments),
            [
                "Open ",
                "(the ",
                "Settings) ",
                "app. ",
                "A ",
                "full-",
                "screen ",
                "10\u{a0}% ",
                "view."
            ]
        );
        Ok(())
    }

    #[test]
    fn english_words_hyphenate_and_code_and_labels_do_not() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        let mono = Style::new(Face::Mono, 10.0, Color(0.0, 0.0, 0.0));
        let label = Style::new(Face::Bold, 10.0, Color(0.0, 0.0, 0.0));
        let spans = [
            Span::new("configuration ", body()),
            Span::new("configuration ", label),
            Span::new("configuration", mono),
        ];
        let lang = hyphenation_language("en-GB");
        assert!(lang.is_some());
        let segments = segments(fonts, &spans, lang);
        assert_eq!(
            texts(&segments),
            [
                "con=",
                "fig=",
                "u=",
                "ra=",
                "tion ",
                "configuration ",
                "configuration"
            ]
        );
        // A language without patterns is not hyphenated.
        assert_eq!(hyphenation_language("ja"), None);
        assert_eq!(hyphenation_language("english"), None);
        Ok(())
    }

    #[test]
    fn a_remembered_word_hyphenates_as_hypher_does_in_its_own_language() -> Result<(), ExportError>
    {
        let fonts = Fonts::get()?;
        let words = ["Konfiguration", "information"];
        let spans = [Span::new(words.join(" "), body())];
        for tag in ["de", "en", "de"] {
            let lang = hyphenation_language(tag)
                .ok_or_else(|| ExportError::Content(format!("no patterns for {tag}")))?;
            let mut expected = Vec::new();
            for (index, word) in words.iter().enumerate() {
                let syllables: Vec<&str> = hypher::hyphenate(word, lang).collect();
                for (at, syllable) in syllables.iter().enumerate() {
                    let end = match (at + 1 == syllables.len(), index + 1 == words.len()) {
                        (false, _) => "=",
                        (true, false) => " ",
                        (true, true) => "",
                    };
                    expected.push(format!("{syllable}{end}"));
                }
            }
            // Hyphenated once by hypher, then from what the thread remembers.
            for _ in 0..2 {
                assert_eq!(
                    texts(&segments(fonts, &spans, Some(lang))),
                    expected,
                    "{tag}"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn a_soft_hyphen_is_a_hyphenated_break_and_never_drawn_inside_a_line() -> Result<(), ExportError>
    {
        let fonts = Fonts::get()?;
        let segments = segments(fonts, &[Span::new("Ein\u{ad}stellungen", body())], None);
        assert_eq!(texts(&segments), ["Ein=", "stellungen"]);
        Ok(())
    }
}
