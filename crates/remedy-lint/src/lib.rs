//! The remedy linter: rules, configuration, inline suppression and reporters.
//!
//! [`lint`] runs the whole check: [`config::Config`] says what and how, [`rules`] hold the twelve
//! rules of SPEC §3 plus `io-error` and `unused-suppression`, [`suppression`] applies the inline
//! `# remedy: ignore[…]` comments, and [`report`] turns the findings into output.

pub mod config;
pub mod engine;
pub mod finding;
pub mod report;
pub mod rules;
pub mod suppression;
pub mod workspace;

pub use config::{Config, ConfigError, FailOn};
pub use engine::{
    LintError, LintReport, LintRequest, LintedGuide, StdinInput, lint, lint_streaming,
};
pub use finding::{Finding, RuleInfo, Severity};
pub use workspace::Workspace;
