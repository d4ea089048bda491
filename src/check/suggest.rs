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
    /// Levenshtein distance, or `None` as soon as it must exceed `limit`. Only the band of
    /// cells within `limit` of the diagonal is computed (any path through a cell outside it
    /// costs more than `limit`): 2 × limit + 1 cells a row instead of the whole row.
    fn bounded_levenshtein(&mut self, a: &[char], b: &[char], limit: usize) -> Option<usize> {
        if a.len().abs_diff(b.len()) > limit {
            return None;
        }
        let beyond = limit + 1;
        let Scratch { previous, current } = self;
        previous.clear();
        previous.extend((0..=b.len()).map(|j| j.min(beyond)));
        current.clear();
        current.resize(b.len() + 1, beyond);
        for (i, ca) in a.iter().enumerate() {
            let row = i + 1;
            let first = row.saturating_sub(limit).max(1);
            let last = (row + limit).min(b.len());
            current[first - 1] = if first == 1 { row.min(beyond) } else { beyond };
            let mut row_min = current[first - 1];
            for j in first..=last {
                let cost = usize::from(*ca != b[j - 1]);
                current[j] = (previous[j - 1] + cost)
                    .min(previous[j] + 1)
                    .min(current[j - 1] + 1)
                    .min(beyond);
                row_min = row_min.min(current[j]);
            }
            // The next row reads this one up to `last + 1`: outside the band.
            if let Some(cell) = current.get_mut(last + 1) {
                *cell = beyond;
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

    /// The plain full-table distance, to check the banded one against.
    fn levenshtein(a: &[char], b: &[char]) -> usize {
        let mut previous: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut current = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let cost = usize::from(ca != cb);
                current.push(
                    (previous[j] + cost)
                        .min(previous[j + 1] + 1)
                        .min(current[j] + 1),
                );
            }
            previous = current;
        }
        previous[b.len()]
    }

    #[test]
    fn the_banded_distance_is_the_full_distance_within_the_limit() {
        // Every pair of strings over a small alphabet up to length 6, every limit to 4.
        let words: Vec<Vec<char>> = (0..6)
            .flat_map(|len| {
                (0..3usize.pow(len)).map(move |mut n| {
                    (0..len)
                        .map(|_| {
                            let c = ['a', 'b', 'c'][n % 3];
                            n /= 3;
                            c
                        })
                        .collect()
                })
            })
            .collect();
        let mut scratch = Scratch::default();
        for a in words.iter().step_by(7) {
            for b in &words {
                let full = levenshtein(a, b);
                for limit in 0..=4 {
                    let banded = scratch.bounded_levenshtein(a, b, limit);
                    assert_eq!(
                        banded,
                        (full <= limit).then_some(full),
                        "{a:?} {b:?} {limit}"
                    );
                }
            }
        }
    }

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
