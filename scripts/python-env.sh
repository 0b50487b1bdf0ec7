#!/usr/bin/env bash
# Creates (once) the Python tools venv used to build the model offline and to run the
# Python reference side of the benchmarks and parity fixtures. Prints the venv's python path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${TICKET_LENS_CACHE:-$HOME/.cache/ticket-lens}"
venv="$cache/venv"
req="$here/python/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "$venv/bin/python"; exit 0
fi
mkdir -p "$cache"
python3 -m venv "$venv" >&2
"$venv/bin/pip" install -q --upgrade pip >&2
# The CPU wheel on disk if there is one, else PyPI's CPU index is not reachable: plain pin.
"$venv/bin/pip" install -q torch==2.13.0 >&2
"$venv/bin/pip" install -q -r "$req" >&2
echo "$want" > "$stamp"
echo "$venv/bin/python"
