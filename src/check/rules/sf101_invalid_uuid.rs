//! ## What it does
//! Reports an `id` that is not a UUID (e.g. `8c3a-...` with a missing group, or a name).
//!
//! ## Why is this bad?
//! The id is how Splunk ES, the content API and every downstream tool track a detection
//! across renames and versions. A malformed id breaks that tracking and fails contentctl.
//!
//! ## Example
//! ```yaml
//! id: 723b861a-92eb-11eb-93b8
//! ```
//!
//! ## Use instead
//! ```yaml
//! id: 723b861a-92eb-11eb-93b8-acde48001122
//! ```

use super::{Rule, RuleDefault, RuleScope, all_headers};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF101",
    name: "invalid-uuid",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "the id is not a UUID",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (_, header) in all_headers(ctx.content) {
        let Some(id) = &header.id else { continue };
        if uuid::Uuid::try_parse(&id.value).is_err() || id.value.len() != 36 {
            out.push(
                RULE.at(
                    ctx,
                    header.file,
                    id.span,
                    format!("`{}` is not a UUID", excerpt(&id.value)),
                )
                .with_help("generate one, e.g. with `uuidgen` or `splforge new`"),
            );
        }
    }
}
