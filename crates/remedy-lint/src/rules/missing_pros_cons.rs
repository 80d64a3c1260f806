//! `missing-pros-cons`: a method without pros or cons.

use remedy_core::Guide;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// A method without `pros`, without `cons`, or with either written as an empty list. A missing
    /// list is reported at the method, an empty one at the list.
    ///
    /// ## Why it matters
    ///
    /// Pros and cons are how a reader chooses between methods ("fast, but you will type your
    /// Wi‑Fi passwords again"). A method without them is a blind choice, and the handout shows an
    /// empty box.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - id: restart-device
    ///   title: Restart the device
    ///   risk: very-low
    ///   steps:
    ///     - text: Turn the device off and on again.
    ///   pros: []
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// - id: restart-device
    ///   title: Restart the device
    ///   risk: very-low
    ///   steps:
    ///     - text: Turn the device off and on again.
    ///   pros:
    ///     - Takes two minutes and puts no data at risk
    ///   cons:
    ///     - Helps only with temporary glitches
    /// ```
    pub struct MissingProsCons {
        name: "missing-pros-cons",
        severity: Error,
        summary: "a method without pros or without cons, or with an empty list",
    }
}

/// One finding per missing or empty list (one for both when both are missing).
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    for (i, method) in guide.methods.iter().enumerate() {
        let method_pointer = format!("/methods/{i}");
        let mut missing = Vec::new();
        for (key, list) in [("pros", &method.pros), ("cons", &method.cons)] {
            let pointer = format!("{method_pointer}/{key}");
            if !list.is_empty() {
                continue;
            }
            if cx.has(&pointer) {
                let what = if key == "pros" {
                    "what speaks for the method"
                } else {
                    "what speaks against it"
                };
                out.push(cx.at_value(
                    MissingProsCons::ID,
                    pointer,
                    format!("`{key}` is an empty list; list {what}"),
                ));
            } else {
                missing.push(key);
            }
        }
        let message = match missing.as_slice() {
            [] => continue,
            ["pros"] => "the method has no `pros`; add a list of what speaks for it".to_owned(),
            ["cons"] => "the method has no `cons`; add a list of what speaks against it".to_owned(),
            _ => "the method has neither `pros` nor `cons`; add both lists so readers can choose between methods".to_owned(),
        };
        out.push(cx.at_value(MissingProsCons::ID, method_pointer, message));
    }
}
