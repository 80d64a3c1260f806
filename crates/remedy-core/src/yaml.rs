//! YAML → JSON value plus a source map, driven by parser events with an explicit stack.
//!
//! saphyr-parser gives every event its span; its own tree loader recurses and overflows the stack
//! on deep nesting, so we build the tree here without recursion, and enforce the limits (depth,
//! alias expansion) while building, before any of it can cost memory or time.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YamlSpan, Tag};
use serde_json::{Map, Number, Value};
use thiserror::Error;

use crate::position::{NodeId, NodeSpan, Position, SourceMap, Span, Token};
use crate::source::{SourceText, saturate};

/// Bounds on what one document may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// The most nodes that aliases may copy in, all aliases together.
    pub max_alias_nodes: usize,
    /// The most bytes of text (keys and scalars) that aliases may copy in, all aliases together:
    /// a few nodes can still hold megabytes each.
    pub max_alias_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_alias_nodes: 10_000,
            max_alias_bytes: 1024 * 1024,
        }
    }
}

/// A parsed document: its JSON value and where each node came from.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document as JSON.
    pub value: Value,
    /// JSON Pointer → source span for every node.
    pub source_map: SourceMap,
}

/// Why a text is not one guide's worth of YAML.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum YamlError {
    /// The text is not YAML.
    #[error("{message}")]
    Syntax {
        /// What the parser said.
        message: String,
        /// Where.
        at: Position,
    },
    /// No document at all: an empty or comment-only file.
    #[error("the file holds no YAML; write a guide (`remedy new ID` makes a skeleton)")]
    Empty,
    /// A second document after the first.
    #[error("a second YAML document starts here; keep one guide per file")]
    MultipleDocuments {
        /// Where the second document starts.
        at: Position,
    },
    /// A tag outside YAML's core schema, such as `!!python/object`.
    #[error("the tag `{tag}` is not allowed; remove it (guides use plain YAML values only)")]
    UnsupportedTag {
        /// The tag as written.
        tag: String,
        /// Where.
        at: Position,
    },
    /// A core-schema tag on a value it does not fit, such as `!!int abc`.
    #[error("`{text}` is not a valid `{tag}`; fix the value or remove the tag")]
    TagMismatch {
        /// The tag.
        tag: String,
        /// The value.
        text: String,
        /// Where.
        at: Position,
    },
    /// The same key twice in one mapping.
    #[error("the key `{key}` appears twice in this mapping (first at line {}); remove or rename one", first.line)]
    DuplicateKey {
        /// The key.
        key: String,
        /// The second occurrence.
        at: Position,
        /// The first occurrence.
        first: Position,
    },
    /// A mapping or sequence used as a key.
    #[error("a key must be plain text, not a list or mapping")]
    ComplexKey {
        /// Where.
        at: Position,
    },
    /// `.inf` or `.nan`, which JSON cannot hold.
    #[error("`{text}` is not a finite number; quote it if it is meant as text")]
    NonFinite {
        /// The value as written.
        text: String,
        /// Where.
        at: Position,
    },
    /// Nesting past [`Limits::max_depth`].
    #[error(
        "nesting deeper than {limit} levels; a guide never needs this much — flatten the structure"
    )]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Where the level past the limit opens.
        at: Position,
    },
    /// Aliases that would copy in more than [`Limits::max_alias_nodes`] nodes.
    #[error(
        "aliases here would expand to more than {limit} nodes; write the content out instead of aliasing it"
    )]
    AliasBudget {
        /// The limit.
        limit: usize,
        /// The alias that went past it.
        at: Position,
    },
    /// Aliases that would copy in more than [`Limits::max_alias_bytes`] of text.
    #[error("aliases here would copy in more than {} KiB of text; write the content out instead of aliasing it", .limit / 1024)]
    AliasTextBudget {
        /// The limit, in bytes.
        limit: usize,
        /// The alias that went past it.
        at: Position,
    },
}

impl YamlError {
    /// Where in the file the problem is.
    pub fn position(&self) -> Position {
        match self {
            YamlError::Empty => Position::START,
            YamlError::Syntax { at, .. }
            | YamlError::MultipleDocuments { at }
            | YamlError::UnsupportedTag { at, .. }
            | YamlError::TagMismatch { at, .. }
            | YamlError::DuplicateKey { at, .. }
            | YamlError::ComplexKey { at }
            | YamlError::NonFinite { at, .. }
            | YamlError::TooDeep { at, .. }
            | YamlError::AliasBudget { at, .. }
            | YamlError::AliasTextBudget { at, .. } => *at,
        }
    }
}

fn position(marker: &Marker) -> Position {
    Position::new(saturate(marker.line()), saturate(marker.col() + 1))
}

fn span(span: &YamlSpan) -> Span {
    Span::new(position(&span.start), position(&span.end))
}

enum Container {
    Sequence(Vec<Value>),
    Mapping {
        entries: Map<String, Value>,
        pending_key: Option<(String, Span)>,
    },
}

struct Frame {
    container: Container,
    node: NodeId,
    key_span: Option<Span>,
    start: Position,
    flow: bool,
    last_end: Option<Position>,
    anchor: usize,
    nodes_at_start: usize,
    bytes_at_start: usize,
}

/// Where the next value goes.
struct Slot {
    parent: Option<NodeId>,
    token: Token,
    key_span: Option<Span>,
}

struct Builder<'s> {
    source: &'s SourceText,
    limits: Limits,
    stack: Vec<Frame>,
    root: Option<Value>,
    source_map: SourceMap,
    /// Anchor → (value, nodes in it, bytes of text in it).
    anchors: HashMap<usize, (Value, usize, usize)>,
    nodes: usize,
    alias_nodes: usize,
    /// Bytes of text (keys and scalars) in the document so far, aliases included.
    bytes: usize,
    alias_bytes: usize,
    previous_end: Position,
}

/// Parses one YAML document with positions for every node.
pub fn parse(source: &SourceText, limits: Limits) -> Result<Document, YamlError> {
    let mut builder = Builder {
        source,
        limits,
        stack: Vec::new(),
        root: None,
        source_map: SourceMap::default(),
        anchors: HashMap::new(),
        nodes: 0,
        alias_nodes: 0,
        bytes: 0,
        alias_bytes: 0,
        previous_end: Position::START,
    };
    let mut documents = 0usize;
    for item in Parser::new_from_str(source.as_str()) {
        let (event, event_span) = item.map_err(|error| {
            let at = position(error.marker());
            if error.info().contains("recursion limit") {
                return YamlError::TooDeep {
                    limit: limits.max_depth,
                    at,
                };
            }
            // A bracket never closed is noticed at the end of the file; the writer needs the
            // line of the bracket. A bracket followed by more text on its line is one whose
            // entries lack a comma.
            let unclosed = builder.stack.iter().rev().find(|frame| frame.flow);
            match unclosed {
                Some(frame)
                    if (error.info().contains("flow") && only_blank_after(source, at))
                        || frame.start.line < at.line =>
                {
                    YamlError::Syntax {
                        message: format!(
                            "invalid YAML: this `[` or `{{` is never closed; close it on the same line, like `platforms: [ios, macos]` (the parser said: {})",
                            error.info()
                        ),
                        at: frame.start,
                    }
                }
                _ => {
                    let (message, at) = writer_message(source, error.info(), at);
                    YamlError::Syntax { message, at }
                }
            }
        })?;
        let event_span = span(&event_span);
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError::MultipleDocuments {
                        at: event_span.start,
                    });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                builder.scalar(&text, style, anchor, tag.as_deref(), event_span)?;
            }
            Event::SequenceStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "seq", event_span.start)?;
                builder.open(Container::Sequence(Vec::new()), anchor, event_span)?;
            }
            Event::MappingStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "map", event_span.start)?;
                let mapping = Container::Mapping {
                    entries: Map::new(),
                    pending_key: None,
                };
                builder.open(mapping, anchor, event_span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close(event_span)?,
            Event::Alias(anchor) => builder.alias(anchor, event_span)?,
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        builder.previous_end = event_span.end.max(builder.previous_end);
    }
    match builder.root {
        Some(value) => Ok(Document {
            value,
            source_map: builder.source_map,
        }),
        None => Err(YamlError::Empty),
    }
}

/// Whether nothing but spaces and line breaks follows `at`.
fn only_blank_after(source: &SourceText, at: Position) -> bool {
    let Some(line) = source.line(at.line) else {
        return true;
    };
    let rest: String = line
        .chars()
        .skip(at.column.saturating_sub(1) as usize)
        .collect();
    let later = (at.line + 1..=u32::try_from(source.line_count()).unwrap_or(u32::MAX))
        .filter_map(|n| source.line(n))
        .any(|text| !text.trim().is_empty());
    rest.trim().is_empty() && !later
}

fn column_of(chars_before: usize) -> u32 {
    u32::try_from(chars_before + 1).unwrap_or(u32::MAX)
}

/// The first tab at or after the start of `line`, where the parser noticed one (it reports some
/// at the end of the line before).
fn first_tab_from(source: &SourceText, line: u32) -> Option<Position> {
    let last = u32::try_from(source.line_count()).unwrap_or(u32::MAX);
    (line..=last.min(line.saturating_add(2))).find_map(|n| {
        let text = source.line(n)?;
        let at = text.chars().position(|c| c == '\t')?;
        Some(Position::new(n, column_of(at)))
    })
}

/// The backslash of the first escape a double-quoted scalar starting at `quote` cannot hold.
fn unknown_escape(source: &SourceText, quote: Position) -> Option<(Position, char)> {
    const ESCAPES: &str = "0abt\tnvfre \"/\\N_LPxuU";
    let last = u32::try_from(source.line_count()).unwrap_or(u32::MAX);
    for n in quote.line..=last {
        let chars: Vec<char> = source.line(n)?.chars().collect();
        let from = if n == quote.line {
            quote.column as usize
        } else {
            0
        };
        let mut k = from;
        while k < chars.len() {
            match chars[k] {
                '"' => return None,
                '\\' => match chars.get(k + 1) {
                    Some(next) if !ESCAPES.contains(*next) => {
                        return Some((Position::new(n, column_of(k)), *next));
                    }
                    _ => k += 2,
                },
                _ => k += 1,
            }
        }
    }
    None
}

/// The start of the last line before `line` that holds something.
fn previous_content_line(source: &SourceText, line: u32) -> Option<Position> {
    (1..line).rev().find_map(|n| {
        let text = source.line(n)?;
        let indent = text.chars().take_while(|c| *c == ' ').count();
        (!text.trim().is_empty()).then(|| Position::new(n, column_of(indent)))
    })
}

/// A syntax error in a writer's words, at the character at fault: the parser's messages are
/// terse and technical, and some point before the mistake.
fn writer_message(source: &SourceText, info: &str, at: Position) -> (String, Position) {
    if info.contains("tab") {
        let at = first_tab_from(source, at.line).unwrap_or(at);
        return (
            "invalid YAML: a tab; YAML indents with spaces only, so replace the tab with spaces"
                .into(),
            at,
        );
    }
    if info.contains("unknown escape")
        && let Some((backslash, next)) = unknown_escape(source, at)
    {
        return (
            format!(
                "invalid YAML: `\\{next}` is not an escape in double quotes; put the text in single quotes ('C:\\Windows'), or write each backslash twice (\"C:\\\\Windows\")"
            ),
            backslash,
        );
    }
    if info.contains("did not find expected ',' or") {
        // The parser stops at the `:` of the entry after the missing comma: point at that entry.
        let chars: Vec<char> = source.line(at.line).unwrap_or_default().chars().collect();
        let mut start = (at.column.saturating_sub(1) as usize).min(chars.len());
        while start > 0
            && (chars[start - 1].is_alphanumeric() || matches!(chars[start - 1], '_' | '-'))
        {
            start -= 1;
        }
        let entry: String = chars[start..(at.column.saturating_sub(1) as usize).min(chars.len())]
            .iter()
            .collect();
        let before = if entry.is_empty() {
            String::new()
        } else {
            format!(" (add one before `{entry}`)")
        };
        return (
            format!(
                "invalid YAML: the entries of a `{{…}}` or `[…]` need commas between them{before}, like `time: {{min: 5, max: 10}}`"
            ),
            Position::new(at.line, column_of(start)),
        );
    }
    if info.contains("simple key expect ':'") || info.contains("could not find expected ':'") {
        let line = previous_content_line(source, at.line).filter(|_| at.column == 1);
        return (
            "invalid YAML: this line is neither `key: value` nor a list entry; write the key, a colon and a space before the value, like `title: Fix it`".into(),
            line.unwrap_or(at),
        );
    }
    (syntax_message(info), at)
}

/// The parser's messages are terse and technical; say what they mean for a writer.
fn syntax_message(info: &str) -> String {
    let hint = if info.contains("mapping values are not allowed") {
        " (a `: ` inside a value: put the value in quotes, like `title: \"Wi-Fi: slow\"`)"
    } else if info.contains("did not find expected key")
        || info.contains("did not find expected '-'")
    {
        " (check the indentation of this line against the lines above: the keys of one step line up under its `text`, and each list entry starts with `- ` at the same column)"
    } else if info.contains("found character that cannot start any token") {
        " (a tab or a reserved character: indent with spaces, quote values starting with @ or `)"
    } else {
        ""
    };
    format!("invalid YAML: {info}{hint}")
}

fn tag_text(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// What a tag means to the loader: `!` (the non-specific tag, however the parser spells it),
/// or the name of a core-schema tag, written `!!str` or verbatim `!<tag:yaml.org,2002:str>`.
enum TagKind<'t> {
    NonSpecific,
    Core(&'t str),
    Other,
}

fn tag_kind(tag: &Tag) -> TagKind<'_> {
    const CORE_PREFIX: &str = "tag:yaml.org,2002:";
    let written = (tag.handle.as_str(), tag.suffix.as_str());
    match written {
        ("!", "") | ("", "!") => TagKind::NonSpecific,
        _ if tag.is_yaml_core_schema() => TagKind::Core(&tag.suffix),
        ("", suffix) | ("!", suffix) if suffix.starts_with(CORE_PREFIX) => {
            TagKind::Core(&suffix[CORE_PREFIX.len()..])
        }
        (handle, suffix) if handle.starts_with(CORE_PREFIX) || handle == CORE_PREFIX => {
            TagKind::Core(suffix)
        }
        _ => TagKind::Other,
    }
}

fn check_collection_tag(tag: Option<&Tag>, expected: &str, at: Position) -> Result<(), YamlError> {
    match tag {
        None => Ok(()),
        Some(tag) if matches!(tag_kind(tag), TagKind::NonSpecific) => Ok(()),
        Some(tag) if matches!(tag_kind(tag), TagKind::Core(name) if name == expected) => Ok(()),
        Some(tag) => Err(YamlError::UnsupportedTag {
            tag: tag_text(tag),
            at,
        }),
    }
}

impl Builder<'_> {
    fn slot(&mut self, at: Position) -> Result<Slot, YamlError> {
        let Some(parent) = self.stack.last_mut() else {
            return Ok(Slot {
                parent: None,
                token: Token::Index(0),
                key_span: None,
            });
        };
        let parent_node = Some(parent.node);
        match &mut parent.container {
            Container::Sequence(items) => Ok(Slot {
                parent: parent_node,
                token: Token::Index(u32::try_from(items.len()).unwrap_or(u32::MAX)),
                key_span: None,
            }),
            Container::Mapping { pending_key, .. } => match pending_key {
                Some((key, key_span)) => Ok(Slot {
                    parent: parent_node,
                    token: Token::Key(key.as_str().into()),
                    key_span: Some(*key_span),
                }),
                None => Err(YamlError::ComplexKey { at }),
            },
        }
    }

    fn place(&mut self, value: Value, end: Position) {
        self.nodes += 1;
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(parent) => {
                parent.last_end = Some(end);
                match &mut parent.container {
                    Container::Sequence(items) => items.push(value),
                    Container::Mapping {
                        entries,
                        pending_key,
                    } => {
                        if let Some((key, _)) = pending_key.take() {
                            entries.insert(key, value);
                        }
                    }
                }
            }
        }
    }

    /// Whether the next scalar is a mapping key; if so, records it.
    fn take_key(&mut self, text: &str, key_span: Span) -> Result<bool, YamlError> {
        let Some(parent) = self.stack.last_mut() else {
            return Ok(false);
        };
        let Container::Mapping {
            entries,
            pending_key,
        } = &mut parent.container
        else {
            return Ok(false);
        };
        if pending_key.is_some() {
            return Ok(false);
        }
        if entries.contains_key(text) {
            let first = self
                .source_map
                .child(parent.node, Token::Key(text.into()))
                .and_then(|node| self.source_map.span_of(node))
                .and_then(|node| node.key)
                .map_or(key_span.start, |key| key.start);
            return Err(YamlError::DuplicateKey {
                key: text.to_owned(),
                at: key_span.start,
                first,
            });
        }
        *pending_key = Some((text.to_owned(), key_span));
        Ok(true)
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        event_span: Span,
    ) -> Result<(), YamlError> {
        self.bytes = self.bytes.saturating_add(text.len());
        let mut value_span = event_span;
        match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                if let Some(indicator) = self.block_indicator(event_span.start) {
                    value_span.start = indicator;
                }
                value_span.end = self.last_content_before(event_span.end, value_span.start);
            }
            ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => {
                if let Some(end) = self.closing_quote(event_span.start, style) {
                    value_span.end = end;
                }
            }
            ScalarStyle::Plain => {}
        }
        // Keys are compared as YAML resolves them: `~`, `null` and an empty key are one key.
        let key_text = if style == ScalarStyle::Plain {
            resolved_key(text)
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        if anchor == 0 && tag.is_none() && self.take_key(&key_text, value_span)? {
            return Ok(());
        }
        if self.is_key_position() {
            // An anchored or tagged key: rare, but still a plain text key.
            let value = resolve_scalar(text, style, tag, value_span.start)?;
            let key = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            self.take_key(&key, value_span)?;
            if anchor != 0 {
                let bytes = key.len();
                self.anchors.insert(anchor, (Value::String(key), 1, bytes));
            }
            return Ok(());
        }
        let value = resolve_scalar(text, style, tag, value_span.start)?;
        let slot = self.slot(value_span.start)?;
        let node = self.source_map.add(
            slot.parent,
            slot.token,
            NodeSpan {
                value: value_span,
                key: slot.key_span,
            },
        );
        if value.is_string() {
            self.source_map.mark_text(node);
        }
        if anchor != 0 {
            self.anchors.insert(anchor, (value.clone(), 1, text.len()));
        }
        self.place(value, value_span.end);
        Ok(())
    }

    fn is_key_position(&self) -> bool {
        matches!(
            self.stack.last().map(|frame| &frame.container),
            Some(Container::Mapping {
                pending_key: None,
                ..
            })
        )
    }

    fn open(&mut self, container: Container, anchor: usize, at: Span) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(YamlError::TooDeep {
                limit: self.limits.max_depth,
                at: at.start,
            });
        }
        let slot = self.slot(at.start)?;
        // Added now, so that its children can name it; its span is known when it closes.
        let node = self.source_map.add(
            slot.parent,
            slot.token,
            NodeSpan {
                value: at,
                key: slot.key_span,
            },
        );
        self.stack.push(Frame {
            container,
            node,
            key_span: slot.key_span,
            start: at.start,
            // A flow collection's start event spans its bracket; a block one's is empty.
            flow: at.start != at.end,
            last_end: None,
            anchor,
            nodes_at_start: self.nodes,
            bytes_at_start: self.bytes,
        });
        Ok(())
    }

    fn close(&mut self, at: Span) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        // A block collection's end event sits at the next token, possibly lines later: the
        // collection really ends with its last child. A flow collection ends at its bracket.
        let end = if frame.flow {
            at.end
        } else {
            frame.last_end.unwrap_or(at.end).max(frame.start)
        };
        let value = match frame.container {
            Container::Sequence(items) => Value::Array(items),
            Container::Mapping { entries, .. } => Value::Object(entries),
        };
        self.source_map.set_span(
            frame.node,
            NodeSpan {
                value: Span::new(frame.start, end),
                key: frame.key_span,
            },
        );
        if frame.anchor != 0 {
            let count = self.nodes - frame.nodes_at_start + 1;
            let bytes = self.bytes - frame.bytes_at_start;
            self.anchors
                .insert(frame.anchor, (value.clone(), count, bytes));
        }
        self.place(value, end);
        Ok(())
    }

    fn alias(&mut self, anchor: usize, at: Span) -> Result<(), YamlError> {
        let Some((value, count, bytes)) = self.anchors.get(&anchor) else {
            return Err(YamlError::Syntax {
                message: "invalid YAML: this alias refers to an unknown anchor".into(),
                at: at.start,
            });
        };
        self.alias_nodes = self.alias_nodes.saturating_add(*count);
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(YamlError::AliasBudget {
                limit: self.limits.max_alias_nodes,
                at: at.start,
            });
        }
        self.alias_bytes = self.alias_bytes.saturating_add(*bytes);
        if self.alias_bytes > self.limits.max_alias_bytes {
            return Err(YamlError::AliasTextBudget {
                limit: self.limits.max_alias_bytes,
                at: at.start,
            });
        }
        self.bytes = self.bytes.saturating_add(*bytes);
        let value = value.clone();
        let count = *count;
        if self.is_key_position() {
            let key = match value {
                Value::String(text) => text,
                _ => return Err(YamlError::ComplexKey { at: at.start }),
            };
            return self.take_key(&key, at).map(|_| ());
        }
        let slot = self.slot(at.start)?;
        let node = self.source_map.add(
            slot.parent,
            slot.token,
            NodeSpan {
                value: at,
                key: slot.key_span,
            },
        );
        if value.is_string() {
            self.source_map.mark_text(node);
        }
        self.place(value, at.end);
        self.nodes += count.saturating_sub(1);
        Ok(())
    }

    /// A block scalar's span starts at its content; a finding should point at its `|` or `>`,
    /// which sits between the previous token and the content.
    fn block_indicator(&self, content: Position) -> Option<Position> {
        let from = self.previous_end;
        for line in from.line..=content.line {
            let text = self.source.line(line)?;
            let skip = if line == from.line {
                from.column as usize - 1
            } else {
                0
            };
            let mut in_property = false;
            for (column, c) in text.chars().enumerate().skip(skip) {
                if line == content.line && column + 1 >= content.column as usize {
                    return None;
                }
                match c {
                    '|' | '>' if !in_property => {
                        return Some(Position::new(line, saturate(column + 1)));
                    }
                    '&' | '!' => in_property = true,
                    ' ' | '\t' => in_property = false,
                    '#' if !in_property => break,
                    _ => {}
                }
            }
        }
        None
    }

    /// A block scalar's span runs to the next token, lines later: end it after its last visible
    /// character instead.
    fn last_content_before(&self, end: Position, start: Position) -> Position {
        let mut line = end.line;
        let mut limit = (end.column as usize).saturating_sub(1);
        while line > start.line {
            if let Some(text) = self.source.line(line) {
                let visible = text
                    .chars()
                    .take(limit)
                    .enumerate()
                    .filter(|(_, c)| !c.is_whitespace())
                    .last();
                if let Some((column, _)) = visible {
                    return Position::new(line, saturate(column + 2));
                }
            }
            line -= 1;
            limit = usize::MAX;
        }
        end.max(start)
    }

    /// The parser ends a quoted scalar in block context at the end of its line (a trailing
    /// comment included); the value really ends after its closing quote.
    fn closing_quote(&self, start: Position, style: ScalarStyle) -> Option<Position> {
        let quote = if style == ScalarStyle::DoubleQuoted {
            '"'
        } else {
            '\''
        };
        let mut line = start.line;
        let mut skip = start.column as usize;
        let last_line = saturate(self.source.line_count());
        while line <= last_line {
            let text = self.source.line(line)?;
            let mut chars = text.chars().enumerate().skip(skip).peekable();
            while let Some((column, c)) = chars.next() {
                if quote == '"' && c == '\\' {
                    chars.next();
                } else if c == quote {
                    if quote == '\'' && chars.peek().map(|(_, next)| *next) == Some('\'') {
                        chars.next();
                    } else {
                        return Some(Position::new(line, saturate(column + 2)));
                    }
                }
            }
            line += 1;
            skip = 0;
        }
        None
    }
}

/// A plain key as the core schema resolves it, as JSON writes it: `~`, `Null` and an empty key
/// are `null`, `True` is `true`, `0x10` is `16`; text stays as written.
fn resolved_key(text: &str) -> std::borrow::Cow<'_, str> {
    // Nearly every key is a word: text as written, without resolving (and copying) it.
    let resolves = matches!(
        text,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
    ) || text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'));
    if !resolves {
        return std::borrow::Cow::Borrowed(text);
    }
    match resolve_plain(text, Position::START) {
        Ok(Value::String(_)) | Err(_) => std::borrow::Cow::Borrowed(text),
        Ok(Value::Null) => std::borrow::Cow::Borrowed("null"),
        Ok(other) => std::borrow::Cow::Owned(other.to_string()),
    }
}

const CORE_TAGS: [&str; 7] = ["str", "int", "float", "bool", "null", "seq", "map"];

fn resolve_scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    at: Position,
) -> Result<Value, YamlError> {
    let Some(tag) = tag else {
        return if style == ScalarStyle::Plain {
            resolve_plain(text, at)
        } else {
            Ok(Value::String(text.to_owned()))
        };
    };
    let name = match tag_kind(tag) {
        TagKind::NonSpecific => return Ok(Value::String(text.to_owned())),
        TagKind::Core(name) if CORE_TAGS.contains(&name) => name,
        TagKind::Core(_) | TagKind::Other => {
            return Err(YamlError::UnsupportedTag {
                tag: tag_text(tag),
                at,
            });
        }
    };
    if name == "str" {
        return Ok(Value::String(text.to_owned()));
    }
    let value = resolve_plain(text, at)?;
    let fits = match name {
        "int" => value.is_i64() || value.is_u64(),
        "float" => value.is_number(),
        "bool" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    };
    if fits {
        Ok(value)
    } else {
        Err(YamlError::TagMismatch {
            tag: tag_text(tag),
            text: text.to_owned(),
            at,
        })
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: &str, at: Position) -> Result<Value, YamlError> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let Some(first) = text.bytes().next() else {
        return Ok(Value::Null);
    };
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Ok(Value::String(text.to_owned()));
    }
    if let Some(number) = resolve_int(text) {
        return Ok(Value::Number(number));
    }
    let lower = text.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['-', '+']);
    if unsigned == ".inf" || lower == ".nan" {
        return Err(YamlError::NonFinite {
            text: text.to_owned(),
            at,
        });
    }
    if is_core_float(text) {
        if let Some(number) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Ok(Value::Number(number));
        }
        return Err(YamlError::NonFinite {
            text: text.to_owned(),
            at,
        });
    }
    Ok(Value::String(text.to_owned()))
}

fn resolve_int(text: &str) -> Option<Number> {
    if let Some(octal) = text.strip_prefix("0o") {
        return u64::from_str_radix(octal, 8).ok().map(Number::from);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok().map(Number::from);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(Number::from(n));
    }
    text.strip_prefix('+')
        .unwrap_or(text)
        .parse::<u64>()
        .ok()
        .map(Number::from)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let bytes = text.strip_prefix(['-', '+']).unwrap_or(text).as_bytes();
    let mut i = 0;
    let int_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp_digits == 0 {
            return false;
        }
        i += exp_digits;
    }
    i == bytes.len()
}
