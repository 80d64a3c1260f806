//! Arbitrary bytes → lint → JSON and JSONL export (what `--force` exports), parsed back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = remedy_fuzz::lint_bytes(data);
    let guides = remedy_fuzz::export_guides(&report.guides);
    let mut json = Vec::new();
    if let Err(error) = remedy_export::json::write_json(&guides, &mut json) {
        panic!("write_json failed: {error}");
    }
    let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&json);
    assert!(parsed.is_ok(), "the JSON export does not parse");
    let mut jsonl = Vec::new();
    if let Err(error) = remedy_export::json::write_jsonl(&guides, &mut jsonl) {
        panic!("write_jsonl failed: {error}");
    }
    for line in jsonl.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let parsed: Result<serde_json::Value, _> = serde_json::from_slice(line);
        assert!(parsed.is_ok(), "a JSONL line does not parse");
    }
});
