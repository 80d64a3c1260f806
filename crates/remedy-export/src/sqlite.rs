//! The SQLite database for data teams (SPEC §4): the CSV tables, typed.
//!
//! Everything about the tables comes from [`TABLES`], the declaration the CSV files and their
//! data package are made from: the table and column names, the SQL types (`INTEGER` for
//! integers, `INTEGER` 0/1 with a `CHECK` for booleans, `TEXT` for the rest), `NOT NULL` for
//! required columns, `CHECK`s for ranges, minimums, enums and dates, primary keys, foreign keys
//! and an index on every foreign key the primary key does not already serve. The cells are the
//! CSV's, converted by their column's type; an absent value is `NULL`, never `''`. Beside the
//! tables: `steps_fts`, an FTS5 index over every step's text, note and warning (with the step's
//! key, unindexed), and `remedy_meta(key, value)` with the format and its version.
//!
//! The database is written into a temporary file beside the target (its journal in memory: the
//! file is not published until it is complete) and renamed into place by [`crate::output`]; a
//! failure leaves the previous file. Nothing in it depends on the time or the machine, so the same input
//! gives the same bytes.

use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, params_from_iter};

use crate::ExportGuide;
use crate::csv::{Constraint, CsvOptions, FieldType, RELATED, STEPS, TABLES, Table, guide_rows};
use crate::output::{ExportError, StagedFile};

/// `remedy_meta`'s `format`.
pub const SQLITE_FORMAT: &str = "remedy-guides";
/// `remedy_meta`'s `version`, also the database's `PRAGMA user_version`: raised when a table
/// or column changes in a way that breaks a query (columns may be appended without it).
pub const SQLITE_FORMAT_VERSION: u32 = 1;
/// The full-text index over the steps.
pub const STEPS_FTS: &str = "steps_fts";
/// The step columns `steps_fts` holds: the step's key (unindexed), then the indexed text.
const FTS_KEY: [&str; 3] = ["guide_id", "method_id", "number"];
const FTS_TEXT: [&str; 3] = ["text", "note", "warning"];

/// `"name"`, an SQL identifier (the columns include `when` and `try`).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn column_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| quoted(name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `CREATE TABLE` and `CREATE INDEX` statements of one table.
fn table_sql(table: &Table) -> String {
    let mut lines = Vec::new();
    for field in table.fields {
        let name = quoted(field.name);
        let mut line = format!(
            "{name} {}",
            match field.kind {
                FieldType::Integer | FieldType::Boolean => "INTEGER",
                FieldType::String | FieldType::Date => "TEXT",
            }
        );
        if field.required {
            line.push_str(" NOT NULL");
        }
        let check = match (field.kind, field.constraint) {
            (FieldType::Boolean, _) => Some(format!("{name} IN (0, 1)")),
            (FieldType::Date, _) => Some(format!(
                "{name} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'"
            )),
            (_, Constraint::Range(min, max)) => Some(format!("{name} BETWEEN {min} AND {max}")),
            (_, Constraint::Minimum(min)) => Some(format!("{name} >= {min}")),
            (_, Constraint::Enum(values)) => Some(format!(
                "{name} IN ({})",
                values
                    .iter()
                    .map(|v| literal(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            // SQLite has no regular expressions; ids and numbers are checked by the linter.
            (_, Constraint::Pattern(_) | Constraint::None) => None,
        };
        if let Some(check) = check {
            line.push_str(&format!(" CHECK ({check})"));
        }
        lines.push(line);
    }
    lines.push(format!("PRIMARY KEY ({})", column_list(table.primary_key)));
    for fk in table.foreign_keys {
        lines.push(format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            column_list(fk.fields),
            quoted(fk.resource),
            column_list(fk.reference)
        ));
    }
    let mut sql = format!(
        "CREATE TABLE {} (\n  {}\n);\n",
        quoted(table.name),
        lines.join(",\n  ")
    );
    for fk in table.foreign_keys {
        // The primary key's own index serves a foreign key that starts it.
        if table.primary_key.starts_with(fk.fields) {
            continue;
        }
        sql.push_str(&format!(
            "CREATE INDEX {} ON {} ({});\n",
            quoted(&format!("{}_{}", table.name, fk.fields.join("_"))),
            quoted(table.name),
            column_list(fk.fields)
        ));
    }
    sql
}

/// The whole schema: every table of [`TABLES`], `steps_fts` and `remedy_meta`.
pub fn schema_sql() -> String {
    let mut sql = String::new();
    for table in TABLES {
        sql.push_str(&table_sql(table));
    }
    // A related guide is looked up by its id.
    sql.push_str(&format!(
        "CREATE INDEX \"related_related_guide_id\" ON {} (\"related_guide_id\");\n",
        quoted(TABLES[RELATED].name)
    ));
    let fts_columns: Vec<String> = FTS_KEY
        .iter()
        .map(|name| format!("{} UNINDEXED", quoted(name)))
        .chain(FTS_TEXT.iter().map(|name| quoted(name)))
        .collect();
    sql.push_str(&format!(
        "CREATE VIRTUAL TABLE {} USING fts5({});\n",
        quoted(STEPS_FTS),
        fts_columns.join(", ")
    ));
    sql.push_str(
        "CREATE TABLE \"remedy_meta\" (\n  \"key\" TEXT NOT NULL PRIMARY KEY,\n  \"value\" TEXT NOT NULL\n);\n",
    );
    sql
}

/// One guide's rows, typed, ready to insert: rendered on its own so that guides can be
/// rendered in parallel and written as they come ([`SqliteWriter`]).
#[derive(Debug, Clone, Default)]
pub struct SqliteRecords {
    id: String,
    /// `(table, values)` with `table` an index into [`TABLES`], parents before children.
    rows: Vec<(usize, Vec<Value>)>,
}

/// A cell of the CSV as its column's SQL value.
fn sql_value(table: &Table, column: usize, cell: &str) -> Result<Value, ExportError> {
    let field = &table.fields[column];
    if cell.is_empty() && !(field.required && field.kind == FieldType::String) {
        return Ok(Value::Null);
    }
    Ok(match field.kind {
        FieldType::Integer => Value::Integer(cell.parse().map_err(|_| {
            ExportError::Content(format!(
                "{}.{}: `{cell}` is not a whole number",
                table.name, field.name
            ))
        })?),
        FieldType::Boolean => Value::Integer(i64::from(cell == "true")),
        FieldType::String | FieldType::Date => Value::Text(cell.to_owned()),
    })
}

/// One guide's rows for the database.
pub fn render_sqlite_guide(guide: &ExportGuide) -> Result<SqliteRecords, ExportError> {
    let mut rows = Vec::new();
    let mut failed = None;
    guide_rows(
        guide.guide,
        guide.source,
        &CsvOptions::default(),
        &mut |index, cells| {
            if failed.is_some() {
                return;
            }
            let table = &TABLES[index];
            if cells.len() != table.fields.len() {
                // A column declared without its cell, or the other way round: a bug, not input.
                failed = Some(ExportError::Content(format!(
                    "{}: {} cells for {} columns",
                    table.name,
                    cells.len(),
                    table.fields.len()
                )));
                return;
            }
            let values: Result<Vec<Value>, ExportError> = cells
                .iter()
                .enumerate()
                .map(|(column, cell)| sql_value(table, column, cell))
                .collect();
            match values {
                Ok(values) => rows.push((index, values)),
                Err(error) => failed = Some(error),
            }
        },
    );
    if let Some(error) = failed {
        return Err(error);
    }
    // Every table refers only to tables declared before it.
    rows.sort_by_key(|(table, _)| *table);
    Ok(SqliteRecords {
        id: guide.guide.id.as_str().to_owned(),
        rows,
    })
}

/// A guide the database could not take, left out of it: a guide exported with `--force`
/// despite lint errors that break a key or a `CHECK` (two steps with one id, an `ease` of 9).
/// Like the file of a guide that cannot be loaded, it is named, and the export exits 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The guide's id.
    pub id: String,
    /// What SQLite refused.
    pub reason: String,
}

/// The `INSERT` statement of a table.
fn insert_sql(table: &Table) -> String {
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quoted(table.name),
        column_list(&table.header()),
        vec!["?"; table.fields.len()].join(", ")
    )
}

/// The indexes of `names` among the columns of `table`.
fn columns_of(table: &Table, names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .filter_map(|name| table.fields.iter().position(|field| field.name == *name))
        .collect()
}

/// A database being written one guide at a time, into a temporary file beside its target;
/// [`SqliteWriter::finish`] puts it in place. Dropped unfinished, or failing, it leaves the
/// previous file and no temporary behind.
#[derive(Debug)]
pub struct SqliteWriter {
    // Closed before the staged file is renamed or removed.
    connection: Option<Connection>,
    staged: StagedFile,
    inserts: Vec<String>,
    fts_insert: String,
    fts_columns: Vec<usize>,
    guides: usize,
    left_out: Vec<LeftOut>,
}

impl SqliteWriter {
    /// Starts a database at `path` (its folder created if missing).
    pub fn create(path: &Path) -> Result<Self, ExportError> {
        let staged = StagedFile::create(path)?;
        let database = |e: rusqlite::Error| ExportError::database(path, e);
        let connection = Connection::open(staged.temp_path()).map_err(database)?;
        // No syncs of its own: the file is private until it is complete, and the staged file
        // syncs it before the rename. The journal is kept in memory only for the rollback of a
        // guide the database refuses ([`SqliteWriter::push`]): the file starts empty, and SQLite
        // journals no page it adds, so it holds little more than one guide's pages. A small
        // page cache keeps the export's peak memory lower: table rows are appended in rowid
        // order and their pages not read again (200 bench guides: about 1.5 MiB less at the
        // peak than with SQLite's 2 MiB cache, and no slower).
        connection
            .execute_batch(&format!(
                "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; \
                 PRAGMA cache_size = -512; \
                 PRAGMA foreign_keys = ON; PRAGMA user_version = {SQLITE_FORMAT_VERSION}; BEGIN;"
            ))
            .map_err(database)?;
        connection.execute_batch(&schema_sql()).map_err(database)?;
        let steps = &TABLES[STEPS];
        let fts_names: Vec<&str> = FTS_KEY.iter().chain(&FTS_TEXT).copied().collect();
        Ok(Self {
            connection: Some(connection),
            staged,
            inserts: TABLES.iter().map(insert_sql).collect(),
            fts_insert: format!(
                "INSERT INTO {} ({}) VALUES ({})",
                quoted(STEPS_FTS),
                column_list(&fts_names),
                vec!["?"; fts_names.len()].join(", ")
            ),
            fts_columns: columns_of(steps, &fts_names),
            guides: 0,
            left_out: Vec::new(),
        })
    }

    fn connection(&self) -> Result<&Connection, ExportError> {
        self.connection
            .as_ref()
            .ok_or_else(|| ExportError::Content("the database was already closed".into()))
    }

    fn insert(&self, connection: &Connection, records: &SqliteRecords) -> rusqlite::Result<()> {
        for (table, values) in &records.rows {
            connection
                .prepare_cached(&self.inserts[*table])?
                .execute(params_from_iter(values))?;
            if *table == STEPS {
                let text = self.fts_columns.iter().map(|&column| &values[column]);
                connection
                    .prepare_cached(&self.fts_insert)?
                    .execute(params_from_iter(text))?;
            }
        }
        Ok(())
    }

    /// Adds the next guide's rows, all or none: a guide that breaks a key or a `CHECK` is left
    /// out ([`SqliteWriter::left_out`]); any other failure ends the export.
    pub fn push(&mut self, records: SqliteRecords) -> Result<(), ExportError> {
        let connection = self.connection()?;
        let path = self.staged.target();
        let database = |e: rusqlite::Error| ExportError::database(path, e);
        connection
            .execute_batch("SAVEPOINT guide;")
            .map_err(database)?;
        let refused = match self.insert(connection, &records) {
            Ok(()) => None,
            Err(error) if error.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                Some(error.to_string())
            }
            Err(error) => {
                return Err(ExportError::Content(format!(
                    "cannot store the guide `{}` in {}: {error}",
                    records.id,
                    path.display()
                )));
            }
        };
        let end = if refused.is_some() {
            "ROLLBACK TO guide; RELEASE guide;"
        } else {
            "RELEASE guide;"
        };
        connection.execute_batch(end).map_err(database)?;
        match refused {
            Some(reason) => self.left_out.push(LeftOut {
                id: records.id,
                reason,
            }),
            None => self.guides += 1,
        }
        Ok(())
    }

    /// How many guides were stored.
    pub fn guides(&self) -> usize {
        self.guides
    }

    /// The guides left out so far, in the order they came.
    pub fn left_out(&self) -> &[LeftOut] {
        &self.left_out
    }

    /// Completes the database (the related guides' titles, `remedy_meta`) and puts it in
    /// place; returns its path.
    pub fn finish(self) -> Result<PathBuf, ExportError> {
        let staged = self.stage()?;
        let path = staged.target().to_path_buf();
        staged.commit()?;
        Ok(path)
    }

    /// Completes the database, leaving it staged for a commit with other exports' files.
    pub fn stage(mut self) -> Result<StagedFile, ExportError> {
        let path = self.staged.target().to_path_buf();
        let database = |e: rusqlite::Error| ExportError::database(&path, e);
        let connection = self.connection()?;
        let related = quoted(TABLES[RELATED].name);
        connection
            .execute_batch(&format!(
                "UPDATE {related} SET \"title\" = (SELECT g.\"title\" FROM \"guides\" AS g \
                 WHERE g.\"guide_id\" = {related}.\"related_guide_id\") \
                 WHERE \"related_guide_id\" IS NOT NULL;\
                 INSERT INTO {fts}({fts}) VALUES ('optimize');",
                fts = quoted(STEPS_FTS),
            ))
            .map_err(database)?;
        for (key, value) in [
            ("format", SQLITE_FORMAT.to_owned()),
            ("version", SQLITE_FORMAT_VERSION.to_string()),
            ("guides", self.guides.to_string()),
        ] {
            connection
                .execute(
                    "INSERT INTO \"remedy_meta\" (\"key\", \"value\") VALUES (?1, ?2)",
                    [key, value.as_str()],
                )
                .map_err(database)?;
        }
        connection.execute_batch("COMMIT;").map_err(database)?;
        if let Some(connection) = self.connection.take() {
            connection.close().map_err(|(_, e)| database(e))?;
        }
        let Self { staged, .. } = self;
        Ok(staged)
    }
}

/// Writes the database of these guides to `path` (its folder created if missing); see
/// [`SqliteWriter`]. Returns the guides it had to leave out.
pub fn export_sqlite(guides: &[ExportGuide], path: &Path) -> Result<Vec<LeftOut>, ExportError> {
    let mut writer = SqliteWriter::create(path)?;
    for guide in guides {
        writer.push(render_sqlite_guide(guide)?)?;
    }
    let left_out = writer.left_out().to_vec();
    writer.finish()?;
    Ok(left_out)
}
