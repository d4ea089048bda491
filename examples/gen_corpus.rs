//! Generates a realistic synthetic content repository of N detections, deterministically
//! from a seed, for the scaling benchmark (scripts/scaling.sh).
//!
//! The real corpus is the template: every macro, story, lookup (with its CSV), data source,
//! deployment, baseline and investigation is copied, and each synthetic detection is a real
//! detection (picked by the seeded generator) under a new name, file name and id, with its
//! own filter macro (written to macros/), and a search varied by a seeded `eval` stage before
//! the filter, so the searches are as varied as real content. One extra story per 20
//! detections and one extra lookup (YAML + CSV of a few hundred rows) per 50 keep the
//! proportions of real content. The same seed and count always write the same bytes.
//!
//! Usage: cargo run --release --example gen_corpus -- OUT_DIR N [SEED] [TEMPLATE_CORPUS]
//!   TEMPLATE_CORPUS defaults to ../shared/corpus/security_content-2024-10.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use splforge::load::{self, ContentKind, LoadLimits, Node};

/// SplitMix64: tiny, seeded, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A random (version 4) UUID.
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        let a = (a & !0xF000) | 0x4000; // version 4
        let b = (b & !(0xC << 60)) | (0x8 << 60); // variant 10
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

/// A detection name as contentctl expects its file name: lower case, `_` for the rest.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// A YAML double-quoted scalar (a JSON string is one).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    if !from.exists() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let relative = entry.path().strip_prefix(from).map_err(io::Error::other)?;
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// A real detection to copy: its text and the spans of what gets replaced.
struct Template {
    directory: PathBuf,
    text: String,
    name: Node,
    id: Node,
    /// The filter macro's name and where it is written in the search's source text.
    filter: Option<(String, std::ops::Range<usize>)>,
}

fn templates(corpus: &Path) -> Vec<Template> {
    let repository = load::load_repository(corpus, LoadLimits::default());
    repository
        .files
        .iter()
        .filter(|f| f.kind == ContentKind::Detection)
        .filter_map(|file| {
            let root = file.document.as_ref().ok()?.root.as_ref()?;
            let name = root.get("name")?.clone();
            let id = root.get("id")?.clone();
            let search = root.get("search")?;
            let text = file.source.text.clone();
            let search_text = &text[search.span.range()];
            let filter_name = format!("{}_filter", slug(name.as_str()?));
            let filter = search_text.find(&format!("`{filter_name}`")).map(|at| {
                let start = search.span.start as usize + at;
                (filter_name.clone(), start..start + filter_name.len() + 2)
            });
            Some(Template {
                directory: file.source.path.parent()?.to_path_buf(),
                text,
                name,
                id,
                filter,
            })
        })
        .collect()
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: gen_corpus OUT_DIR N [SEED] [TEMPLATE_CORPUS]";
    let out = PathBuf::from(args.next().expect(usage));
    let count: usize = args.next().and_then(|n| n.parse().ok()).expect(usage);
    let seed: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(42);
    let corpus = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/corpus/security_content-2024-10".into()),
    );
    let mut rng = Rng(seed);
    if out.exists() {
        fs::remove_dir_all(&out)?;
    }
    fs::create_dir_all(&out)?;
    fs::copy(corpus.join("contentctl.yml"), out.join("contentctl.yml"))?;
    for kind in ContentKind::ALL {
        if kind != ContentKind::Detection {
            copy_tree(&corpus.join(kind.directory()), &out.join(kind.directory()))?;
        }
    }
    let templates = templates(&corpus);
    assert!(
        !templates.is_empty(),
        "no detections in {}",
        corpus.display()
    );
    let story_names: Vec<String> = (0..count.div_ceil(20))
        .map(|i| format!("Synthetic Story {i:06}"))
        .collect();
    for i in 0..count {
        let template = &templates[rng.below(templates.len())];
        let base = template.name.as_str().unwrap_or("Detection");
        let name = format!("{base} S{i:06}");
        let new_slug = slug(&name);
        // Edits, applied from the end of the text back so earlier spans stay valid.
        let mut edits: Vec<(std::ops::Range<usize>, String)> = vec![
            (template.name.span.range(), quoted(&name)),
            (template.id.span.range(), rng.uuid()),
        ];
        if let Some((_, range)) = &template.filter {
            let variant = match rng.below(4) {
                0 => String::new(),
                // The filter is preceded by `| `: a variant is a stage of its own before it.
                // No quotes: the search may be a single- or double-quoted YAML scalar.
                1 => format!("eval synthetic_score={} | ", rng.below(100)),
                2 => format!("eval synthetic_bucket={} % 16 | ", rng.below(1000)),
                _ => format!("fillnull value={} | ", rng.below(10)),
            };
            edits.push((range.clone(), format!("{variant}`{new_slug}_filter`")));
            let filter = format!(
                "name: {new_slug}_filter\ndefinition: search *\ndescription: Update this macro to limit the output results to filter out false positives.\n"
            );
            fs::write(
                out.join("macros").join(format!("{new_slug}_filter.yml")),
                filter,
            )?;
        }
        edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
        let mut text = template.text.clone();
        for (range, replacement) in edits {
            text.replace_range(range, &replacement);
        }
        let directory = out.join(&template.directory);
        fs::create_dir_all(&directory)?;
        fs::write(directory.join(format!("{new_slug}.yml")), text)?;
    }
    for (i, name) in story_names.iter().enumerate() {
        let story = format!(
            "name: {name}\nid: {}\nversion: 1\ndate: '2024-10-{:02}'\nauthor: Synthetic Generator, Splunk\ndescription: Synthetic story {i} for scaling benchmarks.\nnarrative: Detections grouped for the scaling benchmark of splforge.\nreferences:\n- https://example.com/synthetic/{i}\ntags:\n  category:\n  - Adversary Tactics\n  product:\n  - Splunk Enterprise\n  - Splunk Enterprise Security\n  - Splunk Cloud\n  usecase: Advanced Threat Detection\n",
            rng.uuid(),
            1 + i % 28
        );
        fs::write(
            out.join("stories").join(format!("{}.yml", slug(name))),
            story,
        )?;
    }
    for i in 0..count.div_ceil(50) {
        let name = format!("synthetic_lookup_{i:06}");
        let yaml = format!(
            "description: Synthetic lookup {i} for scaling benchmarks.\nfilename: {name}.csv\nname: {name}\ndefault_match: 'false'\nmatch_type: WILDCARD(process)\nmin_matches: 1\ncase_sensitive_match: 'false'\n"
        );
        fs::write(out.join("lookups").join(format!("{name}.yml")), yaml)?;
        let mut csv = String::from("process,description,score\n");
        for row in 0..200 + rng.below(300) {
            csv.push_str(&format!(
                "*\\\\proc{row}_{}.exe,\"synthetic, row {row}\",{}\n",
                rng.below(1000),
                rng.below(100)
            ));
        }
        fs::write(out.join("lookups").join(format!("{name}.csv")), csv)?;
    }
    println!(
        "{}: {count} detections (from {} templates), {} extra stories, {} extra lookups, seed {seed}",
        out.display(),
        templates.len(),
        story_names.len(),
        count.div_ceil(50)
    );
    Ok(())
}
