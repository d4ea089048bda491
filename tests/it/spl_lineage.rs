//! Field semantics of every modelled command, through the public `analyze` API.

use std::collections::HashMap;

use splforge::spl::{
    FieldSet, Limits, LookupColumns, MacroDef, MacroTable, analyze, analyze_with_lookups,
};

fn table() -> MacroTable {
    let mut macros = MacroTable::with_external_macros();
    for (name, args, body) in [
        ("cloudtrail", vec![], "sourcetype=aws:cloudtrail"),
        (
            "security_content_summariesonly",
            vec![],
            "summariesonly=true allow_old_summaries=true",
        ),
        (
            "security_content_ctime",
            vec!["field"],
            "convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)",
        ),
    ] {
        macros.insert(MacroDef {
            name: name.into(),
            arguments: args.into_iter().map(String::from).collect(),
            definition: body.into(),
        });
    }
    macros
}

fn output(search: &str) -> FieldSet {
    analyze(search, &table(), &Limits::default()).output
}

/// The named fields and patterns of a known set (fails the test when unknown).
fn names(set: &FieldSet) -> Vec<String> {
    match set {
        FieldSet::Known { fields, patterns } => {
            let mut all: Vec<String> = fields.iter().cloned().collect();
            all.extend(patterns.iter().cloned());
            all
        }
        FieldSet::Unknown => panic!("expected a known field set"),
    }
}

fn has(set: &FieldSet, field: &str) -> bool {
    set.contains(field) == Some(true)
}

fn lacks(set: &FieldSet, field: &str) -> bool {
    set.contains(field) == Some(false)
}

#[test]
fn base_search_is_open() {
    let set = output("`cloudtrail` eventName=ConsoleLogin");
    assert!(set.is_open());
    assert!(has(&set, "anything"));
}

#[test]
fn stats_keeps_only_aggregates_and_by_fields() {
    let set = output(
        "index=x | stats count min(_time) as firstTime values(process) dc(user) AS users by dest, user",
    );
    assert_eq!(
        names(&set),
        [
            "count",
            "dest",
            "firstTime",
            "user",
            "users",
            "values(process)"
        ]
    );
    assert!(lacks(&set, "process"));
}

#[test]
fn tstats_by_datamodel_fields_then_drop_dm_object_name() {
    let search = "| tstats `security_content_summariesonly` count min(_time) as firstTime \
        from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe \
        by Processes.dest Processes.user _time span=1h \
        | `drop_dm_object_name(Processes)` | `security_content_ctime(firstTime)`";
    let analysis = analyze(search, &table(), &Limits::default());
    assert_eq!(
        names(&analysis.stages[0].fields),
        [
            "Processes.dest",
            "Processes.user",
            "_time",
            "count",
            "firstTime"
        ]
    );
    assert_eq!(
        names(&analysis.output),
        ["_time", "count", "dest", "firstTime", "user"]
    );
    assert!(analysis.problems.is_empty(), "{:?}", analysis.problems);
}

#[test]
fn drop_dm_object_name_with_a_quoted_argument() {
    let set =
        output("| tstats count from datamodel=Web by Web.url | `drop_dm_object_name(\"Web\")`");
    assert_eq!(names(&set), ["count", "url"]);
}

#[test]
fn tstats_prestats_is_unknown() {
    assert!(output("| tstats prestats=t count from datamodel=Web by Web.url").is_unknown());
}

#[test]
fn eventstats_and_streamstats_add_to_the_input() {
    let set = output(
        "index=x | stats count by user | eventstats avg(count) as avg by user | streamstats count as n",
    );
    assert_eq!(names(&set), ["avg", "count", "n", "user"]);
}

#[test]
fn chart_and_timechart() {
    assert_eq!(
        names(&output("index=x | chart count over user")),
        ["count", "user"]
    );
    assert!(output("index=x | chart count over user by host").is_unknown());
    assert_eq!(
        names(&output("index=x | timechart span=1h count")),
        ["_span", "_time", "count"]
    );
    assert!(output("index=x | timechart count by host").is_unknown());
}

#[test]
fn top_and_rare() {
    assert_eq!(
        names(&output("index=x | top limit=5 process by dest")),
        ["count", "dest", "percent", "process"]
    );
    assert_eq!(
        names(&output("index=x | rare process countfield=n showperc=f")),
        ["n", "process"]
    );
}

#[test]
fn eval_adds_each_assignment() {
    let set =
        output("index=x | stats count by a | eval b=if(a=\"x\", 1, 0), c = a . \"-\" . b, 'd e'=1");
    assert_eq!(names(&set), ["a", "b", "c", "count", "d e"]);
    assert!(output("index=x | stats count by a | eval {a}=1").is_open());
}

#[test]
fn rename_plain_and_wildcards() {
    let set =
        output("index=x | stats count by a, b.c, b.d | rename a AS x, b.* AS y_*, missing AS z");
    assert_eq!(names(&set), ["count", "x", "y_c", "y_d"]);
    assert!(output("index=x | rename a as b").is_open());
}

#[test]
fn table_closes_the_set_and_fields_projects_or_removes() {
    assert_eq!(
        names(&output("index=x | table _time, dest user")),
        ["_time", "dest", "user"]
    );
    assert_eq!(
        names(&output("index=x | stats count by a b c | fields a b")),
        ["a", "b"]
    );
    assert_eq!(
        names(&output("index=x | stats count by a b c | fields - a, b")),
        ["c", "count"]
    );
    assert_eq!(
        names(&output("index=x | stats count by a b.c b.d | table b.*")),
        ["b.c", "b.d"]
    );
    // a table after an unknown command still closes the set
    assert_eq!(names(&output("index=x | frobnicate | table a")), ["a"]);
}

#[test]
fn rex_adds_named_groups_and_sed_does_not() {
    let set = output(
        "index=x | stats count by url | rex field=url \"(?<domain>[^/]+)/(?P<path>.*)(?<=x)\"",
    );
    assert_eq!(names(&set), ["count", "domain", "path", "url"]);
    let set = output("index=x | stats count by url | rex mode=sed field=url \"s/(?<a>x)/y/\"");
    assert_eq!(names(&set), ["count", "url"]);
}

struct Columns;
impl LookupColumns for Columns {
    fn columns(&self, lookup: &str) -> Option<Vec<String>> {
        (lookup == "tools").then(|| vec!["process".into(), "tool".into(), "risk".into()])
    }
}

#[test]
fn lookup_output_clause_and_columns() {
    let macros = table();
    let limits = Limits::default();
    let run = |s: &str| analyze_with_lookups(s, &macros, &limits, &Columns).output;
    assert_eq!(
        names(&run(
            "index=x | stats count by p | lookup tools process AS p OUTPUT tool AS t, risk"
        )),
        ["count", "p", "risk", "t"]
    );
    assert_eq!(
        names(&run(
            "index=x | stats count by p | lookup local=t tools process AS p"
        )),
        ["count", "p", "risk", "tool"]
    );
    assert!(run("index=x | stats count by p | lookup unknown_lookup x AS p").is_open());
    assert_eq!(
        names(&output(
            "index=x | stats count by a | lookup l a OUTPUTNEW b"
        )),
        ["a", "b", "count"]
    );
}

#[test]
fn inputlookup_uses_the_columns_or_is_unknown() {
    let mut columns = HashMap::new();
    columns.insert(
        "seen".to_string(),
        vec!["user".to_string(), "city".to_string()],
    );
    let macros = table();
    let set = analyze_with_lookups(
        "| inputlookup seen where user=*",
        &macros,
        &Limits::default(),
        &columns,
    )
    .output;
    assert_eq!(names(&set), ["city", "user"]);
    assert!(output("| inputlookup other").is_unknown());
}

#[test]
fn spath_output_path_or_everything() {
    let base = "index=x | stats count by raw";
    assert_eq!(
        names(&output(&format!(
            "{base} | spath input=raw output=ua path=a.b"
        ))),
        ["count", "raw", "ua"]
    );
    assert_eq!(
        names(&output(&format!("{base} | spath input=raw path=a{{}}.b"))),
        ["a{}.b", "count", "raw"]
    );
    assert!(output(&format!("{base} | spath input=raw")).is_open());
}

#[test]
fn join_append_and_appendpipe_add_the_subsearch_fields() {
    let set = output(
        "index=x | stats count by user | join type=left user [search index=y | stats max(_time) as seen by user]",
    );
    assert_eq!(names(&set), ["count", "seen", "user"]);
    let set =
        output("index=x | stats count by user | append [| inputlookup z | table user, extra]");
    assert_eq!(names(&set), ["count", "extra", "user"]);
    let set = output("index=x | stats count by user | appendpipe [stats sum(count) as total]");
    assert_eq!(names(&set), ["count", "total", "user"]);
}

#[test]
fn filters_and_reorderings_keep_the_fields() {
    let set = output(
        "index=x | stats count by a b | where count > 5 | search a=1 | dedup a | sort - count \
         | mvexpand b | makemv delim=\",\" b | regex a=\"x\" | head 10",
    );
    assert_eq!(names(&set), ["a", "b", "count"]);
}

#[test]
fn derived_fields() {
    let base = "index=x | stats count by a _time";
    assert_eq!(
        names(&output(&format!(
            "{base} | bin _time span=1h | bucket _time as t"
        ))),
        ["_time", "a", "count", "t"]
    );
    assert_eq!(
        names(&output(&format!("{base} | fillnull value=0 b, c"))),
        ["_time", "a", "b", "c", "count"]
    );
    assert_eq!(
        names(&output(&format!("{base} | convert ctime(_time) AS time"))),
        ["_time", "a", "count", "time"]
    );
    assert_eq!(
        names(&output(&format!("{base} | iplocation prefix=src_ a"))),
        [
            "_time",
            "a",
            "count",
            "src_City",
            "src_Country",
            "src_Region",
            "src_lat",
            "src_lon"
        ]
    );
    assert_eq!(
        names(&output(&format!("{base} | transaction a maxspan=1m"))),
        [
            "_time",
            "a",
            "closed_txn",
            "count",
            "duration",
            "eventcount",
            "field_match_sum",
            "linecount"
        ]
    );
    assert_eq!(
        names(&output(&format!("{base} | strcat a \"-\" count label"))),
        ["_time", "a", "count", "label"]
    );
    assert_eq!(
        names(&output(&format!(
            "{base} | addtotals fieldname=Score a count"
        ))),
        ["Score", "_time", "a", "count"]
    );
    assert_eq!(names(&output("| makeresults")), ["_time"]);
}

#[test]
fn widening_commands_keep_and_open() {
    assert!(output("index=x | stats count by a | xmlkv a").is_open());
    assert!(output("index=x | stats count by a | foreach * [eval <<FIELD>>=1]").is_open());
}

#[test]
fn from_datamodel_returns_events() {
    assert!(output("| from datamodel Web.Web | search x").is_open());
}

#[test]
fn unknown_commands_and_unresolved_macros_make_the_set_unknown() {
    assert!(output("index=x | stats count by a | frobnicate a").is_unknown());
    assert!(output("index=x | stats count by a | `not_defined`").is_unknown());
    assert!(output("index=x | stats count by a | map search=\"search $a$\"").is_unknown());
    // and a transforming command recovers
    assert_eq!(
        names(&output("index=x | frobnicate | stats count by a")),
        ["a", "count"]
    );
}

#[test]
fn stages_map_back_to_the_original_search() {
    let search = "`cloudtrail` x=1 | stats count by user | `drop_dm_object_name(All)`";
    let analysis = analyze(search, &table(), &Limits::default());
    let spans: Vec<&str> = analysis
        .stages
        .iter()
        .map(|s| &search[s.span.clone()])
        .collect();
    assert_eq!(
        spans,
        [
            "`cloudtrail` x=1",
            "stats count by user",
            "`drop_dm_object_name(All)`"
        ]
    );
    let commands: Vec<&str> = analysis.stages.iter().map(|s| s.command.as_str()).collect();
    assert_eq!(commands, ["search", "stats", "rename"]);
    let by = &analysis.stages[1].references[0];
    assert_eq!(
        (by.name.as_str(), &search[by.span.clone()]),
        ("user", "user")
    );
}

#[test]
fn filter_macro_must_be_last() {
    let search = "index=x | `d_filter` | stats count";
    let analysis = analyze(search, &table(), &Limits::default());
    assert_eq!(analysis.problems.len(), 1);
    assert_eq!(&search[analysis.problems[0].span.clone()], "`d_filter`");
    let ok = analyze(
        "index=x | stats count | `d_filter`",
        &table(),
        &Limits::default(),
    );
    assert!(ok.problems.is_empty());
}

#[test]
fn wildcard_aggregates_follow_the_input_fields() {
    assert_eq!(
        names(&output(
            "index=x | stats count by a b | stats values(*) as * by a"
        )),
        ["a", "b", "count"]
    );
    assert_eq!(
        names(&output(
            "index=x | stats count by r.x r.y u | stats latest(r.*) as * by u"
        )),
        ["u", "x", "y"]
    );
    assert!(output("index=x | stats values(*) as * by a").is_open());
    assert!(output("index=x | stats values(r.*) as * by a").is_open());
}

#[test]
fn field_origin_points_at_the_stage_that_introduced_the_field() {
    let search = "| tstats count from datamodel=Endpoint.Processes by Processes.dest \
                  | `drop_dm_object_name(Processes)` | eval risk=1 | where risk>0";
    let analysis = analyze(search, &table(), &Limits::default());
    assert_eq!(analysis.field_origin("dest"), Some(1));
    assert_eq!(analysis.field_origin("risk"), Some(2));
    assert_eq!(analysis.field_origin("count"), Some(0));
    assert_eq!(analysis.field_origin("user"), None);
    assert!(analysis.fields_before(0).is_open());
}

#[test]
fn references_that_nothing_upstream_produces() {
    let search = "index=x | stats count by a | table a b | stats count by c";
    let analysis = analyze(search, &table(), &Limits::default());
    let unproduced: Vec<(&str, bool)> = analysis
        .unproduced_references()
        .iter()
        .map(|r| (r.name.as_str(), r.in_by_clause))
        .collect();
    assert_eq!(unproduced, [("b", false), ("c", true)]);
    // nothing is flagged after a base search: it may hold any field
    assert!(
        analyze(
            "index=x | stats count by anything",
            &table(),
            &Limits::default()
        )
        .unproduced_references()
        .is_empty()
    );
}

#[test]
fn fields_sign_may_be_glued_and_tstats_accepts_groupby() {
    assert_eq!(
        names(&output("index=x | stats count by a b | fields -a")),
        ["b", "count"]
    );
    assert_eq!(
        names(&output("index=x | stats count by a b | fields +a")),
        ["a"]
    );
    assert_eq!(
        names(&output(
            "| tstats count from datamodel=Web groupby Web.dest"
        )),
        ["Web.dest", "count"]
    );
}

#[test]
fn keywords_inside_a_by_clause_are_fields() {
    assert_eq!(
        names(&output("index=x | stats count by from, over, where")),
        ["count", "from", "over", "where"]
    );
}

/// The lookup tables a search names, each at its name in the original search; those in a
/// macro's body belong to the macro and are left out.
#[test]
fn lookups_written_in_the_search_are_listed_with_their_spans() {
    let mut macros = table();
    macros.insert(MacroDef {
        name: "with_lookup".into(),
        arguments: vec![],
        definition: "lookup from_macro x OUTPUT y".into(),
    });
    let search = "`cloudtrail` | lookup update=true known_one src OUTPUT a \
        | search NOT [| inputlookup append=t seen.csv | fields src] | `with_lookup` \
        | outputlookup createinapp=true written | lookup $token$ x";
    let analysis = analyze(search, &macros, &Limits::default());
    let found: Vec<(&str, &str, &str)> = analysis
        .lookups
        .iter()
        .map(|l| (l.command.as_str(), l.name.as_str(), &search[l.span.clone()]))
        .collect();
    assert_eq!(
        found,
        [
            ("lookup", "known_one", "known_one"),
            ("inputlookup", "seen.csv", "seen.csv"),
            ("outputlookup", "written", "written"),
        ]
    );
    let summary = splforge::spl::summarize_with_lookups(
        search,
        &macros,
        &Limits::default(),
        &splforge::spl::NoLookupColumns,
    );
    assert_eq!(summary.lookups, analysis.lookups);
}

/// The detection's filter macro must end the search; an input filter placed early on
/// purpose is not it.
#[test]
fn an_input_filter_early_in_the_search_is_not_the_filter_macro() {
    let mut macros = table();
    for name in ["baseline_input_filter", "x_filter"] {
        macros.insert(MacroDef {
            name: name.into(),
            arguments: vec![],
            definition: "search *".into(),
        });
    }
    let not_last = |search: &str| -> Vec<String> {
        analyze(search, &macros, &Limits::default())
            .problems
            .into_iter()
            .filter_map(|p| match p.kind {
                splforge::spl::ProblemKind::FilterMacroNotLast { name } => Some(name),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        not_last("`cloudtrail` | `baseline_input_filter` | stats count by user | `x_filter`"),
        Vec::<String>::new()
    );
    assert_eq!(
        not_last("`cloudtrail` | `x_filter` | stats count by user"),
        ["x_filter"]
    );
}

/// `values(user)`, `count(x)`, `IsOutlier(run_time)`: the names stats-like commands give
/// their results are field names wherever a field is expected, not function calls.
#[test]
fn parenthesised_field_names_are_names_in_fields_table_and_rename() {
    assert_eq!(
        names(&output(
            "`cloudtrail` | stats count(src) values(user) max(run_time) by dest \
             | fields dest, count(src), values(user) | rename values(user) as users"
        )),
        ["count(src)", "dest", "users"]
    );
    assert_eq!(
        names(&output(
            "`cloudtrail` | stats count(src) by dest | table dest count(src) \
             | rename count(src) AS attempts"
        )),
        ["attempts", "dest"]
    );
}
