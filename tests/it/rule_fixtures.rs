//! Every rule on its own fixtures, as ruff tests its rules: `tests/fixtures/rules/<CODE>/`
//! holds small content repositories, `bad*/` (each must give at least one finding of the
//! rule) and `good*/` (none of it), checked in-process (load -> model -> check, no binary)
//! with that rule selected instead of the default rules (plus what the tree's
//! `splforge.toml` adds with `extend_select`: SF004's fixtures suppress another rule's
//! findings). The findings of each `bad*/` tree, in the human format (file:line:column,
//! snippet, help), are compared with `<CODE>/<tree>.snap`, a snapshot a person has read.
//!
//! build.rs writes one test per rule file (`sf201_unknown_story`, ...), so a rule without
//! fixtures fails its test; `fixtures_and_rules_match` fails on fixtures of no rule.
//! CONTRIBUTING.md says how to add a rule and review its snapshot.

use std::path::{Path, PathBuf};

use splforge::check::{self, CheckOptions, Finding, RULES, Report};
use splforge::cli::output::{Palette, Sources, human};
use splforge::config::Config;
use splforge::load::Repository;

use crate::support;

/// "Today" for every fixture (SF401's dates in the future), so snapshots never age.
const TODAY: &str = "2026-06-01";

fn fixtures_dir() -> PathBuf {
    support::crate_root().join("tests/fixtures/rules")
}

/// The trees of a rule's fixture directory whose names start with `prefix`, sorted.
fn trees(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut trees: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir() && file_name(p).starts_with(prefix))
                .collect()
        })
        .unwrap_or_default();
    trees.sort();
    trees
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Lints `root` as `splforge lint` does (its `splforge.toml` or defaults, the format
/// inferred when unset), with `code` selected instead of the default rules.
fn lint(root: &Path, code: &str) -> (Repository, Report) {
    let (mut config, _) = Config::discover(root)
        .unwrap_or_else(|e| panic!("{}: invalid configuration: {e}", root.display()));
    if config.format.is_none() {
        config.format = splforge::format::infer(root).map(|i| i.format.name.clone());
    }
    config.lint.select = vec![code.to_owned()];
    let options = CheckOptions {
        today: TODAY.to_owned(),
        only_files: None,
    };
    let (repository, _, report) = check::load_and_check(root, &config, &options, None);
    (repository, report)
}

/// The findings as `splforge lint` prints them without colour: each rustc-style, then a
/// blank line.
fn rendered(repository: &Repository, report: &Report) -> String {
    let sources = Sources::new(repository, report);
    report
        .findings
        .iter()
        .map(|finding| human(finding, &sources, Palette::new(false)) + "\n")
        .collect()
}

fn of_rule<'a>(report: &'a Report, code: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| f.code == code).collect()
}

/// The test of one rule: its `bad*` trees against their snapshots, its `good*` trees clean.
fn check_rule_fixtures(code: &str) {
    let dir = fixtures_dir().join(code);
    let relative = format!("tests/fixtures/rules/{code}");
    let bad = trees(&dir, "bad");
    let good = trees(&dir, "good");
    assert!(
        !bad.is_empty() && !good.is_empty(),
        "rule {code} needs fixtures: a content tree in {relative}/bad/ that breaks it and one \
         in {relative}/good/ that does not (CONTRIBUTING.md)"
    );
    let rule = check::rule_by_code(code).expect("the generated tests name registered rules");
    for tree in &bad {
        let (repository, report) = lint(tree, code);
        assert!(
            !of_rule(&report, code).is_empty(),
            "{relative}/{}: no {code} finding; got {:#?}",
            file_name(tree),
            report.findings
        );
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(format!(
            "{code} {} on {relative}/{}",
            rule.name,
            file_name(tree)
        ));
        settings.bind(|| {
            insta::assert_snapshot!(file_name(tree), rendered(&repository, &report));
        });
    }
    for tree in &good {
        let (repository, report) = lint(tree, code);
        assert!(
            of_rule(&report, code).is_empty(),
            "{relative}/{}: {code} reported on a good fixture:\n{}",
            file_name(tree),
            rendered(&repository, &report)
        );
    }
}

include!(concat!(env!("OUT_DIR"), "/rule_fixture_tests.rs"));

/// Every fixture directory is a rule's, and holds only `bad*`/`good*` trees and the
/// snapshots of its `bad*` trees; every rule has a directory.
#[test]
fn fixtures_and_rules_match() {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir()).expect("tests/fixtures/rules exists") {
        let path = entry.expect("readable entry").path();
        let name = file_name(&path);
        if !RULES.iter().any(|r| r.code == name) {
            problems.push(format!(
                "tests/fixtures/rules/{name}: no rule has the code {name}"
            ));
            continue;
        }
        seen.push(name.clone());
        for entry in std::fs::read_dir(&path).expect("a fixture directory") {
            let inner = file_name(&entry.expect("readable entry").path());
            let ok = match inner.strip_suffix(".snap") {
                Some(tree) => tree.starts_with("bad") && path.join(tree).is_dir(),
                None => {
                    (inner.starts_with("bad") || inner.starts_with("good"))
                        && path.join(&inner).is_dir()
                        || inner.ends_with(".snap.new")
                }
            };
            if !ok {
                problems.push(format!(
                    "tests/fixtures/rules/{name}/{inner}: neither a bad*/ or good*/ tree nor \
                     the snapshot of a bad*/ tree"
                ));
            }
        }
    }
    for rule in RULES {
        if !seen.iter().any(|s| s == rule.code) {
            problems.push(format!(
                "rule {} has no fixtures in tests/fixtures/rules/{}",
                rule.code, rule.code
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
