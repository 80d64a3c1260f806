//! `schema`: the guide breaks `schemas/guide.schema.json`.

use remedy_core::schema::Anchor;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// Anything the guide schema (`remedy schema`, `schemas/guide.schema.json`) forbids: a missing
    /// required field (reported at the mapping that lacks it), an unknown key (reported at the key;
    /// usually a typo), a value of the wrong type, a `risk` outside `very-low` … `very-high`, an id
    /// that is not lowercase-with-hyphens, a date that is not `YYYY-MM-DD`, an `ease` outside 1–5.
    ///
    /// When a wrong type keeps the guide from being read as a guide, the rules about its content
    /// wait until the schema findings are fixed.
    ///
    /// ## Why it matters
    ///
    /// Exports read these fields: a misspelled `warnign` is a warning the reader never sees, a
    /// missing `risk` leaves the comparison table without its most important column.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - text: Erase the device.
    ///   destructive: true
    ///   warnign: This removes everything on the device.
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// - text: Erase the device.
    ///   destructive: true
    ///   warning: This removes everything on the device.
    /// ```
    pub struct Schema {
        name: "schema",
        severity: Error,
        summary: "the guide violates the guide schema (type, required field, enum, unknown key, id pattern, range)",
    }
}

/// One finding per schema violation, at the key for an unknown key and at the value otherwise.
pub fn check(cx: &FileContext<'_>, out: &mut Vec<RuleFinding>) {
    for violation in &cx.file.violations {
        let node = cx.node(&violation.pointer);
        let span = match violation.anchor {
            Anchor::Key => node.key.unwrap_or(node.value),
            Anchor::Value => node.value,
        };
        out.push(RuleFinding {
            rule: Schema::ID,
            span,
            pointer: violation.pointer.clone(),
            message: violation.message.clone(),
        });
    }
}
