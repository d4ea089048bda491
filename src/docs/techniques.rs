//! ATT&CK technique names and tactics, as the pages print them.
//!
//! Docs do not own the ATT&CK catalogue (`attack` does); they ask a [`TechniqueLookup`]
//! for what a page needs, so any catalogue version, or a test's own table, plugs in.

/// What a page prints for one technique.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TechniqueInfo {
    pub name: String,
    /// Tactic names in the order the page lists them.
    pub tactics: Vec<String>,
}

/// Technique id (`T1036.005`) to name and tactics; `None` for an id the catalogue does
/// not know, which pages drop silently (as the 2022 generator did).
pub trait TechniqueLookup: Sync {
    fn technique(&self, id: &str) -> Option<TechniqueInfo>;

    /// The whole matrix, for the HTML site's coverage map; `None` when the lookup knows
    /// only single techniques (the map is then left out).
    fn matrix(&self) -> Option<Matrix> {
        None
    }
}

/// The ATT&CK Enterprise matrix of one release: tactics in matrix order, each with its
/// active techniques (sorted by name) and their active sub-techniques.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub version: String,
    pub tactics: Vec<MatrixTactic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixTactic {
    pub id: String,
    pub name: String,
    pub techniques: Vec<MatrixTechnique>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixTechnique {
    pub id: String,
    pub name: String,
    pub subtechniques: Vec<String>,
}

impl<F> TechniqueLookup for F
where
    F: Fn(&str) -> Option<TechniqueInfo> + Sync,
{
    fn technique(&self, id: &str) -> Option<TechniqueInfo> {
        self(id)
    }
}

/// The embedded ATT&CK catalogue of the configured release: names and tactics exactly as
/// that release words them (v10.1 for 2022-era pages). Revoked and deprecated techniques
/// still get their last name, so a page never loses a row the content lists.
impl TechniqueLookup for crate::attack::Catalogue {
    fn technique(&self, id: &str) -> Option<TechniqueInfo> {
        let technique = self.get(id)?;
        Some(TechniqueInfo {
            name: technique.name.to_owned(),
            tactics: technique
                .kill_chain_phases
                .iter()
                .map(|phase| tactic_from_phase_name(phase))
                .collect(),
        })
    }

    fn matrix(&self) -> Option<Matrix> {
        let active = |t: &&crate::attack::Technique| !t.revoked && !t.deprecated;
        let tactics = self
            .tactics()
            .iter()
            .map(|tactic| {
                let mut techniques: Vec<MatrixTechnique> = self
                    .techniques()
                    .iter()
                    .filter(active)
                    .filter(|t| !t.is_subtechnique && t.tactic_ids.contains(&tactic.id))
                    .map(|t| MatrixTechnique {
                        id: t.id.to_owned(),
                        name: t.name.to_owned(),
                        subtechniques: self
                            .subtechniques_of(t.id)
                            .filter(active)
                            .map(|s| s.id.to_owned())
                            .collect(),
                    })
                    .collect();
                techniques.sort_by(|a, b| a.name.cmp(&b.name));
                MatrixTactic {
                    id: tactic.id.to_owned(),
                    name: tactic.name.to_owned(),
                    techniques,
                }
            })
            .collect();
        Some(Matrix {
            version: self.version().to_owned(),
            tactics,
        })
    }
}

/// A lookup that knows no technique: pages show no ATT&CK section.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTechniques;

impl TechniqueLookup for NoTechniques {
    fn technique(&self, _id: &str) -> Option<TechniqueInfo> {
        None
    }
}

/// The tactic name the 2022 pages print for a STIX kill-chain phase: `-` to a space,
/// then Python's `str.title()` (`command-and-control` -> `Command And Control`).
pub fn tactic_from_phase_name(phase_name: &str) -> String {
    let mut title = String::with_capacity(phase_name.len());
    let mut previous_is_letter = false;
    for c in phase_name.replace('-', " ").chars() {
        if c.is_alphabetic() {
            if previous_is_letter {
                title.extend(c.to_lowercase());
            } else {
                title.extend(c.to_uppercase());
            }
            previous_is_letter = true;
        } else {
            title.push(c);
            previous_is_letter = false;
        }
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_names_title_case_like_python() {
        assert_eq!(
            tactic_from_phase_name("command-and-control"),
            "Command And Control"
        );
        assert_eq!(tactic_from_phase_name("defense-evasion"), "Defense Evasion");
    }
}

/// A technique table read from an ATT&CK `.techniques.jsonl` extract (one JSON object a
/// line with `id`, `name` and `kill_chain_phases`), tactics worded as the 2022 pages
/// print them. A stand-in for the `attack` catalogue, for tests and tools.
#[derive(Debug, Clone, Default)]
pub struct TechniqueTable {
    techniques: std::collections::HashMap<String, TechniqueInfo>,
}

impl TechniqueTable {
    /// Parses the extract; lines that are not technique objects are skipped.
    pub fn from_jsonl(text: &str) -> TechniqueTable {
        let techniques = text
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter_map(|value| {
                let id = value.get("id")?.as_str()?.to_owned();
                let name = value.get("name")?.as_str()?.to_owned();
                let tactics = value
                    .get("kill_chain_phases")
                    .and_then(|p| p.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str())
                    .map(tactic_from_phase_name)
                    .collect();
                Some((id, TechniqueInfo { name, tactics }))
            })
            .collect();
        TechniqueTable { techniques }
    }

    pub fn len(&self) -> usize {
        self.techniques.len()
    }

    pub fn is_empty(&self) -> bool {
        self.techniques.is_empty()
    }
}

impl TechniqueLookup for TechniqueTable {
    fn technique(&self, id: &str) -> Option<TechniqueInfo> {
        self.techniques.get(id).cloned()
    }
}
