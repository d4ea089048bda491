//! Parity with contentctl: every `.conf` file of the reference build of a corpus has the same
//! stanzas with the same keys and values in ours, except the differences listed in
//! `docs/parity.md`. The 4.x corpus against contentctl 4.4.7 (its `parity-exceptions` block:
//! any other difference fails), the 5.x corpus against contentctl 5.6.2 (its
//! `parity-exceptions-5` block; every file at least 99.9% equal, the same app files). Each
//! test prints the agreement per file.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use support::{Conf, parse_conf};

/// One allowed difference: `file`, `stanza` (`*` = any), `key` (`*` = any, `-` = the whole
/// stanza or file is absent on one side).
#[derive(Debug)]
struct Exception {
    file: String,
    stanza: String,
    key: String,
}

/// The `parity-exceptions<suffix>` block of `docs/parity.md`.
fn exceptions(suffix: &str) -> Vec<Exception> {
    let doc = std::fs::read_to_string(support::crate_root().join("docs/parity.md"))
        .expect("docs/parity.md");
    let opening = format!("```parity-exceptions{suffix}\n");
    let block = doc
        .split(opening.as_str())
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("a {opening:?} block in docs/parity.md"));
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

/// How one `.conf` file of ours compares with the reference's: `key = value` pairs in
/// either build (a stanza on one side only counts as its keys, or as one when it has none),
/// and those equal on both sides.
#[derive(Debug, Default)]
struct FileAgreement {
    pairs: usize,
    equal: usize,
}

impl FileAgreement {
    fn percent(&self) -> f64 {
        if self.pairs == 0 {
            100.0
        } else {
            100.0 * self.equal as f64 / self.pairs as f64
        }
    }
}

/// Every `.conf` file of both apps (and `metadata/default.meta`), compared stanza by
/// stanza and key by key: the agreement per file, and each difference not excepted.
fn compare_conf_files(
    reference: &Path,
    ours: &Path,
    exceptions: &[Exception],
) -> (BTreeMap<String, FileAgreement>, String) {
    let mut failures = String::new();
    let mut agreement = BTreeMap::new();
    let mut names = BTreeSet::new();
    for dir in [reference.join("default"), ours.join("default")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".conf") {
                names.insert(format!("default/{name}"));
            }
        }
    }
    names.insert("metadata/default.meta".to_owned());

    for file in &names {
        let read = |root: &Path| -> Option<Conf> {
            let text = std::fs::read_to_string(root.join(file)).ok()?;
            Some(parse_conf(&text).unwrap_or_else(|e| panic!("{file}: {e:?}")))
        };
        let counts: &mut FileAgreement = agreement.entry(file.clone()).or_default();
        let (theirs, ours) = match (read(reference), read(ours)) {
            (Some(t), Some(o)) => (t, o),
            (t, o) => {
                let present = t.as_ref().or(o.as_ref());
                counts.pairs += present.map_or(1, |c| c.values().map(|k| k.len().max(1)).sum());
                if !excepted(exceptions, file, "*", "-") {
                    let side = if t.is_some() { "ours" } else { "contentctl's" };
                    writeln!(failures, "{file}: missing from {side} build").unwrap();
                }
                continue;
            }
        };
        for (stanza, their_keys) in &theirs {
            let Some(our_keys) = ours.get(stanza) else {
                counts.pairs += their_keys.len().max(1);
                if !excepted(exceptions, file, stanza, "-") {
                    writeln!(failures, "{file} [{stanza}]: stanza missing from ours").unwrap();
                }
                continue;
            };
            for (key, their_value) in their_keys {
                counts.pairs += 1;
                match our_keys.get(key) {
                    Some(v) if v == their_value => counts.equal += 1,
                    _ if excepted(exceptions, file, stanza, key) => {}
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
                // A documented addition (app.conf's reload triggers for the metadata
                // stanzas) is no disagreement on a pair both builds write.
                if !excepted(exceptions, file, stanza, key) {
                    counts.pairs += 1;
                    writeln!(failures, "{file} [{stanza}] {key}: only in ours").unwrap();
                }
            }
        }
        for (stanza, keys) in ours.iter().filter(|(s, _)| !theirs.contains_key(*s)) {
            counts.pairs += keys.len().max(1);
            if !excepted(exceptions, file, stanza, "-") {
                writeln!(failures, "{file} [{stanza}]: stanza only in ours").unwrap();
            }
        }
    }
    (agreement, failures)
}

/// Prints the agreement of every file, and the whole.
fn print_agreement(against: &str, agreement: &BTreeMap<String, FileAgreement>) {
    let (mut pairs, mut equal) = (0, 0);
    for (file, counts) in agreement {
        eprintln!(
            "parity with {against}: {file}: {}/{} key = value pairs equal ({:.3}%)",
            counts.equal,
            counts.pairs,
            counts.percent()
        );
        pairs += counts.pairs;
        equal += counts.equal;
    }
    let whole = FileAgreement { pairs, equal };
    eprintln!(
        "parity with {against}: all .conf files: {equal}/{pairs} ({:.3}%)",
        whole.percent()
    );
}

#[cfg_attr(
    not(all(has_shared, has_corpus)),
    ignore = "needs the corpus and the references in ../shared"
)]
#[test]
fn conf_files_match_contentctl_4_4_7() {
    let (Some(corpus), Some(reference)) = (support::corpus(), support::reference_app()) else {
        eprintln!("skipped: corpus or contentctl 4.4.7 reference not found under ../shared");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let report = support::build_into(&corpus, out.path());
    let (agreement, failures) = compare_conf_files(&reference, &report.app_dir, &exceptions(""));
    print_agreement("contentctl 4.4.7", &agreement);
    if !failures.is_empty() {
        let count = failures.lines().filter(|l| !l.starts_with("  ")).count();
        panic!("{count} unlisted differences from contentctl 4.4.7:\n{failures}");
    }
}

/// contentctl 5.6.2's build of the 5.x corpus, built by splforge at the same build time
/// (read from the reference's `app.conf`), so the dated data-source lookup is the same.
fn build_like_contentctl_5() -> Option<(PathBuf, PathBuf, tempfile::TempDir, PathBuf)> {
    let (Some(corpus), Some(reference)) = (
        support::shared("corpus/security_content-2024-10-v5"),
        support::shared("reference/contentctl-5.6.2-corpus"),
    ) else {
        eprintln!(
            "skipped: no ../shared/corpus/security_content-2024-10-v5 or \
             ../shared/reference/contentctl-5.6.2-corpus"
        );
        return None;
    };
    let app = reference.join("DA-ESS-ContentUpdate");
    let app_conf = parse_conf(&std::fs::read_to_string(app.join("default/app.conf")).unwrap())
        .expect("the reference's app.conf");
    let build = &app_conf["install"]["build"];
    let out = tempfile::tempdir().unwrap();
    let report = support::build_at(&corpus, out.path(), support::epoch_of_build_stamp(build));
    Some((reference, app, out, report.app_dir))
}

#[test]
fn conf_files_match_contentctl_5_6_2_on_the_5x_corpus() {
    let Some((_, reference, _out, ours)) = build_like_contentctl_5() else {
        return;
    };
    let (agreement, failures) = compare_conf_files(&reference, &ours, &exceptions("-5"));
    print_agreement("contentctl 5.6.2", &agreement);
    let below: Vec<String> = agreement
        .iter()
        .filter(|(_, counts)| counts.percent() < 99.9)
        .map(|(file, counts)| format!("{file}: {:.3}%", counts.percent()))
        .collect();
    assert!(
        below.is_empty(),
        "files below 99.9% agreement with contentctl 5.6.2: {below:#?}\n{failures}"
    );
    if !failures.is_empty() {
        let count = failures.lines().filter(|l| !l.starts_with("  ")).count();
        panic!("{count} unlisted differences from contentctl 5.6.2:\n{failures}");
    }
}

#[test]
fn app_files_match_contentctl_5_6_2_on_the_5x_corpus() {
    let Some((reference, _, _out, ours)) = build_like_contentctl_5() else {
        return;
    };
    let listing = std::fs::read_to_string(reference.join("tarball-listing.txt")).unwrap();
    let theirs: BTreeSet<String> = listing
        .lines()
        .filter(|l| !l.ends_with('/'))
        .map(str::to_owned)
        .collect();
    let app_name = ours.file_name().unwrap().to_string_lossy().into_owned();
    let ours_listed: BTreeSet<String> = walkdir::WalkDir::new(&ours)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(&ours).unwrap();
            format!("{app_name}/{}", relative.to_string_lossy())
        })
        .collect();
    let only_theirs: Vec<_> = theirs.difference(&ours_listed).collect();
    let only_ours: Vec<_> = ours_listed.difference(&theirs).collect();
    assert!(
        only_theirs.is_empty() && only_ours.is_empty(),
        "app files differ from contentctl 5.6.2's:\n only theirs: {only_theirs:#?}\n only ours: {only_ours:#?}"
    );

    // Each lookup file has contentctl's name and size (its CSV line ends converted).
    let manifest = std::fs::read_to_string(reference.join("lookups-manifest.txt")).unwrap();
    let mut differ = Vec::new();
    for line in manifest.lines() {
        let mut parts = line.split_whitespace();
        let (Some(name), Some(size)) = (parts.next(), parts.next()) else {
            continue;
        };
        match std::fs::metadata(ours.join("lookups").join(name)) {
            Ok(m) if m.len().to_string() == size => {}
            Ok(m) => differ.push(format!("{name}: {} bytes, contentctl {size}", m.len())),
            Err(_) => differ.push(format!("{name}: missing")),
        }
    }
    assert!(differ.is_empty(), "lookups differ: {differ:#?}");
}

#[cfg_attr(
    not(all(has_shared, has_corpus)),
    ignore = "needs the corpus and the references in ../shared"
)]
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
