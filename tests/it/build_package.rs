//! The package: reproducible archives, atomic output, `.conf` safety, all three generations.

use crate::support;

use std::fs;
use std::path::Path;

use splforge::package::{BuildOptions, build};

const CONTENTCTL_YML: &str = "app:\n  uid: 9999\n  title: Test App\n  appid: TEST_App\n  version: 1.0.0\n  description: A test app.\n  prefix: TEST\n  label: TEST\n  author_name: Tester\n  author_email: t@example.com\n  author_company: Example\n";

const DEPLOYMENT_TTP: &str = "name: ESCU Default Configuration TTP\nid: b81cd059-a3e8-4c03-96ca-e168c50ff70b\ndate: '2021-12-21'\nauthor: A\ndescription: d\nscheduling:\n  cron_schedule: 0 * * * *\n  earliest_time: -70m@m\n  latest_time: -10m@m\n  schedule_window: auto\nalert_action:\n  notable:\n    rule_description: '%description%'\n    rule_title: '%name%'\n    nes_fields:\n    - user\n  rba:\n    enabled: true\ntype: TTP\n";

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A detection in contentctl 4.x shape; `name`, `description` and `search` are YAML scalars.
fn detection_4x(name: &str, description: &str, search: &str) -> String {
    format!(
        "name: {name}\nid: 11111111-1111-1111-1111-111111111111\nversion: 1\ndate: '2024-01-02'\nauthor: A, B\nstatus: production\ntype: TTP\ndescription: {description}\ndata_source: []\nsearch: {search}\nhow_to_implement: h\nknown_false_positives: k\nreferences: []\ntags:\n  analytic_story:\n  - Story One\n  asset_type: Endpoint\n  confidence: 50\n  impact: 50\n  message: m on $dest$\n  mitre_attack_id:\n  - T1003\n  observable:\n  - name: dest\n    type: Hostname\n    role:\n    - Victim\n  product:\n  - Splunk Enterprise\n  required_fields:\n  - dest\n  security_domain: endpoint\n"
    )
}

fn repository(detection: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    write(r, "contentctl.yml", CONTENTCTL_YML);
    write(r, "deployments/ttp.yml", DEPLOYMENT_TTP);
    write(r, "detections/endpoint/d.yml", detection);
    write(
        r,
        "stories/story_one.yml",
        "name: Story One\nid: 22222222-2222-2222-2222-222222222222\nversion: 1\ndate: '2024-01-02'\nauthor: A, B\ndescription: s\nnarrative: n\nreferences:\n- https://example.com\ntags:\n  category:\n  - Adversary Tactics\n  product:\n  - Splunk Enterprise\n  usecase: Advanced Threat Detection\n",
    );
    write(
        r,
        "macros/m.yml",
        "name: m\ndefinition: index=* $a$\narguments:\n- a\ndescription: a macro\n",
    );
    write(
        r,
        "lookups/l.yml",
        "name: l\ndescription: a lookup\nfilename: l.csv\ndefault_match: 'false'\n",
    );
    write(r, "lookups/l.csv", "a,b\n1,2\n");
    write(r, "app_template/README.md", "readme\n");
    root
}

fn build_repo(
    root: &Path,
    out: &Path,
    build_time: i64,
) -> Result<splforge::package::BuildReport, splforge::package::BuildError> {
    let repository = splforge::load::load_repository(root, Default::default());
    let content = splforge::model::Content::build(&repository);
    let (config, _) = splforge::config::Config::discover(root).unwrap();
    let options = BuildOptions { build_time };
    build(&content, &repository, &config, out, &options)
}

fn savedsearches(report: &splforge::package::BuildReport) -> support::Conf {
    let text = fs::read_to_string(report.app_dir.join("default/savedsearches.conf")).unwrap();
    support::parse_conf(&text).expect("savedsearches.conf parses")
}

#[test]
fn two_builds_are_byte_identical() {
    let repo = repository(&detection_4x(
        "Det One",
        "d",
        "'`m(x)` | stats count by dest | `det_one_filter`'",
    ));
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = build_repo(repo.path(), a.path(), 1_700_000_000).unwrap();
    // Touch the inputs: mtimes and permissions must not leak into the archive.
    fs::write(repo.path().join("lookups/l.csv"), "a,b\n1,2\n").unwrap();
    let second = build_repo(repo.path(), b.path(), 1_700_000_000).unwrap();
    assert_eq!(
        fs::read(&first.package).unwrap(),
        fs::read(&second.package).unwrap()
    );
    assert_eq!(first.package.file_name().unwrap(), "TEST_App-1.0.0.tar.gz");
    let ss = savedsearches(&first);
    let rule = &ss["TEST - Det One - Rule"];
    assert_eq!(
        rule["action.risk.param._risk"],
        r#"[{"risk_object_field": "dest", "risk_object_type": "system", "risk_score": 25}]"#
    );
    assert_eq!(rule["action.notable.param.rule_title"], "Det One");
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn the_corpus_builds_byte_identically_twice_and_on_one_thread() {
    let Some(corpus) = support::corpus() else {
        eprintln!("skipped: corpus not found under ../shared");
        return;
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = support::build_into(&corpus, a.path());
    // Rendering and compression run in parallel: one thread must give the same bytes.
    let second = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| support::build_into(&corpus, b.path()));
    assert_eq!(
        fs::read(&first.package).unwrap(),
        fs::read(&second.package).unwrap()
    );
}

/// `build` renders the app while the rules run (`check::load_and_check_alongside`). What the
/// renderer is given there must be the whole model: the app and the findings are those of
/// checking first and rendering after, on the bundled content and on the corpus.
#[test]
fn the_app_rendered_beside_the_check_is_the_app_rendered_after_it() {
    let roots = std::iter::once(support::crate_root()).chain(support::corpus());
    for root in roots {
        let (config, _) = splforge::config::Config::discover(&root).unwrap();
        let check_options = splforge::check::CheckOptions {
            today: "2026-11-24".to_owned(),
            only_files: None,
        };
        let options = BuildOptions {
            build_time: 1_700_000_000,
        };
        let (repository, content, report, beside) = splforge::check::load_and_check_alongside(
            &root,
            &config,
            &check_options,
            None,
            |repository, content| {
                splforge::package::app_files(content, repository, &config, &options)
            },
        );
        let beside = beside.expect("app files");
        let after = splforge::package::app_files(&content, &repository, &config, &options)
            .expect("app files");
        assert!(beside.contains_key("default/savedsearches.conf"));
        assert_eq!(beside, after, "{}", root.display());
        let (_, _, alone) = splforge::check::load_and_check(&root, &config, &check_options, None);
        assert_eq!(
            format!("{:#?}", report.findings),
            format!("{:#?}", alone.findings),
            "{}",
            root.display()
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let repo = repository(&detection_4x("Det One", "d", "search"));
    let out = tempfile::tempdir().unwrap();
    let good = build_repo(repo.path(), out.path(), 1).unwrap();
    let before = fs::read(&good.package).unwrap();
    // A broken template override makes the next build fail.
    write(
        repo.path(),
        "templates/app/default/macros.conf",
        "{% for %}",
    );
    let error = build_repo(repo.path(), out.path(), 2).unwrap_err();
    assert!(error.to_string().contains("template"), "{error}");
    assert_eq!(fs::read(&good.package).unwrap(), before);
    assert!(good.app_dir.join("default/savedsearches.conf").is_file());
    let leftovers: Vec<_> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // Temporary directories; `.splforge-build` itself is the output directory's marker.
        .filter(|n| n.starts_with(".splforge-build-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn template_overrides_replace_the_default() {
    let repo = repository(&detection_4x("Det One", "d", "search"));
    write(
        repo.path(),
        "templates/app/default/content-version.conf",
        "[content-version]\nversion = custom {{ app.version }}\n",
    );
    let out = tempfile::tempdir().unwrap();
    let report = build_repo(repo.path(), out.path(), 1).unwrap();
    let text = fs::read_to_string(report.app_dir.join("default/content-version.conf")).unwrap();
    assert_eq!(text, "[content-version]\nversion = custom 1.0.0\n");
}

/// An override written before detections were rendered one by one loops over
/// `content.detections` itself; it still sees them. The fixture is the default
/// savedsearches.conf of that time, so the file must come out as the default renders it now.
#[test]
fn an_override_that_loops_over_the_detections_still_sees_them() {
    let repo = repository(&detection_4x("Det One", "d", "search"));
    let out = tempfile::tempdir().unwrap();
    let default = build_repo(repo.path(), out.path(), 1).unwrap();
    let expected = fs::read_to_string(default.app_dir.join("default/savedsearches.conf")).unwrap();
    assert!(expected.contains("[TEST - Det One - Rule]"), "{expected}");
    write(
        repo.path(),
        "templates/app/default/savedsearches.conf",
        include_str!("../fixtures/templates/savedsearches-detections-loop.conf"),
    );
    let out = tempfile::tempdir().unwrap();
    let report = build_repo(repo.path(), out.path(), 1).unwrap();
    let text = fs::read_to_string(report.app_dir.join("default/savedsearches.conf")).unwrap();
    assert_eq!(text, expected);
}

#[test]
fn content_text_cannot_open_a_stanza_or_a_key() {
    let description =
        "\"first line\\n[injected stanza]\\nkey = value\\n  indented \\\\\\nlast \\\\\"";
    let search =
        "\"| makeresults | eval x=\\\"[a]\\\" \\\\\\n[evil]\\ndisabled = false\\n# c \\\\\"";
    let repo = repository(&detection_4x("Det [One é", description, search));
    let out = tempfile::tempdir().unwrap();
    let report = build_repo(repo.path(), out.path(), 1).unwrap();
    let ss = savedsearches(&report);
    let names: Vec<&String> = ss.keys().collect();
    assert_eq!(names, ["TEST - Det [One é - Rule"], "stanzas: {names:?}");
    let rule = &ss["TEST - Det [One é - Rule"];
    assert_eq!(
        rule["description"],
        "first line \n[injected stanza] \nkey = value \n  indented \\ \nlast \\"
    );
    assert_eq!(rule["disabled"], "true");
    assert!(!rule.contains_key("key"));
    assert_eq!(
        rule["search"],
        "| makeresults | eval x=\"[a]\" \\ \n[evil] \ndisabled = false \n# c \\"
    );
    let stories = fs::read_to_string(report.app_dir.join("default/analyticstories.conf")).unwrap();
    support::parse_conf(&stories).expect("analyticstories.conf parses");
}

#[test]
fn names_with_line_breaks_or_too_long_are_refused_without_panicking() {
    for name in ["\"Det\\n[x]\"", "Det]x", &"A".repeat(80)] {
        let repo = repository(&detection_4x(name, "d", "search"));
        let out = tempfile::tempdir().unwrap();
        let error = build_repo(repo.path(), out.path(), 1).unwrap_err();
        assert!(error.to_string().contains("stanza name"), "{error}");
        assert!(
            fs::read_dir(out.path()).unwrap().next().is_none(),
            "nothing written"
        );
    }
}

#[test]
fn a_2022_detection_builds_with_risk_from_observables() {
    let detection = "name: Old One\nid: 33333333-3333-3333-3333-333333333333\nversion: 1\ndate: '2021-01-02'\nauthor: A, B\ntype: TTP\ndatamodel:\n- Endpoint\ndescription: d\nsearch: '| tstats count from datamodel=Endpoint.Processes by Processes.user'\nhow_to_implement: h\nknown_false_positives: k\nreferences: []\ntags:\n  analytic_story:\n  - Story One\n  asset_type: Endpoint\n  confidence: 90\n  impact: 90\n  message: m\n  observable:\n  - name: user\n    type: User\n    role:\n    - Victim\n  - name: process_name\n    type: Process\n    role:\n    - Attacker\n  product:\n  - Splunk Enterprise\n  required_fields:\n  - user\n  security_domain: endpoint\n";
    let repo = repository(detection);
    let out = tempfile::tempdir().unwrap();
    let report = build_repo(repo.path(), out.path(), 1).unwrap();
    let rule = &savedsearches(&report)["TEST - Old One - Rule"];
    assert_eq!(
        rule["action.risk.param._risk"],
        r#"[{"risk_object_field": "user", "risk_object_type": "user", "risk_score": 81}, {"threat_object_field": "process_name", "threat_object_type": "process"}]"#
    );
    assert_eq!(rule["action.notable.param.severity"], "critical");
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn a_5x_repository_takes_risk_from_the_rba_block() {
    let input = support::crate_root().join("../shared/reference/contentctl-5.6.2-init");
    if !input.join("input").is_dir() {
        eprintln!("skipped: contentctl 5.6.2 reference not found under ../shared");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let report = support::build_into(&input.join("input"), out.path());
    let theirs = support::parse_conf(
        &fs::read_to_string(input.join("output/ContentPack/default/savedsearches.conf")).unwrap(),
    )
    .unwrap();
    let ours = savedsearches(&report);
    for (stanza, keys) in theirs.iter().filter(|(s, _)| s.ends_with(" - Rule")) {
        for key in [
            "action.risk",
            "action.risk.param._risk",
            "action.risk.param._risk_message",
            "action.correlationsearch.annotations",
            "action.notable.param.drilldown_searches",
        ] {
            assert_eq!(ours[stanza].get(key), keys.get(key), "{stanza} {key}");
        }
    }
}
