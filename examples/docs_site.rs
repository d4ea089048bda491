//! Renders the docs of a content repository: `docs_site ROOT OUT markdown|html`.
//! A stand-in for `splforge docs` until the CLI wires it; used by scripts/bench-docs.sh.

use std::path::Path;
use std::time::Instant;

use splforge::docs::{self, DocsFormat, DocsOptions, TechniqueTable};
use splforge::load::{LoadLimits, load_repository};
use splforge::model::Content;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, root, out, rest @ ..] = args.as_slice() else {
        anyhow::bail!("usage: docs_site ROOT OUT [--attack TECHNIQUES.jsonl] [markdown|html]...");
    };
    let (table, formats) = match rest {
        [flag, path, formats @ ..] if flag == "--attack" => (
            TechniqueTable::from_jsonl(&std::fs::read_to_string(path)?),
            formats,
        ),
        formats => (TechniqueTable::default(), formats),
    };
    let start = Instant::now();
    let repository = load_repository(Path::new(root), LoadLimits::default());
    let content = Content::build(&repository);
    let loaded = start.elapsed();
    let formats: Vec<&str> = if formats.is_empty() {
        vec!["markdown", "html"]
    } else {
        formats.iter().map(String::as_str).collect()
    };
    for name in formats {
        let format = DocsFormat::from_name(name)
            .ok_or_else(|| anyhow::anyhow!("unknown format {name:?}"))?;
        let began = Instant::now();
        let options = DocsOptions::new(format, &table);
        let target = Path::new(out).join(name);
        let rendered = docs::render_docs(&content, &repository, &options)?;
        let rendered_in = began.elapsed();
        rendered.write_to(&target)?;
        let report = rendered.report;
        eprintln!(
            "{name}: {} files, rendered in {:.3}s, written in {:.3}s ({:?})",
            report.files,
            rendered_in.as_secs_f64(),
            (began.elapsed() - rendered_in).as_secs_f64(),
            report.pages
        );
        for note in &report.notes {
            eprintln!("  note: {note}");
        }
    }
    eprintln!(
        "load+model {:.3}s, total {:.3}s",
        loaded.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
