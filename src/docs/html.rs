//! Markdown pages to the static HTML site.
//!
//! pulldown-cmark renders each page body; on the way, raw HTML becomes text, links whose
//! target is empty or not a web, mail or relative address lose their link, and images become links
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

/// The Markdown extensions both sites are read with.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// A Markdown page whose links and images with a target that is not a web, mail or relative
/// address are written as text (their `[`, `]`, `(`, `)` escaped), so that Jekyll renders
/// them as the HTML site does. Page text is escaped for HTML but keeps its Markdown, so a
/// description could otherwise carry `[x](javascript:...)` into the Jekyll site.
pub fn inert_markdown_links(page: &str) -> String {
    let body = strip_front_matter(page);
    let body_start = page.len() - body.len();
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(body, OPTIONS).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
            && !is_safe_url(&dest_url)
            && cuts.last().is_none_or(|c| c.end <= range.start)
        {
            cuts.push(range);
        }
    }
    if cuts.is_empty() {
        return page.to_owned();
    }
    let mut out = String::with_capacity(page.len() + 16 * cuts.len());
    let mut at = 0;
    for cut in cuts {
        let (start, end) = (body_start + cut.start, body_start + cut.end);
        out.push_str(&page[at..start]);
        for c in page[start..end].chars() {
            if matches!(c, '[' | ']' | '(' | ')' | '!' | '<' | '>') {
                out.push('\\');
            }
            out.push(c);
        }
        at = end;
    }
    out.push_str(&page[at..]);
    out
}

/// Renders Markdown to inert HTML.
pub fn markdown_to_html(markdown: &str) -> String {
    let options = OPTIONS;
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
            // A link to "" (a target with no page, an unknown source address) is text.
            let keep = !dest_url.is_empty() && is_safe_url(&dest_url);
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
    fn unsafe_markdown_links_become_text() {
        let page = "---\ntitle: x\n---\n[a](javascript:alert(1)) [b](https://b/) ![i](data:x) [c]\n\n[c]: vbscript:x\n";
        let inert = inert_markdown_links(page);
        assert_eq!(
            inert,
            "---\ntitle: x\n---\n\\[a\\]\\(javascript:alert\\(1\\)\\) [b](https://b/) \\!\\[i\\]\\(data:x\\) \\[c\\]\n\n[c]: vbscript:x\n"
        );
        let html = markdown_to_html(strip_front_matter(&inert));
        assert!(
            !html.contains("<a href=\"javascript") && !html.contains("vbscript:x\""),
            "{html}"
        );
        assert!(html.contains("<a href=\"https://b/\">b</a>"), "{html}");
        assert_eq!(inert_markdown_links("[b](https://b/)"), "[b](https://b/)");
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
