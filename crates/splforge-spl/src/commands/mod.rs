//! Per-command field semantics: one file per family of commands.
//!
//! Each function takes the stage and the fields before it and returns the fields after it.
//! The rule everywhere: when unsure, widen or return [`FieldSet::Unknown`]; never invent a
//! narrower set than Splunk would output.

mod combine;
mod derive;
mod eval;
mod extract;
mod lookup;
pub use lookup::{LookupTable, lookup_tables};
mod projection;
mod rename;
mod stats;

use std::collections::HashMap;
use std::sync::OnceLock;

use super::fields::FieldSet;
use super::lineage::Context;
use super::parser::{Node, Stage};

/// The effect of a command that needs no argument parsing (`crates/splforge-spl/data/command_effects.txt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Keep,
    Widen,
}

const COMMAND_EFFECTS: &str = include_str!("../../data/command_effects.txt");

fn simple_effects() -> &'static HashMap<&'static str, Effect> {
    static EFFECTS: OnceLock<HashMap<&'static str, Effect>> = OnceLock::new();
    EFFECTS.get_or_init(|| {
        COMMAND_EFFECTS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (name, effect) = l.split_once(char::is_whitespace)?;
                let effect = match effect.trim() {
                    "keep" => Effect::Keep,
                    "widen" => Effect::Widen,
                    _ => return None,
                };
                Some((name, effect))
            })
            .collect()
    })
}

/// The data-driven effect of `command`, if it has one.
pub(crate) fn effect_of(command: &str) -> Option<Effect> {
    simple_effects().get(command).copied()
}

/// Commands whose output does not depend on the fields before them (or that handle an unknown
/// input themselves): they can turn an unknown set back into a known one.
pub(crate) fn closes_the_set(command: &str) -> bool {
    matches!(
        command,
        "stats"
            | "tstats"
            | "chart"
            | "timechart"
            | "top"
            | "rare"
            | "table"
            | "fields"
            | "inputlookup"
            | "makeresults"
    )
}

/// Applies `command` to `input`. Unmodelled commands make the set unknown.
pub(crate) fn apply(command: &str, stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    if let Some(effect) = effect_of(command) {
        let mut output = input;
        if effect == Effect::Widen {
            output.widen();
        }
        return output;
    }
    match command {
        "stats" => stats::stats(stage, &input, ctx),
        "tstats" => stats::tstats(stage, input, ctx),
        "eventstats" | "streamstats" => stats::eventstats(stage, input, ctx),
        "chart" => stats::chart(stage, &input, ctx),
        "timechart" => stats::timechart(stage, &input, ctx),
        "top" | "rare" => stats::top(stage),
        "eval" => eval::eval(stage, input),
        "rename" => rename::rename(stage, input, ctx.source),
        "table" => projection::table(stage, &input, ctx.source),
        "fields" => projection::fields(stage, input, ctx.source),
        "rex" => extract::rex(stage, input),
        "spath" => extract::spath(stage, input),
        "lookup" => lookup::lookup(stage, input, ctx),
        "inputlookup" => lookup::inputlookup(stage, input, ctx),
        "iplocation" => lookup::iplocation(stage, input),
        "join" | "append" | "appendcols" => combine::join(stage, input, ctx),
        "appendpipe" => combine::appendpipe(stage, input, ctx),
        "multisearch" | "union" => combine::union(stage, input, ctx),
        "fillnull" => derive::fillnull(stage, input),
        "bin" | "bucket" => derive::bin(stage, input),
        "convert" => derive::convert(stage, input),
        "transaction" => derive::transaction(input),
        "addtotals" => derive::addtotals(stage, input),
        "strcat" => derive::strcat(stage, input),
        "makeresults" => derive::makeresults(stage, input),
        _ => FieldSet::Unknown,
    }
}

/// A field a stage names in its `by` clause or its `table`/`fields` list, for the check
/// "used but produced by nothing upstream".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    pub name: String,
    pub span: std::ops::Range<usize>,
    pub in_by_clause: bool,
}

/// The fields a stage refers to by name in `by` clauses and in `table`; `source` is the text
/// the stage was parsed from.
pub(crate) fn references(stage: &Stage, source: &str) -> Vec<Reference> {
    match stage.command_name() {
        Some("stats" | "eventstats" | "streamstats" | "chart" | "timechart" | "top" | "rare") => {
            stats::by_fields(&stage.args)
                .into_iter()
                .map(|(name, span)| Reference {
                    name,
                    span,
                    in_by_clause: true,
                })
                .collect()
        }
        Some("table") => projection::listed(&stage.args, source)
            .into_iter()
            .filter(|(name, _)| !name.contains('*'))
            .map(|(name, span)| Reference {
                name,
                span,
                in_by_clause: false,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The field a node names: a word, or a name such as `values(user)` or `IsOutlier(run_time)`
/// that a stats-like command gave its result, written as it is in `source` (the name is
/// the call's text, as `stats` names an unaliased aggregate).
pub(super) fn field_name<'a>(node: &'a Node, source: &'a str) -> Option<&'a str> {
    match node {
        Node::Word { text, .. } => Some(text),
        Node::Call { span, .. } => source.get(span.clone()),
        _ => None,
    }
}

/// `name AS alias` at `args[i]`: the alias and the index after it, if `args[i]` is `AS`.
pub(super) fn alias_at(args: &[Node], i: usize) -> Option<(String, usize)> {
    if !args.get(i)?.is_keyword("as") {
        return None;
    }
    let alias = args.get(i + 1)?.word()?.to_string();
    Some((alias, i + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_effects_table_parses() {
        assert_eq!(effect_of("where"), Some(Effect::Keep));
        assert_eq!(effect_of("xmlkv"), Some(Effect::Widen));
        assert_eq!(effect_of("stats"), None);
        assert!(simple_effects().len() > 30);
    }
}
