//! "Did you mean" suggestions: the closest known name within a bounded edit distance.
//!
//! [`Candidates`] is an index of names built once (lower-cased, as characters, grouped by
//! length), so each lookup only measures the names whose length is within the edit limit,
//! with no allocation per candidate: unresolved references × names would otherwise be
//! quadratic on a large repository.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};

/// Names to suggest from, indexed for bounded edit-distance lookups.
#[derive(Debug, Default)]
pub struct Candidates<'a> {
    /// `(lower-cased characters, name)`, keyed by the lower-cased length in characters.
    by_length: BTreeMap<usize, Vec<(Vec<char>, &'a str)>>,
    /// Answers already given: the same unresolved name tends to recur in many files.
    answers: Mutex<HashMap<String, Option<&'a str>>>,
}

impl<'a> Candidates<'a> {
    pub fn new(names: impl IntoIterator<Item = &'a str>) -> Candidates<'a> {
        let mut by_length: BTreeMap<usize, Vec<(Vec<char>, &'a str)>> = BTreeMap::new();
        for name in names {
            let lower: Vec<char> = name.to_lowercase().chars().collect();
            by_length
                .entry(lower.len())
                .or_default()
                .push((lower, name));
        }
        Candidates {
            by_length,
            answers: Mutex::default(),
        }
    }

    /// The candidate closest to `wanted`, if it is close enough to be a likely typo: equal
    /// but for letter case, or at most a third of its length (1 to 4) edits away. Ties go
    /// to the smallest name.
    pub fn best(&self, wanted: &str) -> Option<&'a str> {
        let answers = || self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        let known = answers().get(wanted).copied();
        if let Some(answer) = known {
            return answer;
        }
        let answer = self.measure(wanted);
        answers().insert(wanted.to_owned(), answer);
        answer
    }

    fn measure(&self, wanted: &str) -> Option<&'a str> {
        let wanted_lower: Vec<char> = wanted.to_lowercase().chars().collect();
        let limit = (wanted.chars().count() / 3).clamp(1, 4);
        let lengths = wanted_lower.len().saturating_sub(limit)..=wanted_lower.len() + limit;
        let mut scratch = Scratch::default();
        self.by_length
            .range(lengths)
            .flat_map(|(_, names)| names)
            .filter_map(|(lower, name)| {
                let distance = if *lower == wanted_lower {
                    0
                } else {
                    scratch.bounded_levenshtein(&wanted_lower, lower, limit)?
                };
                Some((distance, *name))
            })
            .min()
            .map(|(_, name)| name)
    }
}

/// The candidate closest to `wanted` (see [`Candidates::best`]), for a one-off lookup.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    Candidates::new(candidates).best(wanted)
}

/// Whether two strings are at most `limit` edits apart.
pub fn edit_distance_at_most(a: &str, b: &str, limit: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    a.len().abs_diff(b.len()) <= limit
        && Scratch::default()
            .bounded_levenshtein(&a, &b, limit)
            .is_some()
}

/// The two rows of the distance table, reused across candidates.
#[derive(Default)]
struct Scratch {
    previous: Vec<usize>,
    current: Vec<usize>,
}

impl Scratch {
    /// Levenshtein distance, or `None` as soon as it must exceed `limit`.
    fn bounded_levenshtein(&mut self, a: &[char], b: &[char], limit: usize) -> Option<usize> {
        let Scratch { previous, current } = self;
        previous.clear();
        previous.extend(0..=b.len());
        current.clear();
        current.resize(b.len() + 1, 0);
        for (i, ca) in a.iter().enumerate() {
            current[0] = i + 1;
            let mut row_min = current[0];
            for (j, cb) in b.iter().enumerate() {
                let cost = usize::from(ca != cb);
                current[j + 1] = (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1);
                row_min = row_min.min(current[j + 1]);
            }
            if row_min > limit {
                return None;
            }
            std::mem::swap(previous, current);
        }
        let distance = previous[b.len()];
        (distance <= limit).then_some(distance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["Ransomware", "AWS IAM Privilege Escalation", "XMRig"];
        assert_eq!(did_you_mean("Ransomwares", names), Some("Ransomware"));
        assert_eq!(did_you_mean("ransomware", names), Some("Ransomware"));
        assert_eq!(did_you_mean("Cobalt Strike", names), None);
    }

    #[test]
    fn the_index_prefers_the_closest_then_the_smallest_name() {
        let candidates = Candidates::new(["abcd", "abce", "abXY", "ABCD", "zzzzzzzzzz"]);
        // "abcd" and "ABCD" are both 0 edits from "abcd" lower-cased; the smaller wins.
        assert_eq!(candidates.best("abcd"), Some("ABCD"));
        // One edit from "abcd", "abce" and "ABCD": the smallest of them.
        assert_eq!(candidates.best("abcf"), Some("ABCD"));
        assert_eq!(candidates.best("qqqq"), None);
        assert!(edit_distance_at_most("data_source", "data_sources", 1));
        assert!(!edit_distance_at_most("abc", "xyz", 2));
    }
}
