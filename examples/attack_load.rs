//! Time the first `attack::catalogue(VERSION)` call of a process: gunzip, JSON parse and
//! indexing of one embedded ATT&CK release. Run by `scripts/bench-attack.sh` (release build,
//! one process per sample, since a release is decoded once per process).
//!
//!     cargo run --release --example attack_load -- 18.1

use std::time::Instant;

use splforge::attack::{DEFAULT_VERSION, catalogue};

fn main() -> anyhow::Result<()> {
    let version = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_VERSION.to_string());
    let start = Instant::now();
    let first = catalogue(&version)?;
    let load = start.elapsed();
    let start = Instant::now();
    let again = catalogue(&version)?;
    let cached = start.elapsed();
    assert!(std::ptr::eq(first, again));
    println!(
        "attack {} load_us={} cached_ns={} techniques={} groups={}",
        first.version(),
        load.as_micros(),
        cached.as_nanos(),
        first.techniques().len(),
        first.groups().len()
    );
    Ok(())
}
