#!/usr/bin/env bash
# End-to-end test of the real Azure CLI (2.66.x) against asegpu-sim.
# Installs the CLI venv (cached; see install.sh), builds the emulator unless ASEGPU_SIM_BIN is given,
# then runs the tests in tests/azcli/ with pytest (extra arguments go to pytest), then validates the recorded
# ARM traffic with oav (tests/oav/validate.sh). Exits non-zero when either fails.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${ASEGPU_CACHE:-$HOME/.cache/asegpu}/venv-azcli-2.66"

"$HERE/install.sh"

if [ -z "${ASEGPU_SIM_BIN:-}" ]; then
    (cd "$ROOT" && cargo build --quiet -p asegpu-sim)
    export ASEGPU_SIM_BIN="$ROOT/target/debug/asegpu-sim"
fi

export ASEGPU_AZ="$VENV/bin/az" ASEGPU_AZCLI_REQUIRED=1
# Each test module's emulator records its traffic here, for the oav validation below.
TRAFFIC="$(mktemp -d "${TMPDIR:-/tmp}/asegpu-azcli-traffic.XXXXXX")"
trap 'rm -rf "$TRAFFIC"' EXIT
export ASEGPU_TRAFFIC_DIR="$TRAFFIC"
cd "$ROOT"
# No .pytest_cache or __pycache__ in the work tree (az itself still caches its .pyc files in the venv).
set +e
PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/python" -m pytest -p no:cacheprovider -q -rfE "$HERE" "$@"
rc=$?
set -e
# The recorded ARM traffic against the official OpenAPI specs (tests/oav/validate.sh); skipped with
# ASEGPU_SKIP_OAV=1 or when no traffic was recorded (e.g. pytest selected nothing).
if [ "${ASEGPU_SKIP_OAV:-0}" != 1 ] && compgen -G "$TRAFFIC/*.jsonl" >/dev/null; then
    echo "--- oav: recorded traffic against the ARM specs"
    "$ROOT/tests/oav/validate.sh" "$TRAFFIC"/*.jsonl || rc=$((rc ? rc : 1))
fi
exit "$rc"
