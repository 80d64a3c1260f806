//! End-to-end tests: the `remedy` binary on real files, as a user or CI runs it.

mod support;

mod book;
mod build;
mod cache;
mod cli;
mod hostile;
mod hostile_pr;
mod html;
mod lint;
mod new;
mod output_safety;
mod pdf_fonts;
mod platform;
mod same_bytes;
mod server;
mod trust;
