//! `lint FILE...` (pre-commit mode) reads only the named files in full and the rest of the
//! repository index-only (load::narrow): it must report exactly what a full run reports
//! for those files.

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;

use splforge::load::{LoadLimits, load_repository, narrow::index_document};
use support::{Fixture, corpus, lint_root};

fn findings_in(findings: &[serde_json::Value], file: &str) -> Vec<serde_json::Value> {
    findings
        .iter()
        .filter(|f| f["file"] == file)
        .cloned()
        .collect()
}

/// Single-file findings of each of `files` equal the full run's findings in that file.
fn assert_single_file_agrees(root: &Path, files: &[&str]) {
    let (_, full) = lint_root(root, &[]);
    for file in files {
        let (_, single) = lint_root(root, &[file]);
        assert_eq!(single, findings_in(&full, file), "{file}");
    }
}

#[test]
fn single_file_mode_agrees_with_a_full_run_on_the_bundled_content() {
    // Findings of several kinds: a reference (SF201), a duplicate (SF102), a schema error
    // (SF010), a file-scope rule (SF403) and one that needs the deployments (SF204).
    let f = Fixture::with_findings();
    let d = "detections/cloud/aws_iam_failure_group_deletion.yml";
    let other = "detections/cloud/aws_iam_successful_group_deletion.yml";
    f.replace(
        "stories/suspicious_dns_activity.yml",
        "usecase:",
        "use_case:",
    );
    assert_single_file_agrees(
        f.root(),
        &[
            d,
            other,
            "stories/suspicious_dns_activity.yml",
            "macros/cloudtrail.yml",
            "lookups/splf_dynamic_dns_providers.yml",
        ],
    );
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn the_index_scan_agrees_with_the_parser_on_the_corpus() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: the corpus (../shared/corpus/security_content-2024-10) is absent");
        return;
    };
    let repository = load_repository(&corpus, LoadLimits::default());
    let mut scanned = 0;
    for file in &repository.files {
        let Some((index, _)) = index_document(&file.source.text) else {
            continue;
        };
        scanned += 1;
        let Ok(document) = &file.document else {
            continue;
        };
        let full = document.root.as_ref().unwrap();
        for key in ["name", "id"] {
            let ours = index.root.as_ref().unwrap().get(key);
            assert_eq!(
                ours.map(|n| (&n.value, n.span)),
                full.get(key).map(|n| (&n.value, n.span)),
                "{} {key}",
                file.source.path.display()
            );
        }
        for key in ["rba", "status", "tests"] {
            assert_eq!(
                index.root.as_ref().unwrap().get(key).is_some(),
                full.get(key).is_some(),
                "{} {key}",
                file.source.path.display()
            );
        }
    }
    eprintln!(
        "{scanned} of {} files read index-only",
        repository.files.len()
    );
    assert!(scanned * 10 > repository.files.len() * 9, "{scanned}");
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn single_file_mode_agrees_with_a_full_run_on_the_corpus() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: the corpus (../shared/corpus/security_content-2024-10) is absent");
        return;
    };
    let (_, full) = lint_root(&corpus, &[]);
    // The files with the most findings, and some without.
    let mut with_findings: Vec<&str> = full
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .take(6)
        .collect();
    with_findings.extend([
        "detections/cloud/aws_iam_failure_group_deletion.yml",
        "stories/ransomware.yml",
        "macros/security_content_ctime.yml",
    ]);
    for file in with_findings {
        let (_, single) = lint_root(&corpus, &[file]);
        assert_eq!(single, findings_in(&full, file), "{file}");
    }
}
