use super::fields::TextStyle;
use super::{Fields, Generation, Header, Text};
use std::collections::HashSet;
use std::sync::OnceLock;

use crate::load::Span;

/// A lookup definition: a CSV file, a KV-store collection or an ML model.
///
/// Every generation reads into the same fields. 4.x and 2022 name their file
/// (`filename`) and collection (`collection`, `fields_list`) themselves; 5.x says only its
/// `lookup_type`, and the rest follows as contentctl 5 derives it: a CSV lookup's file is
/// `lookups/<yml stem>.csv`, an ML model's `lookups/<yml stem>.mlmodel`, a KV store's
/// collection is its name and its `fields` are the `fields_list`. 5.x's `match_type` list
/// reads as 4.x's one string, its entries joined with `, `.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Lookup {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    /// `csv`, `kvstore` or `mlmodel` (5.x only).
    pub lookup_type: Option<Text>,
    /// The CSV or .mlmodel file under `lookups/`, when the lookup has one.
    pub filename: Option<Text>,
    pub collection: Option<Text>,
    pub fields_list: Option<Text>,
    pub match_type: Option<Text>,
    pub min_matches: Option<Text>,
    pub max_matches: Option<Text>,
    pub default_match: Option<Text>,
    pub case_sensitive_match: Option<Text>,
    pub filter: Option<Text>,
}

impl Lookup {
    /// `file_stem` is the definition file's name without `.yml`: a 5.x file-backed lookup's
    /// data file is named after it.
    pub(super) fn read(
        header: Header,
        generation: Generation,
        f: &Fields<'_>,
        src: &str,
        file_stem: &str,
    ) -> Lookup {
        let lookup_type = f.text("lookup_type", src);
        let derived = |value: String| lookup_type.as_ref().map(|t| Text { value, ..t.clone() });
        let kind = lookup_type.as_ref().map(|t| t.value.as_str());
        let (filename, collection, fields_list) = match kind {
            Some(kind @ ("csv" | "mlmodel")) => {
                (derived(format!("{file_stem}.{kind}")), None, None)
            }
            Some("kvstore") => (
                None,
                derived(header.name().to_owned()),
                joined(&f.texts("fields", src)),
            ),
            _ => (
                f.text("filename", src),
                f.text("collection", src),
                f.text("fields_list", src),
            ),
        };
        let match_type = match f.node("match_type") {
            Some(node) if node.as_seq().is_some() => joined(&f.texts("match_type", src)),
            _ => f.text("match_type", src),
        };
        Lookup {
            header,
            generation,
            lookup_type,
            filename,
            collection,
            fields_list,
            match_type,
            min_matches: f.text("min_matches", src),
            max_matches: f.text("max_matches", src),
            default_match: f.text("default_match", src),
            case_sensitive_match: f.text("case_sensitive_match", src),
            filter: f.text("filter", src),
        }
    }

    /// The lookup's type: 5.x's `lookup_type`, or what a 4.x definition's keys show.
    pub fn kind(&self) -> &str {
        match &self.lookup_type {
            Some(t) => t.as_str(),
            None if self.filename.is_none() => "kvstore",
            None if self
                .filename
                .as_ref()
                .is_some_and(|f| f.value.ends_with(".mlmodel")) =>
            {
                "mlmodel"
            }
            None => "csv",
        }
    }
}

/// A list's entries joined with `, ` (as contentctl 5 writes `match_type` and
/// `fields_list`), spanning the first to the last entry; `None` for an empty list.
fn joined(items: &[Text]) -> Option<Text> {
    let (first, last) = (items.first()?, items.last()?);
    Some(Text {
        value: items
            .iter()
            .map(Text::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        span: Span::new(first.span.start as usize, last.span.end as usize),
        style: TextStyle::default(),
    })
}

/// Names contentctl 5.6.2 never resolves (`LOOKUPS_TO_IGNORE`).
const IGNORED: &str = include_str!("../../data/migrate/contentctl5_lookups_to_ignore.txt");

/// contentctl 5.6.2's `Lookup.get_lookups` patterns (case-insensitive): the name after
/// `inputlookup`, `outputlookup` and `lookup`, past their options. Its `lookup` pattern's
/// look-behinds (not `inputlookup`/`outputlookup`) always hold after `[^\w]`, so they go.
fn patterns() -> &'static [regex::Regex] {
    static PATTERNS: OnceLock<Vec<regex::Regex>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            r"(?i)[^\w]inputlookup(?:\s*(?:(?:append|strict|start|max)\s*=\s*(?:true|t|false|f))){0,4}\s+(\w+)",
            r"(?i)[^\w]outputlookup(?:\s*(?:(?:append|create_empty|override_if_empty|max|key_field|allow_updates|createinapp|create_context|output_format)\s*=\s*[^\s]*))*\s+(\w+)",
            r"(?i)[^\w]lookup(?:\s*(?:(?:local|update)\s*=\s*(?:true|t|false|f))){0,2}\s+(\w+)",
        ]
        .into_iter()
        // Constant patterns: they compile (the unit test below finds all three kinds).
        .filter_map(|p| regex::Regex::new(p).ok())
        .collect()
    })
}

/// The lookup names of `search` contentctl 5 resolves (`Lookup.get_lookups`), with their
/// byte ranges, in order: what SF304 and the API output read as contentctl 5 does.
pub fn contentctl5_lookup_names(search: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let ignored: HashSet<&str> = IGNORED
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut found = Vec::new();
    for pattern in patterns() {
        for captures in pattern.captures_iter(search) {
            if let Some(name) = captures.get(1)
                && !ignored.contains(name.as_str())
            {
                found.push((name.as_str().to_owned(), name.range()));
            }
        }
    }
    found.sort_by_key(|(_, range)| range.start);
    found
}

#[cfg(test)]
mod contentctl5_tests {
    use super::*;

    #[test]
    fn finds_lookups_as_contentctl_5_does() {
        let names: Vec<String> = contentctl5_lookup_names(
            "| inputlookup append=t a_lookup | lookup local=true b_lookup x | outputlookup override_if_empty=false c_lookup | lookup ut_shannon_lookup word",
        )
        .into_iter()
        .map(|(n, _)| n)
        .collect();
        assert_eq!(names, ["a_lookup", "b_lookup", "c_lookup"]);
    }
}
