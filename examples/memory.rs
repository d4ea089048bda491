//! Where a lint's memory goes: the resident set and its peak after a load, model and check
//! run as `splforge lint` runs them (each file's tree freed as soon as its object is read and
//! its schema checked; of each search's analysis only the summary kept). One run, with the
//! binary's allocator. For the scaling target of issue 9 (100k detections under 2 GiB).
//!
//! Usage: cargo run --release --example memory -- DIR

// For the binary's allocator and the argument parsing; its timing helpers go unused here.
#[path = "support/timing.rs"]
#[allow(dead_code)]
mod timing;

use splforge::check::{self, CheckOptions};
use splforge::config::Config;

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
    println!("{stage:<44} {now:>9.1} MB resident {peak:>9.1} MB peak");
}

fn main() {
    let (root, _) = timing::root_and_runs();
    let config = Config::default();
    let options = CheckOptions {
        today: "2026-01-01".into(),
        only_files: None,
    };
    report("start");
    // As `lint` runs: each file's model object and schema result are read as soon as it is
    // parsed, and its tree freed.
    let (repository, content, findings) = check::load_and_check(&root, &config, &options, None);
    let text: usize = repository.files.iter().map(|f| f.source.text.len()).sum();
    println!(
        "{} files, {:.1} MB of text, {} detections",
        repository.files.len(),
        text as f64 / 1e6,
        content.detections.len()
    );
    report(&format!(
        "load + model + check ({} findings)",
        findings.findings.len()
    ));
}
