//! ## What it does
//! Reports a file that cannot be read as YAML: a syntax error, invalid UTF-8, a file over
//! the size limit, nesting or alias expansion past the limits, more than one document, or
//! a symbolic link that leaves the content root.
//!
//! ## Why is this bad?
//! Nothing in the file can be checked, built or documented; contentctl stops at the first
//! such file without saying where. splforge reports every one and checks the rest.
//!
//! ## Example
//! ```yaml
//! name: AWS IAM Failure Group Deletion
//! tags: [unclosed
//! ```
//!
//! ## Use instead
//! ```yaml
//! name: AWS IAM Failure Group Deletion
//! tags: [closed]
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF001",
    name: "yaml-syntax",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "the file is not readable YAML",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (file, loaded) in ctx.repository.files.iter().enumerate() {
        if !ctx.reports_on(file) {
            continue;
        }
        if let Err(error) = &loaded.document {
            out.push(RULE.at(ctx, file, error.span(), error.to_string()));
        }
    }
}
