//! `undeclared-destructive`: a step that reads as destructive but does not say whether it is.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::OnceLock;

use remedy_core::Guide;

use super::texts::{Facts, Place, StepField};
use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// A step whose `text` reads as destructive while the step has no `destructive` field at all.
    /// Words and phrases are matched whole and case-insensitively (a hyphen counts as a space, so
    /// "sign-out" is "sign out"):
    ///
    /// - erase, erases, erasing; wipe, wipes, wiping; delete, deletes, deleting
    /// - remove … from (up to four words between: "remove the photos from this iPhone")
    /// - reset all content, factory reset, factory settings, factory defaults
    /// - sign out, log out, logout (and signs/signing, logs/logging)
    /// - format or reformat … disk, drive, card, volume, partition
    /// - uninstall, discard, overwrite (and their -s and -ing forms)
    /// - turn off, switch off or disable iCloud Photos or iCloud Drive (either word order:
    ///   "turn iCloud Drive off")
    /// - empty the trash, bin or wastebasket
    /// - the phrases in `remedy.toml`: `[lint.undeclared-destructive] extra-phrases`
    ///
    /// Deliberately not matched: past participles such as "deleted" or "erased", which describe a
    /// state rather than ask for an action ("check the Recently Deleted album", "items deleted
    /// from iCloud are gone"); longer words that contain a match ("undelete"); "remove" without
    /// "from" ("tap Remove Download"), and "remove … from the Home Screen", which only hides an
    /// icon; "reset", "restore", "clear" and "forget" on their own, which in troubleshooting
    /// steps mostly restart a router, restore from a backup, clear a cache or forget a network.
    /// Add such phrases with `extra-phrases` where your guides need them. Only `text` is read:
    /// a `warning` or `note` that mentions deleting explains, it does not instruct.
    ///
    /// `destructive: false` is the writer's answer that the step only mentions the action
    /// ("Before you delete anything, …") and silences the rule; `destructive: true` marks it.
    ///
    /// It also finds a step that reads as a **reset** while it has neither `destructive` nor
    /// `resets`: reset … network settings, reset all settings, reset … settings, reset … to
    /// defaults, forget this network or device, forget … networks, unpair, reset the NVRAM, PRAM
    /// or SMC, and the phrases of `extra-reset-phrases`. A reset returns settings to their
    /// defaults or forgets saved configuration but loses no documents or photos: `resets: true`
    /// marks it (and lets the method keep a low risk), `resets: false` says the step only
    /// mentions it.
    ///
    /// ## Why it matters
    ///
    /// `destructive: true` is what puts the warning marker on a step in the handout, what
    /// `missing-backup-warning` and `risk-understated` check, and what the data exports count. A
    /// step that deletes data without the flag reaches the reader unmarked and unguarded.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - text: Tap Sign Out at the very end of the page.
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// - text: Tap Sign Out at the very end of the page.
    ///   destructive: true
    /// ```
    ///
    /// A step that only mentions the action:
    ///
    /// ```yaml
    /// - text: Before you delete anything, copy it to a computer.
    ///   backup: true
    ///   destructive: false
    /// ```
    pub struct UndeclaredDestructive {
        name: "undeclared-destructive",
        severity: Warning,
        summary: "a step whose text reads as destructive (erase, wipe, delete, \"remove … from\", sign out, …) without `destructive` set",
    }
}

/// The built-in phrases. Words separated by spaces; `a|b` is either word; `~N` skips up to N words.
const BUILT_IN: &[&str] = &[
    "erase|erases|erasing",
    "wipe|wipes|wiping",
    "delete|deletes|deleting",
    "remove|removes|removing ~4 from",
    "reset|resets|resetting all content",
    "factory reset|resets|resetting|settings|defaults|default",
    "sign|signs|signing out",
    "log|logs|logging out",
    "logout|signout",
    "format|formats|formatting|reformat|reformats|reformatting ~2 disk|disks|drive|drives|card|volume|partition",
    "uninstall|uninstalls|uninstalling",
    "discard|discards|discarding",
    "overwrite|overwrites|overwriting",
    "turn|turns|turning|switch|switches|switching|disable|disables|disabling off icloud photos|drive",
    "turn|turns|turning|switch|switches|switching icloud photos|drive off",
    "disable|disables|disabling icloud photos|drive",
    "empty|empties|emptying ~2 trash|bin|wastebasket",
];

/// The built-in reset phrases: steps that return settings to defaults or forget saved
/// configuration, which `resets: true` (or `destructive`) answers.
const RESETS: &[&str] = &[
    "reset|resets|resetting ~3 network settings",
    "reset|resets|resetting all settings",
    "reset|resets|resetting ~3 settings",
    "forget|forgets|forgetting ~1 this network|device",
    "forget|forgets|forgetting ~2 network|networks",
    "unpair|unpairs|unpairing",
    "reset|resets|resetting ~3 defaults|default",
    "restore|restores|restoring ~3 defaults|default",
    "reset|resets|resetting ~2 nvram|pram|smc",
];

/// Matches that start where one of these does are not destructive.
const EXCEPTIONS: &[&str] = &["remove|removes|removing ~4 from ~1 home screen"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Element {
    /// One word, any of these.
    Word(Vec<String>),
    /// Up to this many words of anything.
    Gap(usize),
}

type Pattern = Vec<Element>;

fn compile(phrase: &str) -> Pattern {
    phrase
        .split_whitespace()
        .map(
            |part| match part.strip_prefix('~').and_then(|n| n.parse().ok()) {
                Some(n) => Element::Gap(n),
                None => Element::Word(part.split('|').map(str::to_owned).collect()),
            },
        )
        .collect()
}

/// A word of the text: lowercase, with its byte range in the original.
/// The words of a text, lower-cased into one buffer: a step's text costs two allocations, not
/// one per word (this rule reads every step of every guide).
#[derive(Debug, Default)]
struct Tokens {
    lower: String,
    /// Per word: its range in `lower`, and its range in the original text.
    words: Vec<(Range<usize>, Range<usize>)>,
}

impl Tokens {
    fn len(&self) -> usize {
        self.words.len()
    }

    fn word(&self, at: usize) -> Option<&str> {
        self.words
            .get(at)
            .map(|(lower, _)| &self.lower[lower.clone()])
    }

    fn range(&self, at: usize) -> Range<usize> {
        self.words[at].1.clone()
    }
}

/// Splits a text into words: runs of letters and digits, with an apostrophe inside a word
/// (`iPhone’s`) kept in it.
fn tokenize(text: &str) -> Tokens {
    if text.is_ascii() {
        tokenize_ascii(text)
    } else {
        tokenize_unicode(text)
    }
}

fn tokenize_unicode(text: &str) -> Tokens {
    let mut tokens = Tokens {
        lower: String::with_capacity(text.len()),
        words: Vec::new(),
    };
    let mut start: Option<(usize, usize)> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let apostrophe = matches!(c, '\'' | '\u{2019}')
            && start.is_some()
            && chars.peek().is_some_and(|(_, next)| next.is_alphanumeric());
        if c.is_alphanumeric() || apostrophe {
            if start.is_none() {
                start = Some((at, tokens.lower.len()));
            }
            if c.is_ascii() {
                tokens.lower.push(c.to_ascii_lowercase());
            } else {
                tokens.lower.extend(c.to_lowercase());
            }
        } else if let Some((from, lower_from)) = start.take() {
            tokens
                .words
                .push((lower_from..tokens.lower.len(), from..at));
        }
    }
    if let Some((from, lower_from)) = start {
        tokens
            .words
            .push((lower_from..tokens.lower.len(), from..text.len()));
    }
    tokens
}

/// [`tokenize`] for an ASCII text (most step texts), byte by byte: the words have the same
/// ranges in the text and in its lower-case copy.
fn tokenize_ascii(text: &str) -> Tokens {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    for (at, &byte) in bytes.iter().enumerate() {
        let apostrophe = byte == b'\''
            && start.is_some()
            && bytes.get(at + 1).is_some_and(u8::is_ascii_alphanumeric);
        if byte.is_ascii_alphanumeric() || apostrophe {
            start.get_or_insert(at);
        } else if let Some(from) = start.take() {
            words.push((from..at, from..at));
        }
    }
    if let Some(from) = start {
        words.push((from..bytes.len(), from..bytes.len()));
    }
    Tokens {
        lower: text.to_ascii_lowercase(),
        words,
    }
}

fn match_at(pattern: &[Element], tokens: &Tokens, at: usize) -> Option<usize> {
    let Some((first, rest)) = pattern.split_first() else {
        return Some(at);
    };
    match first {
        Element::Word(words) => {
            let token = tokens.word(at)?;
            if words.iter().any(|word| word == token) {
                match_at(rest, tokens, at + 1)
            } else {
                None
            }
        }
        Element::Gap(max) => (0..=*max).find_map(|skip| {
            (at + skip <= tokens.len())
                .then(|| match_at(rest, tokens, at + skip))
                .flatten()
        }),
    }
}

fn exceptions() -> &'static [Pattern] {
    static EXCEPT: OnceLock<Vec<Pattern>> = OnceLock::new();
    EXCEPT.get_or_init(|| EXCEPTIONS.iter().map(|p| compile(p)).collect())
}

/// The destructive phrases: the built-in ones plus the configured extras.
#[derive(Debug, Clone)]
pub struct PhraseMatcher {
    patterns: Vec<Pattern>,
    /// Every word a pattern or an exception can start with, lower-cased, by its length in bytes
    /// (up to the longest): most words of a step start no phrase, and are ruled out by comparing
    /// them with the few first words of their length instead of trying every pattern there.
    first_by_length: Vec<Vec<String>>,
    /// Whether every first word is ASCII.
    ascii_first_words: bool,
    /// Whether every ASCII first word is a run of ASCII letters and digits, as the pre-check
    /// compares runs: a first word with an apostrophe (an extra phrase's `can't`) is split
    /// there in the text's runs and would never be found by them. (A first word that is not
    /// ASCII can only be in a text that is not ASCII, which the pre-check does not rule out.)
    ascii_first_words_are_runs: bool,
    /// The shapes ([`word_shape`]) of the first words, one bit each: a word of a text whose
    /// shape no first word has is ruled out by one look-up. Comparing each word that merely
    /// began with a first word's letter with every first word of its length cost 2,000
    /// instructions a step.
    shapes: Box<[u64; SHAPE_WORDS]>,
}

/// The Kelvin sign, which lower-cases to an ASCII `k`.
const KELVIN: &str = "\u{212a}";

/// The bytes of a run [`PhraseMatcher::may_match_either`] compares: ASCII letters and digits.
static WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_alphanumeric();
        byte += 1;
    }
    table
};

/// Bits in [`PhraseMatcher::shapes`]: lengths up to 31 (longer ones share 31), and the first
/// and last bytes in ASCII lower case, five bits each.
const SHAPE_WORDS: usize = (1 << 15) / 64;

/// A word's length, first and last byte folded to five bits each, as ASCII case does not
/// change them: two words equal but for ASCII case have the same shape.
fn word_shape(word: &[u8]) -> usize {
    let (Some(first), Some(last)) = (word.first(), word.last()) else {
        return 0;
    };
    let fold = |byte: u8| usize::from(byte | 0x20) & 31;
    (word.len().min(31) << 10) | (fold(*first) << 5) | fold(*last)
}

impl Default for PhraseMatcher {
    fn default() -> Self {
        Self::new(&[])
    }
}

impl PhraseMatcher {
    /// Whether a word of the text could start a phrase. Most step texts have none of the first
    /// words, and this is decided without tokenizing them: each run of ASCII letters and digits
    /// is compared with the first words of its length. A word of the text that equals a first
    /// word is such a run, since only ASCII lowercases to ASCII (but for the Kelvin sign, which
    /// says yes); a run split at an apostrophe or a non-ASCII letter can only say yes too
    /// often, never too rarely. A first word that is not ASCII (an extra phrase) says yes to
    /// every text that is not ASCII.
    fn may_match(&self, text: &str) -> bool {
        Self::may_match_either(self, self, text, Facts::of(text))
    }

    /// Whether `first` or `second` could match in `text`: [`Self::may_match`] of both in one
    /// walk of the text. Every step is asked about both phrase lists, and most steps hold no
    /// first word of either: perf showed the two walks at 4.4% of a one-thread lint.
    ///
    /// `facts` are the text's ([`Facts::of`]): whether it is ASCII, and whether the Kelvin sign
    /// may be in it, without reading it again.
    pub fn may_match_either(first: &Self, second: &Self, text: &str, facts: Facts) -> bool {
        if !first.ascii_first_words_are_runs || !second.ascii_first_words_are_runs {
            return true;
        }
        if !facts.is_ascii()
            && (!first.ascii_first_words
                || !second.ascii_first_words
                || (facts.may_hold_kelvin()
                    && memchr::memmem::find(text.as_bytes(), KELVIN.as_bytes()).is_some()))
        {
            return true;
        }
        // Runs of ASCII letters and digits, found through a table: testing each byte's ranges
        // was most of the cost of this walk, which every step takes.
        let mut rest = text.as_bytes();
        while let Some(start) = rest.iter().position(|&b| WORD_BYTE[usize::from(b)]) {
            rest = &rest[start..];
            let length = rest
                .iter()
                .position(|&b| !WORD_BYTE[usize::from(b)])
                .unwrap_or(rest.len());
            let (word, after) = rest.split_at(length);
            // Only a word with the shape of a first word is compared; the shape is worked out
            // once for both lists.
            let shape = word_shape(word);
            if (first.has_shape_of(shape) && first.starts_a_phrase(word))
                || (second.has_shape_of(shape) && second.starts_a_phrase(word))
            {
                return true;
            }
            rest = after;
        }
        false
    }

    /// Whether some first word has this [`word_shape`].
    fn has_shape_of(&self, shape: usize) -> bool {
        self.shapes[shape / 64] & (1 << (shape % 64)) != 0
    }

    /// Whether a word is one of the first words, in any ASCII case.
    fn starts_a_phrase(&self, word: &[u8]) -> bool {
        self.first_by_length
            .get(word.len())
            .is_some_and(|candidates| {
                candidates
                    .iter()
                    .any(|candidate| candidate.as_bytes().eq_ignore_ascii_case(word))
            })
    }

    /// Whether a lower-cased word of the text is one of the first words.
    fn is_first_word(&self, word: &str) -> bool {
        self.first_by_length
            .get(word.len())
            .is_some_and(|candidates| candidates.iter().any(|candidate| candidate == word))
    }

    /// The built-in phrases plus `extra` (each matched as its words, in order, case-insensitively).
    pub fn new(extra: &[String]) -> Self {
        Self::with(BUILT_IN, extra)
    }

    /// The built-in reset phrases plus `extra`.
    pub fn resets(extra: &[String]) -> Self {
        Self::with(RESETS, extra)
    }

    fn with(built_in: &[&str], extra: &[String]) -> Self {
        let mut patterns: Vec<Pattern> = built_in.iter().map(|p| compile(p)).collect();
        for phrase in extra {
            let tokens = tokenize(phrase);
            let words: Pattern = (0..tokens.len())
                .filter_map(|at| tokens.word(at))
                .map(|word| Element::Word(vec![word.to_owned()]))
                .collect();
            if !words.is_empty() {
                patterns.push(words);
            }
        }
        let mut first_words = BTreeSet::new();
        for pattern in patterns.iter().chain(exceptions()) {
            if let Some(Element::Word(words)) = pattern.first() {
                first_words.extend(words.iter().cloned());
            }
        }
        let longest = first_words.iter().map(String::len).max().unwrap_or(0);
        let mut first_by_length = vec![Vec::new(); longest + 1];
        for word in &first_words {
            first_by_length[word.len()].push(word.clone());
        }
        let ascii_first_words = first_words.iter().all(|word| word.is_ascii());
        let ascii_first_words_are_runs = first_words
            .iter()
            .filter(|word| word.is_ascii())
            .all(|word| word.bytes().all(|b| WORD_BYTE[usize::from(b)]));
        let mut shapes = Box::new([0u64; SHAPE_WORDS]);
        for word in &first_words {
            let shape = word_shape(word.as_bytes());
            shapes[shape / 64] |= 1 << (shape % 64);
        }
        Self {
            patterns,
            first_by_length,
            ascii_first_words,
            ascii_first_words_are_runs,
            shapes,
        }
    }

    /// The first destructive phrase in `text`, as written there.
    pub fn find<'t>(&self, text: &'t str) -> Option<&'t str> {
        if !self.may_match(text) {
            return None;
        }
        let exceptions = exceptions();
        let tokens = tokenize(text);
        for start in 0..tokens.len() {
            if !tokens
                .word(start)
                .is_some_and(|word| self.is_first_word(word))
            {
                continue;
            }
            if exceptions
                .iter()
                .any(|p| match_at(p, &tokens, start).is_some())
            {
                continue;
            }
            for pattern in &self.patterns {
                if let Some(end) = match_at(pattern, &tokens, start) {
                    let range = tokens.range(start).start..tokens.range(end - 1).end;
                    return Some(&text[range]);
                }
            }
        }
        None
    }
}

/// One finding per step that reads as destructive and has no `destructive` field, or reads as
/// a reset and has neither `destructive` nor `resets`.
pub fn check(cx: &FileContext<'_>, _guide: &Guide, out: &mut Vec<RuleFinding>) {
    let matcher = &cx.options.destructive_phrases;
    let resets = &cx.options.reset_phrases;
    for guide_text in &cx.texts {
        let Place::Step {
            method: i,
            step,
            field: StepField::Text,
        } = guide_text.place
        else {
            continue;
        };
        let Some(visit) = cx.steps(i).get(step) else {
            continue;
        };
        if visit.step.destructive.is_some() {
            continue;
        }
        let text = guide_text.text;
        // Neither list can match: both `find`s below would say `None`.
        if !PhraseMatcher::may_match_either(matcher, resets, text, guide_text.facts) {
            continue;
        }
        let message = if let Some(phrase) = matcher.find(text) {
            format!(
                "step {} reads as destructive (“{phrase}”) but does not say so; add `destructive: true` (with a backup step before it), or `destructive: false` if it only mentions the action",
                visit.number()
            )
        } else if visit.step.resets.is_none()
            && let Some(phrase) = resets.find(text)
        {
            format!(
                "step {} reads as a reset (“{phrase}”) but does not say so; add `resets: true` if it only forgets settings, `destructive: true` if it loses data, or `resets: false` if it only mentions the action",
                visit.number()
            )
        } else {
            continue;
        };
        out.push(cx.at_value(UndeclaredDestructive::ID, visit.pointer(i), message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<String> {
        PhraseMatcher::default().find(text).map(str::to_owned)
    }

    #[test]
    fn an_extra_phrase_whose_first_word_has_an_apostrophe_is_found() {
        // The pre-check compares runs of letters and digits, which split `can't` in two.
        let matcher = PhraseMatcher::new(&["can't undo it".into()]);
        assert_eq!(
            matcher.find("Choose this only if you know you can't undo it."),
            Some("can't undo it")
        );
        let mixed = PhraseMatcher::new(&["can't undo it".into(), "löschen".into()]);
        assert_eq!(
            mixed.find("Choose this only if you know you can't undo it."),
            Some("can't undo it")
        );
        // The built-in lists start with runs only, so the pre-check keeps ruling texts out.
        assert!(PhraseMatcher::default().ascii_first_words_are_runs);
        assert!(PhraseMatcher::resets(&[]).ascii_first_words_are_runs);
        assert_eq!(PhraseMatcher::default().find("Read the label on the box."), None);
    }

    #[test]
    fn one_walk_for_both_lists_says_what_the_two_walks_say() {
        let destructive = PhraseMatcher::new(&["löschen".into()]);
        let resets = PhraseMatcher::resets(&[]);
        let ascii = PhraseMatcher::default();
        for text in [
            "Open Settings.",
            "Erase the Mac.",
            "Forget this network.",
            "Tap Unpair.",
            "Tippen Sie auf Löschen.",
            "Tippen Sie auf Öffnen.",
            "\u{212a}ill it.",
            "",
        ] {
            for (first, second) in [(&destructive, &resets), (&ascii, &resets)] {
                assert_eq!(
                    PhraseMatcher::may_match_either(first, second, text, Facts::of(text)),
                    first.may_match(text) || second.may_match(text),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn destructive_phrases_match_whole_words_in_any_case() {
        let cases = [
            ("Erase All Content and Settings.", "Erase"),
            ("Wipe the Mac with Disk Utility.", "Wipe"),
            ("Tap Delete App.", "Delete"),
            ("Deleting old backups frees space.", "Deleting"),
            (
                "Remove the photos from this iPhone.",
                "Remove the photos from",
            ),
            ("Tap Remove from iPhone.", "Remove from"),
            ("Tap Reset All Content.", "Reset All Content"),
            ("Do a factory reset.", "factory reset"),
            ("Factory-reset the router.", "Factory-reset"),
            (
                "Restore the router to factory settings.",
                "factory settings",
            ),
            ("Tap Sign Out.", "Sign Out"),
            ("Use the sign-out button.", "sign-out"),
            ("Log out of the app.", "Log out"),
            ("Format the SD card as exFAT.", "Format the SD card"),
            ("Uninstall the VPN app.", "Uninstall"),
            ("Discard the changes.", "Discard"),
            ("Overwrite the older copy.", "Overwrite"),
            ("Turn off iCloud Photos.", "Turn off iCloud Photos"),
            ("Switch iCloud Drive off.", "Switch iCloud Drive off"),
            ("Empty the Trash.", "Empty the Trash"),
        ];
        for (text, phrase) in cases {
            assert_eq!(found(text).as_deref(), Some(phrase), "{text}");
        }
    }

    #[test]
    fn reset_phrases_are_their_own_list() {
        let resets = PhraseMatcher::resets(&["forget this printer".to_owned()]);
        for (text, phrase) in [
            ("Tap Reset All Settings.", "Reset All Settings"),
            (
                "Reset the iPhone’s network settings.",
                "Reset the iPhone’s network settings",
            ),
            ("Tap Forget This Network.", "Forget This Network"),
            ("Unpair the watch.", "Unpair"),
            ("Reset the NVRAM.", "Reset the NVRAM"),
            ("Choose Forget This Printer.", "Forget This Printer"),
        ] {
            assert_eq!(resets.find(text), Some(phrase), "{text}");
            assert_eq!(found(text), None, "{text} is no data loss");
        }
        for text in ["Reset the router by unplugging it.", "Forget it."] {
            assert_eq!(resets.find(text), None, "{text}");
        }
    }

    #[test]
    fn near_misses_do_not_match() {
        for text in [
            "Check the Recently Deleted album.",
            "Items deleted from iCloud are gone.",
            "Use the undelete tool.",
            "Tap Remove Download.",
            "Remove the app from the Home Screen.",
            "Remove from Home Screen.",
            "Reset the router by unplugging it.",
            "Turn iCloud Photos on again.",
            "Turn off Low Power Mode.",
            "Check that Airplane Mode is switched off.",
            "Sign in to iCloud again.",
            "Write the date in the format YYYY-MM-DD.",
            "Clear the app’s cached data:",
            "Back up the iPhone to a computer.",
            "Signed out devices stop syncing.",
            "Pick the erasers.",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }

    #[test]
    fn remove_needs_from_within_four_words() {
        assert!(found("Remove a b c d from it.").is_some());
        assert!(found("Remove a b c d e from it.").is_none());
    }

    #[test]
    fn ascii_texts_split_into_the_same_words_either_way() {
        for text in [
            "Tap Sign Out, then sign in again.",
            "It's the iPhone's 'Reset' button -- press it.",
            "a'b' 'c ''d 9x  end'",
            "",
            "   ",
            "'",
        ] {
            let words = |tokens: &Tokens| -> Vec<(String, Range<usize>)> {
                (0..tokens.len())
                    .map(|at| {
                        let word = tokens.word(at).unwrap_or_default().to_owned();
                        (word, tokens.range(at))
                    })
                    .collect()
            };
            assert_eq!(
                words(&tokenize_ascii(text)),
                words(&tokenize_unicode(text)),
                "{text}"
            );
        }
    }

    #[test]
    fn the_quick_look_never_rules_out_a_phrase() {
        let long = "x".repeat(70);
        let matcher = PhraseMatcher::new(&[format!("{long} it"), "forget this network".into()]);
        let text = format!("Then {} it now.", long.to_uppercase());
        assert_eq!(matcher.find(&text).map(str::len), Some(long.len() + 3));
        assert_eq!(
            matcher.find("FORGET   this-network"),
            Some("FORGET   this-network")
        );
        assert_eq!(matcher.find("Tap Wipe’s menu, then wipe."), Some("wipe"));
        assert_eq!(matcher.find("Nothing here at all."), None);
        // Texts that are not ASCII get the quick look too.
        let built_in = PhraseMatcher::default();
        assert_eq!(
            built_in.find("Tap “Erase All Content” — then wait."),
            Some("Erase")
        );
        assert_eq!(built_in.find("Café—delete it"), Some("delete"));
        assert_eq!(built_in.find("Tap “Réglages” — then wait."), None);
        assert!(!built_in.may_match("Tap “Réglages” — then wait."));
        // The Kelvin sign lower-cases to an ASCII k.
        let kelvin = PhraseMatcher::new(&["\u{212a}ill it".into()]);
        assert_eq!(kelvin.find("then \u{212a}ill it"), Some("\u{212a}ill it"));
        // A first word that is not ASCII.
        let german = PhraseMatcher::new(&["löschen".into()]);
        assert_eq!(german.find("Alles „LÖSCHEN“ tippen"), Some("LÖSCHEN"));
    }

    #[test]
    fn extra_phrases_extend_the_list() {
        let matcher = PhraseMatcher::new(&["forget this network".into()]);
        assert_eq!(
            matcher.find("Tap Forget This Network."),
            Some("Forget This Network")
        );
        assert_eq!(
            PhraseMatcher::default().find("Tap Forget This Network."),
            None
        );
    }
}
