//! splforge: a toolchain for Splunk security content ("detection as code").
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//! `load` -> `model` -> `check` -> `render` -> `package` / `docs`, with `spl` and `attack`
//! as pure libraries the stages call, and `cli` as the only edge that prints or exits.

// The allocator is the one place that needs `unsafe`.
#![deny(unsafe_code)]

#[allow(unsafe_code)]
pub mod allocator;

pub mod atomic;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod date;
pub mod docs;
pub mod format;
pub mod load;
pub mod migrate;
pub mod model;
pub mod ownership;
pub mod package;
pub mod release_notes;
pub mod render;
pub mod scaffold;
pub mod server;

// The lower layers are crates of their own (crates/); these names keep `crate::spl::...`,
// `crate::attack::...` and `splforge::spl::...` paths working.
pub use splforge_attack as attack;
pub use splforge_spl as spl;
