//! `splforge completions SHELL`: a shell completion script.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub(super) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut command = <super::Cli as clap::CommandFactory>::command();
    // Generated whole, then written as all output is: clap_complete panics on a closed
    // pipe (`splforge completions bash | head -1`).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "splforge", &mut script);
    super::print_out(&String::from_utf8_lossy(&script))
}
