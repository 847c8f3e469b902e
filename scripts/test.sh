#!/usr/bin/env bash
# Run every test of asegpu: Rust unit and integration tests (with the header freshness check), the C ABI
# tests (also under valgrind), the Windows DLL under Wine, the real Azure CLI and Azure SDK for Python
# against the emulator (with the recorded traffic validated against the ARM specs), the C# binding on Mono
# and .NET 8 with the static PowerShell checks, and a short fuzzing run. Installs what it needs; downloads
# are cached under ${ASEGPU_CACHE:-$HOME/.cache/asegpu}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export ASEGPU_CACHE=${ASEGPU_CACHE:-$HOME/.cache/asegpu}
mkdir -p "$ASEGPU_CACHE"

step() { printf '\n==== %s\n' "$*"; }
failures=()
run() {
    local name=$1; shift
    step "$name"
    local t0=$SECONDS
    if "$@"; then echo "---- $name: ok ($((SECONDS - t0)) s)"; else echo "---- $name: FAILED ($((SECONDS - t0)) s)"; failures+=("$name"); fi
}

step "build"
scripts/install-deps.sh
cargo build --lib --bins

run "Rust unit and integration tests" cargo test --no-fail-fast
run "C ABI tests" tests/c/run.sh
[ -x tests/c/run-valgrind.sh ] && run "C ABI tests under valgrind" tests/c/run-valgrind.sh
[ -x tests/windows/run.sh ] && run "Windows DLL: C test under Wine" tests/windows/run.sh
[ -x tests/azcli/run.sh ] && run "Azure CLI 2.66 against the emulator (+ oav)" tests/azcli/run.sh
[ -x tests/azsdk/run.sh ] && run "Azure SDK for Python against the emulator (+ oav)" tests/azsdk/run.sh
[ -x powershell/tests/run.sh ] && run "C# binding (Mono, .NET 8) and PowerShell checks" powershell/tests/run.sh
[ -x scripts/fuzz.sh ] && run "fuzz (quick)" scripts/fuzz.sh --quick

step "summary"
if [ ${#failures[@]} -gt 0 ]; then
    echo "failed suites: ${failures[*]}"
    exit 1
fi
echo "all test suites passed"
