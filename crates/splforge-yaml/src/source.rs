//! Source files and positions: byte spans in, line/column out.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// A byte range inside one source file. Line and column are derived on demand from the
/// file's [`LineIndex`], so a span stays two integers wide however many the model keeps.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { start, end }
    }

    pub fn empty_at(offset: usize) -> Span {
        Span::new(offset, offset)
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 1-based line and a 1-based column counted in characters, as editors show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Byte offsets of line starts, for turning spans into line/column pairs.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        // `match_indices` of a char searches with memchr, several times faster than a
        // byte-by-byte filter over the 8 MB of a corpus.
        line_starts.extend(
            text.match_indices('\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        LineIndex { line_starts }
    }

    /// The position of `offset`; an offset past the end or inside a UTF-8 sequence is clamped.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self
            .line_starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts[line] as usize;
        // A byte-order mark is not a column anyone sees.
        let line_start = if line == 0 && text.starts_with(BOM) && offset >= BOM.len_utf8() {
            BOM.len_utf8()
        } else {
            line_start
        };
        let column = text[line_start..offset].chars().count() + 1;
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line_text<'a>(&self, text: &'a str, line: u32) -> &'a str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line as usize)
            .map_or(text.len(), |&next| next as usize);
        text.get(start as usize..end)
            .unwrap_or("")
            .trim_start_matches(BOM)
            .trim_end_matches(['\n', '\r'])
    }
}

/// U+FEFF, which a file may start with.
const BOM: char = '\u{feff}';

/// The largest char boundary at or below `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One file of the content repository, kept whole so findings can show snippets.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the content root, with `/` separators: what findings print.
    pub path: PathBuf,
    pub text: String,
    /// Built on the first position asked for: most files of a run have no finding, and
    /// indexing every line of a corpus was 2% of a full lint.
    lines: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> SourceFile {
        SourceFile {
            path: path.into(),
            text,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The line index of the text.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines().line_col(&self.text, offset)
    }

    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }
}

/// A path as findings print it: forward slashes on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The most characters of content text a message quotes (the longest name in
/// security_content is 85 characters).
pub const MAX_QUOTED_CHARS: usize = 120;

/// The most characters a whole message keeps (a finding's message, label or help, a
/// configuration error), whatever it was built from.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// Content text as a message quotes it: whole when it has at most [`MAX_QUOTED_CHARS`]
/// characters, otherwise its first ones and `…`. A finding's span shows the value; its
/// message only names it, so a 4 MB description gives a line, not 4 MB.
pub fn excerpt(text: &str) -> Cow<'_, str> {
    truncated(text, MAX_QUOTED_CHARS)
}

/// `text` whole when it has at most `max_chars` characters, otherwise its first
/// `max_chars - 1` and `…` (cut on a character).
pub fn truncated(text: &str, max_chars: usize) -> Cow<'_, str> {
    if text.len() <= max_chars {
        return Cow::Borrowed(text);
    }
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some(_) => {
            let cut = text
                .char_indices()
                .nth(max_chars.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            Cow::Owned(format!("{}…", &text[..cut]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_keep_short_text_and_cut_long_text_on_a_character() {
        assert_eq!(
            excerpt("AWS IAM Failure Group Deletion"),
            "AWS IAM Failure Group Deletion"
        );
        let exact = "é".repeat(MAX_QUOTED_CHARS);
        assert_eq!(excerpt(&exact), exact);
        let long = "😀".repeat(MAX_QUOTED_CHARS + 1);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), MAX_QUOTED_CHARS);
        assert!(cut.ends_with("😀…"));
        assert!(excerpt(&"x".repeat(4 << 20)).len() < 4 * MAX_QUOTED_CHARS);
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let text = "a: 1\nbé: x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 5), LineCol { line: 2, column: 1 });
        // 'x' sits after "bé: ", four characters but five bytes.
        assert_eq!(index.line_col(text, 10), LineCol { line: 2, column: 5 });
        assert_eq!(index.line_text(text, 2), "bé: x");
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let text = "\u{feff}a: 1\nb: 2\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 3), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 6), LineCol { line: 1, column: 4 });
        assert_eq!(index.line_text(text, 1), "a: 1");
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 99), LineCol { line: 1, column: 2 });
    }
}
