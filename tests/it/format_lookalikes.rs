//! Look-alikes of issue 20's two held-out snapshots, made for these tests
//! (`tests/fixtures/formats/lookalike-2024-07`, a July 2024 release built with contentctl
//! 4.0/4.1, and `lookalike-2021-03`, a March 2021 security_content): each holds one case of
//! every false-positive class the issue lists. Linted with the format splforge infers, each is
//! clean; held to a format it was not written for, each class is an error again, which shows
//! that the fixture exercises it. Also: what differs between neighbouring releases (5.2/5.3
//! status keys, 5.4/5.5 future dates, SF202 a warning where contentctl only warns).

use crate::support;

use std::path::Path;

use super::format_versions::{fixture, splforge};

/// A copy of a fixture with `splforge.toml` naming `format` (and keeping what it held).
fn copy_as(name: &str, format: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    support::copy_dir(&fixture(name), dir.path());
    if let Some(format) = format {
        let config = dir.path().join("splforge.toml");
        let old = std::fs::read_to_string(&config).unwrap_or_default();
        std::fs::write(config, format!("format = \"{format}\"\n{old}")).unwrap();
    }
    dir
}

/// `code severity file message` of each finding.
fn findings(root: &Path) -> Vec<String> {
    let (_, findings) = support::lint_root(root, &[]);
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn summary(root: &Path) -> String {
    String::from_utf8_lossy(&splforge(root, &["lint", "--no-cache"]).stderr).into_owned()
}

#[test]
fn july_2024_lints_clean_as_contentctl_4_0_inferred_from_its_gitlab_pin_and_as_4_1() {
    let root = fixture("lookalike-2024-07");
    assert_eq!(findings(&root), Vec::<String>::new());
    let summary = summary(&root);
    assert!(
        summary.contains(
            "format contentctl-4.0, inferred from pipeline/.install-contentctl.yml: 0 errors, 0 warnings"
        ),
        "{summary}"
    );
    // contentctl 4.1 reads its data_sources/ (the mid-2024 layout): still clean.
    let as_4_1 = copy_as("lookalike-2024-07", Some("contentctl-4.1"));
    assert_eq!(findings(as_4_1.path()), Vec::<String>::new());
}

/// Each class of the July 2024 list, as contentctl 4.4 (splforge's one 4.x format
/// before) reports it on the same files.
#[test]
fn each_july_2024_class_is_an_error_in_contentctl_4_4() {
    let dir = copy_as("lookalike-2024-07", Some("contentctl-4.4"));
    let found = findings(dir.path());
    let anomaly = "detections/cloud/aws_iam_group_deleted_after_failures.yml";
    let ttp = "detections/endpoint/windows_certutil_download_by_office_application.yml";
    let classes: [(&str, &str, &str); 11] = [
        (
            "drilldowns required",
            ttp,
            "missing field `drilldown_searches`, required of a production object",
        ),
        (
            "drilldowns required",
            anomaly,
            "missing field `drilldown_searches`, required of a production object",
        ),
        (
            "role Parent Process",
            ttp,
            "\"Parent Process\" is not one of",
        ),
        ("role Child Process", ttp, "\"Child Process\" is not one of"),
        ("role Target", anomaly, "\"Target\" is not one of"),
        ("role Other", anomaly, "\"Other\" is not one of"),
        ("role Unknown", anomaly, "\"Unknown\" is not one of"),
        ("several roles", anomaly, "has more than 1 item"),
        ("security_domain cloud", anomaly, "\"cloud\" is not one of"),
        (
            "event sources (schema)",
            "data_sources/endpoint/event_sources/windows_security_4688.yml",
            "missing required field `name`",
        ),
        (
            "data source file name",
            "data_sources/endpoint/windows_security.yml",
            "SF104",
        ),
    ];
    for (class, file, needle) in classes {
        assert!(
            found.iter().any(|f| f.contains(file) && f.contains(needle)),
            "{class}: no `{needle}` in {file}: {found:#?}"
        );
    }
    // Detections name event sources by event_name: no data source of 4.2+ has that name.
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("SF202") && f.contains("\"Windows Event Log Security 4688\"")),
        "{found:#?}"
    );
}

#[test]
fn march_2021_lints_clean_as_security_content_2021_and_names_its_response_directories() {
    let root = fixture("lookalike-2021-03");
    assert_eq!(findings(&root), Vec::<String>::new());
    let summary = summary(&root);
    assert!(
        summary.contains(
            "format security_content-2021, inferred from deployments/aws_iam_configuration.yml"
        ),
        "{summary}"
    );
    for dir in ["response_tasks", "responses", "response_phases"] {
        assert!(
            summary.contains(&format!(
                "note: {dir}/ (1 file) is not read: splforge does not check, build or document it"
            )),
            "{summary}"
        );
    }
}

/// Held to the 2022 layout, the 2021 deployments (no `type`) and `batch` baseline are errors;
/// a detection whose filter macro follows its file stem rather than its name is one in 2021
/// too; an SSA detection of `ssa_detections/` is read (its schema is checked) but its SPL2
/// search is not parsed as SPL.
#[test]
fn each_march_2021_class_is_an_error_where_it_does_not_belong() {
    let dir = copy_as("lookalike-2021-03", Some("security_content-2022"));
    let found = findings(dir.path());
    for deployment in [
        "aws_iam_configuration",
        "aws_iam_group_watch",
        "escu_default_configuration",
        "splunk_cloud_configuration",
    ] {
        assert!(
            found.iter().any(|f| f.contains(&format!(
                "deployments/{deployment}.yml missing required field `type`"
            ))),
            "{found:#?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|f| f.contains("baselines/previously_seen_iam_group_deletions.yml `/type`")),
        "{found:#?}"
    );

    let dir = copy_as("lookalike-2021-03", None);
    let renamed = dir
        .path()
        .join("detections/cloud/aws_iam_delete_group_after_failures.yml");
    let text = std::fs::read_to_string(&renamed).unwrap();
    std::fs::write(
        &renamed,
        text.replace(
            "`aws_iam_group_deleted_after_failures_filter`",
            "`aws_iam_delete_group_after_failures_filter`",
        ),
    )
    .unwrap();
    let ssa = dir
        .path()
        .join("ssa_detections/endpoint/ssa___rundll32_with_no_command_line.yml");
    let text = std::fs::read_to_string(&ssa).unwrap();
    std::fs::write(&ssa, text.replace("author: splforge Project\n", "")).unwrap();
    let found = findings(dir.path());
    assert_eq!(
        found,
        [
            "SF206 error detections/cloud/aws_iam_delete_group_after_failures.yml search calls \
             `aws_iam_delete_group_after_failures_filter` instead of \
             `aws_iam_group_deleted_after_failures_filter`",
            "SF010 error ssa_detections/endpoint/ssa___rundll32_with_no_command_line.yml \
             missing required field `author`",
        ],
        "{found:#?}"
    );
}

/// The build schedules a 2021 detection by its deployment's tags (a detection name wins over
/// its story's deployment and `all`), makes the filter macro its name gives, builds no SPL2
/// detection, and the docs document what the 2022 generator documented.
#[test]
fn march_2021_builds_and_documents() {
    let root = fixture("lookalike-2021-03");
    let out = tempfile::tempdir().unwrap();
    let build = splforge(&root, &["build", "--out", &out.path().to_string_lossy()]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let default = out.path().join("DA-ESS-SplforgeContent/default");
    let conf = std::fs::read_to_string(default.join("savedsearches.conf")).unwrap();
    let stanza = |name: &str| -> String {
        let start = conf
            .find(&format!("[{name}]"))
            .unwrap_or_else(|| panic!("{name}: {conf}"));
        let rest = &conf[start + 1..];
        rest[..rest.find("\n[").unwrap_or(rest.len())].to_owned()
    };
    let by_name = stanza("ESCU - AWS IAM Group Deleted After Failures - Rule");
    assert!(by_name.contains("cron_schedule = */5 * * * *"), "{by_name}");
    let by_story = stanza("ESCU - AWS IAM Failed Group Deletion - Rule");
    assert!(
        by_story.contains("cron_schedule = */10 * * * *"),
        "{by_story}"
    );
    assert!(!conf.contains("SSA"), "{conf}");
    let macros = std::fs::read_to_string(default.join("macros.conf")).unwrap();
    assert!(
        macros.contains("[aws_iam_group_deleted_after_failures_filter]\ndefinition = search *"),
        "{macros}"
    );

    let docs = splforge(
        &root,
        &["docs", "--out", &out.path().join("docs").to_string_lossy()],
    );
    assert!(
        docs.status.success(),
        "{}",
        String::from_utf8_lossy(&docs.stderr)
    );
    let posts = std::fs::read_dir(out.path().join("docs/markdown/_posts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    for page in [
        "2021-03-01-certutil_url_download_-_ssa.md",
        "2021-03-10-aws_iam_group_deleted_after_failures.md",
        "2021-03-12-aws_console_login_without_mfa.md",
    ] {
        assert!(posts.iter().any(|p| p == page), "{page}: {posts:?}");
    }
    // The generator documented detections/<its six directories> only, so an SSA detection
    // under ssa_detections/ is read and checked but gets no page (tests/it/docs_2022_cases.rs).
    assert!(!posts.iter().any(|p| p.contains("rundll32")), "{posts:?}");
}

/// contentctl 5.0-5.2 have no `status` on macros (an unknown key, which 5.x rejects); 5.3
/// adds it.
#[test]
fn a_macro_status_is_an_error_before_contentctl_5_3() {
    let codes = |format: &str| {
        let dir = copy_as("contentctl-5.6", Some(format));
        let path = dir.path().join("macros/cloudtrail.yml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}status: production\n")).unwrap();
        findings(dir.path())
    };
    assert_eq!(codes("contentctl-5.3"), Vec::<String>::new());
    let found = codes("contentctl-5.2");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("macros/cloudtrail.yml") && found[0].contains("`status`"),
        "{found:#?}"
    );
}

/// contentctl rejects a future `date` from 5.5.15: SF401 reports it as an error in 5.5 and
/// 5.6, a warning in 5.4 and before.
#[test]
fn a_future_date_is_an_error_from_contentctl_5_5() {
    let severity = |format: &str| {
        let dir = copy_as("contentctl-5.6", Some(format));
        let path = dir.path().join("stories/aws_iam_privilege_escalation.yml");
        let text = std::fs::read_to_string(&path).unwrap();
        let dated = text
            .lines()
            .map(|l| {
                if l.starts_with("date:") {
                    "date: '2999-01-01'".to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert_ne!(dated, text.trim_end());
        std::fs::write(&path, dated + "\n").unwrap();
        let found = findings(dir.path());
        assert_eq!(found.len(), 1, "{format}: {found:#?}");
        assert!(found[0].starts_with("SF401"), "{found:#?}");
        found[0].split(' ').nth(1).unwrap().to_owned()
    };
    assert_eq!(severity("contentctl-5.4"), "warning");
    assert_eq!(severity("contentctl-5.3"), "warning");
    assert_eq!(severity("contentctl-5.5"), "error");
    assert_eq!(severity("contentctl-5.6"), "error");
}

/// An unknown data source name: contentctl 4.2 to 5.0 warn, 5.1 and later fail.
#[test]
fn an_unknown_data_source_is_a_warning_from_4_2_to_5_0() {
    let severity = |fixture: &str, format: &str| {
        let dir = copy_as(fixture, Some(format));
        let path = dir
            .path()
            .join("detections/endpoint/windows_certutil_url_download.yml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace("- Sysmon EventID 1", "- Sysmon EventID 99"),
        )
        .unwrap();
        let found = findings(dir.path());
        let sf202: Vec<&String> = found.iter().filter(|f| f.starts_with("SF202")).collect();
        assert_eq!(sf202.len(), 1, "{format}: {found:#?}");
        sf202[0].split(' ').nth(1).unwrap().to_owned()
    };
    assert_eq!(severity("contentctl-4.2", "contentctl-4.2"), "warning");
    assert_eq!(severity("contentctl-4.2", "contentctl-4.4"), "warning");
    assert_eq!(severity("contentctl-5.2", "contentctl-5.0"), "warning");
    assert_eq!(severity("contentctl-5.2", "contentctl-5.1"), "error");
    assert_eq!(severity("contentctl-5.6", "contentctl-5.6"), "error");
}

/// An SSA detection of `ssa_detections/` is checked against contentctl's SSADetection model
/// up to 4.2; from 4.3 the directory is not read, and `lint` says so.
#[test]
fn ssa_detections_are_read_up_to_contentctl_4_2() {
    let file = "ssa_detections/endpoint/ssa___windows_certutil_url_download.yml";
    let broken = |format: &str| {
        let dir = copy_as("contentctl-4.2", Some(format));
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("  risk_score: 42\n", "")).unwrap();
        (findings(dir.path()), summary(dir.path()))
    };
    let (found, _) = broken("contentctl-4.2");
    assert_eq!(
        found,
        [format!(
            "SF010 error {file} `/tags`: missing required field `risk_score`"
        )],
        "{found:#?}"
    );
    let (found, summary) = broken("contentctl-4.3");
    assert!(found.iter().all(|f| !f.contains(file)), "{found:#?}");
    assert!(
        summary.contains("note: ssa_detections/ (1 file) is not read"),
        "{summary}"
    );
    // Documented where read, not where not.
    let page = "html/detections/windows_certutil_url_download_-_ssa.html";
    for (format, documented) in [("contentctl-4.2", true), ("contentctl-4.3", false)] {
        let dir = copy_as("contentctl-4.2", Some(format));
        let out = dir.path().join("site");
        let docs = splforge(dir.path(), &["docs", "--out", &out.to_string_lossy()]);
        assert!(docs.status.success(), "{format}");
        assert!(out.join("html/index.html").is_file(), "{format}");
        assert_eq!(out.join(page).is_file(), documented, "{format}");
    }
}

/// The fixture each format version is shown on; `contentctl-4.4`'s is the content splforge
/// ships (the repository's own `detections/`, ...).
const PER_VERSION: [(&str, &str); 14] = [
    ("security_content-2021", "lookalike-2021-03"),
    ("security_content-2022", "security_content-2022"),
    ("contentctl-4.0", "lookalike-2024-07"),
    ("contentctl-4.1", "contentctl-4.1"),
    ("contentctl-4.2", "contentctl-4.2"),
    ("contentctl-4.3", "contentctl-4.3"),
    ("contentctl-4.4", ""),
    ("contentctl-5.0", "contentctl-5.2"),
    ("contentctl-5.1", "contentctl-5.2"),
    ("contentctl-5.2", "contentctl-5.2"),
    ("contentctl-5.3", "contentctl-5.6"),
    ("contentctl-5.4", "contentctl-5.6"),
    ("contentctl-5.5", "contentctl-5.6"),
    ("contentctl-5.6", "contentctl-5.6"),
];

/// Every format version has a fixture that, held to that version, lints clean, builds an app
/// with a saved search per alerting detection, and renders its docs.
#[test]
fn every_format_version_has_a_fixture_that_lints_clean_builds_and_renders_docs() {
    let known: Vec<&str> = splforge::format::formats()
        .unwrap()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let covered: Vec<&str> = PER_VERSION.iter().map(|(v, _)| *v).collect();
    assert_eq!(known, covered);
    for (version, name) in PER_VERSION {
        let dir = if name.is_empty() {
            let dir = tempfile::tempdir().unwrap();
            for sub in [
                "data_sources",
                "deployments",
                "detections",
                "lookups",
                "macros",
                "stories",
            ] {
                std::fs::create_dir_all(dir.path().join(sub)).unwrap();
                support::copy_dir(&support::crate_root().join(sub), &dir.path().join(sub));
            }
            let config = std::fs::read_to_string(support::crate_root().join("splforge.toml"));
            std::fs::write(
                dir.path().join("splforge.toml"),
                format!("format = \"{version}\"\n{}", config.unwrap()),
            )
            .unwrap();
            dir
        } else {
            copy_as(name, Some(version))
        };
        assert_eq!(findings(dir.path()), Vec::<String>::new(), "{version}");
        let summary = summary(dir.path());
        assert!(
            summary.contains(&format!("format {version}, from splforge.toml")),
            "{version}: {summary}"
        );
        let out = tempfile::tempdir().unwrap();
        let app = out.path().join("app");
        let build = splforge(dir.path(), &["build", "--out", &app.to_string_lossy()]);
        assert!(
            build.status.success(),
            "{version}: {}",
            String::from_utf8_lossy(&build.stderr)
        );
        let conf = std::fs::read_dir(&app)
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| e.path().is_dir())
            .map(|e| std::fs::read_to_string(e.path().join("default/savedsearches.conf")))
            .unwrap()
            .unwrap();
        assert!(conf.matches(" - Rule]").count() >= 2, "{version}: {conf}");
        let docs = splforge(
            dir.path(),
            &["docs", "--out", &out.path().join("docs").to_string_lossy()],
        );
        assert!(
            docs.status.success(),
            "{version}: {}",
            String::from_utf8_lossy(&docs.stderr)
        );
        assert!(
            out.path().join("docs/html/index.html").is_file(),
            "{version}"
        );
    }
}

/// contentctl 4.0 builds a CSV whose rows are ragged (4.1 rejects it): SF302 is a warning
/// there, an error from 4.1. contentctl 4.2-4.4 do not derive a lookup's file name from its
/// name (4.0, 4.1 and 5.x do): SF104 leaves 4.2-4.4 lookups alone.
#[test]
fn lookup_checks_follow_the_release() {
    let ragged = |format: &str| {
        let dir = copy_as("contentctl-4.0", Some(format));
        let csv = dir.path().join("lookups/splf_dynamic_dns_providers.csv");
        let text = std::fs::read_to_string(&csv).unwrap();
        std::fs::write(&csv, format!("{text}one,two,three,four,five\n")).unwrap();
        findings(dir.path())
            .into_iter()
            .filter(|f| f.starts_with("SF302"))
            .map(|f| f.split(' ').nth(1).unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ragged("contentctl-4.0"), ["warning"]);
    assert_eq!(ragged("contentctl-4.1"), ["error"]);

    let renamed = |format: &str| {
        let dir = copy_as("contentctl-4.2", Some(format));
        let lookups = dir.path().join("lookups");
        std::fs::rename(
            lookups.join("splf_dynamic_dns_providers.yml"),
            lookups.join("dynamic_dns.yml"),
        )
        .unwrap();
        findings(dir.path())
            .into_iter()
            .filter(|f| f.starts_with("SF104"))
            .collect::<Vec<_>>()
    };
    assert_eq!(renamed("contentctl-4.2"), Vec::<String>::new());
    assert_eq!(renamed("contentctl-4.4"), Vec::<String>::new());
    let found = renamed("contentctl-4.1");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("lookups/dynamic_dns.yml"), "{found:#?}");
}
