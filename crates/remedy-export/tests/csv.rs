//! The CSV export of the fixture guides under `tests/fixtures/export/content`: golden bytes, a
//! round trip through the `csv` crate compared with the source guides, the data package's keys and
//! types checked against the rows, and the writing behaviour (BOM, excel-safe, atomic, updates).
//!
//! The golden files are insta snapshots (see `export_support::assert_golden`): after an intended
//! change, `cargo insta test -p remedy-export --test csv --review` shows each one that differs.

mod export_support;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use remedy_core::{Guide, LoadOptions, Related, Step, load_file};
use remedy_export::csv::{CsvOptions, export_csv};
use serde_json::Value;

use export_support::{TestDir, exports, load_guides, temp_dir};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The files of an export, in the order `export_csv` returns them.
const FILES: [&str; 11] = [
    "guides.csv",
    "causes.csv",
    "methods.csv",
    "steps.csv",
    "pros_cons.csv",
    "faq.csv",
    "method_causes.csv",
    "scenarios.csv",
    "related.csv",
    "prerequisites.csv",
    "datapackage.json",
];

/// The columns of SPEC §4, copied from the spec rather than from the code.
const COLUMNS: [(&str, &str); 10] = [
    (
        "guides.csv",
        "guide_id,title,summary,updated,platforms,tags,causes,methods,steps,source,overview,lang",
    ),
    ("causes.csv", "guide_id,cause_id,position,title,description"),
    (
        "methods.csv",
        "guide_id,method_id,position,title,summary,best_for,ease,effectiveness,time_min,time_max,risk,risk_rank,addresses,steps,destructive_steps,backup_steps,reset_steps,platforms,warning,image_src,image_alt",
    ),
    (
        "steps.csv",
        "guide_id,method_id,number,step_id,parent_number,depth,position,text,note,warning,result,destructive,backup,see,reading_order,resets,code,code_language,image_src,image_alt,platforms,image_caption",
    ),
    ("pros_cons.csv", "guide_id,method_id,kind,position,text"),
    ("faq.csv", "guide_id,position,question,answer,see"),
    ("method_causes.csv", "guide_id,method_id,cause_id,position"),
    ("scenarios.csv", "guide_id,position,when,try"),
    (
        "related.csv",
        "guide_id,position,related_guide_id,title,url",
    ),
    ("prerequisites.csv", "guide_id,method_id,position,text"),
];

/// Exports the fixtures into a fresh folder named after the test.
fn export_fixtures(
    name: &str,
    options: &CsvOptions,
) -> Result<TestDir, Box<dyn std::error::Error>> {
    let guides = load_guides()?;
    let dir = temp_dir("csv", name)?;
    let written = export_csv(&exports(&guides), &dir, options)?;
    let expected: Vec<PathBuf> = FILES.iter().map(|f| dir.join(f)).collect();
    assert_eq!(written, expected);
    Ok(dir)
}

fn golden(name: &str, actual: &[u8]) -> TestResult {
    export_support::assert_golden(name, actual);
    Ok(())
}

/// A CSV file read back: its header and its records.
type Table = (Vec<String>, Vec<Vec<String>>);

/// Reads a CSV file back with the `csv` crate.
fn read_csv(path: &Path) -> Result<Table, Box<dyn std::error::Error>> {
    let mut reader = csv::ReaderBuilder::new().from_path(path)?;
    let header = reader.headers()?.iter().map(str::to_owned).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        rows.push(record?.iter().map(str::to_owned).collect());
    }
    Ok((header, rows))
}

#[test]
fn tables_and_datapackage_match_the_golden_files() -> TestResult {
    let dir = export_fixtures("golden", &CsvOptions::default())?;
    for file in FILES {
        golden(&format!("csv/{file}"), &fs::read(dir.join(file))?)?;
    }
    fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn headers_are_the_columns_of_the_spec() -> TestResult {
    let dir = export_fixtures("headers", &CsvOptions::default())?;
    for (file, columns) in COLUMNS {
        let bytes = fs::read(dir.join(file))?;
        let expected = format!("{columns}\r\n");
        assert!(bytes.starts_with(expected.as_bytes()), "{file}");
    }
    fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Rich text as the plain export writes it.
fn plain(value: &str) -> String {
    remedy_core::rich_text::plain(value)
}

fn opt(value: &Option<String>) -> String {
    value.as_deref().map(plain).unwrap_or_default()
}

fn flag(value: Option<bool>) -> String {
    value.map(|b| b.to_string()).unwrap_or_default()
}

/// The steps.csv rows of one method, computed here by recursion, independently of the exporter.
fn step_rows(
    guide: &str,
    method: &str,
    steps: &[Step],
    parent: Option<&str>,
    out: &mut Vec<Vec<String>>,
) {
    for (i, step) in steps.iter().enumerate() {
        let number = match parent {
            Some(parent) => format!("{parent}.{}", i + 1),
            None => (i + 1).to_string(),
        };
        out.push(vec![
            guide.into(),
            method.into(),
            number.clone(),
            step.id
                .as_ref()
                .map(|id| id.to_string())
                .unwrap_or_default(),
            parent.unwrap_or_default().into(),
            (number.matches('.').count() + 1).to_string(),
            (i + 1).to_string(),
            plain(&step.text),
            opt(&step.note),
            opt(&step.warning),
            opt(&step.result),
            flag(step.destructive),
            flag(step.backup),
            step.see()
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(";"),
            // Depth first: this method's rows so far, plus this one.
            (out.iter().filter(|row| row[1] == method).count() + 1).to_string(),
            flag(step.resets),
            step.code
                .as_ref()
                .map(|c| c.text().to_owned())
                .unwrap_or_default(),
            step.code
                .as_ref()
                .and_then(|c| c.language())
                .unwrap_or_default()
                .to_owned(),
            step.image
                .as_ref()
                .map(|i| i.src.clone())
                .unwrap_or_default(),
            step.image
                .as_ref()
                .map(|i| i.alt.clone())
                .unwrap_or_default(),
            step.platforms
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(";"),
            opt(&step.image.as_ref().and_then(|i| i.caption.clone())),
        ]);
        step_rows(guide, method, step.children(), Some(&number), out);
    }
}

/// Every table's expected rows, computed from the source guides.
fn expected_rows(guides: &[(Guide, String)]) -> BTreeMap<&'static str, Vec<Vec<String>>> {
    let mut tables: BTreeMap<&'static str, Vec<Vec<String>>> = BTreeMap::new();
    for (guide, source) in guides {
        let g = guide.id.to_string();
        let join = |items: Vec<String>| items.join(";");
        let mut all_steps = Vec::new();
        for method in &guide.methods {
            step_rows(&g, method.id.as_str(), &method.steps, None, &mut all_steps);
        }
        tables.entry("guides.csv").or_default().push(vec![
            g.clone(),
            guide.title.clone(),
            plain(&guide.summary),
            guide.updated.to_string(),
            join(guide.platforms.iter().map(|s| s.to_string()).collect()),
            join(guide.tags.iter().map(|s| s.to_string()).collect()),
            guide.causes.len().to_string(),
            guide.methods.len().to_string(),
            all_steps.len().to_string(),
            source.clone(),
            opt(&guide.overview),
            guide.lang.clone().unwrap_or_default(),
        ]);
        for (i, cause) in guide.causes.iter().enumerate() {
            tables.entry("causes.csv").or_default().push(vec![
                g.clone(),
                cause.id.to_string(),
                (i + 1).to_string(),
                cause.title.clone(),
                opt(&cause.description),
            ]);
        }
        for (i, method) in guide.methods.iter().enumerate() {
            let mut steps = Vec::new();
            step_rows(&g, method.id.as_str(), &method.steps, None, &mut steps);
            let count = |column: usize| steps.iter().filter(|row| row[column] == "true").count();
            tables.entry("methods.csv").or_default().push(vec![
                g.clone(),
                method.id.to_string(),
                (i + 1).to_string(),
                method.title.clone(),
                opt(&method.summary),
                opt(&method.best_for),
                method.ease.map(|n| n.to_string()).unwrap_or_default(),
                method
                    .effectiveness
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                method.time.map(|t| t.min.to_string()).unwrap_or_default(),
                method
                    .time
                    .and_then(|t| t.max)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                method.risk.as_str().into(),
                method.risk.rank().to_string(),
                join(method.addresses.iter().map(|r| r.to_string()).collect()),
                steps.len().to_string(),
                count(11).to_string(),
                count(12).to_string(),
                count(15).to_string(),
                join(method.platforms.iter().map(|p| p.to_string()).collect()),
                opt(&method.warning),
                method
                    .image
                    .as_ref()
                    .map(|i| i.src.clone())
                    .unwrap_or_default(),
                method
                    .image
                    .as_ref()
                    .map(|i| i.alt.clone())
                    .unwrap_or_default(),
            ]);
            for (j, text) in method.before.iter().enumerate() {
                tables.entry("prerequisites.csv").or_default().push(vec![
                    g.clone(),
                    method.id.to_string(),
                    (j + 1).to_string(),
                    plain(text),
                ]);
            }
            tables.entry("steps.csv").or_default().extend(steps);
            for (j, cause) in method.addresses.iter().enumerate() {
                tables.entry("method_causes.csv").or_default().push(vec![
                    g.clone(),
                    method.id.to_string(),
                    cause.to_string(),
                    (j + 1).to_string(),
                ]);
            }
            for (kind, items) in [("pro", &method.pros), ("con", &method.cons)] {
                for (j, text) in items.iter().enumerate() {
                    tables.entry("pros_cons.csv").or_default().push(vec![
                        g.clone(),
                        method.id.to_string(),
                        kind.into(),
                        (j + 1).to_string(),
                        plain(text),
                    ]);
                }
            }
        }
        for (i, faq) in guide.faq.iter().enumerate() {
            tables.entry("faq.csv").or_default().push(vec![
                g.clone(),
                (i + 1).to_string(),
                plain(&faq.question),
                plain(&faq.answer),
                join(faq.see.iter().map(|r| r.to_string()).collect()),
            ]);
        }
        for (i, scenario) in guide.scenarios.iter().enumerate() {
            tables.entry("scenarios.csv").or_default().push(vec![
                g.clone(),
                (i + 1).to_string(),
                scenario.when.clone(),
                join(scenario.try_methods.iter().map(|r| r.to_string()).collect()),
            ]);
        }
        for (i, related) in guide.related.iter().enumerate() {
            let (id, title, url) = match related {
                Related::Guide(id) => {
                    let title = guides
                        .iter()
                        .find(|(other, _)| other.id == *id)
                        .map(|(other, _)| other.title.clone())
                        .unwrap_or_default();
                    (id.to_string(), title, String::new())
                }
                Related::External(link) => (String::new(), link.title.clone(), link.url.clone()),
            };
            tables.entry("related.csv").or_default().push(vec![
                g.clone(),
                (i + 1).to_string(),
                id,
                title,
                url,
            ]);
        }
    }
    tables
}

#[test]
fn rows_read_back_equal_the_source_guides() -> TestResult {
    let guides = load_guides()?;
    let dir = export_fixtures("round-trip", &CsvOptions::default())?;
    let expected = expected_rows(&guides);
    for (file, columns) in COLUMNS {
        let (header, rows) = read_csv(&dir.join(file))?;
        assert_eq!(header.join(","), columns, "{file}");
        let want = expected.get(file).cloned().unwrap_or_default();
        assert_eq!(rows.len(), want.len(), "{file}: row count");
        for (i, (got, want)) in rows.iter().zip(&want).enumerate() {
            assert_eq!(got, want, "{file} row {}", i + 1);
        }
    }
    // The fixture exercises what the format must survive, and every column holds a value
    // somewhere.
    let (_, causes) = read_csv(&dir.join("causes.csv"))?;
    let tricky = &causes[0][4];
    assert!(tricky.contains(',') && tricky.contains('"') && tricky.contains('\n'));
    assert_eq!(causes[1][3], "Damaged network profile, café edition ★");
    for (file, _) in COLUMNS {
        let (header, rows) = read_csv(&dir.join(file))?;
        for (c, column) in header.iter().enumerate() {
            assert!(
                rows.iter().any(|row| !row[c].is_empty()),
                "{file}: the fixture never fills `{column}`"
            );
        }
    }
    let (_, steps) = read_csv(&dir.join("steps.csv"))?;
    let depths: HashSet<&str> = steps.iter().map(|row| row[5].as_str()).collect();
    assert!(depths.contains("3"));
    let flags: HashSet<&str> = steps.iter().map(|row| row[11].as_str()).collect();
    assert_eq!(flags, HashSet::from(["", "true", "false"]));
    fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn quoting_and_record_ends_follow_rfc_4180() -> TestResult {
    let dir = export_fixtures(
        "rfc",
        &CsvOptions {
            markdown: true,
            ..CsvOptions::default()
        },
    )?;
    let causes = fs::read_to_string(dir.join("causes.csv"))?;
    assert!(causes.contains(
        "wifi-drops,weak-signal,1,Weak signal,\"The device is too far from the router, or walls and metal block it.\n\nSignal \"\"bars\"\" can look fine, yet the link is poor, slow, or unstable.\n\"\r\n"
    ));
    assert!(
        causes
            .contains("wifi-drops,bad-profile,2,\"Damaged network profile, café edition ★\",\r\n")
    );
    for file in FILES.iter().filter(|f| f.ends_with(".csv")) {
        let bytes = fs::read(dir.join(file))?;
        assert!(
            !bytes.starts_with(b"\xEF\xBB\xBF"),
            "{file}: no BOM by default"
        );
        assert!(bytes.ends_with(b"\r\n"), "{file}");
        let text = String::from_utf8(bytes)?;
        // Outside quoted cells every line ends in CRLF.
        let mut quoted = false;
        let mut previous = '\0';
        for c in text.chars() {
            if c == '"' {
                quoted = !quoted;
            }
            if c == '\n' && !quoted {
                assert_eq!(previous, '\r', "{file}: a bare LF ends a record");
            }
            previous = c;
        }
    }
    fs::remove_dir_all(&dir)?;
    Ok(())
}

fn package(dir: &Path) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&fs::read_to_string(
        dir.join("datapackage.json"),
    )?)?)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_datapackage_describes_every_table() -> TestResult {
    let dir = export_fixtures("package", &CsvOptions::default())?;
    let package = package(&dir)?;
    assert_eq!(
        package["$schema"],
        "https://datapackage.org/profiles/2.0/datapackage.json"
    );
    let resources = package["resources"].as_array().ok_or("no resources")?;
    assert_eq!(resources.len(), COLUMNS.len());
    for (resource, (file, columns)) in resources.iter().zip(COLUMNS) {
        assert_eq!(resource["path"], file);
        assert_eq!(resource["name"], file.trim_end_matches(".csv"));
        assert_eq!(resource["type"], "table");
        assert_eq!(resource["format"], "csv");
        assert_eq!(resource["mediatype"], "text/csv");
        assert_eq!(resource["encoding"], "utf-8");
        assert_eq!(resource["dialect"]["lineTerminator"], "\r\n");
        let fields = resource["schema"]["fields"].as_array().ok_or("no fields")?;
        let names: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
        assert_eq!(names.join(","), columns);
        for field in fields {
            let name = field["name"].as_str().unwrap_or_default();
            let wanted = match name {
                "ease" | "effectiveness" | "time_min" | "time_max" | "position" | "depth"
                | "risk_rank" | "causes" | "methods" | "destructive_steps" | "backup_steps"
                | "reading_order" | "reset_steps" => "integer",
                "steps" if file != "steps.csv" => "integer",
                "destructive" | "backup" | "resets" => "boolean",
                "updated" => "date",
                _ => "string",
            };
            assert_eq!(field["type"], wanted, "{file}: {name}");
        }
    }
    let by_name = |name: &str| resources.iter().find(|r| r["name"] == name).cloned();
    let fk = |name: &str| by_name(name).map(|r| r["schema"]["foreignKeys"].clone());
    assert_eq!(
        fk("steps").ok_or("steps")?,
        serde_json::json!([{ "fields": ["guide_id", "method_id"], "reference": { "resource": "methods", "fields": ["guide_id", "method_id"] } }])
    );
    assert_eq!(
        by_name("steps").ok_or("steps")?["schema"]["primaryKey"],
        serde_json::json!(["guide_id", "method_id", "number"])
    );
    fs::remove_dir_all(&dir)?;
    Ok(())
}

fn column(table: &Table, name: &str) -> Result<usize, String> {
    table
        .0
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| format!("no column {name}"))
}

fn key_of(table: &Table, row: &[String], fields: &[String]) -> Result<Vec<String>, String> {
    fields
        .iter()
        .map(|f| column(table, f).map(|c| row[c].clone()))
        .collect()
}

/// Checks the exported rows against `datapackage.json` itself: every primary key unique and
/// complete, every foreign key resolving, every cell of its declared type and constraints.
fn check_against_package(dir: &Path) -> TestResult {
    let package = package(dir)?;
    let resources = package["resources"].as_array().ok_or("no resources")?;
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for resource in resources {
        let name = resource["name"].as_str().ok_or("resource name")?;
        let path = resource["path"].as_str().ok_or("resource path")?;
        tables.insert(name.to_owned(), read_csv(&dir.join(path))?);
    }
    let mut foreign_keys_checked = 0;
    for resource in resources {
        let name = resource["name"].as_str().unwrap_or_default();
        let table = &tables[name];
        let schema = &resource["schema"];
        // Primary key: complete and unique.
        let primary = strings(&schema["primaryKey"]);
        let mut seen = HashSet::new();
        for row in &table.1 {
            let key = key_of(table, row, &primary)?;
            assert!(
                key.iter().all(|v| !v.is_empty()),
                "{name}: empty key {key:?}"
            );
            assert!(seen.insert(key.clone()), "{name}: duplicate key {key:?}");
        }
        // Foreign keys: every row's key exists in the referenced table.
        for fk in schema["foreignKeys"].as_array().into_iter().flatten() {
            let fields = strings(&fk["fields"]);
            let target_name = fk["reference"]["resource"].as_str().ok_or("fk resource")?;
            let target = &tables[target_name];
            let target_fields = strings(&fk["reference"]["fields"]);
            let targets: HashSet<Vec<String>> = target
                .1
                .iter()
                .map(|row| key_of(target, row, &target_fields))
                .collect::<Result<_, _>>()?;
            assert!(!table.1.is_empty());
            for row in &table.1 {
                let key = key_of(table, row, &fields)?;
                assert!(
                    targets.contains(&key),
                    "{name}: {fields:?} = {key:?} is not in {target_name}"
                );
            }
            foreign_keys_checked += 1;
        }
        // Types and constraints.
        let fields = schema["fields"].as_array().ok_or("fields")?;
        for (c, field) in fields.iter().enumerate() {
            let column = field["name"].as_str().unwrap_or_default();
            let constraints = &field["constraints"];
            for row in &table.1 {
                let cell = row[c].as_str();
                if cell.is_empty() {
                    assert!(constraints["required"] != true, "{name}.{column} is empty");
                    continue;
                }
                match field["type"].as_str() {
                    Some("integer") => {
                        let n: i64 = cell
                            .parse()
                            .map_err(|_| format!("{name}.{column}: {cell}"))?;
                        if let Some(min) = constraints["minimum"].as_i64() {
                            assert!(n >= min, "{name}.{column}: {n} < {min}");
                        }
                        if let Some(max) = constraints["maximum"].as_i64() {
                            assert!(n <= max, "{name}.{column}: {n} > {max}");
                        }
                    }
                    Some("boolean") => {
                        let allowed = [
                            strings(&field["trueValues"]),
                            strings(&field["falseValues"]),
                        ]
                        .concat();
                        assert!(allowed.iter().any(|v| v == cell), "{name}.{column}: {cell}");
                    }
                    Some("date") => {
                        let b = cell.as_bytes();
                        assert!(
                            b.len() == 10 && b[4] == b'-' && b[7] == b'-',
                            "{name}.{column}: {cell}"
                        );
                    }
                    Some("string") => {}
                    other => panic!("{name}.{column}: unexpected type {other:?}"),
                }
                if constraints["enum"].is_array() {
                    assert!(
                        strings(&constraints["enum"]).iter().any(|v| v == cell),
                        "{name}.{column}: {cell}"
                    );
                }
            }
        }
    }
    assert_eq!(
        foreign_keys_checked, 9,
        "causes, methods, faq, scenarios, related → guides; steps, pros_cons, method_causes, prerequisites → methods"
    );
    Ok(())
}

#[test]
fn every_key_of_the_datapackage_holds_in_the_rows() -> TestResult {
    let dir = export_fixtures("joins", &CsvOptions::default())?;
    check_against_package(&dir)?;
    fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_broken_join_is_caught_by_the_check() -> TestResult {
    let dir = export_fixtures("broken-join", &CsvOptions::default())?;
    let steps = fs::read_to_string(dir.join("steps.csv"))?;
    fs::write(
        dir.join("steps.csv"),
        format!("{steps}wifi-drops,no-such-method,1,,,1,1,Orphan.,,,,,,,1\r\n"),
    )?;
    let result = std::panic::catch_unwind(|| check_against_package(&dir).is_ok());
    assert!(
        !matches!(result, Ok(true)),
        "an orphan step passed the join check"
    );
    fs::remove_dir_all(&dir)?;
    Ok(())
}

fn read_all(dir: &Path) -> Result<Vec<Vec<u8>>, std::io::Error> {
    FILES.iter().map(|f| fs::read(dir.join(f))).collect()
}

#[test]
fn output_is_deterministic() -> TestResult {
    let first = export_fixtures("determinism-1", &CsvOptions::default())?;
    let second = export_fixtures("determinism-2", &CsvOptions::default())?;
    assert_eq!(read_all(&first)?, read_all(&second)?);
    // And again into the same folder.
    let guides = load_guides()?;
    let before = read_all(&first)?;
    export_csv(&exports(&guides), &first, &CsvOptions::default())?;
    assert_eq!(read_all(&first)?, before);
    fs::remove_dir_all(&first)?;
    fs::remove_dir_all(&second)?;
    Ok(())
}

#[test]
fn bom_prefixes_every_table_and_changes_nothing_else() -> TestResult {
    let plain = export_fixtures("bom-plain", &CsvOptions::default())?;
    let bom = export_fixtures(
        "bom",
        &CsvOptions {
            bom: true,
            excel_safe: false,
            markdown: false,
        },
    )?;
    for file in FILES {
        let with = fs::read(bom.join(file))?;
        let without = fs::read(plain.join(file))?;
        if file.ends_with(".csv") {
            assert_eq!(&with[..3], b"\xEF\xBB\xBF", "{file}");
            assert_eq!(&with[3..], &without[..], "{file}");
        } else {
            assert_eq!(with, without, "{file}: `utf-8` covers both");
        }
    }
    // A BOM-aware reader sees the same header.
    let text = fs::read_to_string(bom.join("guides.csv"))?;
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(reader.headers()?.get(0), Some("guide_id"));
    fs::remove_dir_all(&plain)?;
    fs::remove_dir_all(&bom)?;
    Ok(())
}

#[test]
fn excel_safe_defuses_formula_cells_only() -> TestResult {
    // Text as written, so that the cells that start like formulas reach the check unchanged.
    let plain = export_fixtures(
        "excel-plain",
        &CsvOptions {
            markdown: true,
            ..CsvOptions::default()
        },
    )?;
    let safe = export_fixtures(
        "excel-safe",
        &CsvOptions {
            bom: false,
            excel_safe: true,
            markdown: true,
        },
    )?;
    let mut defused = Vec::new();
    for (file, _) in COLUMNS {
        let (header_plain, rows_plain) = read_csv(&plain.join(file))?;
        let (header_safe, rows_safe) = read_csv(&safe.join(file))?;
        assert_eq!(header_plain, header_safe);
        assert_eq!(rows_plain.len(), rows_safe.len());
        for (row_plain, row_safe) in rows_plain.iter().zip(&rows_safe) {
            for (a, b) in row_plain.iter().zip(row_safe) {
                if a.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    assert_eq!(*b, format!("'{a}"));
                    defused.push(b.clone());
                } else {
                    assert_eq!(a, b);
                }
            }
        }
    }
    assert_eq!(
        defused,
        [
            "'=HYPERLINK(\"https://example.invalid\",\"Turn the printer off\")",
            "'@admin: tell the office manager.",
            "'-10 seconds: wait, then turn it on again.",
            "'+1 printer online",
            "'=easy",
            "'\tNeeds someone near the printer.",
        ]
    );
    // Off by default: the text as written.
    let (_, steps) = read_csv(&plain.join("steps.csv"))?;
    assert!(steps.iter().any(|row| row[7].starts_with("=HYPERLINK(")));
    let package = package(&safe)?;
    assert!(
        package["description"]
            .as_str()
            .unwrap_or_default()
            .contains("spreadsheet-safe")
    );
    fs::remove_dir_all(&plain)?;
    fs::remove_dir_all(&safe)?;
    Ok(())
}

#[test]
fn an_existing_folder_is_updated_not_wiped() -> TestResult {
    let guides = load_guides()?;
    let dir = temp_dir("csv", "update")?;
    fs::write(dir.join("README.txt"), "keep me")?;
    fs::write(dir.join("guides.csv"), "stale")?;
    fs::create_dir(dir.join("archive"))?;
    export_csv(&exports(&guides), &dir, &CsvOptions::default())?;
    assert_eq!(fs::read_to_string(dir.join("README.txt"))?, "keep me");
    assert!(dir.join("archive").is_dir());
    assert!(fs::read_to_string(dir.join("guides.csv"))?.starts_with("guide_id,"));
    let mut names: Vec<String> = fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    expected.extend(["README.txt".into(), "archive".into()]);
    expected.sort();
    assert_eq!(names, expected);
    fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_missing_folder_is_created() -> TestResult {
    let guides = load_guides()?;
    let dir = temp_dir("csv", "create")?.within("out/csv");
    export_csv(&exports(&guides), &dir, &CsvOptions::default())?;
    assert!(dir.join("datapackage.json").is_file());
    fs::remove_dir_all(dir.join("../.."))?;
    Ok(())
}

#[test]
fn an_unwritable_target_is_an_error_naming_it_and_leaves_the_old_export() -> TestResult {
    let guides = load_guides()?;
    let guides = exports(&guides);
    let dir = temp_dir("csv", "unwritable")?;
    export_csv(&guides, &dir, &CsvOptions::default())?;
    let before = fs::read(dir.join("guides.csv"))?;

    // steps.csv cannot be replaced: a folder stands in its way.
    fs::remove_file(dir.join("steps.csv"))?;
    fs::create_dir(dir.join("steps.csv"))?;
    let error = export_csv(
        &guides,
        &dir,
        &CsvOptions {
            bom: true,
            excel_safe: false,
            markdown: false,
        },
    )
    .err()
    .ok_or("the export succeeded")?;
    let message = error.to_string();
    assert!(
        message.contains(&dir.join("steps.csv").display().to_string()),
        "{message}"
    );
    // Nothing changed: the other tables are the previous export's, and no temporary is left.
    assert_eq!(fs::read(dir.join("guides.csv"))?, before);
    let leftovers: Vec<String> = fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The output folder is a file.
    let file = dir.join("not-a-folder");
    fs::write(&file, "x")?;
    let error = export_csv(&guides, &file, &CsvOptions::default())
        .err()
        .ok_or("the export succeeded")?;
    assert!(error.to_string().contains("not-a-folder"), "{error}");
    assert_eq!(fs::read_to_string(&file)?, "x");
    fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn no_guides_writes_headers_only() -> TestResult {
    let dir = temp_dir("csv", "empty")?;
    export_csv(&[], &dir, &CsvOptions::default())?;
    for (file, columns) in COLUMNS {
        assert_eq!(
            fs::read_to_string(dir.join(file))?,
            format!("{columns}\r\n")
        );
    }
    fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The project's own guides export to tables whose keys, joins and types hold. Set
/// `REMEDY_CSV_OUT=DIR` to keep the export there (for `frictionless validate` or
/// `cargo xtask check-csv` by hand).
#[test]
fn the_project_content_exports_cleanly() -> TestResult {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let discovery = remedy_core::corpus::discover(std::slice::from_ref(&content))?;
    let mut guides = Vec::new();
    for path in &discovery.files {
        let file = load_file(path, &LoadOptions::default())?;
        let guide = file
            .guide
            .ok_or_else(|| format!("{} did not load", path.display()))?;
        let source = path
            .strip_prefix(&content)?
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        guides.push((guide, source));
    }
    assert!(!guides.is_empty(), "no guides under {}", content.display());
    // REMEDY_CSV_OUT keeps the tables for a look; otherwise they go with the test's folder.
    let keep = std::env::var_os("REMEDY_CSV_OUT").map(PathBuf::from);
    let scratch = match &keep {
        Some(_) => None,
        None => Some(temp_dir("csv", "content")?),
    };
    let dir: &Path = match (&keep, &scratch) {
        (Some(kept), _) => kept,
        (None, Some(scratch)) => scratch,
        (None, None) => return Err("no folder for the tables".into()),
    };
    export_csv(&exports(&guides), dir, &CsvOptions::default())?;
    check_against_package(dir)?;
    let (_, rows) = read_csv(&dir.join("guides.csv"))?;
    assert_eq!(rows.len(), guides.len());
    Ok(())
}

/// `render_csv` (in memory, for the fuzz target) and the streaming writer behind `export_csv`
/// give the same bytes, related guides' titles included, with every option.
#[test]
fn rendering_in_memory_gives_the_files_the_writer_writes() -> TestResult {
    let guides = load_guides()?;
    for (name, options) in [
        ("memory-plain", CsvOptions::default()),
        (
            "memory-excel",
            CsvOptions {
                bom: true,
                excel_safe: true,
                ..CsvOptions::default()
            },
        ),
    ] {
        let dir = temp_dir("csv", name)?;
        export_csv(&exports(&guides), &dir, &options)?;
        let rendered = remedy_export::csv::render_csv(&exports(&guides), &options)?;
        let names: Vec<&str> = rendered.iter().map(|(file, _)| *file).collect();
        assert_eq!(names, FILES);
        for (file, bytes) in rendered {
            assert!(fs::read(dir.join(file))? == bytes, "{name}: {file} differs");
        }
        let related = fs::read_to_string(dir.join("related.csv"))?;
        assert!(
            related.contains(",printer-offline,Printer shows as offline,\r\n"),
            "{related}"
        );
        fs::remove_dir_all(&dir)?;
    }
    Ok(())
}

/// The row of `file` whose first cells are `key`.
fn row_of(dir: &Path, file: &str, key: &[&str]) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let (_, rows) = read_csv(&dir.join(file))?;
    rows.into_iter()
        .find(|row| row.iter().zip(key).all(|(cell, want)| cell == want))
        .ok_or_else(|| format!("{file}: no row {key:?}").into())
}

/// Rich text reaches the CSV without its markup by default (labels and code keep their text,
/// a menu path its `>`, a link its text), and as written with `--text markdown`; the v2
/// columns hold the fields as written.
#[test]
fn rich_text_is_plain_by_default_and_the_source_with_markdown() -> TestResult {
    let plain = export_fixtures("rich-plain", &CsvOptions::default())?;
    let markdown = export_fixtures(
        "rich-markdown",
        &CsvOptions {
            markdown: true,
            ..CsvOptions::default()
        },
    )?;
    let key = ["mac-wifi-v2", "forget-network", "3"];
    let step = row_of(&plain, "steps.csv", &key)?;
    assert_eq!(
        step[7],
        "On the iPhone, tap Settings > Wi-Fi > (i) > Forget This Network."
    );
    assert_eq!(
        row_of(&markdown, "steps.csv", &key)?[7],
        "On the iPhone, tap **Settings > Wi-Fi > (i) > Forget This Network**."
    );
    assert_eq!(step[15], "true", "resets");
    assert_eq!(step[13], "forget-mac", "see");
    assert_eq!(step[20], "ios", "platforms as written");

    let renew = row_of(&plain, "steps.csv", &["mac-wifi-v2", "forget-network", "4"])?;
    assert_eq!(
        renew[16],
        "sudo ipconfig set en0 DHCP\nnetworksetup -setairportpower en0 on"
    );
    assert_eq!(renew[17], "terminal");
    assert_eq!(
        renew[10],
        "The Mac shows an address that starts with 192.168.."
    );
    let first = row_of(&plain, "steps.csv", &["mac-wifi-v2", "forget-network", "1"])?;
    assert_eq!(
        first[18..=19],
        [
            "wifi-menu.png",
            "The Wi-Fi pane of System Settings with the network list"
        ]
    );
    assert_eq!(first[21], "Click Details beside the network.");
    let second = row_of(&plain, "steps.csv", &["mac-wifi-v2", "forget-network", "2"])?;
    assert_eq!(second[13], "renew;forget-iphone");
    let join = row_of(&plain, "steps.csv", &["mac-wifi-v2", "forget-network", "5"])?;
    assert_eq!(join[16], "your-network-name");
    assert_eq!(join[17], "");
    assert_eq!(
        join[8],
        "The password is case-sensitive.\n\nAsk the owner of the router if you do not know it."
    );

    let method = row_of(&plain, "methods.csv", &["mac-wifi-v2", "forget-network"])?;
    assert_eq!(
        method[16..],
        [
            "2",
            "",
            "Other devices that share iCloud Keychain forget the network too.",
            "router-lights.png",
            "A router with its power and internet lights lit green",
        ]
    );
    let guide = row_of(&plain, "guides.csv", &["mac-wifi-v2"])?;
    assert_eq!(
        guide[10],
        "Most drops come from a saved network that went stale.\n\nSee Apple's status page first."
    );
    assert_eq!(guide[11], "en-GB");
    let source = row_of(&markdown, "guides.csv", &["mac-wifi-v2"])?;
    assert_eq!(
        source[10],
        "Most drops come from a **saved network** that went stale.\n\nSee [Apple's status page](https://www.apple.com/support/systemstatus/) first.\n"
    );
    assert_eq!(
        row_of(
            &plain,
            "prerequisites.csv",
            &["mac-wifi-v2", "forget-network", "2"]
        )?[3],
        "A second device to look up the renew step if needed"
    );
    assert_eq!(
        row_of(
            &markdown,
            "prerequisites.csv",
            &["mac-wifi-v2", "forget-network", "1"]
        )?[3],
        "The Wi-Fi password, from the **router's label**"
    );
    fs::remove_dir_all(&plain)?;
    fs::remove_dir_all(&markdown)?;
    Ok(())
}
