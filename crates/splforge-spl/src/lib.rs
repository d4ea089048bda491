//! SPL analysis: parser, macro expansion and field lineage; pure functions over strings.
//!
//! `analyze` runs the three in order: expand the backtick macros (keeping a map back to the
//! original text), parse the expanded search into a pipeline, and walk the pipeline to learn the
//! fields after every stage. The checks turn the resulting [`Analysis`] into findings.
//!
//! **Architecture invariant:** nothing here panics, loops forever, or does I/O, whatever the
//! input; every span is a byte range of the ORIGINAL search string on character boundaries.
//! See `docs/spl.md` for what is modelled.

mod analysis;
mod commands;
pub mod fields;
pub mod lexer;
mod lineage;
pub mod macros;
pub mod parser;
pub mod problem;

pub use analysis::{
    Analysis, FieldRef, LookupRef, StageInfo, Summary, analyze, analyze_with_lookups,
    summarize_with_lookups,
};
pub use commands::{LookupTable, lookup_tables};
pub use fields::FieldSet;
pub use lineage::{LookupColumns, NoLookupColumns};
pub use macros::{
    DEFAULT_MAX_SEARCH_BYTES, Limits, MacroCall, MacroDef, MacroSource, MacroTable, SourceMap,
    expand,
};
pub use parser::{Command, Node, Pipeline, Stage, parse};
pub use problem::{ProblemKind, SplProblem};

/// The lookups other apps ship that content may name without defining
/// (`data/external_lookups.toml`; the SF304 rule reads it, like `[lint.external] lookups`).
pub const EXTERNAL_LOOKUPS: &str = include_str!("../data/external_lookups.toml");
