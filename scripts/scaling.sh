#!/usr/bin/env bash
# Scaling report (issue 9): generates synthetic repositories of 1k, 10k and 100k detections
# (examples/gen_corpus.rs, seeded, from the real corpus as template) and times a cold
# full `splforge lint` of each: wall and CPU seconds (best of RUNS), peak RSS, and both per
# 1k detections, so linear scaling shows as flat per-1k columns.
# Targets: 100k detections linted cold in under 10 s with under 2 GiB of memory.
#
# Usage: scripts/scaling.sh [SIZES...]   (default: 1000 10000 100000)
#   RUNS (default 3), SEED (default 42), SCALING_DIR (default a temp dir, removed after),
#   TEMPLATE (default ../shared/corpus/security_content-2024-10).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
runs=${RUNS:-3}
seed=${SEED:-42}
template=${TEMPLATE:-../shared/corpus/security_content-2024-10}
cargo build --release -q --bin splforge --example gen_corpus
if [ -n "${SCALING_DIR:-}" ]; then dir=$SCALING_DIR; mkdir -p "$dir"; else dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT; fi
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); seed $seed"
printf '%-8s %8s %9s %8s %8s %9s | %9s %9s %9s\n' detections files MB wall_s cpu_s rss_MB wall/1k cpu/1k rss/1k
for n in "${sizes[@]}"; do
  out="$dir/corpus-$n"
  target/release/examples/gen_corpus "$out" "$n" "$seed" "$template" >/dev/null
  files=$(find "$out" -name '*.yml' | wc -l)
  mb=$(du -sm "$out" | cut -f1)
  target/release/splforge lint -q --no-cache --root "$out" >/dev/null 2>&1 || true   # page cache
  best_wall=""; best_cpu=""; peak=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$dir/t" -f '%e %U %S %M' target/release/splforge lint -q --no-cache --root "$out" >/dev/null 2>&1 || true
    read -r wall user sys rss < <(tail -1 "$dir/t")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then best_wall=$wall; fi
    if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then best_cpu=$cpu; fi
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  awk -v n="$n" -v f="$files" -v mb="$mb" -v w="$best_wall" -v c="$best_cpu" -v r="$peak" 'BEGIN {
    k = n / 1000; rm = r / 1024;
    printf "%-8d %8d %9d %8.2f %8.2f %9.1f | %9.3f %9.3f %9.1f\n", n, f, mb, w, c, rm, w / k, c / k, rm / k }'
  [ -n "${SCALING_DIR:-}" ] || rm -rf "$out"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
