//! `docs` against the real 2022 generator on cases the shared golden pages do not show:
//! lookups named by `inputlookup`/`outputlookup`, with options, inside another word, twice
//! and in a macro; KV-store lookups (`with [data]()`); Python's printing of null, lists,
//! booleans and hexadecimal numbers; two detections with one name; a revoked technique; an
//! experimental detection with odd characters in its name; a baseline among the detections;
//! and the site-wide files (`_pages/`: the detection and story lists, a page per data model,
//! tactic and story category; `_data/navigation.yml`).
//!
//! The inputs in `tests/fixtures/docs_2022_cases/inputs` are written for this test. The
//! pages in `expected/` are the output of the unchanged 2022 generator run on them by
//! `scripts/run-2022-generator.sh`, not written by hand. Every generated page, and only
//! those, must come out of splforge byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use splforge::docs::{self, DocsFormat, DocsOptions};
use splforge::model::Content;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs_2022_cases")
}

fn pages(dir: &Path) -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    for sub in ["_posts", "_stories", "_pages", "_data"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            pages.insert(
                format!("{sub}/{name}"),
                std::fs::read_to_string(&path).unwrap(),
            );
        }
    }
    pages
}

#[test]
fn pages_match_what_the_2022_generator_wrote() {
    let expected = pages(&cases().join("expected"));
    assert_eq!(
        expected.len(),
        22,
        "5 detection pages, 2 story pages, 14 list and tag pages, the navigation"
    );
    compare(&cases().join("inputs"), &expected);
}

/// Every file the generator wrote from `../shared/golden/2022/inputs` (the shared
/// `expected/` keeps 20 of its 55: no list pages, and 2 of its 17 story pages).
#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn every_file_the_generator_wrote_from_the_golden_inputs_matches() {
    let Some(inputs) = crate::support::shared("golden/2022/inputs") else {
        println!("skipped: ../shared/golden/2022/inputs is absent");
        return;
    };
    let expected = pages(&cases().join("golden_inputs_expected"));
    assert_eq!(expected.len(), 55);
    compare(&inputs, &expected);
}

fn compare(inputs: &Path, expected: &BTreeMap<String, String>) {
    let catalogue = splforge::attack::catalogue("10.1").unwrap();
    let (repository, content, _) =
        Content::load(inputs, splforge::load::LoadLimits::default(), |_, _, _| ());
    let options = DocsOptions::new(DocsFormat::Markdown, catalogue);
    let rendered = docs::render_docs(&content, &repository, &options).expect("render");
    let actual: BTreeMap<String, String> = rendered
        .files
        .iter()
        .filter(|f| {
            ["_posts/", "_stories/", "_pages/", "_data/"]
                .iter()
                .any(|d| f.path.starts_with(d))
        })
        .map(|f| (f.path.clone(), f.contents.clone()))
        .collect();
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&actual), names(expected), "the same page files");
    let mut failures = Vec::new();
    for (path, want) in expected {
        let got = &actual[path];
        if got != want {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .map_or(want.lines().count().min(got.lines().count()), |n| n);
            failures.push(format!(
                "{path} line {}:\n  expected: {:?}\n  actual:   {:?}",
                line + 1,
                want.lines().nth(line),
                got.lines().nth(line)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
