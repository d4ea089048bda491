//! The command line: argument parsing, configuration, output formats. The only module that
//! prints, reads the clock or the environment, or decides the exit code.
//!
//! Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or I/O failure.

mod authoring;
mod docs_serve;
mod github;
mod init;
mod output;
pub mod progress;
mod rule_docs;
mod sarif;
mod terminal;

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::cache;
use crate::check::{self, CheckOptions, RULES, Severity};
use crate::cli::progress::Progress;
use crate::config::{Config, ConfigError};
use crate::load::{self, ContentKind};
use crate::model::{Content, Generation};

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
    /// Content root (the directory holding detections/, macros/, ...).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
    /// Output format: for findings `human` (default), `json`, `sarif` or `github`; for
    /// `docs`, `markdown` or `html` (default: both).
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print only findings: no summary line.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    /// ATT&CK Enterprise release for checks and enrichment (overrides `attack_version`).
    #[arg(long, global = true, value_name = "VERSION")]
    attack_version: Option<String>,
}

/// Where the lint cache is kept. `lint` remembers its findings with a hash of every file
/// and of the configuration, so linting unchanged content again only stats the files.
#[derive(Debug, clap::Args)]
struct CacheArgs {
    /// Neither read nor write the lint cache.
    #[arg(long)]
    no_cache: bool,
    /// Cache directory (default: `[cache] dir` of splforge.toml, `.splforge_cache`, under
    /// the root).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

/// The cache directory: `--cache-dir`, else `[cache] dir` under the root (which must stay
/// inside it); either way not the root or inside a directory splforge reads.
fn cache_dir(given: Option<&Path>, root: &Path, config: &Config) -> anyhow::Result<PathBuf> {
    let dir = match given {
        Some(dir) => dir.to_path_buf(),
        None => crate::ownership::configured_path(root, &config.cache.dir, "[cache] dir")?,
    };
    crate::ownership::check_outside_inputs(root, &dir, "the cache directory")?;
    Ok(dir)
}

/// This machine's cache key (`$XDG_CACHE_HOME/splforge/key` or `~/.cache/splforge/key`,
/// made on first use); `None`, and so no cache, when there is no place for it.
fn machine_key() -> Option<cache::MachineKey> {
    let dir = cache::key_dir(
        std::env::var_os("XDG_CACHE_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )?;
    cache::MachineKey::load_or_create(&dir).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// rustc-style, in colour on a terminal (`NO_COLOR` turns colour off).
    Human,
    /// One JSON array of findings.
    Json,
    Markdown,
    Html,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

#[derive(Debug, Subcommand)]
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
    Lint {
        /// Files or directories to report on (default: the whole root).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// Remove the lint cache directory (only one that splforge made).
    Clean {
        /// Cache directory (default: `[cache] dir` of splforge.toml, `.splforge_cache`, under
        /// the root).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Print the JSON Schema of a content type (all types' names without TYPE).
    Schema {
        /// detection, baseline, story, macro, lookup, data_source, deployment, investigation,
        /// dashboard.
        #[arg(value_name = "TYPE")]
        kind: Option<String>,
        /// Format generation: 2022, 4 or 5 (default: 4).
        #[arg(long, default_value = "4")]
        generation: String,
        /// Format version (`contentctl-4.1`, ...; `splforge schema --format-version list`
        /// lists them): that version's schema, which wins over --generation.
        #[arg(long, value_name = "VERSION")]
        format_version: Option<String>,
    },
    /// Build the Splunk app: lint, then render every .conf and pack a reproducible .tar.gz.
    ///
    /// Refuses to build while lint reports error-level findings. Writes OUT/<appid>/ and
    /// OUT/<appid>-<version>.tar.gz through a temporary directory: a failed build leaves the
    /// previous output intact. The archive's timestamps come from SOURCE_DATE_EPOCH (0 when
    /// unset), so two builds of the same input are byte-identical.
    Build {
        /// Output directory (default: `[build] out` of splforge.toml, `dist`, under the root).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Build even when lint finds errors (they are still counted and reported).
        #[arg(long)]
        force: bool,
    },
    /// Write documentation pages: Jekyll markdown and/or a static HTML site.
    ///
    /// Without --format, writes both, to OUT/markdown and OUT/html. The output directory is
    /// replaced atomically: a failed run leaves the previous site as it was.
    Docs {
        /// Output directory (default: `[docs] out` of splforge.toml, `docs_site`, under the root).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Serve the HTML site on 127.0.0.1 instead of writing it: pages are rendered
        /// again when content changes, open pages reload, lint findings show at the top.
        #[arg(long, conflicts_with = "out")]
        serve: bool,
        /// The port `--serve` listens on (0: any free port).
        #[arg(long, value_name = "N", default_value_t = 8000, requires = "serve")]
        port: u16,
    },
    /// Show how splforge reads a detection's search: the expanded search, the fields after
    /// each stage, and where each field the detection names comes from.
    Explain {
        /// The detection's file (path) or its name.
        detection: String,
    },
    /// List every rule with its code, severity and summary.
    Rules {
        /// Print the rule reference as markdown (docs/rules.md is this output).
        #[arg(long)]
        markdown: bool,
    },
    /// Reports over the content.
    Report {
        #[command(subcommand)]
        report: ReportKind,
    },
    /// Explain one rule: why it matters, with a bad and a good example.
    Rule {
        /// A rule code (SF201) or name (unknown-story).
        code: String,
    },
    /// Write a new detection, story, macro or data source from a template: a fresh UUID,
    /// today's date and the conventional file name. Prompts for the name on a terminal.
    New {
        #[arg(value_enum)]
        kind: authoring::NewKind,
        /// The object's name (required when stdin is not a terminal).
        #[arg(long)]
        name: Option<String>,
        /// Directory to write to, relative to the root (default: the kind's directory;
        /// detections go to detections/endpoint/).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Author, `Name, Organisation` (default: the app's author_name and author_company).
        #[arg(long)]
        author: Option<String>,
    },
    /// Convert content to another format generation, in place, keeping key order and
    /// comments. `--to 5` turns 4.x detections' observables, impact and confidence into
    /// an `rba:` block and stories, baselines and lookups into their 5.x form, creates
    /// `removed/`, then prints the content defects it cannot fix (exit 1 while any remain).
    Migrate {
        /// Target generation (only 5 for now, and so the default).
        #[arg(long, value_name = "GENERATION", default_value = "5")]
        to: String,
        /// Files or directories to convert (default: every detection).
        paths: Vec<PathBuf>,
        /// Print what would change, write nothing; exit 1 when something would.
        #[arg(long)]
        check: bool,
    },
    /// Create a new contentctl 5.x repository, as `contentctl init` 5.6.2 does: contentctl.yml,
    /// one detection with its story, macros and data source, the default deployments, the app
    /// template and every content directory. Refuses a directory that already has any of them.
    Init {
        /// Directory to create the repository in (default: the current directory).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
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
        Command::Lint { paths, cache } => lint(global, paths, cache),
        Command::Clean { cache_dir } => clean(global, cache_dir.as_deref()),
        Command::Schema {
            kind,
            generation,
            format_version,
        } => schema(kind.as_deref(), generation, format_version.as_deref()),
        Command::Explain { detection } => explain(global, detection),
        Command::Docs {
            serve: true, port, ..
        } => docs_serve::serve(global, *port),
        Command::Docs { out, .. } => docs(global, out.as_deref()),
        Command::Build { out, force } => build(global, out.as_deref(), *force),
        Command::Report {
            report: ReportKind::Attack { out, markdown },
        } => report_attack(global, out.as_deref(), *markdown),
        Command::Rules { markdown: true } => print_human(&rule_docs::markdown()),
        Command::Rules { markdown: false } => {
            let mut out = String::new();
            for rule in RULES {
                out.push_str(&format!(
                    "{}  {:<8} {:<4} {:<22} {}\n",
                    rule.code,
                    rule.severity.as_str(),
                    if rule.on_by_default() { "on" } else { "off" },
                    rule.name,
                    rule.summary
                ));
            }
            print_human(&out)
        }
        Command::Rule { code } => {
            let Some(rule) = check::rule_by_code(code) else {
                bail!("no rule `{code}`; `splforge rules` lists them");
            };
            print_human(&format!(
                "# {} ({}): {}\n\nSeverity: {}, {}\n\n{}\n\n{}\n",
                rule.code,
                rule.name,
                rule.summary,
                rule.severity.as_str(),
                if rule.on_by_default() {
                    "on by default"
                } else {
                    "off by default"
                },
                rule.doc(),
                rule_docs::format_versions(rule.code)
            ))
        }
        Command::New {
            kind,
            name,
            dir,
            author,
        } => authoring::new(
            global,
            *kind,
            name.as_deref(),
            dir.as_deref(),
            author.as_deref(),
            &today(),
        ),
        Command::Migrate { to, paths, check } => authoring::migrate(global, to, paths, *check),
        Command::Init { dir } => init::init(dir, global.quiet),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Generated whole, then written as all output is: clap_complete panics on a
            // closed pipe (`splforge completions bash | head -1`).
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut command, "splforge", &mut script);
            print_out(&String::from_utf8_lossy(&script))
        }
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

/// Loads the configuration (with command-line overrides), or fails with the position of
/// the problem.
/// Fails (exit 2) when `root` has none of the content directories: an empty directory, or
/// a `--root` one level too deep (`--root detections`), would otherwise pass green with
/// nothing checked, built or documented.
fn require_content(root: &Path) -> anyhow::Result<()> {
    let kinds = crate::load::ContentKind::ALL;
    if kinds
        .iter()
        .any(|kind| root.join(kind.directory()).is_dir())
    {
        return Ok(());
    }
    let directories: Vec<String> = kinds
        .iter()
        .map(|kind| format!("{}/", kind.directory()))
        .collect();
    bail!(
        "no content found under {}: it has none of {}; pass the repository's root with --root",
        root.display(),
        directories.join(", ")
    )
}

fn load_config(global: &GlobalArgs) -> anyhow::Result<Config> {
    let root = &global.root;
    if !root.is_dir() {
        bail!("content root `{}` is not a directory", root.display());
    }
    match Config::discover(root) {
        Ok((mut config, _)) => {
            if let Some(version) = &global.attack_version {
                config.attack_version = version.clone();
            }
            crate::attack::check_version(&config.attack_version)?;
            match &config.format {
                Some(name) => {
                    crate::format::by_name(name).map_err(|e| {
                        anyhow::anyhow!("invalid configuration in splforge.toml: {e}")
                    })?;
                    config.format_source = Some("from splforge.toml".to_owned());
                }
                None => {
                    if let Some(inferred) = crate::format::infer(root) {
                        config.format = Some(inferred.format.name.clone());
                        config.format_source = Some(format!("inferred from {}", inferred.reason));
                    }
                }
            }
            check::RuleSelection::from_config(&config.lint)
                .map_err(|e| anyhow::anyhow!("invalid configuration in splforge.toml: {e}"))?;
            Ok(config)
        }
        Err(ConfigError::Invalid {
            path,
            message,
            span: Some(span),
            text,
        }) => {
            let at =
                crate::load::source::LineIndex::new(&text).line_col(&text, span.start as usize);
            bail!(
                "invalid configuration at {}:{}:{}: {message}",
                path.display(),
                at.line,
                at.column
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// What lint's findings are shown with: the loaded repository, or, for a cached run, the
/// text of the files the findings point into (none when the output itself was cached).
enum Checked {
    Loaded(load::Repository),
    Cached(Vec<load::SourceFile>),
}

fn lint(
    global: &GlobalArgs,
    paths: &[PathBuf],
    cache_args: &CacheArgs,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let now_nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    if matches!(global.format, Format::Markdown | Format::Html) {
        bail!(
            "`lint` prints findings as human or json, not {:?}",
            global.format
        )
    }
    let root = &global.root;
    let config = load_config(global)?;
    require_content(root)?;
    let only_files = if paths.is_empty() {
        None
    } else {
        Some(selected_files(root, paths)?)
    };
    let options = CheckOptions {
        today: today(),
        only_files,
    };
    let colour = use_colour();
    let prefix = root_prefix(root);
    // Everything the printed text depends on besides the findings and the files.
    let render_key = format!(
        "{:?} colour={colour} prefix={}",
        global.format,
        prefix.display()
    );
    let cache = if cache_args.no_cache {
        None
    } else {
        let key = cache::LintKey {
            config: &config,
            today: &options.today,
            only_files: options.only_files.as_deref(),
        };
        let dir = cache_dir(cache_args.cache_dir.as_deref(), root, &config)?;
        machine_key().map(|machine| cache::LintCache::new(&dir, &key, &machine))
    };
    let mut snapshot = None;
    // The generation most files show, for the summary line when no format is chosen.
    let mut generation = None;
    // Stores the per-file results a whole-repository run used, for the next run.
    let mut facts_writer = None;
    let hit = cache
        .as_ref()
        .and_then(|c| c.lookup(root, config.limits, &render_key));
    let (report, checked, rendered) = match hit {
        Some(hit) => (hit.report, Checked::Cached(hit.sources), hit.rendered),
        None => {
            crate::attack::prefetch(&config.attack_version);
            // The per-file results of the last run, reused where their input is the same,
            // read while the files are stated.
            // Without a cache there is nothing to read, and no thread to start: on a busy
            // pool, waiting for a new thread to be scheduled cost milliseconds.
            let (taken, facts) = match &cache {
                None => (None, None),
                Some(cache) => std::thread::scope(|scope| {
                    let facts = scope.spawn(|| check::facts::Facts::reusing(cache.facts()));
                    let taken = cache::Snapshot::take(root, config.limits, now_nanos);
                    (taken, facts.join().ok())
                }),
            };
            snapshot = taken;
            let (repository, content, mut report) = match &options.only_files {
                // Pre-commit mode reads only what the named files' references need
                // (load::narrow).
                Some(files) => {
                    let mut repository = load::load_for_files(root, files, config.limits);
                    let (content, report) =
                        check::model_and_check(&mut repository, &config, &options, facts.as_ref());
                    (repository, content, report)
                }
                None => check::load_and_check(root, &config, &options, facts.as_ref()),
            };
            // Written while the findings are rendered, and freed then: at 100k detections
            // they are 100 MB. A pre-commit run uses a few files' results: storing them
            // would drop the rest.
            if let (Some(cache), Some(facts), None) =
                (&cache, report.facts.take(), &options.only_files)
            {
                let cache = cache.clone();
                facts_writer = Some(std::thread::spawn(move || {
                    // A cache that cannot be written only costs speed.
                    let _ = cache.store_facts(facts);
                }));
            }
            // Decoded in the background while loading; a decoding error surfaces here.
            crate::attack::catalogue(&config.attack_version)?;
            generation = Some(content.generation);
            exit_without_freeing(content);
            (report, Checked::Loaded(repository), None)
        }
    };
    let text = match rendered {
        Some(text) => text,
        None => {
            let sources = match &checked {
                Checked::Loaded(repository) => output::Sources::new(repository, &report),
                Checked::Cached(files) => output::Sources::from_files(files.iter(), &report),
            };
            render_findings(global.format, &report, &sources, &config, &prefix, colour)
        }
    };
    if let Some(writer) = facts_writer {
        let _ = writer.join();
    }
    print_out(&text)?;
    if let (Some(cache), Some(snapshot)) = (&cache, &snapshot) {
        // A cache that cannot be written (a read-only checkout) only costs speed.
        let _ = cache.store(root, snapshot, &report, (&render_key, &text));
    }
    if global.format == Format::Human && !global.quiet {
        let format = match (&config.format, &config.format_source, generation) {
            (Some(name), Some(source), _) => format!(", format {name}, {source}"),
            (_, _, Some(generation)) => crate::format::default_for(generation)
                .map(|f| format!(", format {}, the default for its files", f.name))
                .unwrap_or_default(),
            _ => String::new(),
        };
        eprintln!(
            "Checked {} in {:.0?}{}{format}: {}, {}",
            counted(report.files_checked, "file"),
            started.elapsed(),
            match checked {
                Checked::Cached(_) => " (cached)",
                Checked::Loaded(_) => "",
            },
            counted(report.count(Severity::Error), "error"),
            counted(report.count(Severity::Warning), "warning")
        );
        let effective = config
            .format()
            .or_else(|| generation.and_then(crate::format::default_for));
        for (dir, files) in effective
            .map(|format| crate::format::unread_directories(root, format))
            .unwrap_or_default()
        {
            let plural = if files == 1 { "" } else { "s" };
            eprintln!(
                "note: {dir}/ ({files} file{plural}) is not read: splforge does not check, build or document it"
            );
        }
    }
    let errors = report.count(Severity::Error);
    exit_without_freeing((report, checked));
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Lets go of the loaded repository and its model without freeing them. The command is about
/// to return and the process to exit, and freeing their hundreds of thousands of small
/// allocations one by one took the main thread 70 M instructions (~15 ms) of a full lint.
fn exit_without_freeing<T>(value: T) {
    std::mem::forget(value);
}

/// The findings as `lint` prints them in `format` (human, json, sarif or github).
fn render_findings(
    format: Format,
    report: &check::Report,
    sources: &output::Sources<'_>,
    config: &Config,
    prefix: &Path,
    colour: bool,
) -> String {
    match format {
        Format::Json => format!("{}\n", output::json(&report.findings, sources)),
        Format::Sarif => {
            let selection = check::RuleSelection::from_config(&config.lint).unwrap_or_default();
            sarif::log(&report.findings, sources, prefix, &selection)
        }
        Format::Github => github::annotations(&report.findings, sources, prefix),
        Format::Human | Format::Markdown | Format::Html => {
            let findings: Vec<&check::Finding> = report.findings.iter().collect();
            render_human(&findings, sources, colour)
        }
    }
}

/// Findings rustc-style, each followed by a line break.
fn render_human(
    findings: &[&check::Finding],
    sources: &output::Sources<'_>,
    colour: bool,
) -> String {
    use rayon::prelude::*;
    let palette = output::Palette::new(colour);
    // Each finding renders on its own (snippets, line lookups); a full lint of the corpus
    // has a thousand of them, so they render in parallel, joined in order.
    let rendered: Vec<String> = findings
        .par_iter()
        .map(|finding| output::human(finding, sources, palette))
        .collect();
    let mut text = String::with_capacity(rendered.iter().map(|r| r.len() + 1).sum());
    for finding in rendered {
        text.push_str(&finding);
        text.push('\n');
    }
    text
}

fn clean(global: &GlobalArgs, given: Option<&Path>) -> anyhow::Result<ExitCode> {
    let config = load_config(global)?;
    let dir = cache_dir(given, &global.root, &config)?;
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
                "Removed the cache files in {}; kept {kept} file(s) splforge did not make",
                dir.display()
            )),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn build(global: &GlobalArgs, out: Option<&Path>, force: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let config = load_config(global)?;
    require_content(&global.root)?;
    let out = output_dir(global, out, &config.build.out, "[build] out")?;
    let build_time = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse()
            .with_context(|| format!("SOURCE_DATE_EPOCH `{value}` is not a number of seconds"))?,
        Err(_) => 0,
    };
    let build_options = crate::package::BuildOptions {
        build_time,
        attack: None,
    };
    let progress = Progress::new("Building", 2, global.quiet);
    progress.step("reading, checking and rendering content");
    crate::attack::prefetch(&config.attack_version);
    let options = CheckOptions {
        today: today(),
        only_files: None,
    };
    // The app is rendered while the rules run, and thrown away if they find errors: a clean
    // build, the usual one, is the one made faster.
    let (mut repository, content, report, files) = check::load_and_check_alongside(
        &global.root,
        &config,
        &options,
        None,
        |repository, content| {
            crate::package::app_files(content, repository, &config, &build_options)
        },
    );
    crate::attack::catalogue(&config.attack_version)?;
    let errors = report.count(Severity::Error);
    if errors > 0 {
        // The errors are shown whether or not `--force` builds past them.
        let sources = output::Sources::new(&repository, &report);
        let errors_only: Vec<&check::Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        progress.suspend(|| print_out(&render_human(&errors_only, &sources, use_colour())))?;
        if !force {
            progress.finish();
            eprintln!(
                "error: not building: lint found {errors} error(s); fix them, or build anyway with --force"
            );
            return Ok(ExitCode::from(1));
        }
        progress.suspend(|| {
            eprintln!("warning: building despite {errors} lint error(s) (--force)");
        });
    }
    // Writing needs only the app's files: the findings and the parsed files are freed on a
    // thread of their own (freeing them took the main thread ~15 ms).
    let parsed = std::mem::take(&mut repository.files);
    std::thread::spawn(move || drop((report, parsed)));
    progress.step("writing and packing the app");
    let built = files
        .and_then(|files| crate::package::write_app(&files, &config, &out, &build_options))
        .with_context(|| format!("cannot build into {}", out.display()))?;
    progress.finish();
    if !global.quiet {
        terminal::stderr_line(format!(
            "Built {} ({} files, {} bytes) from {} detections in {:.0?}",
            built.package.display(),
            built.files,
            built.package_bytes,
            content.detections.len(),
            started.elapsed()
        ));
    }
    exit_without_freeing((repository, content));
    Ok(ExitCode::SUCCESS)
}

fn docs(global: &GlobalArgs, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    use crate::docs::DocsFormat;
    let started = Instant::now();
    let config = load_config(global)?;
    require_content(&global.root)?;
    let out = output_dir(global, out, &config.docs.out, "[docs] out")?;
    let formats: &[(DocsFormat, &str)] = match global.format {
        Format::Markdown => &[(DocsFormat::Markdown, "")],
        Format::Html => &[(DocsFormat::Html, "")],
        Format::Human => &[
            (DocsFormat::Markdown, "markdown"),
            (DocsFormat::Html, "html"),
        ],
        Format::Json | Format::Sarif | Format::Github => {
            bail!("`docs` writes markdown or html: use --format markdown|html")
        }
    };
    let progress = Progress::new("Docs", 2 + formats.len() as u64, global.quiet);
    progress.step("reading content");
    crate::attack::prefetch(&config.attack_version);
    // Pages are rendered from the model alone: each file's tree is freed once read.
    let (repository, content, _) = Content::load(&global.root, config.limits, |_, _, _| ());
    let catalogue = crate::attack::catalogue(&config.attack_version)?;
    // Every format is rendered before anything is written, and written as one change.
    let mut sites = Vec::with_capacity(formats.len());
    for (format, subdir) in formats {
        let target = if subdir.is_empty() {
            out.clone()
        } else {
            out.join(subdir)
        };
        progress.step(terminal::escape(&format!("rendering {}", target.display())));
        let options = docs_serve::options(&config, &global.root, *format, catalogue);
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
                "Wrote {} files to {}",
                rendered.report.files,
                target.display()
            ));
            for note in &rendered.report.notes {
                terminal::stderr_line(format!("  note: {note}"));
            }
        }
        terminal::stderr_line(format!(
            "Docs of {} detections in {:.0?}",
            content.detections.len(),
            started.elapsed()
        ));
    }
    exit_without_freeing((repository, content, sites));
    Ok(ExitCode::SUCCESS)
}

fn explain(global: &GlobalArgs, target: &str) -> anyhow::Result<ExitCode> {
    let config = load_config(global)?;
    crate::attack::prefetch(&config.attack_version);
    let repository = load::load_repository(&global.root, config.limits);
    let content = Content::build(&repository);
    crate::attack::catalogue(&config.attack_version)?;
    let options = CheckOptions {
        today: today(),
        only_files: None,
    };
    let context = check::Context::new(&repository, &content, &config, &options);
    // A path given relative to the working directory is made relative to the root.
    let relative = output::relative_to(Path::new(target), &global.root)
        .map(|p| crate::load::source::display_path(&p));
    let found = check::explain::explain(&context, relative.as_deref().unwrap_or(target));
    let Some(explanation) = found else {
        bail!(
            "no detection named or at `{target}` under {}",
            global.root.display()
        );
    };
    print_human(&explanation.to_string())
}

fn report_attack(
    global: &GlobalArgs,
    out: Option<&Path>,
    markdown: bool,
) -> anyhow::Result<ExitCode> {
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

/// The output directory of `build` or `docs`: `--out` as given, else the configured one
/// (`setting`), which must stay inside the root; either way not the root, above it, or
/// inside a directory splforge reads.
fn output_dir(
    global: &GlobalArgs,
    given: Option<&Path>,
    configured: &Path,
    setting: &'static str,
) -> anyhow::Result<PathBuf> {
    let out = match given {
        Some(out) => out.to_path_buf(),
        None => crate::ownership::configured_path(&global.root, configured, setting)?,
    };
    crate::ownership::check_outside_inputs(&global.root, &out, "the output directory")?;
    Ok(out)
}

/// Writes a file through a temporary sibling and a rename: never a half-written file.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // A new file gets the mode the umask allows (0666 less it), as an editor's would; a
    // replaced file keeps its own. tempfile's default, 0600, hid `new` and `migrate`
    // output from the rest of a team's checkout.
    let existing = fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Reduced by the umask at creation, as `open(2)` does.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    if let Some(permissions) = existing {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.write_all(bytes)?;
    temp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `1 file`, `2 files`: a count and its noun, in the plural unless it is one.
fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The content files named by the user's paths, relative to the root.
fn selected_files(root: &Path, paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        // Relative to the root first (`lint detections/x.yml --root content`), else to
        // the working directory (pre-commit passes `content/detections/x.yml`).
        let candidate = if root.join(path).exists() {
            root.join(path)
        } else {
            path.clone()
        };
        if !candidate.exists() {
            bail!("`{}` does not exist", path.display());
        }
        let relative = output::relative_to(&candidate, root).with_context(|| {
            format!(
                "`{}` is not inside the content root `{}`",
                path.display(),
                root.display()
            )
        })?;
        if candidate.is_dir() {
            for entry in walkdir::WalkDir::new(&candidate)
                .into_iter()
                .filter_map(Result::ok)
            {
                if entry.file_type().is_file()
                    && let Some(r) = output::relative_to(entry.path(), root)
                {
                    files.push(r);
                }
            }
        } else {
            if ContentKind::of_path(&relative).is_none() {
                bail!(
                    "`{}` is not in a content directory (detections/, macros/, stories/, ...)",
                    path.display()
                );
            }
            files.push(relative);
        }
    }
    Ok(files)
}

/// The content root as a path from the working directory (the repository root in CI),
/// to prefix finding paths with in SARIF and GitHub output; empty for `.`.
fn root_prefix(root: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    match output::relative_to(root, &cwd) {
        Some(relative) => relative,
        None => root.to_path_buf(),
    }
}

fn use_colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn schema(
    kind: Option<&str>,
    generation: &str,
    format_version: Option<&str>,
) -> anyhow::Result<ExitCode> {
    if let Some(version) = format_version {
        if version == "list" {
            let mut out = String::new();
            for format in crate::format::formats()? {
                out.push_str(&format!("{:<24} {}\n", format.name, format.summary));
            }
            return print_out(&out);
        }
        let format = crate::format::by_name(version)?;
        let Some(kind) = kind else {
            let names: Vec<&str> = ContentKind::ALL.iter().map(|k| k.name()).collect();
            return print_out(&format!("{}\n", names.join("\n")));
        };
        let text = check::schema::format_schema_text(kind, format)
            .map_err(|e| anyhow::anyhow!("schema of {kind} in {}: {e}", format.name))?;
        return print_out(&text);
    }
    let Some(generation) = Generation::from_name(generation) else {
        bail!("unknown generation `{generation}`: use 2022, 4 or 5");
    };
    let Some(kind) = kind else {
        let names: Vec<&str> = ContentKind::ALL.iter().map(|k| k.name()).collect();
        return print_out(&format!("{}\n", names.join("\n")));
    };
    let Some(kind) = ContentKind::from_name(kind) else {
        bail!("unknown type `{kind}`; `splforge schema` lists them");
    };
    let Some(text) = check::schema::schema_text(kind, generation) else {
        bail!(
            "no schema for {} in generation {}",
            kind.name(),
            generation.schema_dir()
        );
    };
    print_out(text)
}

/// Today's date, `YYYY-MM-DD` (UTC), from the system clock.
pub(super) fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_of(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// The `YYYY-MM-DD` date (UTC) of a Unix time, by the same calendar the build stamps use.
fn date_of(epoch_seconds: i64) -> String {
    crate::render::BuildStamp::at(epoch_seconds).date
}

#[cfg(test)]
mod tests {
    use super::date_of;

    #[test]
    fn civil_dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(19_723 * 86_400), "2024-01-01");
        assert_eq!(date_of(20_781 * 86_400 + 86_399), "2026-11-24");
    }
}
