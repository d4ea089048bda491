//! ## What it does
//! Reports a technique listed both bare and as one of its own sub-techniques
//! (`T1059` with `T1059.001`) in a contentctl 5.x detection.
//!
//! ## Why is this bad?
//! contentctl 5 rejects the file (it requires a technique's parent not to be listed with
//! it), so the build fails. The sub-technique already implies its parent: listing both
//! double-counts the detection in coverage maps.
//!
//! 2022 and contentctl 4.x content is not reported by default: those formats accept the
//! pair, and it is the house style of 4.x content (880 detections of the 2024-10 release
//! list both), so a warning there would be one every author silences. Naming the rule in
//! `[lint] select` or `extend_select` (`extend_select = ["SF405"]`) reports it there too,
//! as a warning, to tidy 4.x content before converting it to 5.x.
//!
//! ## Example
//! ```yaml
//! mitre_attack_id:
//! - T1059
//! - T1059.001
//! ```
//!
//! ## Use instead
//! ```yaml
//! mitre_attack_id:
//! - T1059.001
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, RuleSelection, Severity};
use crate::model::Generation;

pub(super) static RULE: Rule = Rule {
    code: "SF405",
    name: "redundant-attack-technique",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a technique is listed with one of its own sub-techniques (5.x; 4.x when selected)",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // The generation that rejects the pair always; the others only on request (see the
    // doc comment), as a warning since their build accepts it.
    let on_request = RuleSelection::from_config(&ctx.config.lint)
        .is_ok_and(|selection| selection.is_explicitly_selected(RULE.code));
    for detection in &ctx.content.detections {
        let rejected = detection.generation == Generation::Contentctl5;
        if !rejected && !on_request {
            continue;
        }
        let ids = &detection.mitre_attack_ids;
        for parent in ids.iter().filter(|id| !id.value.contains('.')) {
            let prefix = format!("{}.", parent.value);
            if let Some(sub) = ids.iter().find(|id| id.value.starts_with(&prefix)) {
                out.push(
                    RULE.at(
                        ctx,
                        detection.header.file,
                        parent.span,
                        format!(
                            "{} is listed with its sub-technique {}",
                            parent.value, sub.value
                        ),
                    )
                    .with_related(
                        ctx.path(detection.header.file),
                        sub.span,
                        "sub-technique listed here",
                    )
                    .with_help(if rejected {
                        format!("contentctl 5 rejects the pair: keep only {}", sub.value)
                    } else {
                        format!(
                            "contentctl 4 accepts the pair, contentctl 5 rejects it: keep only {}",
                            sub.value
                        )
                    })
                    .with_severity(if rejected {
                        Severity::Error
                    } else {
                        Severity::Warning
                    }),
                );
            }
        }
    }
}
