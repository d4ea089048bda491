//! ## What it does
//! Reports a field that a production detection's alert or risk message (`$field$`), risk
//! object, threat object, observable, drilldown name or search, or throttling list names,
//! but that the detection's search does not output. splforge parses the search, expands
//! its macros and follows the fields through every command; where it cannot (an unknown
//! command), it stays silent rather than guess.
//!
//! ## Why is this bad?
//! The field is empty on every alert: the message reads "User  deleted group", the risk
//! event has no risk object and is dropped, the drilldown searches for nothing. The
//! search runs and seems to work, so only an analyst staring at a broken alert finds out.
//! contentctl checks placeholders by substring of the search text and misses these.
//!
//! ## Example
//! ```yaml
//! search: '... | stats count by src user_id | `x_filter`'
//! tags:
//!   message: Suspicious activity by $user$ from $src$
//! ```
//!
//! ## Use instead
//! ```yaml
//! search: '... | stats count by src user_id | rename user_id as user | `x_filter`'
//! tags:
//!   message: Suspicious activity by $user$ from $src$
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::searches::{SearchOwner, field_uses};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;
use crate::spl::FieldSet;

pub(super) static RULE: Rule = Rule {
    code: "SF501",
    name: "placeholder-not-output",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a message, risk object, observable or drilldown names a field the search does not output",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for searched in ctx.search_analyses() {
        let SearchOwner::Detection(index) = searched.owner else {
            continue;
        };
        let detection = &ctx.content.detections[index];
        if !detection.is_production() {
            continue;
        }
        let output = &searched.analysis.output;
        let source = ctx.source(searched.file);
        for used in field_uses(detection) {
            if output.contains(&used.field) == Some(false) {
                out.push(
                    RULE.at(
                        ctx,
                        searched.file,
                        used.span(source),
                        format!(
                            "{} uses `{}`, which the search does not output",
                            used.place,
                            excerpt(&used.field)
                        ),
                    )
                    .with_label("not among the search's output fields")
                    .with_help(help(output)),
                );
            }
        }
    }
}

fn help(output: &FieldSet) -> String {
    match output {
        FieldSet::Known { fields, .. } if fields.len() <= 12 => format!(
            "the search outputs: {}",
            fields
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => "`splforge explain FILE` shows the fields after each stage".to_owned(),
    }
}
