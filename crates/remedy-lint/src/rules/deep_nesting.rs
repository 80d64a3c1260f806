//! `deep-nesting`: steps nested deeper than three levels.

use remedy_core::Guide;

use super::{FileContext, RuleFinding};

/// The deepest level of sub-steps a handout stays readable with (`2.1.3`).
pub const MAX_DEPTH: usize = 3;

declare_rule! {
    /// ## What it finds
    ///
    /// A step nested deeper than three levels: a sub-step of a sub-step of a sub-step, numbered
    /// like `2.1.3.1`. Each such step is reported where it starts.
    ///
    /// ## Why it matters
    ///
    /// Past three levels a reader following a printed handout loses their place: the numbers grow
    /// long, the indentation runs off the page, and it is no longer clear which step a sub-step
    /// belongs to. Real guides never need more than three levels.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// steps:
    ///   - text: "Open the router's settings:"
    ///     steps:
    ///       - text: "Go to Advanced:"
    ///         steps:
    ///           - text: "Open Wireless:"
    ///             steps:
    ///               - text: Turn off Band Steering.
    /// ```
    ///
    /// Fixed (split the long branch into steps of their own):
    ///
    /// ```yaml
    /// steps:
    ///   - text: "Open the router's settings:"
    ///     steps:
    ///       - text: Go to Advanced > Wireless.
    ///       - text: Turn off Band Steering.
    /// ```
    pub struct DeepNesting {
        name: "deep-nesting",
        severity: Warning,
        summary: "steps nested deeper than three levels",
    }
}

/// One finding per step deeper than [`MAX_DEPTH`].
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    for i in 0..guide.methods.len() {
        for visit in cx.steps(i) {
            let depth = visit.depth();
            if depth <= MAX_DEPTH {
                continue;
            }
            out.push(cx.at_value(
                DeepNesting::ID,
                visit.pointer(i),
                format!(
                    "step {} is nested {depth} levels deep; readers lose their place past {MAX_DEPTH} levels: merge it into its parent step or move this branch into steps of its own",
                    visit.number()
                ),
            ));
        }
    }
}
