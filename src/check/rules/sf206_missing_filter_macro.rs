//! ## What it does
//! Reports a detection whose search does not call its filter macro,
//! `` `<file stem>_filter` ``.
//!
//! ## Why is this bad?
//! The filter macro is where each customer tunes out false positives without editing the
//! search. A detection without it (or calling another detection's, after a copy) cannot
//! be tuned, so it gets disabled.
//!
//! ## Example
//! ```yaml
//! # detections/cloud/aws_iam_failure_group_deletion.yml
//! search: '`cloudtrail` eventName=DeleteGroup | stats count by user'
//! ```
//!
//! ## Use instead
//! ```yaml
//! search: '`cloudtrail` eventName=DeleteGroup | stats count by user | `aws_iam_failure_group_deletion_filter`'
//! ```

use super::{Rule, RuleScope};
use crate::check::macro_calls::macro_calls;
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF206",
    name: "missing-filter-macro",
    severity: Severity::Error,
    scope: RuleScope::File,
    summary: "a detection's search does not call its `<file stem>_filter` macro",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for detection in &ctx.content.detections {
        let file = detection.header.file;
        let Some(search) = &detection.search else {
            continue;
        };
        if detection.status() == Some("deprecated") {
            continue;
        }
        let Some(stem) = ctx.path(file).file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let expected = format!("{stem}_filter");
        let calls = macro_calls(&search.value);
        if calls.iter().any(|c| c.name == expected) {
            continue;
        }
        let other_filter = calls.iter().find(|c| c.name.ends_with("_filter"));
        let finding = match other_filter {
            Some(call) => RULE
                .at(
                    ctx,
                    file,
                    search.sub_span(ctx.source(file), call.name_range.clone()),
                    format!("search calls `{}` instead of `{expected}`", call.name),
                )
                .with_help(format!("rename the call to `{expected}`")),
            None => RULE
                .at(
                    ctx,
                    file,
                    search.span,
                    format!("search does not call `{expected}`"),
                )
                .with_help(format!("end the search with `| `{expected}``")),
        };
        out.push(finding);
    }
}
