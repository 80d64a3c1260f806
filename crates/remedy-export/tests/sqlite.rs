//! The SQLite export of the fixture guides under `tests/fixtures/export/content` (and of a few
//! hostile ones written here), read back with SQLite itself: every table's columns and types,
//! keys and indexes, NULL for absent values, the full-text index, reading order, the hostile
//! cells of the CSV tests, determinism and atomic writes.

mod export_support;

use std::fs;
use std::path::Path;

use remedy_core::{Guide, LoadOptions, load_file};
use remedy_export::ExportGuide;
use remedy_export::sqlite::export_sqlite;
use rusqlite::Connection;
use rusqlite::types::Value;

use export_support::{TestDir, exports, load_guides, temp_dir};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The tables of SPEC §4 and their columns, copied from the spec rather than from the code.
const COLUMNS: [(&str, &str); 10] = [
    (
        "guides",
        "guide_id,title,summary,updated,platforms,tags,causes,methods,steps,source,overview,lang",
    ),
    ("causes", "guide_id,cause_id,position,title,description"),
    (
        "methods",
        "guide_id,method_id,position,title,summary,best_for,ease,effectiveness,time_min,time_max,risk,risk_rank,addresses,steps,destructive_steps,backup_steps,reset_steps,platforms,warning,image_src,image_alt",
    ),
    (
        "steps",
        "guide_id,method_id,number,step_id,parent_number,depth,position,text,note,warning,result,destructive,backup,see,reading_order,resets,code,code_language,image_src,image_alt,platforms,image_caption",
    ),
    ("pros_cons", "guide_id,method_id,kind,position,text"),
    ("faq", "guide_id,position,question,answer,see"),
    ("method_causes", "guide_id,method_id,cause_id,position"),
    ("scenarios", "guide_id,position,when,try"),
    ("related", "guide_id,position,related_guide_id,title,url"),
    ("prerequisites", "guide_id,method_id,position,text"),
];

/// The primary keys of SPEC §4.
const KEYS: [(&str, &[&str]); 10] = [
    ("guides", &["guide_id"]),
    ("causes", &["guide_id", "cause_id"]),
    ("methods", &["guide_id", "method_id"]),
    ("steps", &["guide_id", "method_id", "number"]),
    ("pros_cons", &["guide_id", "method_id", "kind", "position"]),
    ("faq", &["guide_id", "position"]),
    ("method_causes", &["guide_id", "method_id", "cause_id"]),
    ("scenarios", &["guide_id", "position"]),
    ("related", &["guide_id", "position"]),
    ("prerequisites", &["guide_id", "method_id", "position"]),
];

/// The SQL type SPEC §4 gives a column: INTEGER for counts, positions, ranks, ease, times and
/// booleans, TEXT for the rest.
fn sql_type(table: &str, column: &str) -> &'static str {
    match column {
        "causes" | "methods" | "destructive_steps" | "backup_steps" | "position" | "depth"
        | "risk_rank" | "ease" | "effectiveness" | "time_min" | "time_max" | "reading_order"
        | "destructive" | "backup" | "reset_steps" | "resets" => "INTEGER",
        "steps" if table != "steps" => "INTEGER",
        _ => "TEXT",
    }
}

fn export_fixtures(name: &str) -> Result<TestDir, Box<dyn std::error::Error>> {
    let guides = load_guides()?;
    let path = temp_dir("sqlite", name)?.within("guides.db");
    assert_eq!(export_sqlite(&exports(&guides), &path)?, []);
    Ok(path)
}

fn strings(connection: &Connection, sql: &str) -> Result<Vec<String>, rusqlite::Error> {
    let mut statement = connection.prepare(sql)?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    rows.collect()
}

fn count(connection: &Connection, sql: &str) -> Result<i64, rusqlite::Error> {
    connection.query_row(sql, [], |row| row.get(0))
}

fn remove(path: &Path) -> TestResult {
    fs::remove_dir_all(path.parent().ok_or("no parent")?)?;
    Ok(())
}

#[test]
fn every_table_has_the_columns_types_and_keys_of_the_spec() -> TestResult {
    let path = export_fixtures("schema")?;
    let db = Connection::open(&path)?;
    for ((table, columns), (keyed, key)) in COLUMNS.iter().zip(KEYS) {
        assert_eq!(*table, keyed);
        let mut info = db.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
        let read: Vec<(String, String, bool, i64)> = info
            .query_map([], |row| {
                Ok((row.get(1)?, row.get(2)?, row.get(3)?, row.get(5)?))
            })?
            .collect::<Result<_, _>>()?;
        let names: Vec<&str> = read.iter().map(|(name, ..)| name.as_str()).collect();
        assert_eq!(names.join(","), *columns, "{table}");
        for (name, declared, not_null, pk) in &read {
            assert_eq!(declared, sql_type(table, name), "{table}.{name}");
            let key_place = key.iter().position(|k| k == name);
            assert_eq!(
                *pk,
                key_place.map_or(0, |place| place as i64 + 1),
                "{table}.{name}: place in the primary key"
            );
            if key_place.is_some() {
                assert!(*not_null, "{table}.{name}: a key column is NOT NULL");
            }
        }
        // The primary key has its index.
        let unique = count(
            &db,
            &format!("SELECT count(*) FROM pragma_index_list('{table}') WHERE origin = 'pk'"),
        )?;
        assert_eq!(unique, 1, "{table}: primary key index");
    }
    // Foreign keys as the data package declares them, and an index that serves each.
    let mut foreign = Vec::new();
    for (table, _) in COLUMNS {
        let mut list = db.prepare(&format!(
            "SELECT \"table\", group_concat(\"from\"), group_concat(\"to\") FROM pragma_foreign_key_list('{table}') GROUP BY id ORDER BY id"
        ))?;
        let keys: Vec<(String, String, String)> = list
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (target, from, to) in keys {
            assert_eq!(from, to, "{table} → {target}");
            let first = from.split(',').next().unwrap_or_default().to_owned();
            let indexed = strings(
                &db,
                &format!(
                    "SELECT ii.name FROM pragma_index_list('{table}') AS il, pragma_index_info(il.name) AS ii WHERE ii.seqno = 0"
                ),
            )?;
            assert!(
                indexed.contains(&first),
                "{table}: no index starts with {first}"
            );
            foreign.push(format!("{table}({from}) → {target}"));
        }
    }
    assert_eq!(
        foreign,
        [
            "causes(guide_id) → guides",
            "methods(guide_id) → guides",
            "steps(guide_id,method_id) → methods",
            "pros_cons(guide_id,method_id) → methods",
            "faq(guide_id) → guides",
            "method_causes(guide_id,method_id) → methods",
            "scenarios(guide_id) → guides",
            "related(guide_id) → guides",
            "prerequisites(guide_id,method_id) → methods",
        ]
    );
    // Booleans are 0/1 by a CHECK; ranges and enums are checked too.
    for bad in [
        "UPDATE steps SET destructive = 2",
        "UPDATE steps SET destructive = 'true'",
        "UPDATE methods SET ease = 6 WHERE ease IS NOT NULL",
        "UPDATE methods SET risk = 'none'",
        "UPDATE guides SET updated = 'March 2026'",
        "UPDATE steps SET text = NULL",
    ] {
        assert!(db.execute(bad, []).is_err(), "accepted: {bad}");
    }
    assert_eq!(count(&db, "PRAGMA user_version")?, 1);
    // Beside the tables: the full-text index and the meta table.
    let columns = |table: &str| -> Result<String, rusqlite::Error> {
        Ok(strings(
            &db,
            &format!("SELECT name || ':' || type || ':' || pk FROM pragma_table_info('{table}')"),
        )?
        .join(","))
    };
    assert_eq!(
        columns("steps_fts")?,
        "guide_id::0,method_id::0,number::0,text::0,note::0,warning::0"
    );
    assert_eq!(columns("remedy_meta")?, "key:TEXT:1,value:TEXT:0");
    assert!(
        strings(&db, "SELECT sql FROM sqlite_schema WHERE name = 'steps_fts'")?
            .concat()
            .contains("\"guide_id\" UNINDEXED, \"method_id\" UNINDEXED, \"number\" UNINDEXED, \"text\", \"note\", \"warning\"")
    );
    drop(db);
    remove(&path)
}

#[test]
fn the_foreign_key_check_finds_nothing_and_every_row_is_there() -> TestResult {
    let path = export_fixtures("foreign-keys")?;
    let db = Connection::open(&path)?;
    assert_eq!(
        count(&db, "SELECT count(*) FROM pragma_foreign_key_check")?,
        0
    );
    assert_eq!(strings(&db, "PRAGMA integrity_check")?, ["ok".to_owned()]);
    let rows: Vec<i64> = COLUMNS
        .iter()
        .map(|(table, _)| count(&db, &format!("SELECT count(*) FROM \"{table}\"")))
        .collect::<Result<_, _>>()?;
    // The fixtures, counted by hand: 3 guides, 4 causes, 5 methods, 18 steps, 11 pros and
    // cons, 3 FAQ entries, 6 addressed causes, 2 scenarios, 2 related entries, 2 things to
    // have ready.
    assert_eq!(rows, [3, 4, 5, 18, 11, 3, 6, 2, 2, 2]);
    assert_eq!(
        strings(
            &db,
            "SELECT key || '=' || value FROM remedy_meta ORDER BY key"
        )?,
        ["format=remedy-guides", "guides=3", "version=1"]
    );
    drop(db);
    remove(&path)
}

#[test]
fn absent_values_are_null_never_empty_text() -> TestResult {
    let path = export_fixtures("nulls")?;
    let db = Connection::open(&path)?;
    let mut empty = Vec::new();
    for (table, columns) in COLUMNS {
        for column in columns.split(',') {
            let n = count(
                &db,
                &format!("SELECT count(*) FROM \"{table}\" WHERE \"{column}\" = ''"),
            )?;
            if n > 0 {
                empty.push(format!("{table}.{column}"));
            }
            // Every value has its column's type, or is NULL.
            let wrong = count(
                &db,
                &format!(
                    "SELECT count(*) FROM \"{table}\" WHERE \"{column}\" IS NOT NULL AND typeof(\"{column}\") <> '{}'",
                    sql_type(table, column).to_lowercase()
                ),
            )?;
            assert_eq!(wrong, 0, "{table}.{column}: values of another type");
        }
    }
    assert!(empty.is_empty(), "'' where NULL belongs: {empty:?}");
    let value = |sql: &str| db.query_row(sql, [], |row| row.get::<_, Value>(0));
    // printer-offline's only cause has no description; forget-network's time is open-ended.
    assert_eq!(
        value("SELECT description FROM causes WHERE cause_id = 'sleeping-printer'")?,
        Value::Null
    );
    assert_eq!(
        value("SELECT time_max FROM methods WHERE method_id = 'forget-network'")?,
        Value::Null
    );
    assert_eq!(
        value("SELECT time_min FROM methods WHERE method_id = 'forget-network'")?,
        Value::Integer(15)
    );
    assert_eq!(
        value(
            "SELECT parent_number FROM steps WHERE method_id = 'restart-router' AND number = '1'"
        )?,
        Value::Null
    );
    // The three states of a flag: unset, false, true.
    assert_eq!(
        strings(
            &db,
            "SELECT coalesce(destructive, 'NULL') || ':' || count(*) FROM steps GROUP BY destructive ORDER BY destructive"
        )?,
        ["NULL:16", "0:1", "1:1"]
    );
    // A related guide has no url, a link no guide id.
    assert_eq!(
        strings(
            &db,
            "SELECT coalesce(related_guide_id, 'NULL') || '|' || title || '|' || coalesce(url, 'NULL') FROM related ORDER BY guide_id, position"
        )?,
        [
            "printer-offline|Printer shows as offline|NULL",
            "NULL|Apple — If your device won't connect to Wi‑Fi|https://support.apple.com/en-us/111786",
        ]
    );
    drop(db);
    remove(&path)
}

#[test]
fn the_full_text_index_finds_steps_by_text_note_and_warning() -> TestResult {
    let path = export_fixtures("fts")?;
    let db = Connection::open(&path)?;
    let find = |query: &str| {
        let mut statement = db.prepare(
            "SELECT guide_id || '/' || method_id || '/' || number FROM steps_fts WHERE steps_fts MATCH ?1 ORDER BY rowid",
        )?;
        statement
            .query_map([query], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<String>, _>>()
    };
    // In a step's text.
    assert_eq!(
        find("unplug")?,
        [
            "wifi-drops/restart-router/1",
            "wifi-drops/restart-router/1.1"
        ]
    );
    // In a note only ("the line").
    assert_eq!(find("note:line")?, ["wifi-drops/restart-router/1.1"]);
    assert_eq!(find("text:line")?, Vec::<String>::new());
    // In a warning only, with a prefix query.
    assert_eq!(find("warning:forget*")?, ["wifi-drops/forget-network/2"]);
    // A note of the printer guide.
    assert_eq!(
        find("manager")?,
        [
            "wifi-drops/forget-network/1",
            "printer-offline/restart-printer/1"
        ]
    );
    // A phrase.
    assert_eq!(
        find("\"office manager\"")?,
        ["printer-offline/restart-printer/1"]
    );
    // Every step is in the index once, with its key.
    assert_eq!(
        count(&db, "SELECT count(*) FROM steps_fts")?,
        count(&db, "SELECT count(*) FROM steps")?
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM steps_fts AS f JOIN steps AS s USING (guide_id, method_id, number) WHERE f.text = s.text"
        )?,
        18
    );
    drop(db);
    remove(&path)
}

#[test]
fn reading_order_reads_the_steps_as_printed() -> TestResult {
    let path = export_fixtures("reading-order")?;
    let db = Connection::open(&path)?;
    assert_eq!(
        strings(
            &db,
            "SELECT number FROM steps WHERE guide_id = 'wifi-drops' AND method_id = 'restart-router' ORDER BY reading_order"
        )?,
        ["1", "1.1", "1.2", "1.2.1", "1.2.2", "2", "3"]
    );
    assert_eq!(
        strings(
            &db,
            "SELECT group_concat(reading_order, ',') FROM (SELECT reading_order FROM steps WHERE guide_id = 'wifi-drops' AND method_id = 'forget-network' ORDER BY reading_order)"
        )?,
        ["1,2,3"]
    );
    drop(db);
    remove(&path)
}

#[test]
fn the_hostile_cells_of_the_csv_tests_survive_as_written() -> TestResult {
    let path = export_fixtures("hostile")?;
    let db = Connection::open(&path)?;
    let text = |sql: &str| db.query_row(sql, [], |row| row.get::<_, String>(0));
    assert_eq!(
        text("SELECT description FROM causes WHERE cause_id = 'weak-signal'")?,
        "The device is too far from the router, or walls and metal block it.\n\nSignal \"bars\" can look fine, yet the link is poor, slow, or unstable."
    );
    assert_eq!(
        text("SELECT title FROM causes WHERE cause_id = 'bad-profile'")?,
        "Damaged network profile, café edition ★"
    );
    // Formulas are text, as written: a database never runs them (no excel-safe quote).
    assert_eq!(
        strings(
            &db,
            "SELECT text FROM steps WHERE guide_id = 'printer-offline' ORDER BY reading_order"
        )?,
        [
            "=HYPERLINK(\"https://example.invalid\",\"Turn the printer off\")",
            "-10 seconds: wait, then turn it on again.",
        ]
    );
    assert_eq!(
        strings(
            &db,
            "SELECT kind || ':' || text FROM pros_cons WHERE guide_id = 'printer-offline' ORDER BY kind DESC, position"
        )?,
        // Rich text without its markup: Markdown drops the tab that starts a paragraph.
        ["pro:=easy", "con:Needs someone near the printer."]
    );
    assert_eq!(
        text("SELECT result FROM steps WHERE guide_id = 'printer-offline' AND number = '2'")?,
        "+1 printer online"
    );
    drop(db);
    remove(&path)
}

/// A guide with what a spreadsheet or a type-guessing reader gets wrong: ids that look like
/// numbers or missing values, a byte order mark and control characters inside text, quotes,
/// a step number that reads as a decimal (`1.10`).
fn hostile_guide() -> String {
    let steps: String = (1..=10)
        .map(|n| format!("          - text: Sub-step {n}.\n"))
        .collect();
    format!(
        r#"id: "007"
title: "Agent \"007\", the; guide"
summary: "\uFEFFStarts with a byte order mark, then\r\na CR LF."
updated: 2026-01-02
causes:
  - id: "null"
    title: "NaN"
methods:
  - id: nan
    title: "=1+1"
    addresses: ["null"]
    risk: low
    steps:
      - text: "Top."
        id: "true"
        steps:
{steps}    pros: ["-"]
    cons: ["@"]
"#
    )
}

#[test]
fn ids_that_look_like_numbers_or_nulls_stay_text() -> TestResult {
    let dir = temp_dir("sqlite", "look-alikes")?;
    let file = dir.join("007.yaml");
    fs::write(&file, hostile_guide())?;
    let loaded = load_file(&file, &LoadOptions::default())?;
    assert!(loaded.violations.is_empty(), "{:?}", loaded.violations);
    let guide: Guide = loaded.guide.ok_or("the guide did not load")?;
    let path = dir.join("guides.db");
    let left_out = export_sqlite(
        &[ExportGuide {
            guide: &guide,
            source: "007.yaml",
        }],
        &path,
    )?;
    assert_eq!(left_out, []);
    let db = Connection::open(&path)?;
    let row = |sql: &str| db.query_row(sql, [], |row| row.get::<_, Value>(0));
    assert_eq!(
        row("SELECT guide_id FROM guides")?,
        Value::Text("007".into())
    );
    assert_eq!(
        row("SELECT cause_id FROM causes")?,
        Value::Text("null".into())
    );
    assert_eq!(
        row("SELECT cause_id FROM method_causes")?,
        Value::Text("null".into())
    );
    assert_eq!(row("SELECT title FROM causes")?, Value::Text("NaN".into()));
    assert_eq!(
        row("SELECT method_id FROM methods")?,
        Value::Text("nan".into())
    );
    assert_eq!(
        row("SELECT step_id FROM steps WHERE number = '1'")?,
        Value::Text("true".into())
    );
    assert_eq!(
        row("SELECT summary FROM guides")?,
        // Rich text without its markup: a single line break inside a paragraph is a space.
        Value::Text("\u{feff}Starts with a byte order mark, then a CR LF.".into())
    );
    assert_eq!(
        row("SELECT title FROM guides")?,
        Value::Text("Agent \"007\", the; guide".into())
    );
    // 1.1 and 1.10 are different steps, and 1.10's parent is 1.
    assert_eq!(
        strings(
            &db,
            "SELECT number || '<' || parent_number FROM steps WHERE number IN ('1.1', '1.10') ORDER BY reading_order"
        )?,
        ["1.1<1", "1.10<1"]
    );
    assert_eq!(
        row("SELECT max(reading_order) FROM steps")?,
        Value::Integer(11)
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM pragma_foreign_key_check")?,
        0
    );
    drop(db);
    fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The database as text: the schema, then every row of every table in rowid order, each value
/// with its type. The same input must give the same dump (and, here, the same bytes).
fn dump(path: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let db = Connection::open(path)?;
    let mut out = String::new();
    let mut objects =
        db.prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY rowid")?;
    let objects: Vec<(String, String, String)> = objects
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (kind, name, sql) in objects {
        out.push_str(&format!("{kind} {name}: {sql}\n"));
        if kind != "table" {
            continue;
        }
        let mut rows = db.prepare(&format!("SELECT * FROM \"{name}\""))?;
        let columns = rows.column_count();
        let mut rows = rows.query([])?;
        while let Some(row) = rows.next()? {
            let values: Vec<String> = (0..columns)
                .map(|i| row.get::<_, Value>(i).map(|v| format!("{v:?}")))
                .collect::<Result<_, _>>()?;
            out.push_str(&values.join("|"));
            out.push('\n');
        }
    }
    Ok(out)
}

#[test]
fn two_exports_give_the_same_dump_and_the_same_bytes() -> TestResult {
    let first = export_fixtures("determinism-1")?;
    let second = export_fixtures("determinism-2")?;
    let dumped = dump(&first)?;
    assert!(dumped.contains("CREATE VIRTUAL TABLE \"steps_fts\" USING fts5"));
    assert!(dumped.contains("Text(\"Printer shows as offline\")"));
    assert_eq!(dumped, dump(&second)?);
    assert!(fs::read(&first)? == fs::read(&second)?, "the files differ");
    // Again over the first: replaced whole, not appended to.
    let guides = load_guides()?;
    assert_eq!(export_sqlite(&exports(&guides), &first)?, []);
    assert!(
        fs::read(&first)? == fs::read(&second)?,
        "a second run differs"
    );
    remove(&first)?;
    remove(&second)
}

#[test]
fn a_guide_the_database_refuses_is_left_out_whole_and_named() -> TestResult {
    let mut guides = load_guides()?;
    // Forced past lint errors: an ease of 9 breaks a CHECK half-way through the guide's rows,
    // after its guide, causes and method rows are in.
    let mut broken = guides[1].0.clone();
    broken.id = "broken-ease".into();
    broken.methods[0].ease = Some(9);
    guides.push((broken, "broken-ease.yaml".into()));
    let mut export = exports(&guides);
    // And the first guide again: its id breaks the primary key.
    export.push(export[0]);
    let path = temp_dir("sqlite", "left-out")?.within("guides.db");
    let left_out = export_sqlite(&export, &path)?;
    let named: Vec<(&str, bool)> = left_out
        .iter()
        .map(|guide| {
            (
                guide.id.as_str(),
                guide.reason.contains("UNIQUE") || guide.reason.contains("CHECK"),
            )
        })
        .collect();
    assert_eq!(named, [("broken-ease", true), ("wifi-drops", true)]);
    let db = Connection::open(&path)?;
    assert_eq!(
        strings(&db, "SELECT guide_id FROM guides ORDER BY rowid")?,
        ["wifi-drops", "printer-offline", "mac-wifi-v2"]
    );
    for table in ["causes", "methods", "steps", "steps_fts"] {
        assert_eq!(
            count(
                &db,
                &format!("SELECT count(*) FROM \"{table}\" WHERE guide_id = 'broken-ease'")
            )?,
            0,
            "{table}: rows of the guide left out"
        );
    }
    assert_eq!(count(&db, "SELECT count(*) FROM steps")?, 18);
    assert_eq!(count(&db, "SELECT count(*) FROM steps_fts")?, 18);
    assert_eq!(
        strings(&db, "SELECT value FROM remedy_meta WHERE key = 'guides'")?,
        ["3"]
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM pragma_foreign_key_check")?,
        0
    );
    drop(db);
    remove(&path)
}

#[test]
fn a_failed_export_keeps_the_old_database_and_leaves_no_temporary() -> TestResult {
    let guides = load_guides()?;
    let path = export_fixtures("failure")?;
    let dir = path.parent().ok_or("no parent")?.to_path_buf();
    let before = fs::read(&path)?;
    // A folder in the way is named; nothing else changes.
    let folder = dir.join("taken.db");
    fs::create_dir(&folder)?;
    let error = export_sqlite(&exports(&guides), &folder)
        .err()
        .ok_or("wrote over a folder")?;
    assert!(error.to_string().contains("taken.db"), "{error}");
    // The output folder is a file.
    let file = dir.join("not-a-folder");
    fs::write(&file, "x")?;
    let error = export_sqlite(&exports(&guides), &file.join("guides.db"))
        .err()
        .ok_or("wrote below a file")?;
    assert!(error.to_string().contains("not-a-folder"), "{error}");
    assert_eq!(fs::read(&path)?, before);
    let mut names: Vec<String> = fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["guides.db", "not-a-folder", "taken.db"],
        "temporaries left behind"
    );
    fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn no_guides_gives_every_table_empty() -> TestResult {
    let path = temp_dir("sqlite", "empty")?.within("guides.db");
    export_sqlite(&[], &path)?;
    let db = Connection::open(&path)?;
    for (table, _) in COLUMNS {
        assert_eq!(count(&db, &format!("SELECT count(*) FROM \"{table}\""))?, 0);
    }
    assert_eq!(
        strings(&db, "SELECT value FROM remedy_meta WHERE key = 'guides'")?,
        ["0"]
    );
    drop(db);
    remove(&path)
}
