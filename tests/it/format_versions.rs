//! Format versions (issue 20): a fixture repository per contentctl release lints clean with the
//! format inferred from its pin, builds and renders its docs; the same content checked as
//! contentctl 4.4 shows what the older releases accept and 4.4 does not.

use crate::support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// (fixture, the format inferred, what it was inferred from).
const FIXTURES: [(&str, &str, &str); 4] = [
    ("contentctl-4.0", "contentctl-4.0", "requirements.txt"),
    (
        "contentctl-4.1",
        "contentctl-4.1",
        "pipeline/.install-contentctl.yml",
    ),
    ("contentctl-4.2", "contentctl-4.2", "pyproject.toml"),
    (
        "contentctl-4.3",
        "contentctl-4.3",
        ".github/workflows/validate.yml",
    ),
];

pub(super) fn fixture(name: &str) -> PathBuf {
    support::crate_root()
        .join("tests/fixtures/formats")
        .join(name)
}

/// splforge with `--root ROOT` and `args`.
pub(super) fn splforge(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("splforge")
        .unwrap()
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn each_fixture_lints_clean_in_its_inferred_format() {
    for (name, format, reason) in FIXTURES {
        let (code, findings) = support::lint_root(&fixture(name), &[]);
        assert_eq!(findings, Vec::<serde_json::Value>::new(), "{name}");
        assert_eq!(code, 0, "{name}");
        let output = splforge(&fixture(name), &["lint", "--no-cache"]);
        let summary = String::from_utf8_lossy(&output.stderr);
        let expected = format!("format {format}, inferred from {reason}: 0 errors, 0 warnings");
        assert!(summary.contains(&expected), "{name}: {summary}");
    }
}

#[test]
fn the_bundled_content_is_checked_as_contentctl_4_4() {
    let output = splforge(&support::crate_root(), &["lint", "--no-cache"]);
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(
        summary.contains("format contentctl-4.4, the default for its files: 0 errors"),
        "{summary}"
    );
}

/// The 4.1 fixture, told it is contentctl 4.4 content: each difference of the older releases
/// is an error again.
#[test]
fn the_same_content_as_contentctl_4_4_shows_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    support::copy_dir(&fixture("contentctl-4.1"), dir.path());
    std::fs::write(
        dir.path().join("splforge.toml"),
        "format = \"contentctl-4.4\"\n",
    )
    .unwrap();
    let (code, findings) = support::lint_root(dir.path(), &[]);
    assert_eq!(code, 1);
    let messages: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    let has = |needle: &str| messages.iter().any(|m| m.contains(needle));
    assert!(
        has("SF010 missing field `drilldown_searches`, required of a production object"),
        "{messages:#?}"
    );
    assert!(has("\"Parent Process\" is not one of"), "{messages:#?}");
    assert!(
        has("`/tags/security_domain`: \"cloud\" is not one of"),
        "{messages:#?}"
    );
    assert!(
        has("SF202 data source \"Sysmon EventID 1\" does not exist"),
        "{messages:#?}"
    );
    // Event sources have no `name`: the 4.2+ data source schema requires one.
    assert!(
        findings.iter().any(|f| f["file"]
            .as_str()
            .is_some_and(|file| file.contains("event_sources"))),
        "{messages:#?}"
    );
}

#[test]
fn an_unknown_format_is_refused_with_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("splforge.toml"),
        "format = \"contentctl-4.9\"\n",
    )
    .unwrap();
    let output = splforge(dir.path(), &["lint", "--no-cache"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown format version `contentctl-4.9`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("contentctl-4.0, contentctl-4.1"),
        "{stderr}"
    );
}

#[test]
fn each_fixture_builds_and_renders_its_docs() {
    for (name, _, _) in FIXTURES {
        let out = tempfile::tempdir().unwrap();
        let build = splforge(
            &fixture(name),
            &["build", "--out", &out.path().join("app").to_string_lossy()],
        );
        assert!(
            build.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&build.stderr)
        );
        let conf = std::fs::read_dir(out.path().join("app"))
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| e.path().is_dir())
            .map(|e| e.path().join("default/savedsearches.conf"))
            .unwrap();
        let conf = std::fs::read_to_string(conf).unwrap();
        // Every detection of the fixture is a saved search.
        let detections = walk(&fixture(name).join("detections"));
        assert!(detections >= 9, "{name}");
        assert_eq!(conf.matches(" - Rule]").count(), detections, "{name}");
        let docs = splforge(
            &fixture(name),
            &["docs", "--out", &out.path().join("docs").to_string_lossy()],
        );
        assert!(
            docs.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&docs.stderr)
        );
    }
}

#[test]
fn schema_prints_a_format_versions_schema() {
    let root = support::crate_root();
    let text = |args: &[&str]| String::from_utf8(splforge(&root, args).stdout).unwrap();
    let v41 = text(&["schema", "detection", "--format-version", "contentctl-4.1"]);
    let v44 = text(&["schema", "detection", "--format-version", "contentctl-4.4"]);
    assert!(v41.contains("\"Parent Process\""));
    assert!(!v44.contains("\"Parent Process\""));
    assert_eq!(v44, text(&["schema", "detection", "--generation", "4"]));
    let event_source: serde_json::Value = serde_json::from_str(&text(&[
        "schema",
        "event_source",
        "--format-version",
        "contentctl-4.1",
    ]))
    .unwrap();
    assert_eq!(
        event_source["required"],
        serde_json::json!(["event_name", "fields"])
    );
    let list = text(&["schema", "--format-version", "list"]);
    for name in [
        "contentctl-4.0",
        "contentctl-4.4",
        "contentctl-5.0",
        "contentctl-5.6",
        "security_content-2022",
    ] {
        assert!(list.contains(name), "{list}");
    }
}

/// The YAML files under `dir`.
fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path)
            } else {
                usize::from(path.extension().is_some_and(|e| e == "yml"))
            }
        })
        .sum()
}

/// A 5.2 detection may still be `status: validation`; 5.3 and later reject it.
#[test]
fn detection_status_validation_ends_with_contentctl_5_2() {
    let dir = tempfile::tempdir().unwrap();
    support::copy_dir(&fixture("contentctl-5.2"), dir.path());
    std::fs::write(
        dir.path().join("splforge.toml"),
        "format = \"contentctl-5.3\"\n",
    )
    .unwrap();
    let (_, findings) = support::lint_root(dir.path(), &[]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("\"validation\" is not one of"),
        "{findings:#?}"
    );
}

/// SF206 (the filter macro) is a contentctl 4.1+ requirement, SF202 (data source names) a 4.2+
/// one: `rules_off` in data/formats.
#[test]
fn rules_follow_the_format_version() {
    let detection = "detections/endpoint/windows_certutil_url_download.yml";
    let codes = |name: &str| -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        support::copy_dir(&fixture(name), dir.path());
        let path = dir.path().join(detection);
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace("| `windows_certutil_url_download_filter`", "");
        std::fs::write(&path, text).unwrap();
        let (_, findings) = support::lint_root(dir.path(), &[]);
        findings
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!codes("contentctl-4.0").contains(&"SF206".to_owned()));
    assert!(codes("contentctl-4.1").contains(&"SF206".to_owned()));
    let doc = splforge(&support::crate_root(), &["rule", "SF202"]);
    let doc = String::from_utf8_lossy(&doc.stdout);
    assert!(
        doc.contains("Format versions: every version but contentctl-4.0, contentctl-4.1"),
        "{doc}"
    );
}

/// An SSA detection's search is an SPL2 pipeline (`/regex/` literals, `/* */` comments, no
/// filter macro): the SPL checks leave it alone.
#[test]
fn spl2_pipelines_are_not_checked_as_spl() {
    let dir = tempfile::tempdir().unwrap();
    support::copy_dir(&fixture("contentctl-4.2"), dir.path());
    let path = dir
        .path()
        .join("detections/endpoint/windows_certutil_url_download.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let spl2 = "search: '| from read_ssa_enriched_events() /* SPL2 */ | eval cmd=lower(ucast(map_get(input_event, \"process\"), \"string\", null)) | where match_regex(cmd, /certutil.*-urlcache/)=true | into write_ssa_detected_events();'";
    // The search and the indented lines that continue it give way to the SPL2 pipeline.
    let mut lines = Vec::new();
    let mut in_search = false;
    for line in text.lines() {
        if line.starts_with("search:") {
            in_search = true;
            lines.push(spl2);
        } else if !(in_search && line.starts_with("  ")) {
            in_search = false;
            lines.push(line);
        }
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (_, findings) = support::lint_root(dir.path(), &[]);
    let spl: Vec<_> = findings
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("SF5") || f["code"] == "SF206")
        .collect();
    assert_eq!(spl, Vec::<&serde_json::Value>::new());
}

/// The response layer of 2021-2022 security_content is named, not silently skipped, and shows
/// the layout.
#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn response_directories_are_reported() {
    let Some(golden) = support::shared("golden/2022/inputs") else {
        eprintln!("skipped: no ../shared/golden/2022/inputs");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    support::copy_dir(&golden, dir.path());
    for sub in ["response_tasks", "responses"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("a.yml"), "name: a\n").unwrap();
    }
    let output = splforge(
        dir.path(),
        &["--attack-version", "10.1", "lint", "--no-cache"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("format security_content-2022, inferred from response_tasks/"),
        "{stderr}"
    );
    for sub in ["response_tasks", "responses"] {
        assert!(
            stderr.contains(&format!("note: {sub}/ (1 file) is not read")),
            "{stderr}"
        );
    }
}

/// 2021 security_content: deployments without a type, matched by their tags; a `batch`
/// detection is a saved search scheduled by the deployment of its story (which wins over
/// `analytic_story: all`); a `streaming` (SPL2) detection is documented, not a saved search;
/// a `batch` baseline is scheduled the same way.
#[test]
fn the_2021_layout_lints_builds_and_documents() {
    let root = fixture("security_content-2021");
    let (code, findings) = support::lint_root(&root, &[]);
    assert_eq!(findings, Vec::<serde_json::Value>::new());
    assert_eq!(code, 0);
    let output = splforge(&root, &["lint", "--no-cache"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "format security_content-2021, inferred from deployments/aws_iam_configuration.yml"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("note: response_tasks/ (1 file) is not read"),
        "{stderr}"
    );

    let out = tempfile::tempdir().unwrap();
    let build = splforge(&root, &["build", "--out", &out.path().to_string_lossy()]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let conf = std::fs::read_to_string(
        out.path()
            .join("DA-ESS-SplforgeContent/default/savedsearches.conf"),
    )
    .unwrap();
    let stanza = |name: &str| -> String {
        let start = conf
            .find(&format!("[{name}]"))
            .unwrap_or_else(|| panic!("{name}"));
        let rest = &conf[start + 1..];
        rest[..rest.find("\n[").unwrap_or(rest.len())].to_owned()
    };
    let detection = stanza("ESCU - AWS IAM Failed Group Deletion - Rule");
    assert!(
        detection.contains("cron_schedule = */10 * * * *"),
        "{detection}"
    );
    let baseline = stanza("ESCU - Previously Seen IAM Group Deletions");
    assert!(
        baseline.contains("cron_schedule = */10 * * * *"),
        "{baseline}"
    );
    assert!(!conf.contains("Certutil URL Download - SSA"), "{conf}");

    let docs = splforge(
        &root,
        &["docs", "--out", &out.path().join("docs").to_string_lossy()],
    );
    assert!(
        docs.status.success(),
        "{}",
        String::from_utf8_lossy(&docs.stderr)
    );
    let pages: Vec<String> = support::files_under(&out.path().join("docs/markdown"))
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert!(
        pages.iter().any(|p| p.contains("certutil_url_download")),
        "{pages:?}"
    );
    assert!(
        pages
            .iter()
            .any(|p| p.contains("aws_iam_failed_group_deletion")),
        "{pages:?}"
    );
}
