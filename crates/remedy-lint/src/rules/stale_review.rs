//! `stale-review`: an `updated` date older than `[lint.stale-review] max-age-days` (off by
//! default).

use remedy_core::Guide;

use super::{FileContext, RuleFinding, days_from_civil};

/// `max-age-days` when `remedy.toml` does not set it.
pub const DEFAULT_MAX_AGE_DAYS: u32 = 365;

declare_rule! {
    /// ## What it finds
    ///
    /// A guide whose `updated` date is older than `max-age-days` (365 unless
    /// `[lint.stale-review] max-age-days` says otherwise). The rule is off by default; turn it on
    /// with `stale-review = "warning"` under `[lint.rules]`. The finding points at `updated`.
    ///
    /// ## Why it matters
    ///
    /// Software changes its menus every year: a guide nobody has checked for a year probably
    /// names buttons that are no longer there. Teams that review their guides on a schedule use
    /// this rule to find the ones that are due.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// id: printer-offline
    /// updated: 2019-03-14
    /// ```
    ///
    /// Fixed (after checking every step against the current software):
    ///
    /// ```yaml
    /// id: printer-offline
    /// updated: 2026-11-02
    /// ```
    pub struct StaleReview {
        name: "stale-review",
        severity: Warning,
        summary: "an `updated` date older than `[lint.stale-review] max-age-days` (off by default)",
    }
}

/// A finding when `updated` is more than `max-age-days` before today.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    let Some(today) = cx.options.today else {
        return;
    };
    let Some((year, month, day)) = guide.updated.parts() else {
        return;
    };
    let max_age = i64::from(cx.options.stale_max_age_days);
    let age = today - days_from_civil(year, month, day);
    if age <= max_age {
        return;
    }
    out.push(cx.at_value(
        StaleReview::ID,
        "/updated".into(),
        format!(
            "the guide was last reviewed on {}, more than {max_age} days ago; check every step against the current software, then update the date",
            guide.updated.0
        ),
    ));
}
