//! The SPL parser: a pipeline of stages, each a command and a flat list of argument nodes.
//!
//! The tree is shallow on purpose: commands differ too much for one grammar, so each command's
//! semantics (in `commands/`) reads its own arguments from the node list. What the parser does
//! settle is what every command shares: stage boundaries (top-level `|`), quoting, subsearches,
//! parentheses and function calls, macro calls, and `key=value` / comparison pairs.
//!
//! **Invariant:** `parse` never panics and always terminates; nesting deeper than
//! [`MAX_NESTING`] is skipped (reported as a problem) instead of recursing.

use std::ops::Range;

use super::lexer::{Token, TokenKind, is_quoted, tokenize, unquote};
use super::problem::{ProblemKind, SplProblem};

/// How deep subsearches and parentheses are followed; the corpus never goes past 3.
pub const MAX_NESTING: usize = 64;

/// A search: stages separated by top-level pipes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    pub stages: Vec<Stage>,
    pub span: Range<usize>,
    /// Syntax problems (only filled on the outermost pipeline).
    pub problems: Vec<SplProblem>,
}

/// One stage: `command args...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub span: Range<usize>,
    /// `None` when the stage starts with something other than a word (a macro call, ...).
    pub command: Option<Command>,
    pub args: Vec<Node>,
}

/// The command word of a stage, lower-cased; `implicit` for the leading search of a pipeline
/// that does not start with `|` (Splunk prepends `search`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: String,
    pub span: Range<usize>,
    pub implicit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A bare or quoted word; `text` is the unquoted value.
    Word {
        text: String,
        quoted: bool,
        span: Range<usize>,
    },
    /// A comparison or assignment operator that did not form a [`Node::Pair`].
    Op {
        op: String,
        span: Range<usize>,
    },
    Comma {
        span: Range<usize>,
    },
    /// `name(args)` with no space before the parenthesis.
    Call {
        name: String,
        args: Vec<Node>,
        span: Range<usize>,
    },
    /// `( ... )`.
    Group {
        items: Vec<Node>,
        span: Range<usize>,
    },
    /// `key=value`, `key!=value`, `key<value`, ... (`value` is `None` at the end of a stage).
    Pair {
        key: String,
        key_span: Range<usize>,
        op: String,
        value: Option<Box<Node>>,
        span: Range<usize>,
    },
    /// `[ search ... ]`.
    Subsearch {
        pipeline: Pipeline,
        span: Range<usize>,
    },
    /// A backtick macro call left in the text (unexpanded or unresolved).
    Macro {
        name: String,
        args: Vec<String>,
        span: Range<usize>,
    },
}

impl Node {
    pub fn span(&self) -> Range<usize> {
        match self {
            Node::Word { span, .. }
            | Node::Op { span, .. }
            | Node::Comma { span }
            | Node::Call { span, .. }
            | Node::Group { span, .. }
            | Node::Pair { span, .. }
            | Node::Subsearch { span, .. }
            | Node::Macro { span, .. } => span.clone(),
        }
    }

    /// The text of a word, if this is one.
    pub fn word(&self) -> Option<&str> {
        match self {
            Node::Word { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for an unquoted word equal to `keyword`, ignoring ASCII case (`AS`, `by`, ...).
    pub fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self, Node::Word { text, quoted: false, .. } if text.eq_ignore_ascii_case(keyword))
    }
}

impl Stage {
    pub fn command_name(&self) -> Option<&str> {
        self.command.as_ref().map(|c| c.name.as_str())
    }

    /// The value of option `key=value` among the stage's top-level arguments.
    pub fn option(&self, key: &str) -> Option<&Node> {
        self.args.iter().find_map(|n| match n {
            Node::Pair {
                key: k,
                op,
                value: Some(v),
                ..
            } if op == "=" && k.eq_ignore_ascii_case(key) => Some(v.as_ref()),
            _ => None,
        })
    }

    /// The word value of option `key=value`.
    pub fn option_word(&self, key: &str) -> Option<&str> {
        self.option(key).and_then(Node::word)
    }

    /// The subsearches directly in this stage's arguments.
    pub fn subsearches(&self) -> impl Iterator<Item = &Pipeline> {
        self.args.iter().filter_map(|n| match n {
            Node::Subsearch { pipeline, .. } => Some(pipeline),
            _ => None,
        })
    }
}

/// Splits the inside of a macro call `name(a, "b,c")` into its name and trimmed arguments.
/// Commas inside quotes or parentheses do not split.
pub fn split_macro_call(inner: &str) -> (String, Vec<String>) {
    let Some(open) = inner.find('(') else {
        return (inner.trim().to_string(), Vec::new());
    };
    let name = inner.get(..open).unwrap_or("").trim().to_string();
    let rest = inner.get(open + 1..).unwrap_or("");
    let body = rest.strip_suffix(')').unwrap_or(rest);
    if body.trim().is_empty() {
        return (name, Vec::new());
    }
    let mut args = Vec::new();
    let mut current = String::new();
    let (mut depth, mut in_quote, mut escaped) = (0usize, false, false);
    for c in body.chars() {
        if escaped {
            escaped = false;
            current.push(c);
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => depth = depth.saturating_sub(1),
            ',' if !in_quote && depth == 0 => {
                args.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    args.push(current.trim().to_string());
    (name, args)
}

/// Parses a search into a pipeline. Never panics, always terminates.
pub fn parse(search: &str) -> Pipeline {
    let lexed = tokenize(search);
    let mut parser = Parser {
        source: search,
        tokens: &lexed.tokens,
        pos: 0,
        problems: lexed.problems,
    };
    let mut pipeline = parser.pipeline(0);
    // Stray closing brackets at the top level end the inner loop: skip them and carry on.
    while parser.pos < parser.tokens.len() {
        let span = parser.tokens[parser.pos].span.clone();
        parser.problem(ProblemKind::UnbalancedBracket, span);
        parser.pos += 1;
        let rest = parser.pipeline(0);
        pipeline.stages.extend(rest.stages);
    }
    pipeline.span = 0..search.len();
    pipeline.problems = parser.problems;
    pipeline
        .problems
        .sort_by_key(|p| (p.span.start, p.span.end));
    pipeline
}

struct Parser<'a> {
    source: &'a str,
    tokens: &'a [Token],
    pos: usize,
    problems: Vec<SplProblem>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self) -> Option<TokenKind> {
        self.peek().map(|t| t.kind)
    }

    fn problem(&mut self, kind: ProblemKind, span: Range<usize>) {
        self.problems.push(SplProblem::new(kind, span));
    }

    /// Stages until the end or an unmatched `]` (left for the caller).
    fn pipeline(&mut self, depth: usize) -> Pipeline {
        let start = self.peek().map_or(self.source.len(), |t| t.span.start);
        let mut stages = Vec::new();
        let mut leading_pipe = false;
        let mut first = true;
        loop {
            match self.peek_kind() {
                None | Some(TokenKind::RBracket) => break,
                Some(TokenKind::Pipe) => {
                    let pipe = self.tokens[self.pos].span.clone();
                    if first {
                        leading_pipe = true;
                    }
                    self.pos += 1;
                    if matches!(
                        self.peek_kind(),
                        None | Some(TokenKind::Pipe) | Some(TokenKind::RBracket)
                    ) {
                        self.problem(ProblemKind::EmptyStage, pipe);
                    }
                    first = false;
                }
                Some(_) => {
                    let implicit = first && !leading_pipe;
                    stages.push(self.stage(depth, implicit));
                    first = false;
                }
            }
        }
        let end = self
            .pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(start, |t| t.span.end)
            .max(start);
        Pipeline {
            stages,
            span: start..end,
            problems: Vec::new(),
        }
    }

    fn stage(&mut self, depth: usize, implicit: bool) -> Stage {
        let mut args = Vec::new();
        while let Some(kind) = self.peek_kind() {
            match kind {
                TokenKind::Pipe | TokenKind::RBracket => break,
                TokenKind::RParen => {
                    let span = self.tokens[self.pos].span.clone();
                    self.problem(ProblemKind::UnbalancedParen, span);
                    self.pos += 1;
                }
                _ => args.push(self.node(depth)),
            }
        }
        let span = match (args.first(), args.last()) {
            (Some(a), Some(b)) => a.span().start..b.span().end,
            _ => 0..0,
        };
        let command = if implicit {
            match args.first() {
                Some(n) if n.is_keyword("search") => {
                    let span = n.span();
                    args.remove(0);
                    Some(Command {
                        name: "search".into(),
                        span,
                        implicit: false,
                    })
                }
                _ => Some(Command {
                    name: "search".into(),
                    span: span.start..span.start,
                    implicit: true,
                }),
            }
        } else {
            match args.first() {
                Some(Node::Word {
                    text,
                    quoted: false,
                    span,
                }) => {
                    let command = Command {
                        name: text.to_ascii_lowercase(),
                        span: span.clone(),
                        implicit: false,
                    };
                    args.remove(0);
                    Some(command)
                }
                _ => None,
            }
        };
        Stage {
            span,
            command,
            args,
        }
    }

    /// One argument node, folding `word op value` into a pair.
    fn node(&mut self, depth: usize) -> Node {
        let primary = self.primary(depth);
        if !matches!(primary, Node::Word { .. }) {
            return primary;
        }
        let Some(op_token) = self.peek().filter(|t| t.kind == TokenKind::Op) else {
            return primary;
        };
        let Node::Word {
            text,
            span: key_span,
            ..
        } = primary
        else {
            return primary;
        };
        let op = op_token.text(self.source).to_string();
        self.pos += 1;
        let value = match self.peek_kind() {
            Some(TokenKind::Word | TokenKind::LParen | TokenKind::LBracket | TokenKind::Macro) => {
                Some(Box::new(self.primary(depth)))
            }
            _ => None,
        };
        let end = value.as_ref().map_or(op_token.span.end, |v| v.span().end);
        Node::Pair {
            key: text,
            span: key_span.start..end,
            key_span,
            op,
            value,
        }
    }

    fn primary(&mut self, depth: usize) -> Node {
        let Some(token) = self.peek() else {
            return Node::Comma {
                span: self.source.len()..self.source.len(),
            };
        };
        let span = token.span.clone();
        let raw = token.text(self.source);
        self.pos += 1;
        match token.kind {
            TokenKind::Word => {
                let adjacent_paren = self
                    .peek()
                    .is_some_and(|t| t.kind == TokenKind::LParen && t.span.start == span.end);
                if adjacent_paren && !is_quoted(raw) {
                    self.pos += 1;
                    let (args, end) = self.until_rparen(depth + 1, span.end..span.end + 1);
                    return Node::Call {
                        name: raw.to_string(),
                        args,
                        span: span.start..end,
                    };
                }
                Node::Word {
                    text: unquote(raw),
                    quoted: is_quoted(raw),
                    span,
                }
            }
            TokenKind::Op => Node::Op {
                op: raw.to_string(),
                span,
            },
            TokenKind::Comma => Node::Comma { span },
            TokenKind::Macro => {
                let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
                let (name, args) = split_macro_call(inner);
                Node::Macro { name, args, span }
            }
            TokenKind::LParen => {
                let (items, end) = self.until_rparen(depth + 1, span.clone());
                Node::Group {
                    items,
                    span: span.start..end,
                }
            }
            TokenKind::LBracket => {
                if depth + 1 > MAX_NESTING {
                    let end = self.skip_nested(TokenKind::LBracket, TokenKind::RBracket);
                    self.problem(ProblemKind::NestingLimit, span.start..end);
                    return Node::Subsearch {
                        pipeline: Pipeline {
                            stages: Vec::new(),
                            span: span.end..span.end,
                            problems: Vec::new(),
                        },
                        span: span.start..end,
                    };
                }
                let pipeline = self.pipeline(depth + 1);
                let end = match self.peek() {
                    Some(t) if t.kind == TokenKind::RBracket => {
                        self.pos += 1;
                        t.span.end
                    }
                    _ => {
                        self.problem(ProblemKind::UnbalancedBracket, span.clone());
                        pipeline.span.end.max(span.end)
                    }
                };
                Node::Subsearch {
                    pipeline,
                    span: span.start..end,
                }
            }
            // Closers and pipes are handled by the callers; never reached, but harmless.
            TokenKind::RParen | TokenKind::RBracket | TokenKind::Pipe => Node::Op {
                op: raw.to_string(),
                span,
            },
        }
    }

    /// Nodes up to the `)` matching the `(` at `open`, which is consumed. Returns the nodes and
    /// the end offset.
    fn until_rparen(&mut self, depth: usize, open: Range<usize>) -> (Vec<Node>, usize) {
        if depth > MAX_NESTING {
            let end = self.skip_nested(TokenKind::LParen, TokenKind::RParen);
            self.problem(ProblemKind::NestingLimit, open.start..end);
            return (Vec::new(), end);
        }
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Some(t) if t.kind == TokenKind::RParen => {
                    self.pos += 1;
                    return (items, t.span.end);
                }
                None
                | Some(Token {
                    kind: TokenKind::Pipe | TokenKind::RBracket,
                    ..
                }) => {
                    self.problem(ProblemKind::UnbalancedParen, open.clone());
                    let end = items.last().map_or(open.end, |n: &Node| n.span().end);
                    return (items, end);
                }
                Some(_) => items.push(self.node(depth)),
            }
        }
    }

    /// Skips tokens up to the closer matching an opener already consumed, iteratively.
    fn skip_nested(&mut self, open: TokenKind, close: TokenKind) -> usize {
        let mut level = 1usize;
        let mut end = self.source.len();
        while let Some(t) = self.peek() {
            self.pos += 1;
            if t.kind == open {
                level += 1;
            } else if t.kind == close {
                level -= 1;
                if level == 0 {
                    end = t.span.end;
                    break;
                }
            }
            end = t.span.end;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(p: &Pipeline) -> Vec<String> {
        p.stages
            .iter()
            .map(|s| s.command_name().unwrap_or("<none>").to_string())
            .collect()
    }

    #[test]
    fn leading_search_is_implicit() {
        let p = parse("index=main sourcetype=x | stats count by host");
        assert_eq!(commands(&p), ["search", "stats"]);
        assert!(p.stages[0].command.as_ref().is_some_and(|c| c.implicit));
        assert!(p.problems.is_empty());
    }

    #[test]
    fn leading_pipe_starts_with_a_generating_command() {
        let p = parse("| tstats count from datamodel=Endpoint.Processes by Processes.dest");
        assert_eq!(commands(&p), ["tstats"]);
        assert_eq!(
            p.stages[0].option_word("datamodel"),
            Some("Endpoint.Processes")
        );
    }

    #[test]
    fn subsearches_nest_and_keep_their_own_stages() {
        let src = "a | join user [search b | stats count by user [search c | head 1]] | table user";
        let p = parse(src);
        assert_eq!(commands(&p), ["search", "join", "table"]);
        let sub = p.stages[1].subsearches().next().expect("subsearch");
        assert_eq!(commands(sub), ["search", "stats"]);
        assert!(p.problems.is_empty());
    }

    #[test]
    fn calls_groups_and_pairs_keep_spans() {
        let src = "eval x=if(a=\"b\", 1, 0), y = (c + d)";
        let p = parse(src);
        let args = &p.stages[0].args;
        // the implicit search holds `eval` as a word here; check the pair structure
        let Node::Pair {
            key, value, span, ..
        } = &args[1]
        else {
            panic!("pair expected: {args:?}")
        };
        assert_eq!(key, "x");
        assert!(matches!(value.as_deref(), Some(Node::Call { name, .. }) if name == "if"));
        assert_eq!(&src[span.clone()], "x=if(a=\"b\", 1, 0)");
    }

    #[test]
    fn pipes_in_quotes_comments_and_brackets_do_not_split() {
        let src = r#"a="x|y" ```| fake``` [search b | c] | d"#;
        let p = parse(src);
        assert_eq!(commands(&p), ["search", "d"]);
    }

    #[test]
    fn unbalanced_input_is_reported() {
        let p = parse("a | stats count(x by y | b ]");
        let kinds: Vec<_> = p.problems.iter().map(|p| p.kind.clone()).collect();
        assert!(kinds.contains(&ProblemKind::UnbalancedParen));
        assert!(kinds.contains(&ProblemKind::UnbalancedBracket));
        let p = parse("a [search b");
        assert_eq!(p.problems[0].kind, ProblemKind::UnbalancedBracket);
        let p = parse("a | | b");
        assert_eq!(p.problems[0].kind, ProblemKind::EmptyStage);
    }

    #[test]
    fn deep_nesting_is_cut_not_recursed() {
        let src = format!("a {} b {}", "[".repeat(10_000), "]".repeat(10_000));
        let p = parse(&src);
        assert!(
            p.problems
                .iter()
                .any(|p| p.kind == ProblemKind::NestingLimit)
        );
        let src = format!("eval x={}", "(".repeat(10_000));
        let _ = parse(&src);
    }

    #[test]
    fn macro_calls_split_arguments_outside_quotes() {
        assert_eq!(
            split_macro_call(r#"m(a, "b,c", f(x,y))"#),
            (
                "m".to_string(),
                vec!["a".into(), r#""b,c""#.into(), "f(x,y)".into()]
            )
        );
        assert_eq!(split_macro_call("plain"), ("plain".to_string(), vec![]));
        assert_eq!(split_macro_call("empty()"), ("empty".to_string(), vec![]));
    }
}
