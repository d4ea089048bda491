//! Markdown pages to the static HTML site.
//!
//! pulldown-cmark renders each page body; on the way, raw HTML becomes text, links whose
//! target is not a web, mail or relative address lose their link, and images become links
//! (the site fetches nothing). pulldown-cmark escapes all text and attribute values.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use super::escape::is_safe_url;

/// The body of a Jekyll page: the text after its `---` front matter, if it has one.
pub fn strip_front_matter(page: &str) -> &str {
    let Some(rest) = page.strip_prefix("---\n") else {
        return page;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + "\n---\n".len()..],
        None => match rest.strip_suffix("\n---") {
            Some(_) => "",
            None => page,
        },
    }
}

/// Renders Markdown to inert HTML.
pub fn markdown_to_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut dropped_links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = is_safe_url(&dest_url);
            dropped_links.push(!keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type: plain(link_type),
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            let dropped = dropped_links.pop().unwrap_or(false);
            (!dropped).then_some(Event::End(TagEnd::Link))
        }
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

fn plain(link_type: LinkType) -> LinkType {
    match link_type {
        LinkType::Email => LinkType::Email,
        _ => LinkType::Inline,
    }
}

/// One entry of the client-side search index.
#[derive(Debug, Clone, Serialize)]
pub struct SearchEntry {
    /// Title.
    pub t: String,
    /// Kind of page (`detection`, `story`, ...).
    pub k: &'static str,
    /// Address relative to the site root.
    pub u: String,
    /// Words to match besides the title (description, ids, techniques).
    pub d: String,
}

/// The search index as a script that sets `window.SPLFORGE_SEARCH`: a `<script src>`
/// loads it from `file://` too, where `fetch` of a JSON file is refused.
pub fn search_index_script(json: &str) -> String {
    format!("window.SPLFORGE_SEARCH = {json};\n")
}

/// Shortens text for the search index at a character boundary.
pub fn snippet(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_dropped() {
        assert_eq!(strip_front_matter("---\na: b\n---\nbody"), "body");
        assert_eq!(strip_front_matter("no front matter"), "no front matter");
    }

    #[test]
    fn raw_html_and_script_urls_are_inert() {
        let html = markdown_to_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](https://a.b/\"q) ![i](https://img/x.png) <b onclick=\"z\">b</b>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(html.contains("href=\"https://a.b/%22q\""), "{html}");
    }
}
