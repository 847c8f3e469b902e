#!/usr/bin/env bash
# Idempotent installer of the Azure SDK for Python (management libraries that still carry the
# 2019-03-01-hybrid API versions, plus the blob data plane and azure-identity) and pytest, in a private
# venv for the SDK end-to-end test (tests/azsdk/test_sdk.py):
#
#   ${ASEGPU_CACHE:-$HOME/.cache/asegpu}/venv-azsdk
#
# Versions: the management packages are the ones azure-cli 2.66 (the last CLI with Azure Stack profiles)
# ships with, so they are known to hold Compute 2017-12-01/2017-03-30, Storage 2019-06-01 and Resources
# 2018-05-01; azure-mgmt-network 19.3.0 still holds Network 2017-10-01 (later releases dropped the
# pre-2018 versions). A healthy venv is reused as is (no network). Quiet on success; on failure the pip log
# is shown. Needs python3 >= 3.9 with the venv module.
set -euo pipefail

SPECS=(
    'azure-mgmt-resource==23.1.1'
    'azure-mgmt-compute==33.0.0'
    'azure-mgmt-network==19.3.0'
    'six'  # azure-mgmt-network 19.x's old API-version modules import six without declaring it
    'azure-mgmt-storage==21.2.0'
    'azure-storage-blob>=12.19,<13'
    'azure-identity>=1.15,<2'
    'azure-core>=1.30,<2'
    'pytest>=7,<9'
)
CACHE="${ASEGPU_CACHE:-$HOME/.cache/asegpu}"
VENV="$CACHE/venv-azsdk"
STAMP="$VENV/.asegpu-installed"
WANT="${SPECS[*]}"
PY="${PYTHON:-python3}"

say() { if [ "${ASEGPU_VERBOSE:-0}" = 1 ]; then echo "install.sh: $*" >&2; fi; }

healthy() {
    [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(head -n1 "$STAMP")" = "$WANT" ] \
        && "$VENV/bin/python" -c '
import pytest, azure.identity, azure.storage.blob
from azure.mgmt.compute.v2017_12_01 import ComputeManagementClient
from azure.mgmt.compute.v2017_03_30 import ComputeManagementClient as C2
from azure.mgmt.network.v2017_10_01 import NetworkManagementClient
from azure.mgmt.storage.v2019_06_01 import StorageManagementClient
from azure.mgmt.resource.resources.v2018_05_01 import ResourceManagementClient
' >/dev/null 2>&1
}

if healthy; then
    say "reusing $VENV"
    exit 0
fi

command -v "$PY" >/dev/null || { echo "install.sh: $PY not found" >&2; exit 1; }
mkdir -p "$CACHE"
LOG="$(mktemp "${TMPDIR:-/tmp}/asegpu-azsdk-install.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
fail() { echo "install.sh: $*" >&2; tail -n 40 "$LOG" >&2 || true; exit 1; }

say "building $VENV"
rm -rf "$VENV"
if ! "$PY" -m venv "$VENV" >>"$LOG" 2>&1; then
    rm -rf "$VENV"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        pyver="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        { apt-get install -y -qq "python${pyver}-venv" || { apt-get update -qq && apt-get install -y -qq "python${pyver}-venv"; }; } >>"$LOG" 2>&1 \
            || apt-get install -y -qq python3-venv >>"$LOG" 2>&1 || fail "could not install python3-venv"
        "$PY" -m venv "$VENV" >>"$LOG" 2>&1 || fail "python3 -m venv failed"
    else
        fail "python3 -m venv failed (on Debian: apt-get install python3-venv)"
    fi
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# --no-compile: the multi-API packages are large; Python compiles what the test imports on first use.
"$VENV/bin/python" -m pip install -q --no-compile "${SPECS[@]}" >>"$LOG" 2>&1 || fail "pip install failed"
printf '%s\n' "$WANT" >"$STAMP"
"$VENV/bin/python" -m pip freeze 2>/dev/null | grep -i '^azure' >>"$STAMP" || true
healthy || fail "the new venv is not healthy (an API version this test needs is missing)"
say "installed in $VENV"
