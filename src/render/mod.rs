//! Stage 4: content to app files through Tera templates. Knows nothing of the CLI.
//!
//! The default templates under `templates/app/` are embedded in the binary; a repository's own
//! `templates/app/<name>` replaces the default of the same name. Templates see [`view`]
//! values (typed content plus what contentctl computes from it), never raw YAML. A detection's
//! stanzas come from the partials under `templates/app/partials/detection/`, one render per
//! detection (see [`Templates::render`]).
//!
//! **Architecture invariant:** escaping happens in one place per output language: `.conf`
//! and `.meta` templates autoescape every `{{ }}` with [`conf::escape_value`]; `app.manifest`
//! escapes with [`json_string_content`]. Stanza names from content are checked in [`view`].

pub mod api;
pub mod conf;
pub mod json;
pub mod sandbox;
pub mod view;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::AppConfig;
pub use view::{AppView, ViewError, ViewInput};

/// The directory, relative to the repository root, whose files replace the defaults.
pub const OVERRIDE_DIR: &str = "templates/app";

/// The embedded default templates, by name (the output path inside the app).
const DEFAULT_TEMPLATES: [(&str, &str); 17] = [
    (
        PANEL_TEMPLATE,
        include_str!("../../templates/app/default/data/ui/panels/workbench_panel.xml"),
    ),
    (
        DASHBOARD_TEMPLATE,
        include_str!("../../templates/app/default/data/ui/views/dashboard.xml"),
    ),
    (
        "default/es_investigations.conf",
        include_str!("../../templates/app/default/es_investigations.conf"),
    ),
    (
        "default/workflow_actions.conf",
        include_str!("../../templates/app/default/workflow_actions.conf"),
    ),
    (
        "header.conf",
        include_str!("../../templates/app/header.conf"),
    ),
    (
        "default/savedsearches.conf",
        include_str!("../../templates/app/default/savedsearches.conf"),
    ),
    (
        "default/analyticstories.conf",
        include_str!("../../templates/app/default/analyticstories.conf"),
    ),
    (
        "default/macros.conf",
        include_str!("../../templates/app/default/macros.conf"),
    ),
    (
        "default/transforms.conf",
        include_str!("../../templates/app/default/transforms.conf"),
    ),
    (
        "default/collections.conf",
        include_str!("../../templates/app/default/collections.conf"),
    ),
    (
        "default/app.conf",
        include_str!("../../templates/app/default/app.conf"),
    ),
    (
        "default/content-version.conf",
        include_str!("../../templates/app/default/content-version.conf"),
    ),
    (
        "default/server.conf",
        include_str!("../../templates/app/default/server.conf"),
    ),
    (
        "metadata/default.meta",
        include_str!("../../templates/app/metadata/default.meta"),
    ),
    (
        "app.manifest",
        include_str!("../../templates/app/app.manifest"),
    ),
    (
        DETECTION_PARTIALS[0].1,
        include_str!("../../templates/app/partials/detection/savedsearches.conf"),
    ),
    (
        DETECTION_PARTIALS[1].1,
        include_str!("../../templates/app/partials/detection/analyticstories.conf"),
    ),
];

/// Per-detection stanza templates, by the key under which their output is joined: each is
/// rendered once per detection (in parallel, with `d`, `app` and `stamp`), and the file
/// templates see the results, in content order, as `detection_stanzas.<key>`. Detections are
/// most of an app, so rendering them one by one on every core is most of a build's speed.
const DETECTION_PARTIALS: [(&str, &str); 2] = [
    ("savedsearches", "partials/detection/savedsearches.conf"),
    ("analyticstories", "partials/detection/analyticstories.conf"),
];

/// The response-task panel, rendered once per investigation whose search has `$token$`
/// inputs, as `default/data/ui/panels/workbench_panel_<lowercase name>___response_task.xml`.
const PANEL_TEMPLATE: &str = "default/data/ui/panels/workbench_panel.xml";

/// A dashboard's view, rendered once per dashboard with `dashboard` and its pretty-printed
/// JSON `definition`, as [`view::DashboardView::path`].
const DASHBOARD_TEMPLATE: &str = "default/data/ui/views/dashboard.xml";

/// Templates that are partials or per-object templates, not output files of their own name.
const PARTIALS: [&str; 5] = [
    "header.conf",
    PANEL_TEMPLATE,
    DASHBOARD_TEMPLATE,
    DETECTION_PARTIALS[0].1,
    DETECTION_PARTIALS[1].1,
];

/// Stock Splunk `.conf` names: any other `default/*.conf` gets `reload.<stem> = simple` in
/// app.conf and a replication line in server.conf (as contentctl does).
const SPLUNK_CONF_FILES: &str = include_str!("../../templates/data/splunk_conf_files.txt");

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot read template override {path}: {message}")]
    ReadOverride { path: String, message: String },
    #[error("template error in {name}: {message}")]
    Template { name: String, message: String },
    #[error(transparent)]
    View(#[from] ViewError),
}

/// The loaded template set: defaults, with a repository's overrides applied.
pub struct Templates {
    conf: tera::Tera,
    xml: tera::Tera,
    manifest: tera::Tera,
    /// Output templates by name, sorted.
    outputs: Vec<String>,
    /// A repository's own output template replaces a default. Such a template was written
    /// when every file template saw `content.detections`, so it sees them still.
    overrides_outputs: bool,
    /// The stanza names of the metadata/default.meta template (its text, not rendered: a
    /// meta file is static), for app.conf's reload triggers.
    meta_stanzas: Vec<String>,
}

/// Values every template sees besides the content.
#[derive(Debug, Clone, Serialize)]
pub struct BuildStamp {
    /// `YYYY-MM-DDTHH:MM:SS` (UTC), for the generated-file headers.
    pub time: String,
    /// `YYYYMMDDHHMMSS`, app.conf's `build`.
    pub build: String,
    /// `YYYY-MM-DD`, app.manifest's `releaseDate`.
    pub date: String,
}

impl BuildStamp {
    /// The stamp of a build at `epoch_seconds` (UTC); never reads the clock.
    pub fn at(epoch_seconds: i64) -> BuildStamp {
        let (date, secs) = crate::date::Date::from_epoch_seconds(epoch_seconds);
        let (y, m, d) = (date.year(), date.month(), date.day());
        let (hh, mm, ss) = (secs / 3600, secs % 3600 / 60, secs % 60);
        BuildStamp {
            time: format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}"),
            build: format!("{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}"),
            date: format!("{y:04}-{m:02}-{d:02}"),
        }
    }
}

/// Text for XML character data and `'`-quoted attributes: `&`, `<`, `>` and `'` escaped,
/// control characters other than line breaks and tabs dropped. `"` is kept, as contentctl
/// writes panel queries, so templates quote attribute values with `'`.
pub fn xml_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The inside of a JSON string literal (for values placed between quotes in app.manifest).
pub fn json_string_content(value: &str) -> String {
    let quoted = json::to_jinja_json(&serde_json::Value::String(value.to_owned()));
    quoted[1..quoted.len() - 1].to_owned()
}

fn tojson_filter(
    value: &tera::Value,
    _: &HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(json::to_jinja_json(value)))
}

/// Text for a comment line: control characters (line breaks) become spaces, and trailing
/// backslashes go (a comment line ending in `\\` continues over the next line).
fn one_line_filter(
    value: &tera::Value,
    _: &HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Ok(tera::Value::String(
        line.trim_end_matches(|c: char| c == '\\' || c.is_whitespace())
            .to_owned(),
    ))
}

impl Templates {
    /// The defaults, each replaced by `<root>/templates/app/<name>` when that file exists.
    pub fn load(root: &Path) -> Result<Templates, RenderError> {
        let mut sources: BTreeMap<String, String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect();
        let mut overrides_outputs = false;
        for name in DEFAULT_TEMPLATES.map(|(name, _)| name) {
            let relative = Path::new(OVERRIDE_DIR).join(name);
            if crate::load::is_present(root, &relative) {
                overrides_outputs |= !PARTIALS.contains(&name);
                let text = sandbox::read_override(root, &relative).map_err(|e| {
                    RenderError::ReadOverride {
                        path: relative.display().to_string(),
                        message: e.to_string(),
                    }
                })?;
                sources.insert(name.to_owned(), text);
            }
        }
        Ok(Templates {
            overrides_outputs,
            ..Templates::from_sources(&sources)?
        })
    }

    fn from_sources(sources: &BTreeMap<String, String>) -> Result<Templates, RenderError> {
        for (name, text) in sources {
            sandbox::check_nesting(text).map_err(|e| RenderError::Template {
                name: format!("{OVERRIDE_DIR}/{name}:{}:{}", e.line, e.column),
                message: e.problem.to_owned(),
            })?;
        }
        let mut conf = tera::Tera::default();
        conf.autoescape_on(vec![".conf", ".meta"]);
        conf.set_escape_fn(conf::escape_value);
        conf.register_filter("tojson", tojson_filter);
        conf.register_filter("one_line", one_line_filter);
        let mut manifest = tera::Tera::default();
        manifest.autoescape_on(vec![".manifest"]);
        manifest.set_escape_fn(json_string_content);
        manifest.register_filter("tojson", tojson_filter);
        let mut xml = tera::Tera::default();
        xml.autoescape_on(vec![".xml"]);
        xml.set_escape_fn(xml_escape);
        for engine in [&mut conf, &mut manifest, &mut xml] {
            sandbox::harden(engine);
        }
        let (xml_sources, other): (Vec<_>, Vec<_>) = sources
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .partition(|(name, _)| name.ends_with(".xml"));
        let (json_sources, conf_sources): (Vec<_>, Vec<_>) = other
            .into_iter()
            .partition(|(name, _)| name.ends_with(".manifest"));
        xml.add_raw_templates(xml_sources)
            .map_err(|e| template_error("xml templates", &e))?;
        conf.add_raw_templates(conf_sources)
            .map_err(|e| template_error("conf templates", &e))?;
        manifest
            .add_raw_templates(json_sources)
            .map_err(|e| template_error("app.manifest", &e))?;
        let outputs = sources
            .keys()
            .filter(|n| !PARTIALS.contains(&n.as_str()))
            .cloned()
            .collect();
        Ok(Templates {
            conf,
            xml,
            manifest,
            outputs,
            overrides_outputs: false,
            meta_stanzas: sources
                .get(META_FILE)
                .map(|text| stanza_names(text))
                .unwrap_or_default(),
        })
    }

    /// The names of the output files the templates make.
    pub fn outputs(&self) -> &[String] {
        &self.outputs
    }

    /// Renders every output template. `shipped` names every other file the app will hold
    /// (copied from `app_template/`, lookup data files): its `default/*.conf` files count for
    /// app.conf's reload triggers, and templates see the file names under `lookups/` as
    /// `lookup_files`, so they name only files the app ships.
    ///
    /// Detection stanzas first, one detection per task; then every output file and panel,
    /// one per task. File templates see `app`, `stamp`, `custom_conf_files`, `lookup_files`, `content`
    /// (without its detections) and `detection_stanzas`; a panel sees `app`, `stamp` and its
    /// `task`. Each output depends only on its template and its context, so the result is the
    /// same on any number of threads.
    ///
    /// `shipped_meta` is the text of a metadata/default.meta the app ships in place of the
    /// template's: with the `.conf` files, its stanzas get reload triggers in app.conf
    /// (`reload_triggers`), without which Splunk restarts on any change to them.
    pub fn render(
        &self,
        view: &AppView,
        app: &AppConfig,
        stamp: &BuildStamp,
        shipped: &[String],
        shipped_meta: Option<&str>,
    ) -> Result<BTreeMap<String, String>, RenderError> {
        let mut base = tera::Context::new();
        base.insert("app", &AppContext::new(app, stamp));
        base.insert("stamp", stamp);
        base.insert("format", view.format);
        let (stanzas, stanza_bytes) = self.detection_stanzas(view, &base)?;
        let mut context = base.clone();
        let conf_names: Vec<String> = shipped
            .iter()
            .chain(&self.outputs)
            .filter(|n| n.ends_with(".conf"))
            .cloned()
            .collect();
        let custom_conf_files = custom_conf_stems(&conf_names);
        let meta_stanzas = match shipped_meta {
            Some(text) => stanza_names(text),
            None => self.meta_stanzas.clone(),
        };
        context.insert(
            "reload_triggers",
            &reload_triggers(&custom_conf_files, &meta_stanzas),
        );
        context.insert("custom_conf_files", &custom_conf_files);
        let lookup_files: Vec<&str> = shipped
            .iter()
            .filter_map(|n| n.strip_prefix("lookups/"))
            .collect();
        context.insert("lookup_files", &lookup_files);
        if self.overrides_outputs {
            // The detections were left out of `content` for the defaults, which render them
            // through the partials; an override may loop over them, at the old cost.
            let mut content = serde_json::to_value(view)
                .map_err(|e| template_error("content", &tera::Error::json(e)))?;
            content["detections"] = serde_json::to_value(&view.detections)
                .map_err(|e| template_error("content", &tera::Error::json(e)))?;
            context.insert("content", &content);
        } else {
            context.insert("content", view);
        }
        // Moved in, not copied: the stanzas are most of the app's text.
        context.extend(
            tera::Context::from_value(serde_json::json!({
                "detection_stanzas": stanzas,
            }))
            .map_err(|e| template_error("detection stanzas", &e))?,
        );
        let files = self.outputs.par_iter().map(|name| {
            // Room for the file at once: a buffer grown by doubling to 10 MB would hold 24 MB.
            let stanzas: usize = DETECTION_PARTIALS
                .iter()
                .zip(&stanza_bytes)
                .filter(|((key, _), _)| *name == format!("default/{key}.conf"))
                .map(|(_, bytes)| bytes)
                .sum();
            self.render_file(name, &context, stanzas + stanzas / 8 + 8192, stanzas)
        });
        let panels = view
            .investigations
            .par_iter()
            .filter(|task| !task.inputs.is_empty())
            .map(|task| self.render_panel(task, &base));
        let rendered: Vec<Result<(String, String), RenderError>> = files.chain(panels).collect();
        Ok(first_error_in_order(rendered)?.into_iter().collect())
    }

    /// One output file, rendered into a buffer of `capacity` bytes, joining `expected`
    /// bytes of detection stanzas.
    fn render_file(
        &self,
        name: &str,
        context: &tera::Context,
        capacity: usize,
        expected: usize,
    ) -> Result<(String, String), RenderError> {
        let engine = if name.ends_with(".manifest") {
            &self.manifest
        } else {
            &self.conf
        };
        let text = sandbox::render(engine, name, context, capacity, expected)
            .map_err(|e| template_error(name, &e))?;
        Ok((name.to_owned(), text))
    }

    /// The view of a dashboard whose JSON definition is `definition`, by its path in the
    /// app. The definition is written as contentctl writes it (`json.dumps(indent=4)`). A
    /// dashboard's own `j2_template` replaces the body below the generated header, as in
    /// contentctl ([`render_own_dashboard`]).
    pub fn render_dashboard(
        &self,
        dashboard: &view::DashboardView,
        definition: &serde_json::Value,
        app: &AppConfig,
        stamp: &BuildStamp,
        format: &str,
    ) -> Result<(String, String), RenderError> {
        let app_context = AppContext::new(app, stamp);
        let pretty = json::to_python_json_indented(definition, 4);
        let own = match &dashboard.j2_template {
            Some(template) => Some(render_own_dashboard(
                template,
                dashboard,
                definition,
                &pretty,
                &app_context,
            )?),
            None => None,
        };
        let mut context = tera::Context::new();
        context.insert("app", &app_context);
        context.insert("stamp", stamp);
        context.insert("format", format);
        context.insert("dashboard", dashboard);
        context.insert("definition", &pretty);
        context.insert("own", &own);
        let text = self
            .xml
            .render(DASHBOARD_TEMPLATE, &context)
            .map_err(|e| template_error(DASHBOARD_TEMPLATE, &e))?;
        Ok((dashboard.path.clone(), text))
    }

    /// The response-task panel of `task`, by its path in the app.
    fn render_panel(
        &self,
        task: &view::InvestigationView,
        base: &tera::Context,
    ) -> Result<(String, String), RenderError> {
        let mut context = base.clone();
        context.insert("task", task);
        let name = format!(
            "default/data/ui/panels/workbench_panel_{}___response_task.xml",
            task.lowercase_name
        );
        let text = sandbox::render(&self.xml, PANEL_TEMPLATE, &context, 2000, 0)
            .map_err(|e| template_error(PANEL_TEMPLATE, &e))?;
        Ok((name, text))
    }

    /// Every detection through every [`DETECTION_PARTIALS`] template: `{key: [stanza, ...]}`,
    /// in content order, and the total length of each key's stanzas. `base` holds `app` and
    /// `stamp`.
    fn detection_stanzas(
        &self,
        view: &AppView,
        base: &tera::Context,
    ) -> Result<(serde_json::Value, Vec<usize>), RenderError> {
        let per_detection: Vec<Result<Vec<serde_json::Value>, RenderError>> = view
            .detections
            .par_iter()
            .map(|detection| {
                let mut context = base.clone();
                context.insert("d", detection);
                DETECTION_PARTIALS
                    .iter()
                    .map(|(_, template)| {
                        sandbox::render(&self.conf, template, &context, 2000, 0)
                            .map(serde_json::Value::String)
                            .map_err(|e| template_error(template, &e))
                    })
                    .collect()
            })
            .collect();
        let per_detection = first_error_in_order(per_detection)?;
        let mut by_key: Vec<Vec<serde_json::Value>> = DETECTION_PARTIALS
            .iter()
            .map(|_| Vec::with_capacity(per_detection.len()))
            .collect();
        let mut bytes = vec![0; DETECTION_PARTIALS.len()];
        for stanzas in per_detection {
            for ((list, total), stanza) in by_key.iter_mut().zip(&mut bytes).zip(stanzas) {
                *total += stanza.as_str().map_or(0, str::len);
                list.push(stanza);
            }
        }
        let stanzas = DETECTION_PARTIALS
            .iter()
            .map(|(key, _)| (*key).to_owned())
            .zip(by_key.into_iter().map(serde_json::Value::Array))
            .collect();
        Ok((serde_json::Value::Object(stanzas), bytes))
    }
}

/// The results of parallel tasks, or the error of the first that failed in their order (not
/// whichever thread failed first), so a broken build reports the same error every time.
fn first_error_in_order<T>(results: Vec<Result<T, RenderError>>) -> Result<Vec<T>, RenderError> {
    results.into_iter().collect()
}

fn template_error(name: &str, e: &tera::Error) -> RenderError {
    RenderError::Template {
        name: name.to_owned(),
        message: error_chain(e),
    }
}

/// A dashboard's own `j2_template`, rendered as contentctl renders it: a Jinja2 template
/// (here Tera, which reads the same syntax for what dashboards use) with `trim_blocks`
/// (the first newline after a block or comment tag is dropped), without the template's
/// final newline (Jinja2's `keep_trailing_newline=False`), no escaping, and the
/// context `dashboard` (its fields, `json_obj`, and the two methods contentctl's
/// `Dashboard` offers, `pretty_print_json_obj()` and `label(config)`, as values) and
/// `config` (`config.app`). Sandboxed as every repository template is.
fn render_own_dashboard(
    template: &str,
    dashboard: &view::DashboardView,
    definition: &serde_json::Value,
    pretty: &str,
    app: &AppContext<'_>,
) -> Result<String, RenderError> {
    let name = format!(
        "{} j2_template",
        dashboard.definition.replace(".json", ".yml")
    );
    let template = template
        .strip_suffix("\r\n")
        .or_else(|| template.strip_suffix('\n'))
        .unwrap_or(template);
    let text = trim_blocks(
        &template
            .replace(".pretty_print_json_obj()", ".pretty_print_json_obj")
            .replace(".label(config)", ".label"),
    );
    sandbox::check_nesting(&text).map_err(|e| RenderError::Template {
        name: format!("{name}:{}:{}", e.line, e.column),
        message: e.problem.to_owned(),
    })?;
    let mut tera = tera::Tera::default();
    sandbox::harden(&mut tera);
    // Named without an extension Tera escapes for: Jinja2's default is no escaping.
    tera.add_raw_template("j2_template", &text)
        .map_err(|e| template_error(&name, &e))?;
    let mut fields = serde_json::to_value(dashboard).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut fields {
        map.remove("j2_template");
        map.insert("status".into(), "production".into());
        map.insert("json_obj".into(), definition.clone());
        map.insert("pretty_print_json_obj".into(), pretty.into());
        map.insert(
            "label".into(),
            format!("{} - {}", app.config.label, dashboard.name).into(),
        );
    }
    let mut context = tera::Context::new();
    context.insert("dashboard", &fields);
    context.insert("config", &serde_json::json!({ "app": app }));
    sandbox::render(
        &tera,
        "j2_template",
        &context,
        pretty.len() + 1024,
        pretty.len(),
    )
    .map_err(|e| template_error(&name, &e))
}

/// Jinja2's `trim_blocks`: the first newline after a block tag (`%}`) or a comment (`#}`)
/// is removed.
fn trim_blocks(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find(['%', '#']) {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        if tail[1..].starts_with('}') {
            out.push_str(&tail[..2]);
            let after = &tail[2..];
            rest = after
                .strip_prefix("\r\n")
                .or_else(|| after.strip_prefix('\n'))
                .unwrap_or(after);
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The app as templates see it: the config plus the build number.
#[derive(Debug, Serialize)]
struct AppContext<'a> {
    #[serde(flatten)]
    config: &'a AppConfig,
    /// The app id (the config serialises it as `appid`).
    id: &'a str,
    build: &'a str,
    /// contentctl turns update checks on for ESCU (Splunkbase uid 3449) only.
    check_for_updates: bool,
}

impl<'a> AppContext<'a> {
    fn new(config: &'a AppConfig, stamp: &'a BuildStamp) -> AppContext<'a> {
        AppContext {
            config,
            id: &config.id,
            build: &stamp.build,
            check_for_updates: config.uid == Some(3449),
        }
    }
}

/// The app's metadata file, whose stanzas need reload triggers.
const META_FILE: &str = "metadata/default.meta";

/// The names of a `.conf`-style file's stanzas (`[name]` lines), in order.
fn stanza_names(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter_map(|line| line.strip_prefix('[')?.strip_suffix(']'))
        .map(str::to_owned)
        .collect()
}

/// app.conf's `reload.<name>` triggers: every custom `.conf` file the app ships, and the
/// conf type of every metadata stanza that Splunk has no trigger for (AppInspect's
/// `check_reload_trigger_for_meta`: `[correlationsearches]`, `[governance]`, ...).
/// Sorted, each once.
fn reload_triggers(custom_conf_files: &[String], meta_stanzas: &[String]) -> Vec<String> {
    let stock: Vec<&str> = SPLUNK_CONF_FILES.lines().map(str::trim).collect();
    let mut triggers: Vec<String> = custom_conf_files.to_vec();
    for stanza in meta_stanzas {
        let conf_type = stanza.split('/').next().unwrap_or_default().trim();
        let stock_type = stock
            .iter()
            .any(|f| f.strip_suffix(".conf") == Some(conf_type));
        if conf_type.is_empty() || matches!(conf_type, "default" | "global") || stock_type {
            continue;
        }
        // Only the characters a stanza name of a conf type has: never a line break or
        // `=` into app.conf.
        if conf_type
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            triggers.push(conf_type.to_owned());
        }
    }
    triggers.sort();
    triggers.dedup();
    triggers
}

fn custom_conf_stems(conf_names: &[String]) -> Vec<String> {
    let stock: Vec<&str> = SPLUNK_CONF_FILES.lines().map(str::trim).collect();
    let mut stems: Vec<String> = conf_names
        .iter()
        .filter_map(|n| n.strip_prefix("default/"))
        .filter(|n| !n.contains('/') && !stock.contains(n))
        .filter_map(|n| n.strip_suffix(".conf"))
        .map(str::to_owned)
        .collect();
    stems.sort();
    stems.dedup();
    stems
}

fn error_chain(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_give_their_midnight() {
        // The build time from the newest content date (cli/build.rs) is this midnight.
        let epoch_of_date =
            |text: &str| crate::date::Date::parse(text).map(crate::date::Date::epoch_seconds);
        assert_eq!(epoch_of_date("1970-01-01"), Some(0));
        assert_eq!(epoch_of_date("2024-11-24"), Some(1_732_406_400));
        assert_eq!(epoch_of_date("2024-02-29"), Some(1_709_164_800));
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "x", ""] {
            assert_eq!(epoch_of_date(bad), None, "{bad}");
        }
        for days in [0_i64, 59, 365, 11_016, 20_000, 30_000] {
            let date = BuildStamp::at(days * 86_400).date;
            assert_eq!(epoch_of_date(&date), Some(days * 86_400), "{date}");
        }
    }

    #[test]
    fn stamps_come_from_the_epoch() {
        let stamp = BuildStamp::at(1_732_406_400 + 3_723);
        assert_eq!(stamp.time, "2024-11-24T01:02:03");
        assert_eq!(stamp.build, "20241124010203");
        assert_eq!(stamp.date, "2024-11-24");
    }
}
