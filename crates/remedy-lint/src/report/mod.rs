//! Reporters: human, json, sarif, github, junit (SPEC §3). They read findings, never guides.
