#!/usr/bin/env bash
# On-demand benchmarks (not part of the test command). Runs the workflow benchmark (asegpu CLI vs Azure CLI
# 2.66, C ABI overhead, 100-device fleet) and the VHD upload benchmark (vs reading the data, Azurite and
# `az storage blob upload`), and writes BENCHMARKS.md with the results and the command that produced them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/use-crate-mirror.sh
export ASEGPU_CACHE="${ASEGPU_CACHE:-$HOME/.cache/asegpu}"
tests/azcli/install.sh                       # the Azure CLI baseline
cargo build --release --workspace --lib --bins
gcc -O2 -o target/release/abi_overhead benches/c/abi_overhead.c -Iinclude -Ltarget/release -lasegpu -Wl,-rpath,"$PWD/target/release"
out=$(mktemp)
{
    echo "# Benchmarks"
    echo
    echo "Produced by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d) on a $(nproc)-core $(uname -m) machine"
    echo "($(rustc --version)). Every ratio compares against a baseline measured in the same run."
    echo
    echo '```'
    cargo bench --quiet --bench workflow 2>/dev/null
    target/release/abi_overhead
    echo '```'
    echo
    echo '```'
    scripts/bench-upload.sh 2>/dev/null
    echo '```'
} | tee "$out"
mv "$out" BENCHMARKS.md
echo "wrote BENCHMARKS.md"
