//! Pages of 4.x and 5.x content: risk scores, data-source documentation fields, story
//! pages, and the atomic write of `write_docs`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use splforge::docs::{self, DocsFormat, DocsOptions, TechniqueInfo};
use splforge::load::{LoadLimits, load_repository};
use splforge::model::Content;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs")
}

fn lookup(id: &str) -> Option<TechniqueInfo> {
    let (name, tactic) = match id {
        "T1098" => ("Account Manipulation", "Persistence"),
        "T1560.001" => ("Archive via Utility", "Collection"),
        _ => return None,
    };
    Some(TechniqueInfo {
        name: name.to_owned(),
        tactics: vec![tactic.to_owned()],
    })
}

fn render(root: &Path, format: DocsFormat) -> HashMap<String, String> {
    let repository = load_repository(root, LoadLimits::default());
    let content = Content::build(&repository);
    let options = DocsOptions::new(format, &lookup);
    docs::render_docs(&content, &repository, &options)
        .expect("render")
        .files
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

fn in_order(page: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        match page[from..].find(part) {
            Some(at) => from += at + part.len(),
            None => panic!("{part:?} missing (or out of order) in:\n{page}"),
        }
    }
}

#[test]
fn a_4x_detection_page_scores_impact_times_confidence() {
    let site = render(&fixture(), DocsFormat::Markdown);
    let page = &site["_posts/2024-10-17-aws_iam_failure_group_deletion.md"];
    in_order(
        page,
        &[
            "- **Data Source**: [AWS CloudTrail DeleteGroup](/data_sources/aws_cloudtrail_deletegroup)",
            "| [T1098](https://attack.mitre.org/techniques/T1098/) | Account Manipulation | Persistence |",
            "| 72.9 | 81 | 90 | User $user_arn$ has had mulitple failures",
            "* [https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/attack_techniques/T1098/",
            "[*source*](https://github.com/splunk/security_content/tree/develop/detections/cloud/aws_iam_failure_group_deletion.yml)",
        ],
    );
}

#[test]
fn a_data_source_page_carries_event_information_examples_and_remediation() {
    let site = render(&fixture(), DocsFormat::Markdown);
    let page = &site["_data_sources/aws_cloudtrail_deletegroup.md"];
    in_order(
        page,
        &[
            "- **Source**: aws_cloudtrail",
            "- **Sourcetype**: aws:cloudtrail",
            "- **Supported Add-on**: [Splunk Add-on for AWS](https://splunkbase.splunk.com/app/1876) (version 7.7.1)",
            "#### Event Information",
            "* The DeleteGroup event in AWS for IAM",
            "#### Examples",
            "* **Unauthorized deletion of IAM groups**: An unauthorized user",
            "#### Remediation",
            "##### Using Console",
            "1. Example 1: Enforce strong password policy for IAM users",
            "    * Step 3: Click on &#34;Account settings&#34; in the left navigation pane.",
            "##### Using CLI",
            "**1. Ensure IAM users have strong passwords:**",
            "```\naws iam update-login-profile --user-name <user-name>",
            "##### Using Python",
            "```python\nimport boto3\n\ndef remediate_weak_passwords():",
            "#### Fields",
            "* errorCode",
            "#### Example Event",
            "\"groupName\": \"<admins>\"",
            "#### Detections using this data source",
            "* [AWS IAM Failure Group Deletion](/cloud/aws_iam_failure_group_deletion/) (Anomaly)",
        ],
    );
}

#[test]
fn data_source_pages_render_in_the_html_site() {
    let site = render(&fixture(), DocsFormat::Html);
    let page = &site["data_sources/aws_cloudtrail_deletegroup.html"];
    in_order(
        page,
        &[
            "<h4>Event Information</h4>",
            "<h4>Remediation</h4>",
            "<h5>Using Python</h5>",
            "<pre><code class=\"language-python\">import boto3",
            "<a href=\"../detections/aws_iam_failure_group_deletion.html\">AWS IAM Failure Group Deletion</a>",
        ],
    );
}

#[test]
fn a_story_page_lists_its_detections_and_techniques() {
    let site = render(&fixture(), DocsFormat::Markdown);
    let page = &site["_stories/aws_iam_privilege_escalation.md"];
    in_order(
        page,
        &[
            "#### Narrative",
            "| [AWS IAM Failure Group Deletion](/cloud/aws_iam_failure_group_deletion/) | [Account Manipulation](/tags/#account-manipulation) | Anomaly |",
            "#### ATT&CK",
            "| [T1098](https://attack.mitre.org/techniques/T1098/) | Account Manipulation | Persistence |",
            "#### Reference",
        ],
    );
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn a_5x_detection_page_shows_rba_scores() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/contentctl-5-samples");
    if !root.is_dir() {
        println!("skipped: {} is absent", root.display());
        return;
    }
    let site = render(&root, DocsFormat::Markdown);
    let page = &site["_posts/2021-04-22-anomalous_usage_of_7zip.md"];
    in_order(
        page,
        &[
            "| [T1560.001](https://attack.mitre.org/techniques/T1560/001/) | Archive via Utility | Collection |",
            "#### RBA",
            "| user | user | 56 | An instance of $parent_process_name$",
            "| dest | system | 60 |",
            "| parent_process_name | parent_process_name |",
        ],
    );
}

#[test]
fn write_docs_writes_a_site_and_replaces_only_its_own() {
    let repository = load_repository(&fixture(), LoadLimits::default());
    let content = Content::build(&repository);
    let options = DocsOptions::new(DocsFormat::Html, &lookup);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let report = docs::write_docs(&content, &repository, &options, &out).unwrap();
    assert_eq!(report.pages.detections, 1);
    assert!(out.join("index.html").is_file());
    assert!(out.join(docs::MARKER).is_file());
    // A second run replaces the site; a directory it did not write is refused.
    docs::write_docs(&content, &repository, &options, &out).unwrap();
    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "x").unwrap();
    assert!(docs::write_docs(&content, &repository, &options, &foreign).is_err());
    assert!(foreign.join("keep.txt").is_file());
}

#[test]
fn a_repository_template_replaces_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("detections/cloud")).unwrap();
    std::fs::copy(
        fixture().join("detections/cloud/aws_iam_failure_group_deletion.yml"),
        root.join("detections/cloud/x.yml"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("templates/docs")).unwrap();
    std::fs::write(
        root.join("templates/docs/detection.md"),
        "custom {{ d.name }} {{ d.rba.score }}",
    )
    .unwrap();
    let site = render(root, DocsFormat::Markdown);
    assert_eq!(
        site["_posts/2024-10-17-aws_iam_failure_group_deletion.md"],
        "custom AWS IAM Failure Group Deletion 72.9"
    );
}

#[test]
fn a_broken_repository_template_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("templates/docs")).unwrap();
    std::fs::write(dir.path().join("templates/docs/story.md"), "{% if %}").unwrap();
    let repository = load_repository(dir.path(), LoadLimits::default());
    let content = Content::build(&repository);
    let options = DocsOptions::new(DocsFormat::Markdown, &lookup);
    let err = docs::render_docs(&content, &repository, &options).unwrap_err();
    assert!(err.to_string().contains("story.md"), "{err}");
}
