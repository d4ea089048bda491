#!/usr/bin/env bash
# Pre-commit latency: `splforge lint FILE` (release build) on one file of the real corpus,
# N runs per file, for a detection, a story and a macro. Prints min / median / max wall time
# and the median CPU time (user + system, both cores), and fails when the median wall time of
# any file is 50 ms or more (issue 8's budget).
#
# Wall time grows with the machine's load (other builds on a shared 2-core box), so the load
# average is printed; CPU time is the load-independent figure.
#
# Usage: scripts/bench-single-file.sh [RUNS]   (corpus: $SPLFORGE_CORPUS or ../shared/corpus/security_content-2024-10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
budget_ms=50
corpus=${SPLFORGE_CORPUS:-../shared/corpus/security_content-2024-10}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
cargo build --release -q
bin=target/release/splforge
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); corpus: $corpus ($(find "$corpus" -name '*.yml' | wc -l) YAML files)"
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT
status=0
for file in detections/cloud/aws_iam_failure_group_deletion.yml stories/ransomware.yml macros/security_content_ctime.yml; do
  "$bin" lint -q --no-cache --root "$corpus" "$file" >/dev/null 2>&1 || true   # warm the page cache
  walls=(); cpus=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$timing" -f '%e %U %S' "$bin" lint -q --no-cache --root "$corpus" "$file" >/dev/null 2>&1 || true
    read -r wall user sys <"$timing"
    walls+=("$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }')")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
  done
  sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
  cpu_sorted=($(printf '%s\n' "${cpus[@]}" | sort -n))
  median=${sorted[$((runs / 2))]}
  printf '%-48s wall min %3d ms  median %3d ms  max %3d ms   cpu median %3d ms  (%d runs)\n' \
    "$file" "${sorted[0]}" "$median" "${sorted[$((runs - 1))]}" "${cpu_sorted[$((runs / 2))]}" "$runs"
  if (( median >= budget_ms )); then
    echo "  over budget: median wall ${median} ms >= ${budget_ms} ms" >&2
    status=1
  fi
done
exit "$status"
