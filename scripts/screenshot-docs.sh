#!/usr/bin/env bash
# Renders the HTML docs site of a content repository, opens it in headless Chromium,
# saves screenshots of the index (with a search typed in), of one detection page, of the
# ATT&CK coverage map and of a page served by `splforge docs --serve` (with its lint
# findings at the top), and fails when the browser reports a console error (script error,
# refused or missing file).
#
#   scripts/screenshot-docs.sh [CONTENT_ROOT] [OUT_DIR]
#
# The PNGs go to OUT_DIR (docs/screenshots holds the ones the README shows); the site and
# the browser logs stay under target/docs-screenshots.
#
# Needs the Debian package `chromium`. Without it the script says so and exits 0, unless
# REQUIRE_CHROMIUM=1 (then it exits 1). Nothing is fetched from the network: the site is
# opened from file:// and the browser runs with its background networking switched off.
set -euo pipefail
cd "$(dirname "$0")/.."

ROOT=${1:-../shared/corpus/security_content-2024-10}
OUT=${2:-target/docs-screenshots}

BROWSER=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$BROWSER" ]; then
    echo "screenshot-docs: skipped: chromium is not installed (apt-get install chromium)"
    [ "${REQUIRE_CHROMIUM:-0}" = 1 ] && exit 1
    exit 0
fi
if [ ! -d "$ROOT" ]; then
    echo "screenshot-docs: skipped: $ROOT is absent"
    exit 0
fi

cargo build --quiet --release
mkdir -p "$OUT"
WORK=target/docs-screenshots
mkdir -p "$WORK"
SITE="$WORK/site"
target/release/splforge docs --quiet --root "$ROOT" --format html --out "$SITE"

SITE_ABS=$(cd "$SITE/html" && pwd)
DETECTION=${DOCS_SCREENSHOT_DETECTION:-anomalous_usage_of_7zip.html}
if [ ! -f "$SITE_ABS/detections/$DETECTION" ]; then
    for page in "$SITE_ABS"/detections/*.html; do DETECTION=$(basename "$page"); break; done
fi
SERVED=${DOCS_SCREENSHOT_SERVED:-detections/windows_ad_add_self_to_group.html}
PROFILE=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill -INT "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$PROFILE"
}
trap cleanup EXIT

failed=0
shoot() { # name url [timing flag]
    # A served page keeps its event stream open, and virtual time waits for every request
    # to end: that page is shot after a fixed time instead.
    local name=$1 url=$2 timing=${3:---virtual-time-budget=3000} log="$WORK/$1.console.log"
    "$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-default-apps --disable-extensions --user-data-dir="$PROFILE/$name" \
        --enable-logging=stderr --v=0 --hide-scrollbars --window-size=1280,1400 \
        "$timing" --screenshot="$OUT/$name.png" "$url" \
        >"$log" 2>&1 || { echo "screenshot-docs: chromium failed on $url"; failed=1; }
    if grep -E 'CONSOLE|Uncaught|Refused to|Failed to load resource' "$log"; then
        echo "screenshot-docs: console errors on $url (see $log)"
        failed=1
    fi
    if [ ! -s "$OUT/$name.png" ]; then
        echo "screenshot-docs: no screenshot for $url"
        failed=1
    else
        echo "screenshot-docs: $OUT/$name.png"
    fi
}

shoot index "file://$SITE_ABS/index.html?q=powershell%20encoded"
shoot detection "file://$SITE_ABS/detections/$DETECTION"
shoot coverage "file://$SITE_ABS/coverage.html"

# A page served by `docs --serve` on a free port: the server prints its address.
SERVER_LOG="$WORK/serve.log"
target/release/splforge docs --serve --port 0 --root "$ROOT" 2>"$SERVER_LOG" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    grep -q 'at http://127.0.0.1:' "$SERVER_LOG" && break
    sleep 0.1
done
ADDRESS=$(grep -o 'http://127.0.0.1:[0-9]*/' "$SERVER_LOG" | head -1)
if [ -z "$ADDRESS" ]; then
    echo "screenshot-docs: docs --serve did not start:"; cat "$SERVER_LOG"; exit 1
fi
shoot served "$ADDRESS$SERVED" --timeout=4000
kill -INT "$SERVER_PID"
wait "$SERVER_PID" || { echo "screenshot-docs: docs --serve did not stop cleanly"; failed=1; }
SERVER_PID=
exit $failed
