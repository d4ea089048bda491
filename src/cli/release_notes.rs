//! `splforge release-notes`: what changed in the content between two git revisions.

use std::process::ExitCode;

use anyhow::bail;

use super::{Format, GlobalArgs, load_config, terminal};
use crate::release_notes::{self, GitRepository, Snapshot};

pub(super) fn release_notes(global: &GlobalArgs, from: &str, to: &str) -> anyhow::Result<ExitCode> {
    let json = match global.format {
        Format::Human | Format::Markdown => false,
        Format::Json => true,
        Format::Html | Format::Sarif | Format::Github => {
            bail!("`release-notes` prints markdown or json: use --format markdown|json")
        }
    };
    let config = load_config(global)?;
    let git = GitRepository::open(&global.root)?;
    let from = git.resolve(from)?;
    let to = git.resolve(to)?;
    let load = |revision| -> anyhow::Result<Snapshot> {
        Ok(release_notes::load_revision(&git, revision, config.limits)?)
    };
    let (old, new) = (load(&from)?, load(&to)?);
    let notes = release_notes::compare(from, to, &old, &new);
    let text = if json {
        let mut text = serde_json::to_string_pretty(&notes)?;
        text.push('\n');
        text
    } else {
        notes.to_markdown()
    };
    terminal::print_text(&text);
    Ok(ExitCode::SUCCESS)
}
