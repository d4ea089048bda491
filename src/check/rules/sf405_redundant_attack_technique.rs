//! ## What it does
//! Reports a technique listed both bare and as one of its own sub-techniques
//! (`T1059` with `T1059.001`).
//!
//! ## Why is this bad?
//! The sub-technique already implies its parent. Listing both double-counts the
//! detection in coverage maps and usually means the author did not decide which
//! behaviour the detection really covers.
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

use super::{Rule, RuleScope};
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF405",
    name: "redundant-attack-technique",
    severity: Severity::Warning,
    scope: RuleScope::File,
    summary: "a technique is listed with one of its own sub-techniques",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for detection in &ctx.content.detections {
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
                    .with_help(format!("keep only {}", sub.value)),
                );
            }
        }
    }
}
