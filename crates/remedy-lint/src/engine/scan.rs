//! The index-only pass: a file that is not linted, only needed for the cross-guide index, read
//! from the YAML parser's events for its guide id, title and declared ids. No value tree, no
//! source map, no line index, no schema, no typed guide, no rules.
//!
//! It must say what the full load would say, so it answers only where that is certain and
//! gives up (`None`: the caller loads the file fully) on anything the full load might refuse
//! or read otherwise: an anchor, alias or tag, a second document, a key that is not plain
//! text or that appears twice, nesting near the depth limit, a plain scalar that could be a
//! float, an id declared twice, an empty document. A parser error is certain: the full load
//! meets the same error, and the file is known by its stem.

use std::hash::{BuildHasher, Hasher};

use remedy_core::IdKind;
use saphyr_parser::{Event, Parser, ScalarStyle};

/// What the index needs of a file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Scanned {
    /// The YAML does not parse: the file is known by its stem, with no ids.
    Broken,
    /// It parses: its guide id (when it is a string), normalized title (when non-empty) and
    /// declared ids, in the order the full load lists them.
    Parsed {
        guide_id: Option<String>,
        title: Option<String>,
        ids: Vec<(String, IdKind)>,
    },
}

/// What a collection holds, as far as the index cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Causes,
    Cause,
    Methods,
    /// A method, by its place in `methods`.
    Method(usize),
    /// The `steps` of a method or step (a node of [`Step`]s).
    Steps(usize),
    /// A step, by its node.
    Step(usize),
    Other,
}

struct Frame {
    role: Role,
    mapping: bool,
    /// Hashes of the keys seen (mappings only): a repeat gives up.
    keys: Vec<u64>,
    /// The key whose value comes next (mappings only).
    key: Option<String>,
}

/// A node of the step tree: its id and its children, in document order.
#[derive(Default)]
struct Node {
    id: Option<String>,
    children: Vec<usize>,
}

/// The deepest nesting the scan follows; the full load's limit is 64, and near it the scan
/// leaves the answer to the full load.
const MAX_DEPTH: usize = 60;

/// Scans `text`; `None` when only the full load can say.
pub(super) fn scan(text: &str) -> Option<Scanned> {
    let hashing = std::collections::hash_map::RandomState::new();
    let hash = |key: &str| {
        let mut hasher = hashing.build_hasher();
        hasher.write(key.as_bytes());
        hasher.finish()
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut documents = 0;
    let mut root_seen = false;
    let (mut guide_id, mut title) = (None, None);
    let mut causes: Vec<String> = Vec::new();
    // Each method: its id and the node of its steps list.
    let mut methods: Vec<(Option<String>, usize)> = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((event, _)) = item else {
            return Some(Scanned::Broken);
        };
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
            }
            Event::Alias(_) => return None,
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let string = match style {
                    ScalarStyle::Plain => plain_is_string(&value)?,
                    _ => true,
                };
                let Some(frame) = stack.last_mut() else {
                    // A document that is one scalar: no guide.
                    root_seen = true;
                    continue;
                };
                if frame.mapping && frame.key.is_none() {
                    // A key: plain text, once per mapping.
                    if !string || value.is_empty() {
                        return None;
                    }
                    let hashed = hash(&value);
                    if frame.keys.contains(&hashed) {
                        return None;
                    }
                    frame.keys.push(hashed);
                    frame.key = Some(value.into_owned());
                    continue;
                }
                let key = frame.key.take();
                if key.as_deref() != Some("id") && key.as_deref() != Some("title") {
                    continue;
                }
                let text = string.then(|| value.into_owned());
                match (frame.role, key.as_deref()) {
                    (Role::Root, Some("id")) => guide_id = text,
                    (Role::Root, Some("title")) => title = text,
                    (Role::Cause, Some("id")) => causes.extend(text),
                    (Role::Method(at), Some("id")) => {
                        if let Some(method) = methods.get_mut(at) {
                            method.0 = text;
                        }
                    }
                    (Role::Step(node), Some("id")) => {
                        if let Some(node) = nodes.get_mut(node) {
                            node.id = text;
                        }
                    }
                    _ => {}
                }
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= MAX_DEPTH {
                    return None;
                }
                let mapping = matches!(event, Event::MappingStart(..));
                let role = match stack.last_mut() {
                    None => {
                        root_seen = true;
                        if mapping { Role::Root } else { Role::Other }
                    }
                    Some(parent) if parent.mapping => {
                        // A collection as a key is more than the scan reads.
                        let key = parent.key.take()?;
                        match (parent.role, key.as_str(), mapping) {
                            (Role::Root, "causes", false) => Role::Causes,
                            (Role::Root, "methods", false) => Role::Methods,
                            (Role::Method(at), "steps", false) => {
                                nodes.push(Node::default());
                                let steps = nodes.len() - 1;
                                if let Some(method) = methods.get_mut(at) {
                                    method.1 = steps;
                                }
                                Role::Steps(steps)
                            }
                            // A step's sub-steps are its own node's children.
                            (Role::Step(node), "steps", false) => Role::Steps(node),
                            _ => Role::Other,
                        }
                    }
                    Some(parent) => match (parent.role, mapping) {
                        (Role::Causes, true) => Role::Cause,
                        (Role::Methods, true) => {
                            // `usize::MAX`: no steps list yet.
                            methods.push((None, usize::MAX));
                            Role::Method(methods.len() - 1)
                        }
                        (Role::Steps(list), true) => {
                            nodes.push(Node::default());
                            let step = nodes.len() - 1;
                            if let Some(list) = nodes.get_mut(list) {
                                list.children.push(step);
                            }
                            Role::Step(step)
                        }
                        _ => Role::Other,
                    },
                };
                stack.push(Frame {
                    role,
                    mapping,
                    keys: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = stack.pop()?;
                if frame.key.is_some() {
                    return None;
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    if !root_seen {
        return None;
    }
    let mut ids: Vec<(String, IdKind)> = causes.into_iter().map(|id| (id, IdKind::Cause)).collect();
    for (id, steps) in methods {
        ids.extend(id.map(|id| (id, IdKind::Method)));
        let mut stack: Vec<usize> = nodes
            .get(steps)
            .map(|list| list.children.iter().rev().copied().collect())
            .unwrap_or_default();
        while let Some(step) = stack.pop() {
            let Some(node) = nodes.get_mut(step) else {
                continue;
            };
            ids.extend(node.id.take().map(|id| (id, IdKind::Step)));
            stack.extend(node.children.iter().rev().copied());
        }
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    if !ids.iter().all(|(id, _)| seen.insert(id.as_str())) {
        // Which declaration wins depends on positions: the full load knows them.
        return None;
    }
    let title = title
        .map(|title| crate::rules::duplicate_title::normalized(&title))
        .filter(|title| !title.is_empty());
    Some(Scanned::Parsed {
        guide_id,
        title,
        ids,
    })
}

/// Whether a plain scalar is a string under the YAML 1.2 core schema, as the full load
/// resolves it; `None` where that resolution could fail (a float: it may not be finite) or is
/// not plainly a string or an integer.
fn plain_is_string(text: &str) -> Option<bool> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False"
        | "FALSE" => return Some(false),
        _ => {}
    }
    let first = text.bytes().next()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Some(true);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some(false);
    }
    // Floats, `.inf`, `.nan`, `0x…`, `0o…`: the full load decides.
    let number_like = digits
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'));
    let lower = text.to_ascii_lowercase();
    if (number_like && (text.contains('.') || lower.contains('e')))
        || lower.contains("inf")
        || lower.contains("nan")
        || lower.starts_with("0x")
        || lower.starts_with("0o")
    {
        return None;
    }
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use remedy_core::{LoadOptions, SourceText, parse_text};

    /// What the full load gives the index for `bytes`, as the engine reads it; `None` when
    /// its ids repeat (the engine then orders them by position, which the scan leaves alone).
    fn full(bytes: &[u8]) -> Option<Scanned> {
        let Ok(source) = SourceText::from_bytes(bytes.to_vec()) else {
            return None;
        };
        let Ok(parsed) = parse_text("x.yaml".into(), source, &LoadOptions::default()) else {
            return Some(Scanned::Broken);
        };
        let value = &parsed.document.value;
        let guide_id = value.get("id").and_then(|v| v.as_str()).map(str::to_owned);
        let title = value
            .get("title")
            .and_then(|v| v.as_str())
            .map(crate::rules::duplicate_title::normalized)
            .filter(|title| !title.is_empty());
        let declared = crate::rules::duplicate_id::declared_ids(None, value);
        if crate::rules::duplicate_id::has_repeats(&declared) {
            return None;
        }
        let ids = declared
            .into_iter()
            .map(|(id, kind)| (id.to_owned(), kind))
            .collect();
        Some(Scanned::Parsed {
            guide_id,
            title,
            ids,
        })
    }

    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }

    /// Every fixture file of the repository, whole and cut short at several places (broken
    /// YAML, half a mapping): wherever the scan answers, it answers what the full load says.
    #[test]
    fn the_scan_says_what_the_full_load_says_or_nothing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let mut files = Vec::new();
        yaml_files(&root, &mut files);
        assert!(files.len() > 60, "{} fixture files", files.len());
        let (mut inputs, mut answered) = (0, 0);
        let extra: [&[u8]; 8] = [
            b"id: a\nid: b\n",
            b"id: a\n---\nid: b\n",
            b"id: &x a\ntitle: *x\n",
            b"id: !!str a\n",
            b"id: 12\ntitle: 1.5\n",
            b"[a, b]\n",
            b"",
            b"id: a\nmethods:\n  - id: m\n    steps:\n      - id: s\n        steps:\n          - id: t\n  - id: n\ncauses:\n  - id: c\n",
        ];
        let mut texts: Vec<Vec<u8>> = extra.iter().map(|t| t.to_vec()).collect();
        for file in &files {
            let Ok(bytes) = std::fs::read(file) else {
                continue;
            };
            for cut in [
                bytes.len(),
                bytes.len() * 2 / 3,
                bytes.len() / 2,
                bytes.len() / 3,
            ] {
                texts.push(bytes[..cut].to_vec());
            }
        }
        for bytes in &texts {
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            inputs += 1;
            let Some(scanned) = scan(text.strip_prefix('\u{feff}').unwrap_or(text)) else {
                continue;
            };
            answered += 1;
            assert_eq!(Some(&scanned), full(bytes).as_ref(), "{text}");
        }
        // Most guides are plain YAML: the scan must answer for them, or it saves nothing.
        assert!(answered * 2 > inputs, "answered {answered} of {inputs}");
        let nested = scan(std::str::from_utf8(extra[7]).unwrap_or_default());
        assert!(matches!(nested, Some(Scanned::Parsed { ref ids, .. }) if ids.len() == 5));
    }

    #[test]
    fn plain_scalars_resolve_as_the_core_schema_does() {
        assert_eq!(plain_is_string("fix-it"), Some(true));
        assert_eq!(plain_is_string("2026-11-21"), Some(true));
        assert_eq!(plain_is_string("0-day"), Some(true));
        assert_eq!(plain_is_string("12"), Some(false));
        assert_eq!(plain_is_string("-3"), Some(false));
        assert_eq!(plain_is_string("null"), Some(false));
        assert_eq!(plain_is_string("1.5"), None);
        assert_eq!(plain_is_string("1e999"), None);
        assert_eq!(plain_is_string(".inf"), None);
        assert_eq!(plain_is_string("0x1f"), None);
    }
}
