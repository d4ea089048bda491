//! `eval`: each comma-separated assignment `name = expression` adds (or overwrites) `name`.

use crate::fields::FieldSet;
use crate::parser::{Node, Stage};

/// The fields `eval` assigns, in order.
pub(crate) fn targets(args: &[Node]) -> Vec<String> {
    args.split(|n| matches!(n, Node::Comma { .. }))
        .filter_map(|assignment| match assignment.first() {
            Some(Node::Pair { key, op, .. }) if op == "=" => Some(key.clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn eval(stage: &Stage, input: FieldSet) -> FieldSet {
    let mut output = input;
    for target in targets(&stage.args) {
        // `eval {field}=...` names the new field after a value: unknowable.
        if target.contains('{') {
            output.widen();
        } else {
            output.insert(target);
        }
    }
    output
}
