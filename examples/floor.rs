//! The floor a full-corpus lint is measured against, in one process: the time to read every
//! content YAML file, and to turn every one of them into span-carrying events (counted but
//! not kept), on one thread and on every rayon thread: with granit-parser alone, and with the
//! block-style fast path (`load::yaml::block`), granit-parser taking the files it gives back.
//! Then the same for whole trees (`yaml::parse` against `yaml::parse_with_granit`, one
//! thread). Best of N runs each; the file list is built once, outside the timing.
//!
//! Usage: cargo run --release --example floor -- DIR [RUNS]

#[path = "support/timing.rs"]
mod timing;

use std::path::{Path, PathBuf};
use std::time::Duration;

use timing::{best, root_and_runs};

use rayon::prelude::*;

fn yaml_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
        .collect();
    files.sort();
    files
}

/// Every event of one file, its span read, as a tree builder would see them.
fn parse_events(text: &str) -> usize {
    let mut events = 0usize;
    for event in granit_parser::Parser::new_from_str(text) {
        match event {
            Ok((_, span)) => events += span.byte_range().map_or(1, |r| 1 + (r.end - r.start) % 2),
            Err(_) => break,
        }
    }
    events
}

/// The fast path's events of one file, or granit-parser's when it gives the file back;
/// returns (events, whether the fast path handled it).
fn fast_events(text: &str) -> (usize, bool) {
    let mut events = 0usize;
    let handled = splforge::load::yaml::block::events(text, |_, span| {
        events += 1 + (span.len() % 2);
        Ok(())
    });
    match handled {
        Ok(()) => (events, true),
        Err(_) => (parse_events(text), false),
    }
}

fn main() {
    let (root, runs) = root_and_runs();
    let files = yaml_files(&root);
    let (t_read, texts) = best(runs, || {
        files
            .par_iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect::<Vec<String>>()
    });
    let bytes: usize = texts.iter().map(String::len).sum();
    let (t_parse1, events) = best(runs, || {
        texts.iter().map(|t| parse_events(t)).sum::<usize>()
    });
    let (t_parse_n, _) = best(runs, || {
        texts.par_iter().map(|t| parse_events(t)).sum::<usize>()
    });
    let (t_fast1, handled) = best(runs, || texts.iter().filter(|t| fast_events(t).1).count());
    let (t_fast_n, _) = best(runs, || {
        texts.par_iter().map(|t| fast_events(t).0).sum::<usize>()
    });
    let limits = splforge::load::YamlLimits::default();
    let (t_tree_granit, _) = best(runs, || {
        texts
            .iter()
            .filter(|t| splforge::load::yaml::parse_with_granit(t, limits).is_ok())
            .count()
    });
    let (t_tree_fast, _) = best(runs, || {
        texts
            .iter()
            .filter(|t| splforge::load::yaml::parse(t, limits).is_ok())
            .count()
    });
    let ms = |t: Duration| t.as_secs_f64() * 1000.0;
    println!(
        "floor: {} YAML files, {:.1} MB, {} events; best of {runs} runs",
        files.len(),
        bytes as f64 / 1e6,
        events
    );
    println!(
        "floor read all files ({} threads)       {:>8.1} ms",
        rayon::current_num_threads(),
        ms(t_read)
    );
    println!(
        "floor parse all (granit-parser, 1 thread) {:>8.1} ms",
        ms(t_parse1)
    );
    println!(
        "floor parse all (granit-parser, {} threads) {:>6.1} ms",
        rayon::current_num_threads(),
        ms(t_parse_n)
    );
    println!(
        "fast  parse all (fast path, 1 thread)     {:>8.1} ms  ({handled} of {} files on the fast path)",
        ms(t_fast1),
        files.len()
    );
    println!(
        "fast  parse all (fast path, {} threads)     {:>6.1} ms",
        rayon::current_num_threads(),
        ms(t_fast_n)
    );
    println!(
        "trees all (granit-parser, 1 thread)       {:>8.1} ms",
        ms(t_tree_granit)
    );
    println!(
        "trees all (fast path, 1 thread)           {:>8.1} ms",
        ms(t_tree_fast)
    );
}
