//! The rules of SPEC §3, one per file.
