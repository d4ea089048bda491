//! `rename a AS b, X.* AS *`: renames fields, wildcards included. `drop_dm_object_name(X)`
//! expands to `rename X.* AS *`, which turns `tstats` by-fields such as `Processes.dest` into
//! `dest`.

use super::{alias_at, field_name};
use crate::fields::{FieldSet, rename_capture_supported, wildcard_rename};
use crate::parser::{Node, Stage};

/// The `(from, to)` pairs of a rename, in order (`rename values(user) AS users` too).
fn pairs(args: &[Node], source: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if let Some(from) = field_name(&args[i], source)
            && let Some((to, next)) = alias_at(args, i + 1)
        {
            pairs.push((from.to_string(), to));
            i = next;
            continue;
        }
        i += 1;
    }
    pairs
}

pub(super) fn rename(stage: &Stage, input: FieldSet, source: &str) -> FieldSet {
    pairs(&stage.args, source)
        .into_iter()
        .fold(input, |set, (from, to)| rename_one(set, &from, &to))
}

fn rename_one(set: FieldSet, from: &str, to: &str) -> FieldSet {
    let FieldSet::Known { fields, patterns } = set else {
        return FieldSet::Unknown;
    };
    if !from.contains('*') {
        let mut output = FieldSet::Known { fields, patterns };
        if output.contains(from) == Some(true) {
            output.remove(from);
            output.insert(to.to_string());
        }
        return output;
    }
    if !rename_capture_supported(from, to) {
        let mut output = FieldSet::Known { fields, patterns };
        output.widen();
        return output;
    }
    let mut output = FieldSet::empty();
    for field in fields {
        output.insert(wildcard_rename(from, to, &field).unwrap_or(field));
    }
    for pattern in patterns {
        output.insert(wildcard_rename(from, to, &pattern).unwrap_or(pattern));
    }
    output
}
