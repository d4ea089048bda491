//! Field sets: what the analyser knows about the fields that exist after a stage.
//!
//! The set is deliberately an *upper bound*: a field it contains may be empty on some rows, but a
//! field it does not contain is never output. That is the property the placeholder checks need,
//! and it is why every uncertain command widens the set (or makes it [`FieldSet::Unknown`])
//! instead of narrowing it: a false "field is missing" is worse than a missed one.

use std::collections::BTreeSet;

/// The pattern that stands for "every field the events may carry" (a base search, `spath`
/// without a path, a lookup whose columns are unknown, ...).
pub const ANY_FIELD: &str = "*";

/// The fields that exist after a stage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FieldSet {
    /// The analyser does not know what the stage outputs (an unmodelled command, an unresolved
    /// macro, ...). Checks must stay silent downstream.
    Unknown,
    /// Named fields plus wildcard patterns such as `All_Traffic.*`; the pattern `*` means "open":
    /// any event field may be present (the output of a base search).
    Known {
        fields: BTreeSet<String>,
        patterns: Vec<String>,
    },
}

impl FieldSet {
    /// An empty, closed set.
    pub fn empty() -> Self {
        FieldSet::Known {
            fields: BTreeSet::new(),
            patterns: Vec::new(),
        }
    }

    /// All event fields: what a non-transforming base search outputs.
    pub fn open() -> Self {
        FieldSet::Known {
            fields: BTreeSet::new(),
            patterns: vec![ANY_FIELD.to_string()],
        }
    }

    /// A closed set of exactly these fields (wildcard names become patterns).
    pub fn from_names<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut set = FieldSet::empty();
        for name in names {
            set.insert(name.into());
        }
        set
    }

    /// Whether `field` is output: `None` when the set is unknown.
    pub fn contains(&self, field: &str) -> Option<bool> {
        match self {
            FieldSet::Unknown => None,
            FieldSet::Known { fields, patterns } => {
                Some(fields.contains(field) || patterns.iter().any(|p| wildcard_match(p, field)))
            }
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, FieldSet::Unknown)
    }

    /// True when any field may be present (the set holds the `*` pattern).
    pub fn is_open(&self) -> bool {
        match self {
            FieldSet::Unknown => false,
            FieldSet::Known { patterns, .. } => patterns.iter().any(|p| p == ANY_FIELD),
        }
    }

    /// Adds a field, or a pattern when the name holds a `*`.
    pub fn insert(&mut self, name: String) {
        if let FieldSet::Known { fields, patterns } = self {
            if name.contains('*') {
                if !patterns.contains(&name) {
                    patterns.push(name);
                }
            } else {
                fields.insert(name);
            }
        }
    }

    /// Removes a named field (patterns are left alone: they stay an upper bound).
    pub fn remove(&mut self, name: &str) {
        if let FieldSet::Known { fields, .. } = self {
            fields.remove(name);
        }
    }

    /// Widens the set to "these fields plus anything": used for commands that extract fields
    /// whose names the analyser cannot know (`xmlkv`, `spath` without a path, ...).
    pub fn widen(&mut self) {
        self.insert(ANY_FIELD.to_string());
    }

    /// The union of two sets; unknown if either is.
    pub fn union(mut self, other: &FieldSet) -> FieldSet {
        match other {
            FieldSet::Unknown => FieldSet::Unknown,
            FieldSet::Known { fields, patterns } => {
                if let FieldSet::Known { .. } = self {
                    for f in fields {
                        self.insert(f.clone());
                    }
                    for p in patterns {
                        self.insert(p.clone());
                    }
                }
                self
            }
        }
    }

    /// The named fields that match `pattern`.
    pub fn matching(&self, pattern: &str) -> Vec<String> {
        match self {
            FieldSet::Unknown => Vec::new(),
            FieldSet::Known { fields, .. } => fields
                .iter()
                .filter(|f| wildcard_match(pattern, f))
                .cloned()
                .collect(),
        }
    }
}

/// Splunk-style wildcard match where `*` matches any run of characters (including none).
///
/// Iterative with a single backtrack point, so it is linear-ish on any input (no exponential
/// blow-up on patterns such as `*a*a*a*b`).
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Renames `text` through a single-wildcard rename (`from` = `A*B`, `to` = `C*D`): returns the
/// new name when `text` matches `from`. Patterns with more than one `*` on either side are not
/// modelled (`None` from [`rename_capture_supported`] tells the caller to widen instead).
pub fn wildcard_rename(from: &str, to: &str, text: &str) -> Option<String> {
    let (prefix, suffix) = from.split_once('*')?;
    if suffix.contains('*') {
        return None;
    }
    if text.len() < prefix.len() + suffix.len() {
        return None;
    }
    let middle = text.strip_prefix(prefix)?.strip_suffix(suffix)?;
    Some(to.replacen('*', middle, 1))
}

/// Whether a rename `from AS to` is one [`wildcard_rename`] models exactly.
pub fn rename_capture_supported(from: &str, to: &str) -> bool {
    from.matches('*').count() == 1 && to.matches('*').count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_splunk() {
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("All_Traffic.*", "All_Traffic.dest"));
        assert!(!wildcard_match("All_Traffic.*", "dest"));
        assert!(wildcard_match("*a*b", "xxaxxb"));
        assert!(!wildcard_match("*a*b", "xxaxxbc"));
        assert!(wildcard_match("", ""));
        assert!(!wildcard_match("", "a"));
    }

    #[test]
    fn rename_captures_the_wildcard() {
        assert_eq!(
            wildcard_rename("Processes.*", "*", "Processes.dest").as_deref(),
            Some("dest")
        );
        assert_eq!(wildcard_rename("Processes.*", "*", "dest"), None);
        assert_eq!(
            wildcard_rename("*_name", "name_*", "user_name").as_deref(),
            Some("name_user")
        );
        assert_eq!(
            wildcard_rename("All_Traffic.*", "*", "All_Traffic.*").as_deref(),
            Some("*")
        );
    }

    #[test]
    fn open_set_contains_everything_and_unknown_knows_nothing() {
        assert_eq!(FieldSet::open().contains("x"), Some(true));
        assert_eq!(FieldSet::Unknown.contains("x"), None);
        let set = FieldSet::from_names(["a", "b.*"]);
        assert_eq!(set.contains("a"), Some(true));
        assert_eq!(set.contains("b.c"), Some(true));
        assert_eq!(set.contains("c"), Some(false));
    }
}
