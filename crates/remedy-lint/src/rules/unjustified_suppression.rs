//! `unjustified-suppression`: a suppression of an error-level rule without a reason. The
//! suppression comments are read by [`crate::suppression`], which reports this rule.

declare_rule! {
    /// ## What it finds
    ///
    /// A `# remedy: ignore[rule]` comment that silences a rule whose findings are errors, with no
    /// reason after ` -- `. The finding points at the rule's name in the comment.
    ///
    /// ## Why it matters
    ///
    /// An error is silenced for everyone who reads the guide after you, and for every reviewer
    /// of every later change. Without a reason nobody can tell a deliberate exception from a
    /// shortcut; every report lists suppressed findings with their reasons so they can be
    /// reviewed.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// # remedy: ignore[missing-backup-warning]
    /// - text: Delete the draft.
    ///   destructive: true
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// # remedy: ignore[missing-backup-warning] -- the draft syncs back from iCloud
    /// - text: Delete the draft.
    ///   destructive: true
    /// ```
    pub struct UnjustifiedSuppression {
        name: "unjustified-suppression",
        severity: Warning,
        summary: "a suppression of an error-level rule without a reason (` -- reason`)",
    }
}

/// For a rule name of an error-level rule in a suppression without a reason.
pub fn message(name: &str) -> String {
    format!(
        "`{name}` reports errors, and this suppression does not say why it is silenced; add the reason after ` -- `, like `# remedy: ignore[{name}] -- why this is right here`"
    )
}
