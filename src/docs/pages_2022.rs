//! The site-wide Markdown files the 2022 generator wrote besides the detection and story
//! pages: `_pages/detections.md` and `_pages/stories.md` (the lists), one `_pages/` page per
//! data model, tactic and story category, and `_data/navigation.yml`. Written for a 2022
//! repository's Markdown site only, from templates `2022_*.md` and `2022_navigation.yml`.
//!
//! As in the generator: the detections are the ones it read (`DetectionPlace::listed`),
//! sorted by name; a story's techniques are those of the last detection, in that order,
//! that names it and has ATT&CK ids; a story's category is its first; the data model and
//! tactic lists are sorted; a later page of one file name replaces an earlier one.

use serde::Serialize;

use super::site::SiteMap;
use super::views::{DetectionSummary, TechniqueView, Views};
use super::{DocsError, OutputFile};
use crate::model::Generation;

#[derive(Clone, Serialize)]
struct StoryRow {
    name: String,
    slug: String,
    techniques: Vec<TechniqueView>,
    tactic: String,
    tactic_tag: String,
}

#[derive(Serialize)]
struct Category {
    name: String,
    slug: String,
    stories: Vec<StoryRow>,
}

#[derive(Serialize)]
struct NavEntry {
    name: String,
    slug: String,
}

/// `name.lower().replace(" ", sep)`, as the generator's templates wrote names into links.
fn lower_replace(name: &str, sep: &str) -> String {
    name.to_lowercase().replace(' ', sep)
}

fn nav(name: &str) -> NavEntry {
    NavEntry {
        name: name.to_owned(),
        slug: lower_replace(name, "_"),
    }
}

/// The files, or none when the repository is not 2022 content.
pub(super) fn site_pages(
    site: &SiteMap,
    views: &Views,
    escaped: &tera::Tera,
    unescaped: &tera::Tera,
) -> Result<Vec<OutputFile>, DocsError> {
    let content = site.content;
    if content.generation != Generation::Legacy2022 {
        return Ok(Vec::new());
    }
    let summaries: Vec<(usize, DetectionSummary)> = site
        .detections_by_name
        .iter()
        .map(|&i| (i, views.summary(i)))
        .collect();

    let mut datamodels: Vec<String> = Vec::new();
    let mut tactics: Vec<String> = Vec::new();
    for (i, summary) in &summaries {
        for datamodel in &content.detections[*i].datamodels {
            if !datamodels.contains(&datamodel.value) {
                datamodels.push(datamodel.value.clone());
            }
        }
        for tactic in summary.techniques.iter().flat_map(|t| &t.tactics) {
            if !tactics.contains(tactic) {
                tactics.push(tactic.clone());
            }
        }
    }
    datamodels.sort();
    tactics.sort();

    let mut stories: Vec<(String, Option<String>, StoryRow)> = (0..content.stories.len())
        .filter(|&i| site.story_has_2022_page(i))
        .map(|i| {
            let story = &content.stories[i];
            let name = story.header.name().to_owned();
            let last = summaries.iter().rev().find(|(d, _)| {
                let detection = &content.detections[*d];
                !detection.mitre_attack_ids.is_empty()
                    && detection.analytic_stories.iter().any(|s| s.value == name)
            });
            let techniques = last.map(|(_, s)| s.techniques.clone()).unwrap_or_default();
            let tactic = techniques
                .first()
                .and_then(|t| t.tactics.first())
                .cloned()
                .unwrap_or_default();
            let category = story.category.first().map(|c| c.value.clone());
            let row = StoryRow {
                slug: lower_replace(&name, "_"),
                tactic_tag: lower_replace(&tactic, "-"),
                name: name.clone(),
                techniques,
                tactic,
            };
            (name, category, row)
        })
        .collect();
    stories.sort_by(|a, b| a.0.cmp(&b.0));
    let mut category_names: Vec<String> = stories.iter().filter_map(|s| s.1.clone()).collect();
    category_names.sort();
    category_names.dedup();

    let limit = 2048 * (summaries.len() + stories.len() + 1);
    let render = |tera: &tera::Tera, template: &str, context: &tera::Context| {
        crate::render::sandbox::render(tera, template, context, 4096, limit).map_err(|e| {
            DocsError::Render {
                page: template.to_owned(),
                message: super::templates::error_chain(&e),
            }
        })
    };
    let mut files: Vec<OutputFile> = Vec::new();
    let mut push = |path: String, contents: String| {
        files.retain(|f| f.path != path);
        files.push(OutputFile { path, contents });
    };

    let mut context = tera::Context::new();
    context.insert(
        "detections",
        &summaries.iter().map(|(_, s)| s).collect::<Vec<_>>(),
    );
    push(
        "_pages/detections.md".to_owned(),
        render(escaped, "2022_detections.md", &context)?,
    );

    let mut context = tera::Context::new();
    let navigation = |names: &[String]| names.iter().map(|n| nav(n)).collect::<Vec<_>>();
    context.insert("tactics", &navigation(&tactics));
    context.insert("datamodels", &navigation(&datamodels));
    context.insert("categories", &navigation(&category_names));
    push(
        "_data/navigation.yml".to_owned(),
        render(unescaped, "2022_navigation.yml", &context)?,
    );

    for tag in datamodels.iter().chain(&tactics) {
        let mut context = tera::Context::new();
        context.insert("tag", tag);
        context.insert("slug", &lower_replace(tag, "_"));
        push(
            format!("_pages/{}.md", super::links::jekyll_slug(tag)),
            render(unescaped, "2022_tag.md", &context)?,
        );
    }
    let mut stories_by_category: Vec<Category> = category_names
        .iter()
        .map(|name| Category {
            name: name.clone(),
            slug: lower_replace(name, "_"),
            stories: Vec::new(),
        })
        .collect();
    let mut all_stories = Vec::new();
    for (_, category, row) in stories {
        if let Some(c) = stories_by_category
            .iter_mut()
            .find(|c| Some(&c.name) == category.as_ref())
        {
            c.stories.push(row.clone());
        }
        all_stories.push(row);
    }
    for category in &stories_by_category {
        let mut context = tera::Context::new();
        context.insert("category", category);
        push(
            format!("_pages/{}.md", super::links::jekyll_slug(&category.name)),
            render(unescaped, "2022_category.md", &context)?,
        );
    }
    let mut context = tera::Context::new();
    context.insert("stories", &all_stories);
    push(
        "_pages/stories.md".to_owned(),
        render(unescaped, "2022_stories.md", &context)?,
    );
    Ok(files)
}
