//! ## What it does
//! Reports a macro argument whose name is not letters, digits, `_` and `-` (empty, `$`,
//! `a$b`, `a b`, `a,b`, a line break or another control character), and one named twice.
//!
//! ## Why is this bad?
//! macros.conf writes the arguments as `args = a, b`, and the definition uses each as
//! `$a$`. Splunk allows argument names of alphanumeric characters, `_` and `-` only: a `,`
//! splits one argument into two, a `$` cannot be written as a token, and a line break
//! becomes part of the name; with a name twice, `$a$` is ambiguous. Splunk refuses or
//! misreads the macro, and every search that calls it fails. `build` refuses such a macro, even with `--force`.
//!
//! ## Example
//! ```yaml
//! name: process_name_is
//! arguments:
//!   - $name
//! definition: process_name=$$name$
//! ```
//!
//! ## Use instead
//! ```yaml
//! name: process_name_is
//! arguments:
//!   - name
//! definition: process_name=$name$
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::model::ArgumentProblem;

pub(super) static RULE: Rule = Rule {
    code: "SF107",
    name: "macro-argument-name",
    severity: Severity::Error,
    default: RuleDefault::On,
    scope: RuleScope::File,
    summary: "a macro argument name is not letters, digits, '_' and '-', or is repeated",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for m in &ctx.content.macros {
        for (argument, problem) in m.bad_arguments() {
            out.push(
                RULE.at(
                    ctx,
                    m.header.file,
                    argument.span,
                    format!("macro argument {:?} {}", argument.value, problem.describe()),
                )
                .with_help(match problem {
                    ArgumentProblem::NotAName => {
                        "use letters, digits, `_` and `-` only, as Splunk's macros.conf requires"
                    }
                    ArgumentProblem::Repeated => "give each argument a name of its own",
                }),
            );
        }
    }
}
