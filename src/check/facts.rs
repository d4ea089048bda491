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
use crate::spl::Summary;

/// A 128-bit XXH3 hash, as two halves (serde formats have no 128-bit integers everywhere).
pub type Key = (u64, u64);

/// A file's schema result: `Err` when its kind and generation have no usable schema.
pub type Violations = Result<Vec<SchemaViolation>, String>;

/// The results a run used, to be reused by the next one ([`super::Report::facts`]).
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredFacts {
    pub schema: Vec<(Key, Violations)>,
    pub spl: Vec<(Key, Summary)>,
}

impl StoredFacts {
    /// Sorted by key, each key once: a stable file for the same results.
    pub fn normalise(&mut self) {
        self.schema.sort_by_key(|(key, _)| *key);
        self.schema.dedup_by_key(|(key, _)| *key);
        self.spl.sort_by_key(|(key, _)| *key);
        self.spl.dedup_by_key(|(key, _)| *key);
    }
}

/// The results of an earlier run. Each is taken out when a run reuses it (a repository
/// rarely holds two files with the same text), so nothing is held twice.
#[derive(Debug, Default)]
pub struct Facts {
    earlier_schema: Mutex<HashMap<Key, Violations>>,
    earlier_spl: Mutex<HashMap<Key, Summary>>,
}

impl Facts {
    /// Facts that reuse `earlier`.
    pub fn reusing(earlier: StoredFacts) -> Facts {
        Facts {
            earlier_schema: Mutex::new(earlier.schema.into_iter().collect()),
            earlier_spl: Mutex::new(earlier.spl.into_iter().collect()),
        }
    }

    /// The schema results no run took: a caller that checks only some files (the editor
    /// server, after a keystroke) keeps them for its next whole-repository run.
    pub fn into_unused_schema(self) -> Vec<(Key, Violations)> {
        self.earlier_schema
            .into_inner()
            .map(|map| map.into_iter().collect())
            .unwrap_or_default()
    }

    /// The key of a file's schema result.
    pub fn schema_key(kind: ContentKind, schema_set: &str, text: &str) -> Key {
        key(&[
            kind.name().as_bytes(),
            schema_set.as_bytes(),
            text.as_bytes(),
        ])
    }

    /// The key of the SPL summary of `search` analysed against inputs whose fingerprint is
    /// `inputs`.
    pub fn spl_key(inputs: Key, search: &str) -> Key {
        key(&[
            &inputs.0.to_le_bytes(),
            &inputs.1.to_le_bytes(),
            search.as_bytes(),
        ])
    }

    /// The earlier schema result under `key`, or `validate`'s.
    pub fn schema(&self, key: Key, validate: impl FnOnce() -> Violations) -> Violations {
        let earlier = lock(&self.earlier_schema).remove(&key);
        earlier.unwrap_or_else(validate)
    }

    /// The earlier SPL summary under `key`, or `analyse`'s.
    pub fn spl(&self, key: Key, analyse: impl FnOnce() -> Summary) -> Summary {
        let earlier = lock(&self.earlier_spl).remove(&key);
        earlier.unwrap_or_else(analyse)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The XXH3-128 of `fields`, each prefixed with its length.
pub fn key(fields: &[&[u8]]) -> Key {
    let mut hasher = KeyHasher::default();
    for field in fields {
        hasher.field(field);
    }
    hasher.finish()
}

/// XXH3-128 over length-prefixed fields, so that no two lists of fields hash alike by
/// concatenation: the keys of the facts and of the lint cache's entries.
#[derive(Default)]
pub struct KeyHasher(Xxh3);

impl KeyHasher {
    pub fn field(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    pub fn finish(&self) -> Key {
        let digest = self.0.digest128();
        ((digest >> 64) as u64, digest as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Generation;
    use crate::spl::FieldSet;

    fn summary(field: &str) -> Summary {
        Summary {
            output: FieldSet::from_names([field]),
            macro_calls: Vec::new(),
            problems: Vec::new(),
            unproduced_references: Vec::new(),
            lookups: Vec::new(),
        }
    }

    fn violations(message: &str) -> Violations {
        Err(message.to_owned())
    }

    #[test]
    fn an_earlier_result_is_reused_only_under_its_key() {
        let (kind, generation) = (ContentKind::Detection, Generation::Contentctl4);
        let schema_key = Facts::schema_key(kind, generation.schema_dir(), "name: a\n");
        let spl_key = Facts::spl_key((1, 2), "| tstats count");
        let facts = Facts::reusing(StoredFacts {
            schema: vec![(schema_key, violations("earlier"))],
            spl: vec![(spl_key, summary("count"))],
        });
        assert_eq!(
            facts.schema(schema_key, || unreachable!()),
            violations("earlier")
        );
        let reused = facts.spl(spl_key, || unreachable!());
        assert_eq!(reused.output, summary("count").output);
        // Another text, kind, generation, search or set of inputs has another key.
        let fresh = || violations("fresh");
        for other in [
            Facts::schema_key(kind, generation.schema_dir(), "name: b\n"),
            Facts::schema_key(ContentKind::Story, generation.schema_dir(), "name: a\n"),
            Facts::schema_key(kind, Generation::Contentctl5.schema_dir(), "name: a\n"),
        ] {
            assert_ne!(other, schema_key);
            assert_eq!(facts.schema(other, fresh), fresh());
        }
        for other in [
            Facts::spl_key((1, 3), "| tstats count"),
            Facts::spl_key((1, 2), "| tstats max"),
        ] {
            assert_ne!(other, spl_key);
            assert_eq!(
                facts.spl(other, || summary("x")).output,
                summary("x").output
            );
        }
    }

    #[test]
    fn keys_separate_their_fields() {
        assert_ne!(key(&[b"ab", b"c"]), key(&[b"a", b"bc"]));
        assert_eq!(key(&[b"ab", b"c"]), key(&[b"ab", b"c"]));
    }
}
