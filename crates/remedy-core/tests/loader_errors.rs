//! Each way a file can fail to be one guide's worth of YAML is a typed error at a position, and
//! hostile input is refused by its limit (the error says which), never left to run; a watchdog
//! names an input that hangs instead of stalling the suite.

use std::time::Duration;

use remedy_core::source::ReadError;
use remedy_core::yaml::{self, Limits, YamlError};
use remedy_core::{LoadError, LoadOptions, Position, SourceText, load_source};

fn parse(text: &str) -> Result<yaml::Document, YamlError> {
    yaml::parse(&SourceText::new(text.to_owned()), Limits::default())
}

fn error_of(text: &str) -> YamlError {
    match parse(text) {
        Ok(document) => panic!("expected an error, parsed {}", document.value),
        Err(error) => error,
    }
}

/// How long one hostile input may take before the watchdog calls it a hang: generous, since
/// the error kind is what proves the limit held; this only turns a hang into a failure.
const HANG: Duration = Duration::from_secs(120);

/// [`error_of`] on a thread of its own, failing the test naming `what` if it is still running
/// after [`HANG`].
fn error_watched(what: &str, text: String) -> YamlError {
    let (sender, receiver) = std::sync::mpsc::channel();
    // Not joined: a parse that hangs is left running (the test binary ends it on exit).
    std::thread::spawn(move || {
        let _ = sender.send(parse(&text));
    });
    match receiver.recv_timeout(HANG) {
        Ok(Ok(document)) => panic!("{what}: expected an error, parsed {}", document.value),
        Ok(Err(error)) => error,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: still parsing after {HANG:?}: a hang")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            panic!("{what}: the parse panicked")
        }
    }
}

fn at(line: u32, column: u32) -> Position {
    Position::new(line, column)
}

#[test]
fn a_second_document_is_an_error_where_it_starts() {
    let error = error_of("id: a\n---\nid: b\n");
    assert_eq!(error, YamlError::MultipleDocuments { at: at(2, 1) });
}

#[test]
fn tags_outside_the_core_schema_are_refused() {
    let error = error_of("id: a\ntitle: !!python/object/apply:os.system [ls]\n");
    assert!(
        matches!(&error, YamlError::UnsupportedTag { tag, at: pos } if tag == "!!python/object/apply:os.system" && *pos == at(2, 8)),
        "{error:?}"
    );
    let error = error_of("a: !custom x\n");
    assert!(
        matches!(error, YamlError::UnsupportedTag { .. }),
        "{error:?}"
    );
}

#[test]
fn core_schema_tags_are_accepted_and_checked() -> Result<(), YamlError> {
    let document = parse("a: !!str 12\nb: !!int 7\nc: !!seq [1]\n")?;
    assert_eq!(document.value["a"], "12");
    assert_eq!(document.value["b"], 7);
    let error = error_of("a: !!int seven\n");
    assert!(matches!(error, YamlError::TagMismatch { .. }), "{error:?}");
    Ok(())
}

#[test]
fn a_duplicate_key_names_both_places() {
    let error = error_of("id: a\ntitle: One\nsteps:\n  - text: x\ntitle: Two\n");
    assert_eq!(
        error,
        YamlError::DuplicateKey {
            key: "title".into(),
            at: at(5, 1),
            first: at(2, 1),
        }
    );
    assert!(error.to_string().contains("first at line 2"));
}

#[test]
fn infinity_and_nan_have_no_json_form() {
    for (text, column) in [("a: .inf\n", 4), ("a: -.Inf\n", 4), ("a: [1, .NaN]\n", 8)] {
        let error = error_of(text);
        assert!(
            matches!(error, YamlError::NonFinite { at: pos, .. } if pos == at(1, column)),
            "{text}: {error:?}"
        );
    }
    // Quoted, they are text.
    assert!(parse("a: '.inf'\n").is_ok());
}

#[test]
fn plain_scalars_resolve_by_the_yaml_1_2_core_schema() -> Result<(), YamlError> {
    let document =
        parse("a: yes\nb: no\nc: true\nd: ~\ne: 0x1f\nf: 1.5e3\ng: 2026-11-21\nh: 012\ni: on\n")?;
    let value = &document.value;
    // YAML 1.1 booleans (yes/no/on) are text in 1.2: a writer's "no" stays "no".
    assert_eq!(value["a"], "yes");
    assert_eq!(value["b"], "no");
    assert_eq!(value["i"], "on");
    assert_eq!(value["c"], true);
    assert!(value["d"].is_null());
    assert_eq!(value["e"], 31);
    assert_eq!(value["f"], 1500.0);
    assert_eq!(value["g"], "2026-11-21");
    assert_eq!(value["h"], 12);
    Ok(())
}

#[test]
fn nesting_past_the_limit_is_an_error_at_the_level_that_breaks_it() {
    let limit = Limits::default().max_depth;
    let text = format!("{}x\n", "- ".repeat(limit + 1));
    let error = error_of(&text);
    let column = u32::try_from(2 * limit + 1).unwrap_or(u32::MAX);
    assert_eq!(
        error,
        YamlError::TooDeep {
            limit,
            at: at(1, column)
        }
    );
}

#[test]
fn a_hundred_thousand_levels_fail_fast_in_flow_and_block_style() {
    let depth = 100_000;
    let inputs = [
        (
            "flow sequences",
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            "flow mappings",
            format!("{}{}", "{a: ".repeat(depth), "}".repeat(depth)),
        ),
        ("block sequences", format!("{}x\n", "- ".repeat(depth))),
        // Indented block mappings cost O(depth²) bytes; 3,000 levels is 4.5 MB.
        (
            "indented block mappings",
            (0..3_000)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect::<String>(),
        ),
    ];
    for (what, text) in inputs {
        let error = error_watched(what, text);
        assert!(
            matches!(error, YamlError::TooDeep { .. }),
            "{what}: {error:?}"
        );
    }
}

#[test]
fn an_alias_bomb_is_stopped() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let error = error_watched("nine levels of nine aliases", text);
    assert!(
        matches!(error, YamlError::AliasBudget { at: pos, .. } if pos.line == 5),
        "{error:?}"
    );
}

#[test]
fn aliases_of_a_large_text_are_stopped_by_their_size_not_only_their_count() {
    // Few nodes, but each alias copies a megabyte: 2,000 of them held 2 GB before the limit.
    let text = format!(
        "id: big\nx: &a \"{}\"\nsteps: [{}]\n",
        "a".repeat(300_000),
        vec!["*a"; 2000].join(", ")
    );
    let error = error_watched("2,000 aliases of a 300 KB text", text);
    assert!(
        matches!(error, YamlError::AliasTextBudget { at: pos, .. } if pos.line == 3),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("write the content out"),
        "{error}"
    );
}

#[test]
fn small_aliases_are_expanded() -> Result<(), YamlError> {
    let document = parse("a: &shared {x: 1}\nb: *shared\n")?;
    assert_eq!(document.value["b"]["x"], 1);
    // A node copied by an alias has no span of its own: findings fall back to the alias.
    assert_eq!(
        document.source_map.nearest("/b/x").value.start,
        Position::new(2, 4)
    );
    Ok(())
}

#[test]
fn empty_and_whitespace_only_files_hold_no_guide() {
    assert_eq!(error_of(""), YamlError::Empty);
    assert_eq!(error_of("  \n\n# only a comment\n"), YamlError::Empty);
}

#[test]
fn syntax_errors_carry_the_parser_position() {
    let error = error_of("id: a\ntitle: [unclosed\nsummary: x\n");
    assert!(matches!(error, YamlError::Syntax { .. }), "{error:?}");
    assert!(error.position().line >= 2, "{error:?}");
    let error = error_of("id: a\ntitle: Restart: then sync\n");
    assert!(
        error.to_string().contains("put the value in quotes"),
        "{error}"
    );
    assert_eq!(error.position().line, 2);
}

#[test]
fn non_string_keys_and_complex_keys() {
    let error = error_of("? [a, b]\n: value\n");
    assert!(matches!(error, YamlError::ComplexKey { .. }), "{error:?}");
}

#[test]
fn invalid_utf8_is_a_read_error_at_the_byte() {
    let error = SourceText::from_bytes(b"id: a\ntitle: \xff\xfe\n".to_vec());
    assert!(
        matches!(error, Err(ReadError::NotUtf8 { at: pos }) if pos == at(2, 8)),
        "{error:?}"
    );
}

#[test]
fn a_file_past_the_size_limit_is_refused_before_it_is_read_whole()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("remedy-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("big.yaml");
    std::fs::write(&path, vec![b'#'; 2048])?;
    let options = LoadOptions {
        max_file_bytes: 1024,
        ..LoadOptions::default()
    };
    let result = remedy_core::load_file(&path, &options);
    assert!(
        matches!(
            result,
            Err(LoadError::Read(ReadError::TooLarge { limit: 1024 }))
        ),
        "{result:?}"
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_path() {
    let result = remedy_core::load_file("no/such/guide.yaml".as_ref(), &LoadOptions::default());
    match result {
        Err(error) => {
            let message = error.to_string();
            assert_eq!(
                message,
                "cannot read no/such/guide.yaml: no such file or folder"
            );
        }
        Ok(_) => panic!("a missing file must not load"),
    }
}

#[test]
fn a_guide_with_a_typo_still_yields_the_typed_guide() -> Result<(), LoadError> {
    let text = "id: g\ntitle: T\nsummary: S\nupdated: 2026-01-01\ncauses: [{id: c, title: C}]\nmethods:\n  - id: m\n    title: M\n    risk: low\n    stpes: []\n    steps: [{text: Do it, notes: typo}]\n";
    let file = load_source(
        "g.yaml".into(),
        SourceText::new(text.into()),
        &LoadOptions::default(),
    )?;
    let pointers: Vec<&str> = file.violations.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(pointers, ["/methods/0/stpes", "/methods/0/steps/0/notes"]);
    assert!(
        file.guide.is_some(),
        "unknown keys must not hide the guide from the rules"
    );
    Ok(())
}

#[test]
fn the_non_specific_tag_and_verbatim_core_tags_are_accepted() -> Result<(), YamlError> {
    // `!` makes a scalar a string and leaves a collection as it is (YAML 1.2, 6.9.1).
    let document = parse(
        "a: ! 12\nb: !<tag:yaml.org,2002:str> 7\nc: !<tag:yaml.org,2002:int> 8\nd: ! [x]\ne: !<tag:yaml.org,2002:seq> [y]\n",
    )?;
    assert_eq!(document.value["a"], "12");
    assert_eq!(document.value["b"], "7");
    assert_eq!(document.value["c"], 8);
    assert_eq!(document.value["d"], serde_json::json!(["x"]));
    assert_eq!(document.value["e"], serde_json::json!(["y"]));
    let error = error_of("a: !<tag:example.com,2000:x> 1\n");
    assert!(
        matches!(error, YamlError::UnsupportedTag { .. }),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn duplicate_keys_are_compared_as_resolved() {
    for text in [
        "~: a\nnull: b\n",
        "Null: a\n? \n: b\n",
        "true: a\nTrue: b\n",
    ] {
        let error = error_of(text);
        assert!(
            matches!(error, YamlError::DuplicateKey { at: pos, .. } if pos.line >= 2),
            "{text:?}: {error:?}"
        );
    }
    assert!(parse("\"~\": a\nb: ~\n").is_ok());
}

/// The message and position of a syntax error.
fn syntax_error(text: &str) -> (Position, String) {
    let error = error_of(text);
    (error.position(), error.to_string())
}

#[test]
fn a_tab_is_reported_where_it_is_and_in_a_writers_words() {
    for text in ["a: 1\nb:\n\tc: 2\n", "a: 1\n\tb: 2\n"] {
        let (at_, message) = syntax_error(text);
        let tab_line = text.lines().position(|l| l.starts_with('\t')).unwrap_or(0) + 1;
        assert_eq!(at_, at(tab_line as u32, 1), "{text:?}");
        assert_eq!(
            message,
            "invalid YAML: a tab; YAML indents with spaces only, so replace the tab with spaces"
        );
    }
}

#[test]
fn an_unknown_escape_is_reported_at_its_backslash_with_what_to_write() {
    let (position, message) = syntax_error("id: a\ntitle: \"C:\\Windows\\x\"\n");
    assert_eq!(position, at(2, 11));
    assert!(message.contains("`\\W` is not an escape"), "{message}");
    assert!(message.contains("single quotes"), "{message}");
    assert!(message.contains("backslash twice"), "{message}");
}

#[test]
fn flow_and_mapping_mistakes_come_with_an_example() {
    let (position, message) = syntax_error("time: {min: 5 max: 10}\nb: 1\n");
    assert_eq!(position, at(1, 15));
    assert!(message.contains("(add one before `max`)"), "{message}");
    assert!(message.contains("`time: {min: 5, max: 10}`"), "{message}");
    let (position, message) = syntax_error("steps: [a, b\nc: 1\n");
    assert_eq!(position, at(1, 8));
    assert!(message.contains("never closed"), "{message}");
    let (position, message) = syntax_error("a: 1\ntitle Fix it\nb: 2\n");
    assert_eq!(position, at(2, 1));
    assert!(message.contains("like `title: Fix it`"), "{message}");
    let (_, message) = syntax_error("a: b: c\n");
    assert!(
        message.contains("put the value in quotes, like"),
        "{message}"
    );
}
