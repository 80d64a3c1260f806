//! Printable PDF handouts: our own layout on printpdf as the object writer (SPEC §4).
