//! The SPL analysis of every search in the repository, computed once per run, in parallel,
//! and shared by the rules that report on it (unknown macros, placeholders, filter macros).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::{Content, Detection, FileId, RiskSource, Text};
use crate::spl::{self, Analysis, MacroDef, MacroTable};

/// What kind of object a search belongs to, and its index in [`Content`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchOwner {
    Detection(usize),
    Baseline(usize),
    Investigation(usize),
}

pub struct SearchAnalysis<'a> {
    pub owner: SearchOwner,
    pub file: FileId,
    pub search: &'a Text,
    /// The analysis without its per-stage detail: kept for every search of the run.
    pub analysis: spl::Summary,
    /// Its key in [`Facts`](super::facts::Facts), when the run reuses and keeps them.
    pub key: Option<super::facts::Key>,
}

// Defined here, where searches are analysed, not in `load`: the loader knows nothing of SPL
// (its `[limits]` table only carries `max_search_bytes`, and its default from `spl`).
impl crate::load::LoadLimits {
    /// The SPL analysis limits, with `max_search_bytes` from the configuration.
    pub fn spl(&self) -> spl::Limits {
        spl::Limits {
            max_search_len: usize::try_from(self.max_search_bytes).unwrap_or(usize::MAX),
            ..spl::Limits::default()
        }
    }
}

/// What a search is analysed against.
pub struct SplInputs {
    pub macros: MacroTable,
    pub lookups: HashMap<String, Vec<String>>,
    pub limits: spl::Limits,
}

impl SplInputs {
    pub fn analyse(&self, search: &str) -> Analysis {
        spl::analyze_with_lookups(search, &self.macros, &self.limits, &self.lookups)
    }

    /// What the rules read of [`SplInputs::analyse`], computed without the per-stage detail.
    pub fn summarize(&self, search: &str) -> spl::Summary {
        spl::summarize_with_lookups(search, &self.macros, &self.limits, &self.lookups)
    }

    /// A hash of everything an analysis reads besides the search: the key of the
    /// summaries `facts` reuses.
    pub fn fingerprint(&self) -> super::facts::Key {
        let mut hasher = super::facts::KeyHasher::default();
        self.macros.fingerprint(&mut |field| hasher.field(field));
        let mut lookups: Vec<(&String, &Vec<String>)> = self.lookups.iter().collect();
        lookups.sort();
        for (name, columns) in lookups {
            hasher.field(&(columns.len() as u64).to_le_bytes());
            for field in std::iter::once(name).chain(columns) {
                hasher.field(field.as_bytes());
            }
        }
        let spl::Limits {
            max_depth,
            max_expanded_len,
            max_expansions,
            max_search_len,
        } = self.limits;
        for limit in [max_depth, max_expanded_len, max_expansions, max_search_len] {
            hasher.field(&(limit as u64).to_le_bytes());
        }
        hasher.finish()
    }
}

/// The macro table searches expand against: splforge's known external macros, the
/// repository's macros, and those the configuration names (`[spl] external_macros`,
/// `[lint.external] macros`).
pub fn macro_table<'a>(
    content: &Content,
    external: impl IntoIterator<Item = &'a String>,
) -> MacroTable {
    let mut table = MacroTable::with_external_macros();
    for m in &content.macros {
        let (Some(name), Some(definition)) = (&m.header.name, &m.definition) else {
            continue;
        };
        table.insert(MacroDef {
            name: name.value.clone(),
            arguments: m.arguments.iter().map(|a| a.value.clone()).collect(),
            definition: definition.value.clone(),
        });
    }
    for name in external {
        table.add_known_external(name.clone());
    }
    table
}

/// Lookup name (and file name) to its columns: the CSV header, or a KV store's fields.
pub fn lookup_columns(
    content: &Content,
    repository: &crate::load::Repository,
    limits: crate::load::LoadLimits,
) -> HashMap<String, Vec<String>> {
    let root = &repository.root;
    let mut columns = HashMap::new();
    for lookup in &content.lookups {
        let found: Option<(Vec<String>, Option<&str>)> =
            match (&lookup.filename, &lookup.fields_list) {
                (Some(filename), _) if filename.value.ends_with(".csv") => {
                    let Some(path) = super::rules::lookup_file_path(&filename.value) else {
                        continue;
                    };
                    // Only files the loader accepted: no FIFO, no link out of the root.
                    if !repository.has_data_file(&path) {
                        continue;
                    }
                    let Ok(header) = crate::load::read_data_file_header(root, &path, limits) else {
                        continue;
                    };
                    let header = header
                        .trim_end_matches(['\r', '\n'])
                        .trim_start_matches('\u{feff}');
                    let names = header
                        .split(',')
                        .map(|c| c.trim().trim_matches('"').trim().to_owned())
                        .collect();
                    Some((names, Some(filename.value.as_str())))
                }
                (_, Some(fields)) => Some((
                    fields
                        .value
                        .split(',')
                        .map(|c| c.trim().to_owned())
                        .collect(),
                    None,
                )),
                _ => None,
            };
        let Some((names, filename)) = found else {
            continue;
        };
        for key in [Some(lookup.header.name()), filename].into_iter().flatten() {
            columns.insert(key.to_owned(), names.clone());
        }
    }
    columns
}

/// Analyses every detection, baseline and investigation search.
pub fn analyse_all<'a>(
    content: &'a Content,
    inputs: &SplInputs,
    facts: Option<&super::facts::Facts>,
) -> Vec<SearchAnalysis<'a>> {
    let fingerprint = facts.map(|_| inputs.fingerprint());
    let searches: Vec<(SearchOwner, FileId, &'a Text)> = content
        .detections
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.is_spl2())
        .filter_map(|(i, d)| Some((SearchOwner::Detection(i), d.header.file, d.search.as_ref()?)))
        .chain(content.baselines.iter().enumerate().filter_map(|(i, b)| {
            Some((SearchOwner::Baseline(i), b.header.file, b.search.as_ref()?))
        }))
        .chain(
            content
                .investigations
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    Some((
                        SearchOwner::Investigation(i),
                        v.header.file,
                        v.search.as_ref()?,
                    ))
                }),
        )
        .collect();
    searches
        .into_par_iter()
        .map(|(owner, file, search)| {
            let analyse = || inputs.summarize(&search.value);
            let (analysis, key) = match facts.zip(fingerprint) {
                Some((facts, fingerprint)) => {
                    let key = super::facts::Facts::spl_key(fingerprint, &search.value);
                    (facts.spl(key, analyse), Some(key))
                }
                None => (analyse(), None),
            };
            SearchAnalysis {
                owner,
                file,
                search,
                analysis,
                key,
            }
        })
        .collect()
}

/// A field a detection names outside its search: in a `$field$` placeholder of a text, or
/// directly (an observable, a risk object).
#[derive(Debug, Clone)]
pub struct FieldUse<'a> {
    /// Where it is used, as a message says it: "the message", "an observable", ...
    pub place: &'static str,
    pub field: String,
    pub text: &'a Text,
    /// The `$field$` bytes within `text`; `None` when the whole text is the field name.
    pub range: Option<std::ops::Range<usize>>,
}

impl FieldUse<'_> {
    pub fn span(&self, source: &str) -> crate::load::Span {
        match &self.range {
            Some(range) => self.text.sub_span(source, range.clone()),
            None => self.text.span,
        }
    }
}

/// Tokens drilldowns may use that are not search fields.
const DRILLDOWN_TOKENS: [&str; 2] = ["info_min_time", "info_max_time"];

/// Every field the detection's message, drilldowns, risk/threat objects or observables and
/// throttling name, which its search must therefore output.
pub fn field_uses(detection: &Detection) -> Vec<FieldUse<'_>> {
    let mut texts: Vec<(&'static str, &Text)> = Vec::new();
    texts.extend(detection.message.as_ref().map(|m| ("the message", m)));
    for drilldown in &detection.drilldowns {
        texts.extend(drilldown.name.as_ref().map(|n| ("drilldown name", n)));
        texts.extend(drilldown.search.as_ref().map(|s| ("drilldown search", s)));
    }
    let mut uses: Vec<FieldUse<'_>> = texts
        .into_iter()
        .flat_map(|(place, text)| {
            placeholders(&text.value)
                .into_iter()
                .filter(move |(field, _)| {
                    !(place.starts_with("drilldown") && DRILLDOWN_TOKENS.contains(&field.as_str()))
                })
                .map(move |(field, range)| FieldUse {
                    place,
                    field,
                    text,
                    range: Some(range),
                })
        })
        .collect();
    let mut named: Vec<(&'static str, &Text)> = Vec::new();
    if detection.risk_source == RiskSource::Rba {
        named.extend(
            detection
                .risk_objects
                .iter()
                .map(|r| ("a risk object", &r.field)),
        );
        named.extend(
            detection
                .threat_objects
                .iter()
                .map(|t| ("a threat object", &t.field)),
        );
    } else {
        named.extend(
            detection
                .observables
                .iter()
                .filter_map(|o| Some(("an observable", o.name.as_ref()?))),
        );
    }
    named.extend(
        detection
            .throttling_fields
            .iter()
            .map(|f| ("throttling", f)),
    );
    uses.extend(named.into_iter().map(|(place, text)| FieldUse {
        place,
        field: text.value.clone(),
        text,
        range: None,
    }));
    uses
}

/// The `$token$` placeholders of a text, with their byte ranges (dollars included).
pub fn placeholders(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('$').map(|i| from + i) {
        let after = open + 1;
        let Some(close) = text[after..].find('$').map(|i| after + i) else {
            break;
        };
        let token = &text[after..close];
        if !token.is_empty() && !token.contains(char::is_whitespace) {
            out.push((token.to_owned(), open..close + 1));
            from = close + 1;
        } else {
            from = after;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{SplInputs, placeholders};
    use crate::spl::{self, MacroDef, MacroTable};

    fn inputs(definition: &str, columns: &[&str], max_depth: usize) -> SplInputs {
        let mut macros = MacroTable::with_external_macros();
        macros.insert(MacroDef {
            name: "m".into(),
            arguments: Vec::new(),
            definition: definition.into(),
        });
        let lookups = [(
            "l".to_owned(),
            columns.iter().map(|c| c.to_string()).collect(),
        )];
        SplInputs {
            macros,
            lookups: lookups.into_iter().collect(),
            limits: spl::Limits {
                max_depth,
                ..spl::Limits::default()
            },
        }
    }

    /// Reused SPL summaries are keyed by this: every input an analysis reads changes it.
    #[test]
    fn the_fingerprint_changes_with_every_input() {
        let base = inputs("index=a", &["x", "y"], 8);
        assert_eq!(
            base.fingerprint(),
            inputs("index=a", &["x", "y"], 8).fingerprint()
        );
        for other in [
            inputs("index=b", &["x", "y"], 8),
            inputs("index=a", &["x"], 8),
            inputs("index=a", &["xy"], 8),
            inputs("index=a", &["x", "y", ""], 8),
            inputs("index=a", &["x", "y"], 9),
        ] {
            assert_ne!(base.fingerprint(), other.fingerprint());
        }
        let mut external = inputs("index=a", &["x", "y"], 8);
        external.macros.add_known_external("opaque_one");
        assert_ne!(base.fingerprint(), external.fingerprint());
    }

    #[test]
    fn finds_placeholders_and_skips_lone_dollars() {
        let found = placeholders("User $user$ paid $ 5 on $dest$; $info_min_time$");
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["user", "dest", "info_min_time"]);
        assert_eq!(found[0].1, 5..11);
    }
}
