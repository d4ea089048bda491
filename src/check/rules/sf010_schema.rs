//! ## What it does
//! Validates every file against the JSON Schema of its kind and format generation
//! (`splforge schema KIND` prints it): required fields, types, allowed values, and keys
//! that are a typo of a known key (`data_sources` for `data_source`). Other unknown keys
//! are SF011's. Investigations of a 5.x repository are not validated: contentctl 5 does
//! not read `investigations/` at all.
//! The schema follows the format version (`format` in splforge.toml, or the
//! one inferred): contentctl 4.0-4.3 require no `drilldown_searches` and accept
//! `security_domain: cloud`, 4.0-4.2 any of eleven observable roles, several per
//! observable, 4.0-4.3 default the id, version, date, author and description, 4.1 has its
//! own data source and event source schemas, 4.0-4.2 check `ssa_detections/` against the
//! SSA detection model, and 5.0-5.2 have no `status` on macros, lookups, data sources,
//! deployments and dashboards (`splforge schema KIND --format-version V`; each version is
//! compared field by field with contentctl's own model schemas of that release).
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

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF010",
    name: "schema",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "the file does not match the schema of its kind and generation",
    check,
};

/// Formats that have a rule of their own with a better message.
const FORMATS_WITH_OWN_RULE: [&str; 2] = ["uuid", "date"];

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for result in ctx.schema_results() {
        let root_span = ctx.repository.files[result.file]
            .document
            .as_ref()
            .ok()
            .and_then(|d| d.root_shape())
            .map(|r| r.span)
            .unwrap_or_default();
        let violations = match &result.violations {
            Ok(violations) => violations,
            Err(message) => {
                out.push(RULE.at(ctx, result.file, root_span, message.clone()));
                continue;
            }
        };
        for violation in violations {
            let own_rule = violation
                .format
                .as_deref()
                .is_some_and(|f| FORMATS_WITH_OWN_RULE.contains(&f));
            // An unknown key that is no typo of a known one is SF011's (a warning).
            let suggestion = match &violation.unknown_field {
                Some(unknown) => match &unknown.suggestion {
                    Some(suggestion) => Some(suggestion),
                    None => continue,
                },
                None => None,
            };
            if own_rule {
                continue;
            }
            let finding = RULE.at(ctx, result.file, violation.span, violation.message.clone());
            out.push(match suggestion {
                Some(s) => finding
                    .with_label("this key is ignored, and its value lost")
                    .with_help(format!("did you mean `{s}`?")),
                None => finding.with_help_opt(violation.help.clone()),
            });
        }
    }
}
