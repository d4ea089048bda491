//! Stage `docs`: the content as a documentation site, in Jekyll Markdown (the layout of
//! the 2022 security_content site) or as a static HTML site with client-side search.
//!
//! Pages are rendered from page views built from the model (never from raw YAML) by Tera
//! templates embedded in the binary and replaceable by the repository's own
//! `templates/docs/<name>`. Escaping happens in one place per kind (see [`escape`]).
//! Output is written atomically: a failed run leaves the previous site untouched.
//!
//! **Architecture invariant:** nothing here reads the clock or the environment; the only
//! I/O is reading template overrides from the repository and writing `out`.

pub mod escape;
mod html;
pub mod links;
mod output;
mod pages_2022;
mod site;
mod spl_refs;
mod techniques;
mod templates;
mod views;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::load::Repository;
use crate::model::Content;

pub use output::MARKER;
pub use techniques::{
    NoTechniques, TechniqueInfo, TechniqueLookup, TechniqueTable, tactic_from_phase_name,
};
pub use views::python_float;

/// The two kinds of site `docs` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocsFormat {
    /// Jekyll Markdown pages (`_posts/`, `_stories/`, ...), as the 2022 site had them.
    Markdown,
    /// A static HTML site: every page, navigation and search, nothing fetched from the network.
    Html,
}

impl DocsFormat {
    pub fn name(self) -> &'static str {
        match self {
            DocsFormat::Markdown => "markdown",
            DocsFormat::Html => "html",
        }
    }

    pub fn from_name(name: &str) -> Option<DocsFormat> {
        [DocsFormat::Markdown, DocsFormat::Html]
            .into_iter()
            .find(|f| f.name() == name)
    }
}

/// What `write_docs` needs besides the content.
pub struct DocsOptions<'a> {
    pub format: DocsFormat,
    /// ATT&CK names and tactics, in the configured catalogue version's wording.
    pub techniques: &'a dyn TechniqueLookup,
    /// Web address of the content repository, for source links.
    pub repository_url: String,
    /// The branch source links point at.
    pub branch: String,
}

impl<'a> DocsOptions<'a> {
    /// Options with the source links of splunk/security_content's `develop` branch.
    pub fn new(format: DocsFormat, techniques: &'a dyn TechniqueLookup) -> DocsOptions<'a> {
        DocsOptions {
            format,
            techniques,
            repository_url: "https://github.com/splunk/security_content".to_owned(),
            branch: "develop".to_owned(),
        }
    }
}

/// How many pages of each kind were written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PageCounts {
    pub detections: usize,
    pub stories: usize,
    pub macros: usize,
    pub data_sources: usize,
    pub techniques: usize,
    pub index: usize,
}

/// What a docs run produced.
#[derive(Debug, Clone, Serialize)]
pub struct DocsReport {
    pub format: DocsFormat,
    pub pages: PageCounts,
    /// All files written, pages and site assets.
    pub files: usize,
    /// Things worth telling the user (e.g. two pages that wanted the same file name).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum DocsError {
    #[error("docs template: {message}")]
    Template { message: String },
    #[error("cannot render {page}: {message}")]
    Render { page: String, message: String },
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error(
        "{0} exists and was not written by `splforge docs` (no {MARKER} file): refusing to replace it"
    )]
    OutputNotOurs(PathBuf),
}

/// A rendered site, not yet written.
#[derive(Debug, Clone)]
pub struct RenderedDocs {
    pub files: Vec<output::OutputFile>,
    pub report: DocsReport,
}

pub use output::OutputFile;

impl RenderedDocs {
    /// Writes the rendered site to `out` atomically, replacing a site written there before.
    pub fn write_to(&self, out: &Path) -> Result<(), DocsError> {
        output::write_site(out, &self.files)
    }
}

/// Writes rendered sites (one per format) as one change: the outputs are all the previous
/// sites or all the new ones, never some of each.
pub fn write_all(sites: &[(&Path, &RenderedDocs)]) -> Result<(), DocsError> {
    let files: Vec<(&Path, &[OutputFile])> = sites
        .iter()
        .map(|(out, rendered)| (*out, rendered.files.as_slice()))
        .collect();
    output::write_sites(&files)
}

/// Renders the site and writes it to `out`, replacing a site written there before.
pub fn write_docs(
    content: &Content,
    repository: &Repository,
    options: &DocsOptions,
    out: &Path,
) -> Result<DocsReport, DocsError> {
    let rendered = render_docs(content, repository, options)?;
    rendered.write_to(out)?;
    Ok(rendered.report)
}

/// One page to render.
#[derive(Debug, Clone, Copy)]
enum PageJob<'a> {
    Detection(usize),
    Story(usize),
    Macro(usize),
    DataSource(usize),
    Technique(&'a str),
    Index,
}

impl PageJob<'_> {
    fn kind(self) -> &'static str {
        match self {
            PageJob::Detection(_) => "detection",
            PageJob::Story(_) => "story",
            PageJob::Macro(_) => "macro",
            PageJob::DataSource(_) => "data source",
            PageJob::Technique(_) => "technique",
            PageJob::Index => "index",
        }
    }
}

/// Values every template sees as `site`.
#[derive(Debug, Clone, Serialize)]
struct SiteView {
    format: DocsFormat,
    /// Jekyll-only Markdown (kramdown attribute lists) is wanted.
    jekyll: bool,
    /// From the page to the site root, for HTML links (`""` or `"../"`).
    root: String,
}

struct RenderedPage {
    path: String,
    contents: String,
    search: Option<html::SearchEntry>,
}

/// Renders every page in memory.
pub fn render_docs(
    content: &Content,
    repository: &Repository,
    options: &DocsOptions,
) -> Result<RenderedDocs, DocsError> {
    let tera = templates::page_templates(&repository.root)?;
    let site = site::SiteMap::build(content, repository, options.techniques);
    let format = options.format;
    let links_for = |root: &'static str| links::Links {
        format,
        repository_url: &options.repository_url,
        branch: &options.branch,
        root,
    };
    let page_views = views::Views {
        site: &site,
        links: links_for("../"),
    };
    let index_views = views::Views {
        site: &site,
        links: links_for(""),
    };

    let mut jobs: Vec<PageJob> = Vec::new();
    jobs.extend(
        (0..content.detections.len())
            .filter(|&i| {
                let place = &site.detections[i];
                place.listed && !(format == DocsFormat::Markdown && place.superseded)
            })
            .map(PageJob::Detection),
    );
    jobs.extend(
        (0..content.stories.len())
            .filter(|&i| format == DocsFormat::Html || site.story_has_2022_page(i))
            .map(PageJob::Story),
    );
    jobs.extend((0..content.macros.len()).map(PageJob::Macro));
    jobs.extend((0..content.data_sources.len()).map(PageJob::DataSource));
    jobs.extend(site.techniques.keys().map(|id| PageJob::Technique(id)));
    jobs.push(PageJob::Index);

    // The 2022 generator rendered story pages without autoescape: a 2022 story's Markdown
    // page prints its values as written (the HTML site renders raw HTML as text anyway).
    let legacy = crate::model::Generation::Legacy2022;
    let unescaped = (format == DocsFormat::Markdown
        && (content.generation == legacy
            || content.stories.iter().any(|s| s.generation == legacy)))
    .then(|| {
        let mut raw = tera.clone();
        raw.autoescape_on(Vec::new());
        raw
    });
    let renderer = PageRenderer {
        tera: &tera,
        unescaped: unescaped.as_ref(),
        site: &site,
        format,
    };
    let pages: Vec<RenderedPage> = jobs
        .par_iter()
        .map(|&job| {
            let views = match job {
                PageJob::Index => &index_views,
                _ => &page_views,
            };
            renderer.render(job, views)
        })
        .collect::<Result<_, _>>()?;

    let mut counts = PageCounts::default();
    for job in &jobs {
        match job {
            PageJob::Detection(_) => counts.detections += 1,
            PageJob::Story(_) => counts.stories += 1,
            PageJob::Macro(_) => counts.macros += 1,
            PageJob::DataSource(_) => counts.data_sources += 1,
            PageJob::Technique(_) => counts.techniques += 1,
            PageJob::Index => counts.index += 1,
        }
    }
    let mut search_entries = Vec::new();
    let mut files = Vec::with_capacity(pages.len() + 4);
    for page in pages {
        search_entries.extend(page.search);
        files.push(OutputFile {
            path: page.path,
            contents: page.contents,
        });
    }
    if format == DocsFormat::Html {
        files.extend(site_files(&repository.root, &search_entries)?);
    }
    if let Some(raw) = &unescaped {
        files.extend(pages_2022::site_pages(&site, &page_views, &tera, raw)?);
    }
    let report = DocsReport {
        format,
        pages: counts,
        files: files.len(),
        notes: site.notes.clone(),
    };
    Ok(RenderedDocs { files, report })
}

/// The assets and search index of the HTML site.
fn site_files(
    repository_root: &Path,
    search_entries: &[html::SearchEntry],
) -> Result<Vec<OutputFile>, DocsError> {
    let json = serde_json::to_string(search_entries).map_err(|e| DocsError::Render {
        page: "search-index.json".to_owned(),
        message: e.to_string(),
    })?;
    let mut files = vec![
        OutputFile {
            path: "search-index.js".to_owned(),
            contents: html::search_index_script(&json),
        },
        OutputFile {
            path: "search-index.json".to_owned(),
            contents: json,
        },
    ];
    for (name, contents) in templates::site_assets(repository_root)? {
        files.push(OutputFile {
            path: format!("assets/{name}"),
            contents,
        });
    }
    Ok(files)
}

/// A template context with `view` bound to `name`.
fn bind(name: &str, view: &impl Serialize) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert(name, view);
    context
}

struct PageRenderer<'r, 'a> {
    tera: &'r tera::Tera,
    /// The templates without autoescape, for 2022 story pages in Markdown.
    unescaped: Option<&'r tera::Tera>,
    site: &'r site::SiteMap<'a>,
    format: DocsFormat,
}

/// A page's view, template and file stem, before rendering.
struct PagePlan {
    template: &'static str,
    /// The page view, bound to `binding` (and `site`) in the template context.
    context: tera::Context,
    /// Output directory (Markdown, HTML) and file stem (per format).
    markdown_path: String,
    html_path: String,
    title: String,
    search_text: String,
}

impl PageRenderer<'_, '_> {
    fn render(&self, job: PageJob, views: &views::Views) -> Result<RenderedPage, DocsError> {
        let plan = self.plan(job, views)?;
        let root = if matches!(job, PageJob::Index) {
            ""
        } else {
            "../"
        };
        let mut context = plan.context;
        context.insert(
            "site",
            &SiteView {
                format: self.format,
                jekyll: self.format == DocsFormat::Markdown,
                root: root.to_owned(),
            },
        );
        let render_error = |e: tera::Error| DocsError::Render {
            page: format!(
                "{} page {:?}",
                job.kind(),
                crate::load::excerpt(&plan.title)
            ),
            message: templates::error_chain(&e),
        };
        let tera = match (job, self.unescaped) {
            (PageJob::Story(i), Some(raw))
                if self.site.content.stories[i].generation
                    == crate::model::Generation::Legacy2022 =>
            {
                raw
            }
            _ => self.tera,
        };
        let markdown = crate::render::sandbox::render(tera, plan.template, &context, 2000, 0)
            .map_err(render_error)?;
        if self.format == DocsFormat::Markdown {
            return Ok(RenderedPage {
                path: plan.markdown_path,
                contents: html::inert_markdown_links(&markdown),
                search: None,
            });
        }
        let body = html::markdown_to_html(html::strip_front_matter(&markdown));
        let mut layout = tera::Context::new();
        layout.insert("title", &plan.title);
        layout.insert("kind", job.kind());
        layout.insert("body", &body);
        layout.insert("root", root);
        let page = crate::render::sandbox::render(
            self.tera,
            "layout.html",
            &layout,
            body.len() + 2000,
            body.len(),
        )
        .map_err(render_error)?;
        Ok(RenderedPage {
            search: Some(html::SearchEntry {
                t: plan.title,
                k: job.kind(),
                u: plan.html_path.clone(),
                d: html::snippet(&plan.search_text, 300),
            }),
            path: plan.html_path,
            contents: page,
        })
    }

    fn plan(&self, job: PageJob, views: &views::Views) -> Result<PagePlan, DocsError> {
        let site = self.site;
        Ok(match job {
            PageJob::Detection(i) => {
                let view = views.detection(i);
                let stems = &site.detections[i].stems;
                let techniques: Vec<&str> =
                    view.techniques.iter().map(|t| t.name.as_str()).collect();
                PagePlan {
                    template: "detection.md",
                    markdown_path: format!("_posts/{}.md", stems.markdown),
                    html_path: format!("detections/{}.html", stems.html),
                    title: view.name.clone(),
                    search_text: format!(
                        "{} {} {} {}",
                        view.detection_type,
                        view.id,
                        techniques.join(" "),
                        view.description
                    ),
                    context: bind("d", &view),
                }
            }
            PageJob::Story(i) => {
                let view = views.story(i);
                let stems = &site.stories[i];
                PagePlan {
                    template: "story.md",
                    markdown_path: format!("_stories/{}.md", stems.markdown),
                    html_path: format!("stories/{}.html", stems.html),
                    title: view.name.clone(),
                    search_text: format!("{} {}", view.id, view.description),
                    context: bind("s", &view),
                }
            }
            PageJob::Macro(i) => {
                let view = views.macro_page(i);
                let stems = &site.macros[i];
                PagePlan {
                    template: "macro.md",
                    markdown_path: format!("_macros/{}.md", stems.markdown),
                    html_path: format!("macros/{}.html", stems.html),
                    title: view.name.clone(),
                    search_text: view.description.clone(),
                    context: bind("m", &view),
                }
            }
            PageJob::DataSource(i) => {
                let view = views.data_source(i);
                let stems = &site.data_sources[i];
                PagePlan {
                    template: "data_source.md",
                    markdown_path: format!("_data_sources/{}.md", stems.markdown),
                    html_path: format!("data_sources/{}.html", stems.html),
                    title: view.name.clone(),
                    search_text: format!(
                        "{} {} {}",
                        view.sourcetype, view.source, view.description
                    ),
                    context: bind("ds", &view),
                }
            }
            PageJob::Technique(id) => {
                let view = views.technique_page(id).ok_or_else(|| DocsError::Render {
                    page: format!("technique {id}"),
                    message: "not in the catalogue".to_owned(),
                })?;
                let slug = links::site_slug(id);
                PagePlan {
                    template: "technique.md",
                    markdown_path: format!("_techniques/{slug}.md"),
                    html_path: format!("techniques/{slug}.html"),
                    title: format!("{} {}", view.id, view.name),
                    search_text: view.tactics.join(" "),
                    context: bind("t", &view),
                }
            }
            PageJob::Index => {
                let view = views.index();
                PagePlan {
                    template: "index.md",
                    markdown_path: "index.md".to_owned(),
                    html_path: "index.html".to_owned(),
                    title: "Security content".to_owned(),
                    search_text: String::new(),
                    context: bind("index", &view),
                }
            }
        })
    }
}
