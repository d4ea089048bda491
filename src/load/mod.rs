//! Stage 1: files on disk to YAML documents with spans. Knows nothing of detections.
//!
//! Walks the content directories of a security_content-style repository, reads every YAML
//! file (and notes the data files lookups point at), and parses each once, in parallel.
//! Every failure is a value ([`FileError`], [`YamlError`]) with a position, never a panic.

pub mod narrow;

// The YAML loader, spans and positions are the `splforge-yaml` crate; `load::yaml`,
// `load::source` and `load::scalar_position` name it as they named these modules.
pub use splforge_yaml as yaml;
pub use splforge_yaml::{scalar_position, source};

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use narrow::load_for_files;
pub use source::{LineCol, MAX_MESSAGE_CHARS, SourceFile, Span, excerpt, truncated};
pub use yaml::{Document, Node, Value, YamlError, YamlLimits};

/// The SSA detections (SPL2 pipelines, `ssa___*.yml`) of security_content and contentctl up to
/// 4.2: detections from a second directory. Whether a format version reads them is
/// `format::Format::reads`; the SPL checks leave their searches alone (`Detection::is_spl2`).
pub const SSA_DETECTIONS: &str = "ssa_detections";

/// The kinds of content file, each read from its own top-level directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    Detection,
    Baseline,
    Story,
    Macro,
    Lookup,
    DataSource,
    Deployment,
    Investigation,
    /// A Dashboard Studio dashboard: `dashboards/<name>.yml` and its `<name>.json`.
    Dashboard,
    /// A record of removed content (`removed/`, contentctl 5.3+): its name and id stay taken.
    Removed,
}

impl ContentKind {
    pub const ALL: [ContentKind; 10] = [
        ContentKind::Detection,
        ContentKind::Baseline,
        ContentKind::Story,
        ContentKind::Macro,
        ContentKind::Lookup,
        ContentKind::DataSource,
        ContentKind::Deployment,
        ContentKind::Investigation,
        ContentKind::Dashboard,
        ContentKind::Removed,
    ];

    /// The directory under the content root that holds this kind.
    pub fn directory(self) -> &'static str {
        match self {
            ContentKind::Detection => "detections",
            ContentKind::Baseline => "baselines",
            ContentKind::Story => "stories",
            ContentKind::Macro => "macros",
            ContentKind::Lookup => "lookups",
            ContentKind::DataSource => "data_sources",
            ContentKind::Deployment => "deployments",
            ContentKind::Investigation => "investigations",
            ContentKind::Dashboard => "dashboards",
            ContentKind::Removed => "removed",
        }
    }

    /// The name used in schema file names and by `splforge schema TYPE`.
    pub fn name(self) -> &'static str {
        match self {
            ContentKind::Detection => "detection",
            ContentKind::Baseline => "baseline",
            ContentKind::Story => "story",
            ContentKind::Macro => "macro",
            ContentKind::Lookup => "lookup",
            ContentKind::DataSource => "data_source",
            ContentKind::Deployment => "deployment",
            ContentKind::Investigation => "investigation",
            ContentKind::Dashboard => "dashboard",
            ContentKind::Removed => "removed",
        }
    }

    pub fn from_name(name: &str) -> Option<ContentKind> {
        ContentKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The kind a path relative to the content root belongs to, if any.
    pub fn of_path(relative: &Path) -> Option<ContentKind> {
        let first = relative.components().next()?.as_os_str().to_str()?;
        if first == SSA_DETECTIONS {
            return Some(ContentKind::Detection);
        }
        ContentKind::ALL
            .into_iter()
            .find(|k| k.directory() == first)
    }
}

/// Limits on what the loader will read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoadLimits {
    /// Largest YAML file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of YAML sequences and mappings.
    pub max_depth: usize,
    /// Most nodes one file may expand to, aliases counted at their expanded size.
    pub max_nodes: usize,
    /// Largest lookup data file (CSV) read, in bytes.
    pub max_lookup_bytes: u64,
    /// Longest SPL search analysed, in bytes (a longer one is an SF504 finding).
    pub max_search_bytes: u64,
    /// How many directories deep below a content directory files are read
    /// (`detections/a.yml` is at depth 1). A file deeper, or a directory at the limit that
    /// holds anything, is an SF001 finding: never skipped without a word.
    pub max_walk_depth: usize,
}

impl Default for LoadLimits {
    fn default() -> LoadLimits {
        let yaml = YamlLimits::default();
        LoadLimits {
            max_file_bytes: 4 * 1024 * 1024,
            max_depth: yaml.max_depth,
            max_nodes: yaml.max_nodes,
            max_lookup_bytes: 64 * 1024 * 1024,
            max_search_bytes: crate::spl::DEFAULT_MAX_SEARCH_BYTES as u64,
            max_walk_depth: DEFAULT_WALK_DEPTH,
        }
    }
}

impl LoadLimits {
    /// The YAML limits, with the depth capped at [`MAX_DEPTH_CEILING`]: the configuration
    /// comes from the repository, so a pull request can raise it, and a tree deep enough
    /// overflows the stack of the code that walks it (an abort, not a finding).
    pub fn yaml(&self) -> YamlLimits {
        YamlLimits {
            max_depth: self.max_depth.min(MAX_DEPTH_CEILING),
            max_nodes: self.max_nodes,
        }
    }
}

/// The deepest nesting any configuration can allow.
pub const MAX_DEPTH_CEILING: usize = 256;

/// The largest `max_file_bytes` any configuration can set: a YAML file is held whole.
pub const MAX_FILE_BYTES_CEILING: u64 = 256 * 1024 * 1024;

/// The largest `max_lookup_bytes` any configuration can set: a lookup file is held whole
/// (to check its rows, to ship it).
pub const MAX_LOOKUP_BYTES_CEILING: u64 = 1024 * 1024 * 1024;

impl LoadLimits {
    /// These limits, the file sizes capped at [`MAX_FILE_BYTES_CEILING`] and
    /// [`MAX_LOOKUP_BYTES_CEILING`]: `splforge.toml` is part of the pull request, and
    /// `max_lookup_bytes = 100000000000` made `build` read a sparse 3 GiB CSV whole.
    pub fn within_ceilings(self) -> LoadLimits {
        LoadLimits {
            max_file_bytes: self.max_file_bytes.min(MAX_FILE_BYTES_CEILING),
            max_lookup_bytes: self.max_lookup_bytes.min(MAX_LOOKUP_BYTES_CEILING),
            ..self
        }
    }
}

/// Why a file could not be turned into a document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    #[error("cannot read file: {0}")]
    Io(String),
    #[error("file is not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("file is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: u64, limit: u64 },
    #[error("symbolic link points outside the content root")]
    LinkOutsideRoot,
    #[error("path is not a plain path inside the content root")]
    NotInRoot,
    #[error("not a regular file (a directory, FIFO, socket or device)")]
    NotAFile,
    #[error(
        "deeper than {limit} directories below the content directory: not read (`[limits] max_walk_depth`)"
    )]
    TooDeep { limit: usize },
    #[error(
        "directory at the walk depth limit ({limit}): the files in it are not read (`[limits] max_walk_depth`)"
    )]
    DirectoryAtDepthLimit { limit: usize },
    #[error(transparent)]
    Yaml(#[from] YamlError),
}

impl FileError {
    /// Where in the file the problem is; the start of the file when it has no text.
    pub fn span(&self) -> Span {
        match self {
            FileError::Yaml(e) => e.span(),
            FileError::NotUtf8 { offset } => Span::empty_at(*offset),
            _ => Span::default(),
        }
    }
}

/// One YAML content file after loading.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub kind: ContentKind,
    pub source: SourceFile,
    pub document: Result<Document, FileError>,
}

/// Everything read from one content root.
#[derive(Debug, Clone, Default)]
pub struct Repository {
    pub root: PathBuf,
    /// YAML files, sorted by path.
    pub files: Vec<LoadedFile>,
    /// Non-YAML files under `lookups/` (CSV, .mlmodel), relative paths, sorted.
    pub lookup_data_files: Vec<PathBuf>,
    /// Files under `lookups/` that must not be read or shipped (a link out of the root, a
    /// FIFO), with why; relative paths, sorted. They are not in `lookup_data_files`.
    pub rejected_data_files: Vec<(PathBuf, FileError)>,
}

impl Repository {
    /// Whether `relative` is one of the readable lookup data files. A binary search: the
    /// list is sorted, and a scan per lookup would be quadratic on a large repository.
    pub fn has_data_file(&self, relative: &Path) -> bool {
        self.lookup_data_files
            .binary_search_by(|p| p.as_path().cmp(relative))
            .is_ok()
    }
}

/// Splits lookup data files into those that may be read and those refused (a link out of
/// the root, a FIFO), with why.
fn vet_data_files(
    root: &Path,
    data_paths: Vec<PathBuf>,
) -> (Vec<PathBuf>, Vec<(PathBuf, FileError)>) {
    data_paths
        .into_iter()
        .map(|relative| match check_data_file(root, &relative) {
            Ok(()) => Ok(relative),
            Err(e) => Err((relative, e)),
        })
        .partition_result()
}

/// Walks `root` and loads every content file, parsing in parallel.
pub fn load_repository(root: &Path, limits: LoadLimits) -> Repository {
    let found = Discovery::walk(root, limits);
    let all: Vec<usize> = (0..found.yaml.len()).collect();
    let files = found.load(&all, limits, |_, loaded| loaded);
    found.into_repository(files)
}

/// The files of a content root, found and not yet read: for a run that digests each file
/// as soon as it is parsed, while its tree is still in cache, instead of holding every tree
/// at once ([`load_repository`] loads them all first).
pub struct Discovery {
    root: PathBuf,
    /// The content YAML files, sorted by path: a file's index here is its index in
    /// [`Repository::files`].
    pub yaml: Vec<(ContentKind, PathBuf)>,
    data: Vec<PathBuf>,
}

impl Discovery {
    pub fn walk(root: &Path, limits: LoadLimits) -> Discovery {
        let (yaml, data) = discover(root, limits.max_walk_depth);
        Discovery {
            root: root.to_path_buf(),
            yaml,
            data,
        }
    }

    /// Loads the YAML files at `indices`, in parallel, and gives each to `then` (with its
    /// index) as soon as it is parsed; the results come in the order of `indices`.
    pub fn load<T: Send>(
        &self,
        indices: &[usize],
        limits: LoadLimits,
        then: impl Fn(usize, LoadedFile) -> T + Sync,
    ) -> Vec<T> {
        indices
            .par_iter()
            .map(|&index| {
                let (kind, relative) = &self.yaml[index];
                then(index, load_file(&self.root, relative, *kind, limits))
            })
            .collect()
    }

    /// The repository of `files`: every YAML file, loaded, in the order of [`Discovery::yaml`].
    pub fn into_repository(self, files: Vec<LoadedFile>) -> Repository {
        debug_assert_eq!(files.len(), self.yaml.len());
        let (lookup_data_files, rejected_data_files) = vet_data_files(&self.root, self.data);
        Repository {
            root: self.root,
            files,
            lookup_data_files,
            rejected_data_files,
        }
    }
}

/// Every file [`load_repository`] reads: content YAML files and lookup data files, sorted
/// by relative path, and the directories at the walk depth limit (which `lint` reports).
/// The lint cache stats this list.
pub fn input_files(root: &Path, limits: LoadLimits) -> (Vec<(ContentKind, PathBuf)>, Vec<PathBuf>) {
    discover(root, limits.max_walk_depth)
}

/// Splits an iterator of results into its successes and its failures.
trait PartitionResult<T, E> {
    fn partition_result(self) -> (Vec<T>, Vec<E>);
}

impl<T, E, I: Iterator<Item = Result<T, E>>> PartitionResult<T, E> for I {
    fn partition_result(self) -> (Vec<T>, Vec<E>) {
        let mut ok = Vec::new();
        let mut err = Vec::new();
        for item in self {
            match item {
                Ok(t) => ok.push(t),
                Err(e) => err.push(e),
            }
        }
        (ok, err)
    }
}

/// Reads a lookup data file (a CSV) of the repository as text, within the size limit;
/// invalid UTF-8 is replaced, as Splunk reads it.
pub fn read_data_file(
    root: &Path,
    relative: &Path,
    limits: LoadLimits,
) -> Result<String, FileError> {
    let bytes = read_bytes(root, relative, limits.max_lookup_bytes)?;
    // Valid UTF-8 (nearly every file) is taken as it is: the lossy repair walks every
    // character and copies, ten times the cost on a corpus's 3 MB of CSV.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned()))
}

/// Loads one file, given relative to `root`.
pub fn load_file(
    root: &Path,
    relative: &Path,
    kind: ContentKind,
    limits: LoadLimits,
) -> LoadedFile {
    if let Some(error) = beyond_walk_depth(root, relative, limits.max_walk_depth) {
        return LoadedFile {
            kind,
            source: SourceFile::new(relative, String::new()),
            document: Err(error),
        };
    }
    match read_text(root, relative, limits) {
        Ok(text) => load_text(relative, kind, text, limits),
        // Keep the text, repaired, so the finding can show the line with the bad byte:
        // everything before the first bad byte is unchanged, so its offset still holds.
        Err(NotUtf8Text { text, error }) => LoadedFile {
            kind,
            source: SourceFile::new(relative, text),
            document: Err(error),
        },
    }
}

/// Loads a content file from text already in memory (an editor's unsaved buffer), as
/// [`load_file`] loads it from disk: the same size limit, then the same parse.
pub fn load_text(
    relative: &Path,
    kind: ContentKind,
    text: String,
    limits: LoadLimits,
) -> LoadedFile {
    let size = text.len() as u64;
    let document = if size > limits.max_file_bytes {
        Err(FileError::TooLarge {
            size,
            limit: limits.max_file_bytes,
        })
    } else {
        yaml::parse(&text, limits.yaml()).map_err(FileError::from)
    };
    LoadedFile {
        kind,
        source: SourceFile::new(relative, text),
        document,
    }
}

/// The text of a content file as [`load_file`] keeps it, without parsing it: the lint cache
/// shows remembered findings in it. A file that cannot be read shows as empty.
pub fn read_source(root: &Path, relative: &Path, limits: LoadLimits) -> SourceFile {
    let text = read_text(root, relative, limits).unwrap_or_else(|e| e.text);
    SourceFile::new(relative, text)
}

/// A file that could not be read as text, with what text of it there is to show.
struct NotUtf8Text {
    text: String,
    error: FileError,
}

impl From<FileError> for NotUtf8Text {
    fn from(error: FileError) -> NotUtf8Text {
        NotUtf8Text {
            text: String::new(),
            error,
        }
    }
}

/// Reads a YAML file as UTF-8. A byte-order mark stays: the parser skips it, so offsets
/// are those of the file on disk.
fn read_text(root: &Path, relative: &Path, limits: LoadLimits) -> Result<String, NotUtf8Text> {
    let bytes = read_bytes(root, relative, limits.max_file_bytes)?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        NotUtf8Text {
            text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            error: FileError::NotUtf8 { offset },
        }
    })
}

/// Whether anything is at `relative` under `root`: a file, a directory, a FIFO, a symbolic
/// link (even a broken one, which [`read_in_root`] then reports). For a file with a
/// default, such as a template override: absent takes the default, present must be read.
pub fn is_present(root: &Path, relative: &Path) -> bool {
    fs::symlink_metadata(root.join(relative)).is_ok()
}

/// Reads `relative` under `root`: the one bounded reader for every file of a repository
/// besides the content YAML the walk finds (configuration, template overrides, the
/// `app_template/` files, lookup data files a build ships). A regular file of at most
/// `max_bytes`, checked before it is read; a symbolic link only when it resolves inside
/// the root, and the same for every directory on the way (`templates -> /etc` would
/// otherwise make `templates/app/...` a file of the CI machine). The walk of the content
/// directories never follows a link, so its files need only [`read_bytes`].
pub fn read_in_root(root: &Path, relative: &Path, max_bytes: u64) -> Result<Vec<u8>, FileError> {
    check_directories_in_root(root, relative)?;
    read_bytes(root, relative, max_bytes)
}

/// [`read_in_root`] for a text file: UTF-8, or [`FileError::NotUtf8`] at the first bad byte.
pub fn read_text_in_root(
    root: &Path,
    relative: &Path,
    max_bytes: u64,
) -> Result<String, FileError> {
    String::from_utf8(read_in_root(root, relative, max_bytes)?).map_err(|e| FileError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Refuses a relative path that is not plain (`..`, absolute) or whose directories resolve
/// outside the root.
fn check_directories_in_root(root: &Path, relative: &Path) -> Result<(), FileError> {
    let plain = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain || relative.as_os_str().is_empty() {
        return Err(FileError::NotInRoot);
    }
    let Some(parent) = relative.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    let io = |e: std::io::Error| FileError::Io(e.to_string());
    let directory = fs::canonicalize(root.join(parent)).map_err(io)?;
    if !directory.starts_with(fs::canonicalize(root).map_err(io)?) {
        return Err(FileError::LinkOutsideRoot);
    }
    Ok(())
}

/// Reads a regular file under the root, at most `max_bytes` of it. Refuses a symbolic
/// link that resolves outside the root (a hostile pull request could otherwise make a
/// linter print, or a build ship, any file of the CI machine) and anything that is not a
/// regular file: opening a FIFO would block forever, a device could be endless.
fn read_bytes(root: &Path, relative: &Path, max_bytes: u64) -> Result<Vec<u8>, FileError> {
    let path = root.join(relative);
    if let Some(bytes) = read_regular_file(&path, max_bytes) {
        return Ok(bytes);
    }
    let io = |e: std::io::Error| FileError::Io(e.to_string());
    let (file, size) = open_checked(root, relative, max_bytes)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    // The file grew between the size check and the read.
    if bytes.len() as u64 > max_bytes {
        return Err(FileError::TooLarge {
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    Ok(bytes)
}

/// Opens a file under the root that [`check_data_file`] accepts, with its size, at most
/// `max_bytes`: the checks of [`read_bytes`] before any byte is read.
fn open_checked(
    root: &Path,
    relative: &Path,
    max_bytes: u64,
) -> Result<(fs::File, u64), FileError> {
    let io = |e: std::io::Error| FileError::Io(e.to_string());
    check_data_file(root, relative)?;
    let file = fs::File::open(root.join(relative)).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(FileError::NotAFile);
    }
    let size = metadata.len();
    if size > max_bytes {
        return Err(FileError::TooLarge {
            size,
            limit: max_bytes,
        });
    }
    Ok((file, size))
}

/// The first line of a lookup data file (its CSV header), without its line break: read
/// through the checks of [`read_data_file`], and never more than `max_lookup_bytes` of it
/// (a file of one endless line would otherwise be read whole).
pub fn read_data_file_header(
    root: &Path,
    relative: &Path,
    limits: LoadLimits,
) -> Result<String, FileError> {
    use std::io::BufRead as _;
    let (file, _) = open_checked(root, relative, limits.max_lookup_bytes)?;
    let mut line = Vec::new();
    std::io::BufReader::new(file.take(limits.max_lookup_bytes))
        .read_until(b'\n', &mut line)
        .map_err(|e| FileError::Io(e.to_string()))?;
    String::from_utf8(line).map_err(|e| FileError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// The usual case of [`read_bytes`] in four system calls instead of six: a regular file,
/// not a link, within the size limit, opened without following links, measured by `fstat`
/// and read up to that size (no `lstat` first, no read past the end). `None` for anything
/// else, which the general path then checks and reports.
fn read_regular_file(path: &Path, max_bytes: u64) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    read_regular_file_into(path, max_bytes, &mut bytes).then_some(bytes)
}

/// [`read_regular_file`] into a buffer the caller keeps (the pre-commit index reuses one per
/// thread); `false`, with the buffer's content unspecified, for anything else.
pub(super) fn read_regular_file_into(path: &Path, max_bytes: u64, bytes: &mut Vec<u8>) -> bool {
    let Some(file) = open_no_follow(path) else {
        return false;
    };
    let size = match file.metadata() {
        Ok(m) if m.is_file() && m.len() <= max_bytes => m.len(),
        _ => return false,
    };
    let Ok(capacity) = usize::try_from(size) else {
        return false;
    };
    bytes.clear();
    bytes.reserve_exact(capacity);
    // Read into the spare capacity as it is: zero-filling it first (`resize`) wrote every
    // byte twice, 8% of a one-file lint's instructions. `take` ends the read at the size
    // `fstat` gave, without a read past the end; a file that shrank meanwhile is read as it
    // is now.
    file.take(size).read_to_end(bytes).is_ok()
}

/// Opens a file for reading unless it is a symbolic link (those take the general path,
/// which checks that they stay inside the root). The open never blocks: opening a FIFO for
/// reading waits for a writer, so a FIFO among the indexed files hung `lint FILE`; opened
/// non-blocking, it is seen by the caller's `fstat` as not a regular file.
fn open_no_follow(path: &Path) -> Option<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        /// `O_NOFOLLOW` and `O_NONBLOCK` of asm-generic (x86, x86_64, riscv64); ARM and
        /// others define them differently, so there an `lstat` check stands in (0: no flag).
        const GENERIC: bool = cfg!(any(
            target_arch = "x86_64",
            target_arch = "x86",
            target_arch = "riscv64"
        ));
        const O_NOFOLLOW: i32 = if GENERIC { 0o400_000 } else { 0 };
        const O_NONBLOCK: i32 = if GENERIC { 0o4_000 } else { 0 };
        options.custom_flags(O_NOFOLLOW | O_NONBLOCK);
        if !GENERIC && !std::fs::symlink_metadata(path).ok()?.is_file() {
            return None;
        }
    }
    #[cfg(not(target_os = "linux"))]
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    options.open(path).ok()
}

/// Whether a file under the root may be opened: a regular file, or a symbolic link that
/// resolves to one inside the root.
fn check_data_file(root: &Path, relative: &Path) -> Result<(), FileError> {
    let path = root.join(relative);
    let io = |e: std::io::Error| FileError::Io(e.to_string());
    let metadata = fs::symlink_metadata(&path).map_err(io)?;
    if metadata.file_type().is_file() {
        // Not a link: the second `stat` below would say the same.
        return Ok(());
    }
    if metadata.file_type().is_symlink() {
        let target = fs::canonicalize(&path)
            .map_err(|e| FileError::Io(format!("cannot resolve symbolic link: {e}")))?;
        let root = fs::canonicalize(root).map_err(io)?;
        if !target.starts_with(root) {
            return Err(FileError::LinkOutsideRoot);
        }
    }
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    if !fs::metadata(&path).map_err(io)?.is_file() {
        return Err(FileError::NotAFile);
    }
    Ok(())
}

/// Content YAML files with their kind, and lookup data files, as relative paths.
type Discovered = (Vec<(ContentKind, PathBuf)>, Vec<PathBuf>);

/// Finds content YAML files and lookup data files, sorted by relative path. The eight
/// content directories are walked in parallel (the walk is all system calls).
fn discover(root: &Path, max_depth: usize) -> Discovered {
    let walks: Vec<Discovered> = ContentKind::ALL
        .iter()
        .map(|&kind| (kind, kind.directory()))
        .chain([(ContentKind::Detection, SSA_DETECTIONS)])
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&(kind, directory)| discover_kind(root, kind, directory, max_depth))
        .collect();
    merged(Discovered::default(), walks)
}

/// `found` and the files of `walks`, sorted by path. Each walk comes sorted, and a stable
/// sort of sorted runs only merges them.
fn merged(mut found: Discovered, walks: Vec<Discovered>) -> Discovered {
    let (yaml, data) = &mut found;
    for (y, d) in walks {
        yaml.extend(y);
        data.extend(d);
    }
    yaml.sort_by(|a, b| path_order(&a.1, &b.1));
    data.sort_by(|a, b| path_order(a, b));
    found
}

/// `Path`'s order (component by component) for the normalised relative paths a walk yields,
/// as one byte comparison: a separator sorts before every other byte. `Path::cmp`, or
/// walkdir sorting each directory by `file_name()`, parses components on every comparison:
/// a third of a one-file lint.
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let rank = |byte: u8| {
        if byte == std::path::MAIN_SEPARATOR as u8 {
            0
        } else {
            byte
        }
    };
    // Sibling paths share long prefixes (`detections/endpoint/`): skip the common part
    // eight bytes at a time, then only the first differing byte decides.
    let common = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= common && a[i..i + 8] == b[i..i + 8] {
        i += 8;
    }
    while i < common && a[i] == b[i] {
        i += 1;
    }
    if i < common {
        rank(a[i]).cmp(&rank(b[i]))
    } else {
        a.len().cmp(&b.len())
    }
}

/// How deep below a kind's directory files are found, unless `[limits] max_walk_depth`
/// says otherwise.
pub const DEFAULT_WALK_DEPTH: usize = 16;

/// The depth of a path relative to the root below its kind's directory
/// (`detections/a.yml`: 1).
fn walk_depth(relative: &Path) -> usize {
    relative.components().count().saturating_sub(1)
}

/// Why a path the walk found (or `lint` was given) is not read for its depth: a file below
/// the limit, or a directory at it (whose files the walk did not enter).
fn beyond_walk_depth(root: &Path, relative: &Path, limit: usize) -> Option<FileError> {
    let depth = walk_depth(relative);
    if depth > limit {
        Some(FileError::TooDeep { limit })
    } else if depth == limit && fs::symlink_metadata(root.join(relative)).is_ok_and(|m| m.is_dir())
    {
        Some(FileError::DirectoryAtDepthLimit { limit })
    } else {
        None
    }
}

/// Whether a directory holds anything (one at the walk depth limit that does is reported).
fn has_entries(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

/// The YAML files and (for lookups) data files under one kind's directory, sorted. Its
/// subdirectories are walked in parallel: `detections/` holds two thirds of the files, in
/// a handful of subdirectories.
fn discover_kind(root: &Path, kind: ContentKind, directory: &str, max_depth: usize) -> Discovered {
    let dir = root.join(directory);
    if fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink())
        && check_directories_in_root(root, &Path::new(directory).join("_")).is_err()
    {
        // `detections -> /elsewhere`: not walked. Kept as a file of its own, which loading
        // reports (SF001 "symbolic link points outside the content root").
        return (vec![(kind, PathBuf::from(directory))], Vec::new());
    }
    let Ok(entries) = fs::read_dir(&dir) else {
        return (Vec::new(), Vec::new());
    };
    let mut yaml = Vec::new();
    let mut data = Vec::new();
    let mut subdirectories = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        // Not followed: a symbolic link to a directory is kept as a file, as the walk
        // below keeps it.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if max_depth > 1 {
                subdirectories.push(entry.path());
            } else if has_entries(&entry.path()) {
                keep_at_depth_limit(root, kind, &entry.path(), &mut yaml);
            }
        } else {
            keep_file(root, kind, &entry.path(), &mut yaml, &mut data);
        }
    }
    let walks: Vec<Discovered> = subdirectories
        .par_iter()
        .map(|subdirectory| walk_subdirectory(root, kind, subdirectory, max_depth))
        .collect();
    merged((yaml, data), walks)
}

/// The files under one subdirectory of a kind's directory.
fn walk_subdirectory(
    root: &Path,
    kind: ContentKind,
    subdirectory: &Path,
    max_depth: usize,
) -> Discovered {
    let mut yaml = Vec::new();
    let mut data = Vec::new();
    // The subdirectory is at depth 1 below the kind's directory.
    let last = max_depth.saturating_sub(1);
    let walker = walkdir::WalkDir::new(subdirectory)
        .follow_links(false)
        .max_depth(last);
    for entry in walker.into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_dir() {
            keep_file(root, kind, entry.path(), &mut yaml, &mut data);
        } else if entry.depth() == last && has_entries(entry.path()) {
            keep_at_depth_limit(root, kind, entry.path(), &mut yaml);
        }
    }
    (yaml, data)
}

/// Keeps a directory at the walk depth limit among the YAML files: loading it reports that
/// its files are not read ([`FileError::DirectoryAtDepthLimit`]).
fn keep_at_depth_limit(
    root: &Path,
    kind: ContentKind,
    path: &Path,
    yaml: &mut Vec<(ContentKind, PathBuf)>,
) {
    if let Ok(relative) = path.strip_prefix(root) {
        yaml.push((kind, relative.to_path_buf()));
    }
}

/// Keeps a file found under a kind's directory: a YAML file, or a lookup's data file.
/// Everything but a directory is kept, symbolic links (even broken or looping ones) and
/// FIFOs included: reading reports what is wrong with them, where skipping them would
/// leave a content file silently unchecked.
fn keep_file(
    root: &Path,
    kind: ContentKind,
    path: &Path,
    yaml: &mut Vec<(ContentKind, PathBuf)>,
    data: &mut Vec<PathBuf>,
) {
    let Ok(relative) = path.strip_prefix(root) else {
        return;
    };
    match path.extension().and_then(|e| e.to_str()) {
        Some("yml" | "yaml") => yaml.push((kind, relative.to_path_buf())),
        Some(_) if kind == ContentKind::Lookup => data.push(relative.to_path_buf()),
        // A dashboard's definition, beside its YAML file: read at build time.
        Some("json") if kind == ContentKind::Dashboard => data.push(relative.to_path_buf()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reused buffer holds exactly the file just read, whatever it held before: a longer
    /// file, a shorter one, an empty one; and a file over the limit is refused.
    #[test]
    fn a_reused_buffer_holds_exactly_the_file_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut buffer = Vec::new();
        for text in [
            "a longer first file\n",
            "short",
            "",
            "x".repeat(70_000).as_str(),
        ] {
            let path = dir.path().join("f.yml");
            fs::write(&path, text).unwrap();
            assert!(read_regular_file_into(&path, 1 << 20, &mut buffer));
            assert_eq!(buffer, text.as_bytes());
        }
        assert!(!read_regular_file_into(
            &dir.path().join("f.yml"),
            1_000,
            &mut buffer
        ));
    }

    /// `read_in_root` reads a plain file within its limit and refuses, before reading, a
    /// file over it, a path that is not plain, and a directory or file link out of the root;
    /// a link inside the root is followed.
    #[cfg(unix)]
    #[test]
    fn read_in_root_stays_in_the_root() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/file"), "12345").unwrap();
        symlink(outside.path(), root.join("out")).unwrap();
        symlink(outside.path().join("secret"), root.join("a/secret")).unwrap();
        symlink("a", root.join("in")).unwrap();
        let read = |relative: &str, max| read_in_root(root, Path::new(relative), max);
        assert_eq!(read("a/file", 5).unwrap(), b"12345");
        assert_eq!(read("in/file", 5).unwrap(), b"12345");
        assert_eq!(
            read("a/file", 4),
            Err(FileError::TooLarge { size: 5, limit: 4 })
        );
        assert_eq!(read("out/secret", 100), Err(FileError::LinkOutsideRoot));
        assert_eq!(read("a/secret", 100), Err(FileError::LinkOutsideRoot));
        assert_eq!(read("a/../a/file", 100), Err(FileError::NotInRoot));
        assert_eq!(read("a", 100), Err(FileError::NotAFile));
    }

    /// The walk, split by subdirectory and merged, finds what one walk of each kind's
    /// directory finds, in `Path` order: files at the top and deep down, links to
    /// directories kept as files, lookup data files, nothing past the depth limit.
    #[test]
    fn the_split_walk_finds_what_one_walk_finds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // `deep/` is depth 1: a file in `WALK_DEPTH - 2` more directories is at the limit.
        const WALK_DEPTH: usize = DEFAULT_WALK_DEPTH;
        let at_limit = format!("detections/deep/{}", ["d"; WALK_DEPTH - 2].join("/"));
        for file in [
            "detections/top.yml",
            "detections/endpoint/b.yml",
            "detections/endpoint/a.yaml",
            "detections/endpoint-x/a.yml",
            "detections/endpoint/nested/c.yml",
            "detections/web/notes.txt",
            "stories/s.yml",
            "lookups/l.yml",
            "lookups/l.csv",
            "lookups/sub/m.csv",
            "macros/m.yml",
            &format!("{at_limit}/at_limit.yml"),
            &format!("{at_limit}/d/too_deep.yml"),
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "name: x\n").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("stories"), root.join("detections/linked.yml"))
            .unwrap();

        // The reference: one walk per kind's directory, as before the split.
        let mut yaml = Vec::new();
        let mut data = Vec::new();
        for kind in ContentKind::ALL {
            let walker = walkdir::WalkDir::new(root.join(kind.directory()))
                .follow_links(false)
                .max_depth(WALK_DEPTH);
            for entry in walker.into_iter().filter_map(Result::ok) {
                if !entry.file_type().is_dir() {
                    keep_file(root, kind, entry.path(), &mut yaml, &mut data);
                } else if entry.depth() == WALK_DEPTH && has_entries(entry.path()) {
                    keep_at_depth_limit(root, kind, entry.path(), &mut yaml);
                }
            }
        }
        yaml.sort_by(|a, b| a.1.cmp(&b.1));
        data.sort();

        let (found_yaml, found_data) = discover(root, WALK_DEPTH);
        assert_eq!(found_yaml, yaml);
        assert_eq!(found_data, data);
        let names: Vec<&Path> = found_yaml.iter().map(|(_, p)| p.as_path()).collect();
        assert!(names.contains(&Path::new("detections/top.yml")));
        assert!(names.iter().any(|p| p.ends_with("at_limit.yml")));
        assert!(!names.iter().any(|p| p.ends_with("too_deep.yml")));
        // The directory the walk did not enter is kept, to be reported.
        let limit_dir = format!("{at_limit}/d");
        assert!(names.contains(&Path::new(&limit_dir)));
        assert_eq!(
            load_file(
                root,
                Path::new(&limit_dir),
                ContentKind::Detection,
                LoadLimits::default()
            )
            .document
            .unwrap_err(),
            FileError::DirectoryAtDepthLimit { limit: WALK_DEPTH }
        );
        #[cfg(unix)]
        assert!(names.contains(&Path::new("detections/linked.yml")));
    }

    #[test]
    fn path_order_is_path_order() {
        let mut paths: Vec<PathBuf> = [
            "a/b.yml",
            "a.b/c.yml",
            "a-b/c.yml",
            "a/b/c.yml",
            "a/a.yml",
            "ab.yml",
            "a/b-c.yml",
            "a/b.yml.d/x.yml",
            "a0/x.yml",
            "A/x.yml",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut expected = paths.clone();
        expected.sort();
        paths.sort_by(|a, b| path_order(a, b));
        assert_eq!(paths, expected);
    }

    #[test]
    fn kinds_come_from_the_top_directory() {
        assert_eq!(
            ContentKind::of_path(Path::new("detections/cloud/x.yml")),
            Some(ContentKind::Detection)
        );
        assert_eq!(
            ContentKind::of_path(Path::new("data_sources/x.yml")),
            Some(ContentKind::DataSource)
        );
        assert_eq!(ContentKind::of_path(Path::new("docs/x.yml")), None);
    }
}
