//! Field lineage: runs a parsed pipeline stage by stage and tracks the fields after each.
//!
//! The per-command semantics live in `commands/`; this module owns the walk: where a pipeline
//! starts (events from a base search, or the results handed to `appendpipe`), which commands
//! may start a pipeline, and the rule that anything not modelled makes the set unknown.

use std::ops::Range;

use super::commands::{self, Effect};
use super::fields::FieldSet;
use super::parser::{Node, Pipeline, Stage};

/// Gives the columns of a lookup, so that `lookup` without `OUTPUT` and `inputlookup` can be
/// modelled. Return `None` when the lookup or its columns are unknown.
pub trait LookupColumns {
    fn columns(&self, lookup: &str) -> Option<Vec<String>>;
}

/// The provider that knows no lookup.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLookupColumns;

impl LookupColumns for NoLookupColumns {
    fn columns(&self, _lookup: &str) -> Option<Vec<String>> {
        None
    }
}

/// What the analyser needs besides a stage: the text the spans point into and the lookups.
pub(crate) struct Context<'a> {
    /// The (expanded) search that node spans index.
    pub source: &'a str,
    pub lookups: &'a dyn LookupColumns,
}

impl Context<'_> {
    /// The raw text of a node, as Splunk names an aggregate without `AS` (`values(x)`).
    pub fn raw(&self, span: Range<usize>) -> &str {
        self.source.get(span).unwrap_or("")
    }
}

/// What flows into the first stage of a pipeline.
#[derive(Debug, Clone)]
pub(crate) enum Start {
    /// Events: the first stage is a base search or a generating command.
    Events,
    /// The results so far (the subpipeline of `appendpipe`).
    Results(FieldSet),
}

/// The fields after every stage of `pipeline`, in order.
pub(crate) fn run(pipeline: &Pipeline, start: Start, ctx: &Context) -> Vec<FieldSet> {
    let mut after = Vec::with_capacity(pipeline.stages.len());
    let last = fold(pipeline, start, ctx, |index, _, before| {
        // Before every stage but the first: what the stage before it output.
        if let (true, Some(before)) = (index > 0, before) {
            after.push(before.clone());
        }
    });
    after.extend(last);
    after
}

/// Runs `pipeline` and returns the fields after its last stage (`None` without stages).
/// `visit` sees each stage (by index) with the fields that flow into it, `None` into the
/// first stage of events; each set is moved from stage to stage, never copied.
pub(crate) fn fold(
    pipeline: &Pipeline,
    start: Start,
    ctx: &Context,
    mut visit: impl FnMut(usize, &Stage, Option<&FieldSet>),
) -> Option<FieldSet> {
    let mut current = match start {
        Start::Events => None,
        Start::Results(set) => Some(set),
    };
    for (index, stage) in pipeline.stages.iter().enumerate() {
        visit(index, stage, current.as_ref());
        current = Some(match current.take() {
            None => first_stage(stage, ctx),
            Some(input) => next_stage(stage, input, ctx),
        });
    }
    current.filter(|_| !pipeline.stages.is_empty())
}

/// The fields a whole pipeline outputs (an empty pipeline outputs what it was given).
pub(crate) fn output(pipeline: &Pipeline, start: Start, ctx: &Context) -> FieldSet {
    let fallback = match &start {
        Start::Events => FieldSet::open(),
        Start::Results(set) => set.clone(),
    };
    run(pipeline, start, ctx).pop().unwrap_or(fallback)
}

/// The first stage of a pipeline: a base search or a generating command.
fn first_stage(stage: &Stage, ctx: &Context) -> FieldSet {
    match stage.command_name() {
        // A base search (possibly written as an opaque macro) returns whole events.
        None | Some("search") => FieldSet::open(),
        Some("from" | "datamodel") => FieldSet::open(),
        Some(_) => next_stage(stage, FieldSet::empty(), ctx),
    }
}

/// A stage applied to the fields before it.
fn next_stage(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    let Some(name) = stage.command_name() else {
        // An unresolved macro as a whole stage: anything may happen.
        return FieldSet::Unknown;
    };
    let effect = commands::effect_of(name);
    let has_opaque_macro = stage.args.iter().any(|n| matches!(n, Node::Macro { .. }));
    if has_opaque_macro && effect != Some(Effect::Keep) {
        return FieldSet::Unknown;
    }
    if input.is_unknown() && !commands::closes_the_set(name) {
        return FieldSet::Unknown;
    }
    commands::apply(name, stage, input, ctx)
}
