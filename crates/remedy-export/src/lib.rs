//! remedy exporters. Each reads guides that have passed the linter and writes files atomically
//! and deterministically; none knows of the others or of the linter.

pub mod csv;
pub mod exporter;
pub mod handout;
pub mod json;
pub mod output;
pub mod pdf;
pub mod sqlite;

use remedy_core::Guide;

pub use output::{ExportError, write_atomic, write_bytes_atomic};

/// A guide to export, with the path of its file relative to the content root (`/` separators).
#[derive(Debug, Clone, Copy)]
pub struct ExportGuide<'g> {
    /// The guide.
    pub guide: &'g Guide,
    /// Its file, relative to the content root, with `/` separators: `icloud/sync.yaml`.
    pub source: &'g str,
}
