//! The embedded releases and their decoding: one pack of every release (gzip, then JSON), of
//! which only the release asked for becomes a [`Catalogue`].

use std::io::Read;
use std::sync::OnceLock;

use flate2::read::GzDecoder;
use serde::Deserialize;

use super::AttackError;
use super::catalogue::{Catalogue, RawGroup, RawTactic, RawTechnique, Text};

/// The release used when neither `attack_version` in splforge.toml nor `--attack-version` says.
pub const DEFAULT_VERSION: &str = "18.1";

/// The pack format `scripts/attack-pack.py` writes; bump both together.
const FORMAT: u32 = 2;

/// Every release, each distinct record once with the mask of the releases that hold it
/// (`scripts/attack-pack.py`, `crates/splforge-attack/data/README.md`).
static PACK: &[u8] = include_bytes!("../data/enterprise-attack.pack.json.gz");

/// The pack's releases, oldest first, one a line: bit `i` of a record's mask is line `i`. Kept
/// beside the pack so that versions can be listed and checked without decoding it.
static RELEASES: &str = include_str!("../data/releases.txt");

/// The decompressed pack, kept for the process: the catalogues borrow their strings from it.
static PACK_JSON: OnceLock<Result<Vec<u8>, AttackError>> = OnceLock::new();

/// One slot per release, filled on first use.
static CATALOGUES: OnceLock<Vec<OnceLock<Result<Catalogue, AttackError>>>> = OnceLock::new();

/// The embedded ATT&CK releases, oldest first.
pub fn versions() -> &'static [&'static str] {
    static VERSIONS: OnceLock<Vec<&'static str>> = OnceLock::new();
    VERSIONS.get_or_init(|| {
        RELEASES
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    })
}

/// The catalogue of an embedded release ("18.1"; a leading "v" is accepted), decoded on first use.
pub fn catalogue(version: &str) -> Result<&'static Catalogue, AttackError> {
    let index = release(version)?;
    slot(index)
        .get_or_init(|| decode(index))
        .as_ref()
        .map_err(Clone::clone)
}

/// Checks that `version` names an embedded release, without decoding it.
pub fn check_version(version: &str) -> Result<(), AttackError> {
    release(version).map(|_| ())
}

/// Starts decoding `version` on a background thread, for a command that will need the
/// catalogue after loading: decoding takes a few milliseconds that would otherwise be spent
/// on the main thread. [`catalogue`] waits for it and reports any error, unknown versions
/// included (nothing is started for those).
pub fn prefetch(version: &str) {
    if let Ok(index) = release(version) {
        rayon::spawn(move || {
            slot(index).get_or_init(|| decode(index));
        });
    }
}

fn slot(index: usize) -> &'static OnceLock<Result<Catalogue, AttackError>> {
    let slots = CATALOGUES.get_or_init(|| versions().iter().map(|_| OnceLock::new()).collect());
    &slots[index]
}

/// The index of a release in [`versions`].
fn release(version: &str) -> Result<usize, AttackError> {
    let wanted = version.trim().trim_start_matches(['v', 'V']);
    versions()
        .iter()
        .position(|known| *known == wanted)
        .ok_or_else(|| AttackError::UnknownVersion {
            requested: version.to_string(),
            available: versions().join(", "),
        })
}

/// The JSON document `scripts/attack-pack.py` writes (see its docstring). Records of every
/// release; `in` is the mask of the releases holding a record.
#[derive(Deserialize)]
struct Pack<'a> {
    format: u32,
    #[serde(borrow)]
    releases: Vec<PackRelease<'a>>,
    #[serde(borrow)]
    tactics: Vec<RawTactic<'a>>,
    #[serde(borrow)]
    techniques: Vec<RawTechnique<'a>>,
    #[serde(borrow)]
    groups: Vec<RawGroup<'a>>,
    /// By group id: each technique the group uses, with the mask of releases that say so.
    #[serde(borrow)]
    uses: Vec<(Text<'a>, Vec<(Text<'a>, u64)>)>,
}

#[derive(Deserialize)]
struct PackRelease<'a> {
    #[serde(borrow)]
    version: Text<'a>,
}

fn corrupt(reason: String) -> AttackError {
    AttackError::CorruptData {
        version: "pack".to_string(),
        reason,
    }
}

fn pack_json() -> Result<&'static [u8], AttackError> {
    PACK_JSON
        .get_or_init(|| {
            let mut json = Vec::with_capacity(PACK.len() * 12);
            GzDecoder::new(PACK)
                .read_to_end(&mut json)
                .map_err(|err| corrupt(format!("gzip: {err}")))?;
            Ok(json)
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

fn decode(index: usize) -> Result<Catalogue, AttackError> {
    let version = versions()[index];
    let corrupt = |reason: String| AttackError::CorruptData {
        version: version.to_string(),
        reason,
    };
    let json = pack_json()?;
    let pack: Pack<'static> =
        serde_json::from_slice(json).map_err(|err| corrupt(format!("json: {err}")))?;
    let packed: Vec<&str> = pack
        .releases
        .iter()
        .map(|release| release.version.0)
        .collect();
    if pack.format != FORMAT || packed != versions() {
        return Err(corrupt(format!(
            "expected format {FORMAT} of releases {}, found format {} of releases {}",
            versions().join(", "),
            pack.format,
            packed.join(", ")
        )));
    }
    let bit = 1u64 << index;
    let tactics = pack.tactics.into_iter().filter(|t| t.releases & bit != 0);
    let techniques = pack
        .techniques
        .into_iter()
        .filter(|t| t.releases & bit != 0);
    let mut groups: Vec<RawGroup<'static>> = pack
        .groups
        .into_iter()
        .filter(|g| g.releases & bit != 0)
        .collect();
    groups.sort_by_key(|group| group.id.0);
    for (group, uses) in pack.uses {
        if let Ok(position) = groups.binary_search_by_key(&group.0, |g| g.id.0) {
            groups[position].techniques = uses
                .into_iter()
                .filter(|(_, mask)| mask & bit != 0)
                .map(|(technique, _)| technique)
                .collect();
        }
    }
    Ok(Catalogue::new(
        version,
        tactics.collect(),
        techniques.collect(),
        groups,
    ))
}
