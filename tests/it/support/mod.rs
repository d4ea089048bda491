//! Shared test helpers: a copy of the bundled content to mutate, and lint runs on it.
#![allow(dead_code)]

mod build;
pub mod conf;
pub mod spl_spans;
#[allow(unused_imports)]
pub use build::*;

use std::fs;
use std::path::{Path, PathBuf};

use std::time::Duration;

use assert_cmd::Command;

/// The directory of the crate, where the bundled content lives.
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/<relative>` (or `$SPLFORGE_SHARED/<relative>`), when present.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let base = std::env::var_os("SPLFORGE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_root().join("../shared"));
    let path = base.join(relative);
    path.exists().then_some(path)
}

/// The real corpus: `$SPLFORGE_CORPUS` or `../shared/corpus/security_content-2024-10`.
pub fn corpus() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SPLFORGE_CORPUS") {
        return Some(PathBuf::from(dir));
    }
    shared("corpus/security_content-2024-10")
}

/// [`corpus`], or `None` after printing why the calling test skips (a fresh clone has no
/// `../shared`, and `cargo test` still passes there).
pub fn corpus_or_skip() -> Option<PathBuf> {
    let corpus = corpus();
    if corpus.is_none() {
        eprintln!(
            "skipped: no corpus at ../shared/corpus/security_content-2024-10 (set SPLFORGE_CORPUS)"
        );
    }
    corpus
}

/// A temporary content repository, starting as a copy of the bundled content.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

const CONTENT_DIRS: [&str; 7] = [
    "detections",
    "macros",
    "stories",
    "lookups",
    "data_sources",
    "deployments",
    "baselines",
];

impl Fixture {
    pub fn bundled() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        for name in CONTENT_DIRS {
            let from = crate_root().join(name);
            if from.is_dir() {
                copy_dir(&from, &dir.path().join(name));
            }
        }
        fs::copy(
            crate_root().join("splforge.toml"),
            dir.path().join("splforge.toml"),
        )
        .unwrap();
        Fixture { dir }
    }

    /// The bundled content with findings of several kinds in
    /// detections/cloud/aws_iam_failure_group_deletion.yml: a reference (SF201), a duplicate
    /// id (SF102, of aws_iam_successful_group_deletion.yml), a schema error (SF010), an
    /// unknown technique (SF403).
    pub fn with_findings() -> Fixture {
        let f = Fixture::bundled();
        let d = "detections/cloud/aws_iam_failure_group_deletion.yml";
        f.replace(
            d,
            "    - AWS IAM Privilege Escalation",
            "    - AWS IAM Privilege Escalations",
        );
        f.replace(d, "    - T1098", "    - T9999");
        f.replace(d, "  confidence: 50", "  confidence: high");
        let other = "detections/cloud/aws_iam_successful_group_deletion.yml";
        let other_id = f.line_starting(other, "id: ");
        f.replace(d, "id: 5be28d82-4305-4b5f-aeec-9dbc93f84dd1", &other_id);
        f
    }

    pub fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.root().join(relative)).unwrap()
    }

    pub fn write(&self, relative: &str, text: impl AsRef<[u8]>) {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    pub fn remove(&self, relative: &str) {
        fs::remove_file(self.root().join(relative)).unwrap();
    }

    /// Replaces the first occurrence of `from` (which must exist) in a file.
    pub fn replace(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} lacks {from:?}");
        self.write(relative, text.replacen(from, to, 1));
    }

    /// Sets top-level `key` of a content file to `value` (written as JSON, which is a YAML
    /// double-quoted scalar), replacing the whole entry, continuation and blank lines included.
    pub fn set_field(&self, relative: &str, key: &str, value: &str) {
        let text = self.read(relative);
        let mut out = Vec::new();
        let mut lines = text.lines().peekable();
        let mut found = false;
        while let Some(line) = lines.next() {
            if !line.starts_with(&format!("{key}:")) {
                out.push(line.to_owned());
                continue;
            }
            found = true;
            out.push(format!("{key}: {}", serde_json::to_string(value).unwrap()));
            while lines
                .peek()
                .is_some_and(|l| l.is_empty() || l.starts_with([' ', '-']))
            {
                lines.next();
            }
        }
        assert!(found, "{relative} has no {key}");
        self.write(relative, out.join("\n") + "\n");
    }

    /// The first line of a file that starts with `prefix` (e.g. `id: `), whole.
    pub fn line_starting(&self, relative: &str, prefix: &str) -> String {
        self.read(relative)
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?} in {relative}"))
            .to_owned()
    }

    /// `lint --format json` on the fixture: (exit code, findings).
    pub fn lint(&self, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
        lint_root(self.root(), args)
    }

    /// The 1-based line and column of the `nth` (0-based) occurrence of `needle` in a file.
    pub fn position_of(&self, relative: &str, needle: &str, nth: usize) -> (u64, u64) {
        let text = self.read(relative);
        let offset = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("{needle:?} not in {relative}"))
            .0;
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
        (line as u64, column as u64)
    }
}

/// `splforge lint --format json --no-cache --root ROOT ARGS...`: (exit code, findings).
/// Uncached: the checks themselves are under test (tests/lint_cache.rs tests the cache), and
/// the shared corpus is not written to.
pub fn lint_root(root: &Path, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let output = Command::cargo_bin("splforge")
        .unwrap()
        .args(["lint", "--format", "json", "--no-cache", "--root"])
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let code = output.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, findings)
}

/// `splforge ARGS... --root ROOT`, which must succeed: its standard output.
pub fn run_ok(args: &[&str], root: &Path) -> String {
    let output = Command::cargo_bin("splforge")
        .unwrap()
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "splforge {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The findings of one rule.
pub fn with_code<'a>(findings: &'a [serde_json::Value], code: &str) -> Vec<&'a serde_json::Value> {
    findings.iter().filter(|f| f["code"] == code).collect()
}

/// Copies the directory tree `from` to `to` (created).
pub fn copy_tree(from: &Path, to: &Path) {
    copy_dir(from, to);
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The binary under test, killed after a minute, without colours.
pub fn splforge() -> Command {
    let mut command = Command::cargo_bin("splforge").unwrap();
    command
        .timeout(Duration::from_secs(60))
        .env("NO_COLOR", "1");
    command
}

/// Fails on what no input may cause: a panic, a kill by the timeout, a signal.
pub fn assert_no_crash(output: &std::process::Output, what: &str) -> i32 {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{what} panicked: {stderr}");
    let code = output.status.code();
    assert!(
        code.is_some(),
        "{what} was killed ({:?}): {stderr}",
        output.status
    );
    code.unwrap()
}

/// Every file below `dir`, at any depth.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// The names in a directory, to see that nothing (no temporary file) was left behind.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A temporary directory its owner cannot write to (mode 0555), or `None`, with the reason
/// printed, when this user writes through mode bits anyway (root: CAP_DAC_OVERRIDE).
#[cfg(unix)]
pub fn read_only_dir() -> Option<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    if fs::write(dir.path().join("probe"), "").is_ok() {
        eprintln!("skipped: this user can write into a read-only directory");
        return None;
    }
    Some(dir)
}

/// The UTF-8 inputs of a fuzz target kept in the repository: its seeds
/// (`fuzz/corpus/<target>`) and the crashes its runs found (`fuzz/regressions/<target>`).
pub fn fuzz_inputs(target: &str) -> Vec<String> {
    let fuzz = crate_root().join("fuzz");
    let mut inputs = Vec::new();
    for dir in [
        fuzz.join("corpus").join(target),
        fuzz.join("regressions").join(target),
    ] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            if let Ok(text) = String::from_utf8(fs::read(entry.unwrap().path()).unwrap()) {
                inputs.push(text);
            }
        }
    }
    inputs
}
