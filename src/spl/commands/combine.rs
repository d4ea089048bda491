//! Commands that combine a subsearch with the current results: `join`, `append`,
//! `appendcols`, `appendpipe`, `multisearch`, `union`.

use crate::spl::fields::FieldSet;
use crate::spl::lineage::{self, Context, Start};
use crate::spl::parser::Stage;

/// `join`/`append`/`appendcols`: the current fields plus the subsearch's output.
pub(super) fn join(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    let mut output = input;
    let mut any = false;
    for sub in stage.subsearches() {
        output = output.union(&lineage::output(sub, Start::Events, ctx));
        any = true;
    }
    if any { output } else { FieldSet::Unknown }
}

/// `appendpipe [...]`: the subpipeline runs on the current results; its rows are appended.
pub(super) fn appendpipe(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    let mut output = input.clone();
    let mut any = false;
    for sub in stage.subsearches() {
        output = output.union(&lineage::output(sub, Start::Results(input.clone()), ctx));
        any = true;
    }
    if any { output } else { FieldSet::Unknown }
}

/// `multisearch [...] [...]`, `union [...]`: the union of the subsearches (and of the input
/// when not first).
pub(super) fn union(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    join(stage, input, ctx)
}
