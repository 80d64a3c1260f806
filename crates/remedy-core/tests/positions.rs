//! Every kind of YAML node lands at the line and column a writer sees in the editor, and CRLF
//! line endings or a BOM change nothing.

use remedy_core::yaml::{self, Limits};
use remedy_core::{SourceMap, SourceText};

const FIXTURE: &str = include_str!("../../../tests/fixtures/core/positions.yaml");

/// (pointer, value span, key span) — spans as `line:col-line:col`, end exclusive.
const EXPECTED: &[(&str, &str, Option<&str>)] = &[
    ("", "2:1-32:26", None),
    ("/id", "2:5-2:14", Some("2:1-2:3")),
    ("/title", "3:8-3:30", Some("3:1-3:6")),
    ("/summary", "4:10-4:31", Some("4:1-4:8")),
    ("/updated", "5:10-5:20", Some("5:1-5:8")),
    ("/platforms", "6:12-6:24", Some("6:1-6:10")),
    ("/platforms/0", "6:13-6:16", None),
    ("/platforms/1", "6:18-6:23", None),
    ("/tags", "8:3-8:9", Some("7:1-7:5")),
    ("/tags/0", "8:5-8:9", None),
    ("/overview", "9:11-11:13", Some("9:1-9:9")),
    ("/causes", "13:3-18:12", Some("12:1-12:7")),
    ("/causes/0", "13:5-13:44", None),
    ("/causes/0/id", "13:10-13:22", Some("13:6-13:8")),
    ("/causes/0/title", "13:31-13:43", Some("13:24-13:29")),
    ("/causes/1", "14:5-18:12", None),
    ("/causes/1/id", "14:9-14:20", Some("14:5-14:7")),
    ("/causes/1/title", "15:12-15:25", Some("15:5-15:10")),
    ("/causes/1/description", "16:18-18:12", Some("16:5-16:16")),
    ("/methods", "20:3-32:26", Some("19:1-19:8")),
    ("/methods/0", "20:5-32:26", None),
    ("/methods/0/id", "20:9-20:16", Some("20:5-20:7")),
    ("/methods/0/title", "21:12-21:19", Some("21:5-21:10")),
    ("/methods/0/risk", "22:11-22:19", Some("22:5-22:9")),
    ("/methods/0/time", "23:11-23:27", Some("23:5-23:9")),
    ("/methods/0/time/min", "23:17-23:18", Some("23:12-23:15")),
    ("/methods/0/time/max", "23:25-23:26", Some("23:20-23:23")),
    ("/methods/0/steps", "25:7-30:35", Some("24:5-24:10")),
    ("/methods/0/steps/0", "25:9-25:25", None),
    ("/methods/0/steps/0/text", "25:15-25:25", Some("25:9-25:13")),
    ("/methods/0/steps/1", "26:9-30:35", None),
    ("/methods/0/steps/1/text", "26:15-26:23", Some("26:9-26:13")),
    (
        "/methods/0/steps/1/steps",
        "28:11-30:35",
        Some("27:9-27:14"),
    ),
    ("/methods/0/steps/1/steps/0", "28:13-30:35", None),
    (
        "/methods/0/steps/1/steps/0/text",
        "28:19-28:30",
        Some("28:13-28:17"),
    ),
    (
        "/methods/0/steps/1/steps/0/steps",
        "30:15-30:35",
        Some("29:13-29:18"),
    ),
    ("/methods/0/steps/1/steps/0/steps/0", "30:17-30:35", None),
    (
        "/methods/0/steps/1/steps/0/steps/0/text",
        "30:23-30:35",
        Some("30:17-30:21"),
    ),
    ("/methods/0/pros", "31:11-31:18", Some("31:5-31:9")),
    ("/methods/0/pros/0", "31:12-31:17", None),
    ("/methods/0/cons", "32:11-32:26", Some("32:5-32:9")),
    ("/methods/0/cons/0", "32:12-32:25", None),
];

fn render(span: remedy_core::Span) -> String {
    format!(
        "{}:{}-{}:{}",
        span.start.line, span.start.column, span.end.line, span.end.column
    )
}

fn source_map(text: String) -> SourceMap {
    let source = SourceText::new(text);
    match yaml::parse(&source, Limits::default()) {
        Ok(document) => document.source_map,
        Err(error) => panic!("the positions fixture must parse: {error}"),
    }
}

fn assert_positions(map: &SourceMap, variant: &str) {
    let mut mismatches = Vec::new();
    for (pointer, value, key) in EXPECTED {
        let Some(node) = map.get(pointer) else {
            mismatches.push(format!("{pointer}: no span"));
            continue;
        };
        let found = (render(node.value), node.key.map(render));
        let wanted = (value.to_string(), key.map(str::to_string));
        if found != wanted {
            mismatches.push(format!("{pointer}: expected {wanted:?}, found {found:?}"));
        }
    }
    assert_eq!(
        map.len(),
        EXPECTED.len(),
        "{variant}: every node is mapped, no more"
    );
    assert!(
        mismatches.is_empty(),
        "{variant}:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn every_node_kind_has_its_exact_position() {
    assert_positions(&source_map(FIXTURE.to_owned()), "LF");
}

#[test]
fn crlf_line_endings_give_the_same_positions() {
    assert_positions(&source_map(FIXTURE.replace('\n', "\r\n")), "CRLF");
}

#[test]
fn a_bom_does_not_shift_columns() {
    assert_positions(&source_map(format!("\u{feff}{FIXTURE}")), "BOM");
    assert_positions(
        &source_map(format!("\u{feff}{}", FIXTURE.replace('\n', "\r\n"))),
        "BOM+CRLF",
    );
}

#[test]
fn the_fixture_is_a_valid_guide() {
    let source = SourceText::new(FIXTURE.to_owned());
    let file = remedy_core::load_source(
        "positions.yaml".into(),
        source,
        &remedy_core::LoadOptions::default(),
    );
    match file {
        Ok(file) => {
            assert_eq!(file.violations, vec![]);
            assert!(file.guide.is_some());
        }
        Err(error) => panic!("{error}"),
    }
}
