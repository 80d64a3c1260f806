//! `duplicate-title`: two methods of one guide with the same title, or two guides with the same
//! title. The guide check runs in the engine, across files, with [`guide_message`].

use std::collections::HashMap;

use remedy_core::Guide;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// Two methods of one guide with the same title, or two guides with the same title. Titles
    /// are compared ignoring case and spaces at either end. The finding points at the second
    /// title and names the first.
    ///
    /// ## Why it matters
    ///
    /// Readers choose a method from the comparison table, and a guide from the book's table of
    /// contents, by its title. Two rows with one title cannot be told apart, and usually mean a
    /// method was copied and never renamed.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// methods:
    ///   - id: restart-router
    ///     title: Restart the router
    ///   - id: reset-router
    ///     title: Restart the router
    /// ```
    ///
    /// Fixed:
    ///
    /// ```yaml
    /// methods:
    ///   - id: restart-router
    ///     title: Restart the router
    ///   - id: reset-router
    ///     title: Reset the router to factory settings
    /// ```
    pub struct DuplicateTitle {
        name: "duplicate-title",
        severity: Warning,
        summary: "two methods of one guide with the same title, or two guides with the same title",
    }
}

/// A title as titles are compared.
pub fn normalized(title: &str) -> String {
    title.trim().to_lowercase()
}

/// One finding per method whose title an earlier method of the guide already has.
pub fn check(cx: &FileContext<'_>, guide: &Guide, out: &mut Vec<RuleFinding>) {
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, method) in guide.methods.iter().enumerate() {
        let key = normalized(&method.title);
        if key.is_empty() {
            continue;
        }
        match first.get(&key) {
            Some(&earlier) => out.push(cx.at_value(
                DuplicateTitle::ID,
                format!("/methods/{i}/title"),
                format!(
                    "method {} (`{}`) has the same title as method {} (`{}`); give each method a title that says how it differs",
                    i + 1,
                    method.id,
                    earlier + 1,
                    guide.methods[earlier].id
                ),
            )),
            None => {
                first.insert(key, i);
            }
        }
    }
}

/// The message for a guide whose title another guide, in `other`, already has.
pub fn guide_message(title: &str, other: &std::path::Path) -> String {
    format!(
        "the guide's title “{}” is also the title of {}; give each guide a title that tells readers which problem it solves",
        title.trim(),
        other.display().to_string().replace('\\', "/")
    )
}
