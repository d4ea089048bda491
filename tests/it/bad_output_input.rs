//! The bad-input catalogue, continued (issue 10): content aimed at what `build` and `docs`
//! write. Every case runs the binary and asserts the documented exit code (0 written,
//! 1 lint errors, 2 usage or I/O failure), no panic, no hang, and either an output that
//! reads back exactly (the `.conf` files by Splunk's rules, every value as the model holds
//! it) or no output at all, with the previous output intact and no temporary file left.
//! docs/reliability.md lists every case, numbered after those of `tests/bad_input.rs`.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

use splforge::render::conf::read_back;
use support::conf::{Stanza, read_conf};
use support::{Fixture, assert_no_crash, names, splforge};

const DETECTION: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";
const DETECTION_STANZA: &str = "SPLF - AWS IAM Failure Group Deletion - Rule";
const STORY: &str = "stories/aws_iam_privilege_escalation.yml";
const STORY_STANZA: &str = "analytic_story://AWS IAM Privilege Escalation";
const MACRO: &str = "macros/cloudtrail.yml";
const LOOKUP: &str = "lookups/splf_dynamic_dns_providers.yml";
const DATA_SOURCE: &str = "data_sources/aws_cloudtrail.yml";
const APP: &str = "SPLFORGE-SampleContent";
const PACKAGE: &str = "SPLFORGE-SampleContent-1.0.0.tar.gz";
/// The file `build` marks its output directory with (issue 18).
const MARKER: &str = ".splforge-build";

/// `splforge build --root ROOT --out OUT [--force]` at a fixed build time.
fn build(root: &Path, out: &Path, force: bool) -> std::process::Output {
    let mut command = splforge();
    command
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out);
    if force {
        command.arg("--force");
    }
    command.output().unwrap()
}

/// `splforge docs --root ROOT --out OUT` in both formats (`OUT/markdown`, `OUT/html`).
fn docs(root: &Path, out: &Path) -> std::process::Output {
    splforge()
        .args(["docs", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Standard error, with standard output (the lint findings) after it.
fn stderr(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    )
}

/// Every `.conf` of a built app, read by Splunk's rules; any unreadable line, repeated
/// stanza or repeated key fails the test.
fn read_app(app: &Path) -> Vec<(String, Vec<Stanza>)> {
    let mut files = Vec::new();
    for name in names(&app.join("default")) {
        if !name.ends_with(".conf") {
            continue;
        }
        let text = fs::read_to_string(app.join("default").join(&name)).unwrap();
        let stanzas = read_conf(&text).unwrap_or_else(|e| panic!("{name}: {e:#?}"));
        files.push((name, stanzas));
    }
    files
}

/// File -> stanza -> keys, the shape of an app's configuration without the values.
fn shape(files: &[(String, Vec<Stanza>)]) -> Vec<(String, String, Vec<String>)> {
    files
        .iter()
        .flat_map(|(file, stanzas)| {
            stanzas.iter().map(move |s| {
                let keys = s.settings.iter().map(|(k, _)| k.clone()).collect();
                (file.clone(), s.name.clone(), keys)
            })
        })
        .collect()
}

fn stanza<'a>(files: &'a [(String, Vec<Stanza>)], file: &str, name: &str) -> &'a Stanza {
    files
        .iter()
        .find(|(f, _)| f == file)
        .and_then(|(_, stanzas)| stanzas.iter().find(|s| s.name == name))
        .unwrap_or_else(|| panic!("no [{name}] in {file}"))
}

/// Builds the untouched bundled content: the shape every hostile variant must keep.
fn pristine_shape() -> Vec<(String, String, Vec<String>)> {
    let f = Fixture::bundled();
    let out = tempfile::tempdir().unwrap();
    let output = build(f.root(), out.path(), false);
    assert_eq!(assert_no_crash(&output, "build"), 0, "{}", stderr(&output));
    shape(&read_app(&out.path().join(APP)))
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    tree(dir)
        .into_iter()
        .map(|p| (p.clone(), fs::read(dir.join(&p)).unwrap()))
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && !path.is_symlink() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Text values aimed at `.conf` syntax: a stanza header and keys on their own lines, a
/// comment, a trailing backslash (a line continuation), CRLF, a lone CR.
const CONF_TEXT: [&str; 5] = [
    "first line\n[evil]\naction.notable = 0\n# comment\n; semicolon",
    "ends in a backslash \\",
    "x]\n[savedsearch://evil]\ndisabled = false\r\nsearch = | delete\\",
    "  padded\\\n\n\\\n  ",
    "a\rb = c\r\n[d]",
];

// ---- 62-64: .conf injection through text -------------------------------------------------

/// Case 62: every text field of a detection, a story, a macro and a lookup aimed at the
/// `.conf` syntax; the app has exactly the stanzas and keys of the untouched content, and
/// each hostile value reads back as the model holds it.
#[test]
fn conf_syntax_in_text_fields_reads_back_exactly() {
    let f = Fixture::bundled();
    f.set_field(DETECTION, "description", CONF_TEXT[0]);
    f.set_field(DETECTION, "how_to_implement", CONF_TEXT[1]);
    f.set_field(DETECTION, "known_false_positives", CONF_TEXT[2]);
    let search = "`cloudtrail` eventName=DeleteGroup\n[search index=x\n| eval k=\"v\"]\n# not a comment\n| eval note=\"]\n[evil]\ndisabled = false \\\\\"\n| stats count by src user_arn group_name errorCode\n| `aws_iam_failure_group_deletion_filter`";
    f.set_field(DETECTION, "search", search);
    f.set_field(STORY, "description", CONF_TEXT[3]);
    f.set_field(STORY, "narrative", CONF_TEXT[2]);
    f.set_field(MACRO, "description", CONF_TEXT[4]);
    f.set_field(MACRO, "definition", "sourcetype=aws:cloudtrail\n[evil]\\");
    // transforms.conf carries it as a comment, whose trailing `\` would continue the
    // comment over the next setting.
    f.set_field(
        LOOKUP,
        "description",
        &format!("{}\n{}", CONF_TEXT[0], CONF_TEXT[1]),
    );
    let out = tempfile::tempdir().unwrap();
    let output = build(f.root(), out.path(), false);
    assert_eq!(assert_no_crash(&output, "build"), 0, "{}", stderr(&output));

    let app = read_app(&out.path().join(APP));
    assert_eq!(shape(&app), pristine_shape(), "stanzas or keys changed");
    let rule = stanza(&app, "savedsearches.conf", DETECTION_STANZA);
    for (key, value) in [
        ("description", CONF_TEXT[0]),
        ("action.escu.eli5", CONF_TEXT[0]),
        ("action.escu.how_to_implement", CONF_TEXT[1]),
        ("action.escu.known_false_positives", CONF_TEXT[2]),
        ("search", search),
    ] {
        assert_eq!(rule.get(key), Some(read_back(value).as_str()), "{key}");
    }
    assert_eq!(rule.get("disabled"), Some("true"));
    let story = stanza(&app, "analyticstories.conf", STORY_STANZA);
    assert_eq!(
        story.get("description"),
        Some(read_back(CONF_TEXT[3]).as_str())
    );
    assert_eq!(
        story.get("narrative"),
        Some(read_back(CONF_TEXT[2]).as_str())
    );
    let explanation = stanza(
        &app,
        "analyticstories.conf",
        &format!("savedsearch://{DETECTION_STANZA}"),
    );
    assert_eq!(
        explanation.get("explanation"),
        Some(read_back(CONF_TEXT[0]).as_str())
    );
    let cloudtrail = stanza(&app, "macros.conf", "cloudtrail");
    assert_eq!(
        cloudtrail.get("description"),
        Some(read_back(CONF_TEXT[4]).as_str())
    );
    assert_eq!(
        cloudtrail.get("definition"),
        Some("sourcetype=aws:cloudtrail \n[evil]\\")
    );
    let lookup = stanza(&app, "transforms.conf", "splf_dynamic_dns_providers");
    assert_eq!(lookup.get("match_type"), Some("WILDCARD(domain)"));
}

/// Case 63: Tera syntax in every kind of text field is data: rendered literally, never
/// evaluated (no template injection), in the app as in the model.
#[test]
fn template_syntax_in_content_is_literal_in_the_app() {
    let tera = "{{ app.id }} {% include \"header.conf\" %} {# gone? #} {{ content.detections | length }} {%- raw %}";
    let f = Fixture::bundled();
    f.set_field(DETECTION, "description", tera);
    f.set_field(DETECTION, "how_to_implement", tera);
    f.set_field(
        DETECTION,
        "search",
        "`cloudtrail` eventName=\"{{ app.id }}{% if true %}\" | stats count by src user_arn group_name errorCode | `aws_iam_failure_group_deletion_filter`",
    );
    f.set_field(STORY, "narrative", tera);
    f.set_field(MACRO, "description", tera);
    f.set_field(LOOKUP, "description", tera);
    let out = tempfile::tempdir().unwrap();
    let output = build(f.root(), out.path(), false);
    assert_eq!(assert_no_crash(&output, "build"), 0, "{}", stderr(&output));
    let app = read_app(&out.path().join(APP));
    assert_eq!(shape(&app), pristine_shape());
    let rule = stanza(&app, "savedsearches.conf", DETECTION_STANZA);
    assert_eq!(rule.get("description"), Some(tera));
    assert_eq!(rule.get("action.escu.how_to_implement"), Some(tera));
    assert!(
        rule.get("search")
            .unwrap()
            .contains("\"{{ app.id }}{% if true %}\"")
    );
    let story = stanza(&app, "analyticstories.conf", STORY_STANZA);
    assert_eq!(story.get("narrative"), Some(tera));
    assert_eq!(
        stanza(&app, "macros.conf", "cloudtrail").get("description"),
        Some(tera)
    );
    let transforms = fs::read_to_string(out.path().join(APP).join("default/transforms.conf"));
    assert!(
        transforms
            .unwrap()
            .contains(&format!("# description = {tera}\n"))
    );
}

/// Case 64: names that cannot be a stanza header (a line break, `]`, a trailing `\`,
/// padding) fail lint (exit 1) and, with `--force`, the build (exit 2, the stanza named),
/// leaving the previous app and package as they were.
#[test]
fn names_that_cannot_be_stanza_headers_are_refused() {
    let cases: [(&str, &str, &str); 5] = [
        (DETECTION, "x]\n[evil]", "stanza name"),
        (STORY, "S]\n[evil]\nsearches = []", "story"),
        (STORY, "Ends in a backslash \\", "story"),
        (MACRO, "cloudtrail\\", "macro"),
        (LOOKUP, " padded ", "lookup"),
    ];
    for (file, name, what) in cases {
        let f = Fixture::bundled();
        let out = tempfile::tempdir().unwrap();
        let first = build(f.root(), out.path(), false);
        assert_eq!(assert_no_crash(&first, "build"), 0, "{}", stderr(&first));
        let package = fs::read(out.path().join(PACKAGE)).unwrap();
        let conf = fs::read(out.path().join(APP).join("default/savedsearches.conf")).unwrap();

        f.set_field(file, "name", name);
        let lint_fails = build(f.root(), out.path(), false);
        assert_eq!(assert_no_crash(&lint_fails, "build"), 1, "{name:?}");
        let forced = build(f.root(), out.path(), true);
        assert_eq!(assert_no_crash(&forced, "build --force"), 2, "{name:?}");
        let message = stderr(&forced);
        assert!(message.contains("stanza name"), "{name:?}: {message}");
        assert!(message.contains(what), "{name:?}: {message}");
        assert_eq!(fs::read(out.path().join(PACKAGE)).unwrap(), package);
        assert_eq!(
            fs::read(out.path().join(APP).join("default/savedsearches.conf")).unwrap(),
            conf
        );
        assert_eq!(names(out.path()), [MARKER, APP, PACKAGE], "{name:?}");
    }
}

// ---- 65-69: the output directory of `build` ---------------------------------------------

/// Case 65: a missing output directory is created, holding the app and the package only.
#[test]
fn build_into_a_missing_directory_creates_it() {
    let f = Fixture::bundled();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no/such/dir");
    let output = build(f.root(), &out, false);
    assert_eq!(assert_no_crash(&output, "build"), 0, "{}", stderr(&output));
    assert_eq!(names(&out), [MARKER, APP, PACKAGE]);
}

/// Case 66: an output path that is a file: exit 2, the file untouched.
#[test]
fn build_output_path_is_a_file() {
    let f = Fixture::bundled();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    fs::write(&out, "not a directory\n").unwrap();
    let output = build(f.root(), &out, false);
    assert_eq!(assert_no_crash(&output, "build"), 2);
    assert!(
        stderr(&output).contains("cannot build into"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "not a directory\n");
    assert_eq!(names(dir.path()), ["dist"]);
}

/// Case 67: a read-only output directory: exit 2, nothing created. Skipped with a printed
/// reason when the user writes through mode bits (root); case 68 fails a write for anyone.
#[cfg(unix)]
#[test]
fn build_output_directory_read_only() {
    let Some(dir) = support::read_only_dir() else {
        return;
    };
    let f = Fixture::bundled();
    let output = build(f.root(), dir.path(), false);
    assert_eq!(assert_no_crash(&output, "build"), 2);
    assert!(names(dir.path()).is_empty());
}

/// Runs `splforge ARGS` with writes limited to one 512-byte block (`ulimit -f 1`): a full
/// disk, as far as the writer can tell (EFBIG instead of ENOSPC).
#[cfg(unix)]
fn on_a_full_disk(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("splforge");
    std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"")
        .arg(&bin)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap()
}

/// Case 68: a full disk during a build: exit 2, the previous app and package whole, no
/// temporary directory left.
#[cfg(unix)]
#[test]
fn build_output_directory_full() {
    let f = Fixture::bundled();
    let out = tempfile::tempdir().unwrap();
    let first = build(f.root(), out.path(), false);
    assert_eq!(assert_no_crash(&first, "build"), 0);
    let before = tree(out.path());
    let package = fs::read(out.path().join(PACKAGE)).unwrap();
    f.replace(DETECTION, "version: 1", "version: 2");
    let output = on_a_full_disk(&[
        "build".as_ref(),
        "--root".as_ref(),
        f.root().as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(assert_no_crash(&output, "build"), 2, "{output:?}");
    assert!(
        stderr(&output).contains("cannot build into"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        tree(out.path()),
        before,
        "previous output changed or leftovers"
    );
    assert_eq!(fs::read(out.path().join(PACKAGE)).unwrap(), package);
}

/// Case 69: a second build replaces the first whole: a file dropped from the content is
/// gone from the app, nothing else is left beside the app and the package.
#[test]
fn a_second_build_replaces_the_first_whole() {
    let f = Fixture::bundled();
    f.write("app_template/extra.txt", "extra\n");
    let out = tempfile::tempdir().unwrap();
    assert_eq!(
        assert_no_crash(&build(f.root(), out.path(), false), "build"),
        0
    );
    assert!(out.path().join(APP).join("extra.txt").is_file());
    f.remove("app_template/extra.txt");
    assert_eq!(
        assert_no_crash(&build(f.root(), out.path(), false), "build"),
        0
    );
    assert!(!out.path().join(APP).join("extra.txt").exists());
    assert_eq!(names(out.path()), [MARKER, APP, PACKAGE]);
}

/// Case 78: a build that fails at its last step (the package path is taken by a directory,
/// so the package cannot be renamed into place) leaves the previous app as it was.
#[test]
fn a_build_failing_at_the_last_rename_keeps_the_previous_app() {
    let f = Fixture::bundled();
    let out = tempfile::tempdir().unwrap();
    assert_eq!(
        assert_no_crash(&build(f.root(), out.path(), false), "build"),
        0
    );
    let app = out.path().join(APP);
    let before: Vec<(PathBuf, Vec<u8>)> = snapshot(&app);
    fs::remove_file(out.path().join(PACKAGE)).unwrap();
    fs::create_dir(out.path().join(PACKAGE)).unwrap();
    fs::write(out.path().join(PACKAGE).join("occupied"), "x").unwrap();
    f.replace(DETECTION, "version: 1", "version: 2");
    let output = build(f.root(), out.path(), false);
    assert_eq!(assert_no_crash(&output, "build"), 2, "{}", stderr(&output));
    let after: Vec<(PathBuf, Vec<u8>)> = snapshot(&app);
    assert!(before == after, "the previous app changed");
    assert_eq!(names(out.path()), [MARKER, APP, PACKAGE]);
}

// ---- 70-71: path traversal through names ------------------------------------------------

/// Case 70: names that look like paths (`../../x`, `/etc/cron.d/x`, `..\\..\\x`) become
/// stanza names and file names under the output directories, never paths out of them.
#[test]
fn path_like_names_stay_inside_the_outputs() {
    let f = Fixture::bundled();
    f.set_field(DETECTION, "name", "../../x");
    f.set_field(STORY, "name", "/etc/cron.d/x");
    f.set_field(MACRO, "name", "..\\..\\m");
    f.set_field(DATA_SOURCE, "name", "../../../ds");
    let dir = tempfile::tempdir().unwrap();
    let (dist, site) = (dir.path().join("dist"), dir.path().join("site"));
    let built = build(f.root(), &dist, true);
    assert_eq!(
        assert_no_crash(&built, "build --force"),
        0,
        "{}",
        stderr(&built)
    );
    let app = read_app(&dist.join(APP));
    stanza(&app, "savedsearches.conf", "SPLF - ../../x - Rule");
    stanza(
        &app,
        "analyticstories.conf",
        "analytic_story:///etc/cron.d/x",
    );
    stanza(&app, "macros.conf", "..\\..\\m");
    let documented = docs(f.root(), &site);
    assert_eq!(
        assert_no_crash(&documented, "docs"),
        0,
        "{}",
        stderr(&documented)
    );
    assert_eq!(
        names(dir.path()),
        ["dist", "site"],
        "written outside the outputs"
    );
    for file in tree(&site).into_iter().chain(tree(&dist)) {
        assert!(
            file.components()
                .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{file:?}"
        );
    }
    let pages = tree(&site);
    for needle in ["x", "ds", "m"] {
        assert!(
            pages
                .iter()
                .any(|p| p.file_stem().unwrap().to_string_lossy().ends_with(needle)),
            "no page for the {needle} object: {pages:?}"
        );
    }
}

/// Case 71: an app id that is a path (`../evil`, `a/b`) is refused before anything is
/// written.
#[test]
fn path_like_app_ids_are_refused() {
    for id in ["../evil", "a/b", ".."] {
        let f = Fixture::bundled();
        f.replace(
            "splforge.toml",
            "appid = \"SPLFORGE-SampleContent\"",
            &format!("appid = \"{id}\""),
        );
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("dist");
        let output = build(f.root(), &out, false);
        assert_eq!(assert_no_crash(&output, "build"), 2, "{id}");
        assert!(
            stderr(&output).contains("cannot be a directory name"),
            "{}",
            stderr(&output)
        );
        assert!(names(dir.path()).is_empty(), "{id}");
    }
}

// ---- 72-76: docs --------------------------------------------------------------------------

const MARKUP: [&str; 4] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[click](javascript:alert(3))",
    "\" onmouseover=\"alert(4)",
];

/// Case 72: HTML, script and `javascript:` links in names, descriptions and references are
/// text in every page of both sites: nothing a browser would run, and the text still there.
#[test]
fn markup_in_content_is_inert_in_every_docs_page() {
    let f = Fixture::bundled();
    let payload = MARKUP.join(" ");
    f.set_field(DETECTION, "name", &format!("Det {}", MARKUP[0]));
    f.set_field(DETECTION, "description", &payload);
    f.set_field(DETECTION, "how_to_implement", &payload);
    f.set_field(DETECTION, "known_false_positives", &payload);
    f.replace(
        DETECTION,
        "references:\n",
        "references:\n  - javascript:alert(5)\n  - \"data:text/html,<script>alert(6)</script>\"\n  - \" JaVaScRiPt:alert(7)\"\n",
    );
    f.set_field(STORY, "description", &payload);
    f.set_field(STORY, "narrative", &payload);
    f.replace(
        STORY,
        "references:\n",
        "references:\n  - javascript:alert(8)\n",
    );
    f.set_field(MACRO, "description", &payload);
    f.set_field(DATA_SOURCE, "description", &payload);
    let site = tempfile::tempdir().unwrap();
    let output = docs(f.root(), site.path());
    assert_eq!(assert_no_crash(&output, "docs"), 0, "{}", stderr(&output));

    let mut escaped_seen = 0;
    // The pages; the search index is data that search.js inserts with textContent.
    let pages = tree(site.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html" || e == "md"));
    for relative in pages {
        let text = fs::read_to_string(site.path().join(&relative)).unwrap();
        let lower = text.to_lowercase();
        if relative.extension().is_some_and(|e| e == "html") {
            // Quotes and parentheses are harmless in text; what matters is every tag.
            for tag in lower.split('<').skip(1).filter_map(|t| t.split('>').next()) {
                let bad = [
                    "onerror",
                    "onmouseover",
                    "javascript:",
                    "data:text",
                    "vbscript:",
                ]
                .iter()
                .any(|b| tag.contains(b));
                assert!(
                    !bad && tag != "script" && !tag.starts_with("img"),
                    "<{tag}> in {relative:?}"
                );
            }
        } else {
            for bad in [
                "<script",
                "<img",
                "](javascript:",
                "](data:",
                "]( javascript:",
            ] {
                assert!(!lower.contains(bad), "{bad} in {relative:?}");
            }
        }
        if text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") {
            escaped_seen += 1;
        }
    }
    assert!(escaped_seen >= 4, "the payload text is gone from the pages");
}

/// Case 73: Tera syntax in text fields is printed literally in both sites.
#[test]
fn template_syntax_in_content_is_literal_in_docs() {
    let tera = "{{ site.root }} {% if true %}x{% endif %} {# c #} {{ d.search }}";
    let f = Fixture::bundled();
    f.set_field(DETECTION, "description", tera);
    f.set_field(STORY, "narrative", tera);
    f.set_field(MACRO, "description", tera);
    f.set_field(DATA_SOURCE, "description", tera);
    let site = tempfile::tempdir().unwrap();
    let output = docs(f.root(), site.path());
    assert_eq!(assert_no_crash(&output, "docs"), 0, "{}", stderr(&output));
    let pages_with_text = tree(site.path())
        .into_iter()
        .filter(|p| {
            fs::read_to_string(site.path().join(p))
                .unwrap()
                .contains(tera)
        })
        .count();
    // Detection, story, macro and data source pages, in Markdown and in HTML.
    assert!(
        pages_with_text >= 8,
        "{pages_with_text} pages hold the text"
    );
}

/// Case 74: a docs output path that is a file, or a directory not written by `docs`:
/// exit 2, untouched.
#[test]
fn docs_refuse_to_replace_what_they_did_not_write() {
    let f = Fixture::bundled();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("site");
    fs::write(&file, "mine\n").unwrap();
    let output = docs(f.root(), &file);
    assert_eq!(assert_no_crash(&output, "docs"), 2);
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine\n");
    let precious = dir.path().join("precious");
    fs::create_dir_all(precious.join("markdown")).unwrap();
    fs::write(precious.join("markdown/notes.txt"), "keep\n").unwrap();
    let output = docs(f.root(), &precious);
    assert_eq!(assert_no_crash(&output, "docs"), 2);
    assert!(
        stderr(&output).contains("was not written by `splforge docs`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(tree(&precious), [PathBuf::from("markdown/notes.txt")]);
    assert_eq!(names(dir.path()), ["precious", "site"]);
}

/// Case 75: a full disk while writing docs: exit 2, the previous site whole (both formats),
/// no temporary directory left.
#[cfg(unix)]
#[test]
fn docs_output_directory_full() {
    let f = Fixture::bundled();
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let first = docs(f.root(), &site);
    assert_eq!(assert_no_crash(&first, "docs"), 0, "{}", stderr(&first));
    let before: Vec<(PathBuf, Vec<u8>)> = snapshot(&site);
    f.set_field(MACRO, "description", &"long ".repeat(400));
    let output = on_a_full_disk(&[
        "docs".as_ref(),
        "--root".as_ref(),
        f.root().as_os_str(),
        "--out".as_ref(),
        site.as_os_str(),
    ]);
    assert_eq!(assert_no_crash(&output, "docs"), 2, "{output:?}");
    let after: Vec<(PathBuf, Vec<u8>)> = snapshot(&site);
    assert!(before == after, "the previous site changed");
    assert_eq!(names(dir.path()), ["site"]);
    assert_eq!(names(&site), ["html", "markdown"]);
}

/// Case 76: a read-only docs output directory: exit 2, nothing created. Skipped with a
/// printed reason when the user writes through mode bits (root); case 75 covers everyone.
#[cfg(unix)]
#[test]
fn docs_output_directory_read_only() {
    let Some(dir) = support::read_only_dir() else {
        return;
    };
    let f = Fixture::bundled();
    let output = docs(f.root(), &dir.path().join("site"));
    assert_eq!(assert_no_crash(&output, "docs"), 2);
    assert!(names(dir.path()).is_empty());
}

/// Case 77: line breaks in values that the Jekyll front matter holds (names, dates) cannot
/// add a key (`permalink: /index.html` would take over the site's front page) or end the
/// block early.
#[test]
fn line_breaks_cannot_add_front_matter_keys() {
    let f = Fixture::bundled();
    f.set_field(DETECTION, "name", "N\n---\npermalink: /index.html");
    f.set_field(
        DETECTION,
        "date",
        "2024-01-01\npermalink: /index.html\nlayout: evil",
    );
    f.set_field(STORY, "date", "2024-01-01\nlayout: evil");
    f.set_field(MACRO, "name", "m\nlayout: evil");
    let site = tempfile::tempdir().unwrap();
    let output = docs(f.root(), site.path());
    assert_eq!(assert_no_crash(&output, "docs"), 0, "{}", stderr(&output));
    let mut checked = 0;
    for relative in tree(site.path()) {
        if relative.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = fs::read_to_string(site.path().join(&relative)).unwrap();
        let Some(rest) = text.strip_prefix("---\n") else {
            continue;
        };
        let front = &rest[..rest.find("\n---\n").expect("front matter ends")];
        for line in front.lines() {
            assert!(
                !line.starts_with("permalink") && !line.starts_with("layout"),
                "{relative:?}: {line:?} in\n{front}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 4, "{checked} pages with front matter");
}

/// Case 79: both formats change together: when the HTML site cannot be replaced (its
/// directory lost the `.splforge-docs` marker), the Markdown site is not replaced either.
#[test]
fn docs_in_both_formats_change_together() {
    let f = Fixture::bundled();
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let first = docs(f.root(), &site);
    assert_eq!(assert_no_crash(&first, "docs"), 0, "{}", stderr(&first));
    fs::remove_file(site.join("html").join(splforge::docs::MARKER)).unwrap();
    let markdown = snapshot(&site.join("markdown"));
    let html = snapshot(&site.join("html"));
    f.set_field(MACRO, "description", "changed");
    let output = docs(f.root(), &site);
    assert_eq!(assert_no_crash(&output, "docs"), 2);
    assert!(
        stderr(&output).contains("was not written by `splforge docs`"),
        "{}",
        stderr(&output)
    );
    assert!(
        snapshot(&site.join("markdown")) == markdown,
        "markdown replaced alone"
    );
    assert!(snapshot(&site.join("html")) == html);
    assert_eq!(names(dir.path()), ["site"]);
}

/// Issue 22, point 5: `build --force` printed only "building despite N lint error(s)", not
/// the errors, and the refusal without `--force` did not say that `--force` exists.
#[test]
fn build_shows_its_lint_errors_with_and_without_force() {
    let f = Fixture::bundled();
    f.replace(
        DETECTION,
        "    - AWS IAM Privilege Escalation",
        "    - AWS IAM Privilege Escalations",
    );
    let out = tempfile::tempdir().unwrap();
    let refused = build(f.root(), &out.path().join("dist"), false);
    assert_eq!(assert_no_crash(&refused, "build"), 1);
    let said = stderr(&refused);
    assert!(said.contains("error[SF201]"), "{said}");
    assert!(said.contains("--force"), "{said}");
    assert!(!out.path().join("dist").join(APP).exists());
    let forced = build(f.root(), &out.path().join("dist"), true);
    assert_eq!(assert_no_crash(&forced, "build --force"), 0);
    let said = stderr(&forced);
    assert!(said.contains("error[SF201]"), "{said}");
    assert!(said.contains(DETECTION), "{said}");
    assert!(
        said.contains("building despite 1 lint error (--force)"),
        "{said}"
    );
    assert!(out.path().join("dist").join(APP).is_dir());
}
