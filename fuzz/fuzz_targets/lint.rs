//! Arbitrary bytes as a guide file: load (size, UTF-8, YAML, schema), every rule, suppression,
//! and every reporter. No panic, no hang, every finding positioned inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The core loader on its own, as the exporters' callers use it.
    if let Ok(source) = remedy_core::SourceText::from_bytes(data.to_vec()) {
        let _ = remedy_core::load::load_source(
            remedy_fuzz::NAME.into(),
            source,
            &remedy_core::LoadOptions::default(),
        );
    }
    let report = remedy_fuzz::lint_bytes(data);
    remedy_fuzz::render_every_format(&report);
});
