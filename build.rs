//! Generates two tables at build time, so that data files and rule docs cannot drift:
//! - `schemas.rs`: every `schemas/<generation>/<type>.schema.json`, embedded with include_str!;
//! - `rule_docs.rs`: the `//!` doc comment of every `src/check/rules/sfNNN_*.rs`, by code;
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
    write_rule_docs(&manifest, &out);
    write_init_files(&manifest, &out);
    write_build_digest(&manifest);
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

fn write_rule_docs(manifest: &Path, out: &Path) {
    let dir = manifest.join("src/check/rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut table = String::from("&[\n");
    for file in sorted_entries(&dir) {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let Some((code, _)) = stem.split_once('_') else {
            continue;
        };
        if !code.starts_with("sf") {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap_or_default();
        let doc: Vec<&str> = text
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.strip_prefix("//! ")
                    .unwrap_or(l.trim_start_matches("//!"))
            })
            .collect();
        writeln!(
            table,
            "    ({:?}, {:?}),",
            code.to_uppercase(),
            doc.join("\n")
        )
        .unwrap();
    }
    table.push(']');
    fs::write(out.join("rule_docs.rs"), table).unwrap();
}
