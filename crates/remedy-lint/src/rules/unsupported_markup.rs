//! `unsupported-markup`: Markdown beyond guide rich text, or markup in a plain-text field.

use remedy_core::rich_text::{Paragraphs, first_markup, plain_paragraphs};
use remedy_core::{Guide, RichField};

use super::texts::{Markup, Place, StepField};
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
pub fn check(cx: &FileContext<'_>, _guide: &Guide, out: &mut Vec<RuleFinding>) {
    // Rich texts first, then plain ones, each in document order, as the rule always reported
    // them; but for a step's `note`, which the texts list before its `warning` and the rule
    // reported after it.
    let mut note: Vec<RuleFinding> = Vec::new();
    for guide_text in &cx.texts {
        let Markup::Rich(field) = guide_text.markup else {
            continue;
        };
        let is_note = matches!(
            guide_text.place,
            Place::Step {
                field: StepField::Note,
                ..
            }
        );
        let is_warning = matches!(
            guide_text.place,
            Place::Step {
                field: StepField::Warning,
                ..
            }
        );
        if !is_warning {
            out.append(&mut note);
        }
        let out: &mut Vec<RuleFinding> = if is_note { &mut note } else { out };
        let (text, facts) = (guide_text.text, guide_text.facts);
        if !facts.may_hold_markup() {
            continue;
        }
        // Plain lines (a `|` block's text) are paragraphs with nothing at fault.
        let paragraphs = match field {
            RichField::Many => Paragraphs::Many,
            RichField::One | RichField::StepText => Paragraphs::One,
        };
        if facts.only_line_breaks() && plain_paragraphs(text, paragraphs) {
            continue;
        }
        let (_, problems) = field.parse(text);
        if problems.is_empty() {
            continue;
        }
        let pointer = guide_text.place.pointer(&cx.steps);
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
    }
    out.append(&mut note);
    for guide_text in &cx.texts {
        let Markup::Plain(field) = guide_text.markup else {
            continue;
        };
        if !guide_text.facts.may_hold_markup() {
            continue;
        }
        let text = guide_text.text;
        if let Some(range) = first_markup(text) {
            let pointer = guide_text.place.pointer(&cx.steps);
            out.push(RuleFinding {
                rule: UnsupportedMarkup::ID,
                span: cx.file.text_range_span(&pointer, text, range),
                pointer,
                message: format!(
                    "`{field}` is plain text and shows markup as written; remove it (write `\\*` for a literal *)"
                ),
            });
        }
    }
}
