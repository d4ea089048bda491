//! ## What it does
//! Reports a `kill_chain_phases` entry (2022 content writes them by hand) that none of
//! the detection's ATT&CK techniques implies, by the tactic-to-phase mapping contentctl
//! uses (`data/attack/lockheed-kill-chain.json`).
//!
//! ## Why is this bad?
//! Phases written by hand drift from the techniques: the docs and ES then show a phase
//! the detection does not cover. contentctl 4 derives the phases instead, so the written
//! value is also a sign that the file predates that and needs review.
//!
//! ## Example
//! ```yaml
//! tags:
//!   mitre_attack_id: [T1098]       # Persistence -> Installation
//!   kill_chain_phases: [Delivery]
//! ```
//!
//! ## Use instead
//! ```yaml
//! tags:
//!   mitre_attack_id: [T1098]
//!   kill_chain_phases: [Installation]
//! ```

use super::{Rule, RuleScope};
use crate::attack::lockheed_kill_chain;
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF406",
    name: "kill-chain-mismatch",
    severity: Severity::Warning,
    scope: RuleScope::File,
    summary: "a written kill-chain phase is not implied by the detection's techniques",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(catalogue) = ctx.attack else { return };
    let kill_chain = lockheed_kill_chain();
    for detection in &ctx.content.detections {
        if detection.kill_chain_phases.is_empty() || detection.mitre_attack_ids.is_empty() {
            continue;
        }
        let expected = kill_chain.expected_phases(
            catalogue,
            detection
                .mitre_attack_ids
                .iter()
                .map(|id| id.value.as_str()),
        );
        // Unknown or revoked ids imply nothing: other rules report them.
        if expected.is_empty() {
            continue;
        }
        for phase in &detection.kill_chain_phases {
            if !expected
                .iter()
                .any(|e| e.eq_ignore_ascii_case(&phase.value))
            {
                out.push(
                    RULE.at(
                        ctx,
                        detection.header.file,
                        phase.span,
                        format!(
                            "kill-chain phase \"{}\" is not implied by the detection's techniques",
                            excerpt(&phase.value)
                        ),
                    )
                    .with_help(format!(
                        "ATT&CK v{} implies: {}",
                        catalogue.version(),
                        expected.join(", ")
                    )),
                );
            }
        }
    }
}
