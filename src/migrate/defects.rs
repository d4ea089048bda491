//! Defects of 4.x content that contentctl 5 rejects, that splforge's rules do not report
//! as errors, and that migrate cannot fix: a search naming a lookup no definition gives
//! (contentctl 5 resolves every `lookup`, `inputlookup` and `outputlookup` of a search), and
//! a story listed twice in a detection's `analytic_story`.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::load::Span;
use crate::model::{Content, FileId, Text};

/// One defect, placed in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    pub file: FileId,
    pub span: Span,
    pub message: String,
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

/// The lookup names of `search` contentctl 5 resolves, with their byte ranges, in order.
pub fn lookups_in_search(search: &str) -> Vec<(String, std::ops::Range<usize>)> {
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

/// The defects of `content` (`sources[file]` is each file's text).
pub fn contentctl5_defects(content: &Content, sources: &[&str]) -> Vec<Defect> {
    let defined: HashSet<&str> = content.lookups.iter().map(|l| l.header.name()).collect();
    let mut defects = Vec::new();
    let searches = content
        .detections
        .iter()
        .map(|d| (d.header.file, &d.search))
        .chain(content.baselines.iter().map(|b| (b.header.file, &b.search)));
    for (file, search) in searches {
        let Some(search) = search else {
            continue;
        };
        let source = sources.get(file).copied().unwrap_or_default();
        let mut reported = HashSet::new();
        for (name, range) in lookups_in_search(&search.value) {
            if defined.contains(name.as_str()) || !reported.insert(name.clone()) {
                continue;
            }
            defects.push(Defect {
                file,
                span: search.sub_span(source, range),
                message: format!(
                    "the search uses lookup `{name}`, which no lookup defines: contentctl 5 rejects it"
                ),
            });
        }
    }
    for detection in &content.detections {
        defects.extend(twice(&detection.analytic_stories).map(|story| Defect {
            file: detection.header.file,
            span: story.span,
            message: format!(
                "story `{}` is listed twice in analytic_story: contentctl 5 rejects it",
                // Printed on a terminal: no control characters.
                story.value.replace(char::is_control, "?")
            ),
        }));
    }
    defects
}

/// The entries of `names` that repeat an earlier one.
fn twice(names: &[Text]) -> impl Iterator<Item = &Text> {
    let mut seen = HashSet::new();
    names.iter().filter(move |n| !seen.insert(n.value.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lookups_as_contentctl_5_does() {
        let names: Vec<String> = lookups_in_search(
            "| inputlookup append=t a_lookup | lookup local=true b_lookup x | outputlookup override_if_empty=false c_lookup | lookup ut_shannon_lookup word",
        )
        .into_iter()
        .map(|(n, _)| n)
        .collect();
        assert_eq!(names, ["a_lookup", "b_lookup", "c_lookup"]);
    }
}
