#!/usr/bin/env bash
# Benchmark the VHD upload (on demand, not in CI): a sparse 30 GiB fixed VHD holding 1 GiB of data, uploaded
# to the in-process emulator and to Azurite, against the time to just read the data and against
# `az storage blob upload --type page`.
#
# Installs Azurite (npm) into ${ASEGPU_CACHE:-$HOME/.cache/asegpu}/node when missing. The Azure CLI is used
# from ${ASEGPU_CACHE}/venv-azcli-2.66 when present (scripts/install-deps.sh), else that part is skipped.
# Environment: ASEGPU_BENCH_DIR (where the 30 GiB sparse file goes; default: target/bench-upload),
# ASEGPU_BENCH_DATA_MIB (default 1024), ASEGPU_BENCH_AZ_TIMEOUT (seconds, default 600).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/use-crate-mirror.sh
CACHE="${ASEGPU_CACHE:-$HOME/.cache/asegpu}"
if [ ! -x "$CACHE/node/node_modules/.bin/azurite-blob" ]; then
    if command -v npm >/dev/null; then
        echo "installing azurite into $CACHE/node" >&2
        mkdir -p "$CACHE/node"
        npm install --prefix "$CACHE/node" --no-audit --no-fund azurite >&2
    else
        echo "npm not found: the Azurite part of the benchmark will be skipped" >&2
    fi
fi
export ASEGPU_CACHE="$CACHE"
exec cargo bench --bench upload "$@"
