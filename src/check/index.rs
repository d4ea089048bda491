//! The cross-file index: names and ids of every object, built once per run.

use std::collections::HashMap;

use super::suggest::Candidates;
use crate::load::{ContentKind, Repository};
use crate::model::{Content, FileId, Header, Text};

/// Where one named object is defined.
#[derive(Debug, Clone, Copy)]
pub struct Definition<'a> {
    pub file: FileId,
    pub name: &'a Text,
}

#[derive(Debug, Default)]
pub struct Index<'a> {
    names: HashMap<ContentKind, HashMap<&'a str, Definition<'a>>>,
    /// Lower-cased names, for suggestions and case-insensitive matches.
    sorted_names: HashMap<ContentKind, Vec<&'a str>>,
    /// Suggestion indexes, built on the first unresolved reference of each kind.
    candidates: HashMap<ContentKind, std::sync::OnceLock<Candidates<'a>>>,
}

impl<'a> Index<'a> {
    pub fn build(_repository: &Repository, content: &'a Content) -> Index<'a> {
        let mut index = Index::default();
        let headers: [(ContentKind, Vec<&'a Header>); 8] = [
            (
                ContentKind::Detection,
                content.detections.iter().map(|d| &d.header).collect(),
            ),
            (
                ContentKind::Baseline,
                content.baselines.iter().map(|d| &d.header).collect(),
            ),
            (
                ContentKind::Investigation,
                content.investigations.iter().map(|d| &d.header).collect(),
            ),
            (
                ContentKind::Story,
                content.stories.iter().map(|d| &d.header).collect(),
            ),
            (
                ContentKind::Macro,
                content.macros.iter().map(|d| &d.header).collect(),
            ),
            (
                ContentKind::Lookup,
                content.lookups.iter().map(|d| &d.header).collect(),
            ),
            (
                ContentKind::DataSource,
                content.data_sources.iter().map(|d| &d.header).collect(),
            ),
            (
                ContentKind::Deployment,
                content.deployments.iter().map(|d| &d.header).collect(),
            ),
        ];
        for (kind, headers) in headers {
            let names = index.names.entry(kind).or_default();
            for header in headers {
                if let Some(name) = &header.name {
                    names.entry(name.as_str()).or_insert(Definition {
                        file: header.file,
                        name,
                    });
                }
            }
            let mut sorted: Vec<&str> = names.keys().copied().collect();
            sorted.sort_unstable();
            index.sorted_names.insert(kind, sorted);
            index.candidates.insert(kind, std::sync::OnceLock::new());
        }
        index
    }

    /// The same index with empty suggestion caches: the pre-commit path's second context
    /// reads the same content, and copying its maps costs far less than hashing every name
    /// again.
    pub fn copy(&self) -> Index<'a> {
        Index {
            names: self.names.clone(),
            sorted_names: self.sorted_names.clone(),
            candidates: (self.candidates.keys())
                .map(|&kind| (kind, std::sync::OnceLock::new()))
                .collect(),
        }
    }

    pub fn find(&self, kind: ContentKind, name: &str) -> Option<Definition<'a>> {
        self.names.get(&kind)?.get(name).copied()
    }

    pub fn names(&self, kind: ContentKind) -> &[&'a str] {
        self.sorted_names.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// A "did you mean" help line for an unresolved reference to a `kind` named `wanted`.
    pub fn suggestion(
        &self,
        kind: ContentKind,
        wanted: &str,
        paths: &dyn Fn(FileId) -> String,
    ) -> Option<String> {
        let best = self
            .candidates
            .get(&kind)?
            .get_or_init(|| Candidates::new(self.names(kind).iter().copied()))
            .best(wanted)?;
        let definition = self.find(kind, best)?;
        Some(format!(
            "did you mean \"{}\"? ({})",
            crate::load::excerpt(best),
            paths(definition.file)
        ))
    }
}
