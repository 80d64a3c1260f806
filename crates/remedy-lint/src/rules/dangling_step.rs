//! `dangling-step`: a step that announces sub-steps it does not have, or a method with no steps
//! (for a platform it applies to).

use remedy_core::platform::display_name;
use remedy_core::position::child_pointer;
use remedy_core::{Guide, Method};

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// - A step whose text ends with a colon (after trailing spaces) but which has no sub-steps:
    ///   "Free up space:" announces a list that never comes. A colon inside the sentence
    ///   ("Go to Settings: it is the grey icon.") is fine, and so is a step whose colon
    ///   announces its own `code` ("Type this command:") or `image`.
    /// - A `steps: []` anywhere, in a method or a step: an empty list of steps.
    /// - A method whose steps are empty for one of its platforms (v2): the method applies to
    ///   that platform, but every step is for other platforms, so `--platform` leaves its
    ///   readers a method with no steps. Reported at the method's `steps` key.
    ///
    /// ## Why it matters
    ///
    /// The reader follows the numbered steps of a printed handout. A step that ends in ":" and
    /// then jumps to the next number looks like a page went missing, and the reader cannot tell
    /// what to do. A method with nothing to do on the reader's platform is the same missing
    /// page, found only by the readers of that platform.
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
    ///
    /// A method for `[ios, macos]` whose only step is for `ios` is empty on a Mac; add a step
    /// for `macos`, or write `platforms: [ios]` on the method.
    pub struct DanglingStep {
        name: "dangling-step",
        severity: Error,
        summary: "a step whose text ends with `:` but has no sub-steps, `code` or `image`, a `steps: []`, or a method with no steps for one of its platforms",
    }
}

/// Checks every method's step list and every step.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    let empty = |pointer: String| {
        cx.at_value(
            DanglingStep::ID,
            pointer,
            "`steps: []` is an empty list of steps; write the steps, or remove the key".into(),
        )
    };
    for (i, method) in guide.methods.iter().enumerate() {
        if method.steps.is_empty() {
            out.push(empty(format!("/methods/{i}/steps")));
        } else {
            empty_for_platforms(cx, guide, method, i, out);
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
                        DanglingStep::ID,
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

/// One finding per platform of method `i` (those of the guide it applies to) for which none of
/// its top-level steps applies: the platform's view of the method has no steps. A guide without
/// `platforms` has no views; platforms the guide does not list are `unknown-platform`'s.
fn empty_for_platforms(
    cx: &FileContext<'_>,
    guide: &Guide,
    method: &Method,
    i: usize,
    out: &mut Vec<RuleFinding>,
) {
    let pointer = format!("/methods/{i}/steps");
    for platform in &guide.platforms {
        let platform = platform.as_str();
        if !method.applies_to(platform) || method.steps.iter().any(|s| s.applies_to(platform)) {
            continue;
        }
        let name = cx
            .options
            .platform_names
            .get(platform)
            .map_or_else(|| display_name(platform), String::as_str);
        let node = cx.node(&pointer);
        out.push(RuleFinding {
            rule: DanglingStep::ID,
            span: node.key.unwrap_or(node.value),
            pointer: pointer.clone(),
            message: format!(
                "method {} has no steps for {name} (every step is for other platforms); add a step for it, or list the method's platforms without it",
                method.id.as_str()
            ),
        });
    }
}
