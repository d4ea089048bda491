#!/usr/bin/env bash
# Run Splunk AppInspect on a built package and print its failure and error counts.
#
#   scripts/appinspect.sh PACKAGE.tar.gz [--mode precert|test]
#
# Makes (once) a Python venv at ${SPLFORGE_APPINSPECT_VENV:-.venv-appinspect} with
# `pip install splunk-appinspect`, runs `splunk-appinspect inspect` with a JSON report and
# exits non-zero when the report has any failure or error.
set -euo pipefail

package="${1:?usage: scripts/appinspect.sh PACKAGE.tar.gz}"
venv="${SPLFORGE_APPINSPECT_VENV:-.venv-appinspect}"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/splunk-appinspect" ]]; then
    echo "appinspect: creating venv $venv" >&2
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip >&2
    "$venv/bin/pip" install --quiet splunk-appinspect >&2
fi

report="$(mktemp --suffix=.json)"
trap 'rm -f "$report"' EXIT
# AppInspect exits non-zero on failures; the counts below decide.
"$venv/bin/splunk-appinspect" inspect "$package" \
    --mode "${APPINSPECT_MODE:-test}" \
    --output-file "$report" --data-format json >/dev/null 2>&1 || true

"$venv/bin/python" - "$report" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    report = json.load(f)
summary = report.get("summary", {})
failures = summary.get("failure", 0)
errors = summary.get("error", 0)
for item in report.get("reports", []):
    for group in item.get("groups", []):
        for check in group.get("checks", []):
            if check.get("result") in ("failure", "error"):
                print(f"{check['result']}: {check['name']}")
                for message in check.get("messages", [])[:5]:
                    print(f"    {message.get('message', '')[:300]}")
print(f"appinspect: {failures} failures, {errors} errors, "
      f"{summary.get('warning', 0)} warnings, {summary.get('success', 0)} successes")
sys.exit(1 if failures or errors else 0)
PY
