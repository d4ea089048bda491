//! Helpers for the build tests: a `.conf` reader, the contentctl reference, corpus builds.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use super::crate_root;

use indexmap::IndexMap;

/// stanza -> key -> value, in file order. Keys before any stanza go under `""`.
pub type Conf = IndexMap<String, IndexMap<String, String>>;

/// Reads `.conf` text as Splunk does: `#` comments, `[stanza]` headers, `key = value` lines,
/// a line ending in `\` continuing on the next line (the newline is kept), and values
/// trimmed at both ends. Returns the lines it could not read as errors.
pub fn parse_conf(text: &str) -> Result<Conf, Vec<String>> {
    let mut conf = Conf::new();
    let mut errors = Vec::new();
    let mut stanza = String::new();
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    while let Some(line) = lines.next() {
        let mut logical = line.to_owned();
        while logical.ends_with('\\') {
            logical.pop();
            logical.push('\n');
            match lines.next() {
                Some(next) => logical.push_str(next),
                None => break,
            }
        }
        let trimmed = logical.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with('[') {
            match trimmed.trim_end().strip_suffix(']') {
                Some(name) => {
                    stanza = name[1..].to_owned();
                    conf.entry(stanza.clone()).or_default();
                }
                None => errors.push(format!("bad stanza header: {logical:?}")),
            }
            continue;
        }
        match logical.split_once('=') {
            Some((key, value)) => {
                conf.entry(stanza.clone())
                    .or_default()
                    .insert(key.trim().to_owned(), value.trim().to_owned());
            }
            None => errors.push(format!("line without '=' in [{stanza}]: {logical:?}")),
        }
    }
    if errors.is_empty() {
        Ok(conf)
    } else {
        Err(errors)
    }
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
