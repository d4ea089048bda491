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
    let repository = splforge::load::load_repository(root, Default::default());
    let content = splforge::model::Content::build(&repository);
    let (config, _) = splforge::config::Config::discover(root).expect("config");
    let options = splforge::package::BuildOptions {
        build_time: 1_700_000_000,
        attack: None,
    };
    splforge::package::build(&content, &repository, &config, out, &options).expect("build")
}
