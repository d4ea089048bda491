//! Every rule fires on a fixture made to trigger it, at the exact file, line and column,
//! and stays silent on the clean bundled content (the fixture every case starts from): the
//! whole binary, end to end. Each rule's own in-process test on small fixtures is in
//! `rule_fixtures.rs`, which also checks that every rule has one.

use crate::support;

use support::{Fixture, with_code};

const D: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";

/// Asserts that `code` is reported in `file` at the `nth` occurrence of `needle`.
fn assert_at(fixture: &Fixture, code: &str, file: &str, needle: &str, nth: usize) {
    let (exit, findings) = fixture.lint(&[]);
    let (line, column) = fixture.position_of(file, needle, nth);
    let hits = with_code(&findings, code);
    assert!(
        hits.iter()
            .any(|f| f["file"] == file && f["line"] == line && f["column"] == column),
        "no {code} at {file}:{line}:{column}; got {findings:#?}"
    );
    let severity = hits[0]["severity"].as_str().unwrap();
    assert_eq!(
        exit,
        if severity == "error" {
            1
        } else {
            i32::from(findings.iter().any(|f| f["severity"] == "error"))
        }
    );
}

#[test]
fn the_bundled_content_is_clean() {
    let (exit, findings) = Fixture::bundled().lint(&[]);
    assert_eq!(findings, Vec::<serde_json::Value>::new());
    assert_eq!(exit, 0);
}

#[test]
fn sf001_yaml_syntax() {
    let f = Fixture::bundled();
    f.write(
        "macros/broken.yml",
        "name: broken\ndefinition: [unclosed\nx: 1\n",
    );
    let (_, findings) = f.lint(&[]);
    let hit = with_code(&findings, "SF001");
    assert_eq!(hit.len(), 1, "{findings:#?}");
    assert_eq!(hit[0]["file"], "macros/broken.yml");
    assert!(hit[0]["line"].as_u64().unwrap() >= 2);
    // The rest of the repository is still checked: a second defect elsewhere is found too.
    f.replace(D, "  - T1098", "  - T1098-1");
    assert_eq!(with_code(&f.lint(&[]).1, "SF402").len(), 1);
}

#[test]
fn sf002_duplicate_key() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "  confidence: 50\n",
        "  confidence: 50\n  confidence: 60\n",
    );
    assert_at(&f, "SF002", D, "confidence", 1);
}

#[test]
fn sf003_not_a_mapping() {
    let f = Fixture::bundled();
    f.write("macros/empty.yml", "");
    f.write("macros/list.yml", "- name: x\n");
    let (_, findings) = f.lint(&[]);
    let files: Vec<_> = with_code(&findings, "SF003")
        .iter()
        .map(|h| (h["file"].clone(), h["line"].clone(), h["column"].clone()))
        .collect();
    assert_eq!(
        files,
        [
            ("macros/empty.yml".into(), 1.into(), 1.into()),
            ("macros/list.yml".into(), 1.into(), 1.into())
        ]
    );
}

#[test]
fn sf004_unused_suppression() {
    let f = Fixture::bundled();
    // A suppression that suppresses a real finding is used and silent...
    f.replace(
        D,
        "    - T1098",
        "    - T9999 # splforge: ignore SF403 -- pending ATT&CK update",
    );
    let (_, findings) = f.lint(&[]);
    assert!(with_code(&findings, "SF403").is_empty(), "{findings:#?}");
    assert!(with_code(&findings, "SF004").is_empty(), "{findings:#?}");
    // ...one with nothing to suppress is reported at the comment.
    let f = Fixture::bundled();
    f.replace(
        D,
        "  confidence: 50",
        "  # splforge: ignore SF201\n  confidence: 50",
    );
    assert_at(&f, "SF004", D, "# splforge: ignore SF201", 0);
    let f = Fixture::bundled();
    f.replace(
        D,
        "  confidence: 50",
        "  confidence: 50 # splforge: ignore SF999",
    );
    assert_at(&f, "SF004", D, "# splforge: ignore SF999", 0);
}

#[test]
fn sf010_schema() {
    let f = Fixture::bundled();
    f.replace(D, "  confidence: 50", "  confidence: high");
    assert_at(&f, "SF010", D, "high", 0);
    let f = Fixture::bundled();
    f.replace(D, "how_to_implement:", "how_to_implment:");
    assert_at(&f, "SF010", D, "how_to_implment", 0);
}

#[test]
fn sf010_typo_of_a_known_key_names_it() {
    let f = Fixture::bundled();
    f.replace(D, "data_source:", "data_sources:");
    let (_, findings) = f.lint(&[]);
    let hit = with_code(&findings, "SF010");
    assert_eq!(hit[0]["help"], "did you mean `data_source`?");
}

#[test]
fn sf011_unknown_field() {
    let f = Fixture::bundled();
    let story = "stories/suspicious_dns_activity.yml";
    f.write(story, format!("{}type: batch\n", f.read(story)));
    assert_at(&f, "SF011", story, "type", 0);
    let (exit, _) = f.lint(&[]);
    assert_eq!(exit, 0, "an unknown key alone is a warning");
}

#[test]
fn sf101_invalid_uuid() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "id: 5be28d82-4305-4b5f-aeec-9dbc93f84dd1",
        "id: 5be28d82-4305-4b5f-aeec",
    );
    assert_at(&f, "SF101", D, "5be28d82-4305-4b5f-aeec", 0);
}

#[test]
fn sf102_duplicate_id() {
    let f = Fixture::bundled();
    let other = "detections/cloud/aws_iam_successful_group_deletion.yml";
    let other_id = f.line_starting(other, "id: ");
    f.replace(D, "id: 5be28d82-4305-4b5f-aeec-9dbc93f84dd1", &other_id);
    // The later path of the two carries the finding; the earlier is the related location.
    assert_at(&f, "SF102", other, &other_id[4..], 0);
}

#[test]
fn sf103_duplicate_name() {
    let f = Fixture::bundled();
    let other = "stories/suspicious_dns_activity.yml";
    f.replace(
        other,
        "name: Suspicious DNS Activity",
        "name: AWS IAM Privilege Escalation",
    );
    assert_at(&f, "SF103", other, "AWS IAM Privilege Escalation", 0);
}

#[test]
fn sf104_file_name() {
    let f = Fixture::bundled();
    let renamed = "detections/cloud/aws_group_delete.yml";
    f.write(renamed, f.read(D));
    f.remove(D);
    assert_at(&f, "SF104", renamed, "AWS IAM Failure Group Deletion", 0);
}

#[test]
fn sf105_missing_risk() {
    let f = Fixture::bundled();
    let text = f.read(D);
    let start = text.find("  observable:").unwrap();
    let end = text[start..].find("  product:").unwrap() + start;
    f.write(
        D,
        format!("{}  observable: []\n{}", &text[..start], &text[end..]),
    );
    assert_at(&f, "SF105", D, "AWS IAM Failure Group Deletion", 0);
}

#[test]
fn sf106_stanza_collision() {
    let f = Fixture::bundled();
    f.write(
        "macros/m.yml",
        "name: m\narguments:\n  - x\ndefinition: search x=$x$\ndescription: one argument\n",
    );
    f.write(
        "macros/m_1_.yml",
        "name: m(1)\ndefinition: search x\ndescription: named like the other's stanza\n",
    );
    assert_at(&f, "SF106", "macros/m.yml", "m\n", 0);
    assert_at(&f, "SF106", "macros/m_1_.yml", "m(1)", 0);
}

#[test]
fn sf107_macro_argument_name() {
    let f = Fixture::bundled();
    f.replace(
        "macros/drop_dm_object_name.yml",
        "  - object",
        "  - obj$ect",
    );
    assert_at(&f, "SF107", "macros/drop_dm_object_name.yml", "obj$ect", 0);
}

#[test]
fn sf201_unknown_story() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "    - AWS IAM Privilege Escalation",
        "    - AWS IAM Privilege Escalations",
    );
    assert_at(&f, "SF201", D, "AWS IAM Privilege Escalations", 0);
    let (_, findings) = f.lint(&[]);
    let help = with_code(&findings, "SF201")[0]["help"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(help.contains("did you mean \"AWS IAM Privilege Escalation\"? (stories/aws_iam_privilege_escalation.yml)"), "{help}");
}

#[test]
fn sf202_unknown_data_source() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "  - AWS CloudTrail DeleteGroup",
        "  - AWS CloudTrail Delete Group",
    );
    assert_at(&f, "SF202", D, "AWS CloudTrail Delete Group", 0);
}

#[test]
fn sf203_unknown_detection() {
    let f = Fixture::bundled();
    let baseline = "baselines/baseline_of_iam_group_deletions.yml";
    f.write(
        baseline,
        "name: Baseline of IAM Group Deletions\nid: 2f1b7c34-7d7e-4a55-9d0c-0d7c8e2b9a01\nversion: 1\ndate: '2026-11-01'\n\
         author: splforge Project\ntype: Baseline\ndescription: Counts group deletions per user.\n\
         search: '`cloudtrail` eventName=DeleteGroup | stats count by user_arn | outputlookup iam_group_deletions'\n\
         how_to_implement: Run daily.\nknown_false_positives: none\nreferences: []\ntags:\n  analytic_story:\n  - AWS IAM Privilege Escalation\n\
         \x20 detections:\n  - AWS IAM Failure Group Deletions\n  product:\n  - Splunk Enterprise\n  required_fields:\n  - _time\n  security_domain: cloud\n",
    );
    assert_at(&f, "SF203", baseline, "AWS IAM Failure Group Deletions", 0);
}

#[test]
fn sf204_missing_deployment() {
    let f = Fixture::bundled();
    f.remove("deployments/escu_default_configuration_anomaly.yml");
    assert_at(&f, "SF204", D, "Anomaly", 0);
}

#[test]
fn sf205_unknown_macro() {
    let f = Fixture::bundled();
    f.replace(D, "'`cloudtrail`", "'`cloudtrial`");
    assert_at(&f, "SF205", D, "`cloudtrial`", 0);
    let f = Fixture::bundled();
    f.replace(
        D,
        "`security_content_ctime(firstTime)`",
        "`security_content_ctime(firstTime, x)`",
    );
    assert_at(&f, "SF205", D, "`security_content_ctime(firstTime, x)`", 0);
}

#[test]
fn sf206_missing_filter_macro() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "`aws_iam_failure_group_deletion_filter`",
        "`aws_iam_successful_group_deletion_filter`",
    );
    assert_at(
        &f,
        "SF206",
        D,
        "`aws_iam_successful_group_deletion_filter`",
        0,
    );
}

#[test]
fn sf207_duplicate_list_entry() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "    - AWS IAM Privilege Escalation\n",
        "    - AWS IAM Privilege Escalation\n    - aws iam privilege escalation\n",
    );
    assert_at(&f, "SF207", D, "aws iam privilege escalation", 0);
    // Two drilldowns with one name but different searches are two drilldowns.
    let f = Fixture::bundled();
    f.replace(
        D,
        "  - name: View risk events for the last 7 days for $user_arn$ and $src$",
        "  - name: View the detection results for $user_arn$ and $src$",
    );
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        with_code(&findings, "SF207"),
        Vec::<&serde_json::Value>::new()
    );
    f.replace(D, "    - T1098\n", "    - T1098\n    - T1098\n");
    assert_at(&f, "SF207", D, "T1098", 1);
}

#[test]
fn sf208_name_whitespace() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "name: AWS IAM Failure Group Deletion",
        "name: AWS IAM Failure  Group Deletion",
    );
    assert_at(&f, "SF208", D, "AWS IAM Failure  Group Deletion", 0);
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        with_code(&findings, "SF208")[0]["help"],
        "write \"AWS IAM Failure Group Deletion\""
    );
    let f = Fixture::bundled();
    f.replace(
        D,
        "    - AWS IAM Privilege Escalation\n",
        "    - 'AWS IAM Privilege Escalation '\n",
    );
    assert_at(&f, "SF208", D, "'AWS IAM Privilege Escalation '", 0);
}

#[test]
fn sf301_lookup_file_missing() {
    let f = Fixture::bundled();
    let lookup = "lookups/splf_dynamic_dns_providers.yml";
    f.replace(
        lookup,
        "filename: splf_dynamic_dns_providers.csv",
        "filename: ../../etc/passwd",
    );
    assert_at(&f, "SF301", lookup, "../../etc/passwd", 0);
}

#[test]
fn sf302_csv_row_width() {
    let f = Fixture::bundled();
    let csv = "lookups/splf_dynamic_dns_providers.csv";
    let text = f.read(csv);
    f.write(csv, format!("{text}*.evil.example,Evil,extra\n"));
    assert_at(&f, "SF302", csv, "*.evil.example", 0);
}

#[test]
fn sf303_orphan_lookup_file() {
    let f = Fixture::bundled();
    f.write("lookups/forgotten.csv", "a,b\n1,2\n");
    let (exit, findings) = f.lint(&[]);
    let hit = with_code(&findings, "SF303");
    assert_eq!(hit.len(), 1);
    assert_eq!(
        (
            hit[0]["file"].as_str(),
            hit[0]["line"].as_u64(),
            hit[0]["column"].as_u64()
        ),
        (Some("lookups/forgotten.csv"), Some(1), Some(1))
    );
    assert_eq!(exit, 0, "a warning alone does not fail the run");
}

#[test]
fn sf304_unknown_lookup() {
    const N: &str = "detections/network/windows_dns_query_to_dynamic_dns_provider.yml";
    let f = Fixture::bundled();
    f.replace(
        N,
        "| lookup splf_dynamic_dns_providers ",
        "| lookup splf_dynamic_dns_provider ",
    );
    assert_at(&f, "SF304", N, "splf_dynamic_dns_provider ", 0);
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        with_code(&findings, "SF304")[0]["help"],
        "did you mean `splf_dynamic_dns_providers`?"
    );
    // One another app of the site provides.
    let toml = f.read("splforge.toml");
    f.write(
        "splforge.toml",
        format!("{toml}\n[lint.external]\nlookups = [\"splf_dynamic_dns_provider\"]\n"),
    );
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        with_code(&findings, "SF304"),
        Vec::<&serde_json::Value>::new()
    );
    // By file name, one Splunk ships, and a file an outputlookup creates are all known.
    let f = Fixture::bundled();
    f.replace(
        N,
        "| lookup splf_dynamic_dns_providers ",
        "| search [| inputlookup splf_dynamic_dns_providers.csv | inputlookup append=t seen.csv | outputlookup seen.csv | lookup ut_shannon_lookup word AS QueryName | fields QueryName] | lookup splf_dynamic_dns_providers ",
    );
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        with_code(&findings, "SF304"),
        Vec::<&serde_json::Value>::new()
    );
    // A bare outputlookup name needs a definition; one in a macro is reported in the macro.
    f.replace(N, "| outputlookup seen.csv", "| outputlookup seen");
    assert_at(&f, "SF304", N, "seen |", 0);
    let m = "macros/sysmon.yml";
    let f = Fixture::bundled();
    f.replace(
        m,
        "Sysmon/Operational\n",
        "Sysmon/Operational | lookup nowhere_table x\n",
    );
    assert_at(&f, "SF304", m, "nowhere_table", 0);
    let (_, findings) = f.lint(&[]);
    assert_eq!(with_code(&findings, "SF304").len(), 1, "{findings:#?}");
}

#[test]
fn sf401_invalid_date() {
    let f = Fixture::bundled();
    f.replace(D, "date: '2026-11-23'", "date: '2999-01-01'");
    assert_at(&f, "SF401", D, "'2999-01-01'", 0);
    let f = Fixture::bundled();
    f.replace(D, "date: '2026-11-23'", "date: '2024-02-30'");
    assert_at(&f, "SF401", D, "'2024-02-30'", 0);
}

#[test]
fn sf402_attack_id_format() {
    let f = Fixture::bundled();
    f.replace(D, "    - T1098", "    - T1098-001");
    assert_at(&f, "SF402", D, "T1098-001", 0);
}

#[test]
fn sf403_unknown_attack_technique() {
    let f = Fixture::bundled();
    f.replace(D, "    - T1098", "    - T9999");
    assert_at(&f, "SF403", D, "T9999", 0);
}

#[test]
fn sf404_revoked_attack_technique() {
    let f = Fixture::bundled();
    f.replace(D, "    - T1098", "    - T1086");
    assert_at(&f, "SF404", D, "T1086", 0);
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        with_code(&findings, "SF404")[0]["help"],
        "use T1059.001 (PowerShell) instead"
    );
}

#[test]
fn sf405_redundant_attack_technique() {
    // Accepted by contentctl 4.x, whose content lists both as a matter of style: silent.
    let f = Fixture::bundled();
    f.replace(D, "    - T1098\n", "    - T1098\n    - T1098.001\n");
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        with_code(&findings, "SF405"),
        Vec::<&serde_json::Value>::new()
    );
    // Rejected by contentctl 5.x: an error on a 5.x detection (an `rba:` block).
    f.replace(
        D,
        "tags:\n",
        "rba:\n  message: User $user_arn$\n  risk_objects:\n    - field: user_arn\n      type: user\n      score: 10\n  threat_objects: []\ntags:\n",
    );
    assert_at(&f, "SF405", D, "T1098", 0);
    let (_, findings) = f.lint(&[]);
    assert_eq!(with_code(&findings, "SF405")[0]["severity"], "error");
}

#[test]
fn sf405_on_request_on_4x_content() {
    // Off by default on 4.x content; naming the rule in `extend_select` reports the pair
    // there too, as a warning (contentctl 4 accepts it).
    let f = Fixture::bundled();
    f.replace(D, "    - T1098\n", "    - T1098\n    - T1098.001\n");
    let toml = f.read("splforge.toml");
    f.write(
        "splforge.toml",
        format!("{toml}\n[lint]\nextend_select = [\"SF405\"]\n"),
    );
    assert_at(&f, "SF405", D, "T1098", 0);
    let (exit, findings) = f.lint(&[]);
    let hits = with_code(&findings, "SF405");
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert_eq!(hits[0]["severity"], "warning");
    assert_eq!(exit, 0);
    // `ignore` still wins.
    f.write(
        "splforge.toml",
        format!("{toml}\n[lint]\nextend_select = [\"SF405\"]\nignore = [\"SF405\"]\n"),
    );
    assert!(with_code(&f.lint(&[]).1, "SF405").is_empty());
}

#[test]
fn sf406_unknown_kill_chain_phase() {
    // A phase the techniques do not imply (T1098 is Installation) is the author's call.
    let f = Fixture::bundled();
    f.replace(
        D,
        "  mitre_attack_id:",
        "  kill_chain_phases:\n    - Delivery\n  mitre_attack_id:",
    );
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        with_code(&findings, "SF406"),
        Vec::<&serde_json::Value>::new()
    );
    f.replace(
        D,
        "    - Delivery\n",
        "    - Delivery\n    - Actions on Objective\n",
    );
    assert_at(&f, "SF406", D, "Actions on Objective", 0);
    let (_, findings) = f.lint(&[]);
    assert_eq!(
        with_code(&findings, "SF406")[0]["help"],
        "did you mean \"Actions on Objectives\"?"
    );
}

#[test]
fn sf407_kill_chain_mismatch() {
    // T1098 is Persistence, so Installation; Delivery is not implied.
    let f = Fixture::bundled();
    f.replace(
        D,
        "  mitre_attack_id:",
        "  kill_chain_phases:\n    - Delivery\n    - Installation\n    - Actions on Objective\n  mitre_attack_id:",
    );
    // Off by default.
    assert!(with_code(&f.lint(&[]).1, "SF407").is_empty());
    let toml = f.read("splforge.toml");
    f.write(
        "splforge.toml",
        format!("{toml}\n[lint]\nextend_select = [\"kill-chain-mismatch\"]\n"),
    );
    assert_at(&f, "SF407", D, "Delivery", 0);
    let (_, findings) = f.lint(&[]);
    let hits = with_code(&findings, "SF407");
    // Installation is implied; the misspelt phase is SF406's alone.
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert!(
        hits[0]["help"].as_str().unwrap().contains("Installation"),
        "{hits:#?}"
    );
    assert_eq!(with_code(&findings, "SF406").len(), 1);
}

#[test]
fn sf501_placeholder_not_output() {
    let f = Fixture::bundled();
    f.replace(D, "with error $errorCode$", "with error $errorCodes$");
    assert_at(&f, "SF501", D, "$errorCodes$", 0);
    // An observable naming a field the stats drops.
    let f = Fixture::bundled();
    f.replace(D, "    - name: src\n", "    - name: source_ip\n");
    assert_at(&f, "SF501", D, "source_ip", 0);
}

#[test]
fn sf502_filter_macro_not_last() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "| `aws_iam_failure_group_deletion_filter`'",
        "| `aws_iam_failure_group_deletion_filter` | search count > 1'",
    );
    assert_at(&f, "SF502", D, "`aws_iam_failure_group_deletion_filter`", 0);
}

#[test]
fn sf503_unproduced_field() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "| `aws_iam_failure_group_deletion_filter`'",
        "| table src user_arn group_name errorCode count firstTime lastTime arn | `aws_iam_failure_group_deletion_filter`'",
    );
    assert_at(&f, "SF503", D, "arn |", 0);
}

#[test]
fn sf504_spl_syntax() {
    let f = Fixture::bundled();
    f.replace(D, "eventName=DeleteGroup", "eventName=\"DeleteGroup");
    let (exit, findings) = f.lint(&[]);
    let hit = with_code(&findings, "SF504");
    assert_eq!(hit.len(), 1, "{findings:#?}");
    assert_eq!(hit[0]["file"], D);
    let (line, column) = f.position_of(D, "\"DeleteGroup", 0);
    assert_eq!(
        (hit[0]["line"].as_u64(), hit[0]["column"].as_u64()),
        (Some(line), Some(column))
    );
    assert_eq!(exit, 1);
}

#[test]
fn sf505_malformed_placeholder() {
    let f = Fixture::bundled();
    f.replace(D, "from $src$ with error", "from $src with error");
    assert_at(&f, "SF505", D, "$src with", 0);
    let (_, findings) = f.lint(&[]);
    let hits = with_code(&findings, "SF505");
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert_eq!(
        hits[0]["end_column"].as_u64(),
        hits[0]["column"].as_u64().map(|c| c + 4)
    );
    // In a drilldown's search, the closing `$` of a word.
    let f = Fixture::bundled();
    f.replace(
        D,
        "search user_arn = $user_arn$",
        "search user_arn = user_arn$",
    );
    assert_at(&f, "SF505", D, "user_arn$ src", 0);
}

#[test]
fn sf505_in_a_deployments_notable() {
    const DEP: &str = "deployments/escu_default_configuration_correlation.yml";
    // `%name%` is contentctl's token and `$dest$` a well-formed placeholder: silent.
    let f = Fixture::bundled();
    f.replace(
        DEP,
        "rule_title: '%name%'",
        "rule_title: '%name% on $dest$'",
    );
    assert!(with_code(&f.lint(&[]).1, "SF505").is_empty());
    // An unclosed one in the title, an unopened one in the description, at their bytes.
    f.replace(DEP, "'%name% on $dest$'", "'%name% on $dest'");
    f.replace(
        DEP,
        "rule_description: '%description%'",
        "rule_description: '%description% by user$'",
    );
    assert_at(&f, "SF505", DEP, "$dest'", 0);
    assert_at(&f, "SF505", DEP, "user$'", 0);
    let (_, findings) = f.lint(&[]);
    let hits = with_code(&findings, "SF505");
    assert_eq!(hits.len(), 2, "{findings:#?}");
    assert!(
        hits.iter()
            .any(|h| h["message"].as_str().unwrap().contains("the notable title"))
    );
    // A spaced one: no single search tells whether a field has that name.
    let f = Fixture::bundled();
    f.replace(
        DEP,
        "rule_title: '%name%'",
        "rule_title: '%name% $risk object$'",
    );
    assert!(with_code(&f.lint(&[]).1, "SF505").is_empty());
}

/// `[lint.external]`: stories, data sources and macros another app defines resolve (SF201,
/// SF202, SF205; lookups are in `sf304_unknown_lookup`).
#[test]
fn lint_external_names_resolve_references() {
    let f = Fixture::bundled();
    f.replace(
        D,
        "    - AWS IAM Privilege Escalation",
        "    - Site Playbook Coverage",
    );
    f.replace(
        D,
        "  - AWS CloudTrail DeleteGroup",
        "  - Site CloudTrail Feed",
    );
    f.replace(D, "'`cloudtrail`", "'`site_cloudtrail`");
    let (_, findings) = f.lint(&[]);
    for code in ["SF201", "SF202", "SF205"] {
        assert_eq!(with_code(&findings, code).len(), 1, "{code}: {findings:#?}");
    }
    let toml = f.read("splforge.toml");
    f.write(
        "splforge.toml",
        format!(
            "{toml}\n[lint.external]\nstories = [\"Site Playbook Coverage\"]\n\
             data_sources = [\"Site CloudTrail Feed\"]\nmacros = [\"site_cloudtrail\"]\n"
        ),
    );
    let (_, findings) = f.lint(&[]);
    for code in ["SF201", "SF202", "SF205"] {
        assert_eq!(
            with_code(&findings, code),
            Vec::<&serde_json::Value>::new(),
            "{code}"
        );
    }
}
