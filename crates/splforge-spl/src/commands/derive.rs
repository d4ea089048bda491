//! Commands that derive a few named fields: `fillnull`, `bin`/`bucket`, `convert`,
//! `transaction`, `addtotals`, `strcat`, `makeresults`.

use super::alias_at;
use crate::fields::FieldSet;
use crate::parser::{Node, Stage};

/// `fillnull [value=v] a b`: the listed fields exist afterwards (with `v` where null).
pub(super) fn fillnull(stage: &Stage, input: FieldSet) -> FieldSet {
    let mut output = input;
    for node in &stage.args {
        if let Some(name) = node.word() {
            output.insert(name.to_string());
        }
    }
    output
}

/// Adds every `AS alias` of the stage (`bin _time AS t`, `convert ctime(x) AS y`).
fn add_aliases(stage: &Stage, input: FieldSet) -> FieldSet {
    let mut output = input;
    let mut i = 0;
    while i < stage.args.len() {
        if let Some((alias, next)) = alias_at(&stage.args, i) {
            output.insert(alias);
            i = next;
        } else {
            i += 1;
        }
    }
    output
}

/// `bin field [AS new] span=...`: rewrites in place unless renamed.
pub(super) fn bin(stage: &Stage, input: FieldSet) -> FieldSet {
    add_aliases(stage, input)
}

/// `convert [timeformat=..] ctime(x) [AS y]`: in place unless renamed.
pub(super) fn convert(stage: &Stage, input: FieldSet) -> FieldSet {
    add_aliases(stage, input)
}

/// `transaction`: merged events keep their fields and gain the transaction statistics.
pub(super) fn transaction(input: FieldSet) -> FieldSet {
    let mut output = input;
    for name in [
        "duration",
        "eventcount",
        "closed_txn",
        "field_match_sum",
        "linecount",
    ] {
        output.insert(name.to_string());
    }
    output
}

/// `addtotals [fieldname=Total] [labelfield=l]`: adds the total column (and the label).
pub(super) fn addtotals(stage: &Stage, input: FieldSet) -> FieldSet {
    let mut output = input;
    let name = stage.option_word("fieldname").unwrap_or("Total");
    output.insert(name.to_string());
    if let Some(label) = stage.option_word("labelfield") {
        output.insert(label.to_string());
    }
    output
}

/// `strcat a "-" b dest`: the last word is the destination field.
pub(super) fn strcat(stage: &Stage, input: FieldSet) -> FieldSet {
    let mut output = input;
    if let Some(Node::Word { text, .. }) = stage.args.last() {
        output.insert(text.clone());
    }
    output
}

/// `makeresults`: results with only `_time` (appended to the input with `append=t`).
pub(super) fn makeresults(stage: &Stage, input: FieldSet) -> FieldSet {
    let generated = FieldSet::from_names(["_time"]);
    match stage.option_word("append") {
        Some(v) if matches!(v.to_ascii_lowercase().as_str(), "t" | "true" | "1") => {
            input.union(&generated)
        }
        _ => generated,
    }
}
