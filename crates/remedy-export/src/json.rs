//! JSON and JSONL export for programs (SPEC §4).
//!
//! `write_json` writes one document, `{"format": "remedy-guides", "version": 1, "guides": [...]}`,
//! pretty-printed with two spaces and a final newline. `write_jsonl` writes the same guide objects,
//! one per line and compact, with no envelope: line *n* is `guides[n-1]` of the JSON document, and
//! it conforms to `#/$defs/ExportedGuide` of `schemas/export.schema.json`.
//!
//! Each guide is the guide as written (every field the writer set, in the model's order; a field
//! the writer left out is absent, never `null`) plus three derived things in fixed places:
//! `number` opens every step object (`"2.1.3"`), and `source` and `comparison` close every guide
//! object. Key order is the order of the fields below, so the output is byte-for-byte stable.

use std::io::{self, Write};
use std::path::Path;

use remedy_core::schema::{pretty_json, schema_for};
use remedy_core::{
    Cause, Code, ComparisonRow, Date, Faq, Guide, Id, Image, Method, Reference, Related, Risk,
    Scenario, See, Slug, Step, StepVisit, TimeRange,
};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;

use crate::ExportGuide;
use crate::output::{ExportError, write_atomic};

/// The `$id` of the export schema.
pub const EXPORT_SCHEMA_ID: &str = "https://remedy.invalid/schemas/export.schema.json";
/// The value of `format` in a JSON export.
pub const EXPORT_FORMAT: &str = "remedy-guides";
/// The value of `version` in a JSON export; raised when a field changes meaning or disappears.
pub const EXPORT_VERSION: u32 = 1;

fn is_empty<T>(items: &&[T]) -> bool {
    items.is_empty()
}

/// A JSON export of remedy guides: troubleshooting guides as written, with their derived step
/// numbers and comparison tables. With `--jsonl`, each line holds one element of `guides`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields, title = "remedy guides export")]
pub struct ExportDocument<'g> {
    /// Always `remedy-guides`.
    #[schemars(schema_with = "format_schema")]
    pub format: &'static str,
    /// The version of this format: 1.
    #[schemars(schema_with = "version_schema")]
    pub version: u32,
    /// The guides, in the order they were given (content order).
    pub guides: Vec<ExportedGuide<'g>>,
}

fn format_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "const": EXPORT_FORMAT })
}

fn version_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "integer", "const": EXPORT_VERSION })
}

/// A troubleshooting guide as written, plus its `source` file and its derived comparison table.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ExportedGuide<'g> {
    /// The guide's id; equals the file name without its extension.
    pub id: &'g Id,
    /// The title a reader sees.
    pub title: &'g str,
    /// One paragraph: what problem this guide solves and for whom.
    pub summary: &'g str,
    /// The date of the last review, `YYYY-MM-DD`.
    pub updated: &'g Date,
    /// The guide's language as a BCP 47 tag; absent means `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<&'g str>,
    /// The platforms the guide applies to, e.g. `["ios", "macos"]`.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub platforms: &'g [Slug],
    /// Keywords for search and grouping.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub tags: &'g [Slug],
    /// Background the reader needs before starting; blank lines separate paragraphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overview: Option<&'g str>,
    /// Why the problem happens.
    pub causes: &'g [Cause],
    /// The ways to fix the problem, in the order a reader should try them.
    pub methods: Vec<ExportedMethod<'g>>,
    /// Questions readers ask, with answers.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub faq: &'g [Faq],
    /// Situations and the methods to try first in each.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub scenarios: &'g [Scenario],
    /// Other guides (by id) or external pages (`{title, url}`).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub related: &'g [Related],
    /// Derived: the guide's file relative to the content root, with `/` separators.
    pub source: &'g str,
    /// Derived: the "at a glance" table, one row per method in method order.
    pub comparison: Vec<ComparisonRow>,
}

/// One way to fix the problem, as written; its steps carry their derived numbers.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ExportedMethod<'g> {
    /// The method's id, unique within the guide.
    pub id: &'g Id,
    /// The method's name.
    pub title: &'g str,
    /// What the method does and when it helps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<&'g str>,
    /// The ids of the causes this method fixes.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub addresses: &'g [Reference],
    /// Who or which situation the method suits best.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_for: Option<&'g str>,
    /// How easy the method is, from 1 (hard) to 5 (very easy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 5))]
    pub ease: Option<u8>,
    /// How often the method fixes the problem, from 1 (rarely) to 5 (excellent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 5))]
    pub effectiveness: Option<u8>,
    /// How long the method takes, in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeRange>,
    /// The risk to the reader's data.
    pub risk: Risk,
    /// The platforms this method applies to; absent: all of the guide's.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub platforms: &'g [Slug],
    /// What the reader needs ready before starting.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub before: &'g [String],
    /// A caution for the whole method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<&'g str>,
    /// A picture for the whole method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<&'g Image>,
    /// The steps, in order.
    pub steps: Vec<ExportedStep<'g>>,
    /// What speaks for this method.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub pros: &'g [String],
    /// What speaks against it.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub cons: &'g [String],
}

/// One instruction as written, with its derived number.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ExportedStep<'g> {
    /// Derived: the step's number within its method, `1`, `2`, `2.1`, `2.1.3`.
    #[schemars(regex(pattern = r"^[1-9][0-9]*(\.[1-9][0-9]*)*$"))]
    pub number: String,
    /// The instruction.
    pub text: &'g str,
    /// An id, set when something refers to this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<&'g Id>,
    /// Sub-steps, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<ExportedStep<'g>>>,
    /// Extra information for the reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<&'g str>,
    /// A caution shown in a warning box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<&'g str>,
    /// What the reader should see once the step is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<&'g str>,
    /// The step can lose the reader's data or settings; `false` when the writer said it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destructive: Option<bool>,
    /// The step returns settings to defaults or forgets saved configuration, losing no data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resets: Option<bool>,
    /// The step makes or confirms a backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<bool>,
    /// Related methods or steps: `ID` or `GUIDE#ID`, one or a list, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub see: Option<&'g See>,
    /// Something to type, as written: the text, or `{text, language}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<&'g Code>,
    /// A screenshot or diagram for this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<&'g Image>,
    /// The platforms this step applies to; absent: all of its method's.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub platforms: &'g [Slug],
}

impl<'g> ExportDocument<'g> {
    /// The document for these guides, in the order given.
    pub fn new(guides: &[ExportGuide<'g>]) -> Self {
        ExportDocument {
            format: EXPORT_FORMAT,
            version: EXPORT_VERSION,
            guides: guides.iter().map(ExportedGuide::new).collect(),
        }
    }
}

impl<'g> ExportedGuide<'g> {
    /// The exported form of one guide.
    pub fn new(export: &ExportGuide<'g>) -> Self {
        let guide: &'g Guide = export.guide;
        ExportedGuide {
            id: &guide.id,
            title: &guide.title,
            summary: &guide.summary,
            updated: &guide.updated,
            lang: guide.lang.as_deref(),
            platforms: &guide.platforms,
            tags: &guide.tags,
            overview: guide.overview.as_deref(),
            causes: &guide.causes,
            methods: guide.methods.iter().map(ExportedMethod::new).collect(),
            faq: &guide.faq,
            scenarios: &guide.scenarios,
            related: &guide.related,
            source: export.source,
            comparison: guide.comparison(),
        }
    }
}

impl<'g> ExportedMethod<'g> {
    /// The exported form of one method.
    pub fn new(method: &'g Method) -> Self {
        ExportedMethod {
            id: &method.id,
            title: &method.title,
            summary: method.summary.as_deref(),
            addresses: &method.addresses,
            best_for: method.best_for.as_deref(),
            ease: method.ease,
            effectiveness: method.effectiveness,
            time: method.time,
            risk: method.risk,
            platforms: &method.platforms,
            before: &method.before,
            warning: method.warning.as_deref(),
            image: method.image.as_ref(),
            steps: number_steps(&method.walk_steps()),
            pros: &method.pros,
            cons: &method.cons,
        }
    }
}

/// Rebuilds the step tree from the walk (parents before children, in document order), so that
/// the numbers are exactly those of [`Method::walk_steps`] and the depth of a guide never costs
/// call stack.
fn number_steps<'g>(visits: &[StepVisit<'g>]) -> Vec<ExportedStep<'g>> {
    let mut top = Vec::new();
    // The current branch: each open step with the sub-steps finished so far.
    let mut open: Vec<OpenStep<'g>> = Vec::new();
    for visit in visits {
        while open.len() >= visit.depth() {
            close(&mut open, &mut top);
        }
        open.push(OpenStep {
            step: visit.step,
            number: visit.number(),
            children: Vec::new(),
        });
    }
    while !open.is_empty() {
        close(&mut open, &mut top);
    }
    top
}

struct OpenStep<'g> {
    step: &'g Step,
    number: String,
    children: Vec<ExportedStep<'g>>,
}

fn close<'g>(open: &mut Vec<OpenStep<'g>>, top: &mut Vec<ExportedStep<'g>>) {
    let Some(OpenStep {
        step,
        number,
        children,
    }) = open.pop()
    else {
        return;
    };
    let exported = ExportedStep {
        number,
        text: &step.text,
        id: step.id.as_ref(),
        steps: step.steps.as_ref().map(|_| children),
        note: step.note.as_deref(),
        warning: step.warning.as_deref(),
        result: step.result.as_deref(),
        destructive: step.destructive,
        resets: step.resets,
        backup: step.backup,
        see: step.see.as_ref(),
        code: step.code.as_ref(),
        image: step.image.as_ref(),
        platforms: &step.platforms,
    };
    match open.last_mut() {
        Some(parent) => parent.children.push(exported),
        None => top.push(exported),
    }
}

/// One guide as the export holds it, rendered on its own so that guides can be rendered in
/// parallel and written as they come: for JSON, the pretty-printed element of `guides`
/// (indented to its place in the document); for JSON Lines, one compact line with its `\n`.
pub fn render_json_guide(guide: &ExportGuide<'_>, jsonl: bool) -> serde_json::Result<Vec<u8>> {
    let exported = ExportedGuide::new(guide);
    if jsonl {
        let mut line = serde_json::to_vec(&exported)?;
        line.push(b'\n');
        return Ok(line);
    }
    // Strings never hold a raw newline in JSON: every `\n` starts a line of the structure,
    // and is followed by the indentation of an element of `guides`.
    let mut indented = Indented(Vec::with_capacity(64 * 1024));
    serde_json::to_writer_pretty(&mut indented, &exported)?;
    Ok(indented.0)
}

/// Bytes with [`ELEMENT_INDENT`] after every newline. serde_json's pretty printer writes a
/// line break as the end of one write (`\n` or `,\n`, then the indentation), and a string's
/// line breaks as `\n` escapes, so only the last byte of each write is looked at.
struct Indented(Vec<u8>);

impl Write for Indented {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(bytes);
        if bytes.last() == Some(&b'\n') {
            self.0.extend_from_slice(ELEMENT_INDENT);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The indentation of an element of `guides` in the pretty-printed document.
const ELEMENT_INDENT: &[u8] = b"    ";

/// Writes an export one rendered guide at a time ([`render_json_guide`]), the same bytes as
/// serializing the whole [`ExportDocument`] at once.
#[derive(Debug)]
pub struct JsonWriter<W: Write> {
    out: W,
    jsonl: bool,
    written: usize,
}

impl<W: Write> JsonWriter<W> {
    /// Starts the export (for JSON, its envelope up to the first guide).
    pub fn new(mut out: W, jsonl: bool) -> io::Result<Self> {
        if !jsonl {
            write!(
                out,
                "{{\n  \"format\": \"{EXPORT_FORMAT}\",\n  \"version\": {EXPORT_VERSION},\n  \"guides\": ["
            )?;
        }
        Ok(Self {
            out,
            jsonl,
            written: 0,
        })
    }

    /// Adds the next guide, rendered by [`render_json_guide`] with the same `jsonl`.
    pub fn push(&mut self, rendered: &[u8]) -> io::Result<()> {
        if !self.jsonl {
            self.out.write_all(if self.written == 0 {
                b"\n    "
            } else {
                b",\n    "
            })?;
        }
        self.written += 1;
        self.out.write_all(rendered)
    }

    /// How many guides were written.
    pub fn len(&self) -> usize {
        self.written
    }

    /// Whether no guide was written.
    pub fn is_empty(&self) -> bool {
        self.written == 0
    }

    /// Ends the export and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.jsonl {
            let end: &[u8] = if self.written == 0 {
                b"]\n}\n"
            } else {
                b"\n  ]\n}\n"
            };
            self.out.write_all(end)?;
        }
        Ok(self.out)
    }
}

/// Writes the guides as one pretty-printed JSON document with a final newline.
pub fn write_json(guides: &[ExportGuide], out: &mut dyn Write) -> io::Result<()> {
    write_guides(guides, out, false)
}

/// Writes the guides as JSON Lines: one compact guide object per line (the same object as in
/// `guides` of [`write_json`]), each line ending in `\n`; no envelope, so zero guides write nothing.
pub fn write_jsonl(guides: &[ExportGuide], out: &mut dyn Write) -> io::Result<()> {
    write_guides(guides, out, true)
}

fn write_guides(guides: &[ExportGuide], out: &mut dyn Write, jsonl: bool) -> io::Result<()> {
    let mut writer = JsonWriter::new(out, jsonl)?;
    for guide in guides {
        writer.push(&render_json_guide(guide, jsonl)?)?;
    }
    writer.finish()?;
    Ok(())
}

/// Writes the JSON (or, with `jsonl`, JSON Lines) export to `path` atomically.
pub fn export_json(guides: &[ExportGuide], path: &Path, jsonl: bool) -> Result<(), ExportError> {
    write_atomic(path, |out| write_guides(guides, out, jsonl))
}

/// The export schema as JSON, as checked in at `schemas/export.schema.json`.
pub fn export_schema() -> serde_json::Value {
    schema_for::<ExportDocument>(EXPORT_SCHEMA_ID).to_value()
}

/// The export schema, pretty-printed with a final newline: the bytes of the checked-in file.
pub fn export_schema_text() -> String {
    pretty_json(&export_schema())
}
