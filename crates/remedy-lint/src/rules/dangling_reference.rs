//! `dangling-reference`: a reference that names nothing, or the wrong kind of thing.

use remedy_core::{Expected, ReferenceSite, Resolution};

declare_rule! {
    /// ## What it finds
    ///
    /// A reference that resolves to nothing: a method's `addresses`, a step's `see`, an FAQ
    /// entry's `see`, a scenario's `try`, or a `related` guide id. `ID` must name a cause, method
    /// or step of the same guide, `GUIDE#ID` one in another guide, and `related` entries a guide.
    /// References into other guides are checked against every guide under the content root, even
    /// when only some files are linted (as CI does with the changed files), so removing a method
    /// that another guide points to is caught.
    ///
    /// It also finds a reference to the wrong kind of thing: `addresses` must name causes,
    /// `try` methods, `see` methods or steps.
    ///
    /// Internal links in rich text are references too: `[the storage method](#free-up-storage)`
    /// must name a method or step of the guide, `[…](other-guide#some-step)` one of another
    /// guide. The finding points at the link's destination.
    ///
    /// ## Why it matters
    ///
    /// In the handout a reference becomes "see Method 3" or a link to another guide. A dangling
    /// one sends the reader, mid-repair, to a method that does not exist.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - text: If the problem continues, reset the network settings.
    ///   destructive: true
    ///   see: icloud-sync-errors-ios#reset-network
    /// ```
    ///
    /// Fixed (the step's id in that guide is `reset-network-settings`):
    ///
    /// ```yaml
    /// - text: If the problem continues, reset the network settings.
    ///   destructive: true
    ///   see: icloud-sync-errors-ios#reset-network-settings
    /// ```
    pub struct DanglingReference {
        name: "dangling-reference",
        severity: Error,
        summary: "a see, addresses, faq see, scenarios try or related entry, or an internal link, that resolves to nothing",
    }
}

/// The field a reference is written in, for messages: `addresses`, `see`, `try`, `related`.
fn field(site: &ReferenceSite) -> &'static str {
    let mut tokens = site.pointer.rsplit('/');
    let last = tokens.next().unwrap_or_default();
    let name = if last.parse::<usize>().is_ok() {
        tokens.next().unwrap_or_default()
    } else {
        last
    };
    match name {
        "addresses" => "`addresses`",
        "try" => "`try`",
        "related" => "`related`",
        "see" => "`see`",
        _ => "the link",
    }
}

/// The message for a reference that did not resolve; `None` when it did.
pub fn message(site: &ReferenceSite, resolution: &Resolution) -> Option<String> {
    let field = field(site);
    let reference = site.reference.as_str();
    let noun = site.expected.noun();
    let message = match resolution {
        Resolution::Found => return None,
        Resolution::UnknownGuide { guide } if site.expected == Expected::Guide => format!(
            "`related` names the guide `{guide}`, but no guide under the content root has that id; fix the id or remove the entry"
        ),
        Resolution::UnknownGuide { guide } => format!(
            "{field} refers to `{reference}`, but no guide under the content root has the id `{guide}`; fix the guide id"
        ),
        Resolution::UnknownId { guide, id } if guide.is_empty() => format!(
            "{field} refers to `{id}`, but this guide has no {noun} with that id; fix the id, or write `guide-id#{id}` for one in another guide"
        ),
        Resolution::UnknownId { guide, id } => format!(
            "{field} refers to `{reference}`, but the guide `{guide}` has no {noun} `{id}`; fix the id"
        ),
        Resolution::WrongKind { found, .. } => {
            let hint = match site.expected {
                Expected::Cause => "`addresses` lists the causes a method fixes",
                Expected::Method => "`try` lists methods",
                Expected::MethodOrStep => "`see` points to a method or a step",
                Expected::Guide => "`related` lists guides",
            };
            format!(
                "{field} refers to `{reference}`, which is a {found}, not a {noun}; {hint}, so name one of those"
            )
        }
    };
    Some(message)
}
