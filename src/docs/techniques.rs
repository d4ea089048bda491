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
