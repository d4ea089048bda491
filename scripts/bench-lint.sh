#!/usr/bin/env bash
# Times `splforge lint` (release build) on the real corpus: full-corpus lint and single-file
# lint, N runs each, printing min / median / max wall seconds and the ratio to a 1 s budget.
# Usage: scripts/bench-lint.sh [RUNS]   (corpus: $SPLFORGE_CORPUS or ../shared/corpus/security_content-2024-10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
corpus=${SPLFORGE_CORPUS:-../shared/corpus/security_content-2024-10}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
cargo build --release -q
bin=target/release/splforge

time_runs() { # label, command...
  local label=$1; shift
  local times=()
  "$@" >/dev/null 2>&1 || true   # warm the page cache once
  for _ in $(seq "$runs"); do
    local s=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || true
    local e=$EPOCHREALTIME
    times+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", e - s }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '
    { t[NR] = $1 }
    END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
          printf "%-28s min %.3f s  median %.3f s  max %.3f s  (%d runs)\n", label, t[1], m, t[NR], NR }'
}

echo "machine: $(nproc) cores, $(uname -m); corpus: $corpus"
time_runs "lint (full corpus)" "$bin" lint --no-cache --root "$corpus"
time_runs "lint (one file)" "$bin" lint --no-cache --root "$corpus" "$corpus/detections/cloud/aws_iam_failure_group_deletion.yml"
time_runs "floor: read all files" find "$corpus" -name '*.yml' -exec cat {} +
