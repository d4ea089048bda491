//! The embedded ATT&CK catalogues: the acceptance facts of issues 4 and 20 and the shape of
//! the data.

use splforge::attack::{
    AttackError, DEFAULT_VERSION, LICENSE_TEXT, Lookup, catalogue, is_technique_id, versions,
};

#[test]
fn every_release_from_8_2_to_18_1_is_embedded_and_18_1_is_the_default() {
    assert_eq!(
        versions(),
        [
            "8.2", "9.0", "10.1", "11.3", "12.1", "13.1", "14.1", "15.1", "16.1", "17.1", "18.1"
        ]
    );
    assert_eq!(DEFAULT_VERSION, "18.1");
    for version in versions() {
        assert_eq!(catalogue(version).unwrap().version(), *version);
    }
    assert_eq!(catalogue("v10.1").unwrap().version(), "10.1");
}

#[test]
fn an_unknown_version_lists_the_available_ones() {
    let err = catalogue("9.1").unwrap_err();
    assert!(matches!(err, AttackError::UnknownVersion { .. }));
    assert_eq!(
        err.to_string(),
        "unknown ATT&CK version \"9.1\": available versions are \
         8.2, 9.0, 10.1, 11.3, 12.1, 13.1, 14.1, 15.1, 16.1, 17.1, 18.1"
    );
}

#[test]
fn t1098_gains_privilege_escalation_after_v10_1() {
    let v10 = catalogue("10.1")
        .unwrap()
        .technique("T1098")
        .found()
        .unwrap();
    assert_eq!(v10.name, "Account Manipulation");
    assert_eq!(v10.tactics, ["Persistence"]);
    let v18 = catalogue("18.1")
        .unwrap()
        .technique("T1098")
        .found()
        .unwrap();
    assert_eq!(v18.tactics, ["Persistence", "Privilege Escalation"]);
    assert_eq!(v18.tactic_ids, ["TA0003", "TA0004"]);
    assert_eq!(
        v18.kill_chain_phases,
        ["persistence", "privilege-escalation"]
    );
}

#[test]
fn t1086_is_revoked_in_favour_of_t1059_001() {
    for version in versions() {
        let lookup = catalogue(version).unwrap().technique("T1086");
        let Lookup::Revoked {
            technique,
            replaced_by,
        } = lookup
        else {
            panic!("T1086 in {version}: {lookup:?}");
        };
        assert_eq!(technique.name, "PowerShell");
        assert_eq!(technique.replaced_by, Some("T1059.001"));
        let replacement = replaced_by.unwrap();
        assert_eq!(replacement.id, "T1059.001");
        assert_eq!(replacement.name, "PowerShell");
    }
}

#[test]
fn a_chain_of_revocations_resolves_to_its_end() {
    // v18.1: T1073 DLL Side-Loading -> T1574.002 (itself revoked) -> T1574.001.
    let v18 = catalogue("18.1").unwrap();
    let Lookup::Revoked { replaced_by, .. } = v18.technique("T1073") else {
        panic!("T1073 is revoked in 18.1");
    };
    let end = replaced_by.unwrap();
    assert!(!end.revoked, "{end:?}");
    assert_eq!(v18.get("T1073").unwrap().replaced_by, Some("T1574.002"));
    assert_eq!(end.id, "T1574.001");
}

#[test]
fn t1574_002_is_active_until_v16_1_and_revoked_from_v17_1() {
    for version in versions() {
        let catalogue = catalogue(version).unwrap();
        let lookup = catalogue.technique("T1574.002");
        let Lookup::Revoked { replaced_by, .. } = catalogue.technique("T1073") else {
            panic!("T1073 is revoked in {version}");
        };
        let end = replaced_by.unwrap().id;
        if ["17.1", "18.1"].contains(version) {
            assert!(matches!(lookup, Lookup::Revoked { .. }), "{version}");
            assert_eq!(end, "T1574.001", "{version}");
        } else {
            assert!(matches!(lookup, Lookup::Found(_)), "{version}");
            assert_eq!(end, "T1574.002", "{version}");
        }
    }
}

#[test]
fn t1150_resolves_through_t1547_011_to_t1647_from_v11() {
    for version in versions() {
        let Lookup::Revoked { replaced_by, .. } = catalogue(version).unwrap().technique("T1150")
        else {
            panic!("T1150 is revoked in {version}");
        };
        let end = replaced_by.unwrap().id;
        let old = ["8.2", "9.0", "10.1"].contains(version);
        assert_eq!(end, if old { "T1547.011" } else { "T1647" }, "{version}");
    }
}

#[test]
fn t9999_and_malformed_ids_are_unknown() {
    let v18 = catalogue("18.1").unwrap();
    assert_eq!(v18.technique("T9999"), Lookup::Unknown);
    assert_eq!(v18.technique("t1059.001"), Lookup::Unknown);
    assert_eq!(v18.technique(""), Lookup::Unknown);
    assert!(!is_technique_id("t1059.001"));
}

#[test]
fn t1560_001_is_archive_via_utility() {
    for version in versions() {
        let technique = catalogue(version)
            .unwrap()
            .technique("T1560.001")
            .found()
            .unwrap();
        assert_eq!(technique.name, "Archive via Utility");
        assert!(technique.is_subtechnique);
        assert_eq!(technique.parent, Some("T1560"));
        assert_eq!(technique.tactics, ["Collection"]);
        assert_eq!(
            technique.url(),
            "https://attack.mitre.org/techniques/T1560/001"
        );
    }
}

#[test]
fn deprecated_techniques_are_reported_as_such() {
    // T1053.004 Launchd was deprecated in v10.1.
    let lookup = catalogue("10.1").unwrap().technique("T1053.004");
    assert!(matches!(lookup, Lookup::Deprecated { technique } if technique.name == "Launchd"));
}

#[test]
fn tactics_are_in_matrix_order() {
    for version in versions() {
        let tactics = catalogue(version).unwrap().tactics();
        let ids: Vec<&str> = tactics.iter().map(|tactic| tactic.id).collect();
        assert_eq!(
            ids,
            [
                "TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005", "TA0006",
                "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040"
            ]
        );
        assert_eq!(tactics[2].name, "Initial Access");
        assert_eq!(tactics[2].shortname, "initial-access");
    }
}

#[test]
fn tactics_are_found_by_any_spelling_of_their_name() {
    let v18 = catalogue("18.1").unwrap();
    assert_eq!(
        v18.tactic_by_name("Command and Control").unwrap().id,
        "TA0011"
    );
    assert!(v18.tactic_by_name("Command And Control").is_none());
    for text in ["Command And Control", "command-and-control", "ta0011"] {
        assert_eq!(v18.find_tactic(text).unwrap().id, "TA0011", "{text}");
    }
    assert_eq!(v18.tactic_by_shortname("impact").unwrap().name, "Impact");
}

#[test]
fn tactics_of_several_techniques_are_merged_in_matrix_order() {
    let v18 = catalogue("18.1").unwrap();
    let names: Vec<&str> = v18
        .tactics_of(["T1098", "T1059.001", "T1086", "T9999"])
        .iter()
        .map(|tactic| tactic.name)
        .collect();
    assert_eq!(names, ["Execution", "Persistence", "Privilege Escalation"]);
}

#[test]
fn kill_chain_phases_keep_the_stix_order() {
    // The 2022 docs print T1078's tactics in STIX order, not matrix order.
    let t1078 = catalogue("10.1")
        .unwrap()
        .technique("T1078")
        .found()
        .unwrap();
    assert_eq!(
        t1078.kill_chain_phases,
        [
            "defense-evasion",
            "persistence",
            "privilege-escalation",
            "initial-access"
        ]
    );
    assert_eq!(
        t1078.tactics,
        [
            "Initial Access",
            "Persistence",
            "Privilege Escalation",
            "Defense Evasion"
        ]
    );
}

#[test]
fn groups_are_linked_both_ways() {
    let v18 = catalogue("18.1").unwrap();
    let users = v18.groups_using("T1059.001");
    assert!(users.iter().any(|group| group.name == "APT29"), "{users:?}");
    let names: Vec<&str> = users.iter().map(|group| group.name).collect();
    assert!(names.windows(2).all(|pair| pair[0] <= pair[1]));
    for group in users {
        assert!(!group.revoked && !group.deprecated);
        assert!(group.techniques.contains(&"T1059.001"));
    }
    assert!(v18.groups_using("T9999").is_empty());
}

#[test]
fn counts_match_the_extracts() {
    // From ../shared/data/attack/README.md.
    for (version, total, active, revoked, deprecated, groups) in [
        ("10.1", 707, 566, 129, 12, 133),
        ("18.1", 835, 691, 132, 12, 187),
    ] {
        let catalogue = catalogue(version).unwrap();
        let techniques = catalogue.techniques();
        assert_eq!(techniques.len(), total, "{version}");
        let count = |pred: fn(&&splforge::attack::Technique) -> bool| {
            techniques.iter().filter(pred).count()
        };
        assert_eq!(count(|t| !t.revoked && !t.deprecated), active, "{version}");
        assert_eq!(count(|t| t.revoked), revoked, "{version}");
        assert_eq!(count(|t| t.deprecated), deprecated, "{version}");
        assert_eq!(catalogue.groups().len(), groups, "{version}");
        assert!(techniques.iter().all(|t| is_technique_id(t.id)));
        assert!(techniques.windows(2).all(|pair| pair[0].id < pair[1].id));
    }
}

#[test]
fn subtechniques_are_listed_under_their_parent() {
    let v18 = catalogue("18.1").unwrap();
    let ids: Vec<&str> = v18.subtechniques_of("T1560").map(|t| t.id).collect();
    assert_eq!(ids, ["T1560.001", "T1560.002", "T1560.003"]);
}

#[test]
fn the_mitre_notice_is_embedded() {
    assert!(LICENSE_TEXT.contains("The MITRE Corporation (MITRE) hereby grants you"));
}
