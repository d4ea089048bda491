//! Search-time extraction: `rex` (named groups) and `spath` (JSON/XML paths).

use crate::fields::FieldSet;
use crate::parser::{Node, Stage};

/// The named groups `(?<name>...)` / `(?P<name>...)` of a regular expression.
pub(crate) fn named_groups(regex: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = regex;
    while let Some(at) = rest.find("(?") {
        let after = rest.get(at + 2..).unwrap_or("");
        let after = after.strip_prefix('P').unwrap_or(after);
        if let Some(body) = after.strip_prefix('<')
            && let Some(end) = body.find('>')
        {
            let name = body.get(..end).unwrap_or("");
            // `(?<=` and `(?<!` are look-behinds, not names.
            if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                names.push(name.to_string());
            }
        }
        rest = rest.get(at + 2..).unwrap_or("");
    }
    names
}

/// `rex [field=f] "regex"`: adds the named groups; `mode=sed` rewrites in place.
pub(super) fn rex(stage: &Stage, input: FieldSet) -> FieldSet {
    let mut output = input;
    if stage
        .option_word("mode")
        .is_some_and(|m| m.eq_ignore_ascii_case("sed"))
    {
        return output;
    }
    for node in &stage.args {
        if let Node::Word { text, .. } = node {
            for name in named_groups(text) {
                output.insert(name);
            }
        }
    }
    if let Some(offsets) = stage.option_word("offset_field") {
        output.insert(offsets.to_string());
    }
    output
}

/// `spath [output=o] [path=p | p] [input=i]`: adds `o`, else the path; without a path every
/// extracted field (unknowable) is added.
pub(super) fn spath(stage: &Stage, input: FieldSet) -> FieldSet {
    let mut output = input;
    let positional = stage.args.iter().find_map(Node::word);
    match (
        stage.option_word("output"),
        stage.option_word("path").or(positional),
    ) {
        (Some(name), _) | (None, Some(name)) => output.insert(name.to_string()),
        (None, None) => output.widen(),
    }
    output
}
