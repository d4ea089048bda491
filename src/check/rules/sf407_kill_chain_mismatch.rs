//! ## What it does
//! Reports a `kill_chain_phases` entry (2022 content writes them by hand) that none of
//! the detection's ATT&CK techniques implies, by the tactic-to-phase mapping contentctl
//! uses (`crates/splforge-attack/data/lockheed-kill-chain.json`).
//!
//! Off by default: enable it with `[lint] extend_select = ["SF407"]`.
//!
//! ## Why is this bad?
//! Phases written by hand drift from the techniques: the docs and ES then show a phase
//! the detection does not cover. contentctl 4 derives the phases instead, so the written
//! value is also a sign that the file predates that and needs review.
//!
//! It is off by default because on real content most such phases are judgement, not
//! defects: 2021 content chose its phases by hand for a model of its own (254 such phases
//! on 2021 content, 17 in the 2022 golden inputs), and an author reviewing them would keep
//! most. 4.x and 5.x content writes no phases (contentctl derives them): 0 there. Turn it on to
//! audit hand-written phases before converting 2022 content. A phase that is no phase of
//! the kill chain at all (a misspelling) is SF406, on by default.
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

use super::{Rule, RuleDefault, RuleScope};
use crate::attack::lockheed_kill_chain;
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF407",
    name: "kill-chain-mismatch",
    severity: Severity::Warning,
    scope: RuleScope::File,
    default: RuleDefault::Off,
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
            // A phase of no kill chain at all is SF406's.
            if kill_chain.phase(&phase.value).is_none() {
                continue;
            }
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
