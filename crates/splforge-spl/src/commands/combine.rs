//! Commands that combine a subsearch with the current results: `join`, `append`,
//! `appendcols`, `appendpipe`, `multisearch`, `union`.

use crate::fields::FieldSet;
use crate::lineage::{self, Context, Start};
use crate::parser::{Command, Node, Pipeline, Stage};

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
        let sub = leading_command(sub);
        output = output.union(&lineage::output(&sub, Start::Results(input.clone()), ctx));
        any = true;
    }
    if any { output } else { FieldSet::Unknown }
}

/// `multisearch [...] [...]`, `union [...]`: the union of the subsearches (and of the input
/// when not first).
pub(super) fn union(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    join(stage, input, ctx)
}

/// The subpipeline of `appendpipe` starts with a command even without a leading pipe
/// (`appendpipe [stats count]`); the parser took it for an implicit search.
fn leading_command(sub: &Pipeline) -> Pipeline {
    let mut sub = sub.clone();
    if let Some(first) = sub.stages.first_mut()
        && first.command.as_ref().is_some_and(|c| c.implicit)
        && let Some(Node::Word {
            text,
            quoted: false,
            span,
        }) = first.args.first()
    {
        first.command = Some(Command {
            name: text.to_ascii_lowercase(),
            span: span.clone(),
            implicit: false,
        });
        first.args.remove(0);
    }
    sub
}
