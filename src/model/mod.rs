//! Stage 2: typed content, all three format generations normalised into one model.
//!
//! Each file is read in its own generation's shape (2022 security_content, contentctl 4.x,
//! contentctl 5.x) and normalised: e.g. risk objects come from a 5.x `rba:` block or from
//! 4.x/2022 observables with impact and confidence. The generation stays on every object,
//! because build and docs output depend on it. Building is total: broken fields are absent
//! (the schema check reports them), so any repository yields a model.

mod baseline;
mod dashboard;
mod data_source;
mod deployment;
mod detection;
pub mod fields;
pub mod file_name;
mod lookup;
mod macro_def;
pub mod python;
mod story;

use rayon::prelude::*;

use std::path::Path;

use crate::load::{ContentKind, Discovery, LoadLimits, LoadedFile, Repository, Span};

pub use baseline::{Baseline, Investigation};
pub use dashboard::{Dashboard, Removed};
pub use data_source::{
    CliRemediation, CliStep, CodeRemediation, ConsoleRemediation, DataSource, DataSourceExample,
    Remediation, SupportedAddOn,
};
pub use deployment::{Deployment, Scheduling};
pub use detection::{
    AttackData, Detection, DetectionTest, Drilldown, Observable, ObservableObject, RiskObject,
    RiskSource, ThreatObject,
};
pub use fields::{Fields, Spanned, Text};
pub use lookup::{Lookup, contentctl5_lookup_names};
pub use macro_def::{ArgumentProblem, Macro, is_argument_name};
pub use story::Story;

/// Which format a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub enum Generation {
    /// splunk/security_content before contentctl (2022 and earlier).
    #[serde(rename = "2022")]
    Legacy2022,
    /// contentctl 4.x: `status`, `tags.observable`, `tags.message`.
    #[default]
    #[serde(rename = "4")]
    Contentctl4,
    /// contentctl 5.x: the `rba:` block.
    #[serde(rename = "5")]
    Contentctl5,
}

impl Generation {
    pub const ALL: [Generation; 3] = [
        Generation::Legacy2022,
        Generation::Contentctl4,
        Generation::Contentctl5,
    ];

    /// The directory name of this generation's schemas.
    pub fn schema_dir(self) -> &'static str {
        match self {
            Generation::Legacy2022 => "2022",
            Generation::Contentctl4 => "4",
            Generation::Contentctl5 => "5",
        }
    }

    /// Whether this generation's contentctl reads files of `kind` at all. contentctl 5
    /// dropped investigations (response tasks): a 5.x repository's `investigations/` is
    /// neither modelled, nor checked, nor built; only contentctl 5 reads `removed/`.
    pub fn reads(self, kind: ContentKind) -> bool {
        match kind {
            ContentKind::Investigation => self != Generation::Contentctl5,
            // `removed/` came with contentctl 5.
            ContentKind::Removed => self == Generation::Contentctl5,
            _ => true,
        }
    }

    pub fn from_name(name: &str) -> Option<Generation> {
        Generation::ALL.into_iter().find(|g| g.schema_dir() == name)
    }
}

/// Index of a file in [`Repository::files`].
pub type FileId = usize;

/// What every content object has: its file, its generation and the common header fields.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Header {
    #[serde(skip)]
    pub file: FileId,
    /// The format generation of the file.
    pub generation: Generation,
    pub name: Option<Text>,
    pub id: Option<Text>,
    pub version: Option<Text>,
    pub date: Option<Text>,
    pub author: Option<Text>,
    pub description: Option<Text>,
    /// The span of the whole document, for findings about a missing key.
    #[serde(skip)]
    pub span: Span,
}

impl Header {
    fn read(file: FileId, generation: Generation, fields: &Fields<'_>, source: &str) -> Header {
        Header {
            file,
            generation,
            name: fields.text("name", source),
            id: fields.text("id", source),
            version: fields.text("version", source),
            date: fields.text("date", source),
            author: fields.text("author", source),
            description: fields.text("description", source),
            span: fields.span,
        }
    }

    pub fn name(&self) -> &str {
        self.name.as_ref().map_or("", Text::as_str)
    }
}

/// All content of one repository.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub detections: Vec<Detection>,
    pub baselines: Vec<Baseline>,
    pub investigations: Vec<Investigation>,
    pub stories: Vec<Story>,
    pub macros: Vec<Macro>,
    pub lookups: Vec<Lookup>,
    pub data_sources: Vec<DataSource>,
    pub deployments: Vec<Deployment>,
    pub dashboards: Vec<Dashboard>,
    /// Records of removed content (5.x `removed/`).
    pub removed: Vec<Removed>,
    /// The generation most detections are in: files that do not show their own take it.
    pub generation: Generation,
}

impl Content {
    /// The ATT&CK coverage of the production detections: each technique id a detection
    /// names, with that detection's name (what `report attack` and the docs' coverage map
    /// count).
    pub fn attack_coverage(&self) -> Vec<(String, Vec<String>)> {
        self.detections
            .iter()
            .filter(|d| d.is_production())
            .flat_map(|d| {
                d.mitre_attack_ids
                    .iter()
                    .map(|id| (id.value.clone(), vec![d.name().to_owned()]))
            })
            .collect()
    }

    /// Builds the model from every file that parsed into a mapping.
    pub fn build(repository: &Repository) -> Content {
        let generation = dominant_generation(repository);
        // Each file's object is read in parallel, then added in file order.
        let objects: Vec<FileObject> = repository
            .files
            .par_iter()
            .enumerate()
            .map(|(file, loaded)| {
                let own = file_generation(loaded).unwrap_or(generation);
                FileObject(Object::read(file, loaded, own))
            })
            .collect();
        Content::from_objects(generation, objects)
    }

    /// Builds the model as [`Content::build`] does and frees each file's YAML tree as soon
    /// as its object is read (the pre-commit loader's path; see [`Content::load`]). `visit`
    /// sees each tree first, with the file's generation, for what else a run reads from it
    /// (the schema check); its results come in file order.
    pub fn build_releasing_trees<T: Send>(
        repository: &mut Repository,
        visit: impl Fn(FileId, &LoadedFile, Generation) -> T + Sync,
    ) -> (Content, Vec<T>) {
        let generation = dominant_generation(repository);
        let (objects, visited) = repository
            .files
            .par_iter_mut()
            .enumerate()
            .map(|(file, loaded)| digest(file, loaded, generation, &visit))
            .unzip();
        (Content::from_objects(generation, objects), visited)
    }

    /// Loads every file under `root` and builds the model, reading each file's object as
    /// soon as the file is parsed, while its tree is in cache, and freeing the tree then: no
    /// more than a few trees exist at a time (at 100k detections the trees are a gigabyte,
    /// more than the model). `visit` sees each tree first, as in
    /// [`Content::build_releasing_trees`]. Detections are read first: each shows its own
    /// generation, and every other file takes the most common one. The repository and model
    /// are those of [`crate::load::load_repository`] and [`Content::build`], but for the
    /// trees: each document keeps only its root's shape and its problems.
    pub fn load<T: Send>(
        root: &Path,
        limits: LoadLimits,
        visit: impl Fn(FileId, &LoadedFile, Generation) -> T + Sync,
    ) -> (Repository, Content, Vec<T>) {
        let found = Discovery::walk(root, limits);
        let (detections, others): (Vec<usize>, Vec<usize>) =
            (0..found.yaml.len()).partition(|&i| found.yaml[i].0 == ContentKind::Detection);
        let digest_each = |generation| {
            let visit = &visit;
            move |file, mut loaded: LoadedFile| {
                let (object, visited) = digest(file, &mut loaded, generation, visit);
                (loaded, object, visited)
            }
        };
        // A detection's generation is its own: the default is never used.
        let first = found.load(&detections, limits, digest_each(Generation::default()));
        let generation = Generation::most_common(first.iter().map(|(_, o, _)| o.own_generation()));
        let second = found.load(&others, limits, digest_each(generation));

        // Back into file order: both lists are in file order, so they merge.
        let mut content = Content::reserved_for(
            generation,
            first.iter().chain(&second).map(|(_, object, _)| object),
        );
        let total = found.yaml.len();
        let mut files = Vec::with_capacity(total);
        let mut visited = Vec::with_capacity(total);
        let mut first = detections.iter().zip(first).peekable();
        let mut second = others.iter().zip(second).peekable();
        loop {
            let next = match (first.peek(), second.peek()) {
                (Some((a, _)), Some((b, _))) if a > b => second.next(),
                (Some(_), _) => first.next(),
                (None, _) => second.next(),
            };
            let Some((_, (loaded, FileObject(object), seen))) = next else {
                break;
            };
            files.push(loaded);
            visited.push(seen);
            if let Some(object) = object {
                content.add(object);
            }
        }
        (found.into_repository(files), content, visited)
    }

    /// The model of every file's object, given in file order; `generation` is the one
    /// files that do not show their own took ([`Generation::most_common`]).
    fn from_objects(generation: Generation, objects: Vec<FileObject>) -> Content {
        let mut content = Content::reserved_for(generation, objects.iter());
        for object in objects.into_iter().filter_map(|FileObject(o)| o) {
            content.add(object);
        }
        content
    }

    /// The model after file `file` of `repository` changed (an editor's buffer): its object
    /// is read again and put where [`Content::build`] puts it, every other object is kept.
    /// Returns false, changing nothing, when the change moves the generation most files
    /// show, which every other file takes: then only [`Content::build`] gives the model.
    pub fn replace_file(&mut self, repository: &Repository, file: FileId) -> bool {
        let generation = dominant_generation(repository);
        let Some(loaded) = repository.files.get(file) else {
            return false;
        };
        if generation != self.generation {
            return false;
        }
        fn remove<T>(items: &mut Vec<T>, header: impl Fn(&T) -> &Header, file: FileId) {
            items.retain(|o| header(o).file != file);
        }
        remove(&mut self.detections, |o| &o.header, file);
        remove(&mut self.baselines, |o| &o.header, file);
        remove(&mut self.investigations, |o| &o.header, file);
        remove(&mut self.stories, |o| &o.header, file);
        remove(&mut self.macros, |o| &o.header, file);
        remove(&mut self.lookups, |o| &o.header, file);
        remove(&mut self.data_sources, |o| &o.header, file);
        remove(&mut self.deployments, |o| &o.header, file);
        remove(&mut self.dashboards, |o| &o.header, file);
        remove(&mut self.removed, |o| &o.header, file);
        let own = file_generation(loaded).unwrap_or(generation);
        let Some(object) = Object::read(file, loaded, own) else {
            return true;
        };
        /// Inserts `item` among `items`, which are in file order, at its file's place.
        fn put<T>(items: &mut Vec<T>, item: T, header: impl Fn(&T) -> &Header) {
            let file = header(&item).file;
            let at = items.partition_point(|o| header(o).file < file);
            items.insert(at, item);
        }
        match object {
            Object::Detection(o) => put(&mut self.detections, *o, |o| &o.header),
            Object::Baseline(o) => put(&mut self.baselines, *o, |o| &o.header),
            Object::Investigation(o) => put(&mut self.investigations, *o, |o| &o.header),
            Object::Story(o) => put(&mut self.stories, *o, |o| &o.header),
            Object::Macro(o) => put(&mut self.macros, *o, |o| &o.header),
            Object::Lookup(o) => put(&mut self.lookups, *o, |o| &o.header),
            Object::DataSource(o) => put(&mut self.data_sources, *o, |o| &o.header),
            Object::Deployment(o) => put(&mut self.deployments, *o, |o| &o.header),
            Object::Dashboard(o) => put(&mut self.dashboards, *o, |o| &o.header),
            Object::Removed(o) => put(&mut self.removed, *o, |o| &o.header),
        }
        true
    }

    /// The objects of the files in `files` only (same file ids, same dominant generation),
    /// and every deployment: deployments are configuration that per-file checks consult.
    pub fn restricted_to(&self, files: &std::collections::HashSet<FileId>) -> Content {
        fn keep<T: Clone>(
            items: &[T],
            header: impl Fn(&T) -> &Header,
            files: &std::collections::HashSet<FileId>,
        ) -> Vec<T> {
            items
                .iter()
                .filter(|o| files.contains(&header(o).file))
                .cloned()
                .collect()
        }
        Content {
            detections: keep(&self.detections, |o| &o.header, files),
            baselines: keep(&self.baselines, |o| &o.header, files),
            investigations: keep(&self.investigations, |o| &o.header, files),
            stories: keep(&self.stories, |o| &o.header, files),
            macros: keep(&self.macros, |o| &o.header, files),
            lookups: keep(&self.lookups, |o| &o.header, files),
            data_sources: keep(&self.data_sources, |o| &o.header, files),
            deployments: self.deployments.clone(),
            dashboards: keep(&self.dashboards, |o| &o.header, files),
            removed: keep(&self.removed, |o| &o.header, files),
            generation: self.generation,
        }
    }

    /// An empty model of `generation` with room for exactly `objects`: the model's structs
    /// are large (a detection is over a kilobyte), and a vector grown by doubling copies
    /// each of them again.
    fn reserved_for<'o>(
        generation: Generation,
        objects: impl Iterator<Item = &'o FileObject>,
    ) -> Content {
        let mut counts = [0usize; 10];
        for object in objects.filter_map(|FileObject(o)| o.as_ref()) {
            counts[object.slot()] += 1;
        }
        Content {
            detections: Vec::with_capacity(counts[0]),
            baselines: Vec::with_capacity(counts[1]),
            investigations: Vec::with_capacity(counts[2]),
            stories: Vec::with_capacity(counts[3]),
            macros: Vec::with_capacity(counts[4]),
            lookups: Vec::with_capacity(counts[5]),
            data_sources: Vec::with_capacity(counts[6]),
            deployments: Vec::with_capacity(counts[7]),
            dashboards: Vec::with_capacity(counts[8]),
            removed: Vec::with_capacity(counts[9]),
            generation,
        }
    }

    fn add(&mut self, object: Object) {
        match object {
            Object::Detection(o) => self.detections.push(*o),
            Object::Baseline(o) => self.baselines.push(*o),
            Object::Investigation(o) => self.investigations.push(*o),
            Object::Story(o) => self.stories.push(*o),
            Object::Macro(o) => self.macros.push(*o),
            Object::Lookup(o) => self.lookups.push(*o),
            Object::DataSource(o) => self.data_sources.push(*o),
            Object::Deployment(o) => self.deployments.push(*o),
            Object::Dashboard(o) => self.dashboards.push(*o),
            Object::Removed(o) => self.removed.push(*o),
        }
    }
}

/// What one file gives the model, and `visit`, before its tree is freed: its object, and
/// what `visit` read from the tree (the file's own generation, or `default`, goes with it).
fn digest<T>(
    file: FileId,
    loaded: &mut LoadedFile,
    default: Generation,
    visit: &impl Fn(FileId, &LoadedFile, Generation) -> T,
) -> (FileObject, T) {
    let generation = file_generation(loaded).unwrap_or(default);
    let object = FileObject(Object::read(file, loaded, generation));
    let visited = visit(file, loaded, generation);
    if let Ok(document) = &mut loaded.document {
        document.release_tree();
    }
    (object, visited)
}

/// The model object of one file (none when the file holds no mapping), read on its own.
struct FileObject(Option<Object>);

impl FileObject {
    /// The generation the file shows by its own keys ([`file_generation`]): a detection's.
    fn own_generation(&self) -> Option<Generation> {
        match &self.0 {
            Some(Object::Detection(detection)) => Some(detection.generation),
            _ => None,
        }
    }
}

/// The object one file holds (boxed: the variants differ in size by hundreds of bytes).
enum Object {
    Detection(Box<Detection>),
    Baseline(Box<Baseline>),
    Investigation(Box<Investigation>),
    Story(Box<Story>),
    Macro(Box<Macro>),
    Lookup(Box<Lookup>),
    DataSource(Box<DataSource>),
    Deployment(Box<Deployment>),
    Dashboard(Box<Dashboard>),
    Removed(Box<Removed>),
}

impl Object {
    /// The index of the [`Content`] vector this object goes to, in [`Content::add`]'s order.
    fn slot(&self) -> usize {
        match self {
            Object::Detection(_) => 0,
            Object::Baseline(_) => 1,
            Object::Investigation(_) => 2,
            Object::Story(_) => 3,
            Object::Macro(_) => 4,
            Object::Lookup(_) => 5,
            Object::DataSource(_) => 6,
            Object::Deployment(_) => 7,
            Object::Dashboard(_) => 8,
            Object::Removed(_) => 9,
        }
    }

    /// The object of a file whose generation ([`file_generation`], or the repository's
    /// default) is `generation`.
    fn read(file: FileId, loaded: &LoadedFile, generation: Generation) -> Option<Object> {
        if !generation.reads(loaded.kind) {
            return None;
        }
        let root = root_mapping(loaded)?;
        let fields = Fields::of(Some(root));
        let source = loaded.source.text.as_str();
        let header = Header::read(file, generation, &fields, source);
        let stem = loaded
            .source
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        Some(match loaded.kind {
            ContentKind::Detection => Object::Detection(Box::new(Detection::read(
                header, generation, &fields, source,
            ))),
            ContentKind::Baseline => Object::Baseline(Box::new(Baseline::read(
                header, generation, &fields, source,
            ))),
            ContentKind::Investigation => Object::Investigation(Box::new(Investigation::read(
                header, generation, &fields, source,
            ))),
            ContentKind::Story => {
                Object::Story(Box::new(Story::read(header, generation, &fields, source)))
            }
            ContentKind::Macro => {
                Object::Macro(Box::new(Macro::read(header, generation, &fields, source)))
            }
            ContentKind::Lookup => Object::Lookup(Box::new(Lookup::read(
                header, generation, &fields, source, stem,
            ))),
            ContentKind::DataSource => Object::DataSource(Box::new(DataSource::read(
                header, generation, &fields, source,
            ))),
            ContentKind::Deployment => Object::Deployment(Box::new(Deployment::read(
                header, generation, &fields, source,
            ))),
            ContentKind::Dashboard => Object::Dashboard(Box::new(Dashboard::read(
                header, generation, &fields, source, stem,
            ))),
            ContentKind::Removed => Object::Removed(Box::new(Removed {
                header,
                status: fields.text("status", source),
            })),
        })
    }
}

/// The document of a file, when it parsed and is a mapping.
pub fn root_mapping(loaded: &LoadedFile) -> Option<&crate::load::Node> {
    loaded
        .document
        .as_ref()
        .ok()?
        .root
        .as_ref()
        .filter(|n| n.as_map().is_some())
}

/// The generation a file shows by its own keys; `None` when its shape is the same in all.
pub fn file_generation(loaded: &LoadedFile) -> Option<Generation> {
    let root = root_mapping(loaded)?;
    match loaded.kind {
        ContentKind::Detection => Some(if root.get("rba").is_some() {
            Generation::Contentctl5
        } else if root.get("status").is_some() || root.get("tests").is_some() {
            // A 5.x detection without risk (a Hunting search) has no `rba:` either; it
            // shows its generation by tags without 4.x's risk keys, which 4.x requires.
            let tags = root.get("tags");
            let has_4x_risk_keys = tags.is_none_or(|t| {
                [
                    "observable",
                    "confidence",
                    "impact",
                    "message",
                    "risk_score",
                ]
                .iter()
                .any(|k| t.get(k).is_some())
            });
            if has_4x_risk_keys {
                Generation::Contentctl4
            } else {
                Generation::Contentctl5
            }
        } else {
            Generation::Legacy2022
        }),
        _ => None,
    }
}

/// The generation most detections show: every other file takes it.
fn dominant_generation(repository: &Repository) -> Generation {
    Generation::most_common(repository.files.iter().map(file_generation))
}

impl Generation {
    /// The most common of the generations files show (the newest on a tie); 4.x when none
    /// shows one.
    fn most_common(shown: impl Iterator<Item = Option<Generation>>) -> Generation {
        let mut counts = [0usize; 3];
        for generation in shown.flatten() {
            counts[generation as usize] += 1;
        }
        let best = (0..3).max_by_key(|&i| (counts[i], i)).unwrap_or(1);
        if counts[best] == 0 {
            Generation::Contentctl4
        } else {
            Generation::ALL[best]
        }
    }
}
