//! The parser on nasty input: quotes, escapes, nested subsearches, comments, macros.

use splforge::spl::{Limits, MacroTable, Node, Pipeline, ProblemKind, analyze, parse};

fn commands(p: &Pipeline) -> Vec<&str> {
    p.stages
        .iter()
        .map(|s| s.command_name().unwrap_or("<macro>"))
        .collect()
}

#[test]
fn backtick_inside_a_string_is_a_literal() {
    // From malicious_powershell_process_with_obfuscation_techniques: PowerShell's escape char.
    let src = "x | eval n=(mvcount(split(process,\"`\"))-1) + (mvcount(split(process, \"'\"))-1) | `f_filter` | search n > 10";
    let p = parse(src);
    assert_eq!(commands(&p), ["search", "eval", "<macro>", "search"]);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
}

#[test]
fn escaped_quotes_outside_strings_stay_in_the_word() {
    // From kubernetes_create_or_update_privileged_pod.
    let src = r#"`kube_audit` a=*\"privileged\":true* | stats count by a | `k_filter`"#;
    let p = parse(src);
    assert_eq!(commands(&p), ["search", "stats", "<macro>"]);
    let analysis = analyze(src, &MacroTable::new(), &Limits::default());
    assert_eq!(
        analysis.stages.last().map(|s| s.command.as_str()),
        Some("search")
    );
}

#[test]
fn quoted_search_strings_with_pipes_and_macros_are_one_value() {
    let src = r#"x | map maxsearches=70 search="| tstats `m` count where a=\"$src$\" BY \"A.user\" | `d(\"A\")`" | where u!=i"#;
    let p = parse(src);
    assert_eq!(commands(&p), ["search", "map", "where"]);
    let search = p.stages[1].option_word("search").unwrap_or_default();
    assert!(search.starts_with("| tstats `m`"));
    assert!(search.contains(r#"a="$src$""#));
}

#[test]
fn comments_hide_everything_until_they_close() {
    let src = "a ``` [ | ( \" ``` | b ```\n``` | c";
    let p = parse(src);
    assert_eq!(commands(&p), ["search", "b", "c"]);
    assert!(p.problems.is_empty());
}

#[test]
fn nested_subsearches_with_comments_and_macros() {
    let src = "| tstats count where [| inputlookup l | rename p as P.p | table P.p] by P.d \
               | join d [search x [search y | head 1 ```]``` ] | `m(\"a,b\", c)` | stats count by d] \
               | appendpipe [stats count]";
    let p = parse(src);
    assert_eq!(commands(&p), ["tstats", "join", "appendpipe"]);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let join = p.stages[1].subsearches().next().expect("join subsearch");
    assert_eq!(commands(join), ["search", "<macro>", "stats"]);
    let Some(Node::Macro { name, args, .. }) = join.stages[1].args.first() else {
        panic!("macro stage expected")
    };
    assert_eq!(
        (name.as_str(), args.as_slice()),
        ("m", &["\"a,b\"".to_string(), "c".to_string()][..])
    );
}

#[test]
fn options_renames_and_by_clauses_keep_offsets() {
    let src = "index=a | stats count AS n by \"Web.url\", dest span=1h";
    let p = parse(src);
    let stats = &p.stages[1];
    let words: Vec<(&str, &str)> = stats
        .args
        .iter()
        .filter_map(|n| match n {
            Node::Word { text, span, .. } => Some((text.as_str(), &src[span.clone()])),
            _ => None,
        })
        .collect();
    assert_eq!(
        words,
        [
            ("count", "count"),
            ("AS", "AS"),
            ("n", "n"),
            ("by", "by"),
            ("Web.url", "\"Web.url\""),
            ("dest", "dest")
        ]
    );
    assert_eq!(stats.option_word("span"), Some("1h"));
    assert_eq!(
        &src[stats.span.clone()],
        "stats count AS n by \"Web.url\", dest span=1h"
    );
}

#[test]
fn boolean_expressions_keep_their_groups() {
    let src = "x | where (a>1 AND b!=\"x\") OR NOT c<=2";
    let p = parse(src);
    let args = &p.stages[1].args;
    assert!(matches!(&args[0], Node::Group { items, .. } if items.len() == 3));
    assert!(args[1].is_keyword("or"));
    assert!(args[2].is_keyword("not"));
    assert!(matches!(&args[3], Node::Pair { key, op, .. } if key == "c" && op == "<="));
}

#[test]
fn unicode_and_stray_closers_do_not_break_offsets() {
    let src = "user=\"Ünïcödé\" ) ] | stats count by 名前";
    let p = parse(src);
    assert_eq!(commands(&p), ["search", "stats"]);
    let kinds: Vec<_> = p.problems.iter().map(|p| p.kind.clone()).collect();
    assert_eq!(
        kinds,
        [ProblemKind::UnbalancedParen, ProblemKind::UnbalancedBracket]
    );
    for stage in &p.stages {
        assert!(src.get(stage.span.clone()).is_some());
    }
}

#[test]
fn unterminated_quote_swallows_the_rest_and_is_reported() {
    let p = parse("a=\"x | stats count");
    assert_eq!(commands(&p), ["search"]);
    assert_eq!(p.problems[0].kind, ProblemKind::UnterminatedQuote);
}
