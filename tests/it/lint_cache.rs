//! The lint cache (`src/cache.rs`): a warm run prints exactly what a cold run prints, in
//! every format and exit code; any change to a file, the file list or the configuration is
//! seen, including its effects on other files; a broken cache is ignored; `--no-cache`
//! writes nothing; `splforge clean` removes the cache.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use splforge::cache::{LintCache, LintKey};
use splforge::check::facts::StoredFacts;
use splforge::config::Config;
use splforge::spl::{ProblemKind, SplProblem};
use support::{Fixture, corpus};

/// The output of one lint run.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    exit: i32,
    stdout: String,
    /// Whether the summary line says the findings came from the cache.
    cached: bool,
}

/// `splforge lint --format FORMAT --root ROOT ARGS...`, with the cache in `cache` (or
/// `--no-cache` when `None`).
fn lint(root: &Path, cache: Option<&Path>, format: &str, args: &[&str]) -> Run {
    let mut command = Command::cargo_bin("splforge").unwrap();
    command
        .env("NO_COLOR", "1")
        .args(["lint", "--format", format, "--root"])
        .arg(root);
    match cache {
        Some(dir) => command.arg("--cache-dir").arg(dir),
        None => command.arg("--no-cache"),
    };
    let output = command.args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    Run {
        exit: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        cached: stderr.contains("(cached)"),
    }
}

/// Lints with the cache twice (the first run fills it, the second must be answered from
/// it) and without it, and asserts that all three print the same; returns the warm run.
fn assert_warm_equals_cold(root: &Path, cache: &Path, format: &str, args: &[&str]) -> Run {
    let cold = lint(root, None, format, args);
    let _ = lint(root, Some(cache), format, args);
    let warm = lint(root, Some(cache), format, args);
    assert_eq!(warm.stdout, cold.stdout, "{format} {args:?}");
    assert_eq!(warm.exit, cold.exit, "{format} {args:?}");
    if format == "human" {
        assert!(
            warm.cached,
            "the second run was not answered from the cache"
        );
        assert!(!cold.cached);
    }
    warm
}

fn codes_in(run: &Run, file: &str) -> Vec<String> {
    let findings: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    findings
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn cache_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn warm_runs_print_what_cold_runs_print_in_every_format() {
    let f = Fixture::with_findings();
    let cache = cache_dir();
    for format in ["human", "json", "sarif", "github"] {
        let warm = assert_warm_equals_cold(f.root(), cache.path(), format, &[]);
        assert_eq!(warm.exit, 1, "the fixture has errors");
        assert!(!warm.stdout.is_empty());
    }
    // Single-file lint keeps its own entry, and agrees too.
    for file in [
        "detections/cloud/aws_iam_failure_group_deletion.yml",
        "macros/cloudtrail.yml",
    ] {
        for format in ["human", "json"] {
            assert_warm_equals_cold(f.root(), cache.path(), format, &[file]);
        }
    }
    // The full run's entry is still there and still used.
    assert!(lint(f.root(), Some(cache.path()), "human", &[]).cached);
}

#[test]
fn the_default_cache_is_under_the_root_and_keeps_itself_out_of_git() {
    let f = Fixture::with_findings();
    let mut command = Command::cargo_bin("splforge").unwrap();
    let output = command
        .args(["lint", "--format", "json", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let dir = f.root().join(".splforge_cache");
    assert!(dir.join("lint-all.json").is_file());
    assert_eq!(
        fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    assert!(
        fs::read_to_string(dir.join("CACHEDIR.TAG"))
            .unwrap()
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );
}

#[test]
fn a_warm_run_is_answered_from_the_entry() {
    let f = Fixture::with_findings();
    let cache = cache_dir();
    let cold = lint(f.root(), Some(cache.path()), "json", &[]);
    assert!(cold.stdout.contains("T9999"));
    let warm = lint(f.root(), Some(cache.path()), "human", &[]);
    assert!(warm.cached && warm.stdout.contains("T9999"));
    // An edited entry is not believed (its tag no longer verifies under this machine's
    // key, issue 18): the run checks everything again.
    let entry = cache.path().join("lint-all.json");
    let text = fs::read_to_string(&entry).unwrap();
    assert!(text.contains("T9999"));
    fs::write(&entry, text.replace("T9999", "T7777")).unwrap();
    let edited = lint(f.root(), Some(cache.path()), "json", &[]);
    assert!(!edited.stdout.contains("T7777") && edited.stdout.contains("T9999"));
    assert_eq!(edited.stdout, cold.stdout);
}

#[test]
fn editing_a_macro_rechecks_the_detections_that_use_it() {
    let f = Fixture::bundled();
    let cache = cache_dir();
    let d = "detections/cloud/aws_iam_failure_group_deletion.yml";
    let before = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    assert!(!codes_in(&before, d).contains(&"SF205".to_owned()));
    // The same length: the size of the file does not change, only its content.
    f.replace(
        "macros/cloudtrail.yml",
        "name: cloudtrail",
        "name: cloudtrial",
    );
    let after = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    assert!(
        codes_in(&after, d).contains(&"SF205".to_owned()),
        "{}",
        after.stdout
    );
    // And single-file lint of the detection sees it too.
    let single = assert_warm_equals_cold(f.root(), cache.path(), "json", &[d]);
    assert!(codes_in(&single, d).contains(&"SF205".to_owned()));
    // Back as it was: the findings are those of the first run again.
    f.replace(
        "macros/cloudtrail.yml",
        "name: cloudtrial",
        "name: cloudtrail",
    );
    let restored = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    assert_eq!(restored.stdout, before.stdout);
}

/// The per-file results (schema results, SPL summaries) the last whole-repository run stored.
fn stored_facts(root: &Path, cache: &Path) -> (LintCache, StoredFacts) {
    let (config, _) = Config::discover(root).unwrap();
    let key = LintKey {
        config: &config,
        today: "2026-11-24",
        only_files: None,
    };
    // The key the binary uses: the tests run it with this process's environment.
    let key_dir = splforge::cache::key_dir(
        std::env::var_os("XDG_CACHE_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )
    .unwrap();
    let machine = splforge::cache::MachineKey::load_or_create(&key_dir).unwrap();
    let cache = LintCache::new(cache, &key, &machine);
    let facts = cache.facts();
    (cache, facts)
}

/// A run that misses the whole-run entry reuses the other files' schema results and SPL
/// summaries and finds what a cold run finds, for the edited file too.
#[test]
fn an_edited_file_is_checked_again_and_the_others_reuse_their_facts() {
    let f = Fixture::bundled();
    let cache = cache_dir();
    let d = "detections/cloud/aws_iam_failure_group_deletion.yml";
    let before = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    let (_, facts) = stored_facts(f.root(), cache.path());
    assert!(facts.schema.len() > 10 && facts.spl.len() > 5, "{facts:?}");
    // A schema error and an SPL syntax error in one file.
    f.replace(d, "  confidence: 50", "  confidence: high");
    let search = f.line_starting(d, "search: ");
    f.replace(d, &search, &format!("{search} | eval x=\"unterminated"));
    let after = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    for code in ["SF010", "SF504"] {
        assert!(
            codes_in(&after, d).contains(&code.to_owned())
                && !codes_in(&before, d).contains(&code.to_owned()),
            "{code}: {}",
            after.stdout
        );
    }
}

/// The stored facts are really reused: a problem planted in every stored SPL summary shows
/// in the next run that misses the whole-run entry.
#[test]
fn stored_facts_are_reused() {
    let f = Fixture::bundled();
    let cache = cache_dir();
    let clean = lint(f.root(), Some(cache.path()), "json", &[]);
    assert!(!clean.stdout.contains("SF504"));
    let (store, mut facts) = stored_facts(f.root(), cache.path());
    assert!(!facts.spl.is_empty());
    for (_, summary) in &mut facts.spl {
        summary.problems = vec![SplProblem::new(ProblemKind::UnbalancedParen, 0..1)];
    }
    store.store_facts(facts).unwrap();
    fs::remove_file(cache.path().join("lint-all.json")).unwrap();
    let planted = lint(f.root(), Some(cache.path()), "json", &[]);
    assert!(planted.stdout.contains("SF504"), "{}", planted.stdout);
    // A run with a broken facts file checks everything again.
    let facts_file = fs::read_dir(cache.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("facts"))
        })
        .unwrap();
    fs::write(&facts_file, b"\0\xff not facts").unwrap();
    fs::remove_file(cache.path().join("lint-all.json")).unwrap();
    assert_eq!(
        lint(f.root(), Some(cache.path()), "json", &[]).stdout,
        clean.stdout
    );
}

#[test]
fn a_new_file_with_a_duplicate_id_is_reported_in_the_unchanged_file() {
    let f = Fixture::bundled();
    let cache = cache_dir();
    let d = "detections/cloud/aws_iam_failure_group_deletion.yml";
    let before = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    assert!(!codes_in(&before, d).contains(&"SF102".to_owned()));
    // A copy whose path sorts first: the id is now "already used" in the unchanged file.
    let copy = "detections/cloud/aa_copy.yml";
    let text = f.read(d).replace(
        "name: AWS IAM Failure Group Deletion",
        "name: AWS IAM Failure Group Deletion Copy",
    );
    f.write(copy, text);
    let after = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    assert!(
        codes_in(&after, d).contains(&"SF102".to_owned()),
        "{}",
        after.stdout
    );
    // The finding names the new file as the first use.
    let human = assert_warm_equals_cold(f.root(), cache.path(), "human", &[]);
    assert!(
        human.stdout.contains(&format!("{copy}:")),
        "{}",
        human.stdout
    );
    // Removing it again removes it.
    f.remove(copy);
    let removed = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    assert_eq!(removed.stdout, before.stdout);
}

#[test]
fn a_configuration_change_invalidates_the_cache() {
    let f = Fixture::with_findings();
    let cache = cache_dir();
    let d = "detections/cloud/aws_iam_failure_group_deletion.yml";
    let before = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    assert!(codes_in(&before, d).contains(&"SF403".to_owned()));
    let toml = f.read("splforge.toml");
    f.write(
        "splforge.toml",
        format!("{toml}\n[lint]\nignore = [\"SF403\"]\n"),
    );
    let after = assert_warm_equals_cold(f.root(), cache.path(), "json", &[]);
    assert!(!codes_in(&after, d).contains(&"SF403".to_owned()));
    // A command-line override is configuration too.
    let v10 = lint(f.root(), None, "json", &["--attack-version", "10.1"]);
    let warm_v10 = lint(
        f.root(),
        Some(cache.path()),
        "json",
        &["--attack-version", "10.1"],
    );
    assert_eq!(warm_v10, v10);
}

#[test]
fn a_corrupt_cache_is_ignored_and_rebuilt() {
    let f = Fixture::with_findings();
    let cache = cache_dir();
    let cold = lint(f.root(), None, "human", &[]);
    let entry = cache.path().join("lint-all.json");
    let _ = lint(f.root(), Some(cache.path()), "human", &[]);
    let valid = fs::read(&entry).unwrap();
    let mut truncated = valid.clone();
    truncated.truncate(valid.len() / 2);
    let this_format = format!("\"format\":{}", splforge::cache::FORMAT);
    let valid_text = String::from_utf8(valid.clone()).unwrap();
    assert!(valid_text.contains(&this_format));
    let other_format = valid_text.replacen(&this_format, "\"format\":999", 1);
    for broken in [
        b"\0\xff not json".to_vec(),
        truncated,
        other_format.into_bytes(),
        Vec::new(),
    ] {
        fs::write(&entry, &broken).unwrap();
        let run = lint(f.root(), Some(cache.path()), "human", &[]);
        assert_eq!((run.exit, &run.stdout), (cold.exit, &cold.stdout));
        assert!(!run.cached);
        // Rebuilt: the next run is warm again.
        assert!(lint(f.root(), Some(cache.path()), "human", &[]).cached);
    }
}

#[test]
fn no_cache_writes_nothing() {
    let f = Fixture::with_findings();
    let run = lint(f.root(), None, "json", &[]);
    assert_eq!(run.exit, 1);
    assert!(!f.root().join(".splforge_cache").exists());
    let entries: Vec<PathBuf> = fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        entries
            .iter()
            .all(|p| !p.to_string_lossy().contains("cache")),
        "{entries:?}"
    );
}

#[test]
fn clean_removes_the_cache_and_nothing_else() {
    let f = Fixture::with_findings();
    let default_dir = f.root().join(".splforge_cache");
    let _ = lint(f.root(), Some(&default_dir), "json", &[]);
    assert!(default_dir.is_dir());
    let clean = |args: &[&str]| {
        Command::cargo_bin("splforge")
            .unwrap()
            .args(["clean", "--root"])
            .arg(f.root())
            .args(args)
            .output()
            .unwrap()
    };
    assert!(clean(&[]).status.success());
    assert!(!default_dir.exists());
    assert!(f.root().join("detections").is_dir());
    // Nothing to clean is not an error.
    assert!(clean(&[]).status.success());
    // A directory that is not a splforge cache is refused, and left alone.
    let refused = clean(&["--cache-dir", "detections"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(f.root().join("detections/cloud").is_dir());
    // And lint will not write its files into it either: a cache inside a content
    // directory is refused (issue 18).
    let run = lint(f.root(), Some(&f.root().join("detections")), "json", &[]);
    assert_eq!(run.exit, 2);
    assert!(!f.root().join("detections/lint-all.json").exists());
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn warm_runs_print_what_cold_runs_print_on_the_corpus() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: the corpus (../shared/corpus/security_content-2024-10) is absent");
        return;
    };
    // Outside the corpus: shared data is not written to.
    let cache = cache_dir();
    for format in ["json", "human"] {
        let warm = assert_warm_equals_cold(&corpus, cache.path(), format, &[]);
        assert_eq!(warm.exit, 1);
    }
    assert_warm_equals_cold(
        &corpus,
        cache.path(),
        "json",
        &["detections/cloud/aws_iam_failure_group_deletion.yml"],
    );
}
