//! Issue 22, the first hour: what a new user trips over, one test (or more) per point.

use std::fs;
use std::path::Path;
use std::process::Output;

use crate::support::{self, Fixture, assert_no_crash, splforge};

const DETECTION: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";
const HUNTING: &str = "detections/cloud/aws_iam_successful_group_deletion.yml";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `splforge ARGS` in `dir`, without `--root`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    splforge()
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .args(args)
        .output()
        .unwrap()
}

// Point 1: the root is found from the working directory.

#[test]
fn lint_in_a_subdirectory_finds_the_root_and_shows_paths_from_there() {
    let f = Fixture::bundled();
    f.replace(
        DETECTION,
        "    - AWS IAM Privilege Escalation",
        "    - AWS IAM Privilege Escalations",
    );
    let cloud = f.root().join("detections/cloud");
    let output = run_in(&cloud, &["lint"]);
    assert_eq!(assert_no_crash(&output, "lint"), 1);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    // The whole repository was checked, not the 0 files of a content subdirectory.
    let bundled_files = run_in(f.root(), &["lint", "--no-cache"]);
    let summary = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("Checked "))
            .map(|l| l.split(" in ").next().unwrap_or_default().to_owned())
    };
    assert_eq!(
        summary(&stderr),
        summary(&text(&bundled_files.stderr)),
        "{stderr}"
    );
    assert!(stderr.contains("1 error"), "{stderr}");
    // The finding's path is relative to where the user stands.
    assert!(
        stdout.contains("--> aws_iam_failure_group_deletion.yml:"),
        "{stdout}"
    );
    // The cache is kept at the root, not in the subdirectory.
    assert!(!cloud.join(".splforge_cache").exists());
    assert!(f.root().join(".splforge_cache").is_dir());
    // From stories/, the same finding is one directory up and over.
    let output = run_in(&f.root().join("stories"), &["lint", "--no-cache"]);
    assert!(
        text(&output.stdout)
            .contains("--> ../detections/cloud/aws_iam_failure_group_deletion.yml:"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn lint_of_one_file_in_a_subdirectory_checks_it_against_the_repository() {
    let f = Fixture::bundled();
    let cloud = f.root().join("detections/cloud");
    let output = run_in(
        &cloud,
        &["lint", "--no-cache", "aws_iam_failure_group_deletion.yml"],
    );
    assert_eq!(
        assert_no_crash(&output, "lint FILE"),
        0,
        "{}",
        text(&output.stderr)
    );
    assert!(text(&output.stderr).contains("Checked 1 file "));
    // `.` is the directory the user stands in, not the root.
    let dot = run_in(&cloud, &["lint", "--no-cache", "."]);
    assert_eq!(assert_no_crash(&dot, "lint ."), 0, "{}", text(&dot.stderr));
    let cloud_files = fs::read_dir(&cloud).unwrap().count();
    assert!(
        text(&dot.stderr).contains(&format!("Checked {cloud_files} files ")),
        "{}",
        text(&dot.stderr)
    );
}

#[test]
fn a_file_outside_the_given_root_names_its_own_root() {
    let f = Fixture::bundled();
    let other = Fixture::bundled();
    let output = splforge()
        .args(["lint", "--no-cache", "--root"])
        .arg(other.root())
        .arg(f.root().join(DETECTION))
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&output, "lint"), 2);
    let stderr = text(&output.stderr);
    let root = fs::canonicalize(f.root()).unwrap();
    assert!(
        stderr.contains(&format!("pass --root {}", root.display())),
        "{stderr}"
    );
}

#[test]
fn a_root_one_level_too_deep_names_the_repository_root() {
    let f = Fixture::bundled();
    let output = splforge()
        .args(["lint", "--root"])
        .arg(f.root().join("detections"))
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&output, "lint"), 2);
    let stderr = text(&output.stderr);
    let root = fs::canonicalize(f.root()).unwrap();
    assert!(stderr.contains("no content found under"), "{stderr}");
    assert!(
        stderr.contains(&format!("root seems to be {}", root.display())),
        "{stderr}"
    );
}

#[test]
fn new_story_in_stories_writes_into_stories_itself() {
    let f = Fixture::bundled();
    let stories = f.root().join("stories");
    let output = run_in(&stories, &["new", "story", "--name", "Living Off The Land"]);
    assert_eq!(
        assert_no_crash(&output, "new"),
        0,
        "{}",
        text(&output.stderr)
    );
    assert!(stories.join("living_off_the_land.yml").is_file());
    assert!(!stories.join("stories").exists());
    // Printed as the user, standing in stories/, would name it.
    assert_eq!(text(&output.stdout).trim(), "living_off_the_land.yml");
}

// Point 6: one docs layout.

#[test]
fn docs_of_one_format_after_both_replaces_only_its_own_site() {
    let f = Fixture::bundled();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let docs = |format: Option<&str>| {
        let mut command = splforge();
        command.args(["docs", "--quiet", "--root"]).arg(f.root());
        command.arg("--out").arg(&site);
        if let Some(format) = format {
            command.args(["--format", format]);
        }
        command.output().unwrap()
    };
    let both = docs(None);
    assert_eq!(assert_no_crash(&both, "docs"), 0, "{}", text(&both.stderr));
    assert_eq!(support::names(&site), ["html", "markdown"]);
    let html_page = site.join("html/index.html");
    let before = fs::read(&html_page).unwrap();
    fs::remove_file(site.join("markdown/index.md")).unwrap();
    let markdown = docs(Some("markdown"));
    assert_eq!(
        assert_no_crash(&markdown, "docs --format markdown"),
        0,
        "{}",
        text(&markdown.stderr)
    );
    assert_eq!(support::names(&site), ["html", "markdown"]);
    assert!(site.join("markdown/index.md").is_file());
    assert_eq!(fs::read(&html_page).unwrap(), before);
    let html = docs(Some("html"));
    assert_eq!(assert_no_crash(&html, "docs --format html"), 0);
    assert_eq!(support::names(&site), ["html", "markdown"]);
}

// Point 7: each command its own formats.

#[test]
fn each_command_takes_and_documents_only_its_own_formats() {
    let f = Fixture::bundled();
    let run = |args: &[&str]| {
        splforge()
            .args(args)
            .arg("--root")
            .arg(f.root())
            .output()
            .unwrap()
    };
    let lint_html = run(&["lint", "--format", "html"]);
    assert_eq!(assert_no_crash(&lint_html, "lint --format html"), 2);
    assert!(text(&lint_html.stderr).contains("[possible values: human, json, sarif, github]"));
    let docs_sarif = run(&["docs", "--format", "sarif"]);
    assert_eq!(assert_no_crash(&docs_sarif, "docs --format sarif"), 2);
    assert!(text(&docs_sarif.stderr).contains("[possible values: markdown, html]"));
    let build_json = run(&["build", "--format", "json"]);
    assert_eq!(assert_no_crash(&build_json, "build --format json"), 2);
    let docs_help = text(&run(&["docs", "--help"]).stdout);
    assert!(docs_help.contains("markdown"), "{docs_help}");
    assert!(!docs_help.contains("sarif"), "{docs_help}");
    assert!(!docs_help.contains("default: human"), "{docs_help}");
    let lint_help = text(&run(&["lint", "--help"]).stdout);
    assert!(lint_help.contains("sarif"), "{lint_help}");
    assert!(!lint_help.contains("markdown"), "{lint_help}");
}

// Point 8: the default build time comes from the input.

fn app_conf_build(out: &Path) -> String {
    let app = fs::read_dir(out)
        .unwrap()
        .flatten()
        .find(|e| e.path().is_dir())
        .unwrap()
        .path();
    let conf = fs::read_to_string(app.join("default/app.conf")).unwrap();
    conf.lines()
        .find_map(|l| l.strip_prefix("build = "))
        .unwrap()
        .to_owned()
}

#[test]
fn without_source_date_epoch_the_build_time_is_the_newest_content_date() {
    let f = Fixture::bundled();
    // A date newer than any other in the bundled content (2026-11-23), in the past.
    f.set_field(DETECTION, "date", "2026-12-01");
    let out = tempfile::tempdir().unwrap();
    let build = |dir: &Path| {
        splforge()
            .env_remove("SOURCE_DATE_EPOCH")
            .args(["build", "--root"])
            .arg(f.root())
            .arg("--out")
            .arg(dir)
            .output()
            .unwrap()
    };
    let first = build(&out.path().join("a"));
    assert_eq!(
        assert_no_crash(&first, "build"),
        0,
        "{}",
        text(&first.stderr)
    );
    assert_eq!(app_conf_build(&out.path().join("a")), "20261201000000");
    assert!(text(&first.stderr).contains("the newest date in the content"));
    // Still reproducible: a second build is byte-identical.
    let second = build(&out.path().join("b"));
    assert_eq!(assert_no_crash(&second, "build"), 0);
    let package = |dir: &str| {
        let dir = out.path().join(dir);
        let name = support::names(&dir)
            .into_iter()
            .find(|n| n.ends_with(".tar.gz"))
            .unwrap();
        fs::read(dir.join(name)).unwrap()
    };
    assert!(package("a") == package("b"));
    // SOURCE_DATE_EPOCH wins.
    let pinned = splforge()
        .env("SOURCE_DATE_EPOCH", "86400")
        .args(["build", "--root"])
        .arg(f.root())
        .arg("--out")
        .arg(out.path().join("c"))
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&pinned, "build"), 0);
    assert_eq!(app_conf_build(&out.path().join("c")), "19700102000000");
}

#[test]
fn in_a_git_checkout_the_build_time_is_the_last_commit_of_the_content() {
    let git = |dir: &Path, args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_COMMITTER_DATE", "2030-01-02T03:04:05Z")
            .env("GIT_AUTHOR_DATE", "2030-01-02T03:04:05Z")
            .output()
    };
    let f = Fixture::bundled();
    let Ok(init) = git(f.root(), &["init", "-q"]) else {
        eprintln!("skipped: no git");
        return;
    };
    assert!(init.status.success());
    for args in [
        &["-c", "user.name=t", "-c", "user.email=t@t", "add", "."][..],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "c",
        ][..],
    ] {
        let done = git(f.root(), args).unwrap();
        assert!(done.status.success(), "{}", text(&done.stderr));
    }
    let out = tempfile::tempdir().unwrap();
    let built = splforge()
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["build", "--root"])
        .arg(f.root())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(
        assert_no_crash(&built, "build"),
        0,
        "{}",
        text(&built.stderr)
    );
    assert_eq!(app_conf_build(out.path()), "20300102030405");
    assert!(text(&built.stderr).contains("the last commit of the content"));
}

// Point 9: messages.

#[test]
fn a_tab_in_the_indentation_is_reported_at_the_tab_with_help() {
    let f = Fixture::bundled();
    f.replace(DETECTION, "\n  asset_type:", "\n\tasset_type:");
    let (line, column) = f.position_of(DETECTION, "\tasset_type", 0);
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1);
    let sf001 = support::with_code(&findings, "SF001");
    assert_eq!(sf001.len(), 1, "{findings:#?}");
    assert_eq!(sf001[0]["line"], line);
    assert_eq!(sf001[0]["column"], column);
    assert!(sf001[0]["message"].as_str().unwrap().contains("tab"));
    assert!(
        sf001[0]["help"]
            .as_str()
            .unwrap()
            .contains("indent with spaces")
    );
}

#[test]
fn a_malformed_attack_id_is_reported_once_with_the_id_meant() {
    let f = Fixture::bundled();
    f.replace(DETECTION, "    - T1098", "    - t1098\n    - T1098.1");
    let (_, findings) = f.lint(&[]);
    let here: Vec<_> = findings.iter().filter(|x| x["file"] == DETECTION).collect();
    let at = |id: &str| {
        let (line, column) = f.position_of(DETECTION, id, 0);
        here.iter()
            .filter(|x| x["line"] == line && x["column"] == column)
            .collect::<Vec<_>>()
    };
    for (written, meant) in [("t1098", "T1098"), ("T1098.1", "T1098.001")] {
        let reported = at(written);
        assert_eq!(reported.len(), 1, "{written}: {reported:#?}");
        assert_eq!(reported[0]["code"], "SF402");
        assert_eq!(
            reported[0]["help"],
            format!("did you mean `{meant}`?"),
            "{written}"
        );
    }
}

#[test]
fn explain_takes_a_file_stem_and_suggests_a_near_name() {
    let f = Fixture::bundled();
    let stem = splforge()
        .args(["explain", "aws_iam_failure_group_deletion", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(
        assert_no_crash(&stem, "explain"),
        0,
        "{}",
        text(&stem.stderr)
    );
    let typo = splforge()
        .args(["explain", "AWS IAM Failure Group Delete", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&typo, "explain"), 2);
    assert!(
        text(&typo.stderr).contains("did you mean \"AWS IAM Failure Group Deletion\"?"),
        "{}",
        text(&typo.stderr)
    );
}

#[test]
fn schema_takes_the_type_names_new_takes() {
    let hyphen = support::run_ok(&["schema", "data-source"], Path::new("."));
    let underscore = support::run_ok(&["schema", "data_source"], Path::new("."));
    assert_eq!(hyphen, underscore);
    assert!(hyphen.contains("\"properties\""));
}

#[test]
fn clean_gives_its_reason_once() {
    let f = Fixture::bundled();
    let cache = f.root().join("not_a_cache");
    fs::create_dir(&cache).unwrap();
    fs::write(cache.join("mine.txt"), "keep").unwrap();
    let output = splforge()
        .args(["clean", "--root"])
        .arg(f.root())
        .arg("--cache-dir")
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&output, "clean"), 2);
    let stderr = text(&output.stderr);
    assert_eq!(
        stderr.matches("not a splforge cache directory").count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("cannot write"), "{stderr}");
    assert!(cache.join("mine.txt").is_file());
}

// Point 10: migrate --diff, and notes for what a Hunting detection loses.

#[test]
fn migrate_diff_prints_the_change_and_writes_nothing() {
    let f = Fixture::bundled();
    let before = f.read(DETECTION);
    let output = splforge()
        .args(["migrate", "--diff", "--root"])
        .arg(f.root())
        .arg(f.root().join(DETECTION))
        .output()
        .unwrap();
    assert_eq!(
        assert_no_crash(&output, "migrate --diff"),
        1,
        "{}",
        text(&output.stderr)
    );
    let diff = text(&output.stdout);
    assert!(
        diff.starts_with(&format!("--- a/{DETECTION}\n+++ b/{DETECTION}\n")),
        "{diff}"
    );
    assert!(
        diff.contains("\n+  rba:\n") || diff.contains("\n+rba:\n"),
        "{diff}"
    );
    assert!(diff.contains("\n-  observable:\n"), "{diff}");
    assert_eq!(f.read(DETECTION), before);
    // Applied, the diff gives what migrate writes.
    let migrated = Fixture::bundled();
    support::run_ok(&["-q", "migrate", DETECTION], migrated.root());
    let patched = apply(&before, &diff);
    assert_eq!(patched, migrated.read(DETECTION));
}

/// Applies a one-file unified diff to `text` (hunks in order, context checked).
fn apply(text: &str, diff: &str) -> String {
    let old: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut at = 0;
    for line in diff.split_inclusive('\n').skip(2) {
        if let Some(header) = line.strip_prefix("@@ -") {
            let start: usize = header.split([',', ' ']).next().unwrap().parse().unwrap();
            while at + 1 < start {
                out.push_str(old[at]);
                at += 1;
            }
        } else if let Some(kept) = line.strip_prefix(' ') {
            assert_eq!(old[at], kept);
            out.push_str(kept);
            at += 1;
        } else if let Some(removed) = line.strip_prefix('-') {
            assert_eq!(old[at], removed);
            at += 1;
        } else if let Some(added) = line.strip_prefix('+') {
            out.push_str(added);
        }
    }
    for rest in &old[at..] {
        out.push_str(rest);
    }
    out
}

#[test]
fn migrate_says_what_a_hunting_detection_loses() {
    let f = Fixture::bundled();
    let output = splforge()
        .args(["migrate", "--check", "--root"])
        .arg(f.root())
        .arg(f.root().join(HUNTING))
        .output()
        .unwrap();
    assert_no_crash(&output, "migrate --check");
    let stderr = text(&output.stderr);
    let note = stderr
        .lines()
        .find(|l| l.starts_with(&format!("{HUNTING}: note: dropped tags.")) && l.contains("rba:"))
        .unwrap_or_else(|| panic!("{stderr}"));
    for key in [
        "tags.message",
        "tags.observable",
        "tags.confidence",
        "tags.impact",
    ] {
        assert!(note.contains(key), "{note}");
    }
    assert!(note.contains("Hunting"), "{note}");
    assert!(note.contains("rba:"), "{note}");
}

// Point 11: new detection --kind, and a production switch explained.

#[test]
fn new_detection_goes_where_its_kind_says() {
    let f = Fixture::bundled();
    let path = support::run_ok(
        &[
            "-q",
            "new",
            "detection",
            "--kind",
            "cloud",
            "--name",
            "My Cloud Thing",
        ],
        f.root(),
    );
    assert_eq!(path.trim(), "detections/cloud/my_cloud_thing.yml");
    assert!(f.root().join(path.trim()).is_file());
    let bad = splforge()
        .args([
            "new",
            "detection",
            "--kind",
            "../x",
            "--name",
            "y",
            "--root",
        ])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&bad, "new --kind ../x"), 2);
    let story = splforge()
        .args(["new", "story", "--kind", "cloud", "--name", "y", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&story, "new story --kind"), 2);
}

#[test]
fn a_new_detection_switched_to_production_says_what_it_lacks_and_where() {
    let f = Fixture::bundled();
    let path = support::run_ok(&["-q", "new", "detection", "--name", "Fresh One"], f.root());
    let path = path.trim();
    f.replace(path, "status: experimental", "status: production");
    let (line, column) = f.position_of(path, "status: production", 0);
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1);
    let mine: Vec<_> = findings.iter().filter(|x| x["file"] == path).collect();
    assert!(!mine.is_empty());
    for finding in mine {
        assert_eq!(finding["code"], "SF010");
        assert_eq!(
            (&finding["line"], &finding["column"]),
            (&line.into(), &column.into())
        );
        let help = finding["help"].as_str().unwrap_or_default();
        assert!(help.contains("experimental"), "{finding:#}");
    }
}

// Point 13: tests that need ../shared are ignored, with their reason, without it.

#[test]
fn the_corpus_tests_are_ignored_exactly_when_the_corpus_is_absent() {
    // Set by build.rs when the test binary was built; the corpus as the tests see it now.
    let built_with_corpus = cfg!(has_corpus);
    assert_eq!(
        built_with_corpus,
        support::corpus().is_some_and(|c| c.is_dir()),
        "../shared appeared or went away since the tests were built: touch build.rs"
    );
}

#[test]
fn every_test_that_reads_the_corpus_is_marked_to_be_ignored_without_it() {
    // Tests that read ../shared only for part of what they check run either way.
    let partly = [
        "every_file_gets_the_answer_jsonschema_gives",
        "the_app_rendered_beside_the_check_is_the_app_rendered_after_it",
    ];
    // Every function starts an item (helpers take arguments; tests do not).
    let function = regex::Regex::new(r"\n(?:pub(?:\([a-z]+\))? )?fn (\w+)\(").unwrap();
    let mut unmarked = Vec::new();
    let mut marked = 0;
    for entry in fs::read_dir(support::crate_root().join("tests/it"))
        .unwrap()
        .flatten()
    {
        let source = fs::read_to_string(entry.path()).unwrap_or_default();
        let found: Vec<_> = function.captures_iter(&source).collect();
        for (i, this) in found.iter().enumerate() {
            let at = this.get(0).unwrap();
            // The attributes: from the end of the item before to the `fn`.
            let attributes = source[..at.start()]
                .rsplit_once("\n}\n")
                .map_or(&source[..at.start()], |(_, after)| after);
            let end = found
                .get(i + 1)
                .map_or(source.len(), |n| n.get(0).unwrap().start());
            let (name, body) = (&this[1], &source[at.end()..end]);
            if !attributes.contains("#[test]")
                || name == "every_test_that_reads_the_corpus_is_marked_to_be_ignored_without_it"
            {
                continue;
            }
            let reads = body.contains("corpus_or_skip()") || body.contains("support::shared(");
            if attributes.contains("ignore = \"needs") {
                marked += 1;
            } else if reads && !partly.contains(&name) {
                unmarked.push(format!("{}: {name}", entry.path().display()));
            }
        }
    }
    assert!(unmarked.is_empty(), "{unmarked:#?}");
    assert!(marked >= 30, "{marked}");
}

// Point 15: no AppInspect warning the toolchain causes.

#[test]
fn every_metadata_stanza_has_its_reload_trigger_and_cloud_admins_may_write() {
    let f = Fixture::bundled();
    f.write(
        "app_template/metadata/default.meta",
        "[]\naccess = read : [ * ], write : [ admin, sc_admin ]\n\n[savedsearches]\nowner = admin\n\n[governance/some]\naccess = read : [ * ]\n\n[my_custom_type]\naccess = read : [ * ]\n",
    );
    for (root, expected) in [
        (
            support::crate_root(),
            &[
                "correlationsearches",
                "governance",
                "managed_configurations",
                "postprocess",
            ][..],
        ),
        (
            f.root().to_path_buf(),
            &["governance", "my_custom_type"][..],
        ),
    ] {
        let out = tempfile::tempdir().unwrap();
        support::build_at(&root, out.path(), 0);
        let app = fs::read_dir(out.path())
            .unwrap()
            .flatten()
            .find(|e| e.path().is_dir())
            .unwrap()
            .path();
        let app_conf = fs::read_to_string(app.join("default/app.conf")).unwrap();
        for stanza in expected {
            assert!(
                app_conf.contains(&format!("\nreload.{stanza} = simple\n")),
                "{stanza}: {app_conf}"
            );
        }
        // Stanzas of stock conf types have Splunk's own triggers.
        assert!(!app_conf.contains("reload.savedsearches"));
        let meta = fs::read_to_string(app.join("metadata/default.meta")).unwrap();
        for line in meta.lines().filter(|l| l.contains("write :")) {
            if line.contains("admin") {
                assert!(line.contains("sc_admin"), "{line}");
            }
        }
        // No KV-store lookup in the bundled content: no collections.conf.
        assert!(!app.join("default/collections.conf").exists());
    }
}
