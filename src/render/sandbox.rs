//! Repository templates are untrusted: a pull request can change `templates/app/` and
//! `templates/docs/`, and splforge renders them in CI. Every Tera instance that may hold one
//! (the app's and the docs') is set up here, so a template is pure and bounded:
//!
//! - it is read like every repository file ([`read_override`]): a regular file inside the
//!   root, at most [`MAX_TEMPLATE_BYTES`];
//! - its blocks and brackets nest at most [`MAX_NESTING`] deep ([`check_nesting`], before
//!   Tera parses it: the parser recurses on nesting);
//! - it cannot read the environment or the clock: `get_env`, `now` and `get_random` fail
//!   ([`harden`]). `include`, `import` and `extends` only see the templates of the set,
//!   never a file;
//! - a render stops with an error past [`RENDER_LIMITS`] (vendor/tera's patch: macro calls,
//!   includes and loops nested [`MAX_RENDER_DEPTH`] deep, [`MAX_RENDER_BYTES`] made in
//!   memory, counted as they are made), and the text it writes stops at the caller's
//!   [`BoundedOutput`].

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use crate::load::FileError;

/// Largest template override read, in bytes (the largest default template is 8 KiB).
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// Deepest nesting of block tags (`if`, `for`, `macro`, `block`, `filter`) and of brackets
/// inside one tag, in a template's text.
pub const MAX_NESTING: usize = 64;

/// Deepest stack of macro calls, includes and for loops in one render.
pub const MAX_RENDER_DEPTH: usize = 32;

/// Most bytes one render may make in memory besides the text it writes out.
pub const MAX_RENDER_BYTES: u64 = 256 * 1024 * 1024;

/// The bounds of every render of an app or docs template.
pub const RENDER_LIMITS: tera::RenderLimits = tera::RenderLimits {
    max_bytes: MAX_RENDER_BYTES,
    max_depth: MAX_RENDER_DEPTH,
    max_value_depth: MAX_NESTING,
};

/// Functions that would make a render depend on the machine: the environment (a CI token
/// printed into app.conf), the clock and randomness (a build must be reproducible).
const IMPURE_FUNCTIONS: [&str; 3] = ["get_env", "now", "get_random"];

/// Reads the template override at `relative` under `root`.
pub fn read_override(root: &Path, relative: &Path) -> Result<String, FileError> {
    crate::load::read_text_in_root(root, relative, MAX_TEMPLATE_BYTES)
}

/// Removes what a template could read from outside its context, and bounds its renders.
pub fn harden(tera: &mut tera::Tera) {
    for name in IMPURE_FUNCTIONS {
        tera.register_function(name, move |_: &HashMap<String, tera::Value>| {
            Err(tera::Error::msg(format!(
                "`{name}` is not available in splforge templates: a render sees only its context"
            )))
        });
    }
    tera.set_render_limits(Some(RENDER_LIMITS));
}

/// A template nested deeper than [`MAX_NESTING`], at its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {problem}")]
pub struct NestingError {
    pub line: u32,
    pub column: u32,
    pub problem: &'static str,
}

// The messages spell the limit out.
const _: () = assert!(MAX_NESTING == 64);
const TOO_DEEP: &str = "nesting deeper than 64 levels";
const TOO_MANY_OPERATORS: &str = "more than 64 operators in one tag";

/// Operator words of Tera expressions; each operator nests the expression tree one level.
const OPERATOR_WORDS: [&str; 5] = ["and", "or", "not", "in", "is"];

/// Checks how deep block tags and brackets nest in a template's text, without parsing it:
/// Tera's parser recurses once per level, so a template of 100,000 `(` or `{% if %}`
/// overflowed the stack (an abort, not an error). Strings inside tags are skipped;
/// `{% raw %}` sections and comments are text.
pub fn check_nesting(text: &str) -> Result<(), NestingError> {
    let bytes = text.as_bytes();
    let mut blocks = 0usize;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'{', &bytes[at..]) {
        let start = at + found;
        let Some(&kind) = bytes.get(start + 1) else {
            break;
        };
        let close: &[u8] = match kind {
            b'{' => b"}}",
            b'%' => b"%}",
            b'#' => {
                at = find(bytes, start + 2, b"#}").map_or(bytes.len(), |end| end + 2);
                continue;
            }
            _ => {
                at = start + 1;
                continue;
            }
        };
        let (end, problem) = scan_tag(bytes, start + 2, close);
        if let Some((offset, problem)) = problem {
            return Err(position(text, offset, problem));
        }
        if kind == b'%' {
            let words = String::from_utf8_lossy(&bytes[start + 2..end]);
            let word = words
                .trim_matches(|c: char| c == '-' || c.is_whitespace())
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap_or("");
            match word {
                "if" | "for" | "macro" | "block" | "filter" => {
                    blocks += 1;
                    if blocks > MAX_NESTING {
                        return Err(position(text, start, TOO_DEEP));
                    }
                }
                "raw" => {
                    at = find_endraw(bytes, end).unwrap_or(bytes.len());
                    continue;
                }
                w if w.starts_with("end") => blocks = blocks.saturating_sub(1),
                _ => {}
            }
        }
        at = (end + close.len()).min(bytes.len());
    }
    Ok(())
}

/// Scans a tag's inside from `from` to its `close`, skipping strings: where it ends, and
/// where its brackets went deeper than [`MAX_NESTING`] or its operators (`1 + 1 + ...`,
/// `a and b and ...`: Tera nests one level per operator) passed that number, if they did.
fn scan_tag(bytes: &[u8], from: usize, close: &[u8]) -> (usize, Option<(usize, &'static str)>) {
    let mut depth = 0usize;
    let mut operators = 0usize;
    let mut i = from;
    while i < bytes.len() {
        let token = i;
        let operator = match bytes[i] {
            b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' | b'!' => !bytes[i..].starts_with(close),
            b'=' => bytes.get(i + 1) == Some(&b'='),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let word_end = bytes[i..]
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric() && *c != b'_')
                    .map_or(bytes.len(), |n| i + n);
                let word = &bytes[i..word_end];
                i = word_end - 1;
                OPERATOR_WORDS.iter().any(|w| w.as_bytes() == word)
            }
            _ => false,
        };
        if operator {
            operators += 1;
            if operators > MAX_NESTING {
                return (i, Some((token, TOO_MANY_OPERATORS)));
            }
        }
        match bytes[i] {
            quote @ (b'"' | b'\'' | b'`') => {
                i = memchr::memchr(quote, &bytes[i + 1..]).map_or(bytes.len(), |n| i + 1 + n);
            }
            b'(' | b'[' | b'{' if !bytes[i..].starts_with(close) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return (i, Some((i, TOO_DEEP)));
                }
            }
            b')' | b']' | b'}' if !bytes[i..].starts_with(close) => depth = depth.saturating_sub(1),
            _ if bytes[i..].starts_with(close) => return (i, None),
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), None)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|n| from + n)
}

/// The offset after the `{% endraw %}` that closes a raw section starting at `from`.
fn find_endraw(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(start) = find(bytes, at, b"{%") {
        let end = find(bytes, start + 2, b"%}")?;
        let word = String::from_utf8_lossy(&bytes[start + 2..end]);
        if word.trim_matches(|c: char| c == '-' || c.is_whitespace()) == "endraw" {
            return Some(end + 2);
        }
        at = start + 2;
    }
    None
}

fn position(text: &str, offset: usize, problem: &'static str) -> NestingError {
    let at = crate::load::source::LineIndex::new(text).line_col(text, offset);
    NestingError {
        line: at.line,
        column: at.column,
        problem,
    }
}

/// A render's output buffer that refuses to grow past `limit` bytes: the text a template
/// writes out is bounded while it is written, not after.
pub struct BoundedOutput {
    pub bytes: Vec<u8>,
    limit: usize,
}

impl BoundedOutput {
    pub fn with_capacity(capacity: usize, limit: usize) -> BoundedOutput {
        BoundedOutput {
            bytes: Vec::with_capacity(capacity.min(limit)),
            limit,
        }
    }
}

impl Write for BoundedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len().saturating_add(buf.len()) > self.limit {
            return Err(std::io::Error::other(format!(
                "rendering stopped: the output is over the {}-byte limit",
                self.limit
            )));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders `name` into a buffer of `capacity` bytes that stops at
/// [`output_limit`]`(expected)`.
pub fn render(
    tera: &tera::Tera,
    name: &str,
    context: &tera::Context,
    capacity: usize,
    expected: usize,
) -> Result<String, tera::Error> {
    let mut out = BoundedOutput::with_capacity(capacity, output_limit(expected));
    tera.render_to(name, context, &mut out)?;
    String::from_utf8(out.bytes).map_err(|e| tera::Error::msg(e.to_string()))
}

/// How much text one render may write: `expected` (what the content itself accounts for,
/// e.g. the detection stanzas a file joins) plus a margin of [`MAX_RENDER_BYTES`].
pub fn output_limit(expected: usize) -> usize {
    expected
        .saturating_mul(2)
        .saturating_add(MAX_RENDER_BYTES as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_in_tags_and_brackets() {
        assert_eq!(check_nesting("{% if a %}{{ (((x))) }}{% endif %}"), Ok(()));
        let deep_ifs = "{% if a %}".repeat(MAX_NESTING + 1);
        assert_eq!(
            check_nesting(&deep_ifs),
            Err(NestingError {
                line: 1,
                column: 10 * MAX_NESTING as u32 + 1,
                problem: TOO_DEEP,
            })
        );
        let deep_brackets = format!("\n{{{{ {} }}}}", "(".repeat(1000));
        assert_eq!(
            check_nesting(&deep_brackets),
            Err(NestingError {
                line: 2,
                column: 4 + MAX_NESTING as u32,
                problem: TOO_DEEP,
            })
        );
        // Text, strings, comments and raw sections do not count.
        let text = format!(
            "{}{{{{ \"{}\" }}}}{{# {} #}}{{% raw %}}{}{{% endraw %}}",
            "(".repeat(1000),
            "(".repeat(1000),
            "{% if %}".repeat(100),
            "{% if %}".repeat(100)
        );
        assert_eq!(check_nesting(&text), Ok(()));
        // Operators nest too, in words and symbols; identifiers holding them do not count.
        let chain = format!("{{{{ 1{} }}}}", " + 1".repeat(MAX_NESTING + 1));
        assert_eq!(
            check_nesting(&chain).map_err(|e| (e.column, e.problem)),
            Err((4 + 4 * MAX_NESTING as u32 + 2, TOO_MANY_OPERATORS))
        );
        let words = format!(
            "{{% if a{} %}}{{% endif %}}",
            " and a".repeat(MAX_NESTING + 1)
        );
        assert!(check_nesting(&words).is_err());
        let names = format!("{{{{ index{} }}}}", " ~ band ~ origin ~ isle".repeat(100));
        assert_eq!(check_nesting(&names), Ok(()));
        // Closed blocks do not add up.
        assert_eq!(check_nesting(&"{% if a %}{% endif %}".repeat(1000)), Ok(()));
    }

    #[test]
    fn bounded_output_refuses_to_grow_past_its_limit() {
        let mut out = BoundedOutput::with_capacity(0, 10);
        out.write_all(b"12345").unwrap();
        assert!(out.write_all(b"123456").is_err());
        assert_eq!(out.bytes, b"12345");
    }
}
