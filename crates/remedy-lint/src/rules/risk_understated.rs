//! `risk-understated`: a low-risk method with a destructive step.

use remedy_core::{Guide, Risk};

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// A method rated `risk: very-low` or `risk: low` that has a step marked
    /// `destructive: true` (at any depth), or a method rated `risk: very-low` that has a step
    /// marked `resets: true` (settings returned to defaults, saved networks forgotten). The
    /// finding points at `risk` and names the first such step. A reset loses no data, so `low`
    /// is honest for it.
    ///
    /// ## Why it matters
    ///
    /// Readers pick a method from the comparison table, often by its risk. A method that erases
    /// data while the table says "Low" invites exactly the reader who has no backup.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - id: reset-network
    ///   title: Reset the network settings
    ///   risk: low
    ///   steps:
    ///     - text: Write down your Wi‑Fi passwords.
    ///       backup: true
    ///     - text: Tap Reset Network Settings.
    ///       destructive: true
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// - id: reset-network
    ///   title: Reset the network settings
    ///   risk: moderate
    ///   steps:
    ///     - text: Write down your Wi‑Fi passwords.
    ///       backup: true
    ///     - text: Tap Reset Network Settings.
    ///       destructive: true
    /// ```
    pub struct RiskUnderstated {
        name: "risk-understated",
        severity: Error,
        summary: "a method of risk very-low or low that has a destructive step, or of risk very-low with a reset step",
    }
}

/// One finding per low-risk method with a destructive step, or very-low-risk method with a
/// reset step.
/// " (and 2 more)" after the first step named, or nothing.
fn and_more(others: usize) -> String {
    match others {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    }
}

pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    for (i, method) in guide.methods.iter().enumerate() {
        if method.risk > Risk::Low {
            continue;
        }
        let visits = cx.steps(i);
        let mut destructive = visits.iter().filter(|v| v.step.is_destructive());
        if let Some(first) = destructive.next() {
            let also = and_more(destructive.count());
            out.push(cx.at_value(
                RiskUnderstated::ID,
                format!("/methods/{i}/risk"),
                format!(
                    "the method is rated `{}` risk but step {}{also} is destructive; raise `risk` to `moderate` or higher",
                    method.risk,
                    first.number()
                ),
            ));
            continue;
        }
        if method.risk > Risk::VeryLow {
            continue;
        }
        let mut resets = visits.iter().filter(|v| v.step.is_reset());
        if let Some(first) = resets.next() {
            let also = and_more(resets.count());
            out.push(cx.at_value(
                RiskUnderstated::ID,
                format!("/methods/{i}/risk"),
                format!(
                    "the method is rated `very-low` risk but step {}{also} resets settings; raise `risk` to `low`",
                    first.number()
                ),
            ));
        }
    }
}
