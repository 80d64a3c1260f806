use super::*;

/// Never an empty range: a finding at one position (a syntax error) covers its character, so
/// every reporter (SARIF regions, editors' squiggles) has something to mark.
pub(super) fn never_empty(span: remedy_core::Span) -> remedy_core::Span {
    if span.end > span.start {
        return span;
    }
    let start = span.start;
    remedy_core::Span {
        start,
        end: Position::new(start.line, start.column.saturating_add(1)),
    }
}

pub(super) fn finding(
    file: &Path,
    rule: RuleFinding,
    severity: Severity,
    source_line: Option<String>,
) -> Finding {
    Finding {
        file: file.to_path_buf(),
        span: never_empty(rule.span),
        pointer: rule.pointer,
        rule: rule.rule.name(),
        severity,
        message: rule.message,
        source_line,
    }
}

/// Applies each file's suppressions, then puts every file's findings together, in order.
pub(super) fn finish(
    results: Vec<FileResult>,
    cross_findings: Vec<(usize, Vec<Finding>)>,
    walk_problems: &[WalkProblem],
    displayer: &Displayer,
    config: &Config,
) -> LintReport {
    let mut report = LintReport::default();
    let mut cross_findings = cross_findings.into_iter().peekable();
    for (i, result) in results.into_iter().enumerate() {
        let extra_findings = cross_findings.next_if(|(file, _)| *file == i);
        if !result.reported {
            continue;
        }
        let FileExtra {
            mut findings,
            directives,
            directive_lines,
            ..
        } = result.extra.map(|extra| *extra).unwrap_or_default();
        findings.extend(extra_findings.into_iter().flat_map(|(_, found)| found));
        let applied =
            suppression::apply(findings, &directives, |rule| config.severity_of_name(rule));
        report.findings.extend(applied.kept);
        report.suppressed.extend(applied.suppressed);
        for about in applied.about_comments {
            if let Some(severity) = config.severity(about.rule) {
                let line = directive_lines.get(&about.span.start.line).cloned();
                report
                    .findings
                    .push(finding(&result.display, about, severity, line));
            }
        }
        if let Some(guide) = result.guide {
            report.guides.push(*guide);
        }
        if !result.loaded {
            report.unloaded.push(result.display.clone());
        }
        report.files.push(result.display);
    }
    if let Some(severity) = config.severity(io_error::IoError::ID) {
        for problem in walk_problems {
            let display = displayer.display(&problem.path);
            report.findings.push(finding(
                &display,
                io_error::finding(problem.message.clone()),
                severity,
                None,
            ));
            report.unloaded.push(display.clone());
            report.files.push(display);
        }
    }
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.findings.dedup();
    report
        .suppressed
        .sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    report.files.sort();
    report.files.dedup();
    report.unloaded.sort();
    report.unloaded.dedup();
    report.guides.sort_by(|a, b| a.path.cmp(&b.path));
    report
}
