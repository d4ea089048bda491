//! Generates two tables at build time, so that data files and rule docs cannot drift:
//! - `schemas.rs`: every `schemas/<generation>/<type>.schema.json`, embedded with include_str!;
//! - `rule_docs.rs`: the `//!` doc comment of every `src/check/rules/sfNNN_*.rs`, by code;
//! - `rules.rs`: the rule registry, a module per rule file and `RULES` in code order (so a
//!   new rule is its file alone); `rule_fixture_tests.rs`: a test per rule for
//!   `tests/it/rule_fixtures.rs`, which checks the rule on `tests/fixtures/rules/<CODE>/`;
//! - `init_files.rs`: every file under `templates/init/` (what `splforge init` writes, as
//!   `contentctl init` 5.6.2 writes it), embedded with include_bytes!, by relative path.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    write_schemas(&manifest, &out);
    write_formats(&manifest, &out);
    let rules = rule_files(&manifest);
    write_rule_docs(&rules, &out);
    write_rule_registry(&rules, &out);
    write_init_files(&manifest, &out);
    write_build_digest(&manifest);
    write_test_data_cfgs(&manifest);
}

/// `has_shared` and `has_corpus`: whether the data the corpus tests read is there
/// (`../shared`, or `$SPLFORGE_SHARED`; the 2024-10 corpus, or `$SPLFORGE_CORPUS`). A
/// test that needs it is marked `#[cfg_attr(not(has_corpus), ignore = "...")]`, so that
/// without it `cargo test` lists it as ignored, with the reason, and counts it. Decided
/// when the crate is built (again whenever a source file or these variables change).
fn write_test_data_cfgs(manifest: &Path) {
    println!("cargo:rustc-check-cfg=cfg(has_shared)");
    println!("cargo:rustc-check-cfg=cfg(has_corpus)");
    println!("cargo:rerun-if-env-changed=SPLFORGE_SHARED");
    println!("cargo:rerun-if-env-changed=SPLFORGE_CORPUS");
    let shared = std::env::var_os("SPLFORGE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared"));
    if shared.is_dir() {
        println!("cargo:rustc-cfg=has_shared");
    }
    let corpus = std::env::var_os("SPLFORGE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared.join("corpus/security_content-2024-10"));
    if corpus.is_dir() {
        println!("cargo:rustc-cfg=has_corpus");
    }
}

/// `SPLFORGE_BUILD_DIGEST`: a hash of everything compiled or embedded into the binary (the
/// sources, the workspace's crates and their data, schemas, data and locked dependencies). The lint cache keys on it, so a rebuilt
/// splforge never reuses findings of another build, even at the same version.
fn write_build_digest(manifest: &Path) {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut stack: Vec<PathBuf> = ["src", "crates", "schemas", "data", "Cargo.lock", "build.rs"]
        .iter()
        .map(|p| manifest.join(p))
        .collect();
    for path in &stack {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            let mut entries = sorted_entries(&path);
            entries.reverse();
            stack.extend(entries);
        } else if let Ok(bytes) = fs::read(&path) {
            path.strip_prefix(manifest)
                .unwrap_or(&path)
                .hash(&mut hasher);
            bytes.hash(&mut hasher);
        }
    }
    println!(
        "cargo:rustc-env=SPLFORGE_BUILD_DIGEST={:016x}",
        hasher.finish()
    );
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn write_schemas(manifest: &Path, out: &Path) {
    let dir = manifest.join("schemas");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut table = String::from("&[\n");
    for generation_dir in sorted_entries(&dir).into_iter().filter(|p| p.is_dir()) {
        println!("cargo:rerun-if-changed={}", generation_dir.display());
        let generation = generation_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for file in sorted_entries(&generation_dir) {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let Some(kind) = name.strip_suffix(".schema.json") else {
                continue;
            };
            writeln!(
                table,
                "    ({generation:?}, {kind:?}, include_str!({:?})),",
                file.display().to_string()
            )
            .unwrap();
        }
    }
    table.push(']');
    fs::write(out.join("schemas.rs"), table).unwrap();
}

fn write_init_files(manifest: &Path, out: &Path) {
    let dir = manifest.join("templates/init");
    let mut table = String::from("&[\n");
    let mut stack = vec![dir.clone()];
    let mut files = Vec::new();
    while let Some(path) = stack.pop() {
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            stack.extend(sorted_entries(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    for file in files {
        let relative = file.strip_prefix(&dir).unwrap();
        let name: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        writeln!(
            table,
            "    ({:?}, include_bytes!({:?})),",
            name.join("/"),
            file.display().to_string()
        )
        .unwrap();
    }
    table.push(']');
    fs::write(out.join("init_files.rs"), table).unwrap();
}

/// `formats.rs`: every `data/formats/*.toml`, as `(file stem, include_str!)`.
fn write_formats(manifest: &Path, out: &Path) {
    let dir = manifest.join("data/formats");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut table = String::from("&[\n");
    for file in sorted_entries(&dir) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".toml") else {
            continue;
        };
        writeln!(
            table,
            "    ({stem:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .unwrap();
    }
    table.push(']');
    fs::write(out.join("formats.rs"), table).unwrap();
}

/// A rule's file: `src/check/rules/sfNNN_<name>.rs`.
struct RuleFile {
    /// `SF201`.
    code: String,
    /// The module: the file's stem, `sf201_unknown_story`.
    module: String,
    path: PathBuf,
    text: String,
}

/// Every rule file, in code order. A file named like a rule that does not declare its code
/// and name (`sf201_unknown_story.rs`: `code: "SF201"`, `name: "unknown-story"`) stops the
/// build, so the registry and the file names cannot disagree.
fn rule_files(manifest: &Path) -> Vec<RuleFile> {
    let dir = manifest.join("src/check/rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut rules = Vec::new();
    for path in sorted_entries(&dir) {
        let module = path.file_stem().unwrap().to_string_lossy().into_owned();
        let is_rule = path.extension().is_some_and(|e| e == "rs")
            && module.len() > 6
            && module.starts_with("sf")
            && module[2..5].bytes().all(|b| b.is_ascii_digit())
            && module.as_bytes()[5] == b'_';
        if !is_rule {
            continue;
        }
        let code = module[..5].to_uppercase();
        let text = fs::read_to_string(&path).unwrap();
        let name = module[6..].replace('_', "-");
        for field in [format!("code: \"{code}\""), format!("name: \"{name}\"")] {
            assert!(
                text.contains(&field),
                "{} is named like rule {code} {name} but does not declare `{field}`",
                path.display()
            );
        }
        rules.push(RuleFile {
            code,
            module,
            path,
            text,
        });
    }
    rules
}

/// `rules.rs`, included by `src/check/rules/mod.rs`: `mod sfNNN_<name>;` for every rule file
/// and `RULES`, each file's `RULE`, in code order.
fn write_rule_registry(rules: &[RuleFile], out: &Path) {
    let mut registry = String::new();
    let mut tests = String::new();
    for rule in rules {
        writeln!(
            registry,
            "#[path = {:?}]\nmod {};",
            rule.path.display().to_string(),
            rule.module
        )
        .unwrap();
        writeln!(
            tests,
            "#[test]\nfn {}() {{\n    check_rule_fixtures({:?});\n}}",
            rule.module, rule.code
        )
        .unwrap();
    }
    registry.push_str("\n/// Every rule, in code order.\npub static RULES: &[&Rule] = &[\n");
    for rule in rules {
        writeln!(registry, "    &{}::RULE,", rule.module).unwrap();
    }
    registry.push_str("];\n");
    fs::write(out.join("rules.rs"), registry).unwrap();
    fs::write(out.join("rule_fixture_tests.rs"), tests).unwrap();
}

fn write_rule_docs(rules: &[RuleFile], out: &Path) {
    let mut table = String::from("&[\n");
    for rule in rules {
        let doc: Vec<&str> = rule
            .text
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.strip_prefix("//! ")
                    .unwrap_or(l.trim_start_matches("//!"))
            })
            .collect();
        writeln!(table, "    ({:?}, {:?}),", rule.code, doc.join("\n")).unwrap();
    }
    table.push(']');
    fs::write(out.join("rule_docs.rs"), table).unwrap();
}
