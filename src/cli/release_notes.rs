//! `splforge release-notes`: what changed in the content between two git revisions.

use std::process::ExitCode;

use super::repository::load_config;
use super::{GlobalArgs, terminal};
use crate::release_notes::{self, GitRepository, Snapshot};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The older revision (commit, tag or branch).
    #[arg(long, value_name = "REF")]
    from: String,
    /// The newer revision.
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    to: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
}

pub(super) fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let config = load_config(global)?;
    let git = GitRepository::open(&global.root)?;
    let from = git.resolve(&args.from)?;
    let to = git.resolve(&args.to)?;
    let load = |revision| -> anyhow::Result<Snapshot> {
        Ok(release_notes::load_revision(&git, revision, config.limits)?)
    };
    let (old, new) = (load(&from)?, load(&to)?);
    let notes = release_notes::compare(from, to, &old, &new);
    let text = match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&notes)?;
            text.push('\n');
            text
        }
        Format::Markdown => notes.to_markdown(),
    };
    terminal::print_text(&text);
    Ok(ExitCode::SUCCESS)
}
