//! The bad-input catalogue, continued (issue 18, classes 7, 8, 9 and 13): text from the
//! content that splforge prints, quotes, turns into file names or reads as YAML. Every case
//! runs the binary on a fresh root and asserts the documented exit code, no panic, no hang,
//! and what a person or a file system receives. docs/reliability.md lists every case.

use crate::support;

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;
use support::{Fixture, assert_no_crash, splforge, with_code};

const DETECTION: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";
const OTHER_DETECTION: &str = "detections/cloud/aws_iam_successful_group_deletion.yml";
const MACRO: &str = "macros/cloudtrail.yml";

/// A name that retitles the terminal (OSC 0), rings its bell, clears it, hides what
/// follows a carriage return and reverses the rest (U+202E).
const HOSTILE: &str = "Evil \u{1b}]0;owned\u{7}\u{1b}[2J\r\u{202e}gnp.exe\u{2066}x";

/// `splforge ARGS... --root ROOT`.
fn run(root: &Path, args: &[&str]) -> Output {
    splforge()
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

/// No control character but line feeds, and no bidirectional control, in text meant for
/// a terminal.
fn assert_terminal_safe(what: &str, printed: &str) {
    let bad = printed.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    assert!(bad.is_none(), "{bad:?} printed by {what}:\n{printed}");
}

/// Both streams of a run, checked for the terminal.
fn assert_run_terminal_safe(what: &str, output: &Output) -> i32 {
    let code = assert_no_crash(output, what);
    assert_terminal_safe(what, &String::from_utf8_lossy(&output.stdout));
    assert_terminal_safe(what, &String::from_utf8_lossy(&output.stderr));
    code
}

// ---- Class 7: the terminal is not the content's ----------------------------------------

/// Case T1.
#[test]
fn names_with_terminal_escapes_are_escaped_in_every_human_output() {
    let f = Fixture::bundled();
    f.set_field(DETECTION, "name", HOSTILE);
    // Two macros of the same hostile name: a docs note names them.
    f.set_field(MACRO, "name", HOSTILE);
    f.write(
        "macros/second.yml",
        format!(
            "name: {}\ndefinition: search *\ndescription: Another.\n",
            serde_json::to_string(HOSTILE).unwrap()
        ),
    );
    // A file name with a line break and an escape.
    f.write("macros/evil\n\u{1b}]0;file\u{7}.yml", "name: [unclosed\n");
    let out = tempfile::tempdir().unwrap();
    let docs_out = out.path().join("docs");
    let docs_out = docs_out.to_str().unwrap();
    let build_out = out.path().join("dist");
    let build_out = build_out.to_str().unwrap();
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("lint", vec!["lint", "--no-cache"]),
        (
            "lint --format github",
            vec!["lint", "--no-cache", "--format", "github"],
        ),
        ("explain FILE", vec!["explain", DETECTION]),
        ("explain NAME", vec!["explain", HOSTILE]),
        (
            "report attack --markdown",
            vec!["report", "attack", "--markdown"],
        ),
        ("docs", vec!["docs", "--out", docs_out]),
        ("build", vec!["build", "--out", build_out]),
        (
            "build --force",
            vec!["build", "--force", "--out", build_out],
        ),
        (
            "new",
            vec!["new", "macro", "--name", "m\u{1b}[31m\u{202e}x"],
        ),
        (
            "migrate --to 5 --check",
            vec!["migrate", "--to", "5", "--check"],
        ),
    ];
    for (what, args) in runs {
        assert_run_terminal_safe(what, &run(f.root(), &args));
    }
    // Errors name what they were given: the escapes are shown, not sent.
    let missing = run(f.root(), &["explain", "no such \u{1b}]0;x\u{7} detection"]);
    assert_eq!(assert_run_terminal_safe("explain (missing)", &missing), 2);
    assert!(text(&missing.stderr).contains("no such \\u{1b}]0;x\\u{7} detection"));
}

/// Case T2.
#[test]
fn json_keeps_the_exact_text_that_the_human_format_escapes() {
    let f = Fixture::bundled();
    f.set_field(DETECTION, "name", HOSTILE);
    let json = run(f.root(), &["lint", "--no-cache", "--format", "json"]);
    assert_eq!(assert_no_crash(&json, "lint --format json"), 1);
    let findings: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    let sf104 = with_code(&findings, "SF104");
    assert!(
        sf104[0]["message"].as_str().unwrap().contains(HOSTILE),
        "{sf104:#?}"
    );
    let human = run(f.root(), &["lint", "--no-cache"]);
    assert_run_terminal_safe("lint", &human);
    assert!(
        text(&human.stdout).contains("Evil \\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{d}\\u{202e}gnp.exe"),
        "{}",
        text(&human.stdout)
    );
}

// ---- Class 8: bounded messages --------------------------------------------------------

/// Case T3.
#[test]
fn messages_quote_a_short_prefix_of_huge_values() {
    let huge = "A".repeat(4_000_000);
    let f = Fixture::bundled();
    // A 4 MB value of the wrong type, a 4 MB name, a 4 MB unknown key, a 4 MB story
    // reference and a 4 MB date, each quoted by a different message.
    f.write(
        "macros/big.yml",
        format!("name: big\ndefinition: search *\ndescription: [{huge}]\n"),
    );
    f.write(
        "macros/long_name.yml",
        format!("name: {huge}\ndefinition: search *\ndescription: D.\n"),
    );
    f.write(
        "macros/long_key.yml",
        format!("name: long_key\ndefinition: search *\ndescription: D.\n{huge}: 1\n"),
    );
    f.replace(
        DETECTION,
        "  - AWS IAM Privilege Escalation",
        &format!("  - {huge}"),
    );
    f.set_field(OTHER_DETECTION, "date", &huge);
    let json = run(f.root(), &["lint", "--no-cache", "--format", "json"]);
    assert_eq!(assert_no_crash(&json, "lint --format json"), 1);
    let findings: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    for file in [
        "macros/big.yml",
        "macros/long_name.yml",
        "macros/long_key.yml",
        DETECTION,
        OTHER_DETECTION,
    ] {
        assert!(
            findings.iter().any(|f| f["file"] == file),
            "no finding in {file}"
        );
    }
    for finding in &findings {
        for key in ["message", "help"] {
            let quoted = finding[key].as_str().unwrap_or_default();
            assert!(
                quoted.chars().count() <= 1000,
                "{key} of {} chars: {}...",
                quoted.chars().count(),
                &quoted[..200.min(quoted.len())]
            );
            assert!(!quoted.contains(&"A".repeat(200)), "{}", &quoted[..300]);
        }
    }
    let human = run(f.root(), &["lint", "--no-cache"]);
    assert_no_crash(&human, "lint");
    let longest = text(&human.stdout)
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert!(longest < 400, "a printed line of {longest} characters");

    // The configuration is part of the pull request too: a 4 MB key in it.
    let config = Fixture::empty();
    // Under the 1 MiB limit on a configuration file, so it is parsed.
    let key = "A".repeat(1_000_000);
    config.write("splforge.toml", format!("[limits]\n{key} = 1\n"));
    let output = run(config.root(), &["lint", "--no-cache"]);
    assert_eq!(assert_no_crash(&output, "lint"), 2);
    let error = text(&output.stderr);
    assert!(
        error.contains("unknown field"),
        "{}",
        &error[..300.min(error.len())]
    );
    assert!(error.len() < 2000, "an error of {} bytes", error.len());
}

// ---- Class 9: one bad name never fails the whole run ----------------------------------

/// 61 four-byte characters: under the 67-character limit of a detection name, but 244
/// bytes, and its docs page `YYYY-MM-DD-<name>.md` 258.
fn name_too_long_for_a_file() -> String {
    "\u{1f600}".repeat(61)
}

/// Case T4.
#[test]
fn a_name_too_long_for_a_file_name_is_a_finding_and_docs_write_the_rest() {
    let f = Fixture::bundled();
    let long = name_too_long_for_a_file();
    f.set_field(DETECTION, "name", &long);
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1);
    let hit = with_code(&findings, "SF104")
        .into_iter()
        .find(|h| h["file"] == DETECTION)
        .expect("SF104 for the long name");
    assert!(
        hit["message"]
            .as_str()
            .unwrap()
            .contains("over the 255-byte limit"),
        "{hit:#}"
    );
    assert_eq!(
        (hit["line"].as_u64(), hit["column"].as_u64()),
        (Some(1), Some(7))
    );

    let out = tempfile::tempdir().unwrap();
    let docs = run(f.root(), &["docs", "--out", out.path().to_str().unwrap()]);
    assert_eq!(assert_no_crash(&docs, "docs"), 0, "{}", text(&docs.stderr));
    assert!(
        text(&docs.stderr).contains("over 255 bytes"),
        "{}",
        text(&docs.stderr)
    );
    // Every page is there, the long one under a name that fits.
    let untouched = Fixture::bundled();
    let reference = tempfile::tempdir().unwrap();
    let docs = run(
        untouched.root(),
        &["docs", "--out", reference.path().to_str().unwrap()],
    );
    assert_eq!(assert_no_crash(&docs, "docs"), 0);
    for site in ["markdown", "html"] {
        let count = |root: &Path| walk(&root.join(site)).len();
        assert_eq!(count(out.path()), count(reference.path()), "{site}");
        for path in walk(&out.path().join(site)) {
            let name = path.file_name().unwrap().len();
            assert!(name <= 255, "{} is {name} bytes", path.display());
        }
    }
    let posts = walk(&out.path().join("markdown/_posts"));
    assert!(
        posts
            .iter()
            .any(|p| p.to_string_lossy().contains(&"\u{1f600}".repeat(50))),
        "{posts:?}"
    );
}

/// Case T5.
#[test]
fn new_refuses_a_name_too_long_for_a_file_name() {
    let f = Fixture::bundled();
    let long = "\u{e9}".repeat(130);
    let output = run(f.root(), &["new", "story", "--name", &long]);
    assert_eq!(assert_no_crash(&output, "new"), 2);
    assert!(
        text(&output.stderr).contains("255-byte limit"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(
        walk(&f.root().join("stories")).len(),
        walk(&Fixture::bundled().root().join("stories")).len()
    );
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

// ---- Class 13: YAML merge keys --------------------------------------------------------

/// Case T6.
#[test]
fn merge_keys_merge_as_contentctl_reads_them() {
    let f = Fixture::empty();
    // A macro whose fields come through merge keys: a mapping, and a list of mappings in
    // which the earlier wins; the file's own key wins over both.
    f.write(
        "macros/m.yml",
        "name: m\n\
         <<: {definition: search *, description: merged}\n",
    );
    f.write(
        "macros/n.yml",
        "name: n\n\
         defaults: &defaults {definition: search *, description: From defaults.}\n\
         <<: [{description: First.}, *defaults]\n",
    );
    f.write(
        "macros/o.yml",
        "name: o\n\
         <<: {definition: search *, description: merged, arguments: [a]}\n\
         arguments: 3\n",
    );
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1);
    let in_file =
        |file: &str| -> Vec<&Value> { findings.iter().filter(|h| h["file"] == file).collect() };
    assert!(in_file("macros/m.yml").is_empty(), "{findings:#?}");
    // `defaults` is a field no macro has; nothing about `<<` or a missing definition.
    let n: Vec<&str> = in_file("macros/n.yml")
        .iter()
        .map(|h| h["message"].as_str().unwrap())
        .collect();
    assert!(n.iter().all(|m| m.contains("defaults")), "{n:?}");
    // The explicit `arguments: 3` wins over the merged list, and is where the finding is.
    let o = in_file("macros/o.yml");
    assert_eq!(o.len(), 1, "{o:#?}");
    assert_eq!(o[0]["code"], "SF010");
    assert_eq!(
        (o[0]["line"].as_u64(), o[0]["column"].as_u64()),
        (Some(3), Some(12))
    );
}

/// Case T7.
#[test]
fn merging_what_is_not_a_mapping_is_a_syntax_finding() {
    let f = Fixture::empty();
    f.write(
        "macros/m.yml",
        "name: m\ndefinition: search *\ndescription: D.\n<<: [{a: 1}, not a mapping]\n",
    );
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1);
    let hit = with_code(&findings, "SF001");
    assert_eq!(hit.len(), 1, "{findings:#?}");
    assert!(
        hit[0]["message"]
            .as_str()
            .unwrap()
            .contains("merge key `<<`"),
        "{hit:#?}"
    );
    assert_eq!(
        (hit[0]["line"].as_u64(), hit[0]["column"].as_u64()),
        (Some(4), Some(14))
    );
}
