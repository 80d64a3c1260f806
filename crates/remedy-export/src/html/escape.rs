//! Escaping: every text a guide holds reaches a page through these, so a guide can never add
//! markup or script to it.

/// `text` escaped for an element's content or a double-quoted attribute value.
pub fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than white space are not allowed in HTML text.
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// `text` escaped (see [`push_escaped`]).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// An address a link may carry: `http`, `https` and `mailto` only. Anything else
/// (`javascript:`, `data:`, `vbscript:`, a scheme hidden behind white space or control
/// characters) is refused, and the link is shown as its text.
pub fn safe_url(url: &str) -> Option<&str> {
    let trimmed = url.trim();
    if trimmed.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let lower = trimmed.to_ascii_lowercase();
    let allowed = ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len());
    allowed.then_some(trimmed)
}

/// A `/`-separated relative path as a URL path: each segment percent-encoded where it holds
/// anything but unreserved characters.
pub fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// JSON for a `<script src>` file or an inline data attribute: `<`, `>` and `&` written as
/// `\u` escapes so that the text can never close or open an element, and the two line
/// separators JavaScript once refused in strings escaped too.
pub fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn only_web_and_mail_addresses_are_links() {
        assert_eq!(
            safe_url("https://example.com/a"),
            Some("https://example.com/a")
        );
        assert_eq!(
            safe_url("MAILTO:help@example.com"),
            Some("MAILTO:help@example.com")
        );
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("JavaScript:alert(1)"), None);
        assert_eq!(safe_url("java\tscript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,<b>"), None);
        assert_eq!(safe_url("https://"), None);
        assert_eq!(safe_url("//evil.example"), None);
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            url_path("icloud/my photo#1.png"),
            "icloud/my%20photo%231.png"
        );
    }

    #[test]
    fn json_cannot_close_a_script() {
        assert_eq!(
            script_safe_json(r#"{"t":"</script><b>&"}"#),
            r#"{"t":"\u003c/script\u003e\u003cb\u003e\u0026"}"#
        );
    }
}
