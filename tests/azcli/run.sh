#!/usr/bin/env bash
# End-to-end test of the real Azure CLI (2.66.x) against asegpu-sim.
# Installs the CLI venv (cached; see install.sh), builds the emulator unless ASEGPU_SIM_BIN is given,
# then runs tests/azcli/test_azcli.py with pytest. Extra arguments go to pytest. Exits non-zero on failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${ASEGPU_CACHE:-$HOME/.cache/asegpu}/venv-azcli-2.66"

"$HERE/install.sh"

if [ -z "${ASEGPU_SIM_BIN:-}" ]; then
    (cd "$ROOT" && cargo build --quiet --bin asegpu-sim)
    export ASEGPU_SIM_BIN="$ROOT/target/debug/asegpu-sim"
fi

export ASEGPU_AZ="$VENV/bin/az" ASEGPU_AZCLI_REQUIRED=1
cd "$ROOT"
# No .pytest_cache or __pycache__ in the work tree (az itself still caches its .pyc files in the venv).
PYTHONDONTWRITEBYTECODE=1 exec "$VENV/bin/python" -m pytest -p no:cacheprovider -q -rfE "$HERE/test_azcli.py" "$@"
