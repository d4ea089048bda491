#!/usr/bin/env bash
# Times a full build of a content tree (default: the shared corpus), best and median of N runs.
#
#   scripts/bench-build.sh [CONTENT_ROOT] [RUNS]
#
# Target: under 1.5 s for the 2024-10 corpus on the project's 2-core machine
# (contentctl 4.4.7 takes ~12 s). Uses `splforge build` once the CLI has it, else the
# build_app example (same library call, no lint).
set -euo pipefail
cd "$(dirname "$0")/.."
root="${1:-${SPLFORGE_CORPUS:-../shared/corpus/security_content-2024-10}}"
runs="${2:-5}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cargo build --release --quiet --example build_app
runner=(target/release/examples/build_app "$root" "$out")

times=()
for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    SOURCE_DATE_EPOCH=0 "${runner[@]}" >/dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(echo "$sorted" | head -1)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
echo "build of $root: best ${best} s, median ${median} s over ${runs} runs (target < 1.5 s)"
awk -v m="$median" 'BEGIN { exit !(m < 1.5) }' || { echo "over the 1.5 s target" >&2; exit 1; }
