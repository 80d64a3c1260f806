//! `future-date`: an `updated` date after today.

use remedy_core::Guide;

use super::{FileContext, RuleFinding, days_from_civil};

declare_rule! {
    /// ## What it finds
    ///
    /// A guide whose `updated` date is after today. "Today" is the date in UTC, with one day of
    /// grace for writers in other time zones. The finding points at `updated`.
    ///
    /// ## Why it matters
    ///
    /// `updated` tells readers when the guide was last checked. A date in the future is a typo
    /// (`2062` for `2026`), and it hides the guide from any review that looks for old guides.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// id: printer-offline
    /// updated: 2062-03-14
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// id: printer-offline
    /// updated: 2026-03-14
    /// ```
    pub struct FutureDate {
        name: "future-date",
        severity: Error,
        summary: "an `updated` date after today",
    }
}

/// A finding when `updated` is more than a day after today.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    let Some(today) = cx.options.today else {
        return;
    };
    let Some((year, month, day)) = guide.updated.parts() else {
        return;
    };
    if days_from_civil(year, month, day) <= today + 1 {
        return;
    }
    out.push(cx.at_value(
        FutureDate::ID,
        "/updated".into(),
        format!(
            "`updated` is {}, which is after today; write the date of the last review",
            guide.updated.0
        ),
    ));
}
