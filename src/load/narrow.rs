//! Loading for single-file lint (pre-commit): the named files in full, everything else
//! only as far as the cross-file index needs it.
//!
//! `lint FILE...` reports on a few files, but their references (stories, data sources,
//! other detections' names and ids for uniqueness) resolve against the whole repository.
//! Parsing all 2,600 files of a large repository costs most of a full run, so here the
//! other files are read and scanned line by line for their top-level `name:` and `id:`
//! (and whether `rba:`, `status:` or `tests:` is there, which decides a detection's
//! generation); a file whose `name` or `id` is not a one-line scalar is parsed in full.
//! Macros and deployments are always parsed in full: their arguments and types take part
//! in the checks of a search.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::yaml::{Document, Mapping, Node, Scalar, Style, Value};
use super::{ContentKind, FileError, LoadLimits, LoadedFile, Repository, SourceFile, Span};

/// Loads the files `selected` (relative to `root`) in full, and every other content file
/// as an index-only document (see the module documentation).
pub fn load_for_files(root: &Path, selected: &[PathBuf], limits: LoadLimits) -> Repository {
    let (mut yaml_paths, data_paths) = super::discover(root, limits.max_walk_depth);
    // A named file below the walk depth limit is not among those found: it is reported.
    for path in selected {
        let found = yaml_paths
            .iter()
            .any(|(_, p)| p.as_os_str() == path.as_os_str());
        if let Some(kind) = ContentKind::of_path(path)
            && !found
            && super::walk_depth(path) > limits.max_walk_depth
        {
            yaml_paths.push((kind, path.clone()));
        }
    }
    yaml_paths.sort_by(|a, b| super::path_order(&a.1, &b.1));
    let (lookup_data_files, rejected_data_files) = super::vet_data_files(root, data_paths);
    let lookups_in_full = selected
        .iter()
        .any(|p| ContentKind::of_path(p) == Some(ContentKind::Lookup));
    let files = yaml_paths
        .into_par_iter()
        .map(|(kind, relative)| {
            let in_full = selected
                .iter()
                .any(|p| p.as_os_str() == relative.as_os_str())
                || matches!(kind, ContentKind::Macro | ContentKind::Deployment)
                || (lookups_in_full && kind == ContentKind::Lookup);
            if in_full {
                super::load_file(root, &relative, kind, limits)
            } else {
                load_index_only(root, &relative, kind, limits)
            }
        })
        .collect();
    Repository {
        root: root.to_path_buf(),
        files,
        lookup_data_files,
        rejected_data_files,
    }
}

/// Reads a file for the index ([`super::read_regular_file_into`], into a buffer kept per
/// thread). Anything unusual (a symbolic link, an oversized or non-UTF-8 file, a byte-order
/// mark) takes the general path, which checks and reports it. Only the text up to the last
/// line the index needs is kept.
fn load_index_only(
    root: &Path,
    relative: &Path,
    kind: ContentKind,
    limits: LoadLimits,
) -> LoadedFile {
    let general = || super::load_file(root, relative, kind, limits);
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        if !super::read_regular_file_into(&root.join(relative), limits.max_file_bytes, &mut buffer)
        {
            return general();
        }
        let Ok(text) = std::str::from_utf8(&buffer) else {
            return general();
        };
        if text.starts_with('\u{feff}') {
            return general();
        }
        let (text, document) = match index_document(text) {
            Some((document, needed)) => (text[..needed].to_owned(), Ok(document)),
            None => (
                text.to_owned(),
                super::yaml::parse(text, limits.yaml()).map_err(FileError::from),
            ),
        };
        LoadedFile {
            kind,
            source: SourceFile::new(relative, text),
            document,
        }
    })
}

thread_local! {
    /// One read buffer per loader thread.
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Keys read as values.
const VALUE_KEYS: [&str; 2] = ["name", "id"];
/// Keys whose presence alone is recorded (as a null value).
const PRESENCE_KEYS: [&str; 3] = ["rba", "status", "tests"];

/// A searcher for each presence key at the start of a line (`\nrba:`), in
/// [`PRESENCE_KEYS`] order, built once: memmem's vectorised search is about twice as fast
/// as `str::contains` here.
fn presence_finders() -> &'static [memchr::memmem::Finder<'static>] {
    static FINDERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::LazyLock::new(|| {
            PRESENCE_KEYS
                .iter()
                .map(|key| memchr::memmem::Finder::new(format!("\n{key}:").as_bytes()).into_owned())
                .collect()
        });
    &FINDERS
}

/// A document of the top-level `name`, `id` and presence keys of `text`, with the source
/// spans of `name` and `id` (presence keys have empty spans), and the length of the text
/// those spans need; `None` when a value is not a simple one-line scalar (parse in full).
pub fn index_document(text: &str) -> Option<(Document, usize)> {
    // A top-level merge key (`<<`) can bring any key in: the full parser merges it.
    if text.starts_with(' ')
        || text.starts_with("<<")
        || memchr::memmem::find(text.as_bytes(), b"\n<<").is_some()
    {
        return None;
    }
    let mut entries: Vec<(Node, Node)> = Vec::new();
    let mut open_quote: Option<u8> = None;
    let mut needed = 0;
    let mut lines = line_starts(text).peekable();
    while let Some((start, line)) = lines.next() {
        if let Some(quote) = open_quote {
            if closes_quote(line.as_bytes(), quote) {
                open_quote = None;
            }
            continue;
        }
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        if !(rest.is_empty() || rest.starts_with(' ')) {
            continue;
        }
        let value_start = start + key.len() + 1 + (rest.len() - rest.trim_start().len());
        let value = rest.trim();
        // A quoted value that does not close on its line continues below (at any column).
        if let Some(&quote @ (b'\'' | b'"')) = value.as_bytes().first()
            && !closes_quote(&value.as_bytes()[1..], quote)
        {
            if VALUE_KEYS.contains(&key) {
                return None;
            }
            open_quote = Some(quote);
            continue;
        }
        if PRESENCE_KEYS.contains(&key) {
            entries.retain(|(k, _)| k.as_str() != Some(key));
            entries.push((presence_key(key), presence_value()));
        } else if VALUE_KEYS.contains(&key) {
            let continues = lines
                .peek()
                .is_some_and(|(_, next)| next.starts_with([' ', '\t']) && !next.trim().is_empty());
            let value_node = one_line_scalar(value, value_start, continues)?;
            needed = needed.max(start + line.len());
            entries.retain(|(k, _)| k.as_str() != Some(key));
            let key_node = Node {
                span: Span::new(start, start + key.len()),
                ..presence_key(key)
            };
            entries.push((key_node, value_node));
        }
        // Name and id come first in every generation's layout; once they are read, the
        // keys whose presence alone counts are found by a substring search of the rest,
        // so the lines of long descriptions and searches are never split.
        let has = |entries: &[(Node, Node)], key: &str| {
            entries.iter().any(|(k, _)| k.as_str() == Some(key))
        };
        if VALUE_KEYS.iter().all(|k| has(&entries, k)) {
            let remainder = &text[start + line.len()..];
            for (key, finder) in PRESENCE_KEYS.iter().zip(presence_finders()) {
                if !has(&entries, key) && finder.find(remainder.as_bytes()).is_some() {
                    entries.push((presence_key(key), presence_value()));
                }
            }
            break;
        }
    }
    let document = Document::new(
        Some(Node {
            span: Span::new(0, needed),
            value: Value::Map(Mapping { entries }),
        }),
        Vec::new(),
    );
    Some((document, needed))
}

/// The key of a presence-only entry (no span: it is never shown).
fn presence_key(key: &str) -> Node {
    Node {
        span: Span::default(),
        value: Value::Str(Scalar {
            text: key.to_owned(),
            style: Style::Plain,
            is_timestamp: false,
        }),
    }
}

fn presence_value() -> Node {
    Node {
        span: Span::default(),
        value: Value::Null,
    }
}

/// Each line of `text` with its byte offset, without the line break.
fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        (start, line.trim_end_matches(['\n', '\r']))
    })
}

/// Whether `bytes` (after an opening `quote`) contains the closing quote.
fn closes_quote(bytes: &[u8], quote: u8) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return true,
            _ => i += 1,
        }
    }
    false
}

/// A one-line string scalar starting at byte `at`; `None` for anything the full parser
/// should decide (block scalars, escapes, flow collections, non-string plain scalars, a
/// plain scalar continued on the next line).
fn one_line_scalar(value: &str, at: usize, continues: bool) -> Option<Node> {
    let first = *value.as_bytes().first()?;
    let (text, style, len) = match first {
        b'\'' => {
            let close = closing_single_quote(value)?;
            (
                value[1..close].replace("''", "'"),
                Style::SingleQuoted,
                close + 1,
            )
        }
        b'"' => {
            let close = value[1..].find('"')? + 1;
            if value[..close].contains('\\') {
                return None;
            }
            (value[1..close].to_owned(), Style::DoubleQuoted, close + 1)
        }
        b'|' | b'>' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b'[' | b'{' | b'#' => return None,
        _ => {
            if continues {
                return None;
            }
            let plain = value.split(" #").next().unwrap_or(value).trim_end();
            if !plain_is_string(plain) {
                return None;
            }
            (plain.to_owned(), Style::Plain, plain.len())
        }
    };
    let rest = value[len..].trim_start();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    Some(Node {
        span: Span::new(at, at + len),
        value: Value::Str(Scalar {
            text,
            style,
            is_timestamp: false,
        }),
    })
}

fn closing_single_quote(value: &str) -> Option<usize> {
    let bytes = value.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether PyYAML reads the plain scalar `text` as a string (not null, bool, number, date).
fn plain_is_string(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let keyword = matches!(
        lower.as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off"
    );
    let numeric_start = text
        .trim_start_matches(['-', '+', '.'])
        .starts_with(|c: char| c.is_ascii_digit());
    // Anything that starts like a number may be one (ints, floats, dates): the full parser
    // decides. UUIDs that start with a digit are the common case and are plainly strings.
    let uuid_like = text.len() == 36 && text.bytes().filter(|&b| b == b'-').count() == 4;
    !keyword && (!numeric_start || uuid_like) && !text.contains(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(doc: &'a Document, key: &str) -> Option<&'a Node> {
        doc.root.as_ref()?.get(key)
    }

    #[test]
    fn reads_top_level_names_and_ids_with_spans() {
        let text = "name: AWS IAM Thing # note\nid: 5be28d82-4305-4b5f-aeec-9dbc93f84dd1\nstatus: production\ntags:\n  name: inner\n";
        let (doc, _) = index_document(text).unwrap();
        let name = get(&doc, "name").unwrap();
        assert_eq!(name.as_str(), Some("AWS IAM Thing"));
        assert_eq!(&text[name.span.range()], "AWS IAM Thing");
        let id = get(&doc, "id").unwrap();
        assert_eq!(
            &text[id.span.range()],
            "5be28d82-4305-4b5f-aeec-9dbc93f84dd1"
        );
        assert!(get(&doc, "status").is_some());
        assert!(get(&doc, "rba").is_none());
    }

    #[test]
    fn top_level_merge_keys_are_parsed_in_full() {
        assert!(index_document("name: n\nid: i\n<<: {status: production}\n").is_none());
        assert!(index_document("<<: {name: n}\nid: i\n").is_none());
        assert!(index_document("name: n\nid: i\nx: '<<'\n").is_some());
    }

    #[test]
    fn quoted_values_and_fallbacks() {
        let (doc, _) = index_document("name: 'It''s: here'\n").unwrap();
        assert_eq!(get(&doc, "name").unwrap().as_str(), Some("It's: here"));
        let (doc, _) = index_document("name: \"Quoted\"\n").unwrap();
        assert_eq!(get(&doc, "name").unwrap().as_str(), Some("Quoted"));
        assert!(index_document("name: a long\n  continued name\n").is_none());
        assert!(index_document("name: >\n  folded\n").is_none());
        assert!(index_document("name: 'open\nclosed'\n").is_none());
        assert!(index_document("name: 2021\n").is_none());
        assert!(index_document("name: \"esc\\\"aped\"\n").is_none());
    }

    #[test]
    fn column_zero_lines_inside_a_quoted_value_are_not_keys() {
        let text = "definition: 'a\nname: fake\nb'\nname: real\n";
        let (doc, _) = index_document(text).unwrap();
        assert_eq!(get(&doc, "name").unwrap().as_str(), Some("real"));
    }

    #[test]
    fn agrees_with_the_full_parser_on_the_bundled_content() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let repository = super::super::load_repository(root, LoadLimits::default());
        for file in &repository.files {
            let Some((index, _)) = index_document(&file.source.text) else {
                continue;
            };
            let full = file.document.as_ref().unwrap().root.as_ref().unwrap();
            for key in VALUE_KEYS {
                assert_eq!(
                    get(&index, key).map(|n| (&n.value, n.span)),
                    full.get(key).map(|n| (&n.value, n.span)),
                    "{} {key}",
                    file.source.path.display()
                );
            }
        }
    }
}
