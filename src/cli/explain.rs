//! `splforge explain DETECTION`: how one detection's search is read.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use super::repository::load_config;
use super::{GlobalArgs, clock, output, print_human};
use crate::check::{self, CheckOptions};
use crate::load;
use crate::model::Content;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The detection's file (path), its file name without `.yml`, or its name.
    detection: String,
}

pub(super) fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let target = args.detection.as_str();
    let config = load_config(global)?;
    crate::attack::prefetch(&config.attack_version);
    let repository = load::load_repository(&global.root, config.limits);
    let content = Content::build(&repository);
    crate::attack::catalogue(&config.attack_version)?;
    let options = CheckOptions {
        today: clock::today(),
        only_files: None,
    };
    let context = check::Context::new(&repository, &content, &config, &options);
    // A path given relative to the working directory is made relative to the root.
    let relative = output::relative_to(Path::new(target), &global.root)
        .map(|p| crate::load::source::display_path(&p));
    let found = check::explain::explain(&context, relative.as_deref().unwrap_or(target));
    let Some(explanation) = found else {
        let suggestion = check::explain::suggest(&context, target)
            .map(|s| format!("; {s}"))
            .unwrap_or_default();
        bail!(
            "no detection named or at `{target}` under {}{suggestion}",
            global.root.display()
        );
    };
    print_human(&explanation.to_string())
}
