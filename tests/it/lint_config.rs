//! `[lint]` in splforge.toml (select, ignore, severity, per_file_ignores) and inline
//! `# splforge: ignore` comments, end to end through `splforge lint`.

use crate::support;

use support::{Fixture, with_code};

const D: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";

/// The bundled content with an unknown ATT&CK technique (SF403, an error) in `D`.
fn with_unknown_technique() -> Fixture {
    let f = Fixture::bundled();
    f.replace(D, "    - T1098", "    - T9999");
    f
}

fn configure(f: &Fixture, lint_table: &str) {
    let config = f.read("splforge.toml");
    f.write("splforge.toml", format!("{config}\n[lint]\n{lint_table}\n"));
}

#[test]
fn ignore_and_select_turn_rules_off() {
    let f = with_unknown_technique();
    assert_eq!(with_code(&f.lint(&[]).1, "SF403").len(), 1);
    configure(&f, "ignore = [\"SF403\"]");
    let (exit, findings) = f.lint(&[]);
    assert_eq!((exit, findings.len()), (0, 0), "{findings:#?}");

    let f = with_unknown_technique();
    configure(&f, "select = [\"SF1\", \"SF2\"]");
    assert!(with_code(&f.lint(&[]).1, "SF403").is_empty());
    let f = with_unknown_technique();
    configure(
        &f,
        "select = [\"ALL\"]\nignore = [\"unknown-attack-technique\"]",
    );
    assert!(with_code(&f.lint(&[]).1, "SF403").is_empty());
}

#[test]
fn severity_overrides_change_the_exit_code() {
    let f = with_unknown_technique();
    configure(&f, "severity = { SF403 = \"warning\" }");
    let (exit, findings) = f.lint(&[]);
    let hit = with_code(&findings, "SF403");
    assert_eq!(hit[0]["severity"], "warning");
    assert_eq!(exit, 0, "warnings alone do not fail the run");
}

#[test]
fn per_file_ignores_match_globs() {
    let f = with_unknown_technique();
    configure(
        &f,
        "[lint.per_file_ignores]\n\"detections/cloud/**\" = [\"SF4\"]",
    );
    assert!(with_code(&f.lint(&[]).1, "SF403").is_empty());
    let f = with_unknown_technique();
    configure(
        &f,
        "[lint.per_file_ignores]\n\"detections/endpoint/**\" = [\"SF4\"]",
    );
    assert_eq!(with_code(&f.lint(&[]).1, "SF403").len(), 1);
}

/// `splforge lint` of the fixture: its exit code and standard error.
fn lint_exit_and_stderr(f: &Fixture) -> (Option<i32>, String) {
    let output = assert_cmd::Command::cargo_bin("splforge")
        .unwrap()
        .args(["lint", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

#[test]
fn extend_select_and_an_unknown_key_beside_it() {
    // `extend_select` with an unknown selector is a configuration error naming the key.
    let f = Fixture::bundled();
    configure(&f, "extend_select = [\"SF9\"]");
    let (code, stderr) = lint_exit_and_stderr(&f);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("extend_select") && stderr.contains("`SF9`"),
        "{stderr}"
    );
    // ruff's spelling `extend-select` is not a key here: an error at its line, not ignored.
    let f = Fixture::bundled();
    configure(&f, "extend-select = [\"SF407\"]");
    let (code, stderr) = lint_exit_and_stderr(&f);
    assert_eq!(code, Some(2));
    let line = f.read("splforge.toml").lines().count();
    assert!(
        stderr.contains(&format!("splforge.toml:{line}:1"))
            && stderr.contains("unknown field `extend-select`")
            && stderr.contains("`extend_select`"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_selector_is_a_configuration_error() {
    let f = Fixture::bundled();
    configure(&f, "ignore = [\"SF999\"]");
    let (code, stderr) = lint_exit_and_stderr(&f);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("`SF999`"), "{stderr}");
}

#[test]
fn inline_suppression_on_the_line_or_the_line_above() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "    - T1098",
        "    - T9999  # splforge: ignore SF403 -- pending",
    );
    assert!(f.lint(&[]).1.is_empty());
    let f = Fixture::bundled();
    f.replace(
        D,
        "    - T1098",
        "    # splforge: ignore unknown-attack-technique\n    - T9999",
    );
    assert!(f.lint(&[]).1.is_empty());
    // A suppression of another rule does not hide the finding, and is itself unused.
    let f = Fixture::bundled();
    f.replace(D, "    - T1098", "    - T9999  # splforge: ignore SF402");
    let (exit, findings) = f.lint(&[]);
    assert_eq!(with_code(&findings, "SF403").len(), 1);
    assert_eq!(with_code(&findings, "SF004").len(), 1);
    assert_eq!(exit, 1);
}

#[test]
fn a_suppression_inside_a_quoted_string_is_not_a_comment() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "'`cloudtrail`",
        "'`cloudtrial` # splforge: ignore SF205 ",
    );
    assert_eq!(with_code(&f.lint(&[]).1, "SF205").len(), 1);
}

#[test]
fn suppressions_of_rules_that_did_not_run_are_not_reported() {
    let f = Fixture::bundled();
    f.replace(D, "    - T1098", "    - T1098  # splforge: ignore SF403");
    configure(&f, "ignore = [\"SF403\"]");
    assert!(f.lint(&[]).1.is_empty());
}

/// Issue 22, point 2: an empty root, or `--root detections`, gave "Checked 0 files" and exit
/// 0; `build` packed an app of nothing and `docs` wrote an empty site.
#[test]
fn a_root_without_content_is_an_error_not_a_green_run() {
    let empty = tempfile::tempdir().unwrap();
    let bundled = support::crate_root();
    let one_level_too_deep = bundled.join("detections");
    for root in [empty.path(), one_level_too_deep.as_path()] {
        let out = tempfile::tempdir().unwrap();
        for args in [
            vec!["lint", "--no-cache"],
            vec!["build", "--out"],
            vec!["docs", "--out"],
        ] {
            let mut command = assert_cmd::Command::cargo_bin("splforge").unwrap();
            command.arg("--root").arg(root).args(&args);
            if args.len() == 2 && args[1] == "--out" {
                command.arg(out.path().join("x"));
            }
            let output = command.output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("no content found under"), "{stderr}");
            assert!(!out.path().join("x").exists(), "{args:?} wrote output");
        }
    }
}
