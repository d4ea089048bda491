//! Go to definition and find references: macros (also inside search text), stories, data
//! sources, lookups, deployments, baselines and detections.

use rayon::prelude::*;

use crate::load::{ContentKind, Span};
use crate::model::{FileId, Text};

use super::symbols::{self, Target};
use super::workspace::Workspace;

/// Where `target` is defined: a file and the span of its `name:` value (for a
/// placeholder, the search stage that makes the field).
pub fn definition(workspace: &Workspace, file: FileId, target: &Target) -> Option<(FileId, Span)> {
    match target {
        Target::Placeholder {
            field, detection, ..
        } => {
            let detection = workspace.content.detections.get(*detection)?;
            let search = detection.search.as_ref()?;
            let analysis = workspace.spl().analyse(&search.value);
            let stage = analysis.stages.get(analysis.field_origin(field)?)?;
            let source = &workspace.file(file).source.text;
            Some((file, search.sub_span(source, stage.span.clone())))
        }
        _ => {
            let (kind, name) = target.object()?;
            let options = workspace.options();
            let context = workspace.context(&options);
            if let Some(found) = context.index.find(kind, name) {
                return Some((found.file, found.name.span));
            }
            // A search may name a lookup by its file (`| lookup x.csv ...`).
            let lookup = (workspace.content.lookups.iter()).find(|l| {
                kind == ContentKind::Lookup && l.filename.as_ref().is_some_and(|f| f.value == *name)
            })?;
            Some((lookup.header.file, lookup.header.name.as_ref()?.span))
        }
    }
}

/// Every place that refers to the object of `kind` named `name`, sorted by file and
/// position; with `declaration`, its own `name:` first.
pub fn references(
    workspace: &Workspace,
    kind: ContentKind,
    name: &str,
    declaration: bool,
) -> Vec<(FileId, Span)> {
    let content = &workspace.content;
    let mut found: Vec<(FileId, Span)> = Vec::new();
    if declaration {
        let options = workspace.options();
        let context = workspace.context(&options);
        if let Some(definition) = context.index.find(kind, name) {
            found.push((definition.file, definition.name.span));
        }
    }
    match kind {
        ContentKind::Macro | ContentKind::Lookup => {
            found.extend(search_references(workspace, kind, name));
        }
        ContentKind::Deployment => {
            let Some(deployment) = content.deployments.iter().find(|d| d.header.name() == name)
            else {
                return found;
            };
            for detection in &content.detections {
                let at = match (&deployment.detection_type, &detection.detection_type) {
                    (Some(wanted), Some(own)) if own.value.eq_ignore_ascii_case(&wanted.value) => {
                        Some(own.span)
                    }
                    (None, _) => content
                        .deployment_by_tags(detection)
                        .filter(|d| d.header.file == deployment.header.file)
                        .and(detection.header.name.as_ref().map(|n| n.span)),
                    _ => None,
                };
                found.extend(at.map(|span| (detection.header.file, span)));
            }
        }
        _ => {}
    }
    for file in 0..workspace.repository.files.len() {
        for (referred, text) in symbols::name_references(content, file) {
            if referred == kind && text.value == name {
                found.push((file, text.span));
            }
        }
    }
    found.sort_by_key(|(file, span)| (*file, span.start));
    found.dedup();
    found
}

/// Calls of the macro `name`, or uses of the lookup `name`, in every search and macro
/// definition of the repository.
fn search_references(workspace: &Workspace, kind: ContentKind, name: &str) -> Vec<(FileId, Span)> {
    let content = &workspace.content;
    let searches: Vec<(FileId, &Text)> = (content.detections.iter())
        .flat_map(|d| {
            (d.search.iter())
                .chain(d.drilldowns.iter().filter_map(|dd| dd.search.as_ref()))
                .map(|s| (d.header.file, s))
        })
        .chain((content.baselines.iter()).filter_map(|b| Some((b.header.file, b.search.as_ref()?))))
        .chain(
            (content.investigations.iter())
                .filter_map(|i| Some((i.header.file, i.search.as_ref()?))),
        )
        .chain(
            (content.macros.iter()).filter_map(|m| Some((m.header.file, m.definition.as_ref()?))),
        )
        .filter(|(_, s)| s.value.contains(name))
        .collect();
    let inputs = workspace.spl();
    searches
        .into_par_iter()
        .flat_map_iter(|(file, search)| {
            let source = &workspace.file(file).source.text;
            let ranges: Vec<std::ops::Range<usize>> = match kind {
                ContentKind::Macro => {
                    (crate::spl::expand(&search.value, &inputs.macros, &inputs.limits).calls)
                        .into_iter()
                        .filter(|c| c.name == name)
                        .map(|c| c.span)
                        .collect()
                }
                _ => (inputs.summarize(&search.value).lookups.into_iter())
                    .filter(|l| l.name == name)
                    .map(|l| l.span)
                    .collect(),
            };
            ranges
                .into_iter()
                .map(move |range| (file, search.sub_span(source, range)))
                .collect::<Vec<_>>()
        })
        .collect()
}
