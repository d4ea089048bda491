//! `splforge docs`: the documentation, as Jekyll markdown and a static HTML site.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;

use super::progress::Progress;
use super::repository::{load_config, output_dir, require_content};
use super::{GlobalArgs, exit_without_freeing, terminal};
use crate::docs::DocsFormat;
use crate::model::Content;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Output directory (default: `[docs] out` of splforge.toml, `docs_site`, under the root).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write only this format (default: both).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Serve the HTML site on 127.0.0.1 instead of writing it: pages are rendered again
    /// when content changes, open pages reload, lint findings show at the top.
    #[arg(long, conflicts_with_all = ["out", "format"])]
    serve: bool,
    /// The port `--serve` listens on (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 8000, requires = "serve")]
    port: u16,
}

/// The formats `docs` writes, each to a subdirectory of the output named after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Jekyll markdown, to OUT/markdown.
    Markdown,
    /// A static HTML site with client-side search, to OUT/html.
    Html,
}

pub(super) fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    if args.serve {
        return super::docs_serve::serve(global, args.port);
    }
    let started = Instant::now();
    let config = load_config(global)?;
    require_content(&global.root)?;
    let out = output_dir(global, args.out.as_deref(), &config.docs.out, "[docs] out")?;
    // One layout whatever is asked for: OUT/markdown and OUT/html, so that one format
    // written after both (or the other way round) replaces only its own site.
    let formats: &[(DocsFormat, &str)] = match args.format {
        Some(Format::Markdown) => &[(DocsFormat::Markdown, "markdown")],
        Some(Format::Html) => &[(DocsFormat::Html, "html")],
        None => &[
            (DocsFormat::Markdown, "markdown"),
            (DocsFormat::Html, "html"),
        ],
    };
    let progress = Progress::new("Docs", 2 + formats.len() as u64, global.quiet);
    progress.step("reading content");
    crate::attack::prefetch(&config.attack_version);
    // Pages are rendered from the model alone: each file's tree is freed once read.
    let (repository, mut content, _) = Content::load(&global.root, config.limits, |_, _, _| ());
    crate::check::keep_what_the_format_reads(&mut content, &repository, &config);
    let catalogue = crate::attack::catalogue(&config.attack_version)?;
    // Every format is rendered before anything is written, and written as one change.
    let mut sites = Vec::with_capacity(formats.len());
    for (format, subdir) in formats {
        let target = out.join(subdir);
        progress.step(terminal::escape(&format!("rendering {}", target.display())));
        let options = super::docs_serve::options(&config, &global.root, *format, catalogue);
        let rendered = crate::docs::render_docs(&content, &repository, &options)
            .with_context(|| format!("cannot render docs for {}", target.display()))?;
        sites.push((target, rendered));
    }
    progress.step(terminal::escape(&format!("writing {}", out.display())));
    let targets: Vec<(&Path, &crate::docs::RenderedDocs)> =
        sites.iter().map(|(t, r)| (t.as_path(), r)).collect();
    crate::docs::write_all(&targets)
        .with_context(|| format!("cannot write docs to {}", out.display()))?;
    progress.finish();
    if !global.quiet {
        for (target, rendered) in &sites {
            terminal::stderr_line(format!(
                "Wrote {} to {}",
                terminal::counted(rendered.report.files, "file"),
                target.display()
            ));
            for note in &rendered.report.notes {
                terminal::stderr_line(format!("  note: {note}"));
            }
        }
        terminal::stderr_line(format!(
            "Docs of {} in {:.0?}",
            terminal::counted(content.detections.len(), "detection"),
            started.elapsed()
        ));
    }
    exit_without_freeing((repository, content, sites));
    Ok(ExitCode::SUCCESS)
}
