//! What is at a position of a content file: a macro call in a search, a reference to a
//! story, data source, lookup, baseline, deployment or detection, an ATT&CK id, a
//! `$field$` placeholder, a search stage, or the object's own name. Hover, definition and
//! references all start here.

use crate::load::{ContentKind, Span};
use crate::model::{Content, Detection, FileId, Header, Text};
use crate::spl;

use super::workspace::Workspace;

/// A thing at a position, with the span it covers in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A call of a macro (`` `name(args)` ``), in a search or a macro's definition.
    Macro {
        name: String,
        /// The call as written, backticks included.
        call: String,
        span: Span,
    },
    /// A name that refers to (or, in its own file, names) an object of `kind`.
    Named {
        kind: ContentKind,
        name: String,
        span: Span,
    },
    /// An ATT&CK technique id.
    Attack { id: String, span: Span },
    /// A `$field$` in a detection's message or drilldown.
    Placeholder {
        field: String,
        detection: usize,
        span: Span,
    },
    /// A top-level stage of a detection's search.
    Stage {
        detection: usize,
        stage: usize,
        span: Span,
    },
}

impl Target {
    pub fn span(&self) -> Span {
        match self {
            Target::Macro { span, .. }
            | Target::Named { span, .. }
            | Target::Attack { span, .. }
            | Target::Placeholder { span, .. }
            | Target::Stage { span, .. } => *span,
        }
    }

    /// The object this target names, as a kind and a name, for definition and references.
    pub fn object(&self) -> Option<(ContentKind, &str)> {
        match self {
            Target::Macro { name, .. } => Some((ContentKind::Macro, name)),
            Target::Named { kind, name, .. } => Some((*kind, name)),
            _ => None,
        }
    }
}

/// Whether byte `offset` is inside `span` (its end included: a cursor after the last
/// character is still on the word).
fn covers(span: Span, offset: usize) -> bool {
    (span.start as usize) <= offset && offset <= span.end as usize && !span.is_empty()
}

/// The search-like texts of the object in `file`: searches and macro definitions, with the
/// index of the detection each belongs to.
fn searches_in(content: &Content, file: FileId) -> Vec<(&Text, Option<usize>)> {
    let mut out = Vec::new();
    for (i, d) in content.detections.iter().enumerate() {
        if d.header.file == file {
            out.extend(d.search.as_ref().map(|s| (s, Some(i))));
            out.extend(
                (d.drilldowns.iter())
                    .filter_map(|dd| dd.search.as_ref())
                    .map(|s| (s, None)),
            );
        }
    }
    let others = (content.baselines.iter())
        .filter(|b| b.header.file == file)
        .filter_map(|b| b.search.as_ref())
        .chain(
            (content.investigations.iter())
                .filter(|i| i.header.file == file)
                .filter_map(|i| i.search.as_ref()),
        )
        .chain(
            (content.macros.iter())
                .filter(|m| m.header.file == file)
                .filter_map(|m| m.definition.as_ref()),
        );
    out.extend(others.map(|s| (s, None)));
    out
}

/// References a detection, baseline or investigation makes by name, as (kind, text).
pub fn name_references(content: &Content, file: FileId) -> Vec<(ContentKind, &Text)> {
    let mut out = Vec::new();
    for d in content.detections.iter().filter(|d| d.header.file == file) {
        out.extend(d.analytic_stories.iter().map(|t| (ContentKind::Story, t)));
        out.extend(d.data_sources.iter().map(|t| (ContentKind::DataSource, t)));
    }
    for b in content.baselines.iter().filter(|b| b.header.file == file) {
        out.extend(b.analytic_stories.iter().map(|t| (ContentKind::Story, t)));
        out.extend(b.detections.iter().map(|t| (ContentKind::Detection, t)));
        out.extend(b.deployment.iter().map(|t| (ContentKind::Deployment, t)));
    }
    for i in content
        .investigations
        .iter()
        .filter(|i| i.header.file == file)
    {
        out.extend(i.analytic_stories.iter().map(|t| (ContentKind::Story, t)));
    }
    for dep in content.deployments.iter().filter(|d| d.header.file == file) {
        let applies = &dep.applies_to;
        out.extend(
            applies
                .analytic_stories
                .iter()
                .map(|t| (ContentKind::Story, t)),
        );
        out.extend(
            applies
                .detection_names
                .iter()
                .map(|t| (ContentKind::Detection, t)),
        );
    }
    out
}

/// The kind and header of the object a file defines.
pub fn own_header(workspace: &Workspace, file: FileId) -> Option<(ContentKind, &Header)> {
    let content = &workspace.content;
    let kind = workspace.file(file).kind;
    let header = match kind {
        ContentKind::Detection => content
            .detections
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
        ContentKind::Baseline => content
            .baselines
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
        ContentKind::Investigation => content
            .investigations
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
        ContentKind::Story => content
            .stories
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
        ContentKind::Macro => content
            .macros
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
        ContentKind::Lookup => content
            .lookups
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
        ContentKind::DataSource => content
            .data_sources
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
        ContentKind::Deployment => content
            .deployments
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
        ContentKind::Dashboard => content
            .dashboards
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
        ContentKind::Removed => content
            .removed
            .iter()
            .map(|o| &o.header)
            .find(|h| h.file == file),
    }?;
    Some((kind, header))
}

/// The kind and name of the object a file defines, with its `name:` value.
pub fn own_name(workspace: &Workspace, file: FileId) -> Option<(ContentKind, &Text)> {
    let (kind, header) = own_header(workspace, file)?;
    Some((kind, header.name.as_ref()?))
}

/// The macro calls written in `search` (not those inside macro bodies), with their spans
/// in the file.
pub fn macro_calls(
    workspace: &Workspace,
    search: &Text,
    source: &str,
) -> Vec<(spl::MacroCall, Span)> {
    let inputs = workspace.spl();
    spl::expand(&search.value, &inputs.macros, &inputs.limits)
        .calls
        .into_iter()
        .map(|call| {
            let span = search.sub_span(source, call.span.clone());
            (call, span)
        })
        .collect()
}

/// What is at byte `offset` of file `file`.
pub fn at(workspace: &Workspace, file: FileId, offset: usize) -> Option<Target> {
    let content = &workspace.content;
    let source = workspace.file(file).source.text.as_str();
    if let Some((kind, name)) = own_name(workspace, file)
        && covers(name.span, offset)
    {
        return Some(Target::Named {
            kind,
            name: name.value.clone(),
            span: name.span,
        });
    }
    for (kind, text) in name_references(content, file) {
        if covers(text.span, offset) {
            return Some(Target::Named {
                kind,
                name: text.value.clone(),
                span: text.span,
            });
        }
    }
    for (index, detection) in content.detections.iter().enumerate() {
        if detection.header.file != file {
            continue;
        }
        if let Some(id) = detection
            .mitre_attack_ids
            .iter()
            .find(|t| covers(t.span, offset))
        {
            return Some(Target::Attack {
                id: id.value.clone(),
                span: id.span,
            });
        }
        // A detection's type picks its deployment (contentctl 4 and 5).
        if let Some(own) = detection
            .detection_type
            .as_ref()
            .filter(|t| covers(t.span, offset))
            && let Some(deployment) = content.deployments.iter().find(|d| {
                (d.detection_type.as_ref())
                    .is_some_and(|t| t.value.eq_ignore_ascii_case(&own.value))
            })
        {
            return Some(Target::Named {
                kind: ContentKind::Deployment,
                name: deployment.header.name().to_owned(),
                span: own.span,
            });
        }
        if let Some(target) = placeholder_at(detection, index, source, offset) {
            return Some(target);
        }
    }
    for (search, detection) in searches_in(content, file) {
        if !covers(search.span, offset) {
            continue;
        }
        if let Some((call, span)) = macro_calls(workspace, search, source)
            .into_iter()
            .find(|(_, span)| covers(*span, offset))
        {
            return Some(Target::Macro {
                call: search
                    .value
                    .get(call.span.clone())
                    .unwrap_or_default()
                    .to_owned(),
                name: call.name,
                span,
            });
        }
        let Some(index) = detection else {
            continue;
        };
        let analysis = workspace.spl().analyse(&search.value);
        if let Some(lookup) = analysis
            .lookups
            .iter()
            .map(|l| (l, search.sub_span(source, l.span.clone())))
            .find(|(_, span)| covers(*span, offset))
        {
            return Some(Target::Named {
                kind: ContentKind::Lookup,
                name: lookup.0.name.clone(),
                span: lookup.1,
            });
        }
        // The command word of the stage the position is in.
        for (stage_index, stage) in analysis.stages.iter().enumerate() {
            let span = search.sub_span(source, stage.span.clone());
            if covers(span, offset) {
                return Some(Target::Stage {
                    detection: index,
                    stage: stage_index,
                    span,
                });
            }
        }
    }
    None
}

/// A `$field$` of a detection's message or drilldowns at `offset`.
fn placeholder_at(
    detection: &Detection,
    index: usize,
    source: &str,
    offset: usize,
) -> Option<Target> {
    crate::check::searches::field_uses(detection)
        .into_iter()
        .filter(|used| used.range.is_some())
        .find_map(|used| {
            let span = used.span(source);
            covers(span, offset).then(|| Target::Placeholder {
                field: used.field.clone(),
                detection: index,
                span,
            })
        })
}
