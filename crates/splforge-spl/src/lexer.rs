//! The SPL tokenizer: turns a search string into tokens with byte spans.
//!
//! Every character the lexer treats specially is ASCII, so every span boundary it produces
//! falls on a UTF-8 character boundary; slicing with `get` keeps that an invariant rather than
//! an assumption. Triple-backtick comments are trivia and produce no token.

use std::ops::Range;

use super::problem::{ProblemKind, SplProblem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A bare or quoted word; quoted segments may be glued to bare text (`"Web".*`).
    Word,
    Pipe,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    /// `=`, `==`, `!=`, `<`, `<=`, `>`, `>=`.
    Op,
    /// A backtick macro call, backticks included.
    Macro,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

impl Token {
    pub fn text<'s>(&self, source: &'s str) -> &'s str {
        source.get(self.span.clone()).unwrap_or("")
    }
}

/// Tokens plus the problems met on the way (unterminated quotes, comments, macros).
#[derive(Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub problems: Vec<SplProblem>,
}

/// Tokenizes `source`. Never panics; always terminates (every step consumes at least a byte).
pub fn tokenize(source: &str) -> Lexed {
    let bytes = source.as_bytes();
    let mut out = Lexed {
        tokens: Vec::with_capacity(source.len() / 4),
        problems: Vec::new(),
    };
    let mut i = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = |kind| Token {
            kind,
            span: start..start + 1,
        };
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c => i += 1,
            b'`' if bytes[i..].starts_with(b"```") => {
                i = match find(bytes, i + 3, b"```") {
                    Some(end) => end + 3,
                    None => {
                        out.problems.push(SplProblem::new(
                            ProblemKind::UnterminatedComment,
                            start..bytes.len(),
                        ));
                        bytes.len()
                    }
                };
            }
            b'`' => match memchr(bytes, i + 1, b'`') {
                Some(end) => {
                    out.tokens.push(Token {
                        kind: TokenKind::Macro,
                        span: start..end + 1,
                    });
                    i = end + 1;
                }
                None => {
                    out.problems.push(SplProblem::new(
                        ProblemKind::UnterminatedMacro,
                        start..start + 1,
                    ));
                    i += 1;
                }
            },
            b'|' | b'[' | b']' | b'(' | b')' | b',' => {
                out.tokens.push(single(punctuation(c)));
                i += 1;
            }
            b'=' | b'<' | b'>' => {
                i += if bytes.get(i + 1) == Some(&b'=') {
                    2
                } else {
                    1
                };
                out.tokens.push(Token {
                    kind: TokenKind::Op,
                    span: start..i,
                });
            }
            b'!' if bytes.get(i + 1) == Some(&b'=') => {
                i += 2;
                out.tokens.push(Token {
                    kind: TokenKind::Op,
                    span: start..i,
                });
            }
            b'\'' if single_quoted_end(bytes, i).is_some() => {
                // A single-quoted eval field name such as 'Processes.dest'.
                i = single_quoted_end(bytes, i).unwrap_or(i + 1);
                out.tokens.push(Token {
                    kind: TokenKind::Word,
                    span: start..i,
                });
            }
            _ => {
                i = word_end(bytes, i, &mut out.problems);
                out.tokens.push(Token {
                    kind: TokenKind::Word,
                    span: start..i,
                });
            }
        }
    }
    out
}

/// The end of a word starting at `i`: bare characters and glued double-quoted segments.
fn word_end(bytes: &[u8], mut i: usize, problems: &mut Vec<SplProblem>) -> usize {
    let start = i;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = quoted_end(bytes, i, problems),
            // A single-quoted field glued to an operator (`)/'stdev_x'`); a lone apostrophe
            // (`user's`) stays a character.
            b'\'' => i = single_quoted_end(bytes, i).unwrap_or(i + 1),
            b'\\' => i = (i + 2).min(bytes.len()),
            b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c => break,
            b'|' | b'[' | b']' | b'(' | b')' | b',' | b'=' | b'<' | b'>' | b'`' => break,
            b'!' if bytes.get(i + 1) == Some(&b'=') => break,
            _ => i += 1,
        }
    }
    // A word always consumes at least one byte, so the lexer always advances. A backslash
    // before a multi-byte character would leave `i` inside it: move on to a boundary.
    let mut end = i.max(start + 1).min(bytes.len());
    while end < bytes.len() && (bytes[end] & 0xC0) == 0x80 {
        end += 1;
    }
    end
}

/// The end (one past the closing quote) of a double-quoted string starting at `i`.
fn quoted_end(bytes: &[u8], i: usize, problems: &mut Vec<SplProblem>) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    problems.push(SplProblem::new(
        ProblemKind::UnterminatedQuote,
        i..bytes.len(),
    ));
    bytes.len()
}

/// One past the closing quote of a single-quoted field name at `i`, if it closes before any
/// pipe, bracket or line break (a lone apostrophe in a search term is just a character).
fn single_quoted_end(bytes: &[u8], i: usize) -> Option<usize> {
    for (j, &b) in bytes.iter().enumerate().skip(i + 1) {
        match b {
            b'\'' => return Some(j + 1),
            b'|' | b'[' | b']' | b'\n' => return None,
            _ => {}
        }
    }
    None
}

fn memchr(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    memchr::memchr(needle, bytes.get(from..)?).map(|p| p + from)
}

/// The token of a one-byte punctuation mark (`|`, brackets, parentheses, `,`).
fn punctuation(c: u8) -> TokenKind {
    match c {
        b'|' => TokenKind::Pipe,
        b'[' => TokenKind::LBracket,
        b']' => TokenKind::RBracket,
        b'(' => TokenKind::LParen,
        b')' => TokenKind::RParen,
        _ => TokenKind::Comma,
    }
}

/// The offset of the first `needle` at or after `from` (the end of a ```` ``` ```` comment,
/// here and in macro expansion).
pub(crate) fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|p| p + from)
}

/// The value of a word: double quotes removed, `\"` and `\\` unescaped; a word wrapped in
/// single quotes (an eval field reference) loses them.
pub fn unquote(raw: &str) -> String {
    if raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') {
        return raw.get(1..raw.len() - 1).unwrap_or("").to_string();
    }
    if !raw.contains(['"', '\\']) {
        return raw.to_string();
    }
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {}
            '\\' => match chars.peek() {
                Some(&next @ ('"' | '\\')) => {
                    value.push(next);
                    chars.next();
                }
                _ => value.push('\\'),
            },
            _ => value.push(c),
        }
    }
    value
}

/// True when a raw word is (or contains) a quoted segment.
pub fn is_quoted(raw: &str) -> bool {
    raw.contains('"') || (raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_and_texts(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src)
            .tokens
            .iter()
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn splits_pipes_ops_and_words() {
        use TokenKind::*;
        assert_eq!(
            kinds_and_texts("index=main x!=1 | stats count(a) by b"),
            vec![
                (Word, "index"),
                (Op, "="),
                (Word, "main"),
                (Word, "x"),
                (Op, "!="),
                (Word, "1"),
                (Pipe, "|"),
                (Word, "stats"),
                (Word, "count"),
                (LParen, "("),
                (Word, "a"),
                (RParen, ")"),
                (Word, "by"),
                (Word, "b"),
            ]
        );
    }

    #[test]
    fn quotes_hide_specials_and_escapes_hide_quotes() {
        let src = r#"x="a | b [c] \" d" | y"#;
        let toks = tokenize(src);
        assert!(toks.problems.is_empty());
        let texts: Vec<_> = toks.tokens.iter().map(|t| t.text(src)).collect();
        assert_eq!(texts, vec!["x", "=", r#""a | b [c] \" d""#, "|", "y"]);
        assert_eq!(unquote(r#""a | b [c] \" d""#), r#"a | b [c] " d"#);
    }

    #[test]
    fn glued_quotes_form_one_word() {
        let src = r#"rename "Web".* AS *"#;
        let toks = tokenize(src);
        assert_eq!(toks.tokens[1].text(src), r#""Web".*"#);
        assert_eq!(unquote(toks.tokens[1].text(src)), "Web.*");
    }

    #[test]
    fn comments_are_trivia_and_macros_are_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds_and_texts("a ```x | `y` [``` | `m(1,2)` b"),
            vec![(Word, "a"), (Pipe, "|"), (Macro, "`m(1,2)`"), (Word, "b")]
        );
    }

    #[test]
    fn unterminated_things_are_reported_not_fatal() {
        let lexed = tokenize(r#"a "b | c"#);
        assert_eq!(lexed.problems[0].kind, ProblemKind::UnterminatedQuote);
        let lexed = tokenize("a ``` b");
        assert_eq!(lexed.problems[0].kind, ProblemKind::UnterminatedComment);
        let lexed = tokenize("a ` b");
        assert_eq!(lexed.problems[0].kind, ProblemKind::UnterminatedMacro);
    }

    #[test]
    fn single_quotes_only_quote_when_closed() {
        let src = "eval x='Processes.dest' | search user's";
        let texts: Vec<_> = tokenize(src)
            .tokens
            .iter()
            .map(|t| t.text(src).to_string())
            .collect();
        assert!(texts.contains(&"'Processes.dest'".to_string()));
        assert!(texts.contains(&"user's".to_string()));
        assert_eq!(unquote("'Processes.dest'"), "Processes.dest");
    }

    #[test]
    fn single_quoted_fields_glue_to_operators() {
        let src = "eval x=round((a - b)/'stdev_<<M>>' ,2)";
        let lexed = tokenize(src);
        let texts: Vec<_> = lexed.tokens.iter().map(|t| t.text(src)).collect();
        assert!(texts.contains(&"/'stdev_<<M>>'"), "{texts:?}");
        assert_eq!(texts.iter().filter(|t| **t == ")").count(), 2);
    }

    #[test]
    fn backslash_before_multibyte_char_keeps_boundaries() {
        let src = "a\\é b";
        let toks = tokenize(src);
        assert_eq!(toks.tokens[0].text(src), "a\\é");
    }
}
