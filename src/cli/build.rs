//! `splforge build`: lint, then render the app and pack it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;

use super::progress::Progress;
use super::repository::{load_config, output_dir, require_content};
use super::{GlobalArgs, clock, exit_without_freeing, lint, output, print_out, terminal};
use crate::check::{self, CheckOptions, Severity};
use crate::model::Content;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Output directory (default: `[build] out` of splforge.toml, `dist`, under the root).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Build even when lint finds errors (they are still counted and reported).
    #[arg(long)]
    force: bool,
}

/// The time a build is stamped with (app.conf's `build`, the manifest's release date, the
/// archive's mtimes), and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BuildTime {
    epoch_seconds: i64,
    source: &'static str,
}

/// `SOURCE_DATE_EPOCH` when set, else the time of the last commit that touched the root
/// (`git log -1`); `None` when neither is there, and the content's dates decide.
fn fixed_build_time(root: &Path) -> anyhow::Result<Option<BuildTime>> {
    if let Ok(value) = std::env::var("SOURCE_DATE_EPOCH") {
        let epoch_seconds = value
            .trim()
            .parse()
            .with_context(|| format!("SOURCE_DATE_EPOCH `{value}` is not a number of seconds"))?;
        return Ok(Some(BuildTime {
            epoch_seconds,
            source: "SOURCE_DATE_EPOCH",
        }));
    }
    Ok(last_commit_time(root).map(|epoch_seconds| BuildTime {
        epoch_seconds,
        source: "the last commit of the content",
    }))
}

/// The committer time of the last commit that touched `root`, when it is in a git
/// checkout and git is installed.
fn last_commit_time(root: &Path) -> Option<i64> {
    crate::release_notes::git::first_line(root, &["log", "-1", "--format=%ct", "--", "."])?
        .parse()
        .ok()
}

/// Midnight (UTC) of the newest `date:` of the content's detections, stories and
/// baselines; the Unix epoch for content without one.
fn newest_content_date(content: &Content) -> BuildTime {
    let newest = content
        .detections
        .iter()
        .map(|d| &d.header)
        .chain(content.stories.iter().map(|s| &s.header))
        .chain(content.baselines.iter().map(|b| &b.header))
        .filter_map(|h| h.date.as_ref())
        .filter_map(|date| {
            crate::date::Date::parse(&date.value).map(crate::date::Date::epoch_seconds)
        })
        .max();
    match newest {
        Some(epoch_seconds) => BuildTime {
            epoch_seconds,
            source: "the newest date in the content",
        },
        None => BuildTime {
            epoch_seconds: 0,
            source: "no date in the content",
        },
    }
}

pub(super) fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let config = load_config(global)?;
    require_content(&global.root)?;
    let out = output_dir(
        global,
        args.out.as_deref(),
        &config.build.out,
        "[build] out",
    )?;
    let fixed_time = fixed_build_time(&global.root)?;
    let progress = Progress::new("Building", 2, global.quiet);
    progress.step("reading, checking and rendering content");
    crate::attack::prefetch(&config.attack_version);
    let options = CheckOptions {
        today: clock::today(),
        only_files: None,
    };
    // The app is rendered while the rules run, and thrown away if they find errors: a clean
    // build, the usual one, is the one made faster.
    let (mut repository, content, report, (files, build_options, build_time)) =
        check::load_and_check_alongside(
            &global.root,
            &config,
            &options,
            None,
            |repository, content| {
                let build_time = fixed_time
                    .clone()
                    .unwrap_or_else(|| newest_content_date(content));
                let build_options = crate::package::BuildOptions {
                    build_time: build_time.epoch_seconds,
                };
                let files = crate::package::app_files(content, repository, &config, &build_options);
                (files, build_options, build_time)
            },
        );
    crate::attack::catalogue(&config.attack_version)?;
    let errors = report.count(Severity::Error);
    if errors > 0 {
        // The errors are shown whether or not `--force` builds past them.
        let sources = output::Sources::new(&repository, &report).seen_from(&global.here);
        let errors_only: Vec<&check::Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        progress.suspend(|| {
            print_out(&lint::render_human(
                &errors_only,
                &sources,
                lint::use_colour(),
            ))
        })?;
        let errors = terminal::counted(errors, "lint error");
        if !args.force {
            progress.finish();
            eprintln!(
                "error: not building: {errors} found; fix them, or build anyway with --force"
            );
            return Ok(ExitCode::from(1));
        }
        progress.suspend(|| {
            eprintln!("warning: building despite {errors} (--force)");
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
            "Built {} ({} files, {} bytes) from {} in {:.0?}; build time {} ({})",
            built.package.display(),
            built.files,
            built.package_bytes,
            terminal::counted(content.detections.len(), "detection"),
            started.elapsed(),
            crate::render::BuildStamp::at(build_time.epoch_seconds).time,
            build_time.source,
        ));
    }
    exit_without_freeing((repository, content));
    Ok(ExitCode::SUCCESS)
}
