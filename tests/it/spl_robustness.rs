//! The parser and the analyser never panic and never hang, whatever the input, and every
//! position they return lies inside the search on character boundaries
//! (`support::spl_spans`, shared with the `spl_parse` fuzz target).

use crate::support;

use proptest::prelude::*;
use splforge::spl::{
    Limits, NoLookupColumns, ProblemKind, SplProblem, analyze, analyze_with_lookups, parse,
    summarize_with_lookups,
};
use support::spl_spans::{check_analysis, check_parse, macros};

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
            "`e`",
            " stats count by a ",
            " rename a.* AS * ",
            " eval x=",
            " as ",
            "=",
            "!=",
            "<=",
            ",",
            "*",
            "é",
            "€",
            "𝄞",
            " ",
            "\n",
            "$a$",
            "search ",
            "f(",
            "`m_filter`",
            " | table a b ",
            " by b ",
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
    fn parse_keeps_every_span_inside_the_search(s in any::<String>()) {
        check_parse(&s, &parse(&s));
    }

    #[test]
    fn parse_keeps_every_span_inside_spl_like_text(s in spl_like()) {
        check_parse(&s, &parse(&s));
    }

    #[test]
    fn analyze_keeps_every_span_inside_the_original_search(s in spl_like()) {
        check_analysis(&s, &analyze(&s, &macros(), &Limits::default()));
    }

    /// The summary a lint computes on its own (field sets moved from stage to stage, no
    /// per-stage record) is the summary of the whole analysis, under any length limit.
    #[test]
    fn summarize_is_the_summary_of_analyze(s in spl_like(), limit in prop::option::of(0usize..64)) {
        let limits = limit.map_or_else(Limits::default, |max_search_len| Limits {
            max_search_len,
            ..Limits::default()
        });
        prop_assert_eq!(
            summarize_with_lookups(&s, &macros(), &limits, &NoLookupColumns),
            analyze_with_lookups(&s, &macros(), &limits, &NoLookupColumns).into_summary()
        );
    }

    /// Over `max_search_len`, a search is one problem on its first character and nothing
    /// else; at or under it, never that problem.
    #[test]
    fn the_search_length_limit_is_exact(s in spl_like(), limit in 0usize..64) {
        let limits = Limits { max_search_len: limit, ..Limits::default() };
        let analysis = analyze(&s, &macros(), &limits);
        check_analysis(&s, &analysis);
        let too_long = analysis
            .problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::SearchTooLong { .. }));
        prop_assert_eq!(too_long, s.len() > limit);
        if s.len() > limit {
            let first = s.chars().next().map_or(0, char::len_utf8);
            let expected = SplProblem::new(
                ProblemKind::SearchTooLong { bytes: s.len(), limit },
                0..first,
            );
            prop_assert_eq!(&analysis.problems, &vec![expected]);
            prop_assert!(analysis.stages.is_empty() && analysis.macro_calls.is_empty());
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
        "f(".repeat(50_000),
        "[search x=(".repeat(20_000),
    ];
    for case in cases {
        check_parse(&case, &parse(&case));
        check_analysis(&case, &analyze(&case, &macros(), &Limits::default()));
    }
}

/// The fuzz seeds (fuzz/corpus/spl_parse) and every input a fuzz run found crashing
/// (fuzz/regressions/spl_parse) hold the target's invariants in every `cargo test`.
#[test]
fn fuzz_seed_corpus_holds_the_invariants() {
    let inputs = support::fuzz_inputs("spl_parse");
    for search in &inputs {
        check_parse(search, &parse(search));
        check_analysis(search, &analyze(search, &macros(), &Limits::default()));
    }
    assert!(inputs.len() >= 10, "only {} seeds", inputs.len());
}
