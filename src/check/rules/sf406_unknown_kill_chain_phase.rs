//! ## What it does
//! Reports a `kill_chain_phases` entry (2022 content writes them by hand) that is not one
//! of the seven phases of the Lockheed Martin Cyber Kill Chain
//! (`crates/splforge-attack/data/lockheed-kill-chain.json`), most often a misspelling
//! ("Action on Objectives") or an ATT&CK tactic put in its place ("Exfiltration").
//!
//! ## Why is this bad?
//! The docs and ES group detections by the phase name: a misspelt phase is a phase of its
//! own that no filter or report selects, so the detection drops out of its real phase.
//!
//! A phase that is spelt right but that the detection's ATT&CK techniques do not imply is
//! not reported here: 2021 content chose its phases by hand for a model of its own (254
//! such phases on 2021 content), so those are judgement, not defects. SF407
//! (kill-chain-mismatch, off by default) reports them on request.
//!
//! ## Example
//! ```yaml
//! tags:
//!   kill_chain_phases: [Actions on Objective]
//! ```
//!
//! ## Use instead
//! ```yaml
//! tags:
//!   kill_chain_phases: [Actions on Objectives]
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::attack::lockheed_kill_chain;
use crate::check::suggest::did_you_mean;
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF406",
    name: "unknown-kill-chain-phase",
    severity: Severity::Warning,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a written kill-chain phase is not a phase of the Lockheed Martin kill chain",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let kill_chain = lockheed_kill_chain();
    for detection in &ctx.content.detections {
        for phase in &detection.kill_chain_phases {
            if kill_chain.phase(&phase.value).is_some() {
                continue;
            }
            let suggestion =
                did_you_mean(&phase.value, kill_chain.phases().iter().map(String::as_str));
            let help = match suggestion {
                Some(known) => format!("did you mean \"{known}\"?"),
                None => format!("the phases are: {}", kill_chain.phases().join(", ")),
            };
            out.push(
                RULE.at(
                    ctx,
                    detection.header.file,
                    phase.span,
                    format!(
                        "\"{}\" is not a phase of the Lockheed Martin kill chain",
                        excerpt(&phase.value)
                    ),
                )
                .with_help(help),
            );
        }
    }
}
