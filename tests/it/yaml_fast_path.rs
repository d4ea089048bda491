//! The block-style fast path (`load::yaml::block`) against granit-parser on every YAML file
//! at hand: wherever the fast path answers, its document (every node, span, value, style,
//! timestamp flag and duplicate-key problem) is the one granit-parser's events build, and
//! granit-parser accepts the file. On the real corpus the fast path must answer for at
//! least 99% of the files, or it is not the fast path.

use crate::support;

use std::path::{Path, PathBuf};

use splforge::load::yaml::{YamlLimits, fast_path_agrees};

/// What comparing a set of files found.
#[derive(Debug, Default)]
struct Compared {
    files: usize,
    handled: usize,
}

fn yaml_files(root: &Path, any_extension: bool) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some("target" | ".git")))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            any_extension || matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))
        })
        .collect();
    files.sort();
    files
}

/// Compares the two parsers on every file; panics on the first difference.
fn compare(files: &[PathBuf]) -> Compared {
    let mut compared = Compared::default();
    for path in files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        compared.files += 1;
        match fast_path_agrees(&text, YamlLimits::default()) {
            Ok(handled) => compared.handled += usize::from(handled),
            Err(difference) => panic!("{}: {difference}", path.display()),
        }
    }
    compared
}

#[test]
fn bundled_content_fixtures_and_fuzz_seeds_parse_as_granit_parses_them() {
    let root = support::crate_root();
    let mut files = yaml_files(&root, false);
    for seeds in ["fuzz/corpus/yaml_parse", "fuzz/corpus/lint_file"] {
        files.extend(yaml_files(&root.join(seeds), true));
    }
    let compared = compare(&files);
    println!("bundled: {compared:?}");
    assert!(compared.files >= 60, "{compared:?}");
    assert!(compared.handled > 0);
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn shared_content_parses_as_granit_parses_it() {
    for dir in [
        "corpus/contentctl-5-samples",
        "golden/2022",
        "reference/contentctl-5.6.2-init",
    ] {
        let Some(path) = support::shared(dir) else {
            eprintln!("skipped: ../shared/{dir} not found");
            continue;
        };
        let compared = compare(&yaml_files(&path, false));
        println!("{dir}: {compared:?}");
    }
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn corpus_parses_as_granit_parses_it_and_mostly_on_the_fast_path() {
    let Some(corpus) = support::corpus_or_skip() else {
        return;
    };
    let compared = compare(&yaml_files(&corpus, false));
    println!("corpus: {compared:?}");
    assert!(compared.files >= 2000, "{compared:?}");
    assert!(
        compared.handled * 100 >= compared.files * 99,
        "the fast path handled only {} of {} corpus files",
        compared.handled,
        compared.files
    );
}
