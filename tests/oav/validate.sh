#!/usr/bin/env bash
# Validate recorded emulator traffic against the official ARM OpenAPI specs with oav's LiveValidator.
#
#   tests/oav/validate.sh TRAFFIC.jsonl...
#
# Installs oav@4.0.3 with npm into ${ASEGPU_CACHE:-$HOME/.cache/asegpu}/oav (once; reused offline after),
# converts the traffic files (asegpu-sim --record-traffic: one {"liveRequest":…,"liveResponse":…} per line)
# to oav's array format, dropping (and listing, with the reason) the pairs outside the specs in
# shared/fixtures/arm-specs (metadata, AD FS, blob data plane, /_sim, LRO status monitors, api-versions
# without a spec file), runs the spec directory's validate-example.mjs on the rest, and checks its result
# against known-spec-quirks.json (violations that are the old specs' own defects, each with the reason).
# Exit 0 when every kept pair is valid apart from those listed quirks; non-zero otherwise.
# ASEGPU_ARM_SPECS overrides the specs directory (default: <repo>/../shared/fixtures/arm-specs).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SPECS="${ASEGPU_ARM_SPECS:-$ROOT/../shared/fixtures/arm-specs}"
OAV_DIR="${ASEGPU_CACHE:-$HOME/.cache/asegpu}/oav"
OAV_VERSION=4.0.3
PY="${PYTHON:-python3}"

[ $# -ge 1 ] || { echo "usage: $0 TRAFFIC.jsonl..." >&2; exit 2; }
[ -f "$SPECS/validate-example.mjs" ] || { echo "validate.sh: no specs at $SPECS (set ASEGPU_ARM_SPECS)" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "validate.sh: node and npm are needed (Node.js >= 20)" >&2; exit 1; }

installed() {
    [ "$(node -p "require('$OAV_DIR/node_modules/oav/package.json').version" 2>/dev/null)" = "$OAV_VERSION" ]
}
if ! installed; then
    mkdir -p "$OAV_DIR"
    LOG="$(mktemp "${TMPDIR:-/tmp}/asegpu-oav-install.XXXXXX")"
    [ -f "$OAV_DIR/package.json" ] || echo '{"name":"asegpu-oav","private":true}' >"$OAV_DIR/package.json"
    if ! (cd "$OAV_DIR" && npm install --no-audit --no-fund --loglevel=error "oav@$OAV_VERSION") >"$LOG" 2>&1; then
        echo "validate.sh: npm install oav@$OAV_VERSION failed" >&2; tail -n 30 "$LOG" >&2; rm -f "$LOG"; exit 1
    fi
    rm -f "$LOG"
    installed || { echo "validate.sh: oav $OAV_VERSION is not installed in $OAV_DIR" >&2; exit 1; }
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/asegpu-oav.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
"$PY" "$HERE/to_pairs.py" "$WORK/pairs.json" "$@"
set +e
(cd "$OAV_DIR" && node "$SPECS/validate-example.mjs" "$WORK/pairs.json" --specs "$SPECS") >"$WORK/oav.out" 2>&1
oav_rc=$?
set -e
"$PY" "$HERE/check_result.py" "$WORK/oav.out" "$oav_rc" "$HERE/known-spec-quirks.json"
