//! `remedy rules` and `remedy explain RULE`: the rules' own documentation.

use remedy_lint::rules;

use std::fmt::Write as _;

use super::{Outcome, write_stdout};

/// `error`, `warning`, or `off` for a rule that runs only when configured.
fn default_level(rule: &remedy_lint::RuleInfo) -> &'static str {
    if rules::RuleId::from_name(rule.name).is_some_and(rules::RuleId::is_off_by_default) {
        "off"
    } else {
        rule.default_severity.as_str()
    }
}

pub fn rules() -> Result<Outcome, String> {
    let registry = rules::registry();
    let width = registry
        .iter()
        .map(|rule| rule.name.len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for rule in registry {
        let _ = writeln!(
            text,
            "{:width$}  {:7}  {}",
            rule.name,
            default_level(rule),
            rule.summary
        );
    }
    write_stdout(&text)?;
    Ok(Outcome::Clean)
}

pub fn explain(name: &str) -> Result<Outcome, String> {
    match rules::find(name) {
        Some(rule) => {
            write_stdout(&format!(
                "# {} ({} by default)\n\n{}\n",
                rule.name,
                default_level(rule),
                rule.doc.trim_end()
            ))?;
            Ok(Outcome::Clean)
        }
        None => Err(format!(
            "there is no rule `{name}`; `remedy rules` lists them: {}",
            rules::registry()
                .iter()
                .map(|rule| rule.name)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
