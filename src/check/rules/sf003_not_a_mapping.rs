//! ## What it does
//! Reports a content file whose document is empty or is not a mapping (a list, a string).
//!
//! ## Why is this bad?
//! Every content object (detection, story, macro, ...) is a mapping of fields. An empty
//! file or a bare list is usually a truncated or mis-pasted file and defines nothing.
//!
//! ## Example
//! ```yaml
//! - name: AWS IAM Failure Group Deletion
//! ```
//!
//! ## Use instead
//! ```yaml
//! name: AWS IAM Failure Group Deletion
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF003",
    name: "not-a-mapping",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "the file is empty or its document is not a mapping",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (file, loaded) in ctx.repository.files.iter().enumerate() {
        if !ctx.reports_on(file) {
            continue;
        }
        let Ok(document) = &loaded.document else {
            continue;
        };
        let kind = loaded.kind.name();
        match document.root_shape() {
            None => out.push(RULE.at(
                ctx,
                file,
                Default::default(),
                format!("the file is empty; a {kind} file holds one mapping"),
            )),
            Some(root) if !root.is_mapping => out.push(RULE.at(
                ctx,
                file,
                root.span,
                format!(
                    "expected a mapping of {kind} fields, found a {}",
                    root.kind_name
                ),
            )),
            Some(_) => {}
        }
    }
}
