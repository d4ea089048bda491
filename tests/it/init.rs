//! `splforge init`: a new 5.x repository as `contentctl init` 5.6.2 makes it, that lints
//! clean and builds; a directory that has one already is refused, untouched.

use crate::support;

use std::path::Path;

use support::splforge;

/// Every file under `dir`, by relative path, with its bytes.
fn files_under(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap();
            (
                relative.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn init_writes_a_repository_that_lints_clean_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("content");
    let out = splforge().arg("init").arg(&repo).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    for content_dir in [
        "detections/web",
        "playbooks",
        "lookups",
        "removed",
        "dashboards",
    ] {
        assert!(repo.join(content_dir).is_dir(), "{content_dir} missing");
    }

    let lint = splforge()
        .args(["--root"])
        .arg(&repo)
        .args(["lint", "--no-cache", "--format", "json"])
        .output()
        .unwrap();
    assert!(lint.status.success(), "{lint:?}");
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&lint.stdout).unwrap();
    assert!(findings.is_empty(), "{findings:#?}");

    let build = splforge()
        .args(["--root"])
        .arg(&repo)
        .args(["build", "-q", "--out"])
        .arg(dir.path().join("dist"))
        .output()
        .unwrap();
    assert!(build.status.success(), "{build:?}");
    let app = dir
        .path()
        .join("dist/ContentPack/default/savedsearches.conf");
    let conf = std::fs::read_to_string(app).unwrap();
    assert!(
        conf.contains("[Custom Splunk Content Pack - Anomalous usage of 7zip - Rule]"),
        "{conf}"
    );
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn init_writes_what_contentctl_init_writes() {
    let Some(reference) = support::shared("reference/contentctl-5.6.2-init/input") else {
        eprintln!("skipped: no ../shared/reference/contentctl-5.6.2-init");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = splforge().arg("init").arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let ours = files_under(dir.path());
    let theirs = files_under(&reference);
    let names =
        |m: &std::collections::BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&theirs));
    for (name, bytes) in &theirs {
        assert!(
            ours[name] == *bytes,
            "{name} differs from contentctl init's"
        );
    }
}

#[test]
fn init_refuses_a_directory_that_has_content_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("detections")).unwrap();
    std::fs::write(dir.path().join("detections/mine.yml"), "name: mine\n").unwrap();
    let out = splforge().arg("init").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("detections"));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "init wrote beside the existing content");
}
