//! ## What it does
//! Reports a search splforge cannot read as SPL: an unterminated quote, comment or macro
//! call, unbalanced brackets or parentheses, an empty pipeline stage, macros that
//! expand recursively or past the size limits, or a search longer than
//! `[limits] max_search_bytes` (default 262144), which is not analysed at all.
//!
//! ## Why is this bad?
//! Splunk rejects the search when it is scheduled ("Unbalanced quotes", "Missing a
//! search command before '|'"), or, for runaway macros, the search head does the work
//! over and over. Either way the detection never fires.
//!
//! ## Example
//! ```yaml
//! search: '`cloudtrail` eventName="DeleteGroup | stats count by user'
//! ```
//!
//! ## Use instead
//! ```yaml
//! search: '`cloudtrail` eventName="DeleteGroup" | stats count by user'
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::spl::ProblemKind;

pub(super) static RULE: Rule = Rule {
    code: "SF504",
    name: "spl-syntax",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "the search is not well-formed SPL, or its macros expand without end",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for searched in ctx.search_analyses() {
        let source = ctx.source(searched.file);
        for problem in &searched.analysis.problems {
            if matches!(
                problem.kind,
                ProblemKind::UnknownMacro { .. }
                    | ProblemKind::WrongArity { .. }
                    | ProblemKind::FilterMacroNotLast { .. }
            ) {
                continue;
            }
            out.push(RULE.at(
                ctx,
                searched.file,
                searched.search.sub_span(source, problem.span.clone()),
                problem.message(),
            ));
        }
    }
}
