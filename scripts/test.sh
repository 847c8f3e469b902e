#!/usr/bin/env bash
# Run every test of asegpu: Rust unit and integration tests (with the header freshness check), the C ABI
# test, the Azure CLI test, and the C#/PowerShell tests. Installs what it needs (cached under
# ${ASEGPU_CACHE:-$HOME/.cache/asegpu}).
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
    if "$@"; then echo "---- $name: ok"; else echo "---- $name: FAILED"; failures+=("$name"); fi
}

step "build"
scripts/install-deps.sh
cargo build --lib --bins

run "rust tests" cargo test --no-fail-fast
run "C ABI test" tests/c/run.sh
[ -x tests/azcli/run.sh ] && run "Azure CLI 2.66 against the emulator" tests/azcli/run.sh
[ -x powershell/tests/run.sh ] && run "C# binding and PowerShell module" powershell/tests/run.sh

step "summary"
if [ ${#failures[@]} -gt 0 ]; then
    echo "failed suites: ${failures[*]}"
    exit 1
fi
echo "all test suites passed"
