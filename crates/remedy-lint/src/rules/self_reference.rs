//! `self-reference`: a guide that lists itself in `related`, or a step whose `see` is itself.

use remedy_core::Guide;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// A guide that lists its own id in `related`, or a step whose `see` names the step itself
    /// (`see: this-step`, or `see: this-guide#this-step`). The finding points at the entry.
    ///
    /// ## Why it matters
    ///
    /// "See also" should lead somewhere new. A guide that recommends itself, or a step that
    /// sends the reader to the step they are reading, wastes a line of the handout and usually
    /// means the wrong id was pasted.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// id: printer-offline
    /// related:
    ///   - printer-offline
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// id: printer-offline
    /// related:
    ///   - printer-driver-missing
    /// ```
    pub struct SelfReference {
        name: "self-reference",
        severity: Warning,
        summary: "a guide that lists itself in `related`, or a step whose `see` is itself",
    }
}

/// One finding per entry that points back at where it is written.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    let own = guide.id.as_str();
    for (k, related) in guide.related.iter().enumerate() {
        if let remedy_core::Related::Guide(id) = related
            && id.as_str() == own
        {
            out.push(cx.at_value(
                SelfReference::ID,
                format!("/related/{k}"),
                format!(
                    "the guide lists itself (`{own}`) in `related`; list other guides a reader may need, or remove this entry"
                ),
            ));
        }
    }
    for i in 0..guide.methods.len() {
        for visit in cx.steps(i) {
            let Some(step_id) = &visit.step.id else {
                continue;
            };
            let points_at_itself =
                visit
                    .step
                    .see()
                    .iter()
                    .any(|see| match see.as_str().split_once('#') {
                        Some((written, id)) => written == own && id == step_id.as_str(),
                        None => see.as_str() == step_id.as_str(),
                    });
            if !points_at_itself {
                continue;
            }
            out.push(cx.at_value(
                SelfReference::ID,
                format!("{}/see", visit.pointer(i)),
                format!(
                    "step {} refers to itself in `see`; point `see` at another method or step, or remove it",
                    visit.number()
                ),
            ));
        }
    }
}
