//! `analyze`: macro expansion, parsing and field lineage of one search, with every span mapped
//! back to the original search string.

use std::collections::HashMap;
use std::ops::Range;

use super::commands;
use super::fields::FieldSet;
use super::lineage::{self, Context, LookupColumns, NoLookupColumns, Start};
use super::macros::{self, Limits, MacroCall, MacroTable};
use super::parser::{self, Node, Stage};
use super::problem::{ProblemKind, SplProblem};

/// What the analyser learnt about one search.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The macro-expanded search text.
    pub expanded: String,
    /// The top-level stages of the expanded search, in order.
    pub stages: Vec<StageInfo>,
    /// The fields the search outputs (those after the last stage).
    pub output: FieldSet,
    /// The macro calls written in the search (not those nested in macro bodies).
    pub macro_calls: Vec<MacroCall>,
    /// Problems, sorted by position in the original search.
    pub problems: Vec<SplProblem>,
    /// The lookup tables the search itself names (not those in macro bodies).
    pub lookups: Vec<LookupRef>,
}

/// One top-level stage after expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageInfo {
    /// The command name, lower-cased; a macro left unexpanded shows as `` `name` ``.
    pub command: String,
    /// The span in the ORIGINAL search; a stage that came from a macro maps to the call.
    pub span: Range<usize>,
    /// The span in [`Analysis::expanded`].
    pub expanded_span: Range<usize>,
    /// The fields after this stage.
    pub fields: FieldSet,
    /// Fields the stage names in a `by` clause or a `table` list.
    pub references: Vec<FieldRef>,
}

/// A field named by a stage (`stats ... by dest`, `table dest`), for the check "used but
/// produced by nothing upstream".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldRef {
    pub name: String,
    /// The span in the ORIGINAL search.
    pub span: Range<usize>,
    pub in_by_clause: bool,
}

/// A lookup table named by a `lookup`, `inputlookup` or `outputlookup` stage written in the
/// search itself (one in a macro's body belongs to the macro and is checked there).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LookupRef {
    pub command: String,
    pub name: String,
    /// The span of the name in the ORIGINAL search.
    pub span: Range<usize>,
}

/// What the lint rules read of an [`Analysis`]: the output fields, the macro calls, the
/// problems and the fields stages name that nothing upstream produces. It leaves out the
/// field set after every stage and the expanded text, which only `splforge explain` shows and
/// which are most of an analysis's memory (~6 of ~7 KB a search on generated content, 700 MB
/// at 100k detections when every analysis was kept whole).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub output: FieldSet,
    pub macro_calls: Vec<MacroCall>,
    pub problems: Vec<SplProblem>,
    /// [`Analysis::unproduced_references`], in stage order.
    pub unproduced_references: Vec<FieldRef>,
    /// [`Analysis::lookups`].
    pub lookups: Vec<LookupRef>,
}

impl Summary {
    /// See [`Analysis::analysed`].
    pub fn analysed(&self) -> bool {
        analysed(&self.problems)
    }
}

fn analysed(problems: &[SplProblem]) -> bool {
    !problems
        .iter()
        .any(|p| matches!(p.kind, ProblemKind::SearchTooLong { .. }))
}

impl Analysis {
    /// False for a search over the length limit, which is reported and not analysed: rules
    /// that conclude from what the analysis did not find (a missing call) skip it.
    pub fn analysed(&self) -> bool {
        analysed(&self.problems)
    }

    /// What the lint rules need, without the per-stage detail.
    pub fn into_summary(self) -> Summary {
        let unproduced_references = self.unproduced_references().into_iter().cloned().collect();
        Summary {
            output: self.output,
            macro_calls: self.macro_calls,
            problems: self.problems,
            unproduced_references,
            lookups: self.lookups,
        }
    }

    /// The fields before stage `index` (an open set before the first stage: events).
    pub fn fields_before(&self, index: usize) -> FieldSet {
        match index.checked_sub(1).and_then(|i| self.stages.get(i)) {
            Some(stage) => stage.fields.clone(),
            None => FieldSet::open(),
        }
    }

    /// The index of the stage from which `field` is output without interruption up to the end:
    /// where a placeholder "comes from". `None` when the search does not (or may not) output it.
    pub fn field_origin(&self, field: &str) -> Option<usize> {
        if self.output.contains(field) != Some(true) {
            return None;
        }
        // Only a stage that names the field counts: an open set ("any event field") after a
        // base search holds it only implicitly, and the field then comes from the events.
        let names = |index: usize| matches!(&self.stages[index].fields, FieldSet::Known { fields, .. } if fields.contains(field));
        let mut origin = self.stages.len().checked_sub(1)?;
        if !names(origin) {
            return Some(0);
        }
        while origin > 0 && names(origin - 1) {
            origin -= 1;
        }
        Some(origin)
    }

    /// Fields named in a `by` clause or a `table` that the stage before does not produce (it is
    /// known and closed, and lacks them): "used but produced by nothing upstream".
    pub fn unproduced_references(&self) -> Vec<&FieldRef> {
        let mut unproduced = Vec::new();
        for (index, stage) in self.stages.iter().enumerate() {
            let Some(before) = index.checked_sub(1).and_then(|i| self.stages.get(i)) else {
                continue;
            };
            unproduced
                .extend((stage.references.iter()).filter(|r| is_unproduced(r, &before.fields)));
        }
        unproduced
    }
}

impl LookupColumns for HashMap<String, Vec<String>> {
    fn columns(&self, lookup: &str) -> Option<Vec<String>> {
        self.get(lookup).cloned()
    }
}

/// Analyses `search` without lookup columns (lookups without `OUTPUT` widen the field set).
pub fn analyze(search: &str, macros: &MacroTable, limits: &Limits) -> Analysis {
    analyze_with_lookups(search, macros, limits, &NoLookupColumns)
}

/// Analyses `search`; `lookups` gives the columns of the lookups it uses, where known.
pub fn analyze_with_lookups(
    search: &str,
    macros: &MacroTable,
    limits: &Limits,
    lookups: &dyn LookupColumns,
) -> Analysis {
    if search.len() > limits.max_search_len {
        return too_long(search, limits.max_search_len);
    }
    let expansion = macros::expand(search, macros, limits);
    let pipeline = parser::parse(&expansion.text);
    let ctx = Context {
        source: &expansion.text,
        lookups,
    };
    let sets = lineage::run(&pipeline, Start::Events, &ctx);
    let to_original = |span: Range<usize>| expansion.map.to_original(span);

    let output = sets.last().cloned().unwrap_or(FieldSet::Unknown);
    let stages: Vec<StageInfo> = pipeline
        .stages
        .iter()
        .zip(sets)
        .map(|(stage, fields)| StageInfo {
            command: command_label(stage),
            span: to_original(stage.span.clone()),
            expanded_span: stage.span.clone(),
            fields,
            references: stage_references(stage, &expansion).collect(),
        })
        .collect();

    let problems = all_problems(
        &expansion,
        &pipeline,
        stages.last().map(|stage| stage.span.start),
    );

    let lookups = lookup_references(&pipeline, &expansion);
    Analysis {
        output,
        expanded: expansion.text,
        stages,
        macro_calls: expansion.calls,
        problems,
        lookups,
    }
}

/// [`analyze_with_lookups`]`(..).into_summary()`, without keeping what the summary leaves
/// out: the field set after each stage is moved on to the next stage instead of copied, and
/// no per-stage record is made. This is what a lint runs for every search.
pub fn summarize_with_lookups(
    search: &str,
    macros: &MacroTable,
    limits: &Limits,
    lookups: &dyn LookupColumns,
) -> Summary {
    if search.len() > limits.max_search_len {
        return too_long(search, limits.max_search_len).into_summary();
    }
    let expansion = macros::expand(search, macros, limits);
    let pipeline = parser::parse(&expansion.text);
    let ctx = Context {
        source: &expansion.text,
        lookups,
    };
    let mut unproduced_references = Vec::new();
    let output = lineage::fold(&pipeline, Start::Events, &ctx, |index, stage, before| {
        // As `Analysis::unproduced_references`: from the second stage on.
        let Some(before) = before.filter(|_| index > 0) else {
            return;
        };
        unproduced_references
            .extend(stage_references(stage, &expansion).filter(|r| is_unproduced(r, before)));
    })
    .unwrap_or(FieldSet::Unknown);
    let last_stage_start =
        (pipeline.stages.last()).map(|stage| expansion.map.to_original(stage.span.clone()).start);
    let problems = all_problems(&expansion, &pipeline, last_stage_start);
    let lookups = lookup_references(&pipeline, &expansion);
    Summary {
        output,
        macro_calls: expansion.calls,
        problems,
        unproduced_references,
        lookups,
    }
}

/// The analysis of a search over the length limit: nothing known, one problem on its first
/// character.
fn too_long(search: &str, limit: usize) -> Analysis {
    let first = search.chars().next().map_or(0, char::len_utf8);
    Analysis {
        expanded: String::new(),
        stages: Vec::new(),
        output: FieldSet::Unknown,
        macro_calls: Vec::new(),
        problems: vec![SplProblem::new(
            ProblemKind::SearchTooLong {
                bytes: search.len(),
                limit,
            },
            0..first,
        )],
        lookups: Vec::new(),
    }
}

/// The lookup tables written in the search itself, placed in the original search.
fn lookup_references(pipeline: &parser::Pipeline, expansion: &macros::Expansion) -> Vec<LookupRef> {
    commands::lookup_tables(pipeline)
        .into_iter()
        .filter(|table| expansion.map.is_verbatim(table.span.clone()))
        .map(|table| LookupRef {
            command: table.command,
            name: table.name,
            span: expansion.map.to_original(table.span),
        })
        .collect()
}

fn command_label(stage: &Stage) -> String {
    match (&stage.command, stage.args.first()) {
        (Some(command), _) => command.name.clone(),
        (None, Some(Node::Macro { name, .. })) => format!("`{name}`"),
        (None, _) => String::new(),
    }
}

/// The fields `stage` names in a `by` clause or a `table` list, placed in the original search.
fn stage_references<'a>(
    stage: &Stage,
    expansion: &'a macros::Expansion,
) -> impl Iterator<Item = FieldRef> + 'a {
    commands::references(stage, &expansion.text)
        .into_iter()
        .map(|reference| FieldRef {
            name: reference.name,
            span: expansion.map.to_original(reference.span),
            in_by_clause: reference.in_by_clause,
        })
}

/// Whether `reference` names a field that `before`, the fields flowing into its stage, is
/// known not to hold: "used but produced by nothing upstream". An unknown set holds anything.
fn is_unproduced(reference: &FieldRef, before: &FieldSet) -> bool {
    before.contains(&reference.name) == Some(false)
}

/// The problems of expanding and parsing a search, and of its filter macros, sorted by
/// position in the original search; `last_stage_start` is where its last stage starts there.
fn all_problems(
    expansion: &macros::Expansion,
    pipeline: &parser::Pipeline,
    last_stage_start: Option<usize>,
) -> Vec<SplProblem> {
    let mut problems = expansion.problems.clone();
    problems.extend(
        pipeline
            .problems
            .iter()
            .map(|p| SplProblem::new(p.kind.clone(), expansion.map.to_original(p.span.clone()))),
    );
    problems.extend(filters_not_last(&expansion.calls, last_stage_start));
    problems.sort_by_key(|p| (p.span.start, p.span.end));
    problems.dedup();
    problems
}

/// A `..._filter` macro call followed by a stage that did not come from it.
fn filters_not_last(calls: &[MacroCall], last_stage_start: Option<usize>) -> Vec<SplProblem> {
    let Some(last_stage_start) = last_stage_start else {
        return Vec::new();
    };
    calls
        .iter()
        .filter(|call| call.is_filter() && last_stage_start >= call.span.end)
        .map(|call| {
            SplProblem::new(
                ProblemKind::FilterMacroNotLast {
                    name: call.name.clone(),
                },
                call.span.clone(),
            )
        })
        .collect()
}
