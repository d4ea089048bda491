//! Enrichment from tables: `lookup`, `inputlookup`, `iplocation`.

use std::ops::Range;

use super::alias_at;
use crate::fields::FieldSet;
use crate::lineage::Context;
use crate::parser::{Node, Pipeline, Stage};

/// A lookup table a stage names: `lookup NAME`, `inputlookup NAME`, `outputlookup NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupTable {
    /// `lookup`, `inputlookup` or `outputlookup`.
    pub command: String,
    /// The table's name as written (a lookup definition or a `.csv` file name).
    pub name: String,
    /// The name's span in the pipeline's text.
    pub span: Range<usize>,
}

/// Every lookup table the stages of `pipeline` name, subsearches included, in text order.
pub fn lookup_tables(pipeline: &Pipeline) -> Vec<LookupTable> {
    let mut tables = Vec::new();
    collect_tables(pipeline, &mut tables);
    tables
}

fn collect_tables(pipeline: &Pipeline, tables: &mut Vec<LookupTable>) {
    for stage in &pipeline.stages {
        let command = stage.command_name().unwrap_or("");
        if matches!(command, "lookup" | "inputlookup" | "outputlookup")
            && let Some((at, name)) = lookup_name(&stage.args)
            // A name written from a token (`$table$`) or a macro argument is not a table.
            && !name.contains('$')
        {
            tables.push(LookupTable {
                command: command.to_owned(),
                name: name.to_owned(),
                span: stage.args[at].span(),
            });
        }
        for node in &stage.args {
            collect_node_tables(node, tables);
        }
    }
}

fn collect_node_tables(node: &Node, tables: &mut Vec<LookupTable>) {
    match node {
        Node::Subsearch { pipeline, .. } => collect_tables(pipeline, tables),
        Node::Group { items: nodes, .. } | Node::Call { args: nodes, .. } => {
            for node in nodes {
                collect_node_tables(node, tables);
            }
        }
        Node::Pair {
            value: Some(value), ..
        } => collect_node_tables(value, tables),
        _ => {}
    }
}

/// The first plain word after the leading options: the lookup name.
fn lookup_name(args: &[Node]) -> Option<(usize, &str)> {
    args.iter()
        .enumerate()
        .find_map(|(i, n)| n.word().map(|w| (i, w)))
}

/// `lookup name in [AS ev], ... [OUTPUT|OUTPUTNEW out [AS ev], ...]`: adds the output fields;
/// without `OUTPUT`, every column that is not an input (unknowable without the columns).
pub(super) fn lookup(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    let mut output = input;
    let Some((at, name)) = lookup_name(&stage.args) else {
        return FieldSet::Unknown;
    };
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    let mut in_output = false;
    let args = &stage.args;
    let mut i = at + 1;
    while i < args.len() {
        if args[i].is_keyword("output") || args[i].is_keyword("outputnew") {
            in_output = true;
        } else if let Some(field) = args[i].word() {
            let (event_field, next) = alias_at(args, i + 1).unwrap_or((field.to_string(), i + 1));
            if in_output {
                outputs.push(event_field);
            } else {
                inputs.push(field.to_string());
            }
            i = next;
            continue;
        }
        i += 1;
    }
    if in_output {
        for field in outputs {
            output.insert(field);
        }
        return output;
    }
    match ctx.lookups.columns(name) {
        Some(columns) => {
            for column in columns.into_iter().filter(|c| !inputs.contains(c)) {
                output.insert(column);
            }
        }
        None => output.widen(),
    }
    output
}

/// `inputlookup [append=t] name [where ...]`: the lookup's columns.
pub(super) fn inputlookup(stage: &Stage, input: FieldSet, ctx: &Context) -> FieldSet {
    let columns = lookup_name(&stage.args)
        .and_then(|(_, name)| ctx.lookups.columns(name))
        .map_or(FieldSet::Unknown, FieldSet::from_names);
    let append = stage
        .option_word("append")
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "t" | "true" | "1"));
    if append {
        input.union(&columns)
    } else {
        columns
    }
}

/// `iplocation [prefix=p] [allfields=t] field`: adds the location fields.
pub(super) fn iplocation(stage: &Stage, input: FieldSet) -> FieldSet {
    let mut output = input;
    let prefix = stage.option_word("prefix").unwrap_or("");
    let all = stage
        .option_word("allfields")
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "t" | "true" | "1"));
    let mut names = vec!["City", "Country", "Region", "lat", "lon"];
    if all {
        names.extend(["Continent", "MetroCode", "Timezone"]);
    }
    for name in names {
        output.insert(format!("{prefix}{name}"));
    }
    output
}
