//! ## What it does
//! Reports a `mitre_attack_id` that is not written as an ATT&CK technique id: `T` and
//! four digits, optionally `.` and three digits for a sub-technique.
//!
//! ## Why is this bad?
//! Ids like `t1059.1`, `T1059-001` or `T1059.001 ` match nothing in ATT&CK: the detection
//! drops out of coverage maps and the ES annotations carry a dead id.
//!
//! ## Example
//! ```yaml
//! mitre_attack_id:
//! - T1059-001
//! ```
//!
//! ## Use instead
//! ```yaml
//! mitre_attack_id:
//! - T1059.001
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::attack::is_technique_id;
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF402",
    name: "attack-id-format",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "an ATT&CK id is not of the form T1234 or T1234.567",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for detection in &ctx.content.detections {
        for id in &detection.mitre_attack_ids {
            if !is_technique_id(&id.value) {
                out.push(
                    RULE.at(
                        ctx,
                        detection.header.file,
                        id.span,
                        format!("`{}` is not an ATT&CK technique id", excerpt(&id.value)),
                    )
                    .with_help("write T1234 or T1234.567"),
                );
            }
        }
    }
}
