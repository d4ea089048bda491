//! Page views: the typed, normalised values each template sees (never raw YAML).
//!
//! A view holds plain text; templates escape it on output. Link targets are computed
//! here, per format, so templates never build URLs from user text.

use serde::Serialize;

use super::links::{Links, attack_url, datamodel_url};
use super::site::{SiteMap, unique};
use super::spl_refs::{lookup_candidates, lookup_candidates_2022};
use crate::model::python::{list_or, scalar_or};
use crate::model::{DataSource, Detection, Macro, RiskSource, Story, Text};

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub name: String,
    /// `None` when the target has no page in this site (the template prints plain text).
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TechniqueView {
    pub id: String,
    pub name: String,
    pub tactics: Vec<String>,
    /// The technique's ATT&CK page.
    pub url: String,
    /// The technique's page in this site.
    pub tag_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LookupView {
    pub name: String,
    pub url: String,
    pub data_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskObjectView {
    pub field: String,
    #[serde(rename = "type")]
    pub object_type: String,
    pub score: String,
}

/// The risk-based-alerting row: 2022/4.x from impact and confidence, 5.x from `rba:`.
#[derive(Debug, Clone, Serialize)]
pub struct RbaView {
    /// impact x confidence / 100 printed as Python prints a float (`5.0`, `72.9`), or,
    /// for 5.x, the highest risk-object score.
    pub score: String,
    pub impact: String,
    pub confidence: String,
    pub message: String,
    /// 5.x only: one row per risk object.
    pub risk_objects: Vec<RiskObjectView>,
    pub threat_objects: Vec<RiskObjectView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DetectionView {
    pub name: String,
    pub id: String,
    pub version: String,
    pub date: String,
    pub author: String,
    #[serde(rename = "type")]
    pub detection_type: String,
    pub status: String,
    pub generation: crate::model::Generation,
    pub description: String,
    pub search: String,
    pub how_to_implement: String,
    pub known_false_positives: String,
    /// The category directory with its first letter upper-cased (`Cloud`).
    pub category: String,
    pub experimental: bool,
    /// Deprecated (directory or status): the HTML site shows a banner.
    pub deprecated: bool,
    pub products: Vec<String>,
    pub datamodels: Vec<LinkView>,
    pub data_sources: Vec<LinkView>,
    pub techniques: Vec<TechniqueView>,
    pub macros: Vec<LinkView>,
    /// `<name>_filter`, the empty macro every search ends with.
    pub filter_macro: String,
    pub lookups: Vec<LookupView>,
    pub required_fields: Vec<String>,
    pub stories: Vec<LinkView>,
    pub kill_chain_phases: Vec<String>,
    pub rba: Option<RbaView>,
    pub references: Vec<String>,
    pub datasets: Vec<String>,
    pub cves: Vec<String>,
    pub source_url: String,
    /// This page's own address in the site.
    pub url: String,
}

/// A detection as a story, technique or index page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DetectionSummary {
    pub name: String,
    pub url: String,
    #[serde(rename = "type")]
    pub detection_type: String,
    pub category: String,
    pub techniques: Vec<TechniqueView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    pub name: String,
    pub id: String,
    pub version: String,
    pub date: String,
    pub author: String,
    pub generation: crate::model::Generation,
    pub description: String,
    pub narrative: String,
    pub products: Vec<String>,
    pub datamodels: Vec<LinkView>,
    /// The story's own `tags.kill_chain_phases` (2022).
    pub kill_chain_phases: Vec<String>,
    pub data_sources: Vec<LinkView>,
    pub detections: Vec<DetectionSummary>,
    pub techniques: Vec<TechniqueView>,
    pub references: Vec<String>,
    pub source_url: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MacroView {
    pub name: String,
    pub description: String,
    pub definition: String,
    pub arguments: Vec<String>,
    pub detections: Vec<DetectionSummary>,
    pub source_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AddOnView {
    pub name: String,
    pub url: Option<String>,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExampleView {
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsoleStepsView {
    pub title: String,
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CliView {
    pub title: String,
    pub steps: Vec<CliStepView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CliStepView {
    pub description: String,
    /// Code-fence-safe command text; empty when the step has none.
    pub command: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeView {
    pub title: String,
    pub language: String,
    pub steps: Vec<String>,
    pub code: String,
}

/// Consecutive code remediations in one language (`Using Python`).
#[derive(Debug, Clone, Serialize)]
pub struct CodeGroupView {
    /// The language as a heading shows it: first letter upper-cased.
    pub language: String,
    pub items: Vec<CodeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RemediationView {
    pub console: Vec<ConsoleStepsView>,
    pub cli: Vec<CliView>,
    pub code: Vec<CodeGroupView>,
}

fn group_code(items: Vec<(String, CodeView)>) -> Vec<CodeGroupView> {
    let mut groups: Vec<CodeGroupView> = Vec::new();
    for (language, item) in items {
        let heading = match language.chars().next() {
            Some(first) => first
                .to_uppercase()
                .chain(language.chars().skip(1))
                .collect(),
            None => "Code".to_owned(),
        };
        match groups.last_mut() {
            Some(group) if group.language == heading => group.items.push(item),
            _ => groups.push(CodeGroupView {
                language: heading,
                items: vec![item],
            }),
        }
    }
    groups
}

#[derive(Debug, Clone, Serialize)]
pub struct DataSourceView {
    pub name: String,
    pub id: String,
    pub version: String,
    pub date: String,
    pub author: String,
    pub description: String,
    pub source: String,
    pub sourcetype: String,
    pub separator: String,
    pub supported_add_ons: Vec<AddOnView>,
    pub fields: Vec<String>,
    pub example_log: String,
    pub event_information: Vec<String>,
    pub examples: Vec<ExampleView>,
    pub remediation: Option<RemediationView>,
    pub detections: Vec<DetectionSummary>,
    pub source_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TechniquePageView {
    pub id: String,
    pub name: String,
    pub tactics: Vec<String>,
    pub url: String,
    pub detections: Vec<DetectionSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexView {
    pub stories: Vec<LinkView>,
    pub techniques: Vec<TechniqueView>,
    pub data_sources: Vec<LinkView>,
    pub macros: Vec<LinkView>,
    /// Detections grouped by category, categories sorted.
    pub categories: Vec<CategoryView>,
    pub detection_count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryView {
    pub name: String,
    pub detections: Vec<DetectionSummary>,
}

fn text(t: &Option<Text>) -> String {
    t.as_ref().map(|t| t.value.clone()).unwrap_or_default()
}

/// Code as a fenced block shows it: without the trailing line breaks of a `|` scalar.
fn code(t: &Option<Text>) -> String {
    text(t).trim_end_matches(['\n', '\r']).to_owned()
}

fn texts(ts: &[Text]) -> Vec<String> {
    ts.iter().map(|t| t.value.clone()).collect()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

pub use crate::model::python::python_float;

/// Views of one output format.
pub struct Views<'s, 'a> {
    pub site: &'s SiteMap<'a>,
    pub links: Links<'s>,
}

impl Views<'_, '_> {
    pub(super) fn technique_view(&self, id: &str, info: &super::TechniqueInfo) -> TechniqueView {
        TechniqueView {
            id: id.to_owned(),
            name: info.name.clone(),
            tactics: info.tactics.clone(),
            url: attack_url(id),
            tag_url: self.links.technique(id, &info.name),
        }
    }

    fn techniques(&self, detection: &Detection) -> Vec<TechniqueView> {
        self.site
            .techniques_of(detection)
            .into_iter()
            .map(|(id, info)| self.technique_view(id, info))
            .collect()
    }

    pub fn detection_url(&self, index: usize) -> String {
        let place = &self.site.detections[index];
        let name = self.site.content.detections[index].name();
        self.links.detection(
            &place.category_dir,
            &super::links::jekyll_slug(name),
            &place.stems.html,
        )
    }

    fn story_link(&self, name: &str) -> LinkView {
        let url = match self.site.story_by_name.get(name) {
            Some(&i) => Some(self.links.story(self.stem(&self.site.stories[i]))),
            None if self.links.format == super::DocsFormat::Markdown => {
                Some(self.links.story(&super::links::jekyll_slug(name)))
            }
            None => None,
        };
        LinkView {
            name: name.to_owned(),
            url,
        }
    }

    fn data_source_link(&self, name: &str) -> LinkView {
        let url = self.site.data_source_by_name.get(name).map(|&i| {
            self.links
                .data_source(self.stem(&self.site.data_sources[i]))
        });
        LinkView {
            name: name.to_owned(),
            url,
        }
    }

    fn macro_link(&self, index: usize) -> LinkView {
        let name = self.site.content.macros[index].header.name();
        LinkView {
            name: name.to_owned(),
            url: Some(
                self.links
                    .macro_page(name, self.stem(&self.site.macros[index])),
            ),
        }
    }

    pub(super) fn stem<'x>(&self, stems: &'x super::site::Stems) -> &'x str {
        match self.links.format {
            super::DocsFormat::Markdown => &stems.markdown,
            super::DocsFormat::Html => &stems.html,
        }
    }

    fn datamodel_links(names: impl IntoIterator<Item = String>) -> Vec<LinkView> {
        names
            .into_iter()
            .map(|name| LinkView {
                url: Some(datamodel_url(&name)),
                name,
            })
            .collect()
    }

    pub fn summary(&self, index: usize) -> DetectionSummary {
        let detection = &self.site.content.detections[index];
        DetectionSummary {
            name: detection.name().to_owned(),
            url: self.detection_url(index),
            detection_type: scalar_or(&detection.python, "type", text(&detection.detection_type)),
            category: capitalize(&self.site.detections[index].category_dir),
            techniques: self.techniques(detection),
        }
    }

    pub fn detection(&self, index: usize) -> DetectionView {
        let detection = &self.site.content.detections[index];
        let place = &self.site.detections[index];
        let search = text(&detection.search);
        let legacy = detection.generation == crate::model::Generation::Legacy2022;
        let macro_indices: Vec<usize> = super::site::listed_macros(detection)
            .iter()
            .filter_map(|name| self.site.macro_by_name.get(name.as_str()).copied())
            .collect();
        let mut datasets = texts(&detection.datasets);
        for test in &detection.tests {
            for data in test.attack_data.iter().filter_map(|a| a.data.as_ref()) {
                if !datasets.contains(&data.value) {
                    datasets.push(data.value.clone());
                }
            }
        }
        let python = &detection.python;
        let py = |key: &str, typed: String| scalar_or(python, key, typed);
        let py_list = |key: &str, typed: Vec<String>| list_or(python, key, typed);
        DetectionView {
            name: detection.name().to_owned(),
            id: py("id", text(&detection.header.id)),
            version: py("version", text(&detection.header.version)),
            date: py("date", text(&detection.header.date)),
            author: py("author", text(&detection.header.author)),
            detection_type: py("type", text(&detection.detection_type)),
            status: text(&detection.status),
            generation: detection.generation,
            description: py("description", text(&detection.header.description)),
            how_to_implement: py("how_to_implement", text(&detection.how_to_implement)),
            known_false_positives: py(
                "known_false_positives",
                text(&detection.known_false_positives),
            ),
            category: capitalize(&place.category_dir),
            experimental: place.experimental,
            deprecated: place.deprecated,
            products: py_list("tags.product", texts(&detection.products)),
            datamodels: Self::datamodel_links(py_list(
                "datamodel",
                super::site::listed_values(detection, &detection.datamodels)
                    .map(str::to_owned)
                    .collect(),
            )),
            data_sources: unique(&detection.data_sources)
                .map(|name| self.data_source_link(name))
                .collect(),
            techniques: self.techniques(detection),
            lookups: if legacy {
                self.lookups_2022(&search, &macro_indices)
            } else {
                self.lookups(&search, &macro_indices)
            },
            macros: macro_indices.iter().map(|&i| self.macro_link(i)).collect(),
            filter_macro: format!(
                "{}_filter",
                detection.name().to_lowercase().replace(' ', "_")
            ),
            search,
            required_fields: py_list("tags.required_fields", texts(&detection.required_fields)),
            stories: py_list("tags.analytic_story", texts(&detection.analytic_stories))
                .iter()
                .map(|s| self.story_link(s))
                .collect(),
            kill_chain_phases: py_list(
                "tags.kill_chain_phases",
                texts(&detection.kill_chain_phases),
            ),
            rba: rba_view(detection),
            references: py_list("references", texts(&detection.references)),
            datasets: py_list("tags.dataset", datasets),
            cves: texts(&detection.cves),
            source_url: self.links.source(&place.source_path),
            url: self.detection_url(index),
        }
    }

    /// Lookups named after `lookup` in the search or in the listed macros' definitions.
    fn lookups(&self, search: &str, macro_indices: &[usize]) -> Vec<LookupView> {
        let content = self.site.content;
        let mut names: Vec<&str> = lookup_candidates(search);
        for &i in macro_indices {
            if let Some(definition) = &content.macros[i].definition {
                names.extend(lookup_candidates(definition.as_str()));
            }
        }
        let mut indices: Vec<usize> = names
            .into_iter()
            .filter_map(|name| self.site.lookup_by_name.get(name).copied())
            .collect();
        indices.sort_by_key(|&i| content.lookups[i].header.name());
        indices.dedup();
        indices
            .into_iter()
            .map(|i| {
                let lookup = &content.lookups[i];
                let name = lookup.header.name();
                LookupView {
                    name: name.to_owned(),
                    url: self.links.repository_file(&format!("lookups/{name}.yml")),
                    data_url: lookup
                        .filename
                        .as_ref()
                        .map(|f| self.links.repository_file(&format!("lookups/{}", f.value))),
                }
            })
            .collect()
    }

    /// Lookups as the 2022 generator listed them: those named in the listed macros'
    /// definitions, then in the search ([`lookup_candidates_2022`]), sorted by name with
    /// every mention kept; a lookup with a `fields_list` (a KV-store collection) has an
    /// empty data link, as the generator gave it no file address.
    fn lookups_2022(&self, search: &str, macro_indices: &[usize]) -> Vec<LookupView> {
        let content = self.site.content;
        let mut names: Vec<&str> = Vec::new();
        for &i in macro_indices {
            if let Some(definition) = &content.macros[i].definition {
                names.extend(lookup_candidates_2022(definition.as_str()));
            }
        }
        names.extend(lookup_candidates_2022(search));
        let mut indices: Vec<usize> = names
            .into_iter()
            .filter_map(|name| self.site.lookup_by_name.get(name).copied())
            .collect();
        indices.sort_by_key(|&i| content.lookups[i].header.name());
        indices
            .into_iter()
            .map(|i| {
                let lookup = &content.lookups[i];
                let name = lookup.header.name();
                let data_url = if lookup.fields_list.is_some() {
                    Some(String::new())
                } else {
                    lookup
                        .filename
                        .as_ref()
                        .map(|f| self.links.repository_file(&format!("lookups/{}", f.value)))
                };
                LookupView {
                    name: name.to_owned(),
                    url: self.links.repository_file(&format!("lookups/{name}.yml")),
                    data_url,
                }
            })
            .collect()
    }

    pub fn story(&self, index: usize) -> StoryView {
        let story: &Story = &self.site.content.stories[index];
        let detections: &[usize] = self
            .site
            .detections_by_story
            .get(story.header.name())
            .map_or(&[], Vec::as_slice);
        let content = self.site.content;
        let mut datamodels: Vec<String> = detections
            .iter()
            .flat_map(|&i| {
                content.detections[i]
                    .datamodels
                    .iter()
                    .map(|t| t.value.clone())
            })
            .collect();
        datamodels.sort();
        datamodels.dedup();
        let mut data_sources: Vec<&str> = detections
            .iter()
            .flat_map(|&i| content.detections[i].data_sources.iter().map(Text::as_str))
            .collect();
        data_sources.sort();
        data_sources.dedup();
        let mut techniques: Vec<TechniqueView> = detections
            .iter()
            .filter(|&&i| self.in_technique_tables(i))
            .flat_map(|&i| self.techniques(&content.detections[i]))
            .collect();
        techniques.sort_by(|a, b| a.id.cmp(&b.id));
        techniques.dedup_by(|a, b| a.id == b.id);
        // The 2022 generator built a story's source link from its name, not its file.
        let path = if story.generation == crate::model::Generation::Legacy2022 {
            format!(
                "stories/{}.yml",
                super::links::jekyll_slug(story.header.name())
            )
        } else {
            self.site_path(story.header.file)
        };
        let python = &story.python;
        let py = |key: &str, typed: String| scalar_or(python, key, typed);
        let py_list = |key: &str, typed: Vec<String>| list_or(python, key, typed);
        StoryView {
            name: story.header.name().to_owned(),
            id: py("id", text(&story.header.id)),
            version: py("version", text(&story.header.version)),
            date: py("date", text(&story.header.date)),
            author: py("author", text(&story.header.author)),
            generation: story.generation,
            description: py("description", text(&story.header.description)),
            narrative: py("narrative", text(&story.narrative)),
            products: py_list("tags.product", texts(&story.products)),
            kill_chain_phases: py_list("tags.kill_chain_phases", texts(&story.kill_chain_phases)),
            datamodels: Self::datamodel_links(datamodels),
            data_sources: data_sources
                .into_iter()
                .map(|name| self.data_source_link(name))
                .collect(),
            detections: detections.iter().map(|&i| self.summary(i)).collect(),
            techniques,
            references: py_list("references", texts(&story.references)),
            source_url: self.links.source(&path),
            url: self.links.story(self.stem(&self.site.stories[index])),
        }
    }

    fn site_path(&self, file: usize) -> String {
        self.site.file_paths.get(file).cloned().unwrap_or_default()
    }

    pub fn macro_page(&self, index: usize) -> MacroView {
        let content = self.site.content;
        let macro_def: &Macro = &content.macros[index];
        let name = macro_def.header.name();
        let detections: &[usize] = self
            .site
            .detections_by_macro
            .get(name)
            .map_or(&[], Vec::as_slice);
        MacroView {
            name: name.to_owned(),
            description: text(&macro_def.header.description),
            definition: code(&macro_def.definition),
            arguments: texts(&macro_def.arguments),
            detections: detections.iter().map(|&i| self.summary(i)).collect(),
            source_url: self.links.source(&self.site_path(macro_def.header.file)),
        }
    }

    pub fn data_source(&self, index: usize) -> DataSourceView {
        let source: &DataSource = &self.site.content.data_sources[index];
        let detections: &[usize] = self
            .site
            .detections_by_data_source
            .get(source.header.name())
            .map_or(&[], Vec::as_slice);
        let remediation = &source.remediation;
        DataSourceView {
            name: source.header.name().to_owned(),
            id: text(&source.header.id),
            version: text(&source.header.version),
            date: text(&source.header.date),
            author: text(&source.header.author),
            description: text(&source.header.description),
            source: text(&source.source),
            sourcetype: text(&source.sourcetype),
            separator: text(&source.separator),
            supported_add_ons: source
                .supported_add_ons
                .iter()
                .map(|ta| AddOnView {
                    name: text(&ta.name),
                    url: ta.url.as_ref().map(|u| u.value.clone()),
                    version: text(&ta.version),
                })
                .collect(),
            fields: texts(&source.fields),
            example_log: code(&source.example_log),
            event_information: texts(&source.event_information),
            examples: source
                .examples
                .iter()
                .map(|e| ExampleView {
                    title: text(&e.title),
                    description: text(&e.description),
                })
                .collect(),
            remediation: (!remediation.is_empty()).then(|| RemediationView {
                console: remediation
                    .console
                    .iter()
                    .map(|c| ConsoleStepsView {
                        title: text(&c.title),
                        steps: texts(&c.steps),
                    })
                    .collect(),
                cli: remediation
                    .cli
                    .iter()
                    .map(|c| CliView {
                        title: text(&c.title),
                        steps: c
                            .steps
                            .iter()
                            .map(|step| CliStepView {
                                description: text(&step.description),
                                command: code(&step.command),
                            })
                            .collect(),
                    })
                    .collect(),
                code: group_code(
                    remediation
                        .code
                        .iter()
                        .map(|c| {
                            let language = text(&c.language);
                            let view = CodeView {
                                title: text(&c.title),
                                language: super::escape::code_language(&language),
                                steps: texts(&c.steps),
                                code: code(&c.code),
                            };
                            (language, view)
                        })
                        .collect(),
                ),
            }),
            detections: detections.iter().map(|&i| self.summary(i)).collect(),
            source_url: self.links.source(&self.site_path(source.header.file)),
        }
    }

    pub fn technique_page(&self, id: &str) -> Option<TechniquePageView> {
        let entry = self.site.techniques.get(id)?;
        let view = self.technique_view(id, &entry.info);
        Some(TechniquePageView {
            id: view.id,
            name: view.name,
            tactics: view.tactics,
            url: view.url,
            detections: entry
                .detections
                .iter()
                .filter(|&&i| self.in_technique_tables(i))
                .map(|&i| self.summary(i))
                .collect(),
        })
    }

    /// Whether a detection is listed under its techniques: in the HTML site, deprecated
    /// detections are not (the Markdown site lists every one, as the 2022 site did).
    pub fn in_technique_tables(&self, index: usize) -> bool {
        self.links.format == super::DocsFormat::Markdown || !self.site.detections[index].deprecated
    }

    pub fn index(&self) -> IndexView {
        let content = self.site.content;
        let mut stories: Vec<LinkView> = (0..content.stories.len())
            .map(|i| LinkView {
                name: content.stories[i].header.name().to_owned(),
                url: Some(self.links.story(self.stem(&self.site.stories[i]))),
            })
            .collect();
        stories.sort_by(|a, b| a.name.cmp(&b.name));
        let mut data_sources: Vec<LinkView> = (0..content.data_sources.len())
            .map(|i| LinkView {
                name: content.data_sources[i].header.name().to_owned(),
                url: Some(
                    self.links
                        .data_source(self.stem(&self.site.data_sources[i])),
                ),
            })
            .collect();
        data_sources.sort_by(|a, b| a.name.cmp(&b.name));
        let mut macros: Vec<LinkView> = (0..content.macros.len())
            .map(|i| self.macro_link(i))
            .collect();
        macros.sort_by(|a, b| a.name.cmp(&b.name));
        let mut order: Vec<usize> = (0..content.detections.len())
            .filter(|&i| self.site.detections[i].listed)
            .collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&self.site.detections[a], &self.site.detections[b]);
            pa.category_dir.cmp(&pb.category_dir).then(
                content.detections[a]
                    .name()
                    .cmp(content.detections[b].name()),
            )
        });
        let mut categories: Vec<CategoryView> = Vec::new();
        for i in order {
            let category = capitalize(&self.site.detections[i].category_dir);
            if categories.last().is_none_or(|c| c.name != category) {
                categories.push(CategoryView {
                    name: category,
                    detections: Vec::new(),
                });
            }
            if let Some(last) = categories.last_mut() {
                last.detections.push(self.summary(i));
            }
        }
        IndexView {
            stories,
            techniques: self
                .site
                .techniques
                .iter()
                .map(|(id, entry)| self.technique_view(id, &entry.info))
                .collect(),
            data_sources,
            macros,
            categories,
            detection_count: content.detections.len(),
        }
    }
}

/// The RBA row, when the detection declares risk (2022/4.x `tags.observable`, 5.x `rba:`).
fn rba_view(detection: &Detection) -> Option<RbaView> {
    let python = &detection.python;
    let message = scalar_or(python, "tags.message", text(&detection.message));
    match detection.risk_source {
        RiskSource::None => None,
        RiskSource::Observables => {
            let impact = detection.impact.map(|s| s.value);
            let confidence = detection.confidence.map(|s| s.value);
            let score = match (impact, confidence) {
                (Some(i), Some(c)) => python_float(i.saturating_mul(c) as f64 / 100.0),
                _ => String::new(),
            };
            Some(RbaView {
                score,
                impact: scalar_or(
                    python,
                    "tags.impact",
                    impact.map(|v| v.to_string()).unwrap_or_default(),
                ),
                confidence: scalar_or(
                    python,
                    "tags.confidence",
                    confidence.map(|v| v.to_string()).unwrap_or_default(),
                ),
                message,
                risk_objects: Vec::new(),
                threat_objects: Vec::new(),
            })
        }
        RiskSource::Rba => Some(RbaView {
            score: detection
                .overall_risk_score()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            impact: String::new(),
            confidence: String::new(),
            message,
            risk_objects: detection
                .risk_objects
                .iter()
                .map(|r| RiskObjectView {
                    field: r.field.value.clone(),
                    object_type: r.object_type.value.clone(),
                    score: r.score.map(|s| s.value.to_string()).unwrap_or_default(),
                })
                .collect(),
            threat_objects: detection
                .threat_objects
                .iter()
                .map(|t| RiskObjectView {
                    field: t.field.value.clone(),
                    object_type: t.object_type.value.clone(),
                    score: String::new(),
                })
                .collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_print_like_python_floats() {
        assert_eq!(python_float(5.0), "5.0");
        assert_eq!(python_float(81.0 * 90.0 / 100.0), "72.9");
        assert_eq!(python_float(0.25), "0.25");
    }
}
