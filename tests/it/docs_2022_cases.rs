//! `docs` against the real 2022 generator on cases the shared golden pages do not show:
//! lookups named by `inputlookup`/`outputlookup`, with options, inside another word, twice
//! and in a macro; KV-store lookups (`with [data]()`); Python's printing of null, lists,
//! booleans and hexadecimal numbers; two detections with one name; a revoked technique; an
//! experimental detection with odd characters in its name; a baseline among the detections.
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
    for sub in ["_posts", "_stories"] {
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
    let catalogue = splforge::attack::catalogue("10.1").unwrap();
    let (repository, content, _) = Content::load(
        &cases().join("inputs"),
        splforge::load::LoadLimits::default(),
        |_, _, _| (),
    );
    let options = DocsOptions::new(DocsFormat::Markdown, catalogue);
    let rendered = docs::render_docs(&content, &repository, &options).expect("render");
    let actual: BTreeMap<String, String> = rendered
        .files
        .iter()
        .filter(|f| f.path.starts_with("_posts/") || f.path.starts_with("_stories/"))
        .map(|f| (f.path.clone(), f.contents.clone()))
        .collect();
    let expected = pages(&cases().join("expected"));
    assert_eq!(expected.len(), 7, "5 detection pages and 2 story pages");
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&actual), names(&expected), "the same page files");
    let mut failures = Vec::new();
    for (path, want) in &expected {
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
