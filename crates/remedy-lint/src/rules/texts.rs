//! The text rules' shared pass: every text of a guide walked once, and each text's bytes read
//! once, into the facts that let a rule pass a text by without looking at it.
//!
//! `placeholder-text`, `unprintable-character`, `unsupported-markup` and
//! `undeclared-destructive` each walked the guide and scanned every text themselves: four walks
//! and five scans of the same bytes, a tenth of what lint does on top of the parse. Here one walk
//! lists every text with its place (its pointer is built only for a finding) and what the rules
//! ask of it, and one scan, sixteen bytes a round without a branch, says what each text may hold.
//! A fact may say "maybe" too often, never "no" wrongly: a rule still looks at a text the facts
//! let through exactly as it did on its own.

use remedy_core::{Code, Guide, Related, RichField, StepVisit, model::step_pointer};

/// What one read of a text's bytes says it may hold. "No" is certain; "maybe" is for the rule to
/// decide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts(u8);

impl Facts {
    const NOT_ASCII: u8 = 1;
    /// A byte that can start inline markup, but for `\n`: exactly rich text's `INLINE_MARKUP`.
    const INLINE_MARKUP: u8 = 1 << 1;
    const LINE_BREAK: u8 = 1 << 2;
    /// `TO`, `TB` or `FI`: how `TODO`, `TBD` and `FIXME` start.
    const MARKER: u8 = 1 << 3;
    /// `psu` in any ASCII case, as in "lorem ipsum".
    const FILLER: u8 = 1 << 4;
    /// The first two bytes of the Kelvin sign (U+212A), which lower-cases to an ASCII `k`.
    const KELVIN: u8 = 1 << 5;
    /// A first byte that can start block markup (as rich text's `may_hold_markup` asks).
    const BLOCK_START: u8 = 1 << 6;
    /// An ASCII control character that is not white space (U+0000–U+0008, U+000E–U+001F,
    /// U+007F): nothing draws it.
    const CONTROL: u8 = 1 << 7;

    /// The facts of `text`, from one read of its bytes.
    pub fn of(text: &str) -> Facts {
        let bytes = text.as_bytes();
        let mut lanes = Lanes::default();
        let mut at = 0;
        while let Some(window) = bytes
            .get(at..at + WINDOW)
            .and_then(|window| <&[u8; WINDOW]>::try_from(window).ok())
        {
            lanes.add(window);
            at += LANES;
        }
        // The last bytes, padded with spaces: no fact holds a space.
        while let Some(rest) = bytes.get(at..).filter(|rest| !rest.is_empty()) {
            let mut window = [b' '; WINDOW];
            let length = rest.len().min(WINDOW);
            window[..length].copy_from_slice(&rest[..length]);
            lanes.add(&window);
            at += LANES;
        }
        let block_start = bytes.first().is_some_and(|&b| {
            matches!(b, b'#' | b'>' | b'-' | b'+' | b'=' | b' ' | b'\t') || b.is_ascii_digit()
        });
        let mut facts = lanes.facts();
        if block_start {
            facts |= Facts::BLOCK_START;
        }
        Facts(facts)
    }

    /// Whether every byte is ASCII (what `str::is_ascii` says).
    pub fn is_ascii(self) -> bool {
        self.0 & Facts::NOT_ASCII == 0
    }

    /// What `remedy_core::rich_text::may_hold_markup` says.
    pub fn may_hold_markup(self) -> bool {
        self.0 & (Facts::INLINE_MARKUP | Facts::LINE_BREAK | Facts::BLOCK_START) != 0
    }

    /// Whether the only byte that can start markup is a line break (`\n`), and the first byte
    /// starts no block: a text of plain lines.
    pub fn only_line_breaks(self) -> bool {
        self.0 & (Facts::INLINE_MARKUP | Facts::BLOCK_START) == 0
    }

    /// Whether `TODO`, `TBD` or `FIXME` may be written in the text.
    pub fn may_hold_marker(self) -> bool {
        self.0 & Facts::MARKER != 0
    }

    /// Whether "lorem ipsum" may be written in the text, in any ASCII case.
    pub fn may_hold_filler(self) -> bool {
        self.0 & Facts::FILLER != 0
    }

    /// Whether the Kelvin sign may be in the text.
    pub fn may_hold_kelvin(self) -> bool {
        self.0 & Facts::KELVIN != 0
    }

    /// Whether the text holds an ASCII control character that is not white space.
    pub fn may_hold_control(self) -> bool {
        self.0 & Facts::CONTROL != 0
    }
}

impl std::ops::BitOrAssign<u8> for Facts {
    fn bitor_assign(&mut self, bits: u8) {
        self.0 |= bits;
    }
}

/// Bytes looked at in one round.
const LANES: usize = 16;
/// A round's bytes and the two after them (for the pairs and the triple).
const WINDOW: usize = LANES + 2;

/// The facts so far, one lane per byte of a round: written so that the compiler turns a round
/// into a few vector compares (SSE2) rather than a branch per byte.
#[derive(Debug, Default)]
struct Lanes {
    high: [u8; LANES],
    inline: [bool; LANES],
    line_break: [bool; LANES],
    marker: [bool; LANES],
    filler: [bool; LANES],
    kelvin: [bool; LANES],
    control: [bool; LANES],
}

impl Lanes {
    #[inline(always)]
    fn add(&mut self, window: &[u8; WINDOW]) {
        for i in 0..LANES {
            let (a, b, c) = (window[i], window[i + 1], window[i + 2]);
            self.high[i] |= a;
            self.inline[i] |= (a == b'*')
                | (a == b'_')
                | (a == b'`')
                | (a == b'[')
                | (a == b'<')
                | (a == b'\\')
                | (a == b'!')
                | (a == b'~')
                | (a == b'&')
                | (a == b'\r')
                | (a == b'|');
            self.line_break[i] |= a == b'\n';
            self.marker[i] |=
                ((a == b'T') & ((b == b'O') | (b == b'B'))) | ((a == b'F') & (b == b'I'));
            self.filler[i] |= ((a | 0x20) == b'p') & ((b | 0x20) == b's') & ((c | 0x20) == b'u');
            self.kelvin[i] |= (a == 0xE2) & (b == 0x84);
            self.control[i] |= (a < 0x09) | (0x0E..0x20).contains(&a) | (a == 0x7F);
        }
    }

    fn facts(&self) -> u8 {
        let mut facts = 0;
        for i in 0..LANES {
            facts |= (self.high[i] >> 7)
                | (u8::from(self.inline[i]) << 1)
                | (u8::from(self.line_break[i]) << 2)
                | (u8::from(self.marker[i]) << 3)
                | (u8::from(self.filler[i]) << 4)
                | (u8::from(self.kelvin[i]) << 5)
                | (u8::from(self.control[i]) << 7);
        }
        facts
    }
}

/// Where a text is in its guide: enough to build its JSON Pointer when a rule has a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `/title`
    Title,
    /// `/summary`
    Summary,
    /// `/overview`
    Overview,
    /// `/causes/N/title`
    CauseTitle(usize),
    /// `/causes/N/description`
    CauseDescription(usize),
    /// `/methods/N/title`
    MethodTitle(usize),
    /// `/methods/N/summary`
    MethodSummary(usize),
    /// `/methods/N/best_for`
    MethodBestFor(usize),
    /// `/methods/N/before/K`
    MethodBefore(usize, usize),
    /// `/methods/N/warning`
    MethodWarning(usize),
    /// `/methods/N/image/caption`
    MethodCaption(usize),
    /// `/methods/N/image/alt`
    MethodAlt(usize),
    /// A field of a step: method `method`, the `step`th of its steps in document order.
    Step {
        /// The method's index.
        method: usize,
        /// The step's index in [`FileContext::steps`](super::FileContext::steps).
        step: usize,
        /// Which of its texts.
        field: StepField,
    },
    /// `/methods/N/pros/K`
    Pro(usize, usize),
    /// `/methods/N/cons/K`
    Con(usize, usize),
    /// `/faq/N/question`
    FaqQuestion(usize),
    /// `/faq/N/answer`
    FaqAnswer(usize),
    /// `/scenarios/N/when`
    ScenarioWhen(usize),
    /// `/related/N/title`
    RelatedTitle(usize),
}

/// A step's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepField {
    /// `text`
    Text,
    /// `note`
    Note,
    /// `warning`
    Warning,
    /// `result`
    Result,
    /// `image/caption`
    Caption,
    /// `image/alt`
    Alt,
    /// `code/language`
    Language,
}

impl StepField {
    fn key(self) -> &'static str {
        match self {
            StepField::Text => "text",
            StepField::Note => "note",
            StepField::Warning => "warning",
            StepField::Result => "result",
            StepField::Caption => "image/caption",
            StepField::Alt => "image/alt",
            StepField::Language => "code/language",
        }
    }
}

impl Place {
    /// The text's JSON Pointer; `steps` are the file's steps ([`FileContext::steps`]).
    ///
    /// [`FileContext::steps`]: super::FileContext::steps
    pub fn pointer(self, steps: &[Vec<StepVisit<'_>>]) -> String {
        match self {
            Place::Title => "/title".into(),
            Place::Summary => "/summary".into(),
            Place::Overview => "/overview".into(),
            Place::CauseTitle(i) => format!("/causes/{i}/title"),
            Place::CauseDescription(i) => format!("/causes/{i}/description"),
            Place::MethodTitle(i) => format!("/methods/{i}/title"),
            Place::MethodSummary(i) => format!("/methods/{i}/summary"),
            Place::MethodBestFor(i) => format!("/methods/{i}/best_for"),
            Place::MethodBefore(i, k) => format!("/methods/{i}/before/{k}"),
            Place::MethodWarning(i) => format!("/methods/{i}/warning"),
            Place::MethodCaption(i) => format!("/methods/{i}/image/caption"),
            Place::MethodAlt(i) => format!("/methods/{i}/image/alt"),
            Place::Step {
                method,
                step,
                field,
            } => {
                let path = steps
                    .get(method)
                    .and_then(|visits| visits.get(step))
                    .map_or(&[][..], |visit| visit.path.as_slice());
                format!("{}/{}", step_pointer(method, path), field.key())
            }
            Place::Pro(i, k) => format!("/methods/{i}/pros/{k}"),
            Place::Con(i, k) => format!("/methods/{i}/cons/{k}"),
            Place::FaqQuestion(i) => format!("/faq/{i}/question"),
            Place::FaqAnswer(i) => format!("/faq/{i}/answer"),
            Place::ScenarioWhen(i) => format!("/scenarios/{i}/when"),
            Place::RelatedTitle(i) => format!("/related/{i}/title"),
        }
    }
}

/// How `unsupported-markup` reads a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Rich text, with what the field allows.
    Rich(RichField),
    /// Plain text: any markup is at fault; the field's name, for the message.
    Plain(&'static str),
}

/// One text of a guide.
#[derive(Debug, Clone, Copy)]
pub struct GuideText<'g> {
    /// The text, as the typed guide holds it.
    pub text: &'g str,
    /// What its bytes may hold.
    pub facts: Facts,
    /// Where it is.
    pub place: Place,
    /// Whether it is prose a writer wrote for the reader (every text but `before`, warnings
    /// and captions of methods, captions, `alt` and `code.language`): the texts
    /// `placeholder-text` and `unprintable-character` read.
    pub prose: bool,
    /// How `unsupported-markup` reads it.
    pub markup: Markup,
}

/// Every text of `guide`, each with its facts, in document order. `steps` are each method's
/// steps as [`remedy_core::Method::walk_steps`] gives them.
pub fn collect<'g>(guide: &'g Guide, steps: &[Vec<StepVisit<'g>>]) -> Vec<GuideText<'g>> {
    use RichField::{Many, One, StepText};
    // About the guide's count of texts, so that the list is not grown and copied twice (a
    // bench guide has about 180 texts).
    let steps_count: usize = steps.iter().map(Vec::len).sum();
    let per_method: usize = guide
        .methods
        .iter()
        .map(|method| 4 + method.before.len() + method.pros.len() + method.cons.len())
        .sum();
    let mut texts = Vec::with_capacity(
        3 + 2 * guide.causes.len() + per_method + 2 * steps_count + 2 * guide.faq.len(),
    );
    let mut push = |text: &'g str, place: Place, prose: bool, markup: Markup| {
        texts.push(GuideText {
            text,
            facts: Facts::of(text),
            place,
            prose,
            markup,
        });
    };
    let title = Markup::Plain("title");
    push(&guide.title, Place::Title, true, title);
    push(&guide.summary, Place::Summary, true, Markup::Rich(One));
    if let Some(overview) = &guide.overview {
        push(overview, Place::Overview, true, Markup::Rich(Many));
    }
    for (i, cause) in guide.causes.iter().enumerate() {
        push(&cause.title, Place::CauseTitle(i), true, title);
        if let Some(description) = &cause.description {
            push(
                description,
                Place::CauseDescription(i),
                true,
                Markup::Rich(Many),
            );
        }
    }
    for (i, method) in guide.methods.iter().enumerate() {
        push(&method.title, Place::MethodTitle(i), true, title);
        if let Some(summary) = &method.summary {
            push(summary, Place::MethodSummary(i), true, Markup::Rich(One));
        }
        if let Some(best_for) = &method.best_for {
            push(best_for, Place::MethodBestFor(i), true, Markup::Rich(One));
        }
        for (k, before) in method.before.iter().enumerate() {
            push(before, Place::MethodBefore(i, k), false, Markup::Rich(One));
        }
        if let Some(warning) = &method.warning {
            push(warning, Place::MethodWarning(i), false, Markup::Rich(One));
        }
        if let Some(image) = &method.image {
            if let Some(caption) = &image.caption {
                push(caption, Place::MethodCaption(i), false, Markup::Rich(One));
            }
            push(&image.alt, Place::MethodAlt(i), false, Markup::Plain("alt"));
        }
        for (k, visit) in steps
            .get(i)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .enumerate()
        {
            let step = visit.step;
            let at = |field| Place::Step {
                method: i,
                step: k,
                field,
            };
            push(
                &step.text,
                at(StepField::Text),
                true,
                Markup::Rich(StepText),
            );
            if let Some(note) = &step.note {
                push(note, at(StepField::Note), true, Markup::Rich(Many));
            }
            if let Some(warning) = &step.warning {
                push(warning, at(StepField::Warning), true, Markup::Rich(One));
            }
            if let Some(result) = &step.result {
                push(result, at(StepField::Result), true, Markup::Rich(One));
            }
            if let Some(image) = &step.image {
                if let Some(caption) = &image.caption {
                    push(caption, at(StepField::Caption), false, Markup::Rich(One));
                }
                push(&image.alt, at(StepField::Alt), false, Markup::Plain("alt"));
            }
            if let Some(language) = step.code.as_ref().and_then(Code::language) {
                push(
                    language,
                    at(StepField::Language),
                    false,
                    Markup::Plain("code.language"),
                );
            }
        }
        for (k, pro) in method.pros.iter().enumerate() {
            push(pro, Place::Pro(i, k), true, Markup::Rich(One));
        }
        for (k, con) in method.cons.iter().enumerate() {
            push(con, Place::Con(i, k), true, Markup::Rich(One));
        }
    }
    for (i, faq) in guide.faq.iter().enumerate() {
        push(
            &faq.question,
            Place::FaqQuestion(i),
            true,
            Markup::Rich(One),
        );
        push(&faq.answer, Place::FaqAnswer(i), true, Markup::Rich(Many));
    }
    for (i, scenario) in guide.scenarios.iter().enumerate() {
        push(
            &scenario.when,
            Place::ScenarioWhen(i),
            true,
            Markup::Rich(One),
        );
    }
    for (i, related) in guide.related.iter().enumerate() {
        if let Related::External(link) = related {
            push(&link.title, Place::RelatedTitle(i), true, title);
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts of every length around the round's sixteen bytes (and the two after them), with
    /// `piece` written at every offset.
    fn everywhere(piece: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for length in 0..40 {
            for at in 0..=length {
                texts.push(format!(
                    "{}{piece}{}",
                    "x".repeat(at),
                    "y".repeat(length - at)
                ));
            }
        }
        texts
    }

    #[test]
    fn the_facts_say_what_a_look_at_the_whole_text_says() {
        // Every ASCII byte and a few characters that are not, at every offset.
        let mut pieces: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        pieces.extend(["é", "’", "\u{212a}", "日", "\u{1F4F6}"].map(String::from));
        for piece in &pieces {
            for text in everywhere(piece) {
                let facts = Facts::of(&text);
                assert_eq!(facts.is_ascii(), text.is_ascii(), "{text:?}");
                assert_eq!(
                    facts.may_hold_markup(),
                    remedy_core::rich_text::may_hold_markup(&text),
                    "{text:?}"
                );
                // Markup bytes but line breaks: each tested where only it could say yes.
                let only_breaks = text.chars().all(|c| {
                    c == '\n' || !remedy_core::rich_text::may_hold_markup(&format!("x{c}"))
                }) && !text.bytes().next().is_some_and(|b| {
                    matches!(b, b'#' | b'>' | b'-' | b'+' | b'=' | b' ' | b'\t')
                        || b.is_ascii_digit()
                });
                assert_eq!(facts.only_line_breaks(), only_breaks, "{text:?}");
                let control = text
                    .bytes()
                    .any(|b| b.is_ascii_control() && !b.is_ascii_whitespace() && b != 0x0B);
                assert_eq!(facts.may_hold_control(), control, "{text:?}");
            }
        }
    }

    #[test]
    fn the_facts_never_rule_out_a_marker_filler_or_kelvin_sign() {
        for marker in ["TODO", "TBD", "FIXME"] {
            for text in everywhere(marker) {
                assert!(Facts::of(&text).may_hold_marker(), "{text:?}");
            }
        }
        for filler in ["lorem ipsum", "LOREM IPSUM", "Lorem IpSuM", "lOrEm iPsUm"] {
            for text in everywhere(filler) {
                assert!(Facts::of(&text).may_hold_filler(), "{text:?}");
            }
        }
        for text in everywhere("\u{212a}") {
            assert!(Facts::of(&text).may_hold_kelvin(), "{text:?}");
        }
        // And they rule out the texts that hold none of them.
        for text in everywhere("Open the router’s page. Tap Forget, then Fix it.") {
            let facts = Facts::of(&text);
            assert!(
                !facts.may_hold_marker() && !facts.may_hold_filler(),
                "{text:?}"
            );
            assert!(!facts.may_hold_kelvin() && !facts.is_ascii(), "{text:?}");
            assert!(!facts.may_hold_markup(), "{text:?}");
        }
    }
}
