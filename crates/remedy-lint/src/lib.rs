//! The remedy linter: rules, configuration, inline suppression and reporters.

pub mod finding;

pub use finding::{Finding, RuleInfo, Severity};
