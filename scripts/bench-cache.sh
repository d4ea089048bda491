#!/usr/bin/env bash
# The lint cache on the real corpus (release build): full-corpus lint cold (`--no-cache`),
# warm (nothing changed: answered from the cache) and after an edit (one file changed: a
# miss, which re-checks everything and rewrites the entry), N runs each with hyperfine when
# installed (else a shell loop). Prints the medians and the ratio of `contentctl validate`
# (9.7 s on this machine, $CONTENTCTL_SECONDS to override; scripts of ../shared/bench time it)
# to warm lint, against issue 9's target of 300x.
#
# The cache lives in a temporary directory and the edits are made to a temporary copy of the
# corpus: the shared corpus is not written to.
# Usage: scripts/bench-cache.sh [RUNS]   (corpus: $SPLFORGE_CORPUS or ../shared/corpus/security_content-2024-10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
contentctl=${CONTENTCTL_SECONDS:-9.7}
target=300
corpus=${SPLFORGE_CORPUS:-../shared/corpus/security_content-2024-10}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
cargo build --release -q
bin=$PWD/target/release/splforge
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/corpus"
chmod -R u+w "$work/corpus"
edited=$work/corpus/detections/cloud/aws_iam_failure_group_deletion.yml
printf '#!/bin/sh\necho "# edit" >> %s\n' "$edited" >"$work/edit.sh"
chmod +x "$work/edit.sh"

echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); corpus: $corpus ($(find "$corpus" -name '*.yml' | wc -l) YAML files)"

# median_of LABEL COMMAND [PREPARE]: prints "LABEL median" seconds.
median_of() {
  local label=$1 command=$2 prepare=${3:-true}
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N -i --runs "$runs" --warmup 2 --prepare "$prepare" --export-json "$work/h.json" \
      "$command" >/dev/null 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.4f %.4f %.4f %.4f" % (r["median"], r["min"], r["max"], r["user"] + r["system"]))' "$work/h.json"
  else
    local times=()
    for _ in $(seq "$runs"); do
      bash -c "$prepare"
      local s=$EPOCHREALTIME
      bash -c "$command" >/dev/null 2>&1 || true
      local e=$EPOCHREALTIME
      times+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", e - s }')")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 }
      END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.4f %.4f %.4f nan\n", m, t[1], t[NR] }'
  fi
}

report() { # label, "median min max cpu"
  read -r median min max cpu <<<"$2"
  printf '%-30s median %.4f s  min %.4f s  max %.4f s  mean CPU (user+sys) %.4f s  (%d runs)\n' "$1" "$median" "$min" "$max" "$cpu" "$runs"
}

cold=$(median_of cold "$bin lint -q --no-cache --root $work/corpus")
report "lint, cold (--no-cache)" "$cold"
"$bin" lint -q --root "$work/corpus" --cache-dir "$work/cache" >/dev/null 2>&1 || true
warm=$(median_of warm "$bin lint -q --root $work/corpus --cache-dir $work/cache")
report "lint, warm (unchanged)" "$warm"
# Each run edits one file first (a new comment line): a miss every time.
edit=$(median_of edit "$bin lint -q --root $work/corpus --cache-dir $work/cache" "$work/edit.sh")
report "lint, one file edited (miss)" "$edit"

read -r cold_median _ <<<"$cold"
read -r warm_median _ <<<"$warm"
awk -v cold="$cold_median" -v warm="$warm_median" -v cc="$contentctl" -v target="$target" 'BEGIN {
  printf "warm vs cold: %.1fx faster\n", cold / warm
  printf "contentctl validate (%.1f s) / warm lint: %.0fx (target %dx: %s)\n", cc, cc / warm, target, (cc / warm >= target) ? "met" : "NOT met"
}'
