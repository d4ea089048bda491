//! The aggregation family: `stats`, `tstats`, `eventstats`, `streamstats`, `chart`,
//! `timechart`, `top`, `rare`.
//!
//! After `stats ... by a b` only the aggregates and the by-fields exist; `eventstats` and
//! `streamstats` add their aggregates to the existing fields. An aggregate without `AS` is named
//! by its text (`values(process)`), as Splunk names the column.

use std::ops::Range;

use super::alias_at;
use crate::fields::{FieldSet, rename_capture_supported, wildcard_rename};
use crate::lineage::Context;
use crate::parser::{Node, Stage};

/// Aggregate functions that may be written without parentheses.
const BARE_AGGREGATES: &[&str] = &["count", "c"];

/// The parts of an aggregation command's arguments.
#[derive(Debug, Default)]
struct Aggregation {
    /// Output names of the aggregates, after `AS`.
    aggregates: Vec<String>,
    /// Wildcard aggregates such as `values(*) AS *` or `latest(X.*) AS *`: (argument, output
    /// name); they produce one column per matching input field.
    wildcards: Vec<(String, String)>,
    /// Fields after `BY` (and `OVER` for `chart`).
    by: Vec<(String, Range<usize>)>,
    over: Vec<(String, Range<usize>)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Clause {
    Aggregates,
    /// `tstats ... FROM datamodel=X` or `WHERE ...`: skipped.
    Skipped,
    By,
    Over,
}

fn parse(args: &[Node], ctx: &Context) -> Aggregation {
    let mut agg = Aggregation::default();
    let mut clause = Clause::Aggregates;
    let mut i = 0;
    while i < args.len() {
        let node = &args[i];
        // The by-clause comes last: once in it, every word is a field (even `from`, `over`).
        let keywords_allowed = clause != Clause::By;
        // `groupby` is `tstats`'s spelling of `by`.
        if keywords_allowed && (node.is_keyword("by") || node.is_keyword("groupby")) {
            clause = Clause::By;
        } else if clause == Clause::Aggregates && node.is_keyword("over") {
            clause = Clause::Over;
        } else if keywords_allowed && (node.is_keyword("from") || node.is_keyword("where")) {
            clause = Clause::Skipped;
        } else if let Some((alias, next)) =
            alias_at(args, i).filter(|_| clause == Clause::Aggregates)
        {
            let previous = i.checked_sub(1).and_then(|p| args.get(p));
            match previous.and_then(wildcard_argument) {
                Some(argument) if alias.contains('*') => {
                    agg.aggregates.pop();
                    agg.wildcards.push((argument, alias));
                }
                _ => {
                    if let Some(last) = agg.aggregates.last_mut() {
                        *last = alias;
                    }
                }
            }
            i = next;
            continue;
        } else {
            match (clause, node) {
                (Clause::Aggregates, Node::Call { span, .. }) => {
                    agg.aggregates.push(ctx.raw(span.clone()).to_string());
                }
                (
                    Clause::Aggregates,
                    Node::Word {
                        text,
                        quoted: false,
                        ..
                    },
                ) if BARE_AGGREGATES.iter().any(|a| text.eq_ignore_ascii_case(a)) => {
                    agg.aggregates.push(text.clone());
                }
                (Clause::By, Node::Word { text, span, .. }) => {
                    agg.by.push((text.clone(), span.clone()))
                }
                (Clause::Over, Node::Word { text, span, .. }) => {
                    agg.over.push((text.clone(), span.clone()))
                }
                _ => {}
            }
        }
        i += 1;
    }
    agg
}

/// The argument of `f(pattern)` when it is a single wildcard field name.
fn wildcard_argument(node: &Node) -> Option<String> {
    match node {
        Node::Call { args, .. } => match args.as_slice() {
            [Node::Word { text, .. }] if text.contains('*') => Some(text.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The columns of `f(argument) AS output` over `input`: each matching input field, renamed
/// through the wildcards. A pattern of the input the rename cannot follow keeps the output
/// pattern (an upper bound).
fn wildcard_columns(argument: &str, output: &str, input: &FieldSet) -> FieldSet {
    let FieldSet::Known { fields, patterns } = input else {
        return FieldSet::Unknown;
    };
    let mut columns = FieldSet::empty();
    if !rename_capture_supported(argument, output) {
        columns.insert(output.to_string());
        return columns;
    }
    for field in fields {
        if let Some(name) = wildcard_rename(argument, output, field) {
            columns.insert(name);
        }
    }
    for pattern in patterns {
        columns.insert(wildcard_rename(argument, output, pattern).unwrap_or(output.to_string()));
    }
    columns
}

/// The by-fields (and over-fields) of an aggregation, with their spans.
pub(super) fn by_fields(args: &[Node]) -> Vec<(String, Range<usize>)> {
    let ctx = Context {
        source: "",
        lookups: &crate::lineage::NoLookupColumns,
    };
    let agg = parse(args, &ctx);
    agg.over.into_iter().chain(agg.by).collect()
}

/// The output of a transforming aggregation: aggregates, wildcard columns and split fields.
fn closed(agg: Aggregation, input: &FieldSet) -> FieldSet {
    let mut output = FieldSet::from_names(
        agg.aggregates
            .into_iter()
            .chain(agg.over.into_iter().map(|(n, _)| n))
            .chain(agg.by.into_iter().map(|(n, _)| n)),
    );
    for (argument, name) in agg.wildcards {
        output = output.union(&wildcard_columns(&argument, &name, input));
    }
    output
}

pub(super) fn stats(stage: &Stage, input: &FieldSet, ctx: &Context) -> FieldSet {
    closed(parse(&stage.args, ctx), input)
}

/// `tstats`: like `stats`; `prestats=t` output is internal, `append=t` keeps the input.
pub(super) fn tstats(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    if stage.option_word("prestats").is_some_and(is_true) {
        return FieldSet::Unknown;
    }
    let output = closed(parse(&stage.args, ctx), &FieldSet::open());
    if stage.option_word("append").is_some_and(is_true) {
        return input.union(&output);
    }
    output
}

pub(super) fn eventstats(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    let agg = parse(&stage.args, ctx);
    let mut output = input;
    for name in agg
        .aggregates
        .into_iter()
        .chain(agg.wildcards.into_iter().map(|(_, name)| name))
    {
        output.insert(name);
    }
    output
}

/// `chart`: one split field gives named columns; a second split makes the columns the values of
/// a field, which the analyser cannot know.
pub(super) fn chart(stage: &Stage, input: &FieldSet, ctx: &Context) -> FieldSet {
    let agg = parse(&stage.args, ctx);
    if agg.over.len() + agg.by.len() > 1 {
        return FieldSet::Unknown;
    }
    closed(agg, input)
}

/// `timechart`: `_time` plus the aggregates; with `by`, the columns are field values.
pub(super) fn timechart(stage: &Stage, input: &FieldSet, ctx: &Context) -> FieldSet {
    let agg = parse(&stage.args, ctx);
    if !agg.by.is_empty() {
        return FieldSet::Unknown;
    }
    let mut output = closed(agg, input);
    output.insert("_time".into());
    output.insert("_span".into());
    output
}

/// `top`/`rare`: the listed fields, the by-fields, and the count and percent columns.
pub(super) fn top(stage: &Stage) -> FieldSet {
    let mut output = FieldSet::empty();
    for node in &stage.args {
        if let Node::Word { text, .. } = node
            && !node.is_keyword("by")
        {
            output.insert(text.clone());
        }
    }
    if !stage.option_word("showcount").is_some_and(is_false) {
        let name = stage.option_word("countfield").unwrap_or("count");
        output.insert(name.to_string());
    }
    if !stage.option_word("showperc").is_some_and(is_false) {
        let name = stage.option_word("percentfield").unwrap_or("percent");
        output.insert(name.to_string());
    }
    output
}

fn is_true(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "t" | "true" | "1" | "yes"
    )
}

fn is_false(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "f" | "false" | "0" | "no"
    )
}
