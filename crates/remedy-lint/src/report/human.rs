//! The human reporter: one block per finding, then a summary line.
//!
//! ```text
//! content/reset.yaml:12:9: error[missing-backup-warning]: step erases data but no backup step comes before it
//! 12 |       - text: Erase all content and settings
//!    |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//!
//! 1 error in 1 file
//! ```
//!
//! The marker runs from the node's start column to its end column when the node ends on the same
//! line, else to the end of the line. Columns are characters; a tab is shown as four spaces and an
//! East Asian wide character takes two cells, so the marker stays under the node in a terminal.
//! The summary counts errors, warnings and the files that have findings
//! (`3 errors, 1 warning in 2 files`); with no findings it reads
//! `All clear: 3 files checked, no problems.` Findings that comments silenced are listed before
//! it, one line each with the reason (`file:line:col: suppressed[rule]: reason`), and counted at
//! its end: `1 error in 1 file (2 suppressed)`.

use std::fmt::Write as _;

// Paths and messages shown one line each: a file named `a.yaml\ncontent/b.yaml:1:1: error[…]`
// would forge a line of the report, and an escape sequence would restyle the terminal.
use remedy_core::shown::escaped as printable;

use super::{Counts, ReportInput, all_files, display_path, plural};
use crate::finding::{Finding, Severity};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const BOLD_RED: &str = "\x1b[1;31m";
const BOLD_YELLOW: &str = "\x1b[1;33m";
const BOLD_GREEN: &str = "\x1b[1;32m";
const CYAN: &str = "\x1b[36m";

/// How a tab is shown in the source line.
const TAB: &str = "    ";

/// Paints text with an ANSI style, or leaves it alone when colour is off.
struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

pub(super) fn render(input: &ReportInput) -> String {
    let paint = Paint { color: input.color };
    let mut out = String::new();
    for finding in input.findings {
        write_finding(&mut out, finding, &paint);
        out.push('\n');
    }
    out.push_str(&summary(input, &paint));
    out.push('\n');
    out
}

fn write_finding(out: &mut String, finding: &Finding, paint: &Paint) {
    let location = format!(
        "{}:{}:{}:",
        printable(&display_path(&finding.file)),
        finding.span.start.line,
        finding.span.start.column
    );
    let severity_style = match finding.severity {
        Severity::Error => BOLD_RED,
        Severity::Warning => BOLD_YELLOW,
    };
    let label = format!("{}[{}]", finding.severity, finding.rule);
    let _ = writeln!(
        out,
        "{} {}: {}",
        paint.paint(BOLD, &location),
        paint.paint(severity_style, &label),
        printable(&finding.message)
    );
    if let Some(line) = &finding.source_line {
        let (source, padding, carets) = snippet(line, finding);
        let number = finding.span.start.line.to_string();
        let gutter = " ".repeat(number.len());
        if source.is_empty() {
            let _ = writeln!(out, "{number} |");
        } else {
            let _ = writeln!(out, "{number} | {source}");
        }
        let _ = writeln!(
            out,
            "{gutter} | {}{}",
            " ".repeat(padding),
            paint.paint(CYAN, &"^".repeat(carets))
        );
    }
}

/// The source line as shown (tabs expanded, control characters replaced), and the marker under
/// it: how many cells of padding up to the node, then how many `^` under it (at least one).
fn snippet(line: &str, finding: &Finding) -> (String, usize, usize) {
    let line = line.trim_end_matches(['\n', '\r']);
    let chars: Vec<char> = line.chars().collect();
    let length = chars.len();
    let start = finding.span.start;
    let end = finding.span.end;

    // 1-based, end exclusive, both clipped to the line (the column just after its last character
    // is where a node at the end of the line starts).
    let from = (start.column.max(1) as usize).min(length + 1);
    let to = if end.line == start.line && end.column > start.column {
        (end.column as usize).min(length + 1)
    } else if end.line > start.line {
        length + 1
    } else {
        from
    };

    // A very long line (minified YAML, a pasted blob) is shown as a window around the node, so
    // one finding cannot print megabytes: `…` marks what is cut.
    let (first, last) = if length > MAX_SHOWN {
        let first = from.saturating_sub(CONTEXT_BEFORE).max(1);
        (first, (first + MAX_SHOWN - 1).min(length))
    } else {
        (1, length)
    };
    let mut source = String::with_capacity(line.len().min(4 * MAX_SHOWN));
    let mut padding = 0;
    let mut carets = 0;
    if first > 1 {
        source.push('…');
        padding += 1;
    }
    for (index, &c) in chars.iter().enumerate().take(last).skip(first - 1) {
        let column = index + 1;
        let width = push_shown(&mut source, c);
        if column < from {
            padding += width;
        } else if column < to {
            carets += width;
        }
    }
    if last < length {
        source.push('…');
    }
    (source, padding, carets.max(1))
}

/// The most characters of one source line shown under a finding.
const MAX_SHOWN: usize = 160;
/// How many characters before the node a cut line keeps.
const CONTEXT_BEFORE: usize = 40;

/// Appends how one character is shown in the source line to `source` and returns how many
/// terminal cells it takes: a tab is four spaces, a control character (which would move the
/// cursor or recolour the terminal) is U+FFFD.
fn push_shown(source: &mut String, c: char) -> usize {
    match c {
        '\t' => {
            source.push_str(TAB);
            TAB.len()
        }
        c if c.is_control() => {
            source.push('\u{FFFD}');
            1
        }
        c => {
            source.push(c);
            char_width(c)
        }
    }
}

/// Terminal cells a character takes: 0 for combining marks and zero-width characters, 2 for East
/// Asian wide and fullwidth characters and emoji, else 1. An approximation of UAX #11 that covers
/// the scripts and symbols guides use; it only ever moves the marker, never loses text.
pub(super) fn char_width(c: char) -> usize {
    let code = u32::from(c);
    const ZERO: &[(u32, u32)] = &[
        (0x0300, 0x036F), // combining diacritical marks
        (0x0483, 0x0489),
        (0x0591, 0x05BD),
        (0x0610, 0x061A),
        (0x064B, 0x065F),
        (0x0E31, 0x0E31),
        (0x0E34, 0x0E3A),
        (0x0E47, 0x0E4E),
        (0x1AB0, 0x1AFF),
        (0x1DC0, 0x1DFF),
        (0x200B, 0x200F), // zero-width space, joiners, direction marks
        (0x2060, 0x2064),
        (0x20D0, 0x20FF),
        (0xFE00, 0xFE0F), // variation selectors
        (0xFE20, 0xFE2F),
        (0xFEFF, 0xFEFF),
        (0xE0100, 0xE01EF),
    ];
    const WIDE: &[(u32, u32)] = &[
        (0x1100, 0x115F), // Hangul Jamo
        (0x231A, 0x231B),
        (0x2329, 0x232A),
        (0x23E9, 0x23EC),
        (0x23F0, 0x23F0),
        (0x23F3, 0x23F3),
        (0x25FD, 0x25FE),
        (0x2614, 0x2615),
        (0x2648, 0x2653),
        (0x267F, 0x267F),
        (0x2693, 0x2693),
        (0x26A1, 0x26A1),
        (0x26AA, 0x26AB),
        (0x26BD, 0x26BE),
        (0x26C4, 0x26C5),
        (0x26CE, 0x26CE),
        (0x26D4, 0x26D4),
        (0x26EA, 0x26EA),
        (0x26F2, 0x26F5),
        (0x26FA, 0x26FD),
        (0x2705, 0x2705),
        (0x270A, 0x270B),
        (0x2728, 0x2728),
        (0x274C, 0x274C),
        (0x274E, 0x274E),
        (0x2753, 0x2755),
        (0x2757, 0x2757),
        (0x2795, 0x2797),
        (0x27B0, 0x27B0),
        (0x27BF, 0x27BF),
        (0x2B1B, 0x2B1C),
        (0x2B50, 0x2B50),
        (0x2B55, 0x2B55),
        (0x2E80, 0x303E), // CJK radicals, punctuation
        (0x3041, 0x33FF), // kana, CJK symbols
        (0x3400, 0x4DBF), // CJK extension A
        (0x4E00, 0x9FFF), // CJK unified ideographs
        (0xA000, 0xA4CF), // Yi
        (0xA960, 0xA97F),
        (0xAC00, 0xD7A3), // Hangul syllables
        (0xF900, 0xFAFF), // CJK compatibility ideographs
        (0xFE10, 0xFE19),
        (0xFE30, 0xFE6F),
        (0xFF00, 0xFF60), // fullwidth forms
        (0xFFE0, 0xFFE6),
        (0x16FE0, 0x16FE4),
        (0x17000, 0x18CFF),
        (0x1B000, 0x1B2FF),
        (0x1F004, 0x1F004),
        (0x1F0CF, 0x1F0CF),
        (0x1F18E, 0x1F18E),
        (0x1F191, 0x1F19A),
        (0x1F200, 0x1F251),
        (0x1F300, 0x1F64F), // pictographs, emoticons
        (0x1F680, 0x1F6FF), // transport and map symbols
        (0x1F7E0, 0x1F7EB),
        (0x1F90C, 0x1F9FF), // supplemental symbols and pictographs
        (0x1FA70, 0x1FAFF),
        (0x20000, 0x3FFFD), // CJK extensions B and later
    ];
    let within = |ranges: &[(u32, u32)]| {
        ranges
            .binary_search_by(|&(low, high)| {
                if high < code {
                    std::cmp::Ordering::Less
                } else if low > code {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    };
    if within(ZERO) {
        0
    } else if within(WIDE) {
        2
    } else {
        1
    }
}

/// ` (2 suppressed)` when comments silenced findings, else nothing.
fn suppressed_note(input: &ReportInput) -> String {
    match input.suppressed.len() {
        0 => String::new(),
        n => format!(" ({n} suppressed)"),
    }
}

/// One line per silenced finding, where it is and why: `file:line:col: suppressed[rule]: reason`.
fn suppressed_lines(input: &ReportInput) -> String {
    let mut out = String::new();
    for suppressed in input.suppressed {
        let finding = &suppressed.finding;
        let reason = suppressed.reason.as_deref().unwrap_or("no reason given");
        out.push_str(&format!(
            "{}:{}:{}: suppressed[{}]: {}\n",
            display_path(&finding.file),
            finding.span.start.line,
            finding.span.start.column,
            finding.rule,
            printable(reason)
        ));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn summary(input: &ReportInput, paint: &Paint) -> String {
    let counts = Counts::of(input.findings);
    let listed = suppressed_lines(input);
    if input.findings.is_empty() {
        let checked = plural(all_files(input).len(), "file");
        let text = format!(
            "All clear: {checked} checked, no problems.{}",
            suppressed_note(input)
        );
        return listed + &paint.paint(BOLD_GREEN, &text);
    }
    let mut files_with_findings: Vec<&std::path::Path> =
        input.findings.iter().map(|f| f.file.as_path()).collect();
    files_with_findings.sort_unstable();
    files_with_findings.dedup();

    let mut parts = Vec::new();
    if counts.errors > 0 {
        parts.push(plural(counts.errors, "error"));
    }
    if counts.warnings > 0 {
        parts.push(plural(counts.warnings, "warning"));
    }
    let text = format!(
        "{} in {}{}",
        parts.join(", "),
        plural(files_with_findings.len(), "file"),
        suppressed_note(input)
    );
    let style = if counts.errors > 0 {
        BOLD_RED
    } else {
        BOLD_YELLOW
    };
    listed + &paint.paint(style, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use remedy_core::{Position, Span};
    use std::path::PathBuf;

    fn finding(start: (u32, u32), end: (u32, u32), line: &str) -> Finding {
        Finding {
            file: PathBuf::from("a.yaml"),
            span: Span::new(Position::new(start.0, start.1), Position::new(end.0, end.1)),
            pointer: String::new(),
            rule: "schema",
            severity: Severity::Error,
            message: "m".into(),
            source_line: Some(line.into()),
        }
    }

    fn marker(start: (u32, u32), end: (u32, u32), line: &str) -> (String, String) {
        let (source, padding, carets) = snippet(line, &finding(start, end, line));
        (
            source,
            format!("{}{}", " ".repeat(padding), "^".repeat(carets)),
        )
    }

    #[test]
    fn marker_spans_the_node_on_one_line() {
        assert_eq!(
            marker((1, 5), (1, 8), "id: foo bar"),
            ("id: foo bar".into(), "    ^^^".into())
        );
    }

    #[test]
    fn marker_runs_to_the_end_of_the_line_for_a_multi_line_node() {
        assert_eq!(marker((1, 3), (4, 1), "- id: x").1, "  ^^^^^");
    }

    #[test]
    fn empty_and_out_of_range_spans_get_one_caret() {
        assert_eq!(marker((1, 3), (1, 3), "abcdef").1, "  ^");
        assert_eq!(marker((1, 4), (1, 2), "abcdef").1, "   ^");
        assert_eq!(marker((1, 40), (1, 50), "abc").1, "   ^");
        assert_eq!(marker((1, 0), (1, 0), "abc").1, "^");
        assert_eq!(marker((1, 1), (1, 9), "").1, "^");
        assert_eq!(marker((1, 2), (1, 9), "ab").1, " ^");
    }

    #[test]
    fn tabs_and_wide_characters_keep_the_marker_under_the_node() {
        assert_eq!(
            marker((1, 3), (1, 5), "\tx yz"),
            ("    x yz".into(), "     ^^".into())
        );
        assert_eq!(marker((1, 4), (1, 6), "日本 ab").1, "     ^^");
        assert_eq!(marker((1, 1), (1, 3), "日本 ab").1, "^^^^");
        assert_eq!(marker((1, 3), (1, 4), "e\u{301}x").1, " ^");
        assert_eq!(marker((1, 2), (1, 3), "👍x").1, "  ^");
    }

    #[test]
    fn control_characters_are_replaced_and_line_ends_dropped() {
        assert_eq!(
            marker((1, 1), (1, 2), "a\u{1b}[31mb\r\n").0,
            "a\u{FFFD}[31mb"
        );
    }

    #[test]
    fn a_very_long_line_is_shown_as_a_window_around_the_node() {
        let line = format!("title: {}", "a".repeat(10_000_000));
        let (source, padding, carets) =
            snippet(&line, &finding((1, 5_000_000), (1, 5_000_003), &line));
        assert!(source.chars().count() <= MAX_SHOWN + 2, "{}", source.len());
        assert!(source.starts_with('…') && source.ends_with('…'));
        assert_eq!((padding, carets), (CONTEXT_BEFORE + 1, 3));
        // At the start of the line: no leading cut.
        let (source, padding, carets) = snippet(&line, &finding((1, 8), (2, 1), &line));
        assert!(source.starts_with("title: a") && source.ends_with('…'));
        assert_eq!((padding, carets), (7, MAX_SHOWN - 7));
    }

    #[test]
    fn widths() {
        assert_eq!(char_width('a'), 1);
        assert_eq!(char_width('é'), 1);
        assert_eq!(char_width('\u{301}'), 0);
        assert_eq!(char_width('日'), 2);
        assert_eq!(char_width('한'), 2);
        assert_eq!(char_width('Ａ'), 2);
        assert_eq!(char_width('😀'), 2);
        assert_eq!(char_width('→'), 1);
    }
}
