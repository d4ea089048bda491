//! Text for a person's terminal. Names, paths and messages come from the content (a pull
//! request): an escape sequence in one could retitle or rewrite the terminal, a carriage
//! return hide a line, a bidirectional override reorder what a reviewer reads. Every
//! human-format line goes out through [`escape`] ([`print_text`], [`stderr_line`]), or,
//! for the findings' coloured text, has each piece of content text escaped as it is
//! written (`output::human`). JSON, SARIF and the Navigator layer keep the exact text,
//! escaped as their formats require.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

/// A character a terminal must not receive from content: a control character other than
/// a line feed or a tab, a bidirectional control (embeddings, overrides, isolates and
/// the marks), or the Unicode line and paragraph separators (which some terminals and
/// viewers break a line at, where a reviewer reads one line).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every [unsafe](is_unsafe) character written as its escape, `\u{1b}`, and
/// a tab as a space (as in [`printable`]).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c == '\t' || is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => escaped.push(' '),
            c if is_unsafe(c) => {
                let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

/// Text from a content file made safe for a terminal one character for one, so that
/// carets under a snippet stay aligned: a tab becomes a space and every
/// [unsafe](is_unsafe) character U+FFFD.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c == '\t' || is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\t' => ' ',
                c if is_unsafe(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

/// Prints text for people on standard output, [escaped](escape).
pub fn print_text(text: &str) {
    print_raw(&escape(text));
}

/// Prints text on standard output as it is: machine formats (JSON, SARIF, workflow
/// commands, whose own escaping keeps the terminal safe) and the findings' human format,
/// whose content text is escaped piece by piece around its colours.
pub fn print_raw(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`splforge rules | head`) is not an error worth a message.
    let _ = stdout.write_all(text.as_bytes());
}

/// One line for people on standard error (errors, notes, summaries), [escaped](escape).
pub fn stderr_line(text: impl AsRef<str>) {
    eprintln!("{}", escape(text.as_ref()));
}

/// `1 file`, `2 files`: a count and its noun, in the plural unless it is one.
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidirectional_characters_are_escaped() {
        assert_eq!(escape("plain é\tand\nlines"), "plain é and\nlines");
        assert_eq!(
            escape("a\u{1b}]0;owned\u{7}b\rc\0d\u{202e}e\u{2066}f\u{85}"),
            "a\\u{1b}]0;owned\\u{7}b\\u{d}c\\u{0}d\\u{202e}e\\u{2066}f\\u{85}"
        );
        assert_eq!(escape("a\u{2028}b\u{2029}c"), "a\\u{2028}b\\u{2029}c");
        // Escaping twice changes nothing more: the escape is plain text.
        let once = escape("\u{1b}[2J").into_owned();
        assert_eq!(escape(&once), once);
    }

    #[test]
    fn printable_replaces_one_character_for_one() {
        assert_eq!(printable("plain é"), "plain é");
        assert_eq!(
            printable("a\tb\u{1b}[2Jc\rd\0e\u{202e}f\u{200f}"),
            "a b\u{fffd}[2Jc\u{fffd}d\u{fffd}e\u{fffd}f\u{fffd}"
        );
    }
}
