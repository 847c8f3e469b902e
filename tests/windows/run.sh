#!/usr/bin/env bash
# Runs the C ABI test (tests/c/test_foundation.c) against the WINDOWS build of asegpu, under Wine, talking to the
# LINUX emulator (target/debug/asegpu-sim) on 127.0.0.1.
#   1. installs wine64 (apt) if missing; builds + checks asegpu.dll with scripts/build-windows.sh;
#   2. cross-compiles the test exe with x86_64-w64-mingw32-gcc (-static: winpthreads and the C runtime parts are
#      linked in, so only asegpu.dll has to sit beside the exe) and the Wine-only bcryptprimitives.dll shim;
#   3. starts the emulator exactly like tests/c/run.sh and runs the exe under wine64 with the ASEGPU_TEST_* variables
#      (Wine passes the Unix environment through to Windows programs); the CA file is passed as a Windows path
#      (Z:\... which Wine maps to /...).
# Environment:
#   ASEGPU_CACHE            cache dir (default ~/.cache/asegpu); the Wine prefix lives in $ASEGPU_CACHE/wine and is
#                           reused between runs (creating it takes ~10 s).
#   ASEGPU_WINE_TIMEOUT     seconds before the test exe is killed (default 300).
#   ASEGPU_TEST_WINE=1      is set for the test: it skips the "untrusted CA" case only when Wine's crypt32 ECDSA
#                           bug hit it (the error carries TRUST_E_CERT_SIGNATURE, -2146869244); see the test.
# The prefix is a throwaway: delete $ASEGPU_CACHE/wine to reset it. Runs sharing a prefix are serialised (flock).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
cache=${ASEGPU_CACHE:-$HOME/.cache/asegpu}
wine=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"

if [ ! -x "$wine" ]; then
    echo "run.sh: installing wine64 (apt)" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine64 >/dev/null
fi

t0=$SECONDS
dll=$(scripts/build-windows.sh | tail -n 1)
cargo build --quiet --workspace --bins

out=target/windows-test
mkdir -p "$out"
# The exe looks for its DLLs in its own directory first (the standard Windows search order).
ln -f "$dll" "$out/asegpu.dll" 2>/dev/null || cp -f "$dll" "$out/asegpu.dll"
if [ ! "$out/bcryptprimitives.dll" -nt tests/windows/bcryptprimitives_shim.c ]; then
    x86_64-w64-mingw32-gcc -O2 -Wall -Werror -shared -o "$out/bcryptprimitives.dll" \
        tests/windows/bcryptprimitives_shim.c -lbcrypt
fi
x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O1 -g -static -o "$out/test_foundation.exe" \
    tests/c/test_foundation.c -Iinclude "$(dirname "$dll")/libasegpu.dll.a" -lpthread
# Only Windows system DLLs plus asegpu.dll may be needed at run time (no libwinpthread-1.dll etc.).
x86_64-w64-mingw32-objdump -p "$out/test_foundation.exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' \
    | grep -vxE 'kernel32\.dll|msvcrt\.dll|asegpu\.dll|api-ms-win-[a-z0-9-]+\.dll' \
    && { echo "run.sh: test_foundation.exe needs unexpected DLLs (above)" >&2; exit 1; }

export WINEPREFIX="$cache/wine" WINEDEBUG=${WINEDEBUG:--all} WINEARCH=win64
# No Mono/Gecko installers, no desktop menu entries; no X display needed for a console program.
export WINEDLLOVERRIDES="mscoree=d;mshtml=d;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$cache"
t_build=$((SECONDS - t0))
# One run at a time per prefix (cleanup stops this prefix's wineserver).
exec 9>"$cache/wine.lock"
flock 9
t1=$SECONDS
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "run.sh: creating Wine prefix $WINEPREFIX" >&2
    "$wine" wineboot --init >/dev/null 2>&1 || true
    "$wineserver" -w
    [ -f "$WINEPREFIX/system.reg" ] || { echo "run.sh: could not create the Wine prefix" >&2; exit 1; }
fi

work=$(mktemp -d)
sim_pid=""
cleanup() {
    [ -z "$sim_pid" ] || { kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; }
    "$wineserver" -k 2>/dev/null || true    # only this prefix's server (and its processes)
    rm -rf "$work"
}
trap cleanup EXIT
export ASEGPU_TEST_PASSWORD="Win-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
ASEGPU_SIM_PASSWORD="$ASEGPU_TEST_PASSWORD" target/debug/asegpu-sim --work-dir "$work" --time-scale 100000 --retry-after 0 \
    > "$work/ready.json" 2> "$work/sim.log" &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/ready.json" ] && break; sleep 0.1; done
[ -s "$work/ready.json" ] || { echo "emulator did not start"; cat "$work/sim.log"; exit 1; }
field() { python3 -c "import json,sys; print(json.load(open('$work/ready.json'))['$1'])"; }
export ASEGPU_TEST_ARM=$(field arm_endpoint) ASEGPU_TEST_ARM_IP=$(field arm_endpoint_ip)
export ASEGPU_TEST_THUMBPRINT=$(field thumbprint)
ca=$(field ca_cert)
case "$ca" in /*) ;; *) ca="$PWD/$ca" ;; esac
export ASEGPU_TEST_CA="Z:${ca//\//\\}"      # /tmp/x/ca.pem -> Z:\tmp\x\ca.pem
dead_port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
export ASEGPU_TEST_DEAD_ENDPOINT="https://127.0.0.1:$dead_port/"
# Lets the test skip exactly one Wine artefact (Wine 8.0 crypt32 rejects ECDSA signatures with a short r or s, so
# ~1 run in 64 reports TRUST_E_CERT_SIGNATURE instead of an untrusted root); see "untrusted CA" in the test.
export ASEGPU_TEST_WINE=1

t2=$SECONDS
set +e
timeout --kill-after=10 "${ASEGPU_WINE_TIMEOUT:-300}" "$wine" "$out/test_foundation.exe" 2>&1 | tee "$work/test.log"
rc=${PIPESTATUS[0]}
set -e
t_test=$((SECONDS - t2))
echo "run.sh: builds ${t_build} s, Wine prefix + emulator start $((t2 - t1)) s, test under Wine ${t_test} s" >&2
[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || echo "run.sh: test_foundation.exe timed out after ${ASEGPU_WINE_TIMEOUT:-300} s" >&2
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/test.log" | tail -n 1 || true)
if [ "$rc" -ne 0 ] || [ -z "$summary" ] || ! [[ "$summary" =~ ^[0-9]+\ passed,\ 0\ failed ]]; then
    echo "run.sh: Windows C test FAILED (exit code $rc${summary:+, $summary})" >&2
    exit 1
fi
grep '^SKIP' "$work/test.log" >&2 || true
echo "run.sh: Windows C test under $("$wine" --version 2>/dev/null || echo Wine): $summary"
