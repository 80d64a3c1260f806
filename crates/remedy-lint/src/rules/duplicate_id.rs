//! `duplicate-id`: an id declared twice in one guide, or a guide id used by two files.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use remedy_core::{Guide, IdKind};
use serde_json::Value;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// - An id declared twice in one guide. Causes, methods and steps share one namespace, so a
    ///   cause `storage-full` and a method `storage-full` clash too. The second declaration (in
    ///   document order) is reported, and the message names the line of the first.
    /// - A guide id used by two files of the content root (say `wifi/reset.yaml` and
    ///   `network/reset.yaml`). The later file in path order is reported, naming the other.
    ///
    /// ## Why it matters
    ///
    /// A reference such as `see: reset-network` or `other-guide#reset-network` must name exactly
    /// one thing. With two candidates, the reader may be sent to the wrong method or step, and the
    /// exports hold two guides that links cannot tell apart.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// causes:
    ///   - id: storage-full
    ///     title: iCloud storage is full
    /// methods:
    ///   - id: storage-full
    ///     title: Free up iCloud storage
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// causes:
    ///   - id: storage-full
    ///     title: iCloud storage is full
    /// methods:
    ///   - id: free-up-storage
    ///     title: Free up iCloud storage
    /// ```
    pub struct DuplicateId {
        name: "duplicate-id",
        severity: Error,
        summary: "an id used twice in one guide, or a guide id used by two files",
    }
}

/// One id a guide declares, with the pointer of its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The id as written.
    pub id: String,
    /// What it names.
    pub kind: IdKind,
    /// The JSON Pointer of the id's value.
    pub pointer: String,
}

/// Every id of causes, methods and (nested) steps with its pointer, in document order: read
/// from the typed guide when there is one (a linted file's YAML value may have been given to
/// it), else from the YAML value, so that a type error elsewhere neither hides a duplicate nor
/// empties the index other guides are resolved against.
pub fn declarations(guide: Option<&Guide>, value: &Value) -> Vec<Declaration> {
    match guide {
        Some(guide) => typed_declarations(guide),
        None => raw_declarations(value),
    }
}

fn typed_declarations(guide: &Guide) -> Vec<Declaration> {
    let mut out = Vec::new();
    guide.for_each_declaration(|id, kind, pointer| {
        out.push(Declaration {
            id: id.to_owned(),
            kind,
            pointer: pointer(),
        });
    });
    out
}

fn raw_declarations(value: &Value) -> Vec<Declaration> {
    let mut out = Vec::new();
    let id_of = |item: &Value| item.get("id").and_then(Value::as_str).map(str::to_owned);
    if let Some(causes) = value.get("causes").and_then(Value::as_array) {
        for (i, cause) in causes.iter().enumerate() {
            if let Some(id) = id_of(cause) {
                out.push(Declaration {
                    id,
                    kind: IdKind::Cause,
                    pointer: format!("/causes/{i}/id"),
                });
            }
        }
    }
    let Some(methods) = value.get("methods").and_then(Value::as_array) else {
        return out;
    };
    for (i, method) in methods.iter().enumerate() {
        if let Some(id) = id_of(method) {
            out.push(Declaration {
                id,
                kind: IdKind::Method,
                pointer: format!("/methods/{i}/id"),
            });
        }
        // Steps in document order, without recursion.
        let mut stack = children(method, &format!("/methods/{i}"));
        while let Some((step, at)) = stack.pop() {
            if let Some(id) = id_of(step) {
                out.push(Declaration {
                    id,
                    kind: IdKind::Step,
                    pointer: format!("{at}/id"),
                });
            }
            stack.extend(children(step, &at));
        }
    }
    out
}

/// The sub-steps of a method or step with their pointers, last first (for a stack).
fn children<'v>(parent: &'v Value, at: &str) -> Vec<(&'v Value, String)> {
    parent
        .get("steps")
        .and_then(Value::as_array)
        .map(|steps| {
            steps
                .iter()
                .enumerate()
                .rev()
                .map(|(j, step)| (step, format!("{at}/steps/{j}")))
                .collect()
        })
        .unwrap_or_default()
}

/// Every id of causes, methods and (nested) steps with what it names, borrowed and without
/// pointers, in document order: the cheap walk every file pays ([`declarations`], which builds a
/// pointer per id, is only needed when an id repeats). From the typed guide when there is one
/// (field reads instead of map look-ups), else from the YAML value.
pub fn declared_ids<'a>(guide: Option<&'a Guide>, value: &'a Value) -> Vec<(&'a str, IdKind)> {
    match guide {
        Some(guide) => typed_ids(guide),
        None => raw_ids(value),
    }
}

fn typed_ids(guide: &Guide) -> Vec<(&str, IdKind)> {
    let mut out = Vec::new();
    guide.for_each_declaration(|id, kind, _| out.push((id, kind)));
    out
}

fn raw_ids(value: &Value) -> Vec<(&str, IdKind)> {
    fn id_of(item: &Value) -> Option<&str> {
        item.get("id").and_then(Value::as_str)
    }
    fn steps_of(parent: &Value) -> &[Value] {
        parent
            .get("steps")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    }
    let mut out = Vec::new();
    if let Some(causes) = value.get("causes").and_then(Value::as_array) {
        out.extend(
            causes
                .iter()
                .filter_map(id_of)
                .map(|id| (id, IdKind::Cause)),
        );
    }
    let Some(methods) = value.get("methods").and_then(Value::as_array) else {
        return out;
    };
    for method in methods {
        out.extend(id_of(method).map(|id| (id, IdKind::Method)));
        let mut stack: Vec<&Value> = steps_of(method).iter().rev().collect();
        while let Some(step) = stack.pop() {
            out.extend(id_of(step).map(|id| (id, IdKind::Step)));
            stack.extend(steps_of(step).iter().rev());
        }
    }
    out
}

/// Whether some id is declared twice.
pub fn has_repeats(declared: &[(&str, IdKind)]) -> bool {
    let mut seen = HashSet::with_capacity(declared.len());
    declared.iter().any(|(id, _)| !seen.insert(*id))
}

/// Ids declared twice in this guide: the second (by position in the file) is reported.
pub fn check(cx: &FileContext<'_>, out: &mut Vec<RuleFinding>) {
    let guide = cx.file.guide.as_ref();
    let value = &cx.file.document.value;
    let repeats = cx
        .ids_repeat
        .unwrap_or_else(|| has_repeats(&declared_ids(guide, value)));
    if !repeats {
        return;
    }
    let mut declarations = declarations(guide, value);
    declarations.sort_by_key(|d| cx.value_span(&d.pointer).start);
    let mut first: HashMap<&str, &Declaration> = HashMap::new();
    for declaration in &declarations {
        match first.get(declaration.id.as_str()) {
            None => {
                first.insert(&declaration.id, declaration);
            }
            Some(earlier) => {
                let line = cx.value_span(&earlier.pointer).start.line;
                out.push(cx.at_value(
                    DuplicateId::ID,
                    declaration.pointer.clone(),
                    format!(
                        "the id `{}` is already used by the {} at line {line}; causes, methods and steps of a guide share one namespace, so rename this {}",
                        declaration.id, earlier.kind, declaration.kind
                    ),
                ));
            }
        }
    }
}

/// The message for a guide id that another file already uses.
pub fn guide_message(id: &str, other: &Path) -> String {
    format!(
        "the guide id `{id}` is also used by {}; guide ids must be unique across the content root, so rename one of the guides (its file and its id)",
        other.display()
    )
}
