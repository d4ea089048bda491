//! Stage 5: the app directory and its `.tar.gz`, written atomically.
//!
//! The app's files are assembled in memory (a repository's `app_template/` files, the rendered
//! files, the lookup data files), then written to a temporary directory inside the output
//! directory and renamed into place. A failed build leaves the previous output intact.
//!
//! **Architecture invariant:** nothing here reads the clock or the environment: the build
//! time (`SOURCE_DATE_EPOCH`) comes in through [`BuildOptions`].

mod data_sources;
mod gzip;
mod tarball;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::load::Repository;
use crate::model::Content;
use crate::render::view::DATA_SOURCES_CSV;
use crate::render::{AppView, AttackEnrichment, BuildStamp, RenderError, Templates, ViewInput};

pub use tarball::tar_gz;

/// The directory of files copied into the app as they are.
pub const APP_TEMPLATE_DIR: &str = "app_template";

/// How to build; the CLI fills it from the environment and flags.
#[derive(Clone, Default)]
pub struct BuildOptions {
    /// Seconds since the epoch: the build time in headers, `build =` and the archive's mtimes
    /// (the CLI takes it from `SOURCE_DATE_EPOCH`, else a fixed value or the clock).
    pub build_time: i64,
    /// ATT&CK enrichment for annotations; `None` gives technique ids only (contentctl's
    /// `enrichments: false`).
    pub attack: Option<Arc<dyn AttackEnrichment>>,
}

/// What a build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    /// `<out>/<app id>`.
    pub app_dir: PathBuf,
    /// `<out>/<app id>-<version>.tar.gz`.
    pub package: PathBuf,
    /// Number of files in the app.
    pub files: usize,
    /// Size of the package in bytes.
    pub package_bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("app id {0:?} cannot be a directory name")]
    BadAppId(String),
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
}

/// Renders the app and writes `<out>/<app id>/` and `<out>/<app id>-<version>.tar.gz`.
pub fn build(
    content: &Content,
    repository: &Repository,
    config: &Config,
    out: &Path,
    options: &BuildOptions,
) -> Result<BuildReport, BuildError> {
    let files = app_files(content, repository, config, options)?;
    write_app(&files, config, out, options)
}

/// Writes the app's `files` ([`app_files`]) as `<out>/<app id>/` and packs them as
/// `<out>/<app id>-<version>.tar.gz`.
pub fn write_app(
    files: &BTreeMap<String, Vec<u8>>,
    config: &Config,
    out: &Path,
    options: &BuildOptions,
) -> Result<BuildReport, BuildError> {
    let app = &config.app;
    check_path_part(&app.id)?;
    check_path_part(&app.version)?;
    let package_name = format!("{}-{}.tar.gz", app.id, app.version);
    let mtime = u64::try_from(options.build_time).unwrap_or(0);
    let package_bytes = write_atomically(out, &app.id, &package_name, files, || {
        tar_gz(&app.id, files, mtime).map_err(|e| BuildError::Write {
            path: out.join(&package_name),
            message: e.to_string(),
        })
    })?;
    Ok(BuildReport {
        app_dir: out.join(&app.id),
        package: out.join(&package_name),
        files: files.len(),
        package_bytes,
    })
}

/// Every file of the app, by path relative to the app directory.
pub fn app_files(
    content: &Content,
    repository: &Repository,
    config: &Config,
    options: &BuildOptions,
) -> Result<BTreeMap<String, Vec<u8>>, BuildError> {
    let root = &repository.root;
    let max_bytes = config.limits.max_lookup_bytes;
    let mut files = read_tree(root, Path::new(APP_TEMPLATE_DIR), max_bytes)?;
    let templates = Templates::load(root)?;
    let view = AppView::build(&ViewInput {
        content,
        app: &config.app,
        attack: options.attack.as_deref(),
    })
    .map_err(RenderError::from)?;
    let conf_names: Vec<String> = files
        .keys()
        .chain(templates.outputs())
        .filter(|n| n.ends_with(".conf"))
        .cloned()
        .collect();
    let stamp = BuildStamp::at(options.build_time);
    for (name, text) in templates.render(&view, &config.app, &stamp, &conf_names)? {
        // A repository's own metadata/default.meta wins over the default one.
        if name == "metadata/default.meta" && files.contains_key(&name) {
            continue;
        }
        files.insert(name, text.into_bytes());
    }
    for relative in &repository.lookup_data_files {
        let is_top_level = relative.components().count() == 2;
        let extension = relative.extension().and_then(|e| e.to_str());
        let Some(file_name) = relative.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if is_top_level && matches!(extension, Some("csv" | "mlmodel")) {
            let bytes = crate::load::read_in_root(root, relative, max_bytes).map_err(|e| {
                BuildError::Read {
                    path: relative.clone(),
                    message: e.to_string(),
                }
            })?;
            files.insert(format!("lookups/{file_name}"), bytes);
        }
    }
    files.insert(
        format!("lookups/{DATA_SOURCES_CSV}"),
        data_sources::csv(content).into_bytes(),
    );
    Ok(files)
}

fn check_path_part(part: &str) -> Result<(), BuildError> {
    let bad = part.is_empty()
        || part == "."
        || part == ".."
        || part.contains(['/', '\\'])
        || part.chars().any(char::is_control);
    if bad {
        Err(BuildError::BadAppId(part.to_owned()))
    } else {
        Ok(())
    }
}

/// Files under `dir` (relative to `root`) by path relative to `dir` with `/` separators,
/// sorted; empty when `dir` is absent. Every file is read as [`crate::load::read_in_root`]
/// reads it: a regular file, or a link that resolves to one inside the root, of at most
/// `max_bytes`; anything else (a link out of the root, to a directory, a FIFO) is an error
/// that names it, never skipped or followed out. `dir` itself may be a link inside the root.
fn read_tree(
    root: &Path,
    dir: &Path,
    max_bytes: u64,
) -> Result<BTreeMap<String, Vec<u8>>, BuildError> {
    let mut files = BTreeMap::new();
    if !crate::load::is_present(root, dir) {
        return Ok(files);
    }
    let read_error = |path: &Path, e: &dyn std::fmt::Display| BuildError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let inside_root = fs::canonicalize(root.join(dir))
        .and_then(|d| Ok(d.starts_with(fs::canonicalize(root)?)))
        .map_err(|e| read_error(dir, &e))?;
    if !inside_root {
        return Err(read_error(dir, &crate::load::FileError::LinkOutsideRoot));
    }
    if !root.join(dir).is_dir() {
        return Err(read_error(dir, &crate::load::FileError::NotAFile));
    }
    for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
        let entry = entry.map_err(|e| read_error(dir, &e))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(root.join(dir))
            .unwrap_or(entry.path());
        let in_root = dir.join(relative);
        let bytes = crate::load::read_in_root(root, &in_root, max_bytes)
            .map_err(|e| read_error(&in_root, &e))?;
        let name: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.insert(name.join("/"), bytes);
    }
    Ok(files)
}

/// Writes the app directory and the package (made by `archive` while the files are written)
/// into a temporary directory in `out`, then renames both into place. Returns the size of
/// the package.
fn write_atomically(
    out: &Path,
    app_id: &str,
    package_name: &str,
    files: &BTreeMap<String, Vec<u8>>,
    archive: impl FnOnce() -> Result<Vec<u8>, BuildError> + Send,
) -> Result<u64, BuildError> {
    fs::create_dir_all(out).map_err(|e| write_error(out, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".splforge-build-")
        .tempdir_in(out)
        .map_err(|e| write_error(out, e))?;
    let new_app = staging.path().join(app_id);
    // Compressing is most of the work here and keeps every rayon thread busy; the files are
    // written meanwhile, on a thread of their own, since writing mostly waits on the file
    // system.
    let (written, archive) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_tree(&new_app, files));
        let archive = archive();
        (writer.join(), archive)
    });
    written.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let archive = archive?;
    let new_package = staging.path().join(package_name);
    fs::write(&new_package, &archive).map_err(|e| write_error(&new_package, e))?;
    let package_bytes = archive.len() as u64;
    drop(archive);

    let app_dir = out.join(app_id);
    let package = out.join(package_name);
    let old = staging.path().join(".previous");
    let had_app = fs::symlink_metadata(&app_dir).is_ok();
    if had_app {
        fs::rename(&app_dir, &old).map_err(|e| write_error(&app_dir, e))?;
    }
    // On failure, put the previous app back (it sits in `staging`, which is deleted on
    // return) and leave the previous package as it was.
    let restore = |e: std::io::Error, path: &Path| {
        if had_app {
            let _ = fs::rename(&old, &app_dir);
        }
        write_error(path, e)
    };
    if let Err(e) = fs::rename(&new_app, &app_dir) {
        return Err(restore(e, &app_dir));
    }
    if let Err(e) = fs::rename(&new_package, &package) {
        let _ = fs::rename(&app_dir, &new_app);
        return Err(restore(e, &package));
    }
    // Dropping `staging` removes the previous app directory.
    Ok(package_bytes)
}

fn write_error(path: &Path, e: std::io::Error) -> BuildError {
    BuildError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Writes `files` under `dir`; no name may leave it.
fn write_tree(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), BuildError> {
    for (name, bytes) in files {
        // Names come from templates and content: none may leave the app directory.
        let inside = Path::new(name)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            return Err(BuildError::Write {
                path: PathBuf::from(name),
                message: "path leaves the app directory".to_owned(),
            });
        }
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| write_error(parent, e))?;
        }
        fs::write(&path, bytes).map_err(|e| write_error(&path, e))?;
    }
    Ok(())
}
