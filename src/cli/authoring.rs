//! `splforge new` and `splforge migrate`: the commands that write content files.

use std::io::{BufRead as _, IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::terminal;
use super::{GlobalArgs, load_config, selected_files, write_atomically};
use crate::load::{self, ContentKind};
use crate::migrate::{self, Outcome};
use crate::model::{Content, root_mapping};
use crate::scaffold::{self, NewObject};

/// What `splforge new` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    Detection,
    Story,
    Macro,
    #[value(name = "data-source", alias = "data_source")]
    DataSource,
}

impl NewKind {
    fn scaffold(self) -> scaffold::NewKind {
        match self {
            NewKind::Detection => scaffold::NewKind::Detection,
            NewKind::Story => scaffold::NewKind::Story,
            NewKind::Macro => scaffold::NewKind::Macro,
            NewKind::DataSource => scaffold::NewKind::DataSource,
        }
    }
}

pub fn new(
    global: &GlobalArgs,
    kind: NewKind,
    name: Option<&str>,
    dir: Option<&Path>,
    author: Option<&str>,
    today: &str,
) -> anyhow::Result<ExitCode> {
    let config = load_config(global)?;
    let kind = kind.scaffold();
    let name = match name {
        Some(name) => name.to_owned(),
        None => prompt_name(kind)?,
    };
    let repository = load::load_repository(&global.root, config.limits);
    let content = Content::build(&repository);
    let index = crate::check::Index::build(&repository, &content);
    if let Some(existing) = index.find(kind.content_kind(), name.trim()) {
        bail!(
            "a {} named \"{}\" already exists: {}",
            kind.content_kind().name().replace('_', " "),
            name.trim(),
            repository.files[existing.file].source.display_path()
        );
    }
    let app = &config.app;
    let default_author = [app.author_name.as_str(), app.author_company.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let object = NewObject {
        kind,
        name: &name,
        id: uuid::Uuid::new_v4(),
        date: today,
        author: author.unwrap_or(&default_author),
        generation: content.generation,
    };
    let text = object.render()?;
    let relative = dir
        .map_or_else(|| kind.default_dir(), Path::to_path_buf)
        .join(object.file_name());
    let path = global.root.join(&relative);
    if path.exists() {
        bail!("{} already exists", path.display());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    write_atomically(&path, text.as_bytes())?;
    terminal::print_text(&format!(
        "{}\n",
        crate::load::source::display_path(&relative)
    ));
    if !global.quiet {
        terminal::stderr_line(format!(
            "Created {} ({}); `splforge lint {}` checks it.",
            path.display(),
            kind.content_kind().name().replace('_', " "),
            path.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks for a name on a terminal; without one, `--name` is required.
fn prompt_name(kind: scaffold::NewKind) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("--name is required when stdin is not a terminal");
    }
    eprint!(
        "Name of the new {}: ",
        kind.content_kind().name().replace('_', " ")
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let name = line.trim().to_owned();
    if name.is_empty() {
        bail!("no name given");
    }
    Ok(name)
}

pub fn migrate(
    global: &GlobalArgs,
    to: &str,
    paths: &[PathBuf],
    check_only: bool,
) -> anyhow::Result<ExitCode> {
    if to != "5" {
        bail!("`--to {to}`: only `--to 5` (contentctl 4.x detections to 5.x) is supported");
    }
    let config = load_config(global)?;
    let root = &global.root;
    let only = if paths.is_empty() {
        None
    } else {
        Some(selected_files(root, paths)?)
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
        let path = &loaded.source.path;
        match migrate::detection_to_5(&loaded.source.text, tree, detection, &content.deployments) {
            Outcome::Converted { text, notes } if text != loaded.source.text => {
                converted += 1;
                convert(&root.join(path), &shown, &text, &notes, check_only)?;
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
        let Some((loaded, tree, shown)) = editable(&repository, header.file, &only) else {
            continue;
        };
        let path = &loaded.source.path;
        let deprecated = path.components().any(|c| c.as_os_str() == "deprecated");
        match migrate::object_to_5(loaded.kind, &loaded.source.text, tree, deprecated) {
            Outcome::Converted { text, notes } if text != loaded.source.text => {
                others_converted += 1;
                convert(&root.join(path), &shown, &text, &notes, check_only)?;
            }
            _ => others_unchanged += 1,
        }
    }
    // Lookups: 5.x's `lookup_type` and header; a data file named otherwise is renamed.
    let author = config.app.author_name.clone();
    let date = super::today();
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
        if check_only {
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
            super::counted(converted, "detection"),
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

/// Writes one object's converted `text` to `path` (or, with `check_only`, says it would)
/// and prints the notes of its conversion.
fn convert(
    path: &Path,
    shown: &str,
    text: &str,
    notes: &[String],
    check_only: bool,
) -> anyhow::Result<()> {
    if check_only {
        terminal::print_text(&format!("{shown}: would convert to 5.x\n"));
    } else {
        write_atomically(path, text.as_bytes())?;
    }
    for note in notes {
        terminal::stderr_line(format!("{shown}: note: {note}"));
    }
    Ok(())
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
