//! `missing-backup-warning`: a destructive step with no backup step before it.

use remedy_core::{Guide, Risk};

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// - A step marked `destructive: true` with no `backup: true` step before it, in document
    ///   order, in the same method. A backup step nested in an earlier group counts, and so does
    ///   a parent: a group marked `backup: true` comes before its own sub-steps. A backup step
    ///   after the destructive one, or in another method, does not count: readers often jump
    ///   straight to the method they picked.
    /// - A method of risk `high` or `very-high` without any backup step (reported at its `risk`).
    ///
    /// ## Why it matters
    ///
    /// A reader who erases a phone or signs out of iCloud without a backup can lose photos and
    /// documents for good. The backup step has to come first, in the method the reader is
    /// following, or it comes too late.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// risk: very-high
    /// steps:
    ///   - text: Erase the iPhone with Settings > General > Transfer or Reset iPhone.
    ///     destructive: true
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// risk: very-high
    /// steps:
    ///   - text: Back up the iPhone to a computer with Finder.
    ///     backup: true
    ///   - text: Erase the iPhone with Settings > General > Transfer or Reset iPhone.
    ///     destructive: true
    /// ```
    pub struct MissingBackupWarning {
        name: "missing-backup-warning",
        severity: Error,
        summary: "a destructive step with no backup step before it in its method, or a high-risk method with no backup step",
    }
}

/// Walks each method's steps in document order, remembering whether a backup came first.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    for (i, method) in guide.methods.iter().enumerate() {
        let mut backed_up = false;
        for visit in cx.steps(i) {
            if visit.step.is_destructive() && !backed_up {
                out.push(cx.at_value(
                    MissingBackupWarning::NAME,
                    visit.pointer(i),
                    format!(
                        "step {} is destructive but no step before it in this method makes a backup; add a step with `backup: true` before it",
                        visit.number()
                    ),
                ));
            }
            backed_up |= visit.step.is_backup();
        }
        if method.risk >= Risk::High && !backed_up {
            out.push(cx.at_value(
                MissingBackupWarning::NAME,
                format!("/methods/{i}/risk"),
                format!(
                    "the method is rated `{}` risk but has no backup step; add a step with `backup: true` before the risky steps",
                    method.risk
                ),
            ));
        }
    }
}
