//! `unused-suppression`: a `# remedy: ignore[…]` comment that silences nothing.

declare_rule! {
    /// ## What it finds
    ///
    /// An inline suppression, `# remedy: ignore[rule-name]`, that silenced no finding: nothing
    /// of that rule starts on the comment's line or on the line below it. Also a rule name inside
    /// the brackets that is not a rule (`ignore[orphan-causes]`), and a suppression without rule
    /// names (`# remedy: ignore`). Names of rules that `remedy.toml` turns off are not reported.
    /// Like ruff's unused `noqa`, it keeps suppressions from outliving the problem they hid.
    ///
    /// ## Why it matters
    ///
    /// A stale suppression hides the next real defect on that line. When a step is rewritten so
    /// that it no longer deletes anything, the old `ignore[undeclared-destructive]` would silence
    /// the rule the day someone adds a destructive phrase again, and the reader gets an unmarked
    /// destructive step.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// # remedy: ignore[undeclared-destructive]
    /// - text: Restart the device.
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// - text: Restart the device.
    /// ```
    pub struct UnusedSuppression {
        name: "unused-suppression",
        severity: Warning,
        summary: "a `# remedy: ignore[...]` comment that silences nothing, or names an unknown rule",
    }
}

/// For a rule name that silenced nothing.
pub fn unused_message(name: &str) -> String {
    format!(
        "`# remedy: ignore[{name}]` silences nothing: no `{name}` finding starts on this line or the next; remove `{name}` from the comment"
    )
}

/// For a rule exports depend on, which no comment silences.
pub fn required_message(name: &str) -> String {
    format!(
        "`{name}` findings cannot be suppressed: the exports cannot use a guide that has them; fix the finding and remove `{name}` from the comment"
    )
}

/// For a name that is not a rule.
pub fn unknown_message(name: &str) -> String {
    let known = super::names();
    let hint = super::nearest_name(name)
        .map(|rule| format!("did you mean `{rule}`? "))
        .unwrap_or_default();
    format!("`{name}` in `# remedy: ignore[…]` is not a rule; {hint}the rules are {known}")
}

/// For a suppression comment without rule names.
pub fn malformed_message() -> String {
    "this suppression names no rule; write `# remedy: ignore[rule-name]` (several: `ignore[rule-a, rule-b]`), or remove it".into()
}
