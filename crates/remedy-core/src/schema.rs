//! The guide JSON Schema: generated from the model, compiled once, and its errors mapped to the
//! node that causes them, with a message a writer can act on.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Validator};
use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema};
use serde_json::Value;
use thiserror::Error;

use crate::model::Guide;

/// The `$id` of the guide schema.
pub const GUIDE_SCHEMA_ID: &str = "https://remedy.invalid/schemas/guide.schema.json";

/// Whether a finding is about a mapping key (an unknown key) or about a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The key of the entry at the pointer.
    Key,
    /// The value at the pointer.
    Value,
}

/// One way in which a guide breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct SchemaViolation {
    /// The JSON Pointer of the node at fault.
    pub pointer: String,
    /// Whether the finding belongs at the key or at the value.
    pub anchor: Anchor,
    /// What is wrong and what to do.
    pub message: String,
}

/// The schema could not be built: a bug in remedy, never the user's input.
#[derive(Debug, Error)]
#[error("the built-in guide schema does not compile: {0}")]
pub struct SchemaBuildError(String);

/// Schema generation for remedy's types: draft 2020-12, and an absent field is absent (a YAML
/// `note:` with nothing after it is a mistake the schema should report, not a `null` to accept).
pub fn schema_for<T: JsonSchema>(id: &str) -> Schema {
    let mut settings = SchemaSettings::draft2020_12();
    settings.transforms.push(Box::new(RemoveNull));
    settings.transforms.push(Box::new(StandardFormats));
    let mut schema = settings.into_generator().into_root_schema_for::<T>();
    if let Some(object) = schema.as_object_mut() {
        let mut ordered = serde_json::Map::new();
        for key in ["$schema", "$id"] {
            if let Some(value) = object.remove(key) {
                ordered.insert(key.to_owned(), value);
            }
        }
        ordered.insert("$id".into(), Value::String(id.to_owned()));
        ordered.append(object);
        *object = ordered;
    }
    schema
}

/// schemars marks Rust integers with formats of its own (`uint8`, `uint32`) that JSON Schema
/// does not define, so strict validators (ajv) refuse the schema: they become the range they
/// mean, as `minimum`/`maximum`.
#[derive(Debug, Clone)]
struct StandardFormats;

impl Transform for StandardFormats {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        let Some(Value::String(format)) = object.get("format") else {
            return;
        };
        let (minimum, maximum): (i64, Option<u64>) = match format.as_str() {
            "uint8" => (0, Some(u64::from(u8::MAX))),
            "uint16" => (0, Some(u64::from(u16::MAX))),
            "uint32" => (0, Some(u64::from(u32::MAX))),
            "uint64" | "uint" => (0, None),
            "int8" => (i64::from(i8::MIN), Some(127)),
            "int16" => (i64::from(i16::MIN), Some(32_767)),
            "int32" => (i64::from(i32::MIN), Some(2_147_483_647)),
            "int64" | "int" => {
                object.remove("format");
                return;
            }
            _ => return,
        };
        object.remove("format");
        let raise = object
            .get("minimum")
            .and_then(Value::as_f64)
            .is_none_or(|current| current < minimum as f64);
        if raise {
            object.insert("minimum".into(), Value::from(minimum));
        }
        if let Some(maximum) = maximum {
            let lower = object
                .get("maximum")
                .and_then(Value::as_f64)
                .is_none_or(|current| current > maximum as f64);
            if lower {
                object.insert("maximum".into(), Value::from(maximum));
            }
        }
    }
}

/// In a guide every text a writer writes must say something: a string without a pattern,
/// format or choices of its own gets `minLength: 1`, so `cons: [""]` or `note: ""` is a
/// schema finding rather than an empty line in the handout and an empty cell in the tables.
#[derive(Debug, Clone)]
struct NonEmptyText;

impl Transform for NonEmptyText {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        let is_text = object.get("type") == Some(&Value::from("string"));
        let constrained = ["minLength", "pattern", "format", "enum", "const"]
            .iter()
            .any(|key| object.contains_key(*key));
        if is_text && !constrained {
            object.insert("minLength".into(), Value::from(1));
        }
    }
}

#[derive(Debug, Clone)]
struct RemoveNull;

impl Transform for RemoveNull {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        if let Some(Value::Array(types)) = object.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let single = types.remove(0);
                object.insert("type".into(), single);
            }
        }
        if let Some(Value::Array(options)) = object.get("anyOf") {
            let kept: Vec<Value> = options
                .iter()
                .filter(|option| option.get("type") != Some(&Value::from("null")))
                .cloned()
                .collect();
            if kept.len() == 1 && options.len() == 2 {
                object.remove("anyOf");
                if let Some(Value::Object(inner)) = kept.into_iter().next() {
                    for (key, value) in inner {
                        object.entry(key).or_insert(value);
                    }
                }
            }
        }
    }
}

/// The guide schema as JSON, as checked in at `schemas/guide.schema.json`.
pub fn guide_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = schema_for::<Guide>(GUIDE_SCHEMA_ID);
        NonEmptyText.transform(&mut schema);
        schema.to_value()
    })
}

/// The guide schema, pretty-printed with a final newline: the bytes of the checked-in file.
pub fn guide_schema_text() -> String {
    pretty_json(guide_schema())
}

/// JSON pretty-printed with two spaces and a final newline.
pub fn pretty_json(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Compiles the guide schema's validator now, if it is not yet (it takes about 15 ms): a caller
/// with other work to do first can have it ready by the first guide.
pub fn prepare() -> Result<(), SchemaBuildError> {
    validator().map(|_| ())
}

fn validator() -> Result<&'static Validator, SchemaBuildError> {
    static VALIDATOR: OnceLock<Result<Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            // The `regex` engine, not fancy-regex: the schema's patterns (ids, references,
            // dates, language tags) need no look-around or back-reference, and fancy-regex
            // only wraps the regex crate for such patterns, at a cost to every check.
            jsonschema::options()
                .with_draft(Draft::Draft202012)
                .should_validate_formats(true)
                .with_pattern_options(jsonschema::PatternOptions::regex())
                .build(guide_schema())
                .map_err(|error| error.to_string())
        })
        .as_ref()
        .map_err(|error| SchemaBuildError(error.clone()))
}

/// Every way in which `value` breaks the guide schema, in the validator's order.
pub fn validate_guide(value: &Value) -> Result<Vec<SchemaViolation>, SchemaBuildError> {
    let validator = validator()?;
    // Most guides are valid: the validator's yes/no walk does not build error paths, and costs
    // less than collecting errors that are not there.
    if validator.is_valid(value) {
        return Ok(Vec::new());
    }
    let mut violations: Vec<SchemaViolation> = Vec::new();
    for error in validator.iter_errors(value) {
        let pointer = error.instance_path().as_str().to_owned();
        let instance = error.instance();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = allowed_keys(&pointer);
                for key in unexpected {
                    violations.push(SchemaViolation {
                        pointer: crate::position::child_pointer(&pointer, key),
                        anchor: Anchor::Key,
                        message: unknown_key_message(key, &pointer, &allowed),
                    });
                }
            }
            kind => {
                let message = describe(kind, &pointer, instance);
                // A date can break both its pattern and its format: one finding is enough.
                if violations.iter().any(|v| {
                    v.pointer == pointer && v.anchor == Anchor::Value && !is_required(kind)
                }) {
                    continue;
                }
                violations.push(SchemaViolation {
                    pointer,
                    anchor: Anchor::Value,
                    message,
                });
            }
        }
    }
    Ok(violations)
}

fn is_required(kind: &ValidationErrorKind) -> bool {
    matches!(kind, ValidationErrorKind::Required { .. })
}

/// What the object at `pointer` is, from its place in a guide.
fn object_kind(pointer: &str) -> Option<&'static str> {
    if let Some((owner, last)) = pointer.rsplit_once('/') {
        match (last, container_kind(owner)) {
            ("image", Some("Method" | "Step")) => return Some("Image"),
            ("code", Some("Step")) => return Some("CodeBlock"),
            _ => {}
        }
    }
    container_kind(pointer)
}

/// [`object_kind`] for the objects that hold others.
fn container_kind(pointer: &str) -> Option<&'static str> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let numbered = |i: usize| tokens.get(i).is_some_and(|t| t.parse::<usize>().is_ok());
    match tokens.as_slice() {
        [] => Some("Guide"),
        ["causes", _] if numbered(1) => Some("Cause"),
        ["methods", _] if numbered(1) => Some("Method"),
        ["methods", _, "time"] if numbered(1) => Some("TimeRange"),
        ["faq", _] if numbered(1) => Some("Faq"),
        ["scenarios", _] if numbered(1) => Some("Scenario"),
        ["related", _] if numbered(1) => Some("ExternalLink"),
        ["methods", _, rest @ ..]
            if numbered(1)
                && rest.len() % 2 == 0
                && rest
                    .chunks(2)
                    .all(|pair| pair[0] == "steps" && pair[1].parse::<usize>().is_ok()) =>
        {
            Some("Step")
        }
        _ => None,
    }
}

/// The keys the schema allows in the object at `pointer`.
fn allowed_keys(pointer: &str) -> Vec<String> {
    let schema = guide_schema();
    let definition = match object_kind(pointer) {
        Some("Guide") => Some(schema),
        Some(name) => schema.get("$defs").and_then(|defs| defs.get(name)),
        None => None,
    };
    definition
        .and_then(|definition| definition.get("properties"))
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

fn what(pointer: &str) -> &'static str {
    match object_kind(pointer) {
        Some("Guide") => "a guide",
        Some("Cause") => "a cause",
        Some("Method") => "a method",
        Some("TimeRange") => "`time`",
        Some("Faq") => "an FAQ entry",
        Some("Scenario") => "a scenario",
        Some("ExternalLink") => "a related link",
        Some("Step") => "a step",
        Some("Image") => "an image",
        Some("CodeBlock") => "`code`",
        _ => "this mapping",
    }
}

fn unknown_key_message(key: &str, pointer: &str, allowed: &[String]) -> String {
    let mut message = format!("unknown key `{key}` in {}", what(pointer));
    if let Some(suggestion) = closest(key, allowed) {
        message.push_str(&format!("; did you mean `{suggestion}`?"));
    } else if !allowed.is_empty() {
        message.push_str(&format!(
            "; the keys allowed here are {}",
            allowed
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    message
}

/// The allowed key a typo most likely meant: within two edits, or differing only in case or
/// separators.
pub fn closest<'a>(key: &str, allowed: &'a [String]) -> Option<&'a str> {
    let normal = |s: &str| s.to_lowercase().replace(['-', ' '], "_");
    if let Some(hit) = allowed.iter().find(|a| normal(a) == normal(key)) {
        return Some(hit);
    }
    allowed
        .iter()
        .map(|a| (edit_distance(key, a), a))
        .filter(|(distance, a)| *distance <= 2 && *distance < a.len())
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, a)| a.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

/// The field a pointer ends at, for messages: `ease`, or `tags` entry 2.
fn field_name(pointer: &str) -> String {
    let mut tokens = pointer.rsplit('/');
    let last = tokens.next().unwrap_or_default();
    if last.is_empty() {
        return "the guide".into();
    }
    match last.parse::<usize>() {
        Ok(index) => {
            let parent = tokens.next().unwrap_or_default();
            let noun = match parent {
                "causes" => "cause",
                "methods" => "method",
                "steps" => "step",
                "faq" => "FAQ entry",
                "scenarios" => "scenario",
                _ => "entry",
            };
            if noun == "entry" {
                format!("entry {} of `{parent}`", index + 1)
            } else {
                format!("{noun} {}", index + 1)
            }
        }
        Err(_) => format!("`{}`", last.replace("~1", "/").replace("~0", "~")),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(n) if n.is_f64() => "a number with decimals",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn type_name(kind: &TypeKind) -> String {
    use jsonschema::JsonType;
    let name = |t: &JsonType| match t {
        JsonType::Array => "a list",
        JsonType::Boolean => "true or false",
        JsonType::Integer => "a whole number",
        JsonType::Null => "nothing",
        JsonType::Number => "a number",
        JsonType::Object => "a mapping of keys",
        JsonType::String => "text",
    };
    match kind {
        TypeKind::Single(t) => name(t).into(),
        TypeKind::Multiple(types) => types
            .iter()
            .map(|t| name(&t))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

fn describe(kind: &ValidationErrorKind, pointer: &str, instance: &Value) -> String {
    let field = field_name(pointer);
    let last = pointer.rsplit('/').next().unwrap_or_default();
    let parent_last = pointer.rsplit('/').nth(1).unwrap_or_default();
    match kind {
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            let hint = match property {
                "risk" => " (very-low, low, moderate, high or very-high)",
                "updated" => " (the date of the last review, YYYY-MM-DD)",
                "steps" => " (at least one step)",
                _ => "",
            };
            format!(
                "{} is missing the required key `{property}`; add it{hint}",
                what(pointer)
            )
        }
        ValidationErrorKind::Type { .. } if last == "time" && !instance.is_object() => format!(
            "{field} is `{}`; write the minutes as a `{{min, max}}` mapping, like `time: {{min: 5, max: 10}}` (leave out `max` when open-ended)",
            short(instance)
        ),
        ValidationErrorKind::Type { kind } => format!(
            "{field} must be {}, not {}",
            type_name(kind),
            json_type(instance)
        ),
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = match options.as_array() {
                Some(values) => values
                    .iter()
                    .filter_map(|value| value.as_str().map(str::to_owned))
                    .collect(),
                None => Vec::new(),
            };
            let options = options
                .as_array()
                .map(|o| o.iter().map(short).collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            let hint = instance
                .as_str()
                .filter(|written| written.len() <= 64)
                .and_then(|written| closest(written, &allowed))
                .map(|nearest| format!(" (did you mean `{nearest}`?)"))
                .unwrap_or_default();
            format!(
                "{field} is `{}`; use one of {options}{hint}",
                short(instance)
            )
        }
        ValidationErrorKind::Pattern { .. } => {
            let is_reference = matches!(last, "see" | "addresses" | "try")
                || matches!(parent_last, "see" | "addresses" | "try");
            if last == "updated" {
                format!(
                    "{field} is `{}`; write the date as YYYY-MM-DD",
                    short(instance)
                )
            } else if last == "lang" {
                format!(
                    "{field} is `{}`; write a BCP 47 language tag such as `en`, `en-GB` or `de`",
                    short(instance)
                )
            } else if is_reference {
                format!(
                    "`{}` is not a valid reference; write `id` or `guide-id#id` (lowercase letters, digits, hyphens)",
                    short(instance)
                )
            } else {
                format!(
                    "`{}` is not a valid id; use lowercase letters, digits and single hyphens, like `reset-network-settings`",
                    short(instance)
                )
            }
        }
        ValidationErrorKind::Format { format } if format == "date" => format!(
            "{field} is `{}`, which is not a calendar date; write YYYY-MM-DD",
            short(instance)
        ),
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit }
            if matches!(last, "ease" | "effectiveness") =>
        {
            let _ = limit;
            format!("{field} is {}; rate it from 1 to 5", short(instance))
        }
        ValidationErrorKind::Minimum { limit } => {
            format!(
                "{field} is {}; it must be at least {limit}",
                short(instance)
            )
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("{field} is {}; it must be at most {limit}", short(instance))
        }
        ValidationErrorKind::MinLength { .. } if last.parse::<usize>().is_ok() => {
            format!("{field} is empty; write the text or remove the entry")
        }
        ValidationErrorKind::MinLength { .. } => {
            format!("{field} is empty; write the text or remove the key")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("{field} is longer than {limit} characters; shorten it")
        }
        ValidationErrorKind::MinItems { .. } => {
            format!("{field} is an empty list; it needs at least one entry")
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. }
            if parent_last == "related" =>
        {
            format!(
                "{field} must be a guide id (`other-guide`) or a link with exactly `title` and `url`"
            )
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. }
            if last == "see" =>
        {
            format!("{field} must be a reference (`id` or `guide-id#id`) or a list of them")
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. }
            if last == "code" =>
        {
            format!(
                "{field} must be the text to type, or a mapping with `text` and an optional `language`"
            )
        }
        other => format!("{field}: {}", jsonschema_message(other, instance)),
    }
}

fn jsonschema_message(kind: &ValidationErrorKind, instance: &Value) -> String {
    let _ = instance;
    match kind {
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            "does not match any of the allowed shapes".into()
        }
        ValidationErrorKind::FalseSchema => "is not allowed here".into(),
        other => format!("violates the schema ({})", other.keyword()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion() {
        let allowed = vec!["warning".to_string(), "note".to_string()];
        assert_eq!(closest("warnign", &allowed), Some("warning"));
        assert_eq!(closest("Note", &allowed), Some("note"));
        assert_eq!(closest("zzz", &allowed), None);
    }

    #[test]
    fn object_kinds_follow_the_guide_shape() {
        assert_eq!(object_kind(""), Some("Guide"));
        assert_eq!(object_kind("/methods/2/steps/0/steps/3"), Some("Step"));
        assert_eq!(object_kind("/methods/2/time"), Some("TimeRange"));
        assert_eq!(object_kind("/methods/2/steps"), None);
    }
}
