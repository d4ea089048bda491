//! `splforge migrate --to 5`: 4.x content converted to 5.x in place.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::atomic::write_atomically;
use super::repository::{load_config, selected_files};
use super::{GlobalArgs, clock, terminal};
use crate::load::{self, ContentKind};
use crate::migrate::{self, Outcome};
use crate::model::{Content, root_mapping};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Target generation (only 5 for now, and so the default).
    #[arg(long, value_name = "GENERATION", default_value = "5")]
    to: String,
    /// Files or directories to convert (default: every detection).
    paths: Vec<PathBuf>,
    /// Print which files would change, write nothing; exit 1 when something would.
    #[arg(long, conflicts_with = "diff")]
    check: bool,
    /// Print the changes as a unified diff, write nothing; exit 1 when something would
    /// change.
    #[arg(long)]
    diff: bool,
}

/// What `migrate` does with a converted file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    /// Names the file (`--check`).
    Check,
    /// Prints the change as a unified diff (`--diff`).
    Diff,
}

pub(super) fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let mode = if args.diff {
        Mode::Diff
    } else if args.check {
        Mode::Check
    } else {
        Mode::Write
    };
    migrate(global, &args.to, &args.paths, mode)
}

fn migrate(
    global: &GlobalArgs,
    to: &str,
    paths: &[PathBuf],
    mode: Mode,
) -> anyhow::Result<ExitCode> {
    let check_only = mode != Mode::Write;
    if to != "5" {
        bail!("`--to {to}`: only `--to 5` (contentctl 4.x detections to 5.x) is supported");
    }
    let config = load_config(global)?;
    let root = &global.root;
    let only = if paths.is_empty() {
        None
    } else {
        Some(selected_files(global, paths)?)
    };
    let repository = load::load_repository(root, config.limits);
    let content = Content::build(&repository);
    let (mut converted, mut unchanged) = (0, 0);
    for detection in &content.detections {
        let Some((loaded, tree, shown)) = editable(&repository, detection.header.file, &only)
        else {
            continue;
        };
        if loaded.kind != ContentKind::Detection {
            continue;
        }
        match migrate::detection_to_5(&loaded.source.text, tree, detection, &content.deployments) {
            Outcome::Converted { text, notes } if text != loaded.source.text => {
                converted += 1;
                convert(root, loaded, &text, &notes, mode)?;
            }
            Outcome::Converted { .. } => unchanged += 1,
            Outcome::Unchanged(reason) => {
                unchanged += 1;
                if only.is_some() {
                    terminal::stderr_line(format!("{shown}: unchanged: {reason}"));
                }
            }
        }
    }
    // Stories and baselines: the keys 5.x does not read go, `status` comes in.
    let others = content
        .stories
        .iter()
        .map(|s| &s.header)
        .chain(content.baselines.iter().map(|b| &b.header));
    let (mut others_converted, mut others_unchanged) = (0, 0);
    for header in others {
        let Some((loaded, tree, _)) = editable(&repository, header.file, &only) else {
            continue;
        };
        let path = &loaded.source.path;
        let deprecated = path.components().any(|c| c.as_os_str() == "deprecated");
        match migrate::object_to_5(loaded.kind, &loaded.source.text, tree, deprecated) {
            Outcome::Converted { text, notes } if text != loaded.source.text => {
                others_converted += 1;
                convert(root, loaded, &text, &notes, mode)?;
            }
            _ => others_unchanged += 1,
        }
    }
    // Lookups: 5.x's `lookup_type` and header; a data file named otherwise is renamed.
    let author = config.app.author_name.clone();
    let date = clock::today();
    let defaults = migrate::LookupDefaults {
        author: &author,
        date: &date,
    };
    for lookup in &content.lookups {
        let Some((loaded, tree, shown)) = editable(&repository, lookup.header.file, &only) else {
            continue;
        };
        let path = &loaded.source.path;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let migration = migrate::lookup_to_5(&loaded.source.text, tree, lookup, stem, &defaults);
        let Outcome::Converted { text, notes } = migration.outcome else {
            others_unchanged += 1;
            continue;
        };
        others_converted += 1;
        if mode == Mode::Diff {
            print_diff(&shown, &loaded.source.text, &text);
            if let Some((from, to)) = &migration.rename {
                terminal::print_text(&format!("rename lookups/{from} lookups/{to}\n"));
            }
        } else if check_only {
            terminal::print_text(&format!("{shown}: would convert to 5.x\n"));
        } else {
            if let Some((from, to)) = &migration.rename {
                let (from, to) = (
                    root.join("lookups").join(from),
                    root.join("lookups").join(to),
                );
                if !from.exists() {
                    bail!("{shown}: its file {} does not exist", from.display());
                }
                if to.exists() {
                    bail!(
                        "cannot rename {} to {}: it exists",
                        from.display(),
                        to.display()
                    );
                }
                std::fs::rename(&from, &to)
                    .with_context(|| format!("cannot rename {}", from.display()))?;
            }
            write_atomically(&root.join(path), text.as_bytes())?;
        }
        for note in notes {
            terminal::stderr_line(format!("{shown}: note: {note}"));
        }
    }
    // contentctl 5 requires `removed/`, even empty.
    let removed = root.join("removed");
    let creates_removed = only.is_none() && !removed.exists();
    if creates_removed && !check_only {
        std::fs::create_dir(&removed)
            .with_context(|| format!("cannot create {}", removed.display()))?;
    }
    if !global.quiet {
        let verb = if check_only {
            "Would convert"
        } else {
            "Converted"
        };
        terminal::stderr_line(format!(
            "{verb} {} and {others_converted} stories, baselines and lookups to 5.x; {} unchanged{}.",
            terminal::counted(converted, "detection"),
            unchanged + others_unchanged,
            if creates_removed {
                if check_only {
                    "; would create removed/"
                } else {
                    "; created removed/"
                }
            } else {
                ""
            }
        ));
    }
    let converted = converted + others_converted + usize::from(creates_removed);
    if check_only {
        return Ok(if converted > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    // What migrate cannot fix: the converted repository's error-level findings, each a
    // content defect contentctl 4 let through (or one of splforge's stricter rules).
    let defects = remaining_defects(root, &config, &date);
    for defect in &defects {
        terminal::stderr_line(defect);
    }
    if !defects.is_empty() && !global.quiet {
        terminal::stderr_line(format!(
            "{} content defects migrate cannot fix (listed above): fix them by hand.",
            defects.len()
        ));
    }
    Ok(if defects.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes one object's converted text over its file (or, with `--check`, says it would;
/// with `--diff`, prints the change) and prints the notes of its conversion.
fn convert(
    root: &Path,
    loaded: &load::LoadedFile,
    after: &str,
    notes: &[String],
    mode: Mode,
) -> anyhow::Result<()> {
    let shown = loaded.source.display_path();
    match mode {
        Mode::Write => write_atomically(&root.join(&loaded.source.path), after.as_bytes())?,
        Mode::Check => terminal::print_text(&format!("{shown}: would convert to 5.x\n")),
        Mode::Diff => print_diff(&shown, &loaded.source.text, after),
    }
    for note in notes {
        terminal::stderr_line(format!("{shown}: note: {note}"));
    }
    Ok(())
}

/// The change to one file as a unified diff, three lines of context, escaped for the
/// terminal as all text for people is.
fn print_diff(shown: &str, before: &str, after: &str) {
    let diff = similar::TextDiff::from_lines(before, after);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string();
    terminal::print_text(&text);
}

/// The file of an object that `migrate` may edit (in the selection `only`, when there is
/// one, and a mapping at its root), with its tree and its path as shown to the user.
fn editable<'r>(
    repository: &'r load::Repository,
    file: crate::model::FileId,
    only: &Option<Vec<PathBuf>>,
) -> Option<(&'r load::LoadedFile, &'r load::Node, String)> {
    let loaded = &repository.files[file];
    if only
        .as_ref()
        .is_some_and(|o| !o.contains(&loaded.source.path))
    {
        return None;
    }
    let tree = root_mapping(loaded)?;
    Some((loaded, tree, loaded.source.display_path()))
}

/// Every error-level finding of the repository at `root`, rendered as `lint` shows it
/// (file:line:column, without colour).
fn remaining_defects(root: &Path, config: &crate::config::Config, today: &str) -> Vec<String> {
    let repository = load::load_repository(root, config.limits);
    let content = Content::build(&repository);
    let options = crate::check::CheckOptions {
        today: today.to_owned(),
        only_files: None,
    };
    let report = crate::check::check(&repository, &content, config, &options);
    let sources = super::output::Sources::new(&repository, &report);
    // Every error lint finds in the converted tree: in 5.x content the rules report what
    // contentctl 5 rejects (SF105, SF207's repeated story, SF304's tables).
    let defects: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == crate::check::Severity::Error)
        .map(|f| super::output::human(f, &sources, super::output::Palette::new(false)))
        .collect();
    defects
}
