//! `lint` and `build` digest each file as soon as it is parsed (its model object, its schema
//! result) and free its YAML tree: `check::load_and_check` for a whole repository,
//! `check::model_and_check` for one the pre-commit loader read. Both must find exactly what
//! loading everything, building the whole model and then checking (`Content::build` +
//! `check::check`, trees kept) finds: the same model, the same findings with the same spans.

use crate::support;

use std::path::{Path, PathBuf};

use splforge::check::{self, CheckOptions};
use splforge::config::Config;
use splforge::model::Content;

/// Both paths over `root`; panics with the first difference. Returns how many findings
/// they agree on.
fn assert_same(root: &Path, only_files: Option<Vec<PathBuf>>) -> usize {
    let (config, _) = Config::discover(root).unwrap();
    let options = CheckOptions {
        today: "2026-11-24".to_owned(),
        only_files,
    };
    let load = || match &options.only_files {
        Some(files) => splforge::load::load_for_files(root, files, config.limits),
        None => splforge::load::load_repository(root, config.limits),
    };

    let kept = load();
    let kept_content = Content::build(&kept);
    let kept_report = check::check(&kept, &kept_content, &config, &options);

    let mut released = load();
    let (released_content, released_report) =
        check::model_and_check(&mut released, &config, &options, None);

    assert!(
        released
            .files
            .iter()
            .all(|f| f.document.as_ref().is_err()
                || f.document.as_ref().is_ok_and(|d| d.root.is_none())),
        "a tree was kept"
    );
    assert_eq!(
        format!("{kept_content:?}"),
        format!("{released_content:?}"),
        "the models differ ({})",
        root.display()
    );
    assert_eq!(
        format!("{:#?}", kept_report.findings),
        format!("{:#?}", released_report.findings),
        "the findings differ ({})",
        root.display()
    );
    assert_eq!(kept_report.files_checked, released_report.files_checked);

    if options.only_files.is_none() {
        let (loaded, digested_content, digested_report) =
            check::load_and_check(root, &config, &options, None);
        assert_eq!(
            format!(
                "{:?}",
                kept.files
                    .iter()
                    .map(|f| (&f.source.path, f.kind))
                    .collect::<Vec<_>>()
            ),
            format!(
                "{:?}",
                loaded
                    .files
                    .iter()
                    .map(|f| (&f.source.path, f.kind))
                    .collect::<Vec<_>>()
            ),
            "the files differ ({})",
            root.display()
        );
        assert_eq!(
            format!("{kept_content:?}"),
            format!("{digested_content:?}"),
            "the models differ ({})",
            root.display()
        );
        assert_eq!(
            format!("{:#?}", kept_report.findings),
            format!("{:#?}", digested_report.findings),
            "the findings differ ({})",
            root.display()
        );
    }
    kept_report.findings.len()
}

#[test]
fn bundled_content_with_findings() {
    let fixture = support::Fixture::with_findings();
    assert!(assert_same(fixture.root(), None) >= 4);
}

#[test]
fn empty_files_non_mappings_syntax_errors_and_duplicate_keys() {
    let fixture = support::Fixture::with_findings();
    fixture.write("stories/empty.yml", "");
    fixture.write("stories/comment_only.yml", "# nothing here\n");
    fixture.write(
        "macros/a_list.yml",
        "- name: not_a_mapping\n- definition: x\n",
    );
    fixture.write("macros/a_string.yml", "just a string\n");
    fixture.write("macros/broken.yml", "name: [unclosed\n");
    fixture.write(
        "macros/duplicate.yml",
        "name: duplicate_key_macro\ndefinition: a\ndefinition: b\ndescription: twice\n",
    );
    assert_same(fixture.root(), None);
    let (_, findings) = fixture.lint(&[]);
    for code in ["SF001", "SF002", "SF003", "SF010"] {
        assert!(
            !support::with_code(&findings, code).is_empty(),
            "the CLI (which releases trees) reports no {code}"
        );
    }
}

#[test]
fn single_file_mode() {
    let fixture = support::Fixture::with_findings();
    let detection = std::fs::read_dir(fixture.root().join("detections"))
        .unwrap()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .map(|f| f.path())
        .find(|p| p.extension().is_some_and(|e| e == "yml"))
        .expect("a detection");
    let relative = detection.strip_prefix(fixture.root()).unwrap().to_owned();
    assert_same(fixture.root(), Some(vec![relative]));
    let relative = PathBuf::from("detections/cloud/aws_iam_failure_group_deletion.yml");
    assert!(assert_same(fixture.root(), Some(vec![relative])) > 0);
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn contentctl_5_samples() {
    let Some(samples) = support::shared("corpus/contentctl-5-samples") else {
        eprintln!("skipped: no ../shared/corpus/contentctl-5-samples");
        return;
    };
    assert_same(&samples, None);
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn the_corpus() {
    let Some(corpus) = support::corpus_or_skip() else {
        return;
    };
    // ~260 findings of a dozen rules (1,100 before SF405 stopped reporting 4.x content).
    assert!(assert_same(&corpus, None) > 200);
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn generation_2022_inputs() {
    let Some(inputs) = support::shared("golden/2022/inputs") else {
        eprintln!("skipped: no ../shared/golden/2022/inputs");
        return;
    };
    assert_same(&inputs, None);
}

/// Stories and macros take the generation most detections show; with a 5.x majority, a
/// story is checked against the 5.x schema on every path.
#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn mixed_generations() {
    let Some(samples) = support::shared("corpus/contentctl-5-samples") else {
        eprintln!("skipped: no ../shared/corpus/contentctl-5-samples");
        return;
    };
    let fixture = support::Fixture::with_findings();
    let five: Vec<PathBuf> = walkdir::WalkDir::new(samples.join("detections"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    assert!(!five.is_empty());
    // More 5.x detections than the bundled 4.x ones.
    for copy in 0..12 {
        for path in &five {
            let name = path.file_name().unwrap().to_string_lossy();
            fixture.write(
                &format!("detections/five_{copy}_{name}"),
                std::fs::read(path).unwrap(),
            );
        }
    }
    let (config, _) = Config::discover(fixture.root()).unwrap();
    let repository = splforge::load::load_repository(fixture.root(), config.limits);
    assert_eq!(
        Content::build(&repository).generation,
        splforge::model::Generation::Contentctl5
    );
    assert_same(fixture.root(), None);
}
