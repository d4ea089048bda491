//! The bad-input catalogue, continued (issue 18, classes 2-4): what `build`, `docs` and the
//! configuration read besides the content YAML. Nothing outside the root is read through a
//! link; only regular files are read, each within a documented size limit; a repository
//! template cannot read the environment, recurse without bound or grow without bound.
//! Every refusal is exit 2 with a message naming the file (and its line and column where
//! there is one), no panic, no hang, no output written, and nothing from outside the root
//! anywhere. docs/reliability.md lists the cases (R1-R9, R1b).

use crate::support;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use support::{Fixture, assert_no_crash, splforge};

/// Text that must never reach an output or a message: it lives outside the root.
const SECRET: &str = "TOP-SECRET-OUTSIDE-THE-ROOT";

/// `splforge build --force` into `out`, at a fixed build time.
fn build(root: &Path, out: &Path) -> std::process::Output {
    splforge()
        .timeout(Duration::from_secs(30))
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["build", "--force", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// `splforge docs` into `out`, both formats.
fn docs(root: &Path, out: &Path) -> std::process::Output {
    splforge()
        .timeout(Duration::from_secs(30))
        .args(["docs", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exit 2, a message holding every one of `expected`, nothing created in `out`.
fn refused(output: &std::process::Output, out: &Path, what: &str, expected: &[&str]) {
    let code = assert_no_crash(output, what);
    let message = stderr(output);
    assert_eq!(code, 2, "{what}: {message}");
    for text in expected {
        assert!(message.contains(text), "{what}: {text:?} not in {message}");
    }
    assert!(!message.contains(SECRET), "{what}: {message}");
    assert!(
        !out.exists() || everything_under(out).is_empty(),
        "{what}: wrote {:?}",
        everything_under(out)
    );
}

/// Every file under `dir`, relative.
fn everything_under(dir: &Path) -> Vec<String> {
    walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                found.extend(walk(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// A directory outside the root holding the secret as a file, a template directory tree
/// and an app template tree.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |relative: &str| {
        let path = dir.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, SECRET).unwrap();
    };
    write("secret.txt");
    write("app/default/app.conf");
    write("docs/index.md");
    write("docs/style.css");
    write("default/secret.conf");
    dir
}

fn mkfifo(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// R1: links out of the root, in every place `build` and `docs` read besides the content:
/// the `app_template` directory, a file inside it, a template override, the `templates`
/// directory, a docs asset. Each is refused by name; the secret is in no output.
#[test]
fn links_out_of_the_root_are_refused_by_name() {
    let secret = outside();
    let cases: [(&str, &str, &Path, bool); 5] = [
        ("app_template", "app_template", secret.path(), true),
        (
            "app_template/default/secret.conf",
            "app_template/default/secret.conf",
            &secret.path().join("secret.txt"),
            true,
        ),
        (
            "templates/app/default/app.conf",
            "templates/app/default/app.conf",
            &secret.path().join("secret.txt"),
            true,
        ),
        (
            "templates",
            "templates/app/default/app.conf",
            secret.path(),
            true,
        ),
        (
            "templates/docs/style.css",
            "templates/docs/style.css",
            &secret.path().join("secret.txt"),
            false,
        ),
    ];
    for (link, named, target, for_build) in cases {
        let f = Fixture::bundled();
        let path = f.root().join(link);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        symlink(target, &path).unwrap();
        let out = tempfile::tempdir().unwrap();
        let what = format!("{link} -> outside");
        let output = if for_build {
            build(f.root(), out.path())
        } else {
            docs(f.root(), out.path())
        };
        refused(
            &output,
            out.path(),
            &what,
            &[named, "outside the content root"],
        );
        if link == "templates" {
            // The docs read templates/docs/ through the same link.
            let output = docs(f.root(), out.path());
            refused(
                &output,
                out.path(),
                &what,
                &["templates/docs/", "outside the content root"],
            );
        }
    }
}

/// R1b: the configuration is read like any other file: `splforge.toml` or `contentctl.yml`
/// linking out of the root is refused by name, the target unread.
#[test]
fn configuration_link_out_of_the_root_is_refused() {
    let secret = outside();
    for name in ["splforge.toml", "contentctl.yml"] {
        let f = Fixture::bundled();
        f.remove("splforge.toml");
        symlink(secret.path().join("secret.txt"), f.root().join(name)).unwrap();
        let output = splforge()
            .args(["lint", "--no-cache", "--root"])
            .arg(f.root())
            .output()
            .unwrap();
        let code = assert_no_crash(&output, name);
        let message = stderr(&output);
        assert_eq!(code, 2, "{name}: {message}");
        assert!(
            message.contains(name) && message.contains("outside the content root"),
            "{name}: {message}"
        );
        assert!(!message.contains(SECRET), "{name}: {message}");
        assert!(output.stdout.is_empty());
    }
}

/// R2: a link inside the root is followed, as for content files: an app template file and
/// a template override that point at files of the repository are used.
#[test]
fn links_inside_the_root_are_followed() {
    let f = Fixture::bundled();
    f.write(
        "shared/app.conf",
        "[install]\nis_configured = 1\n# from a link\n",
    );
    f.write("shared/readme.txt", "linked readme\n");
    fs::create_dir_all(f.root().join("app_template")).unwrap();
    symlink(
        "../shared/readme.txt",
        f.root().join("app_template/README.txt"),
    )
    .unwrap();
    fs::create_dir_all(f.root().join("templates/app/default")).unwrap();
    symlink(
        "../../../shared/app.conf",
        f.root().join("templates/app/default/app.conf"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = build(f.root(), out.path());
    assert_eq!(assert_no_crash(&output, "build"), 0, "{}", stderr(&output));
    let app = out.path().join("SPLFORGE-SampleContent");
    assert_eq!(
        fs::read_to_string(app.join("README.txt")).unwrap(),
        "linked readme\n"
    );
    assert!(
        fs::read_to_string(app.join("default/app.conf"))
            .unwrap()
            .contains("# from a link")
    );
}

/// R3: a FIFO where `build` or `docs` reads a file: a docs template (reading it would wait
/// for a writer for ever), an app template override, a file of `app_template/`, the
/// configuration. Refused as "not a regular file", at once.
#[test]
fn fifos_are_refused_not_waited_on() {
    for (fifo, for_build) in [
        ("templates/docs/index.md", false),
        ("templates/docs/search.js", false),
        ("templates/app/default/app.conf", true),
        ("app_template/default/x.conf", true),
        ("splforge.toml", true),
    ] {
        let f = Fixture::bundled();
        if fifo == "splforge.toml" {
            f.remove("splforge.toml");
        }
        mkfifo(&f.root().join(fifo));
        let out = tempfile::tempdir().unwrap();
        let output = if for_build {
            build(f.root(), out.path())
        } else {
            docs(f.root(), out.path())
        };
        refused(&output, out.path(), fifo, &[fifo, "not a regular file"]);
    }
}

/// R4: the configuration is read within a fixed limit (1 MiB), checked before it is read:
/// a `splforge.toml` or `contentctl.yml` padded past it is refused, at once, without
/// reading it (a sparse 2.5 GiB file costs nothing to make).
#[test]
fn oversized_configuration_is_refused_before_it_is_read() {
    for (name, size) in [
        ("splforge.toml", 1024 * 1024 + 1),
        ("splforge.toml", 5 << 29),
        ("contentctl.yml", 5 << 29),
    ] {
        let f = Fixture::bundled();
        f.remove("splforge.toml");
        let file = fs::File::create(f.root().join(name)).unwrap();
        file.set_len(size).unwrap();
        let output = splforge()
            .args(["lint", "--no-cache", "--root"])
            .arg(f.root())
            .output()
            .unwrap();
        let code = assert_no_crash(&output, name);
        let message = stderr(&output);
        assert_eq!(code, 2, "{name}: {message}");
        assert!(
            message.contains(name) && message.contains("over the 1048576-byte limit"),
            "{name}: {message}"
        );
    }
}

/// R5: `build` ships a lookup CSV only within `[limits] max_lookup_bytes`, as lint checks
/// it: over the limit, the build stops naming it (it used to read any size whole; a sparse
/// 3 GiB CSV took 3 GiB of memory).
#[test]
fn build_reads_lookups_within_the_limit() {
    let f = Fixture::bundled();
    let toml = f.read("splforge.toml");
    f.write(
        "splforge.toml",
        format!("{toml}\n[limits]\nmax_lookup_bytes = 100\n"),
    );
    let csv = "lookups/splf_dynamic_dns_providers.csv";
    assert!(f.read(csv).len() > 100);
    let out = tempfile::tempdir().unwrap();
    let output = build(f.root(), out.path());
    refused(
        &output,
        out.path(),
        "lookup over the limit",
        &[csv, "over the 100-byte limit"],
    );

    // A limit raised past its ceiling (1 GiB) is held at the ceiling.
    let f = Fixture::bundled();
    let toml = f.read("splforge.toml");
    f.write(
        "splforge.toml",
        format!(
            "{toml}\n[limits]\nmax_lookup_bytes = 100000000000\nmax_file_bytes = 100000000000\n"
        ),
    );
    let file = fs::File::create(f.root().join(csv)).unwrap();
    file.set_len(3 << 30).unwrap();
    let file = fs::File::create(f.root().join("macros/big.yml")).unwrap();
    file.set_len(3 << 30).unwrap();
    let output = build(f.root(), out.path());
    refused(
        &output,
        out.path(),
        "a sparse 3 GiB lookup under a raised limit",
        &[csv, "over the 1073741824-byte limit"],
    );
    let output = splforge()
        .args(["lint", "--no-cache", "--format", "json", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(assert_no_crash(&output, "lint"), 1);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("over the 268435456-byte limit"), "{stdout}");

    // The default limit, and a sparse CSV past it.
    let f = Fixture::bundled();
    let file = fs::File::create(f.root().join(csv)).unwrap();
    file.set_len(3 << 30).unwrap();
    let output = build(f.root(), out.path());
    refused(
        &output,
        out.path(),
        "a sparse 3 GiB lookup",
        &[csv, "over the 67108864-byte limit"],
    );
}

/// A repository with `template` as its override of `name` (under `templates/`).
fn with_template(name: &str, template: &str) -> Fixture {
    let f = Fixture::bundled();
    f.write(&format!("templates/{name}"), template);
    f
}

/// R6: a template cannot read the environment: `get_env` fails the render, and the
/// variable's value is in no output and no message (it printed a CI token into app.conf
/// and index.html).
#[test]
fn templates_cannot_read_the_environment() {
    let token = "ghp_NOT_A_REAL_TOKEN_0123456789";
    for (name, for_build) in [
        ("app/default/app.conf", true),
        ("app/partials/detection/savedsearches.conf", true),
        ("docs/index.md", false),
        ("docs/layout.html", false),
    ] {
        let f = with_template(
            name,
            "{{ get_env(name=\"SPLFORGE_TEST_TOKEN\", default=\"none\") }}\n",
        );
        let out = tempfile::tempdir().unwrap();
        let mut command = splforge();
        command
            .env("SPLFORGE_TEST_TOKEN", token)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .arg(if for_build { "build" } else { "docs" });
        if for_build {
            command.arg("--force");
        }
        let output = command
            .arg("--root")
            .arg(f.root())
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        refused(&output, out.path(), name, &["get_env", "not available"]);
        assert!(!stderr(&output).contains(token));
        assert!(!String::from_utf8_lossy(&output.stdout).contains(token));
    }
}

/// R7: template recursion is bounded: a macro calling itself, a template including itself,
/// and blocks or brackets nested 100,000 deep (each overflowed the stack: an abort) stop
/// with an error naming the template.
#[test]
fn template_recursion_and_nesting_are_bounded() {
    let recursive_macro =
        "{% macro r(n) %}{{ self::r(n=n + 1) }}{% endmacro r %}{{ self::r(n=0) }}";
    let deep_ifs = format!("{}x", "{% if true %}".repeat(50_000));
    let deep_brackets = format!("\n{{{{ {}1 }}}}", "(".repeat(100_000));
    let long_chain = format!("{{{{ 1{} }}}}", " + 1".repeat(100_000));
    let long_logic = format!("{{% if a{} %}}{{% endif %}}", " and a".repeat(100_000));
    // Everything just under the limits of the text at once, in a macro calling itself:
    // 61 nested ifs, 63 brackets and 63 operators in a tag, 32 nested frames.
    let deepest_allowed = format!(
        "{{% macro r(n) %}}{}{{{{ {}1{} }}}}{{% for i in [1] %}}{{% if n < 100 %}}{{{{ self::r(n=n + 1) }}}}{{% endif %}}{{% endfor %}}{}{{% endmacro r %}}{{{{ self::r(n=0) }}}}",
        "{% if true %}".repeat(61),
        "(".repeat(63),
        " + 1)".repeat(63),
        "{% endif %}".repeat(61)
    );
    let cases = [
        (
            "docs/index.md",
            recursive_macro.to_owned(),
            "deeper than 32",
        ),
        (
            "app/default/app.conf",
            recursive_macro.to_owned(),
            "deeper than 32",
        ),
        (
            "docs/index.md",
            "{% include \"index.md\" %}".to_owned(),
            "deeper than 32",
        ),
        (
            "docs/index.md",
            deep_ifs.clone(),
            "templates/docs/index.md:1:833: nesting deeper than 64",
        ),
        (
            "app/default/app.conf",
            deep_ifs,
            "templates/app/default/app.conf:1:833",
        ),
        (
            "docs/story.md",
            deep_brackets,
            "templates/docs/story.md:2:68: nesting deeper than 64",
        ),
    ];
    let cases = cases.into_iter().chain([
        (
            "docs/index.md",
            long_chain,
            "templates/docs/index.md:1:262: more than 64 operators in one tag",
        ),
        (
            "app/default/app.conf",
            long_logic,
            "templates/app/default/app.conf:1:393: more than 64 operators in one tag",
        ),
        (
            "docs/detection.md",
            deepest_allowed.clone(),
            "deeper than 32",
        ),
        (
            "app/partials/detection/savedsearches.conf",
            deepest_allowed,
            "deeper than 32",
        ),
    ]);
    for (name, template, expected) in cases {
        let f = with_template(name, &template);
        let out = tempfile::tempdir().unwrap();
        let output = if name.starts_with("app/") {
            build(f.root(), out.path())
        } else {
            docs(f.root(), out.path())
        };
        refused(&output, out.path(), name, &[expected]);
    }
}

/// R8: what a template makes is bounded while it is made: a string doubled in a loop, a
/// filter chain that multiplies it, arrays nested in a loop, a huge `range`, a `range`
/// that never ends, loops nested to 10^15 iterations, 10^10 tests and filters on a 1 MB
/// string, a macro writing without end. Each stops with an error (the doubling reached
/// 3.6 GB in 1.6 s).
#[test]
fn what_a_template_makes_is_bounded() {
    let cases = [
        "{% set_global s = \"xxxxxxxx\" %}{% for i in range(end=64) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}",
        "{{ \"a\" | replace(from=\"a\", to=\"aaaaaaaaaaaaaaaa\") | replace(from=\"a\", to=\"aaaaaaaaaaaaaaaa\") | replace(from=\"a\", to=\"aaaaaaaaaaaaaaaa\") | replace(from=\"a\", to=\"aaaaaaaaaaaaaaaa\") | replace(from=\"a\", to=\"aaaaaaaaaaaaaaaa\") | replace(from=\"a\", to=\"aaaaaaaaaaaaaaaa\") | replace(from=\"a\", to=\"aaaaaaaaaaaaaaaa\") | replace(from=\"a\", to=\"aaaaaaaaaaaaaaaa\") | length }}",
        "{% set_global a = [] %}{% for i in range(end=100000) %}{% set_global a = [a, a] %}{% endfor %}{{ a | length }}",
        "{% for i in range(end=1000000000000) %}{% endfor %}",
        "{% for i in range(end=10, step_by=0) %}{% endfor %}",
        "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% for c in range(end=100000) %}{% endfor %}{% endfor %}{% endfor %}",
        "{% set_global big = \"x\" %}{% for i in range(end=20) %}{% set_global big = big ~ big %}{% endfor %}{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% if big is matching(\"y\") %}y{% endif %}{{ big | length }}{% if \"y\" in big %}{% endif %}{% endfor %}{% endfor %}",
        "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% if content == content %}{% endif %}{% endfor %}{% endfor %}",
        "{% macro m() %}{% for a in range(end=100000) %}{% for b in range(end=100000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}{% endmacro m %}{{ self::m() }}",
    ];
    for (i, template) in cases.iter().enumerate() {
        let name = if i % 2 == 0 {
            "docs/index.md"
        } else {
            "app/default/app.conf"
        };
        let f = with_template(name, template);
        let out = tempfile::tempdir().unwrap();
        let output = if name.starts_with("app/") {
            build(f.root(), out.path())
        } else {
            docs(f.root(), out.path())
        };
        refused(&output, out.path(), template, &[]);
    }
}

/// R9: a content directory that is itself a link out of the root (`macros -> /elsewhere`)
/// is not walked: one SF001 at it, and nothing of the files behind it in the findings
/// (they were loaded and quoted in SF010 snippets).
#[test]
fn content_directory_link_out_of_the_root_is_not_walked() {
    let secret = tempfile::tempdir().unwrap();
    fs::write(
        secret.path().join("m.yml"),
        format!("name: m\ndefinition: {SECRET}\nbogus: {SECRET}\n"),
    )
    .unwrap();
    let f = Fixture::bundled();
    fs::remove_dir_all(f.root().join("macros")).unwrap();
    symlink(secret.path(), f.root().join("macros")).unwrap();
    let output = splforge()
        .args(["lint", "--no-cache", "--format", "json", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_no_crash(&output, "lint");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains(SECRET), "{stdout}");
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert!(
        findings.iter().any(|f| f["code"] == "SF001"
            && f["file"] == "macros"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("outside the content root")),
        "{stdout}"
    );
}
