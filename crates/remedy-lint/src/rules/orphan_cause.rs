//! `orphan-cause`: a cause no method addresses.

use remedy_core::Guide;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// A cause that no method of the same guide lists in its `addresses` (`addresses: [cause-id]`,
    /// or `this-guide#cause-id`). Methods of other guides do not count: the reader of this guide
    /// needs a fix in this guide.
    ///
    /// ## Why it matters
    ///
    /// The handout lists each cause with the methods that fix it. A cause without one tells the
    /// reader what is wrong and then leaves them there.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// causes:
    ///   - id: storage-full
    ///     title: iCloud storage is full
    /// methods:
    ///   - id: restart-device
    ///     title: Restart the device
    /// ```
    ///
    /// Fixed (a method addresses the cause; or remove the cause):
    ///
    /// ```yaml
    /// causes:
    ///   - id: storage-full
    ///     title: iCloud storage is full
    /// methods:
    ///   - id: free-up-storage
    ///     title: Free up iCloud storage
    ///     addresses:
    ///       - storage-full
    /// ```
    pub struct OrphanCause {
        name: "orphan-cause",
        severity: Warning,
        summary: "a cause that no method addresses",
    }
}

/// One finding per cause that no method of this guide addresses.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    let own = guide.id.as_str();
    let addressed = |cause: &str| {
        guide.methods.iter().any(|method| {
            method.addresses.iter().any(|reference| {
                reference.target() == cause && reference.guide().is_none_or(|g| g == own)
            })
        })
    };
    for (i, cause) in guide.causes.iter().enumerate() {
        if !addressed(cause.id.as_str()) {
            out.push(cx.at_value(
                OrphanCause::ID,
                format!("/causes/{i}/id"),
                format!(
                    "no method addresses the cause `{}`; add it to the `addresses` of the methods that fix it, or remove the cause",
                    cause.id
                ),
            ));
        }
    }
}
