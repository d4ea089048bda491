#!/usr/bin/env bash
# Run Splunk AppInspect on a built package and print its failure and error counts.
#
#   scripts/appinspect.sh PACKAGE.tar.gz
#
# Makes (once) a Python venv at ${SPLFORGE_APPINSPECT_VENV:-.venv-appinspect} with
# `pip install splunk-appinspect`, runs `splunk-appinspect inspect` with a JSON report and
# exits non-zero when the report has any failure or error. Every warning is printed with
# its check; with APPINSPECT_STRICT=1 a warning also fails, unless its check is named in
# APPINSPECT_CONTENT_WARNINGS (comma-separated: warnings the content causes, not splforge).
# APPINSPECT_TAGS="cloud" runs only the checks with those tags (--included-tags).
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
tags=()
for tag in ${APPINSPECT_TAGS:-}; do tags+=(--included-tags "$tag"); done
"$venv/bin/splunk-appinspect" inspect "$package" \
    --mode "${APPINSPECT_MODE:-test}" "${tags[@]}" \
    --output-file "$report" --data-format json >/dev/null 2>&1 || true

"$venv/bin/python" - "$report" "${APPINSPECT_STRICT:-0}" "${APPINSPECT_CONTENT_WARNINGS:-}" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    report = json.load(f)
strict = sys.argv[2] == "1"
content = {name for name in sys.argv[3].split(",") if name}
summary = report.get("summary", {})
failures = summary.get("failure", 0)
errors = summary.get("error", 0)
ours = 0
for item in report.get("reports", []):
    for group in item.get("groups", []):
        for check in group.get("checks", []):
            result = check.get("result")
            if result not in ("failure", "error", "warning"):
                continue
            whose = ""
            if result == "warning":
                whose = " (the content's)" if check["name"] in content else " (splforge's)"
                ours += check["name"] not in content
            print(f"{result}: {check['name']}{whose}")
            for message in check.get("messages", [])[:5]:
                print(f"    {message.get('message', '')[:300]}")
print(f"appinspect: {failures} failures, {errors} errors, "
      f"{summary.get('warning', 0)} warnings ({ours} not the content's), "
      f"{summary.get('success', 0)} successes")
sys.exit(1 if failures or errors or (strict and ours) else 0)
PY
