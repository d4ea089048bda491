//! Where every page lives and how pages link to each other, per output format.
//!
//! Markdown pages keep the Jekyll layout of the 2022 site (`_posts/`, `_stories/`, absolute
//! permalinks such as `/stories/<name>`); the HTML site is a tree of files linked by
//! relative paths, so it works from `file://` and any sub-path of a web server.

use std::collections::HashSet;

use super::DocsFormat;
use crate::model::file_name::MAX_FILE_NAME_BYTES;

/// The 2022 file-name form of a name: lower-cased, spaces to `_`. Characters that would
/// leave the directory or confuse a path (`/`, `\`, control characters) also become `_`.
pub fn jekyll_slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            ' ' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect()
}

/// A file-name form that needs no URL encoding: `[a-z0-9._-]`, everything else `_`.
pub fn site_slug(name: &str) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    if slug.is_empty() || slug.starts_with('.') {
        format!("_{slug}")
    } else {
        slug
    }
}

/// Hands out the file stems of one directory's pages: each page's file is
/// `<stem><extension>`, at most [`MAX_FILE_NAME_BYTES`] long (a longer name cannot be
/// created, and one bad name must not fail the whole site), and unique, `-2`, `-3`, ...
/// added when two pages would share one.
#[derive(Debug)]
pub struct FileNames {
    extension: &'static str,
    taken: HashSet<String>,
}

/// The stem [`FileNames::claim`] handed out, and why it differs from the one asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub stem: String,
    /// Another page had the stem: a number was added.
    pub numbered: bool,
    /// The stem was too long for a file name and was cut.
    pub shortened: bool,
}

impl FileNames {
    /// Names for pages whose files end in `extension` (`.md`, `.html`).
    pub fn new(extension: &'static str) -> FileNames {
        FileNames {
            extension,
            taken: HashSet::new(),
        }
    }

    /// A unique stem built from `stem`, cut (on a character) so that the file name fits.
    pub fn claim(&mut self, stem: &str) -> Claimed {
        let room = MAX_FILE_NAME_BYTES - self.extension.len();
        let shortened = stem.len() > room;
        let mut candidate = cut(stem, room).to_owned();
        let mut n = 1;
        while !self
            .taken
            .insert(format!("{candidate}{}", self.extension).to_lowercase())
        {
            n += 1;
            let suffix = format!("-{n}");
            candidate = format!("{}{suffix}", cut(stem, room - suffix.len()));
        }
        Claimed {
            stem: candidate,
            numbered: n > 1,
            shortened,
        }
    }
}

/// The longest start of `text` of at most `bytes` bytes that ends on a character.
fn cut(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Link targets of one page, for one output format.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    pub format: DocsFormat,
    /// The web address of the content repository, for source links.
    pub repository_url: &'a str,
    pub branch: &'a str,
    /// From the linking page to the site root (HTML only): `""` or `"../"`.
    pub root: &'a str,
}

impl Links<'_> {
    fn html(&self, directory: &str, slug: &str) -> String {
        format!("{}{directory}/{slug}.html", self.root)
    }

    /// `slug` is the page's file stem in this format.
    pub fn story(&self, slug: &str) -> String {
        match self.format {
            DocsFormat::Markdown => format!("/stories/{slug}"),
            DocsFormat::Html => self.html("stories", slug),
        }
    }

    /// A detection page; `category` is the lower-case directory (`cloud`, `endpoint`).
    pub fn detection(&self, category: &str, jekyll_slug: &str, site_slug: &str) -> String {
        match self.format {
            DocsFormat::Markdown => format!("/{category}/{jekyll_slug}/"),
            DocsFormat::Html => self.html("detections", site_slug),
        }
    }

    pub fn technique(&self, id: &str, name: &str) -> String {
        match self.format {
            DocsFormat::Markdown => format!("/tags/#{}", name.to_lowercase().replace(' ', "-")),
            DocsFormat::Html => self.html("techniques", &site_slug(id)),
        }
    }

    pub fn macro_page(&self, name: &str, slug: &str) -> String {
        match self.format {
            DocsFormat::Markdown => self.repository_file(&format!("macros/{name}.yml")),
            DocsFormat::Html => self.html("macros", slug),
        }
    }

    pub fn data_source(&self, slug: &str) -> String {
        match self.format {
            DocsFormat::Markdown => format!("/data_sources/{slug}"),
            DocsFormat::Html => self.html("data_sources", slug),
        }
    }

    pub fn index(&self) -> String {
        match self.format {
            DocsFormat::Markdown => "/".to_owned(),
            DocsFormat::Html => format!("{}index.html", self.root),
        }
    }

    /// A file in the repository, as its web view shows it (`blob`); `""` (no link) when
    /// the repository's address is not known.
    pub fn repository_file(&self, path: &str) -> String {
        if self.repository_url.is_empty() {
            return String::new();
        }
        format!(
            "{}/blob/{}/{path}",
            self.repository_url.trim_end_matches('/'),
            self.branch
        )
    }

    /// The page's own YAML, as the 2022 pages link it (`tree`); `""` (no link) when the
    /// repository's address is not known.
    pub fn source(&self, path: &str) -> String {
        if self.repository_url.is_empty() {
            return String::new();
        }
        format!(
            "{}/tree/{}/{path}",
            self.repository_url.trim_end_matches('/'),
            self.branch
        )
    }
}

/// The CIM documentation page of a data model.
pub fn datamodel_url(datamodel: &str) -> String {
    format!(
        "https://docs.splunk.com/Documentation/CIM/latest/User/{}",
        datamodel.replace('_', "")
    )
}

/// The ATT&CK page of a technique: `T1036.005` -> `.../techniques/T1036/005/`.
pub fn attack_url(id: &str) -> String {
    format!(
        "https://attack.mitre.org/techniques/{}/",
        id.replace('.', "/")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_stay_in_their_directory() {
        assert_eq!(
            jekyll_slug("Malicious PowerShell - x"),
            "malicious_powershell_-_x"
        );
        assert_eq!(jekyll_slug("a/../b"), "a_.._b");
        assert_eq!(site_slug("A \"b\" <c>"), "a__b___c_");
        assert_eq!(site_slug(".."), "_..");
    }

    #[test]
    fn clashing_names_get_numbered() {
        let mut names = FileNames::new(".md");
        let x = names.claim("x");
        assert_eq!(
            (x.stem.as_str(), x.numbered, x.shortened),
            ("x", false, false)
        );
        let x2 = names.claim("X");
        assert_eq!(
            (x2.stem.as_str(), x2.numbered, x2.shortened),
            ("X-2", true, false)
        );
    }

    #[test]
    fn long_names_are_cut_to_fit_a_file_name() {
        let mut names = FileNames::new(".html");
        // 61 four-byte characters: 244 bytes, and an 11-byte date before them.
        let long = format!("2024-01-01-{}", "😀".repeat(61));
        let first = names.claim(&long);
        assert!(first.shortened && !first.numbered);
        assert!(first.stem.len() + ".html".len() <= MAX_FILE_NAME_BYTES);
        assert!(long.starts_with(&first.stem));
        let second = names.claim(&long);
        assert!(second.shortened && second.numbered);
        assert!(second.stem.ends_with("-2"));
        assert!(second.stem.len() + ".html".len() <= MAX_FILE_NAME_BYTES);
        let fits = "a".repeat(MAX_FILE_NAME_BYTES - ".html".len());
        assert_eq!(names.claim(&fits).stem, fits);
    }

    #[test]
    fn attack_urls_split_sub_techniques() {
        assert_eq!(
            attack_url("T1036.005"),
            "https://attack.mitre.org/techniques/T1036/005/"
        );
    }
}
