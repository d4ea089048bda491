//! `scripts/contentctl5-oracle.sh`: contentctl 5.6.2 from PyPI in a cached venv, reporting
//! every error of a tree, across content types (contentctl itself stops at the first type
//! with an error). Skips, saying why, when the venv cannot be made (no Python 3.11, no
//! network) or `../shared` is absent.

use crate::support;

use std::path::Path;
use std::process::Command;

/// contentctl 5's content directories: each must exist, even empty.
const CONTENT_DIRS: [&str; 10] = [
    "deployments",
    "lookups",
    "macros",
    "stories",
    "baselines",
    "data_sources",
    "playbooks",
    "detections",
    "dashboards",
    "removed",
];

/// The oracle's exit status and its list of errors; `None` (after printing why) when it
/// cannot run.
pub fn run_oracle(tree: &Path) -> Option<(i32, String)> {
    let script = support::crate_root().join("scripts/contentctl5-oracle.sh");
    let output = match Command::new("sh").arg(&script).arg(tree).output() {
        Ok(output) => output,
        Err(e) => {
            eprintln!("skipped: cannot run sh {}: {e}", script.display());
            return None;
        }
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(3) => {
            eprintln!("skipped: the contentctl 5.6.2 venv cannot be made: {stderr}");
            None
        }
        Some(code) => Some((code, String::from_utf8_lossy(&output.stdout).into_owned())),
        None => panic!("the oracle was killed: {stderr}"),
    }
}

/// A copy of `contentctl init`'s repository (its empty directories restored).
fn init_repository() -> Option<tempfile::TempDir> {
    let Some(input) = support::shared("reference/contentctl-5.6.2-init/input") else {
        eprintln!("skipped: no ../shared/reference/contentctl-5.6.2-init");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    support::copy_tree(&input, dir.path());
    for name in CONTENT_DIRS {
        std::fs::create_dir_all(dir.path().join(name)).unwrap();
    }
    Some(dir)
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn the_oracle_accepts_contentctl_init_and_lists_errors_of_every_type() {
    let Some(repo) = init_repository() else {
        return;
    };
    let Some((code, errors)) = run_oracle(repo.path()) else {
        return;
    };
    assert_eq!((code, errors.as_str()), (0, ""), "init repository rejected");

    // A macro without its definition (an early type) and a detection with an unknown
    // field (a later one): contentctl stops at the macros; the oracle reports both.
    let macro_file = repo.path().join("macros/security_content_ctime.yml");
    let text = std::fs::read_to_string(&macro_file).unwrap();
    let broken: String = text
        .lines()
        .filter(|l| !l.starts_with("definition:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&macro_file, broken).unwrap();
    let detection = repo
        .path()
        .join("detections/endpoint/anomalous_usage_of_7zip.yml");
    let mut text = std::fs::read_to_string(&detection).unwrap();
    text.push_str("not_a_detection_field: 1\n");
    std::fs::write(&detection, text).unwrap();

    let Some((code, errors)) = run_oracle(repo.path()) else {
        return;
    };
    assert_eq!(code, 1, "{errors}");
    let lines: Vec<&str> = errors.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("macros/security_content_ctime.yml: definition")),
        "{errors}"
    );
    assert!(
        lines.iter().any(|l| {
            l.starts_with("detections/endpoint/anomalous_usage_of_7zip.yml: not_a_detection_field")
        }),
        "{errors}"
    );
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn contentctl_validates_what_splforge_init_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = support::splforge()
        .arg("init")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let Some((code, errors)) = run_oracle(dir.path()) else {
        return;
    };
    assert_eq!(
        (code, errors.as_str()),
        (0, ""),
        "contentctl 5.6.2 rejects init's repository"
    );
}
