//! The SPL parser and analyser on arbitrary text: they must never panic or hang, and every
//! position they return must lie inside the search on character boundaries (the parser's
//! spans in the text it parsed, the analysis's spans in the ORIGINAL search). The checks are
//! the property tests' (`tests/it/support/spl_spans.rs`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use splforge::spl::{Limits, MacroTable, analyze, parse};

#[path = "../../tests/it/support/spl_spans.rs"]
mod spl_spans;

static MACROS: OnceLock<MacroTable> = OnceLock::new();

fuzz_target!(|bytes: &[u8]| {
    let Ok(search) = std::str::from_utf8(bytes) else {
        return;
    };
    spl_spans::check_parse(search, &parse(search));
    let analysis = analyze(
        search,
        MACROS.get_or_init(spl_spans::macros),
        &Limits::default(),
    );
    spl_spans::check_analysis(search, &analysis);
});
