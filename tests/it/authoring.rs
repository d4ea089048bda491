//! The authoring commands: `new`, `rules --markdown` (docs/rules.md), `completions`,
//! `--version`.

use crate::support;

use assert_cmd::Command;
use support::{Fixture, crate_root, shared};

fn splforge() -> Command {
    Command::cargo_bin("splforge").unwrap()
}

fn new_file(root: &std::path::Path, kind: &str, name: &str) -> String {
    support::run_ok(&["-q", "new", kind, "--name", name], root)
        .trim()
        .to_owned()
}

#[test]
fn new_files_lint_clean_in_4x_content() {
    let f = Fixture::bundled();
    let expected = [
        (
            "detection",
            "Suspicious Rundll32 Child",
            "detections/endpoint/suspicious_rundll32_child.yml",
        ),
        (
            "story",
            "Living Off The Land",
            "stories/living_off_the_land.yml",
        ),
        ("macro", "my_index", "macros/my_index.yml"),
        (
            "data-source",
            "Sysmon EventID 3",
            "data_sources/sysmon_eventid_3.yml",
        ),
    ];
    for (kind, name, path) in expected {
        assert_eq!(new_file(f.root(), kind, name), path);
        let text = f.read(path);
        assert!(text.contains(&format!("name: {name}\n")), "{text}");
        let (exit, findings) = f.lint(&[path]);
        assert_eq!((exit, findings.len()), (0, 0), "{path}: {findings:#?}");
    }
    let detection = f.read(expected[0].2);
    let id = detection
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap();
    let id = uuid::Uuid::parse_str(id).unwrap();
    assert_eq!(id.get_version_num(), 4);
    let (exit, findings) = f.lint(&[]);
    assert_eq!((exit, findings.len()), (0, 0), "{findings:#?}");
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn new_files_lint_clean_in_5x_content() {
    let Some(samples) = shared("corpus/contentctl-5-samples") else {
        eprintln!("skipped: ../shared/corpus/contentctl-5-samples is absent");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    support::copy_tree(&samples, dir.path());
    let (_, before) = support::lint_root(dir.path(), &[]);
    for (kind, name) in [
        ("detection", "New Five Detection"),
        ("story", "New Five Story"),
        ("data-source", "New Five Source"),
    ] {
        let path = new_file(dir.path(), kind, name);
        let text = std::fs::read_to_string(dir.path().join(&path)).unwrap();
        if kind == "detection" {
            assert!(text.contains("\nrba:\n"), "{text}");
        }
        let (_, findings) = support::lint_root(dir.path(), &[&path]);
        assert!(findings.is_empty(), "{path}: {findings:#?}");
    }
    let (_, after) = support::lint_root(dir.path(), &[]);
    assert_eq!(before, after);
}

#[test]
fn new_refuses_a_taken_name_and_needs_a_name_off_a_terminal() {
    let f = Fixture::bundled();
    let output = splforge()
        .args([
            "new",
            "story",
            "--name",
            "Suspicious DNS Activity",
            "--root",
        ])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"));
    let output = splforge()
        .args(["new", "macro", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--name is required"));
}

#[test]
fn docs_rules_md_is_generated_from_the_rule_docs() {
    let output = splforge().args(["rules", "--markdown"]).output().unwrap();
    let generated = String::from_utf8(output.stdout).unwrap();
    let committed = std::fs::read_to_string(crate_root().join("docs/rules.md")).unwrap();
    assert!(
        generated == committed,
        "docs/rules.md is stale: run `cargo run -- rules --markdown > docs/rules.md`"
    );
    for rule in splforge::check::RULES {
        assert!(generated.contains(&format!("<a id=\"{}\"></a>", rule.code.to_lowercase())));
    }
    // Rules off by default say so, in the table and in their section.
    assert!(generated.contains("| [SF407](#sf407) | `kill-chain-mismatch` | warning | **off** |"));
    assert!(generated.contains("Severity **warning**, **off by default**"));
    let listed = splforge().arg("rules").output().unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("SF407") && l.contains(" off "))
    );
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("SF406") && l.contains(" on "))
    );
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef splforge"),
        ("fish", "complete -c splforge"),
    ] {
        let output = splforge().args(["completions", shell]).output().unwrap();
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains(marker), "{shell}");
        assert!(text.contains("migrate") && text.contains("lint"), "{shell}");
    }
}

#[test]
fn version() {
    let output = splforge().arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("splforge {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// The mode of `path` (permission bits).
#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `splforge ARGS` under umask `umask`, in `root` (a shell sets the umask: Rust has no
/// safe way to).
#[cfg(unix)]
fn run_with_umask(root: &std::path::Path, umask: &str, args: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("splforge");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec '{}' {args}", bin.display()))
        .current_dir(root)
        .output()
        .unwrap()
}

/// Issue 22, point 3: files splforge writes were 0600 whatever the umask, and `migrate`
/// turned a 0644 file into 0600.
#[cfg(unix)]
#[test]
fn written_files_take_the_umask_and_replaced_files_keep_their_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let f = Fixture::bundled();
    let root = f.root();
    let output = run_with_umask(root, "022", "-q new macro --name mode_check");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(mode(&root.join("macros/mode_check.yml")), 0o644);
    let output = run_with_umask(root, "027", "-q report attack --out layer.json");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(mode(&root.join("layer.json")), 0o640);
    // A file that is replaced keeps the mode it had, whatever the umask.
    let layer = root.join("layer.json");
    std::fs::set_permissions(&layer, std::fs::Permissions::from_mode(0o604)).unwrap();
    let output = run_with_umask(root, "077", "-q report attack --out layer.json");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(mode(&layer), 0o604);
}

/// Issue 22, point 4: `splforge completions bash | head -1` panicked on the closed pipe.
#[cfg(unix)]
#[test]
fn completions_into_a_closed_pipe_do_not_panic() {
    let bin = assert_cmd::cargo::cargo_bin("splforge");
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        // The exit code of splforge itself, then what it printed on standard error.
        let output = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                // `true` has exited (and the pipe's read end is closed) before splforge
                // writes a byte.
                "{{ sleep 0.3; '{}' completions {shell} 2>stderr.txt; }} | true; echo ${{PIPESTATUS[0]}}; cat stderr.txt",
                bin.display()
            ))
            .current_dir(dir.path())
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&output.stdout);
        assert!(!printed.contains("panicked"), "{shell}: {printed}");
        assert_eq!(printed.lines().next(), Some("0"), "{shell}: {printed}");
    }
}
