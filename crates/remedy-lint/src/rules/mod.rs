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
            /// The rule's typed id: what the engine, configuration and findings carry.
            pub const ID: $crate::rules::RuleId = $crate::rules::RuleId::$rule;
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

pub use undeclared_destructive::PhraseMatcher;

pub mod texts;

/// The rules the exports depend on: a guide with one of their findings cannot be exported, so
/// configuration can neither turn them off nor lower them, and no comment silences them.
pub const REQUIRED: [RuleId; 4] = [YamlSyntax::ID, Schema::ID, IoError::ID, DuplicateId::ID];

/// The rules that run only when `[lint.rules]` turns them on.
pub const OFF_BY_DEFAULT: [RuleId; 1] = [StaleReview::ID];

/// Declares the registry from one list of rules: the typed [`RuleId`] (one variant per rule,
/// named as its struct) and every rule's description, in the list's order.
macro_rules! register_rules {
    ($($module:ident :: $rule:ident : $check:ident),* $(,)?) => {
        $(
            pub mod $module;
            pub use $module::$rule;
        )*

        /// A rule, by a typed id rather than its name: the engine, configuration and suppressions
        /// carry this; the name is read from the registry where text is needed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $(
                #[doc = concat!("[`", stringify!($rule), "`]")]
                $rule,
            )*
        }

        /// Every rule as declared, in registry order.
        const RAW: &[RuleInfo] = &[$($rule::RAW),*];

        impl RuleId {
            /// Every rule, in registry order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$rule),*];
        }

        /// Runs every registered per-file check, in registry order.
        fn check_registered(cx: &FileContext<'_>, out: &mut Vec<RuleFinding>) {
            $(run_check!($check, $module, cx, out);)*
        }
    };
}

/// One rule's per-file check, by what it takes.
macro_rules! run_check {
    (engine, $module:ident, $cx:ident, $out:ident) => {};
    (file, $module:ident, $cx:ident, $out:ident) => {
        $module::check($cx, $out)
    };
    (guide, $module:ident, $cx:ident, $out:ident) => {
        if let Some(guide) = &$cx.file.guide {
            $module::check($cx, guide, $out)
        }
    };
}

// One line per rule, in SPEC order, extensions last (the order of `remedy rules` and SARIF):
// its module, its struct, and what its `check` takes: `file` (`check(cx, out)`), `guide`
// (`check(cx, guide, out)`, only when the file has a typed guide) or `engine` (no per-file check:
// the engine or the suppression pass finds it).
register_rules![
    yaml_syntax::YamlSyntax: engine,
    schema::Schema: file,
    id_mismatch::IdMismatch: file,
    duplicate_id::DuplicateId: file,
    dangling_reference::DanglingReference: engine,
    dangling_step::DanglingStep: guide,
    missing_backup_warning::MissingBackupWarning: guide,
    undeclared_destructive::UndeclaredDestructive: guide,
    risk_understated::RiskUnderstated: guide,
    missing_pros_cons::MissingProsCons: guide,
    orphan_cause::OrphanCause: guide,
    method_without_cause::MethodWithoutCause: guide,
    io_error::IoError: engine,
    unused_suppression::UnusedSuppression: engine,
    unsupported_markup::UnsupportedMarkup: guide,
    unprintable_character::UnprintableCharacter: guide,
    missing_image::MissingImage: guide,
    image_alt_text::ImageAltText: guide,
    unknown_platform::UnknownPlatform: guide,
    invalid_time_range::InvalidTimeRange: guide,
    manual_numbering::ManualNumbering: guide,
    deep_nesting::DeepNesting: guide,
    placeholder_text::PlaceholderText: guide,
    future_date::FutureDate: guide,
    stale_review::StaleReview: guide,
    duplicate_title::DuplicateTitle: guide,
    self_reference::SelfReference: guide,
    unjustified_suppression::UnjustifiedSuppression: engine,
];

impl RuleId {
    /// The rule's name, as in configuration, suppressions and every report.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The rule's description.
    pub fn info(self) -> &'static RuleInfo {
        &registry()[self as usize]
    }

    /// The rule with exactly this name.
    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|rule| rule.name() == name)
    }

    /// Whether the exports depend on this rule ([`REQUIRED`]).
    pub fn is_required(self) -> bool {
        REQUIRED.contains(&self)
    }

    /// Whether the rule runs only when `[lint.rules]` turns it on ([`OFF_BY_DEFAULT`]).
    pub fn is_off_by_default(self) -> bool {
        OFF_BY_DEFAULT.contains(&self)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

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
    finding.rule == Schema::ID && dangling_steps.contains(finding.pointer.as_str())
}

/// The pointers of the `dangling-step` findings among `findings`.
pub fn dangling_step_pointers(findings: &[RuleFinding]) -> std::collections::HashSet<&str> {
    findings
        .iter()
        .filter(|finding| finding.rule == DanglingStep::ID)
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
    /// The rule.
    pub rule: RuleId,
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
    /// Every text of the guide with what its bytes may hold, walked and read once for all the
    /// text rules ([`texts::collect`]); empty without a typed guide.
    pub texts: Vec<texts::GuideText<'a>>,
    /// Whether an id of the guide is declared twice, when the caller already knows it.
    pub ids_repeat: Option<bool>,
    /// The content root, which images must stay inside; `None`: the guide's own folder.
    pub content_root: Option<&'a std::path::Path>,
}

impl<'a> FileContext<'a> {
    /// The context of a loaded file.
    pub fn new(file: &'a GuideFile, stem: Option<&'a str>, options: &'a RuleOptions) -> Self {
        let steps: Vec<Vec<StepVisit<'a>>> = file
            .guide
            .as_ref()
            .map(|guide| guide.methods.iter().map(Method::walk_steps).collect())
            .unwrap_or_default();
        let texts = file
            .guide
            .as_ref()
            .map(|guide| texts::collect(guide, &steps))
            .unwrap_or_default();
        Self {
            file,
            stem,
            options,
            steps,
            texts,
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
    pub fn at_value(&self, rule: RuleId, pointer: String, message: String) -> RuleFinding {
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
    check_registered(cx, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn every_typed_id_names_its_own_rule_and_back() {
        assert_eq!(RuleId::ALL.len(), registry().len());
        for (rule, info) in RuleId::ALL.iter().zip(registry()) {
            assert_eq!(rule.name(), info.name);
            assert_eq!(RuleId::from_name(info.name), Some(*rule));
            assert_eq!(rule.to_string(), info.name);
        }
        assert_eq!(DanglingStep::ID.name(), DanglingStep::NAME);
        assert_eq!(RuleId::from_name("dangling_step"), None);
        assert!(Schema::ID.is_required() && !DanglingStep::ID.is_required());
        assert!(StaleReview::ID.is_off_by_default() && !Schema::ID.is_off_by_default());
    }

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
