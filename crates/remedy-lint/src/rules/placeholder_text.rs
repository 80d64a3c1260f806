//! `placeholder-text`: text left from `remedy new`'s skeleton, or `TODO`, `TBD`, `FIXME`,
//! `lorem ipsum`.

use remedy_core::Guide;

use super::{FileContext, RuleFinding};
use crate::locate;

/// The sentences `remedy new` writes into a skeleton for the writer to replace. The binary's
/// skeleton is tested against this list, so the two cannot drift apart.
pub const SKELETON_TEXTS: [&str; 15] = [
    "Say in one paragraph which problem this guide solves and who it is for.",
    "Explain what is going on before the reader starts.",
    "Name the first likely cause",
    "Say how the reader recognises this cause.",
    "Name the first method",
    "Say what this method does and when it helps.",
    "Say which situation this method suits best.",
    "Write the first instruction.",
    "Say what the reader sees when the step worked.",
    "Write the second instruction.",
    "Say what speaks for this method.",
    "Say what speaks against it.",
    "Write a question readers ask?",
    "Answer it in a few sentences.",
    "Describe a situation the reader may be in.",
];

/// Words that mark unfinished text, matched as whole words in capitals.
const MARKERS: [&str; 3] = ["TODO", "TBD", "FIXME"];

/// Filler text, matched in any case.
const FILLER: &str = "lorem ipsum";

declare_rule! {
    /// ## What it finds
    ///
    /// Text that was never written: a sentence left from the skeleton `remedy new` writes
    /// ("Write the first instruction."), the words `TODO`, `TBD` or `FIXME` in capitals, or
    /// "lorem ipsum" filler. The finding points at the placeholder itself.
    ///
    /// ## Why it matters
    ///
    /// An unfinished guide exports like a finished one: the reader gets a handout that tells
    /// them to "Write the first instruction." Lint is the last check before it is printed.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// steps:
    ///   - text: Write the first instruction.
    ///   - text: Open Settings. TODO check the menu name on iOS 18
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// steps:
    ///   - text: Open Settings on your iPhone.
    ///   - text: Tap General > About.
    /// ```
    pub struct PlaceholderText {
        name: "placeholder-text",
        severity: Error,
        summary: "text left from `remedy new`'s skeleton, or `TODO`, `TBD`, `FIXME`, `lorem ipsum`",
    }
}

/// Whether `needle` (ASCII, lowercase) is in `text`, ignoring ASCII case, without allocating.
/// Whether `text` holds a marker anywhere (what `text.contains(marker)` says of each), in one
/// pass that stops only at a `T` or an `F`: every text of every guide is asked, and three
/// searches a text were a third of what this rule cost.
fn has_marker(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'T', b'F', bytes).any(|at| {
        MARKERS
            .iter()
            .any(|marker| bytes[at..].starts_with(marker.as_bytes()))
    })
}

/// Where the `p` of [`FILLER`] is: the filler is looked for only around a `p` or a `P`, which
/// are rarer in a text than most letters.
const FILLER_P: usize = 7;
const _: () = assert!(FILLER.as_bytes()[FILLER_P] == b'p');

/// Whether `text` holds [`FILLER`] in any ASCII case, as comparing it with every window of the
/// text would say (that comparison was half of what this rule cost).
fn has_filler(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'p', b'P', bytes).any(|at| {
        at.checked_sub(FILLER_P)
            .and_then(|start| bytes.get(start..start + FILLER.len()))
            .is_some_and(|window| window.eq_ignore_ascii_case(FILLER.as_bytes()))
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The lengths of [`SKELETON_TEXTS`], one bit each: a text of another length is none of them.
const SKELETON_LENGTHS: u128 = {
    let mut lengths = 0u128;
    let mut i = 0;
    while i < SKELETON_TEXTS.len() {
        assert!(SKELETON_TEXTS[i].len() < 128);
        lengths |= 1 << SKELETON_TEXTS[i].len();
        i += 1;
    }
    lengths
};

/// Whether `trimmed` is a sentence of the skeleton.
fn is_skeleton(trimmed: &str) -> bool {
    trimmed.len() < 128
        && SKELETON_LENGTHS & (1 << trimmed.len()) != 0
        && SKELETON_TEXTS.contains(&trimmed)
}

/// Every placeholder in every text of the guide.
pub fn check(cx: &FileContext<'_>, _guide: &Guide, out: &mut Vec<RuleFinding>) {
    let source = &cx.file.source;
    for guide_text in cx.texts.iter().filter(|text| text.prose) {
        let text = guide_text.text;
        let facts = guide_text.facts;
        let has_marker = facts.may_hold_marker() && has_marker(text);
        let has_filler = facts.may_hold_filler() && has_filler(text);
        let trimmed = text.trim();
        let is_skeleton = is_skeleton(trimmed);
        if !has_marker && !has_filler && !is_skeleton {
            continue;
        }
        let pointer = guide_text.place.pointer(&cx.steps);
        let node = cx.value_span(&pointer);
        if is_skeleton {
            let span = locate::find_text(source, node, trimmed, false).unwrap_or(node);
            out.push(RuleFinding {
                rule: PlaceholderText::ID,
                span,
                pointer,
                message: format!(
                    "“{trimmed}” is a placeholder from `remedy new`'s skeleton; replace it with your own text"
                ),
            });
            continue;
        }
        let mut words: Vec<&str> = Vec::new();
        for marker in MARKERS {
            let mut rest = text;
            let mut before = None::<char>;
            while let Some(at) = rest.find(marker) {
                let prior = rest[..at].chars().next_back().or(before);
                let after = rest[at + marker.len()..].chars().next();
                if !prior.is_some_and(is_word_char) && !after.is_some_and(is_word_char) {
                    words.push(marker);
                }
                before = Some(marker.chars().next_back().unwrap_or(' '));
                rest = &rest[at + marker.len()..];
            }
        }
        if has_filler {
            words.push(FILLER);
        }
        if words.is_empty() {
            continue;
        }
        words.sort_unstable();
        words.dedup();
        // Each placeholder at its place in the source; a text that writes it differently
        // (an escape) is reported at the whole text, once.
        let mut spans = Vec::new();
        for word in &words {
            let ignore_case = *word == FILLER;
            let chars: Vec<char> = word.chars().collect();
            let found = locate::find_all(source, node, |rest| {
                let matches = rest.len() >= chars.len()
                    && rest.iter().zip(&chars).all(|(a, b)| {
                        if ignore_case {
                            a.to_lowercase().eq(b.to_lowercase())
                        } else {
                            a == b
                        }
                    });
                if matches
                    && (ignore_case || !rest.get(chars.len()).is_some_and(|c| is_word_char(*c)))
                {
                    chars.len()
                } else {
                    0
                }
            });
            spans.extend(found.into_iter().map(|span| (span, *word)));
        }
        spans.sort();
        spans.dedup();
        if spans.is_empty() {
            spans.push((node, words[0]));
        }
        // A text with more placeholders than this is one to rewrite, not to fix one by one.
        spans.truncate(200);
        for (span, word) in spans {
            let message = if word == FILLER {
                "“lorem ipsum” is filler text; replace it with your own text".to_owned()
            } else {
                format!("`{word}` marks unfinished text; finish the text and remove `{word}`")
            };
            out.push(RuleFinding {
                rule: PlaceholderText::ID,
                span,
                pointer: pointer.clone(),
                message,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_length_check_never_rules_out_a_skeleton_sentence() {
        for text in SKELETON_TEXTS {
            assert!(is_skeleton(text), "{text}");
            assert!(!is_skeleton(&text[1..]), "{text}");
        }
        assert!(!is_skeleton(""));
        assert!(!is_skeleton(&"x".repeat(300)));
    }

    #[test]
    fn the_quick_checks_say_what_a_search_of_the_whole_text_says() {
        for text in [
            "",
            "Open Settings.",
            "TODO",
            "Tap TBD later",
            "xFIXMEx",
            "FIXM",
            "TOD",
            "lorem ipsum",
            "Some LoReM IpSuM text",
            "orem ipsum",
            "lorem ipsu",
            "pppp lorem  ipsum",
            "lorem ipsum dolor, lorem ipsum",
            "Löschen lorem ipsum ’",
            "ipsum lorem",
        ] {
            let markers = MARKERS.iter().any(|marker| text.contains(marker));
            let filler = text
                .as_bytes()
                .windows(FILLER.len())
                .any(|window| window.eq_ignore_ascii_case(FILLER.as_bytes()));
            assert_eq!(has_marker(text), markers, "{text}");
            assert_eq!(has_filler(text), filler, "{text}");
        }
    }
}
