//! Release notes: what changed in the content between two git revisions.
//!
//! Each revision is read by [`git`] into a directory of its own and loaded by the ordinary
//! pipeline (`model::Content::load`), so a revision's files meet the same limits and checks
//! as a working tree's. The two models are compared object by object, matched by kind and
//! id (by name when an object has no id, as macros and lookups): an object only in the
//! newer revision is **new**, only in the older one **removed**; one that became deprecated
//! (`status: deprecated`, or moved under a `deprecated/` directory) is **deprecated**; and
//! one whose version, search (detections), definition (macros) or file (lookups) changed is
//! **updated**. Notes print as Markdown, detections grouped by analytic story, or as JSON.

pub mod git;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::load::Repository;
use crate::model::{Content, Header, Text};

pub use git::{GitError, GitRepository, Materialized, Revision, Skipped};

/// The kinds of content the notes cover, in the order they are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Detection,
    Story,
    Macro,
    Lookup,
    DataSource,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Detection,
        Kind::Story,
        Kind::Macro,
        Kind::Lookup,
        Kind::DataSource,
    ];

    fn title(self) -> &'static str {
        match self {
            Kind::Detection => "Detections",
            Kind::Story => "Stories",
            Kind::Macro => "Macros",
            Kind::Lookup => "Lookups",
            Kind::DataSource => "Data sources",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    New,
    Updated,
    Deprecated,
    Removed,
}

impl Change {
    pub const ALL: [Change; 4] = [
        Change::New,
        Change::Updated,
        Change::Deprecated,
        Change::Removed,
    ];

    fn title(self) -> &'static str {
        match self {
            Change::New => "New",
            Change::Updated => "Updated",
            Change::Deprecated => "Deprecated",
            Change::Removed => "Removed",
        }
    }
}

/// One changed object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub kind: Kind,
    pub change: Change,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The file, relative to the content root, in the newer revision (the older one for a
    /// removed object).
    pub path: String,
    /// A detection's type (`TTP`, `Hunting`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection_type: Option<String>,
    /// A detection's analytic stories.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stories: Vec<String>,
    /// What changed, for an updated or deprecated object (`version 2 → 3`, `search changed`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// The notes between two revisions.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseNotes {
    pub from: Revision,
    pub to: Revision,
    /// Sorted by kind, change and name.
    pub entries: Vec<Entry>,
    /// Files of a revision that were not read (links, files over the size limit).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caveats: Vec<String>,
}

/// One object of one revision, reduced to what the notes compare.
#[derive(Debug, Clone)]
struct Item {
    kind: Kind,
    name: String,
    id: Option<String>,
    path: String,
    version: Option<String>,
    status: Option<String>,
    /// Compared fields besides the version: (what, value).
    compared: Vec<(&'static str, Option<String>)>,
    deprecated: bool,
    detection_type: Option<String>,
    stories: Vec<String>,
}

impl Item {
    fn key(&self) -> (Kind, String) {
        (
            self.kind,
            self.id.clone().unwrap_or_else(|| self.name.clone()),
        )
    }
}

/// One revision's objects, as loaded.
pub struct Snapshot {
    items: Vec<Item>,
    skipped: Skipped,
}

fn text(t: &Option<Text>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

fn is_deprecated(status: &Option<Text>, path: &str) -> bool {
    status
        .as_ref()
        .is_some_and(|s| s.value.trim().eq_ignore_ascii_case("deprecated"))
        || path.split('/').any(|part| part == "deprecated")
}

impl Snapshot {
    /// The objects of a loaded revision; `lookup_data` names each lookup data file's blob.
    pub fn new(
        repository: &Repository,
        content: &Content,
        lookup_data: &BTreeMap<String, String>,
    ) -> Snapshot {
        let path_of = |header: &Header| {
            repository
                .files
                .get(header.file)
                .map(|f| f.source.path.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default()
        };
        let item = |kind: Kind, header: &Header, status: &Option<Text>| {
            let path = path_of(header);
            Item {
                kind,
                name: header.name().to_owned(),
                id: text(&header.id),
                deprecated: is_deprecated(status, &path),
                path,
                version: text(&header.version),
                status: text(status),
                compared: Vec::new(),
                detection_type: None,
                stories: Vec::new(),
            }
        };
        let mut items = Vec::new();
        for d in &content.detections {
            let mut it = item(Kind::Detection, &d.header, &d.status);
            it.compared.push(("search", text(&d.search)));
            it.detection_type = text(&d.detection_type);
            it.stories = d.analytic_stories.iter().map(|s| s.value.clone()).collect();
            items.push(it);
        }
        for s in &content.stories {
            items.push(item(Kind::Story, &s.header, &s.status));
        }
        for m in &content.macros {
            let mut it = item(Kind::Macro, &m.header, &None);
            it.compared.push(("definition", text(&m.definition)));
            let arguments: Vec<&str> = m.arguments.iter().map(Text::as_str).collect();
            it.compared.push(("arguments", Some(arguments.join(", "))));
            items.push(it);
        }
        for l in &content.lookups {
            let mut it = item(Kind::Lookup, &l.header, &None);
            let data = l.filename.as_ref().map(|f| {
                let path = format!("lookups/{}", f.value);
                lookup_data.get(&path).cloned().unwrap_or_default()
            });
            it.compared.push(("file", text(&l.filename)));
            it.compared.push(("data file", data));
            it.compared.push(("collection", text(&l.collection)));
            it.compared.push(("fields", text(&l.fields_list)));
            items.push(it);
        }
        for s in &content.data_sources {
            items.push(item(Kind::DataSource, &s.header, &None));
        }
        Snapshot {
            items,
            skipped: Skipped::default(),
        }
    }
}

/// Compares two snapshots.
pub fn compare(from: Revision, to: Revision, old: &Snapshot, new: &Snapshot) -> ReleaseNotes {
    let mut old_by_key: HashMap<(Kind, String), &Item> = HashMap::new();
    for item in &old.items {
        old_by_key.entry(item.key()).or_insert(item);
    }
    let mut seen: BTreeSet<(Kind, String)> = BTreeSet::new();
    let mut entries = Vec::new();
    for item in &new.items {
        let key = item.key();
        if !seen.insert(key.clone()) {
            continue;
        }
        let entry = |change, details| Entry {
            kind: item.kind,
            change,
            name: item.name.clone(),
            id: item.id.clone(),
            path: item.path.clone(),
            detection_type: item.detection_type.clone(),
            stories: item.stories.clone(),
            details,
        };
        match old_by_key.get(&key) {
            None if item.deprecated => entries.push(entry(Change::Deprecated, Vec::new())),
            None => entries.push(entry(Change::New, Vec::new())),
            Some(before) if item.deprecated && !before.deprecated => {
                entries.push(entry(Change::Deprecated, differences(before, item)))
            }
            Some(before) => {
                let details = differences(before, item);
                let updated = details
                    .iter()
                    .any(|d| !d.starts_with("moved from") && !d.starts_with("status "));
                if updated {
                    entries.push(entry(Change::Updated, details));
                }
            }
        }
    }
    for item in &old.items {
        let key = item.key();
        if seen.contains(&key) || !seen.insert(key) {
            continue;
        }
        entries.push(Entry {
            kind: item.kind,
            change: Change::Removed,
            name: item.name.clone(),
            id: item.id.clone(),
            path: item.path.clone(),
            detection_type: item.detection_type.clone(),
            stories: item.stories.clone(),
            details: Vec::new(),
        });
    }
    entries.sort_by(|a, b| {
        (a.kind, a.change, &a.name, &a.path).cmp(&(b.kind, b.change, &b.name, &b.path))
    });
    let caveats = [(&from, old), (&to, new)]
        .iter()
        .filter_map(|(revision, snapshot)| caveat(revision, &snapshot.skipped))
        .collect();
    ReleaseNotes {
        from,
        to,
        entries,
        caveats,
    }
}

fn caveat(revision: &Revision, skipped: &Skipped) -> Option<String> {
    let parts: Vec<String> = [
        (
            skipped.links,
            "symbolic link or submodule",
            "symbolic links or submodules",
        ),
        (
            skipped.too_large,
            "file over the size limit",
            "files over the size limit",
        ),
        (
            skipped.bad_paths,
            "file with an unusual path",
            "files with unusual paths",
        ),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|&(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    (!parts.is_empty()).then(|| format!("not read from {}: {}", revision.name, parts.join(", ")))
}

fn show(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("none")
}

/// What differs between two versions of one object, in words.
fn differences(before: &Item, after: &Item) -> Vec<String> {
    let mut details = Vec::new();
    if before.name != after.name {
        details.push(format!("renamed from {}", before.name));
    }
    if before.version != after.version {
        details.push(format!(
            "version {} → {}",
            show(&before.version),
            show(&after.version)
        ));
    }
    for ((what, old), (_, new)) in before.compared.iter().zip(&after.compared) {
        if old != new {
            details.push(format!("{what} changed"));
        }
    }
    if before.status != after.status {
        details.push(format!(
            "status {} → {}",
            show(&before.status),
            show(&after.status)
        ));
    }
    if before.path != after.path {
        details.push(format!("moved from {}", before.path));
    }
    details
}

impl ReleaseNotes {
    pub fn count(&self, kind: Kind, change: Change) -> usize {
        self.entries
            .iter()
            .filter(|e| e.kind == kind && e.change == change)
            .count()
    }

    /// The notes as Markdown: a count table, then one section per kind; detections are
    /// grouped by analytic story (a detection in two stories is under both), the others by
    /// change.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        out.push_str("# Release notes\n\n");
        out.push_str(&format!(
            "From `{}` ({}) to `{}` ({}).\n\n",
            inline(&self.from.name),
            short(&self.from.commit),
            inline(&self.to.name),
            short(&self.to.commit)
        ));
        for caveat in &self.caveats {
            out.push_str(&format!("> {}\n\n", inline(caveat)));
        }
        if self.entries.is_empty() {
            out.push_str("No content changed.\n");
            return out;
        }
        out.push_str(
            "| | New | Updated | Deprecated | Removed |\n| --- | --- | --- | --- | --- |\n",
        );
        for kind in Kind::ALL {
            let counts: Vec<String> = Change::ALL
                .iter()
                .map(|&c| self.count(kind, c).to_string())
                .collect();
            out.push_str(&format!("| {} | {} |\n", kind.title(), counts.join(" | ")));
        }
        for kind in Kind::ALL {
            let entries: Vec<&Entry> = self.entries.iter().filter(|e| e.kind == kind).collect();
            if entries.is_empty() {
                continue;
            }
            out.push_str(&format!("\n## {}\n", kind.title()));
            if kind == Kind::Detection {
                detections_by_story(&mut out, &entries);
            } else {
                by_change(&mut out, &entries, "###");
            }
        }
        out
    }
}

fn detections_by_story(out: &mut String, entries: &[&Entry]) {
    let mut stories: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    let mut without: Vec<&Entry> = Vec::new();
    for &entry in entries {
        if entry.stories.is_empty() {
            without.push(entry);
        }
        let mut names: Vec<&str> = entry.stories.iter().map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        for story in names {
            stories.entry(story).or_default().push(entry);
        }
    }
    for (story, entries) in &stories {
        out.push_str(&format!("\n### {}\n", inline(story)));
        by_change(out, entries, "####");
    }
    if !without.is_empty() {
        out.push_str("\n### No analytic story\n");
        by_change(out, &without, "####");
    }
}

fn by_change(out: &mut String, entries: &[&Entry], heading: &str) {
    for change in Change::ALL {
        let listed: Vec<&&Entry> = entries.iter().filter(|e| e.change == change).collect();
        if listed.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{heading} {}\n\n", change.title()));
        for entry in listed {
            out.push_str(&format!("- **{}**", inline(&entry.name)));
            if let Some(t) = &entry.detection_type {
                out.push_str(&format!(" ({})", inline(t)));
            }
            if !entry.details.is_empty() {
                let details: Vec<String> = entry.details.iter().map(|d| inline(d)).collect();
                out.push_str(&format!(": {}", details.join("; ")));
            }
            out.push('\n');
        }
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// A value on one Markdown line, its markup characters escaped.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Everything that can stop release notes.
#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("cannot make a directory for revision `{revision}`: {message}")]
    TempDir { revision: String, message: String },
}

/// Reads one revision of the repository at `root` through the loader.
pub fn load_revision(
    git: &GitRepository,
    revision: &Revision,
    limits: crate::load::LoadLimits,
) -> Result<Snapshot, NotesError> {
    let dir = tempfile::Builder::new()
        .prefix("splforge-notes-")
        .tempdir()
        .map_err(|e| NotesError::TempDir {
            revision: revision.name.clone(),
            message: e.to_string(),
        })?;
    let materialized = git.materialize(revision, dir.path(), limits.max_file_bytes)?;
    let mut snapshot = load_directory(dir.path(), limits, &materialized.lookup_data);
    snapshot.skipped = materialized.skipped;
    Ok(snapshot)
}

fn load_directory(
    root: &Path,
    limits: crate::load::LoadLimits,
    lookup_data: &BTreeMap<String, String>,
) -> Snapshot {
    let (repository, content, _) = Content::load(root, limits, |_, _, _| ());
    Snapshot::new(&repository, &content, lookup_data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_escapes_markup_and_joins_lines() {
        assert_eq!(inline("a_b [x]\n|y|"), "a\\_b \\[x\\] \\|y\\|");
    }
}
