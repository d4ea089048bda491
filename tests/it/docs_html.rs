//! The HTML site: every internal link resolves (over the 4.x corpus and the 5.x samples),
//! nothing is fetched from the network, and hostile content is rendered inert.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use splforge::docs::{self, DocsFormat, DocsOptions, TechniqueTable, escape::is_safe_url};
use splforge::load::{LoadLimits, load_repository};
use splforge::model::Content;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

fn techniques() -> TechniqueTable {
    let path = shared().join("data/attack/enterprise-attack-v10.1.techniques.jsonl");
    std::fs::read_to_string(path)
        .map(|text| TechniqueTable::from_jsonl(&text))
        .unwrap_or_default()
}

/// The site's files: path -> contents.
fn render(root: &Path, format: DocsFormat, table: &TechniqueTable) -> HashMap<String, String> {
    let repository = load_repository(root, LoadLimits::default());
    let content = Content::build(&repository);
    let options = DocsOptions::new(format, table);
    docs::render_docs(&content, &repository, &options)
        .expect("render")
        .files
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

/// One HTML start tag: its name and attributes (values with entities left as written).
#[derive(Debug)]
struct StartTag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// A small scanner for the HTML this site writes: every `<` that starts a tag is a tag,
/// because all text is escaped.
fn start_tags(html: &str) -> Vec<StartTag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let start = i + offset + 1;
        i = start;
        if !bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let end = html[start..].find('>').map_or(html.len(), |e| start + e);
        let inside = &html[start..end];
        let name_end = inside
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(inside.len());
        let mut attributes = Vec::new();
        let mut rest = &inside[name_end..];
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                break;
            }
            let key_end = rest
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(rest.len());
            let key = rest[..key_end].to_ascii_lowercase();
            rest = &rest[key_end..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                if let Some(quoted) = after.strip_prefix('"') {
                    let close = quoted.find('"').unwrap_or(quoted.len());
                    value = quoted[..close].to_owned();
                    rest = quoted.get(close + 1..).unwrap_or("");
                } else {
                    let close = after.find(char::is_whitespace).unwrap_or(after.len());
                    value = after[..close].to_owned();
                    rest = &after[close..];
                }
            }
            attributes.push((key, value));
        }
        tags.push(StartTag {
            name: inside[..name_end].to_ascii_lowercase(),
            attributes,
        });
        i = end;
    }
    tags
}

fn decode_entities(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Resolves `href` from the page at `page` (both relative to the site root).
fn resolve(page: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for segment in href.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

/// Broken internal links of a site, as `page -> href` strings.
fn broken_links(site: &HashMap<String, String>) -> Vec<String> {
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    for (path, html) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        let page_ids = start_tags(html)
            .into_iter()
            .flat_map(|t| t.attributes)
            .filter(|(k, _)| k == "id")
            .map(|(_, v)| decode_entities(&v))
            .collect();
        ids.insert(path.as_str(), page_ids);
    }
    let mut broken = Vec::new();
    for (path, html) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        for tag in start_tags(html) {
            for (key, value) in &tag.attributes {
                if key != "href" && key != "src" {
                    continue;
                }
                let url = decode_entities(value);
                if is_external(&url) {
                    assert!(
                        key == "href" && tag.name == "a",
                        "{path}: <{}> fetches {url} from the network",
                        tag.name
                    );
                    continue;
                }
                let (file, fragment) = match url.split_once('#') {
                    Some((file, fragment)) => (file, Some(fragment)),
                    None => (url.as_str(), None),
                };
                let target = if file.is_empty() {
                    Some(path.clone())
                } else {
                    resolve(path, file)
                };
                let ok = target.as_ref().is_some_and(|t| {
                    site.contains_key(t)
                        && fragment.is_none_or(|f| {
                            f.is_empty() || ids.get(t.as_str()).is_some_and(|ids| ids.contains(f))
                        })
                });
                if !ok {
                    broken.push(format!("{path} -> {url}"));
                }
            }
        }
    }
    broken.sort();
    broken
}

fn check_corpus_links(root: &Path) {
    if !root.is_dir() {
        println!("skipped: {} is absent", root.display());
        return;
    }
    let site = render(root, DocsFormat::Html, &techniques());
    let pages = site.keys().filter(|p| p.ends_with(".html")).count();
    let broken = broken_links(&site);
    println!(
        "{}: {pages} pages, {} broken links",
        root.display(),
        broken.len()
    );
    assert!(pages > 1);
    assert!(
        broken.is_empty(),
        "{} broken links, first: {:#?}",
        broken.len(),
        &broken[..broken.len().min(20)]
    );
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn every_internal_link_of_the_4x_corpus_site_resolves() {
    check_corpus_links(&shared().join("corpus/security_content-2024-10"));
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn every_internal_link_of_the_5x_sample_site_resolves() {
    check_corpus_links(&shared().join("corpus/contentctl-5-samples"));
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn every_internal_link_of_the_2022_golden_site_resolves() {
    check_corpus_links(&shared().join("golden/2022/inputs"));
}

const HOSTILE_DETECTION: &str = r#"name: Evil "><img src=x onerror=alert(1)> <script>alert('name')</script>
id: 0e0e0e0e-0000-4000-8000-000000000001
version: 1
date: '2024-01-01'
author: Mallory <script>alert(2)</script>
status: production
type: TTP
description: 'Hello <script>alert(3)</script> [click](javascript:alert(4)) <a href="javascript:alert(5)">x</a>
  ![img](https://evil.example/x.png) <img src=x onerror=alert(6)> " onmouseover="alert(7)'
data_source:
- Evil <b>Source</b>
search: '| tstats count from datamodel=Endpoint.Processes where x="</code><script>alert(8)</script>"
  | `evil_filter`'
how_to_implement: '```</code><script>alert(9)</script>'
known_false_positives: "<iframe src=javascript:alert(10)>"
references:
- javascript:alert(11)
- 'https://example.com/" onclick="alert(12)'
tags:
  analytic_story:
  - Evil <svg onload=alert(13)> Story
  asset_type: Endpoint
  confidence: 50
  impact: 50
  message: <script>alert(14)</script> on $dest$
  mitre_attack_id:
  - T1059
  observable:
  - name: dest
    type: Hostname
    role:
    - Victim
  product:
  - Splunk Enterprise
  security_domain: endpoint
"#;

const HOSTILE_STORY: &str = r#"name: Evil <svg onload=alert(13)> Story
id: 0e0e0e0e-0000-4000-8000-000000000002
version: 1
date: '2024-01-01'
author: Mallory
description: <script>alert(15)</script>
narrative: '<details open ontoggle=alert(16)> [x](  javascript:alert(17)) <javascript:alert(18)>'
references:
- javascript:alert(19)
tags:
  category:
  - Adversary Tactics
  product:
  - Splunk Enterprise
  usecase: Advanced Threat Detection
"#;

const HOSTILE_DATA_SOURCE: &str = r#"name: Evil <b>Source</b>
id: 0e0e0e0e-0000-4000-8000-000000000003
version: 1
date: '2024-01-01'
author: Mallory
description: <script>alert(20)</script>
source: <script>alert(21)</script>
sourcetype: '"><script>alert(22)</script>'
supported_TA:
- name: Evil TA
  url: javascript:alert(23)
  version: 1.0.0
fields:
- <img src=x onerror=alert(24)>
example_log: '```</pre><script>alert(25)</script>'
event_information:
- <script>alert(26)</script>
examples:
- title: <script>alert(27)</script>
  description: '[x](javascript:alert(28))'
remediation:
  console:
  - title: <b onclick=alert(29)>x</b>
    steps:
    - <script>alert(30)</script>
  cli:
  - title: x
    steps:
    - description: <script>alert(36)</script>
      command: '```</code><script>alert(31)</script>'
  code:
  - title: x
    language: 'python"><script>alert(32)</script>'
    steps:
    - <script>alert(37)</script>
    code: '</code></pre><script>alert(33)</script>'
"#;

fn hostile_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        ("detections/endpoint/evil.yml", HOSTILE_DETECTION),
        ("stories/evil.yml", HOSTILE_STORY),
        ("data_sources/evil.yml", HOSTILE_DATA_SOURCE),
        (
            "macros/evil.yml",
            "name: evil\ndefinition: '<script>alert(34)</script>'\ndescription: '<script>alert(35)</script>'\n",
        ),
    ] {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    dir
}

#[test]
fn hostile_content_is_inert_in_the_html_site() {
    let repository = hostile_repository();
    let table = TechniqueTable::from_jsonl(
        r#"{"id":"T1059","name":"Command <script>alert(36)</script>","kill_chain_phases":["execution"]}"#,
    );
    let site = render(repository.path(), DocsFormat::Html, &table);
    let allowed_scripts = ["search-index.js", "assets/search.js", "assets/filter.js"];
    let mut checked = 0;
    for (path, html) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        checked += 1;
        for tag in start_tags(html) {
            assert!(
                !matches!(
                    tag.name.as_str(),
                    "img" | "iframe" | "svg" | "object" | "embed" | "details" | "b" | "style"
                ),
                "{path}: content made a <{}> tag",
                tag.name
            );
            for (key, value) in &tag.attributes {
                assert!(
                    !key.starts_with("on"),
                    "{path}: event handler {key}={value:?}"
                );
                let url = decode_entities(value);
                if key == "href" || key == "src" {
                    assert!(is_safe_url(&url), "{path}: unsafe {key}={url:?}");
                }
            }
            if tag.name == "script" {
                let src = tag.attributes.iter().find(|(k, _)| k == "src");
                assert!(
                    src.is_some_and(|(_, v)| allowed_scripts.iter().any(|s| v.ends_with(s))),
                    "{path}: content made a script tag {tag:?}"
                );
            }
        }
        assert!(!html.contains("<script>alert"), "{path}");
    }
    assert!(
        checked >= 5,
        "detection, story, data source, macro and index pages"
    );
    let detection = site
        .iter()
        .find(|(p, _)| p.starts_with("detections/"))
        .map(|(_, h)| h)
        .unwrap();
    assert!(detection.contains("&lt;script&gt;alert(3)&lt;/script&gt;"));
}

#[test]
fn hostile_content_is_escaped_in_markdown_pages() {
    let repository = hostile_repository();
    let site = render(
        repository.path(),
        DocsFormat::Markdown,
        &TechniqueTable::default(),
    );
    for (path, page) in &site {
        // Code blocks hold the search, definitions and example events verbatim; all other
        // user text is escaped, so no tag survives outside a fence.
        let mut fence: Option<usize> = None;
        for line in page.lines() {
            let ticks = line.chars().take_while(|&c| c == '`').count();
            match fence {
                None if ticks >= 3 => {
                    fence = Some(ticks);
                    continue;
                }
                Some(open) if ticks >= open && line.trim_end().len() == ticks => {
                    fence = None;
                    continue;
                }
                _ => {}
            }
            if fence.is_none() {
                assert!(
                    !line.contains("<script") && !line.contains("<img") && !line.contains("<svg"),
                    "{path}: {line}"
                );
            }
        }
    }
}
