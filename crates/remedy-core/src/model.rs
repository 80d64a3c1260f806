//! The guide model of SPEC §2: what a writer puts in one YAML file.
//!
//! The doc comments on these types become the descriptions of `schemas/guide.schema.json`, which
//! editors show on hover: they are written for the writer, not the programmer.
//!
//! Unknown keys are rejected by the schema (`deny_unknown_fields` for schemars only), not by serde:
//! a typo in one key then yields one positioned schema finding, and the semantic rules still see
//! the rest of the guide.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::id::{Date, Id, Reference, Slug};

/// A troubleshooting guide: one problem, its likely causes, and the methods that fix it in the
/// order a reader should try them. The file name (without `.yaml`) must equal `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields, title = "remedy guide")]
pub struct Guide {
    /// The guide's id; equals the file name without its extension.
    pub id: Id,
    /// The title a reader sees, e.g. "Fix iCloud sync problems on iPhone".
    #[schemars(length(min = 1))]
    pub title: String,
    /// One paragraph: what problem this guide solves and for whom.
    #[schemars(length(min = 1))]
    pub summary: String,
    /// The date of the last review, `YYYY-MM-DD`.
    pub updated: Date,
    /// The guide's language as a BCP 47 tag, e.g. `en`, `en-GB`, `de`; `en` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"))]
    pub lang: Option<String>,
    /// The platforms the guide applies to, e.g. `[ios, ipados, macos]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<Slug>,
    /// Keywords for search and grouping.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Slug>,
    /// Background the reader needs before starting; blank lines separate paragraphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overview: Option<String>,
    /// Why the problem happens. Methods list the causes they fix in `addresses`.
    #[schemars(length(min = 1))]
    pub causes: Vec<Cause>,
    /// The ways to fix the problem, in the order a reader should try them.
    #[schemars(length(min = 1))]
    pub methods: Vec<Method>,
    /// Questions readers ask, with answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faq: Vec<Faq>,
    /// Situations and the methods to try first in each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    /// Other guides (by id) or external pages (`{title, url}`) a reader may want next.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

/// A reason the problem happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Cause {
    /// The cause's id, unique within the guide.
    pub id: Id,
    /// A short name for the cause, e.g. "Low iCloud storage".
    #[schemars(length(min = 1))]
    pub title: String,
    /// How the cause shows itself and why it breaks things.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One way to fix the problem: a sequence of steps with its costs and risks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Method {
    /// The method's id, unique within the guide.
    pub id: Id,
    /// The method's name, e.g. "Reset network settings".
    #[schemars(length(min = 1))]
    pub title: String,
    /// What the method does and when it helps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The ids of the causes this method fixes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Reference>,
    /// Who or which situation the method suits best.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_for: Option<String>,
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
    /// The platforms this method applies to, each one of the guide's `platforms`; absent: all
    /// of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<Slug>,
    /// What the reader needs ready before starting: a password, a cable, a computer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// A caution for the whole method, shown before its steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// A picture for the whole method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// The steps, in order. Steps may hold sub-steps.
    #[schemars(length(min = 1))]
    pub steps: Vec<Step>,
    /// What speaks for this method.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pros: Vec<String>,
    /// What speaks against it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cons: Vec<String>,
}

/// What a rich-text field may hold beyond inline markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RichField {
    /// One paragraph.
    One,
    /// Paragraphs separated by blank lines.
    Many,
    /// A step's text: one paragraph; a leading list marker is `manual-numbering`'s.
    StepText,
}

impl RichField {
    /// Parses `text` as this field allows.
    pub fn parse(
        self,
        text: &str,
    ) -> (
        crate::rich_text::RichText,
        Vec<crate::rich_text::Unsupported>,
    ) {
        use crate::rich_text::{Paragraphs, parse};
        match self {
            RichField::One => parse(text, Paragraphs::One, false),
            RichField::Many => parse(text, Paragraphs::Many, false),
            RichField::StepText => parse(text, Paragraphs::One, true),
        }
    }
}

/// How long a method takes, in minutes. Leave `max` out when it is open-ended ("60+").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TimeRange {
    /// The shortest time, in minutes.
    #[schemars(range(min = 0))]
    pub min: u32,
    /// The longest time, in minutes; absent when open-ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub max: Option<u32>,
}

impl fmt::Display for TimeRange {
    /// `5–10 min`, `5 min`, `60+ min`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) if max == self.min => write!(f, "{} min", self.min),
            Some(max) => write!(f, "{}\u{2013}{} min", self.min, max),
            None => write!(f, "{}+ min", self.min),
        }
    }
}

/// The risk a method carries for the reader's data, from lowest to highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    /// Nothing can be lost.
    VeryLow,
    /// Settings or a little unsynced data could be lost.
    Low,
    /// Some data could be lost without a backup.
    Moderate,
    /// Data will be lost without a backup.
    High,
    /// Everything on the device is erased.
    VeryHigh,
}

impl Risk {
    /// Every level, lowest first.
    pub const ALL: [Risk; 5] = [
        Risk::VeryLow,
        Risk::Low,
        Risk::Moderate,
        Risk::High,
        Risk::VeryHigh,
    ];

    /// The level as written in a guide: `very-low` … `very-high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::VeryLow => "very-low",
            Risk::Low => "low",
            Risk::Moderate => "moderate",
            Risk::High => "high",
            Risk::VeryHigh => "very-high",
        }
    }

    /// The level for a reader: "Very low" … "Very high".
    pub fn label(self) -> &'static str {
        match self {
            Risk::VeryLow => "Very low",
            Risk::Low => "Low",
            Risk::Moderate => "Moderate",
            Risk::High => "High",
            Risk::VeryHigh => "Very high",
        }
    }

    /// 1 for `very-low` up to 5 for `very-high`: sortable in a spreadsheet.
    pub fn rank(self) -> u8 {
        match self {
            Risk::VeryLow => 1,
            Risk::Low => 2,
            Risk::Moderate => 3,
            Risk::High => 4,
            Risk::VeryHigh => 5,
        }
    }
}

/// A plain `enum` (not `oneOf` constants): validators then say "must be one of …", and editors
/// offer the five values.
impl JsonSchema for Risk {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Risk".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The risk a method carries for the reader's data, lowest first: very-low (nothing can be lost), low (settings or a little unsynced data), moderate (some data without a backup), high (data will be lost without a backup), very-high (everything on the device is erased).",
            "type": "string",
            "enum": Risk::ALL.map(Risk::as_str),
        })
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One instruction. A step may hold sub-steps; its number (`2.1.3`) is derived from its place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Step {
    /// The instruction, e.g. "Open Settings > [your name] > iCloud."
    #[schemars(length(min = 1))]
    pub text: String,
    /// An id, needed only when something refers to this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// Sub-steps, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<Step>>,
    /// Extra information for the reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A caution shown in a warning box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// What the reader should see once the step is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The step can lose the reader's data or settings. `false` records that a step which sounds
    /// destructive is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destructive: Option<bool>,
    /// The step returns settings to their defaults or forgets saved configuration (Wi‑Fi
    /// networks, pairings, preferences) but loses no documents, photos or messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resets: Option<bool>,
    /// The step makes or confirms a backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<bool>,
    /// Related methods or steps: `ID` or `GUIDE#ID`, one or a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub see: Option<See>,
    /// Something to type, shown verbatim in a monospaced block: the text, or
    /// `{text, language}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// A screenshot or diagram for this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// The platforms this step applies to, each one of its method's; absent: all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<Slug>,
}

/// `see` as written: one reference, or a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum See {
    /// One method or step: `ID` or `GUIDE#ID`.
    One(Reference),
    /// Several methods or steps.
    Many(Vec<Reference>),
}

impl See {
    /// The references, in order.
    pub fn as_slice(&self) -> &[Reference] {
        match self {
            See::One(reference) => std::slice::from_ref(reference),
            See::Many(references) => references,
        }
    }
}

/// `code` as written: the text alone, or with a language label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Code {
    /// The text to type, exactly as shown.
    Text(String),
    /// The text with a label for its language.
    Block(CodeBlock),
}

/// Code with its language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CodeBlock {
    /// The text to type, exactly as shown; line breaks are kept.
    #[schemars(length(min = 1))]
    pub text: String,
    /// Where to type it: `powershell`, `terminal`, `cmd`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub language: Option<String>,
}

impl Code {
    /// The text to type.
    pub fn text(&self) -> &str {
        match self {
            Code::Text(text) => text,
            Code::Block(block) => &block.text,
        }
    }

    /// The language label, when written.
    pub fn language(&self) -> Option<&str> {
        match self {
            Code::Text(_) => None,
            Code::Block(block) => block.language.as_deref(),
        }
    }
}

/// A picture: a PNG or JPEG file next to the guide, with a text for readers who cannot see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Image {
    /// The file, relative to the guide's file, `/`-separated, inside the content root.
    #[schemars(length(min = 1))]
    pub src: String,
    /// What the picture shows, for readers who cannot see it.
    #[schemars(length(min = 1))]
    pub alt: String,
    /// Shown under the picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl Step {
    /// Whether the step is marked `destructive: true`.
    pub fn is_destructive(&self) -> bool {
        self.destructive == Some(true)
    }

    /// Whether the step is marked `resets: true`.
    pub fn is_reset(&self) -> bool {
        self.resets == Some(true)
    }

    /// The `see` references, empty when there are none.
    pub fn see(&self) -> &[Reference] {
        self.see.as_ref().map_or(&[], See::as_slice)
    }

    /// Whether the step is marked `backup: true`.
    pub fn is_backup(&self) -> bool {
        self.backup == Some(true)
    }

    /// The sub-steps, empty when there are none.
    pub fn children(&self) -> &[Step] {
        self.steps.as_deref().unwrap_or_default()
    }
}

/// A question readers ask, and its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Faq {
    /// The question, as a reader would ask it.
    #[schemars(length(min = 1))]
    pub question: String,
    /// The answer.
    #[schemars(length(min = 1))]
    pub answer: String,
    /// Methods or steps the answer points to: `ID` or `GUIDE#ID`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see: Vec<Reference>,
}

/// A situation, and the methods to try first in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Scenario {
    /// The situation, e.g. "Only photos are missing".
    #[schemars(length(min = 1))]
    pub when: String,
    /// The methods to try first, by id, in order.
    #[serde(rename = "try")]
    #[schemars(length(min = 1))]
    pub try_methods: Vec<Reference>,
}

/// A related guide (its id) or an external page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Related {
    /// Another guide, by id.
    Guide(Id),
    /// A page outside the project.
    External(ExternalLink),
}

/// A page outside the project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ExternalLink {
    /// The page's title.
    #[schemars(length(min = 1))]
    pub title: String,
    /// The page's address.
    #[schemars(length(min = 1))]
    pub url: String,
}

fn join_positions(positions: &[usize]) -> String {
    let mut number = String::new();
    for (i, position) in positions.iter().enumerate() {
        if i > 0 {
            number.push('.');
        }
        number.push_str(&position.to_string());
    }
    number
}

/// A step in document order with its derived number; produced by [`Method::walk_steps`].
#[derive(Debug, Clone)]
pub struct StepVisit<'g> {
    /// The step.
    pub step: &'g Step,
    /// Positions from the top of the method, 1-based.
    pub path: StepPath,
}

/// The positions of a step from the top of its method, 1-based (`[2, 1, 3]` for step 2.1.3).
/// Held inline to four levels, which is deeper than guides nest their steps, so that a walk
/// of a method's steps makes no allocation a step (a lint walks every step of every guide);
/// deeper paths go on the heap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepPath(PathStore);

/// Positions held inline.
const INLINE_DEPTH: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
enum PathStore {
    Inline {
        depth: u8,
        positions: [usize; INLINE_DEPTH],
    },
    Heap(Vec<usize>),
}

impl StepPath {
    /// The path of these positions.
    pub fn new(positions: &[usize]) -> Self {
        match u8::try_from(positions.len()) {
            Ok(depth) if positions.len() <= INLINE_DEPTH => {
                let mut inline = [0; INLINE_DEPTH];
                inline[..positions.len()].copy_from_slice(positions);
                StepPath(PathStore::Inline {
                    depth,
                    positions: inline,
                })
            }
            _ => StepPath(PathStore::Heap(positions.to_vec())),
        }
    }

    /// The positions, outermost first.
    pub fn as_slice(&self) -> &[usize] {
        match &self.0 {
            PathStore::Inline { depth, positions } => &positions[..usize::from(*depth)],
            PathStore::Heap(positions) => positions,
        }
    }
}

impl std::ops::Deref for StepPath {
    type Target = [usize];

    fn deref(&self) -> &[usize] {
        self.as_slice()
    }
}

impl StepVisit<'_> {
    /// The derived number, `2.1.3`.
    pub fn number(&self) -> String {
        join_positions(&self.path)
    }

    /// The parent's number, `None` for a top-level step.
    pub fn parent_number(&self) -> Option<String> {
        (self.path.len() > 1).then(|| join_positions(&self.path[..self.path.len() - 1]))
    }

    /// 1 for a top-level step, 2 for its sub-steps, …
    pub fn depth(&self) -> usize {
        self.path.len()
    }

    /// The step's position among its siblings, 1-based.
    pub fn position(&self) -> usize {
        self.path.last().copied().unwrap_or(0)
    }

    /// The step's JSON Pointer inside its guide: `/methods/1/steps/1/steps/0`.
    pub fn pointer(&self, method_index: usize) -> String {
        step_pointer(method_index, &self.path)
    }
}

/// The JSON Pointer of the step at `path` (1-based positions) in method `method_index`.
pub fn step_pointer(method_index: usize, path: &[usize]) -> String {
    let mut pointer = format!("/methods/{method_index}");
    for position in path {
        pointer.push_str("/steps/");
        pointer.push_str(&position.saturating_sub(1).to_string());
    }
    pointer
}

impl Method {
    /// Every step and sub-step in document order (a parent before its children), without
    /// recursion: the depth of a guide is the writer's, not the call stack's.
    pub fn walk_steps(&self) -> Vec<StepVisit<'_>> {
        let mut visits = Vec::new();
        self.for_each_step(|step, path| {
            visits.push(StepVisit {
                step,
                path: StepPath::new(path),
            });
        });
        visits
    }

    /// The walk of [`Method::walk_steps`] without a visit per step: `visit(step, path)` gets
    /// each step with its positions from the top of the method (1-based), in document order.
    pub fn for_each_step<'g>(&'g self, mut visit: impl FnMut(&'g Step, &[usize])) {
        // One frame per level: its steps and how many of them were visited.
        let mut stack: Vec<(&'g [Step], usize)> = vec![(&self.steps, 0)];
        let mut path: Vec<usize> = Vec::new();
        while let Some((steps, visited)) = stack.last_mut() {
            let steps: &'g [Step] = steps;
            match steps.get(*visited) {
                Some(step) => {
                    *visited += 1;
                    path.push(*visited);
                    visit(step, &path);
                    if step.children().is_empty() {
                        path.pop();
                    } else {
                        stack.push((step.children(), 0));
                    }
                }
                None => {
                    stack.pop();
                    // The position of the step whose children these were.
                    path.pop();
                }
            }
        }
    }
}

/// One row of the derived "at a glance" table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComparisonRow {
    /// The method's id.
    pub method: Id,
    /// The method's title.
    pub title: String,
    /// Who the method suits best.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_for: Option<String>,
    /// 1 (hard) to 5 (very easy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ease: Option<u8>,
    /// 1 (rarely works) to 5 (excellent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effectiveness: Option<u8>,
    /// Time in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeRange>,
    /// Risk to the reader's data.
    pub risk: Risk,
}

impl Guide {
    /// The comparison table: one row per method, in method order.
    pub fn comparison(&self) -> Vec<ComparisonRow> {
        self.methods
            .iter()
            .map(|method| ComparisonRow {
                method: method.id.clone(),
                title: method.title.clone(),
                best_for: method.best_for.clone(),
                ease: method.ease,
                effectiveness: method.effectiveness,
                time: method.time,
                risk: method.risk,
            })
            .collect()
    }

    /// Every rich-text field of the guide in document order: `visit(text, field, pointer)`.
    pub fn for_each_rich_text<'g>(
        &'g self,
        mut visit: impl FnMut(&'g str, RichField, &dyn Fn() -> String),
    ) {
        use RichField::{Many, One, StepText};
        visit(&self.summary, One, &|| "/summary".into());
        if let Some(overview) = &self.overview {
            visit(overview, Many, &|| "/overview".into());
        }
        for (i, cause) in self.causes.iter().enumerate() {
            if let Some(text) = &cause.description {
                visit(text, Many, &|| format!("/causes/{i}/description"));
            }
        }
        for (i, method) in self.methods.iter().enumerate() {
            let at = |field: &str| format!("/methods/{i}/{field}");
            if let Some(text) = &method.summary {
                visit(text, One, &|| at("summary"));
            }
            if let Some(text) = &method.best_for {
                visit(text, One, &|| at("best_for"));
            }
            for (j, text) in method.before.iter().enumerate() {
                visit(text, One, &|| format!("/methods/{i}/before/{j}"));
            }
            if let Some(text) = &method.warning {
                visit(text, One, &|| at("warning"));
            }
            if let Some(caption) = method
                .image
                .as_ref()
                .and_then(|image| image.caption.as_ref())
            {
                visit(caption, One, &|| at("image/caption"));
            }
            method.for_each_step(|step, path| {
                let at = |field: &str| format!("{}/{field}", step_pointer(i, path));
                visit(&step.text, StepText, &|| at("text"));
                if let Some(text) = &step.warning {
                    visit(text, One, &|| at("warning"));
                }
                if let Some(text) = &step.note {
                    visit(text, Many, &|| at("note"));
                }
                if let Some(text) = &step.result {
                    visit(text, One, &|| at("result"));
                }
                if let Some(caption) = step.image.as_ref().and_then(|image| image.caption.as_ref())
                {
                    visit(caption, One, &|| at("image/caption"));
                }
            });
            for (j, text) in method.pros.iter().enumerate() {
                visit(text, One, &|| format!("/methods/{i}/pros/{j}"));
            }
            for (j, text) in method.cons.iter().enumerate() {
                visit(text, One, &|| format!("/methods/{i}/cons/{j}"));
            }
        }
        for (i, faq) in self.faq.iter().enumerate() {
            visit(&faq.question, One, &|| format!("/faq/{i}/question"));
            visit(&faq.answer, Many, &|| format!("/faq/{i}/answer"));
        }
        for (i, scenario) in self.scenarios.iter().enumerate() {
            visit(&scenario.when, One, &|| format!("/scenarios/{i}/when"));
        }
    }

    /// The method with this id.
    pub fn method(&self, id: &str) -> Option<&Method> {
        self.methods.iter().find(|method| method.id.as_str() == id)
    }

    /// The methods that list `cause_id` in `addresses`, in method order.
    pub fn methods_addressing<'g>(&'g self, cause_id: &'g str) -> impl Iterator<Item = &'g Method> {
        self.methods
            .iter()
            .filter(move |method| method.addresses.iter().any(|r| r.as_str() == cause_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(text: &str, children: Vec<Step>) -> Step {
        Step {
            text: text.into(),
            id: None,
            steps: (!children.is_empty()).then_some(children),
            note: None,
            warning: None,
            result: None,
            destructive: None,
            resets: None,
            backup: None,
            see: None,
            code: None,
            image: None,
            platforms: vec![],
        }
    }

    /// A method with nothing but these steps.
    fn method_of(steps: Vec<Step>) -> Method {
        Method {
            id: Id::from("m"),
            title: "M".into(),
            summary: None,
            addresses: vec![],
            best_for: None,
            ease: None,
            effectiveness: None,
            time: None,
            risk: Risk::Low,
            platforms: vec![],
            before: vec![],
            warning: None,
            image: None,
            steps,
            pros: vec![],
            cons: vec![],
        }
    }

    #[test]
    fn steps_are_numbered_in_document_order() {
        let method = method_of(vec![
            step("a", vec![]),
            step(
                "b",
                vec![step("b1", vec![]), step("b2", vec![step("b2x", vec![])])],
            ),
            step("c", vec![]),
        ]);
        let walked: Vec<(String, String, Option<String>, usize)> = method
            .walk_steps()
            .iter()
            .map(|v| {
                (
                    v.step.text.clone(),
                    v.number(),
                    v.parent_number(),
                    v.depth(),
                )
            })
            .collect();
        assert_eq!(
            walked,
            vec![
                ("a".into(), "1".into(), None, 1),
                ("b".into(), "2".into(), None, 1),
                ("b1".into(), "2.1".into(), Some("2".into()), 2),
                ("b2".into(), "2.2".into(), Some("2".into()), 2),
                ("b2x".into(), "2.2.1".into(), Some("2.2".into()), 3),
                ("c".into(), "3".into(), None, 1),
            ]
        );
        assert_eq!(
            method.walk_steps()[4].pointer(1),
            "/methods/1/steps/1/steps/1/steps/0"
        );
    }

    #[test]
    fn steps_nested_deeper_than_a_path_holds_inline_keep_every_position() {
        // Six levels: past the four a `StepPath` holds inline.
        let mut nested = step("f", vec![]);
        for text in ["e", "d", "c", "b", "a"] {
            nested = step(text, vec![step("x", vec![]), nested]);
        }
        let method = method_of(vec![step("first", vec![]), nested]);
        let walk = method.walk_steps();
        let deepest = walk
            .last()
            .map(|v| (v.step.text.as_str(), v.number(), v.depth()));
        assert_eq!(deepest, Some(("f", "2.2.2.2.2.2".to_owned(), 6)));
        let fourth = walk
            .iter()
            .find(|v| v.step.text == "d")
            .map(|v| v.path.to_vec());
        assert_eq!(fourth, Some(vec![2, 2, 2, 2]));
        assert_eq!(
            walk.last().map(|v| v.pointer(0)),
            Some("/methods/0/steps/1/steps/1/steps/1/steps/1/steps/1/steps/1".to_owned())
        );
        assert_eq!(StepPath::new(&[3, 1]).as_slice(), &[3, 1]);
        assert_eq!(StepPath::new(&[1; 9]).len(), 9);
    }

    #[test]
    fn risk_levels_are_ordered() {
        assert!(Risk::VeryLow < Risk::Low && Risk::High < Risk::VeryHigh);
        assert_eq!(Risk::ALL.map(Risk::rank), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn time_ranges_read_naturally() {
        let range = |min, max| TimeRange { min, max }.to_string();
        assert_eq!(range(5, Some(10)), "5\u{2013}10 min");
        assert_eq!(range(5, Some(5)), "5 min");
        assert_eq!(range(60, None), "60+ min");
    }
}
