//! The bad-input catalogue, continued (issue 18, classes 1, 5 and 6): splforge never deletes
//! or replaces what it did not make, never trusts a cache it did not write on this machine,
//! and never skips a file without a word. docs/reliability.md lists every case ("Ownership,
//! the cache and the walk").

use crate::support;

use std::fs;
use std::path::Path;

use support::{Fixture, assert_no_crash, names, splforge};

const APP: &str = "SPLFORGE-SampleContent";
const PACKAGE: &str = "SPLFORGE-SampleContent-1.0.0.tar.gz";

/// `splforge ARGS... --root ROOT` at a fixed build time.
fn run(root: &Path, args: &[&str]) -> std::process::Output {
    splforge()
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

/// `splforge build --root ROOT [--out OUT]`.
fn build(root: &Path, out: Option<&Path>) -> std::process::Output {
    let mut args = vec!["build".to_owned()];
    if let Some(out) = out {
        args.push("--out".to_owned());
        args.push(out.to_string_lossy().into_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(root, &args)
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts exit 2 with `needle` in the message.
fn refused(output: &std::process::Output, what: &str, needle: &str) {
    let code = assert_no_crash(output, what);
    assert_eq!(code, 2, "{what}: {}", stderr(output));
    assert!(
        stderr(output).contains(needle),
        "{what}: no {needle:?} in {}",
        stderr(output)
    );
}

/// Appends a table to the fixture's splforge.toml.
fn configure(f: &Fixture, toml: &str) {
    let text = f.read("splforge.toml");
    f.write("splforge.toml", format!("{text}\n{toml}\n"));
}

// 1. Never delete or replace what splforge did not create.

/// Puts something of the user's into an output directory.
type MakeEntry<'a> = Box<dyn Fn(&Path) + 'a>;

#[test]
fn build_never_replaces_an_entry_it_did_not_make() {
    let f = Fixture::bundled();
    let out = tempfile::tempdir().unwrap();
    let out = out.path();
    // A user's directory named like the app, a file named like it, a symbolic link named
    // like it (to a directory of the user's), a file named like the package.
    let precious = tempfile::tempdir().unwrap();
    fs::write(precious.path().join("keep.txt"), "mine").unwrap();
    let cases: Vec<(&str, MakeEntry)> = vec![
        (
            "a directory",
            Box::new(|out| {
                fs::create_dir(out.join(APP)).unwrap();
                fs::write(out.join(APP).join("keep.txt"), "mine").unwrap();
            }),
        ),
        (
            "a file",
            Box::new(|out| fs::write(out.join(APP), "mine").unwrap()),
        ),
        (
            "the package",
            Box::new(|out| fs::write(out.join(PACKAGE), "mine").unwrap()),
        ),
        #[cfg(unix)]
        (
            "a symbolic link",
            Box::new(|out| std::os::unix::fs::symlink(precious.path(), out.join(APP)).unwrap()),
        ),
    ];
    for (what, make) in cases {
        let dir = out.join(what.replace(' ', "_"));
        fs::create_dir(&dir).unwrap();
        make(&dir);
        let before = names(&dir);
        let output = build(f.root(), Some(&dir));
        refused(&output, what, "was not made by `splforge build`");
        assert_eq!(names(&dir), before, "{what}: the output directory changed");
    }
    assert_eq!(
        fs::read_to_string(out.join("a_directory").join(APP).join("keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(out.join("a_file").join(APP)).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(precious.path().join("keep.txt")).unwrap(),
        "mine"
    );

    // What a build made, it replaces; a directory it did not make beside it stays.
    let dir = out.join("ours");
    let first = build(f.root(), Some(&dir));
    assert_eq!(
        assert_no_crash(&first, "first build"),
        0,
        "{}",
        stderr(&first)
    );
    fs::create_dir(dir.join("notes")).unwrap();
    let second = build(f.root(), Some(&dir));
    assert_eq!(
        assert_no_crash(&second, "second build"),
        0,
        "{}",
        stderr(&second)
    );
    assert!(dir.join("notes").is_dir());
    assert!(dir.join(APP).join("default/savedsearches.conf").is_file());
}

#[test]
fn build_never_replaces_the_content_root() {
    // `--root P/<appid> --out P`: the app directory is the repository itself.
    let parent = tempfile::tempdir().unwrap();
    let f = Fixture::bundled();
    let root = parent.path().join(APP);
    fs::rename(f.root(), &root).unwrap();
    let before = names(&root.join("detections"));
    let output = build(&root, Some(parent.path()));
    refused(&output, "--out above the root", "overlap");
    assert_eq!(names(&root.join("detections")), before);
    // `--out` inside a content directory.
    let output = build(&root, Some(&root.join("detections/out")));
    refused(&output, "--out in detections/", "overlap");
    assert!(!root.join("detections/out").exists());
    fs::rename(&root, f.root()).unwrap();
}

#[test]
fn configured_output_paths_stay_inside_the_root_and_off_the_content() {
    let outside = tempfile::tempdir().unwrap();
    let outside_name = outside.path().file_name().unwrap().to_string_lossy();
    let cases = [
        (
            format!("[build]\nout = \"../{outside_name}/x\""),
            "build",
            "stay inside the content root",
        ),
        (
            format!("[build]\nout = \"{}\"", outside.path().display()),
            "build",
            "stay inside the content root",
        ),
        (
            "[build]\nout = \"detections\"".to_owned(),
            "build",
            "overlap",
        ),
        ("[build]\nout = \".\"".to_owned(), "build", "overlap"),
        (
            format!("[docs]\nout = \"../{outside_name}/d\""),
            "docs",
            "stay inside the content root",
        ),
        ("[docs]\nout = \"detections\"".to_owned(), "docs", "overlap"),
    ];
    for (toml, command, needle) in cases {
        let f = Fixture::bundled();
        configure(&f, &toml);
        // A docs marker where the docs would go: "ours", says the pull request.
        f.write("detections/markdown/.splforge-docs", "");
        f.write("detections/html/.splforge-docs", "");
        let before = names(&f.root().join("detections"));
        let output = run(f.root(), &[command]);
        refused(&output, &toml, needle);
        assert_eq!(names(&f.root().join("detections")), before, "{toml}");
        assert!(
            names(outside.path()).is_empty(),
            "{toml}: wrote outside the root"
        );
    }
    // `appid = "detections"` with `out = "."`: the app would replace detections/.
    let f = Fixture::bundled();
    let text = f.read("splforge.toml").replace(
        "appid = \"SPLFORGE-SampleContent\"",
        "appid = \"detections\"",
    );
    f.write("splforge.toml", format!("{text}\n[build]\nout = \".\"\n"));
    let before = names(&f.root().join("detections"));
    refused(&run(f.root(), &["build"]), "appid = detections", "overlap");
    assert_eq!(names(&f.root().join("detections")), before);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_as_the_configured_output_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("keep.txt"), "mine").unwrap();
    let f = Fixture::bundled();
    std::os::unix::fs::symlink(outside.path(), f.root().join("dist")).unwrap();
    refused(
        &run(f.root(), &["build"]),
        "dist -> outside",
        "symbolic link",
    );
    std::os::unix::fs::symlink(outside.path(), f.root().join("docs_site")).unwrap();
    refused(
        &run(f.root(), &["docs"]),
        "docs_site -> outside",
        "symbolic link",
    );
    assert_eq!(names(outside.path()), ["keep.txt"]);
}

#[test]
fn a_killed_builds_temporary_directory_is_removed_by_the_next() {
    let f = Fixture::bundled();
    let out = tempfile::tempdir().unwrap();
    let first = build(f.root(), Some(out.path()));
    assert_eq!(assert_no_crash(&first, "build"), 0, "{}", stderr(&first));
    // What a build killed while writing leaves behind.
    let stale = out.path().join(".splforge-build-Ab12Cd");
    fs::create_dir_all(stale.join(APP).join("default")).unwrap();
    fs::write(stale.join(APP).join("default/app.conf"), "x").unwrap();
    let second = build(f.root(), Some(out.path()));
    assert_eq!(assert_no_crash(&second, "build"), 0, "{}", stderr(&second));
    assert!(
        !stale.exists(),
        "the stale temporary directory is still there"
    );
    assert_eq!(names(out.path()), [".splforge-build", APP, PACKAGE]);
}

// 5. The cache never changes a result.

const DETECTION: &str = "detections/cloud/aws_iam_failure_group_deletion.yml";

/// `splforge lint --format FORMAT --root ROOT` with the cache on, on the machine whose
/// cache key lives under `machine` (`XDG_CACHE_HOME`).
fn lint_on(machine: &Path, root: &Path, format: &str) -> std::process::Output {
    splforge()
        .env("XDG_CACHE_HOME", machine)
        .args(["lint", "--format", format, "--root"])
        .arg(root)
        .output()
        .unwrap()
}

/// Rewrites a cache entry as a pull request can: every input vouched for by the hash of
/// its current content, whatever the findings say. The entry's first line (a tag, where
/// there is one) is kept: without the machine's key it cannot be made again.
fn forge_entry(root: &Path) {
    let path = root.join(".splforge_cache/lint-all.json");
    let bytes = fs::read(&path).unwrap();
    let start = if bytes.first() == Some(&b'{') {
        0
    } else {
        bytes.iter().position(|&b| b == b'\n').unwrap() + 1
    };
    let mut entry: serde_json::Value = serde_json::from_slice(&bytes[start..]).unwrap();
    for input in entry["inputs"].as_array_mut().unwrap() {
        let content = fs::read(root.join(input["path"].as_str().unwrap())).unwrap();
        input["settled"] = false.into();
        input["hash"] = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&content)).into();
    }
    let mut forged = bytes[..start].to_vec();
    forged.extend(serde_json::to_vec(&entry).unwrap());
    fs::write(&path, forged).unwrap();
}

#[test]
fn a_cache_committed_in_a_pull_request_is_not_trusted() {
    let f = Fixture::bundled();
    let (ours, fresh_runner) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let clean = lint_on(ours.path(), f.root(), "human");
    assert_eq!(assert_no_crash(&clean, "lint"), 0, "{}", stderr(&clean));
    // The pull request breaks a detection and commits a cache that says all is well.
    f.replace(DETECTION, "  confidence: 50", "  confidence: high");
    forge_entry(f.root());
    for (machine, what) in [
        (fresh_runner.path(), "a fresh CI runner"),
        (ours.path(), "the machine that wrote the entry"),
    ] {
        let human = lint_on(machine, f.root(), "human");
        assert_eq!(
            assert_no_crash(&human, what),
            1,
            "{what}: {}",
            stderr(&human)
        );
        assert!(!stderr(&human).contains("(cached)"), "{what}");
        let github = lint_on(machine, f.root(), "github");
        assert_eq!(assert_no_crash(&github, what), 1, "{what}");
        assert!(
            String::from_utf8_lossy(&github.stdout).contains("::error"),
            "{what}: no annotation"
        );
    }
}

#[test]
fn a_cache_written_on_another_machine_is_not_used() {
    let f = Fixture::bundled();
    let (one, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = lint_on(one.path(), f.root(), "human");
    assert_eq!(assert_no_crash(&first, "lint"), 0, "{}", stderr(&first));
    assert!(stderr(&lint_on(one.path(), f.root(), "human")).contains("(cached)"));
    assert!(!stderr(&lint_on(other.path(), f.root(), "human")).contains("(cached)"));
}

#[test]
fn the_cache_is_never_written_outside_the_root() {
    let outside = tempfile::tempdir().unwrap();
    let machine = tempfile::tempdir().unwrap();
    let outside_name = outside.path().file_name().unwrap().to_string_lossy();
    // `[cache] dir` out of the root.
    let f = Fixture::bundled();
    configure(&f, &format!("[cache]\ndir = \"../{outside_name}\""));
    refused(
        &lint_on(machine.path(), f.root(), "human"),
        "[cache] dir = ../x",
        "stay inside the content root",
    );
    // `.splforge_cache`, committed as a symbolic link out of the root.
    #[cfg(unix)]
    {
        let f = Fixture::bundled();
        std::os::unix::fs::symlink(outside.path(), f.root().join(".splforge_cache")).unwrap();
        refused(
            &lint_on(machine.path(), f.root(), "human"),
            ".splforge_cache -> outside",
            "symbolic link",
        );
        refused(
            &run(f.root(), &["clean"]),
            "clean .splforge_cache -> outside",
            "symbolic link",
        );
    }
    assert!(names(outside.path()).is_empty(), "wrote outside the root");
}

#[test]
fn clean_removes_only_what_the_cache_wrote() {
    let f = Fixture::bundled();
    let machine = tempfile::tempdir().unwrap();
    let lint = lint_on(machine.path(), f.root(), "human");
    assert_eq!(assert_no_crash(&lint, "lint"), 0, "{}", stderr(&lint));
    let dir = f.root().join(".splforge_cache");
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    let clean = run(f.root(), &["clean"]);
    assert_eq!(assert_no_crash(&clean, "clean"), 0, "{}", stderr(&clean));
    assert_eq!(names(&dir), ["notes.txt"]);
    // Without it, the directory goes.
    fs::remove_file(dir.join("notes.txt")).unwrap();
    let _ = lint_on(machine.path(), f.root(), "human");
    let clean = run(f.root(), &["clean"]);
    assert_eq!(assert_no_crash(&clean, "clean"), 0, "{}", stderr(&clean));
    assert!(!dir.exists());
}

// 6. Nothing is skipped silently.

/// `detections/d1/.../dN`, relative.
fn deep_dir(levels: usize) -> String {
    let parts: Vec<String> = (1..=levels).map(|i| format!("d{i}")).collect();
    format!("detections/{}", parts.join("/"))
}

#[test]
fn a_file_below_the_walk_depth_limit_is_a_finding() {
    let f = Fixture::bundled();
    let broken = format!("{}/broken.yml", deep_dir(20));
    f.write(&broken, "name: [\n");
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1, "{findings:?}");
    let at_limit = deep_dir(16);
    assert!(
        findings.iter().any(|x| x["code"] == "SF001"
            && x["file"] == at_limit.as_str()
            && x["message"]
                .as_str()
                .unwrap()
                .contains("walk depth limit (16)")),
        "{findings:?}"
    );
    // Named on the command line (pre-commit), the file itself is reported.
    let (code, findings) = f.lint(&[&broken]);
    assert_eq!(code, 1, "{findings:?}");
    assert!(
        findings.iter().any(|x| x["code"] == "SF001"
            && x["file"] == broken.as_str()
            && x["message"]
                .as_str()
                .unwrap()
                .contains("deeper than 16 directories")),
        "{findings:?}"
    );
}

#[test]
fn the_walk_depth_limit_is_configurable() {
    let f = Fixture::bundled();
    let broken = format!("{}/broken.yml", deep_dir(20));
    f.write(&broken, "name: [\n");
    configure(&f, "[limits]\nmax_walk_depth = 32");
    // Read now: its own syntax error, and nothing about depth.
    let (code, findings) = f.lint(&[]);
    assert_eq!(code, 1);
    assert!(
        findings.iter().any(|x| x["code"] == "SF001"
            && x["file"] == broken.as_str()
            && x["message"].as_str().unwrap().contains("YAML")),
        "{findings:?}"
    );
    assert!(
        !findings
            .iter()
            .any(|x| x["message"].as_str().unwrap().contains("max_walk_depth")),
        "{findings:?}"
    );
    // A lower limit: the bundled detections (at depth 2) are still read, one deeper is not.
    let f = Fixture::bundled();
    f.write("detections/cloud/deeper/x.yml", "name: x\n");
    configure(&f, "[limits]\nmax_walk_depth = 2");
    let (_, findings) = f.lint(&[]);
    let depth: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|x| x["message"].as_str().unwrap().contains("max_walk_depth"))
        .collect();
    assert_eq!(depth.len(), 1, "{findings:?}");
    assert_eq!(depth[0]["file"], "detections/cloud/deeper");
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_cache_directory_does_not_hang_lint() {
    let f = Fixture::bundled();
    let machine = tempfile::tempdir().unwrap();
    let first = lint_on(machine.path(), f.root(), "human");
    assert_eq!(assert_no_crash(&first, "lint"), 0, "{}", stderr(&first));
    let dir = f.root().join(".splforge_cache");
    for name in ["lint-all.json", "facts.postcard"] {
        fs::remove_file(dir.join(name)).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(dir.join(name))
            .status()
            .unwrap();
        assert!(status.success());
    }
    // Killed after a minute (support::splforge): a read of the FIFO would wait for ever.
    let run = lint_on(machine.path(), f.root(), "human");
    assert_eq!(assert_no_crash(&run, "lint"), 0, "{}", stderr(&run));
}
