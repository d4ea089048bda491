//! ## What it does
//! Reports a detection whose search does not call its filter macro,
//! `` `<stem>_filter` ``, where `<stem>` follows from the detection's `name` as its file name
//! does (lower case, with spaces, `-`, `.` and `/` as `_`): the macro contentctl 4.1+ requires
//! and creates when `macros/` lacks it, and the one the 2021-2022 security_content tooling
//! made for every detection. A detection without a name is held to its file stem.
//! contentctl requires the call from 4.1; 4.0 does not.
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

use super::{Rule, RuleDefault, RuleScope};
use crate::check::searches::SearchOwner;
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF206",
    name: "missing-filter-macro",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a detection's search does not call its `<name>_filter` macro",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for searched in ctx.search_analyses() {
        let SearchOwner::Detection(index) = searched.owner else {
            continue;
        };
        if ctx.content.detections[index].status() == Some("deprecated")
            || !searched.analysis.analysed()
        {
            continue;
        }
        let file = searched.file;
        let stem = match &ctx.content.detections[index].header.name {
            Some(name) => crate::model::file_name::expected_stem(&name.value),
            None => match ctx.path(file).file_stem().and_then(|s| s.to_str()) {
                Some(stem) => stem.to_owned(),
                None => continue,
            },
        };
        let expected = format!("{stem}_filter");
        let calls = &searched.analysis.macro_calls;
        if calls.iter().any(|c| c.name == expected) {
            continue;
        }
        let search = searched.search;
        let finding = match calls.iter().find(|c| c.is_filter()) {
            Some(call) => RULE
                .at(
                    ctx,
                    file,
                    search.sub_span(ctx.source(file), call.span.clone()),
                    format!(
                        "search calls `{}` instead of `{}`",
                        excerpt(&call.name),
                        excerpt(&expected)
                    ),
                )
                .with_help(format!("rename the call to `{}`", excerpt(&expected))),
            None => RULE
                .at(
                    ctx,
                    file,
                    search.span,
                    format!("search does not call `{}`", excerpt(&expected)),
                )
                .with_help(format!("end the search with `| `{}``", excerpt(&expected))),
        };
        out.push(finding);
    }
}
