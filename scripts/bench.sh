#!/usr/bin/env bash
# splforge against contentctl 4.4.7, in one run on one machine (issue 9):
#   - full-corpus `splforge lint` vs `contentctl validate`, `splforge build` vs `contentctl build`:
#     min / median / max wall seconds of each and the ratio of the medians;
#   - splforge's single-file lint latency, docs time, and peak RSS of lint, build and docs;
#   - the floor: reading every YAML file, and parsing every one with granit-parser (the parser
#     splforge uses), on one thread and on all (examples/floor.rs).
# splforge runs are cold processes (no cache; the page cache is warm after a first run).
# CPU time (user + sys) is printed beside wall time: it does not grow with the machine's load.
#
# Usage: scripts/bench.sh [CORPUS]
#   RUNS (default 7): runs of each splforge command; CC_RUNS (default 3): runs of contentctl
#   (each validates and builds; ~25 s a run on an idle 2-core machine). CC_RUNS=0 skips it.
#   CONTENTCTL: the runner script (default ../shared/bench/contentctl-4.4.7.sh; it installs
#   contentctl 4.4.7 from PyPI in its own venv on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-${SPLFORGE_CORPUS:-../shared/corpus/security_content-2024-10}}
runs=${RUNS:-7}
cc_runs=${CC_RUNS:-3}
contentctl=${CONTENTCTL:-../shared/bench/contentctl-4.4.7.sh}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
cargo build --release -q --bin splforge --example floor
bin=target/release/splforge
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# stats LABEL FILE: min / median / max of the numbers in FILE (one per line).
stats() {
  sort -n "$2" | awk -v label="$1" '
    { t[NR] = $1 }
    END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
          printf "%-34s min %7.3f  median %7.3f  max %7.3f s  (%d runs)\n", label, t[1], m, t[NR], NR }'
}
median() { sort -n "$1" | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'; }

# measure NAME COMMAND...: RUNS timed runs (after one warm-up), appending wall seconds to
# $work/NAME.wall, CPU seconds to $work/NAME.cpu and peak RSS (KB) to $work/NAME.rss.
measure() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq "$runs"); do
    local start=$EPOCHREALTIME
    /usr/bin/time -o "$work/t" -f '%U %S %M' "$@" >/dev/null 2>&1 || true
    local end=$EPOCHREALTIME
    read -r user sys rss < <(tail -1 "$work/t")
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f\n", e - s }' >>"$work/$name.wall"
    awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f\n", u + s }' >>"$work/$name.cpu"
    echo "$rss" >>"$work/$name.rss"
  done
}

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(uname -sr)"
echo "== splforge $(git rev-parse --short HEAD 2>/dev/null || echo '?'); corpus $corpus ($(find "$corpus" -name '*.yml' | wc -l) YAML files, $(find "$corpus" -name '*.yml' -exec cat {} + | wc -c) bytes)"
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

measure lint "$bin" lint --no-cache --root "$corpus"
# Warm: the first (untimed) run of `measure` fills the cache, the timed runs hit it.
measure lint_warm "$bin" lint --cache-dir "$work/cache" --root "$corpus"
measure lint_one "$bin" lint -q --no-cache --root "$corpus" detections/cloud/aws_iam_failure_group_deletion.yml
measure build env SOURCE_DATE_EPOCH=0 "$bin" build --force --quiet --root "$corpus" --out "$work/out"
measure docs "$bin" docs --root "$corpus" --out "$work/site"
target/release/examples/floor "$corpus" "$runs" >"$work/floor"

if [ "$cc_runs" -gt 0 ]; then
  for _ in $(seq "$cc_runs"); do
    "$contentctl" "$corpus" >"$work/cc" 2>"$work/cc.err" || { cat "$work/cc.err" >&2; exit 1; }
    awk '$1 == "validate" { print $2 >> "'"$work"'/cc_validate.wall" }
         $1 == "build" { print $2 >> "'"$work"'/cc_build.wall" }' "$work/cc"
  done
  head -1 "$work/cc"
fi

echo
echo "== wall time (seconds)"
[ "$cc_runs" -gt 0 ] && stats "contentctl validate" "$work/cc_validate.wall"
stats "splforge lint (full corpus)" "$work/lint.wall"
stats "splforge lint (cached, unchanged)" "$work/lint_warm.wall"
[ "$cc_runs" -gt 0 ] && stats "contentctl build" "$work/cc_build.wall"
stats "splforge build (lint + app + tgz)" "$work/build.wall"
stats "splforge lint (one file)" "$work/lint_one.wall"
stats "splforge docs (markdown + html)" "$work/docs.wall"
echo
echo "== CPU time, user + sys (seconds)"
stats "splforge lint (full corpus)" "$work/lint.cpu"
stats "splforge lint (cached)" "$work/lint_warm.cpu"
stats "splforge build" "$work/build.cpu"
stats "splforge lint (one file)" "$work/lint_one.cpu"
stats "splforge docs" "$work/docs.cpu"
echo
echo "== peak RSS (MB, max over runs)"
for name in lint build docs lint_one; do
  sort -n "$work/$name.rss" | tail -1 | awk -v n="$name" '{ printf "%-34s %7.1f MB\n", n, $1 / 1024 }'
done
echo
echo "== floor (same run)"
cat "$work/floor"
echo
if [ "$cc_runs" -gt 0 ]; then
  echo "== ratios (contentctl median / splforge median, wall)"
  awk -v c="$(median "$work/cc_validate.wall")" -v s="$(median "$work/lint.wall")" \
    'BEGIN { r = c / s; printf "lint  vs contentctl validate: %6.1fx  (target >= 100x: %s)\n", r, (r >= 100) ? "met" : "NOT met" }'
  awk -v c="$(median "$work/cc_validate.wall")" -v s="$(median "$work/lint_warm.wall")" \
    'BEGIN { r = c / s; printf "cached lint vs validate:      %6.1fx  (target >= 300x: %s)\n", r, (r >= 300) ? "met" : "NOT met" }'
  awk -v c="$(median "$work/cc_build.wall")" -v s="$(median "$work/build.wall")" \
    'BEGIN { r = c / s; printf "build vs contentctl build:    %6.1fx  (target >= 50x: %s)\n", r, (r >= 50) ? "met" : "NOT met" }'
fi
awk -v s="$(median "$work/lint_one.wall")" \
  'BEGIN { printf "single-file lint: %.1f ms (target < 30 ms: %s)\n", s * 1000, (s < 0.030) ? "met" : "NOT met" }'
sort -n "$work/lint.rss" | tail -1 | awk '{ printf "peak RSS of lint: %.1f MB (target < 200 MB: %s)\n", $1 / 1024, ($1 < 200 * 1024) ? "met" : "NOT met" }'
echo "== load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
