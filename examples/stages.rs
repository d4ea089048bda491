//! Times each stage of `splforge lint` on a content tree, one after the other, so a change
//! to one stage can be measured on its own: load (read + parse), model, index, schema, SPL
//! analysis, the rules, and the whole of `check::check`. Best of N runs per stage.
//!
//! Usage: cargo run --release --example stages -- DIR [RUNS]

#[path = "support/timing.rs"]
mod timing;

use timing::{best, root_and_runs};

use splforge::check::{self, CheckOptions, Context};
use splforge::config::Config;
use splforge::load::{self, LoadLimits};
use splforge::model::Content;

fn main() {
    let (root, runs) = root_and_runs();
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
