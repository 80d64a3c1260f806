//! `invalid-time-range`: a method's `time` whose `min` is greater than its `max`.

use remedy_core::Guide;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// A method whose `time` has a `min` greater than its `max`, such as
    /// `time: {min: 20, max: 5}`. The finding points at `time`.
    ///
    /// ## Why it matters
    ///
    /// The handout and the comparison table print the range as written ("20–5 min"), which no
    /// reader can plan with; data teams get a row where the minimum exceeds the maximum.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - id: restart-router
    ///   title: Restart the router
    ///   time: {min: 20, max: 5}
    /// ```
    ///
    /// Fixed (or leave out `max` for an open-ended time, "20+"):
    ///
    /// ```yaml
    /// - id: restart-router
    ///   title: Restart the router
    ///   time: {min: 5, max: 20}
    /// ```
    pub struct InvalidTimeRange {
        name: "invalid-time-range",
        severity: Error,
        summary: "a method's `time.min` greater than its `time.max`",
    }
}

/// One finding per method whose time range runs backwards.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    for (i, method) in guide.methods.iter().enumerate() {
        let Some(time) = &method.time else { continue };
        let Some(max) = time.max else { continue };
        if time.min <= max {
            continue;
        }
        out.push(cx.at_value(
            InvalidTimeRange::ID,
            format!("/methods/{i}/time"),
            format!(
                "`time` runs from {} to {max} minutes, so `min` is greater than `max`; swap them (`{{min: {max}, max: {}}}`), or leave out `max` for an open-ended time",
                time.min, time.min
            ),
        ));
    }
}
