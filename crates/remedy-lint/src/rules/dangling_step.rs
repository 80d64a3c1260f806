//! `dangling-step`: a step that announces sub-steps it does not have.

use remedy_core::Guide;
use remedy_core::position::child_pointer;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// - A step whose text ends with a colon (after trailing spaces) but which has no sub-steps:
    ///   "Free up space:" announces a list that never comes. A colon inside the sentence
    ///   ("Go to Settings: it is the grey icon.") is fine, and so is a step whose colon
    ///   announces its own `code` ("Type this command:") or `image`.
    /// - A `steps: []` anywhere, in a method or a step: an empty list of steps.
    ///
    /// ## Why it matters
    ///
    /// The reader follows the numbered steps of a printed handout. A step that ends in ":" and
    /// then jumps to the next number looks like a page went missing, and the reader cannot tell
    /// what to do.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - text: "Free up space:"
    /// - text: Restart the device.
    /// ```
    ///
    /// Fixed (give the step its sub-steps, or end the sentence):
    ///
    /// ```yaml
    /// - text: "Free up space:"
    ///   steps:
    ///     - text: Delete backups of devices you no longer use.
    ///       destructive: true
    /// - text: Restart the device.
    /// ```
    pub struct DanglingStep {
        name: "dangling-step",
        severity: Error,
        summary: "a step whose text ends with `:` but has no sub-steps, `code` or `image`, or a `steps: []`",
    }
}

/// Checks every method's step list and every step.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    let empty = |pointer: String| {
        cx.at_value(
            DanglingStep::NAME,
            pointer,
            "`steps: []` is an empty list of steps; write the steps, or remove the key".into(),
        )
    };
    for (i, method) in guide.methods.iter().enumerate() {
        if method.steps.is_empty() {
            out.push(empty(format!("/methods/{i}/steps")));
        }
        for visit in cx.steps(i) {
            match &visit.step.steps {
                Some(children) if children.is_empty() => {
                    out.push(empty(child_pointer(&visit.pointer(i), "steps")));
                }
                Some(_) => {}
                None if visit.step.text.trim_end().ends_with(':')
                    && visit.step.code.is_none()
                    && visit.step.image.is_none() =>
                {
                    let number = visit.number();
                    out.push(cx.at_value(
                        DanglingStep::NAME,
                        visit.pointer(i),
                        format!(
                            "step {number} ends with `:` but has no sub-steps, `code` or `image`; add what it announces, or end the text with a full stop"
                        ),
                    ));
                }
                None => {}
            }
        }
    }
}
