//! JSON and JSONL export for programs (SPEC §4).
