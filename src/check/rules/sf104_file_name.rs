//! ## What it does
//! Reports a file whose name does not follow from the object's `name`: lower case, with
//! spaces, `-`, `.` and `/` turned into `_` (the convention contentctl enforces; 2022
//! content predates it and is not checked; so are data sources before contentctl 4.2, which
//! were not yet named content objects).
//!
//! ## Why is this bad?
//! People and tools find content by file name; filter macros are named after the file
//! stem. A renamed detection whose file kept the old name is hard to find and often
//! keeps a filter macro that no longer matches.
//!
//! ## Example
//! ```yaml
//! # detections/cloud/aws_group_delete.yml
//! name: AWS IAM Failure Group Deletion
//! ```
//!
//! ## Use instead
//! ```yaml
//! # detections/cloud/aws_iam_failure_group_deletion.yml
//! name: AWS IAM Failure Group Deletion
//! ```

use super::{Rule, RuleScope, all_headers};
use crate::check::{Context, Finding, Severity};
use crate::load::ContentKind;
use crate::model::Generation;

pub(super) static RULE: Rule = Rule {
    code: "SF104",
    name: "file-name",
    severity: Severity::Error,
    scope: RuleScope::File,
    summary: "the file name does not follow from the object's name",
    check,
};

/// The file stem contentctl expects for an object called `name`.
pub fn expected_stem(name: &str) -> String {
    name.replace([' ', '-', '.', '/'], "_").to_lowercase()
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (kind, header) in all_headers(ctx.content) {
        // Deployments are named for people ("ESCU Default Configuration TTP"), not files;
        // 2022 content predates the convention.
        if kind == ContentKind::Deployment || header.generation == Generation::Legacy2022 {
            continue;
        }
        let Some(name) = &header.name else { continue };
        let path = ctx.path(header.file);
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let expected = expected_stem(&name.value);
        if stem != expected {
            out.push(
                RULE.at(
                    ctx,
                    header.file,
                    name.span,
                    format!("file `{stem}` does not match the name \"{}\"", name.value),
                )
                .with_help(format!("rename the file to `{expected}.yml`")),
            );
        }
    }
}
