//! Positions inside a scalar: the characters at fault, not the whole node (SPEC §3).
//!
//! A rule knows the text it read from the typed guide, not where each character of it sits in
//! the file (quotes, escapes and folded lines move them). The characters a rule looks for are
//! almost always written as they are read, so they are searched for in the source text inside
//! the node's span; a rule falls back to the node when they are not there (an escape).

use remedy_core::{Position, SourceText, Span};

fn column(chars_before: usize) -> u32 {
    u32::try_from(chars_before + 1).unwrap_or(u32::MAX)
}

/// Every place inside `span` where `matches` accepts the characters starting there: it gets the
/// rest of the line from that character and returns how many characters match (0: none).
/// Matches do not overlap and never cross a line break.
pub fn find_all(
    source: &SourceText,
    span: Span,
    mut matches: impl FnMut(&[char]) -> usize,
) -> Vec<Span> {
    let mut out = Vec::new();
    for line_number in span.start.line..=span.end.line {
        let Some(line) = source.line(line_number) else {
            break;
        };
        let chars: Vec<char> = line.chars().collect();
        let from = if line_number == span.start.line {
            span.start.column.saturating_sub(1) as usize
        } else {
            0
        };
        let to = if line_number == span.end.line {
            (span.end.column.saturating_sub(1) as usize).min(chars.len())
        } else {
            chars.len()
        };
        let mut k = from;
        while k < to {
            let length = matches(&chars[k..to]);
            if length == 0 {
                k += 1;
                continue;
            }
            out.push(Span::new(
                Position::new(line_number, column(k)),
                Position::new(line_number, column(k + length)),
            ));
            k += length;
        }
    }
    out
}

/// The first place inside `span` where `needle` is written, ignoring case when asked; `None`
/// when it is not written there as it reads.
pub fn find_text(source: &SourceText, span: Span, needle: &str, ignore_case: bool) -> Option<Span> {
    let needle: Vec<char> = needle.chars().collect();
    if needle.is_empty() {
        return None;
    }
    let same = |a: char, b: char| {
        if ignore_case {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    let mut found = None;
    find_all(source, span, |rest| {
        if found.is_some() || rest.len() < needle.len() {
            return 0;
        }
        if rest.iter().zip(&needle).all(|(a, b)| same(*a, *b)) {
            found.get_or_insert(needle.len());
            return needle.len();
        }
        0
    })
    .into_iter()
    .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceText {
        SourceText::new(text.to_owned())
    }

    #[test]
    fn finds_characters_inside_the_span_only() {
        let text = source("a: TODO x\nb: |\n  more TODO\n  TODO\nc: TODO\n");
        let span = Span::new(Position::new(2, 4), Position::new(4, 7));
        let found = find_all(&text, span, |rest| {
            if rest.starts_with(&['T', 'O', 'D', 'O']) {
                4
            } else {
                0
            }
        });
        let starts: Vec<(u32, u32, u32)> = found
            .iter()
            .map(|s| (s.start.line, s.start.column, s.end.column))
            .collect();
        assert_eq!(starts, [(3, 8, 12), (4, 3, 7)]);
    }

    #[test]
    fn finds_text_ignoring_case() {
        let text = source("t: \"Lorem Ipsum dolor\"\n");
        let span = Span::new(Position::new(1, 4), Position::new(1, 23));
        let found = find_text(&text, span, "lorem ipsum", true);
        assert_eq!(
            found,
            Some(Span::new(Position::new(1, 5), Position::new(1, 16)))
        );
        assert_eq!(find_text(&text, span, "lorem ipsum", false), None);
    }
}
