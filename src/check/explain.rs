//! `splforge explain`: how splforge reads one detection's search. The expanded search, the
//! fields after each stage, and where each field the detection names comes from, or why
//! it does not resolve. A value; the CLI prints it.

use std::fmt::{self, Write as _};

use super::Context;
use super::searches::field_uses;
use crate::model::Detection;
use crate::spl::{Analysis, FieldSet};

pub struct Explanation<'a> {
    pub detection: &'a Detection,
    pub path: String,
    pub analysis: Analysis,
}

/// Finds the detection named `target` (a name, or a path relative to the root) that has a
/// search, and analyses it.
pub fn explain<'a>(ctx: &'a Context<'a>, target: &str) -> Option<Explanation<'a>> {
    let target_path = target.replace('\\', "/");
    ctx.content.detections.iter().find_map(|detection| {
        let search = detection.search.as_ref()?;
        let path = crate::load::source::display_path(ctx.path(detection.header.file));
        let stem = std::path::Path::new(&path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let matches = detection.name().eq_ignore_ascii_case(target)
            || path == target_path
            || target_path.ends_with(&format!("/{path}"))
            || stem == target_path;
        matches.then(|| Explanation {
            detection,
            path,
            analysis: ctx.analyse(&search.value),
        })
    })
}

/// For a `target` that [`explain`] does not find: the detection name or file name
/// (without `.yml`) closest to it, with its path.
pub fn suggest(ctx: &Context<'_>, target: &str) -> Option<String> {
    let mut names: Vec<(String, String)> = Vec::new();
    for detection in &ctx.content.detections {
        if detection.search.is_none() {
            continue;
        }
        let path = crate::load::source::display_path(ctx.path(detection.header.file));
        let stem = std::path::Path::new(&path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        names.push((detection.name().to_owned(), path.clone()));
        names.push((stem, path));
    }
    let wanted = std::path::Path::new(target)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|_| target.ends_with(".yml"))
        .unwrap_or(target);
    let best = crate::check::suggest::did_you_mean(wanted, names.iter().map(|(n, _)| n.as_str()))?;
    let (name, path) = names.iter().find(|(n, _)| n == best)?;
    Some(format!(
        "did you mean \"{}\"? ({path})",
        crate::load::excerpt(name)
    ))
}

/// The fields of a set, as `explain` prints them.
pub fn describe(fields: &FieldSet) -> String {
    match fields {
        FieldSet::Unknown => {
            "unknown (a command splforge does not model: no findings downstream)".to_owned()
        }
        FieldSet::Known { fields, patterns } => {
            let mut parts: Vec<String> = fields.iter().cloned().collect();
            parts.extend(patterns.iter().map(|p| {
                if p == "*" {
                    "any event field".to_owned()
                } else {
                    p.clone()
                }
            }));
            if parts.is_empty() {
                "none".to_owned()
            } else {
                parts.join(", ")
            }
        }
    }
}

/// Where a field that the search does not output was lost, if it ever existed.
pub fn why_missing(analysis: &Analysis, field: &str) -> String {
    let names = |fields: &FieldSet| matches!(fields, FieldSet::Known { fields, .. } if fields.contains(field));
    let last = analysis.stages.iter().rposition(|s| names(&s.fields));
    match last.and_then(|i| Some((i, analysis.stages.get(i + 1)?))) {
        Some((i, dropped_by)) => format!(
            ": present after stage {} ({}), dropped by stage {} ({})",
            i + 1,
            analysis.stages[i].command,
            i + 2,
            dropped_by.command
        ),
        None => ": no stage produces it".to_owned(),
    }
}

impl fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.analysis;
        writeln!(f, "{} ({})", self.detection.name(), self.path)?;
        writeln!(f, "\nExpanded search:\n  {}", a.expanded)?;
        writeln!(f, "\nStages:")?;
        for (i, stage) in a.stages.iter().enumerate() {
            let text = a
                .expanded
                .get(stage.expanded_span.clone())
                .unwrap_or("")
                .trim();
            writeln!(f, "  {}. {}: {}", i + 1, stage.command, text)?;
            writeln!(f, "     fields: {}", describe(&stage.fields))?;
        }
        if !a.problems.is_empty() {
            writeln!(f, "\nProblems:")?;
            for problem in &a.problems {
                writeln!(f, "  - {}", problem.message())?;
            }
        }
        writeln!(f, "\nFields the detection names:")?;
        let mut lines = Vec::new();
        for used in field_uses(self.detection) {
            let mut line = format!("  {} ({}): ", used.field, used.place);
            match (a.output.contains(&used.field), a.field_origin(&used.field)) {
                (Some(false), _) => {
                    line.push_str("NOT OUTPUT by the search");
                    line.push_str(&why_missing(a, &used.field));
                }
                (None, _) => line.push_str("not checked: the output fields are unknown"),
                (Some(true), Some(0)) => line.push_str("from the events (stage 1)"),
                (Some(true), Some(stage)) => {
                    let command = a.stages.get(stage).map_or("?", |s| s.command.as_str());
                    let _ = write!(line, "from stage {} ({command})", stage + 1);
                }
                (Some(true), None) => line.push_str("an event field, passed through"),
            }
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        for line in lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}
