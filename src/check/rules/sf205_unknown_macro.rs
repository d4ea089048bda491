//! ## What it does
//! Reports a backtick macro call in a search that names no macro in `macros/`, no
//! generated `<detection>_filter` macro, none of splforge's known ES/CIM macros
//! (`crates/splforge-spl/data/external_macros.toml`) and none of `[spl] external_macros` or
//! `[lint.external] macros` in
//! splforge.toml. A call with the wrong number of arguments is reported too.
//!
//! ## Why is this bad?
//! Splunk fails the whole search at run time: "Error in 'SearchParser': The search
//! specifies a macro 'x' that cannot be found". Nothing catches it before deployment.
//!
//! ## Example
//! ```yaml
//! search: '`cloudtrial` eventName=DeleteGroup | `security_content_ctime(firstTime, x)`'
//! ```
//!
//! ## Use instead
//! ```yaml
//! search: '`cloudtrail` eventName=DeleteGroup | `security_content_ctime(firstTime)`'
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;
use crate::spl::ProblemKind;

pub(super) static RULE: Rule = Rule {
    code: "SF205",
    name: "unknown-macro",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "a search calls a macro that does not exist, or with the wrong arguments",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let names = std::sync::OnceLock::new();
    let names = || {
        names.get_or_init(|| {
            crate::check::suggest::Candidates::new(
                ctx.content.macros.iter().map(|m| m.header.name()),
            )
        })
    };
    for searched in ctx.search_analyses() {
        let source = ctx.source(searched.file);
        for problem in &searched.analysis.problems {
            let span = searched.search.sub_span(source, problem.span.clone());
            let finding = match &problem.kind {
                ProblemKind::UnknownMacro { name } => RULE
                    .at(
                        ctx,
                        searched.file,
                        span,
                        format!("macro `{}` does not exist", excerpt(name)),
                    )
                    .with_label("not in macros/, [spl] external_macros nor [lint.external] macros")
                    .with_help_opt(
                        names()
                            .best(name)
                            .map(|s| format!("did you mean `{}`?", excerpt(s))),
                    ),
                ProblemKind::WrongArity { .. } => {
                    RULE.at(ctx, searched.file, span, problem.message())
                }
                _ => continue,
            };
            out.push(finding);
        }
    }
}
