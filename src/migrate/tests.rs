use std::path::Path;

use super::*;
use crate::load::{LoadLimits, load_repository};
use crate::model::{Content, root_mapping};

/// Migrates the bundled detection at `path`: (old text, outcome).
fn migrate_bundled(path: &str) -> (String, Outcome) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repository = load_repository(root, LoadLimits::default());
    let content = Content::build(&repository);
    let file = repository
        .files
        .iter()
        .position(|f| f.source.path == Path::new(path))
        .unwrap();
    let detection = content
        .detections
        .iter()
        .find(|d| d.header.file == file)
        .unwrap();
    let loaded = &repository.files[file];
    let outcome = detection_to_5(
        &loaded.source.text,
        root_mapping(loaded).unwrap(),
        detection,
        &content.deployments,
    );
    (loaded.source.text.clone(), outcome)
}

#[test]
fn writes_rba_before_tags_and_drops_4x_tags() {
    let (old, outcome) = migrate_bundled("detections/endpoint/windows_certutil_url_download.yml");
    let Outcome::Converted { text, notes } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        notes.iter().any(|n| n.contains("required_fields")),
        "{notes:?}"
    );
    let expected_rba = "rba:\n  message: certutil.exe downloaded a remote file on $dest$ as $user$ with the command $process$\n  risk_objects:\n    - field: dest\n      type: system\n      score: 42\n    - field: user\n      type: user\n      score: 42\n  threat_objects:\n    - field: process\n      type: process\ntags:\n";
    assert!(text.contains(expected_rba), "{text}");
    for gone in [
        "confidence:",
        "impact:",
        "observable:",
        "required_fields:",
        "  message:",
    ] {
        assert!(
            !text[text.find("tags:").unwrap()..].contains(gone),
            "{gone} left in {text}"
        );
    }
    // Everything before tags is untouched.
    let head = &old[..old.find("tags:").unwrap()];
    assert!(text.starts_with(head));
    // Migrating again changes nothing.
    let reparsed = crate::load::yaml::parse(&text, Default::default()).unwrap();
    assert!(reparsed.root.unwrap().get("rba").is_some());
}

#[test]
fn keeps_comments_outside_removed_entries() {
    let source = "name: X\n# about tags\ntags:\n  # stories\n  analytic_story:\n  - A\n  confidence: 50 # gone\n  security_domain: endpoint\n";
    let root = crate::load::yaml::parse(source, Default::default())
        .unwrap()
        .root
        .unwrap();
    let mut edits = Vec::new();
    let (k, v) = root
        .get("tags")
        .unwrap()
        .as_map()
        .unwrap()
        .entry("confidence")
        .unwrap();
    edits.push(Edit::remove_lines(source, k.span.start, v.span.end));
    let out = apply(source, edits);
    assert_eq!(
        out,
        "name: X\n# about tags\ntags:\n  # stories\n  analytic_story:\n  - A\n  security_domain: endpoint\n"
    );
}

#[test]
fn drops_a_technique_listed_beside_its_sub_technique() {
    let source = "tags:\n  mitre_attack_id:\n  - T1003\n  - T1003.001\n  - T1059\n  product:\n  - Splunk Enterprise\n";
    let root = crate::load::yaml::parse(source, Default::default())
        .unwrap()
        .root
        .unwrap();
    let tags = root.get("tags").unwrap().as_map().unwrap();
    let mut notes = Vec::new();
    let edits = overlapping_techniques(source, tags, &mut notes);
    assert_eq!(
        apply(source, edits),
        "tags:\n  mitre_attack_id:\n  - T1003.001\n  - T1059\n  product:\n  - Splunk Enterprise\n"
    );
    assert_eq!(notes.len(), 1, "{notes:?}");
}

#[test]
fn stories_get_a_status_and_lose_what_5x_does_not_read_once() {
    let source = "name: Example\nid: bcfd17e8-5461-400a-80a2-3b7d1459220c\nversion: 1\ndate: '2021-02-16'\nauthor: A, B\ndescription: d\nnarrative: n\ntype: batch\ntags:\n  category:\n  - Malware\n  product:\n  - Splunk Enterprise\n  usecase: Advanced Threat Detection\n";
    let parse = |text: &str| {
        crate::load::yaml::parse(text, Default::default())
            .unwrap()
            .root
            .unwrap()
    };
    let Outcome::Converted { text, notes } = object_to_5(
        crate::load::ContentKind::Story,
        source,
        &parse(source),
        true,
    ) else {
        panic!("not converted");
    };
    assert_eq!(
        text,
        source
            .replace("version: 1\n", "version: 1\nstatus: deprecated\n")
            .replace("type: batch\n", "")
    );
    assert_eq!(notes, ["dropped type (contentctl 5 does not read it)"]);
    assert!(matches!(
        object_to_5(crate::load::ContentKind::Story, &text, &parse(&text), true),
        Outcome::Unchanged(_)
    ));
}

#[test]
fn lookups_get_their_type_header_and_5x_keys_once() {
    let root_dir = tempfile::tempdir().unwrap();
    let lookups = root_dir.path().join("lookups");
    std::fs::create_dir(&lookups).unwrap();
    let source = "name: api_calls\ndescription: a collection\ncollection: api_calls\nfields_list: arn, count\n";
    std::fs::write(lookups.join("api_calls.yml"), source).unwrap();
    let repository = load_repository(root_dir.path(), LoadLimits::default());
    let content = Content::build(&repository);
    let lookup = &content.lookups[0];
    let root = root_mapping(&repository.files[0]).unwrap();
    let defaults = LookupDefaults {
        author: "Someone",
        date: "2024-10-01",
    };
    let migration = lookup_to_5(source, root, lookup, "api_calls", &defaults);
    let Outcome::Converted { text, notes } = migration.outcome else {
        panic!("not converted");
    };
    let id = derived_id("api_calls");
    assert_eq!(
        text,
        format!(
            "name: api_calls\nid: {id}\nversion: 1\ndate: '2024-10-01'\nauthor: 'Someone'\nlookup_type: kvstore\ndescription: a collection\nfields:\n- '_key'\n- 'arn'\n- 'count'\n"
        )
    );
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(migration.rename, None);
    let again = crate::load::yaml::parse(&text, Default::default())
        .unwrap()
        .root
        .unwrap();
    assert!(matches!(
        lookup_to_5(&text, &again, lookup, "api_calls", &defaults).outcome,
        Outcome::Unchanged(_)
    ));
}

#[test]
fn merge_keys_are_seen_in_block_and_flow_style() {
    assert!(has_merge_key("tags:\n  <<: *common\n"));
    assert!(has_merge_key("tags:\n  - <<: *common\n"));
    assert!(has_merge_key("tags: {<<: *common, a: 1}\n"));
    assert!(has_merge_key("tags: {a: 1, <<: *common}\n"));
    assert!(!has_merge_key(
        "search: '| eval x = a << 2'\ntags:\n  a: 1\n"
    ));
}
