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
fn merge_keys_are_seen_in_block_and_flow_style() {
    assert!(has_merge_key("tags:\n  <<: *common\n"));
    assert!(has_merge_key("tags:\n  - <<: *common\n"));
    assert!(has_merge_key("tags: {<<: *common, a: 1}\n"));
    assert!(has_merge_key("tags: {a: 1, <<: *common}\n"));
    assert!(!has_merge_key(
        "search: '| eval x = a << 2'\ntags:\n  a: 1\n"
    ));
}
