//! Splunk `.conf` writing rules: the one place where content text becomes `.conf` text.
//!
//! A `.conf` file is line-based: `[stanza]` opens a stanza, `key = value` sets a key, and a
//! line ending in `\` continues on the next line. So content text is made safe by:
//! - values: leading and trailing whitespace trimmed (as contentctl's `escapeNewlines`), every
//!   line break turned into ` \` + newline, so that each following line is a continuation and
//!   can never start a stanza or a key. A value that ends in `\` is followed by a continuation
//!   onto an empty line: a reader joins that empty line and trims it away, so the next line
//!   of the file stays a line of its own. (A trailing space after the `\`, as written before,
//!   is still a continuation for AppInspect, which then swallowed the next key.)
//! - control characters: none reaches a file, whatever lint said. A tab becomes a space and
//!   every other control character (NUL, ESC, DEL, U+0080 to U+009F, ...) U+FFFD, the
//!   replacement character, so the value stays one readable line and shows where text was.
//! - stanza names: checked, not escaped: there is no way to write a line break or `]` inside a
//!   stanza header, so such names are refused, as are names that the value escaping would
//!   change (leading or trailing white space, a trailing `\`) and names over the length
//!   contentctl allows.
//!
//! Read back by Splunk's rules (a line ending in `\` continues, the newline kept; values
//! trimmed), a written value is [`read_back`] of the content value: the same text, trimmed,
//! with line breaks as `\n`, each after one space (the space contentctl writes before the `\`).
//!
//! **Architecture invariant:** every `{{ }}` in a `.conf` template goes through
//! [`escape_value`] (Tera's autoescape is on for `.conf` templates with this function).

use crate::load::excerpt;

/// Longest saved-search stanza name contentctl 4.4.7 accepts: ES clones a search as
/// `<security domain> - <name> - Rule`, and that name may have at most 99 characters.
pub const MAX_STANZA_NAME_CHARS: usize = 99 - "identity -  - Rule".len();

/// Why a stanza cannot be written: its name, or (for a macro) its `args`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StanzaNameError {
    #[error("stanza name {:?} contains a line break or control character", excerpt(.name))]
    ControlCharacter { name: String },
    #[error("stanza name {:?} contains ']', which ends a stanza header", excerpt(.name))]
    ClosingBracket { name: String },
    #[error("stanza name {:?} is empty", excerpt(.name))]
    Empty { name: String },
    #[error(
        "stanza name {:?} starts or ends with white space or ends with '\\', which a .conf reader does not keep",
        excerpt(.name)
    )]
    Unkept { name: String },
    #[error(
        "stanza name {:?} has {chars} characters; at most {max} are allowed",
        excerpt(.name)
    )]
    TooLong {
        name: String,
        chars: usize,
        max: usize,
    },
    #[error("stanza [{name}] of {file} is also the stanza of {other}, whose settings would merge")]
    Collision {
        name: String,
        file: &'static str,
        /// The other object, as `kind "name"` (or what the build generates).
        other: String,
    },
    #[error("macro argument {argument:?} {problem}, which macros.conf `args` cannot hold")]
    MacroArgument {
        argument: String,
        problem: &'static str,
    },
}

/// What stands for a control character other than a line break in a `.conf` file.
pub const CONTROL_REPLACEMENT: char = '\u{FFFD}';

/// A value as it may follow `key = ` in a `.conf` file.
pub fn escape_value(value: &str) -> String {
    let normalised;
    let value = if value.contains('\r') {
        normalised = value.replace("\r\n", "\n").replace('\r', "\n");
        normalised.as_str()
    } else {
        value
    };
    let replaced;
    let mut trimmed = value.trim();
    if find_control(trimmed, b"\n").is_some() {
        replaced = replace_controls(trimmed);
        trimmed = &replaced;
    }
    let mut out = String::with_capacity(trimmed.len() + 8);
    for (i, line) in trimmed.split('\n').enumerate() {
        if i > 0 {
            out.push_str(" \\\n");
        }
        out.push_str(line);
    }
    if out.ends_with('\\') {
        out.push_str(" \\\n");
    }
    out
}

/// The value a `.conf` reader gets back for `value` written with [`escape_value`].
pub fn read_back(value: &str) -> String {
    replace_controls(value.replace("\r\n", "\n").replace('\r', "\n").trim()).replace('\n', " \n")
}

/// Whether `c` is a control character that [`escape_value`] does not write as it is: all but
/// the line feed (line breaks are continuations).
pub fn is_replaced_control(c: char) -> bool {
    c.is_control() && c != '\n'
}

/// The byte offset of the first control character in `text` (C0, DEL, C1) other than the
/// ASCII ones in `allowed`. A scan of bytes, not characters: every value of an app goes
/// through it. In UTF-8 a C0 character or DEL is its own byte, and a C1 character is `0xC2`
/// followed by `0x80`-`0x9F`.
pub fn find_control(text: &str, allowed: &[u8]) -> Option<usize> {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().position(|(i, &b)| {
        ((b < 0x20 || b == 0x7f) && !allowed.contains(&b))
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
    })
}

/// `text` with a tab as a space and every other control character but `\n` as
/// [`CONTROL_REPLACEMENT`].
fn replace_controls(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if is_replaced_control(c) => CONTROL_REPLACEMENT,
            c => c,
        })
        .collect()
}

/// Checks a stanza name that comes from content (a detection, macro or lookup name).
pub fn check_stanza_name(name: &str, max_chars: Option<usize>) -> Result<(), StanzaNameError> {
    let owned = || name.to_owned();
    if name.trim().is_empty() {
        return Err(StanzaNameError::Empty { name: owned() });
    }
    if name.chars().any(char::is_control) {
        return Err(StanzaNameError::ControlCharacter { name: owned() });
    }
    if name.contains(']') {
        return Err(StanzaNameError::ClosingBracket { name: owned() });
    }
    if name.trim() != name || name.ends_with('\\') {
        return Err(StanzaNameError::Unkept { name: owned() });
    }
    let chars = name.chars().count();
    match max_chars {
        Some(max) if chars > max => Err(StanzaNameError::TooLong {
            name: owned(),
            chars,
            max,
        }),
        _ => Ok(()),
    }
}

/// One stanza of `.conf` text as a reader gets it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadStanza {
    /// The text between `[` and `]`; `""` for settings before any header.
    pub name: String,
    /// 1-based line of the header (0 for the settings before any header).
    pub line: usize,
    /// `key = value` settings in order, both sides trimmed.
    pub settings: Vec<(String, String)>,
}

/// Reads `.conf` text by the rules Splunk and AppInspect apply: a line ending in `\`
/// continues on the next (the line break kept), blank lines and `#` or `;` lines are skipped,
/// `[name]` opens a stanza, any other line is `key = value` split at the first `=` (a line
/// without `=` is skipped). Used to verify what a build wrote, so it never fails.
pub fn read_stanzas(text: &str) -> Vec<ReadStanza> {
    let mut stanzas: Vec<ReadStanza> = Vec::new();
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate();
    while let Some((index, first)) = lines.next() {
        let mut logical = String::new();
        let mut line = first;
        while let Some(continued) = line.trim_end().strip_suffix('\\') {
            logical.push_str(continued);
            logical.push('\n');
            match lines.next() {
                Some((_, next)) => line = next,
                None => {
                    line = "";
                    break;
                }
            }
        }
        logical.push_str(line);
        let trimmed = logical.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            stanzas.push(ReadStanza {
                name: name.to_owned(),
                line: index + 1,
                settings: Vec::new(),
            });
            continue;
        }
        let Some((key, value)) = logical.split_once('=') else {
            continue;
        };
        if stanzas.is_empty() {
            stanzas.push(ReadStanza {
                name: String::new(),
                line: 0,
                settings: Vec::new(),
            });
        }
        if let Some(stanza) = stanzas.last_mut() {
            stanza
                .settings
                .push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    stanzas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_become_continuations() {
        assert_eq!(escape_value("  a\nb\n\nc \n"), "a \\\nb \\\n \\\nc");
        assert_eq!(escape_value("a\r\n[x]\rk = v"), "a \\\n[x] \\\nk = v");
    }

    #[test]
    fn a_trailing_backslash_cannot_continue_into_the_next_key() {
        assert_eq!(escape_value("C:\\"), "C:\\ \\\n");
        assert_eq!(escape_value("a\\\nb\\ "), "a\\ \\\nb\\ \\\n");
    }

    #[test]
    fn no_control_character_is_written() {
        assert_eq!(
            escape_value("a\0b\u{1b}[31m\u{7f}\u{85}c"),
            "a\u{FFFD}b\u{FFFD}[31m\u{FFFD}\u{FFFD}c"
        );
        assert_eq!(escape_value("\tsearch\tx\n\u{0}"), "search x \\\n\u{FFFD}");
        assert_eq!(read_back("\ta\0\nb\t"), "a\u{FFFD} \nb");
        let written = escape_value(
            &(0..0x20u8)
                .chain([0x7f])
                .map(char::from)
                .collect::<String>(),
        );
        assert!(
            !written.contains(|c: char| c.is_control() && c != '\n'),
            "{written:?}"
        );
    }

    #[test]
    fn read_back_is_the_value_as_a_reader_joins_it() {
        assert_eq!(read_back(" a\r\nb\rc\n"), "a \nb \nc");
        assert_eq!(read_back("C:\\"), "C:\\");
    }

    #[test]
    fn find_control_finds_c0_del_and_c1_characters_only() {
        assert_eq!(find_control("ab\ncd", b"\n"), None);
        assert_eq!(find_control("ab\ncd", b""), Some(2));
        assert_eq!(find_control("é\u{85}", b""), Some(2));
        assert_eq!(find_control("\u{a0}\u{100}\u{2028}€", b""), None);
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}");
            let found = find_control(&text, b"\n\t").is_some();
            assert_eq!(found, is_replaced_control(c) && c != '\t', "{c:?}");
        }
    }

    #[test]
    fn written_stanzas_read_back() {
        let text = "# c\nk0 = v0\n[a]\nx = 1 \\\n2\n; c\n\n[b(1)]\ny=a=b\nstray\n[a]\n";
        let stanzas = read_stanzas(text);
        let names: Vec<(&str, usize)> = stanzas.iter().map(|s| (s.name.as_str(), s.line)).collect();
        assert_eq!(names, [("", 0), ("a", 3), ("b(1)", 8), ("a", 11)]);
        assert_eq!(stanzas[1].settings, [("x".to_owned(), "1 \n2".to_owned())]);
        assert_eq!(stanzas[2].settings, [("y".to_owned(), "a=b".to_owned())]);
    }

    #[test]
    fn stanza_names_are_checked() {
        assert!(check_stanza_name("ESCU - A - Rule", Some(81)).is_ok());
        assert!(check_stanza_name("a\n[b]", None).is_err());
        assert!(check_stanza_name("a]b", None).is_err());
        assert!(check_stanza_name("a\\", None).is_err());
        assert!(check_stanza_name(" a", None).is_err());
        assert!(check_stanza_name("a[evil", None).is_ok());
        assert!(check_stanza_name(&"x".repeat(82), Some(81)).is_err());
        assert_eq!(MAX_STANZA_NAME_CHARS, 81);
    }
}
