//! CSV tables and their Frictionless data package, for data teams (SPEC §4).
//!
//! The tables of [`TABLES`] (`guides.csv`, `causes.csv`, `methods.csv`, `steps.csv`,
//! `pros_cons.csv`, `faq.csv`, `method_causes.csv`, `scenarios.csv`, `related.csv`,
//! `prerequisites.csv`), and `datapackage.json` describing them. The columns, their types and
//! keys are declared once, in [`TABLES`]: the header rows, the data package and the SQLite
//! database ([`crate::sqlite`]) all come from there.
//!
//! The format: RFC 4180 (fields quoted only when they hold a comma, a quote, CR or LF; quotes
//! doubled; records end in CRLF), UTF-8, one header row, rows in content order (guides as given,
//! then the order of the YAML). An absent value is an empty cell; booleans are `true`/`false`;
//! lists are joined with `;` (ids and slugs never hold one). Text is written as it is, line breaks
//! included (inside quotes); with [`CsvOptions::excel_safe`] a cell that a spreadsheet would run
//! as a formula gets a leading `'`.

mod datapackage;

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use remedy_core::{Code, Guide, Method, Related, Step, StepVisit, rich_text};

use crate::ExportGuide;
use crate::output::{ExportError, ScratchFile, StagedFile, commit_all, ensure_dir};

pub use datapackage::{DATAPACKAGE_FILE, datapackage, datapackage_text};

/// How the CSV files are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start every file with a UTF-8 byte order mark, so that Excel reads it as UTF-8.
    pub bom: bool,
    /// Prefix a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return with `'`,
    /// so that a spreadsheet shows it as text instead of running it as a formula (OWASP "CSV
    /// injection"). Off by default: databases get the text as written.
    pub excel_safe: bool,
    /// Write rich text as its source (`--text markdown`) instead of without its markup.
    pub markdown: bool,
}

/// The type of a column, as the data package declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A date, `YYYY-MM-DD`.
    Date,
}

impl FieldType {
    /// The Table Schema name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }
}

/// What a column's values may be, beyond their type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// Nothing more.
    None,
    /// An integer from `.0` to `.1`.
    Range(i64, i64),
    /// An integer of at least `.0`.
    Minimum(i64),
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// Text matching this regular expression.
    Pattern(&'static str),
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The column name, as in the header row.
    pub name: &'static str,
    /// Its type.
    pub kind: FieldType,
    /// Whether every row has a value.
    pub required: bool,
    /// Further constraints.
    pub constraint: Constraint,
    /// What the column holds.
    pub description: &'static str,
}

/// A foreign key: `fields` of this table refer to `reference` of `resource`.
#[derive(Debug, Clone, Copy)]
pub struct ForeignKey {
    /// Columns of this table.
    pub fields: &'static [&'static str],
    /// The table referred to.
    pub resource: &'static str,
    /// Its columns, in the same order.
    pub reference: &'static [&'static str],
}

/// One CSV table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The resource name, `steps`.
    pub name: &'static str,
    /// The file name, `steps.csv`.
    pub file: &'static str,
    /// A title for the resource.
    pub title: &'static str,
    /// What one row is.
    pub description: &'static str,
    /// The columns, in order.
    pub fields: &'static [Field],
    /// The columns that identify a row.
    pub primary_key: &'static [&'static str],
    /// References to other tables.
    pub foreign_keys: &'static [ForeignKey],
}

impl Table {
    /// The header row.
    pub fn header(&self) -> Vec<&'static str> {
        self.fields.iter().map(|field| field.name).collect()
    }
}

const REFERENCE: &str = remedy_core::id::REFERENCE_PATTERN;
const ID: &str = remedy_core::id::ID_PATTERN;
const NUMBER: &str = r"^[1-9][0-9]*(\.[1-9][0-9]*)*$";
/// One reference or several, separated by `;`.
const REFERENCES: &str = "^([a-z0-9]+(-[a-z0-9]+)*#)?[a-z0-9]+(-[a-z0-9]+)*(;([a-z0-9]+(-[a-z0-9]+)*#)?[a-z0-9]+(-[a-z0-9]+)*)*$";
const RISKS: &[&str] = &["very-low", "low", "moderate", "high", "very-high"];

const fn key(name: &'static str, constraint: Constraint, description: &'static str) -> Field {
    Field {
        name,
        kind: FieldType::String,
        required: true,
        constraint,
        description,
    }
}

const fn text(name: &'static str, required: bool, description: &'static str) -> Field {
    Field {
        name,
        kind: FieldType::String,
        required,
        constraint: Constraint::None,
        description,
    }
}

const fn integer(
    name: &'static str,
    required: bool,
    constraint: Constraint,
    description: &'static str,
) -> Field {
    Field {
        name,
        kind: FieldType::Integer,
        required,
        constraint,
        description,
    }
}

const fn boolean(name: &'static str, description: &'static str) -> Field {
    Field {
        name,
        kind: FieldType::Boolean,
        required: false,
        constraint: Constraint::None,
        description,
    }
}

const GUIDE_ID: Field = key(
    "guide_id",
    Constraint::Pattern(ID),
    "The guide's id (guides.csv).",
);
const METHOD_ID: Field = key(
    "method_id",
    Constraint::Pattern(ID),
    "The method's id, unique within its guide (methods.csv).",
);
const POSITION: Field = integer(
    "position",
    true,
    Constraint::Minimum(1),
    "The row's place in its list, from 1.",
);

const TO_GUIDES: ForeignKey = ForeignKey {
    fields: &["guide_id"],
    resource: "guides",
    reference: &["guide_id"],
};
const TO_METHODS: ForeignKey = ForeignKey {
    fields: &["guide_id", "method_id"],
    resource: "methods",
    reference: &["guide_id", "method_id"],
};

/// The tables, in the order they are written and described.
pub const TABLES: &[Table] = &[
    Table {
        name: "guides",
        file: "guides.csv",
        title: "Guides",
        description: "One row per troubleshooting guide.",
        fields: &[
            key(
                "guide_id",
                Constraint::Pattern(ID),
                "The guide's id; equals its file name without the extension.",
            ),
            text("title", true, "The title a reader sees."),
            text(
                "summary",
                true,
                "One paragraph: what problem the guide solves.",
            ),
            Field {
                name: "updated",
                kind: FieldType::Date,
                required: true,
                constraint: Constraint::None,
                description: "The date of the last review.",
            },
            text(
                "platforms",
                false,
                "The platforms the guide applies to, separated by `;`.",
            ),
            text("tags", false, "Keywords, separated by `;`."),
            integer(
                "causes",
                true,
                Constraint::Minimum(0),
                "The number of causes (rows in causes.csv).",
            ),
            integer(
                "methods",
                true,
                Constraint::Minimum(0),
                "The number of methods (rows in methods.csv).",
            ),
            integer(
                "steps",
                true,
                Constraint::Minimum(0),
                "The number of steps and sub-steps of all methods (rows in steps.csv).",
            ),
            text(
                "source",
                true,
                "The guide's file, relative to the content root, with `/` separators.",
            ),
            text(
                "overview",
                false,
                "Background the reader needs; paragraphs separated by a blank line.",
            ),
            text(
                "lang",
                false,
                "The guide's language as a BCP 47 tag; empty means `en`.",
            ),
        ],
        primary_key: &["guide_id"],
        foreign_keys: &[],
    },
    Table {
        name: "causes",
        file: "causes.csv",
        title: "Causes",
        description: "One row per cause of a guide's problem, in the guide's order.",
        fields: &[
            GUIDE_ID,
            key(
                "cause_id",
                Constraint::Pattern(ID),
                "The cause's id, unique within its guide.",
            ),
            POSITION,
            text("title", true, "A short name for the cause."),
            text(
                "description",
                false,
                "How the cause shows itself and why it breaks things.",
            ),
        ],
        primary_key: &["guide_id", "cause_id"],
        foreign_keys: &[TO_GUIDES],
    },
    Table {
        name: "methods",
        file: "methods.csv",
        title: "Methods",
        description: "One row per method (way to fix the problem), in the order a reader should try them.",
        fields: &[
            GUIDE_ID,
            key(
                "method_id",
                Constraint::Pattern(ID),
                "The method's id, unique within its guide.",
            ),
            POSITION,
            text("title", true, "The method's name."),
            text("summary", false, "What the method does and when it helps."),
            text(
                "best_for",
                false,
                "Who or which situation the method suits best.",
            ),
            integer(
                "ease",
                false,
                Constraint::Range(1, 5),
                "How easy the method is, from 1 (hard) to 5 (very easy).",
            ),
            integer(
                "effectiveness",
                false,
                Constraint::Range(1, 5),
                "How often the method fixes the problem, from 1 (rarely) to 5 (excellent).",
            ),
            integer(
                "time_min",
                false,
                Constraint::Minimum(0),
                "The shortest time the method takes, in minutes.",
            ),
            integer(
                "time_max",
                false,
                Constraint::Minimum(0),
                "The longest time the method takes, in minutes; empty when open-ended or unknown.",
            ),
            Field {
                name: "risk",
                kind: FieldType::String,
                required: true,
                constraint: Constraint::Enum(RISKS),
                description: "The risk to the reader's data.",
            },
            integer(
                "risk_rank",
                true,
                Constraint::Range(1, 5),
                "The risk as a number for sorting: 1 (very-low) to 5 (very-high).",
            ),
            text(
                "addresses",
                false,
                "The ids of the causes the method fixes, separated by `;` (`GUIDE#ID` for a cause of another guide).",
            ),
            integer(
                "steps",
                true,
                Constraint::Minimum(0),
                "The number of steps and sub-steps (rows in steps.csv).",
            ),
            integer(
                "destructive_steps",
                true,
                Constraint::Minimum(0),
                "The number of steps marked destructive.",
            ),
            integer(
                "backup_steps",
                true,
                Constraint::Minimum(0),
                "The number of steps that make or confirm a backup.",
            ),
            integer(
                "reset_steps",
                true,
                Constraint::Minimum(0),
                "The number of steps marked `resets` (settings returned to defaults, no data lost).",
            ),
            text(
                "platforms",
                false,
                "The platforms the method applies to, separated by `;`; empty: all of the guide's.",
            ),
            text(
                "warning",
                false,
                "A caution for the whole method, shown before its steps.",
            ),
            text(
                "image_src",
                false,
                "The method's picture, relative to the guide's file.",
            ),
            text(
                "image_alt",
                false,
                "What the method's picture shows, for readers who cannot see it.",
            ),
        ],
        primary_key: &["guide_id", "method_id"],
        foreign_keys: &[TO_GUIDES],
    },
    Table {
        name: "steps",
        file: "steps.csv",
        title: "Steps",
        description: "One row per step or sub-step of a method, in document order (a step before its sub-steps).",
        fields: &[
            GUIDE_ID,
            METHOD_ID,
            key(
                "number",
                Constraint::Pattern(NUMBER),
                "The step's number within its method: 1, 2, 2.1, 2.1.3.",
            ),
            Field {
                name: "step_id",
                kind: FieldType::String,
                required: false,
                constraint: Constraint::Pattern(ID),
                description: "The step's id, when something refers to it.",
            },
            Field {
                name: "parent_number",
                kind: FieldType::String,
                required: false,
                constraint: Constraint::Pattern(NUMBER),
                description: "The number of the step this one is a sub-step of; empty for a top-level step.",
            },
            integer(
                "depth",
                true,
                Constraint::Minimum(1),
                "1 for a top-level step, 2 for its sub-steps, and so on.",
            ),
            integer(
                "position",
                true,
                Constraint::Minimum(1),
                "The step's place among its siblings, from 1.",
            ),
            text("text", true, "The instruction."),
            text("note", false, "Extra information for the reader."),
            text("warning", false, "A caution shown in a warning box."),
            text(
                "result",
                false,
                "What the reader should see once the step is done.",
            ),
            boolean(
                "destructive",
                "`true` when the step can lose data or settings, `false` when the writer said it cannot; empty when not stated.",
            ),
            boolean(
                "backup",
                "`true` when the step makes or confirms a backup; empty when not stated.",
            ),
            Field {
                name: "see",
                kind: FieldType::String,
                required: false,
                constraint: Constraint::Pattern(REFERENCES),
                description: "Related methods or steps, separated by `;`: `ID`, or `GUIDE#ID` in another guide.",
            },
            integer(
                "reading_order",
                true,
                Constraint::Minimum(1),
                "The step's place in its method as printed, from 1 (a step before its sub-steps): `ORDER BY reading_order` reads the steps in order.",
            ),
            boolean(
                "resets",
                "`true` when the step returns settings to defaults or forgets saved configuration without losing data; empty when not stated.",
            ),
            text(
                "code",
                false,
                "Something to type, exactly as shown; line breaks kept.",
            ),
            text(
                "code_language",
                false,
                "Where the code is typed: `powershell`, `terminal`, `cmd`, …",
            ),
            text(
                "image_src",
                false,
                "The step's picture, relative to the guide's file.",
            ),
            text(
                "image_alt",
                false,
                "What the step's picture shows, for readers who cannot see it.",
            ),
            text(
                "platforms",
                false,
                "The platforms the step applies to as written, separated by `;`; empty: it inherits its method's.",
            ),
            text("image_caption", false, "Shown under the step's picture."),
        ],
        primary_key: &["guide_id", "method_id", "number"],
        foreign_keys: &[TO_METHODS],
    },
    Table {
        name: "pros_cons",
        file: "pros_cons.csv",
        title: "Pros and cons",
        description: "One row per pro or con of a method: a method's pros, then its cons.",
        fields: &[
            GUIDE_ID,
            METHOD_ID,
            key("kind", Constraint::Enum(&["pro", "con"]), "`pro` or `con`."),
            integer(
                "position",
                true,
                Constraint::Minimum(1),
                "The place among the method's pros, or among its cons, from 1.",
            ),
            text("text", true, "What speaks for or against the method."),
        ],
        primary_key: &["guide_id", "method_id", "kind", "position"],
        foreign_keys: &[TO_METHODS],
    },
    Table {
        name: "faq",
        file: "faq.csv",
        title: "FAQ",
        description: "One row per question and answer of a guide.",
        fields: &[
            GUIDE_ID,
            POSITION,
            text("question", true, "The question, as a reader would ask it."),
            text("answer", true, "The answer."),
            text(
                "see",
                false,
                "Methods or steps the answer points to, separated by `;` (`GUIDE#ID` in another guide).",
            ),
        ],
        primary_key: &["guide_id", "position"],
        foreign_keys: &[TO_GUIDES],
    },
    Table {
        name: "method_causes",
        file: "method_causes.csv",
        title: "Methods and the causes they fix",
        description: "One row per cause a method addresses, in the order of the method's `addresses`: the link table between methods.csv and causes.csv.",
        fields: &[
            GUIDE_ID,
            METHOD_ID,
            key(
                "cause_id",
                Constraint::Pattern(REFERENCE),
                "The cause, as written: its id (a cause of this guide, joined to causes.csv on guide_id and cause_id), or `GUIDE#ID` for a cause of another guide.",
            ),
            integer(
                "position",
                true,
                Constraint::Minimum(1),
                "The cause's place in the method's `addresses`, from 1.",
            ),
        ],
        primary_key: &["guide_id", "method_id", "cause_id"],
        foreign_keys: &[TO_METHODS],
    },
    Table {
        name: "scenarios",
        file: "scenarios.csv",
        title: "Scenarios",
        description: "One row per \"where to start\" scenario of a guide: a situation and the methods to try first in it.",
        fields: &[
            GUIDE_ID,
            POSITION,
            text(
                "when",
                true,
                "The situation, as a reader would describe it.",
            ),
            text(
                "try",
                true,
                "The methods to try first, in order, separated by `;` (`GUIDE#ID` for a method of another guide).",
            ),
        ],
        primary_key: &["guide_id", "position"],
        foreign_keys: &[TO_GUIDES],
    },
    Table {
        name: "related",
        file: "related.csv",
        title: "Related guides and pages",
        description: "One row per related guide or external page of a guide, in the guide's order.",
        fields: &[
            GUIDE_ID,
            POSITION,
            Field {
                name: "related_guide_id",
                kind: FieldType::String,
                required: false,
                constraint: Constraint::Pattern(ID),
                description: "The related guide's id; empty for an external page.",
            },
            text(
                "title",
                false,
                "The related guide's title (empty when that guide was not exported), or the external page's title.",
            ),
            text(
                "url",
                false,
                "The external page's address; empty for a guide.",
            ),
        ],
        primary_key: &["guide_id", "position"],
        foreign_keys: &[TO_GUIDES],
    },
    Table {
        name: "prerequisites",
        file: "prerequisites.csv",
        title: "Prerequisites",
        description: "One row per thing a reader needs ready before starting a method (its `before`).",
        fields: &[
            GUIDE_ID,
            METHOD_ID,
            POSITION,
            text(
                "text",
                true,
                "What to have ready: a password, a cable, a computer.",
            ),
        ],
        primary_key: &["guide_id", "method_id", "position"],
        foreign_keys: &[TO_METHODS],
    },
];

/// The index in [`TABLES`] of the table named `name`.
const fn table_index(name: &str) -> usize {
    let mut i = 0;
    while i < TABLES.len() {
        if str_eq(TABLES[i].name, name) {
            return i;
        }
        i += 1;
    }
    panic!("no such table")
}

/// The index of the column named `name` in `table`.
const fn field_index(table: usize, name: &str) -> usize {
    let fields = TABLES[table].fields;
    let mut i = 0;
    while i < fields.len() {
        if str_eq(fields[i].name, name) {
            return i;
        }
        i += 1;
    }
    panic!("no such column")
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Where the tables and columns that the writers treat specially are; evaluated at compile
/// time, so a renamed table or column fails the build, not a run.
pub(crate) const STEPS: usize = table_index("steps");
pub(crate) const RELATED: usize = table_index("related");
const RELATED_GUIDE: usize = field_index(RELATED, "related_guide_id");
const RELATED_TITLE: usize = field_index(RELATED, "title");

/// The rows of every table, in [`TABLES`] order; every cell already text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    /// `rows[i]` holds the data rows of `TABLES[i]`.
    pub tables: Vec<Vec<Vec<String>>>,
}

impl Default for Rows {
    fn default() -> Self {
        Self {
            tables: vec![Vec::new(); TABLES.len()],
        }
    }
}

/// The titles of the guides exported so far, by id: a related.csv row of a guide entry gets
/// the title of the guide it names, which may come later in the export. With the guide ids
/// and their 6-byte hashes the linter keeps, that is all an export keeps per guide.
#[derive(Debug, Default)]
struct Titles(HashMap<String, String>);

impl Titles {
    fn add(&mut self, id: &str, title: &str) {
        // Of two guides with one id (exported with --force) the first is the one kept.
        self.0
            .entry(id.to_owned())
            .or_insert_with(|| title.to_owned());
    }

    /// The row with its guide entry's title (empty when that guide was not exported).
    fn fill(&self, row: &mut [String]) {
        let title = row.get(RELATED_GUIDE).and_then(|id| self.0.get(id));
        if let (Some(title), Some(cell)) = (title.cloned(), row.get_mut(RELATED_TITLE)) {
            *cell = title;
        }
    }
}

/// One cell: the text as written where there is one (no copy), else a number or flag as text.
pub(crate) type Cell<'g> = Cow<'g, str>;

fn cell(value: Option<&str>) -> Cell<'_> {
    Cow::Borrowed(value.unwrap_or_default())
}

fn written(value: &str) -> Cell<'_> {
    Cow::Borrowed(value)
}

fn number<'g, T: ToString>(value: Option<T>) -> Cell<'g> {
    value.map_or(Cow::Borrowed(""), |v| Cow::Owned(v.to_string()))
}

fn flag<'g>(value: Option<bool>) -> Cell<'g> {
    Cow::Borrowed(match value {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    })
}

fn joined<T: AsRef<str>>(items: &[T]) -> Cell<'_> {
    match items {
        [] => Cow::Borrowed(""),
        [one] => Cow::Borrowed(one.as_ref()),
        _ => Cow::Owned(
            items
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<&str>>()
                .join(";"),
        ),
    }
}

fn count_steps(walk: &[StepVisit<'_>], keep: impl Fn(&Step) -> bool) -> usize {
    walk.iter().filter(|v| keep(v.step)).count()
}

impl Rows {
    /// The rows for these guides, in content order.
    pub fn new(guides: &[ExportGuide], options: &CsvOptions) -> Self {
        let mut rows = Rows::default();
        let mut titles = Titles::default();
        for export in guides {
            titles.add(export.guide.id.as_str(), &export.guide.title);
            guide_rows(export.guide, export.source, options, &mut |table, cells| {
                rows.tables[table].push(cells.iter().map(|cell| cell.to_string()).collect());
            });
        }
        for row in &mut rows.tables[RELATED] {
            titles.fill(row);
        }
        rows
    }
}

/// Every row one guide adds, as `row(table, cells)` with `table` an index into [`TABLES`], in
/// content order: the one place that says what each column holds.
pub(crate) fn guide_rows<'g>(
    guide: &'g Guide,
    source: &'g str,
    options: &CsvOptions,
    row: &mut dyn FnMut(usize, &[Cell<'g>]),
) {
    const GUIDES: usize = 0;
    const CAUSES: usize = 1;
    const METHODS: usize = 2;
    const STEPS: usize = 3;
    const PROS_CONS: usize = 4;
    const FAQ: usize = 5;
    const METHOD_CAUSES: usize = table_index("method_causes");
    const SCENARIOS: usize = table_index("scenarios");
    const PREREQUISITES: usize = table_index("prerequisites");
    let markdown = options.markdown;
    // Rich text: as written with `--text markdown`, else without its markup.
    let rich = |text: &'g str| -> Cell<'g> {
        if markdown || !rich_text::may_hold_markup(text) {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(rich_text::plain(text))
        }
    };
    let rich_opt = |text: Option<&'g String>| text.map_or(Cow::Borrowed(""), |t| rich(t));
    let gid = written(guide.id.as_str());
    let walks: Vec<Vec<StepVisit<'g>>> = guide.methods.iter().map(Method::walk_steps).collect();
    let total_steps: usize = walks.iter().map(Vec::len).sum();
    row(
        GUIDES,
        &[
            gid.clone(),
            written(&guide.title),
            rich(&guide.summary),
            Cow::Owned(guide.updated.to_string()),
            joined(&guide.platforms),
            joined(&guide.tags),
            number(Some(guide.causes.len())),
            number(Some(guide.methods.len())),
            number(Some(total_steps)),
            written(source),
            rich_opt(guide.overview.as_ref()),
            cell(guide.lang.as_deref()),
        ],
    );
    for (i, cause) in guide.causes.iter().enumerate() {
        row(
            CAUSES,
            &[
                gid.clone(),
                written(cause.id.as_str()),
                number(Some(i + 1)),
                written(&cause.title),
                rich_opt(cause.description.as_ref()),
            ],
        );
    }
    for ((i, method), walk) in guide.methods.iter().enumerate().zip(&walks) {
        let mid = written(method.id.as_str());
        row(
            METHODS,
            &[
                gid.clone(),
                mid.clone(),
                number(Some(i + 1)),
                written(&method.title),
                rich_opt(method.summary.as_ref()),
                rich_opt(method.best_for.as_ref()),
                number(method.ease),
                number(method.effectiveness),
                number(method.time.map(|t| t.min)),
                number(method.time.and_then(|t| t.max)),
                written(method.risk.as_str()),
                number(Some(method.risk.rank())),
                joined(&method.addresses),
                number(Some(walk.len())),
                number(Some(count_steps(walk, Step::is_destructive))),
                number(Some(count_steps(walk, Step::is_backup))),
                number(Some(count_steps(walk, Step::is_reset))),
                joined(&method.platforms),
                rich_opt(method.warning.as_ref()),
                cell(method.image.as_ref().map(|image| image.src.as_str())),
                cell(method.image.as_ref().map(|image| image.alt.as_str())),
            ],
        );
        for (j, cause) in method.addresses.iter().enumerate() {
            row(
                METHOD_CAUSES,
                &[
                    gid.clone(),
                    mid.clone(),
                    written(cause.as_str()),
                    number(Some(j + 1)),
                ],
            );
        }
        for (j, item) in method.before.iter().enumerate() {
            row(
                PREREQUISITES,
                &[gid.clone(), mid.clone(), number(Some(j + 1)), rich(item)],
            );
        }
        for (reading_order, visit) in (1..).zip(walk) {
            let step = visit.step;
            row(
                STEPS,
                &[
                    gid.clone(),
                    mid.clone(),
                    Cow::Owned(visit.number()),
                    cell(step.id.as_ref().map(|id| id.as_str())),
                    visit.parent_number().map_or(Cow::Borrowed(""), Cow::Owned),
                    number(Some(visit.depth())),
                    number(Some(visit.position())),
                    rich(&step.text),
                    rich_opt(step.note.as_ref()),
                    rich_opt(step.warning.as_ref()),
                    rich_opt(step.result.as_ref()),
                    flag(step.destructive),
                    flag(step.backup),
                    joined(step.see()),
                    number(Some(reading_order)),
                    flag(step.resets),
                    cell(step.code.as_ref().map(Code::text)),
                    cell(step.code.as_ref().and_then(Code::language)),
                    cell(step.image.as_ref().map(|image| image.src.as_str())),
                    cell(step.image.as_ref().map(|image| image.alt.as_str())),
                    joined(&step.platforms),
                    rich_opt(step.image.as_ref().and_then(|image| image.caption.as_ref())),
                ],
            );
        }
        for (kind, items) in [("pro", &method.pros), ("con", &method.cons)] {
            for (j, item) in items.iter().enumerate() {
                row(
                    PROS_CONS,
                    &[
                        gid.clone(),
                        mid.clone(),
                        written(kind),
                        number(Some(j + 1)),
                        rich(item),
                    ],
                );
            }
        }
    }
    for (i, entry) in guide.faq.iter().enumerate() {
        row(
            FAQ,
            &[
                gid.clone(),
                number(Some(i + 1)),
                rich(&entry.question),
                rich(&entry.answer),
                joined(&entry.see),
            ],
        );
    }
    for (i, scenario) in guide.scenarios.iter().enumerate() {
        row(
            SCENARIOS,
            &[
                gid.clone(),
                number(Some(i + 1)),
                written(&scenario.when),
                joined(&scenario.try_methods),
            ],
        );
    }
    for (i, related) in guide.related.iter().enumerate() {
        // A guide's title is another guide's: the writer fills it in ([`RelatedRows`]).
        let (id, title, url) = match related {
            Related::Guide(id) => (written(id.as_str()), written(""), written("")),
            Related::External(link) => (written(""), written(&link.title), written(&link.url)),
        };
        row(RELATED, &[gid.clone(), number(Some(i + 1)), id, title, url]);
    }
}

/// The cell as a spreadsheet should get it: `'` before a leading `=`, `+`, `-`, `@`, tab or CR.
pub fn excel_safe(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// A CSV writer over bytes as every table uses it: RFC 4180 quoting, CRLF after every record.
fn records(bytes: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(bytes)
}

fn write_rows(bytes: &mut Vec<u8>, rows: &[Vec<String>], options: &CsvOptions) -> io::Result<()> {
    let mut writer = records(bytes);
    for row in rows {
        if options.excel_safe {
            writer.write_record(row.iter().map(|value| excel_safe(value).into_owned()))?;
        } else {
            writer.write_record(row)?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// The start of a table's file: the BOM when asked for, and the header record.
fn table_head(table: &Table, options: &CsvOptions) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if options.bom {
        bytes.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut writer = records(&mut bytes);
    writer.write_record(table.header())?;
    writer.flush()?;
    drop(writer);
    Ok(bytes)
}

/// One table as CSV bytes: header, then the rows; CRLF after every record.
pub fn table_csv(table: &Table, rows: &[Vec<String>], options: &CsvOptions) -> io::Result<Vec<u8>> {
    let mut bytes = table_head(table, options)?;
    write_rows(&mut bytes, rows, options)?;
    Ok(bytes)
}

/// One guide's records, rendered on its own so that guides can be rendered in parallel and
/// written as they come ([`CsvWriter`]).
#[derive(Debug, Clone, Default)]
pub struct CsvRecords {
    /// `tables[i]`: the records of `TABLES[i]` (no header), as CSV bytes; empty for
    /// related.csv, whose rows wait for the titles of the guides they name.
    pub tables: Vec<Vec<u8>>,
    id: String,
    title: String,
    related: Vec<Vec<String>>,
}

/// One guide's records of every table (no headers), in [`TABLES`] order.
pub fn render_csv_guide(guide: &ExportGuide, options: &CsvOptions) -> io::Result<CsvRecords> {
    let mut out: Vec<Vec<u8>> = vec![Vec::new(); TABLES.len()];
    let mut related = Vec::new();
    let mut failed = None;
    {
        let mut writers: Vec<_> = out.iter_mut().map(records).collect();
        guide_rows(guide.guide, guide.source, options, &mut |table, cells| {
            if failed.is_some() {
                return;
            }
            if table == RELATED {
                related.push(cells.iter().map(|cell| cell.to_string()).collect());
                return;
            }
            let written = if options.excel_safe {
                writers[table].write_record(cells.iter().map(|cell| excel_safe(cell).into_owned()))
            } else {
                writers[table].write_record(cells.iter().map(|cell| cell.as_bytes()))
            };
            if let Err(error) = written {
                failed = Some(error);
            }
        });
        for writer in &mut writers {
            writer.flush()?;
        }
    }
    match failed {
        Some(error) => Err(error.into()),
        None => Ok(CsvRecords {
            tables: out,
            id: guide.guide.id.as_str().to_owned(),
            title: guide.guide.title.clone(),
            related,
        }),
    }
}

/// Every file of a CSV export, by file name, in the order written: the tables, then
/// `datapackage.json`.
pub fn render_csv(
    guides: &[ExportGuide],
    options: &CsvOptions,
) -> io::Result<Vec<(&'static str, Vec<u8>)>> {
    let rows = Rows::new(guides, options);
    let mut files = Vec::with_capacity(TABLES.len() + 1);
    for (table, rows) in TABLES.iter().zip(&rows.tables) {
        files.push((table.file, table_csv(table, rows, options)?));
    }
    files.push((DATAPACKAGE_FILE, datapackage_text(options).into_bytes()));
    Ok(files)
}

/// A CSV export being written one guide at a time: the tables are staged beside their
/// targets as guides come ([`render_csv_guide`]), and [`CsvWriter::finish`] adds
/// `datapackage.json` and puts all the files in place together. Other files in the folder are
/// left alone; dropped unfinished, or failing, it leaves the previous export complete and no
/// temporary file behind.
#[derive(Debug)]
pub struct CsvWriter {
    dir: PathBuf,
    tables: Vec<StagedFile>,
    titles: Titles,
    /// related.csv's rows as they come, titles of guide entries still empty: read back and
    /// completed by [`CsvWriter::finish`].
    related: csv::Writer<ScratchFile>,
    options: CsvOptions,
    guides: usize,
}

impl CsvWriter {
    /// Starts an export into `dir` (created if missing).
    pub fn create(dir: &Path, options: &CsvOptions) -> Result<Self, ExportError> {
        ensure_dir(dir)?;
        let mut tables = Vec::with_capacity(TABLES.len());
        for table in TABLES.iter() {
            let path = dir.join(table.file);
            let mut file = StagedFile::create(&path)?;
            let head =
                table_head(table, options).map_err(|e| ExportError::io("write", &path, e))?;
            file.write_all(&head)
                .map_err(|e| ExportError::io("write", &path, e))?;
            tables.push(file);
        }
        let related = ScratchFile::create(dir, TABLES[RELATED].file)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            tables,
            titles: Titles::default(),
            related: csv::WriterBuilder::new().from_writer(related),
            options: *options,
            guides: 0,
        })
    }

    /// Adds the next guide's records.
    pub fn push(&mut self, rendered: CsvRecords) -> Result<(), ExportError> {
        for (file, bytes) in self.tables.iter_mut().zip(&rendered.tables) {
            file.write_all(bytes)
                .map_err(|e| ExportError::io("write", file.target(), e))?;
        }
        self.titles.add(&rendered.id, &rendered.title);
        for row in &rendered.related {
            self.related
                .write_record(row)
                .map_err(|e| ExportError::io("write", self.tables[RELATED].target(), e.into()))?;
        }
        self.guides += 1;
        Ok(())
    }

    /// How many guides were added.
    pub fn guides(&self) -> usize {
        self.guides
    }

    /// Writes related.csv's rows and `datapackage.json` and puts the files in place; returns
    /// their paths.
    pub fn finish(self) -> Result<Vec<PathBuf>, ExportError> {
        let files = self.stage()?;
        let paths = files
            .iter()
            .map(|file| file.target().to_path_buf())
            .collect();
        commit_all(files)?;
        Ok(paths)
    }

    /// Writes related.csv's rows and `datapackage.json`, leaving every file staged for a
    /// commit with other exports' files.
    pub fn stage(mut self) -> Result<Vec<StagedFile>, ExportError> {
        let target = self.tables[RELATED].target().to_path_buf();
        let io = |e: io::Error| ExportError::io("write", &target, e);
        let mut spool = self.related.into_inner().map_err(|e| io(e.into_error()))?;
        spool.file().seek(SeekFrom::Start(0)).map_err(io)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(io::BufReader::new(spool.file()));
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut self.tables[RELATED]);
        for record in reader.records() {
            let record = record.map_err(|e| io(e.into()))?;
            let mut row: Vec<String> = record.iter().map(str::to_owned).collect();
            self.titles.fill(&mut row);
            let written = if self.options.excel_safe {
                out.write_record(row.iter().map(|cell| excel_safe(cell).into_owned()))
            } else {
                out.write_record(&row)
            };
            written.map_err(|e| io(e.into()))?;
        }
        out.flush().map_err(io)?;
        drop(out);
        drop(reader);
        drop(spool);
        let path = self.dir.join(DATAPACKAGE_FILE);
        let mut datapackage = StagedFile::create(&path)?;
        datapackage
            .write_all(datapackage_text(&self.options).as_bytes())
            .map_err(|e| ExportError::io("write", &path, e))?;
        let mut files = self.tables;
        files.push(datapackage);
        Ok(files)
    }
}

/// Writes the tables and `datapackage.json` into `dir` (created if missing) and returns their
/// paths. Other files in `dir` are left alone. All the files are first written to temporary
/// files beside them and renamed into place only when every one was written, so a failure leaves
/// the previous export complete and no temporary file behind.
pub fn export_csv(
    guides: &[ExportGuide],
    dir: &Path,
    options: &CsvOptions,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut writer = CsvWriter::create(dir, options)?;
    for guide in guides {
        let rendered =
            render_csv_guide(guide, options).map_err(|e| ExportError::io("write", dir, e))?;
        writer.push(rendered)?;
    }
    writer.finish()
}
