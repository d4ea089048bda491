//! The fast path: a scanner for the block-style YAML that content is written in, producing
//! the events granit-parser produces for the same text, with the same byte spans.
//!
//! It handles block mappings and sequences (both `- ` indentation styles), plain scalars
//! (folded over lines), single- and double-quoted scalars (escapes, line folding), literal
//! and folded block scalars (chomping and indentation indicators), comments, and the flow
//! collections content uses on one line (`[]`, `[a, 'b']`, `{}`). Anything else, and any
//! text it is not sure of, it gives back as [`Unhandled`] before or while scanning: tabs,
//! carriage returns and other control characters, a byte order mark, anchors, aliases, tags,
//! directives, document markers, complex keys, other flow collections, a root scalar, an
//! empty block scalar, long runs of comments, and every syntax error. [`super::parse`] then parses the text with granit-parser, so an error
//! message and its position always come from granit.
//!
//! **Invariant:** for a text this scanner does not give back, the tree built from its events
//! is the tree built from granit-parser's, span for span (`tests/it/yaml_fast_path.rs`, the
//! differential proptests in `tests/it/load_properties.rs` and the `yaml_fast_differential`
//! fuzz target check it). Where the two could differ, it gives the text back.
//!
//! The scanner is line-oriented recursive descent over bytes. Every function that reads a
//! node leaves the position at the first character of the next content line (blank and
//! comment lines skipped) or at the end of the text, so the caller decides by its column
//! whether the collection goes on.

use std::borrow::Cow;

use granit_parser::{Event, ScalarStyle, StructureStyle};

use crate::source::Span;

/// The text is not (or not surely) in the subset this scanner handles, or the consumer of
/// its events refused one: parse it with granit-parser instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unhandled;

type Scan<T = ()> = Result<T, Unhandled>;

/// Nesting deeper than this goes to granit-parser (it bounds the recursion here; the tree
/// builder's own depth limit is usually lower).
const MAX_DEPTH: usize = 128;

/// Longer implicit keys go to granit-parser (YAML caps them at 1024 characters).
const MAX_KEY_BYTES: usize = 1000;

/// More comments in a row than this go to granit-parser: it rejects a text where it must
/// buffer more than 96 comment events while looking ahead (`max_buffered_comment_events`),
/// and where it must is not worth mirroring (content has at most 6 in a row).
const MAX_COMMENTS_IN_A_ROW: usize = 32;

/// Feeds the events of `text` to `sink` in granit-parser's order, with its spans, or returns
/// [`Unhandled`] (possibly after some events: the consumer must then discard what it built).
/// Comment, document-end and stream events, which the tree does not use, are not produced.
pub fn events<'a, F>(text: &'a str, sink: F) -> Scan
where
    F: FnMut(Event<'a>, Span) -> Scan,
{
    if u32::try_from(text.len()).is_err() || !plain_text(text.as_bytes()) {
        return Err(Unhandled);
    }
    Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line_start: 0,
        depth: 0,
        pending_sequence: false,
        sink,
    }
    .document()
}

/// Only characters whose meaning is the same for every YAML reader: no control character
/// but the line feed (tabs and carriage returns included), no byte order mark, no Unicode
/// line or paragraph separator, no C1 control, no non-character. Printable ASCII is checked
/// 32 bytes at a time (the compiler vectorises the fold); a block with anything else is
/// looked at byte by byte.
fn plain_text(bytes: &[u8]) -> bool {
    const BLOCK: usize = 32;
    let mut start = 0;
    for block in bytes.chunks_exact(BLOCK) {
        let unusual = block.iter().fold(0u8, |acc, &b| {
            acc | u8::from((b.wrapping_sub(0x20) >= 0x5f) & (b != b'\n'))
        });
        if unusual != 0 && !plain_bytes(bytes, start, start + BLOCK) {
            return false;
        }
        start += BLOCK;
    }
    plain_bytes(bytes, start, bytes.len())
}

/// [`plain_text`] for `bytes[from..to]`, byte by byte (a multi-byte character may run past
/// `to`).
fn plain_bytes(bytes: &[u8], from: usize, to: usize) -> bool {
    (from..to).all(|i| {
        let b = bytes[i];
        if b < 0x80 {
            return (b >= 0x20 || b == b'\n') && b != 0x7f;
        }
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let third = bytes.get(i + 2).copied().unwrap_or(0);
        !match b {
            0xc2 => (0x80..=0x9f).contains(&next),
            0xe2 => next == 0x80 && matches!(third, 0xa8 | 0xa9),
            0xef => (next == 0xbb && third == 0xbf) || (next == 0xbf && third >= 0xbe),
            _ => false,
        }
    })
}

/// A scalar read but not yet emitted: it may turn out to be a mapping key.
struct Scalar<'a> {
    text: Cow<'a, str>,
    style: ScalarStyle,
    span: Span,
    /// On one line, so that it can be an implicit key.
    one_line: bool,
}

/// Why a plain scalar's text on one line ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At `: ` (or `:` at the end of the line): the scalar is a mapping key.
    Colon,
    /// At ` #`: a comment follows on the line.
    Comment,
    /// At the line break or the end of the text.
    LineEnd,
}

struct Scanner<'a, F> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The start of the line `pos` is on.
    line_start: usize,
    depth: usize,
    /// An indentless sequence (`key:` then `- item` at the key's column) starts, in
    /// granit-parser, at its first item's first event: emitted with that event.
    pending_sequence: bool,
    sink: F,
}

impl<'a, F> Scanner<'a, F>
where
    F: FnMut(Event<'a>, Span) -> Scan,
{
    fn document(&mut self) -> Scan {
        let Some(column) = self.next_content_line()? else {
            // Blank or comments only: granit-parser reports no document at all.
            return Ok(());
        };
        if column != 0 {
            return Err(Unhandled);
        }
        self.emit(Event::DocumentStart(false, None), Span::empty_at(self.pos))?;
        if self.is_sequence_entry() {
            self.sequence(0, false)?;
        } else {
            let key = self.key()?;
            self.mapping(0, key)?;
        }
        if self.pos < self.bytes.len() {
            return Err(Unhandled);
        }
        Ok(())
    }

    fn emit(&mut self, event: Event<'a>, span: Span) -> Scan {
        self.start_pending_sequence(span.start as usize)?;
        (self.sink)(event, span)
    }

    /// Emits a waiting indentless sequence's start at `at`, where its first item's first
    /// token starts.
    fn start_pending_sequence(&mut self, at: usize) -> Scan {
        if self.pending_sequence {
            self.pending_sequence = false;
            let start = Event::SequenceStart(StructureStyle::Block, 0, None);
            (self.sink)(start, Span::empty_at(at))?;
        }
        Ok(())
    }

    fn emit_scalar(&mut self, scalar: Scalar<'a>) -> Scan {
        self.emit(
            Event::Scalar(scalar.text, scalar.style, 0, None),
            scalar.span,
        )
    }

    fn emit_null(&mut self, at: usize) -> Scan {
        let null = Event::Scalar(Cow::Borrowed("~"), ScalarStyle::Plain, 0, None);
        self.emit(null, Span::empty_at(at))
    }

    fn enter(&mut self) -> Scan {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unhandled);
        }
        Ok(())
    }

    fn byte(&self, at: usize) -> u8 {
        // NUL never occurs in a handled text, so it stands for the end.
        self.bytes.get(at).copied().unwrap_or(0)
    }

    fn peek(&self) -> u8 {
        self.byte(self.pos)
    }

    /// A space, a line break or the end of the text.
    fn blank_or_end(&self, at: usize) -> bool {
        matches!(self.byte(at), b' ' | b'\n' | 0)
    }

    /// The column of the position, or `None` at the end of the text.
    fn column(&self) -> Option<usize> {
        (self.pos < self.bytes.len()).then(|| self.pos - self.line_start)
    }

    fn skip_spaces(&mut self) {
        while self.peek() == b' ' {
            self.pos += 1;
        }
    }

    fn skip_to_line_end(&mut self) {
        self.pos = memchr::memchr(b'\n', &self.bytes[self.pos..])
            .map_or(self.bytes.len(), |i| self.pos + i);
    }

    /// From a line break, a line start, or the first character of a line: skips blank lines
    /// and comment lines; returns the column of the next content line's first character
    /// (the position is left there), or `None` at the end of the text.
    fn next_content_line(&mut self) -> Scan<Option<usize>> {
        let mut comments = 0;
        loop {
            self.skip_spaces();
            match self.peek() {
                b'\n' => {
                    self.pos += 1;
                    self.line_start = self.pos;
                }
                b'#' => {
                    comments += 1;
                    if comments > MAX_COMMENTS_IN_A_ROW {
                        return Err(Unhandled);
                    }
                    self.skip_to_line_end();
                }
                0 => return Ok(None),
                _ => {
                    let column = self.pos - self.line_start;
                    if column == 0 && self.document_marker() {
                        return Err(Unhandled);
                    }
                    return Ok(Some(column));
                }
            }
        }
    }

    fn document_marker(&self) -> bool {
        let rest = &self.bytes[self.pos..];
        rest.starts_with(b"---") || rest.starts_with(b"...")
    }

    /// After a node's last character on its line: spaces, an optional comment (after a
    /// space), then the line break or the end. Leaves the position at the break.
    fn end_of_line(&mut self) -> Scan {
        let before = self.pos;
        self.skip_spaces();
        match self.peek() {
            // A comment needs a space before it (the one before `before` counts too).
            b'#' if self.pos > before || self.byte(before.wrapping_sub(1)) == b' ' => {
                self.skip_to_line_end();
            }
            b'\n' | 0 => {}
            _ => return Err(Unhandled),
        }
        Ok(())
    }

    /// The rest of the line after a one-line node, then on to the next content line.
    fn finish_line(&mut self) -> Scan {
        self.end_of_line()?;
        self.next_content_line()?;
        Ok(())
    }

    fn is_sequence_entry(&self) -> bool {
        self.peek() == b'-' && self.blank_or_end(self.pos + 1)
    }

    /// A block sequence whose first `-` is at the position, at `column`.
    fn sequence(&mut self, column: usize, indentless: bool) -> Scan {
        self.enter()?;
        if indentless {
            self.pending_sequence = true;
        } else {
            let start = Event::SequenceStart(StructureStyle::Block, 0, None);
            self.emit(start, Span::empty_at(self.pos))?;
        }
        loop {
            self.pos += 1;
            self.sequence_item(column)?;
            match self.column() {
                Some(c) if c == column && self.is_sequence_entry() => {}
                Some(c) if c == column && indentless => break,
                Some(c) if c >= column => return Err(Unhandled),
                _ => break,
            }
        }
        self.emit(Event::SequenceEnd, Span::empty_at(self.pos))?;
        self.depth -= 1;
        Ok(())
    }

    /// What follows a `-` (the position is just after it).
    fn sequence_item(&mut self, column: usize) -> Scan {
        self.skip_spaces();
        if matches!(self.peek(), b'\n' | b'#' | 0) {
            self.end_of_line()?;
            // granit-parser starts an indentless sequence whose first item is on the next
            // lines (or empty) at the end of the `-` line, where an empty item would be.
            let null_at = self.pos;
            self.start_pending_sequence(null_at)?;
            match self.next_content_line()? {
                Some(c) if c > column => self.block_node(c, column),
                _ => self.emit_null(null_at),
            }
        } else {
            self.inline_node(column, true)
        }
    }

    /// A block mapping whose first key has been read (the position is at its `:`).
    fn mapping(&mut self, column: usize, first_key: Scalar<'a>) -> Scan {
        self.enter()?;
        let start = Event::MappingStart(StructureStyle::Block, 0, None);
        self.emit(start, Span::empty_at(first_key.span.start as usize))?;
        let mut key = first_key;
        loop {
            let colon = self.pos;
            self.emit_scalar(key)?;
            self.pos += 1;
            self.mapping_value(column, colon)?;
            match self.column() {
                Some(c) if c == column && !self.is_sequence_entry() => key = self.key()?,
                Some(c) if c >= column => return Err(Unhandled),
                _ => break,
            }
        }
        self.emit(Event::MappingEnd, Span::empty_at(self.pos))?;
        self.depth -= 1;
        Ok(())
    }

    /// What follows a key's `:` (the position is just after it).
    fn mapping_value(&mut self, column: usize, colon: usize) -> Scan {
        self.skip_spaces();
        if !matches!(self.peek(), b'\n' | b'#' | 0) {
            return self.inline_node(column, false);
        }
        self.end_of_line()?;
        match self.next_content_line()? {
            Some(c) if c > column => self.block_node(c, column),
            Some(c) if c == column && self.is_sequence_entry() => self.sequence(column, true),
            // granit-parser puts an empty value at its `:`.
            _ => self.emit_null(colon),
        }
    }

    /// A key at the position: a plain or quoted scalar on one line followed by `:`.
    fn key(&mut self) -> Scan<Scalar<'a>> {
        let key = match self.peek() {
            b'\'' | b'"' => {
                let key = self.quoted(false)?;
                if !self.colon_follows() {
                    return Err(Unhandled);
                }
                key
            }
            _ if self.plain_start(self.pos) => {
                let (key, stop) = self.plain_line()?;
                if stop != Stop::Colon {
                    return Err(Unhandled);
                }
                key
            }
            _ => return Err(Unhandled),
        };
        if self.pos - key.span.start as usize > MAX_KEY_BYTES {
            return Err(Unhandled);
        }
        Ok(key)
    }

    /// Whether, after optional spaces, a `:` and a blank follow; if so the position is left at
    /// the `:`.
    fn colon_follows(&mut self) -> bool {
        let mut at = self.pos;
        while self.byte(at) == b' ' {
            at += 1;
        }
        let found = self.byte(at) == b':' && self.blank_or_end(at + 1);
        if found {
            self.pos = at;
        }
        found
    }

    /// A node that starts its own line at `column`, inside a block collection at `parent`.
    fn block_node(&mut self, column: usize, parent: usize) -> Scan {
        if self.is_sequence_entry() {
            return self.sequence(column, false);
        }
        match self.peek() {
            b'\'' | b'"' => self.scalar_or_mapping(parent, true),
            _ if self.plain_start(self.pos) => self.scalar_or_mapping(parent, true),
            _ => Err(Unhandled),
        }
    }

    /// A node after `key: ` or `- ` on the same line; `in_sequence` allows a compact mapping
    /// (`- key: value`).
    fn inline_node(&mut self, parent: usize, in_sequence: bool) -> Scan {
        match self.peek() {
            b'|' | b'>' => self.block_scalar(parent),
            b'[' => {
                self.flow_sequence()?;
                self.finish_line()
            }
            b'{' => {
                self.empty_flow_mapping()?;
                self.finish_line()
            }
            b'\'' | b'"' => self.scalar_or_mapping(parent, in_sequence),
            _ if self.plain_start(self.pos) => self.scalar_or_mapping(parent, in_sequence),
            _ => Err(Unhandled),
        }
    }

    /// A plain or quoted scalar at the position, or the first key of a mapping there when
    /// `may_be_key`.
    fn scalar_or_mapping(&mut self, parent: usize, may_be_key: bool) -> Scan {
        let (scalar, is_key) = if matches!(self.peek(), b'\'' | b'"') {
            let scalar = self.quoted(true)?;
            let is_key = scalar.one_line && self.colon_follows();
            (scalar, is_key)
        } else {
            let (scalar, stop) = self.plain_line()?;
            match stop {
                Stop::Colon => (scalar, true),
                Stop::Comment => (scalar, false),
                Stop::LineEnd => (self.plain_continued(scalar, parent)?, false),
            }
        };
        if !is_key {
            self.emit_scalar(scalar)?;
            return self.finish_line();
        }
        if !may_be_key || self.pos - scalar.span.start as usize > MAX_KEY_BYTES {
            return Err(Unhandled);
        }
        let column = scalar.span.start as usize - self.line_start;
        self.mapping(column, scalar)
    }

    /// Whether a plain scalar may start at `at` (conservatively: no indicator but a
    /// `-` followed by a non-blank).
    fn plain_start(&self, at: usize) -> bool {
        match self.byte(at) {
            b'-' => !self.blank_or_end(at + 1),
            b' ' | b'\n' | 0 => false,
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' => false,
            _ => true,
        }
    }

    /// A plain scalar's text on the current line, from the position: up to `: `, ` #` or the
    /// line's end, trailing spaces excluded. Leaves the position at the `:` after a key, else
    /// at the end of the text.
    fn plain_line(&mut self) -> Scan<(Scalar<'a>, Stop)> {
        let start = self.pos;
        let (end, stop, at) = self.plain_line_end(start);
        self.pos = at;
        let scalar = Scalar {
            text: Cow::Borrowed(&self.text[start..end]),
            style: ScalarStyle::Plain,
            span: Span::new(start, end),
            one_line: true,
        };
        Ok((scalar, stop))
    }

    /// Where plain text starting at `start` ends on its line: (end of the text, why, where
    /// the scan stopped).
    fn plain_line_end(&self, start: usize) -> (usize, Stop, usize) {
        let bytes = self.bytes;
        let mut from = start;
        let (stop, at) = loop {
            let at = memchr::memchr3(b':', b'#', b'\n', &bytes[from..])
                .map_or(bytes.len(), |i| from + i);
            match bytes.get(at) {
                None | Some(b'\n') => break (Stop::LineEnd, at),
                Some(b'#') if at > start && bytes[at - 1] == b' ' => break (Stop::Comment, at),
                Some(b':') if self.blank_or_end(at + 1) => break (Stop::Colon, at),
                Some(_) => from = at + 1,
            }
        };
        let mut end = at;
        while end > start && bytes[end - 1] == b' ' {
            end -= 1;
        }
        (end, stop, if stop == Stop::Colon { at } else { end })
    }

    /// A plain scalar whose first line ended at the line break: takes the lines that
    /// continue it (indented past `parent`), folding them as YAML does.
    fn plain_continued(&mut self, first: Scalar<'a>, parent: usize) -> Scan<Scalar<'a>> {
        let start = first.span.start as usize;
        let mut end = first.span.end as usize;
        let mut folded: Option<String> = None;
        loop {
            // Blank lines up to the next line with text.
            let mut at = end;
            while self.byte(at) == b' ' {
                at += 1;
            }
            let mut breaks = 0;
            let mut line_start = self.line_start;
            while self.byte(at) == b'\n' {
                breaks += 1;
                at += 1;
                line_start = at;
                while self.byte(at) == b' ' {
                    at += 1;
                }
            }
            if breaks == 0 || at >= self.bytes.len() || at - line_start <= parent {
                break;
            }
            if self.byte(at) == b'#' {
                break;
            }
            let (line_end, stop, _) = self.plain_line_end(at);
            if stop == Stop::Colon {
                return Err(Unhandled);
            }
            let text = folded.get_or_insert_with(|| self.text[start..end].to_owned());
            if breaks == 1 {
                text.push(' ');
            } else {
                text.extend(std::iter::repeat_n('\n', breaks - 1));
            }
            text.push_str(&self.text[at..line_end]);
            end = line_end;
            self.line_start = line_start;
            if stop == Stop::Comment {
                break;
            }
        }
        self.pos = end;
        Ok(Scalar {
            text: folded.map_or(first.text, Cow::Owned),
            style: ScalarStyle::Plain,
            span: Span::new(start, end),
            one_line: false,
        })
    }

    /// A single- or double-quoted scalar at the position, over several lines only when
    /// `multi_line`. Leaves the position after the closing quote.
    fn quoted(&mut self, multi_line: bool) -> Scan<Scalar<'a>> {
        let start = self.pos;
        let quote = self.bytes[start];
        let single = quote == b'\'';
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        let body = start + 1;
        // The usual case: one line, nothing to unescape; the text is borrowed.
        let special = if single {
            memchr::memchr2(quote, b'\n', &self.bytes[body..])
        } else {
            memchr::memchr3(quote, b'\\', b'\n', &self.bytes[body..])
        };
        if let Some(offset) = special {
            let close = body + offset;
            if self.bytes[close] == quote && !(single && self.byte(close + 1) == quote) {
                self.pos = close + 1;
                return Ok(Scalar {
                    text: Cow::Borrowed(&self.text[body..close]),
                    style,
                    span: Span::new(start, close + 1),
                    one_line: true,
                });
            }
        }
        let mut text = String::new();
        let mut at = body;
        let mut one_line = true;
        loop {
            let next = if single {
                memchr::memchr2(quote, b'\n', &self.bytes[at..])
            } else {
                memchr::memchr3(quote, b'\\', b'\n', &self.bytes[at..])
            };
            let Some(offset) = next else {
                return Err(Unhandled);
            };
            let special = at + offset;
            match self.bytes[special] {
                b'\n' if multi_line => {
                    text.push_str(self.text[at..special].trim_end_matches(' '));
                    at = self.fold_quoted_lines(&mut text, special, false)?;
                    one_line = false;
                }
                b'\\' if multi_line && self.byte(special + 1) == b'\n' => {
                    text.push_str(&self.text[at..special]);
                    at = self.fold_quoted_lines(&mut text, special + 1, true)?;
                    one_line = false;
                }
                b'\n' => return Err(Unhandled),
                b'\\' => {
                    text.push_str(&self.text[at..special]);
                    at = special + self.unescape(special, &mut text)?;
                }
                _ if single && self.byte(special + 1) == quote => {
                    text.push_str(&self.text[at..special]);
                    text.push('\'');
                    at = special + 2;
                }
                _ => {
                    text.push_str(&self.text[at..special]);
                    self.pos = special + 1;
                    return Ok(Scalar {
                        text: Cow::Owned(text),
                        style,
                        span: Span::new(start, special + 1),
                        one_line,
                    });
                }
            }
        }
    }

    /// The line breaks and indentation inside a quoted scalar, from the break at `at`: one
    /// break is a space, n breaks are n-1 newlines; after an escaped break (`\` at the end
    /// of the line) every further break is a newline. Returns where the text goes on.
    /// Like PyYAML (and granit-parser), any indentation continues a quoted scalar; only a
    /// document marker at column 0 would end the document (an error).
    fn fold_quoted_lines(
        &mut self,
        text: &mut String,
        mut at: usize,
        escaped: bool,
    ) -> Scan<usize> {
        let mut breaks = 0;
        loop {
            match self.byte(at) {
                b'\n' => {
                    breaks += 1;
                    at += 1;
                    self.line_start = at;
                }
                b' ' => at += 1,
                _ => break,
            }
        }
        let marker = at == self.line_start && {
            let rest = &self.bytes[at..];
            rest.starts_with(b"---") || rest.starts_with(b"...")
        };
        if at >= self.bytes.len() || marker {
            return Err(Unhandled);
        }
        if escaped {
            text.extend(std::iter::repeat_n('\n', breaks - 1));
        } else if breaks == 1 {
            text.push(' ');
        } else {
            text.extend(std::iter::repeat_n('\n', breaks - 1));
        }
        Ok(at)
    }

    /// The escape sequence at `at` (a `\`) appended to `text`; returns its length.
    fn unescape(&self, at: usize, text: &mut String) -> Scan<usize> {
        let simple = match self.byte(at + 1) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.unescape_hex(at, 2, text),
            b'u' => return self.unescape_hex(at, 4, text),
            b'U' => return self.unescape_hex(at, 8, text),
            _ => return Err(Unhandled),
        };
        text.push(simple);
        Ok(2)
    }

    fn unescape_hex(&self, at: usize, digits: usize, text: &mut String) -> Scan<usize> {
        let hex = self.bytes.get(at + 2..at + 2 + digits).ok_or(Unhandled)?;
        let mut code = 0u32;
        for &digit in hex {
            code = code * 16 + char::from(digit).to_digit(16).ok_or(Unhandled)?;
        }
        text.push(char::from_u32(code).ok_or(Unhandled)?);
        Ok(2 + digits)
    }

    /// A literal (`|`) or folded (`>`) block scalar whose indicator is at the position,
    /// inside a block collection at `parent`. Leaves the position at the next content line.
    fn block_scalar(&mut self, parent: usize) -> Scan {
        let literal = self.peek() == b'|';
        // The scalar's span is its content, but its token starts at the indicator.
        self.start_pending_sequence(self.pos)?;
        self.pos += 1;
        let (keep, strip, explicit) = self.block_scalar_header()?;
        self.end_of_line()?;
        if self.peek() != b'\n' {
            return Err(Unhandled);
        }
        self.pos += 1;
        self.line_start = self.pos;
        let (indent, leading_breaks) = self.block_scalar_indent(parent, explicit)?;
        let start = self.pos;
        let (mut text, leading_break, trailing_breaks) =
            self.block_scalar_lines(literal, indent, leading_breaks);
        if !strip && leading_break {
            text.push('\n');
        }
        if keep {
            text.extend(std::iter::repeat_n('\n', trailing_breaks));
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        let span = Span::new(start, self.pos);
        self.emit(Event::Scalar(Cow::Owned(text), style, 0, None), span)?;
        self.next_content_line()?;
        Ok(())
    }

    /// The content indentation of a block scalar (`explicit` relative to `parent`, else
    /// that of its first non-blank line) and how many blank lines come first. Leaves the
    /// position at the first content character.
    fn block_scalar_indent(
        &mut self,
        parent: usize,
        explicit: Option<usize>,
    ) -> Scan<(usize, usize)> {
        let mut deepest_blank = 0;
        let (indent, breaks) = match explicit {
            Some(increment) => {
                let indent = parent + increment;
                (indent, self.blank_lines(indent, &mut deepest_blank))
            }
            None => {
                let breaks = self.blank_lines(usize::MAX, &mut deepest_blank);
                let column = self.pos - self.line_start;
                if deepest_blank > column {
                    // granit-parser: a leading blank line more indented than the content.
                    return Err(Unhandled);
                }
                (column, breaks)
            }
        };
        if self.pos >= self.bytes.len() || self.pos - self.line_start != indent || indent <= parent
        {
            // An empty block scalar: rare, left to granit-parser.
            return Err(Unhandled);
        }
        Ok((indent, breaks))
    }

    /// Blank lines, each up to `indent` spaces: returns how many, and notes the deepest.
    fn blank_lines(&mut self, indent: usize, deepest: &mut usize) -> usize {
        let mut breaks = 0;
        loop {
            while self.pos - self.line_start < indent && self.peek() == b' ' {
                self.pos += 1;
            }
            if self.peek() != b'\n' {
                return breaks;
            }
            *deepest = (*deepest).max(self.pos - self.line_start);
            breaks += 1;
            self.pos += 1;
            self.line_start = self.pos;
        }
    }

    /// The lines of a block scalar at `indent`, folded for `>` as YAML folds them (lines
    /// that start with a space are not folded). Returns the text and what follows its last
    /// line: whether a line break, and how many blank lines, for the chomping to keep.
    fn block_scalar_lines(
        &mut self,
        literal: bool,
        indent: usize,
        mut trailing_breaks: usize,
    ) -> (String, bool, usize) {
        let mut text = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        let mut deepest = 0;
        while self.pos < self.bytes.len() && self.pos - self.line_start == indent {
            let trailing_blank = self.peek() == b' ';
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing_breaks == 0 {
                    text.push(' ');
                }
            } else if leading_break {
                text.push('\n');
            }
            text.extend(std::iter::repeat_n('\n', trailing_breaks));
            leading_blank = trailing_blank;
            let line = self.pos;
            self.skip_to_line_end();
            text.push_str(&self.text[line..self.pos]);
            if self.pos >= self.bytes.len() {
                // granit-parser reads the end of the text after a line as a line break.
                return (text, true, 0);
            }
            leading_break = true;
            self.pos += 1;
            self.line_start = self.pos;
            trailing_breaks = self.blank_lines(indent, &mut deepest);
        }
        (text, leading_break, trailing_breaks)
    }

    /// The chomping (`+`, `-`) and indentation (`1`-`9`) indicators after `|` or `>`, in
    /// either order: (keep, strip, indentation).
    fn block_scalar_header(&mut self) -> Scan<(bool, bool, Option<usize>)> {
        let (mut keep, mut strip, mut explicit) = (false, false, None);
        for _ in 0..2 {
            match self.peek() {
                b'+' | b'-' if !keep && !strip => {
                    keep = self.peek() == b'+';
                    strip = !keep;
                }
                digit @ b'1'..=b'9' if explicit.is_none() => {
                    explicit = Some(usize::from(digit - b'0'));
                }
                _ => break,
            }
            self.pos += 1;
        }
        if !self.blank_or_end(self.pos) {
            return Err(Unhandled);
        }
        Ok((keep, strip, explicit))
    }

    /// `[a, 'b', "c"]` on one line: plain items without `:`, `#` or brackets, or one-line
    /// quoted items. Leaves the position after the `]`.
    fn flow_sequence(&mut self) -> Scan {
        self.enter()?;
        let start = Event::SequenceStart(StructureStyle::Flow, 0, None);
        self.emit(start, Span::new(self.pos, self.pos + 1))?;
        self.pos += 1;
        self.skip_spaces();
        if self.peek() != b']' {
            loop {
                let item = match self.peek() {
                    b'\'' | b'"' => self.quoted(false)?,
                    // In flow, `-` starts no plain scalar before `,[]{}`: left to granit.
                    b'-' => return Err(Unhandled),
                    _ if self.plain_start(self.pos) => self.flow_plain()?,
                    _ => return Err(Unhandled),
                };
                self.emit_scalar(item)?;
                self.skip_spaces();
                match self.peek() {
                    b',' => {
                        self.pos += 1;
                        self.skip_spaces();
                        if self.peek() == b']' {
                            return Err(Unhandled);
                        }
                    }
                    b']' => break,
                    _ => return Err(Unhandled),
                }
            }
        }
        self.emit(Event::SequenceEnd, Span::new(self.pos, self.pos + 1))?;
        self.pos += 1;
        self.depth -= 1;
        Ok(())
    }

    /// A plain item of a flow sequence: up to `,` or `]`, trailing spaces excluded.
    fn flow_plain(&mut self) -> Scan<Scalar<'a>> {
        let start = self.pos;
        let mut end = start;
        loop {
            match self.peek() {
                b',' | b']' => break,
                b':' | b'#' | b'[' | b'{' | b'}' | b'\n' | 0 => return Err(Unhandled),
                b' ' => self.pos += 1,
                _ => {
                    self.pos += 1;
                    end = self.pos;
                }
            }
        }
        Ok(Scalar {
            text: Cow::Borrowed(&self.text[start..end]),
            style: ScalarStyle::Plain,
            span: Span::new(start, end),
            one_line: true,
        })
    }

    /// `{}` (with optional spaces inside). Leaves the position after the `}`.
    fn empty_flow_mapping(&mut self) -> Scan {
        let start = self.pos;
        self.pos += 1;
        self.skip_spaces();
        if self.peek() != b'}' {
            return Err(Unhandled);
        }
        let open = Event::MappingStart(StructureStyle::Flow, 0, None);
        self.emit(open, Span::new(start, start + 1))?;
        self.emit(Event::MappingEnd, Span::new(self.pos, self.pos + 1))?;
        self.pos += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{YamlLimits, fast_path_agrees};

    /// Texts the fast path must handle, each with granit-parser's document: the shapes
    /// content uses, and every difference the differential tests and the fuzzer found.
    #[test]
    fn handles_content_shapes_exactly_as_granit_parser() {
        for text in [
            "name: x\ntags:\n  list:\n  - a\n  - b: 1\n    c:\n",
            "k: |\n  line1\n    ind\n\n  line3\n\nf: >-\n  a\n  b\n\n  c\n   d\n",
            "i: \"multi\n  line \\\n  esc\n\n  end\"\nj: 'sq\n  two'\n",
            "a:\n  b: 'x\ny'\n",
            "fl: []\nf2: [a, \"b\"]\nm: {}\n",
            // An indentless sequence starts at its first item's token: a block scalar's
            // indicator, or the end of a `-` line whose item is below it.
            "a:\n- >\n  x\n",
            "_:\n-\n  - _\n",
            // The end of the text after a block scalar's last line is a line break.
            "searcarch: >\n  line\n\n  second $user$  \n  kee",
            "k: |+\n  last",
        ] {
            assert_eq!(
                fast_path_agrees(text, YamlLimits::default()),
                Ok(true),
                "{text:?}"
            );
        }
    }

    /// Texts outside the subset, or not YAML at all: given back, never guessed.
    #[test]
    fn gives_back_what_it_does_not_handle() {
        for text in [
            "a: 1\r\n",
            "a:\tb\n",
            "\u{feff}a: 1\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "--- \na: 1\n",
            "? a\n: b\n",
            "a: {b: 1}\n",
            "a: [-]\n",
            "just a scalar\n",
            "a: b: c\n",
            "a: 'unterminated\n",
            "k: >\n     \n  z\n",
            // granit-parser rejects this many comments where it looks ahead.
            &format!("a:{}", "\n#".repeat(200)),
        ] {
            assert_eq!(
                fast_path_agrees(text, YamlLimits::default()),
                Ok(false),
                "{text:?}"
            );
        }
    }
}
