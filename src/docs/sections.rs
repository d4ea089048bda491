//! The HTML site's own pages: the front page, one page per section (stories, detections,
//! techniques, data sources, macros) with counts and filters, and the ATT&CK coverage map.
//!
//! The Markdown site keeps its one `index.md`; these views exist for the HTML site only.
//! Counts that the map and the section pages show come from the model, the coverage from
//! [`Content::attack_coverage`](crate::model::Content::attack_coverage), the data
//! `report attack` reads.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::links::attack_url;
use super::techniques::Matrix;
use super::views::Views;
use crate::model::Text;

/// A section of the HTML site: a page listing every object of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Stories,
    Detections,
    Techniques,
    DataSources,
    Macros,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Stories,
        Section::Detections,
        Section::Techniques,
        Section::DataSources,
        Section::Macros,
    ];

    /// The page's file stem, at the site root.
    pub fn stem(self) -> &'static str {
        match self {
            Section::Stories => "stories",
            Section::Detections => "detections",
            Section::Techniques => "techniques",
            Section::DataSources => "data_sources",
            Section::Macros => "macros",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Section::Stories => "Analytic stories",
            Section::Detections => "Detections",
            Section::Techniques => "ATT&CK techniques",
            Section::DataSources => "Data sources",
            Section::Macros => "Macros",
        }
    }
}

/// The colour steps of the coverage map: (lowest count of the step, legend label).
const LEVELS: [(usize, &str); 6] = [
    (0, "none"),
    (1, "1"),
    (2, "2–4"),
    (5, "5–9"),
    (10, "10–19"),
    (20, "20+"),
];

fn level_of(count: usize) -> usize {
    LEVELS
        .iter()
        .rposition(|&(lowest, _)| count >= lowest)
        .unwrap_or(0)
}

#[derive(Debug, Clone, Serialize)]
pub struct FacetView {
    pub label: &'static str,
    /// Every value, sorted, for the filter's choices.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub name: String,
    pub url: String,
    /// The other columns' text.
    pub cells: Vec<String>,
    /// The row's detection count, when the section counts detections.
    pub count: Option<usize>,
    /// Per facet, the row's values joined by `|`.
    pub facets: Vec<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub id: &'static str,
    pub title: &'static str,
    pub columns: Vec<&'static str>,
    /// The heading of the count column, when there is one.
    pub count_label: Option<&'static str>,
    pub max_count: usize,
    pub facets: Vec<FacetView>,
    pub rows: Vec<RowView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    pub id: String,
    pub name: String,
    /// Production detections naming the technique or one of its sub-techniques.
    pub count: usize,
    /// Colour step, 0 (none) to 5.
    pub level: usize,
    /// The technique's page in this site, when a detection names the technique itself.
    pub url: Option<String>,
    pub attack_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TacticColumnView {
    pub id: String,
    pub name: String,
    pub covered: usize,
    pub cells: Vec<CellView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelView {
    pub level: usize,
    pub label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageView {
    /// False when the technique lookup has no matrix (no map is drawn).
    pub available: bool,
    pub version: String,
    /// Techniques (parents) with at least one detection, and all of them.
    pub covered: usize,
    pub total: usize,
    pub detections: usize,
    pub tactics: Vec<TacticColumnView>,
    pub levels: Vec<LevelView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionLinkView {
    pub title: &'static str,
    pub url: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrontPageView {
    pub sections: Vec<SectionLinkView>,
    pub coverage: CoverageView,
    /// The stories and data sources with the most detections, for the two bar charts.
    pub top_stories: Vec<RowView>,
    pub top_data_sources: Vec<RowView>,
    pub max_story_count: usize,
    pub max_data_source_count: usize,
}

fn sorted_values(rows: &[RowView], facet: usize) -> Vec<String> {
    let values: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.facets[facet].split('|'))
        .filter(|v| !v.is_empty())
        .collect();
    values.into_iter().map(str::to_owned).collect()
}

fn text(t: &Option<Text>) -> String {
    t.as_ref().map(|t| t.value.clone()).unwrap_or_default()
}

impl Views<'_, '_> {
    pub fn section(&self, section: Section) -> SectionView {
        let mut rows = match section {
            Section::Stories => self.story_rows(),
            Section::Detections => self.detection_rows(),
            Section::Techniques => self.technique_rows(),
            Section::DataSources => self.data_source_rows(),
            Section::Macros => self.macro_rows(),
        };
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        let (columns, count_label, facet_labels): (Vec<&str>, Option<&str>, Vec<&str>) =
            match section {
                Section::Stories => (vec!["Updated"], Some("Detections"), vec![]),
                Section::Detections => (
                    vec!["Type", "Category", "Status", "ATT&CK"],
                    None,
                    vec!["Type", "Category", "Status"],
                ),
                Section::Techniques => (
                    vec!["Technique", "Tactics"],
                    Some("Detections"),
                    vec!["Tactic"],
                ),
                Section::DataSources => (vec!["Source type"], Some("Detections"), vec![]),
                Section::Macros => (vec![], Some("Detections"), vec![]),
            };
        let facets = facet_labels
            .into_iter()
            .enumerate()
            .map(|(i, label)| FacetView {
                label,
                values: sorted_values(&rows, i),
            })
            .collect();
        SectionView {
            id: section.stem(),
            title: section.title(),
            columns,
            count_label,
            max_count: rows.iter().filter_map(|r| r.count).max().unwrap_or(0),
            facets,
            rows,
        }
    }

    fn count_row(name: &str, url: String, cells: Vec<String>, count: usize) -> RowView {
        RowView {
            name: name.to_owned(),
            url,
            cells,
            count: Some(count),
            facets: Vec::new(),
            deprecated: false,
        }
    }

    fn detections_of<'m>(map: &'m HashMap<&str, Vec<usize>>, name: &str) -> &'m [usize] {
        map.get(name).map_or(&[], Vec::as_slice)
    }

    fn story_rows(&self) -> Vec<RowView> {
        let site = self.site;
        site.content
            .stories
            .iter()
            .enumerate()
            .map(|(i, story)| {
                let name = story.header.name();
                Self::count_row(
                    name,
                    self.links.story(self.stem(&site.stories[i])),
                    vec![text(&story.header.date)],
                    Self::detections_of(&site.detections_by_story, name).len(),
                )
            })
            .collect()
    }

    fn data_source_rows(&self) -> Vec<RowView> {
        let site = self.site;
        site.content
            .data_sources
            .iter()
            .enumerate()
            .map(|(i, source)| {
                let name = source.header.name();
                Self::count_row(
                    name,
                    self.links.data_source(self.stem(&site.data_sources[i])),
                    vec![text(&source.sourcetype)],
                    Self::detections_of(&site.detections_by_data_source, name).len(),
                )
            })
            .collect()
    }

    fn macro_rows(&self) -> Vec<RowView> {
        let site = self.site;
        site.content
            .macros
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let name = m.header.name();
                let count = site.detections_by_macro.get(name).map_or(0, Vec::len);
                Self::count_row(
                    name,
                    self.links.macro_page(name, self.stem(&site.macros[i])),
                    Vec::new(),
                    count,
                )
            })
            .collect()
    }

    fn technique_rows(&self) -> Vec<RowView> {
        self.site
            .techniques
            .iter()
            .map(|(id, entry)| {
                let count = entry
                    .detections
                    .iter()
                    .filter(|&&i| self.in_technique_tables(i))
                    .count();
                let view = self.technique_view(id, &entry.info);
                RowView {
                    name: id.clone(),
                    url: view.tag_url,
                    cells: vec![view.name, view.tactics.join(", ")],
                    count: Some(count),
                    facets: vec![view.tactics.join("|")],
                    deprecated: false,
                }
            })
            .collect()
    }

    fn detection_rows(&self) -> Vec<RowView> {
        let site = self.site;
        (0..site.content.detections.len())
            .map(|i| {
                let detection = &site.content.detections[i];
                let summary = self.summary(i);
                let status = match text(&detection.status) {
                    s if s.is_empty() && site.detections[i].deprecated => "deprecated".to_owned(),
                    s if s.is_empty() && site.detections[i].experimental => {
                        "experimental".to_owned()
                    }
                    s => s,
                };
                let ids: Vec<&str> = summary.techniques.iter().map(|t| t.id.as_str()).collect();
                RowView {
                    name: summary.name,
                    url: summary.url,
                    cells: vec![
                        summary.detection_type.clone(),
                        summary.category.clone(),
                        status.clone(),
                        ids.join(", "),
                    ],
                    count: None,
                    facets: vec![summary.detection_type, summary.category, status],
                    deprecated: site.detections[i].deprecated,
                }
            })
            .collect()
    }

    /// The coverage map: for each tactic, its techniques coloured by the number of
    /// production detections naming the technique or one of its sub-techniques.
    pub fn coverage(&self, matrix: Option<&Matrix>) -> CoverageView {
        let levels = LEVELS
            .iter()
            .enumerate()
            .map(|(level, &(_, label))| LevelView { level, label })
            .collect();
        let Some(matrix) = matrix else {
            return CoverageView {
                available: false,
                version: String::new(),
                covered: 0,
                total: 0,
                detections: 0,
                tactics: Vec::new(),
                levels,
            };
        };
        let mut by_id: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (id, names) in self.site.content.attack_coverage() {
            by_id.entry(id).or_default().extend(names);
        }
        let mut covered_ids: BTreeSet<&str> = BTreeSet::new();
        let mut all_ids: BTreeSet<&str> = BTreeSet::new();
        let mut counted: BTreeSet<&str> = BTreeSet::new();
        let tactics = matrix
            .tactics
            .iter()
            .map(|tactic| {
                let cells: Vec<CellView> =
                    tactic
                        .techniques
                        .iter()
                        .map(|technique| {
                            let detections: BTreeSet<&str> = std::iter::once(&technique.id)
                                .chain(&technique.subtechniques)
                                .filter_map(|id| by_id.get(id))
                                .flatten()
                                .map(String::as_str)
                                .collect();
                            all_ids.insert(&technique.id);
                            if !detections.is_empty() {
                                covered_ids.insert(&technique.id);
                            }
                            counted.extend(detections.iter().copied());
                            CellView {
                                id: technique.id.clone(),
                                name: technique.name.clone(),
                                count: detections.len(),
                                level: level_of(detections.len()),
                                url: self.site.techniques.get(&technique.id).map(|entry| {
                                    self.links.technique(&technique.id, &entry.info.name)
                                }),
                                attack_url: attack_url(&technique.id),
                            }
                        })
                        .collect();
                TacticColumnView {
                    id: tactic.id.clone(),
                    name: tactic.name.clone(),
                    covered: cells.iter().filter(|c| c.count > 0).count(),
                    cells,
                }
            })
            .collect();
        CoverageView {
            available: true,
            version: matrix.version.clone(),
            covered: covered_ids.len(),
            total: all_ids.len(),
            detections: counted.len(),
            tactics,
            levels,
        }
    }

    /// The HTML site's front page: each section with its count, the coverage map's
    /// summary, and the stories and data sources with the most detections.
    pub fn front_page(&self, matrix: Option<&Matrix>) -> FrontPageView {
        let content = self.site.content;
        let sections = Section::ALL
            .iter()
            .map(|&section| SectionLinkView {
                title: section.title(),
                url: format!("{}{}.html", self.links.root, section.stem()),
                count: match section {
                    Section::Stories => content.stories.len(),
                    Section::Detections => content.detections.len(),
                    Section::Techniques => self.site.techniques.len(),
                    Section::DataSources => content.data_sources.len(),
                    Section::Macros => content.macros.len(),
                },
            })
            .collect();
        let top = |mut rows: Vec<RowView>| {
            rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
            rows.truncate(12);
            rows.retain(|r| r.count.unwrap_or(0) > 0);
            let max = rows.first().and_then(|r| r.count).unwrap_or(0);
            (rows, max)
        };
        let (top_stories, max_story_count) = top(self.story_rows());
        let (top_data_sources, max_data_source_count) = top(self.data_source_rows());
        FrontPageView {
            sections,
            coverage: self.coverage(matrix),
            top_stories,
            top_data_sources,
            max_story_count,
            max_data_source_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fall_into_the_legend_steps() {
        let steps: Vec<usize> = [0, 1, 2, 4, 5, 9, 10, 19, 20, 500]
            .into_iter()
            .map(level_of)
            .collect();
        assert_eq!(steps, [0, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    }
}
