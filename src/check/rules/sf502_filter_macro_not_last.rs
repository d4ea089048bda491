//! ## What it does
//! Reports a search in which the detection's filter macro is not the last stage (or is
//! called more than once). An input filter (`` `..._input_filter` ``), which narrows the
//! events a search starts from and belongs early, is not a filter macro.
//!
//! ## Why is this bad?
//! The filter macro is the customer's last word on what becomes an alert. Stages after it
//! (`| search count > 10`, another `stats`) change or drop fields the filter was written
//! against, so a tuning that looks right silently stops matching.
//!
//! ## Example
//! ```yaml
//! search: '... | `x_filter` | search num_obfuscation > 10'
//! ```
//!
//! ## Use instead
//! ```yaml
//! search: '... | search num_obfuscation > 10 | `x_filter`'
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;
use crate::spl::ProblemKind;

pub(super) static RULE: Rule = Rule {
    code: "SF502",
    name: "filter-macro-not-last",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "the filter macro is not the last stage of the search",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for searched in ctx.search_analyses() {
        let source = ctx.source(searched.file);
        for problem in &searched.analysis.problems {
            if let ProblemKind::FilterMacroNotLast { name } = &problem.kind {
                out.push(
                    RULE.at(
                        ctx,
                        searched.file,
                        searched.search.sub_span(source, problem.span.clone()),
                        format!("filter macro `{}` is not the last stage", excerpt(name)),
                    )
                    .with_help("move the stages after it before it, and call it once"),
                );
            }
        }
    }
}
