//! Arbitrary bytes → lint → the CSV tables and datapackage.json, with and without the
//! Excel options.
#![no_main]

use libfuzzer_sys::fuzz_target;
use remedy_export::csv::{CsvOptions, render_csv};

fuzz_target!(|data: &[u8]| {
    let report = remedy_fuzz::lint_bytes(data);
    let guides = remedy_fuzz::export_guides(&report.guides);
    for options in [
        CsvOptions::default(),
        CsvOptions {
            bom: true,
            excel_safe: true,
            markdown: false,
        },
        CsvOptions {
            markdown: true,
            ..CsvOptions::default()
        },
    ] {
        match render_csv(&guides, &options) {
            Ok(files) => assert_eq!(files.len(), 7),
            Err(error) => panic!("render_csv failed: {error}"),
        }
    }
});
