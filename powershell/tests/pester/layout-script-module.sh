#!/usr/bin/env bash
# Lays out the OLD script module (AseGpu.psm1 + the script AseGpu.AzCompat) of a git revision, packaged
# like powershell/build.sh packaged it (manifest, psm1, format file, AzCompat, binding, runtimes/), so the
# suite can show which of its tests catch that module's defects:
#     powershell/tests/pester/layout-script-module.sh [REV] [OUT]
#     powershell/tests/run-pester.sh --no-build --module OUT
# REV: default b6acc8d^ (the last revision whose packaged AseGpu was the script module). The binding
# (AseGpu.Interop.dll) and the native library come from the current package (target/powershell/AseGpu):
# the binding only gained members since. OUT: default target/pester-script-module/AseGpu.
# Reads the repository with `git show` only (no checkout, no worktree).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
rev="${1:-b6acc8d^}"
out="${2:-$target/pester-script-module/AseGpu}"
current="$target/powershell/AseGpu"
[ -f "$current/AseGpu.Interop.dll" ] || { echo "layout-script-module.sh: no packaged module in $current (run powershell/build.sh)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/AseGpu.AzCompat"
for f in AseGpu.psd1 AseGpu.psm1 AseGpu.format.ps1xml; do
    git -C "$repo" show "$rev:powershell/AseGpu/$f" > "$out/$f"
done
for f in AseGpu.AzCompat.psd1 AseGpu.AzCompat.psm1; do
    git -C "$repo" show "$rev:powershell/AseGpu.AzCompat/$f" > "$out/AseGpu.AzCompat/$f"
done
grep -q "RootModule *= *'AseGpu.psm1'" "$out/AseGpu.psd1" || { echo "layout-script-module.sh: $rev has no script module manifest" >&2; exit 1; }
cp "$current/AseGpu.Interop.dll" "$out/"
cp -r "$current/runtimes" "$out/runtimes"
echo "layout-script-module.sh: script module of $(git -C "$repo" rev-parse --short "$rev") laid out in $out"
echo "$out"
