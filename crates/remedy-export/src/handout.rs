//! A handout's content, format-neutral: what a reader is told about one guide, in order, built
//! once from the guide and typeset by each format (the PDF in [`crate::pdf`], HTML next).
//!
//! Nothing here is typography: no fonts, sizes, colours or page breaks. Everything a format
//! would otherwise have to work out again from the guide is decided here, once, so that the
//! formats cannot drift apart: the order of the sections, the numbering of steps, the wording of
//! cross-references ("step 2 of Reset the network (in “Wi-Fi drops”)"), which references resolve
//! to a place in the exported set, platform display names, the review date as words, the warning
//! that guards each step, and the comparison table's rows.
//!
//! Rich text keeps two views of the same words: [`Text::paragraphs`], inline spans with their
//! kinds (label, menu path, code, emphasis, links) for formats that show markup, and
//! [`Text::plain`], the words without markup, for formats or places that cannot.

use std::collections::BTreeMap;

use remedy_core::model::{self, Guide, Related, Risk};
use remedy_core::rich_text::{self, Inline};
use remedy_core::{Date, Reference, RichField};

use crate::ExportGuide;

/// The guides being exported together, by id: references and related guides resolve against
/// this set, and only against it (a handout never links to a guide it does not ship with).
/// What it keeps of each guide is what a reference into it reads as ([`Shelved`]), never the
/// guide: an export that reads its guides again keeps this for all of them.
#[derive(Debug, Clone, Default)]
pub struct Library {
    guides: BTreeMap<String, Shelved>,
}

/// What a reference into a guide reads as: its title, its methods' ids and titles, and the id,
/// number and method of each step that has an id.
#[derive(Debug, Clone, Default)]
struct Shelved {
    title: String,
    /// Each method's id and title, in the guide's order.
    methods: Vec<(Box<str>, Box<str>)>,
    /// Each step with an id: the id, its number (`2.1`) and its method (an index into
    /// `methods`), method by method in walk order.
    steps: Vec<(Box<str>, Box<str>, u32)>,
}

impl Library {
    /// Adds `guide` (in place of another with its id).
    pub fn add(&mut self, guide: &Guide) {
        let mut shelved = Shelved {
            title: guide.title.clone(),
            methods: Vec::with_capacity(guide.methods.len()),
            steps: Vec::new(),
        };
        for (index, method) in guide.methods.iter().enumerate() {
            shelved
                .methods
                .push((method.id.as_str().into(), method.title.as_str().into()));
            for visit in method.walk_steps() {
                if let Some(id) = &visit.step.id {
                    shelved
                        .steps
                        .push((id.as_str().into(), visit.number().into(), index as u32));
                }
            }
        }
        self.guides.insert(guide.id.as_str().to_owned(), shelved);
    }

    /// Moves every guide of `other` into this library.
    pub fn append(&mut self, other: &mut Library) {
        self.guides.append(&mut other.guides);
    }

    fn get(&self, id: &str) -> Option<&Shelved> {
        self.guides.get(id)
    }
}

impl Shelved {
    fn method(&self, id: &str) -> Option<&str> {
        self.methods
            .iter()
            .find(|(method, _)| &**method == id)
            .map(|(_, title)| &**title)
    }

    /// The number of the step `id` and its method's title.
    fn step(&self, id: &str) -> Option<(&str, &str)> {
        let (_, number, method) = self.steps.iter().find(|(step, _, _)| &**step == id)?;
        let (_, title) = self.methods.get(*method as usize)?;
        Some((number, title))
    }
}

/// The [`Library`] of the guides exported together.
pub fn library(guides: &[ExportGuide<'_>]) -> Library {
    let mut library = Library::default();
    for export in guides {
        library.add(export.guide);
    }
    library
}

/// One guide's handout: a head (title, summary, platforms, review date) and its sections in the
/// order a reader meets them.
#[derive(Debug, Clone, PartialEq)]
pub struct Handout {
    /// The guide's id: names the handout's file and the targets of links into it.
    pub id: String,
    /// The guide's file, relative to the content root (`/` separators), for messages.
    pub source: String,
    /// The guide's language as a BCP 47 tag (`en` when the guide gives none): for hyphenation
    /// and the document's declared language.
    pub lang: String,
    /// The title.
    pub title: String,
    /// One paragraph: what the guide solves and for whom.
    pub summary: Text,
    /// The platforms the guide applies to, by display name (`[platforms]` names first, then the
    /// built-in names, then the slug capitalized).
    pub platforms: Vec<String>,
    /// When the guide was last reviewed.
    pub reviewed: Reviewed,
    /// The guide's tags, as written: document keywords.
    pub tags: Vec<String>,
    /// The sections, in reading order; a section with nothing to show is absent.
    pub sections: Vec<Section>,
}

/// A review date, as written and as read aloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewed {
    /// `2026-11-21`, as written (for machine-readable dates).
    pub iso: String,
    /// `(2026, 11, 21)` when the date is a valid calendar date.
    pub parts: Option<(u16, u8, u8)>,
    /// "21 November 2026".
    pub long: String,
}

/// A part of the handout under its own heading.
#[derive(Debug, Clone, PartialEq)]
pub enum Section {
    /// Background the reader needs before starting: paragraphs.
    Overview(Text),
    /// The comparison of the methods: one row per method, in method order.
    AtAGlance(Vec<ComparisonRow>),
    /// Why the problem happens, and which methods fix each cause.
    Causes(Vec<Cause>),
    /// The methods, in the order a reader should try them.
    Methods(Vec<Method>),
    /// Questions readers ask, with answers.
    Questions(Vec<Question>),
    /// "Where to start": situations and the methods to try first in each, right after the
    /// comparison.
    WhereToStart(Vec<Scenario>),
    /// Other guides and pages a reader may want next.
    Related(Vec<RelatedItem>),
}

impl Section {
    /// The section's heading.
    pub fn title(&self) -> &'static str {
        match self {
            Section::Overview(_) => "Overview",
            Section::AtAGlance(_) => "At a glance",
            Section::Causes(_) => "Causes",
            Section::Methods(_) => "Methods",
            Section::Questions(_) => "Questions and answers",
            Section::WhereToStart(_) => "Where to start",
            Section::Related(_) => "Related",
        }
    }

    /// A stable key for the section, unique in a handout: for anchors and fragment ids.
    pub fn key(&self) -> &'static str {
        match self {
            Section::Overview(_) => "overview",
            Section::AtAGlance(_) => "glance",
            Section::Causes(_) => "causes",
            Section::Methods(_) => "methods",
            Section::Questions(_) => "faq",
            Section::WhereToStart(_) => "scenarios",
            Section::Related(_) => "related",
        }
    }
}

/// A rich-text field: its paragraphs as inline spans, and the same words without markup.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    /// The paragraphs, each a run of spans.
    pub paragraphs: Vec<Vec<Span>>,
    /// The whole field without its markup, line breaks as written, paragraphs separated by a
    /// blank line (see [`Text::plain_paragraphs`]).
    pub plain: String,
}

impl Text {
    /// The plain text's paragraphs: split at blank lines, each line trimmed and the lines of a
    /// paragraph joined by a space.
    pub fn plain_paragraphs(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut current = String::new();
        for line in self.plain.lines() {
            if line.trim().is_empty() {
                if !current.trim().is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            } else {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(line.trim());
            }
        }
        if !current.trim().is_empty() {
            out.push(current);
        }
        out
    }
}

/// A piece of a paragraph, by what it means to the reader (each format chooses how it looks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Running text.
    Text(String),
    /// A label on the screen: a button, menu, switch or field.
    Label(String),
    /// A menu path: the labels in order (a format draws its own separator, e.g. `›`).
    MenuPath(Vec<String>),
    /// Something to type, or a value exactly as shown.
    Code(String),
    /// Emphasised words.
    Emphasis(Vec<Span>),
    /// A link to a page outside the project.
    Link {
        /// The words that are the link.
        text: Vec<Span>,
        /// The address (`http`, `https`, `mailto`).
        url: String,
    },
    /// A link to a method or step; `target` is `None` when the place is not in the exported set
    /// (the words are then shown without a link).
    Reference {
        /// The words that are the link.
        text: Vec<Span>,
        /// Where it goes.
        target: Option<Target>,
    },
}

/// A place in the exported set of handouts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// The start of a guide's handout.
    Guide {
        /// The guide's id.
        guide: String,
    },
    /// A section of a guide's handout.
    Section {
        /// The guide's id.
        guide: String,
        /// The section's [`Section::key`].
        section: String,
    },
    /// A method's heading.
    Method {
        /// The guide's id.
        guide: String,
        /// The method's id.
        method: String,
    },
    /// A step with an id.
    Step {
        /// The guide's id.
        guide: String,
        /// The step's id.
        step: String,
    },
}

/// A cross-reference worded for a reader: "Reset the network", "step 2.1 of Reset the network
/// (in “Wi-Fi drops”)", with its target when it resolves in the exported set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossRef {
    /// The words.
    pub text: String,
    /// Where it goes, when the place is in the exported set.
    pub target: Option<Target>,
}

/// A row of the comparison table.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// The method's number, 1-based.
    pub number: usize,
    /// The method's title, linked to its heading.
    pub method: CrossRef,
    /// Who the method suits best.
    pub best_for: Option<Text>,
    /// Ease and effectiveness, 1–5.
    pub ease: Option<u8>,
    /// 1 (rarely works) to 5 (excellent).
    pub effectiveness: Option<u8>,
    /// "5–10 min".
    pub time: Option<String>,
    /// The risk to the reader's data.
    pub risk: Risk,
}

/// A cause of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    /// The cause's id.
    pub id: String,
    /// Its name.
    pub title: String,
    /// How it shows itself.
    pub description: Option<Text>,
    /// The methods that address it, in method order, linked.
    pub fixed_by: Vec<CrossRef>,
}

/// A method: its heading and facts, what comes before its steps, the steps, pros and cons.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// The method's id.
    pub id: String,
    /// Its number in the guide, 1-based.
    pub number: usize,
    /// Its title.
    pub title: String,
    /// 1 (hard) to 5 (very easy).
    pub ease: Option<u8>,
    /// 1 (rarely works) to 5 (excellent).
    pub effectiveness: Option<u8>,
    /// "5–10 min".
    pub time: Option<String>,
    /// The risk to the reader's data.
    pub risk: Risk,
    /// The platforms it is restricted to, by display name; empty: all of the guide's.
    pub platforms: Vec<String>,
    /// What it does and when it helps.
    pub summary: Option<Text>,
    /// Who it suits best.
    pub best_for: Option<Text>,
    /// What to have ready before starting.
    pub before: Vec<Text>,
    /// A caution for the whole method: shown before its steps.
    pub warning: Option<Text>,
    /// A picture for the whole method.
    pub image: Option<Image>,
    /// The steps, in order, each with its sub-steps.
    pub steps: Vec<Step>,
    /// What speaks for it.
    pub pros: Vec<Text>,
    /// What speaks against it.
    pub cons: Vec<Text>,
}

/// One instruction with what belongs to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The step's id, when something may refer to it (link target).
    pub id: Option<String>,
    /// Its derived number: `2.1.3`.
    pub number: String,
    /// 1 for a top-level step, 2 for its sub-steps, …
    pub depth: usize,
    /// Its position among its siblings, 1-based.
    pub position: usize,
    /// The step can lose the reader's data.
    pub data_loss: bool,
    /// The step makes or confirms a backup.
    pub backup: bool,
    /// The step returns settings to their defaults (and loses no data).
    pub settings_reset: bool,
    /// The platforms it is restricted to, by display name; empty: all of its method's.
    pub platforms: Vec<String>,
    /// The caution that guards this step: a reader must meet it before the instruction.
    pub warning: Option<Text>,
    /// The instruction.
    pub text: Text,
    /// Something to type, exactly as written.
    pub code: Option<CodeBlock>,
    /// A picture for the step.
    pub image: Option<Image>,
    /// Extra information.
    pub note: Option<Text>,
    /// Related methods or steps.
    pub see: Vec<CrossRef>,
    /// What the reader should see once the step (and its sub-steps) is done.
    pub result: Option<Text>,
    /// The sub-steps.
    pub steps: Vec<Step>,
}

/// Code to type: its lines exactly as written, never joined or reflowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// Where to type it: `powershell`, `terminal`, …
    pub language: Option<String>,
    /// The lines.
    pub lines: Vec<String>,
}

/// A picture with its text alternative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The file as written, relative to the guide's file.
    pub src: String,
    /// The file relative to the content root (`/` separators): where an exporter finds it;
    /// `None` when `src` is absolute or climbs out of the root, which no exporter may follow.
    pub path: Option<String>,
    /// What the picture shows, for readers who cannot see it.
    pub alt: String,
    /// Shown under the picture.
    pub caption: Option<Text>,
}

/// A question and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The question.
    pub question: Text,
    /// The answer: paragraphs.
    pub answer: Text,
    /// Methods or steps the answer points to.
    pub see: Vec<CrossRef>,
}

/// A situation and the methods to try first in it, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The situation ("Only photos are missing").
    pub when: Text,
    /// What to try, in order.
    pub try_methods: Vec<CrossRef>,
}

/// A related guide or page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelatedItem {
    /// Another guide of the exported set: by title, linked.
    Guide {
        /// Its id.
        id: String,
        /// Its title.
        title: String,
    },
    /// A guide named by id that is not in the exported set.
    Missing {
        /// Its id.
        id: String,
    },
    /// A page outside the project.
    External {
        /// The page's title.
        title: String,
        /// Its address.
        url: String,
    },
}

/// "21 November 2026"; a date that is not a calendar date as written.
pub fn long_date(date: &Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match date.parts() {
        Some((year, month, day)) => {
            let name = MONTHS
                .get(usize::from(month).saturating_sub(1))
                .copied()
                .unwrap_or("");
            format!("{day} {name} {year}")
        }
        None => date.as_str().to_owned(),
    }
}

/// A platform slug as readers write it: the configured name, the built-in name, else the slug
/// capitalized with spaces for hyphens.
pub fn platform_name(names: &BTreeMap<String, String>, slug: &str) -> String {
    if let Some(name) = names.get(slug) {
        return name.clone();
    }
    let known = remedy_core::platform::display_name(slug);
    if known != slug {
        return known.to_owned();
    }
    let mut chars = slug.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars)
            .collect::<String>()
            .replace('-', " "),
        None => String::new(),
    }
}

/// Joins `relative` (`/`-separated, may hold `..`) to the folder of `source`, both relative to
/// the content root; `None` for an absolute path or one whose `..` leaves the root, rather than
/// a shortened path that names some other file.
fn resolve_path(source: &str, relative: &str) -> Option<String> {
    if relative.starts_with('/') || relative.starts_with('\\') || relative.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = source.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// What a handout is built from besides the guide.
struct Builder<'a> {
    guide: &'a Guide,
    source: &'a str,
    library: &'a Library,
    platform_names: &'a BTreeMap<String, String>,
}

impl Builder<'_> {
    fn id(&self) -> &str {
        self.guide.id.as_str()
    }

    fn text(&self, written: &str, field: RichField) -> Text {
        let plain = if rich_text::may_hold_markup(written) {
            rich_text::plain(written)
        } else {
            written.to_owned()
        };
        let (rich, _) = field.parse(written);
        Text {
            paragraphs: rich
                .paragraphs
                .iter()
                .map(|paragraph| self.spans(paragraph))
                .collect(),
            plain,
        }
    }

    fn spans(&self, inlines: &[Inline]) -> Vec<Span> {
        inlines
            .iter()
            .map(|inline| match inline {
                Inline::Text(text) => Span::Text(text.clone()),
                Inline::Label(text) => Span::Label(text.clone()),
                Inline::MenuPath(labels) => Span::MenuPath(labels.clone()),
                Inline::Code(text) => Span::Code(text.clone()),
                Inline::Emphasis(inner) => Span::Emphasis(self.spans(inner)),
                Inline::Link { text, url } => Span::Link {
                    text: self.spans(text),
                    url: url.clone(),
                },
                Inline::Reference { text, target } => Span::Reference {
                    text: self.spans(text),
                    target: self.describe(target).target,
                },
            })
            .collect()
    }

    fn platforms(&self, slugs: &[remedy_core::Slug]) -> Vec<String> {
        slugs
            .iter()
            .map(|slug| platform_name(self.platform_names, slug.as_str()))
            .collect()
    }

    /// The wording and target of a reference to a method or step, here or in another guide.
    fn describe(&self, reference: &Reference) -> CrossRef {
        let guide_id = reference.guide().unwrap_or(self.id());
        let target = reference.target();
        let Some(guide) = self.library.get(guide_id) else {
            let text = match reference.guide() {
                Some(other) => format!("“{target}” in the guide “{other}”"),
                None => reference.as_str().to_owned(),
            };
            return CrossRef { text, target: None };
        };
        let here = guide_id == self.id();
        let suffix = if here {
            String::new()
        } else {
            format!(" (in “{}”)", guide.title)
        };
        if let Some(title) = guide.method(target) {
            return CrossRef {
                text: format!("{title}{suffix}"),
                target: Some(Target::Method {
                    guide: guide_id.to_owned(),
                    method: target.to_owned(),
                }),
            };
        }
        if let Some((number, method)) = guide.step(target) {
            return CrossRef {
                text: format!("step {number} of {method}{suffix}"),
                target: Some(Target::Step {
                    guide: guide_id.to_owned(),
                    step: target.to_owned(),
                }),
            };
        }
        if here {
            CrossRef {
                text: reference.as_str().to_owned(),
                target: None,
            }
        } else {
            CrossRef {
                text: guide.title.clone(),
                target: Some(Target::Guide {
                    guide: guide_id.to_owned(),
                }),
            }
        }
    }

    fn method_ref(&self, method: &model::Method) -> CrossRef {
        CrossRef {
            text: method.title.clone(),
            target: Some(Target::Method {
                guide: self.id().to_owned(),
                method: method.id.as_str().to_owned(),
            }),
        }
    }

    fn image(&self, image: &model::Image) -> Image {
        Image {
            src: image.src.clone(),
            path: resolve_path(self.source, &image.src),
            alt: image.alt.clone(),
            caption: image
                .caption
                .as_ref()
                .map(|caption| self.text(caption, RichField::One)),
        }
    }

    /// A step without its sub-steps (see [`Builder::steps`]).
    fn step(&self, step: &model::Step, path: &[usize]) -> Step {
        let number = path
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(".");
        Step {
            id: step.id.as_ref().map(|id| id.as_str().to_owned()),
            number,
            depth: path.len(),
            position: path.last().copied().unwrap_or(0),
            data_loss: step.is_destructive(),
            backup: step.is_backup(),
            settings_reset: step.is_reset(),
            platforms: self.platforms(&step.platforms),
            warning: step
                .warning
                .as_ref()
                .map(|text| self.text(text, RichField::One)),
            text: self.text(&step.text, RichField::StepText),
            code: step.code.as_ref().map(|code| CodeBlock {
                language: code.language().map(str::to_owned),
                lines: code.text().lines().map(str::to_owned).collect(),
            }),
            image: step.image.as_ref().map(|image| self.image(image)),
            note: step
                .note
                .as_ref()
                .map(|text| self.text(text, RichField::Many)),
            see: step
                .see()
                .iter()
                .map(|reference| self.describe(reference))
                .collect(),
            result: step
                .result
                .as_ref()
                .map(|text| self.text(text, RichField::One)),
            steps: Vec::new(),
        }
    }

    /// A method's step tree, built from the core's walk without recursion: the depth of a
    /// guide is the writer's, not the call stack's.
    fn steps(&self, method: &model::Method) -> Vec<Step> {
        fn close(open: &mut Vec<Step>, roots: &mut Vec<Step>) {
            if let Some(done) = open.pop() {
                match open.last_mut() {
                    Some(parent) => parent.steps.push(done),
                    None => roots.push(done),
                }
            }
        }
        let mut roots = Vec::with_capacity(method.steps.len());
        let mut open: Vec<Step> = Vec::new();
        method.for_each_step(|step, path| {
            while open.len() >= path.len() && !open.is_empty() {
                close(&mut open, &mut roots);
            }
            open.push(self.step(step, path));
        });
        while !open.is_empty() {
            close(&mut open, &mut roots);
        }
        roots
    }

    fn method(&self, index: usize, method: &model::Method) -> Method {
        let one = |text: &String| self.text(text, RichField::One);
        let steps = self.steps(method);
        Method {
            id: method.id.as_str().to_owned(),
            number: index + 1,
            title: method.title.clone(),
            ease: method.ease,
            effectiveness: method.effectiveness,
            time: method.time.map(|time| time.to_string()),
            risk: method.risk,
            platforms: self.platforms(&method.platforms),
            summary: method.summary.as_ref().map(one),
            best_for: method.best_for.as_ref().map(one),
            before: method.before.iter().map(one).collect(),
            warning: method.warning.as_ref().map(one),
            image: method.image.as_ref().map(|image| self.image(image)),
            steps,
            pros: method.pros.iter().map(one).collect(),
            cons: method.cons.iter().map(one).collect(),
        }
    }

    fn build(&self) -> Handout {
        let guide = self.guide;
        let mut sections = Vec::new();
        if let Some(overview) = &guide.overview {
            sections.push(Section::Overview(self.text(overview, RichField::Many)));
        }
        sections.push(Section::AtAGlance(
            guide
                .methods
                .iter()
                .enumerate()
                .map(|(index, method)| ComparisonRow {
                    number: index + 1,
                    method: self.method_ref(method),
                    best_for: method
                        .best_for
                        .as_ref()
                        .map(|text| self.text(text, RichField::One)),
                    ease: method.ease,
                    effectiveness: method.effectiveness,
                    time: method.time.map(|time| time.to_string()),
                    risk: method.risk,
                })
                .collect(),
        ));
        if !guide.scenarios.is_empty() {
            sections.push(Section::WhereToStart(
                guide
                    .scenarios
                    .iter()
                    .map(|scenario| Scenario {
                        when: self.text(&scenario.when, RichField::One),
                        try_methods: scenario
                            .try_methods
                            .iter()
                            .map(|r| self.describe(r))
                            .collect(),
                    })
                    .collect(),
            ));
        }
        sections.push(Section::Causes(
            guide
                .causes
                .iter()
                .map(|cause| Cause {
                    id: cause.id.as_str().to_owned(),
                    title: cause.title.clone(),
                    description: cause
                        .description
                        .as_ref()
                        .map(|text| self.text(text, RichField::Many)),
                    fixed_by: guide
                        .methods_addressing(cause.id.as_str())
                        .map(|method| self.method_ref(method))
                        .collect(),
                })
                .collect(),
        ));
        sections.push(Section::Methods(
            guide
                .methods
                .iter()
                .enumerate()
                .map(|(index, method)| self.method(index, method))
                .collect(),
        ));
        if !guide.faq.is_empty() {
            sections.push(Section::Questions(
                guide
                    .faq
                    .iter()
                    .map(|faq| Question {
                        question: self.text(&faq.question, RichField::One),
                        answer: self.text(&faq.answer, RichField::Many),
                        see: faq.see.iter().map(|r| self.describe(r)).collect(),
                    })
                    .collect(),
            ));
        }
        if !guide.related.is_empty() {
            sections.push(Section::Related(
                guide
                    .related
                    .iter()
                    .map(|related| match related {
                        Related::Guide(id) => match self.library.get(id.as_str()) {
                            Some(other) => RelatedItem::Guide {
                                id: id.as_str().to_owned(),
                                title: other.title.clone(),
                            },
                            None => RelatedItem::Missing {
                                id: id.as_str().to_owned(),
                            },
                        },
                        Related::External(link) => RelatedItem::External {
                            title: link.title.clone(),
                            url: link.url.clone(),
                        },
                    })
                    .collect(),
            ));
        }
        Handout {
            id: self.id().to_owned(),
            source: self.source.to_owned(),
            lang: guide.lang.clone().unwrap_or_else(|| "en".to_owned()),
            title: guide.title.clone(),
            summary: self.text(&guide.summary, RichField::One),
            platforms: self.platforms(&guide.platforms),
            reviewed: Reviewed {
                iso: guide.updated.as_str().to_owned(),
                parts: guide.updated.parts(),
                long: long_date(&guide.updated),
            },
            tags: guide
                .tags
                .iter()
                .map(|tag| tag.as_str().to_owned())
                .collect(),
            sections,
        }
    }
}

impl Handout {
    /// Builds the handout of `export`, resolving references and related guides against
    /// `library` (the guides exported with it, itself included) and naming platforms with
    /// `platform_names` (`[platforms]` in `remedy.toml`) over the built-in names.
    pub fn new(
        export: &ExportGuide<'_>,
        library: &Library,
        platform_names: &BTreeMap<String, String>,
    ) -> Handout {
        Builder {
            guide: export.guide,
            source: export.source,
            library,
            platform_names,
        }
        .build()
    }

    /// The methods, when the handout has them.
    pub fn methods(&self) -> &[Method] {
        self.sections
            .iter()
            .find_map(|section| match section {
                Section::Methods(methods) => Some(methods.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIFI: &str = r#"
id: wifi
title: Wi-Fi drops
summary: Get **back** online.
updated: 2026-02-03
platforms: [macos, smart-tv]
causes:
  - {id: stale, title: A stale network}
methods:
  - id: forget
    title: Forget the network
    addresses: [stale]
    risk: low
    time: {min: 2, max: 5}
    steps:
      - text: Open **System Settings > Wi-Fi** and see [the renew step](#renew).
        warning: Other devices forget it *too*.
        resets: true
        steps:
          - text: Click `Details`.
            id: renew
            result: The list shows.
        result: Done.
scenarios:
  - {when: Only the Mac drops, try: [forget, other#x]}
related: [other, {title: Status, url: "https://example.com/"}]
"#;

    fn handout(names: &BTreeMap<String, String>) -> Result<Handout, Box<dyn std::error::Error>> {
        let file = remedy_core::load_source(
            "wifi.yaml".into(),
            remedy_core::SourceText::new(WIFI.to_owned()),
            &remedy_core::LoadOptions::default(),
        )?;
        let guide = file.guide.ok_or("the guide did not load")?;
        let export = ExportGuide {
            guide: &guide,
            source: "net/wifi.yaml",
        };
        let library = library(std::slice::from_ref(&export));
        Ok(Handout::new(&export, &library, names))
    }

    #[test]
    fn a_guide_becomes_sections_steps_and_spans() -> Result<(), Box<dyn std::error::Error>> {
        let mut names = BTreeMap::new();
        names.insert("smart-tv".to_owned(), "Smart TV".to_owned());
        let handout = handout(&names)?;
        assert_eq!(handout.lang, "en");
        assert_eq!(handout.platforms, ["macOS", "Smart TV"]);
        assert_eq!(handout.reviewed.long, "3 February 2026");
        assert_eq!(handout.summary.plain, "Get back online.");
        let keys: Vec<&str> = handout.sections.iter().map(Section::key).collect();
        assert_eq!(
            keys,
            ["glance", "scenarios", "causes", "methods", "related"]
        );

        let method = &handout.methods()[0];
        assert_eq!(method.time.as_deref(), Some("2\u{2013}5 min"));
        let step = &method.steps[0];
        assert_eq!((step.number.as_str(), step.depth), ("1", 1));
        assert!(step.settings_reset && !step.data_loss);
        assert_eq!(
            step.warning.as_ref().map(|w| w.plain.as_str()),
            Some("Other devices forget it too.")
        );
        let renew = Target::Step {
            guide: "wifi".into(),
            step: "renew".into(),
        };
        assert_eq!(
            step.text.paragraphs,
            vec![vec![
                Span::Text("Open ".into()),
                Span::MenuPath(vec!["System Settings".into(), "Wi-Fi".into()]),
                Span::Text(" and see ".into()),
                Span::Reference {
                    text: vec![Span::Text("the renew step".into())],
                    target: Some(renew),
                },
                Span::Text(".".into()),
            ]]
        );
        let child = &step.steps[0];
        assert_eq!(
            (child.number.as_str(), child.depth, child.position),
            ("1.1", 2, 1)
        );
        assert_eq!(
            child.text.paragraphs,
            vec![vec![
                Span::Text("Click ".into()),
                Span::Code("Details".into()),
                Span::Text(".".into()),
            ]]
        );
        assert_eq!(
            child.result.as_ref().map(|r| r.plain.as_str()),
            Some("The list shows.")
        );

        let Some(Section::WhereToStart(scenarios)) = handout.sections.get(1) else {
            return Err("no scenarios".into());
        };
        let wording: Vec<(&str, bool)> = scenarios[0]
            .try_methods
            .iter()
            .map(|r| (r.text.as_str(), r.target.is_some()))
            .collect();
        assert_eq!(
            wording,
            [
                ("Forget the network", true),
                ("“x” in the guide “other”", false)
            ]
        );
        let Some(Section::Related(related)) = handout.sections.get(4) else {
            return Err("no related".into());
        };
        assert_eq!(
            related,
            &[
                RelatedItem::Missing { id: "other".into() },
                RelatedItem::External {
                    title: "Status".into(),
                    url: "https://example.com/".into()
                }
            ]
        );
        Ok(())
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(long_date(&Date::from("2026-11-21")), "21 November 2026");
        assert_eq!(long_date(&Date::from("2026-01-01")), "1 January 2026");
    }

    #[test]
    fn image_paths_resolve_against_the_guide_folder() {
        assert_eq!(
            resolve_path("icloud/sync.yaml", "img/a.png").as_deref(),
            Some("icloud/img/a.png")
        );
        assert_eq!(
            resolve_path("icloud/sync.yaml", "../shared/a.png").as_deref(),
            Some("shared/a.png")
        );
        assert_eq!(
            resolve_path("sync.yaml", "./a.png").as_deref(),
            Some("a.png")
        );
        // Out of the root, or absolute: no path at all, never a shortened one.
        assert_eq!(resolve_path("wifi/p.yaml", "../../secret.png"), None);
        assert_eq!(resolve_path("p.yaml", "../a.png"), None);
        assert_eq!(resolve_path("p.yaml", "/etc/a.png"), None);
        assert_eq!(resolve_path("p.yaml", "C:/a.png"), None);
    }

    #[test]
    fn plain_paragraphs_split_at_blank_lines() {
        let text = Text {
            paragraphs: Vec::new(),
            plain: "a\nb\n\n  \nc\n".to_owned(),
        };
        assert_eq!(
            text.plain_paragraphs(),
            vec!["a b".to_owned(), "c".to_owned()]
        );
    }
}
