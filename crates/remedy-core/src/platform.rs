//! Platforms (SPEC §2): display names, and a guide as a reader of one platform sees it.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::id::Reference;
use crate::model::{Guide, Method, See, Step};
use crate::rich_text;

/// Display names of the platforms guides commonly name; `[platforms]` in `remedy.toml` adds
/// to them or overrides them.
const DISPLAY_NAMES: &[(&str, &str)] = &[
    ("android", "Android"),
    ("chromeos", "ChromeOS"),
    ("icloud", "iCloud"),
    ("ios", "iOS"),
    ("ipados", "iPadOS"),
    ("linux", "Linux"),
    ("macos", "macOS"),
    ("tvos", "tvOS"),
    ("visionos", "visionOS"),
    ("watchos", "watchOS"),
    ("web", "Web"),
    ("windows", "Windows"),
];

/// The built-in display name of a platform slug; an unknown slug is shown as written.
pub fn display_name(slug: &str) -> &str {
    DISPLAY_NAMES
        .iter()
        .find(|(known, _)| *known == slug)
        .map_or(slug, |(_, name)| name)
}

/// Whether something restricted to `platforms` (empty: not restricted) applies to `platform`.
fn applies(platforms: &[crate::id::Slug], platform: &str) -> bool {
    platforms.is_empty() || platforms.iter().any(|p| p.as_str() == platform)
}

impl Method {
    /// Whether the method applies to `platform` (a method without `platforms` applies to all).
    pub fn applies_to(&self, platform: &str) -> bool {
        applies(&self.platforms, platform)
    }
}

impl Step {
    /// Whether the step itself applies to `platform` (its method's platforms aside).
    pub fn applies_to(&self, platform: &str) -> bool {
        applies(&self.platforms, platform)
    }
}

impl Guide {
    /// The guide as a reader of `platform` sees it: methods and steps for other platforms left
    /// out (steps are numbered again, since numbers are derived), references to what was left
    /// out dropped from `see`, `faq[].see` and `try` lists (a scenario left with nothing to try
    /// goes too), and internal links to it turned into their text. A guide without `platforms`
    /// has no platform-specific content and is returned whole.
    pub fn for_platform(&self, platform: &str) -> Guide {
        let mut view = self.clone();
        if self.platforms.is_empty() {
            return view;
        }
        let mut left_out: HashSet<String> = HashSet::new();
        view.methods.retain(|method| {
            let keep = method.applies_to(platform);
            if !keep {
                left_out.insert(method.id.as_str().to_owned());
                method.for_each_step(|step, _| {
                    if let Some(id) = &step.id {
                        left_out.insert(id.as_str().to_owned());
                    }
                });
            }
            keep
        });
        for method in &mut view.methods {
            retain_steps(&mut method.steps, platform, &mut left_out);
        }
        if left_out.is_empty() {
            return view;
        }
        let own = self.id.as_str().to_owned();
        let kept = |reference: &Reference| {
            let id = match reference.as_str().split_once('#') {
                Some((guide, id)) if guide == own => id,
                Some(_) => return true,
                None => reference.as_str(),
            };
            !left_out.contains(id)
        };
        for method in &mut view.methods {
            for_each_step_mut(&mut method.steps, &mut |step| {
                step.see = match step.see.take() {
                    Some(See::One(one)) => kept(&one).then_some(See::One(one)),
                    Some(See::Many(mut many)) => {
                        many.retain(&kept);
                        (!many.is_empty()).then_some(See::Many(many))
                    }
                    None => None,
                };
            });
        }
        for faq in &mut view.faq {
            faq.see.retain(&kept);
        }
        for scenario in &mut view.scenarios {
            scenario.try_methods.retain(&kept);
        }
        view.scenarios
            .retain(|scenario| !scenario.try_methods.is_empty());
        view.for_each_rich_text_mut(&mut |text| {
            if let Cow::Owned(unlinked) = rich_text::unlink(text, &kept) {
                *text = unlinked;
            }
        });
        view
    }

    /// The guide with every rich-text field as its plain text (markup removed, a menu path's
    /// `>` kept): for exporters that cannot show markup.
    pub fn with_plain_text(&self) -> Guide {
        let mut plain = self.clone();
        plain.for_each_rich_text_mut(&mut |text| {
            if rich_text::may_hold_markup(text) {
                *text = rich_text::plain(text);
            }
        });
        plain
    }

    /// Every rich-text field, mutably (for rewriting them in a view).
    fn for_each_rich_text_mut(&mut self, visit: &mut dyn FnMut(&mut String)) {
        visit(&mut self.summary);
        if let Some(text) = &mut self.overview {
            visit(text);
        }
        for cause in &mut self.causes {
            if let Some(text) = &mut cause.description {
                visit(text);
            }
        }
        for method in &mut self.methods {
            for text in [
                &mut method.summary,
                &mut method.best_for,
                &mut method.warning,
            ]
            .into_iter()
            .flatten()
            {
                visit(text);
            }
            for text in method
                .before
                .iter_mut()
                .chain(&mut method.pros)
                .chain(&mut method.cons)
            {
                visit(text);
            }
            if let Some(caption) = method.image.as_mut().and_then(|i| i.caption.as_mut()) {
                visit(caption);
            }
            for_each_step_mut(&mut method.steps, &mut |step| {
                visit(&mut step.text);
                for text in [&mut step.note, &mut step.warning, &mut step.result]
                    .into_iter()
                    .flatten()
                {
                    visit(text);
                }
                if let Some(caption) = step.image.as_mut().and_then(|i| i.caption.as_mut()) {
                    visit(caption);
                }
            });
        }
        for faq in &mut self.faq {
            visit(&mut faq.question);
            visit(&mut faq.answer);
        }
        for scenario in &mut self.scenarios {
            visit(&mut scenario.when);
        }
    }
}

/// Keeps the steps that apply to `platform`, at every depth, without recursion; records the
/// ids of those left out.
fn retain_steps(top: &mut Vec<Step>, platform: &str, left_out: &mut HashSet<String>) {
    let mut pending: Vec<&mut Vec<Step>> = vec![top];
    while let Some(steps) = pending.pop() {
        steps.retain(|step| {
            let keep = step.applies_to(platform);
            if !keep {
                let mut stack = vec![step];
                while let Some(step) = stack.pop() {
                    if let Some(id) = &step.id {
                        left_out.insert(id.as_str().to_owned());
                    }
                    stack.extend(step.children());
                }
            }
            keep
        });
        for step in steps.iter_mut() {
            if let Some(children) = step.steps.as_mut() {
                pending.push(children);
            }
        }
    }
}

/// Visits every step at every depth, mutably, without recursion.
fn for_each_step_mut(top: &mut [Step], visit: &mut dyn FnMut(&mut Step)) {
    let mut pending: Vec<&mut [Step]> = vec![top];
    while let Some(steps) = pending.pop() {
        for step in steps.iter_mut() {
            visit(step);
            if let Some(children) = step.steps.as_deref_mut() {
                pending.push(children);
            }
        }
    }
}
