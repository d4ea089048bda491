//! `splforge report attack`: ATT&CK coverage of the production detections.

use std::path::PathBuf;
use std::process::ExitCode;

use super::atomic::write_atomically;
use super::repository::load_config;
use super::{GlobalArgs, print_human, print_out, terminal};
use crate::load;
use crate::model::Content;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    #[command(subcommand)]
    report: ReportKind,
}

#[derive(Debug, clap::Subcommand)]
enum ReportKind {
    /// ATT&CK coverage of the production detections: a Navigator layer (format 4.5), or
    /// with --markdown a coverage summary per tactic.
    Attack {
        /// Write to FILE (atomically) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Print the markdown coverage summary instead of the layer.
        #[arg(long)]
        markdown: bool,
    },
}

pub(super) fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let ReportKind::Attack { out, markdown } = &args.report;
    let markdown = *markdown;
    let config = load_config(global)?;
    crate::attack::prefetch(&config.attack_version);
    let repository = load::load_repository(&global.root, config.limits);
    let content = Content::build(&repository);
    let catalogue = crate::attack::catalogue(&config.attack_version)?;
    let coverage = content.attack_coverage();
    let text = if markdown {
        crate::attack::coverage_markdown(catalogue, &coverage)
    } else {
        let name = format!("{} ATT&CK coverage", config.app.title);
        let layer = crate::attack::navigator_layer(catalogue, &coverage, &name);
        serde_json::to_string_pretty(&layer)? + "\n"
    };
    match out {
        Some(path) => {
            write_atomically(path, text.as_bytes())?;
            if !global.quiet {
                terminal::stderr_line(format!("Wrote {}", path.display()));
            }
            Ok(ExitCode::SUCCESS)
        }
        None if markdown => print_human(&text),
        None => print_out(&text),
    }
}
