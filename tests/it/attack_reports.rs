//! `navigator_layer` and `coverage_markdown`: the layer validates against the layer format 4.5
//! schema kept in tests/fixtures, and the summary counts per tactic.

use serde_json::{Value, json};
use splforge::attack::{catalogue, coverage_markdown, navigator_layer};

fn layer_schema() -> jsonschema::Validator {
    let text = include_str!("../fixtures/navigator-layer-4.5.schema.json");
    let schema: Value = serde_json::from_str(text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(layer: &Value) {
    let errors: Vec<String> = layer_schema()
        .iter_errors(layer)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{layer:#}");
}

fn coverage(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    pairs
        .iter()
        .map(|(id, names)| {
            (
                id.to_string(),
                names.iter().map(|n| n.to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn the_layer_validates_and_scores_detections() {
    let v18 = catalogue("18.1").unwrap();
    let coverage = coverage(&[
        ("T1059.001", &["Malicious PowerShell", "Encoded PowerShell"]),
        ("T1098", &["Account change"]),
        (
            "T1059.001",
            &["Malicious PowerShell", "PowerShell Download"],
        ),
        ("T1086", &["Old PowerShell"]),
        ("T9999", &["Bogus"]),
    ]);
    let layer = navigator_layer(v18, &coverage, "splforge coverage");
    assert_valid(&layer);
    assert_eq!(layer["domain"], "enterprise-attack");
    assert_eq!(
        layer["versions"],
        json!({"attack": "18", "navigator": "5.1.0", "layer": "4.5"})
    );
    let techniques = layer["techniques"].as_array().unwrap();
    let scored: Vec<(&str, u64)> = techniques
        .iter()
        .map(|t| {
            (
                t["techniqueID"].as_str().unwrap(),
                t["score"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(scored, [("T1059.001", 3), ("T1098", 1)]);
    assert_eq!(
        techniques[0]["comment"],
        "3 detections: Encoded PowerShell; Malicious PowerShell; PowerShell Download"
    );
    assert_eq!(layer["gradient"]["maxValue"], 3);
}

#[test]
fn an_empty_layer_validates() {
    let layer = navigator_layer(catalogue("10.1").unwrap(), &[], "empty");
    assert_valid(&layer);
    assert_eq!(layer["versions"]["attack"], "10");
    assert_eq!(layer["techniques"], json!([]));
}

#[test]
fn the_schema_rejects_what_the_navigator_would() {
    let schema = layer_schema();
    let good = json!({
        "name": "x",
        "versions": {"attack": "18", "navigator": "4.9.0", "layer": "4.5"},
        "domain": "enterprise-attack",
        "techniques": [{"techniqueID": "T1110.001", "tactic": "credential-access", "score": 1}]
    });
    assert!(schema.is_valid(&good));
    for (pointer, bad) in [
        ("/domain", json!("enterprise")),
        ("/versions/layer", json!("4.4")),
        ("/versions/navigator", json!("4.8.0")),
        ("/techniques/0/techniqueID", json!("t1110")),
        ("/techniques/0/score", json!("1")),
    ] {
        let mut layer = good.clone();
        *layer.pointer_mut(pointer).unwrap() = bad;
        assert!(!schema.is_valid(&layer), "{pointer}");
    }
    let mut no_name = good.clone();
    no_name.as_object_mut().unwrap().remove("name");
    assert!(!schema.is_valid(&no_name));
}

#[test]
fn the_markdown_summary_counts_per_tactic() {
    let v10 = catalogue("10.1").unwrap();
    let coverage = coverage(&[
        ("T1098", &["Account change"]),
        ("T1560.001", &["Archive | 7zip"]),
        ("T1086", &["Old PowerShell"]),
        ("T9999", &["Bogus"]),
    ]);
    let markdown = coverage_markdown(v10, &coverage);
    assert!(markdown.starts_with("# ATT&CK coverage\n"));
    assert!(
        markdown.contains("Enterprise v10.1: 2 of 566 active techniques"),
        "{markdown}"
    );
    let collection_total = v10
        .techniques()
        .iter()
        .filter(|t| !t.revoked && !t.deprecated && t.tactics.contains(&"Collection"))
        .count();
    assert!(markdown.contains(&format!("| Collection | TA0009 | 1 | {collection_total} |")));
    assert!(markdown.contains("| T1560.001 | Archive via Utility | Archive \\| 7zip |"));
    assert!(
        markdown.contains("| T1086 | revoked, replaced by T1059.001 PowerShell | Old PowerShell |")
    );
    assert!(markdown.contains("| T9999 | unknown | Bogus |"));
    // 14 tactics, then the section of ids that are not active.
    let sections = markdown
        .lines()
        .filter(|line| line.starts_with("## "))
        .count();
    assert_eq!(sections, 15);
    assert!(markdown.contains("The MITRE Corporation"));
}
