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
        let visits = cx.steps(i);
        // The views to check: every platform the method applies to, or the whole method when
        // the guide names no platforms.
        let views: Vec<Option<&str>> = if guide.platforms.is_empty() {
            vec![None]
        } else if method.platforms.is_empty() {
            guide.platforms.iter().map(|p| Some(p.as_str())).collect()
        } else {
            method.platforms.iter().map(|p| Some(p.as_str())).collect()
        };
        // For each step, the views in which it is destructive with no backup before it.
        let mut unguarded: Vec<Vec<&str>> = vec![Vec::new(); visits.len()];
        let mut any_unguarded = vec![false; visits.len()];
        for view in &views {
            let mut backed_up = false;
            // Whether each open ancestor (and the step itself) applies to this view.
            let mut applies: Vec<bool> = Vec::new();
            for (k, visit) in visits.iter().enumerate() {
                applies.truncate(visit.depth() - 1);
                let parent = applies.last().copied().unwrap_or(true);
                let here = parent && view.is_none_or(|p| visit.step.applies_to(p));
                applies.push(here);
                if !here {
                    continue;
                }
                if visit.step.is_destructive() && !backed_up {
                    any_unguarded[k] = true;
                    if let Some(platform) = view {
                        unguarded[k].push(platform);
                    }
                }
                backed_up |= visit.step.is_backup();
            }
        }
        for (k, visit) in visits.iter().enumerate() {
            if !any_unguarded[k] {
                continue;
            }
            let message = if guide.platforms.is_empty() || unguarded[k].len() == views.len() {
                format!(
                    "step {} is destructive but no step before it in this method makes a backup; add a step with `backup: true` before it",
                    visit.number()
                )
            } else {
                let names: Vec<String> = unguarded[k].iter().map(|p| format!("`{p}`")).collect();
                format!(
                    "step {} is destructive but on {} no step before it in this method makes a backup; add a step with `backup: true` before it that applies there too",
                    visit.number(),
                    names.join(", ")
                )
            };
            out.push(cx.at_value(MissingBackupWarning::ID, visit.pointer(i), message));
        }
        let backed_up = visits.iter().any(|visit| visit.step.is_backup());
        if method.risk >= Risk::High && !backed_up {
            out.push(cx.at_value(
                MissingBackupWarning::ID,
                format!("/methods/{i}/risk"),
                format!(
                    "the method is rated `{}` risk but has no backup step; add a step with `backup: true` before the risky steps",
                    method.risk
                ),
            ));
        }
    }
}
