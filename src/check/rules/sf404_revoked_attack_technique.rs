//! ## What it does
//! Reports a `mitre_attack_id` that the configured ATT&CK release has revoked or
//! deprecated, naming the technique that replaces it when there is one.
//!
//! ## Why is this bad?
//! MITRE revokes a technique when it is merged into another (T1086 PowerShell became
//! T1059.001). The old id is gone from the Navigator and current mappings, so the
//! detection is counted nowhere and analysts see a technique that no longer exists.
//!
//! ## Example
//! ```yaml
//! mitre_attack_id:
//! - T1086
//! ```
//!
//! ## Use instead
//! ```yaml
//! mitre_attack_id:
//! - T1059.001
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::attack::Lookup;
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF404",
    name: "revoked-attack-technique",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "an ATT&CK technique is revoked or deprecated",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(catalogue) = ctx.attack else { return };
    let version = catalogue.version();
    for detection in &ctx.content.detections {
        for id in &detection.mitre_attack_ids {
            let finding = match catalogue.technique(&id.value) {
                Lookup::Revoked {
                    technique,
                    replaced_by,
                } => {
                    let finding = RULE.at(
                        ctx,
                        detection.header.file,
                        id.span,
                        format!(
                            "technique {} ({}) is revoked in ATT&CK v{version}",
                            id.value, technique.name
                        ),
                    );
                    match replaced_by {
                        Some(new) => {
                            finding.with_help(format!("use {} ({}) instead", new.id, new.name))
                        }
                        None => finding,
                    }
                }
                Lookup::Deprecated { technique } => RULE
                    .at(
                        ctx,
                        detection.header.file,
                        id.span,
                        format!(
                            "technique {} ({}) is deprecated in ATT&CK v{version}",
                            id.value, technique.name
                        ),
                    )
                    .with_help("remove it or map the behaviour to a current technique"),
                _ => continue,
            };
            out.push(finding);
        }
    }
}
