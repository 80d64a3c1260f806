//! `method-without-cause`: a method that addresses no cause.

use remedy_core::Guide;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// A method without `addresses`, or with `addresses: []`. A missing list is reported at the
    /// method, an empty one at the list.
    ///
    /// ## Why it matters
    ///
    /// `addresses` ties each method to the causes it fixes: the handout shows, under each cause,
    /// what to try, and the scenarios and comparison rely on it. A method that fixes no cause
    /// is invisible from the causes a reader recognises.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - id: restart-device
    ///   title: Restart the device
    ///   risk: very-low
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// - id: restart-device
    ///   title: Restart the device
    ///   addresses:
    ///     - software-glitch
    ///   risk: very-low
    /// ```
    pub struct MethodWithoutCause {
        name: "method-without-cause",
        severity: Warning,
        summary: "a method with no addresses",
    }
}

/// One finding per method with no `addresses`.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    for (i, method) in guide.methods.iter().enumerate() {
        if !method.addresses.is_empty() {
            continue;
        }
        let list = format!("/methods/{i}/addresses");
        let (pointer, message) = if cx.has(&list) {
            (
                list,
                format!(
                    "`addresses` of the method `{}` is empty; list the ids of the causes it fixes",
                    method.id
                ),
            )
        } else {
            (
                format!("/methods/{i}"),
                format!(
                    "the method `{}` addresses no cause; add `addresses` with the ids of the causes it fixes",
                    method.id
                ),
            )
        };
        out.push(cx.at_value(MethodWithoutCause::ID, pointer, message));
    }
}
