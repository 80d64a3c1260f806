//! `unknown-platform`: a method or step platform that its guide or method does not have.

use remedy_core::{Guide, Slug};

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// A method `platforms` entry that is not one of the guide's `platforms`, or a step
    /// `platforms` entry that is not one of its method's (or, when the method has none, the
    /// guide's). A guide without `platforms` has no platform-specific content, so every method
    /// or step platform there is unknown. The finding points at the entry.
    ///
    /// ## Why it matters
    ///
    /// `remedy export --platform macos` writes what a Mac reader sees. A step for `macOS`
    /// (a typo) or for a platform the guide does not cover is left out of every view, and the
    /// readers it was written for never see it.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// platforms: [ios, macos]
    /// methods:
    ///   - id: restart
    ///     platforms: [mac]
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// platforms: [ios, macos]
    /// methods:
    ///   - id: restart
    ///     platforms: [macos]
    /// ```
    pub struct UnknownPlatform {
        name: "unknown-platform",
        severity: Error,
        summary: "a method platform not among the guide's `platforms`, or a step platform not among its method's",
    }
}

fn message(platform: &str, allowed: &[Slug], whose: &str) -> String {
    if allowed.is_empty() {
        return format!(
            "`{platform}` is not a platform of this guide, which has no `platforms`; add `platforms: [{platform}, …]` to the guide, or remove this entry"
        );
    }
    let names: Vec<String> = allowed.iter().map(|p| p.as_str().to_owned()).collect();
    let hint = remedy_core::schema::closest(platform, &names)
        .map(|near| format!("did you mean `{near}`? "))
        .unwrap_or_default();
    format!(
        "`{platform}` is not one of {whose} platforms ({}); {hint}use one of them, or add it there",
        names.join(", ")
    )
}

/// One finding per platform entry that its guide or method does not have.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    for (i, method) in guide.methods.iter().enumerate() {
        for (j, platform) in method.platforms.iter().enumerate() {
            if !guide.platforms.contains(platform) {
                out.push(cx.at_value(
                    UnknownPlatform::ID,
                    format!("/methods/{i}/platforms/{j}"),
                    message(platform.as_str(), &guide.platforms, "the guide's"),
                ));
            }
        }
        let (allowed, whose) = if method.platforms.is_empty() {
            (&guide.platforms, "the guide's")
        } else {
            (&method.platforms, "the method's")
        };
        for visit in cx.steps(i) {
            for (j, platform) in visit.step.platforms.iter().enumerate() {
                if !allowed.contains(platform) {
                    out.push(cx.at_value(
                        UnknownPlatform::ID,
                        format!("{}/platforms/{j}", visit.pointer(i)),
                        message(platform.as_str(), allowed, whose),
                    ));
                }
            }
        }
    }
}
