//! `splforge server`: runs the language server (`crate::server`) on stdin/stdout. Here: the
//! edge's part, which reads the clock and the configuration and names where rule
//! documentation is published; the protocol and the features are in `src/server/`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::clock::today;
use super::repository::load_config;
use super::{GlobalArgs, sarif};
use crate::server::{ServerOptions, serve};

/// `splforge server` takes no arguments of its own (it speaks LSP on stdin/stdout).
#[derive(Debug, clap::Args)]
pub(super) struct Args {}

pub(super) fn run(global: &GlobalArgs, _args: &Args) -> anyhow::Result<ExitCode> {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let options = ServerOptions {
        today: today(),
        rule_docs: sarif::RULES_URL.to_owned(),
    };
    let served = serve(&connection, &options, |client_root: Option<PathBuf>| {
        // The root the client opened, unless `--root` was given; without either, the one
        // found from the working directory.
        let root = match client_root {
            Some(root) if global.root_arg.is_none() => root,
            _ => global.root.clone(),
        };
        let root = std::fs::canonicalize(&root)
            .map_err(|e| format!("content root `{}`: {e}", root.display()))?;
        let global = GlobalArgs {
            root_arg: Some(root.clone()),
            root: root.clone(),
            here: PathBuf::new(),
            quiet: global.quiet,
            attack_version: global.attack_version.clone(),
        };
        let config = load_config(&global).map_err(|e| format!("{e:#}"))?;
        Ok((root, config))
    });
    drop(connection);
    let joined = io_threads.join();
    served?;
    joined?;
    Ok(ExitCode::SUCCESS)
}
