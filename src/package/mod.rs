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

use crate::check::rules::lookup_file_path;
use crate::config::Config;
use crate::load::Repository;
use crate::model::Content;
use crate::render::conf::{ReadStanza, find_control, read_stanzas};
use crate::render::{AppView, BuildStamp, RenderError, Templates, ViewInput};

pub use tarball::tar_gz;

/// The directory of files copied into the app as they are.
pub const APP_TEMPLATE_DIR: &str = "app_template";

/// How to build; the CLI fills it from the environment and flags.
#[derive(Clone, Default)]
pub struct BuildOptions {
    /// Seconds since the epoch: the build time in headers, `build =` and the archive's mtimes
    /// (the CLI takes it from `SOURCE_DATE_EPOCH`, else a fixed value or the clock).
    pub build_time: i64,
}

/// The files a build writes: the app's, by path relative to the app directory, and the API
/// output's (`api/*.json`, empty unless `[build] api`), by file name. Reads as the app's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuiltFiles {
    pub app: BTreeMap<String, Vec<u8>>,
    pub api: BTreeMap<String, Vec<u8>>,
}

impl std::ops::Deref for BuiltFiles {
    type Target = BTreeMap<String, Vec<u8>>;
    fn deref(&self) -> &Self::Target {
        &self.app
    }
}

/// The directory of `<out>` the API output is written to, as contentctl's `dist/api`.
pub const API_DIR: &str = "api";

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
    #[error(
        "{0} exists and was not made by `splforge build` (it is not listed in the output directory's {MARKER}): refusing to replace it; move it away or build into another directory"
    )]
    OutputNotOurs(PathBuf),
    /// What the rendered `.conf` files say does not hold in the app (see [`verify_app`]).
    #[error("{file}:{line}: {problem}")]
    Inconsistent {
        file: String,
        line: usize,
        problem: String,
    },
}

/// The file that marks an output directory `build` writes into. It lists, one a line, the
/// entries of the directory that `build` made (app directories and packages): only those
/// may be replaced by a later build. It is also the lock a build holds while it writes.
pub const MARKER: &str = ".splforge-build";

/// The prefix of the temporary directories a build writes in.
const STAGING_PREFIX: &str = ".splforge-build-";

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
/// `<out>/<app id>-<version>.tar.gz`; the API files, if any, as `<out>/api/`.
pub fn write_app(
    files: &BuiltFiles,
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
        tar_gz(&app.id, &files.app, mtime).map_err(|e| BuildError::Write {
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

/// Every file of the app, by path relative to the app directory, and the API files when
/// the configuration asks for them.
pub fn app_files(
    content: &Content,
    repository: &Repository,
    config: &Config,
    options: &BuildOptions,
) -> Result<BuiltFiles, BuildError> {
    let root = &repository.root;
    let max_bytes = config.limits.max_lookup_bytes;
    let mut files = read_tree(root, Path::new(APP_TEMPLATE_DIR), max_bytes)?;
    let templates = Templates::load(root)?;
    let stamp = BuildStamp::at(options.build_time);
    let build_day = stamp.date.replace('-', "");
    let view = AppView::build(&ViewInput {
        content,
        app: &config.app,
        build_day: &build_day,
    })
    .map_err(RenderError::from)?;
    match &view.lookup_files {
        Some(lookup_files) => copy_lookup_files(lookup_files, repository, max_bytes, &mut files)?,
        None => files.extend(lookup_data_files(content, repository, max_bytes)?),
    }
    files.insert(
        format!("lookups/{}", view.data_sources_file),
        data_sources::csv(content).into_bytes(),
    );
    let shipped: Vec<String> = files.keys().cloned().collect();
    let mut rendered = Vec::new();
    let shipped_meta = files
        .get("metadata/default.meta")
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned());
    for (name, text) in templates.render(
        &view,
        &config.app,
        &stamp,
        &shipped,
        shipped_meta.as_deref(),
    )? {
        // A repository's own metadata/default.meta wins over the default one.
        if name == "metadata/default.meta" && files.contains_key(&name) {
            continue;
        }
        // A collections.conf without a collection (no KV-store lookup) is not shipped:
        // AppInspect warns about every app that has one.
        if name == "default/collections.conf"
            && !text.lines().any(|l| l.trim_start().starts_with('['))
        {
            continue;
        }
        rendered.push(name.clone());
        files.insert(name, text.into_bytes());
    }
    for dashboard in &view.dashboards {
        let definition =
            read_dashboard_definition(repository, &dashboard.definition, config.limits)?;
        let (path, text) =
            templates.render_dashboard(dashboard, &definition, &config.app, &stamp, view.format)?;
        files.insert(path, text.into_bytes());
    }
    verify_app(&files, &rendered)?;
    let api = if config.build.api {
        let source_of = |file: crate::model::FileId| {
            (repository.files.get(file))
                .and_then(|f| f.source.path.parent()?.file_name()?.to_str())
                .unwrap_or_default()
                .to_owned()
        };
        crate::render::api::files(&crate::render::api::ApiInput {
            content,
            view: &view,
            app: &config.app,
            source_of: &source_of,
            build_time: &stamp.time,
        })
    } else {
        BTreeMap::new()
    };
    Ok(BuiltFiles { app: files, api })
}

/// A dashboard's JSON definition, parsed (keys in their order).
fn read_dashboard_definition(
    repository: &Repository,
    relative: &str,
    limits: crate::load::LoadLimits,
) -> Result<serde_json::Value, BuildError> {
    let path = repository.root.join(relative);
    let read_error = |message: String| BuildError::Read {
        path: path.clone(),
        message,
    };
    if !repository.has_data_file(Path::new(relative)) {
        return Err(read_error(
            "no such file beside the dashboard's YAML file".to_owned(),
        ));
    }
    let text = crate::load::read_data_file(&repository.root, Path::new(relative), limits)
        .map_err(|e| read_error(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| read_error(format!("not JSON: {e}")))
}

/// contentctl 5's lookup files: each definition's file under its name in the app, read as
/// text (CRLF and CR line ends become LF, as Python's text mode reads them). A file the
/// loader did not accept (absent, a link out of the root) is left out: lint reports it.
fn copy_lookup_files(
    lookup_files: &[crate::render::view::LookupFile],
    repository: &Repository,
    max_bytes: u64,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), BuildError> {
    for file in lookup_files {
        let relative = Path::new(&file.source);
        if !repository.has_data_file(relative) {
            continue;
        }
        let bytes =
            crate::load::read_in_root(&repository.root, relative, max_bytes).map_err(|e| {
                BuildError::Read {
                    path: relative.to_owned(),
                    message: e.to_string(),
                }
            })?;
        files.insert(
            format!("lookups/{}", file.app_name),
            universal_newlines(bytes),
        );
    }
    Ok(())
}

/// `\r\n` and a lone `\r` as `\n`.
fn universal_newlines(bytes: Vec<u8>) -> Vec<u8> {
    if !bytes.contains(&b'\r') {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().peekable();
    while let Some(&b) = iter.next() {
        if b == b'\r' {
            iter.next_if_eq(&&b'\n');
            out.push(b'\n');
        } else {
            out.push(b);
        }
    }
    out
}

/// The lookup data files the app ships, as `lookups/<file name>`: every top-level `.csv`
/// and `.mlmodel` file of `lookups/` (as contentctl copies them), and every top-level file
/// a lookup's `filename` names, whatever its extension (`UPPER.CSV`, `x.csv.gz`), since
/// transforms.conf names it.
fn lookup_data_files(
    content: &Content,
    repository: &Repository,
    max_bytes: u64,
) -> Result<BTreeMap<String, Vec<u8>>, BuildError> {
    let named: std::collections::HashSet<PathBuf> = content
        .lookups
        .iter()
        .filter_map(|l| lookup_file_path(&l.filename.as_ref()?.value))
        .collect();
    let mut files = BTreeMap::new();
    for relative in &repository.lookup_data_files {
        let is_top_level = relative.components().count() == 2;
        let extension = relative.extension().and_then(|e| e.to_str());
        let Some(file_name) = relative.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let shipped = matches!(extension, Some("csv" | "mlmodel")) || named.contains(relative);
        if is_top_level && shipped {
            let bytes =
                crate::load::read_in_root(&repository.root, relative, max_bytes).map_err(|e| {
                    BuildError::Read {
                        path: relative.clone(),
                        message: e.to_string(),
                    }
                })?;
            files.insert(format!("lookups/{file_name}"), bytes);
        }
    }
    Ok(files)
}

/// Checks what the `rendered` `.conf` and `.meta` files of the app say against the app's
/// `files`, whatever the templates (a repository may override them) and lint said: no
/// stanza twice in a file (Splunk would merge them), no control character but line breaks,
/// every file a setting names in the app (transforms.conf `filename` under `lookups/`, the
/// panel of each es_investigations.conf `panel://` stanza under `default/data/ui/panels/`).
fn verify_app(files: &BTreeMap<String, Vec<u8>>, rendered: &[String]) -> Result<(), BuildError> {
    let problem = |file: &str, line: usize, problem: String| BuildError::Inconsistent {
        file: file.to_owned(),
        line,
        problem,
    };
    for name in rendered
        .iter()
        .filter(|n| n.ends_with(".conf") || n.ends_with(".meta"))
    {
        let text = String::from_utf8_lossy(files.get(name).map_or(&[][..], Vec::as_slice));
        // Line breaks and tabs are a template's own; values hold neither (`conf`).
        if let Some(offset) = find_control(&text, b"\n\r\t") {
            let line = text[..offset].matches('\n').count() + 1;
            let c = text[offset..].chars().next().unwrap_or_default();
            return Err(problem(
                name,
                line,
                format!("control character {c:?} in the written file"),
            ));
        }
        let stanzas = read_stanzas(&text);
        let mut seen = std::collections::HashMap::new();
        for stanza in &stanzas {
            if let Some(first) = seen.insert(stanza.name.as_str(), stanza.line) {
                return Err(problem(
                    name,
                    stanza.line,
                    format!(
                        "stanza [{}] is written twice (first at line {first}); Splunk would merge them",
                        stanza.name
                    ),
                ));
            }
        }
        for stanza in &stanzas {
            for referenced in referenced_files(name, stanza) {
                if !files.contains_key(&referenced) {
                    return Err(problem(
                        name,
                        stanza.line,
                        format!(
                            "stanza [{}] names {referenced}, which the app does not hold",
                            stanza.name
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The files of the app that a stanza of the rendered file `conf` names.
fn referenced_files(conf: &str, stanza: &ReadStanza) -> Vec<String> {
    match conf {
        "default/transforms.conf" => stanza
            .settings
            .iter()
            .filter(|(key, _)| key == "filename")
            .map(|(_, file)| format!("lookups/{file}"))
            .collect(),
        "default/es_investigations.conf" => stanza
            .name
            .strip_prefix("panel://")
            .map(|panel| format!("default/data/ui/panels/{panel}.xml"))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
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
    built: &BuiltFiles,
    archive: impl FnOnce() -> Result<Vec<u8>, BuildError> + Send,
) -> Result<u64, BuildError> {
    let files = &built.app;
    fs::create_dir_all(out).map_err(|e| write_error(out, e))?;
    let marker = Marker::lock(out)?;
    let with_api = !built.api.is_empty();
    let names: &[&str] = if with_api {
        &[app_id, package_name, API_DIR]
    } else {
        &[app_id, package_name]
    };
    for &name in names {
        if let Err(e) = marker.check_replaceable(name) {
            marker.abandon();
            return Err(e);
        }
    }
    marker.remove_stale_staging();
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
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
    let new_api = staging.path().join(API_DIR);
    if with_api {
        write_tree(&new_api, &built.api)?;
    }
    let package_bytes = archive.len() as u64;
    drop(archive);

    let app_dir = out.join(app_id);
    let package = out.join(package_name);
    // The previous app waits in `staging` (deleted on return); when the package cannot be
    // moved in, it is put back and the previous package stays as it was.
    let app = crate::atomic::swap_in(&new_app, &app_dir, &staging.path().join(".previous"))
        .map_err(|e| write_error(&app_dir, e))?;
    if let Err(e) = fs::rename(&new_package, &package) {
        app.undo(&new_app);
        return Err(write_error(&package, e));
    }
    if with_api {
        // The API output goes with the app: a failure here leaves the new app and package
        // in place, with the previous API output.
        let api = out.join(API_DIR);
        let old_api = staging.path().join(".previous-api");
        if fs::symlink_metadata(&api).is_ok() {
            fs::rename(&api, &old_api).map_err(|e| write_error(&api, e))?;
        }
        if let Err(e) = fs::rename(&new_api, &api) {
            let _ = fs::rename(&old_api, &api);
            return Err(write_error(&api, e));
        }
    }
    marker.record(names)?;
    // Dropping `staging` removes the previous app directory.
    Ok(package_bytes)
}

/// The output directory's [`MARKER`], open and locked: builds into one directory take turns,
/// so a temporary directory present while the lock is held belongs to a build that died.
struct Marker {
    out: PathBuf,
    file: fs::File,
    listed: Vec<String>,
    /// The marker did not exist before this build.
    created: bool,
}

impl Marker {
    fn lock(out: &Path) -> Result<Marker, BuildError> {
        use std::io::Read as _;
        let path = out.join(MARKER);
        // Never opened through a symbolic link (or a FIFO) a repository may have put there.
        let created = match fs::symlink_metadata(&path) {
            Ok(metadata) if !metadata.is_file() => return Err(BuildError::OutputNotOurs(path)),
            Ok(_) => false,
            Err(_) => true,
        };
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| write_error(&path, e))?;
        file.lock().map_err(|e| write_error(&path, e))?;
        let mut text = String::new();
        // A marker that is not text lists nothing.
        let _ = (&file).take(1 << 20).read_to_string(&mut text);
        let listed = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(Marker {
            out: out.to_path_buf(),
            file,
            listed,
            created,
        })
    }

    /// Gives up a build that wrote nothing: a marker this build created is removed again.
    fn abandon(self) {
        if self.created {
            let _ = fs::remove_file(self.out.join(MARKER));
        }
    }

    /// Refuses to go on when `out/name` exists and is not what a build made: not listed, or
    /// not a plain directory or file (a symbolic link is never replaced).
    fn check_replaceable(&self, name: &str) -> Result<(), BuildError> {
        let path = self.out.join(name);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(write_error(&path, e)),
            Ok(metadata) => {
                let plain = metadata.is_dir() || metadata.is_file();
                if plain && self.listed.iter().any(|l| l == name) {
                    Ok(())
                } else {
                    Err(BuildError::OutputNotOurs(path))
                }
            }
        }
    }

    /// Removes the temporary directories of builds that were killed.
    fn remove_stale_staging(&self) {
        let Ok(entries) = fs::read_dir(&self.out) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let stale = entry
                .file_name()
                .to_string_lossy()
                .starts_with(STAGING_PREFIX)
                && entry.file_type().is_ok_and(|t| t.is_dir());
            if stale {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }

    /// Lists `names` (and what is listed and still there) as made by a build.
    fn record(mut self, names: &[&str]) -> Result<(), BuildError> {
        use std::io::{Seek as _, Write as _};
        let mut listed: Vec<String> = std::mem::take(&mut self.listed)
            .into_iter()
            .filter(|name| fs::symlink_metadata(self.out.join(name)).is_ok())
            .chain(names.iter().map(|n| (*n).to_owned()))
            .collect();
        listed.sort();
        listed.dedup();
        let mut text = String::from(
            "# Made by splforge build: the entries below may be replaced by the next build.\n",
        );
        for name in listed {
            text.push_str(&name);
            text.push('\n');
        }
        let path = self.out.join(MARKER);
        let written = self
            .file
            .set_len(0)
            .and_then(|()| self.file.rewind())
            .and_then(|()| self.file.write_all(text.as_bytes()));
        written.map_err(|e| write_error(&path, e))
    }
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
