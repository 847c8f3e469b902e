#!/usr/bin/env bash
# The Pester suite (powershell/tests/pester/*.Tests.ps1) against the PACKAGED module
# (target/powershell/AseGpu with AseGpu.AzCompat) and emulated devices over HTTPS with their real CA.
#   1. PowerShell 7.6.9 + Pester 5.7.1 into the cache (powershell/tests/install-pwsh.sh);
#   2. powershell/build.sh (unless --no-build; --no-cargo is passed on);
#   3. emulators: FAST (--time-scale 100000 --retry-after 0), SLOW (default pace: Ctrl+C and Stop-Job),
#      FAULTS (fault injection through /_sim/faults), K8S (Kubernetes through /_sim/device),
#      WRONGHOST and EXPIRED (--cert-mode), FACTS (--stopped-vm-takeover --no-compute-internet --mps); their ready lines go to the tests as ASEGPU_PESTER_SIM_<NAME>;
#   4. pwsh -NoProfile -NonInteractive -File pester/Invoke-AsePester.ps1: NUnit and JUnit XML in
#      target/pester/, Pester's totals, command coverage of both modules (fails below 90%).
# Last line: "N passed, M failed" (Pester tests). Exit status non-zero on any failure.
# Usage: powershell/tests/run-pester.sh [--no-build] [--no-cargo] [--output Normal|Detailed]
#            [--file Session.Tests.ps1,...] [--filter '<full name pattern>,...']   (a partial run skips the coverage minimum)
#            [--module DIR]   test another packaged module folder (e.g. pester/layout-script-module.sh's)
#            [--keep]         keep the emulators' work dir (logs, recorded traffic)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ps_root="$(cd "$here/.." && pwd)"
repo="$(cd "$ps_root/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
cache="${ASEGPU_CACHE:-$HOME/.cache/asegpu}"
no_build=; no_cargo=; filter=; files=; output=Detailed; module=; keep=
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) no_build=1 ;;
        --no-cargo) no_cargo=--no-cargo ;;
        --filter) filter="$2"; shift ;;
        --file) files="$2"; shift ;;
        --module) module="$(cd "$2" && pwd)"; shift ;;
        --keep) keep=1 ;;
        --output) output="$2"; shift ;;
        *) echo "run-pester.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
t0=$SECONDS
say() { echo "run-pester.sh: $*"; }

# ---- 1. PowerShell and Pester
pwsh="$("$here/install-pwsh.sh" | tail -n1)"
[ -x "$pwsh" ] || { say "install-pwsh.sh did not give a pwsh ($pwsh)"; echo "0 passed, 1 failed"; exit 1; }

# ---- 2. The packaged module
if [ -z "$no_build" ]; then
    "$ps_root/build.sh" $no_cargo
fi
module="${module:-$target/powershell/AseGpu}"
if [ ! -f "$module/AseGpu.psd1" ] || [ ! -d "$module/AseGpu.AzCompat" ]; then
    say "no packaged module in $module (run powershell/build.sh)"; echo "0 passed, 1 failed"; exit 1
fi
sim="$target/debug/asegpu-sim"
[ -x "$sim" ] || { say "no emulator at $sim (cargo build -p asegpu-sim)"; echo "0 passed, 1 failed"; exit 1; }

# ---- 3. Emulators
work="$(mktemp -d "${TMPDIR:-/tmp}/asegpu-pester.XXXXXX")"
password="Ps-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')!"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [ -z "$keep" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
start_sim() {  # name, options...
    local name="$1"; shift
    ASEGPU_SIM_PASSWORD="$password" timeout 3600 "$sim" --work-dir "$work/$name" "$@" \
        >"$work/$name.ready" 2>"$work/$name.log" &
    pids+=($!)
}
# FAST hosts the VMs of most test files at once: more memory than one device's 96 GiB (the memory rule has
# its own tests, in tests/integration/device_knowledge.rs and on FACTS).
start_sim fast --time-scale 100000 --retry-after 0 --memory-gib 1024 --record-traffic "$work/fast.traffic.jsonl"
start_sim slow --record-traffic "$work/slow.traffic.jsonl"
start_sim faults --time-scale 100000 --retry-after 0
start_sim k8s --time-scale 100000 --retry-after 0
start_sim wronghost --time-scale 100000 --retry-after 0 --cert-mode wrong-host
start_sim expired --time-scale 100000 --retry-after 0 --cert-mode expired
start_sim facts --time-scale 100000 --retry-after 0 --stopped-vm-takeover --no-compute-internet --mps
for name in fast slow faults k8s wronghost expired facts; do
    for _ in $(seq 1 200); do [ -s "$work/$name.ready" ] && break; sleep 0.05; done
    if [ ! -s "$work/$name.ready" ]; then
        say "emulator '$name' did not start:"; cat "$work/$name.log"; echo "0 passed, 1 failed"; exit 1
    fi
    export "ASEGPU_PESTER_SIM_$(echo "$name" | tr '[:lower:]' '[:upper:]')=$(head -n1 "$work/$name.ready")"
done
export ASEGPU_PESTER_TRAFFIC_FAST="$work/fast.traffic.jsonl" ASEGPU_PESTER_TRAFFIC_SLOW="$work/slow.traffic.jsonl"
export ASEGPU_PESTER_PASSWORD="$password"
export ASEGPU_PESTER_MODULE="$module"
export ASEGPU_PESTER_FIXTURES="${ASEGPU_PESTER_FIXTURES:-$repo/../shared/fixtures/ase-templates}"
export ASEGPU_PESTER_PWSH="$pwsh"
export ASEGPU_PESTER_COVERAGE="$work/coverage.txt"
export PSModulePath="$cache/ps-modules${PSModulePath:+:$PSModulePath}"
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say "emulators ready after $((SECONDS - t0)) s (work dir $work${keep:+, kept afterwards: emulator logs and recorded traffic})"

# ---- 4. Pester
results="$target/pester"
mkdir -p "$results"
rc=0
timeout 1800 "$pwsh" -NoProfile -NonInteractive -File "$here/pester/Invoke-AsePester.ps1" \
    -ResultsDir "$results" -FullNameFilter "$filter" -File "$files" -Output "$output" </dev/null 2>&1 | tee "$work/pester.log" || rc=$?
counts="$(grep -E '^pester-counts: [0-9]+ [0-9]+$' "$work/pester.log" | tail -n1 || true)"
say "total $((SECONDS - t0)) s"
if [ -z "$counts" ]; then
    say "pwsh ended without Pester's counts (exit $rc)"
    echo "0 passed, 1 failed"
    exit 1
fi
passed="$(echo "$counts" | cut -d' ' -f2)"; failed="$(echo "$counts" | cut -d' ' -f3)"
echo "$passed passed, $failed failed"
[ "$rc" = 0 ] && [ "$failed" = 0 ]
