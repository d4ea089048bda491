//! The parser and the analyser never panic and never hang, whatever the input.

use proptest::prelude::*;
use splforge::spl::{Limits, MacroDef, MacroTable, analyze, parse};

fn macros() -> MacroTable {
    let mut table = MacroTable::with_external_macros();
    for (name, args, body) in [
        ("m", vec![], "stats count by `n(x)`"),
        ("n", vec!["a"], "$a$ | rename $a$.* AS *"),
        ("self", vec![], "`self`"),
        ("q", vec![], "\"unterminated"),
    ] {
        table.insert(MacroDef {
            name: name.into(),
            arguments: args.into_iter().map(String::from).collect(),
            definition: body.into(),
        });
    }
    table
}

/// Strings made of the characters that matter to SPL, plus arbitrary Unicode.
fn spl_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "|",
            "[",
            "]",
            "(",
            ")",
            "\"",
            "\\",
            "'",
            "`",
            "```",
            "`m`",
            "`n(a,b)`",
            "`self`",
            "`q`",
            " stats count by a ",
            " rename a.* AS * ",
            " eval x=",
            " as ",
            "=",
            "!=",
            ",",
            "*",
            "é",
            "€",
            " ",
            "$a$",
        ])
        .prop_map(String::from),
        "[a-z]{1,6}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn parse_never_panics_on_arbitrary_strings(s in any::<String>()) {
        let pipeline = parse(&s);
        for stage in &pipeline.stages {
            prop_assert!(s.get(stage.span.clone()).is_some());
        }
    }

    #[test]
    fn analyze_never_panics_and_spans_stay_in_bounds(s in spl_like()) {
        let analysis = analyze(&s, &macros(), &Limits::default());
        for stage in &analysis.stages {
            prop_assert!(s.get(stage.span.clone()).is_some(), "stage span {:?}", stage.span);
        }
        for problem in &analysis.problems {
            prop_assert!(s.get(problem.span.clone()).is_some(), "problem span {:?}", problem.span);
        }
        for call in &analysis.macro_calls {
            prop_assert!(s.get(call.span.clone()).is_some());
        }
    }
}

#[test]
fn pathological_inputs_finish() {
    let cases = [
        "[".repeat(100_000),
        "(".repeat(100_000),
        "\"".repeat(100_001),
        "`".repeat(100_001),
        "|".repeat(100_000),
        "`m`".repeat(10_000),
        "a=".repeat(50_000),
        "```".repeat(10_001),
    ];
    for case in cases {
        let _ = analyze(&case, &macros(), &Limits::default());
    }
}
