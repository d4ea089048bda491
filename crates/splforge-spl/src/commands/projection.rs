//! `table` and `fields`: projections that close the field set.

use std::ops::Range;

use super::field_name;
use crate::fields::FieldSet;
use crate::parser::{Node, Stage};

/// The field names listed by `table`/`fields`, with spans (the `+`/`-` of `fields` excluded);
/// `IsOutlier(run_time)` is a name too.
pub(super) fn listed(args: &[Node], source: &str) -> Vec<(String, Range<usize>)> {
    args.iter()
        .filter(
            |n| !matches!(n, Node::Word { text, quoted: false, .. } if text == "+" || text == "-"),
        )
        .filter_map(|n| Some((field_name(n, source)?.to_owned(), n.span())))
        .collect()
}

/// Adds `name` to `output` as `table`/`fields` would: a wildcard keeps the matching known
/// fields and, when the input may hold more, stays a pattern.
fn project(output: &mut FieldSet, input: &FieldSet, name: &str) {
    if name.contains('*') {
        for field in input.matching(name) {
            output.insert(field);
        }
        let input_is_partial = match input {
            FieldSet::Unknown => true,
            FieldSet::Known { patterns, .. } => !patterns.is_empty(),
        };
        if input_is_partial {
            output.insert(name.to_string());
        }
    } else {
        output.insert(name.to_string());
    }
}

/// `table a b c`: exactly the listed columns (a column exists even if no event has the field).
pub(super) fn table(stage: &Stage, input: &FieldSet, source: &str) -> FieldSet {
    let mut output = FieldSet::empty();
    for (name, _) in listed(&stage.args, source) {
        project(&mut output, input, &name);
    }
    output
}

/// `fields a b` keeps the listed fields that exist (and `_time`/`_raw`); `fields - a b` removes.
/// The sign may also be glued to the first field (`fields -_raw`).
pub(super) fn fields(stage: &Stage, input: FieldSet, source: &str) -> FieldSet {
    let mut names = listed(&stage.args, source);
    let first = stage.args.first().and_then(Node::word).unwrap_or("");
    let mut removing = first == "-";
    if let Some((name, _)) = names.first_mut()
        && !first.is_empty()
        && first != "-"
        && first != "+"
        && let Some(sign) = name.chars().next().filter(|c| *c == '-' || *c == '+')
    {
        removing = sign == '-';
        name.remove(0);
    }
    if removing {
        let mut output = input;
        for (name, _) in names {
            for field in output.matching(&name) {
                output.remove(&field);
            }
            output.remove(&name);
        }
        return output;
    }
    let mut output = FieldSet::empty();
    for (name, _) in names {
        if name.contains('*') || input.contains(&name) != Some(false) {
            project(&mut output, &input, &name);
        }
    }
    for internal in ["_time", "_raw"] {
        if input.contains(internal) != Some(false) {
            output.insert(internal.to_string());
        }
    }
    output
}
