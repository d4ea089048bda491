//! ## What it does
//! Validates every file against the JSON Schema of its kind and format generation
//! (`splforge schema KIND` prints it): required fields, types, allowed values, unknown keys.
//!
//! ## Why is this bad?
//! A misspelled key is ignored, a string where a list belongs is split into characters, a
//! misspelled enum value silently changes behaviour. contentctl rejects some of these with
//! a pydantic error and no line number; splforge points at the value.
//!
//! ## Example
//! ```yaml
//! tags:
//!   confidence: high
//!   analytics_story: [Ransomware]
//! ```
//!
//! ## Use instead
//! ```yaml
//! tags:
//!   confidence: 80
//!   analytic_story: [Ransomware]
//! ```

use rayon::prelude::*;

use super::{Rule, RuleScope};
use crate::check::{Context, Finding, Severity, schema};
use crate::model::{file_generation, root_mapping};

pub(super) static RULE: Rule = Rule {
    code: "SF010",
    name: "schema",
    severity: Severity::Error,
    scope: RuleScope::File,
    summary: "the file does not match the schema of its kind and generation",
    check,
};

/// Formats that have a rule of their own with a better message.
const FORMATS_WITH_OWN_RULE: [&str; 2] = ["uuid", "date"];

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let findings: Vec<Finding> = ctx
        .repository
        .files
        .par_iter()
        .enumerate()
        .filter(|(file, _)| ctx.reports_on(*file))
        .flat_map_iter(|(file, loaded)| {
            let mut found = Vec::new();
            let Some(root) = root_mapping(loaded) else {
                return found;
            };
            let generation = file_generation(loaded).unwrap_or(ctx.content.generation);
            match schema::validate(root, loaded.kind, generation) {
                Ok(violations) => found.extend(
                    violations
                        .into_iter()
                        .filter(|v| {
                            v.format
                                .as_deref()
                                .is_none_or(|f| !FORMATS_WITH_OWN_RULE.contains(&f))
                        })
                        .map(|v| RULE.at(ctx, file, v.span, v.message)),
                ),
                Err(message) => found.push(RULE.at(ctx, file, root.span, message)),
            }
            found
        })
        .collect();
    out.extend(findings);
}
