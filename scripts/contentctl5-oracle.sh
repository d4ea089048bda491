#!/bin/sh
# contentctl 5.6.2 as an oracle: installs it in a cached venv (once) and prints every
# validation error it finds in a content tree, one per line (`path: message`), although
# `contentctl validate` itself stops at the first content type with an error
# (scripts/contentctl5_oracle.py reads each type on its own).
#
# Usage: scripts/contentctl5-oracle.sh TREE
#   TREE holds contentctl.yml. Exit status: 0 no error, 1 errors (listed on stdout),
#   3 the venv cannot be made (no python3.11+, no network for pip): the reason on stderr.
# Environment: SPLFORGE_CONTENTCTL5_VENV (default ~/.cache/splforge/contentctl-5.6.2-venv),
#   PYTHON (default: the first of python3.12, python3.11, python3 that is 3.11 or newer).
set -eu

tree=${1:?usage: contentctl5-oracle.sh TREE}
here=$(cd "$(dirname "$0")" && pwd)
venv=${SPLFORGE_CONTENTCTL5_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/splforge/contentctl-5.6.2-venv}

if ! "$venv/bin/python" -c 'import contentctl' 2>/dev/null; then
    python=${PYTHON:-}
    if [ -z "$python" ]; then
        for candidate in python3.12 python3.11 python3; do
            if command -v "$candidate" >/dev/null 2>&1 &&
                "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
                python=$candidate
                break
            fi
        done
    fi
    if [ -z "$python" ]; then
        echo "contentctl5-oracle: no Python 3.11 or newer to install contentctl 5.6.2 with" >&2
        exit 3
    fi
    mkdir -p "$(dirname "$venv")"
    if ! { "$python" -m venv "$venv" &&
        "$venv/bin/pip" install --quiet --disable-pip-version-check contentctl==5.6.2; } >&2; then
        echo "contentctl5-oracle: cannot install contentctl==5.6.2 into $venv" >&2
        rm -rf "$venv"
        exit 3
    fi
fi

exec "$venv/bin/python" "$here/contentctl5_oracle.py" "$tree"
