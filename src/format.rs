//! Format versions: the contentctl release (4.0 ... 5.6) or older security_content layout a
//! repository is written for, as data (`data/formats/*.toml`, described in its README).
//!
//! **Owns:** the list of format versions, what each changes in its generation's schemas (a
//! JSON Patch per content type) and in what is read and checked, and the inference of a
//! repository's format from a pinned contentctl and its layout ([`infer`]).
//!
//! **Does not know:** findings or output. The CLI chooses the format (`format =` in
//! splforge.toml, else [`infer`]) and records it in the configuration.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::Generation;

/// `(file stem, text)` of every `data/formats/*.toml`, embedded by build.rs.
static FORMAT_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/formats.rs"));

/// One format version.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    /// `contentctl-4.1`, `security_content-2022`.
    pub name: String,
    #[serde(deserialize_with = "generation")]
    pub generation: Generation,
    /// The contentctl minor release ("4.1"); `None` for the layouts before contentctl.
    #[serde(default)]
    pub contentctl: Option<String>,
    pub summary: String,
    #[serde(default)]
    extends: Option<String>,
    /// False when contentctl does not read `data_sources/` (4.0).
    #[serde(default = "yes")]
    pub reads_data_sources: bool,
    /// True when `data_sources/**/event_sources/*.yml` are event sources (4.1), checked
    /// against the `event_source` patch of the data source schema.
    #[serde(default)]
    pub event_sources: bool,
    /// True when `ssa_detections/` holds detections this version reads (contentctl 4.0-4.2 and
    /// the security_content layouts), checked against the `ssa_detection` patch when there is
    /// one; in other versions that directory is not read (`unread_dirs` names it).
    #[serde(default)]
    pub reads_ssa_detections: bool,
    /// False when data sources are not yet content objects with a name-derived file name and
    /// a unique name and id (before 4.2).
    #[serde(default = "yes")]
    pub data_sources_are_content: bool,
    /// Directories of this layout that splforge does not read (2021-2022: `response_tasks/`,
    /// `responses/`, `response_phases/`); `lint` names those present.
    #[serde(default)]
    pub unread_dirs: Vec<String>,
    /// Rules that check what this release does not (`SF202` before 4.2: contentctl checks
    /// no `data_source` name), on top of those of the format it extends.
    #[serde(default)]
    rules_off: Vec<String>,
    /// Rules whose findings are warnings in this version, since its contentctl only warns
    /// about what they report (`SF202` in 4.2-5.0); inherited through `extends`.
    #[serde(default)]
    warn_only: Vec<String>,
    /// Content types whose file name contentctl does not derive from `name` in this version
    /// (lookups in 4.2-4.4, investigations from 4.2): SF104 leaves them alone. Not inherited
    /// (4.0 and 4.1 extend 4.2 and check both).
    #[serde(default)]
    file_names_unchecked: Vec<String>,
    /// True when contentctl rejects a `date` after today (5.5.15 and later); before, SF401
    /// reports a future date as a warning.
    #[serde(default)]
    pub rejects_future_dates: bool,
    /// JSON Patch operations per content type, this format's own (see [`Format::patch`]).
    #[serde(default)]
    patch: BTreeMap<String, Vec<PatchOp>>,
}

fn yes() -> bool {
    true
}

fn generation<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Generation, D::Error> {
    let name = String::deserialize(d)?;
    Generation::from_name(&name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown generation `{name}`")))
}

/// One RFC 6902 operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchOp {
    op: String,
    path: String,
    #[serde(default)]
    value: Option<toml::Value>,
}

/// Why a format could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("unknown format version `{requested}`: known versions are {known}")]
    Unknown { requested: String, known: String },
    #[error("format data {name} is invalid: {reason}")]
    Invalid { name: String, reason: String },
}

/// Every format version, oldest first (2022, then contentctl by release).
pub fn formats() -> Result<&'static [Format], FormatError> {
    static FORMATS: OnceLock<Result<Vec<Format>, FormatError>> = OnceLock::new();
    FORMATS
        .get_or_init(|| {
            let mut formats = FORMAT_FILES
                .iter()
                .map(|(stem, text)| {
                    let format: Format =
                        toml::from_str(text).map_err(|e| FormatError::Invalid {
                            name: (*stem).to_string(),
                            reason: e.to_string(),
                        })?;
                    if format.name != *stem {
                        return Err(FormatError::Invalid {
                            name: (*stem).to_string(),
                            reason: format!("its name is `{}`", format.name),
                        });
                    }
                    Ok(format)
                })
                .collect::<Result<Vec<Format>, FormatError>>()?;
            formats.sort_by(|a, b| {
                let key =
                    |f: &Format| (f.generation as usize, release_key(f.contentctl.as_deref()));
                key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
            });
            Ok(formats)
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

fn release_key(release: Option<&str>) -> (u32, u32) {
    let mut parts = release
        .unwrap_or_default()
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The format called `name`.
pub fn by_name(name: &str) -> Result<&'static Format, FormatError> {
    let all = formats()?;
    all.iter()
        .find(|f| f.name == name.trim())
        .ok_or_else(|| FormatError::Unknown {
            requested: name.to_string(),
            known: all
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The format a generation's files are checked as when no format is chosen: its schemas
/// unpatched (contentctl 4.4, contentctl 5.6, security_content 2022).
pub fn default_for(generation: Generation) -> Option<&'static Format> {
    formats()
        .ok()?
        .iter()
        .rev()
        .find(|f| f.generation == generation && f.extends.is_none() && f.patch.is_empty())
}

impl Format {
    /// Whether a file of `kind` at `path` (relative to the root) is read by this format;
    /// contentctl 4.0 does not read `data_sources/`, 4.3 and later not `ssa_detections/`.
    pub fn reads(&self, kind: crate::load::ContentKind, path: &Path) -> bool {
        match kind {
            crate::load::ContentKind::DataSource => self.reads_data_sources,
            crate::load::ContentKind::Detection if in_ssa_detections(path) => {
                self.reads_ssa_detections
            }
            _ => true,
        }
    }

    /// The schema a file is checked against in this format: `event_source` for the event
    /// sources of 4.1, `ssa_detection` for `ssa_detections/` when the format has that schema,
    /// else its kind's.
    pub fn schema_kind(&self, kind: crate::load::ContentKind, path: &Path) -> &'static str {
        let in_event_sources = path.components().any(|c| c.as_os_str() == "event_sources");
        if self.event_sources && kind == crate::load::ContentKind::DataSource && in_event_sources {
            "event_source"
        } else if kind == crate::load::ContentKind::Detection
            && in_ssa_detections(path)
            && self.patches("ssa_detection")
        {
            "ssa_detection"
        } else {
            kind.name()
        }
    }

    /// The JSON Patch this format applies to `kind`'s schema (its base's first); empty when
    /// the schema is the generation's.
    pub fn patch(
        &self,
        kind: &str,
    ) -> Result<Vec<(String, String, Option<serde_json::Value>)>, FormatError> {
        let mut ops = match &self.extends {
            Some(base) => by_name(base)?.patch(kind)?,
            None => Vec::new(),
        };
        for op in self.patch.get(kind).into_iter().flatten() {
            let value = match &op.value {
                Some(value) => Some(serde_json::to_value(value).map_err(|e| self.invalid(e))?),
                None => None,
            };
            ops.push((op.op.clone(), op.path.clone(), value));
        }
        Ok(ops)
    }

    /// Whether rule `code` applies in this format (see `rules_off` in `data/formats/`).
    pub fn checks(&self, code: &str) -> bool {
        !self.rules_off.iter().any(|off| off == code)
            && self
                .extends
                .as_deref()
                .and_then(|base| by_name(base).ok())
                .is_none_or(|base| base.checks(code))
    }

    /// Whether this version's contentctl only warns about what rule `code` reports.
    pub fn warns_only(&self, code: &str) -> bool {
        self.warn_only.iter().any(|w| w == code)
            || self
                .extends
                .as_deref()
                .and_then(|base| by_name(base).ok())
                .is_some_and(|base| base.warns_only(code))
    }

    /// Whether this version's contentctl checks that a `kind` file's name follows from its
    /// `name` (see `file_names_unchecked`).
    pub fn checks_file_name(&self, kind: crate::load::ContentKind) -> bool {
        !self.file_names_unchecked.iter().any(|k| k == kind.name())
    }

    /// Whether this format changes `kind`'s schema.
    pub fn patches(&self, kind: &str) -> bool {
        self.patch.contains_key(kind)
            || self
                .extends
                .as_deref()
                .and_then(|base| by_name(base).ok())
                .is_some_and(|base| base.patches(kind))
    }

    /// `kind`'s schema in this format: the generation's with the patch applied.
    pub fn schema(&self, kind: &str, base: &str) -> Result<serde_json::Value, FormatError> {
        let mut schema: serde_json::Value =
            serde_json::from_str(base).map_err(|e| self.invalid(e))?;
        for (op, path, value) in self.patch(kind)? {
            apply(&mut schema, &op, &path, value).map_err(|reason| FormatError::Invalid {
                name: self.name.clone(),
                reason: format!("patch of {kind}: {op} {path}: {reason}"),
            })?;
        }
        Ok(schema)
    }

    fn invalid(&self, e: impl std::fmt::Display) -> FormatError {
        FormatError::Invalid {
            name: self.name.clone(),
            reason: e.to_string(),
        }
    }
}

/// Whether a path relative to the root is under `ssa_detections/`.
pub fn in_ssa_detections(path: &Path) -> bool {
    path.components()
        .next()
        .is_some_and(|c| c.as_os_str() == crate::load::SSA_DETECTIONS)
}

/// One JSON Patch operation (RFC 6902: `test`, `add`, `remove`, `replace`).
fn apply(
    doc: &mut serde_json::Value,
    op: &str,
    path: &str,
    value: Option<serde_json::Value>,
) -> Result<(), String> {
    if path.is_empty() {
        return match op {
            "replace" => {
                *doc = value.ok_or("no value")?;
                Ok(())
            }
            _ => Err("only `replace` applies to the whole document".into()),
        };
    }
    let (parent_path, last) = path.rsplit_once('/').ok_or("not a JSON Pointer")?;
    let last = last.replace("~1", "/").replace("~0", "~");
    let value = || value.clone().ok_or_else(|| "no value".to_string());
    if op == "test" {
        return match doc.pointer(path) {
            Some(found) if *found == value()? => Ok(()),
            found => Err(format!("found {found:?}")),
        };
    }
    let parent = doc.pointer_mut(parent_path).ok_or("no such parent")?;
    match (op, parent) {
        ("remove", serde_json::Value::Object(map)) => {
            map.remove(&last).map(drop).ok_or("absent".into())
        }
        ("remove", serde_json::Value::Array(items)) => {
            let index: usize = last.parse().map_err(|_| "not an index")?;
            (index < items.len())
                .then(|| drop(items.remove(index)))
                .ok_or("absent".into())
        }
        ("replace", serde_json::Value::Object(map)) if map.contains_key(&last) => {
            map.insert(last, value()?);
            Ok(())
        }
        ("add", serde_json::Value::Object(map)) => {
            map.insert(last, value()?);
            Ok(())
        }
        ("add", serde_json::Value::Array(items)) => {
            let index = if last == "-" {
                items.len()
            } else {
                last.parse().map_err(|_| "not an index")?
            };
            if index > items.len() {
                return Err("index out of range".into());
            }
            items.insert(index, value()?);
            Ok(())
        }
        _ => Err("cannot apply here".into()),
    }
}

/// The format versions in which rule `code` does not apply, oldest first; for the rule docs.
pub fn where_rule_is_off(code: &str) -> Vec<&'static str> {
    formats()
        .unwrap_or_default()
        .iter()
        .filter(|f| !f.checks(code))
        .map(|f| f.name.as_str())
        .collect()
}

/// The format versions in which rule `code` reports warnings only, oldest first; for the
/// rule docs.
pub fn where_rule_warns_only(code: &str) -> Vec<&'static str> {
    formats()
        .unwrap_or_default()
        .iter()
        .filter(|f| f.checks(code) && f.warns_only(code))
        .map(|f| f.name.as_str())
        .collect()
}

/// The directories of `format`'s `unread_dirs` present under `root`, each with the number of
/// files in it (not following links).
pub fn unread_directories(root: &Path, format: &Format) -> Vec<(String, usize)> {
    fn count(dir: &Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| match entry.file_type() {
                    Ok(kind) if kind.is_dir() => count(&entry.path()),
                    Ok(kind) if kind.is_file() => 1,
                    _ => 0,
                })
                .sum()
        })
    }
    format
        .unread_dirs
        .iter()
        .filter_map(|dir| {
            let path = root.join(dir);
            let meta = std::fs::symlink_metadata(&path).ok()?;
            meta.is_dir().then(|| (dir.clone(), count(&path)))
        })
        .collect()
}

/// A format found in a repository, and what showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    pub format: &'static Format,
    /// `requirements.txt`, `.gitlab-ci.yml (pipeline/.install-contentctl.yml)`,
    /// `data_sources/*/event_sources/`.
    pub reason: String,
}

impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        self.name == other.name
    }
}
impl Eq for Format {}

/// The format a repository shows, without loading its content: first a pinned contentctl
/// (`contentctl==X.Y.Z` in requirements*.txt, pyproject.toml, GitHub workflows, .gitlab-ci.yml
/// and the files it includes), then layout markers that bound the release
/// (`../shared/reference/contentctl-model-schemas/README.md`, "Telling which contentctl
/// version"). `None` when nothing decides: each file is then checked as its generation's
/// newest release ([`default_for`]).
pub fn infer(root: &Path) -> Option<Inferred> {
    pinned(root).or_else(|| from_layout(root))
}

fn pinned(root: &Path) -> Option<Inferred> {
    let mut candidates: Vec<String> = Vec::new();
    let mut names = list(root, "");
    names.sort();
    candidates.extend(
        names
            .iter()
            .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
            .cloned(),
    );
    candidates.push("pyproject.toml".into());
    let mut workflows = list(root, ".github/workflows");
    workflows.sort();
    candidates.extend(
        workflows
            .into_iter()
            .map(|n| format!(".github/workflows/{n}")),
    );
    candidates.push(".gitlab-ci.yml".into());
    if let Some(text) = read(root, ".gitlab-ci.yml") {
        // `include: - local: pipeline/x.yml` and its shorter forms: any YAML path named.
        for word in
            text.split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '[' | ']' | ','))
        {
            let word = word.trim_start_matches('/');
            if (word.ends_with(".yml") || word.ends_with(".yaml"))
                && !candidates.iter().any(|c| c == word)
            {
                candidates.push(word.to_string());
            }
        }
    }
    for file in candidates {
        let Some(text) = read(root, &file) else {
            continue;
        };
        if let Some(format) = pin_in(&text).and_then(|release| for_release(&release)) {
            return Some(Inferred {
                format,
                reason: file,
            });
        }
    }
    None
}

/// The `X.Y` of the first `contentctl==X.Y[.Z]` in a text.
fn pin_in(text: &str) -> Option<String> {
    for (at, _) in text.match_indices("contentctl") {
        let rest = text[at + "contentctl".len()..].trim_start();
        let Some(rest) = rest.strip_prefix("==") else {
            continue;
        };
        let version: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let mut parts = version.split('.');
        if let (Some(major), Some(minor)) = (parts.next(), parts.next())
            && !major.is_empty()
            && !minor.is_empty()
        {
            return Some(format!("{major}.{minor}"));
        }
    }
    None
}

/// The format of a contentctl `X.Y`: that release, or the newest known one before it of the
/// same major release.
fn for_release(release: &str) -> Option<&'static Format> {
    let wanted = release_key(Some(release));
    formats().ok()?.iter().rev().find(|f| {
        let key = release_key(f.contentctl.as_deref());
        f.contentctl.is_some() && key.0 == wanted.0 && key <= wanted
    })
}

fn from_layout(root: &Path) -> Option<Inferred> {
    let has_dir = |dir: &str| root.join(dir).is_dir();
    // 4.1 alone read data_sources/<category>/event_sources/.
    let mut categories = list(root, "data_sources");
    categories.sort();
    for category in categories {
        let dir = format!("data_sources/{category}/event_sources");
        if has_dir(&dir) {
            return Some(Inferred {
                format: by_name("contentctl-4.1").ok()?,
                reason: format!("{dir}/"),
            });
        }
    }
    let contentctl_yml = read(root, "contentctl.yml").unwrap_or_default();
    let has_key = |key: &str| {
        contentctl_yml
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{key}:")))
    };
    // A marker bounds the release from below only: the oldest release it allows is taken, so
    // nothing a later release added is held against the repository.
    if has_key("test_data_caches") {
        return Some(Inferred {
            format: by_name("contentctl-5.5").ok()?,
            reason: "`test_data_caches` in contentctl.yml (5.5+)".into(),
        });
    }
    if has_dir("removed") || has_key("enforce_deprecation_mapping_requirement") {
        return Some(Inferred {
            format: by_name("contentctl-5.3").ok()?,
            reason: "removed/ (5.3+)".into(),
        });
    }
    let mut deployments = list(root, "deployments");
    deployments.sort();
    let untyped = deployments.iter().find(|name| {
        (name.ends_with(".yml") || name.ends_with(".yaml"))
            && read(root, &format!("deployments/{name}")).is_some_and(|text| {
                !text.lines().any(|l| l.starts_with("type:"))
                    && text.lines().any(|l| l.starts_with("tags:"))
            })
    });
    if let Some(name) = untyped {
        return Some(Inferred {
            format: by_name("security_content-2021").ok()?,
            reason: format!("deployments/{name} (tags, no type: 2021)"),
        });
    }
    for dir in ["response_tasks", "responses", "response_phases"] {
        if has_dir(dir) {
            return Some(Inferred {
                format: by_name("security_content-2022").ok()?,
                reason: format!("{dir}/ (security_content before contentctl)"),
            });
        }
    }
    if has_dir("ssa_detections") {
        return Some(Inferred {
            format: by_name("contentctl-4.2").ok()?,
            reason: "ssa_detections/ (4.2 or older)".into(),
        });
    }
    None
}

fn list(root: &Path, dir: &str) -> Vec<String> {
    std::fs::read_dir(root.join(dir))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A small text file of the repository (at most 1 MB), if there is one.
fn read(root: &Path, relative: &str) -> Option<String> {
    if relative.contains("..") {
        return None;
    }
    let path = root.join(relative);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 1 << 20 {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_parses_and_its_patches_apply() {
        let all = formats().unwrap();
        assert!(all.len() >= 12);
        for format in all {
            for kind in [
                "detection",
                "baseline",
                "investigation",
                "story",
                "macro",
                "lookup",
                "data_source",
                "deployment",
            ] {
                let base = crate::check::schema::SCHEMAS
                    .iter()
                    .find(|(g, k, _)| *g == format.generation.schema_dir() && *k == kind)
                    .map(|(_, _, text)| *text)
                    .unwrap();
                format.schema(kind, base).unwrap();
            }
        }
    }

    #[test]
    fn pins_are_read_with_any_patch_release() {
        assert_eq!(
            pin_in("pip install contentctl==4.0.5\n").as_deref(),
            Some("4.0")
        );
        assert_eq!(pin_in("contentctl == 5.5.16").as_deref(), Some("5.5"));
        assert_eq!(pin_in("pip install \"contentctl>=4.0.0\""), None);
        assert_eq!(for_release("4.1").unwrap().name, "contentctl-4.1");
        assert_eq!(for_release("5.7").unwrap().name, "contentctl-5.6");
        assert!(for_release("3.9").is_none());
    }

    #[test]
    fn the_defaults_are_the_unpatched_newest() {
        assert_eq!(
            default_for(Generation::Contentctl4).unwrap().name,
            "contentctl-4.4"
        );
        assert_eq!(
            default_for(Generation::Contentctl5).unwrap().name,
            "contentctl-5.6"
        );
        assert_eq!(
            default_for(Generation::Legacy2022).unwrap().name,
            "security_content-2022"
        );
    }
}
