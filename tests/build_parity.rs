//! Parity with contentctl 4.4.7: every `.conf` file of the reference build of the corpus has
//! the same stanzas with the same keys and values in ours, except the differences listed in
//! `docs/parity.md` (its `parity-exceptions` block). Any other difference fails.

mod support;

use std::collections::BTreeSet;
use std::fmt::Write;

use support::{Conf, parse_conf};

/// One allowed difference: `file`, `stanza` (`*` = any), `key` (`*` = any, `-` = the whole
/// stanza or file is absent on one side).
#[derive(Debug)]
struct Exception {
    file: String,
    stanza: String,
    key: String,
}

fn exceptions() -> Vec<Exception> {
    let doc = std::fs::read_to_string(support::crate_root().join("docs/parity.md"))
        .expect("docs/parity.md");
    let block = doc
        .split("```parity-exceptions")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ```parity-exceptions block in docs/parity.md");
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split(" | ").map(str::trim).collect();
            assert_eq!(
                parts.len(),
                3,
                "exception line needs `file | stanza | key`: {l}"
            );
            Exception {
                file: parts[0].to_owned(),
                stanza: parts[1].to_owned(),
                key: parts[2].to_owned(),
            }
        })
        .collect()
}

fn excepted(exceptions: &[Exception], file: &str, stanza: &str, key: &str) -> bool {
    exceptions.iter().any(|e| {
        e.file == file && (e.stanza == "*" || e.stanza == stanza) && (e.key == "*" || e.key == key)
    })
}

#[test]
fn conf_files_match_contentctl_4_4_7() {
    let (Some(corpus), Some(reference)) = (support::corpus(), support::reference_app()) else {
        eprintln!("skipped: corpus or contentctl 4.4.7 reference not found under ../shared");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let report = support::build_into(&corpus, out.path());
    let exceptions = exceptions();
    let mut failures = String::new();
    let (mut stanzas_compared, mut keys_matched) = (0usize, 0usize);

    let mut names = BTreeSet::new();
    for dir in [reference.join("default"), report.app_dir.join("default")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".conf") {
                names.insert(format!("default/{name}"));
            }
        }
    }
    names.insert("metadata/default.meta".to_owned());

    for file in &names {
        let read = |root: &std::path::Path| -> Option<Conf> {
            let text = std::fs::read_to_string(root.join(file)).ok()?;
            Some(parse_conf(&text).unwrap_or_else(|e| panic!("{file}: {e:?}")))
        };
        let (theirs, ours) = (read(&reference), read(&report.app_dir));
        let (theirs, ours) = match (theirs, ours) {
            (Some(t), Some(o)) => (t, o),
            (t, _) => {
                if !excepted(&exceptions, file, "*", "-") {
                    let side = if t.is_some() { "ours" } else { "contentctl's" };
                    writeln!(failures, "{file}: missing from {side} build").unwrap();
                }
                continue;
            }
        };
        for (stanza, their_keys) in &theirs {
            let Some(our_keys) = ours.get(stanza) else {
                if !excepted(&exceptions, file, stanza, "-") {
                    writeln!(failures, "{file} [{stanza}]: stanza missing from ours").unwrap();
                }
                continue;
            };
            stanzas_compared += 1;
            for (key, their_value) in their_keys {
                match our_keys.get(key) {
                    Some(v) if v == their_value => keys_matched += 1,
                    _ if excepted(&exceptions, file, stanza, key) => {}
                    Some(v) => writeln!(
                        failures,
                        "{file} [{stanza}] {key}:\n  contentctl: {their_value}\n  splforge:   {v}"
                    )
                    .unwrap(),
                    None => {
                        writeln!(failures, "{file} [{stanza}] {key}: missing from ours").unwrap()
                    }
                }
            }
            for key in our_keys.keys().filter(|k| !their_keys.contains_key(*k)) {
                if !excepted(&exceptions, file, stanza, key) {
                    writeln!(failures, "{file} [{stanza}] {key}: only in ours").unwrap();
                }
            }
        }
        for stanza in ours.keys().filter(|s| !theirs.contains_key(*s)) {
            if !excepted(&exceptions, file, stanza, "-") {
                writeln!(failures, "{file} [{stanza}]: stanza only in ours").unwrap();
            }
        }
    }
    eprintln!("parity: {stanzas_compared} stanzas compared, {keys_matched} keys equal");
    if !failures.is_empty() {
        let count = failures.lines().filter(|l| !l.starts_with("  ")).count();
        let shown: String = failures
            .lines()
            .take(usize::MAX)
            .collect::<Vec<_>>()
            .join("\n");
        panic!("{count} unlisted differences from contentctl 4.4.7:\n{shown}");
    }
}

#[test]
fn lookups_match_the_reference_manifest() {
    let (Some(corpus), Some(reference)) = (support::corpus(), support::reference_app()) else {
        eprintln!("skipped: corpus or contentctl 4.4.7 reference not found under ../shared");
        return;
    };
    let manifest = std::fs::read_to_string(reference.join("../lookups-manifest.txt")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = support::build_into(&corpus, out.path());
    let mut missing = Vec::new();
    for line in manifest.lines() {
        let mut parts = line.split_whitespace();
        let (Some(name), Some(size)) = (parts.next(), parts.next()) else {
            continue;
        };
        match std::fs::metadata(report.app_dir.join("lookups").join(name)) {
            Ok(m) if m.len().to_string() == size => {}
            Ok(m) => missing.push(format!("{name}: {} bytes, contentctl {size}", m.len())),
            Err(_) => missing.push(format!("{name}: missing")),
        }
    }
    assert!(missing.is_empty(), "lookups differ: {missing:#?}");
}
