#!/usr/bin/env bash
# Runs the real 2022 security_content docs generator on the look-alike 2022 inputs in
# tests/fixtures/docs_2022_cases/inputs and writes its pages to
# tests/fixtures/docs_2022_cases/expected (_posts/, _stories/, _pages/ and _data/).
# tests/it/docs_2022_cases.rs compares splforge's pages with those committed files.
#
# Needs ../shared/reference/security_content-2022-generator and the ATT&CK v10.1 STIX
# bundle in ../shared/data/attack/stix, and Python 3 with network access to PyPI for the
# venv (Jinja2 3.0.3, MarkupSafe 2.0.1, PyYAML 6.0.1: the 2022 generator's era).
# Usage: scripts/run-2022-generator.sh [VENV_DIR]   (default: target/venv-2022-generator)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SPLFORGE_SHARED:-../shared}
generator=$shared/reference/security_content-2022-generator
bundle=$shared/data/attack/stix/enterprise-attack-10.1.reassembled.json.gz
venv=${1:-target/venv-2022-generator}
cases=tests/fixtures/docs_2022_cases
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'jinja2==3.0.3' 'markupsafe==2.0.1' 'pyyaml==6.0.1'
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$venv/bin/python" scripts/run_2022_generator.py "$generator" "$bundle" "$cases/inputs" "$out"
rm -rf "$cases/expected"
mkdir -p "$cases/expected"
cp -r "$out/_posts" "$out/_stories" "$out/_pages" "$out/_data" "$cases/expected/"
echo "wrote $(find "$cases/expected" -type f | wc -l) pages to $cases/expected"

# The same for ../shared/golden/2022/inputs: every file the generator writes from them (the
# shared expected/ holds 20 of them), for tests/it/docs_2022_cases.rs.
golden=tests/fixtures/docs_2022_cases/golden_inputs_expected
out2=$(mktemp -d)
trap 'rm -rf "$out" "$out2"' EXIT
"$venv/bin/python" scripts/run_2022_generator.py "$generator" "$bundle" "$shared/golden/2022/inputs" "$out2" >/dev/null
rm -rf "$golden"
mkdir -p "$golden"
cp -r "$out2/_posts" "$out2/_stories" "$out2/_pages" "$out2/_data" "$golden/"
echo "wrote $(find "$golden" -type f | wc -l) pages to $golden"
