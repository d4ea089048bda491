//! One ATT&CK release in memory: techniques (sorted by id), tactics (matrix order), groups.

use serde::Deserialize;

/// An ATT&CK tactic, e.g. TA0004 "Privilege Escalation" (`privilege-escalation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tactic {
    /// "TA0004"
    pub id: String,
    /// "Privilege Escalation"
    pub name: String,
    /// The kill-chain phase name: "privilege-escalation".
    pub shortname: String,
    /// "https://attack.mitre.org/tactics/TA0004"
    pub url: String,
}

/// An ATT&CK technique or sub-technique, e.g. T1560.001 "Archive via Utility".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technique {
    /// Upper-case id: "T1059" or "T1059.001".
    pub id: String,
    pub name: String,
    /// Tactic names in matrix order: ["Persistence", "Privilege Escalation"].
    pub tactics: Vec<String>,
    /// Tactic ids in the same order as `tactics`.
    pub tactic_ids: Vec<String>,
    /// Tactic shortnames in the order the STIX object lists them (not matrix order), as the 2022
    /// security_content docs printed them. Empty for most revoked techniques of v10.1.
    pub kill_chain_phases: Vec<String>,
    pub platforms: Vec<String>,
    pub is_subtechnique: bool,
    /// The parent of a sub-technique: "T1059" for "T1059.001".
    pub parent: Option<String>,
    pub revoked: bool,
    pub deprecated: bool,
    /// The id that replaces a revoked technique, as ATT&CK states it (one step; see
    /// [`Lookup::Revoked`] for the end of a chain of revocations).
    pub replaced_by: Option<String>,
    /// Names of the active groups that use this technique directly, sorted.
    pub groups: Vec<String>,
    /// "https://attack.mitre.org/techniques/T1059/001"
    pub url: String,
    group_indices: Vec<usize>,
}

/// An ATT&CK group (intrusion set), e.g. G0016 "APT29".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: String,
    pub name: String,
    /// As in ATT&CK: the name usually comes first.
    pub aliases: Vec<String>,
    pub revoked: bool,
    pub deprecated: bool,
    /// Ids of the techniques the group uses directly, sorted.
    pub techniques: Vec<String>,
    /// "https://attack.mitre.org/groups/G0016"
    pub url: String,
}

/// What a technique id is in a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// An active technique.
    Found(&'a Technique),
    /// Revoked; `replaced_by` follows ATT&CK's `revoked-by` links to their end (T1073 ->
    /// T1574.002 -> T1574.001 in v18.1), so it is the technique to suggest. `None` when ATT&CK
    /// names no replacement.
    Revoked {
        technique: &'a Technique,
        replaced_by: Option<&'a Technique>,
    },
    /// Deprecated: still listed, no longer maintained, and ATT&CK names no replacement.
    Deprecated { technique: &'a Technique },
    /// Not in this release (or not an upper-case technique id).
    Unknown,
}

impl<'a> Lookup<'a> {
    /// The technique record, whatever its state; `None` only for [`Lookup::Unknown`].
    pub fn technique(&self) -> Option<&'a Technique> {
        match *self {
            Lookup::Found(technique)
            | Lookup::Revoked { technique, .. }
            | Lookup::Deprecated { technique } => Some(technique),
            Lookup::Unknown => None,
        }
    }

    /// The technique if it is active.
    pub fn found(&self) -> Option<&'a Technique> {
        match *self {
            Lookup::Found(technique) => Some(technique),
            _ => None,
        }
    }
}

/// True for a well-formed, upper-case technique id: `T1234` or `T1234.567`.
pub fn is_technique_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    match bytes.len() {
        5 => bytes[0] == b'T' && digits(1..5),
        9 => bytes[0] == b'T' && digits(1..5) && bytes[5] == b'.' && digits(6..9),
        _ => false,
    }
}

/// One ATT&CK Enterprise release.
#[derive(Debug)]
pub struct Catalogue {
    version: String,
    tactics: Vec<Tactic>,
    techniques: Vec<Technique>,
    groups: Vec<Group>,
}

impl Catalogue {
    /// The release, e.g. "18.1".
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The major release, as the Navigator names it: "18" for "18.1".
    pub fn major_version(&self) -> &str {
        self.version.split('.').next().unwrap_or(&self.version)
    }

    /// The tactics in Enterprise matrix order (TA0043 Reconnaissance ... TA0040 Impact).
    pub fn tactics(&self) -> &[Tactic] {
        &self.tactics
    }

    /// Every technique and sub-technique, revoked and deprecated ones included, sorted by id.
    pub fn techniques(&self) -> &[Technique] {
        &self.techniques
    }

    /// Every group, revoked and deprecated ones included, sorted by id.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// What `id` is in this release. Ids are matched exactly: "t1059" is [`Lookup::Unknown`].
    pub fn technique(&self, id: &str) -> Lookup<'_> {
        let Some(technique) = self.get(id) else {
            return Lookup::Unknown;
        };
        if technique.revoked {
            Lookup::Revoked {
                technique,
                replaced_by: self.replacement(technique),
            }
        } else if technique.deprecated {
            Lookup::Deprecated { technique }
        } else {
            Lookup::Found(technique)
        }
    }

    /// The record for `id` whatever its state.
    pub fn get(&self, id: &str) -> Option<&Technique> {
        self.techniques
            .binary_search_by(|technique| technique.id.as_str().cmp(id))
            .ok()
            .map(|index| &self.techniques[index])
    }

    /// The sub-techniques of `id` (revoked and deprecated ones included), in id order.
    pub fn subtechniques_of(&self, id: &str) -> impl Iterator<Item = &Technique> {
        self.techniques
            .iter()
            .filter(move |technique| technique.parent.as_deref() == Some(id))
    }

    /// The active groups that use technique `id` directly, sorted by name.
    pub fn groups_using(&self, id: &str) -> Vec<&Group> {
        self.get(id).map_or_else(Vec::new, |technique| {
            technique
                .group_indices
                .iter()
                .map(|&index| &self.groups[index])
                .collect()
        })
    }

    /// The tactic with this id ("TA0004").
    pub fn tactic_by_id(&self, id: &str) -> Option<&Tactic> {
        self.tactics.iter().find(|tactic| tactic.id == id)
    }

    /// The tactic with this shortname (kill-chain phase name, "privilege-escalation").
    pub fn tactic_by_shortname(&self, shortname: &str) -> Option<&Tactic> {
        self.tactics
            .iter()
            .find(|tactic| tactic.shortname == shortname)
    }

    /// The tactic with exactly this name ("Command and Control").
    pub fn tactic_by_name(&self, name: &str) -> Option<&Tactic> {
        self.tactics.iter().find(|tactic| tactic.name == name)
    }

    /// The tactic that `text` names loosely: its id, name or shortname, ignoring case and
    /// treating `-`, `_` and spaces alike ("Command And Control", "command-and-control").
    /// For lint rules that point out the exact spelling.
    pub fn find_tactic(&self, text: &str) -> Option<&Tactic> {
        let wanted = loose(text);
        self.tactics.iter().find(|tactic| {
            loose(&tactic.id) == wanted
                || loose(&tactic.name) == wanted
                || loose(&tactic.shortname) == wanted
        })
    }

    /// The end of the chain of `revoked-by` links from a revoked technique (cycle-safe).
    fn replacement(&self, technique: &Technique) -> Option<&Technique> {
        let mut current = self.get(technique.replaced_by.as_deref()?)?;
        for _ in 0..self.techniques.len() {
            match current.replaced_by.as_deref().filter(|_| current.revoked) {
                Some(next) => match self.get(next) {
                    Some(next) if next.id != technique.id => current = next,
                    _ => break,
                },
                None => break,
            }
        }
        Some(current)
    }

    pub(super) fn from_raw(
        version: String,
        raw_tactics: Vec<RawTactic>,
        raw_techniques: Vec<RawTechnique>,
        raw_groups: Vec<RawGroup>,
    ) -> Catalogue {
        let tactics: Vec<Tactic> = raw_tactics.into_iter().map(Tactic::from).collect();
        let mut groups: Vec<Group> = raw_groups.into_iter().map(Group::from).collect();
        groups.sort_by(|a, b| a.id.cmp(&b.id));
        let mut techniques: Vec<Technique> = raw_techniques
            .into_iter()
            .map(|raw| Technique::from_raw(raw, &tactics))
            .collect();
        techniques.sort_by(|a, b| a.id.cmp(&b.id));
        let mut catalogue = Catalogue {
            version,
            tactics,
            techniques,
            groups,
        };
        catalogue.link_groups();
        catalogue
    }

    /// Fill each technique's `groups` from the groups' technique lists.
    fn link_groups(&mut self) {
        let mut by_name: Vec<usize> = (0..self.groups.len()).collect();
        by_name.sort_by(|&a, &b| self.groups[a].name.cmp(&self.groups[b].name));
        for index in by_name {
            let group = &self.groups[index];
            if group.revoked || group.deprecated {
                continue;
            }
            for id in &group.techniques {
                if let Ok(position) = self
                    .techniques
                    .binary_search_by(|technique| technique.id.as_str().cmp(id))
                {
                    let technique = &mut self.techniques[position];
                    technique.group_indices.push(index);
                    technique.groups.push(group.name.clone());
                }
            }
        }
    }
}

fn loose(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '-' | '_' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

// The digest records, as `scripts/attack-data.py` writes them.

#[derive(Deserialize)]
pub(super) struct RawTactic {
    id: String,
    shortname: String,
    name: String,
}

#[derive(Deserialize)]
pub(super) struct RawTechnique {
    id: String,
    name: String,
    kill_chain_phases: Vec<String>,
    platforms: Vec<String>,
    parent: Option<String>,
    deprecated: bool,
    revoked: bool,
    revoked_by: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawGroup {
    id: String,
    name: String,
    aliases: Vec<String>,
    deprecated: bool,
    revoked: bool,
    techniques: Vec<String>,
}

impl From<RawTactic> for Tactic {
    fn from(raw: RawTactic) -> Tactic {
        Tactic {
            url: format!("https://attack.mitre.org/tactics/{}", raw.id),
            id: raw.id,
            name: raw.name,
            shortname: raw.shortname,
        }
    }
}

impl From<RawGroup> for Group {
    fn from(raw: RawGroup) -> Group {
        Group {
            url: format!("https://attack.mitre.org/groups/{}", raw.id),
            id: raw.id,
            name: raw.name,
            aliases: raw.aliases,
            revoked: raw.revoked,
            deprecated: raw.deprecated,
            techniques: raw.techniques,
        }
    }
}

impl Technique {
    fn from_raw(raw: RawTechnique, tactics: &[Tactic]) -> Technique {
        let in_matrix_order = tactics
            .iter()
            .filter(|tactic| raw.kill_chain_phases.contains(&tactic.shortname));
        let (tactic_names, tactic_ids) = in_matrix_order
            .map(|tactic| (tactic.name.clone(), tactic.id.clone()))
            .unzip();
        Technique {
            url: format!(
                "https://attack.mitre.org/techniques/{}",
                raw.id.replace('.', "/")
            ),
            is_subtechnique: raw.id.contains('.'),
            id: raw.id,
            name: raw.name,
            tactics: tactic_names,
            tactic_ids,
            kill_chain_phases: raw.kill_chain_phases,
            platforms: raw.platforms,
            parent: raw.parent,
            revoked: raw.revoked,
            deprecated: raw.deprecated,
            replaced_by: raw.revoked_by,
            groups: Vec::new(),
            group_indices: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_technique_id;

    #[test]
    fn technique_id_shape() {
        assert!(is_technique_id("T1059"));
        assert!(is_technique_id("T1059.001"));
        for bad in [
            "t1059",
            "T105",
            "T1059.01",
            "T1059.0011",
            "T1059-001",
            "TA0001",
            "",
        ] {
            assert!(!is_technique_id(bad), "{bad}");
        }
    }
}
