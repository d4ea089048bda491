//! `splforge lint`: the findings of a repository, or of some of its files.
//!
//! A run is a pipeline of named steps: [`Plan::new`] (configuration, selection, cache),
//! [`Plan::cached`] or [`Plan::check`] (the findings), [`Plan::render`] (the text),
//! [`Plan::remember`] (the cache), [`Plan::summarize`] (the summary line), [`exit_code`].

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use super::repository::{cache_dir, load_config, require_content, root_prefix, selected_files};
use super::{GlobalArgs, clock, exit_without_freeing, github, output, print_out, sarif, terminal};
use crate::cache;
use crate::check::{self, CheckOptions, Severity};
use crate::config::Config;
use crate::load;
use crate::model::Generation;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Files or directories to report on (default: the whole root).
    paths: Vec<PathBuf>,
    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    cache: CacheArgs,
}

/// How `lint` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// rustc-style, in colour on a terminal (`NO_COLOR` turns colour off).
    Human,
    /// One JSON array of findings.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
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

/// This machine's cache key (`$XDG_CACHE_HOME/splforge/key` or `~/.cache/splforge/key`,
/// made on first use); `None`, and so no cache, when there is no place for it.
fn machine_key() -> Option<cache::MachineKey> {
    let dir = cache::key_dir(
        std::env::var_os("XDG_CACHE_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )?;
    cache::MachineKey::load_or_create(&dir).ok()
}

pub(super) fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let plan = Plan::new(global, args)?;
    let mut checked = match plan.cached() {
        Some(hit) => hit,
        None => plan.check()?,
    };
    let text = plan.render(&checked);
    if let Some(writer) = checked.facts_writer.take() {
        let _ = writer.join();
    }
    print_out(&text)?;
    plan.remember(&checked, &text);
    plan.summarize(&checked, started);
    let code = exit_code(&checked.report);
    exit_without_freeing(checked);
    Ok(code)
}

/// What a run is asked to do, settled before anything is read.
struct Plan<'g> {
    global: &'g GlobalArgs,
    format: Format,
    config: Config,
    options: CheckOptions,
    colour: bool,
    /// The root as a path from the working directory, for SARIF and GitHub output.
    prefix: PathBuf,
    /// Everything the printed text depends on besides the findings and the files.
    render_key: String,
    cache: Option<cache::LintCache>,
    /// When the run started, for the cache's snapshot of the files.
    now_nanos: i64,
}

/// The findings, and what they are shown with.
struct Checked {
    report: check::Report,
    sources: Shown,
    /// The text a cached run stored, when the output itself was cached.
    rendered: Option<String>,
    /// The files as the run found them, for the cache (`None` for a cached run).
    snapshot: Option<cache::Snapshot>,
    /// The generation most files show, for the summary line when no format is chosen.
    generation: Option<Generation>,
    /// Stores the per-file results a whole-repository run used, for the next run.
    facts_writer: Option<std::thread::JoinHandle<()>>,
}

/// What lint's findings are shown with: the loaded repository, or, for a cached run, the
/// text of the files the findings point into (none when the output itself was cached).
enum Shown {
    Loaded(load::Repository),
    Cached(Vec<load::SourceFile>),
}

impl<'g> Plan<'g> {
    /// Step 1: the configuration, the files asked for, the cache.
    fn new(global: &'g GlobalArgs, args: &Args) -> anyhow::Result<Plan<'g>> {
        let now_nanos = clock::now_nanos();
        let root = &global.root;
        let config = load_config(global)?;
        require_content(root)?;
        let only_files = if args.paths.is_empty() {
            None
        } else {
            Some(selected_files(global, &args.paths)?)
        };
        let options = CheckOptions {
            today: clock::today(),
            only_files,
        };
        let colour = use_colour();
        let prefix = root_prefix(root);
        let render_key = format!(
            "{:?} colour={colour} prefix={} here={}",
            args.format,
            prefix.display(),
            global.here.display()
        );
        let cache = if args.cache.no_cache {
            None
        } else {
            let key = cache::LintKey {
                config: &config,
                today: &options.today,
                only_files: options.only_files.as_deref(),
            };
            let dir = cache_dir(args.cache.cache_dir.as_deref(), root, &config)?;
            machine_key().map(|machine| cache::LintCache::new(&dir, &key, &machine))
        };
        Ok(Plan {
            global,
            format: args.format,
            config,
            options,
            colour,
            prefix,
            render_key,
            cache,
            now_nanos,
        })
    }

    /// Step 2a: a stored run with the same key over unchanged files.
    fn cached(&self) -> Option<Checked> {
        let hit =
            self.cache
                .as_ref()?
                .lookup(&self.global.root, self.config.limits, &self.render_key)?;
        Some(Checked {
            report: hit.report,
            sources: Shown::Cached(hit.sources),
            rendered: hit.rendered,
            snapshot: None,
            generation: None,
            facts_writer: None,
        })
    }

    /// Step 2b: load, model and check, reusing the per-file results of the last run.
    fn check(&self) -> anyhow::Result<Checked> {
        let (root, config, options) = (&self.global.root, &self.config, &self.options);
        crate::attack::prefetch(&config.attack_version);
        // The per-file results of the last run, reused where their input is the same,
        // read while the files are stated. Without a cache there is nothing to read, and
        // no thread to start: on a busy pool, waiting for a new thread to be scheduled
        // cost milliseconds.
        let (snapshot, facts) = match &self.cache {
            None => (None, None),
            Some(cache) => std::thread::scope(|scope| {
                let facts = scope.spawn(|| check::facts::Facts::reusing(cache.facts()));
                let taken = cache::Snapshot::take(root, config.limits, self.now_nanos);
                (taken, facts.join().ok())
            }),
        };
        let (repository, content, mut report) = match &options.only_files {
            // Pre-commit mode reads only what the named files' references need
            // (load::narrow).
            Some(files) => {
                let mut repository = load::load_for_files(root, files, config.limits);
                let (content, report) =
                    check::model_and_check(&mut repository, config, options, facts.as_ref());
                (repository, content, report)
            }
            None => check::load_and_check(root, config, options, facts.as_ref()),
        };
        // Written while the findings are rendered: at 100k detections they are 100 MB. A
        // pre-commit run uses a few files' results: storing them would drop the rest.
        let facts_writer = match (&self.cache, report.facts.take(), &options.only_files) {
            (Some(cache), Some(facts), None) => {
                let cache = cache.clone();
                Some(std::thread::spawn(move || {
                    // A cache that cannot be written only costs speed.
                    let _ = cache.store_facts(facts);
                }))
            }
            _ => None,
        };
        // Decoded in the background while loading; a decoding error surfaces here.
        crate::attack::catalogue(&config.attack_version)?;
        let generation = Some(content.generation);
        exit_without_freeing(content);
        Ok(Checked {
            report,
            sources: Shown::Loaded(repository),
            rendered: None,
            snapshot,
            generation,
            facts_writer,
        })
    }

    /// Step 3: the findings as text, in the format asked for.
    fn render(&self, checked: &Checked) -> String {
        if let Some(text) = &checked.rendered {
            return text.clone();
        }
        let report = &checked.report;
        let sources = match &checked.sources {
            Shown::Loaded(repository) => output::Sources::new(repository, report),
            Shown::Cached(files) => output::Sources::from_files(files.iter(), report),
        }
        .seen_from(&self.global.here);
        match self.format {
            Format::Json => format!("{}\n", output::json(&report.findings, &sources)),
            Format::Sarif => {
                let selection =
                    check::RuleSelection::from_config(&self.config.lint).unwrap_or_default();
                sarif::log(&report.findings, &sources, &self.prefix, &selection)
            }
            Format::Github => github::annotations(&report.findings, &sources, &self.prefix),
            Format::Human => {
                let findings: Vec<&check::Finding> = report.findings.iter().collect();
                render_human(&findings, &sources, self.colour)
            }
        }
    }

    /// Step 4: the run and its text, for the next run over the same files.
    fn remember(&self, checked: &Checked, text: &str) {
        if let (Some(cache), Some(snapshot)) = (&self.cache, &checked.snapshot) {
            // A cache that cannot be written (a read-only checkout) only costs speed.
            let _ = cache.store(
                &self.global.root,
                snapshot,
                &checked.report,
                (&self.render_key, text),
            );
        }
    }

    /// Step 5: the summary line, and a note for each directory splforge does not read.
    fn summarize(&self, checked: &Checked, started: Instant) {
        if self.format != Format::Human || self.global.quiet {
            return;
        }
        let (config, report) = (&self.config, &checked.report);
        let format = match (&config.format, &config.format_source, checked.generation) {
            (Some(name), Some(source), _) => format!(", format {name}, {source}"),
            (_, _, Some(generation)) => crate::format::default_for(generation)
                .map(|f| format!(", format {}, the default for its files", f.name))
                .unwrap_or_default(),
            _ => String::new(),
        };
        eprintln!(
            "Checked {} in {:.0?}{}{format}: {}, {}",
            terminal::counted(report.files_checked, "file"),
            started.elapsed(),
            match checked.sources {
                Shown::Cached(_) => " (cached)",
                Shown::Loaded(_) => "",
            },
            terminal::counted(report.count(Severity::Error), "error"),
            terminal::counted(report.count(Severity::Warning), "warning")
        );
        let effective = config
            .format()
            .or_else(|| checked.generation.and_then(crate::format::default_for));
        for (dir, files) in effective
            .map(|format| crate::format::unread_directories(&self.global.root, format))
            .unwrap_or_default()
        {
            eprintln!(
                "note: {dir}/ ({}) is not read: splforge does not check, build or document it",
                terminal::counted(files, "file")
            );
        }
    }
}

/// Step 6: 1 with error-level findings, else 0.
fn exit_code(report: &check::Report) -> ExitCode {
    if report.count(Severity::Error) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Findings rustc-style, each followed by a line break.
pub(super) fn render_human(
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

/// Colour only on a terminal, and never with `NO_COLOR`.
pub(super) fn use_colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}
