//! The aggregation family: `stats`, `tstats`, `eventstats`, `streamstats`, `chart`,
//! `timechart`, `top`, `rare`.
//!
//! After `stats ... by a b` only the aggregates and the by-fields exist; `eventstats` and
//! `streamstats` add their aggregates to the existing fields. An aggregate without `AS` is named
//! by its text (`values(process)`), as Splunk names the column.

use std::ops::Range;

use super::alias_at;
use crate::spl::fields::FieldSet;
use crate::spl::lineage::Context;
use crate::spl::parser::{Node, Stage};

/// Aggregate functions that may be written without parentheses.
const BARE_AGGREGATES: &[&str] = &["count", "c"];

/// The parts of an aggregation command's arguments.
#[derive(Debug, Default)]
struct Aggregation {
    /// Output names of the aggregates, after `AS`.
    aggregates: Vec<String>,
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
        if node.is_keyword("by") {
            clause = Clause::By;
        } else if node.is_keyword("over") {
            clause = Clause::Over;
        } else if node.is_keyword("from") || node.is_keyword("where") {
            clause = Clause::Skipped;
        } else if let Some((alias, next)) =
            alias_at(args, i).filter(|_| clause == Clause::Aggregates)
        {
            if let Some(last) = agg.aggregates.last_mut() {
                *last = alias;
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

/// The by-fields (and over-fields) of an aggregation, with their spans.
pub(super) fn by_fields(args: &[Node]) -> Vec<(String, Range<usize>)> {
    let ctx = Context {
        source: "",
        lookups: &crate::spl::lineage::NoLookupColumns,
    };
    let agg = parse(args, &ctx);
    agg.over.into_iter().chain(agg.by).collect()
}

fn closed(agg: Aggregation) -> FieldSet {
    FieldSet::from_names(
        agg.aggregates
            .into_iter()
            .chain(agg.over.into_iter().map(|(n, _)| n))
            .chain(agg.by.into_iter().map(|(n, _)| n)),
    )
}

pub(super) fn stats(stage: &Stage, ctx: &Context) -> FieldSet {
    closed(parse(&stage.args, ctx))
}

/// `tstats`: like `stats`; `prestats=t` output is internal, `append=t` keeps the input.
pub(super) fn tstats(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    if stage.option_word("prestats").is_some_and(is_true) {
        return FieldSet::Unknown;
    }
    let output = closed(parse(&stage.args, ctx));
    if stage.option_word("append").is_some_and(is_true) {
        return input.union(&output);
    }
    output
}

pub(super) fn eventstats(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    let agg = parse(&stage.args, ctx);
    let mut output = input;
    for name in agg.aggregates {
        output.insert(name);
    }
    output
}

/// `chart`: one split field gives named columns; a second split makes the columns the values of
/// a field, which the analyser cannot know.
pub(super) fn chart(stage: &Stage, ctx: &Context) -> FieldSet {
    let agg = parse(&stage.args, ctx);
    if agg.over.len() + agg.by.len() > 1 {
        return FieldSet::Unknown;
    }
    closed(agg)
}

/// `timechart`: `_time` plus the aggregates; with `by`, the columns are field values.
pub(super) fn timechart(stage: &Stage, ctx: &Context) -> FieldSet {
    let agg = parse(&stage.args, ctx);
    if !agg.by.is_empty() {
        return FieldSet::Unknown;
    }
    let mut output = closed(agg);
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
