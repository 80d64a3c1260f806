//! From a place in a scalar's parsed value back to the characters of the source that produced it.
//!
//! The YAML parser gives the span of a whole scalar; a finding about a few characters inside
//! rich text (a heading marker, raw HTML) must point at those characters. The value is walked
//! beside the source, style by style: plain and quoted scalars fold line breaks into spaces and
//! drop the indentation of continuation lines, double quotes have escapes, single quotes double
//! the quote, `|` and `>` blocks start after their header line and drop the block's indentation.
//! When the two cannot be matched (a construct this walk does not know), the answer is `None`
//! and the caller points at the whole scalar: coarse, never wrong.

use std::collections::HashMap;
use std::ops::Range;

use crate::position::{Position, Span};
use crate::source::SourceText;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Block,
}

/// The source characters from one position on, with their positions; a line ends in `'\n'`.
struct Cursor<'s> {
    source: &'s SourceText,
    line: u32,
    chars: Vec<char>,
    index: usize,
}

impl<'s> Cursor<'s> {
    fn new(source: &'s SourceText, at: Position) -> Option<Self> {
        let text = source.line(at.line)?;
        Some(Self {
            source,
            line: at.line,
            chars: text.chars().collect(),
            index: at.column.saturating_sub(1) as usize,
        })
    }

    fn position(&self) -> Position {
        Position::new(self.line, u32::try_from(self.index + 1).unwrap_or(u32::MAX))
    }

    /// The character here; `'\n'` at a line's end, `None` past the file's end.
    fn peek(&self) -> Option<char> {
        match self.chars.get(self.index) {
            Some(c) => Some(*c),
            None if (self.line as usize) < self.source.line_count() => Some('\n'),
            None => None,
        }
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.index + ahead).copied()
    }

    fn bump(&mut self) {
        if self.index < self.chars.len() {
            self.index += 1;
        } else if let Some(next) = self.source.line(self.line + 1) {
            self.line += 1;
            self.chars = next.chars().collect();
            self.index = 0;
        } else {
            self.index = self.chars.len() + 1;
        }
    }

    /// After a line break: the indentation of the next line (all of it in flow scalars, up to
    /// `indent` columns in block scalars).
    fn skip_indentation(&mut self, indent: Option<usize>) {
        let mut skipped = 0;
        while matches!(self.peek(), Some(' ') | Some('\t'))
            && indent.is_none_or(|indent| skipped < indent)
        {
            self.bump();
            skipped += 1;
        }
    }
}

/// The source span of bytes `range` of `value`, the parsed text of the scalar whose span is
/// `scalar` (as the source map records it: from its first character, or its quote or block
/// indicator).
pub fn value_range_span(
    source: &SourceText,
    scalar: Span,
    value: &str,
    range: Range<usize>,
) -> Option<Span> {
    value_ranges_spans(source, scalar, value, &[range])
        .pop()
        .flatten()
}

/// [`value_range_span`] for several ranges of one value, in one walk of the scalar: a text
/// with many pieces of markup at fault costs one pass, not one per piece.
pub fn value_ranges_spans(
    source: &SourceText,
    scalar: Span,
    value: &str,
    ranges: &[Range<usize>],
) -> Vec<Option<Span>> {
    let mut spans = vec![None; ranges.len()];
    if let Some(walked) = walk(source, scalar, value, ranges) {
        spans = walked;
    }
    spans
}

fn walk(
    source: &SourceText,
    scalar: Span,
    value: &str,
    ranges: &[Range<usize>],
) -> Option<Vec<Option<Span>>> {
    let mut starts: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut ends: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut last = 0;
    for (i, range) in ranges.iter().enumerate() {
        if range.start < range.end && range.end <= value.len() {
            starts.entry(range.start).or_default().push(i);
            ends.entry(range.end).or_default().push(i);
            last = last.max(range.end);
        }
    }
    let mut cursor = Cursor::new(source, scalar.start)?;
    let (style, indent) = match cursor.peek()? {
        '"' => {
            cursor.bump();
            (Style::Double, None)
        }
        '\'' => {
            cursor.bump();
            (Style::Single, None)
        }
        '|' | '>' => {
            let header: String = cursor.chars[cursor.index..].iter().collect();
            if header.chars().skip(1).any(|c| c.is_ascii_digit()) {
                // An explicit indentation indicator: the walk does not know the parent's.
                return None;
            }
            while cursor.peek()? != '\n' {
                cursor.bump();
            }
            cursor.bump();
            // The block's indentation is that of its first line with content.
            let mut line = cursor.line;
            let indent = loop {
                let text = source.line(line)?;
                if !text.trim().is_empty() {
                    break text.len() - text.trim_start_matches(' ').len();
                }
                line += 1;
            };
            cursor.skip_indentation(Some(indent));
            (Style::Block, Some(indent))
        }
        _ => (Style::Plain, None),
    };
    let mut found_start: Vec<Option<Position>> = vec![None; ranges.len()];
    let mut spans: Vec<Option<Span>> = vec![None; ranges.len()];
    for (offset, wanted) in value.char_indices() {
        if offset >= last {
            break;
        }
        let Some(at) = match_char(&mut cursor, style, indent, wanted) else {
            break;
        };
        for &i in starts.get(&offset).into_iter().flatten() {
            found_start[i] = Some(at);
        }
        let end = cursor.position();
        for &i in ends
            .get(&(offset + wanted.len_utf8()))
            .into_iter()
            .flatten()
        {
            spans[i] = found_start[i]
                .filter(|start| end > *start)
                .map(|start| Span::new(start, end));
        }
    }
    Some(spans)
}

/// Advances `cursor` past the source of one value character; returns where that source starts.
fn match_char(
    cursor: &mut Cursor<'_>,
    style: Style,
    indent: Option<usize>,
    wanted: char,
) -> Option<Position> {
    // Bounded: a character's source is a few characters, plus folded white space.
    for _ in 0..4096 {
        let here = cursor.position();
        let c = cursor.peek()?;
        if c == '\n' {
            cursor.bump();
            cursor.skip_indentation(if style == Style::Block { indent } else { None });
            if wanted == '\n' || wanted == ' ' {
                return Some(here);
            }
            continue;
        }
        if style == Style::Double && c == '\\' {
            let next = cursor.peek_at(1);
            if next.is_none() {
                // An escaped line break: it produces nothing.
                cursor.bump();
                cursor.bump();
                cursor.skip_indentation(None);
                continue;
            }
            let (decoded, length) = decode_escape(cursor, next?)?;
            for _ in 0..length {
                cursor.bump();
            }
            return (decoded == wanted).then_some(here);
        }
        if style == Style::Single && c == '\'' && wanted == '\'' && cursor.peek_at(1) == Some('\'')
        {
            cursor.bump();
            cursor.bump();
            return Some(here);
        }
        if c == wanted {
            cursor.bump();
            return Some(here);
        }
        if c == ' ' || c == '\t' {
            // White space folded away before a line break.
            cursor.bump();
            continue;
        }
        return None;
    }
    None
}

/// The character a double-quoted escape stands for, and its length in source characters.
fn decode_escape(cursor: &Cursor<'_>, kind: char) -> Option<(char, usize)> {
    let hex = |digits: usize| -> Option<(char, usize)> {
        let text: String = (0..digits)
            .map(|i| cursor.peek_at(2 + i))
            .collect::<Option<String>>()?;
        let code = u32::from_str_radix(&text, 16).ok()?;
        Some((char::from_u32(code)?, 2 + digits))
    };
    let simple = |c: char| Some((c, 2));
    match kind {
        'x' => hex(2),
        'u' => hex(4),
        'U' => hex(8),
        '0' => simple('\0'),
        'a' => simple('\u{7}'),
        'b' => simple('\u{8}'),
        't' | '\t' => simple('\t'),
        'n' => simple('\n'),
        'v' => simple('\u{b}'),
        'f' => simple('\u{c}'),
        'r' => simple('\r'),
        'e' => simple('\u{1b}'),
        ' ' => simple(' '),
        'N' => simple('\u{85}'),
        '_' => simple('\u{a0}'),
        'L' => simple('\u{2028}'),
        'P' => simple('\u{2029}'),
        other => simple(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    /// Where `needle` (its first occurrence in the value at `pointer`) is in the source.
    fn locate(yaml: &str, pointer: &str, needle: &str) -> Option<(u32, u32, u32, u32)> {
        let source = SourceText::new(yaml.to_owned());
        let document = match parse(&source, Limits::default()) {
            Ok(document) => document,
            Err(error) => panic!("{error}"),
        };
        let value = document.value.pointer(pointer)?.as_str()?.to_owned();
        let scalar = document.source_map.get(pointer)?.value;
        let at = value.find(needle)?;
        let span = value_range_span(&source, scalar, &value, at..at + needle.len())?;
        Some((
            span.start.line,
            span.start.column,
            span.end.line,
            span.end.column,
        ))
    }

    #[test]
    fn plain_scalars_fold_their_lines() {
        let yaml = "a: Open it and\n  then <b>tap</b>.\n";
        assert_eq!(locate(yaml, "/a", "<b>"), Some((2, 8, 2, 11)));
        assert_eq!(locate(yaml, "/a", "Open"), Some((1, 4, 1, 8)));
    }

    #[test]
    fn quoted_scalars_skip_their_quotes_and_escapes() {
        let yaml = "a: \"Say \\\"hi\\\" \\u00e9 <b>\"\n";
        assert_eq!(locate(yaml, "/a", "<b>"), Some((1, 23, 1, 26)));
        assert_eq!(locate(yaml, "/a", "\u{e9}"), Some((1, 16, 1, 22)));
        let yaml = "a: 'it''s <i>'\n";
        assert_eq!(locate(yaml, "/a", "<i>"), Some((1, 11, 1, 14)));
        let yaml = "a: \"one\n  two <i>\"\n";
        assert_eq!(locate(yaml, "/a", "<i>"), Some((2, 7, 2, 10)));
    }

    #[test]
    fn block_scalars_start_after_their_header() {
        let yaml = "a: |\n  first line\n\n  # heading\n";
        assert_eq!(locate(yaml, "/a", "# heading"), Some((4, 3, 4, 12)));
        let yaml = "b:\n  c: >-\n    one\n    two <x>\n";
        assert_eq!(locate(yaml, "/b/c", "<x>"), Some((4, 9, 4, 12)));
        let yaml = "id: x\noverview: |\n  A line that ends in a colon:\n  # remedy: ignore[schema]\ncauses: []\n";
        assert_eq!(locate(yaml, "/overview", "# remedy"), Some((4, 3, 4, 11)));
        let yaml = "a: |\n  top\n    deeper `x`\n";
        assert_eq!(locate(yaml, "/a", "`x`"), Some((3, 12, 3, 15)));
    }
}
