//! What the SPL parser and analyser promise about positions, as checks that panic: every
//! span lies inside its text on character boundaries (the parser's in the text it parsed,
//! the analysis's in the ORIGINAL search), problems come sorted, and the tree is no deeper
//! than the nesting limit allows.
//!
//! Plain `std` and `splforge` only: the `spl_parse` fuzz target includes this file too.
#![allow(dead_code)]

use std::ops::Range;

use splforge::spl::parser::MAX_NESTING;
use splforge::spl::{Analysis, MacroDef, MacroTable, Node, Pipeline, SplProblem};

/// Levels of the tree per nesting level the parser counts: a pair's value, a group, a
/// subsearch and its pipeline each add one.
const MAX_TREE_DEPTH: usize = 4 * MAX_NESTING + 8;

/// Macros in the shapes that matter to expansion: nested, with an argument, recursive,
/// unterminated, empty.
pub fn macros() -> MacroTable {
    let mut table = MacroTable::with_external_macros();
    for (name, arguments, definition) in [
        ("m", vec![], "stats count by `n(x)`"),
        ("n", vec!["a"], "$a$ | rename $a$.* AS *"),
        ("self", vec![], "`self`"),
        ("q", vec![], "\"unterminated"),
        ("e", vec![], ""),
    ] {
        table.insert(MacroDef {
            name: name.into(),
            arguments: arguments.into_iter().map(String::from).collect(),
            definition: definition.into(),
        });
    }
    table
}

/// Checks the tree `parse(search)` returned.
pub fn check_parse(search: &str, pipeline: &Pipeline) {
    assert_eq!(
        pipeline.span,
        0..search.len(),
        "the pipeline spans the search"
    );
    check_pipeline(search, pipeline, 0);
    check_problems(search, &pipeline.problems);
}

/// Checks an analysis of `search`.
pub fn check_analysis(search: &str, analysis: &Analysis) {
    for stage in &analysis.stages {
        check_span(search, &stage.span, "stage");
        check_span(&analysis.expanded, &stage.expanded_span, "expanded stage");
        for reference in &stage.references {
            check_span(search, &reference.span, "field reference");
        }
    }
    check_problems(search, &analysis.problems);
    for call in &analysis.macro_calls {
        check_span(search, &call.span, "macro call");
    }
}

fn check_problems(text: &str, problems: &[SplProblem]) {
    for problem in problems {
        check_span(text, &problem.span, "problem");
    }
    let positions: Vec<(usize, usize)> = problems
        .iter()
        .map(|p| (p.span.start, p.span.end))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] <= w[1]),
        "problems not sorted: {positions:?}"
    );
}

pub fn check_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end && text.get(span.clone()).is_some(),
        "{what} span {span:?} not inside the {}-byte text on character boundaries",
        text.len()
    );
}

fn check_pipeline(text: &str, pipeline: &Pipeline, depth: usize) {
    assert!(depth <= MAX_TREE_DEPTH, "tree deeper than {MAX_TREE_DEPTH}");
    check_span(text, &pipeline.span, "pipeline");
    for stage in &pipeline.stages {
        check_span(text, &stage.span, "stage");
        if let Some(command) = &stage.command {
            check_span(text, &command.span, "command");
        }
        for node in &stage.args {
            check_node(text, node, depth + 1);
        }
    }
}

fn check_node(text: &str, node: &Node, depth: usize) {
    assert!(depth <= MAX_TREE_DEPTH, "tree deeper than {MAX_TREE_DEPTH}");
    check_span(text, &node.span(), "node");
    match node {
        Node::Call { args, .. } => args.iter().for_each(|n| check_node(text, n, depth + 1)),
        Node::Group { items, .. } => items.iter().for_each(|n| check_node(text, n, depth + 1)),
        Node::Pair {
            key_span, value, ..
        } => {
            check_span(text, key_span, "key");
            if let Some(value) = value {
                check_node(text, value, depth + 1);
            }
        }
        Node::Subsearch { pipeline, .. } => check_pipeline(text, pipeline, depth + 1),
        _ => {}
    }
}
