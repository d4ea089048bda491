//! Finding the repository: its root (given, or found from the working directory as git
//! and ruff find theirs), its configuration, the directories a command may write to, the
//! files a user names, and paths shown from where the user stands.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};

use super::GlobalArgs;
use super::output;
use crate::check;
use crate::config::{Config, ConfigError};
use crate::load::ContentKind;

/// The files that mark a content root besides its content directories.
const ROOT_MARKERS: [&str; 2] = ["splforge.toml", "contentctl.yml"];

/// Sets `global.root` (`--root`, else [`discover_root`] from the working directory, else
/// `.`) and `global.here` (the working directory relative to the root, when inside it).
pub(super) fn resolve_root(global: &mut GlobalArgs) {
    let cwd = std::env::current_dir().ok();
    global.root = match &global.root_arg {
        Some(root) => root.clone(),
        None => cwd
            .as_deref()
            .and_then(discover_root)
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    global.here = cwd
        .and_then(|cwd| output::relative_to(&cwd, &global.root))
        .unwrap_or_default();
}

/// Whether `dir` looks like a content root: it holds splforge.toml, contentctl.yml or a
/// content directory (`detections/`, `stories/`, ...).
fn is_content_root(dir: &Path) -> bool {
    ROOT_MARKERS.iter().any(|name| dir.join(name).is_file())
        || ContentKind::ALL
            .iter()
            .any(|kind| dir.join(kind.directory()).is_dir())
}

/// The nearest of `start` and its parents that [is a content root](is_content_root), as a
/// path from `start` (`.`, `..`, `../..`). The walk stops at a repository's top (a
/// directory holding `.git`), as no content above it belongs to the checkout.
pub(super) fn discover_root(start: &Path) -> Option<PathBuf> {
    for (depth, dir) in start.ancestors().enumerate() {
        if is_content_root(dir) {
            return Some(if depth == 0 {
                PathBuf::from(".")
            } else {
                std::iter::repeat_n(Component::ParentDir, depth).collect()
            });
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// `path` (relative to the root) as seen from `here` (the working directory relative to
/// the root): `detections/endpoint/x.yml` from `detections/endpoint` is `x.yml`, from
/// `stories` it is `../detections/endpoint/x.yml`.
pub(super) fn seen_from(path: &Path, here: &Path) -> PathBuf {
    if here.as_os_str().is_empty() {
        return path.to_path_buf();
    }
    if let Ok(inside) = path.strip_prefix(here) {
        return if inside.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            inside.to_path_buf()
        };
    }
    // Up to the longest common ancestor, then down.
    let common = here
        .components()
        .zip(path.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = here.components().count() - common;
    std::iter::repeat_n(Component::ParentDir, ups)
        .chain(path.components().skip(common))
        .collect()
}

/// Fails (exit 2) when `root` has none of the content directories: an empty directory, or
/// a `--root` one level too deep (`--root detections`), would otherwise pass green with
/// nothing checked, built or documented. Names the root above it when there is one.
pub(super) fn require_content(root: &Path) -> anyhow::Result<()> {
    let kinds = ContentKind::ALL;
    if kinds
        .iter()
        .any(|kind| root.join(kind.directory()).is_dir())
    {
        return Ok(());
    }
    let directories: Vec<String> = kinds
        .iter()
        .map(|kind| format!("{}/", kind.directory()))
        .collect();
    let above = std::fs::canonicalize(root)
        .ok()
        .and_then(|dir| dir.parent().and_then(discover_root).map(|up| (dir, up)))
        .map(|(dir, up)| {
            let found = dir.join("..").join(up);
            let shown = std::fs::canonicalize(&found).unwrap_or(found);
            format!(" (the repository's root seems to be {})", shown.display())
        })
        .unwrap_or_default();
    bail!(
        "no content found under {}: it has none of {}; pass the repository's root with --root{above}",
        root.display(),
        directories.join(", ")
    )
}

/// Loads the configuration (with command-line overrides), or fails with the position of
/// the problem.
pub(super) fn load_config(global: &GlobalArgs) -> anyhow::Result<Config> {
    let root = &global.root;
    if !root.is_dir() {
        bail!("content root `{}` is not a directory", root.display());
    }
    match Config::discover(root) {
        Ok((mut config, _)) => {
            if let Some(version) = &global.attack_version {
                config.attack_version = version.clone();
            }
            crate::attack::check_version(&config.attack_version)?;
            match &config.format {
                Some(name) => {
                    crate::format::by_name(name).map_err(|e| {
                        anyhow::anyhow!("invalid configuration in splforge.toml: {e}")
                    })?;
                    config.format_source = Some("from splforge.toml".to_owned());
                }
                None => {
                    if let Some(inferred) = crate::format::infer(root) {
                        config.format = Some(inferred.format.name.clone());
                        config.format_source = Some(format!("inferred from {}", inferred.reason));
                    }
                }
            }
            check::RuleSelection::from_config(&config.lint)
                .map_err(|e| anyhow::anyhow!("invalid configuration in splforge.toml: {e}"))?;
            Ok(config)
        }
        Err(ConfigError::Invalid {
            path,
            message,
            span: Some(span),
            text,
        }) => {
            let at =
                crate::load::source::LineIndex::new(&text).line_col(&text, span.start as usize);
            bail!(
                "invalid configuration at {}:{}:{}: {message}",
                path.display(),
                at.line,
                at.column
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The output directory of `build` or `docs`: `--out` as given, else the configured one
/// (`setting`), which must stay inside the root; either way not the root, above it, or
/// inside a directory splforge reads.
pub(super) fn output_dir(
    global: &GlobalArgs,
    given: Option<&Path>,
    configured: &Path,
    setting: &'static str,
) -> anyhow::Result<PathBuf> {
    let out = match given {
        Some(out) => out.to_path_buf(),
        None => crate::ownership::configured_path(&global.root, configured, setting)?,
    };
    crate::ownership::check_outside_inputs(&global.root, &out, "the output directory")?;
    Ok(out)
}

/// The cache directory: `--cache-dir`, else `[cache] dir` under the root (which must stay
/// inside it); either way not the root or inside a directory splforge reads.
pub(super) fn cache_dir(
    given: Option<&Path>,
    root: &Path,
    config: &Config,
) -> anyhow::Result<PathBuf> {
    let dir = match given {
        Some(dir) => dir.to_path_buf(),
        None => crate::ownership::configured_path(root, &config.cache.dir, "[cache] dir")?,
    };
    crate::ownership::check_outside_inputs(root, &dir, "the cache directory")?;
    Ok(dir)
}

/// The content files named by the user's paths, relative to the root.
pub(super) fn selected_files(
    global: &GlobalArgs,
    paths: &[PathBuf],
) -> anyhow::Result<Vec<PathBuf>> {
    let root = &global.root;
    let mut files = Vec::new();
    for path in paths {
        // With `--root`, relative to the root first (`lint detections/x.yml --root
        // content`), else to the working directory (pre-commit passes
        // `content/detections/x.yml`). With a root found from the working directory, the
        // other way round, as a shell names files (`lint .` in `detections/endpoint/`).
        let (first, second) = (root.join(path), path.clone());
        let (first, second) = if global.root_arg.is_some() {
            (first, second)
        } else {
            (second, first)
        };
        let candidate = if first.exists() { first } else { second };
        if !candidate.exists() {
            bail!("`{}` does not exist", path.display());
        }
        let relative = output::relative_to(&candidate, root).with_context(|| {
            format!(
                "`{}` is not inside the content root `{}`{}",
                path.display(),
                root.display(),
                root_of(&candidate)
            )
        })?;
        if candidate.is_dir() {
            for entry in walkdir::WalkDir::new(&candidate)
                .into_iter()
                .filter_map(Result::ok)
            {
                if entry.file_type().is_file()
                    && let Some(r) = output::relative_to(entry.path(), root)
                {
                    files.push(r);
                }
            }
        } else {
            if ContentKind::of_path(&relative).is_none() {
                bail!(
                    "`{}` is not in a content directory (detections/, macros/, stories/, ...) of the root `{}`{}",
                    path.display(),
                    root.display(),
                    root_of(&candidate)
                );
            }
            files.push(relative);
        }
    }
    Ok(files)
}

/// `; its repository's root is X: pass --root X` for a file whose own repository (found by
/// walking up from it) is not the root in use; empty otherwise.
fn root_of(file: &Path) -> String {
    let Some(dir) = std::fs::canonicalize(file)
        .ok()
        .and_then(|f| f.parent().map(Path::to_path_buf))
    else {
        return String::new();
    };
    match discover_root(&dir) {
        Some(up) => {
            let found = dir.join(up);
            let shown = std::fs::canonicalize(&found).unwrap_or(found);
            format!(
                "; its repository's root is {0}: pass --root {0}",
                shown.display()
            )
        }
        None => String::new(),
    }
}

/// The content root as a path from the working directory (the repository root in CI),
/// to prefix finding paths with in SARIF and GitHub output; empty for `.`.
pub(super) fn root_prefix(root: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    match output::relative_to(root, &cwd) {
        Some(relative) => relative,
        None => root.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_seen_from_the_working_directory() {
        let p = Path::new("detections/endpoint/x.yml");
        assert_eq!(seen_from(p, Path::new("")), p);
        assert_eq!(
            seen_from(p, Path::new("detections/endpoint")),
            Path::new("x.yml")
        );
        assert_eq!(
            seen_from(p, Path::new("detections")),
            Path::new("endpoint/x.yml")
        );
        assert_eq!(
            seen_from(p, Path::new("stories")),
            Path::new("../detections/endpoint/x.yml")
        );
        assert_eq!(
            seen_from(p, Path::new("detections/cloud")),
            Path::new("../endpoint/x.yml")
        );
    }
}
