//! Shared by the timing examples (`floor`, `stages`): included with `#[path]`, so it is not
//! an example of its own.

use std::time::{Duration, Instant};

/// The same allocator as the binary (src/main.rs), so the times match it.
#[global_allocator]
static GLOBAL: splforge::allocator::Mimalloc = splforge::allocator::Mimalloc;

/// The best (shortest) of `runs` timings of `f`, and the value of its last run.
pub fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let value = f();
        best = best.min(started.elapsed());
        out = Some(value);
    }
    (best, out.expect("at least one run"))
}

/// The first two command-line arguments: the content root (default `.`) and the number of
/// runs (default 5).
pub fn root_and_runs() -> (std::path::PathBuf, usize) {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    (root, runs)
}
