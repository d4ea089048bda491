//! Where a lint's memory goes: the resident set after each stage of `splforge lint` on a
//! content tree (load, model, schema, SPL analysis, all rules), one run, with the binary's
//! allocator. For the scaling target of issue 9 (100k detections under 2 GiB).
//!
//! Usage: cargo run --release --example memory -- DIR

// For the binary's allocator and the argument parsing; its timing helpers go unused here.
#[path = "support/timing.rs"]
#[allow(dead_code)]
mod timing;

use splforge::check::{self, CheckOptions, Context};
use splforge::config::Config;
use splforge::load::{self, LoadLimits};
use splforge::model::Content;

/// `VmRSS` and `VmHWM` (peak) of this process, in MB.
fn resident() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn report(stage: &str) {
    let (now, peak) = resident();
    println!("{stage:<34} {now:>9.1} MB resident {peak:>9.1} MB peak");
}

fn main() {
    let (root, _) = timing::root_and_runs();
    let config = Config::default();
    let options = CheckOptions {
        today: "2026-01-01".into(),
        only_files: None,
    };
    report("start");
    let repository = load::load_repository(&root, LoadLimits::default());
    let text: usize = repository.files.iter().map(|f| f.source.text.len()).sum();
    println!(
        "{} files, {:.1} MB of text",
        repository.files.len(),
        text as f64 / 1e6
    );
    report("load (text + trees)");
    let content = Content::build(&repository);
    report("model");
    let context = Context::new(&repository, &content, &config, &options);
    report("context (index + ATT&CK)");
    context.schema_results();
    report("schema");
    context.search_analyses();
    report("SPL analysis");
    drop(context);
    report("context dropped");
    let report_ = check::check(&repository, &content, &config, &options);
    report(&format!(
        "check::check ({} findings)",
        report_.findings.len()
    ));
}
