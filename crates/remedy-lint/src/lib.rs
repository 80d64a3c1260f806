//! The remedy linter: rules, configuration, inline suppression and reporters.

pub mod finding;
pub mod report;
pub mod rules;

pub use finding::{Finding, RuleInfo, Severity};
