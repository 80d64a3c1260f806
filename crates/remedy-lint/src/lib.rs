//! The remedy linter: rules, configuration, inline suppression and reporters.
//!
//! [`lint`] runs the whole check: [`config::Config`] says what and how, [`rules`] hold the rules
//! of SPEC §3 (one file each), [`suppression`] applies the inline `# remedy: ignore[…] -- reason`
//! comments, [`locate`] finds the characters at fault inside a text, and [`report`] turns the
//! findings (and the suppressed ones) into output.

pub mod cache;
pub mod config;
pub mod engine;
pub mod finding;
pub mod locate;
pub mod report;
pub mod rules;
pub mod suppression;
pub mod workspace;

pub use config::{Config, ConfigError, FailOn};
pub use engine::{
    LintError, LintReport, LintRequest, LintedGuide, StdinInput, lint, lint_streaming,
};
pub use finding::{Finding, RuleInfo, Severity, Suppressed};
pub use workspace::Workspace;
