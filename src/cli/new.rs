//! `splforge new`: a new detection, story, macro or data source from a template.

use std::io::{BufRead as _, IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::atomic::write_atomically;
use super::repository::load_config;
use super::{GlobalArgs, clock, terminal};
use crate::load::{self, ContentKind};
use crate::model::Content;
use crate::scaffold::{self, NewObject};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    #[arg(value_enum)]
    kind: NewKind,
    /// The object's name (required when stdin is not a terminal).
    #[arg(long)]
    name: Option<String>,
    /// Directory to write to, relative to the root (default: the kind's directory;
    /// a detection goes to detections/<KIND>/).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// For a detection: the subdirectory of detections/ (`endpoint`, `cloud`, `network`,
    /// `web`, `application`, ...). Asked on a terminal; `endpoint` otherwise.
    #[arg(long = "kind", value_name = "KIND", conflicts_with = "dir")]
    detection_kind: Option<String>,
    /// Author, `Name, Organisation` (default: the app's author_name and author_company).
    #[arg(long)]
    author: Option<String>,
}

pub(super) fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    if args.detection_kind.is_some() && args.kind != NewKind::Detection {
        bail!("--kind is for a detection (the subdirectory of detections/); use --dir");
    }
    let dir = match (&args.dir, &args.detection_kind) {
        (Some(dir), _) => Some(dir.clone()),
        (None, Some(kind)) => Some(detection_dir(kind)?),
        (None, None) if args.kind == NewKind::Detection && std::io::stdin().is_terminal() => {
            Some(detection_dir(&prompt_detection_kind(&global.root)?)?)
        }
        (None, None) => None,
    };
    new(
        global,
        args.kind,
        args.name.as_deref(),
        dir.as_deref(),
        args.author.as_deref(),
        &clock::today(),
    )
}

/// `detections/<kind>`, for a kind that is one plain directory name.
fn detection_dir(kind: &str) -> anyhow::Result<PathBuf> {
    let kind = kind.trim();
    let plain = !kind.is_empty()
        && kind != "."
        && kind != ".."
        && !kind.contains(['/', '\\'])
        && !kind.chars().any(char::is_control);
    if !plain {
        bail!("--kind `{kind}` is not a directory name (endpoint, cloud, network, ...)");
    }
    Ok(Path::new(ContentKind::Detection.directory()).join(kind))
}

/// Asks which subdirectory of detections/ a new detection goes to, offering those that
/// exist; an empty answer is `endpoint`.
fn prompt_detection_kind(root: &Path) -> anyhow::Result<String> {
    let mut kinds: Vec<String> = std::fs::read_dir(root.join(ContentKind::Detection.directory()))
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    kinds.sort();
    let offered = if kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", kinds.join(", "))
    };
    eprint!(
        "{}",
        terminal::escape(&format!("Kind of detection{offered} [endpoint]: "))
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let kind = line.trim();
    Ok(if kind.is_empty() { "endpoint" } else { kind }.to_owned())
}

/// What `splforge new` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum NewKind {
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

fn new(
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
    // Inside the root, shown from where the user stands; otherwise from the root (on
    // standard output) and as a path from the working directory (in the message).
    let (printed, shown) = if global.here.as_os_str().is_empty() {
        (relative.clone(), path.clone())
    } else {
        let seen = super::repository::seen_from(&relative, &global.here);
        (seen.clone(), seen)
    };
    terminal::print_text(&format!(
        "{}\n",
        crate::load::source::display_path(&printed)
    ));
    if !global.quiet {
        let shown = shown.display();
        terminal::stderr_line(format!(
            "Created {shown} ({}); `splforge lint {shown}` checks it.",
            kind.content_kind().name().replace('_', " "),
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
