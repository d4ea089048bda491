//! Positions inside a scalar: from an offset in the decoded value back to the source.
//!
//! A search or a message is often a folded, quoted YAML scalar, so the value's byte 120 is
//! not the file's byte `span.start + 120`. Findings inside such values (a `$field$`, an SPL
//! stage) use this to point at the right characters. The mapping walks the raw text beside
//! the decoded text: equal characters match; quotes, escapes, line breaks and indentation
//! that decoding removed are skipped. It is exact for the text users write (no escapes that
//! decode to characters absent from the source) and always lands inside the scalar.

use crate::Style;
use crate::source::{Span, floor_char_boundary};

/// The source byte offset of byte `offset` of the decoded value of a scalar at `span`.
pub fn source_offset(source: &str, span: Span, style: Style, value: &str, offset: usize) -> usize {
    let Some(raw) = source.get(span.range()) else {
        return span.start as usize;
    };
    let mut raw_pos = body_start(source, span, raw, style);
    let raw = raw.as_bytes();
    let quote = match style {
        Style::SingleQuoted => Some(b'\''),
        Style::DoubleQuoted => Some(b'"'),
        _ => None,
    };
    for (value_pos, c) in value.char_indices() {
        if value_pos >= offset {
            break;
        }
        let c_len = c.len_utf8();
        if c.is_whitespace() {
            // Folding turns a line break into a space (or drops it): consume raw white space.
            if raw_pos < raw.len() && raw[raw_pos].is_ascii_whitespace() {
                raw_pos += 1;
            }
            continue;
        }
        raw_pos = skip_decoration(raw, raw_pos, c, quote);
        raw_pos = (raw_pos + c_len).min(raw.len());
    }
    let rest = value.get(offset.min(value.len())..).unwrap_or_default();
    if let Some(next) = rest.chars().next()
        && !next.is_whitespace()
    {
        raw_pos = skip_decoration(raw, raw_pos, next, quote);
    }
    // Escapes the walk cannot see can leave it inside a multi-byte character.
    floor_char_boundary(source, span.start as usize + raw_pos.min(raw.len()))
}

/// Skips what decoding removed (white space, quotes, escape backslashes) until `c`.
fn skip_decoration(raw: &[u8], mut pos: usize, c: char, quote: Option<u8>) -> usize {
    let mut buf = [0u8; 4];
    let first = c.encode_utf8(&mut buf).as_bytes()[0];
    while pos < raw.len() && raw[pos] != first {
        let b = raw[pos];
        let removable = b.is_ascii_whitespace() || Some(b) == quote || b == b'\\';
        if !removable {
            break;
        }
        pos += 1;
    }
    pos
}

/// Where the value's text begins: after an opening quote or a block scalar's header.
fn body_start(source: &str, span: Span, raw: &str, style: Style) -> usize {
    match style {
        Style::SingleQuoted | Style::DoubleQuoted => 1.min(raw.len()),
        // The parser's span of a block scalar starts at its content; should a span start
        // at the `|`/`>` header, the header follows a key or dash on its line, where
        // content that starts with `|` has only indentation before it.
        Style::Literal | Style::Folded if raw.starts_with(['|', '>']) => {
            let line_start = source[..span.start as usize]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let after_key = !source[line_start..span.start as usize].trim().is_empty();
            match raw.find('\n') {
                Some(i) if after_key => i + 1,
                _ => 0,
            }
        }
        Style::Literal | Style::Folded => 0,
        Style::Plain => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{YamlLimits, parse};

    /// Parses `key: <scalar>` and maps the decoded offset of `needle` back to the source.
    fn locate(source: &str, needle: &str) -> usize {
        let root = parse(source, YamlLimits::default()).unwrap().root.unwrap();
        let node = root.get("k").unwrap();
        let crate::Value::Str(scalar) = &node.value else {
            panic!("not a string")
        };
        let offset = scalar.text.find(needle).unwrap();
        source_offset(source, node.span, scalar.style, &scalar.text, offset)
    }

    #[test]
    fn maps_offsets_in_every_style() {
        let cases = [
            "k: plain text with $user$ inside\n",
            "k: 'quoted ''x'' then\n  folded line with $user$'\n",
            "k: \"escaped \\\" quote\n  and $user$\"\n",
            "k: |\n  line one\n  line two $user$\n",
            "k: >-\n  folded one\n  folded two $user$\n",
            "k: plain folded\n  over lines $user$ here\n",
        ];
        for source in cases {
            let at = locate(source, "$user$");
            assert_eq!(&source[at..at + 6], "$user$", "in {source:?}");
        }
    }

    #[test]
    fn stays_inside_the_scalar_for_escapes_it_cannot_see() {
        let source = "k: \"\\u00e9t\\u00e9 $x$\"\n";
        let at = locate(source, "$x$");
        assert!(at < source.len());
    }
}
