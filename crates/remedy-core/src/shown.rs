//! Text from a repository (file names, guide text, configuration values) as it may be shown to a
//! person: every control character written as an escape, so that a message quoting it cannot
//! move the terminal's cursor, recolour it, or forge a line of a report.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character escaped, line breaks and tabs included (`\n`, `\r`, `\t`,
/// `\u{1b}`): one line, whatever the text held.
pub fn escaped(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`escaped`], but for line breaks, which are kept: for a message whose own lines are meant.
pub fn escaped_keeping_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let escapes = |c: char| c.is_control() && !(keep_lines && c == '\n');
    if !text.contains(escapes) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !escapes(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cannot_send_escape_sequences() {
        assert_eq!(
            escaped("a\u{1b}[2Jb\nc\td\r\u{85}"),
            "a\\u{1b}[2Jb\\nc\\td\\r\\u{85}"
        );
        assert!(matches!(escaped("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_message_keeps_its_own_lines_and_nothing_else() {
        assert_eq!(
            escaped_keeping_lines("one\ntwo\u{7}\tthree\r"),
            "one\ntwo\\u{7}\\tthree\\r"
        );
        assert!(matches!(escaped_keeping_lines("a\nb"), Cow::Borrowed(_)));
    }
}
