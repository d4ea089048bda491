//! splforge on the real corpus: exactly the expected findings, each a genuine defect of the
//! content (the reasons are in `tests/corpus/security_content-2024-10.findings`), and the
//! other two generations' samples load with no schema error.

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;

use splforge::check::{self, CheckOptions, Severity};
use splforge::config::Config;
use splforge::model::Content;

fn lint(root: &Path, attack_version: Option<&str>) -> Vec<(String, String, Severity)> {
    let (mut config, _) = Config::discover(root).unwrap();
    if let Some(version) = attack_version {
        config.attack_version = version.to_owned();
    }
    let repository = splforge::load::load_repository(root, config.limits);
    let content = Content::build(&repository);
    let options = CheckOptions {
        today: "2026-11-24".to_owned(),
        only_files: None,
    };
    check::check(&repository, &content, &config, &options)
        .findings
        .into_iter()
        .map(|f| {
            (
                f.code.to_owned(),
                splforge::load::source::display_path(&f.path),
                f.severity,
            )
        })
        .collect()
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn corpus_findings_are_exactly_the_known_defects() {
    let Some(corpus) = support::corpus_or_skip() else {
        return;
    };
    let expected: BTreeSet<(String, String)> =
        include_str!("../corpus/security_content-2024-10.findings")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let (key, reason) = l.split_once(" -- ").expect("CODE FILE -- reason");
                assert!(!reason.trim().is_empty(), "no reason: {l}");
                let (code, file) = key.split_once(' ').unwrap();
                (code.to_owned(), file.to_owned())
            })
            .collect();
    let found: BTreeSet<(String, String)> = lint(&corpus, None)
        .into_iter()
        .filter(|(code, _, severity)| {
            *severity == Severity::Error
                || ["SF207", "SF208", "SF406", "SF503"].contains(&code.as_str())
        })
        .map(|(code, file, _)| (code, file))
        .collect();
    let unexpected: Vec<_> = found.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&found).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "new findings (a false positive, or a defect to explain): {unexpected:#?}\nexpected but not found: {missing:#?}"
    );
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn placeholder_findings_name_the_missing_field() {
    let Some(corpus) = support::corpus_or_skip() else {
        return;
    };
    let (code, findings) = support::lint_root(&corpus, &[]);
    assert_eq!(code, 1);
    let placeholders: BTreeSet<String> = findings
        .iter()
        .filter(|f| f["code"] == "SF501")
        .map(|f| {
            format!(
                "{} {}",
                f["file"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    let expected: BTreeSet<String> = [
        "detections/application/detect_distributed_password_spray_attempts.yml the message uses `src`, which the search does not output",
        "detections/application/detect_distributed_password_spray_attempts.yml an observable uses `src`, which the search does not output",
        "detections/cloud/azure_ad_multi_source_failed_authentications_spike.yml the message uses `_time`, which the search does not output",
        "detections/cloud/detect_aws_console_login_by_user_from_new_city.yml the message uses `City`, which the search does not output",
        "detections/cloud/detect_aws_console_login_by_user_from_new_country.yml the message uses `Country`, which the search does not output",
        "detections/cloud/detect_aws_console_login_by_user_from_new_region.yml the message uses `Region`, which the search does not output",
        "detections/endpoint/getlocaluser_with_powershell_script_block.yml the message uses `user`, which the search does not output",
        "detections/endpoint/getnettcpconnection_with_powershell_script_block.yml the message uses `user`, which the search does not output",
        "detections/endpoint/linux_auditd_possible_append_cronjob_entry_on_existing_cronjob_file.yml the message uses `type`, which the search does not output",
        "detections/endpoint/network_share_discovery_via_dir_command.yml the message uses `user`, which the search does not output",
        "detections/endpoint/powershell_4104_hunting.yml the message uses `host`, which the search does not output",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(placeholders, expected);
    // Each points inside the YAML scalar, at the `$field$` itself.
    let city = findings
        .iter()
        .find(|f| f["code"] == "SF501" && f["message"].as_str().unwrap().contains("`City`"))
        .unwrap();
    let text = std::fs::read_to_string(corpus.join(city["file"].as_str().unwrap())).unwrap();
    let line = text
        .lines()
        .nth(city["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    let column = city["column"].as_u64().unwrap() as usize - 1;
    assert!(line[column..].starts_with("$City$"), "{line}");
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn other_generations_load_with_no_schema_error() {
    for (dir, attack) in [
        ("golden/2022/inputs", Some("10.1")),
        ("corpus/contentctl-5-samples", None),
        ("reference/contentctl-5.6.2-init/input", None),
    ] {
        let Some(root) = support::shared(dir) else {
            eprintln!("skipped: ../shared/{dir} not found");
            continue;
        };
        let schema: Vec<_> = lint(&root, attack)
            .into_iter()
            .filter(|(code, ..)| {
                code == "SF001" || code == "SF003" || code == "SF010" || code == "SF011"
            })
            .collect();
        assert_eq!(schema, Vec::new(), "in {dir}");
    }
}

/// Every search of the corpus (detections, baselines, investigations) summarised as a lint
/// does, against its macros and lookups, gives the summary of its whole analysis (what
/// `splforge explain` shows).
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn every_corpus_search_summarises_as_its_whole_analysis() {
    let Some(corpus) = support::corpus_or_skip() else {
        return;
    };
    let (config, _) = Config::discover(&corpus).unwrap();
    let repository = splforge::load::load_repository(&corpus, config.limits);
    let content = Content::build(&repository);
    let inputs = check::searches::SplInputs {
        macros: check::searches::macro_table(&content, &config.spl.external_macros),
        lookups: check::searches::lookup_columns(&content, &repository, config.limits),
        limits: config.limits.spl(),
    };
    let searches: Vec<&str> = (content.detections.iter().filter_map(|d| d.search.as_ref()))
        .chain(content.baselines.iter().filter_map(|b| b.search.as_ref()))
        .chain(
            content
                .investigations
                .iter()
                .filter_map(|i| i.search.as_ref()),
        )
        .map(|search| search.value.as_str())
        .collect();
    assert!(searches.len() > 1_700, "{} searches", searches.len());
    let mut with_unproduced = 0;
    for search in searches {
        let summary = inputs.summarize(search);
        assert_eq!(summary, inputs.analyse(search).into_summary(), "{search}");
        with_unproduced += usize::from(!summary.unproduced_references.is_empty());
    }
    // The comparison covers the references the summary computes on its own.
    assert!(with_unproduced > 0);
}

/// The 5.x corpus: contentctl 5 reads no investigations, so their 4.x keys are no schema
/// finding; a lookup's file is the one beside its YAML (no `filename:`), so no CSV
/// is an orphan; and the one search that reads a lookup by a CSV name the 5.x build
/// renames (`<name>_<date>.csv`, see ../shared/reference/contentctl-5.6.2-corpus) is found.
#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn the_5x_corpus_is_read_as_contentctl_5_reads_it() {
    let Some(root) = support::shared("corpus/security_content-2024-10-v5") else {
        eprintln!("skipped: ../shared/corpus/security_content-2024-10-v5 not found");
        return;
    };
    let findings = lint(&root, None);
    let of = |wanted: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|(code, ..)| code == wanted)
            .map(|(_, file, _)| file.clone())
            .collect()
    };
    assert_eq!(of("SF303"), Vec::<String>::new());
    let in_investigations: Vec<_> = findings
        .iter()
        .filter(|(_, file, _)| file.starts_with("investigations/"))
        .collect();
    assert_eq!(in_investigations, Vec::<&(String, String, Severity)>::new());
    assert_eq!(
        of("SF304"),
        ["detections/endpoint/suspicious_linux_discovery_commands.yml"]
    );
}

/// The 5.x corpus, which contentctl 5.6.2 validates: splforge reports no error but those of
/// its own rules that are stricter than contentctl 5.6.2 (a filter macro that is not the
/// last stage, a technique revoked in the configured ATT&CK release, a baseline naming a
/// detection that does not exist, a lookup defined nowhere, a malformed placeholder), and no warning about what 5.x reads differently
/// (investigations, which it does not read; lookup files, which `lookup_type` names).
#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn corpus_5x_errors_are_only_the_stricter_rules() {
    let Some(corpus) = support::shared("corpus/security_content-2024-10-v5") else {
        eprintln!("skipped: no ../shared/corpus/security_content-2024-10-v5");
        return;
    };
    // SF304 and SF505 find real defects contentctl 5.6.2 lets through: a lookup named by
    // a file name the 5.x build renames, placeholders without their closing `$`.
    const STRICTER: [&str; 5] = ["SF203", "SF304", "SF404", "SF502", "SF505"];
    let findings = lint(&corpus, None);
    let unexpected: Vec<_> = findings
        .iter()
        .filter(|(code, file, severity)| {
            (*severity == Severity::Error && !STRICTER.contains(&code.as_str()))
                || code == "SF303"
                || file.starts_with("investigations/")
        })
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    let errors = findings
        .iter()
        .filter(|(_, _, severity)| *severity == Severity::Error)
        .count();
    eprintln!("5.x corpus: {errors} errors, all from {STRICTER:?}");
}
