//! ## What it does
//! Reports a well-formed `mitre_attack_id` that does not exist in the configured ATT&CK
//! release (`attack_version` in splforge.toml, `--attack-version`).
//!
//! ## Why is this bad?
//! An id that names nothing (a typo, or a number from another matrix) puts the detection
//! in no tactic: coverage maps, ES annotations and the docs all lose it. contentctl
//! checks ids only when enrichment downloads ATT&CK; splforge ships the catalogue.
//!
//! ## Example
//! ```yaml
//! mitre_attack_id:
//! - T1599.999
//! ```
//!
//! ## Use instead
//! ```yaml
//! mitre_attack_id:
//! - T1599.001
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::attack::{Lookup, is_technique_id};
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF403",
    name: "unknown-attack-technique",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "an ATT&CK technique id does not exist in the configured release",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(catalogue) = ctx.attack else { return };
    for detection in &ctx.content.detections {
        for id in &detection.mitre_attack_ids {
            if is_technique_id(&id.value)
                && matches!(catalogue.technique(&id.value), Lookup::Unknown)
            {
                out.push(RULE.at(
                    ctx,
                    detection.header.file,
                    id.span,
                    format!(
                        "technique {} does not exist in ATT&CK v{}",
                        id.value,
                        catalogue.version()
                    ),
                ));
            }
        }
    }
}
