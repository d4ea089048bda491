//! The embedded releases and their one-time decoding (gzip, then JSON, then [`Catalogue`]).

use std::io::Read;
use std::sync::OnceLock;

use flate2::read::GzDecoder;
use serde::Deserialize;

use super::AttackError;
use super::catalogue::{Catalogue, RawGroup, RawTactic, RawTechnique};

/// The release used when neither `attack_version` in splforge.toml nor `--attack-version` says.
pub const DEFAULT_VERSION: &str = "18.1";

/// The digest format `scripts/attack-data.py` writes; bump both together.
const FORMAT: u32 = 1;

/// One embedded release. To add one, run `scripts/attack-data.py` and add a line here.
struct Release {
    version: &'static str,
    gzip: &'static [u8],
    /// The decompressed JSON, kept for the process: the catalogue borrows its strings.
    json: OnceLock<Vec<u8>>,
    catalogue: OnceLock<Result<Catalogue, AttackError>>,
}

static RELEASES: [Release; 2] = [
    Release {
        version: "10.1",
        gzip: include_bytes!("../../data/attack/enterprise-attack-10.1.json.gz"),
        json: OnceLock::new(),
        catalogue: OnceLock::new(),
    },
    Release {
        version: "18.1",
        gzip: include_bytes!("../../data/attack/enterprise-attack-18.1.json.gz"),
        json: OnceLock::new(),
        catalogue: OnceLock::new(),
    },
];

static VERSIONS: [&str; 2] = [RELEASES[0].version, RELEASES[1].version];

/// The embedded ATT&CK releases, oldest first.
pub fn versions() -> &'static [&'static str] {
    &VERSIONS
}

/// The catalogue of an embedded release ("18.1"; a leading "v" is accepted), decoded on first use.
pub fn catalogue(version: &str) -> Result<&'static Catalogue, AttackError> {
    let release = release(version)?;
    release
        .catalogue
        .get_or_init(|| decode(release))
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
    if let Ok(release) = release(version) {
        rayon::spawn(move || {
            release.catalogue.get_or_init(|| decode(release));
        });
    }
}

fn release(version: &str) -> Result<&'static Release, AttackError> {
    let wanted = version.trim().trim_start_matches(['v', 'V']);
    RELEASES
        .iter()
        .find(|release| release.version == wanted)
        .ok_or_else(|| AttackError::UnknownVersion {
            requested: version.to_string(),
            available: VERSIONS.join(", "),
        })
}

/// The JSON document `scripts/attack-data.py` writes (see its docstring).
#[derive(Deserialize)]
struct Digest<'a> {
    format: u32,
    attack_version: &'a str,
    #[serde(borrow)]
    tactics: Vec<RawTactic<'a>>,
    #[serde(borrow)]
    techniques: Vec<RawTechnique<'a>>,
    #[serde(borrow)]
    groups: Vec<RawGroup<'a>>,
}

fn decode(release: &'static Release) -> Result<Catalogue, AttackError> {
    let version = release.version;
    let corrupt = |reason: String| AttackError::CorruptData {
        version: version.to_string(),
        reason,
    };
    let mut json = Vec::with_capacity(release.gzip.len() * 10);
    GzDecoder::new(release.gzip)
        .read_to_end(&mut json)
        .map_err(|err| corrupt(format!("gzip: {err}")))?;
    // Only this function fills `json`, and it runs once per release (inside `catalogue`).
    let json: &'static [u8] = release.json.get_or_init(|| json);
    let digest: Digest<'static> =
        serde_json::from_slice(json).map_err(|err| corrupt(format!("json: {err}")))?;
    if digest.format != FORMAT || digest.attack_version != version {
        return Err(corrupt(format!(
            "expected format {FORMAT} of version {version}, found format {} of version {}",
            digest.format, digest.attack_version
        )));
    }
    Ok(Catalogue::new(
        version,
        digest.tactics,
        digest.techniques,
        digest.groups,
    ))
}
