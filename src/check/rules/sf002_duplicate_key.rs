//! ## What it does
//! Reports a key written twice in the same mapping.
//!
//! ## Why is this bad?
//! YAML forbids it, yet PyYAML (and so contentctl) silently keeps the last value: the
//! first one, which the author may have meant, is thrown away without a word.
//!
//! ## Example
//! ```yaml
//! tags:
//!   confidence: 50
//!   confidence: 80
//! ```
//!
//! ## Use instead
//! ```yaml
//! tags:
//!   confidence: 80
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;
use crate::load::yaml::YamlProblem;

pub(super) static RULE: Rule = Rule {
    code: "SF002",
    name: "duplicate-key",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a key appears twice in one mapping",
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
        for problem in &document.problems {
            let YamlProblem::DuplicateKey {
                key,
                first,
                duplicate,
            } = problem;
            out.push(
                RULE.at(
                    ctx,
                    file,
                    *duplicate,
                    format!("duplicate key `{}`", excerpt(key)),
                )
                .with_label("this value replaces the first one")
                .with_related(ctx.path(file), *first, "first written here")
                .with_help("remove one of the two entries"),
            );
        }
    }
}
