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
mod sections;
mod site;
mod spl_refs;
mod techniques;
mod templates;
mod views;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::load::Repository;
use crate::model::Content;

pub use output::MARKER;
pub use sections::Section;
pub use techniques::{
    Matrix, MatrixTactic, MatrixTechnique, NoTechniques, TechniqueInfo, TechniqueLookup,
    TechniqueTable, tactic_from_phase_name,
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
    /// The HTML site's name (its header and page titles): the app title.
    pub title: String,
    /// Whether the HTML site shows the 2022 pages' "Try in Splunk Security Cloud" link.
    pub promotional_links: bool,
    /// Findings to show at the top of the HTML page of each file, by the file's path
    /// relative to the root (`/` separators), as `docs --serve` shows them.
    pub problems: HashMap<String, Vec<PageProblem>>,
}

/// A finding as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageProblem {
    pub severity: String,
    pub code: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl<'a> DocsOptions<'a> {
    /// Options with the source links of splunk/security_content's `develop` branch.
    pub fn new(format: DocsFormat, techniques: &'a dyn TechniqueLookup) -> DocsOptions<'a> {
        DocsOptions {
            format,
            techniques,
            repository_url: "https://github.com/splunk/security_content".to_owned(),
            branch: "develop".to_owned(),
            title: "Security content".to_owned(),
            promotional_links: false,
            problems: HashMap::new(),
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
    /// The HTML site's section pages and coverage map.
    pub sections: usize,
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
    /// Pages rendered by this run; the others were the previous run's, reused because
    /// nothing they show changed ([`render_docs_reusing`]).
    pub rendered: usize,
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
    /// What each page was rendered from, to reuse it when that is unchanged.
    keys: PageKeys,
}

/// A digest of everything a page is rendered from (its template set, its view, the site
/// values and problems it shows), by page path. Two renders with the same key give the
/// same page, since rendering is a pure function of these.
#[derive(Debug, Clone, Default)]
struct PageKeys {
    templates: u128,
    pages: HashMap<String, u128>,
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
    /// HTML only: a section page.
    Section(Section),
    /// HTML only: the ATT&CK coverage map.
    Coverage,
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
            PageJob::Section(_) => "section",
            PageJob::Coverage => "coverage",
        }
    }

    /// The page sits at the site root (its links start with `""`, not `"../"`).
    fn at_root(self) -> bool {
        matches!(
            self,
            PageJob::Index | PageJob::Section(_) | PageJob::Coverage
        )
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
    /// The site's name.
    title: String,
    promotional_links: bool,
}

struct RenderedPage {
    path: String,
    contents: String,
    search: Option<html::SearchEntry>,
    key: u128,
    /// Rendered by this run (not reused).
    fresh: bool,
}

/// Renders every page in memory.
pub fn render_docs(
    content: &Content,
    repository: &Repository,
    options: &DocsOptions,
) -> Result<RenderedDocs, DocsError> {
    render_docs_reusing(content, repository, options, None)
}

/// Renders the site, reusing each page of `previous` whose key (template set, view, site
/// values, problems) is unchanged: after an edit, only the pages the edit affects are
/// rendered again (`docs --serve`). The result is the same as [`render_docs`]'s.
pub fn render_docs_reusing(
    content: &Content,
    repository: &Repository,
    options: &DocsOptions,
    previous: Option<&RenderedDocs>,
) -> Result<RenderedDocs, DocsError> {
    let (tera, templates_key) = templates::page_templates_with_key(&repository.root)?;
    let reusable: HashMap<&str, (u128, &str)> = match previous {
        Some(previous) if previous.keys.templates == templates_key => previous
            .files
            .iter()
            .filter_map(|f| {
                let key = previous.keys.pages.get(&f.path)?;
                Some((f.path.as_str(), (*key, f.contents.as_str())))
            })
            .collect(),
        _ => HashMap::new(),
    };
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
    if format == DocsFormat::Html {
        jobs.extend(Section::ALL.map(PageJob::Section));
        jobs.push(PageJob::Coverage);
    }

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
    let matrix = options.techniques.matrix();
    let renderer = PageRenderer {
        tera: &tera,
        unescaped: unescaped.as_ref(),
        site: &site,
        options,
        matrix: matrix.as_ref(),
        reusable: &reusable,
    };
    let pages: Vec<RenderedPage> = jobs
        .par_iter()
        .map(|&job| {
            let views = if job.at_root() {
                &index_views
            } else {
                &page_views
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
            PageJob::Section(_) | PageJob::Coverage => counts.sections += 1,
        }
    }
    let mut search_entries = Vec::new();
    let mut files = Vec::with_capacity(pages.len() + 4);
    let mut keys = PageKeys {
        templates: templates_key,
        pages: HashMap::with_capacity(pages.len()),
    };
    let rendered = pages.iter().filter(|p| p.fresh).count();
    for page in pages {
        search_entries.extend(page.search);
        keys.pages.insert(page.path.clone(), page.key);
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
        rendered,
    };
    Ok(RenderedDocs {
        files,
        report,
        keys,
    })
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
    options: &'r DocsOptions<'r>,
    matrix: Option<&'r Matrix>,
    /// The previous run's pages: path to (key, contents).
    reusable: &'r HashMap<&'r str, (u128, &'r str)>,
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
    /// The repository file the page shows, whose findings it lists at the top.
    file: Option<usize>,
}

impl PageRenderer<'_, '_> {
    fn render(&self, job: PageJob, views: &views::Views) -> Result<RenderedPage, DocsError> {
        let format = self.options.format;
        let plan = self.plan(job, views)?;
        let root = if job.at_root() { "" } else { "../" };
        let mut context = plan.context;
        context.insert(
            "site",
            &SiteView {
                format,
                jekyll: format == DocsFormat::Markdown,
                root: root.to_owned(),
                title: self.options.title.clone(),
                promotional_links: self.options.promotional_links,
            },
        );
        let path = match format {
            DocsFormat::Markdown => plan.markdown_path,
            DocsFormat::Html => plan.html_path,
        };
        let search =
            (format == DocsFormat::Html && !matches!(job, PageJob::Section(_))).then(|| {
                html::SearchEntry {
                    t: plan.title.clone(),
                    k: job.kind(),
                    u: path.clone(),
                    d: html::snippet(&plan.search_text, 300),
                }
            });
        let no_problems = Vec::new();
        let problems = plan
            .file
            .and_then(|file| self.site.file_paths.get(file))
            .and_then(|p| self.options.problems.get(p))
            .filter(|_| format == DocsFormat::Html)
            .unwrap_or(&no_problems);
        let key = page_key(plan.template, &context, &plan.title, problems);
        if let Some(&(previous_key, contents)) = self.reusable.get(path.as_str())
            && previous_key == key
        {
            return Ok(RenderedPage {
                path,
                contents: contents.to_owned(),
                search,
                key,
                fresh: false,
            });
        }
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
        let text = crate::render::sandbox::render(tera, plan.template, &context, 2000, 0)
            .map_err(render_error)?;
        let contents = if format == DocsFormat::Markdown {
            html::inert_markdown_links(&text)
        } else {
            let body = if plan.template.ends_with(".html") {
                text
            } else {
                html::markdown_to_html(html::strip_front_matter(&text))
            };
            let mut layout = tera::Context::new();
            layout.insert("title", &plan.title);
            layout.insert("kind", job.kind());
            layout.insert("body", &body);
            layout.insert("root", root);
            layout.insert("site_title", &self.options.title);
            layout.insert("problems", problems);
            crate::render::sandbox::render(
                self.tera,
                "layout.html",
                &layout,
                body.len() + 2000,
                body.len(),
            )
            .map_err(render_error)?
        };
        Ok(RenderedPage {
            path,
            contents,
            search,
            key,
            fresh: true,
        })
    }

    /// The template for a page in this run's format: the HTML site has its own detection
    /// and story pages (the Markdown ones reproduce the 2022 site byte for byte) and its
    /// own front page.
    fn template(&self, markdown: &'static str, html: &'static str) -> &'static str {
        match self.options.format {
            DocsFormat::Markdown => markdown,
            DocsFormat::Html => html,
        }
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
                    template: self.template("detection.md", "html/detection.md"),
                    file: Some(site.content.detections[i].header.file),
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
                    template: self.template("story.md", "html/story.md"),
                    file: Some(site.content.stories[i].header.file),
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
                    file: Some(site.content.macros[i].header.file),
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
                    file: Some(site.content.data_sources[i].header.file),
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
                    file: None,
                    markdown_path: format!("_techniques/{slug}.md"),
                    html_path: format!("techniques/{slug}.html"),
                    title: format!("{} {}", view.id, view.name),
                    search_text: view.tactics.join(" "),
                    context: bind("t", &view),
                }
            }
            PageJob::Index if self.options.format == DocsFormat::Html => PagePlan {
                template: "html/index.html",
                file: None,
                markdown_path: String::new(),
                html_path: "index.html".to_owned(),
                title: self.options.title.clone(),
                search_text: String::new(),
                context: bind("front", &views.front_page(self.matrix)),
            },
            PageJob::Index => {
                let view = views.index();
                PagePlan {
                    template: "index.md",
                    file: None,
                    markdown_path: "index.md".to_owned(),
                    html_path: "index.html".to_owned(),
                    title: "Security content".to_owned(),
                    search_text: String::new(),
                    context: bind("index", &view),
                }
            }
            PageJob::Section(section) => PagePlan {
                template: "html/section.html",
                file: None,
                markdown_path: String::new(),
                html_path: format!("{}.html", section.stem()),
                title: section.title().to_owned(),
                search_text: String::new(),
                context: bind("section", &views.section(section)),
            },
            PageJob::Coverage => {
                let view = views.coverage(self.matrix);
                PagePlan {
                    template: "html/coverage.html",
                    file: None,
                    markdown_path: String::new(),
                    html_path: "coverage.html".to_owned(),
                    title: "ATT&CK coverage".to_owned(),
                    search_text: format!("ATT&CK coverage map heat map {}", view.version),
                    context: bind("coverage", &view),
                }
            }
        })
    }
}

/// The key of a page: a digest of its template name, its whole template context (view and
/// site values), its title and its problems.
fn page_key(
    template: &str,
    context: &tera::Context,
    title: &str,
    problems: &[PageProblem],
) -> u128 {
    let mut bytes = Vec::with_capacity(4096);
    bytes.extend_from_slice(template.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(title.as_bytes());
    bytes.push(0);
    // Serialising a context or a list of plain structs cannot fail; an error would only
    // make the key differ, and the page be rendered again.
    let _ = serde_json::to_writer(&mut bytes, &context.clone().into_json());
    let _ = serde_json::to_writer(&mut bytes, problems);
    xxhash_rust::xxh3::xxh3_128(&bytes)
}
