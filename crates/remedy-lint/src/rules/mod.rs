//! The rules of SPEC §3, one per file, plus two extensions (`io-error`, `unused-suppression`).
//!
//! Each rule is a unit struct declared with [`declare_rule!`]: its doc comment (what it finds, why
//! it matters, a bad and a fixed example) is both the rustdoc and, through [`registry`], the text of
//! `remedy explain RULE` and of the SARIF rule help.
//!
//! Rules that look at one file at a time implement a `check` function over a [`FileContext`]; the
//! two cross-file checks (a guide id used by two files, references into other guides) are run by the
//! engine after every file is loaded, with the message builders their rule files export.

use std::sync::OnceLock;

use remedy_core::{GuideFile, Method, NodeSpan, Span, StepVisit};

use crate::finding::RuleInfo;

/// Declares a rule: a unit struct carrying its doc comment, and its [`RuleInfo`] with the same doc
/// text (collected with `concat!`, so no proc macro is needed).
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $rule:ident {
            name: $name:literal,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $rule;

        impl $rule {
            /// The rule's name, as in configuration and suppressions.
            pub const NAME: &'static str = $name;
            /// The rule's description with its doc text as written (indented as rustdoc gives
            /// it); [`registry`](crate::rules::registry) holds the dedented text.
            pub(crate) const RAW: $crate::finding::RuleInfo = $crate::finding::RuleInfo {
                name: $name,
                default_severity: $crate::finding::Severity::$severity,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}

pub mod dangling_reference;
pub mod dangling_step;
pub mod deep_nesting;
pub mod duplicate_id;
pub mod duplicate_title;
pub mod future_date;
pub mod id_mismatch;
pub mod image_alt_text;
pub mod invalid_time_range;
pub mod io_error;
pub mod manual_numbering;
pub mod method_without_cause;
pub mod missing_backup_warning;
pub mod missing_image;
pub mod missing_pros_cons;
pub mod orphan_cause;
pub mod placeholder_text;
pub mod risk_understated;
pub mod schema;
pub mod self_reference;
pub mod stale_review;
pub mod undeclared_destructive;
pub mod unjustified_suppression;
pub mod unknown_platform;
pub mod unprintable_character;
pub mod unsupported_markup;
pub mod unused_suppression;
pub mod yaml_syntax;

pub use dangling_reference::DanglingReference;
pub use dangling_step::DanglingStep;
pub use deep_nesting::DeepNesting;
pub use duplicate_id::DuplicateId;
pub use duplicate_title::DuplicateTitle;
pub use future_date::FutureDate;
pub use id_mismatch::IdMismatch;
pub use image_alt_text::ImageAltText;
pub use invalid_time_range::InvalidTimeRange;
pub use io_error::IoError;
pub use manual_numbering::ManualNumbering;
pub use method_without_cause::MethodWithoutCause;
pub use missing_backup_warning::MissingBackupWarning;
pub use missing_image::MissingImage;
pub use missing_pros_cons::MissingProsCons;
pub use orphan_cause::OrphanCause;
pub use placeholder_text::PlaceholderText;
pub use risk_understated::RiskUnderstated;
pub use schema::Schema;
pub use self_reference::SelfReference;
pub use stale_review::StaleReview;
pub use undeclared_destructive::{PhraseMatcher, UndeclaredDestructive};
pub use unjustified_suppression::UnjustifiedSuppression;
pub use unknown_platform::UnknownPlatform;
pub use unprintable_character::UnprintableCharacter;
pub use unsupported_markup::UnsupportedMarkup;
pub use unused_suppression::UnusedSuppression;
pub use yaml_syntax::YamlSyntax;

/// The rules the exports depend on: a guide with one of their findings cannot be exported, so
/// configuration can neither turn them off nor lower them, and no comment silences them.
pub const REQUIRED: [&str; 4] = [
    YamlSyntax::NAME,
    Schema::NAME,
    IoError::NAME,
    DuplicateId::NAME,
];

/// The rules that run only when `[lint.rules]` turns them on.
pub const OFF_BY_DEFAULT: [&str; 1] = [StaleReview::NAME];

/// Every rule as declared, in SPEC order, extensions last.
const RAW: [RuleInfo; 28] = [
    YamlSyntax::RAW,
    Schema::RAW,
    IdMismatch::RAW,
    DuplicateId::RAW,
    DanglingReference::RAW,
    DanglingStep::RAW,
    MissingBackupWarning::RAW,
    UndeclaredDestructive::RAW,
    RiskUnderstated::RAW,
    MissingProsCons::RAW,
    OrphanCause::RAW,
    MethodWithoutCause::RAW,
    IoError::RAW,
    UnusedSuppression::RAW,
    UnsupportedMarkup::RAW,
    UnprintableCharacter::RAW,
    MissingImage::RAW,
    ImageAltText::RAW,
    UnknownPlatform::RAW,
    InvalidTimeRange::RAW,
    ManualNumbering::RAW,
    DeepNesting::RAW,
    PlaceholderText::RAW,
    FutureDate::RAW,
    StaleReview::RAW,
    DuplicateTitle::RAW,
    SelfReference::RAW,
    UnjustifiedSuppression::RAW,
];

/// Every rule: the twelve of SPEC §3 v1 in its order, then `io-error` and `unused-suppression`,
/// then the v2 rules in SPEC order.
pub fn registry() -> &'static [RuleInfo] {
    static DOCS: OnceLock<Vec<String>> = OnceLock::new();
    static REGISTRY: OnceLock<Vec<RuleInfo>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let docs = DOCS.get_or_init(|| RAW.iter().map(|rule| dedent(rule.doc)).collect());
        RAW.iter()
            .zip(docs)
            .map(|(rule, doc)| RuleInfo {
                doc: doc.as_str(),
                ..*rule
            })
            .collect()
    })
}

/// The rule with this name.
pub fn find(name: &str) -> Option<&'static RuleInfo> {
    registry().iter().find(|rule| rule.name == name)
}

/// The rule name nearest to a mistyped one, for "did you mean …?"; `None` when none is close.
pub fn nearest_name(name: &str) -> Option<&'static str> {
    // No rule name is this long: nothing is near, and the distance would cost its length squared.
    if name.len() > 64 {
        return None;
    }
    let name = name.trim().to_lowercase().replace(['_', ' '], "-");
    registry()
        .iter()
        .map(|rule| (strsim::levenshtein(&name, rule.name), rule.name))
        .filter(|(distance, rule)| *distance <= (rule.len() / 3).max(2))
        .min()
        .map(|(_, rule)| rule)
}

/// Days since 1970-01-01 of a calendar date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: u16, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date, `YYYY-MM-DD`, of a day counted from 1970-01-01.
pub fn civil_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Today in UTC, as days since 1970-01-01, from the system clock.
pub fn today_utc() -> i64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    i64::try_from(seconds / 86_400).unwrap_or(0)
}

/// The names of every rule, in registry order, comma-separated: for messages.
pub fn names() -> String {
    registry()
        .iter()
        .map(|rule| rule.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Removes the indentation every non-blank line shares (rustdoc's one space after `///`) and
/// trailing blank lines.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.get(indent..).unwrap_or("").trim_end());
        out.push('\n');
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// Whether a schema finding says the same as a `dangling-step` finding (an empty method `steps`
/// list), so that only the clearer one is reported. `dangling_steps` is
/// [`dangling_step_pointers`] of the file's findings: a set, so that a file with 150,000 schema
/// findings is not compared pair by pair.
pub fn overlaps_dangling_step(
    finding: &RuleFinding,
    dangling_steps: &std::collections::HashSet<&str>,
) -> bool {
    finding.rule == Schema::NAME && dangling_steps.contains(finding.pointer.as_str())
}

/// The pointers of the `dangling-step` findings among `findings`.
pub fn dangling_step_pointers(findings: &[RuleFinding]) -> std::collections::HashSet<&str> {
    findings
        .iter()
        .filter(|finding| finding.rule == DanglingStep::NAME)
        .map(|finding| finding.pointer.as_str())
        .collect()
}

/// Options of the rules, from `remedy.toml`.
#[derive(Debug, Clone)]
pub struct RuleOptions {
    /// `[lint.undeclared-destructive] extra-phrases`, compiled.
    pub destructive_phrases: PhraseMatcher,
    /// Today (UTC) as days since 1970-01-01, for the date rules; `None` leaves them silent.
    pub today: Option<i64>,
    /// `[lint.stale-review] max-age-days`.
    pub stale_max_age_days: u32,
    /// `[pdf] fonts`, read once per run.
    pub extra_fonts: unprintable_character::ExtraFonts,
    /// `[lint.undeclared-destructive] extra-reset-phrases`, compiled with the built-in ones.
    pub reset_phrases: PhraseMatcher,
    /// `[platforms]` display names, over the built-in ones.
    pub platform_names: std::collections::BTreeMap<String, String>,
}

impl Default for RuleOptions {
    fn default() -> Self {
        Self {
            destructive_phrases: PhraseMatcher::default(),
            today: None,
            stale_max_age_days: 365,
            extra_fonts: unprintable_character::ExtraFonts::default(),
            reset_phrases: PhraseMatcher::resets(&[]),
            platform_names: std::collections::BTreeMap::new(),
        }
    }
}

/// A finding as a rule produces it: the engine adds the file, the severity and the source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFinding {
    /// The rule's name.
    pub rule: &'static str,
    /// Where the node is.
    pub span: Span,
    /// The node's JSON Pointer.
    pub pointer: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// What a per-file rule sees: one loaded file and the options.
#[derive(Debug)]
pub struct FileContext<'a> {
    /// The file: text, YAML with positions, schema violations and, when it has the guide's shape,
    /// the typed guide.
    pub file: &'a GuideFile,
    /// The file stem the guide id must equal (for standard input, the `--stdin-filename` stem).
    pub stem: Option<&'a str>,
    /// Rule options.
    pub options: &'a RuleOptions,
    /// Every method's steps in document order ([`Method::walk_steps`]), walked once for all
    /// rules; empty without a typed guide.
    pub steps: Vec<Vec<StepVisit<'a>>>,
    /// Whether an id of the guide is declared twice, when the caller already knows it.
    pub ids_repeat: Option<bool>,
    /// The content root, which images must stay inside; `None`: the guide's own folder.
    pub content_root: Option<&'a std::path::Path>,
}

impl<'a> FileContext<'a> {
    /// The context of a loaded file.
    pub fn new(file: &'a GuideFile, stem: Option<&'a str>, options: &'a RuleOptions) -> Self {
        let steps = file
            .guide
            .as_ref()
            .map(|guide| guide.methods.iter().map(Method::walk_steps).collect())
            .unwrap_or_default();
        Self {
            file,
            stem,
            options,
            steps,
            ids_repeat: None,
            content_root: None,
        }
    }

    /// The steps of method `index`, in document order.
    pub fn steps(&self, index: usize) -> &[StepVisit<'a>] {
        self.steps.get(index).map_or(&[], Vec::as_slice)
    }

    /// The node at `pointer` (or its nearest ancestor in the source).
    pub fn node(&self, pointer: &str) -> NodeSpan {
        self.file.document.source_map.nearest(pointer)
    }

    /// The span of the value at `pointer`.
    pub fn value_span(&self, pointer: &str) -> Span {
        self.node(pointer).value
    }

    /// A finding at the value of `pointer`.
    pub fn at_value(&self, rule: &'static str, pointer: String, message: String) -> RuleFinding {
        RuleFinding {
            rule,
            span: self.value_span(&pointer),
            pointer,
            message,
        }
    }

    /// Whether the document has a node at exactly this pointer (a key that is written).
    pub fn has(&self, pointer: &str) -> bool {
        self.file.document.source_map.get(pointer).is_some()
    }
}

/// Runs every per-file rule that works on a loaded document. Rules that need the typed guide do
/// nothing when the guide has the wrong shape (the schema findings say why).
///
/// A `steps: []` under a method is also below the schema's minimum; when `dangling-step` reports
/// it, the engine drops the schema finding at the same pointer (see [`overlaps_dangling_step`]).
pub fn check_file(cx: &FileContext<'_>) -> Vec<RuleFinding> {
    let mut out = Vec::new();
    schema::check(cx, &mut out);
    id_mismatch::check(cx, &mut out);
    duplicate_id::check(cx, &mut out);
    if let Some(guide) = &cx.file.guide {
        dangling_step::check(cx, guide, &mut out);
        missing_backup_warning::check(cx, guide, &mut out);
        undeclared_destructive::check(cx, guide, &mut out);
        risk_understated::check(cx, guide, &mut out);
        missing_pros_cons::check(cx, guide, &mut out);
        orphan_cause::check(cx, guide, &mut out);
        method_without_cause::check(cx, guide, &mut out);
        invalid_time_range::check(cx, guide, &mut out);
        manual_numbering::check(cx, guide, &mut out);
        deep_nesting::check(cx, guide, &mut out);
        placeholder_text::check(cx, guide, &mut out);
        future_date::check(cx, guide, &mut out);
        stale_review::check(cx, guide, &mut out);
        duplicate_title::check(cx, guide, &mut out);
        self_reference::check(cx, guide, &mut out);
        unprintable_character::check(cx, guide, &mut out);
        unsupported_markup::check(cx, guide, &mut out);
        missing_image::check(cx, guide, &mut out);
        image_alt_text::check(cx, guide, &mut out);
        unknown_platform::check(cx, guide, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn the_registry_lists_every_rule_once_in_spec_order() {
        let names: Vec<&str> = registry().iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            [
                "yaml-syntax",
                "schema",
                "id-mismatch",
                "duplicate-id",
                "dangling-reference",
                "dangling-step",
                "missing-backup-warning",
                "undeclared-destructive",
                "risk-understated",
                "missing-pros-cons",
                "orphan-cause",
                "method-without-cause",
                "io-error",
                "unused-suppression",
                "unsupported-markup",
                "unprintable-character",
                "missing-image",
                "image-alt-text",
                "unknown-platform",
                "invalid-time-range",
                "manual-numbering",
                "deep-nesting",
                "placeholder-text",
                "future-date",
                "stale-review",
                "duplicate-title",
                "self-reference",
                "unjustified-suppression",
            ]
        );
        let warnings: Vec<&str> = registry()
            .iter()
            .filter(|r| r.default_severity == Severity::Warning)
            .map(|r| r.name)
            .collect();
        assert_eq!(
            warnings,
            [
                "undeclared-destructive",
                "orphan-cause",
                "method-without-cause",
                "unused-suppression",
                "image-alt-text",
                "manual-numbering",
                "deep-nesting",
                "stale-review",
                "duplicate-title",
                "self-reference",
                "unjustified-suppression",
            ]
        );
    }

    #[test]
    fn dates_count_days_both_ways() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 12, 1), 20_788);
        assert_eq!(civil_from_days(20_788), "2026-12-01");
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), "2024-02-29");
    }

    #[test]
    fn mistyped_rule_names_get_the_nearest() {
        assert_eq!(nearest_name("orphan-causes"), Some("orphan-cause"));
        assert_eq!(
            nearest_name("missing_backup_warning"),
            Some("missing-backup-warning")
        );
        assert_eq!(nearest_name("shema"), Some("schema"));
        assert_eq!(nearest_name("completely-different"), None);
    }

    #[test]
    fn every_doc_has_the_three_parts_and_a_bad_and_fixed_example() {
        for rule in registry() {
            let doc = rule.doc;
            let find = |s: &str| {
                doc.find(s)
                    .unwrap_or_else(|| panic!("{}: no {s}", rule.name))
            };
            let what = find("## What it finds\n");
            let why = find("## Why it matters\n");
            let example = find("## Example\n");
            assert!(what < why && why < example, "{}", rule.name);
            assert!(
                doc.starts_with("## What it finds"),
                "{}: not dedented",
                rule.name
            );
            assert!(
                doc.matches("```yaml\n").count() >= 2,
                "{}: bad and fixed",
                rule.name
            );
            assert!(!rule.summary.is_empty() && !rule.summary.ends_with('.'));
        }
    }

    #[test]
    fn find_knows_every_name() {
        assert_eq!(find("orphan-cause").map(|r| r.name), Some("orphan-cause"));
        assert!(find("orphan_cause").is_none());
    }

    #[test]
    fn dedent_keeps_relative_indentation() {
        assert_eq!(
            dedent(" a\n\n ```yaml\n   b: 1\n ```\n\n"),
            "a\n\n```yaml\n  b: 1\n```\n"
        );
    }
}
