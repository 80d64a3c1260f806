//! Arbitrary bytes → lint → one PDF handout per guide. A guide the fonts cannot print may be
//! refused with an error; anything else must render a complete PDF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use remedy_export::pdf::{PdfOptions, render_guide};

fuzz_target!(|data: &[u8]| {
    let report = remedy_fuzz::lint_bytes(data);
    for guide in remedy_fuzz::export_guides(&report.guides) {
        if let Ok(bytes) = render_guide(&guide, &PdfOptions::default()) {
            assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
        }
    }
});
