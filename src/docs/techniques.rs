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
}

impl<F> TechniqueLookup for F
where
    F: Fn(&str) -> Option<TechniqueInfo> + Sync,
{
    fn technique(&self, id: &str) -> Option<TechniqueInfo> {
        self(id)
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
