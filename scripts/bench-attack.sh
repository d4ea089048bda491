#!/usr/bin/env bash
# Measure how long loading one embedded ATT&CK release takes (issue 4: under 5 ms, release build).
# Each sample is a fresh process, since a release is decoded once per process and then cached.
#
#   scripts/bench-attack.sh [SAMPLES]      (default 30 per release)
#
# Prints min / median / max of the first catalogue() call per release and fails if a median
# is 5 ms or more.
set -euo pipefail
cd "$(dirname "$0")/.."
samples="${1:-30}"
limit_us=5000

cargo build --quiet --release --example attack_load
bin=target/release/examples/attack_load
# Wall-clock times: on a busy machine they grow with the load, so say what the load was.
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown), $(nproc) CPUs"
status=0
data=crates/splforge-attack/data/enterprise-attack.pack.json.gz
size=$(stat -c %s "$data")
echo "pack: $size bytes gzip, every release ($(paste -sd' ' crates/splforge-attack/data/releases.txt))"
while read -r version; do
    times=()
    for _ in $(seq "$samples"); do
        line="$("$bin" "$version")"
        times+=("$(sed -E 's/.*load_us=([0-9]+).*/\1/' <<<"$line")")
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    min=${sorted[0]}
    max=${sorted[$((samples - 1))]}
    median=${sorted[$((samples / 2))]}
    printf 'ATT&CK %-5s  load min %5d us  median %5d us  max %5d us  (%d runs)\n' \
        "$version" "$min" "$median" "$max" "$samples"
    if (( median >= limit_us )); then
        echo "  FAIL: median load time ${median} us >= ${limit_us} us" >&2
        status=1
    fi
done < crates/splforge-attack/data/releases.txt
exit "$status"
