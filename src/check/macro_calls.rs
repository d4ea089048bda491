//! The backtick macro calls of a search: `` `name` `` and `` `name(arg, ...)` ``.
//!
//! A lexical scan only (triple-backtick comments skipped); the `spl` module does the
//! full analysis. Rules that only need "which macros does this search call" use this.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroCall {
    pub name: String,
    pub arity: usize,
    /// Byte range of the whole call, backticks included, in the search.
    pub range: Range<usize>,
    /// Byte range of the name.
    pub name_range: Range<usize>,
}

pub fn macro_calls(search: &str) -> Vec<MacroCall> {
    let bytes = search.as_bytes();
    let mut calls = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"```") {
            // A comment runs to the next triple backtick (or the end).
            i = search[i + 3..]
                .find("```")
                .map_or(bytes.len(), |end| i + 3 + end + 3);
            continue;
        }
        if bytes[i] == b'\\' {
            // An escaped character outside quotes (`*\"privileged\":true*`) is text.
            i += 2;
            continue;
        }
        if bytes[i] == b'"' {
            // A backtick inside a quoted string is text (`split(process, "`")`).
            i = skip_quoted(bytes, i);
            continue;
        }
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let Some(len) = search[i + 1..].find('`') else {
            break;
        };
        let body = &search[i + 1..i + 1 + len];
        let (name, arity) = match body.find('(') {
            Some(open) if body.ends_with(')') => {
                let args = &body[open + 1..body.len() - 1];
                (&body[..open], count_args(args))
            }
            _ => (body, 0),
        };
        let name_start = i + 1 + (name.len() - name.trim_start().len());
        let name = name.trim();
        if !name.is_empty() && !name.contains(char::is_whitespace) {
            calls.push(MacroCall {
                name: name.to_owned(),
                arity,
                range: i..i + len + 2,
                name_range: name_start..name_start + name.len(),
            });
        }
        i += len + 2;
    }
    calls
}

/// The index just past the double-quoted string starting at `start` (`\"` escapes).
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Top-level commas separate arguments; quotes and parentheses nest.
fn count_args(args: &str) -> usize {
    if args.trim().is_empty() {
        return 0;
    }
    let mut depth = 0usize;
    let mut quote = None;
    let mut count = 1;
    let mut escaped = false;
    for c in args.chars() {
        match (quote, c) {
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), _) if c == q && !escaped => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => count += 1,
            _ => {}
        }
        escaped = false;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_calls_with_arity_and_skips_comments() {
        let search = "`cloudtrail` x ```a `fake` comment``` | eval n=split(p,\"`\") | `security_content_ctime(firstTime)` | `m(\"a,b\", c)` | `x_filter`";
        let calls = macro_calls(search);
        let names: Vec<(&str, usize)> = calls.iter().map(|c| (c.name.as_str(), c.arity)).collect();
        assert_eq!(
            names,
            [
                ("cloudtrail", 0),
                ("security_content_ctime", 1),
                ("m", 2),
                ("x_filter", 0)
            ]
        );
        assert_eq!(
            &search[calls[1].name_range.clone()],
            "security_content_ctime"
        );
    }
}
