#!/usr/bin/env bash
# Benchmark (on demand, not a test): what the AseGpu module costs in PowerShell, against two baselines measured
# in the same run on the same emulated device (release builds):
#   - `Import-Module AseGpu` in a new pwsh, against `pwsh -NoProfile -Command exit` (goal: the import adds at
#     most 150 ms to pwsh's own start);
#   - one `Get-AseVM` round trip in a warm session, against one `asegpu vm list -o json` (a new process that
#     reads its saved profile and token; goal: the cmdlet costs at most 2x the CLI).
# Prints the medians of N runs (default 15; ASEGPU_BENCH_RUNS) and the ratios. Usage: scripts/bench-pwsh.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/use-crate-mirror.sh
export ASEGPU_CACHE=${ASEGPU_CACHE:-$HOME/.cache/asegpu}
runs=${ASEGPU_BENCH_RUNS:-15}
pwsh=$(powershell/tests/install-pwsh.sh | tail -n 1)
cargo build --quiet --release --workspace --lib --bins
ASEGPU_NATIVE_PROFILE=release powershell/build.sh --no-cargo >/dev/null
mod=$root/target/powershell/AseGpu/AseGpu.psd1

work=$(mktemp -d)
sim_pid=
trap 'kill "$sim_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
password="Bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')!"
ASEGPU_SIM_PASSWORD=$password target/release/asegpu-sim --work-dir "$work/sim" --time-scale 100000 --retry-after 0 \
    >"$work/ready.json" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 200); do [ -s "$work/ready.json" ] && break; sleep 0.05; done
field() { python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])" "$work/ready.json" "$1"; }
arm=$(field arm_endpoint); ca=$(field ca_cert)

# The CLI baseline: a saved profile and token (as an admin has after `asegpu connect`), one VM on the device.
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
ASEGPU_PASSWORD=$password target/release/asegpu connect --arm-endpoint "$arm" --ca-cert "$ca" --device-ip 127.0.0.1 \
    --gpu-count 2 --kubernetes false --release 2309 >/dev/null

now_ms() { date +%s%N | awk '{ printf "%.1f", $1 / 1e6 }'; }
# median_of CMD...: runs CMD $runs times, prints the median wall time in ms.
median_of() {
    local t=() i a b
    for ((i = 0; i < runs; i++)); do
        a=$(now_ms); "$@" >/dev/null 2>&1; b=$(now_ms)
        t+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", b - a }')")
    done
    printf '%s\n' "${t[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

"$pwsh" -NoProfile -NonInteractive -Command exit   # warm the file cache
start_ms=$(median_of "$pwsh" -NoProfile -NonInteractive -Command exit)
import_ms=$(median_of "$pwsh" -NoProfile -NonInteractive -Command "Import-Module '$mod'; exit")
cli_ms=$(median_of target/release/asegpu vm list -o json)

# The cmdlet in a warm session: connect once, one call to warm up, then the median of $runs calls.
cmdlet_ms=$(ASEGPU_BENCH_PASSWORD=$password "$pwsh" -NoProfile -NonInteractive -Command "
    Import-Module '$mod'
    \$cred = [pscredential]::new('EdgeArmUser', (ConvertTo-SecureString \$env:ASEGPU_BENCH_PASSWORD -AsPlainText -Force))
    Connect-AseDevice -ArmEndpoint '$arm' -Credential \$cred -CaCertificate '$ca' -DeviceIp 127.0.0.1 -GpuCount 2 -KubernetesConfigured \$false -DeviceRelease 2309 | Out-Null
    \$ErrorActionPreference = 'Stop'
    Get-AseVM | Out-Null
    \$t = foreach (\$i in 1..$runs) { (Measure-Command { Get-AseVM -ErrorAction Stop | Out-Null }).TotalMilliseconds }
    \$s = @(\$t | Sort-Object); \$n = \$s.Count
    if (\$n % 2) { '{0:F1}' -f \$s[(\$n - 1) / 2] } else { '{0:F1}' -f ((\$s[\$n / 2 - 1] + \$s[\$n / 2]) / 2) }" | tail -n 1)

echo "AseGpu in PowerShell $("$pwsh" -NoProfile -Command '$PSVersionTable.PSVersion.ToString()'), median of $runs runs (release builds):"
printf '  %-52s %8s ms\n' "pwsh -NoProfile -Command exit (baseline)" "$start_ms" \
    "pwsh -NoProfile -Command 'Import-Module AseGpu; exit'" "$import_ms" \
    "asegpu vm list -o json (baseline: new process)" "$cli_ms" \
    "Get-AseVM in a warm session" "$cmdlet_ms"
awk -v s="$start_ms" -v i="$import_ms" -v c="$cli_ms" -v m="$cmdlet_ms" 'BEGIN {
    printf "  Import-Module adds %.0f ms to pwsh start (goal: <= 150 ms)\n", i - s
    printf "  Get-AseVM / asegpu vm list = %.2fx (goal: <= 2x)\n", m / c
}'
