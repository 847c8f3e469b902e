#!/usr/bin/env bash
# Runs every test suite of asegpu that this machine can run, and says plainly which it could not run and why.
#
# Each suite declares what it needs (see "Suites" below and the README's table). The needs are probed, never
# guessed from a machine name: a suite whose needs are met always runs, any failure fails the command, and the
# summary lists what ran and, for each suite that could not run, the exact reason.
# Installs what it needs (system packages through apt, .NET tools and Pester through NuGet, oav through npm,
# Python venvs through PyPI where PyPI answers); downloads are cached under ${ASEGPU_CACHE:-$HOME/.cache/asegpu}.
# Where the crate registry cannot be reached, cargo builds from the crate mirror in ../shared/offline (when present).
#
# Usage: scripts/test.sh [--list]     --list: print each suite's needs and whether this machine meets them
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export ASEGPU_CACHE=${ASEGPU_CACHE:-$HOME/.cache/asegpu}
mkdir -p "$ASEGPU_CACHE"
# shellcheck source=scripts/needs.sh
. scripts/needs.sh

list_only=
[ "${1:-}" = "--list" ] && list_only=1

step() { printf '\n==== %s\n' "$*"; }

# --- Suites: name | needs | command ---------------------------------------------------------------------------
names=(); needs=(); cmds=()
suite() { names+=("$1"); needs+=("$2"); cmds+=("$3"); }
suite "Rust unit and integration tests (+ header freshness)" "cargo" "cargo test --workspace --no-fail-fast"
suite "C ABI tests" "cargo cc qemu-img" "tests/c/run.sh"
suite "C ABI tests under valgrind" "cargo cc qemu-img valgrind" "tests/c/run-valgrind.sh"
suite "Windows DLL: C test under Wine" "cargo windows-std mingw wine" "tests/windows/run.sh"
suite "Azure CLI 2.66 against the emulator (+ oav)" "cargo pypi-azcli npm" "tests/azcli/run.sh"
suite "Azure SDK for Python against the emulator (+ oav)" "cargo pypi-azsdk npm" "tests/azsdk/run.sh"
suite "C# binding (net472 on Mono, net10.0 on .NET) and PowerShell checks" "cargo dotnet nuget mono pwsh" "powershell/tests/run.sh --no-cargo"
suite "PowerShell modules in pwsh 7.6.9: Pester against the emulator, packaged module (+ command coverage)" "cargo dotnet nuget pwsh" "powershell/tests/run-pester.sh --no-cargo"
suite "NuGet package of the C# binding (layout; a consumer on .NET 10 and Mono)" "cargo dotnet nuget" "scripts/package-nuget.sh --no-cargo"
suite "fuzz (quick)" "cargo cargo-fuzz asan" "scripts/fuzz.sh --quick"

if [ -n "$list_only" ]; then
    for i in "${!names[@]}"; do
        if needs_met "${needs[$i]}"; then printf '%-75s needs: %s\n' "${names[$i]}" "${needs[$i]}"
        else printf '%-75s needs: %s  -> not here: %s\n' "${names[$i]}" "${needs[$i]}" "$why"; fi
    done
    exit 0
fi

step "install and build"
install_system_packages
use_crate_mirror
cargo build --workspace --lib --bins
cargo build --release -p asegpu-ffi   # the PowerShell module and the NuGet package ship the release library

ran=(); failed=(); skipped=()
for i in "${!names[@]}"; do
    name=${names[$i]}
    if ! needs_met "${needs[$i]}"; then
        skipped+=("$name ($why)")
        step "$name: not run here ($why)"
        continue
    fi
    step "$name"
    t0=$SECONDS
    if bash -c "${cmds[$i]}"; then
        echo "---- $name: ok ($((SECONDS - t0)) s)"; ran+=("$name: ok ($((SECONDS - t0)) s)")
    else
        echo "---- $name: FAILED ($((SECONDS - t0)) s)"; ran+=("$name: FAILED ($((SECONDS - t0)) s)"); failed+=("$name")
    fi
done

step "summary"
for r in "${ran[@]}"; do echo "ran: $r"; done
for s in "${skipped[@]}"; do echo "not run here: $s"; done
echo "suites: $(( ${#ran[@]} - ${#failed[@]} )) passed, ${#failed[@]} failed, ${#skipped[@]} skipped"
if [ ${#failed[@]} -gt 0 ]; then
    echo "failed suites: ${failed[*]}"
    exit 1
fi
echo "every suite this machine can run passed"
