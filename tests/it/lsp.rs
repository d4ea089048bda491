//! `splforge server` driven over stdio with JSON-RPC, as an editor drives it: initialize,
//! didOpen, didChange, hover, definition, references, completion, codeAction, shutdown;
//! on a copy of the bundled content and on the corpus. The last test runs a real editor,
//! Neovim headless, through its built-in LSP client.

mod client;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value, json};

use crate::support::{self, Fixture};
use client::Client;

/// `splforge server` on `root`, initialized, with every feature this file tests announced.
fn start(root: &Path) -> Client {
    let (client, result) = Client::start(&assert_cmd::cargo::cargo_bin("splforge"), root);
    let capabilities = &result["capabilities"];
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "completionProvider",
        "codeActionProvider",
    ] {
        assert!(
            !capabilities[provider].is_null(),
            "no {provider}: {capabilities}"
        );
    }
    client
}

/// The LSP position (0-based line, UTF-16 column) of the `nth` occurrence of `needle`,
/// `shift` characters into it.
fn position(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} not found"))
        .0;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let column: usize = before.rsplit('\n').next().unwrap().encode_utf16().count();
    json!({"line": line, "character": column + shift})
}

fn range_of(text: &str, needle: &str) -> Value {
    let start = position(text, needle, 0, 0);
    let end = json!({"line": start["line"], "character": start["character"].as_u64().unwrap() + needle.encode_utf16().count() as u64});
    json!({"start": start, "end": end})
}

const DETECTION: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";
const STORY: &str = "stories/aws_iam_privilege_escalation.yml";
const STORY_NAME: &str = "AWS IAM Privilege Escalation";

/// The `name:` of every YAML file in a directory of the fixture.
fn names_in(fixture: &Fixture, dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(fixture.root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let line = text.lines().find(|l| l.starts_with("name: ")).unwrap();
            line["name: ".len()..].trim().to_owned()
        })
        .collect()
}

/// The detections of the fixture that list the story `STORY_NAME`, relative paths.
fn detections_naming_the_story(fixture: &Fixture) -> Vec<String> {
    [
        "detections/cloud",
        "detections/endpoint",
        "detections/network",
    ]
    .iter()
    .flat_map(|dir| std::fs::read_dir(fixture.root().join(dir)).unwrap())
    .map(|e| e.unwrap().path())
    .filter(|p| {
        std::fs::read_to_string(p)
            .unwrap()
            .contains(&format!("- {STORY_NAME}\n"))
    })
    .map(|p| {
        let relative = p.strip_prefix(fixture.root()).unwrap();
        relative.to_str().unwrap().to_owned()
    })
    .collect()
}

#[test]
fn diagnostics_follow_keystrokes_with_exact_ranges_and_rule_links() {
    let fixture = Fixture::bundled();
    let text = fixture.read(DETECTION);
    let mut client = start(fixture.root());
    client.open(DETECTION, &text);
    assert_eq!(client.diagnostics(DETECTION), Vec::<Value>::new());
    // Type an `s` after the story name: an unknown story, at exactly the name.
    let end_of_name = position(&text, STORY_NAME, 0, STORY_NAME.len());
    client.edit(
        DETECTION,
        2,
        json!({"start": end_of_name, "end": end_of_name}),
        "s",
    );
    let diagnostics = client.diagnostics(DETECTION);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let unknown = &diagnostics[0];
    assert_eq!(unknown["code"], "SF201");
    assert_eq!(unknown["severity"], 1);
    let start = position(&text, STORY_NAME, 0, 0);
    assert_eq!(unknown["range"]["start"], start);
    assert_eq!(
        unknown["range"]["end"]["character"].as_u64().unwrap(),
        start["character"].as_u64().unwrap() + STORY_NAME.len() as u64 + 1
    );
    assert_eq!(
        unknown["codeDescription"]["href"],
        "https://splforge.dev/rules/SF201"
    );
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains(&format!("did you mean \"{STORY_NAME}\"")),
        "{unknown}"
    );
    // The keystroke undone: the finding goes.
    let after = json!({"line": end_of_name["line"], "character": end_of_name["character"].as_u64().unwrap() + 1});
    client.edit(
        DETECTION,
        3,
        json!({"start": end_of_name, "end": after}),
        "",
    );
    assert_eq!(client.diagnostics(DETECTION), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn a_renamed_story_republishes_every_detection_that_names_it_and_buffers_win_over_the_disk() {
    let fixture = Fixture::bundled();
    let users = detections_naming_the_story(&fixture);
    assert!(users.len() >= 2, "{users:?}");
    let story = fixture.read(STORY);
    let mut client = start(fixture.root());
    client.open(STORY, &story);
    assert_eq!(client.diagnostics(STORY), Vec::<Value>::new());
    // Rename the story in the (unsaved) buffer: every detection naming it now refers to
    // nothing, open or not.
    client.edit(STORY, 2, range_of(&story, STORY_NAME), "AWS IAM Escalation");
    for user in &users {
        let diagnostics = client.diagnostics(user);
        assert!(
            diagnostics.iter().any(|d| d["code"] == "SF201"),
            "{user}: {diagnostics:?}"
        );
    }
    // The disk still has the old name; the buffer wins until it is closed.
    let uri = client.uri(STORY);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    for user in &users {
        assert_eq!(client.diagnostics(user), Vec::<Value>::new(), "{user}");
    }
    client.shutdown();
}

#[test]
fn hover_definition_references_and_completion_on_the_bundled_content() {
    let fixture = Fixture::bundled();
    let text = fixture.read(DETECTION);
    let mut client = start(fixture.root());
    client.open(DETECTION, &text);
    client.diagnostics(DETECTION);

    // A macro in the search: its definition, and where it is defined.
    let on_macro = position(&text, "`cloudtrail`", 0, 3);
    let hover = client.at("textDocument/hover", DETECTION, on_macro.clone());
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("sourcetype=aws:cloudtrail") && shown.contains("macros/cloudtrail.yml"),
        "{shown}"
    );
    let definition = client.at("textDocument/definition", DETECTION, on_macro);
    assert_eq!(definition["uri"], client.uri("macros/cloudtrail.yml"));
    assert_eq!(definition["range"]["start"]["line"], 0);

    // An ATT&CK id: its name from the catalogue, and its tactics.
    let catalogue = splforge::attack::catalogue(splforge::attack::DEFAULT_VERSION).unwrap();
    let technique = catalogue.get("T1098").unwrap();
    let hover = client.at(
        "textDocument/hover",
        DETECTION,
        position(&text, "T1098", 0, 1),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains(technique.name), "{shown}");
    for tactic in &technique.tactics {
        assert!(shown.contains(tactic), "{shown}");
    }

    // A story: its description and file; its definition; the detections that use it.
    let on_story = position(&text, STORY_NAME, 0, 2);
    let hover = client.at("textDocument/hover", DETECTION, on_story.clone());
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains(STORY), "{shown}");
    let definition = client.at("textDocument/definition", DETECTION, on_story.clone());
    assert_eq!(definition["uri"], client.uri(STORY));
    let references = client.at("textDocument/references", DETECTION, on_story);
    let referring: BTreeSet<&str> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<String> = detections_naming_the_story(&fixture)
        .iter()
        .map(|p| client.uri(p))
        .collect();
    assert_eq!(
        referring,
        expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );

    // The detection's type: the deployment it takes.
    let definition = client.at(
        "textDocument/definition",
        DETECTION,
        position(&text, "type: Anomaly", 0, 7),
    );
    assert_eq!(
        definition["uri"],
        client.uri("deployments/escu_default_configuration_anomaly.yml")
    );

    // A `$field$` of the message: the stage that makes it.
    let hover = client.at(
        "textDocument/hover",
        DETECTION,
        position(&text, "$group_name$", 0, 2),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("stats"), "{shown}");

    // Completion of a story name, in the analytic_story list.
    let completion = client.at(
        "textDocument/completion",
        DETECTION,
        position(&text, STORY_NAME, 0, 3),
    );
    let labels: BTreeSet<String> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(labels, names_in(&fixture, "stories"));
    // ... of the values the schema allows for the key (this detection's `type:`).
    let completion = client.at(
        "textDocument/completion",
        DETECTION,
        position(&text, "type: Anomaly", 0, 8),
    );
    let offered: BTreeSet<String> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(support::crate_root().join("schemas/4/detection.schema.json"))
            .unwrap(),
    )
    .unwrap();
    let allowed: BTreeSet<String> = schema["properties"]["type"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(offered, allowed);
    // ... and of the fields the search outputs, inside `$...$`.
    let completion = client.at(
        "textDocument/completion",
        DETECTION,
        position(&text, "$group_name$", 0, 1),
    );
    let labels: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for field in ["group_name", "src", "user_arn", "firstTime"] {
        assert!(labels.contains(&field), "{labels:?}");
    }
    client.shutdown();
}

/// Applies the text edits of a code action's workspace edit to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let mut edits: Vec<&Value> = edits.iter().collect();
    // From the end: earlier offsets stay valid.
    edits.sort_by_key(|e| {
        let start = &e["range"]["start"];
        std::cmp::Reverse((start["line"].as_u64(), start["character"].as_u64()))
    });
    let mut text = text.to_owned();
    for edit in edits {
        let offset = |p: &Value| {
            let line = p["line"].as_u64().unwrap() as usize;
            let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
            let units = p["character"].as_u64().unwrap() as usize;
            let line_text = &text[start..];
            let mut seen = 0;
            let mut at = line_text.len();
            for (i, c) in line_text.char_indices() {
                if seen >= units || c == '\n' {
                    at = i;
                    break;
                }
                seen += c.len_utf16();
            }
            start + at
        };
        let (from, to) = (
            offset(&edit["range"]["start"]),
            offset(&edit["range"]["end"]),
        );
        text.replace_range(from..to, edit["newText"].as_str().unwrap());
    }
    text
}

#[test]
fn code_actions_fix_suppress_append_the_filter_and_migrate() {
    let fixture = Fixture::bundled();
    let original = fixture.read(DETECTION);
    let broken = original
        .replacen(STORY_NAME, "AWS IAM Privilege Escalatoin", 1)
        .replacen(" | `aws_iam_failure_group_deletion_filter`", "", 1);
    let mut client = start(fixture.root());
    client.open(DETECTION, &broken);
    let codes: BTreeSet<String> = client
        .diagnostics(DETECTION)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        codes.contains("SF201") && codes.contains("SF206"),
        "{codes:?}"
    );
    let uri = client.uri(DETECTION);
    let whole =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 10_000, "character": 0}});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    let titled = |prefix: &str| {
        actions
            .iter()
            .find(|a| a["title"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no action {prefix:?} in {actions:?}"))
    };
    let edits = |action: &Value| {
        action["edit"]["changes"][uri.as_str()]
            .as_array()
            .unwrap()
            .clone()
    };

    // The "did you mean" fix and the filter macro together give back the original file.
    let fixed = apply(
        &apply(&broken, &edits(titled("Replace with"))),
        &edits(titled("Append `aws_iam_failure_group_deletion_filter`")),
    );
    assert_eq!(fixed, original);
    // A suppression silences its finding, and only it.
    let suppressed = apply(&broken, &edits(titled("Suppress SF201")));
    assert!(suppressed.contains("# splforge: ignore SF201"));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": suppressed}]}),
    );
    let codes: Vec<Value> = client
        .diagnostics(DETECTION)
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert_eq!(codes, vec![json!("SF206")]);
    // The migration, asked for on the new text, is what `splforge migrate` writes.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": []}}),
    );
    let migrate = (actions.as_array().unwrap().iter())
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Migrate this detection")
        })
        .unwrap_or_else(|| panic!("no migration in {actions}"));
    let migrated = apply(&suppressed, &edits(migrate));
    fixture.write(DETECTION, &suppressed);
    support::splforge()
        .args(["migrate", "--root"])
        .arg(fixture.root())
        .arg(DETECTION)
        .output()
        .unwrap();
    assert_eq!(migrated, fixture.read(DETECTION));
    assert!(migrated.contains("\nrba:\n"), "{migrated}");
    client.shutdown();
}

#[test]
fn positions_outside_the_root_and_unknown_files_get_empty_answers() {
    let fixture = Fixture::bundled();
    let mut client = start(fixture.root());
    let outside = json!({"textDocument": {"uri": "file:///etc/passwd"}, "position": {"line": 0, "character": 0}});
    assert!(
        client
            .request("textDocument/hover", outside.clone())
            .is_null()
    );
    assert!(client.request("textDocument/definition", outside).is_null());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "file:///etc/x.yml", "languageId": "yaml", "version": 1, "text": "name: x"}}),
    );
    // A broken buffer is a finding, never a crash.
    client.open(DETECTION, "name: [unclosed\n\t- :");
    let diagnostics = client.diagnostics(DETECTION);
    assert_eq!(diagnostics[0]["code"], "SF001", "{diagnostics:?}");
    client.shutdown();
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn on_the_corpus_the_server_publishes_what_lint_finds() {
    let Some(corpus) = support::corpus_or_skip() else {
        return;
    };
    let (_, findings) = support::lint_root(&corpus, &[]);
    let mut client = start(&corpus);
    // The first publication is the whole repository's, sent in one burst before the next
    // message is read: a request after it comes back after all of them.
    client.diagnostics(findings[0]["file"].as_str().unwrap());
    let detection = "detections/endpoint/7zip_commandline_to_smb_share_path.yml";
    let text = std::fs::read_to_string(corpus.join(detection)).unwrap();
    client.open(detection, &text);
    client.diagnostics(detection);
    let mut published = client.published_files();
    published.insert(client.uri(findings[0]["file"].as_str().unwrap()));
    let linted: BTreeSet<String> = findings
        .iter()
        .map(|f| client.uri(f["file"].as_str().unwrap()))
        .collect();
    assert_eq!(published, linted);

    // Every finding of one file, line by line, as lint reports it.
    let file = findings[0]["file"].as_str().unwrap().to_owned();
    let source = std::fs::read_to_string(corpus.join(&file)).unwrap();
    client.open(&file, &source);
    let diagnostics = client.diagnostics(&file);
    let lsp: Vec<(String, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
            )
        })
        .collect();
    let lint: Vec<(String, u64)> = findings
        .iter()
        .filter(|f| f["file"] == file.as_str())
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lsp, lint);

    // Hover, definition, references and completion on a real detection.
    let on_macro = position(&text, "`security_content_summariesonly`", 0, 2);
    let hover = client.at("textDocument/hover", detection, on_macro.clone());
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Expands to"),
        "{hover}"
    );
    let definition = client.at("textDocument/definition", detection, on_macro.clone());
    assert_eq!(
        definition["uri"],
        client.uri("macros/security_content_summariesonly.yml")
    );
    let references = client.at("textDocument/references", detection, on_macro);
    let callers = references.as_array().unwrap().len();
    let written = support::files_under(&corpus.join("detections"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .matches("`security_content_summariesonly`")
                .count()
        })
        .sum::<usize>();
    assert!(
        callers >= written && written > 100,
        "{callers} calls, {written} written"
    );
    let story_line = text
        .lines()
        .position(|l| l.contains("analytic_story:"))
        .unwrap();
    let completion = client.at(
        "textDocument/completion",
        detection,
        json!({"line": story_line + 1, "character": 6}),
    );
    let labels: BTreeSet<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    // The stories' names as the library reads them (some are quoted, or folded over lines).
    let repository =
        splforge::load::load_repository(&corpus, splforge::load::LoadLimits::default());
    let content = splforge::model::Content::build(&repository);
    let stories: BTreeSet<String> = (content.stories.iter())
        .map(|s| s.header.name().to_owned())
        .collect();
    assert!(stories.len() > 100);
    assert_eq!(labels, stories.iter().map(String::as_str).collect());
    client.shutdown();
}

/// A real editor: Neovim headless (Debian's `neovim`, which .ci/run installs), its built-in
/// LSP client driven by scripts/nvim-lsp-session.lua on a corpus detection.
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn neovim_receives_diagnostics_hovers_jumps_and_completes_on_a_corpus_detection() {
    let Some(corpus) = support::corpus_or_skip() else {
        return;
    };
    let has_nvim = std::process::Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_nvim {
        eprintln!("skipped: no nvim on PATH (Debian package neovim; .ci/run installs it)");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let results = out.path().join("session.txt");
    let script = support::crate_root().join("scripts/nvim-lsp-session.lua");
    let output = assert_cmd::Command::new("nvim")
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("SPLFORGE_BIN", assert_cmd::cargo::cargo_bin("splforge"))
        .env("CONTENT_ROOT", corpus.canonicalize().unwrap())
        .env(
            "DETECTION",
            "detections/endpoint/7zip_commandline_to_smb_share_path.yml",
        )
        .env("OUT", &results)
        .timeout(std::time::Duration::from_secs(600))
        .output()
        .unwrap();
    let session = std::fs::read_to_string(&results).unwrap_or_else(|_| {
        panic!(
            "no session results; nvim said: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let steps: Vec<&str> = session.lines().collect();
    assert_eq!(
        steps,
        [
            "ok initialize",
            "ok diagnostics",
            "ok diagnostics cleared",
            "ok hover macro",
            "ok definition",
            "ok completion"
        ],
        "{session}"
    );
}
