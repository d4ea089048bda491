//! Hover: what splforge knows about the thing under the cursor, as markdown.

use std::fmt::Write as _;

use crate::check::explain::{describe, why_missing};
use crate::load::ContentKind;
use crate::spl;

use super::symbols::Target;
use super::workspace::Workspace;

/// The hover text of `target`; `None` when there is nothing to say.
pub fn hover_text(workspace: &Workspace, target: &Target) -> Option<String> {
    match target {
        Target::Macro { name, call, .. } => Some(macro_text(workspace, name, call)),
        Target::Attack { id, .. } => attack_text(workspace, id),
        Target::Named { kind, name, .. } => named_text(workspace, *kind, name),
        Target::Placeholder {
            field, detection, ..
        } => placeholder_text(workspace, field, *detection),
        Target::Stage {
            detection, stage, ..
        } => stage_text(workspace, *detection, *stage),
    }
}

/// A fenced block of SPL.
fn spl_block(text: &str) -> String {
    // A fence longer than any run of backticks in the text.
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0)
        .max(2);
    let fence = "`".repeat(longest + 1);
    format!("{fence}spl\n{}\n{fence}\n", text.trim())
}

fn macro_text(workspace: &Workspace, name: &str, call: &str) -> String {
    let mut text = format!("**macro** `{name}`\n\n");
    let inputs = workspace.spl();
    let defined = workspace
        .content
        .macros
        .iter()
        .find(|m| m.header.name() == name);
    match defined {
        Some(m) => {
            let arguments: Vec<&str> = m.arguments.iter().map(|a| a.as_str()).collect();
            if !arguments.is_empty() {
                let _ = writeln!(text, "arguments: {}\n", arguments.join(", "));
            }
            if let Some(definition) = &m.definition {
                text.push_str("Definition:\n");
                text.push_str(&spl_block(&definition.value));
            }
            if let Some(description) = &m.header.description {
                let _ = writeln!(text, "\n{}", description.value.trim());
            }
            let path =
                crate::load::source::display_path(&workspace.file(m.header.file).source.path);
            let _ = writeln!(text, "\nDefined in `{path}`");
        }
        None if inputs.macros.is_known_external(name) => {
            text.push_str("An external macro (from another app): its body is not known.\n");
        }
        None if inputs.macros.arities(name).is_empty() && name.ends_with("_filter") => {
            text.push_str(
                "Not defined: contentctl generates an undefined filter macro as `search *`.\n",
            );
        }
        None if inputs.macros.arities(name).is_empty() => {
            text.push_str("Not defined in this repository.\n");
        }
        None => text.push_str("An external macro with a known body.\n"),
    }
    let expansion = spl::expand(call, &inputs.macros, &inputs.limits);
    if expansion.text.trim() != call.trim() {
        text.push_str("\nExpands to:\n");
        text.push_str(&spl_block(&expansion.text));
    }
    text
}

fn attack_text(workspace: &Workspace, id: &str) -> Option<String> {
    let catalogue = crate::attack::catalogue(&workspace.config.attack_version).ok()?;
    let lookup = catalogue.technique(id);
    let Some(technique) = lookup.technique() else {
        return Some(format!(
            "**{id}**: not a technique of ATT&CK {}",
            catalogue.version()
        ));
    };
    let mut text = format!("**{}: {}**\n\n", technique.id, technique.name);
    if !technique.tactics.is_empty() {
        let _ = writeln!(text, "Tactics: {}\n", technique.tactics.join(", "));
    }
    match lookup {
        crate::attack::Lookup::Revoked { replaced_by, .. } => {
            let _ = match replaced_by {
                Some(new) => writeln!(text, "**Revoked**: replaced by {} ({})\n", new.id, new.name),
                None => writeln!(text, "**Revoked**: ATT&CK names no replacement\n"),
            };
        }
        crate::attack::Lookup::Deprecated { .. } => {
            text.push_str("**Deprecated**: ATT&CK names no replacement\n\n");
        }
        _ => {}
    }
    let _ = writeln!(text, "ATT&CK {} · {}", catalogue.version(), technique.url());
    Some(text)
}

fn named_text(workspace: &Workspace, kind: ContentKind, name: &str) -> Option<String> {
    let options = workspace.options();
    let context = workspace.context(&options);
    let Some(definition) = context.index.find(kind, name) else {
        return Some(format!(
            "**{}** `{name}`: not defined in this repository",
            kind.name()
        ));
    };
    let c = &workspace.content;
    let file = definition.file;
    let (_, header) = super::symbols::own_header(workspace, file)?;
    let mut text = format!("**{}** {name}\n\n", kind.name());
    if let Some(description) = &header.description {
        let _ = writeln!(text, "{}\n", description.value.trim());
    }
    if let Some(story) = c.stories.iter().find(|s| s.header.file == file)
        && let Some(narrative) = &story.narrative
    {
        let _ = writeln!(text, "{}\n", narrative.value.trim());
    }
    if let Some(lookup) = c.lookups.iter().find(|l| l.header.file == file) {
        let _ = writeln!(text, "Lookup type: {}\n", lookup.kind());
        if let Some(columns) = workspace.spl().lookups.get(name) {
            let _ = writeln!(text, "Columns: {}\n", columns.join(", "));
        }
    }
    let path = crate::load::source::display_path(&workspace.file(file).source.path);
    let _ = writeln!(text, "Defined in `{path}`");
    Some(text)
}

fn placeholder_text(workspace: &Workspace, field: &str, detection: usize) -> Option<String> {
    let detection = workspace.content.detections.get(detection)?;
    let search = detection.search.as_ref()?;
    let analysis = workspace.spl().analyse(&search.value);
    let mut text = format!("**field** `{field}`\n\n");
    match (
        analysis.output.contains(field),
        analysis.field_origin(field),
    ) {
        (Some(false), _) => {
            let _ = writeln!(
                text,
                "Not output by the search{}",
                why_missing(&analysis, field)
            );
        }
        (None, _) => text.push_str("Not checked: the search's output fields are unknown.\n"),
        (Some(true), Some(0)) => text.push_str("From the events (stage 1).\n"),
        (Some(true), Some(stage)) => {
            let command = analysis
                .stages
                .get(stage)
                .map_or("?", |s| s.command.as_str());
            let _ = writeln!(text, "Made by stage {} (`{command}`).", stage + 1);
        }
        (Some(true), None) => text.push_str("An event field, passed through.\n"),
    }
    Some(text)
}

fn stage_text(workspace: &Workspace, detection: usize, stage: usize) -> Option<String> {
    let detection = workspace.content.detections.get(detection)?;
    let search = detection.search.as_ref()?;
    let analysis = workspace.spl().analyse(&search.value);
    let info = analysis.stages.get(stage)?;
    Some(format!(
        "**stage {}** `{}`\n\nFields after it: {}\n",
        stage + 1,
        info.command,
        describe(&info.fields)
    ))
}
