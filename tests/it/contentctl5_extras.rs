//! contentctl 5.6.2 features beyond the .conf files (issue 19): a dashboard's own
//! `j2_template`, `removed/`, and the API output (`build_api`).

use crate::support;

use std::path::{Path, PathBuf};

use support::splforge;

fn fixture(relative: &str) -> PathBuf {
    support::crate_root()
        .join("tests/fixtures/contentctl5_extras")
        .join(relative)
}

/// A new repository as `splforge init` writes it, in `dir`.
fn init_in(dir: &Path) -> PathBuf {
    let repo = dir.join("content");
    let out = splforge().arg("init").arg(&repo).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    repo
}

fn build(repo: &Path, out: &Path) -> std::process::Output {
    splforge()
        .arg("--root")
        .arg(repo)
        .args(["build", "-q", "--out"])
        .arg(out)
        .output()
        .unwrap()
}

/// The text below the generated header comment of a view.
fn below_header(text: &str) -> &str {
    text.split_once("-->\n").map_or(text, |(_, body)| body)
}

#[test]
fn a_dashboards_own_j2_template_renders_as_contentctl_renders_it() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_in(dir.path());
    for name in ["applocker.yml", "applocker.json"] {
        std::fs::copy(
            fixture(&format!("dashboards/{name}")),
            repo.join("dashboards").join(name),
        )
        .unwrap();
    }
    let out = dir.path().join("dist");
    let built = build(&repo, &out);
    assert!(built.status.success(), "{built:?}");
    let view = std::fs::read_to_string(
        out.join("ContentPack/default/data/ui/views/custom_splunk_content_pack__applocker.xml"),
    )
    .unwrap();
    let expected = std::fs::read_to_string(fixture("applocker.contentctl-5.6.2.xml")).unwrap();
    assert!(view.starts_with("<!--\n"), "{view}");
    assert_eq!(below_header(&view), expected);
}

fn lint(repo: &Path) -> Vec<serde_json::Value> {
    support::lint_root(repo, &[]).1
}

fn codes_in(findings: &[serde_json::Value], file: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

const REMOVED: &str = "name: Old Removed Detection
id: 0a1b2c3d-1111-4222-8333-444455556666
version: 2
date: '2024-01-01'
author: Someone, Splunk
description: A detection that was removed.
status: removed
type: TTP
search: '| tstats count'
";

/// contentctl 5.6.2 reads `removed/` (header and `status: removed`, other fields ignored),
/// and the name and id stay taken; nothing of it is built.
#[test]
fn removed_content_is_read_checked_and_not_built() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_in(dir.path());
    let out = dir.path().join("before");
    assert!(build(&repo, &out).status.success());
    let record = repo.join("removed/old_removed_detection.yml");
    std::fs::write(&record, REMOVED).unwrap();
    assert_eq!(lint(&repo), Vec::<serde_json::Value>::new());
    let after = dir.path().join("after");
    assert!(build(&repo, &after).status.success());
    let files = |root: &Path| {
        let app = root.join("ContentPack");
        support::names(&app)
            .into_iter()
            .map(|name| (std::fs::read(app.join(&name)).ok(), name))
            .collect::<Vec<_>>()
    };
    assert_eq!(files(&out), files(&after), "removed/ changed the build");

    // Only `removed` is a removed record's status, and its name stays taken.
    std::fs::write(
        &record,
        REMOVED
            .replace("status: removed", "status: deprecated")
            .replace("Old Removed Detection", "Anomalous usage of 7zip"),
    )
    .unwrap();
    std::fs::rename(&record, repo.join("removed/anomalous_usage_of_7zip.yml")).unwrap();
    let findings = lint(&repo);
    let codes = codes_in(&findings, "removed/anomalous_usage_of_7zip.yml");
    assert!(codes.contains(&"SF010".to_owned()), "{findings:#?}");
    let named_twice = findings
        .iter()
        .any(|f| f["code"] == "SF103" && f["file"].as_str().unwrap().contains("7zip"));
    assert!(named_twice, "{findings:#?}");
}

/// A 4.x repository's `removed/` is not content: contentctl 4 never reads it.
#[test]
fn removed_is_not_read_in_4x_content() {
    let f = support::Fixture::bundled();
    f.write("removed/whatever.yml", "name: 7\nstatus: [gone]\n");
    let (code, findings) = f.lint(&[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
}

/// contentctl 5.6.2 wants `rba:` on every detection whose type's deployment enables
/// risk-based alerting, whatever its status (`ensureProperRBAConfig`).
#[test]
fn a_5x_detection_without_rba_under_an_rba_deployment_is_an_error_in_any_status() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_in(dir.path());
    let file = "detections/endpoint/anomalous_usage_of_7zip.yml";
    let text = std::fs::read_to_string(repo.join(file)).unwrap();
    let (head, rba) = text.split_once("\nrba:\n").unwrap();
    let tags = rba.find("\ntags:").unwrap();
    let without_rba = format!("{head}{}", &rba[tags..]);
    for status in ["experimental", "deprecated"] {
        let changed = without_rba.replace("status: production", &format!("status: {status}"));
        std::fs::write(repo.join(file), &changed).unwrap();
        let findings = lint(&repo);
        let sf105: Vec<_> = findings.iter().filter(|f| f["code"] == "SF105").collect();
        assert_eq!(sf105.len(), 1, "{status}: {findings:#?}");
        assert!(sf105[0]["message"].as_str().unwrap().contains("`rba:`"));
    }
    // A Hunting search's deployment enables no risk: no `rba:` needed.
    let hunting = without_rba.replace("type: Anomaly", "type: Hunting");
    std::fs::write(repo.join(file), hunting).unwrap();
    assert!(codes_in(&lint(&repo), file).is_empty());
}

/// SF304 in 5.x content resolves lookup tables as contentctl 5.6.2 does: ES's domain CSVs
/// (accepted in 4.x) and a table only an `outputlookup` writes are unknown there.
#[test]
fn unknown_lookups_in_5x_content_are_what_contentctl_5_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_in(dir.path());
    let file = "detections/endpoint/anomalous_usage_of_7zip.yml";
    let text = std::fs::read_to_string(repo.join(file)).unwrap();
    let with = |stage: &str| {
        text.replace(
            "| `anomalous_usage_of_7zip_filter`",
            &format!("| {stage} | `anomalous_usage_of_7zip_filter`"),
        )
    };
    for (stage, unknown) in [
        ("inputlookup append=t cim_corporate_web_domains.csv", true),
        ("outputlookup seen_7zip_users.csv", true),
        ("lookup ut_shannon_lookup word as process", false),
    ] {
        std::fs::write(repo.join(file), with(stage)).unwrap();
        let findings = lint(&repo);
        let sf304 = findings.iter().any(|f| f["code"] == "SF304");
        assert_eq!(sf304, unknown, "{stage}: {findings:#?}");
    }
    // The same ES file is known in 4.x content.
    let f = support::Fixture::bundled();
    f.replace(
        "detections/endpoint/windows_certutil_url_download.yml",
        "| `windows_certutil_url_download_filter`",
        "| inputlookup append=t cim_corporate_web_domains.csv | `windows_certutil_url_download_filter`",
    );
    let (_, findings) = f.lint(&[]);
    assert!(with_no_sf304(&findings), "{findings:#?}");
}

fn with_no_sf304(findings: &[serde_json::Value]) -> bool {
    !findings.iter().any(|f| f["code"] == "SF304")
}

/// The reference API output of a corpus: file name -> JSON, read from `*.json.gz`.
fn reference_api(dir: &Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    use std::io::Read as _;
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .map(|path| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
                .read_to_string(&mut text)
                .unwrap();
            let name = path.file_name().unwrap().to_string_lossy();
            (
                name.trim_end_matches(".gz").to_owned(),
                serde_json::from_str(&text).unwrap(),
            )
        })
        .collect()
}

/// What contentctl leaves to a Python set's order (docs/parity.md): the lookups of a 5.x
/// detection and a story's data models are compared sorted.
fn normalise_sets(kind: &str, object: &mut serde_json::Value) {
    let sort = |list: &mut serde_json::Value| {
        if let Some(items) = list.as_array_mut() {
            items.sort_by_key(|item| item.to_string());
        }
    };
    match kind {
        "detections" => sort(&mut object["lookups"]),
        "stories" => sort(&mut object["tags"]["datamodels"]),
        _ => {}
    }
}

/// Builds `corpus` with its own contentctl.yml (`build_api: true`) at the reference's build
/// time and compares every API file object by object with contentctl's; returns the number
/// of objects compared and the names of the files that are byte-identical.
fn compare_api(corpus: &Path, reference: &Path) -> (usize, Vec<String>) {
    let app_conf =
        std::fs::read_to_string(reference.join("DA-ESS-ContentUpdate/default/app.conf")).unwrap();
    let stamp = app_conf
        .lines()
        .find_map(|l| l.strip_prefix("build = "))
        .expect("the reference's build stamp");
    let repository = splforge::load::load_repository(corpus, Default::default());
    let content = splforge::model::Content::build(&repository);
    let (config, _) = splforge::config::Config::discover(corpus).expect("config");
    assert!(config.build.api, "contentctl.yml's build_api: true is read");
    let options = splforge::package::BuildOptions {
        build_time: support::epoch_of_build_stamp(stamp.trim()),
    };
    let built = splforge::package::app_files(&content, &repository, &config, &options).unwrap();
    let theirs = reference_api(&reference.join("api"));
    let ours_names: Vec<&String> = built.api.keys().collect();
    let their_names: Vec<&String> = theirs.keys().collect();
    assert_eq!(ours_names, their_names, "the API files");
    let mut compared = 0;
    let mut identical = Vec::new();
    for (name, ours) in &built.api {
        let mut ours: serde_json::Value = serde_json::from_slice(ours).unwrap();
        let mut expected = theirs[name].clone();
        let kind = name.trim_end_matches(".json").trim_end_matches("_v2");
        if kind == "version" {
            // `published_at` is the time contentctl ran.
            assert_eq!(ours["version"]["name"], expected["version"]["name"]);
            continue;
        }
        let (Some(ours_list), Some(their_list)) =
            (ours[kind].as_array_mut(), expected[kind].as_array_mut())
        else {
            panic!("{name}: no `{kind}` list");
        };
        assert_eq!(
            ours_list.len(),
            their_list.len(),
            "{name}: number of objects"
        );
        let mut differ = Vec::new();
        for (a, b) in ours_list.iter_mut().zip(their_list.iter_mut()) {
            normalise_sets(kind, a);
            normalise_sets(kind, b);
            if a != b {
                differ.push(format!("ours {a}\ntheirs {b}"));
            }
        }
        compared += ours_list.len();
        assert!(
            differ.is_empty(),
            "{name}: {} of {} objects differ, first:\n{}",
            differ.len(),
            ours_list.len(),
            differ[0].chars().take(3000).collect::<String>()
        );
        if ours == expected {
            identical.push(name.clone());
        }
    }
    (compared, identical)
}

/// Compares the API output of `corpus` with `reference`'s (both under ../shared), or says
/// why it is skipped; at least `at_least` objects must be compared.
fn api_matches(corpus: &str, reference: &str, tool: &str, at_least: usize) {
    let (Some(corpus), Some(reference)) = (support::shared(corpus), support::shared(reference))
    else {
        eprintln!("skipped: no ../shared/{corpus} or ../shared/{reference}");
        return;
    };
    let (compared, identical) = compare_api(&corpus, &reference);
    eprintln!("{tool} API: {compared} objects equal; files equal as JSON: {identical:?}");
    assert!(compared > at_least, "{compared}");
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn api_output_matches_contentctl_5_6_2_on_the_5x_corpus() {
    api_matches(
        "corpus/security_content-2024-10-v5",
        "reference/contentctl-5.6.2-corpus",
        "contentctl 5.6.2",
        3900,
    );
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn api_output_matches_contentctl_4_4_7_on_the_4x_corpus() {
    api_matches(
        "corpus/security_content-2024-10",
        "reference/contentctl-4.4.7",
        "contentctl 4.4.7",
        4000,
    );
}

/// `[build] api` writes `<out>/api/`, which a later build replaces as its own; without it
/// there is no API output.
#[test]
fn build_writes_the_api_directory_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_in(dir.path());
    let out = dir.path().join("dist");
    assert!(build(&repo, &out).status.success());
    assert!(!out.join("api").exists());
    let yml = std::fs::read_to_string(repo.join("contentctl.yml")).unwrap();
    assert!(yml.contains("build_api: false"));
    std::fs::write(
        repo.join("contentctl.yml"),
        yml.replace("build_api: false", "build_api: true"),
    )
    .unwrap();
    for _ in 0..2 {
        let built = build(&repo, &out);
        assert!(built.status.success(), "{built:?}");
    }
    let detections: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("api/detections_v2.json")).unwrap())
            .unwrap();
    assert_eq!(
        detections["detections"][0]["name"],
        "Anomalous usage of 7zip"
    );
    let marker = std::fs::read_to_string(out.join(splforge::package::MARKER)).unwrap();
    assert!(marker.lines().any(|l| l == "api"), "{marker}");

    // An `api` directory splforge did not make is never replaced.
    let other = dir.path().join("other");
    std::fs::create_dir_all(other.join("api")).unwrap();
    std::fs::write(other.join("api/keep.txt"), "mine").unwrap();
    let refused = build(&repo, &other);
    assert!(!refused.status.success());
    assert_eq!(
        std::fs::read_to_string(other.join("api/keep.txt")).unwrap(),
        "mine"
    );
}

/// What splforge accepts here, contentctl 5.6.2 accepts too, and what it rejects, both
/// reject: a removed record, a manual test and a dashboard with its own template; then a
/// removed record of another status (skipped without the contentctl 5.6.2 venv).
#[test]
fn contentctl_5_6_2_agrees_on_removed_records_manual_tests_and_own_templates() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_in(dir.path());
    std::fs::write(repo.join("removed/old_removed_detection.yml"), REMOVED).unwrap();
    for name in ["applocker.yml", "applocker.json"] {
        std::fs::copy(
            fixture(&format!("dashboards/{name}")),
            repo.join("dashboards").join(name),
        )
        .unwrap();
    }
    let file = repo.join("detections/endpoint/anomalous_usage_of_7zip.yml");
    let text = std::fs::read_to_string(&file).unwrap();
    let test = "- name: True Positive Test\n";
    assert!(text.contains(test));
    std::fs::write(
        &file,
        text.replacen(test, &format!("{test}  test_type: manual\n"), 1),
    )
    .unwrap();
    assert_eq!(lint(&repo), Vec::<serde_json::Value>::new());
    let Some((code, errors)) = crate::contentctl5_oracle::run_oracle(&repo) else {
        return;
    };
    assert_eq!((code, errors.as_str()), (0, ""));

    std::fs::write(
        repo.join("removed/old_removed_detection.yml"),
        REMOVED.replace("status: removed", "status: deprecated"),
    )
    .unwrap();
    let codes = codes_in(&lint(&repo), "removed/old_removed_detection.yml");
    assert_eq!(codes, ["SF010"]);
    let Some((code, errors)) = crate::contentctl5_oracle::run_oracle(&repo) else {
        return;
    };
    assert_eq!(code, 1);
    assert!(
        errors.contains("removed/old_removed_detection.yml: status"),
        "{errors}"
    );
}
