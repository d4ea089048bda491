//! Escaping, each kind in one place.
//!
//! - [`page_text`]: every user value a page template prints (Tera's escape function). It is
//!   the escaping the 2022 generator's Jinja2 autoescape applied (MarkupSafe: `&`, `<`, `>`,
//!   `"` as `&#34;`, `'` as `&#39;`), which both Markdown and HTML read back as the text.
//! - [`html_text`]: text written into the HTML site outside the Markdown renderer.
//! - [`is_safe_url`]: which link targets the HTML site keeps.
//! - [`code_fence`]: a fence a code block's content cannot close.

/// MarkupSafe-compatible escaping of a value printed into a page.
pub fn page_text(text: &str) -> String {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return text.to_owned();
    }
    let mut escaped = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&#34;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Escaping for HTML text and attribute values written by the site renderer.
pub fn html_text(text: &str) -> String {
    page_text(text)
}

/// Whether a link target may stay a link in the HTML site: web and mail URLs, and
/// relative references (paths, fragments). Anything else (`javascript:`, `data:`,
/// `vbscript:`, `file:` ...) is rendered as text instead. Browsers ignore ASCII control
/// characters and whitespace inside a scheme, so they are dropped before the check.
pub fn is_safe_url(url: &str) -> bool {
    let compact: String = url
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    match compact.find(':') {
        None => true,
        Some(colon) => {
            let before = &compact[..colon];
            // A colon after the first `/`, `?` or `#` is not a scheme separator.
            if before.contains(['/', '?', '#']) {
                return true;
            }
            matches!(before, "http" | "https" | "mailto")
        }
    }
}

/// A backtick fence longer than any backtick run in `code` (at least three).
pub fn code_fence(code: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// A code block's language tag, reduced to characters an info string may safely hold.
pub fn code_language(language: &str) -> String {
    language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '#'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_text_matches_markupsafe() {
        assert_eq!(
            page_text(r#"a&b <c> "d" 'e' /f"#),
            "a&amp;b &lt;c&gt; &#34;d&#34; &#39;e&#39; /f"
        );
    }

    #[test]
    fn only_web_mail_and_relative_urls_are_safe() {
        assert!(is_safe_url("https://attack.mitre.org/"));
        assert!(is_safe_url("../stories/x.html#top"));
        assert!(is_safe_url("mailto:a@b.c"));
        assert!(is_safe_url("a/b:c"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url(" JaVa\tScRiPt:alert(1)"));
        assert!(!is_safe_url("data:text/html,x"));
    }

    #[test]
    fn fences_outgrow_the_code() {
        assert_eq!(code_fence("`a` | `b`"), "```");
        assert_eq!(code_fence("x ```` y"), "`````");
    }
}
