//! The generated guide schema: checked in without drift, a valid draft 2020-12 schema, and every
//! violation reported at the node a writer has to change.

use remedy_core::schema::{Anchor, guide_schema, guide_schema_text};
use remedy_core::{LoadOptions, SourceText, load_source};

const SCHEMA_FILE: &str = include_str!("../../../schemas/guide.schema.json");

#[test]
fn the_checked_in_schema_matches_the_types() {
    assert!(
        SCHEMA_FILE == guide_schema_text(),
        "schemas/guide.schema.json is stale: run `cargo xtask schema`"
    );
}

/// Every `format` anywhere in a schema.
fn formats(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(object) => {
            if let Some(serde_json::Value::String(format)) = object.get("format") {
                out.push(format.clone());
            }
            object.values().for_each(|child| formats(child, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|child| formats(child, out)),
        _ => {}
    }
}

#[test]
fn the_schemas_use_only_formats_json_schema_defines() {
    // Strict validators (ajv) refuse schemars' `uint8`/`uint32`; integers carry their range.
    let export = include_str!("../../../schemas/export.schema.json");
    for text in [SCHEMA_FILE, export] {
        let schema: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let mut found = Vec::new();
        formats(&schema, &mut found);
        found.sort();
        found.dedup();
        assert_eq!(found, ["date"]);
    }
    let time = &guide_schema()["$defs"]["TimeRange"]["properties"]["min"];
    assert_eq!(time["minimum"], 0);
    assert_eq!(time["maximum"], u32::MAX);
}

#[test]
fn empty_texts_and_list_entries_are_violations() -> Result<(), remedy_core::LoadError> {
    let text = "id: g\ntitle: T\nsummary: \"\"\nupdated: 2026-01-01\ncauses: [{id: c, title: C}]\nmethods:\n  - id: m\n    title: M\n    risk: low\n    steps: [{text: Go., note: ''}]\n    cons: [\"\"]\n";
    let file = load_source(
        "g.yaml".into(),
        SourceText::new(text.to_owned()),
        &LoadOptions::default(),
    )?;
    let found: Vec<(String, String)> = file
        .violations
        .iter()
        .map(|v| (v.pointer.clone(), v.message.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "/summary".to_owned(),
                "`summary` is empty; write the text or remove the key".to_owned()
            ),
            (
                "/methods/0/steps/0/note".to_owned(),
                "`note` is empty; write the text or remove the key".to_owned()
            ),
            (
                "/methods/0/cons/0".to_owned(),
                "entry 1 of `cons` is empty; write the text or remove the entry".to_owned()
            ),
        ]
    );
    Ok(())
}

#[test]
fn the_schema_is_valid_draft_2020_12() {
    let schema = guide_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(jsonschema::meta::is_valid(schema));
    assert_eq!(schema["additionalProperties"], false);
    let defs = &schema["$defs"];
    for name in [
        "Cause",
        "Method",
        "Step",
        "Faq",
        "Scenario",
        "TimeRange",
        "ExternalLink",
    ] {
        assert_eq!(defs[name]["additionalProperties"], false, "{name}");
    }
    assert_eq!(defs["Id"]["pattern"], "^[a-z0-9]+(-[a-z0-9]+)*$");
    assert_eq!(defs["Method"]["properties"]["ease"]["minimum"], 1);
    assert_eq!(defs["Method"]["properties"]["ease"]["maximum"], 5);
    assert_eq!(
        defs["Risk"]["enum"],
        serde_json::json!(["very-low", "low", "moderate", "high", "very-high"])
    );
    assert_eq!(
        schema["required"],
        serde_json::json!(["id", "title", "summary", "updated", "causes", "methods"])
    );
}

#[test]
fn each_violation_is_reported_once_at_its_line() -> Result<(), remedy_core::LoadError> {
    let text = include_str!("../../../tests/fixtures/core/schema-errors.yaml");
    let file = load_source(
        "schema-errors.yaml".into(),
        SourceText::new(text.to_owned()),
        &LoadOptions::default(),
    )?;
    let found: Vec<String> = file
        .violations
        .iter()
        .map(|violation| {
            let node = file.document.source_map.nearest(&violation.pointer);
            let span = match violation.anchor {
                Anchor::Key => node.key.unwrap_or(node.value),
                Anchor::Value => node.value,
            };
            format!("{}: {}", span.start, violation.message)
        })
        .collect();
    assert_eq!(
        found,
        [
            "8:5: unknown key `severity` in a cause; the keys allowed here are `id`, `title`, `description`",
            "12:11: `ease` must be a whole number, not text",
            "13:20: `effectiveness` is 9; rate it from 1 to 5",
            "14:11: `risk` is `medium`; use one of very-low, low, moderate, high, very-high",
            "17:5: a method is missing the required key `risk`; add it (very-low, low, moderate, high or very-high)",
        ]
    );
    Ok(())
}

#[test]
fn typos_in_keys_get_a_suggestion() -> Result<(), remedy_core::LoadError> {
    let text = "id: g\ntitle: T\nsummary: S\nupdated: 2026-01-01\ncauses: [{id: c, title: C}]\nmethods:\n  - id: m\n    title: M\n    risk: low\n    steps:\n      - text: Do it\n        warnign: careful\n";
    let file = load_source(
        "g.yaml".into(),
        SourceText::new(text.into()),
        &LoadOptions::default(),
    )?;
    let messages: Vec<&str> = file.violations.iter().map(|v| v.message.as_str()).collect();
    assert_eq!(
        messages,
        ["unknown key `warnign` in a step; did you mean `warning`?"]
    );
    Ok(())
}

#[test]
fn bad_ids_dates_and_related_entries_say_what_to_write() -> Result<(), remedy_core::LoadError> {
    let text = "id: Bad_Id\ntitle: T\nsummary: S\nupdated: 2026-02-30\ncauses: [{id: c, title: C}]\nmethods:\n  - id: m\n    title: M\n    risk: low\n    addresses: [Not A Ref]\n    steps: [{text: x}]\nrelated:\n  - {title: Apple}\n";
    let file = load_source(
        "g.yaml".into(),
        SourceText::new(text.into()),
        &LoadOptions::default(),
    )?;
    let found: Vec<(String, &str)> = file
        .violations
        .iter()
        .map(|v| {
            let line = file
                .document
                .source_map
                .nearest(&v.pointer)
                .value
                .start
                .line;
            (format!("{line}"), v.message.as_str())
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "1".into(),
                "`Bad_Id` is not a valid id; use lowercase letters, digits and single hyphens, like `reset-network-settings`"
            ),
            (
                "4".into(),
                "`updated` is `2026-02-30`, which is not a calendar date; write YYYY-MM-DD"
            ),
            (
                "10".into(),
                "`Not A Ref` is not a valid reference; write `id` or `guide-id#id` (lowercase letters, digits, hyphens)"
            ),
            (
                "13".into(),
                "entry 1 of `related` must be a guide id (`other-guide`) or a link with exactly `title` and `url`"
            ),
        ]
    );
    Ok(())
}
