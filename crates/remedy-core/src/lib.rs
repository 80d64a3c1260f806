//! The remedy guide model, YAML loading with exact source positions, schema validation and
//! reference resolution. Knows nothing of reporters or exporters.
//!
//! The pipeline for one file: [`source::SourceText`] (bytes → text) → [`yaml::parse`] (text →
//! JSON value + [`SourceMap`]) → [`schema::validate_guide`] → [`model::Guide`], in [`load`]:
//! [`load::load_file`] runs all of it, [`load::read_text`], [`load::parse_text`] and
//! [`load::ParsedFile::check`] one stage each. [`corpus::discover`] finds the files; [`references::IdIndex`] resolves
//! references across guides.

pub mod corpus;
pub mod id;
pub mod load;
pub mod model;
pub mod platform;
pub mod position;
pub mod references;
pub mod rich_text;
pub mod scalar;
pub mod schema;
pub mod script;
pub mod shown;
pub mod source;
pub mod yaml;

pub use id::{Date, Id, Reference, Slug};
pub use load::{
    GuideFile, GuideValue, LoadError, LoadOptions, ParseFailure, ParsedFile, load_file,
    load_source, parse_text, read_bytes, read_text, reference_span, reference_span_within,
};
pub use model::{
    Cause, Code, CodeBlock, ComparisonRow, ExternalLink, Faq, Guide, Image, Method, Related,
    RichField, Risk, Scenario, See, Step, StepPath, StepVisit, TimeRange,
};
pub use position::{NodeSpan, Position, SourceMap, Span};
pub use references::{Expected, GuideIds, IdIndex, IdKind, Lookup, ReferenceSite, Resolution};
pub use source::SourceText;
