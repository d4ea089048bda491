//! The Lockheed Martin Cyber Kill Chain as security_content uses it.
//!
//! 2022 content writes `tags.kill_chain_phases` by hand with Lockheed phases ("Exploitation",
//! "Actions on Objectives"), not ATT&CK tactics; contentctl 4.x/5.x derives them from the
//! tactics of `mitre_attack_id`. To compare the two, the tactic-to-phase mapping lives in
//! `crates/splforge-attack/data/lockheed-kill-chain.json` (taken from contentctl).

use std::sync::OnceLock;

use serde::Deserialize;

use super::catalogue::Catalogue;

/// The Lockheed phases in order and the phase each ATT&CK tactic maps to.
#[derive(Debug, Deserialize)]
pub struct KillChain {
    phases: Vec<String>,
    tactic_to_phase: Vec<TacticPhase>,
}

#[derive(Debug, Deserialize)]
struct TacticPhase {
    tactic_id: String,
    phase: String,
}

/// The mapping of `crates/splforge-attack/data/lockheed-kill-chain.json`, parsed once.
pub fn lockheed_kill_chain() -> &'static KillChain {
    static KILL_CHAIN: OnceLock<KillChain> = OnceLock::new();
    KILL_CHAIN.get_or_init(|| {
        serde_json::from_str(include_str!("../data/lockheed-kill-chain.json"))
            .expect("data/attack/lockheed-kill-chain.json is valid (checked by a unit test)")
    })
}

impl KillChain {
    /// "Reconnaissance", "Weaponization", ..., "Actions on Objectives".
    pub fn phases(&self) -> &[String] {
        &self.phases
    }

    /// The phase with exactly this name.
    pub fn phase(&self, name: &str) -> Option<&str> {
        self.phases
            .iter()
            .find(|phase| *phase == name)
            .map(String::as_str)
    }

    /// The phase an ATT&CK tactic maps to: TA0004 -> "Exploitation".
    pub fn phase_for_tactic(&self, tactic_id: &str) -> Option<&str> {
        self.tactic_to_phase
            .iter()
            .find(|entry| entry.tactic_id == tactic_id)
            .map(|entry| entry.phase.as_str())
    }

    /// The phases implied by the active techniques among `technique_ids`, in kill-chain order,
    /// as contentctl derives them. Revoked, deprecated and unknown ids contribute nothing.
    pub fn expected_phases<'a>(
        &self,
        catalogue: &Catalogue,
        technique_ids: impl IntoIterator<Item = &'a str>,
    ) -> Vec<&str> {
        let mut implied = Vec::new();
        for id in technique_ids {
            let Some(technique) = catalogue.technique(id).found() else {
                continue;
            };
            implied.extend(
                technique
                    .tactic_ids
                    .iter()
                    .filter_map(|tactic| self.phase_for_tactic(tactic)),
            );
        }
        self.phases
            .iter()
            .map(String::as_str)
            .filter(|phase| implied.contains(phase))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::lockheed_kill_chain;
    use crate::{catalogue, versions};

    #[test]
    fn every_tactic_maps_to_a_phase() {
        let kill_chain = lockheed_kill_chain();
        assert_eq!(kill_chain.phases().len(), 7);
        for version in versions() {
            for tactic in catalogue(version).unwrap().tactics() {
                let phase = kill_chain.phase_for_tactic(tactic.id);
                assert!(
                    phase.and_then(|p| kill_chain.phase(p)).is_some(),
                    "{tactic:?}"
                );
            }
        }
    }

    #[test]
    fn expected_phases_follow_the_tactics() {
        let kill_chain = lockheed_kill_chain();
        let v10 = catalogue("10.1").unwrap();
        // T1127 Trusted Developer Utilities Proxy Execution: Defense Evasion.
        assert_eq!(kill_chain.expected_phases(v10, ["T1127"]), ["Exploitation"]);
        // T1048 Exfiltration Over Alternative Protocol; T1071 Application Layer Protocol.
        assert_eq!(
            kill_chain.expected_phases(v10, ["T1048", "T1071", "T9999"]),
            ["Command and Control", "Actions on Objectives"]
        );
    }
}
