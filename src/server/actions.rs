//! Code actions: apply a finding's "did you mean" suggestion, suppress a finding with a
//! `# splforge: ignore` comment, append the missing filter macro, and migrate a 4.x
//! detection to the 5.x form (`migrate::detection_to_5`, what `splforge migrate` writes).
//!
//! Every edit is checked before it is offered: the edited text is parsed again, and a
//! suppression comment must leave the document's values as they were and cover the
//! finding, so no action offered can break a file.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, Diagnostic, TextEdit, Uri, WorkspaceEdit};

use crate::check::Finding;
use crate::load::{self, Span};
use crate::model::FileId;

use super::documents::LineMap;
use super::workspace::Workspace;

/// One edit of a file's text: replace `span` with `text`.
struct Edit {
    span: Span,
    text: String,
}

/// The code actions for the findings of `file` that overlap `range` (byte offsets), and
/// the file's migration when it is a 4.x detection.
// lsp-types' `WorkspaceEdit::changes` is a map keyed by `Uri`, which clippy takes for a
// mutable key (a parser cache inside); its hash and equality are those of the text.
#[allow(clippy::mutable_key_type)]
pub fn actions(
    workspace: &Workspace,
    file: FileId,
    uri: &Uri,
    range: std::ops::Range<usize>,
    diagnostic_of: &dyn Fn(&Finding) -> Diagnostic,
) -> Vec<CodeAction> {
    let loaded = workspace.file(file);
    let source = loaded.source.text.as_str();
    let lines = LineMap::new(source);
    let mut out = Vec::new();
    let action = |title: String, kind: CodeActionKind, edit: Edit, finding: Option<&Finding>| {
        let mut changes = HashMap::new();
        changes.insert(
            uri.clone(),
            vec![TextEdit::new(lines.range(source, edit.span), edit.text)],
        );
        CodeAction {
            title,
            kind: Some(kind),
            diagnostics: finding.map(|f| vec![diagnostic_of(f)]),
            edit: Some(WorkspaceEdit::new(changes)),
            is_preferred: Some(finding.is_some()),
            ..CodeAction::default()
        }
    };
    let overlapping = workspace
        .findings_in(&loaded.source.path)
        .iter()
        .filter(|f| f.span.start as usize <= range.end && range.start <= f.span.end as usize);
    for finding in overlapping {
        if let Some((suggestion, edit)) = did_you_mean(source, finding) {
            out.push(action(
                format!("Replace with `{suggestion}`"),
                CodeActionKind::QUICKFIX,
                edit,
                Some(finding),
            ));
        }
        if finding.code == "SF206"
            && let Some((name, edit)) = filter_macro(workspace, file, finding)
        {
            out.push(action(
                format!("Append `{name}` to the search"),
                CodeActionKind::QUICKFIX,
                edit,
                Some(finding),
            ));
        }
        if finding.code != "SF004"
            && let Some(edit) = suppression(source, finding)
        {
            out.push(action(
                format!("Suppress {} here (# splforge: ignore)", finding.code),
                CodeActionKind::QUICKFIX,
                edit,
                Some(finding),
            ));
        }
    }
    if let Some(text) = migrated(workspace, file) {
        let edit = Edit {
            span: Span::new(0, source.len()),
            text,
        };
        out.push(action(
            "Migrate this detection to contentctl 5.x (rba:)".to_owned(),
            CodeActionKind::REFACTOR_REWRITE,
            edit,
            None,
        ));
    }
    for action in &mut out {
        if action.diagnostics.is_none() {
            action.is_preferred = None;
        }
    }
    out
}

/// The values of a YAML text, when it parses: what an edit must keep, or change.
fn values(text: &str) -> Option<serde_json::Value> {
    let document = load::yaml::parse(text, load::LoadLimits::default().yaml()).ok()?;
    Some(document.root.as_ref()?.to_json())
}

fn applied(source: &str, edit: &Edit) -> String {
    let mut text = source.to_owned();
    text.replace_range(edit.span.range(), &edit.text);
    text
}

/// The suggestion of a finding's `did you mean "X"?` or `` did you mean `X`? `` help, as
/// an edit of the name the finding points at.
fn did_you_mean(source: &str, finding: &Finding) -> Option<(String, Edit)> {
    let help = finding.help.as_deref()?;
    let rest = &help[help.find("did you mean ")? + "did you mean ".len()..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '`')?;
    let inner = &rest[1..];
    let suggestion = &inner[..inner.find(&format!("{quote}?"))?];
    if suggestion.is_empty() || suggestion.contains('…') {
        return None;
    }
    let written = source.get(finding.span.range())?;
    let wrong = written.trim_matches(['\'', '"', '`']);
    let wrong = wrong.split('(').next().unwrap_or(wrong);
    if wrong.is_empty() {
        return None;
    }
    let at = finding.span.start as usize + written.find(wrong)?;
    let edit = Edit {
        span: Span::new(at, at + wrong.len()),
        text: suggestion.to_owned(),
    };
    values(&applied(source, &edit))?;
    Some((suggestion.to_owned(), edit))
}

/// `| `<stem>_filter`` appended to the search of the detection in `file`, for SF206's
/// "search does not call" finding.
fn filter_macro(workspace: &Workspace, file: FileId, finding: &Finding) -> Option<(String, Edit)> {
    let detection = (workspace.content.detections.iter()).find(|d| d.header.file == file)?;
    let search = detection.search.as_ref()?;
    if finding.span != search.span {
        // "calls another filter instead": the did-you-mean-like rename is the help's.
        return None;
    }
    let loaded = workspace.file(file);
    let stem = loaded.source.path.file_stem()?.to_str()?;
    let name = format!("{stem}_filter");
    let source = loaded.source.text.as_str();
    let kept = search.value.trim_end();
    let at = search.source_offset(source, kept.len());
    let appended = format!(" | `{name}`");
    let edit = Edit {
        span: Span::empty_at(at),
        text: appended.clone(),
    };
    // The search must read as it did, with the call after it.
    let after = values(&applied(source, &edit))?;
    let new_search = after.get("search")?.as_str()?;
    (new_search.trim_end() == format!("{kept}{appended}")).then_some((name, edit))
}

/// A `# splforge: ignore CODE` comment that covers the finding: at the end of its line,
/// or else alone on the line before it. `None` when neither keeps the document's values
/// (a line inside a block scalar).
fn suppression(source: &str, finding: &Finding) -> Option<Edit> {
    let before = values(source)?;
    let start = finding.span.start as usize;
    let line_start = source[..start.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = source[line_start..]
        .find('\n')
        .map_or(source.len(), |i| line_start + i);
    let line = &source[line_start..line_end];
    let line = line.trim_end_matches('\r');
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let comment = format!("# splforge: ignore {}", finding.code);
    let candidates = [
        Edit {
            span: Span::empty_at(line_start + line.len()),
            text: format!("  {comment}"),
        },
        Edit {
            span: Span::empty_at(line_start),
            text: format!("{indent}{comment}\n"),
        },
    ];
    let target_line = source[..line_start].matches('\n').count() as u32 + 1;
    candidates.into_iter().find(|edit| {
        let text = applied(source, edit);
        let shift = u32::from(edit.span.start as usize == line_start && edit.text.ends_with('\n'));
        values(&text).as_ref() == Some(&before)
            && crate::check::suppression::suppressions(&load::SourceFile::new("", text))
                .iter()
                .any(|s| s.line == target_line + shift && s.codes.iter().any(|c| c == finding.code))
    })
}

/// The 5.x text of the 4.x detection in `file`, when `migrate` converts it.
fn migrated(workspace: &Workspace, file: FileId) -> Option<String> {
    let detection = (workspace.content.detections.iter()).find(|d| d.header.file == file)?;
    let loaded = workspace.file(file);
    let root = crate::model::root_mapping(loaded)?;
    match crate::migrate::detection_to_5(
        &loaded.source.text,
        root,
        detection,
        &workspace.content.deployments,
    ) {
        crate::migrate::Outcome::Converted { text, .. } if text != loaded.source.text => Some(text),
        _ => None,
    }
}
