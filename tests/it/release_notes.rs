//! `release-notes` on a git repository made here: five tagged commits that add, change,
//! deprecate and remove content, and the notes between them compared with Markdown written
//! and checked by hand (`tests/fixtures/release_notes/*.md`, commit ids filled in here).

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Process::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Commits everything in the work tree and tags the commit.
fn commit_and_tag(root: &Path, message: &str, tag: &str) {
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", message]);
    git(root, &["tag", tag]);
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn detection(name: &str, id: &str, version: u32, search: &str, stories: &[&str]) -> String {
    let stories: String = stories.iter().map(|s| format!("  - {s}\n")).collect();
    format!(
        "name: {name}\nid: {id}\nversion: {version}\ndate: '2026-01-01'\nauthor: T\n\
         type: TTP\nstatus: production\ndescription: A detection.\nsearch: '{search}'\n\
         how_to_implement: x\nknown_false_positives: x\nreferences: []\n\
         tags:\n  analytic_story:\n{stories}  asset_type: Endpoint\n"
    )
}

fn story(name: &str, id: &str, version: u32, status: &str) -> String {
    format!(
        "name: {name}\nid: {id}\nversion: {version}\ndate: '2026-01-01'\nauthor: T\n\
         status: {status}\ndescription: A story.\nnarrative: N.\nreferences: []\n"
    )
}

fn macro_def(name: &str, definition: &str) -> String {
    format!("name: {name}\ndefinition: {definition}\ndescription: A macro.\n")
}

fn data_source(name: &str, id: &str, version: u32) -> String {
    format!(
        "name: {name}\nid: {id}\nversion: {version}\ndate: '2026-01-01'\nauthor: T\n\
         description: A source.\nsource: s\nsourcetype: st\n"
    )
}

const A: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const B: &str = "aaaaaaaa-0000-4000-8000-000000000002";
const C: &str = "aaaaaaaa-0000-4000-8000-000000000003";
const D: &str = "aaaaaaaa-0000-4000-8000-000000000004";

/// v1 base; v2 adds; v3 changes; v4 deprecates; v5 removes (and commits a link out).
fn make_repository(root: &Path) {
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        "detections/endpoint/a.yml",
        &detection("Alpha Detection", A, 1, "`m1` | stats count", &["Story S"]),
    );
    write(
        root,
        "detections/endpoint/b.yml",
        &detection("Beta Detection", B, 1, "`m2` | table x", &["Story S"]),
    );
    write(
        root,
        "detections/cloud/c.yml",
        &detection("Gamma Detection", C, 1, "index=x", &["Story T"]),
    );
    write(
        root,
        "stories/s.yml",
        &story(
            "Story S",
            "bbbbbbbb-0000-4000-8000-000000000001",
            1,
            "production",
        ),
    );
    write(
        root,
        "stories/t.yml",
        &story(
            "Story T",
            "bbbbbbbb-0000-4000-8000-000000000002",
            1,
            "production",
        ),
    );
    write(root, "macros/m1.yml", &macro_def("m1", "index=one"));
    write(root, "macros/m2.yml", &macro_def("m2", "index=two"));
    write(
        root,
        "lookups/l1.yml",
        "name: l1\ndescription: A lookup.\nfilename: l1.csv\n",
    );
    write(root, "lookups/l1.csv", "a,b\n1,2\n");
    write(
        root,
        "data_sources/ds1.yml",
        &data_source("Source One", "cccccccc-0000-4000-8000-000000000001", 1),
    );
    commit_and_tag(root, "base", "v1");

    write(
        root,
        "detections/endpoint/d.yml",
        &detection("Delta Detection", D, 1, "`m3`", &["Story S", "Story T"]),
    );
    write(root, "macros/m3.yml", &macro_def("m3", "index=three"));
    write(
        root,
        "data_sources/ds2.yml",
        &data_source("Source Two", "cccccccc-0000-4000-8000-000000000002", 1),
    );
    commit_and_tag(root, "add", "v2");

    // A: version bumped; B: search changed, same version; C: description only (not an
    // update); m1: definition; l1: its CSV data; Story S: version bumped.
    write(
        root,
        "detections/endpoint/a.yml",
        &detection("Alpha Detection", A, 2, "`m1` | stats count", &["Story S"]),
    );
    write(
        root,
        "detections/endpoint/b.yml",
        &detection("Beta Detection", B, 1, "`m2` | table x y", &["Story S"]),
    );
    let c = detection("Gamma Detection", C, 1, "index=x", &["Story T"])
        .replace("A detection.", "Reworded.");
    write(root, "detections/cloud/c.yml", &c);
    write(
        root,
        "macros/m1.yml",
        &macro_def("m1", "index=one OR index=uno"),
    );
    write(root, "lookups/l1.csv", "a,b\n1,2\n3,4\n");
    write(
        root,
        "stories/s.yml",
        &story(
            "Story S",
            "bbbbbbbb-0000-4000-8000-000000000001",
            2,
            "production",
        ),
    );
    commit_and_tag(root, "change", "v3");

    // C moves to detections/deprecated/; Story T gets status deprecated.
    fs::create_dir_all(root.join("detections/deprecated")).unwrap();
    git(
        root,
        &[
            "mv",
            "detections/cloud/c.yml",
            "detections/deprecated/c.yml",
        ],
    );
    write(
        root,
        "stories/t.yml",
        &story(
            "Story T",
            "bbbbbbbb-0000-4000-8000-000000000002",
            2,
            "deprecated",
        ),
    );
    commit_and_tag(root, "deprecate", "v4");

    git(
        root,
        &[
            "rm",
            "-q",
            "detections/endpoint/b.yml",
            "macros/m2.yml",
            "data_sources/ds1.yml",
        ],
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", root.join("detections/endpoint/link.yml")).unwrap();
    commit_and_tag(root, "remove", "v5");
}

fn expected(root: &Path, file: &str, from: &str, to: &str) -> String {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/release_notes")
            .join(file),
    )
    .unwrap();
    let short = |tag: &str| git(root, &["rev-parse", tag])[..12].to_owned();
    text.replace("{from}", &short(from))
        .replace("{to}", &short(to))
}

fn notes(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("splforge")
        .unwrap()
        .arg("--root")
        .arg(root)
        .arg("release-notes")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn notes_between_each_pair_of_revisions_match_the_hand_checked_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    make_repository(root);
    for (from, to, file) in [
        ("v1", "v5", "v1-v5.md"),
        ("v2", "v3", "v2-v3.md"),
        ("v3", "v4", "v3-v4.md"),
        ("v4", "v4", "v4-v4.md"),
    ] {
        let output = notes(root, &["--from", from, "--to", to]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let actual = String::from_utf8(output.stdout).unwrap();
        let expected = expected(root, file, from, to);
        assert_eq!(actual, expected, "{from}..{to}\n{actual}");
    }
    // `--to` defaults to HEAD, which is v5.
    let head = notes(root, &["--from", "v1"]);
    let expected = expected(root, "v1-v5.md", "v1", "v5")
        .replace("`v5`", "`HEAD`")
        .replace("from v5:", "from HEAD:");
    assert_eq!(String::from_utf8(head.stdout).unwrap(), expected);
}

#[test]
fn json_lists_each_change_with_its_details() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    make_repository(root);
    let output = notes(root, &["--from", "v2", "--to", "v3", "--format", "json"]);
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let entries: Vec<(String, String, String, String)> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let details: Vec<&str> = e["details"]
                .as_array()
                .map(|d| d.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["change"].as_str().unwrap().to_owned(),
                e["name"].as_str().unwrap().to_owned(),
                details.join("; "),
            )
        })
        .collect();
    let want = [
        ("detection", "updated", "Alpha Detection", "version 1 → 2"),
        ("detection", "updated", "Beta Detection", "search changed"),
        ("story", "updated", "Story S", "version 1 → 2"),
        ("macro", "updated", "m1", "definition changed"),
        ("lookup", "updated", "l1", "data file changed"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(entries, want);
    assert_eq!(
        json["from"]["commit"].as_str().unwrap(),
        git(root, &["rev-parse", "v2"])
    );
}

#[test]
fn a_revision_missing_from_a_shallow_clone_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    fs::create_dir(&full).unwrap();
    make_repository(&full);
    let shallow = dir.path().join("shallow");
    let url = format!("file://{}", full.display());
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow.to_str().unwrap(),
        ],
    );
    let v1 = git(&full, &["rev-parse", "v1"]);
    let output = notes(&shallow, &["--from", &v1]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("shallow clone"), "{stderr}");
    assert!(stderr.contains("git fetch --unshallow"), "{stderr}");
    // A name no repository has, in a full clone: not found, and no word of shallowness.
    let output = notes(&full, &["--from", "no-such-tag"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`no-such-tag` not found"), "{stderr}");
    assert!(!stderr.contains("shallow"), "{stderr}");
}

#[test]
fn outside_a_git_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("detections")).unwrap();
    let output = notes(dir.path(), &["--from", "HEAD~1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not inside a git work tree"));
}

/// The shared corpus committed twice into a repository made here, with a few edits between:
/// the notes list exactly those edits.
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn notes_on_the_corpus_list_exactly_the_edits_made() {
    let Some(corpus) = crate::support::corpus_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["detections", "stories", "macros", "lookups", "data_sources"] {
        crate::support::copy_dir(&corpus.join(sub), &root.join(sub));
    }
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "corpus"]);
    let edit = |path: &str, from: &str, to: &str| {
        let path = root.join(path);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{} holds {from:?}", path.display());
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "detections/endpoint/3cx_supply_chain_attack_network_indicators.yml",
        "\nversion: 3\n",
        "\nversion: 4\n",
    );
    edit(
        "detections/cloud/abnormally_high_number_of_cloud_infrastructure_api_calls.yml",
        "span=1h |",
        "span=2h |",
    );
    edit("stories/acidpour.yml", "\nversion: 1\n", "\nversion: 2\n");
    fs::create_dir_all(root.join("detections/deprecated")).unwrap();
    git(
        root,
        &[
            "mv",
            "detections/network/detect_arp_poisoning.yml",
            "detections/deprecated/detect_arp_poisoning.yml",
        ],
    );
    git(root, &["rm", "-q", "macros/admon.yml"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "edits"]);

    let output = notes(root, &["--from", "HEAD~1", "--format", "json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let entries: Vec<String> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["kind"].as_str().unwrap(),
                e["change"].as_str().unwrap(),
                e["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            "detection updated 3CX Supply Chain Attack Network Indicators",
            "detection updated Abnormally High Number Of Cloud Infrastructure API Calls",
            "detection deprecated Detect ARP Poisoning",
            "story updated AcidPour",
            "macro removed admon",
        ]
    );
}
