#!/usr/bin/env bash
# Idempotent installer of the real Azure CLI 2.66.x (the last line with Azure Stack profiles) plus
# pytest, in a private venv for the az-cli end-to-end test (tests/azcli/test_azcli.py).
#
#   ${ASEGPU_CACHE:-$HOME/.cache/asegpu}/venv-azcli-2.66
#
# A healthy existing venv is reused as is (no network). Otherwise it is (re)built from PyPI; pip's own
# cache makes a rebuild quick. Quiet on success; on failure the pip log is shown. Prints nothing else
# unless ASEGPU_VERBOSE=1. Needs python3 >= 3.9 with the venv module.
set -euo pipefail

AZ_SPEC='azure-cli==2.66.*'
PYTEST_SPEC='pytest>=7,<9'
CACHE="${ASEGPU_CACHE:-$HOME/.cache/asegpu}"
VENV="$CACHE/venv-azcli-2.66"
STAMP="$VENV/.asegpu-installed"
WANT="$AZ_SPEC $PYTEST_SPEC"
PY="${PYTHON:-python3}"

say() { if [ "${ASEGPU_VERBOSE:-0}" = 1 ]; then echo "install.sh: $*" >&2; fi; }

healthy() {
    [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/az" ] && [ -f "$STAMP" ] \
        && [ "$(head -n1 "$STAMP")" = "$WANT" ] \
        && "$VENV/bin/python" -c 'import azure.cli.core, msal, pytest' >/dev/null 2>&1
}

if healthy; then
    say "reusing $VENV ($(sed -n 2p "$STAMP"))"
    exit 0
fi

command -v "$PY" >/dev/null || { echo "install.sh: $PY not found" >&2; exit 1; }
mkdir -p "$CACHE"
LOG="$(mktemp "${TMPDIR:-/tmp}/asegpu-azcli-install.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
fail() { echo "install.sh: $*" >&2; tail -n 40 "$LOG" >&2 || true; exit 1; }

say "building $VENV"
rm -rf "$VENV"
if ! "$PY" -m venv "$VENV" >>"$LOG" 2>&1; then
    # Debian splits ensurepip into python3-venv; install it when we can (root + apt), then retry.
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
# --no-compile: byte-compiling all ~700 MB of azure-cli up front more than doubles the install time;
# Python compiles the modules az really imports on first use instead (the warm-up below does most).
"$VENV/bin/python" -m pip install -q --no-compile "$AZ_SPEC" "$PYTEST_SPEC" >>"$LOG" 2>&1 \
    || fail "pip install $AZ_SPEC failed"

azver="$("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("azure-cli"))')" \
    || fail "azure-cli is not importable after install"
# Smoke test and warm-up: loads every command module (builds az's command index in a throw-away config
# dir), writing their .pyc files even where PYTHONDONTWRITEBYTECODE is set. Not `az version`, which asks
# PyPI for the newest release.
WARM="$(mktemp -d "${TMPDIR:-/tmp}/asegpu-azcli-warm.XXXXXX")"
env -u PYTHONDONTWRITEBYTECODE AZURE_CONFIG_DIR="$WARM" AZURE_CORE_COLLECT_TELEMETRY=false \
    "$VENV/bin/az" group --help >>"$LOG" 2>&1 \
    || { rm -rf "$WARM"; fail "az does not start"; }
rm -rf "$WARM"
printf '%s\nazure-cli %s\n' "$WANT" "$azver" >"$STAMP"
healthy || fail "the new venv is not healthy"
say "installed azure-cli $azver in $VENV"
