//! New content files from templates (`splforge new`): a fresh id, the given date and the
//! conventional file name, in the repository's format generation. And a new repository
//! (`splforge init`): what `contentctl init` 5.6.2 writes, from `templates/init/`.
//!
//! The templates are data, under `templates/new/`, embedded at build time. They fill in
//! `{{name}}`, `{{id}}`, `{{date}}`, `{{author}}` and `{{stem}}` (the file stem, for the
//! filter macro). Nothing here reads the clock: the date and the id are passed in.

use std::path::PathBuf;

use crate::load::ContentKind;
use crate::model::Generation;
use crate::model::file_name::{MAX_FILE_NAME_BYTES, expected_stem, longest_file_name};

/// Every file of a new 5.x repository, by path relative to its root, as `contentctl init`
/// 5.6.2 writes it: `contentctl.yml`, one detection with its story, macros and data source,
/// the default deployments and the app template (`templates/init/`, embedded at build time).
pub static INIT_FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/init_files.rs"));

/// The directories `contentctl init` creates, empty or not: contentctl 5 requires each
/// content directory to exist, even with nothing in it.
pub const INIT_DIRECTORIES: [&str; 18] = [
    "detections",
    "playbooks",
    "stories",
    "data_sources",
    "investigations",
    "macros",
    "lookups",
    "dashboards",
    "baselines",
    "deployments",
    "removed",
    "docs",
    "reporting",
    "detections/application",
    "detections/cloud",
    "detections/endpoint",
    "detections/network",
    "detections/web",
];

/// The kinds `new` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    Detection,
    Story,
    Macro,
    DataSource,
}

impl NewKind {
    pub fn content_kind(self) -> ContentKind {
        match self {
            NewKind::Detection => ContentKind::Detection,
            NewKind::Story => ContentKind::Story,
            NewKind::Macro => ContentKind::Macro,
            NewKind::DataSource => ContentKind::DataSource,
        }
    }

    /// The directory new files go to, relative to the root.
    pub fn default_dir(self) -> PathBuf {
        match self {
            NewKind::Detection => PathBuf::from("detections/endpoint"),
            other => PathBuf::from(other.content_kind().directory()),
        }
    }

    fn template(self, generation: Generation) -> &'static str {
        let five = generation == Generation::Contentctl5;
        match self {
            NewKind::Detection if five => include_str!("../templates/new/detection-5.yml"),
            NewKind::Detection => include_str!("../templates/new/detection-4.yml"),
            NewKind::Story if five => include_str!("../templates/new/story-5.yml"),
            NewKind::Story => include_str!("../templates/new/story-4.yml"),
            NewKind::Macro => include_str!("../templates/new/macro.yml"),
            NewKind::DataSource => include_str!("../templates/new/data_source.yml"),
        }
    }
}

/// What a new file is made of.
#[derive(Debug, Clone)]
pub struct NewObject<'a> {
    pub kind: NewKind,
    pub name: &'a str,
    pub id: uuid::Uuid,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    pub author: &'a str,
    /// 4.x or 5.x; 2022 content is written as 4.x.
    pub generation: Generation,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScaffoldError {
    #[error("a name is needed")]
    EmptyName,
    #[error("a name is one line")]
    MultiLineName,
    #[error(
        "the name gives file names of up to {bytes} bytes, over the {MAX_FILE_NAME_BYTES}-byte limit of file systems"
    )]
    NameTooLong { bytes: usize },
}

impl NewObject<'_> {
    /// The file name: the name lower-cased with spaces (and `-`, `.`, `/`) as `_`.
    pub fn file_name(&self) -> String {
        format!("{}.yml", expected_stem(self.name))
    }

    /// The text of the new file.
    pub fn render(&self) -> Result<String, ScaffoldError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(ScaffoldError::EmptyName);
        }
        if name.contains(['\n', '\r']) {
            return Err(ScaffoldError::MultiLineName);
        }
        let bytes = longest_file_name(name, self.kind == NewKind::Detection);
        if bytes > MAX_FILE_NAME_BYTES {
            return Err(ScaffoldError::NameTooLong { bytes });
        }
        let generation = match self.generation {
            Generation::Legacy2022 => Generation::Contentctl4,
            g => g,
        };
        let author = if self.author.trim().is_empty() {
            "TODO: Name, Organisation"
        } else {
            self.author.trim()
        };
        Ok(self
            .kind
            .template(generation)
            .replace("{{name}}", &yaml_scalar(name))
            .replace("{{id}}", &self.id.hyphenated().to_string())
            .replace("{{date}}", self.date)
            .replace("{{author}}", &yaml_scalar(author))
            .replace("{{stem}}", &expected_stem(name)))
    }
}

/// `text` as a YAML scalar: plain when PyYAML reads it back as the same string, else
/// single-quoted.
pub fn yaml_scalar(text: &str) -> String {
    let plain_safe = !text.is_empty()
        && !text.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"',
            '%', '@', '`',
        ])
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && crate::load::yaml::parse(&format!("k: {text}\n"), Default::default())
            .ok()
            .and_then(|d| d.root)
            .and_then(|r| r.get("k").and_then(|v| v.as_str().map(str::to_owned)))
            .is_some_and(|v| v == text);
    if plain_safe {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: NewKind, name: &str) -> NewObject<'_> {
        NewObject {
            kind,
            name,
            id: uuid::Uuid::nil(),
            date: "2026-11-24",
            author: "A, B",
            generation: Generation::Contentctl4,
        }
    }

    #[test]
    fn fills_every_placeholder() {
        let text = object(NewKind::Detection, "Suspicious Thing")
            .render()
            .unwrap();
        assert!(!text.contains("{{"), "{text}");
        assert!(
            text.starts_with("name: Suspicious Thing\nid: 00000000-0000-0000-0000-000000000000\n")
        );
        assert!(text.contains("date: '2026-11-24'"));
        assert!(text.contains("`suspicious_thing_filter`"));
        assert_eq!(
            object(NewKind::Detection, "Suspicious Thing").file_name(),
            "suspicious_thing.yml"
        );
    }

    #[test]
    fn quotes_names_yaml_would_misread() {
        assert_eq!(yaml_scalar("Plain Name"), "Plain Name");
        assert_eq!(yaml_scalar("yes"), "'yes'");
        assert_eq!(yaml_scalar("a: b"), "'a: b'");
        assert_eq!(yaml_scalar("It's"), "It's");
        assert_eq!(yaml_scalar("'quoted'"), "'''quoted'''");
        assert_eq!(yaml_scalar("2024"), "'2024'");
    }
}
