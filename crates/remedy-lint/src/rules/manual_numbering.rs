//! `manual-numbering`: a step text that starts with its own number or letter.

use remedy_core::Guide;

use super::{FileContext, RuleFinding};
use crate::locate;

declare_rule! {
    /// ## What it finds
    ///
    /// A step whose text starts with a number or letter of its own: `1.`, `2)`, `(3)`, `a)`,
    /// `Step 3:`, or a list marker such as `-`. The finding points at the number.
    ///
    /// ## Why it matters
    ///
    /// The handout numbers steps itself (`1`, `2`, `2.1`), so a hand-written number is printed
    /// twice ("1. 1. Make sure…"), and it goes wrong as soon as a step is added or moved.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// steps:
    ///   - text: 1. Make sure the printer is on.
    ///   - text: "Step 2: Open Settings."
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// steps:
    ///   - text: Make sure the printer is on.
    ///   - text: Open Settings.
    /// ```
    pub struct ManualNumbering {
        name: "manual-numbering",
        severity: Warning,
        summary: "a step text that starts with its own number or letter (`1.`, `Step 3:`, `a)`)",
    }
}

/// How many characters of `text` are a number a writer put in front of a step (`1.`, `a)`,
/// `Step 3:`, `-`), not counting the space after it; 0 when it does not start with one.
fn marker_length(text: &[char]) -> usize {
    let followed_by_space = |at: usize| text.get(at).is_none_or(|c| c.is_whitespace());
    let digits = |from: usize| {
        text[from.min(text.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    // `Step 3:`, `step 3.`, `Step 3 -`
    let word: String = text.iter().take(4).collect::<String>().to_lowercase();
    if word == "step" && text.get(4) == Some(&' ') {
        let n = digits(5);
        if n > 0 {
            let after = 5 + n;
            return match text.get(after) {
                Some(':' | '.' | ')') if followed_by_space(after + 1) => after + 1,
                None => after,
                Some(' ') if text.get(after + 1) == Some(&'-') && followed_by_space(after + 2) => {
                    after + 2
                }
                _ => 0,
            };
        }
        return 0;
    }
    // `(3)`, `(a)`
    if text.first() == Some(&'(') {
        let n = digits(1);
        let inner = if n > 0 {
            n
        } else if text.get(1).is_some_and(char::is_ascii_alphabetic) {
            1
        } else {
            0
        };
        if inner > 0 && text.get(1 + inner) == Some(&')') && followed_by_space(2 + inner) {
            return 2 + inner;
        }
        return 0;
    }
    // `1.`, `12)`, `3:`
    let n = digits(0);
    if n > 0 {
        return match text.get(n) {
            Some('.' | ')' | ':') if followed_by_space(n + 1) => n + 1,
            _ => 0,
        };
    }
    // `a)`, `B.`: one letter, then `)` or `.`
    if text.first().is_some_and(char::is_ascii_alphabetic)
        && matches!(text.get(1), Some(')' | '.'))
        && followed_by_space(2)
        && text.len() > 2
    {
        return 2;
    }
    // `- `, `* `, `• `
    if matches!(text.first(), Some('-' | '*' | '•' | '+')) && text.get(1) == Some(&' ') {
        return 1;
    }
    0
}

/// The number of characters of every marker in a row at the start (`1. 1.` counts as one
/// finding), including the spaces between them.
fn leading_markers(text: &[char]) -> usize {
    let mut end = 0;
    let mut at = 0;
    loop {
        let length = marker_length(&text[at..]);
        if length == 0 {
            return end;
        }
        end = at + length;
        at = end + text[end..].iter().take_while(|c| **c == ' ').count();
    }
}

/// One finding per step whose text starts with a hand-written number.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    for i in 0..guide.methods.len() {
        for visit in cx.steps(i) {
            let text = visit.step.text.trim_start();
            // Most steps start with a word: two letters, and not "Step".
            let mut first = text.chars();
            let plain_word = matches!(
                (first.next(), first.next()),
                (Some(a), Some(b)) if a.is_alphabetic() && b.is_alphabetic()
            ) && !text
                .get(..4)
                .is_some_and(|word| word.eq_ignore_ascii_case("step"));
            if plain_word {
                continue;
            }
            // Numbers are short: the first characters are enough.
            let chars: Vec<char> = text.chars().take(64).collect();
            let length = leading_markers(&chars);
            if length == 0 {
                continue;
            }
            let marker: String = chars[..length].iter().collect();
            let pointer = format!("{}/text", visit.pointer(i));
            let node = cx.value_span(&pointer);
            let span = locate::find_text(&cx.file.source, node, &marker, false).unwrap_or(node);
            out.push(RuleFinding {
                rule: ManualNumbering::ID,
                span,
                pointer,
                message: format!(
                    "step {} starts with its own number `{marker}`, which the handout would print after its number; remove it: steps are numbered for you",
                    visit.number()
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        chars[..leading_markers(&chars)].iter().collect()
    }

    #[test]
    fn hand_written_numbers_are_found() {
        assert_eq!(marker("1. Make sure"), "1.");
        assert_eq!(marker("1. 1. Make sure"), "1. 1.");
        assert_eq!(marker("12) Open"), "12)");
        assert_eq!(marker("(3) Open"), "(3)");
        assert_eq!(marker("a) Open"), "a)");
        assert_eq!(marker("Step 3: Open"), "Step 3:");
        assert_eq!(marker("step 3 - Open"), "step 3 -");
        assert_eq!(marker("- Open"), "-");
    }

    #[test]
    fn numbers_that_belong_to_the_text_are_not() {
        for text in [
            "1Password opens.",
            "3.5 GHz is faster.",
            "10 minutes later, check again.",
            "A Wi-Fi network appears.",
            "e.g. the router",
            "Stepping back helps.",
            "Step outside.",
            "I/O errors stop.",
            "-5 °C is too cold.",
        ] {
            assert_eq!(marker(text), "", "{text}");
        }
    }
}
