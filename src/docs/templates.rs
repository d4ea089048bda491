//! The Tera set-up of `docs`: default templates embedded in the binary, each replaceable
//! by a repository file of the same name under `templates/docs/`.
//!
//! Every template is autoescaped with [`escape::page_text`]; only pre-formatted code
//! (the search, macro definitions, remediation code) is printed `| safe`, inside a fence
//! from the `code_fence` filter that its content cannot close.

use std::collections::HashMap;
use std::path::Path;

use tera::{Tera, Value};

use super::DocsError;
use super::escape;
use crate::render::sandbox;

/// Page templates: (name, embedded default).
const PAGE_TEMPLATES: [(&str, &str); 17] = [
    (
        "detection.md",
        include_str!("../../templates/docs/detection.md"),
    ),
    ("story.md", include_str!("../../templates/docs/story.md")),
    ("macro.md", include_str!("../../templates/docs/macro.md")),
    (
        "data_source.md",
        include_str!("../../templates/docs/data_source.md"),
    ),
    (
        "technique.md",
        include_str!("../../templates/docs/technique.md"),
    ),
    ("index.md", include_str!("../../templates/docs/index.md")),
    (
        "layout.html",
        include_str!("../../templates/docs/layout.html"),
    ),
    (
        "2022_detections.md",
        include_str!("../../templates/docs/2022_detections.md"),
    ),
    (
        "2022_stories.md",
        include_str!("../../templates/docs/2022_stories.md"),
    ),
    (
        "2022_category.md",
        include_str!("../../templates/docs/2022_category.md"),
    ),
    (
        "2022_tag.md",
        include_str!("../../templates/docs/2022_tag.md"),
    ),
    (
        "2022_navigation.yml",
        include_str!("../../templates/docs/2022_navigation.yml"),
    ),
    // The HTML site's own pages (the Markdown ones above reproduce the 2022 site).
    (
        "html/detection.md",
        include_str!("../../templates/docs/html/detection.md"),
    ),
    (
        "html/story.md",
        include_str!("../../templates/docs/html/story.md"),
    ),
    (
        "html/index.html",
        include_str!("../../templates/docs/html/index.html"),
    ),
    (
        "html/section.html",
        include_str!("../../templates/docs/html/section.html"),
    ),
    (
        "html/coverage.html",
        include_str!("../../templates/docs/html/coverage.html"),
    ),
];

/// Static files of the HTML site: (name, embedded default).
pub const SITE_ASSETS: [(&str, &str); 3] = [
    ("style.css", include_str!("../../templates/docs/style.css")),
    ("search.js", include_str!("../../templates/docs/search.js")),
    ("filter.js", include_str!("../../templates/docs/filter.js")),
];

/// The directory, relative to the repository root, whose files replace the defaults.
pub const OVERRIDE_DIR: &str = "templates/docs";

/// Reads `name` from the repository's override directory, else the embedded default.
/// An override is read as every repository template is ([`sandbox::read_override`]): a
/// regular file inside the root, within the size limit.
fn source_of(repository_root: &Path, name: &str, default: &str) -> Result<String, DocsError> {
    let relative = Path::new(OVERRIDE_DIR).join(name);
    if !crate::load::is_present(repository_root, &relative) {
        return Ok(default.to_owned());
    }
    sandbox::read_override(repository_root, &relative).map_err(|e| DocsError::Io {
        path: relative,
        message: e.to_string(),
    })
}

/// The page templates, with the repository's overrides, parsed and ready, and a digest of
/// their sources (a page rendered with other templates cannot be reused).
pub fn page_templates_with_key(repository_root: &Path) -> Result<(Tera, u128), DocsError> {
    let mut sources = Vec::with_capacity(PAGE_TEMPLATES.len());
    for (name, default) in PAGE_TEMPLATES {
        let text = source_of(repository_root, name, default)?;
        sandbox::check_nesting(&text).map_err(|e| DocsError::Template {
            message: format!("{OVERRIDE_DIR}/{name}:{e}"),
        })?;
        sources.push((name, text));
    }
    let mut tera = Tera::default();
    sandbox::harden(&mut tera);
    tera.autoescape_on(vec![".md", ".html"]);
    tera.set_escape_fn(escape::page_text);
    tera.register_filter("break_pipes", break_pipes);
    tera.register_filter("code_fence", code_fence);
    tera.register_filter("one_line", one_line);
    let mut digest = Vec::new();
    for (name, text) in &sources {
        digest.extend_from_slice(name.as_bytes());
        digest.push(0);
        digest.extend_from_slice(text.as_bytes());
        digest.push(0);
    }
    let key = xxhash_rust::xxh3::xxh3_128(&digest);
    tera.add_raw_templates(sources)
        .map_err(|e| DocsError::Template {
            message: error_chain(&e),
        })?;
    Ok((tera, key))
}

/// The static site files, with the repository's overrides.
pub fn site_assets(repository_root: &Path) -> Result<Vec<(&'static str, String)>, DocsError> {
    SITE_ASSETS
        .iter()
        .map(|&(name, default)| Ok((name, source_of(repository_root, name, default)?)))
        .collect()
}

/// Tera's error and all its causes on one line.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

fn string_arg<'v>(value: &'v Value, filter: &str) -> tera::Result<&'v str> {
    value
        .as_str()
        .ok_or_else(|| tera::Error::msg(format!("filter `{filter}` expects a string")))
}

/// `| break_pipes`: every `|` of an SPL search starts a new line, as 2022 pages show it.
fn break_pipes(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(
        string_arg(value, "break_pipes")?.replace('|', "\n|"),
    ))
}

/// `| one_line`: control characters (line breaks) as spaces, for front matter, where a
/// line break would start a key of its own (`permalink: /index.html`) or end the block.
fn one_line(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(Value::String(
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
    ))
}

/// `| code_fence`: the backtick fence for a code block holding this text.
fn code_fence(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(escape::code_fence(string_arg(
        value,
        "code_fence",
    )?)))
}
