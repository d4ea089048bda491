//! Golden test: `docs` reproduces the 2022 security_content pages byte for byte.
//! Reads `../shared/golden/2022` (skips with a printed reason when it is absent).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use splforge::docs::{self, DocsFormat, DocsOptions};
use splforge::load::{LoadLimits, load_repository};
use splforge::model::Content;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

fn expected_pages(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut pages = Vec::new();
    for sub in ["_posts", "_stories"] {
        let mut entries: Vec<_> = std::fs::read_dir(dir.join(sub))
            .expect("expected dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            pages.push((format!("{sub}/{name}"), std::fs::read(&path).unwrap()));
        }
    }
    pages
}

fn first_difference(expected: &str, actual: &str) -> String {
    for (n, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}:\n  expected: {e:?}\n  actual:   {a:?}", n + 1);
        }
    }
    format!(
        "lengths differ: expected {} lines / {} bytes, actual {} lines / {} bytes",
        expected.lines().count(),
        expected.len(),
        actual.lines().count(),
        actual.len()
    )
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn golden_2022_pages_are_byte_identical() {
    let golden = shared().join("golden/2022");
    if !golden.is_dir() {
        println!("skipped: {} is absent", golden.display());
        return;
    }
    // The embedded ATT&CK v10.1 catalogue, as `splforge docs --attack-version 10.1` uses it:
    // tactics from the STIX kill-chain phases, in STIX order, title-cased.
    let lookup = splforge::attack::catalogue("10.1").unwrap();
    let repository = load_repository(&golden.join("inputs"), LoadLimits::default());
    let content = Content::build(&repository);
    let options = DocsOptions::new(DocsFormat::Markdown, lookup);
    let rendered = docs::render_docs(&content, &repository, &options).expect("render");
    let actual: HashMap<&str, &str> = rendered
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .collect();

    let expected = expected_pages(&golden.join("expected"));
    assert_eq!(expected.len(), 20, "18 detection pages and 2 story pages");
    let mut failures = Vec::new();
    for (path, bytes) in &expected {
        let expected_text = String::from_utf8_lossy(bytes);
        match actual.get(path.as_str()) {
            None => failures.push(format!("{path}: not generated")),
            Some(text) if text.as_bytes() != bytes.as_slice() => failures.push(format!(
                "{path}: {}",
                first_difference(&expected_text, text)
            )),
            Some(_) => {}
        }
    }
    println!(
        "{} of {} golden pages byte-identical",
        expected.len() - failures.len(),
        expected.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn the_seed_page_is_one_of_the_golden_pages() {
    let seed = shared().join("seeds/000_ccd3544ed0ca93b6.txt");
    let page =
        shared().join("golden/2022/expected/_posts/2021-04-01-aws_iam_failure_group_deletion.md");
    if !seed.is_file() || !page.is_file() {
        println!("skipped: seed or golden page absent");
        return;
    }
    assert_eq!(std::fs::read(seed).unwrap(), std::fs::read(page).unwrap());
}
