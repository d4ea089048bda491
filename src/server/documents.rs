//! The editor's view of files: `file:` URIs to paths under the content root and back, LSP
//! positions (line, UTF-16 code unit) to byte offsets and back, and the edits a client
//! sends for an open buffer.

use std::path::{Component, Path, PathBuf};
use std::str::FromStr as _;

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use crate::load::Span;

/// The path of a `file:` URI relative to `root` (`root` absolute); `None` for another
/// scheme, a path outside the root, or one with `..` in it: the server never reads or
/// tracks anything outside the content root.
pub fn relative_path(root: &Path, uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path` names another machine; only `file:///path` (empty host) is ours.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    let relative = Path::new(&decoded).strip_prefix(root).ok()?;
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    (plain && !relative.as_os_str().is_empty()).then(|| relative.to_path_buf())
}

/// The `file:` URI of `relative` under `root`.
pub fn uri_of(root: &Path, relative: &Path) -> Option<Uri> {
    let path = root.join(relative);
    let text = path.to_str()?;
    let mut uri = String::with_capacity(text.len() + 8);
    uri.push_str("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

/// `%XX` escapes decoded; `None` for a malformed escape or a path that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Line starts of a text, for LSP positions: a line and a column in UTF-16 code units,
/// both from 0 (the protocol's default encoding, the one every client supports).
#[derive(Debug, Clone)]
pub struct LineMap {
    starts: Vec<usize>,
}

impl LineMap {
    pub fn new(text: &str) -> LineMap {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineMap { starts }
    }

    /// The position of byte `offset` (clamped to the text, and down to a character).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = crate::load::source::floor_char_boundary(text, offset.min(text.len()));
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }

    /// The byte offset of `position`; a line past the end is the end of the text, a
    /// column past the end of its line the end of that line.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |&next| next);
        let line = &text[start..end];
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= position.character || c == '\n' || c == '\r' {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start as usize),
            self.position(text, span.end as usize),
        )
    }
}

/// Applies a client's changes to a buffer, in order: a change with a range replaces that
/// range, one without replaces the whole text.
pub fn apply_changes(text: &mut String, changes: Vec<TextDocumentContentChangeEvent>) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let lines = LineMap::new(text);
                let start = lines.offset(text, range.start);
                let end = lines.offset(text, range.end).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "a: é𝄞x\nb: 1\n";
        let lines = LineMap::new(text);
        let x = text.find('x').unwrap();
        // é is one UTF-16 unit, 𝄞 two.
        assert_eq!(lines.position(text, x), Position::new(0, 6));
        assert_eq!(lines.offset(text, Position::new(0, 6)), x);
        let b = text.find('b').unwrap();
        assert_eq!(lines.position(text, b), Position::new(1, 0));
        assert_eq!(lines.offset(text, Position::new(1, 0)), b);
        // Past the end of a line: its end; past the last line: the text's end.
        assert_eq!(lines.offset(text, Position::new(1, 99)), text.len() - 1);
        assert_eq!(lines.offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut text = "name: One\nid: x\n".to_owned();
        apply_changes(
            &mut text,
            vec![
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(Position::new(0, 6), Position::new(0, 9))),
                    range_length: None,
                    text: "Two".into(),
                },
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(Position::new(1, 4), Position::new(1, 5))),
                    range_length: None,
                    text: "y".into(),
                },
            ],
        );
        assert_eq!(text, "name: Two\nid: y\n");
    }

    #[test]
    fn uris_outside_the_root_or_with_dot_dot_are_not_ours() {
        let root = Path::new("/repo");
        let uri = |s: &str| Uri::from_str(s).unwrap();
        assert_eq!(
            relative_path(root, &uri("file:///repo/stories/a%20b.yml")),
            Some(PathBuf::from("stories/a b.yml"))
        );
        assert_eq!(relative_path(root, &uri("file:///etc/passwd")), None);
        assert_eq!(relative_path(root, &uri("file:///repo/../etc/x.yml")), None);
        assert_eq!(relative_path(root, &uri("untitled:Untitled-1")), None);
        let back = uri_of(root, Path::new("stories/a b.yml")).unwrap();
        assert_eq!(back.as_str(), "file:///repo/stories/a%20b.yml");
        assert_eq!(
            relative_path(root, &back),
            Some(PathBuf::from("stories/a b.yml"))
        );
    }
}
