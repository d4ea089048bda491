//! The bad-input catalogue (issue 10): hostile or broken content that a linter in CI meets
//! on a pull request. Every case asserts a clear diagnostic (code, file, position or
//! message), the documented exit code (0 clean, 1 error findings, 2 usage or I/O failure),
//! no panic, no hang (each run is killed after a minute), and output that is whole: stdout
//! of `--format json` parses as one array, the human format holds no control characters.
//! docs/reliability.md lists every case.

use crate::support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::{Fixture, assert_no_crash, names, splforge, with_code};

/// What one `lint` run printed, in both formats.
struct Outcome {
    exit: i32,
    findings: Vec<Value>,
    human: String,
}

impl Outcome {
    /// The findings of `code` in `file`; fails when there is none.
    fn expect(&self, code: &str, file: &str) -> Vec<&Value> {
        let hits: Vec<&Value> = with_code(&self.findings, code)
            .into_iter()
            .filter(|f| f["file"] == file)
            .collect();
        assert!(
            !hits.is_empty(),
            "no {code} in {file}; got {:#?}",
            self.findings
        );
        hits
    }

    /// The one finding of `code` in `file`, whose message contains `needle`.
    fn expect_message(&self, code: &str, file: &str, needle: &str) -> &Value {
        let hits = self.expect(code, file);
        hits.into_iter()
            .find(|f| f["message"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| {
                panic!(
                    "no {code} in {file} saying {needle:?}: {:#?}",
                    self.findings
                )
            })
    }

    fn at(&self, code: &str, file: &str, needle: &str, line: u64, column: u64) {
        let hit = self.expect_message(code, file, needle);
        assert_eq!(
            (
                hit["line"].as_u64().unwrap(),
                hit["column"].as_u64().unwrap()
            ),
            (line, column),
            "{hit:#}"
        );
    }

    fn codes_in(&self, file: &str) -> Vec<&str> {
        self.findings
            .iter()
            .filter(|f| f["file"] == file)
            .map(|f| f["code"].as_str().unwrap())
            .collect()
    }
}

/// `lint` in JSON and in the human format; both must agree on the exit code.
fn lint(root: &Path, args: &[&str]) -> Outcome {
    let run = |format: &str| {
        splforge()
            .args(["lint", "--format", format, "--root"])
            .arg(root)
            .args(args)
            .output()
            .unwrap()
    };
    let json = run("json");
    let exit = assert_no_crash(&json, "lint --format json");
    let stdout = String::from_utf8(json.stdout).expect("JSON output is UTF-8");
    let findings: Vec<Value> = if exit == 2 {
        assert!(stdout.is_empty(), "output before a usage error: {stdout}");
        Vec::new()
    } else {
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("partial JSON ({e}): {stdout}"))
    };
    let human = run("human");
    assert_eq!(assert_no_crash(&human, "lint"), exit, "formats disagree");
    let human = String::from_utf8(human.stdout).expect("human output is UTF-8");
    assert_well_formed(&human);
    Outcome {
        exit,
        findings,
        human,
    }
}

/// No control character but line feeds, and no bidirectional override, reaches a terminal.
fn assert_well_formed(human: &str) {
    let bad = human
        .chars()
        .find(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c));
    assert!(bad.is_none(), "{bad:?} in the human output:\n{human}");
}

const MACRO: &str = "name: m\ndefinition: search *\ndescription: A macro.\n";

/// A root holding one macro file with `text`.
fn one_macro(text: impl AsRef<[u8]>) -> Fixture {
    let f = Fixture::empty();
    f.write("macros/m.yml", text);
    f
}

// ---- Encoding -----------------------------------------------------------------------

#[test]
fn clean_minimal_content_passes() {
    let out = lint(one_macro(MACRO).root(), &[]);
    assert_eq!(out.findings, Vec::<Value>::new());
    assert_eq!(out.exit, 0);
}

#[test]
fn invalid_utf8_points_at_the_bad_byte() {
    let out = lint(one_macro(b"name: m\ndefinition: ab\xff\xfe\n").root(), &[]);
    out.at("SF001", "macros/m.yml", "not valid UTF-8", 2, 15);
    assert_eq!(out.exit, 1);
}

#[test]
fn utf16_is_reported_as_not_utf8() {
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(MACRO.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let out = lint(one_macro(utf16).root(), &[]);
    out.at("SF001", "macros/m.yml", "not valid UTF-8", 1, 1);
    assert_eq!(out.exit, 1);
}

#[test]
fn byte_order_mark_is_accepted_and_columns_ignore_it() {
    let out = lint(one_macro(format!("\u{feff}{MACRO}")).root(), &[]);
    assert_eq!(out.findings, Vec::<Value>::new());
    assert_eq!(out.exit, 0);
    let out = lint(
        one_macro("\u{feff}nme: m\ndefinition: x\ndescription: d\n").root(),
        &[],
    );
    out.at("SF010", "macros/m.yml", "nme", 1, 1);
}

#[test]
fn crlf_line_endings_load_and_positions_hold() {
    let out = lint(one_macro(MACRO.replace('\n', "\r\n")).root(), &[]);
    assert_eq!(out.findings, Vec::<Value>::new());
    let out = lint(
        one_macro("name: m\r\ndefinition: x\r\ndescriptin: d\r\n").root(),
        &[],
    );
    out.at("SF010", "macros/m.yml", "descriptin", 3, 1);
    assert!(out.human.contains(" 3 | descriptin: d\n"), "{}", out.human);
}

#[test]
fn tab_indentation_is_a_syntax_error_with_a_readable_snippet() {
    let out = lint(one_macro("name: m\ndefinition:\n\t- x\n").root(), &[]);
    let hit = out.expect_message("SF001", "macros/m.yml", "tab");
    assert!(hit["line"].as_u64().unwrap() >= 2, "{hit:#}");
    assert_eq!(out.exit, 1);
    assert!(out.human.contains("error[SF001]"), "{}", out.human);
}

#[test]
fn tabs_inside_values_are_shown_as_spaces() {
    let out = lint(
        one_macro("name: m\ndefinition: \"a\tb\"\ndescriptin:\t d\n").root(),
        &[],
    );
    out.expect_message("SF010", "macros/m.yml", "descriptin");
    assert!(out.human.contains(" 3 | descriptin:  d\n"), "{}", out.human);
}

#[test]
fn nul_byte_is_a_syntax_error_and_never_printed() {
    let out = lint(
        one_macro("name: m\ndefinition: a\0b\ndescription: d\n").root(),
        &[],
    );
    out.at("SF001", "macros/m.yml", "YAML syntax error", 2, 14);
    assert_eq!(out.exit, 1);
}

#[test]
fn lone_surrogate_escape_is_a_syntax_error() {
    let out = lint(
        one_macro("name: \"\\ud800\"\ndefinition: x\ndescription: d\n").root(),
        &[],
    );
    out.at("SF001", "macros/m.yml", "surrogate", 1, 7);
    assert_eq!(out.exit, 1);
}

#[test]
fn terminal_escapes_in_content_never_reach_the_terminal() {
    // A duplicate key puts the key's text in the message; the snippet shows the line.
    let key = "\"k\\e]0;owned\\a\\e[2J\"";
    let text = format!("{MACRO}{key}: 1\n{key}: 2\nx: \"\u{202e}evil\"\n");
    let out = lint(one_macro(text).root(), &[]);
    out.expect("SF002", "macros/m.yml");
    assert!(!out.human.contains('\u{1b}'), "{}", out.human);
}

#[test]
fn a_very_long_line_is_windowed_around_the_finding() {
    let text = format!(
        "name: m\ndefinition: {}\ndescription: d\nbad_key: 1\n",
        "x ".repeat(500_000)
    );
    let out = lint(one_macro(&text).root(), &[]);
    out.at("SF011", "macros/m.yml", "bad_key", 4, 1);
    assert!(out.human.lines().all(|l| l.chars().count() < 300));
    let long = format!(
        "{{name: m, definition: '{}', description: d, bad_key: 1}}\n",
        "y".repeat(200_000)
    );
    let out = lint(one_macro(&long).root(), &[]);
    let hit = out.expect_message("SF011", "macros/m.yml", "bad_key");
    assert_eq!(hit["line"], 1);
    assert!(
        out.human.lines().all(|l| l.chars().count() < 300),
        "unwindowed snippet"
    );
}

// ---- YAML structure -------------------------------------------------------------------

#[test]
fn duplicate_top_level_key() {
    let out = lint(one_macro(format!("{MACRO}name: again\n")).root(), &[]);
    out.at("SF002", "macros/m.yml", "name", 4, 1);
    assert_eq!(out.exit, 1);
}

#[test]
fn duplicate_nested_key() {
    let f = Fixture::bundled();
    let d = "detections/cloud/aws_iam_failure_group_deletion.yml";
    f.replace(
        d,
        "  confidence: 50\n",
        "  confidence: 50\n  confidence: 50\n",
    );
    let out = lint(f.root(), &[]);
    let (line, column) = f.position_of(d, "confidence", 1);
    out.at("SF002", d, "confidence", line, column);
}

#[test]
fn many_duplicate_keys_finish_quickly() {
    let mut text = MACRO.to_owned();
    for i in 0..20_000 {
        text.push_str(&format!("x: {i}\n"));
    }
    let out = lint(one_macro(text).root(), &[]);
    assert!(out.expect("SF002", "macros/m.yml").len() > 1000);
}

#[test]
fn a_hundred_thousand_lines_load() {
    let mut text = String::from("name: m\ndescription: d\ndefinition: |\n");
    for i in 0..100_000 {
        text.push_str(&format!("  | eval line_{i} = {i}\n"));
    }
    let out = lint(one_macro(text).root(), &[]);
    assert_eq!(out.findings, Vec::<Value>::new());
    assert_eq!(out.exit, 0);
}

#[test]
fn a_hundred_and_fifty_thousand_keys_hit_the_node_limit() {
    let mut text = MACRO.to_owned();
    for i in 0..150_000 {
        text.push_str(&format!("k{i}: {i}\n"));
    }
    let out = lint(one_macro(text).root(), &[]);
    out.expect_message("SF001", "macros/m.yml", "more than 200000 nodes");
    assert_eq!(out.exit, 1);
}

#[test]
fn billion_laughs_alias_bomb() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = format!("*a{}", i - 1);
        text.push_str(&format!("a{i}: &a{i} [{}]\n", [p.as_str(); 9].join(", ")));
    }
    let out = lint(one_macro(text).root(), &[]);
    out.expect_message("SF001", "macros/m.yml", "alias or anchor bomb");
    assert_eq!(out.exit, 1);
}

#[test]
fn chained_aliases_nesting_past_the_depth_limit() {
    let mut text = String::from("a0: &a0 x\n");
    for i in 1..30 {
        text.push_str(&format!(
            "a{i}: &a{i} {}*a{}{}\n",
            "[".repeat(8),
            i - 1,
            "]".repeat(8)
        ));
    }
    let out = lint(one_macro(text).root(), &[]);
    out.expect_message("SF001", "macros/m.yml", "nesting deeper than 64");
}

#[test]
fn very_deep_flow_nesting() {
    let text = format!(
        "name: m\nx: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let out = lint(one_macro(text).root(), &[]);
    let hit = out.expect("SF001", "macros/m.yml")[0];
    assert_eq!(hit["line"], 2);
    assert_eq!(out.exit, 1);
}

#[test]
fn very_deep_block_nesting() {
    let text: String = (0..2_000)
        .map(|i| format!("{}k:\n", "  ".repeat(i)))
        .collect();
    let out = lint(one_macro(text).root(), &[]);
    out.at("SF001", "macros/m.yml", "nesting deeper than 64", 65, 129);
}

#[test]
fn depth_limit_is_configurable() {
    let f = one_macro(format!("{MACRO}x: [[[[[1]]]]]\n"));
    // Unknown key `x`: a warning (SF011), not a depth problem.
    assert_eq!(lint(f.root(), &[]).codes_in("macros/m.yml"), ["SF011"]);
    f.write("splforge.toml", "[limits]\nmax_depth = 4\n");
    let out = lint(f.root(), &[]);
    out.at("SF001", "macros/m.yml", "nesting deeper than 4", 4, 7);
}

/// The configuration is the pull request's too: raising `max_depth` past the ceiling must
/// not let a file nest deep enough to overflow a stack.
#[test]
fn depth_limit_has_a_ceiling() {
    let mut text = String::from("a0: &a0 x\n");
    for i in 1..400 {
        let (open, close) = ("[".repeat(20), "]".repeat(20));
        text.push_str(&format!("a{i}: &a{i} {open}*a{}{close}\n", i - 1));
    }
    let f = one_macro(text);
    f.write(
        "splforge.toml",
        "[limits]\nmax_depth = 100000000\nmax_nodes = 100000000\n",
    );
    // Just under the ceiling: built, validated and checked without running out of stack.
    let mut text = String::from("a0: &a0 x\n");
    for i in 1..13 {
        let (open, close) = ("[".repeat(20), "]".repeat(20));
        text.push_str(&format!("a{i}: &a{i} {open}*a{}{close}\n", i - 1));
    }
    f.write("macros/deep.yml", text);
    let out = lint(f.root(), &[]);
    out.expect_message("SF001", "macros/m.yml", "nesting deeper than 256");
    assert!(
        out.codes_in("macros/deep.yml")
            .iter()
            .all(|&c| c != "SF001")
    );
    out.expect("SF010", "macros/deep.yml");
}

#[test]
fn node_limit_is_configurable() {
    let f = one_macro(format!("{MACRO}x: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n"));
    f.write("splforge.toml", "[limits]\nmax_nodes = 10\n");
    let out = lint(f.root(), &[]);
    out.expect_message("SF001", "macros/m.yml", "more than 10 nodes");
}

#[test]
fn file_over_the_size_limit() {
    let text = format!("{MACRO}pad: '{}'\n", "p".repeat(5 * 1024 * 1024));
    let out = lint(one_macro(text).root(), &[]);
    out.at("SF001", "macros/m.yml", "over the 4194304-byte limit", 1, 1);
    assert_eq!(out.exit, 1);
}

#[test]
fn size_limit_is_configurable() {
    let f = one_macro(MACRO);
    f.write("splforge.toml", "[limits]\nmax_file_bytes = 16\n");
    let out = lint(f.root(), &[]);
    out.expect_message("SF001", "macros/m.yml", "over the 16-byte limit");
}

#[test]
fn ten_megabyte_scalar_under_a_raised_limit() {
    let f = one_macro(format!(
        "name: m\ndescription: d\ndefinition: \"{}\"\n",
        "a".repeat(10 << 20)
    ));
    f.write("splforge.toml", "[limits]\nmax_file_bytes = 16777216\n");
    let out = lint(f.root(), &[]);
    assert_eq!(out.findings, Vec::<Value>::new());
    assert_eq!(out.exit, 0);
}

const DETECTION: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";

/// The bundled detection with a search of `bytes` bytes that is otherwise clean.
fn detection_with_search_of(bytes: usize) -> Fixture {
    let f = Fixture::bundled();
    let head = "`cloudtrail` eventName=DeleteGroup ";
    let tail = "| stats count by src user_arn group_name errorCode | `aws_iam_failure_group_deletion_filter`";
    let filler = "x ".repeat((bytes - head.len() - tail.len()) / 2);
    f.set_field(DETECTION, "search", &format!("{head}{filler}{tail}"));
    f
}

/// Case 23b: a search over `max_search_bytes` (default 256 KiB) is one SF504 at its first
/// character; it is not analysed, so no other SPL rule reports on it.
#[test]
fn search_over_the_length_limit() {
    let f = detection_with_search_of(300 * 1024);
    let out = lint(f.root(), &[]);
    let (line, column) = f.position_of(DETECTION, "`cloudtrail` eventName=DeleteGroup x", 0);
    let hit = out.expect_message("SF504", DETECTION, "over the 262144-byte limit");
    assert_eq!(
        (hit["line"].as_u64(), hit["column"].as_u64()),
        (Some(line), Some(column))
    );
    assert!(
        hit["message"]
            .as_str()
            .unwrap()
            .contains("max_search_bytes"),
        "{hit:#}"
    );
    assert_eq!(out.codes_in(DETECTION), ["SF504"], "{:#?}", out.findings);
    assert_eq!(out.exit, 1);
    // Just under the limit, the same search is analysed and clean.
    let under = lint(detection_with_search_of(250 * 1024).root(), &[]);
    assert_eq!(under.codes_in(DETECTION), Vec::<&str>::new());
}

/// Case 23c: `[limits] max_search_bytes` is configurable.
#[test]
fn search_length_limit_is_configurable() {
    let f = Fixture::bundled();
    let config = f.read("splforge.toml");
    f.write(
        "splforge.toml",
        format!("{config}\n[limits]\nmax_search_bytes = 100\n"),
    );
    let out = lint(f.root(), &[]);
    out.expect_message("SF504", DETECTION, "over the 100-byte limit");
    let raised = detection_with_search_of(300 * 1024);
    let config = raised.read("splforge.toml");
    raised.write(
        "splforge.toml",
        format!("{config}\n[limits]\nmax_search_bytes = 1048576\n"),
    );
    let out = lint(raised.root(), &[]);
    assert_eq!(
        out.codes_in(DETECTION),
        Vec::<&str>::new(),
        "{:#?}",
        out.findings
    );
    assert_eq!(out.exit, 0);
}

#[test]
fn limits_reject_unknown_keys_with_a_position() {
    let f = one_macro(MACRO);
    f.write("splforge.toml", "[limits]\nmax_depht = 4\n");
    let output = splforge()
        .args(["lint", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&output, "lint"), 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("splforge.toml:2:1") && stderr.contains("max_depht"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn empty_file() {
    let out = lint(one_macro("").root(), &[]);
    out.at("SF003", "macros/m.yml", "the file is empty", 1, 1);
    assert_eq!(out.exit, 1);
}

#[test]
fn comments_and_white_space_only() {
    let out = lint(one_macro("# nothing\n\n   \n# here\n").root(), &[]);
    out.expect_message("SF003", "macros/m.yml", "the file is empty");
}

#[test]
fn multiple_documents() {
    let out = lint(one_macro(format!("{MACRO}---\n{MACRO}")).root(), &[]);
    out.at("SF001", "macros/m.yml", "more than one YAML document", 4, 1);
    assert_eq!(out.exit, 1);
}

#[test]
fn non_mapping_documents() {
    for (text, found) in [
        ("- name: m\n", "sequence"),
        ("just a string\n", "string"),
        ("42\n", "integer"),
        ("~\n", "null"),
    ] {
        let out = lint(one_macro(text).root(), &[]);
        out.at("SF003", "macros/m.yml", &format!("found a {found}"), 1, 1);
        assert_eq!(out.exit, 1);
    }
}

#[test]
fn tags_and_complex_keys_do_not_confuse_the_model() {
    let text =
        format!("{MACRO}? [a, b]\n: complex\n? {{c: d}}\n: also\nt: !!binary aGk=\nu: !custom x\n");
    let out = lint(one_macro(text).root(), &[]);
    let codes = out.codes_in("macros/m.yml");
    // Unknown keys, complex or tagged, are unknown-field warnings and nothing else.
    assert!(
        !codes.is_empty() && codes.iter().all(|&c| c == "SF011"),
        "{:#?}",
        out.findings
    );
    assert_eq!(out.exit, 0);
}

/// A value of the wrong type in every top-level field, and every `tags` field, of one
/// file of each kind: each gives a schema finding at that field, none a crash.
#[test]
fn wrong_types_in_every_field() {
    let samples = [
        "detections/cloud/aws_iam_failure_group_deletion.yml",
        "stories/suspicious_dns_activity.yml",
        "macros/cloudtrail.yml",
        "lookups/splf_dynamic_dns_providers.yml",
        "data_sources/aws_cloudtrail.yml",
        "deployments/escu_default_configuration_ttp.yml",
    ];
    let f = Fixture::bundled();
    let mut expected = Vec::new();
    for sample in samples {
        let text = f.read(sample);
        let fields: Vec<(usize, String)> = field_lines(&text);
        for (n, (line, key)) in fields.iter().enumerate() {
            // A mapping where a scalar or list is wanted, a list where a mapping is wanted.
            // A list where a mapping is wanted, a mapping anywhere else.
            let is_mapping = text.lines().nth(line + 1).is_some_and(|l| {
                l.starts_with("  ") && !l.trim_start().starts_with('-') && l.contains(':')
            }) && text
                .lines()
                .nth(*line)
                .is_some_and(|l| l.trim_end().ends_with(':'));
            let wrong = if is_mapping {
                "[wrong, type]"
            } else {
                "{wrong: type}"
            };
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let indent = &lines[*line][..lines[*line].len() - lines[*line].trim_start().len()];
            let indent = indent.to_owned();
            lines[*line] = format!("{indent}{key}: {wrong}");
            // Drop the old value's continuation lines.
            let mut end = line + 1;
            while end < lines.len()
                && (lines[end].is_empty()
                    || lines[end].starts_with(&format!("{indent} "))
                    || lines[end].starts_with(&format!("{indent}- ")))
            {
                end += 1;
            }
            lines.drain(line + 1..end);
            let variant = sample.replace(".yml", &format!("_wrong_{n}.yml"));
            f.write(&variant, lines.join("\n") + "\n");
            expected.push((variant, key.clone(), line + 1));
        }
        f.remove(sample);
    }
    assert!(expected.len() > 60, "only {} fields", expected.len());
    let out = lint(f.root(), &[]);
    assert_eq!(out.exit, 1);
    for (file, key, line) in &expected {
        let hits = out.expect("SF010", file);
        assert!(
            hits.iter().any(|h| h["line"].as_u64() == Some(*line as u64)
                || h["message"].as_str().unwrap().contains(key.as_str())),
            "no SF010 for `{key}` (line {line}) in {file}: {hits:#?}"
        );
    }
}

/// `(0-based line, key)` of each top-level field and each field under `tags:`.
fn field_lines(text: &str) -> Vec<(usize, String)> {
    let mut fields = Vec::new();
    let mut in_tags = false;
    for (i, line) in text.lines().enumerate() {
        let top = !line.starts_with([' ', '-', '#']) && line.contains(':');
        let tag = in_tags
            && line.starts_with("  ")
            && !line.starts_with("   ")
            && !line.trim_start().starts_with('-');
        if top {
            in_tags = line.starts_with("tags:");
        }
        if ((top && !line.starts_with("tags:")) || tag)
            && let Some((key, _)) = line.trim_start().split_once(':')
        {
            fields.push((i, key.to_owned()));
        }
    }
    fields
}

// ---- The file system ------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn fifo_named_like_a_content_file_does_not_hang() {
    let f = one_macro(MACRO);
    let fifo = f.root().join("macros/fifo.yml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let out = lint(f.root(), &[]);
    out.at("SF001", "macros/fifo.yml", "not a regular file", 1, 1);
    assert_eq!(out.exit, 1);
}

#[cfg(unix)]
#[test]
fn fifo_among_the_files_a_one_file_lint_indexes_does_not_hang() {
    let f = one_macro(MACRO);
    for fifo in ["detections/fifo.yml", "stories/fifo.yml"] {
        let path = f.root().join(fifo);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
    }
    // The index-only reader opened every other file, and opening a FIFO for reading waits
    // for a writer: `lint FILE` hung for ever (fixed: opened non-blocking, then not read).
    let out = lint(f.root(), &["macros/m.yml"]);
    assert_eq!(out.findings, Vec::<Value>::new());
    assert_eq!(out.exit, 0);
    let out = lint(f.root(), &["detections/fifo.yml"]);
    out.at("SF001", "detections/fifo.yml", "not a regular file", 1, 1);
    assert_eq!(out.exit, 1);
}

#[test]
fn directory_named_like_a_content_file_is_walked_not_read() {
    let f = one_macro(MACRO);
    f.write("macros/dir.yml/inner.yml", "name: [unclosed\n");
    let out = lint(f.root(), &[]);
    assert!(out.codes_in("macros/dir.yml").is_empty());
    out.expect("SF001", "macros/dir.yml/inner.yml");
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let f = one_macro(MACRO);
    std::os::unix::fs::symlink("b.yml", f.root().join("macros/a.yml")).unwrap();
    std::os::unix::fs::symlink("a.yml", f.root().join("macros/b.yml")).unwrap();
    let out = lint(f.root(), &[]);
    out.expect_message("SF001", "macros/a.yml", "cannot resolve symbolic link");
    out.expect_message("SF001", "macros/b.yml", "cannot resolve symbolic link");
    assert_eq!(out.exit, 1);
}

#[cfg(unix)]
#[test]
fn directory_symlink_loop() {
    let f = one_macro(MACRO);
    std::os::unix::fs::symlink("..", f.root().join("macros/up")).unwrap();
    std::os::unix::fs::symlink(".", f.root().join("macros/self.yml")).unwrap();
    let out = lint(f.root(), &[]);
    out.expect_message("SF001", "macros/self.yml", "not a regular file");
    assert!(out.codes_in("macros/up").is_empty());
}

#[cfg(unix)]
#[test]
fn dangling_symlink() {
    let f = one_macro(MACRO);
    std::os::unix::fs::symlink("gone.yml", f.root().join("macros/dangling.yml")).unwrap();
    let out = lint(f.root(), &[]);
    out.expect_message(
        "SF001",
        "macros/dangling.yml",
        "cannot resolve symbolic link",
    );
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_root_is_followed() {
    let f = one_macro(MACRO);
    f.write("shared/m2.yml", MACRO.replace("name: m", "name: m2"));
    std::os::unix::fs::symlink("../shared/m2.yml", f.root().join("macros/m2.yml")).unwrap();
    let out = lint(f.root(), &[]);
    assert_eq!(out.findings, Vec::<Value>::new());
}

/// A secret outside the root, which no output may ever contain.
const SECRET: &str = "S3CRET-TOKEN-0123456789";

fn outside_secret() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("secret.yml"),
        format!("{SECRET}: [unclosed\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("secret.csv"),
        format!("a,b\n{SECRET},x,y\n"),
    )
    .unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn yaml_symlink_out_of_the_root() {
    let outside = outside_secret();
    let f = one_macro(MACRO);
    std::os::unix::fs::symlink(
        outside.path().join("secret.yml"),
        f.root().join("macros/s.yml"),
    )
    .unwrap();
    let out = lint(f.root(), &[]);
    out.at("SF001", "macros/s.yml", "outside the content root", 1, 1);
    assert!(!out.human.contains(SECRET) && !format!("{:?}", out.findings).contains(SECRET));
}

#[cfg(unix)]
#[test]
fn directory_symlink_out_of_the_root_is_not_walked() {
    let outside = outside_secret();
    let f = one_macro(MACRO);
    std::os::unix::fs::symlink(outside.path(), f.root().join("macros/ext")).unwrap();
    let out = lint(f.root(), &[]);
    assert_eq!(out.findings, Vec::<Value>::new());
}

#[cfg(unix)]
#[test]
fn lookup_csv_symlink_out_of_the_root() {
    let outside = outside_secret();
    let f = Fixture::bundled();
    let csv = "lookups/splf_dynamic_dns_providers.csv";
    f.remove(csv);
    std::os::unix::fs::symlink(outside.path().join("secret.csv"), f.root().join(csv)).unwrap();
    let out = lint(f.root(), &[]);
    out.at("SF301", csv, "outside the content root", 1, 1);
    assert!(
        out.codes_in("lookups/splf_dynamic_dns_providers.yml")
            .is_empty()
    );
    assert!(!out.human.contains(SECRET) && !format!("{:?}", out.findings).contains(SECRET));
    assert_eq!(out.exit, 1);
}

#[cfg(unix)]
#[test]
fn lookup_csv_fifo() {
    let f = Fixture::bundled();
    let csv = "lookups/splf_dynamic_dns_providers.csv";
    f.remove(csv);
    let status = std::process::Command::new("mkfifo")
        .arg(f.root().join(csv))
        .status()
        .unwrap();
    assert!(status.success());
    let out = lint(f.root(), &[]);
    out.at("SF301", csv, "not a regular file", 1, 1);
}

const LOOKUP: &str = "lookups/splf_dynamic_dns_providers.yml";

fn lookup_filename(filename: &str) -> Outcome {
    let f = Fixture::bundled();
    f.replace(
        LOOKUP,
        "filename: splf_dynamic_dns_providers.csv",
        &format!("filename: {filename}"),
    );
    lint(f.root(), &[])
}

#[test]
fn lookup_filename_traversal() {
    let out = lookup_filename("../../../etc/passwd");
    out.at("SF301", LOOKUP, "not a plain path inside lookups/", 8, 11);
    assert_eq!(out.exit, 1);
}

#[test]
fn lookup_filename_absolute() {
    let out = lookup_filename("/etc/passwd");
    out.at("SF301", LOOKUP, "not a plain path inside lookups/", 8, 11);
}

#[test]
fn lookup_filename_backslash_traversal() {
    let out = lookup_filename("'..\\..\\secret.csv'");
    out.expect_message("SF301", LOOKUP, "not a plain path inside lookups/");
}

#[test]
fn lookup_filename_with_a_newline_and_a_stanza() {
    let out = lookup_filename("\"x.csv\\n[evil]\\nfilename = /etc/passwd\"");
    let hit = out.expect_message("SF301", LOOKUP, "not a plain path inside lookups/");
    assert!(
        hit["message"].as_str().unwrap().contains("x.csv\\n[evil]"),
        "{hit:#}"
    );
}

#[test]
fn path_argument_outside_the_root_is_a_usage_error() {
    let f = one_macro(MACRO);
    let outside = tempfile::NamedTempFile::new().unwrap();
    let output = splforge()
        .args(["lint", "--format", "json", "--root"])
        .arg(f.root())
        .arg(outside.path())
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&output, "lint"), 2);
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not inside the content root"));
}

#[test]
fn path_argument_with_dot_dot_is_a_usage_error() {
    let f = one_macro(MACRO);
    let output = splforge()
        .args(["lint", "--format", "json", "--root"])
        .arg(f.root())
        .arg(f.root().join("macros/../../x.yml"))
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&output, "lint"), 2);
    assert!(output.stdout.is_empty());
}

#[test]
fn missing_root_is_a_usage_error() {
    let output = splforge()
        .args(["lint", "--root", "/nonexistent/splforge/root"])
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&output, "lint"), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a directory"));
}

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_not_printed() {
    let f = one_macro(MACRO);
    f.write(
        "macros/evil\n\u{1b}[31merror[SF000]: fake.yml",
        "name: [unclosed\n",
    );
    let out = lint(f.root(), &[]);
    assert_eq!(out.exit, 1);
    assert_eq!(with_code(&out.findings, "SF001").len(), 1);
    assert!(!out.human.contains("\nerror[SF000]"), "{}", out.human);
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name() {
    use std::os::unix::ffi::OsStrExt;
    let f = one_macro(MACRO);
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.yml");
    fs::write(f.root().join("macros").join(name), "name: [unclosed\n").unwrap();
    let out = lint(f.root(), &[]);
    let hit = &with_code(&out.findings, "SF001")[0];
    assert_eq!(hit["file"], "macros/bad\u{fffd}.yml");
    assert_eq!(out.exit, 1);
}

// ---- Lookup CSVs ----------------------------------------------------------------------

const CSV: &str = "lookups/splf_dynamic_dns_providers.csv";

fn with_csv(text: impl AsRef<[u8]>, config: Option<&str>) -> Outcome {
    let f = Fixture::bundled();
    f.write(CSV, text);
    if let Some(config) = config {
        f.write(
            "splforge.toml",
            format!("{}\n[limits]\n{config}\n", f.read("splforge.toml")),
        );
    }
    lint(f.root(), &[])
}

#[test]
fn csv_ragged_rows() {
    let out = with_csv(
        "domain,provider\n*.a.example,A\n*.b.example,B,extra\n*.c.example\n",
        None,
    );
    out.at("SF302", CSV, "row has 3 columns, the header has 2", 3, 1);
    out.at("SF302", CSV, "row has 1 column, the header has 2", 4, 1);
    assert_eq!(out.exit, 1);
}

#[test]
fn csv_with_an_unterminated_quote_and_invalid_utf8() {
    let out = with_csv(
        b"domain,provider\n\"*.a.example,A\n\xff\xfe,B\n".as_slice(),
        None,
    );
    assert!(out.codes_in(CSV).iter().all(|&c| c == "SF302"));
}

#[test]
fn csv_crlf_and_quoted_line_breaks_are_one_row() {
    let out = with_csv(
        "domain,provider\r\n\"*.a\r\n.example\",\"A, Inc\"\r\n",
        None,
    );
    assert!(out.codes_in(CSV).is_empty(), "{:#?}", out.findings);
    assert_eq!(out.exit, 0);
}

#[test]
fn csv_over_the_lookup_size_limit() {
    let out = with_csv(
        "domain,provider\n*.a.example,A\n",
        Some("max_lookup_bytes = 8"),
    );
    out.at("SF302", CSV, "over the 8-byte limit", 1, 1);
    assert_eq!(out.exit, 1);
}

// ---- Content aimed at the outputs -------------------------------------------------------

#[test]
fn markup_and_template_syntax_in_content_are_data_to_lint() {
    let f = Fixture::bundled();
    let d = "detections/cloud/aws_iam_failure_group_deletion.yml";
    f.replace(
        d,
        "description: ",
        "description: \"<script>alert(1)</script> {{ config }} {% include '/etc/passwd' %} {# x #} ",
    );
    f.replace(d, "\ndata_source:", "\"\ndata_source:");
    let out = lint(f.root(), &[]);
    assert_eq!(out.findings, Vec::<Value>::new());
    assert_eq!(out.exit, 0);
}

// ---- The output file of `report attack --out` ---------------------------------------------

fn report_to(root: &Path, out: &Path) -> std::process::Output {
    splforge()
        .args(["report", "attack", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn output_written_whole() {
    let f = Fixture::bundled();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("layer.json");
    let output = report_to(f.root(), &out);
    assert_eq!(assert_no_crash(&output, "report"), 0);
    let layer: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert!(
        layer["techniques"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(names(dir.path()), ["layer.json"]);
}

#[test]
fn output_directory_missing() {
    let f = Fixture::bundled();
    let dir = tempfile::tempdir().unwrap();
    let output = report_to(f.root(), &dir.path().join("no/such/dir/layer.json"));
    assert_eq!(assert_no_crash(&output, "report"), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write in"));
    assert!(names(dir.path()).is_empty());
}

#[test]
fn output_path_is_a_directory() {
    let f = Fixture::bundled();
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("layer.json")).unwrap();
    fs::write(dir.path().join("layer.json/keep"), "kept").unwrap();
    let output = report_to(f.root(), &dir.path().join("layer.json"));
    assert_eq!(assert_no_crash(&output, "report"), 2);
    assert_eq!(names(dir.path()), ["layer.json"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("layer.json/keep")).unwrap(),
        "kept"
    );
}

#[cfg(unix)]
#[test]
fn output_directory_read_only() {
    // Skipped as root; the full-disk case below covers a failing write for every user.
    let Some(dir) = support::read_only_dir() else {
        return;
    };
    let f = Fixture::bundled();
    let output = report_to(f.root(), &dir.path().join("layer.json"));
    assert_eq!(assert_no_crash(&output, "report"), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write in"));
    assert!(names(dir.path()).is_empty());
}

/// A full disk, simulated with a file-size limit: the write fails with EFBIG as it would
/// with ENOSPC. The earlier output stays whole and no temporary file is left.
#[cfg(unix)]
#[test]
fn output_directory_full() {
    let f = Fixture::bundled();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("layer.json");
    fs::write(&out, "previous output\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("splforge");
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$0\" report attack --root \"$1\" --out \"$2\"")
        .arg(&bin)
        .arg(f.root())
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&output, "report"), 2, "{output:?}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "previous output\n");
    assert_eq!(names(dir.path()), ["layer.json"]);
}
