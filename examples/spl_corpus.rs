//! Corpus experiment for the SPL analyser: analyses every detection search of a content dump and
//! checks the `$field$` placeholders of production detections against the output field set.
//!
//! The dump is JSON made from the content YAML (see `docs/spl.md`):
//! `{"detections": [{file, name, status, search, message, observable: [name], drilldowns:
//! [{name, search}]}], "macros": [{name, arguments, definition}], "lookups": [{name, filename,
//! columns}]}`.
//!
//! A dump can be made with PyYAML, e.g. for each `detections/**/*.yml`: `dict(file=..., status=
//! d["status"], search=d["search"], message=d["tags"].get("message"), observable=[o["name"] for o
//! in d["tags"].get("observable", [])], drilldowns=d.get("drilldown_searches", []))`; for each
//! `macros/*.yml` its `name`, `arguments`, `definition`; for each `lookups/*.yml` its `name`,
//! `filename` and the CSV header as `columns`. `tests/lint_corpus.rs` checks the same through `splforge lint`.
//!
//! Usage: `cargo run --release --example spl_corpus -- /tmp/corpus.json [--verbose] [--all]
//! [--bench N]`

use std::collections::HashMap;
use std::time::Instant;

use serde::Deserialize;
use splforge::spl::{FieldSet, Limits, MacroDef, MacroTable, analyze_with_lookups};

#[derive(Deserialize)]
struct Dump {
    detections: Vec<Detection>,
    macros: Vec<MacroDef>,
    lookups: Vec<Lookup>,
}

#[derive(Deserialize)]
struct Detection {
    file: String,
    status: Option<String>,
    search: String,
    message: Option<String>,
    #[serde(default)]
    observable: Vec<Option<String>>,
    #[serde(default)]
    drilldowns: Vec<Drilldown>,
}

#[derive(Deserialize)]
struct Drilldown {
    name: Option<String>,
    search: Option<String>,
}

#[derive(Deserialize)]
struct Lookup {
    name: Option<String>,
    filename: Option<String>,
    columns: Option<Vec<String>>,
}

/// Tokens that Splunk fills in, not fields of the search.
const RESERVED_TOKENS: &[&str] = &["info_min_time", "info_max_time"];

/// The `$name$` tokens of a text.
fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('$') {
        let after = &rest[open + 1..];
        match after.find('$') {
            Some(close) => {
                let token = &after[..close];
                if !token.is_empty() && !token.contains(char::is_whitespace) {
                    out.push(token.to_string());
                    rest = &after[close + 1..];
                } else {
                    rest = after;
                }
            }
            None => break,
        }
    }
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: spl_corpus <dump.json> [--verbose]");
        std::process::exit(2);
    };
    let flags: Vec<String> = args.collect();
    let verbose = flags.iter().any(|a| a == "--verbose");
    // `--all` checks every status, not only production (a wider net for model errors).
    let all_statuses = flags.iter().any(|a| a == "--all");
    let text = std::fs::read_to_string(&path).expect("read the dump");
    let dump: Dump = serde_json::from_str(&text).expect("parse the dump");

    let mut macros = MacroTable::with_external_macros();
    for def in dump.macros {
        macros.insert(def);
    }
    let mut lookups: HashMap<String, Vec<String>> = HashMap::new();
    for lookup in dump.lookups {
        if let Some(columns) = lookup.columns {
            for key in [lookup.name, lookup.filename].into_iter().flatten() {
                lookups.insert(key, columns.clone());
            }
        }
    }
    let limits = Limits::default();

    // `--bench N`: only analyse the corpus N times (for `perf stat`, which counts cycles of this
    // process alone, whatever else the machine is running).
    if let Some(runs) = flags
        .iter()
        .position(|a| a == "--bench")
        .and_then(|i| flags.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok())
    {
        for _ in 0..runs {
            for d in &dump.detections {
                std::hint::black_box(analyze_with_lookups(&d.search, &macros, &limits, &lookups));
            }
        }
        return;
    }

    // Timed as a lint uses it: each analysis is consumed and dropped, not kept.
    let started = Instant::now();
    let cpu_started = thread_cpu_ns();
    for d in &dump.detections {
        std::hint::black_box(analyze_with_lookups(&d.search, &macros, &limits, &lookups));
    }
    let elapsed = started.elapsed();
    let cpu = thread_cpu_ns()
        .zip(cpu_started)
        .map(|(end, start)| (end - start) as f64 / 1e6);
    // Best of several runs: the first pays for page faults and a cold cache.
    let mut best = elapsed;
    for _ in 0..5 {
        let started = Instant::now();
        for d in &dump.detections {
            std::hint::black_box(analyze_with_lookups(&d.search, &macros, &limits, &lookups));
        }
        best = best.min(started.elapsed());
    }
    let analyses: Vec<_> = dump
        .detections
        .iter()
        .map(|d| analyze_with_lookups(&d.search, &macros, &limits, &lookups))
        .collect();
    println!(
        "analysed {} searches in {:.1} ms wall, {} ms on-CPU (first run); {:.1} ms wall (best of 5 more)",
        analyses.len(),
        elapsed.as_secs_f64() * 1000.0,
        cpu.map_or("?".to_string(), |c| format!("{c:.1}")),
        best.as_secs_f64() * 1000.0
    );

    let (mut production, mut known, mut open, mut checked, mut missing) = (0, 0, 0, 0, 0);
    let mut problems = 0;
    // Commands after which a production search's field set first became unknown.
    let mut unknown_after: std::collections::BTreeMap<String, usize> = Default::default();
    for (detection, analysis) in dump.detections.iter().zip(&analyses) {
        if !all_statuses && detection.status.as_deref() != Some("production") {
            continue;
        }
        production += 1;
        if let Some(stage) = analysis.stages.iter().find(|s| s.fields.is_unknown()) {
            *unknown_after.entry(stage.command.clone()).or_default() += 1;
        }
        match &analysis.output {
            FieldSet::Known { .. } if !analysis.output.is_open() => known += 1,
            set => {
                if set.is_open() {
                    open += 1;
                }
                // The last stage that made the set unknown or open: the reason it stays so.
                let culprit = analysis
                    .stages
                    .iter()
                    .rev()
                    .take_while(|s| s.fields.is_unknown() || s.fields.is_open())
                    .last()
                    .map_or("", |s| s.command.as_str());
                let state = if set.is_open() { "OPEN" } else { "UNKNOWN" };
                println!("{state} {} since `{culprit}`", detection.file);
            }
        }
        for r in analysis.unproduced_references() {
            println!(
                "UNPRODUCED {} `{}` ({})",
                detection.file,
                r.name,
                if r.in_by_clause { "by" } else { "table" }
            );
        }
        for p in &analysis.problems {
            problems += 1;
            println!("PROBLEM {} {:?} {}", detection.file, p.span, p.message());
        }
        let mut tokens: Vec<(&str, String)> = Vec::new();
        if let Some(message) = &detection.message {
            tokens.extend(placeholders(message).into_iter().map(|t| ("message", t)));
        }
        for name in detection.observable.iter().flatten() {
            tokens.push(("observable", name.clone()));
        }
        for drilldown in &detection.drilldowns {
            for text in [&drilldown.name, &drilldown.search].into_iter().flatten() {
                tokens.extend(placeholders(text).into_iter().map(|t| ("drilldown", t)));
            }
        }
        tokens.sort();
        tokens.dedup();
        for (place, token) in tokens {
            if RESERVED_TOKENS.contains(&token.as_str()) {
                continue;
            }
            checked += 1;
            if analysis.output.contains(&token) == Some(false) {
                missing += 1;
                println!("MISSING {} {place} ${token}$", detection.file);
                if verbose {
                    for stage in &analysis.stages {
                        println!("    {:<12} {}", stage.command, describe(&stage.fields));
                    }
                }
            }
        }
    }
    println!(
        "production: {production}, output known: {known}, open: {open}, unknown: {}",
        production - known - open
    );
    println!("placeholders checked: {checked}, not output: {missing}, problems: {problems}");
    println!("field set first unknown after: {unknown_after:?}");
}

/// Nanoseconds this thread has run on a CPU (Linux `schedstat`): unlike wall time, it does not
/// count the time other processes on a busy machine hold the cores.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn describe(set: &FieldSet) -> String {
    match set {
        FieldSet::Unknown => "?".into(),
        FieldSet::Known { fields, patterns } => {
            let mut names: Vec<_> = fields.iter().cloned().collect();
            names.extend(patterns.iter().cloned());
            names.join(" ")
        }
    }
}
