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

use super::{Rule, RuleScope};
use crate::check::searches::{SearchOwner, placeholders};
use crate::check::{Context, Finding, Severity};
use crate::model::{Detection, RiskSource, Text};
use crate::spl::FieldSet;

pub(super) static RULE: Rule = Rule {
    code: "SF501",
    name: "placeholder-not-output",
    severity: Severity::Error,
    scope: RuleScope::File,
    summary: "a message, risk object, observable or drilldown names a field the search does not output",
    check,
};

/// Tokens drilldowns may use that are not search fields.
const DRILLDOWN_TOKENS: [&str; 2] = ["info_min_time", "info_max_time"];

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
        let mut report = |field: &str, span, place: &str| {
            if output.contains(field) == Some(false) {
                out.push(
                    RULE.at(
                        ctx,
                        searched.file,
                        span,
                        format!("{place} uses `{field}`, which the search does not output"),
                    )
                    .with_label("not among the search's output fields")
                    .with_help(help(output)),
                );
            }
        };
        for (place, text) in texts_with_placeholders(detection) {
            for (field, range) in placeholders(&text.value) {
                if place.starts_with("drilldown") && DRILLDOWN_TOKENS.contains(&field.as_str()) {
                    continue;
                }
                report(&field, text.sub_span(source, range), place);
            }
        }
        for (place, field) in named_fields(detection) {
            report(&field.value, field.span, place);
        }
    }
}

/// Texts whose `$field$` tokens must be output fields.
fn texts_with_placeholders(detection: &Detection) -> Vec<(&'static str, &Text)> {
    let mut texts = Vec::new();
    if let Some(message) = &detection.message {
        texts.push(("the message", message));
    }
    for drilldown in &detection.drilldowns {
        texts.extend(drilldown.name.as_ref().map(|n| ("drilldown name", n)));
        texts.extend(drilldown.search.as_ref().map(|s| ("drilldown search", s)));
    }
    texts
}

/// Fields named directly (not as `$field$`).
fn named_fields(detection: &Detection) -> Vec<(&'static str, &Text)> {
    let mut fields = Vec::new();
    if detection.risk_source == RiskSource::Rba {
        fields.extend(
            detection
                .risk_objects
                .iter()
                .map(|r| ("a risk object", &r.field)),
        );
        fields.extend(
            detection
                .threat_objects
                .iter()
                .map(|t| ("a threat object", &t.field)),
        );
    } else {
        fields.extend(
            detection
                .observables
                .iter()
                .filter_map(|o| Some(("an observable", o.name.as_ref()?))),
        );
    }
    fields.extend(
        detection
            .throttling_fields
            .iter()
            .map(|f| ("throttling", f)),
    );
    fields
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
