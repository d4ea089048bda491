//! `splforge clean`: removes the lint cache (only files splforge made).

use std::path::PathBuf;
use std::process::ExitCode;

use super::repository::{cache_dir, load_config};
use super::{GlobalArgs, terminal};
use crate::cache;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Cache directory (default: `[cache] dir` of splforge.toml, `.splforge_cache`, under
    /// the root).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

pub(super) fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let config = load_config(global)?;
    let dir = cache_dir(args.cache_dir.as_deref(), &global.root, &config)?;
    let cleaned = cache::clean(&dir)?;
    if !global.quiet {
        match cleaned {
            cache::Cleaned::Directory => {
                terminal::stderr_line(format!("Removed {}", dir.display()))
            }
            cache::Cleaned::Nothing => {
                terminal::stderr_line(format!("No cache at {}", dir.display()))
            }
            cache::Cleaned::OursOnly(kept) => terminal::stderr_line(format!(
                "Removed the cache files in {}; kept {} splforge did not make",
                dir.display(),
                terminal::counted(kept, "file")
            )),
        }
    }
    Ok(ExitCode::SUCCESS)
}
