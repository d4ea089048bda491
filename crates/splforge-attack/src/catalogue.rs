//! One ATT&CK release in memory: techniques (sorted by id), tactics (matrix order), groups.

use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// An ATT&CK tactic, e.g. TA0004 "Privilege Escalation" (`privilege-escalation`).
///
/// Strings borrow from the decoded release, which lives as long as the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tactic {
    /// "TA0004"
    pub id: &'static str,
    /// "Privilege Escalation"
    pub name: &'static str,
    /// The kill-chain phase name: "privilege-escalation".
    pub shortname: &'static str,
}

impl Tactic {
    /// `https://attack.mitre.org/tactics/TA0004`
    pub fn url(&self) -> String {
        format!("https://attack.mitre.org/tactics/{}", self.id)
    }
}

/// An ATT&CK technique or sub-technique, e.g. T1560.001 "Archive via Utility".
///
/// The groups that use it are [`Catalogue::groups_using`] (indexed on first use, so that
/// loading a release stays cheap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technique {
    /// Upper-case id: "T1059" or "T1059.001".
    pub id: &'static str,
    pub name: &'static str,
    /// Tactic names in matrix order: ["Persistence", "Privilege Escalation"].
    pub tactics: Vec<&'static str>,
    /// Tactic ids in the same order as `tactics`.
    pub tactic_ids: Vec<&'static str>,
    /// Tactic shortnames in the order the STIX object lists them (not matrix order), as the 2022
    /// security_content docs printed them. Empty for most revoked techniques of v10.1.
    pub kill_chain_phases: Vec<&'static str>,
    pub platforms: Vec<&'static str>,
    pub is_subtechnique: bool,
    /// The parent of a sub-technique: "T1059" for "T1059.001".
    pub parent: Option<&'static str>,
    pub revoked: bool,
    pub deprecated: bool,
    /// The id that replaces a revoked technique, as ATT&CK states it (one step; see
    /// [`Lookup::Revoked`] for the end of a chain of revocations).
    pub replaced_by: Option<&'static str>,
}

impl Technique {
    /// `https://attack.mitre.org/techniques/T1059/001`
    pub fn url(&self) -> String {
        format!(
            "https://attack.mitre.org/techniques/{}",
            self.id.replace('.', "/")
        )
    }
}

/// An ATT&CK group (intrusion set), e.g. G0016 "APT29".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: &'static str,
    pub name: &'static str,
    /// As in ATT&CK: the name usually comes first.
    pub aliases: Vec<&'static str>,
    pub revoked: bool,
    pub deprecated: bool,
    /// Ids of the techniques the group uses directly, sorted.
    pub techniques: Vec<&'static str>,
}

impl Group {
    /// `https://attack.mitre.org/groups/G0016`
    pub fn url(&self) -> String {
        format!("https://attack.mitre.org/groups/{}", self.id)
    }
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
    version: &'static str,
    tactics: Vec<Tactic>,
    techniques: Vec<Technique>,
    groups: Vec<Group>,
    /// For each technique (same index), the active groups that use it, by name.
    users: OnceLock<Vec<Vec<usize>>>,
}

impl Catalogue {
    /// The release, e.g. "18.1".
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// The major release, as the Navigator names it: "18" for "18.1".
    pub fn major_version(&self) -> &'static str {
        self.version.split('.').next().unwrap_or(self.version)
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
        self.position(id).map(|index| &self.techniques[index])
    }

    /// The sub-techniques of `id` (revoked and deprecated ones included), in id order.
    pub fn subtechniques_of(&self, id: &str) -> impl Iterator<Item = &Technique> {
        self.techniques
            .iter()
            .filter(move |technique| technique.parent == Some(id))
    }

    /// The active groups that use technique `id` directly, sorted by name. The index behind it
    /// is built on the first call.
    pub fn groups_using(&self, id: &str) -> Vec<&Group> {
        let users = self.users.get_or_init(|| self.index_users());
        self.position(id).map_or_else(Vec::new, |position| {
            users[position]
                .iter()
                .map(|&index| &self.groups[index])
                .collect()
        })
    }

    /// The tactics of the active techniques among `ids`, in matrix order, each once: what
    /// content that lists these techniques should give as its tactics.
    pub fn tactics_of<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<&Tactic> {
        let mut implied: Vec<&str> = Vec::new();
        for id in ids {
            if let Some(technique) = self.technique(id).found() {
                implied.extend(&technique.tactic_ids);
            }
        }
        self.tactics
            .iter()
            .filter(|tactic| implied.contains(&tactic.id))
            .collect()
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
            loose(tactic.id) == wanted
                || loose(tactic.name) == wanted
                || loose(tactic.shortname) == wanted
        })
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.techniques
            .binary_search_by(|technique| technique.id.cmp(id))
            .ok()
    }

    /// The end of the chain of `revoked-by` links from a revoked technique (cycle-safe).
    fn replacement(&self, technique: &Technique) -> Option<&Technique> {
        let mut current = self.get(technique.replaced_by?)?;
        for _ in 0..self.techniques.len() {
            let next = current.replaced_by.filter(|_| current.revoked);
            match next.and_then(|next| self.get(next)) {
                Some(next) if next.id != technique.id => current = next,
                _ => break,
            }
        }
        Some(current)
    }

    /// For each technique, the indices of the active groups using it, in group-name order.
    fn index_users(&self) -> Vec<Vec<usize>> {
        let mut users = vec![Vec::new(); self.techniques.len()];
        let mut by_name: Vec<usize> = (0..self.groups.len()).collect();
        by_name.sort_by_key(|&index| self.groups[index].name);
        for index in by_name {
            let group = &self.groups[index];
            if group.revoked || group.deprecated {
                continue;
            }
            for id in &group.techniques {
                if let Some(position) = self.position(id) {
                    users[position].push(index);
                }
            }
        }
        users
    }

    /// Assemble a release from its decoded records: sort, and derive each technique's tactics
    /// in matrix order from its kill-chain phases.
    pub(super) fn new(
        version: &'static str,
        tactics: Vec<RawTactic<'static>>,
        techniques: Vec<RawTechnique<'static>>,
        groups: Vec<RawGroup<'static>>,
    ) -> Catalogue {
        let tactics: Vec<Tactic> = tactics.into_iter().map(Tactic::from).collect();
        let mut techniques: Vec<Technique> = techniques.into_iter().map(Technique::from).collect();
        let mut groups: Vec<Group> = groups.into_iter().map(Group::from).collect();
        techniques.sort_by_key(|technique| technique.id);
        groups.sort_by_key(|group| group.id);
        for technique in &mut techniques {
            let in_matrix_order = tactics
                .iter()
                .filter(|tactic| technique.kill_chain_phases.contains(&tactic.shortname));
            (technique.tactics, technique.tactic_ids) = in_matrix_order
                .map(|tactic| (tactic.name, tactic.id))
                .unzip();
        }
        Catalogue {
            version,
            tactics,
            techniques,
            groups,
            users: OnceLock::new(),
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

// The pack's records as `scripts/attack-pack.py` writes them. Strings borrow from the decoded
// JSON, which the release keeps for the whole process; a string with escapes cannot be borrowed
// and is leaked instead (once per process; the data has none today).

/// A string borrowed from the input, or leaked when it had to be unescaped.
#[derive(Clone, Copy)]
pub(super) struct Text<'a>(pub(super) &'a str);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text<'a>, D::Error> {
        struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(text))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'a>, E> {
                Ok(Text(Box::leak(text.into())))
            }
        }
        deserializer.deserialize_str(TextVisitor(std::marker::PhantomData))
    }
}

fn texts(texts: Vec<Text<'static>>) -> Vec<&'static str> {
    texts.into_iter().map(|text| text.0).collect()
}

#[derive(Deserialize)]
pub(super) struct RawTactic<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(borrow)]
    shortname: Text<'a>,
    #[serde(borrow)]
    name: Text<'a>,
    /// The releases of the pack that hold this record (bit `i`: the `i`-th release).
    #[serde(rename = "in", default)]
    pub(super) releases: u64,
}

#[derive(Deserialize)]
pub(super) struct RawTechnique<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    kill_chain_phases: Vec<Text<'a>>,
    #[serde(borrow)]
    platforms: Vec<Text<'a>>,
    #[serde(borrow)]
    parent: Option<Text<'a>>,
    deprecated: bool,
    revoked: bool,
    #[serde(borrow)]
    revoked_by: Option<Text<'a>>,
    #[serde(rename = "in")]
    pub(super) releases: u64,
}

#[derive(Deserialize)]
pub(super) struct RawGroup<'a> {
    #[serde(borrow)]
    pub(super) id: Text<'a>,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    aliases: Vec<Text<'a>>,
    deprecated: bool,
    revoked: bool,
    #[serde(rename = "in")]
    pub(super) releases: u64,
    /// Filled from the pack's `uses` for the release being decoded.
    #[serde(skip)]
    pub(super) techniques: Vec<Text<'a>>,
}

impl From<RawTactic<'static>> for Tactic {
    fn from(raw: RawTactic<'static>) -> Tactic {
        Tactic {
            id: raw.id.0,
            name: raw.name.0,
            shortname: raw.shortname.0,
        }
    }
}

impl From<RawTechnique<'static>> for Technique {
    fn from(raw: RawTechnique<'static>) -> Technique {
        Technique {
            id: raw.id.0,
            name: raw.name.0,
            tactics: Vec::new(),
            tactic_ids: Vec::new(),
            kill_chain_phases: texts(raw.kill_chain_phases),
            platforms: texts(raw.platforms),
            is_subtechnique: raw.id.0.contains('.'),
            parent: raw.parent.map(|text| text.0),
            revoked: raw.revoked,
            deprecated: raw.deprecated,
            replaced_by: raw.revoked_by.map(|text| text.0),
        }
    }
}

impl From<RawGroup<'static>> for Group {
    fn from(raw: RawGroup<'static>) -> Group {
        Group {
            id: raw.id.0,
            name: raw.name.0,
            aliases: texts(raw.aliases),
            revoked: raw.revoked,
            deprecated: raw.deprecated,
            techniques: texts(raw.techniques),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{RawTactic, Tactic, is_technique_id};

    #[test]
    fn strings_with_escapes_are_decoded_too() {
        let json = r#"{"id": "TA9999", "shortname": "say-\"hi\"", "name": "Tab\tbed"}"#;
        let tactic = Tactic::from(serde_json::from_str::<RawTactic>(json).unwrap());
        assert_eq!(tactic.shortname, "say-\"hi\"");
        assert_eq!(tactic.name, "Tab\tbed");
    }

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
