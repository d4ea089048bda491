//! Problems the SPL analysis finds in a search: values, never printed here.

use std::ops::Range;

use splforge_yaml::source::excerpt;

/// What is wrong. The `Display` text names the thing (a [bounded](excerpt) quote) and is
/// meant to become a finding message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ProblemKind {
    #[error("macro `{}` is not defined", excerpt(.name))]
    UnknownMacro { name: String },
    #[error(
        "macro `{}` takes {} argument(s), called with {found}",
        excerpt(.name),
        excerpt(.expected)
    )]
    WrongArity {
        name: String,
        expected: String,
        found: usize,
    },
    #[error("macro `{}` expands to itself", excerpt(.name))]
    RecursiveMacro { name: String },
    #[error("macro expansion stopped: {reason}")]
    ExpansionLimit { reason: String },
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    #[error("unterminated ``` comment")]
    UnterminatedComment,
    #[error("unterminated macro call (a lone backtick)")]
    UnterminatedMacro,
    #[error("unbalanced square bracket")]
    UnbalancedBracket,
    #[error("unbalanced parenthesis")]
    UnbalancedParen,
    #[error("empty pipeline stage")]
    EmptyStage,
    #[error("nesting deeper than the analyser follows")]
    NestingLimit,
    #[error(
        "search is {bytes} bytes, over the {limit}-byte limit (`[limits] max_search_bytes`): not analysed"
    )]
    SearchTooLong { bytes: usize, limit: usize },
    #[error("filter macro `{}` is not the last stage of the search", excerpt(.name))]
    FilterMacroNotLast { name: String },
}

/// A problem with its byte span in the ORIGINAL search string.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SplProblem {
    pub kind: ProblemKind,
    pub span: Range<usize>,
}

impl SplProblem {
    pub fn new(kind: ProblemKind, span: Range<usize>) -> Self {
        SplProblem { kind, span }
    }

    /// The message for a finding.
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}
