//! Stage 1: files on disk to YAML documents with spans. Knows nothing of detections.
//!
//! Walks the content directories of a security_content-style repository, reads every YAML
//! file (and notes the data files lookups point at), and parses each once, in parallel.
//! Every failure is a value ([`FileError`], [`YamlError`]) with a position, never a panic.

pub mod narrow;
pub mod scalar_position;
pub mod source;
pub mod yaml;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use narrow::load_for_files;
pub use source::{LineCol, SourceFile, Span};
pub use yaml::{Document, Node, Value, YamlError, YamlLimits};

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
}

impl ContentKind {
    pub const ALL: [ContentKind; 8] = [
        ContentKind::Detection,
        ContentKind::Baseline,
        ContentKind::Story,
        ContentKind::Macro,
        ContentKind::Lookup,
        ContentKind::DataSource,
        ContentKind::Deployment,
        ContentKind::Investigation,
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
        }
    }

    pub fn from_name(name: &str) -> Option<ContentKind> {
        ContentKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The kind a path relative to the content root belongs to, if any.
    pub fn of_path(relative: &Path) -> Option<ContentKind> {
        let first = relative.components().next()?.as_os_str().to_str()?;
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
}

impl Default for LoadLimits {
    fn default() -> LoadLimits {
        let yaml = YamlLimits::default();
        LoadLimits {
            max_file_bytes: 4 * 1024 * 1024,
            max_depth: yaml.max_depth,
            max_nodes: yaml.max_nodes,
        }
    }
}

impl LoadLimits {
    pub fn yaml(&self) -> YamlLimits {
        YamlLimits {
            max_depth: self.max_depth,
            max_nodes: self.max_nodes,
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
}

/// Walks `root` and loads every content file, parsing in parallel.
pub fn load_repository(root: &Path, limits: LoadLimits) -> Repository {
    let (yaml_paths, lookup_data_files) = discover(root);
    let files = yaml_paths
        .into_par_iter()
        .map(|(kind, relative)| load_file(root, &relative, kind, limits))
        .collect();
    Repository {
        root: root.to_path_buf(),
        files,
        lookup_data_files,
    }
}

/// Loads one file, given relative to `root`.
pub fn load_file(
    root: &Path,
    relative: &Path,
    kind: ContentKind,
    limits: LoadLimits,
) -> LoadedFile {
    let (text, document) = match read_text(root, relative, limits) {
        Ok(text) => {
            let document = yaml::parse(&text, limits.yaml()).map_err(FileError::from);
            (text, document)
        }
        Err(e) => (String::new(), Err(e)),
    };
    LoadedFile {
        kind,
        source: SourceFile::new(relative, text),
        document,
    }
}

fn read_text(root: &Path, relative: &Path, limits: LoadLimits) -> Result<String, FileError> {
    let path = root.join(relative);
    let io = |e: std::io::Error| FileError::Io(e.to_string());
    let metadata = fs::symlink_metadata(&path).map_err(io)?;
    if metadata.file_type().is_symlink() {
        let target = fs::canonicalize(&path).map_err(io)?;
        let root = fs::canonicalize(root).map_err(io)?;
        if !target.starts_with(root) {
            return Err(FileError::LinkOutsideRoot);
        }
    }
    let file = fs::File::open(&path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limits.max_file_bytes {
        return Err(FileError::TooLarge {
            size,
            limit: limits.max_file_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let mut text = String::from_utf8(bytes).map_err(|e| FileError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })?;
    if text.starts_with('\u{feff}') {
        // A byte-order mark is legal YAML; keep offsets stable by blanking, not removing, it.
        text.replace_range(..3, "   ");
    }
    Ok(text)
}

/// Finds content YAML files and lookup data files, sorted by relative path.
fn discover(root: &Path) -> (Vec<(ContentKind, PathBuf)>, Vec<PathBuf>) {
    let mut yaml = Vec::new();
    let mut data = Vec::new();
    for kind in ContentKind::ALL {
        let dir = root.join(kind.directory());
        let walker = walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
            .max_depth(16);
        for entry in walker.into_iter().filter_map(Result::ok) {
            let is_file =
                entry.file_type().is_file() || (entry.path_is_symlink() && entry.path().is_file());
            if !is_file {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(root) else {
                continue;
            };
            match entry.path().extension().and_then(|e| e.to_str()) {
                Some("yml" | "yaml") => yaml.push((kind, relative.to_path_buf())),
                Some(_) if kind == ContentKind::Lookup => data.push(relative.to_path_buf()),
                _ => {}
            }
        }
    }
    yaml.sort_by(|a, b| a.1.cmp(&b.1));
    data.sort();
    (yaml, data)
}

#[cfg(test)]
mod tests {
    use super::*;

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
