//! `datapackage.json`: a Frictionless Data Package (v2) describing the CSV tables, generated from
//! [`TABLES`](super::TABLES) so that it always matches the header rows.
//!
//! Every resource is a `table` with its path, `csv` format, `text/csv` media type, `utf-8`
//! encoding (also with a byte order mark, which UTF-8 readers skip), the CSV dialect, and a Table
//! Schema: typed fields with descriptions and constraints, the empty cell as the missing value,
//! the primary key and foreign keys. Nothing in it depends on the time or the machine, so it is as
//! deterministic as the tables.

use serde_json::{Map, Value, json};

use super::{Constraint, CsvOptions, FieldType, TABLES, Table};

/// The file name of the data package descriptor.
pub const DATAPACKAGE_FILE: &str = "datapackage.json";
/// The Data Package v2 profile.
pub const DATAPACKAGE_PROFILE: &str = "https://datapackage.org/profiles/2.0/datapackage.json";
/// The Data Resource v2 profile, named on every resource too: some tools (the R `frictionless`
/// package) decide a resource's version from its own `$schema`, not from the package's.
pub const DATARESOURCE_PROFILE: &str = "https://datapackage.org/profiles/2.0/dataresource.json";

/// The data package descriptor for an export written with `options`.
pub fn datapackage(options: &CsvOptions) -> Value {
    let mut description = String::from(
        "Troubleshooting guides exported by remedy: guides, their causes, methods, steps, pros and cons, FAQ, the causes each method fixes, scenarios and related guides, one CSV table each. Text is as written in the guides",
    );
    if options.excel_safe {
        description.push_str(
            ", except that a cell starting with =, +, -, @, a tab or a carriage return has a ' in front (spreadsheet-safe export)",
        );
    }
    description.push('.');
    json!({
        "$schema": DATAPACKAGE_PROFILE,
        "name": "remedy-guides",
        "title": "remedy troubleshooting guides",
        "description": description,
        "resources": TABLES.iter().map(resource).collect::<Vec<_>>(),
    })
}

/// The descriptor pretty-printed with a final newline: the bytes of `datapackage.json`.
pub fn datapackage_text(options: &CsvOptions) -> String {
    remedy_core::schema::pretty_json(&datapackage(options))
}

fn resource(table: &Table) -> Value {
    let foreign_keys: Vec<Value> = table
        .foreign_keys
        .iter()
        .map(|fk| {
            json!({
                "fields": fk.fields,
                "reference": { "resource": fk.resource, "fields": fk.reference },
            })
        })
        .collect();
    let mut schema = Map::new();
    schema.insert(
        "fields".into(),
        table.fields.iter().map(field).collect::<Vec<_>>().into(),
    );
    schema.insert("missingValues".into(), json!([""]));
    schema.insert("primaryKey".into(), json!(table.primary_key));
    if !foreign_keys.is_empty() {
        schema.insert("foreignKeys".into(), foreign_keys.into());
    }
    json!({
        "$schema": DATARESOURCE_PROFILE,
        "name": table.name,
        "type": "table",
        "path": table.file,
        "title": table.title,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {
            "header": true,
            "delimiter": ",",
            "lineTerminator": "\r\n",
            "quoteChar": "\"",
            "doubleQuote": true,
        },
        "schema": schema,
    })
}

fn field(field: &super::Field) -> Value {
    let mut object = Map::new();
    object.insert("name".into(), field.name.into());
    object.insert("type".into(), field.kind.as_str().into());
    object.insert("description".into(), field.description.into());
    if field.kind == FieldType::Boolean {
        object.insert("trueValues".into(), json!(["true"]));
        object.insert("falseValues".into(), json!(["false"]));
    }
    let mut constraints = Map::new();
    if field.required {
        constraints.insert("required".into(), true.into());
    }
    match field.constraint {
        Constraint::None => {}
        Constraint::Range(min, max) => {
            constraints.insert("minimum".into(), min.into());
            constraints.insert("maximum".into(), max.into());
        }
        Constraint::Minimum(min) => {
            constraints.insert("minimum".into(), min.into());
        }
        Constraint::Enum(values) => {
            constraints.insert("enum".into(), json!(values));
        }
        Constraint::Pattern(pattern) => {
            // Table Schema patterns are XML Schema expressions: implicitly anchored, and `^`/`$`
            // are not anchors there.
            let bare = pattern.trim_start_matches('^').trim_end_matches('$');
            constraints.insert("pattern".into(), bare.into());
        }
    }
    if !constraints.is_empty() {
        object.insert("constraints".into(), constraints.into());
    }
    Value::Object(object)
}
