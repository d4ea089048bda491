//! The machine formats: SARIF 2.1.0 (validated against the official schema kept in
//! tests/fixtures), GitHub workflow commands, and NO_COLOR in the human format.

use crate::support;

use assert_cmd::Command;
use support::Fixture;

const D: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";

/// The bundled content with two findings: an unknown story (with a "did you mean") and a
/// duplicate id (with a related location).
fn with_findings() -> Fixture {
    let f = Fixture::bundled();
    f.replace(
        D,
        "    - AWS IAM Privilege Escalation",
        "    - AWS IAM Privilege Escalations",
    );
    let other = "detections/cloud/aws_iam_successful_group_deletion.yml";
    let other_id = f.line_starting(other, "id: ");
    f.replace(D, "id: 5be28d82-4305-4b5f-aeec-9dbc93f84dd1", &other_id);
    f
}

fn run(f: &Fixture, args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("splforge")
        .unwrap()
        .current_dir(f.root())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let f = with_findings();
    let (exit, stdout) = run(&f, &["lint", "--format", "sarif"]);
    assert_eq!(exit, 1);
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // The official schema, with one fix in memory: its `run.language` pattern has a stray
    // `]` (a literal in ECMA-262) that jsonschema's meta-validation rejects as a regex;
    // escaping it keeps the meaning. The file in tests/fixtures is unmodified.
    let schema_text = include_str!("../fixtures/sarif-schema-2.1.0.json").replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), splforge::check::RULES.len());
    let sf201 = rules.iter().find(|r| r["id"] == "SF201").unwrap();
    assert_eq!(sf201["helpUri"], "https://splforge.dev/rules/SF201");
    assert!(
        sf201["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why is this bad?")
    );
    for rule in rules {
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .starts_with("https://splforge.dev/rules/SF")
        );
    }
    let results = run["results"].as_array().unwrap();
    let story = results.iter().find(|r| r["ruleId"] == "SF201").unwrap();
    let location = &story["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], D);
    let (line, column) = f.position_of(D, "AWS IAM Privilege Escalations", 0);
    assert_eq!(location["region"]["startLine"], line);
    assert_eq!(location["region"]["startColumn"], column);
    assert_eq!(
        rules[story["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "SF201"
    );
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()));
}

#[test]
fn github_annotations_are_workflow_commands() {
    let f = with_findings();
    let (exit, stdout) = run(&f, &["lint", "--format", "github"]);
    assert_eq!(exit, 1);
    let (line, column) = f.position_of(D, "AWS IAM Privilege Escalations", 0);
    let expected = format!(
        "::error file={D},line={line},col={column},endLine={line},endColumn={},title=SF201 unknown-story::story \"AWS IAM Privilege Escalations\" does not exist%0Ahelp: did you mean",
        column + "AWS IAM Privilege Escalations".len() as u64
    );
    assert!(stdout.lines().any(|l| l.starts_with(&expected)), "{stdout}");
    assert!(
        stdout
            .lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning "))
    );
}

#[test]
fn paths_are_prefixed_with_the_root_for_code_scanning() {
    let f = with_findings();
    let output = Command::cargo_bin("splforge")
        .unwrap()
        .current_dir(f.root().parent().unwrap())
        .args(["lint", "--format", "github", "--root"])
        .arg(f.root().file_name().unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let prefix = format!(
        "file={}/{D}",
        f.root().file_name().unwrap().to_string_lossy()
    );
    assert!(stdout.contains(&prefix), "{stdout}");
}

#[test]
fn human_output_has_no_colour_with_no_color_or_off_a_terminal() {
    let f = with_findings();
    let (_, stdout) = run(&f, &["lint"]);
    assert!(stdout.contains("error[SF201]"));
    assert!(!stdout.contains('\u{1b}'));
}
