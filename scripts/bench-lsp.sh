#!/usr/bin/env bash
# Language server benchmark (issue 24): `splforge server` driven over stdio as an editor
# drives it (examples/lsp_bench.rs), on the 2024-10 corpus. Prints, with the server's CPU
# time:
#   - initialize -> first full diagnostics (target: under 1 s);
#   - keystroke in one detection -> its republished diagnostics, p50/p95/max over EDITS
#     scripted edits (target: p95 under 20 ms);
#   - resident memory after MEMORY_EDITS edits, and its growth per edit (target: under
#     300 MB, no growth).
# Figures only: nothing here fails on a number (no wall-clock assertion anywhere).
#
# Usage: scripts/bench-lsp.sh   (EDITS default 200, MEMORY_EDITS default 1000,
#   CORPUS default ../shared/corpus/security_content-2024-10,
#   DETECTION default detections/endpoint/7zip_commandline_to_smb_share_path.yml)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-../shared/corpus/security_content-2024-10}
detection=${DETECTION:-detections/endpoint/7zip_commandline_to_smb_share_path.yml}
if [ ! -d "$corpus" ]; then
  echo "skipped: no corpus at $corpus (set CORPUS)"
  exit 0
fi
cargo build --release -q --bin splforge --example lsp_bench
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $corpus ($(find "$corpus" -name '*.yml' | wc -l) YAML files); edited: $detection"
target/release/examples/lsp_bench target/release/splforge "$corpus" "$detection" \
  "${EDITS:-200}" "${MEMORY_EDITS:-1000}"
