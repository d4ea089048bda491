//! Per-file results of an earlier run, reused where their input is the same: each file's
//! schema result, keyed by a hash of its kind, its generation and its text, and each
//! search's SPL summary, keyed by a hash of the search and of everything it is analysed
//! against (the macro table, the lookups' columns, the limits). The cross-file rules always
//! run again, on the model of this run.
//!
//! The lint cache (`crate::cache`) keeps them beside its entries: a run that misses the
//! whole-run entry (one file edited) parses every file again. It validates and analyses only
//! what changed. Both results are pure functions of what their key hashes and of the
//! splforge build, which the stored file names, so a reused result is the one this run
//! would compute.

use std::collections::HashMap;
use std::sync::Mutex;

use xxhash_rust::xxh3::Xxh3;

use super::schema::SchemaViolation;
use crate::load::ContentKind;
use crate::model::Generation;
use crate::spl::Summary;

/// A 128-bit XXH3 hash, as two halves (JSON has no 128-bit integers).
pub type Key = (u64, u64);

/// A file's schema result: `Err` when its kind and generation have no usable schema.
pub type Violations = Result<Vec<SchemaViolation>, String>;

/// The results a run used, to be reused by the next one.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredFacts {
    pub schema: Vec<(Key, Violations)>,
    pub spl: Vec<(Key, Summary)>,
}

/// The results of an earlier run, and those this run uses (reused or computed).
#[derive(Debug, Default)]
pub struct Facts {
    earlier_schema: HashMap<Key, Violations>,
    earlier_spl: HashMap<Key, Summary>,
    used: Mutex<StoredFacts>,
}

impl Facts {
    /// Facts that reuse `earlier`.
    pub fn reusing(earlier: StoredFacts) -> Facts {
        Facts {
            earlier_schema: earlier.schema.into_iter().collect(),
            earlier_spl: earlier.spl.into_iter().collect(),
            used: Mutex::default(),
        }
    }

    /// The schema result of a file: the earlier one for the same kind, generation and
    /// text, or `validate`'s.
    pub fn schema(
        &self,
        kind: ContentKind,
        generation: Generation,
        text: &str,
        validate: impl FnOnce() -> Violations,
    ) -> Violations {
        let key = key(&[
            kind.name().as_bytes(),
            generation.schema_dir().as_bytes(),
            text.as_bytes(),
        ]);
        let violations = match self.earlier_schema.get(&key) {
            Some(earlier) => earlier.clone(),
            None => validate(),
        };
        self.record(|used| used.schema.push((key, violations.clone())));
        violations
    }

    /// The SPL summary of `search` analysed against inputs whose fingerprint is `inputs`:
    /// the earlier one, or `analyse`'s.
    pub fn spl(&self, inputs: Key, search: &str, analyse: impl FnOnce() -> Summary) -> Summary {
        let key = key(&[
            &inputs.0.to_le_bytes(),
            &inputs.1.to_le_bytes(),
            search.as_bytes(),
        ]);
        let summary = match self.earlier_spl.get(&key) {
            Some(earlier) => earlier.clone(),
            None => analyse(),
        };
        self.record(|used| used.spl.push((key, summary.clone())));
        summary
    }

    /// What this run used, in a stable order.
    pub fn into_used(self) -> StoredFacts {
        let mut used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        used.schema.sort_by_key(|(key, _)| *key);
        used.schema.dedup_by_key(|(key, _)| *key);
        used.spl.sort_by_key(|(key, _)| *key);
        used.spl.dedup_by_key(|(key, _)| *key);
        used
    }

    fn record(&self, add: impl FnOnce(&mut StoredFacts)) {
        add(&mut self.used.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

/// The XXH3-128 of `fields`, each prefixed with its length.
pub fn key(fields: &[&[u8]]) -> Key {
    let mut hasher = Xxh3::new();
    for field in fields {
        hasher.update(&(field.len() as u64).to_le_bytes());
        hasher.update(field);
    }
    let digest = hasher.digest128();
    ((digest >> 64) as u64, digest as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spl::FieldSet;

    fn summary(field: &str) -> Summary {
        Summary {
            output: FieldSet::from_names([field]),
            macro_calls: Vec::new(),
            problems: Vec::new(),
            unproduced_references: Vec::new(),
        }
    }

    fn violations(message: &str) -> Violations {
        Err(message.to_owned())
    }

    #[test]
    fn an_earlier_result_is_reused_only_for_the_same_input() {
        let first = Facts::default();
        let (kind, generation) = (ContentKind::Detection, Generation::Contentctl4);
        let _ = first.schema(kind, generation, "name: a\n", || violations("computed"));
        first.spl((1, 2), "| tstats count", || summary("count"));
        let earlier = first.into_used();
        assert_eq!((earlier.schema.len(), earlier.spl.len()), (1, 1));

        let second = Facts::reusing(earlier);
        let reused = second.schema(kind, generation, "name: a\n", || unreachable!());
        assert_eq!(reused, violations("computed"));
        let reused = second.spl((1, 2), "| tstats count", || unreachable!());
        assert_eq!(reused.output, summary("count").output);
        // Another text, kind, generation, search or set of inputs is computed again.
        let fresh = || violations("fresh");
        assert_eq!(second.schema(kind, generation, "name: b\n", fresh), fresh());
        assert_eq!(
            second.schema(ContentKind::Story, generation, "name: a\n", fresh),
            fresh()
        );
        assert_eq!(
            second.schema(kind, Generation::Contentctl5, "name: a\n", fresh),
            fresh()
        );
        let other = || summary("other");
        for (inputs, search) in [((1, 3), "| tstats count"), ((1, 2), "| tstats max")] {
            assert_eq!(second.spl(inputs, search, other).output, other().output);
        }
        // What the second run used, earlier or new, is what it stores; nothing else.
        let used = second.into_used();
        assert_eq!((used.schema.len(), used.spl.len()), (4, 3));
    }

    #[test]
    fn keys_separate_their_fields() {
        assert_ne!(key(&[b"ab", b"c"]), key(&[b"a", b"bc"]));
        assert_eq!(key(&[b"ab", b"c"]), key(&[b"ab", b"c"]));
    }
}
