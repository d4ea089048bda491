//! `splforge explain` on three real detections of the corpus, against snapshots a person
//! read and checked field by field (tests/snapshots/explain/): a closed tstats +
//! drop_dm_object_name search, a lookup after stats, and a genuine bug (a renamed field).

use crate::support;

use assert_cmd::Command;

fn explain(root: &std::path::Path, target: &str) -> String {
    support::run_ok(&["explain", target], root)
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn explain_matches_the_reviewed_snapshots() {
    let Some(corpus) = support::corpus_or_skip() else {
        return;
    };
    for (file, snapshot) in [
        (
            "detections/cloud/detect_aws_console_login_by_user_from_new_city.yml",
            include_str!("../snapshots/explain/detect_aws_console_login_by_user_from_new_city.txt"),
        ),
        (
            "detections/endpoint/anomalous_usage_of_7zip.yml",
            include_str!("../snapshots/explain/anomalous_usage_of_7zip.txt"),
        ),
        (
            "detections/endpoint/windows_defender_asr_registry_modification.yml",
            include_str!("../snapshots/explain/windows_defender_asr_registry_modification.txt"),
        ),
    ] {
        assert_eq!(explain(&corpus, file), snapshot, "{file}");
    }
}

#[test]
fn explain_finds_a_detection_by_name_and_rejects_unknown_ones() {
    let root = support::crate_root();
    let by_name = explain(&root, "AWS IAM Failure Group Deletion");
    assert!(
        by_name.contains("group_name (the message): from stage 2 (stats)"),
        "{by_name}"
    );
    let output = Command::cargo_bin("splforge")
        .unwrap()
        .args(["explain", "No Such Detection", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
