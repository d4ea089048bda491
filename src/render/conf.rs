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

/// Why a stanza name cannot be written.
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
}

/// A value as it may follow `key = ` in a `.conf` file.
pub fn escape_value(value: &str) -> String {
    let normalised;
    let value = if value.contains('\r') {
        normalised = value.replace("\r\n", "\n").replace('\r', "\n");
        normalised.as_str()
    } else {
        value
    };
    let trimmed = value.trim();
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
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .replace('\n', " \n")
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
    fn read_back_is_the_value_as_a_reader_joins_it() {
        assert_eq!(read_back(" a\r\nb\rc\n"), "a \nb \nc");
        assert_eq!(read_back("C:\\"), "C:\\");
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
