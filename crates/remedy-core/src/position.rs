//! Source positions and the map from JSON Pointer to the YAML node it came from.

use std::borrow::{Borrow, Cow};
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};

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
///
/// Stored as a tree, not as pointers: each node keeps its parent and its own key or index, and a
/// pointer is built only when asked for. A node's memory is the same at any depth; a key's text
/// is kept once, in its parent's index of children. (Whole pointers per node cost 1.27 GB for
/// 60 nested 200-character keys over 100,000 siblings, a 1.1 MB file.)
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    nodes: Vec<Node>,
    /// (parent, token) → child.
    children: HashMap<(NodeId, Token), NodeId>,
}

/// A node of a [`SourceMap`], by its place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(u32);

/// The root's parent.
const NO_PARENT: NodeId = NodeId(u32::MAX);

/// One step of a JSON Pointer: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Token {
    Index(u32),
    Key(Box<str>),
}

/// A [`Token`] borrowed: what a look-up hashes and compares, so that following a pointer needs
/// no copy of each of its keys. It hashes as its `Token` does (the same variants in the same
/// order, `&str` as `Box<str>`), which `HashMap::get` through [`ChildKey`] requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TokenRef<'a> {
    Index(u32),
    Key(&'a str),
}

/// A child's key in [`SourceMap`]'s index, owned or borrowed.
trait ChildKey {
    fn parts(&self) -> (NodeId, TokenRef<'_>);
}

impl ChildKey for (NodeId, Token) {
    fn parts(&self) -> (NodeId, TokenRef<'_>) {
        let token = match &self.1 {
            Token::Index(index) => TokenRef::Index(*index),
            Token::Key(key) => TokenRef::Key(key),
        };
        (self.0, token)
    }
}

impl ChildKey for (NodeId, TokenRef<'_>) {
    fn parts(&self) -> (NodeId, TokenRef<'_>) {
        (self.0, self.1)
    }
}

impl<'a> Borrow<dyn ChildKey + 'a> for (NodeId, Token) {
    fn borrow(&self) -> &(dyn ChildKey + 'a) {
        self
    }
}

impl Hash for dyn ChildKey + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

impl PartialEq for dyn ChildKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn ChildKey + '_ {}

#[derive(Debug, Clone)]
struct Node {
    parent: NodeId,
    span: NodeSpan,
    /// Whether the node is a text scalar (or an alias of one).
    text: bool,
}

impl SourceMap {
    /// Adds a node under `parent` (`None` for the root) and returns it. A collection is added
    /// when it opens, before its children, and given its span with [`SourceMap::set_span`]
    /// when it closes.
    pub(crate) fn add(&mut self, parent: Option<NodeId>, token: Token, span: NodeSpan) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX - 1));
        let parent = parent.unwrap_or(NO_PARENT);
        self.nodes.push(Node {
            parent,
            span,
            text: false,
        });
        if parent != NO_PARENT {
            self.children.insert((parent, token), id);
        }
        id
    }

    pub(crate) fn set_span(&mut self, id: NodeId, span: NodeSpan) {
        if let Some(node) = self.nodes.get_mut(id.0 as usize) {
            node.span = span;
        }
    }

    pub(crate) fn mark_text(&mut self, id: NodeId) {
        if let Some(node) = self.nodes.get_mut(id.0 as usize) {
            node.text = true;
        }
    }

    /// The child of `parent` at `token`.
    pub(crate) fn child(&self, parent: NodeId, token: Token) -> Option<NodeId> {
        self.children.get(&(parent, token)).copied()
    }

    /// [`SourceMap::child`] by a borrowed token.
    fn child_ref(&self, parent: NodeId, token: TokenRef<'_>) -> Option<NodeId> {
        let key: &dyn ChildKey = &(parent, token);
        self.children.get(key).copied()
    }

    /// The span of a node.
    pub(crate) fn span_of(&self, id: NodeId) -> Option<&NodeSpan> {
        self.nodes.get(id.0 as usize).map(|node| &node.span)
    }

    fn root(&self) -> Option<NodeId> {
        (!self.nodes.is_empty()).then_some(NodeId(0))
    }

    /// Follows a pointer as far as the map has nodes: the deepest node reached, and whether
    /// that is the whole pointer.
    fn walk(&self, pointer: &str) -> Option<(NodeId, bool)> {
        let mut node = self.root()?;
        if pointer.is_empty() {
            return Some((node, true));
        }
        let rest = pointer.strip_prefix('/')?;
        for raw in rest.split('/') {
            let key = unescape_token(raw);
            let index = canonical_index(&key);
            let next = self
                .child_ref(node, TokenRef::Key(&key))
                .or_else(|| index.and_then(|index| self.child_ref(node, TokenRef::Index(index))));
            match next {
                Some(next) => node = next,
                None => return Some((node, false)),
            }
        }
        Some((node, true))
    }

    /// The span of exactly this node, if the document has it.
    pub fn get(&self, pointer: &str) -> Option<&NodeSpan> {
        match self.walk(pointer)? {
            (node, true) => self.span_of(node),
            (_, false) => None,
        }
    }

    /// The span of this node, or of its nearest ancestor that has one: nodes copied in by an alias
    /// have no source of their own, so a finding about them points at the alias.
    pub fn nearest(&self, pointer: &str) -> NodeSpan {
        self.walk(pointer)
            .and_then(|(node, _)| self.span_of(node))
            .copied()
            .unwrap_or(NodeSpan {
                value: Span::at(Position::START),
                key: None,
            })
    }

    /// The span to show for a finding about a mapping entry's key (an unknown key): the key's own
    /// span when there is one, else the node's.
    pub fn key_or_value(&self, pointer: &str) -> Span {
        let node = self.nearest(pointer);
        node.key.unwrap_or(node.value)
    }

    /// How many nodes the map knows.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The value spans of the text scalars (strings, and aliases of strings), in document
    /// order. Scalars do not nest, so the spans do not overlap.
    pub fn text_spans(&self) -> impl Iterator<Item = Span> + '_ {
        self.nodes
            .iter()
            .filter(|node| node.text)
            .map(|node| node.span.value)
    }

    /// Every pointer and its span, in document order. Each pointer is built here, from the
    /// parent chain: a walk of the whole map costs the sum of the pointers' lengths.
    pub fn iter(&self) -> impl Iterator<Item = (String, &NodeSpan)> {
        let mut tokens: Vec<Option<&Token>> = vec![None; self.nodes.len()];
        for ((_, token), child) in &self.children {
            if let Some(slot) = tokens.get_mut(child.0 as usize) {
                *slot = Some(token);
            }
        }
        (0..self.nodes.len()).map(move |index| {
            let mut chain = Vec::new();
            let mut at = NodeId(u32::try_from(index).unwrap_or(u32::MAX));
            while at != NO_PARENT {
                let Some(node) = self.nodes.get(at.0 as usize) else {
                    break;
                };
                if let Some(Some(token)) = tokens.get(at.0 as usize) {
                    chain.push(*token);
                }
                at = node.parent;
            }
            let mut pointer = String::new();
            for token in chain.into_iter().rev() {
                match token {
                    Token::Index(index) => push_pointer_token(&mut pointer, &index.to_string()),
                    Token::Key(key) => push_pointer_token(&mut pointer, key),
                }
            }
            (pointer, &self.nodes[index].span)
        })
    }
}

/// A reference token as written in a pointer, `~1` and `~0` decoded.
fn unescape_token(raw: &str) -> Cow<'_, str> {
    if !raw.contains('~') {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
}

/// A token read as an array index: digits without a leading zero (RFC 6901).
fn canonical_index(token: &str) -> Option<u32> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
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
    fn a_borrowed_token_hashes_and_compares_as_its_owned_token() {
        use std::hash::BuildHasher;
        let hasher = std::collections::hash_map::RandomState::new();
        let owned = [
            (NodeId(3), Token::Key("steps".into())),
            (NodeId(3), Token::Index(7)),
            (NodeId(0), Token::Key("".into())),
        ];
        let borrowed = [
            (NodeId(3), TokenRef::Key("steps")),
            (NodeId(3), TokenRef::Index(7)),
            (NodeId(0), TokenRef::Key("")),
        ];
        for (owned, borrowed) in owned.iter().zip(&borrowed) {
            let as_key: &dyn ChildKey = owned.borrow();
            let by_ref: &dyn ChildKey = borrowed;
            // The map hashes the owned key; a look-up hashes the borrowed one.
            assert_eq!(hasher.hash_one(owned), hasher.hash_one(by_ref));
            assert_eq!(hasher.hash_one(as_key), hasher.hash_one(by_ref));
            assert!(as_key == by_ref);
        }
        let index: &dyn ChildKey = &(NodeId(3), TokenRef::Index(7));
        let key: &dyn ChildKey = &(NodeId(3), TokenRef::Key("7"));
        assert!(index != key);
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(child_pointer("/a", "b/c~d"), "/a/b~1c~0d");
    }

    #[test]
    fn nearest_falls_back_to_an_ancestor() {
        let mut map = SourceMap::default();
        let at = |line| NodeSpan {
            value: Span::new(Position::new(line, 1), Position::new(line, 9)),
            key: None,
        };
        let root = map.add(None, Token::Index(0), at(1));
        let methods = map.add(Some(root), Token::Key("methods".into()), at(2));
        map.add(Some(methods), Token::Index(0), at(3));
        let odd = map.add(Some(root), Token::Key("a/b~c".into()), at(4));
        map.add(Some(odd), Token::Key("01".into()), at(5));
        assert_eq!(
            map.nearest("/methods/0/steps/4").value.start,
            Position::new(3, 1)
        );
        assert_eq!(map.nearest("/other").value.start, Position::new(1, 1));
        assert_eq!(map.get("/a~1b~0c/01").map(|n| n.value.start.line), Some(5));
        assert_eq!(map.get("/methods/00"), None);
        assert_eq!(map.get("methods"), None);
        let pointers: Vec<String> = map.iter().map(|(pointer, _)| pointer).collect();
        assert_eq!(
            pointers,
            ["", "/methods", "/methods/0", "/a~1b~0c", "/a~1b~0c/01"]
        );
        assert_eq!(
            SourceMap::default().nearest("/x").value.start,
            Position::START
        );
    }
}
