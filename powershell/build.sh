#!/usr/bin/env bash
# Builds AseGpu.Interop.dll with Mono's mcs and lays out the PowerShell module under
# target/powershell/AseGpu/ (manifest, scripts, format file, dll, runtimes/<rid>/native/...).
# Usage: powershell/build.sh [--no-cargo]    (run from anywhere; uses the repo's target/ dir)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
out="$target/powershell"
mod="$out/AseGpu"

if ! command -v mcs >/dev/null 2>&1 || ! command -v mono >/dev/null 2>&1; then
    echo "build.sh: installing mono-mcs mono-runtime (apt)" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends mono-mcs mono-runtime >/dev/null
fi

if [ "${1:-}" != "--no-cargo" ]; then
    (cd "$repo" && cargo build --lib --bin asegpu-sim)
fi

rm -rf "$mod"
mkdir -p "$mod/runtimes/linux-x64/native"
# mcs accepts -langversion up to 7.2 (the source keeps to C# 7.2 so it is valid 7.3 as well).
mcs -nologo -langversion:7.2 -target:library -optimize+ -warnaserror+ -nowarn:1591 \
    -out:"$mod/AseGpu.Interop.dll" "$here/src/AseGpu.Interop.cs"
cp "$here/AseGpu/AseGpu.psd1" "$here/AseGpu/AseGpu.psm1" "$here/AseGpu/AseGpu.format.ps1xml" "$mod/"
cp -r "$here/AseGpu.AzCompat" "$mod/AseGpu.AzCompat"
cp "$target/debug/libasegpu.so" "$mod/runtimes/linux-x64/native/libasegpu.so"
if [ -f "$target/x86_64-pc-windows-gnu/debug/asegpu.dll" ]; then
    mkdir -p "$mod/runtimes/win-x64/native"
    cp "$target/x86_64-pc-windows-gnu/debug/asegpu.dll" "$mod/runtimes/win-x64/native/asegpu.dll"
fi
echo "build.sh: module laid out in $mod"
