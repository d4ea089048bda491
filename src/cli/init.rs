//! `splforge init [DIR]`: a new contentctl 5.x repository, as `contentctl init` 5.6.2
//! makes it (`scaffold::INIT_FILES`, `scaffold::INIT_DIRECTORIES`). It lints clean, builds,
//! and contentctl 5.6.2 validates it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use crate::scaffold::{INIT_DIRECTORIES, INIT_FILES};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Directory to create the repository in (default: the current directory).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
}

pub(super) fn run(global: &super::GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    init(&args.dir, global.quiet)
}

/// Writes the new repository into `dir` (created when absent). Refuses, writing nothing,
/// when `dir` already holds a `contentctl.yml` or any of the directories it would create,
/// as contentctl does.
fn init(dir: &Path, quiet: bool) -> anyhow::Result<ExitCode> {
    let taken: Vec<&str> = std::iter::once("contentctl.yml")
        .chain(INIT_DIRECTORIES)
        .chain(["app_template"])
        .filter(|name| dir.join(name).symlink_metadata().is_ok())
        .collect();
    if !taken.is_empty() {
        bail!(
            "{} already has {}: run init in a new or empty directory",
            dir.display(),
            taken.join(", ")
        );
    }
    for directory in INIT_DIRECTORIES {
        let path = dir.join(directory);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
    }
    for (relative, bytes) in INIT_FILES {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        std::io::Write::write_all(&mut file, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !quiet {
        super::terminal::print_text(&format!(
            "created a contentctl 5.x repository in {} ({} files); next: splforge --root {} build\n",
            dir.display(),
            INIT_FILES.len(),
            dir.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
