//! Times `splforge server` as an editor uses it (run by `scripts/bench-lsp.sh`):
//! initialize to the first full diagnostics; a keystroke in one detection to its
//! republished diagnostics, over scripted edits (p50/p95/max); the server's resident
//! memory after many edits. Prints figures, with the server's CPU time; asserts nothing.
//!
//! Usage: cargo run --release --example lsp_bench -- BINARY ROOT DETECTION [EDITS] [MEMORY_EDITS]

#[path = "../tests/it/lsp/client.rs"]
mod client;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

/// The server's user + system CPU time, from /proc.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

/// The server's resident set size in MiB, from /proc.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: lsp_bench BINARY ROOT DETECTION [EDITS] [MEMORY_EDITS]");
        std::process::exit(2);
    }
    let (binary, root, detection) = (Path::new(&args[1]), Path::new(&args[2]), &args[3]);
    let edits: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(200);
    let memory_edits: usize = args.get(5).and_then(|a| a.parse().ok()).unwrap_or(1000);

    // Initialize to the first full diagnostics: the whole repository's publications come
    // in one burst, before the server reads its next message, so a request sent after the
    // first of them is answered after the last.
    let started = Instant::now();
    let (mut client, _) = client::Client::start(binary, root);
    let pid = client.child.id();
    let first = loop {
        let message = client.next_message();
        if message["method"] == "textDocument/publishDiagnostics" {
            break message;
        }
    };
    let _ = first;
    client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": client.uri(detection)}, "position": {"line": 0, "character": 0}}),
    );
    let initial = started.elapsed();
    let files = 1 + client.published_files().len();
    println!(
        "initialize -> first full diagnostics: {} ({files} files with findings; server CPU {})",
        ms(initial),
        ms(cpu_time(pid))
    );

    // Keystrokes: type a character into the search and delete it again, as a person
    // fixing a typo; each edit waits for the diagnostics of its own version.
    let text = std::fs::read_to_string(root.join(detection)).expect("the detection");
    let search_line = text
        .lines()
        .position(|l| l.starts_with("search:"))
        .expect("a search: line");
    let column = text.lines().nth(search_line).map_or(0, |l| l.len()) as u64 - 1;
    client.open(detection, &text);
    client.publication(detection);
    let at = json!({"line": search_line, "character": column});
    let after = json!({"line": search_line, "character": column + 1});
    let mut version: i64 = 1;
    let keystroke = |client: &mut client::Client, version: &mut i64| -> Duration {
        *version += 1;
        let (range, typed) = if *version % 2 == 0 {
            (json!({"start": at, "end": at}), "x")
        } else {
            (json!({"start": at, "end": after}), "")
        };
        let sent = Instant::now();
        client.edit(detection, *version, range, typed);
        loop {
            let published = client.publication(detection);
            if published["version"] == *version {
                return sent.elapsed();
            }
        }
    };
    let cpu_before = cpu_time(pid);
    let mut latencies: Vec<Duration> = (0..edits)
        .map(|_| keystroke(&mut client, &mut version))
        .collect();
    let cpu_edits = cpu_time(pid).saturating_sub(cpu_before);
    latencies.sort();
    println!(
        "keystroke -> republished diagnostics over {edits} edits: p50 {}, p95 {}, max {} (server CPU {} per edit)",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(*latencies.last().unwrap_or(&Duration::ZERO)),
        ms(cpu_edits / edits.max(1) as u32)
    );

    // Memory: resident size after a tenth of the edits and after all of them.
    let mut samples = Vec::new();
    for i in 1..=memory_edits {
        keystroke(&mut client, &mut version);
        if i == memory_edits / 10 || i == memory_edits {
            samples.push((i, rss_mib(pid)));
        }
    }
    client.published_files();
    if let [(early_at, early), (late_at, late)] = samples[..] {
        println!(
            "resident memory: {early:.0} MiB after {early_at} edits, {late:.0} MiB after {late_at} ({:+.1} KiB per edit in between)",
            (late - early) * 1024.0 / (late_at - early_at) as f64
        );
    }
    client.shutdown();
}
