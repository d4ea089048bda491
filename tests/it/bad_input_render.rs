//! The bad-input catalogue, continued for what `build` writes (issue 18, classes 10 to 12):
//! distinct objects render to distinct stanzas, everything a .conf file names ships in the
//! package, macro argument names are valid and no control character reaches a .conf file.
//! Every case asserts the finding (code, file, position) and what `build` and
//! `build --force` do. docs/reliability.md lists every case.

use crate::support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::{Fixture, assert_no_crash, splforge, with_code};

const DETECTION: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";

/// `build --out OUT` (with `--force` when asked): (exit code, stderr).
fn build(root: &Path, out: &Path, force: bool) -> (i32, String) {
    let mut command = splforge();
    command
        .env("SOURCE_DATE_EPOCH", "0")
        .args(["build", "-q", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out);
    if force {
        command.arg("--force");
    }
    let output = command.output().unwrap();
    let code = assert_no_crash(&output, "build");
    (code, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// (line, column) of the finding of `code` in `file`; fails unless there is exactly one.
fn position(findings: &[Value], code: &str, file: &str) -> (u64, u64) {
    let hits: Vec<&Value> = with_code(findings, code)
        .into_iter()
        .filter(|f| f["file"] == file)
        .collect();
    assert_eq!(hits.len(), 1, "{code} in {file}: {findings:#?}");
    (
        hits[0]["line"].as_u64().unwrap(),
        hits[0]["column"].as_u64().unwrap(),
    )
}

/// A build that lint refuses and `--force` refuses too: nothing is written.
fn assert_refused(fixture: &Fixture, needle: &str) {
    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = build(fixture.root(), out.path(), false);
    assert_eq!(code, 1, "{stderr}");
    let (code, stderr) = build(fixture.root(), out.path(), true);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    assert!(support::names(out.path()).is_empty(), "{stderr}");
}

fn baseline(name: &str) -> String {
    format!(
        "name: {name}
id: fc0edd96-ff2b-48b0-9f1f-63da3782fd63
version: 1
date: '2018-05-07'
author: splforge Project
type: Baseline
datamodel: []
description: Counts group deletions per user.
search: '`cloudtrail` eventName=DeleteGroup | stats count by user'
how_to_implement: Ingest CloudTrail logs.
known_false_positives: none
references: []
tags:
  analytic_story:
  - AWS IAM Privilege Escalation
  detections:
  - AWS IAM Failure Group Deletion
  product:
  - Splunk Enterprise
  required_fields:
  - _time
  security_domain: cloud
"
    )
}

fn investigation(name: &str, id: &str) -> String {
    format!(
        "name: {name}
id: {id}
version: 1
date: '2017-09-12'
author: splforge Project
type: Investigation
datamodel: []
description: Every event of a host.
search: '| search `cloudtrail` dest=$dest$'
how_to_implement: Ingest CloudTrail logs.
known_false_positives: none
references: []
tags:
  analytic_story:
  - AWS IAM Privilege Escalation
  product:
  - Splunk Phantom
  required_fields:
  - _time
  security_domain: endpoint
"
    )
}

// Class 10: distinct objects render to distinct stanzas.

#[test]
fn a_macro_named_like_another_macros_stanza_collides() {
    let f = Fixture::bundled();
    f.write(
        "macros/m.yml",
        "name: m\narguments:\n  - x\ndefinition: search x=$x$\ndescription: one argument\n",
    );
    f.write(
        "macros/m_1_.yml",
        "name: m(1)\ndefinition: search x\ndescription: named like a stanza\n",
    );
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1);
    assert_eq!(position(&findings, "SF106", "macros/m.yml"), (1, 7));
    assert_eq!(position(&findings, "SF106", "macros/m_1_.yml"), (1, 7));
    assert_refused(&f, "[m(1)]");
}

#[test]
fn a_baseline_named_like_a_detections_stanza_collides() {
    let f = Fixture::bundled();
    f.write(
        "baselines/b.yml",
        baseline("AWS IAM Failure Group Deletion - Rule"),
    );
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1);
    assert_eq!(position(&findings, "SF106", "baselines/b.yml"), (1, 7));
    assert_eq!(position(&findings, "SF106", DETECTION), (1, 7));
    assert_refused(&f, "[SPLF - AWS IAM Failure Group Deletion - Rule]");
}

#[test]
fn investigations_whose_panels_share_a_name_collide() {
    let f = Fixture::bundled();
    f.write(
        "investigations/host_events.yml",
        investigation("Host Events", "bc91a8cf-aaaa-4bb2-8140-e756cc06fd72"),
    );
    f.write(
        "investigations/host_events_2.yml",
        investigation("host-events", "bc91a8cf-aaaa-4bb2-8140-e756cc06fd73"),
    );
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        position(&findings, "SF106", "investigations/host_events.yml"),
        (1, 7)
    );
    assert_eq!(
        position(&findings, "SF106", "investigations/host_events_2.yml"),
        (1, 7)
    );
    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = build(f.root(), out.path(), true);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("panel://workbench_panel_host_events___response_task"),
        "{stderr}"
    );
}

#[test]
fn a_lookup_named_like_the_builds_own_lookup_collides() {
    let f = Fixture::bundled();
    f.replace(
        "lookups/splf_dynamic_dns_providers.yml",
        "name: splf_dynamic_dns_providers",
        "name: data_sources",
    );
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        position(&findings, "SF106", "lookups/splf_dynamic_dns_providers.yml"),
        (1, 7)
    );
    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = build(f.root(), out.path(), true);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("[data_sources]"), "{stderr}");
}

#[test]
fn names_that_differ_in_case_are_distinct_stanzas() {
    // Splunk's stanza names are case-sensitive: these are two saved searches.
    let f = Fixture::bundled();
    f.write(
        "baselines/b.yml",
        baseline("aws iam failure group deletion - rule"),
    );
    let (_, findings) = f.lint(&[]);
    assert!(with_code(&findings, "SF106").is_empty(), "{findings:#?}");
    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = build(f.root(), out.path(), true);
    assert_eq!(code, 0, "{stderr}");
    let conf = fs::read_to_string(
        out.path()
            .join("SPLFORGE-SampleContent/default/savedsearches.conf"),
    )
    .unwrap();
    let stanzas = support::conf::read_conf(&conf).unwrap();
    for name in [
        "SPLF - AWS IAM Failure Group Deletion - Rule",
        "SPLF - aws iam failure group deletion - rule",
    ] {
        assert_eq!(stanzas.iter().filter(|s| s.name == name).count(), 1);
    }
}

// Class 11: everything a .conf names ships in the package.

/// Every `filename` of the app's transforms.conf, and whether the app and the package hold
/// `lookups/<filename>`.
fn assert_transforms_files_ship(out: &Path) {
    let app = out.join("SPLFORGE-SampleContent");
    let transforms = fs::read_to_string(app.join("default/transforms.conf")).unwrap();
    let package = fs::read(out.join("SPLFORGE-SampleContent-1.0.0.tar.gz")).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&package[..]));
    let members: Vec<String> = archive
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .collect();
    let mut named = 0;
    for stanza in support::conf::read_conf(&transforms).unwrap() {
        if let Some(file) = stanza.get("filename") {
            named += 1;
            assert!(
                app.join("lookups").join(file).is_file(),
                "{file} not in the app"
            );
            let member = format!("SPLFORGE-SampleContent/lookups/{file}");
            assert!(members.contains(&member), "{member} not in {members:?}");
        }
    }
    assert!(named > 0);
}

#[test]
fn the_sample_build_ships_every_file_its_transforms_name() {
    let f = Fixture::bundled();
    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = build(f.root(), out.path(), false);
    assert_eq!(code, 0, "{stderr}");
    assert_transforms_files_ship(out.path());
}

#[test]
fn lookups_with_upper_case_or_compressed_extensions_ship() {
    let f = Fixture::bundled();
    let csv = f.read("lookups/splf_dynamic_dns_providers.csv");
    let lookup = f.read("lookups/splf_dynamic_dns_providers.yml");
    f.write("lookups/UPPER.CSV", &csv);
    f.write(
        "lookups/upper.yml",
        lookup
            .replacen("name: splf_dynamic_dns_providers\n", "name: upper\n", 1)
            .replace(
                "bd2099be-4969-4b91-ad80-da82c4d45ba1",
                "bd2099be-4969-4b91-ad80-da82c4d45ba2",
            )
            .replace("splf_dynamic_dns_providers.csv", "UPPER.CSV"),
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, csv.as_bytes()).unwrap();
    f.write("lookups/compressed.csv.gz", gz.finish().unwrap());
    f.write(
        "lookups/compressed.yml",
        lookup
            .replacen(
                "name: splf_dynamic_dns_providers\n",
                "name: compressed\n",
                1,
            )
            .replace(
                "bd2099be-4969-4b91-ad80-da82c4d45ba1",
                "bd2099be-4969-4b91-ad80-da82c4d45ba3",
            )
            .replace("splf_dynamic_dns_providers.csv", "compressed.csv.gz"),
    );
    // Lint-clean: no --force.
    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = build(f.root(), out.path(), false);
    assert_eq!(code, 0, "{stderr}");
    assert_transforms_files_ship(out.path());
    let lookups = out.path().join("SPLFORGE-SampleContent/lookups");
    assert_eq!(fs::read_to_string(lookups.join("UPPER.CSV")).unwrap(), csv);
    assert!(lookups.join("compressed.csv.gz").is_file());
}

#[test]
fn a_build_that_would_name_a_missing_file_fails_even_with_force() {
    let f = Fixture::bundled();
    f.replace(
        "lookups/splf_dynamic_dns_providers.yml",
        "filename: splf_dynamic_dns_providers.csv",
        "filename: missing.csv",
    );
    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = build(f.root(), out.path(), true);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("default/transforms.conf") && stderr.contains("lookups/missing.csv"),
        "{stderr}"
    );
    assert!(support::names(out.path()).is_empty());
}

// Class 12: macro argument names; no control character in a .conf file.

#[test]
fn macro_argument_names_are_validated() {
    let f = Fixture::bundled();
    f.write(
        "macros/m.yml",
        "name: m\narguments:\n  - \"$\"\n  - a$b\n  - \"\"\n  - \"a\\nb\"\n  - ok_name-2\n  - ok_name-2\n\
         definition: search x=$ok_name-2$\ndescription: bad argument names\n",
    );
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1);
    let mut positions: Vec<(u64, u64)> = with_code(&findings, "SF107")
        .iter()
        .map(|f| {
            assert_eq!(f["file"], "macros/m.yml");
            (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap())
        })
        .collect();
    positions.sort();
    assert_eq!(positions, [(3, 5), (4, 5), (5, 5), (6, 5), (8, 5)]);
    assert!(
        with_code(&findings, "SF107")
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("earlier argument")),
        "{findings:#?}"
    );
    assert_refused(&f, "macro argument");
}

#[test]
fn no_control_character_reaches_a_conf_file() {
    let f = Fixture::bundled();
    // Written as JSON escapes in a YAML double-quoted scalar (JSON leaves DEL and U+0085
    // as they are, which YAML does not read in a file: the macro has those).
    let hostile = "a\u{0}b\u{1b}[31mc\td\u{8}e";
    f.set_field(DETECTION, "description", hostile);
    f.set_field(DETECTION, "how_to_implement", hostile);
    f.write(
        "macros/m.yml",
        "name: m\ndefinition: \"search x\\0y \\e[2J\\x85z\\x7f\"\ndescription: \"nul \\0 here\"\n",
    );
    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = build(f.root(), out.path(), true);
    assert_eq!(code, 0, "{stderr}");
    let default = out.path().join("SPLFORGE-SampleContent/default");
    for entry in fs::read_dir(&default).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "conf") {
            let text = fs::read_to_string(&path).unwrap();
            let bad = text.chars().find(|&c| c.is_control() && c != '\n');
            assert_eq!(bad, None, "{}", path.display());
        }
    }
    let saved = fs::read_to_string(default.join("savedsearches.conf")).unwrap();
    let written = "a\u{FFFD}b\u{FFFD}[31mc d\u{FFFD}e";
    assert!(saved.contains(written), "{written:?} not in {saved}");
    let macros = fs::read_to_string(default.join("macros.conf")).unwrap();
    assert!(macros.contains("definition = search x\u{FFFD}y \u{FFFD}[2J\u{FFFD}z\u{FFFD}\n"));
}
