//! `splforge migrate --to 5`: converted detections lint clean and keep the same
//! savedsearches.conf-relevant model (risk objects, threat objects, score, message and the
//! rest of the detection), on the bundled content and on the real corpus.
//!
//! The byte-for-byte stanza comparison needs `splforge build` (another branch); until it
//! lands, the comparison is of the normalised model the renderer reads (`Content::build`).
//! Documented differences (docs/migrate.md): scores outside 1..=100 are clamped, duplicate
//! risk objects are written once, and `rba:` is written only where the deployment of the
//! detection's type enables risk-based alerting.

mod support;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use splforge::load::{LoadLimits, load_repository};
use splforge::model::{Content, Detection};
use support::{Fixture, corpus, lint_root};

fn migrate(root: &Path) {
    support::run_ok(&["-q", "migrate", "--to", "5"], root);
}

type Risk = BTreeSet<(String, String, i64)>;
type Threat = BTreeSet<(String, String)>;

/// What savedsearches.conf takes from a detection's risk settings, where the deployment of
/// its type enables risk-based alerting; nothing elsewhere.
fn effective_risk(d: &Detection, content: &Content) -> (Risk, Threat, Option<String>) {
    let enabled = content.deployments.iter().any(|dep| {
        dep.detection_type
            .as_ref()
            .zip(d.detection_type.as_ref())
            .is_some_and(|(a, b)| a.value.eq_ignore_ascii_case(&b.value))
            && dep.rba_enabled.is_some_and(|e| e.value)
    });
    if !enabled || d.risk_objects.is_empty() {
        return Default::default();
    }
    let risk = d
        .risk_objects
        .iter()
        .map(|r| {
            (
                r.field.value.clone(),
                r.object_type.value.clone(),
                r.score.map_or(0, |s| s.value).clamp(1, 100),
            )
        })
        .collect();
    let threat = d
        .threat_objects
        .iter()
        .map(|t| (t.field.value.clone(), t.object_type.value.clone()))
        .collect();
    (risk, threat, d.message.as_ref().map(|m| m.value.clone()))
}

/// Everything else of a detection that reaches its stanza.
fn rest(d: &Detection) -> String {
    let texts = |v: &[splforge::model::Text]| {
        v.iter()
            .map(|t| t.value.clone())
            .collect::<Vec<_>>()
            .join("|")
    };
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}\n{}",
        d.name(),
        d.header.id.as_ref().map_or("", |t| &t.value),
        d.search.as_ref().map_or("", |t| &t.value),
        texts(&d.analytic_stories),
        texts(&d.mitre_attack_ids),
        texts(&d.data_sources),
        d.drilldowns
            .iter()
            .map(|x| x.search.as_ref().map_or("", |t| &t.value))
            .collect::<Vec<_>>()
            .join("|"),
    )
}

/// Compares the production detections of two roots; returns how many were compared.
fn assert_same_model(before_root: &Path, after_root: &Path) -> usize {
    let before_repo = load_repository(before_root, LoadLimits::default());
    let before = Content::build(&before_repo);
    let after_repo = load_repository(after_root, LoadLimits::default());
    let after = Content::build(&after_repo);
    let after_by_file: HashMap<_, _> = after
        .detections
        .iter()
        .map(|d| (after_repo.files[d.header.file].source.path.clone(), d))
        .collect();
    let mut compared = 0;
    let mut problems = Vec::new();
    for old in before.detections.iter().filter(|d| d.is_production()) {
        let path = &before_repo.files[old.header.file].source.path;
        let new = after_by_file[path];
        if effective_risk(old, &before) != effective_risk(new, &after) {
            problems.push(format!("{}: risk differs", path.display()));
        }
        if rest(old) != rest(new) {
            problems.push(format!("{}: detection differs", path.display()));
        }
        compared += 1;
    }
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
    compared
}

/// Findings in detection files as (file, code, message), which do not move with positions.
fn detection_findings(findings: &[serde_json::Value]) -> BTreeSet<(String, String, String)> {
    findings
        .iter()
        .filter(|f| f["file"].as_str().unwrap().starts_with("detections/"))
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn bundled_detections_migrate_clean_with_the_same_risk() {
    let f = Fixture::bundled();
    migrate(f.root());
    let (_, findings) = f.lint(&[]);
    assert!(detection_findings(&findings).is_empty(), "{findings:#?}");
    let text = f.read("detections/cloud/aws_iam_failure_group_deletion.yml");
    assert!(
        text.contains("\nrba:\n") && !text.contains("observable:"),
        "{text}"
    );
    assert_eq!(assert_same_model(&support::crate_root(), f.root()), 10);
    // A second run changes nothing.
    let again = Fixture::bundled();
    migrate(again.root());
    migrate(again.root());
    assert_eq!(
        f.read("detections/cloud/aws_iam_failure_group_deletion.yml"),
        again.read("detections/cloud/aws_iam_failure_group_deletion.yml")
    );
}

#[test]
fn corpus_detections_migrate_clean_with_the_same_risk() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: the corpus (../shared/corpus/security_content-2024-10) is absent");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(&corpus) {
        let entry = entry.unwrap();
        let target = dir.path().join(entry.path().strip_prefix(&corpus).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let (_, before) = lint_root(&corpus, &[]);
    migrate(dir.path());
    let (_, after) = lint_root(dir.path(), &[]);
    let before = detection_findings(&before);
    let new: Vec<_> = detection_findings(&after)
        .difference(&before)
        .cloned()
        .collect();
    assert!(
        new.is_empty(),
        "{} new findings in migrated detections: {:#?}",
        new.len(),
        &new[..new.len().min(20)]
    );
    let compared = assert_same_model(&corpus, dir.path());
    eprintln!("{compared} production detections compared");
    assert!(compared > 1000);
}
