//! ## What it does
//! Reports a field used in a `by` clause or a `table` after a transforming command
//! (`stats`, `tstats`, `table`, ...) that nothing upstream produces, in a production
//! detection.
//!
//! ## Why is this bad?
//! After `stats`, only the aggregates and the `by` fields exist. A field that no stage
//! produces is an always-empty column (or, in a `by` clause, drops every row): usually a
//! field renamed earlier (`Processes.path` became `path`, not `process_path`).
//!
//! ## Example
//! ```yaml
//! search: '| tstats count from datamodel=Endpoint.Processes by Processes.path | `drop_dm_object_name(Processes)` | table process_path'
//! ```
//!
//! ## Use instead
//! ```yaml
//! search: '| tstats count from datamodel=Endpoint.Processes by Processes.path | `drop_dm_object_name(Processes)` | table path'
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::searches::SearchOwner;
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF503",
    name: "unproduced-field",
    severity: Severity::Warning,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a by/table field that nothing upstream produces",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for searched in ctx.search_analyses() {
        let SearchOwner::Detection(index) = searched.owner else {
            continue;
        };
        if !ctx.content.detections[index].is_production() {
            continue;
        }
        let source = ctx.source(searched.file);
        for reference in &searched.analysis.unproduced_references {
            let clause = if reference.in_by_clause {
                "by clause"
            } else {
                "table"
            };
            out.push(RULE.at(
                ctx,
                searched.file,
                searched.search.sub_span(source, reference.span.clone()),
                format!(
                    "`{}` in a {clause} is produced by no earlier stage",
                    excerpt(&reference.name)
                ),
            ));
        }
    }
}
