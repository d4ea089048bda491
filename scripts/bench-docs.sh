#!/usr/bin/env bash
# Times `docs` (Markdown and HTML) over the full 4.x corpus, load and model included,
# and fails when it takes longer than the budget (default 2 s, DOCS_BUDGET_SECONDS).
#
#   scripts/bench-docs.sh [CONTENT_ROOT]
set -euo pipefail
cd "$(dirname "$0")/.."

ROOT=${1:-../shared/corpus/security_content-2024-10}
BUDGET=${DOCS_BUDGET_SECONDS:-2}
ATTACK=../shared/data/attack/enterprise-attack-v10.1.techniques.jsonl
if [ ! -d "$ROOT" ]; then
    echo "bench-docs: skipped: $ROOT is absent"
    exit 0
fi

cargo build --quiet --release --example docs_site
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
attack_args=()
[ -f "$ATTACK" ] && attack_args=(--attack "$ATTACK")

best=""
TIMEFORMAT='%R %U %S'
for run in 1 2 3; do
    { time target/release/examples/docs_site "$ROOT" "$OUT/site" "${attack_args[@]}" markdown html 2>"$OUT/log"; } 2>"$OUT/time"
    read -r took user sys <"$OUT/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
    echo "bench-docs: run $run: ${took}s wall, ${cpu}s cpu (user+sys)"
    if [ -z "$best" ] || awk -v t="$took" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$took; fi
done
echo "bench-docs: load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
cat "$OUT/log"
echo "bench-docs: best of 3: ${best}s (budget ${BUDGET}s)"
if awk -v b="$best" -v limit="$BUDGET" 'BEGIN { exit !(b > limit) }'; then
    echo "bench-docs: over budget"
    exit 1
fi
