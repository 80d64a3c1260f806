//! `unsupported-markup`: Markdown beyond guide rich text, or markup in a plain-text field.

use remedy_core::rich_text::{first_markup, may_hold_markup};
use remedy_core::{Code, Guide, Related};

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// In a rich-text field (`summary`, `overview`, step `text`, `note`, `warning`, `result`,
    /// `before`, `pros`, `cons`, FAQ questions and answers, `when`, captions), any Markdown
    /// beyond the guide subset of labels (`**Settings**`), menu paths
    /// (`**Settings > General**`), code (`` `ipconfig` ``), emphasis (`*once*`) and links
    /// (`[text](https://…)`, `[text](#method-id)`): headings, lists, block quotes, code blocks,
    /// tables, raw HTML, inline images, footnotes, struck-through text, hard line breaks, links
    /// to anything but a web address or a reference, and a blank line in a field that holds one
    /// paragraph. In a plain-text field (`title`s, `alt`, `code.language`), any markup at all.
    /// The finding points at the characters at fault, inside quoted and block scalars too. A
    /// step text that starts with its own number is left to `manual-numbering`.
    ///
    /// ## Why it matters
    ///
    /// Every export shows the same subset: the handout prints labels in bold and code in a
    /// monospaced face, the CSV writes the plain text. Anything else either prints raw (`# `,
    /// `<b>`) or disappears, and the reader sees a mangled instruction.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - text: |
    ///     Open the settings:
    ///
    ///     - tap <b>Wi-Fi</b>
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// - text: Open **Settings > Wi-Fi**.
    /// ```
    pub struct UnsupportedMarkup {
        name: "unsupported-markup",
        severity: Error,
        summary: "Markdown beyond guide rich text in a rich-text field, or markup in a plain-text field",
    }
}

/// One finding per piece of markup at fault.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    guide.for_each_rich_text(|text, field, pointer| {
        if !may_hold_markup(text) {
            return;
        }
        let (_, problems) = field.parse(text);
        if problems.is_empty() {
            return;
        }
        let pointer = pointer();
        let ranges: Vec<_> = problems.iter().map(|p| p.range.clone()).collect();
        let spans = cx.file.text_range_spans(&pointer, text, &ranges);
        for (problem, span) in problems.into_iter().zip(spans) {
            out.push(RuleFinding {
                rule: UnsupportedMarkup::ID,
                span,
                pointer: pointer.clone(),
                message: format!(
                    "{} is not part of guide rich text; {}",
                    problem.what, problem.fix
                ),
            });
        }
    });
    // The pointer is built only for a text at fault: building one for every step's plain
    // fields cost more than looking at them.
    let mut plain = |text: &str, pointer: &dyn Fn() -> String, field: &str| {
        if let Some(range) = first_markup(text) {
            let pointer = pointer();
            out.push(RuleFinding {
                rule: UnsupportedMarkup::ID,
                span: cx.file.text_range_span(&pointer, text, range),
                pointer,
                message: format!(
                    "`{field}` is plain text and shows markup as written; remove it (write `\\*` for a literal *)"
                ),
            });
        }
    };
    plain(&guide.title, &|| "/title".into(), "title");
    for (i, cause) in guide.causes.iter().enumerate() {
        plain(&cause.title, &|| format!("/causes/{i}/title"), "title");
    }
    for (i, method) in guide.methods.iter().enumerate() {
        plain(&method.title, &|| format!("/methods/{i}/title"), "title");
        if let Some(image) = &method.image {
            plain(&image.alt, &|| format!("/methods/{i}/image/alt"), "alt");
        }
        for visit in cx.steps(i) {
            if let Some(image) = &visit.step.image {
                plain(
                    &image.alt,
                    &|| format!("{}/image/alt", visit.pointer(i)),
                    "alt",
                );
            }
            if let Some(language) = visit.step.code.as_ref().and_then(Code::language) {
                plain(
                    language,
                    &|| format!("{}/code/language", visit.pointer(i)),
                    "code.language",
                );
            }
        }
    }
    for (i, related) in guide.related.iter().enumerate() {
        if let Related::External(link) = related {
            plain(&link.title, &|| format!("/related/{i}/title"), "title");
        }
    }
}
