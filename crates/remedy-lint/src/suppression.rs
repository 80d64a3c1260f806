//! Inline suppression: `# remedy: ignore[rule-a, rule-b] -- reason`, a YAML comment on the
//! node's first line or on the line above it. A suppression that silences nothing is reported as
//! `unused-suppression`; one that silences an error without a reason as
//! `unjustified-suppression`. The rules exports depend on ([`rules::REQUIRED`]) are never
//! silenced. Every finding silenced is kept, with the reason, for the reports to list.

use remedy_core::{Position, Span};

use crate::finding::{Finding, Severity, Suppressed};
use crate::rules::{
    self, RuleFinding, UnjustifiedSuppression, UnusedSuppression, unjustified_suppression,
    unused_suppression,
};

/// One rule name inside a suppression comment, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressedRule {
    /// The name as written.
    pub name: String,
    /// Where the name is in the comment.
    pub span: Span,
}

/// One `# remedy: ignore[…]` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The line the comment is on; it covers findings that start on this line or the next.
    pub line: u32,
    /// The comment, from `#` to its end.
    pub span: Span,
    /// The rule names, in order; empty for a malformed comment (`# remedy: ignore`).
    pub rules: Vec<SuppressedRule>,
    /// The reason written after ` -- `, if any.
    pub reason: Option<String>,
}

fn column(chars_before: usize) -> u32 {
    u32::try_from(chars_before + 1).unwrap_or(u32::MAX)
}

/// Where a YAML comment starts on a line (as a char index), as far as one line tells: a `#` at
/// the start of the line or after whitespace, outside single- and double-quoted scalars that start
/// on this line.
pub fn comment_start(line: &str) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    let mut quote: Option<char> = None;
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        match quote {
            Some('"') => match c {
                '\\' => k += 1,
                '"' => quote = None,
                _ => {}
            },
            Some(_) => {
                if c == '\'' {
                    if chars.get(k + 1) == Some(&'\'') {
                        k += 1;
                    } else {
                        quote = None;
                    }
                }
            }
            None => {
                if c == '#' && (k == 0 || chars[k - 1].is_whitespace()) {
                    return Some(k);
                }
                if c == '"' || c == '\'' {
                    // A quote opens a scalar only where a scalar can start.
                    let before = chars[..k].iter().rev().find(|c| !c.is_whitespace());
                    if before.is_none_or(|b| matches!(b, ':' | '-' | '[' | '{' | ',' | '?')) {
                        quote = Some(c);
                    }
                }
            }
        }
        k += 1;
    }
    None
}

/// Parses a comment (starting with `#`) as a suppression; `None` when it is not one.
fn parse_comment(comment: &[char], line: u32, offset: usize) -> Option<Directive> {
    let text: String = comment.iter().collect();
    let rest = text.strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("remedy:")?.trim_start();
    if !rest.starts_with("ignore") {
        return None;
    }
    let span = Span::new(
        Position::new(line, column(offset)),
        Position::new(line, column(offset + comment.len())),
    );
    let mut directive = Directive {
        line,
        span,
        rules: Vec::new(),
        reason: None,
    };
    let after_ignore = rest["ignore".len()..].trim_start();
    let Some(inside) = after_ignore.strip_prefix('[') else {
        return Some(directive);
    };
    let Some(close) = inside.find(']') else {
        return Some(directive);
    };
    directive.reason = inside[close + 1..]
        .trim_start()
        .strip_prefix("--")
        .map(str::trim)
        .filter(|reason| !reason.is_empty())
        .map(str::to_owned);
    let inside = &inside[..close];
    // Char offset of `inside` within the comment.
    let inside_byte = text.len() - after_ignore.len() + 1;
    let mut byte = inside_byte;
    for part in inside.split(',') {
        let leading = part.len() - part.trim_start().len();
        let name = part.trim();
        if !name.is_empty() {
            let start_chars = text[..byte + leading].chars().count();
            let len = name.chars().count();
            directive.rules.push(SuppressedRule {
                name: name.to_owned(),
                span: Span::new(
                    Position::new(line, column(offset + start_chars)),
                    Position::new(line, column(offset + start_chars + len)),
                ),
            });
        }
        byte += part.len() + 1;
    }
    Some(directive)
}

/// Every suppression comment of a text. `inside_scalar` says whether a position is inside a
/// multi-line scalar (a block scalar's text), where `#` is text, not a comment.
pub fn directives(text: &str, inside_scalar: impl Fn(Position) -> bool) -> Vec<Directive> {
    let mut out = Vec::new();
    // Most files hold no directive: the text is searched for `#` (a byte search, fast), and
    // only a line with `remedy:` after a `#` is looked at. The searches are memchr's, which
    // reads a vector of bytes a round where `str::find` read two words: every file is searched
    // whole, and that search was 0.5% of a lint's instructions.
    let bytes = text.as_bytes();
    let mut searched = 0;
    let mut counted = 0;
    let mut index = 0;
    while let Some(found) = memchr::memchr(b'#', &bytes[searched..]) {
        let hit = searched + found;
        let line_end =
            memchr::memchr(b'\n', &bytes[hit..]).map_or(text.len(), |newline| hit + newline);
        if memchr::memmem::find(&bytes[hit..line_end], b"remedy:").is_none() {
            // No later `#` of this line can be followed by one either: the next line.
            searched = line_end;
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..hit]).map_or(0, |newline| newline + 1);
        index += memchr::memchr_iter(b'\n', &bytes[counted..line_start]).count();
        counted = line_start;
        searched = line_end;
        let line = &text[line_start..line_end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some(start) = comment_start(line) else {
            continue;
        };
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if inside_scalar(Position::new(number, column(start))) {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        if let Some(directive) = parse_comment(&chars[start..], number, start) {
            out.push(directive);
        }
    }
    out
}

/// What applying a file's suppressions leaves.
#[derive(Debug, Default)]
pub struct Applied {
    /// The findings no comment silences.
    pub kept: Vec<Finding>,
    /// The findings silenced, each with the reason of the comment that silenced it.
    pub suppressed: Vec<Suppressed>,
    /// `unused-suppression` and `unjustified-suppression` findings about the comments, before
    /// severity and file are filled in.
    pub about_comments: Vec<RuleFinding>,
}

/// Applies a file's suppressions to its findings. `severity` is a rule's severity after
/// configuration (`None`: off); names of rules that are off are not reported as unused.
pub fn apply(
    findings: Vec<Finding>,
    directives: &[Directive],
    severity: impl Fn(&str) -> Option<Severity>,
) -> Applied {
    let mut used: Vec<Vec<bool>> = directives
        .iter()
        .map(|d| vec![false; d.rules.len()])
        .collect();
    let mut applied = Applied {
        kept: Vec::with_capacity(findings.len()),
        ..Applied::default()
    };
    for finding in findings {
        let line = finding.span.start.line;
        let mut silenced_by = None;
        let required =
            rules::RuleId::from_name(finding.rule).is_some_and(rules::RuleId::is_required);
        for (d, directive) in directives.iter().enumerate() {
            if directive.line != line && directive.line + 1 != line {
                continue;
            }
            for (r, rule) in directive.rules.iter().enumerate() {
                if rule.name == finding.rule && !required {
                    used[d][r] = true;
                    silenced_by.get_or_insert(d);
                }
            }
        }
        match silenced_by {
            Some(d) => applied.suppressed.push(Suppressed {
                finding,
                reason: directives[d].reason.clone(),
            }),
            None => applied.kept.push(finding),
        }
    }
    let unused = &mut applied.about_comments;
    for (d, directive) in directives.iter().enumerate() {
        if directive.rules.is_empty() {
            unused.push(RuleFinding {
                rule: UnusedSuppression::ID,
                span: directive.span,
                pointer: String::new(),
                message: unused_suppression::malformed_message(),
            });
        }
        for (r, rule) in directive.rules.iter().enumerate() {
            let level = severity(&rule.name);
            if used[d][r] {
                if directive.reason.is_none() && level == Some(Severity::Error) {
                    unused.push(RuleFinding {
                        rule: UnjustifiedSuppression::ID,
                        span: rule.span,
                        pointer: String::new(),
                        message: unjustified_suppression::message(&rule.name),
                    });
                }
                continue;
            }
            let message = if rules::find(&rule.name).is_none() {
                unused_suppression::unknown_message(&rule.name)
            } else if rules::RuleId::from_name(&rule.name).is_some_and(rules::RuleId::is_required) {
                unused_suppression::required_message(&rule.name)
            } else if level.is_some() {
                unused_suppression::unused_message(&rule.name)
            } else {
                continue;
            };
            unused.push(RuleFinding {
                rule: UnusedSuppression::ID,
                span: rule.span,
                pointer: String::new(),
                message,
            });
        }
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_quotes_only() {
        assert_eq!(comment_start("# remedy: ignore[x]"), Some(0));
        assert_eq!(comment_start("  - text: Hi  # c"), Some(14));
        assert_eq!(comment_start("  - text: \"a # b\""), None);
        assert_eq!(comment_start("  - text: 'it''s # x'"), None);
        assert_eq!(comment_start("  - text: don't # c"), Some(16));
        assert_eq!(comment_start("  - text: C#"), None);
        assert_eq!(comment_start("url: http://x/#frag"), None);
    }

    #[test]
    fn directives_carry_each_rule_name_with_its_position() {
        let found = directives("a: 1\n  # remedy: ignore[orphan-cause,  schema]\n", |_| {
            false
        });
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 2);
        let names: Vec<(&str, u32, u32)> = found[0]
            .rules
            .iter()
            .map(|r| (r.name.as_str(), r.span.start.column, r.span.end.column))
            .collect();
        assert_eq!(names, [("orphan-cause", 20, 32), ("schema", 35, 41)]);
    }

    #[test]
    fn other_comments_and_block_text_are_not_directives() {
        assert!(directives("# remedy: a tool\n# just a note\n", |_| false).is_empty());
        assert!(directives("x: |\n  # remedy: ignore[schema]\n", |_| true).is_empty());
        let malformed = directives("# remedy: ignore\n", |_| false);
        assert_eq!(malformed.len(), 1);
        assert!(malformed[0].rules.is_empty());
    }

    fn finding_of(rule: &'static str, line: u32) -> Finding {
        Finding {
            file: "g.yaml".into(),
            span: Span::new(Position::new(line, 3), Position::new(line, 9)),
            pointer: "/x".into(),
            rule,
            severity: Severity::Error,
            message: "m".into(),
            source_line: None,
        }
    }

    #[test]
    fn the_rules_exports_need_are_never_silenced() {
        let directives = directives(
            "# remedy: ignore[schema, orphan-cause] -- on purpose\n",
            |_| false,
        );
        let applied = apply(
            vec![finding_of("schema", 2), finding_of("orphan-cause", 2)],
            &directives,
            |_| Some(Severity::Error),
        );
        let kept: Vec<&str> = applied.kept.iter().map(|f| f.rule).collect();
        assert_eq!(kept, ["schema"]);
        assert_eq!(applied.suppressed.len(), 1);
        assert_eq!(applied.suppressed[0].reason.as_deref(), Some("on purpose"));
        let about: Vec<(&str, &str)> = applied
            .about_comments
            .iter()
            .map(|f| (f.rule.name(), f.message.as_str()))
            .collect();
        assert_eq!(about.len(), 1);
        assert_eq!(about[0].0, "unused-suppression");
        assert!(
            about[0].1.contains("cannot be suppressed"),
            "{}",
            about[0].1
        );
    }

    #[test]
    fn an_error_silenced_without_a_reason_is_unjustified_but_a_warning_is_not() {
        let directives = directives("# remedy: ignore[orphan-cause]\n", |_| false);
        for (level, unjustified) in [(Severity::Error, 1), (Severity::Warning, 0)] {
            let applied = apply(vec![finding_of("orphan-cause", 1)], &directives, |_| {
                Some(level)
            });
            assert!(applied.kept.is_empty());
            assert_eq!(applied.suppressed[0].reason, None);
            let found = applied
                .about_comments
                .iter()
                .filter(|f| f.rule.name() == "unjustified-suppression")
                .count();
            assert_eq!(found, unjustified, "{level}");
        }
    }

    #[test]
    fn a_reason_follows_two_hyphens() {
        let found = directives(
            "# remedy: ignore[schema] -- \"delete\" means the draft\n# remedy: ignore[x] --  \n",
            |_| false,
        );
        assert_eq!(
            found[0].reason.as_deref(),
            Some("\"delete\" means the draft")
        );
        assert_eq!(found[1].reason, None);
    }
}
