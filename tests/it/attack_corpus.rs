//! The embedded catalogues against the material in ../shared: the JSONL extracts made by
//! extract.py (field by field) and the ATT&CK tables of the 2022 golden docs pages. Each test
//! skips with a printed reason when ../shared is absent.

use std::path::{Path, PathBuf};

use serde_json::Value;
use splforge::attack::{catalogue, versions};

fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_str().unwrap())
        .collect()
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn techniques_agree_with_the_jsonl_extracts() {
    let Some(dir) = shared("data/attack") else {
        return;
    };
    for version in versions() {
        let catalogue = catalogue(version).unwrap();
        let records = jsonl(&dir.join(format!("enterprise-attack-v{version}.techniques.jsonl")));
        assert_eq!(records.len(), catalogue.techniques().len(), "{version}");
        for record in records {
            let id = record["id"].as_str().unwrap();
            let technique = catalogue
                .get(id)
                .unwrap_or_else(|| panic!("{version} {id}"));
            let context = format!("{version} {id}");
            assert_eq!(technique.name, record["name"], "{context}");
            assert_eq!(technique.tactics, strings(&record["tactics"]), "{context}");
            assert_eq!(
                technique.tactic_ids,
                strings(&record["tactic_ids"]),
                "{context}"
            );
            let phases = strings(&record["kill_chain_phases"]);
            assert_eq!(technique.kill_chain_phases, phases, "{context}");
            assert_eq!(
                technique.platforms,
                strings(&record["platforms"]),
                "{context}"
            );
            assert_eq!(technique.parent, record["parent_id"].as_str(), "{context}");
            assert_eq!(
                technique.is_subtechnique, record["is_subtechnique"],
                "{context}"
            );
            assert_eq!(technique.revoked, record["revoked"], "{context}");
            assert_eq!(technique.deprecated, record["deprecated"], "{context}");
            assert_eq!(
                technique.replaced_by,
                record["revoked_by"].as_str(),
                "{context}"
            );
            assert_eq!(technique.url(), record["url"], "{context}");
        }
    }
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn tactics_and_groups_agree_with_the_jsonl_extracts() {
    let Some(dir) = shared("data/attack") else {
        return;
    };
    for version in versions() {
        let catalogue = catalogue(version).unwrap();
        let tactics = jsonl(&dir.join(format!("enterprise-attack-v{version}.tactics.jsonl")));
        assert_eq!(tactics.len(), catalogue.tactics().len());
        for (record, tactic) in tactics.iter().zip(catalogue.tactics()) {
            assert_eq!(tactic.id, record["id"]);
            assert_eq!(tactic.name, record["name"]);
            assert_eq!(tactic.shortname, record["shortname"]);
            assert_eq!(tactic.url(), record["url"]);
        }
        let groups = jsonl(&dir.join(format!("enterprise-attack-v{version}.groups.jsonl")));
        assert_eq!(groups.len(), catalogue.groups().len());
        for (record, group) in groups.iter().zip(catalogue.groups()) {
            assert_eq!(group.id, record["id"]);
            assert_eq!(group.name, record["name"]);
            assert_eq!(group.aliases, strings(&record["aliases"]));
            assert_eq!(group.techniques, strings(&record["techniques"]));
            assert_eq!(
                (group.revoked, group.deprecated),
                (record["revoked"] == true, record["deprecated"] == true)
            );
            assert_eq!(group.url(), record["url"]);
            if !group.revoked && !group.deprecated {
                for id in &group.techniques {
                    let users = catalogue.groups_using(id);
                    assert!(
                        users.iter().any(|user| user.id == group.id),
                        "{version} {id}"
                    );
                }
            }
        }
    }
}

/// "command-and-control" -> "Command And Control", as the 2022 docs generator wrote tactics.
fn title_case(phase: &str) -> String {
    phase
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn the_2022_golden_pages_name_techniques_as_v10_1_does() {
    let Some(dir) = shared("golden/2022/expected") else {
        return;
    };
    let v10 = catalogue("10.1").unwrap();
    let mut rows = 0;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|ext| ext != "md") {
            continue;
        }
        let page = std::fs::read_to_string(entry.path()).unwrap();
        // | [T1078.004](https://attack.mitre.org/techniques/T1078/004/) | Cloud Accounts | Defense Evasion, ... |
        for line in page.lines().filter(|line| line.starts_with("| [T")) {
            let cells: Vec<&str> = line.split(" | ").collect();
            let id = &cells[0][3..cells[0].find(']').unwrap()];
            let technique = v10.technique(id).found().unwrap();
            assert_eq!(cells[1], technique.name, "{line}");
            let tactics: Vec<String> = technique
                .kill_chain_phases
                .iter()
                .map(|p| title_case(p))
                .collect();
            assert_eq!(
                cells[2].trim_end_matches(" |"),
                tactics.join(", "),
                "{line}"
            );
            rows += 1;
        }
    }
    assert!(rows > 20, "only {rows} ATT&CK rows found");
}
