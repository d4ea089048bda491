//! `splforge.toml`: the app being built, the ATT&CK version, output paths, limits.
//!
//! Read from the content root. Without it, the `app:` section of a `contentctl.yml` is
//! used, so a contentctl repository works unchanged; without either, defaults. Unknown keys
//! are an error with a position, so a typo never silently falls back to a default.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::load::{LoadLimits, Span};

pub const CONFIG_FILE: &str = "splforge.toml";
pub const CONTENTCTL_FILE: &str = "contentctl.yml";
/// Largest `splforge.toml` or `contentctl.yml` read, in bytes. Fixed: the limits the
/// configuration sets cannot cover the reading of the configuration itself.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub app: AppConfig,
    /// ATT&CK Enterprise version used for checks and enrichment ("18.1"; any from "8.2").
    pub attack_version: String,
    /// The format version the content is written for (`contentctl-4.1`; `data/formats/`).
    /// Unset: inferred from the repository by the CLI, else each file is checked as its
    /// generation's newest release.
    pub format: Option<String>,
    /// Where `format` came from, for the summary line ("splforge.toml", "inferred from
    /// requirements.txt"); set by the CLI, not read from the file.
    #[serde(skip)]
    pub format_source: Option<String>,
    pub build: BuildConfig,
    pub cache: CacheConfig,
    pub docs: DocsConfig,
    pub limits: LoadLimits,
    pub lint: LintConfig,
    pub spl: SplConfig,
}

/// The Splunk app that `build` produces.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppConfig {
    /// App id: the app's directory name and the package name (contentctl's `appid`).
    #[serde(rename = "appid")]
    pub id: String,
    pub title: String,
    pub version: String,
    pub description: String,
    /// Short identifier of the content set (kept for contentctl compatibility).
    pub prefix: String,
    /// Heads every saved-search name: "ESCU" gives "ESCU - <name> - Rule".
    pub label: String,
    pub author_name: String,
    pub author_email: String,
    pub author_company: String,
    /// Splunkbase app uid, when the app is published there.
    pub uid: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    /// Where `build` writes the app directory and package, relative to the root.
    pub out: PathBuf,
    /// Also write the API output, `<out>/api/*.json`, as contentctl does with
    /// `build_api: true` (read from contentctl.yml when there is no splforge.toml).
    pub api: bool,
}

/// Where `lint` keeps its cache (`splforge clean` removes it).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    /// The cache directory, relative to the root.
    pub dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocsConfig {
    /// Where `docs` writes pages, relative to the root.
    pub out: PathBuf,
    /// Web address of the content repository, for source links (default: the git
    /// remote `origin` when it is a web address; the HTML site has no source links
    /// without one).
    pub source_url: Option<String>,
    /// The branch source links point at (default: the checked-out branch, else `develop`).
    pub branch: Option<String>,
    /// Show the 2022 pages' "Try in Splunk Security Cloud" link in the HTML site.
    pub promotional_links: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SplConfig {
    /// Macros defined outside the repository (ES, CIM, add-ons): known to exist, body unknown.
    pub external_macros: Vec<String>,
}

/// Which rules `lint` runs and how it reports them (ruff's `select` / `ignore` /
/// `per-file-ignores`, plus a severity per rule). Rule selectors are codes (`SF201`), code
/// prefixes (`SF2`), rule names (`unknown-story`) or `ALL`; `check::RuleSelection` reads them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct LintConfig {
    /// Rules to run instead of the default set (every rule not off by default); empty
    /// means the default set.
    pub select: Vec<String>,
    /// Rules to run besides `select` (or the default set): the way to turn on a rule that
    /// is off by default without listing every other rule.
    pub extend_select: Vec<String>,
    /// Rules not to run; wins over `select`.
    pub ignore: Vec<String>,
    /// Severity per rule selector: `"error"` or `"warning"`.
    pub severity: std::collections::BTreeMap<String, Severity>,
    /// Glob of paths relative to the root (`detections/deprecated/**`) -> rules not reported
    /// in those files.
    pub per_file_ignores: std::collections::BTreeMap<String, Vec<String>>,
    /// What other apps define that this repository's content uses.
    pub external: ExternalConfig,
}

/// `[lint.external]`: names defined outside the repository (Splunk, ES, the CIM, add-ons,
/// a site's own apps), known to exist though not in it. splforge ships the common ones
/// (`crates/splforge-spl/data/external_lookups.toml`, `crates/splforge-spl/data/external_macros.toml`); these add to them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ExternalConfig {
    /// Lookup tables (definitions or file names) searches may use (SF304).
    pub lookups: Vec<String>,
    /// Macros searches may call, body unknown (SF205; as `[spl] external_macros`).
    pub macros: Vec<String>,
    /// Analytic stories detections may name (SF201).
    pub stories: Vec<String>,
    /// Data sources detections may name (SF202).
    pub data_sources: Vec<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            app: AppConfig::default(),
            attack_version: "18.1".to_owned(),
            format: None,
            format_source: None,
            build: BuildConfig::default(),
            cache: CacheConfig::default(),
            docs: DocsConfig::default(),
            limits: LoadLimits::default(),
            lint: LintConfig::default(),
            spl: SplConfig::default(),
        }
    }
}

impl Config {
    /// The format version named by `format`; `None` when unset or unknown (the CLI refuses
    /// an unknown one before anything is checked).
    pub fn format(&self) -> Option<&'static crate::format::Format> {
        crate::format::by_name(self.format.as_deref()?).ok()
    }
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            id: "DA-ESS-SplforgeContent".to_owned(),
            title: "Security Content".to_owned(),
            version: "1.0.0".to_owned(),
            description: "Security content built with splforge.".to_owned(),
            prefix: "ESCU".to_owned(),
            label: "ESCU".to_owned(),
            author_name: String::new(),
            author_email: String::new(),
            author_company: String::new(),
            uid: None,
        }
    }
}

impl Default for BuildConfig {
    fn default() -> BuildConfig {
        BuildConfig {
            out: "dist".into(),
            api: false,
        }
    }
}

/// The default cache directory, under the content root.
pub const DEFAULT_CACHE_DIR: &str = ".splforge_cache";

impl Default for CacheConfig {
    fn default() -> CacheConfig {
        CacheConfig {
            dir: DEFAULT_CACHE_DIR.into(),
        }
    }
}

/// How much a finding matters: an error fails `lint` and `build`; a warning does not.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl Default for DocsConfig {
    fn default() -> DocsConfig {
        DocsConfig {
            out: "docs_site".into(),
            source_url: None,
            branch: None,
            promotional_links: false,
        }
    }
}

/// Where a configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    SplforgeToml(PathBuf),
    ContentctlYml(PathBuf),
    Defaults,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Invalid {
        path: PathBuf,
        message: String,
        span: Option<Span>,
        text: String,
    },
    // `reason`, not `source`: thiserror would make it the error's source too, and a chain
    // printed with `{:#}` would say it twice.
    #[error("cannot read {path}: {reason}")]
    Read {
        path: PathBuf,
        reason: crate::load::FileError,
    },
}

impl Config {
    /// Reads the configuration of the content root `root`.
    pub fn discover(root: &Path) -> Result<(Config, ConfigSource), ConfigError> {
        let toml_path = root.join(CONFIG_FILE);
        if crate::load::is_present(root, Path::new(CONFIG_FILE)) {
            let text = read(root, CONFIG_FILE)?;
            let mut config = Config::from_toml(&text).map_err(|e| ConfigError::Invalid {
                path: CONFIG_FILE.into(),
                message: crate::load::truncated(e.message(), crate::load::MAX_MESSAGE_CHARS)
                    .into_owned(),
                span: e.span().map(|r| Span::new(r.start, r.end)),
                text,
            })?;
            config.limits = config.limits.within_ceilings();
            return Ok((config, ConfigSource::SplforgeToml(toml_path)));
        }
        let yml_path = root.join(CONTENTCTL_FILE);
        if crate::load::is_present(root, Path::new(CONTENTCTL_FILE)) {
            let text = read(root, CONTENTCTL_FILE)?;
            let config = Config::from_contentctl_yml(&text).map_err(|(message, span)| {
                ConfigError::Invalid {
                    path: CONTENTCTL_FILE.into(),
                    message: crate::load::truncated(&message, crate::load::MAX_MESSAGE_CHARS)
                        .into_owned(),
                    span: Some(span),
                    text,
                }
            })?;
            return Ok((config, ConfigSource::ContentctlYml(yml_path)));
        }
        Ok((Config::default(), ConfigSource::Defaults))
    }

    pub fn from_toml(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    /// The `app:` section of a contentctl.yml, mapped onto splforge's keys.
    pub fn from_contentctl_yml(text: &str) -> Result<Config, (String, Span)> {
        let document = crate::load::yaml::parse(text, Default::default())
            .map_err(|e| (e.to_string(), e.span()))?;
        let mut config = Config::default();
        let top = crate::model::Fields::of(document.root.as_ref());
        config.build.api = top.bool("build_api").is_some_and(|b| b.value);
        let Some(app) = document.root.as_ref().and_then(|r| r.get("app")) else {
            return Ok(config);
        };
        let fields = crate::model::Fields::of(Some(app));
        let get = |key: &str| fields.text(key, text).map(|t| t.value);
        let target = &mut config.app;
        for (key, slot) in [
            ("appid", &mut target.id),
            ("title", &mut target.title),
            ("version", &mut target.version),
            ("description", &mut target.description),
            ("prefix", &mut target.prefix),
            ("label", &mut target.label),
            ("author_name", &mut target.author_name),
            ("author_email", &mut target.author_email),
            ("author_company", &mut target.author_company),
        ] {
            if let Some(value) = get(key) {
                *slot = value;
            }
        }
        target.uid = fields
            .int("uid")
            .and_then(|uid| u32::try_from(uid.value).ok());
        Ok(config)
    }
}

/// A configuration file of the root: a regular file (or a link inside the root) of at most
/// [`MAX_CONFIG_BYTES`], checked before it is read.
fn read(root: &Path, name: &str) -> Result<String, ConfigError> {
    crate::load::read_text_in_root(root, Path::new(name), MAX_CONFIG_BYTES).map_err(|source| {
        ConfigError::Read {
            path: name.into(),
            reason: source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_toml_and_rejects_unknown_keys_with_a_position() {
        let config =
            Config::from_toml("attack_version = \"10.1\"\n[app]\nappid = \"X\"\n").unwrap();
        assert_eq!(config.attack_version, "10.1");
        assert_eq!(config.app.id, "X");
        let text = "[app]\nappidd = \"X\"\n";
        let err = Config::from_toml(text).unwrap_err();
        assert!(err.message().contains("unknown field `appidd`"), "{err}");
        assert_eq!(&text[err.span().unwrap()], "appidd");
    }

    #[test]
    fn reads_lint_external_and_rejects_unknown_keys_in_it() {
        let config = Config::from_toml(
            "[lint.external]\nlookups = [\"site_assets\"]\nmacros = [\"site_filter\"]\nstories = [\"S\"]\ndata_sources = [\"D\"]\n",
        )
        .unwrap();
        assert_eq!(config.lint.external.lookups, ["site_assets"]);
        assert_eq!(config.lint.external.macros, ["site_filter"]);
        assert_eq!(config.lint.external.stories, ["S"]);
        assert_eq!(config.lint.external.data_sources, ["D"]);
        let text = "[lint.external]\nlookup = [\"x\"]\n";
        let err = Config::from_toml(text).unwrap_err();
        assert!(err.message().contains("unknown field `lookup`"), "{err}");
        assert_eq!(&text[err.span().unwrap()], "lookup");
    }

    #[test]
    fn maps_the_app_section_of_contentctl_yml() {
        let config = Config::from_contentctl_yml(
            "app:\n  uid: 3449\n  appid: DA-ESS-ContentUpdate\n  version: 4.42.0\n  prefix: ESCU\n",
        )
        .unwrap();
        assert_eq!(config.app.id, "DA-ESS-ContentUpdate");
        assert_eq!(config.app.version, "4.42.0");
        assert_eq!(config.app.uid, Some(3449));
    }
}
