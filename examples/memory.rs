//! Where a lint's memory goes: the resident set after loading (text and trees) and after the
//! model and the check, run as `splforge lint` runs them (each file's tree freed once its
//! object is read and its schema checked; of each search's analysis only the summary kept).
//! One run, with the binary's allocator. For the scaling target of issue 9 (100k detections
//! under 2 GiB).
//!
//! Usage: cargo run --release --example memory -- DIR

// For the binary's allocator and the argument parsing; its timing helpers go unused here.
#[path = "support/timing.rs"]
#[allow(dead_code)]
mod timing;

use splforge::check::{self, CheckOptions};
use splforge::config::Config;
use splforge::load::{self, LoadLimits};

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
    let mut repository = load::load_repository(&root, LoadLimits::default());
    let text: usize = repository.files.iter().map(|f| f.source.text.len()).sum();
    println!(
        "{} files, {:.1} MB of text",
        repository.files.len(),
        text as f64 / 1e6
    );
    report("load (text + trees)");
    // As `lint` runs: the trees are freed as the model is built and the schema checked.
    let (_content, report_) = check::model_and_check(&mut repository, &config, &options);
    report(&format!(
        "model + check, trees freed ({} findings)",
        report_.findings.len()
    ));
}
