//! Source positions and the map from JSON Pointer to the YAML node it came from.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

/// A place in a source file: 1-based line and column, columns counted in characters (a BOM is not
/// counted, `\r\n` ends a line like `\n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Position {
    /// A position from 1-based line and column.
    pub fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }

    /// The start of a file.
    pub const START: Position = Position { line: 1, column: 1 };
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A range of source text: `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    /// Where the node starts.
    pub start: Position,
    /// Where it ends (exclusive).
    pub end: Position,
}

impl Span {
    /// A span from its two ends.
    pub fn new(start: Position, end: Position) -> Self {
        Self { start, end }
    }

    /// An empty span at one position.
    pub fn at(position: Position) -> Self {
        Self::new(position, position)
    }
}

/// Where one node of the document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSpan {
    /// The value itself: a scalar, or a whole mapping or sequence.
    pub value: Span,
    /// For a mapping entry, the key.
    pub key: Option<Span>,
}

/// JSON Pointer (RFC 6901) → source span, for every node of a document.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    spans: HashMap<Box<str>, NodeSpan>,
}

impl SourceMap {
    pub(crate) fn insert(&mut self, pointer: String, span: NodeSpan) {
        self.spans.insert(pointer.into_boxed_str(), span);
    }

    /// The span of exactly this node, if the document has it.
    pub fn get(&self, pointer: &str) -> Option<&NodeSpan> {
        self.spans.get(pointer)
    }

    /// The span of this node, or of its nearest ancestor that has one: nodes copied in by an alias
    /// have no source of their own, so a finding about them points at the alias.
    pub fn nearest(&self, pointer: &str) -> NodeSpan {
        let mut pointer = pointer;
        loop {
            if let Some(span) = self.spans.get(pointer) {
                return *span;
            }
            match pointer.rfind('/') {
                Some(cut) => pointer = &pointer[..cut],
                None => {
                    return NodeSpan {
                        value: Span::at(Position::START),
                        key: None,
                    };
                }
            }
        }
    }

    /// The span to show for a finding about a mapping entry's key (an unknown key): the key's own
    /// span when there is one, else the node's.
    pub fn key_or_value(&self, pointer: &str) -> Span {
        let node = self.nearest(pointer);
        node.key.unwrap_or(node.value)
    }

    /// How many nodes the map knows.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Every pointer and its span, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &NodeSpan)> {
        self.spans.iter().map(|(pointer, span)| (&**pointer, span))
    }
}

/// Appends one reference token to a JSON Pointer, escaping `~` and `/` as RFC 6901 requires.
pub fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// A JSON Pointer extended by one token.
pub fn child_pointer(pointer: &str, token: &str) -> String {
    let mut child = String::with_capacity(pointer.len() + token.len() + 1);
    child.push_str(pointer);
    push_pointer_token(&mut child, token);
    child
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(child_pointer("/a", "b/c~d"), "/a/b~1c~0d");
    }

    #[test]
    fn nearest_falls_back_to_an_ancestor() {
        let mut map = SourceMap::default();
        let span = NodeSpan {
            value: Span::new(Position::new(3, 5), Position::new(3, 9)),
            key: None,
        };
        map.insert("/methods/0".into(), span);
        assert_eq!(
            map.nearest("/methods/0/steps/4").value.start,
            Position::new(3, 5)
        );
        assert_eq!(map.nearest("/other").value.start, Position::START);
    }
}
