//! Times each stage of `splforge lint` on a content tree, one after the other, so a change
//! to one stage can be measured on its own: load (read + parse), model, index, schema, SPL
//! analysis, the rules, and the whole of `check::check`. Best of N runs per stage.
//!
//! Usage: cargo run --release --example stages -- DIR [RUNS]

use std::time::{Duration, Instant};

// The same allocator as the binary (src/main.rs), so the stage times match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use splforge::check::{self, CheckOptions, Context};
use splforge::config::Config;
use splforge::load::{self, LoadLimits};
use splforge::model::Content;

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let started = Instant::now();
        let value = f();
        best = best.min(started.elapsed());
        out = Some(value);
    }
    (best, out.expect("at least one run"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let config = Config::default();
    let options = CheckOptions {
        today: "2026-01-01".into(),
        only_files: None,
    };
    let (t_load, repository) = best(runs, || load::load_repository(&root, LoadLimits::default()));
    let (t_model, content) = best(runs, || Content::build(&repository));
    let (t_context, _) = best(runs, || {
        Context::new(&repository, &content, &config, &options)
            .index
            .names(load::ContentKind::Detection)
            .len()
    });
    let (t_schema, _) = best(runs, || {
        Context::new(&repository, &content, &config, &options)
            .schema_results()
            .len()
    });
    let (t_spl, _) = best(runs, || {
        Context::new(&repository, &content, &config, &options)
            .search_analyses()
            .len()
    });
    let (t_check, report) = best(runs, || {
        check::check(&repository, &content, &config, &options)
    });
    let rows = [
        ("load (read + parse, parallel)", t_load),
        ("model", t_model),
        ("context (index + ATT&CK)", t_context),
        ("schema (incl. context)", t_schema),
        ("SPL analysis (incl. context)", t_spl),
        ("check::check (all rules)", t_check),
        (
            "lint total (load + model + check)",
            t_load + t_model + t_check,
        ),
    ];
    println!(
        "{} files, {} findings; best of {runs} runs on {} threads",
        repository.files.len(),
        report.findings.len(),
        rayon::current_num_threads()
    );
    for (name, t) in rows {
        println!("{name:<36} {:>8.1} ms", t.as_secs_f64() * 1000.0);
    }
}
