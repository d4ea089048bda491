//! ## What it does
//! Reports a key that the schema of the file's kind and generation does not know, and
//! that is no typo of a known key (SF010 reports typos, as errors).
//!
//! ## Why is this bad?
//! contentctl 4 drops such keys without a word, and contentctl 5 rejects them. Usually
//! they are leftovers of an older format (`type: batch` on a story, risk tags on a
//! baseline) that suggest a behaviour the content does not have, or a key of another
//! tool (`max_matches` is not a contentctl 4 lookup key, so transforms.conf never gets it).
//!
//! Files under `deprecated/` are reported too: contentctl builds them like any other
//! (a deprecated baseline is a scheduled saved search of the app, a deprecated story a
//! stanza of analyticstories.conf), and on the 2024-10 release the authors deleted every one
//! of the 90 keys reported there, or the file, when they converted to 5.x
//! (docs/precision.md).
//!
//! ## Example
//! ```yaml
//! name: FIN7
//! type: batch
//! ```
//!
//! ## Use instead
//! ```yaml
//! name: FIN7
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF011",
    name: "unknown-field",
    severity: Severity::Warning,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a key the schema does not know (and that is no typo of one)",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for result in ctx.schema_results() {
        let Ok(violations) = &result.violations else {
            continue;
        };
        for violation in violations {
            if violation
                .unknown_field
                .as_ref()
                .is_some_and(|u| u.suggestion.is_none())
            {
                out.push(
                    RULE.at(ctx, result.file, violation.span, violation.message.clone())
                        .with_label("ignored by contentctl 4, rejected by contentctl 5")
                        .with_help("remove it, or move its value to the key that means it"),
                );
            }
        }
    }
}
