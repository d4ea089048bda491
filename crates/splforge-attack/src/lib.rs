//! The embedded MITRE ATT&CK® Enterprise catalogue.
//!
//! **Owns:** the ATT&CK releases shipped in the binary (every Enterprise release from v8.2 to
//! v18.1 in one pack, `data/enterprise-attack.pack.json.gz` in this crate, written by
//! `scripts/attack-pack.py`), lookups over them (techniques, tactics, groups), the
//! Lockheed kill-chain mapping of 2022 content, and two reports built from a coverage list: an
//! ATT&CK Navigator layer and a markdown summary per tactic.
//!
//! **Does not know:** detections, files, spans or findings. Callers pass technique ids and
//! detection names; the lint rules and the CLI (`splforge report attack`) live elsewhere.
//!
//! **Architecture invariant:** no I/O. The pack is decompressed at most once per process, and
//! only the release asked for becomes a catalogue, on first use ([`catalogue`]); it is
//! `'static` from then on. Listing or checking versions decodes nothing.
//!
//! The data is © The MITRE Corporation, reproduced under its licence ([`LICENSE_TEXT`]).

mod catalogue;
mod coverage;
mod data;
mod kill_chain;
mod navigator;

pub use catalogue::{Catalogue, Group, Lookup, Tactic, Technique, is_technique_id};
pub use coverage::coverage_markdown;
pub use data::{DEFAULT_VERSION, catalogue, check_version, prefetch, versions};
pub use kill_chain::{KillChain, lockheed_kill_chain};
pub use navigator::{LAYER_FORMAT, NAVIGATOR_VERSION, navigator_layer};

/// MITRE's ATT&CK licence and disclaimers, verbatim; reproduce it with any copy of the data.
pub const LICENSE_TEXT: &str = include_str!("../data/LICENSE-ATTACK.txt");

/// Why a catalogue could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttackError {
    /// The requested release is not embedded in this build.
    #[error("unknown ATT&CK version \"{requested}\": available versions are {available}")]
    UnknownVersion {
        requested: String,
        available: String,
    },
    /// The embedded data did not decode: a build defect, never a user error.
    #[error("embedded ATT&CK {version} data is corrupt: {reason}")]
    CorruptData { version: String, reason: String },
}

/// Technique ids covered by content, each with the names of the detections that cover it.
/// Ids may repeat; the reports merge them.
pub type Coverage = [(String, Vec<String>)];
