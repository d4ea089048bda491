//! Broken files each get a positioned diagnostic, and never stop the rest of the
//! repository from being checked (issue 3).

use crate::support;

use support::{Fixture, with_code};

const D: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";

/// Writes `bytes` as a new macro file and returns the findings for it plus whether a
/// separate defect planted elsewhere (an unknown technique) was still found.
fn lint_with_broken_file(bytes: &[u8]) -> (Vec<serde_json::Value>, bool) {
    let f = Fixture::bundled();
    f.write("macros/broken.yml", bytes);
    f.replace(D, "    - T1098", "    - T9999");
    let (exit, findings) = f.lint(&[]);
    assert_eq!(exit, 1);
    let in_broken = findings
        .iter()
        .filter(|x| x["file"] == "macros/broken.yml")
        .cloned()
        .collect();
    let rest_checked = !with_code(&findings, "SF403").is_empty();
    (in_broken, rest_checked)
}

fn assert_one(findings: &[serde_json::Value], code: &str, line: u64, column: u64) {
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == code && f["line"] == line && f["column"] == column),
        "expected {code} at {line}:{column}, got {findings:#?}"
    );
}

#[test]
fn malformed_yaml() {
    let (findings, rest) = lint_with_broken_file(b"name: x\ndefinition: 'unterminated\n");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["code"], "SF001");
    assert!(findings[0]["line"].as_u64().unwrap() >= 2);
    assert!(rest);
}

#[test]
fn wrong_types() {
    let (findings, rest) =
        lint_with_broken_file(b"name: broken\ndefinition: [a, b]\ndescription: 42\n");
    assert_one(&findings, "SF010", 2, 13);
    assert!(rest);
}

#[test]
fn non_mapping_document() {
    let (findings, rest) = lint_with_broken_file(b"- name: broken\n");
    assert_one(&findings, "SF003", 1, 1);
    assert!(rest);
}

#[test]
fn empty_file() {
    let (findings, rest) = lint_with_broken_file(b"");
    assert_one(&findings, "SF003", 1, 1);
    assert!(rest);
}

#[test]
fn invalid_utf8() {
    let (findings, rest) = lint_with_broken_file(b"name: broken\ndefinition: caf\xe9\n");
    assert_eq!(findings[0]["code"], "SF001");
    assert!(findings[0]["message"].as_str().unwrap().contains("UTF-8"));
    assert!(rest);
}

#[test]
fn human_output_is_rustc_style() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "    - AWS IAM Privilege Escalation",
        "    - AWS IAM Privilege Escalations",
    );
    let output = assert_cmd::Command::cargo_bin("splforge")
        .unwrap()
        .args(["lint", "--root"])
        .arg(f.root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let (line, column) = f.position_of(D, "AWS IAM Privilege Escalations", 0);
    let expected = format!(
        "error[SF201]: story \"AWS IAM Privilege Escalations\" does not exist\n  --> {D}:{line}:{column}\n   |\n{line} |     - AWS IAM Privilege Escalations\n   |       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ no story with this name\n   |\n   = help: did you mean \"AWS IAM Privilege Escalation\"? (stories/aws_iam_privilege_escalation.yml)\n"
    );
    assert!(stdout.contains(&expected), "{stdout}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("1 error, 0 warnings"), "{stderr}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn single_file_mode_reports_only_that_file_but_resolves_references() {
    let f = Fixture::bundled();
    let other = "detections/cloud/aws_iam_successful_group_deletion.yml";
    f.replace(other, "    - T1098", "    - T9999");
    // D is clean: its story and macros resolve against the rest of the repository.
    let (exit, findings) = f.lint(&[f.root().join(D).to_str().unwrap()]);
    assert_eq!((exit, findings.len()), (0, 0), "{findings:#?}");
    let (exit, findings) = f.lint(&[f.root().join(other).to_str().unwrap()]);
    assert_eq!(exit, 1);
    assert!(findings.iter().all(|x| x["file"] == other));
}

#[test]
fn usage_and_io_failures_exit_2() {
    let status = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("splforge")
            .unwrap()
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(status(&["lint", "--root", "/definitely/not/here"]), Some(2));
    assert_eq!(status(&["lint", "--format", "xml"]), Some(2));
    assert_eq!(status(&["frobnicate"]), Some(2));
    assert_eq!(
        status(&["--attack-version", "9.9", "lint", "--root", "."]),
        Some(2)
    );
    let f = Fixture::bundled();
    f.write("splforge.toml", "[app]\nappid = \"X\"\ncolour = \"red\"\n");
    let output = assert_cmd::Command::cargo_bin("splforge")
        .unwrap()
        .args(["lint", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("splforge.toml:3:1: unknown field `colour`"),
        "{stderr}"
    );
}
