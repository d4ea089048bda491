//! The command line: argument parsing, configuration, output formats. The only module that
//! prints, reads the clock or the environment, or decides the exit code.
//!
//! One file per command (`lint.rs`, `build.rs`, ...), each with its arguments; this file
//! holds the global options, the list of commands and the dispatch. What several commands
//! share: `repository.rs` (finding the root, the configuration, output directories),
//! `atomic.rs` (writing a file), `clock.rs` (today), `terminal.rs` (text for people),
//! `output.rs` (findings).
//!
//! Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or I/O failure.

mod atomic;
mod build;
mod clean;
mod clock;
mod completions;
mod docs;
mod docs_serve;
mod explain;
mod github;
mod init;
mod lint;
mod migrate;
mod new;
pub mod output;
pub mod progress;
mod release_notes;
mod report;
mod repository;
mod rule_docs;
mod rules;
mod sarif;
mod schema;
mod server;
mod terminal;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "splforge",
    version,
    about = "Lint, build and document Splunk security content (detection as code)",
    long_about = "Lint, build and document Splunk security content kept as YAML in the \
                  layout of splunk/security_content (detections/, macros/, stories/, ...).\n\n\
                  Exit codes: 0 clean, 1 error-level findings, 2 usage or I/O failure."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: GlobalArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GlobalArgs {
    /// Content root (the directory holding detections/, macros/, ...). Default: the
    /// nearest of the working directory and its parents that holds splforge.toml,
    /// contentctl.yml or a content directory.
    #[arg(long = "root", global = true, value_name = "DIR")]
    root_arg: Option<PathBuf>,
    /// The root in use: `--root`, or the one found from the working directory.
    #[arg(skip)]
    pub(crate) root: PathBuf,
    /// The working directory relative to the root, when it is inside it: paths are shown
    /// from there.
    #[arg(skip)]
    pub(crate) here: PathBuf,
    /// Print only findings: no summary line.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    /// ATT&CK Enterprise release for checks and enrichment (overrides `attack_version`).
    #[arg(long, global = true, value_name = "VERSION")]
    pub(crate) attack_version: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check content against the schemas and rules.
    ///
    /// With PATHs (files or directories), only findings in those files are reported;
    /// the rest of the repository is still read so that references resolve.
    ///
    /// Findings are cached (in `.splforge_cache/` under the root by default) with a hash of
    /// every file and of the configuration: linting unchanged content again only stats the
    /// files and prints the same findings; any change re-checks everything.
    Lint(lint::Args),
    /// Remove the lint cache directory (only one that splforge made).
    Clean(clean::Args),
    /// Print the JSON Schema of a content type (all types' names without TYPE).
    Schema(schema::Args),
    /// Build the Splunk app: lint, then render every .conf and pack a reproducible .tar.gz.
    ///
    /// Refuses to build while lint reports error-level findings. Writes OUT/<appid>/ and
    /// OUT/<appid>-<version>.tar.gz through a temporary directory: a failed build leaves the
    /// previous output intact. Timestamps come from SOURCE_DATE_EPOCH, else from the last
    /// commit of the content, else from its newest date, so two builds of the same input are
    /// byte-identical.
    Build(build::Args),
    /// Write documentation pages: Jekyll markdown and a static HTML site.
    ///
    /// Writes OUT/markdown and OUT/html (one of them with --format). Each is replaced
    /// atomically: a failed run leaves the previous site as it was.
    Docs(docs::Args),
    /// Show how splforge reads a detection's search: the expanded search, the fields after
    /// each stage, and where each field the detection names comes from.
    Explain(explain::Args),
    /// List every rule with its code, severity and summary.
    Rules(rules::ListArgs),
    /// Reports over the content.
    Report(report::Args),
    /// Explain one rule: why it matters, with a bad and a good example.
    Rule(rules::RuleArgs),
    /// Write a new detection, story, macro or data source from a template: a fresh UUID,
    /// today's date and the conventional file name. Prompts for the name on a terminal.
    New(new::Args),
    /// Convert content to another format generation, in place, keeping key order and
    /// comments. `--to 5` turns 4.x detections' observables, impact and confidence into
    /// an `rba:` block and stories, baselines and lookups into their 5.x form, creates
    /// `removed/`, then prints the content defects it cannot fix (exit 1 while any remain).
    Migrate(migrate::Args),
    /// Create a new contentctl 5.x repository, as `contentctl init` 5.6.2 does: contentctl.yml,
    /// one detection with its story, macros and data source, the default deployments, the app
    /// template and every content directory. Refuses a directory that already has any of them.
    Init(init::Args),
    /// What changed in the content between two git revisions: new, updated, deprecated and
    /// removed detections (by analytic story), stories, macros, lookups and data sources, as
    /// Markdown (default) or JSON (`--format json`). Reads git with the `git` command.
    ReleaseNotes(release_notes::Args),
    /// Run the language server (LSP over stdin/stdout) for editors: diagnostics as you
    /// type, hover, definitions, references, completion and quick fixes.
    Server(server::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    repository::resolve_root(&mut cli.global);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            terminal::stderr_line(format!("error: {e:#}"));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = &cli.global;
    match &cli.command {
        Command::Lint(args) => lint::run(global, args),
        Command::Clean(args) => clean::run(global, args),
        Command::Schema(args) => schema::run(args),
        Command::Explain(args) => explain::run(global, args),
        Command::Docs(args) => docs::run(global, args),
        Command::Build(args) => build::run(global, args),
        Command::Report(args) => report::run(global, args),
        Command::Rules(args) => rules::list(args),
        Command::Rule(args) => rules::explain(args),
        Command::New(args) => new::run(global, args),
        Command::Migrate(args) => migrate::run(global, args),
        Command::Init(args) => init::run(global, args),
        Command::ReleaseNotes(args) => release_notes::run(global, args),
        Command::Server(args) => server::run(global, args),
        Command::Completions(args) => completions::run(args),
    }
}

/// Prints machine output (JSON, SARIF, workflow commands) or the findings' human format
/// (escaped as it is written) as it is.
fn print_out(text: &str) -> anyhow::Result<ExitCode> {
    terminal::print_raw(text);
    Ok(ExitCode::SUCCESS)
}

/// Prints text for people, with control and bidirectional characters escaped.
fn print_human(text: &str) -> anyhow::Result<ExitCode> {
    terminal::print_text(text);
    Ok(ExitCode::SUCCESS)
}

/// Lets go of the loaded repository and its model without freeing them. The command is about
/// to return and the process to exit, and freeing their hundreds of thousands of small
/// allocations one by one took the main thread 70 M instructions (~15 ms) of a full lint.
fn exit_without_freeing<T>(value: T) {
    std::mem::forget(value);
}
