//! `io-error`: a file that cannot be read at all.

use remedy_core::{Position, Span};

use super::RuleFinding;

declare_rule! {
    /// ## What it finds
    ///
    /// A guide file that cannot be read: permission denied, a symbolic link that points nowhere, a
    /// folder under the content root that cannot be walked. (A file that is read but is not UTF-8,
    /// or is too large, is `yaml-syntax`.) The other files are still linted.
    ///
    /// ## Why it matters
    ///
    /// A guide that cannot be read is silently missing from every export, and references to it
    /// cannot be checked. Usually the cause is a checkout problem, not the guide's text.
    ///
    /// ## Example
    ///
    /// A link left behind after a guide was moved:
    ///
    /// ```yaml
    /// # content/icloud/old-guide.yaml -> ../archive/old-guide.yaml (missing)
    /// ```
    ///
    /// Fixed: remove the link, or point it at the guide's new place:
    ///
    /// ```yaml
    /// # content/icloud/old-guide.yaml is now a real file
    /// id: old-guide
    /// ```
    pub struct IoError {
        name: "io-error",
        severity: Error,
        summary: "a guide file or folder that cannot be read",
    }
}

/// The finding for a file that could not be read.
pub fn finding(message: String) -> RuleFinding {
    RuleFinding {
        rule: IoError::ID,
        span: Span::at(Position::START),
        pointer: String::new(),
        message,
    }
}
