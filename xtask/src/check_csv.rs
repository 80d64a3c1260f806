//! `cargo xtask check-csv DIR [--print-sql]`: a real consumer of the CSV export.
//!
//! Reads `DIR/datapackage.json`, turns every resource into an SQLite `CREATE TABLE` (column types,
//! `NOT NULL` and `CHECK` constraints from the field types and constraints, the primary key and the
//! foreign keys), imports each CSV file with the `sqlite3` command-line tool with
//! `PRAGMA foreign_keys=ON`, parents first, then requires that `PRAGMA foreign_key_check` finds
//! nothing, that `sqlite3` reported no failed insert, and that every table holds as many rows as
//! its CSV file has records. The header row of every file must name the declared fields in order,
//! since `.import --skip 1` would otherwise load a swapped column without a word.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// One resource of the package, as far as the check needs it.
#[derive(Debug)]
struct Resource {
    name: String,
    path: PathBuf,
    fields: Vec<Value>,
    primary_key: Vec<String>,
    foreign_keys: Vec<(Vec<String>, String, Vec<String>)>,
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn columns(names: &[String]) -> String {
    names
        .iter()
        .map(|n| ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_package(dir: &Path) -> Result<Vec<Resource>, String> {
    let path = dir.join("datapackage.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let package: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let resources = package["resources"]
        .as_array()
        .ok_or_else(|| format!("{}: no `resources`", path.display()))?;
    let mut out = Vec::new();
    for resource in resources {
        let name = resource["name"]
            .as_str()
            .ok_or("a resource without a name")?
            .to_owned();
        let file = resource["path"]
            .as_str()
            .ok_or_else(|| format!("resource {name}: no `path`"))?;
        let schema = &resource["schema"];
        let fields = schema["fields"]
            .as_array()
            .ok_or_else(|| format!("resource {name}: no inline schema fields"))?
            .clone();
        let foreign_keys = schema["foreignKeys"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|fk| {
                let target = fk["reference"]["resource"]
                    .as_str()
                    .filter(|r| !r.is_empty())
                    .unwrap_or(&name)
                    .to_owned();
                (
                    strings(&fk["fields"]),
                    target,
                    strings(&fk["reference"]["fields"]),
                )
            })
            .collect();
        out.push(Resource {
            path: dir.join(file),
            fields,
            primary_key: strings(&schema["primaryKey"]),
            foreign_keys,
            name,
        });
    }
    Ok(out)
}

/// The resources with every referenced table before the tables that refer to it.
fn parents_first(resources: Vec<Resource>) -> Result<Vec<Resource>, String> {
    let mut pending = resources;
    let mut ordered: Vec<Resource> = Vec::new();
    while !pending.is_empty() {
        let done: BTreeSet<String> = ordered.iter().map(|r| r.name.clone()).collect();
        let ready = pending.iter().position(|r| {
            r.foreign_keys
                .iter()
                .all(|(_, target, _)| target == &r.name || done.contains(target))
        });
        match ready {
            Some(i) => ordered.push(pending.remove(i)),
            None => {
                let names: Vec<&str> = pending.iter().map(|r| r.name.as_str()).collect();
                return Err(format!(
                    "foreign keys refer to missing resources or form a cycle among: {}",
                    names.join(", ")
                ));
            }
        }
    }
    Ok(ordered)
}

/// The column definition of one field: type, NOT NULL and CHECKs for its constraints.
fn column_sql(field: &Value) -> Result<String, String> {
    let name = field["name"].as_str().ok_or("a field without a name")?;
    let column = ident(name);
    let kind = field["type"].as_str().unwrap_or("string");
    let constraints = &field["constraints"];
    let required = constraints["required"] == true;
    let mut checks: Vec<String> = Vec::new();
    let sql_type = match kind {
        "integer" => {
            let mut check = format!("typeof({column}) = 'integer'");
            if let Some(min) = constraints["minimum"].as_i64() {
                write!(check, " AND {column} >= {min}").ok();
            }
            if let Some(max) = constraints["maximum"].as_i64() {
                write!(check, " AND {column} <= {max}").ok();
            }
            checks.push(check);
            "INTEGER"
        }
        "number" => {
            checks.push(format!("typeof({column}) IN ('integer', 'real')"));
            "REAL"
        }
        "boolean" => {
            let mut values = strings(&field["trueValues"]);
            values.extend(strings(&field["falseValues"]));
            if values.is_empty() {
                values = vec!["true".into(), "false".into()];
            }
            let list: Vec<String> = values.iter().map(|v| literal(v)).collect();
            checks.push(format!("{column} IN ({})", list.join(", ")));
            "TEXT"
        }
        "date" => {
            checks.push(format!("date({column}) IS {column}"));
            "TEXT"
        }
        _ => "TEXT",
    };
    if let Some(values) = constraints["enum"].as_array() {
        let list: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(literal)
            .collect();
        checks.push(format!("{column} IN ({})", list.join(", ")));
    }
    let mut sql = format!("{column} {sql_type}");
    if required {
        sql.push_str(" NOT NULL");
        checks.insert(0, format!("{column} <> ''"));
        if !checks.is_empty() {
            write!(sql, " CHECK ({})", checks.join(" AND ")).ok();
        }
    } else if !checks.is_empty() {
        // The empty cell is the missing value.
        write!(sql, " CHECK ({column} = '' OR ({}))", checks.join(" AND ")).ok();
    }
    Ok(sql)
}

fn create_table_sql(resource: &Resource) -> Result<String, String> {
    let mut parts = Vec::new();
    for field in &resource.fields {
        parts.push(column_sql(field)?);
    }
    if !resource.primary_key.is_empty() {
        parts.push(format!("PRIMARY KEY ({})", columns(&resource.primary_key)));
    }
    for (fields, target, reference) in &resource.foreign_keys {
        parts.push(format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            columns(fields),
            ident(target),
            columns(reference)
        ));
    }
    Ok(format!(
        "CREATE TABLE {} (\n  {}\n);\n",
        ident(&resource.name),
        parts.join(",\n  ")
    ))
}

/// The whole script for `sqlite3`.
fn script(resources: &[Resource]) -> Result<String, String> {
    let mut sql = String::from("PRAGMA foreign_keys=ON;\n");
    for resource in resources {
        sql.push_str(&create_table_sql(resource)?);
    }
    sql.push_str(".mode csv\n");
    for resource in resources {
        let path = resource.path.to_string_lossy();
        if path.contains('\'') {
            return Err(format!("{path}: a path with a `'` cannot be imported"));
        }
        writeln!(
            sql,
            ".import --csv --skip 1 '{path}' {}",
            ident(&resource.name)
        )
        .ok();
    }
    sql.push_str(".mode list\n.separator |\n");
    sql.push_str(
        "SELECT 'fk|' || \"table\" || '|' || rowid || '|' || parent FROM pragma_foreign_key_check;\n",
    );
    for resource in resources {
        writeln!(
            sql,
            "SELECT 'count|' || {} || '|' || COUNT(*) FROM {};",
            literal(&resource.name),
            ident(&resource.name)
        )
        .ok();
    }
    Ok(sql)
}

/// The header and the number of records of a CSV file, read with the `csv` crate (every record
/// must have as many fields as the header).
fn read_csv(path: &Path) -> Result<(Vec<String>, usize), String> {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let header = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    let mut count = 0;
    for record in reader.records() {
        record.map_err(|e| format!("{}: {e}", path.display()))?;
        count += 1;
    }
    Ok((header, count))
}

/// Runs the check on `dir`; with `print_sql`, prints the script instead of running it.
pub fn check_csv(dir: &Path, print_sql: bool) -> Result<(), String> {
    let resources = parents_first(read_package(dir)?)?;
    let sql = script(&resources)?;
    if print_sql {
        print!("{sql}");
        return Ok(());
    }
    let mut problems = Vec::new();
    let mut expected = Vec::new();
    for resource in &resources {
        let (header, count) = read_csv(&resource.path)?;
        let declared: Vec<String> = resource
            .fields
            .iter()
            .filter_map(|f| f["name"].as_str().map(str::to_owned))
            .collect();
        if header != declared {
            problems.push(format!(
                "{}: the header is {} but datapackage.json declares {}",
                resource.path.display(),
                header.join(","),
                declared.join(",")
            ));
        }
        expected.push((resource.name.clone(), count));
    }

    let mut child = Command::new("sqlite3")
        .args(["-batch", ":memory:"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("cannot run sqlite3 ({e}); install it, e.g. `apt-get install -y sqlite3`")
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(sql.as_bytes())
            .map_err(|e| format!("cannot feed sqlite3: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("sqlite3 failed: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        problems.push(format!("sqlite3: {line}"));
    }
    if !output.status.success() {
        problems.push(format!("sqlite3 exited with {}", output.status));
    }
    let mut counted = Vec::new();
    for line in stdout.lines() {
        let parts: Vec<&str> = line.split('|').collect();
        match parts.as_slice() {
            ["fk", table, rowid, parent] => problems.push(format!(
                "foreign key violation: {table} row {rowid} refers to a missing {parent} row"
            )),
            ["count", table, n] => counted.push(((*table).to_owned(), n.parse().unwrap_or(0))),
            _ => problems.push(format!("sqlite3 said: {line}")),
        }
    }
    for (table, want) in &expected {
        let got = counted.iter().find(|(t, _)| t == table).map(|(_, n)| *n);
        if got != Some(*want) {
            problems.push(format!(
                "{table}: the CSV file has {want} rows but SQLite loaded {}",
                got.map_or("none".to_owned(), |n: usize| n.to_string())
            ));
        }
    }
    if problems.is_empty() {
        let rows: usize = expected.iter().map(|(_, n)| n).sum();
        println!(
            "check-csv: {} tables, {rows} rows loaded into SQLite; keys, types and foreign keys hold",
            expected.len()
        );
        Ok(())
    } else {
        Err(format!(
            "{} does not load cleanly:\n  {}",
            dir.display(),
            problems.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CSV golden export, kept as insta binary snapshots (`guides-csv.snap.csv` holds exactly
    /// the bytes of `guides.csv`), laid out again under the file names the data package lists,
    /// in a fresh folder `name`: SQLite reads the very bytes the export tests compare against.
    fn golden(name: &str) -> Result<PathBuf, String> {
        let snapshots =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/export/golden/csv");
        let dir =
            std::env::temp_dir().join(format!("remedy-check-csv-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let mut copied = 0;
        for entry in std::fs::read_dir(&snapshots).map_err(|e| e.to_string())? {
            let entry = entry.map_err(|e| e.to_string())?;
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some((stem, extension)) = file_name.split_once(".snap.") else {
                continue;
            };
            let Some(table) = stem.strip_suffix(&format!("-{extension}")) else {
                return Err(format!("{file_name}: not a golden file's snapshot name"));
            };
            std::fs::copy(entry.path(), dir.join(format!("{table}.{extension}")))
                .map_err(|e| e.to_string())?;
            copied += 1;
        }
        if copied == 0 {
            return Err(format!("no snapshots in {}", snapshots.display()));
        }
        Ok(dir)
    }

    fn have_sqlite() -> bool {
        Command::new("sqlite3")
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    #[test]
    fn the_script_declares_keys_parents_first() -> Result<(), String> {
        let dir = golden("script")?;
        let resources = parents_first(read_package(&dir)?)?;
        let _ = std::fs::remove_dir_all(&dir);
        let names: Vec<&str> = resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names[0], "guides");
        let sql = script(&resources)?;
        assert!(sql.starts_with("PRAGMA foreign_keys=ON;\n"));
        assert!(sql.contains(
            "FOREIGN KEY (\"guide_id\", \"method_id\") REFERENCES \"methods\" (\"guide_id\", \"method_id\")"
        ));
        assert!(sql.contains("PRIMARY KEY (\"guide_id\", \"method_id\", \"number\")"));
        assert!(sql.contains(".import --csv --skip 1 '"));
        Ok(())
    }

    #[test]
    fn the_golden_export_loads_and_a_broken_one_does_not() -> Result<(), String> {
        // CI installs sqlite3 (`.ci/run`); a machine without it fails here rather than passing
        // a check it never ran.
        assert!(
            have_sqlite(),
            "sqlite3 is not installed: apt-get install sqlite3"
        );
        let dir = golden("load")?;
        check_csv(&dir, false)?;
        let steps = dir.join("steps.csv");
        let mut text = std::fs::read_to_string(&steps).map_err(|e| e.to_string())?;
        text.push_str("wifi-drops,no-such-method,1,,,1,1,Orphan.,,,,,,,1,,,,,,,\r\n");
        std::fs::write(&steps, text).map_err(|e| e.to_string())?;
        let error = check_csv(&dir, false)
            .err()
            .ok_or("an orphan step loaded")?;
        assert!(error.contains("FOREIGN KEY constraint failed"), "{error}");
        assert!(error.contains("steps: the CSV file has"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
