//! The site map: which pages exist, their file names in each format, and the
//! cross-references between content (stories to detections, techniques, data sources).
//! Built once from the model; page views read it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path};

use super::links::{Claimed, FileNames, jekyll_slug, site_slug};
use super::techniques::{TechniqueInfo, TechniqueLookup};
use crate::load::Repository;
use crate::load::excerpt;
use crate::model::file_name::MAX_FILE_NAME_BYTES;
use crate::model::{Content, Detection, Generation, Text};

/// A page's file stem in each format.
#[derive(Debug, Clone, Default)]
pub struct Stems {
    /// Markdown: the Jekyll stem (`2021-04-01-aws_iam_failure_group_deletion`, `xmrig`).
    pub markdown: String,
    /// HTML: a stem that needs no URL encoding.
    pub html: String,
}

/// Where a detection sits and how the 2022 layout names it.
#[derive(Debug, Clone)]
pub struct DetectionPlace {
    pub stems: Stems,
    /// The directory the file is in, lower-case (`cloud`, `endpoint`, `application`).
    pub category_dir: String,
    /// Under `detections/experimental/` (2022) or `status: experimental` (4.x, 5.x).
    pub experimental: bool,
    /// Under a `deprecated/` directory or `status: deprecated`: the HTML site marks it and
    /// keeps it out of technique tables.
    pub deprecated: bool,
    /// The repository path shown as the page's source.
    pub source_path: String,
    /// Whether the detection has a page and is listed on other pages. Always, except for a
    /// 2022 detection the 2022 generator did not document: one outside
    /// `detections/{endpoint,application,cloud,network,web,experimental}/`, or of type
    /// `Baseline` or `Investigation`.
    pub listed: bool,
    /// A 2022 detection whose Markdown page a later one of the same date and name
    /// overwrote, as the 2022 generator wrote them in turn to one file: it has no Markdown
    /// page (the HTML site numbers the second page instead).
    pub superseded: bool,
    /// 2022: the position of the detection's directory in the order the 2022 generator
    /// read them ([`GENERATOR_2022_DIRS`]), which breaks ties between equal names.
    pub generator_order: Option<usize>,
}

/// The detection directories the 2022 generator read, in its order.
const GENERATOR_2022_DIRS: [&str; 6] = [
    "endpoint",
    "application",
    "cloud",
    "network",
    "web",
    "experimental",
];

/// Where the 2022 generator read a 2022 detection: the position of its directory among
/// [`GENERATOR_2022_DIRS`], or `None` when it did not document it.
fn generator_2022_order(detection: &Detection, path: &str) -> Option<usize> {
    let skipped_type = matches!(
        detection.detection_type.as_ref().map(Text::as_str),
        Some("Baseline" | "Investigation")
    );
    let mut parts = path.split('/');
    if skipped_type || parts.next() != Some("detections") {
        return None;
    }
    let dir = parts.next()?;
    parts.next()?;
    GENERATOR_2022_DIRS.iter().position(|d| *d == dir)
}

/// Everything page views need to know about the rest of the site.
pub struct SiteMap<'a> {
    pub content: &'a Content,
    pub detections: Vec<DetectionPlace>,
    pub stories: Vec<Stems>,
    pub macros: Vec<Stems>,
    pub data_sources: Vec<Stems>,
    /// Known techniques by id, with the detections that name them (sorted by id).
    pub techniques: BTreeMap<String, TechniqueEntry>,
    pub story_by_name: HashMap<&'a str, usize>,
    pub macro_by_name: HashMap<&'a str, usize>,
    pub lookup_by_name: HashMap<&'a str, usize>,
    pub data_source_by_name: HashMap<&'a str, usize>,
    /// Detections (indices sorted by name) naming each story name.
    pub detections_by_story: HashMap<&'a str, Vec<usize>>,
    /// Detections naming each data source name.
    pub detections_by_data_source: HashMap<&'a str, Vec<usize>>,
    /// Detections (sorted by name) whose Macros section lists each macro name.
    pub detections_by_macro: HashMap<String, Vec<usize>>,
    /// Display paths of the repository's files, by file id.
    pub file_paths: Vec<String>,
    /// The listed detections sorted by name (equal names in the 2022 generator's order).
    pub detections_by_name: Vec<usize>,
    /// Notes for the report: renamed pages and the like.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TechniqueEntry {
    pub info: TechniqueInfo,
    pub detections: Vec<usize>,
}

impl<'a> SiteMap<'a> {
    pub fn build(
        content: &'a Content,
        repository: &'a Repository,
        techniques: &dyn TechniqueLookup,
    ) -> SiteMap<'a> {
        let mut notes = Vec::new();
        let detections = place_detections(content, repository, &mut notes);
        let stories = stems_of(content.stories.iter().map(|s| s.header.name()), &mut notes);
        let macros = stems_of(content.macros.iter().map(|m| m.header.name()), &mut notes);
        let data_sources = stems_of(
            content.data_sources.iter().map(|d| d.header.name()),
            &mut notes,
        );

        let mut by_name: Vec<usize> = (0..content.detections.len()).collect();
        // Equal names: in the order the 2022 generator read them (its sort was stable), then
        // in file order.
        let tie = |i: usize| (detections[i].generator_order.unwrap_or(usize::MAX), i);
        by_name.sort_by(|&a, &b| {
            content.detections[a]
                .name()
                .cmp(content.detections[b].name())
                .then(tie(a).cmp(&tie(b)))
        });
        let mut detections_by_story: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut detections_by_data_source: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut technique_map: BTreeMap<String, TechniqueEntry> = BTreeMap::new();
        let mut detections_by_macro: HashMap<String, Vec<usize>> = HashMap::new();
        by_name.retain(|&i| detections[i].listed);
        for &index in &by_name {
            let detection = &content.detections[index];
            for name in listed_macros(detection) {
                detections_by_macro.entry(name).or_default().push(index);
            }
            for story in unique(&detection.analytic_stories) {
                detections_by_story.entry(story).or_default().push(index);
            }
            for source in unique(&detection.data_sources) {
                detections_by_data_source
                    .entry(source)
                    .or_default()
                    .push(index);
            }
            for id in unique(&detection.mitre_attack_ids) {
                if let Some(entry) = technique_map.get_mut(id) {
                    entry.detections.push(index);
                } else if let Some(info) = techniques.technique(id) {
                    technique_map.insert(
                        id.to_owned(),
                        TechniqueEntry {
                            info,
                            detections: vec![index],
                        },
                    );
                }
            }
        }

        SiteMap {
            content,
            detections,
            stories,
            macros,
            data_sources,
            techniques: technique_map,
            story_by_name: first_by_name(content.stories.iter().map(|s| s.header.name())),
            macro_by_name: first_by_name(content.macros.iter().map(|m| m.header.name())),
            lookup_by_name: first_by_name(content.lookups.iter().map(|l| l.header.name())),
            data_source_by_name: first_by_name(
                content.data_sources.iter().map(|d| d.header.name()),
            ),
            detections_by_story,
            detections_by_data_source,
            detections_by_macro,
            detections_by_name: by_name,
            file_paths: repository
                .files
                .iter()
                .map(|f| f.source.display_path())
                .collect(),
            notes,
        }
    }

    /// Whether a story has a Markdown page: always, except a 2022 story outside the top of
    /// `stories/` (`stories/deprecated/`), which the 2022 generator did not read.
    pub fn story_has_2022_page(&self, index: usize) -> bool {
        let story = &self.content.stories[index];
        if story.generation != Generation::Legacy2022 {
            return true;
        }
        let path = self
            .file_paths
            .get(story.header.file)
            .map_or("", String::as_str);
        path.strip_prefix("stories/")
            .is_some_and(|rest| !rest.contains('/'))
    }

    /// The techniques of a detection the catalogue knows, in the order written (a 2022
    /// page lists an id as often as it is written, as the 2022 generator did).
    pub fn techniques_of(&self, detection: &Detection) -> Vec<(&str, &TechniqueInfo)> {
        listed_values(detection, &detection.mitre_attack_ids)
            .filter_map(|id| {
                let (id, entry) = self.techniques.get_key_value(id)?;
                Some((id.as_str(), &entry.info))
            })
            .collect()
    }
}

/// The macros a detection's page lists: as the 2022 generator found them for a 2022
/// detection, else every backquoted macro of the search.
pub fn listed_macros(detection: &Detection) -> Vec<String> {
    let search = detection.search.as_ref().map_or("", Text::as_str);
    if detection.generation == Generation::Legacy2022 {
        super::spl_refs::listed_macros_2022(search)
    } else {
        super::spl_refs::listed_macros(search)
    }
}

/// The values of one of a detection's lists as its page lists them: each once, in order, or
/// for a 2022 detection every one written.
pub fn listed_values<'t>(
    detection: &Detection,
    texts: &'t [Text],
) -> Box<dyn Iterator<Item = &'t str> + 't> {
    if detection.generation == Generation::Legacy2022 {
        Box::new(texts.iter().map(Text::as_str))
    } else {
        Box::new(unique(texts))
    }
}

/// The distinct values of a list of texts, in order.
pub fn unique(texts: &[Text]) -> impl Iterator<Item = &str> {
    texts
        .iter()
        .enumerate()
        .filter(|(i, t)| !texts[..*i].iter().any(|u| u.value == t.value))
        .map(|(_, t)| t.as_str())
}

fn first_by_name<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (index, name) in names.enumerate() {
        map.entry(name).or_insert(index);
    }
    map
}

fn stems_of<'a>(names: impl Iterator<Item = &'a str>, notes: &mut Vec<String>) -> Vec<Stems> {
    let mut markdown = FileNames::new(".md");
    let mut html = FileNames::new(".html");
    names
        .map(|name| {
            let md = markdown.claim(&jekyll_slug(name));
            let html = html.claim(&site_slug(name));
            if md.numbered {
                notes.push(format!(
                    "two pages are named {:?}: the second is {}",
                    excerpt(name),
                    md.stem
                ));
            }
            note_shortened(notes, name, &md, &html);
            Stems {
                markdown: md.stem,
                html: html.stem,
            }
        })
        .collect()
}

fn place_detections(
    content: &Content,
    repository: &Repository,
    notes: &mut Vec<String>,
) -> Vec<DetectionPlace> {
    let paths: Vec<String> = content
        .detections
        .iter()
        .map(|detection| {
            repository
                .files
                .get(detection.header.file)
                .map(|f| f.source.display_path())
                .unwrap_or_default()
        })
        .collect();
    let jekyll_stem = |detection: &Detection| {
        let date = detection.header.date.as_ref().map_or("", Text::as_str);
        jekyll_slug(&format!("{date}-{}", jekyll_slug(detection.name())))
    };
    // 2022: the generator wrote its pages in turn (directory order, then file order), so of
    // two detections with one page file the later one's page is the one that stayed.
    let order: Vec<Option<usize>> = content
        .detections
        .iter()
        .zip(&paths)
        .map(|(d, path)| {
            (d.generation == Generation::Legacy2022)
                .then(|| generator_2022_order(d, path))
                .flatten()
        })
        .collect();
    let mut last_writer: HashMap<String, usize> = HashMap::new();
    for (i, detection) in content.detections.iter().enumerate() {
        let Some(dir) = order[i] else { continue };
        let stem = jekyll_stem(detection);
        let later =
            |j: usize| (dir, paths[i].as_str()) > (order[j].unwrap_or(0), paths[j].as_str());
        match last_writer.get(&stem) {
            Some(&j) if !later(j) => {}
            _ => {
                last_writer.insert(stem, i);
            }
        }
    }
    let mut markdown = FileNames::new(".md");
    let mut html = FileNames::new(".html");
    let mut places = Vec::with_capacity(content.detections.len());
    for (i, detection) in content.detections.iter().enumerate() {
        let path = &paths[i];
        let legacy = detection.generation == Generation::Legacy2022;
        let listed = !legacy || order[i].is_some();
        let stem = jekyll_stem(detection);
        let superseded = order[i].is_some() && last_writer.get(&stem) != Some(&i);
        let (category_dir, experimental_dir) = category_of(Path::new(path));
        let experimental = experimental_dir || detection.status() == Some("experimental");
        let deprecated = detection.status() == Some("deprecated")
            || Path::new(path)
                .components()
                .any(|c| c.as_os_str() == "deprecated");
        let date = detection.header.date.as_ref().map_or("", Text::as_str);
        if superseded {
            let winner = last_writer.get(&stem).map_or("", |&j| paths[j].as_str());
            notes.push(format!(
                "two detections are named {:?} on {}: as the 2022 generator did, the Markdown \
                 page is {}'s, and {} has none",
                excerpt(detection.name()),
                excerpt(date),
                excerpt(winner),
                excerpt(path)
            ));
        }
        let md = if superseded || !listed {
            Claimed {
                stem: stem.clone(),
                numbered: false,
                shortened: false,
            }
        } else {
            markdown.claim(&stem)
        };
        if md.numbered {
            notes.push(format!(
                "two detections are named {:?} on {}: the second page is {}.md",
                excerpt(detection.name()),
                excerpt(date),
                md.stem
            ));
        }
        let html_stem = html.claim(&site_slug(detection.name()));
        note_shortened(notes, detection.name(), &md, &html_stem);
        let source_path = if legacy {
            let experimental = if experimental_dir {
                "experimental/"
            } else {
                ""
            };
            let name_slug = jekyll_slug(detection.name());
            format!("detections/{experimental}{category_dir}/{name_slug}.yml")
        } else {
            path.clone()
        };
        places.push(DetectionPlace {
            stems: Stems {
                markdown: md.stem,
                html: html_stem.stem,
            },
            category_dir,
            experimental,
            deprecated,
            source_path,
            listed,
            superseded,
            generator_order: order[i],
        });
    }
    places
}

/// A note for a page whose name was too long for a file name, and was cut.
fn note_shortened(notes: &mut Vec<String>, name: &str, markdown: &Claimed, html: &Claimed) {
    if markdown.shortened || html.shortened {
        notes.push(format!(
            "the name {:?} gives file names over {MAX_FILE_NAME_BYTES} bytes: its pages are \
             {}.md and {}.html (SF104)",
            excerpt(name),
            markdown.stem,
            html.stem
        ));
    }
}

/// The category directory of a detection file and whether it sits under `experimental/`.
fn category_of(path: &Path) -> (String, bool) {
    let dirs: Vec<String> = path
        .parent()
        .map(|p| {
            p.components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let experimental = dirs.get(1).is_some_and(|d| d == "experimental");
    let category = dirs.last().cloned().unwrap_or_default().to_lowercase();
    (category, experimental)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_is_the_parent_directory() {
        assert_eq!(
            category_of(Path::new("detections/experimental/application/x.yml")),
            ("application".to_owned(), true)
        );
        assert_eq!(
            category_of(Path::new("detections/cloud/x.yml")),
            ("cloud".to_owned(), false)
        );
    }
}
