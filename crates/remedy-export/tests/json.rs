//! The JSON and JSONL exports of the fixture guides under `tests/fixtures/export/content`:
//! golden bytes, the checked-in schema, and the guides as written plus exactly the derived fields.
//!
//! The golden files are insta snapshots (see `export_support::assert_golden`): after an intended
//! change, `cargo insta test -p remedy-export --test json --review` shows each one that differs.

mod export_support;

use std::fs;

use jsonschema::Draft;
use remedy_export::ExportGuide;
use remedy_export::json::{
    ExportDocument, export_json, export_schema_text, write_json, write_jsonl,
};
use serde_json::Value;

use export_support::{exports, fixture_root, load_guides, repo_root, temp_dir};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn golden(name: &str, actual: &[u8]) -> TestResult {
    export_support::assert_golden(name, actual);
    Ok(())
}

fn json_bytes(guides: &[ExportGuide]) -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    write_json(guides, &mut out)?;
    Ok(out)
}

fn jsonl_bytes(guides: &[ExportGuide]) -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    write_jsonl(guides, &mut out)?;
    Ok(out)
}

fn checked_in_schema() -> Result<Value, Box<dyn std::error::Error>> {
    let text = fs::read_to_string(repo_root().join("schemas/export.schema.json"))?;
    Ok(serde_json::from_str(&text)?)
}

fn validator(schema: &Value) -> Result<jsonschema::Validator, Box<dyn std::error::Error>> {
    Ok(jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)?)
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path().as_str()))
        .collect()
}

#[test]
fn json_and_jsonl_match_the_golden_files() -> TestResult {
    let guides = load_guides()?;
    let guides = exports(&guides);
    golden("guides.json", &json_bytes(&guides)?)?;
    golden("guides.jsonl", &jsonl_bytes(&guides)?)?;
    Ok(())
}

/// The export is written one guide at a time (so that ten thousand guides need not be in memory
/// at once); it must be the very bytes serde writes for the whole document.
#[test]
fn guide_by_guide_writing_gives_the_bytes_of_the_whole_document() -> TestResult {
    let guides = load_guides()?;
    let all = exports(&guides);
    for count in [0, 1, all.len()] {
        let part = &all[..count];
        let mut whole = serde_json::to_vec_pretty(&ExportDocument::new(part))?;
        whole.push(b'\n');
        assert_eq!(
            String::from_utf8(json_bytes(part)?)?,
            String::from_utf8(whole)?,
            "{count} guides"
        );
    }
    Ok(())
}

#[test]
fn the_checked_in_schema_is_the_generated_one() -> TestResult {
    let checked_in = fs::read_to_string(repo_root().join("schemas/export.schema.json"))?;
    assert_eq!(
        checked_in,
        export_schema_text(),
        "schemas/export.schema.json is stale; run `cargo xtask schema`"
    );
    let schema = checked_in_schema()?;
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["$id"],
        "https://remedy.invalid/schemas/export.schema.json"
    );
    Ok(())
}

#[test]
fn the_json_export_conforms_to_the_schema() -> TestResult {
    let guides = load_guides()?;
    let document: Value = serde_json::from_slice(&json_bytes(&exports(&guides))?)?;
    let validator = validator(&checked_in_schema()?)?;
    assert_eq!(errors(&validator, &document), Vec::<String>::new());
    assert_eq!(document["format"], "remedy-guides");
    assert_eq!(document["version"], 1);
    Ok(())
}

#[test]
fn the_schema_rejects_what_the_export_never_writes() -> TestResult {
    let guides = load_guides()?;
    let document: Value = serde_json::from_slice(&json_bytes(&exports(&guides))?)?;
    let validator = validator(&checked_in_schema()?)?;
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut copy = document.clone();
        edit(&mut copy);
        !errors(&validator, &copy).is_empty()
    };
    assert!(broken(&|d| d["format"] = "something-else".into()));
    assert!(broken(&|d| d["version"] = 2.into()));
    assert!(broken(&|d| d["guides"][0]["colour"] = "red".into()));
    assert!(broken(&|d| {
        if let Some(step) = d["guides"][0]["methods"][0]["steps"][0].as_object_mut() {
            step.remove("number");
        }
    }));
    assert!(broken(
        &|d| d["guides"][0]["methods"][0]["steps"][0]["number"] = "0.1".into()
    ));
    assert!(broken(&|d| {
        if let Some(guide) = d["guides"][1].as_object_mut() {
            guide.remove("source");
        }
    }));
    assert!(broken(&|d| d["guides"][0]["overview"] = Value::Null));
    assert!(broken(
        &|d| d["guides"][0]["methods"][0]["risk"] = "medium".into()
    ));
    assert!(broken(&|d| d["guides"][0]["updated"] = "2026-02-30".into()));
    Ok(())
}

/// Removes the derived fields: `source` and `comparison` of guides, `number` of steps.
fn strip_derived(guide: &mut Value) {
    if let Some(object) = guide.as_object_mut() {
        object.remove("source");
        object.remove("comparison");
    }
    let mut pending: Vec<&mut Value> = Vec::new();
    if let Some(methods) = guide.get_mut("methods").and_then(Value::as_array_mut) {
        for method in methods {
            if let Some(steps) = method.get_mut("steps") {
                pending.push(steps);
            }
        }
    }
    while let Some(steps) = pending.pop() {
        for step in steps.as_array_mut().into_iter().flatten() {
            if let Some(object) = step.as_object_mut() {
                object.remove("number");
                if let Some(children) = object.get_mut("steps") {
                    pending.push(children);
                }
            }
        }
    }
}

/// Step numbers in document order, read from the exported tree.
fn numbers(steps: &Value, out: &mut Vec<String>) {
    for step in steps.as_array().into_iter().flatten() {
        out.push(step["number"].as_str().unwrap_or("?").to_owned());
        numbers(&step["steps"], out);
    }
}

#[test]
fn each_guide_is_as_written_plus_the_derived_fields() -> TestResult {
    let guides = load_guides()?;
    let document: Value = serde_json::from_slice(&json_bytes(&exports(&guides))?)?;
    let exported = document["guides"].as_array().ok_or("no guides")?;
    assert_eq!(exported.len(), guides.len());
    for ((guide, source), json) in guides.iter().zip(exported) {
        // Derived fields, in their fixed places.
        let keys: Vec<&String> = json.as_object().ok_or("not an object")?.keys().collect();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("id"));
        assert_eq!(
            keys[keys.len() - 2..]
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>(),
            ["source", "comparison"]
        );
        assert_eq!(json["source"], source.as_str());
        assert_eq!(
            json["comparison"],
            serde_json::to_value(guide.comparison())?
        );
        for (method, exported_method) in guide
            .methods
            .iter()
            .zip(json["methods"].as_array().ok_or("no methods")?)
        {
            let mut found = Vec::new();
            numbers(&exported_method["steps"], &mut found);
            let walked: Vec<String> = method.walk_steps().iter().map(|v| v.number()).collect();
            assert_eq!(found, walked);
            assert_eq!(
                exported_method["steps"][0]
                    .as_object()
                    .and_then(|o| o.keys().next())
                    .map(String::as_str),
                Some("number"),
                "`number` opens every step"
            );
        }
        // Everything else is exactly the guide as written, absent fields absent.
        let mut stripped = json.clone();
        strip_derived(&mut stripped);
        assert_eq!(stripped, serde_json::to_value(guide)?);
    }
    Ok(())
}

#[test]
fn the_fixture_covers_the_interesting_cases() -> TestResult {
    let guides = load_guides()?;
    let document: Value = serde_json::from_slice(&json_bytes(&exports(&guides))?)?;
    let wifi = &document["guides"][0];
    assert_eq!(
        wifi["methods"][0]["steps"][0]["steps"][1]["steps"][1]["number"],
        "1.2.2"
    );
    assert_eq!(wifi["methods"][0]["steps"][1]["destructive"], false);
    assert_eq!(
        wifi["methods"][1]["time"],
        serde_json::json!({ "min": 15 }),
        "an open-ended time has no max"
    );
    assert_eq!(wifi["related"][0], "printer-offline");
    assert_eq!(wifi["scenarios"][0]["try"][0], "restart-router");
    let printer = &document["guides"][1];
    for absent in [
        "platforms",
        "tags",
        "overview",
        "faq",
        "scenarios",
        "related",
    ] {
        assert!(printer.get(absent).is_none(), "{absent} should be absent");
    }
    assert_eq!(
        printer["comparison"][0],
        serde_json::json!({ "method": "restart-printer", "title": "Restart the printer", "risk": "low" })
    );
    // Non-ASCII text is written as UTF-8, not escaped.
    let text = String::from_utf8(json_bytes(&exports(&guides))?)?;
    assert!(text.contains("Wi‑Fi that keeps dropping — iPhone"));
    assert!(text.contains("café edition ★"));
    assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
    Ok(())
}

#[test]
fn each_jsonl_line_is_one_guide_of_the_json_document() -> TestResult {
    let guides = load_guides()?;
    let guides = exports(&guides);
    let document: Value = serde_json::from_slice(&json_bytes(&guides)?)?;
    let text = String::from_utf8(jsonl_bytes(&guides)?)?;
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), guides.len());

    // Each line against the schema's guide definition.
    let schema = checked_in_schema()?;
    let line_schema = serde_json::json!({
        "$schema": schema["$schema"],
        "$defs": schema["$defs"],
        "$ref": "#/$defs/ExportedGuide",
    });
    let validator = validator(&line_schema)?;
    for (i, line) in lines.iter().enumerate() {
        let value: Value = serde_json::from_str(line)?;
        assert_eq!(
            errors(&validator, &value),
            Vec::<String>::new(),
            "line {}",
            i + 1
        );
        assert_eq!(value, document["guides"][i], "line {}", i + 1);
    }
    assert!(jsonl_bytes(&[])?.is_empty());
    Ok(())
}

#[test]
fn output_is_deterministic() -> TestResult {
    let first = load_guides()?;
    let second = load_guides()?;
    assert_eq!(
        json_bytes(&exports(&first))?,
        json_bytes(&exports(&second))?
    );
    assert_eq!(
        jsonl_bytes(&exports(&first))?,
        jsonl_bytes(&exports(&second))?
    );
    Ok(())
}

#[test]
fn export_json_writes_files_atomically() -> TestResult {
    let guides = load_guides()?;
    let guides = exports(&guides);
    let dir = temp_dir("json", "files")?;
    let json = dir.join("nested/guides.json");
    export_json(&guides, &json, false)?;
    assert_eq!(fs::read(&json)?, json_bytes(&guides)?);
    export_json(&guides, &json, true)?;
    assert_eq!(fs::read(&json)?, jsonl_bytes(&guides)?);

    // A folder where the file should go: an error naming it, and nothing left behind.
    let blocked = dir.join("blocked.json");
    fs::create_dir(&blocked)?;
    let error = export_json(&guides, &blocked, false)
        .err()
        .ok_or("writing over a folder succeeded")?;
    assert!(error.to_string().contains("blocked.json"), "{error}");
    let names: Vec<String> = fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn no_guides_is_an_empty_list() -> TestResult {
    let document: Value = serde_json::from_slice(&json_bytes(&[])?)?;
    assert_eq!(
        document,
        serde_json::json!({ "format": "remedy-guides", "version": 1, "guides": [] })
    );
    Ok(())
}

/// A guide with every field of SPEC v2 (rich text, `lang`, `before`, method `warning` and
/// `image`, step `resets`, `code` in both forms, `see` in both forms, `platforms`, images with
/// captions) comes out of the JSON export exactly as the YAML has it, derived fields aside.
#[test]
fn every_v2_field_survives_the_json_export_as_written() -> TestResult {
    let path = fixture_root().join("content/rich/mac-wifi-v2.yaml");
    let file = remedy_core::load_file(&path, &Default::default())?;
    let guide = file.guide.as_ref().ok_or("the v2 fixture did not load")?;
    let bytes = json_bytes(&[ExportGuide {
        guide,
        source: "rich/mac-wifi-v2.yaml",
    }])?;
    let document: Value = serde_json::from_slice(&bytes)?;
    let mut exported = document["guides"][0].clone();
    strip_derived(&mut exported);
    assert_eq!(exported, file.document.value);
    // The forms the writer chose are kept, not normalized.
    let steps = &exported["methods"][0]["steps"];
    assert_eq!(
        steps[1]["see"],
        serde_json::json!(["renew", "forget-iphone"])
    );
    assert_eq!(steps[2]["see"], "forget-mac");
    assert_eq!(steps[3]["code"]["language"], "terminal");
    assert_eq!(steps[4]["code"], "your-network-name");
    assert_eq!(
        exported["summary"],
        "Get a **Mac** or an *iPhone* back on Wi-Fi, step by step."
    );
    Ok(())
}
