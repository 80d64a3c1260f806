//! Positions between remedy and the editor: remedy counts 1-based lines and columns in
//! characters (Unicode scalar values); LSP counts 0-based lines and columns in the code units
//! of the encoding the client and server agreed on (UTF-16 unless both say otherwise).

use lsp_types::{
    Position as LspPosition, PositionEncodingKind, Range, TextDocumentContentChangeEvent,
};
use remedy_core::{Position, Span};

/// The position encoding negotiated at `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes.
    Utf8,
    /// UTF-16 code units: LSP's default, what VS Code uses.
    Utf16,
    /// Characters, as remedy counts them.
    Utf32,
}

impl Encoding {
    /// The first of the client's encodings that the server knows, preferring its order; UTF-16
    /// when it offers none (LSP 3.17: UTF-16 must always be supported).
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        offered
            .unwrap_or_default()
            .iter()
            .find_map(|kind| match kind.as_str() {
                "utf-8" => Some(Encoding::Utf8),
                "utf-16" => Some(Encoding::Utf16),
                "utf-32" => Some(Encoding::Utf32),
                _ => None,
            })
            .unwrap_or(Encoding::Utf16)
    }

    /// The name LSP gives it.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// A document's text with its line starts, for converting positions both ways.
#[derive(Debug)]
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Indexes the lines of `text` (`\n` ends a line; a `\r` before it is not part of the line).
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }

    /// The whole text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// A 0-based line's text, without its line break.
    pub fn line(&self, line: usize) -> Option<&'a str> {
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        let text = self.text.get(start..end)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// The line's text as remedy counts it: a byte-order mark at the very start is not counted.
    fn counted_line(&self, line: usize) -> (&'a str, &'a str) {
        let text = self.line(line).unwrap_or_default();
        if line == 0
            && let Some(rest) = text.strip_prefix('\u{feff}')
        {
            return ("\u{feff}", rest);
        }
        ("", text)
    }

    /// A remedy position (1-based, characters) as an LSP position; past the end of its line it
    /// is clamped to the line's end.
    pub fn to_lsp(&self, position: Position, encoding: Encoding) -> LspPosition {
        let line = position.line.saturating_sub(1) as usize;
        let (bom, text) = self.counted_line(line);
        let chars = position.column.saturating_sub(1) as usize;
        let units: u32 = bom
            .chars()
            .chain(text.chars().take(chars))
            .map(|c| encoding.width(c))
            .sum();
        LspPosition::new(u32::try_from(line).unwrap_or(u32::MAX), units)
    }

    /// A remedy span as an LSP range.
    pub fn range(&self, span: Span, encoding: Encoding) -> Range {
        Range::new(
            self.to_lsp(span.start, encoding),
            self.to_lsp(span.end, encoding),
        )
    }

    /// An LSP position as a remedy position; a column inside a character (half of a UTF-16
    /// surrogate pair) counts as that character's start.
    pub fn from_lsp(&self, position: LspPosition, encoding: Encoding) -> Position {
        let line = position.line as usize;
        let (bom, text) = self.counted_line(line);
        let mut units = bom.chars().map(|c| encoding.width(c)).sum::<u32>();
        let mut column = 1u32;
        for c in text.chars() {
            units += encoding.width(c);
            if units > position.character {
                break;
            }
            column += 1;
        }
        Position::new(position.line.saturating_add(1), column)
    }

    /// The byte offset of an LSP position, clamped to the text.
    pub fn offset(&self, position: LspPosition, encoding: Encoding) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line = self.line(position.line as usize).unwrap_or_default();
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= position.character {
                return start + i;
            }
            units += encoding.width(c);
        }
        start + line.len()
    }
}

/// Applies the editor's changes to a document's text, in order (full or incremental sync).
pub fn apply_changes(
    text: &mut String,
    changes: Vec<TextDocumentContentChangeEvent>,
    encoding: Encoding,
) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let lines = Lines::new(text);
                let start = lines.offset(range.start, encoding);
                let end = lines.offset(range.end, encoding).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
}

/// Whether a span holds a position (start inclusive, end exclusive; the end itself too, so that
/// a cursor just after a word still counts as on it).
pub fn contains(span: Span, position: Position) -> bool {
    span.start <= position && position <= span.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_after_an_emoji_count_two_utf16_units_and_four_bytes() {
        let lines = Lines::new("id: x\ntext: \"😀 Erase\"\n");
        // `E` is the 10th character of line 2.
        let erase = Position::new(2, 10);
        assert_eq!(
            lines.to_lsp(erase, Encoding::Utf16),
            LspPosition::new(1, 10)
        );
        assert_eq!(lines.to_lsp(erase, Encoding::Utf8), LspPosition::new(1, 12));
        assert_eq!(lines.to_lsp(erase, Encoding::Utf32), LspPosition::new(1, 9));
        assert_eq!(
            lines.from_lsp(LspPosition::new(1, 10), Encoding::Utf16),
            erase
        );
        assert_eq!(
            lines.from_lsp(LspPosition::new(1, 12), Encoding::Utf8),
            erase
        );
        assert_eq!(
            lines.offset(LspPosition::new(1, 10), Encoding::Utf16),
            6 + 12
        );
    }

    #[test]
    fn incremental_changes_splice_at_the_negotiated_units() {
        let mut text = String::from("a: \"😀 b\"\nc: d\r\n");
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(LspPosition::new(0, 7), LspPosition::new(0, 8))),
            range_length: None,
            text: "x".into(),
        };
        apply_changes(&mut text, vec![change], Encoding::Utf16);
        assert_eq!(text, "a: \"😀 x\"\nc: d\r\n");
        assert_eq!(Lines::new(&text).line(1), Some("c: d"));
    }

    #[test]
    fn the_client_picks_among_the_encodings_it_offers() {
        let offered = [PositionEncodingKind::UTF32, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf32);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
