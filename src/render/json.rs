//! JSON as Jinja2's `tojson` writes it, so that `.conf` values match contentctl's byte for byte.
//!
//! Jinja2's `tojson` is `json.dumps(value, sort_keys=True)` (separators `", "` and `": "`,
//! `ensure_ascii`), followed by HTML-safe replacement of `<`, `>`, `&` and `'` with `\uXXXX`.
//! [`to_python_json_indented`] is Python's `json.dumps(value, indent=N)`, which contentctl
//! writes dashboard definitions with.

use std::fmt::Write;

use serde_json::Value;

/// `value` as Jinja2's `tojson` filter renders it.
pub fn to_jinja_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// `value` as Python's `json.dumps(value, indent=indent)` writes it: keys in their order,
/// separators `","` and `": "`, one item per line, `ensure_ascii`, no HTML escaping.
pub fn to_python_json_indented(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_indented(&mut out, value, indent, 0);
    out
}

fn write_indented(out: &mut String, value: &Value, indent: usize, depth: usize) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent * depth));
    };
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_indented(out, item, indent, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_string_with(out, key, &ESCAPED_BY_PYTHON);
                out.push_str(": ");
                write_indented(out, item, indent, depth + 1);
            }
            newline(out, depth);
            out.push('}');
        }
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
        Value::String(s) => write_string_with(out, s, &ESCAPED_BY_PYTHON),
        other => write_value(out, other),
    }
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// Integers as written; floats as Python's `repr` (`1727654400.0`).
fn write_number(out: &mut String, n: &serde_json::Number) {
    if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
        if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
            let _ = write!(out, "{f:.1}");
        } else {
            let _ = write!(out, "{f:?}");
        }
    } else {
        let _ = write!(out, "{n}");
    }
}

fn write_string(out: &mut String, s: &str) {
    write_string_with(out, s, &ESCAPED);
}

/// `s` quoted, each character that starts with a byte `escaped` marks escaped.
fn write_string_with(out: &mut String, s: &str, escaped: &[bool; 256]) {
    out.push('"');
    // Runs of characters written as they are are copied whole: `savedsearches.conf` writes
    // every search and drilldown through here.
    let mut rest = s;
    while let Some(at) = rest.bytes().position(|b| escaped[b as usize]) {
        out.push_str(&rest[..at]);
        // `at` is a character boundary: every byte of a multi-byte character needs escaping.
        let c = rest[at..].chars().next().unwrap_or_default();
        write_escaped(out, c);
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push('"');
}

/// Whether a character starting with the byte is escaped: every byte outside printable ASCII
/// (DEL is written as it is, as Python does), quotes, backslash and the HTML-unsafe four.
static ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = !(byte >= 0x20 && byte <= 0x7f)
            || matches!(byte as u8, b'"' | b'\\' | b'<' | b'>' | b'&' | b'\'');
        byte += 1;
    }
    table
};

/// What Python's `json.dumps` escapes (`ensure_ascii`): [`ESCAPED`] but for the HTML four.
static ESCAPED_BY_PYTHON: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = !(byte >= 0x20 && byte <= 0x7f) || matches!(byte as u8, b'"' | b'\\');
        byte += 1;
    }
    table
};

fn write_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '<' | '>' | '&' | '\'' => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_python_json_dumps_with_sorted_keys() {
        let value = json!({"b": [1, "x<y>&'z"], "a": 1727654400.0, "c": null, "é": "ü😀"});
        assert_eq!(
            to_jinja_json(&value),
            r#"{"a": 1727654400.0, "b": [1, "x\u003cy\u003e\u0026\u0027z"], "c": null, "\u00e9": "\u00fc\ud83d\ude00"}"#
        );
    }

    /// The character-by-character writer the run-copying one replaced: printable ASCII but
    /// the six Jinja2 escapes as it is, and DEL; every other character escaped.
    fn write_string_by_char(out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
            let printable =
                (' '..='~').contains(&c) && !matches!(c, '"' | '\\' | '<' | '>' | '&' | '\'');
            if printable || c == '\u{7f}' {
                out.push(c);
            } else {
                write_escaped(out, c);
            }
        }
        out.push('"');
    }

    proptest::proptest! {
        #[test]
        fn strings_are_written_as_character_by_character(s in "(\\PC|[\\x00-\\x7f]|\\u{1F600}){0,40}") {
            let (mut fast, mut slow) = (String::new(), String::new());
            write_string(&mut fast, &s);
            write_string_by_char(&mut slow, &s);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn indented_json_is_python_json_dumps_with_indent() {
        let value = json!({"b": [1, {}], "a": {"x": "<é>"}, "c": []});
        assert_eq!(
            to_python_json_indented(&value, 4),
            "{\n    \"b\": [\n        1,\n        {}\n    ],\n    \"a\": {\n        \"x\": \"<\\u00e9>\"\n    },\n    \"c\": []\n}"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            to_jinja_json(&json!("a\nb\"\\\u{1}")),
            r#""a\nb\"\\\u0001""#
        );
    }
}
