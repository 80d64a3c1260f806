//! CSV tables and their Frictionless data package, for data teams (SPEC §4).
