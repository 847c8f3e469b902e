#!/usr/bin/env bash
# End-to-end test of the Azure SDK for Python (2019-03-01-hybrid profile) against asegpu-sim.
# Installs the SDK venv (cached; see install.sh), builds the emulator unless ASEGPU_SIM_BIN is given,
# runs tests/azsdk/test_sdk.py with pytest (extra arguments go to pytest), then validates the recorded
# ARM traffic with oav (tests/oav/validate.sh; ASEGPU_SKIP_OAV=1 skips it). Exits non-zero when either fails.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${ASEGPU_CACHE:-$HOME/.cache/asegpu}/venv-azsdk"

"$HERE/install.sh"

if [ -z "${ASEGPU_SIM_BIN:-}" ]; then
    (cd "$ROOT" && cargo build --quiet -p asegpu-sim)
    export ASEGPU_SIM_BIN="$ROOT/target/debug/asegpu-sim"
fi

TRAFFIC="$(mktemp -d "${TMPDIR:-/tmp}/asegpu-azsdk-traffic.XXXXXX")"
trap 'rm -rf "$TRAFFIC"' EXIT
export ASEGPU_TRAFFIC_DIR="$TRAFFIC"
cd "$ROOT"
set +e
PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/python" -m pytest -p no:cacheprovider -q -rfE "$HERE/test_sdk.py" "$@"
rc=$?
set -e
if [ "${ASEGPU_SKIP_OAV:-0}" != 1 ] && compgen -G "$TRAFFIC/*.jsonl" >/dev/null; then
    echo "--- oav: recorded traffic against the ARM specs"
    "$ROOT/tests/oav/validate.sh" "$TRAFFIC"/*.jsonl || rc=$((rc ? rc : 1))
fi
exit "$rc"
