#!/usr/bin/env bash
# Builds the C# binding, its test runner and the AseGpu module with the .NET SDK (powershell/build.sh --tests),
# starts the emulator, runs the static PowerShell checks (check-ps.ps1 on PowerShell 7.6.9 from the cache,
# with its -SelfTest), then
# tests/cs/BindingTests on Mono (the net472 build, as Windows PowerShell 5.1 loads the binding) and on
# .NET 10 (the net10.0 build over the netstandard2.0 binding, as PowerShell 7 loads it), then stops the emulator.
# Installs what it needs: mono (apt) when missing, PowerShell + Pester into ${ASEGPU_CACHE:-$HOME/.cache/asegpu}
# (tests/install-pwsh.sh); NuGet packages are cached in $ASEGPU_CACHE/nuget.
# Options: --no-cargo (library already built), --mono-only, --no-static.
# The modules' behaviour in PowerShell is tested by tests/run-pester.sh (the Pester suite, tests/pester/).
# Last line: "N passed, M failed", the sum of the steps' own counts (a step that dies without its
# count line counts as one failure).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ps_root="$(cd "$here/.." && pwd)"
repo="$(cd "$ps_root/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
cache="${ASEGPU_CACHE:-$HOME/.cache/asegpu}"
export ASEGPU_CACHE="$cache"
export NUGET_PACKAGES="${NUGET_PACKAGES:-$cache/nuget}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
no_cargo=; mono_only=; no_static=
for a in "$@"; do
    case "$a" in
        --no-cargo) no_cargo=--no-cargo ;;
        --mono-only) mono_only=1 ;;
        --no-static) no_static=1 ;;
        *) echo "run.sh: unknown option $a" >&2; exit 2 ;;
    esac
done

passed=0; failed=0; steps_failed=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
step() { local t0=$SECONDS; local name="$1"; shift; local rc=0
    "$@" 2>&1 | tee "$log" || rc=$?
    local counts; counts="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1 || true)"
    if [ -n "$counts" ]; then
        passed=$((passed + $(echo "$counts" | cut -d' ' -f1)))
        failed=$((failed + $(echo "$counts" | cut -d' ' -f3)))
    fi
    if [ "$rc" = 0 ] && [ -n "$counts" ]; then echo "run.sh: [ok]   $name ($((SECONDS-t0)) s)"
    else
        steps_failed=$((steps_failed+1))
        if [ -z "$counts" ] || [ "$(echo "$counts" | cut -d' ' -f3)" = 0 ]; then failed=$((failed+1)); fi
        echo "run.sh: [FAIL] $name (exit $rc, $((SECONDS-t0)) s)"
    fi; }

# Mono with just what the net472 BindingTests.exe references (mscorlib, System, System.Core).
mono_ok() { command -v mono >/dev/null 2>&1 && [ -f /usr/lib/mono/4.5/System.Core.dll ] && [ -f /usr/lib/mono/4.5/System.dll ]; }
ensure_mono() {
    mono_ok && return 0
    echo "run.sh: installing mono-runtime libmono-system4.0-cil libmono-system-core4.0-cil (apt)" >&2
    local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        mono-runtime libmono-system4.0-cil libmono-system-core4.0-cil >/dev/null
    mono_ok
}

t0=$SECONDS
ASEGPU_DOTNET_TIMINGS=1 "$ps_root/build.sh" $no_cargo --tests
echo "run.sh: build took $((SECONDS-t0)) s"
t1=$SECONDS
ensure_mono
echo "run.sh: mono $(mono --version | head -n1 | sed 's/.*version \([^ ]*\).*/\1/') ready ($((SECONDS-t1)) s)"

# Test binaries: each framework's build output beside a copy of the module's runtimes/ folder, so the
# binding's own resolver (runtimes/<rid>/native beside AseGpu.Interop.dll) is what finds the library.
bin="$target/powershell/test-bin"
rm -rf "$bin"; mkdir -p "$bin"
for tfm in net472 net10.0; do
    cp -r "$target/dotnet/bin/BindingTests/Release/$tfm" "$bin/$tfm"
    cp -r "$target/powershell/AseGpu/runtimes" "$bin/$tfm/runtimes"
done

# Emulator.
work="$(mktemp -d "${TMPDIR:-/tmp}/asegpu-ps-tests.XXXXXX")"
password="Ps-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')!"
sim_pid=
slow_pid=
stop_pid() {
    if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
        kill -TERM "$1" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$1" 2>/dev/null || true
    fi
}
cleanup() {
    stop_pid "$sim_pid"
    stop_pid "$slow_pid"
    rm -rf "$work" "$log"
}
trap cleanup EXIT
# The main emulator runs long operations fast (--time-scale 100000 --retry-after 0); a second one at the
# default pace serves the test that cancels an operation while it runs.
ASEGPU_SIM_PASSWORD="$password" timeout 900 "$target/debug/asegpu-sim" --work-dir "$work/sim" \
    --time-scale 100000 --retry-after 0 >"$work/ready.json" 2>"$work/sim.log" &
sim_pid=$!
ASEGPU_SIM_PASSWORD="$password" timeout 900 "$target/debug/asegpu-sim" --work-dir "$work/slow" >"$work/slow.json" 2>"$work/slow.log" &
slow_pid=$!

# PowerShell 7.6.9 and Pester 5.7.1 from the cache (installed when missing); pwsh= when that fails.
pwsh=
ensure_pwsh() {
    [ -n "$pwsh" ] && return 0
    local t1=$SECONDS
    "$here/install-pwsh.sh" >"$work/pwsh-path" || true
    pwsh="$(tail -n1 "$work/pwsh-path" 2>/dev/null || true)"
    if [ -n "$pwsh" ] && command -v "$pwsh" >/dev/null 2>&1; then
        echo "run.sh: PowerShell ready ($((SECONDS-t1)) s): $pwsh"
    else
        pwsh=
        return 1
    fi
}

# Static checks (while the emulators start).
if [ -z "$no_static" ]; then
    if ensure_pwsh; then
        step "static PowerShell checks (check-ps.ps1, PowerShell's parser)" timeout 300 "$pwsh" -NoProfile -NonInteractive \
            -File "$here/check-ps.ps1" -Root "$ps_root" -InteropAssembly "$target/powershell/AseGpu/AseGpu.Interop.dll" \
            -ModuleLayout "$target/powershell/AseGpu"
        step "check-ps.ps1 catches seeded mistakes (-SelfTest)" timeout 600 "$pwsh" -NoProfile -NonInteractive \
            -File "$here/check-ps.ps1" -SelfTest -Root "$ps_root" -InteropAssembly "$target/powershell/AseGpu/AseGpu.Interop.dll"
    else
        step "static PowerShell checks: PowerShell could not be installed (tests/install-pwsh.sh)" false
    fi
fi

for _ in $(seq 1 200); do [ -s "$work/ready.json" ] && [ -s "$work/slow.json" ] && break; sleep 0.05; done
if [ ! -s "$work/ready.json" ]; then echo "run.sh: emulator did not start:"; cat "$work/sim.log"; exit 1; fi
head -n1 "$work/ready.json" > "$work/ready1.json"
head -n1 "$work/slow.json" > "$work/slow1.json" || true
export ASEGPU_TEMPLATES="${ASEGPU_TEMPLATES:-$repo/../shared/fixtures/ase-templates/VmTemplates}"

export ASEGPU_TEST_PASSWORD="$password"
step "C# binding tests on Mono (net472)" timeout 300 mono "$bin/net472/BindingTests.exe" "$work/ready1.json" "$work/slow1.json"
if [ -z "$mono_only" ]; then
    step "C# binding tests on .NET $(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }') (net10.0)" \
        timeout 300 dotnet "$bin/net10.0/BindingTests.dll" "$work/ready1.json" "$work/slow1.json"
fi
echo "run.sh: total $((SECONDS-t0)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$steps_failed" = 0 ]
