//! Helpers for the build tests: a `.conf` reader, the contentctl reference, corpus builds.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use super::crate_root;

use indexmap::IndexMap;

/// stanza -> key -> value, in file order. Keys before any stanza go under `""`.
pub type Conf = IndexMap<String, IndexMap<String, String>>;

/// Reads `.conf` text with [`super::conf::read_conf`] (Splunk's rules, strict about
/// duplicates) into a map; `Err` lists the lines it could not read.
pub fn parse_conf(text: &str) -> Result<Conf, Vec<String>> {
    Ok(super::conf::read_conf(text)?
        .into_iter()
        .map(|stanza| (stanza.name, stanza.settings.into_iter().collect()))
        .collect())
}

/// The contentctl 4.4.7 reference build.
pub fn reference_app() -> Option<PathBuf> {
    let path = crate_root().join("../shared/reference/contentctl-4.4.7/DA-ESS-ContentUpdate");
    path.is_dir().then_some(path)
}

/// Builds `root` into `out` with a fixed build time.
pub fn build_into(root: &Path, out: &Path) -> splforge::package::BuildReport {
    build_at(root, out, 1_700_000_000)
}

/// Seconds since the epoch of app.conf's `build = YYYYMMDDHHMMSS` (UTC).
pub fn epoch_of_build_stamp(stamp: &str) -> i64 {
    let digits = |range: std::ops::Range<usize>| -> i64 {
        stamp
            .get(range)
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("not a YYYYMMDDHHMMSS build stamp: {stamp:?}"))
    };
    let (y, m, d) = (digits(0..4), digits(4..6), digits(6..8));
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400 + digits(8..10) * 3600 + digits(10..12) * 60 + digits(12..14)
}

/// Builds `root` into `out` at `build_time` (seconds since the epoch).
pub fn build_at(root: &Path, out: &Path, build_time: i64) -> splforge::package::BuildReport {
    let repository = splforge::load::load_repository(root, Default::default());
    let content = splforge::model::Content::build(&repository);
    let (config, _) = splforge::config::Config::discover(root).expect("config");
    let options = splforge::package::BuildOptions { build_time };
    splforge::package::build(&content, &repository, &config, out, &options).expect("build")
}
