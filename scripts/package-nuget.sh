#!/usr/bin/env bash
# Packs the C# binding as the NuGet package AseGpu.Interop (target/nuget/AseGpu.Interop.<version>.nupkg):
# lib/netstandard2.0 and lib/net472 assemblies, the release native library of each platform built here under
# runtimes/<rid>/native/ (linux-x64; win-x64 when scripts/build-windows.sh --release has built it; osx-arm64
# from ASEGPU_NATIVE_OSX_ARM64=<path to libasegpu.dylib> built on a Mac), and build/net472/*.targets.
# Then checks the package's layout and builds and runs powershell/tests/nuget (a program that takes the
# package by PackageReference) on .NET 10 and, where Mono is installed, its net472 build on Mono.
# Usage: scripts/package-nuget.sh [--no-cargo]     Last line: "N passed, M failed" (the consumer's checks).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/use-crate-mirror.sh
target=${CARGO_TARGET_DIR:-$root/target}
cache=${ASEGPU_CACHE:-$HOME/.cache/asegpu}
export NUGET_PACKAGES=${NUGET_PACKAGES:-$cache/nuget}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
log() { echo "package-nuget.sh: $*" >&2; }

[ "${1:-}" = "--no-cargo" ] || cargo build --release -p asegpu-ffi
version=$(awk '/^\[/ { pkg = ($0 == "[workspace.package]") } pkg && /^version[ \t]*=/ { gsub(/.*=[ \t]*"|".*/, ""); print; exit }' Cargo.toml)
out=$target/nuget
rm -rf "$out"; mkdir -p "$out"
natives=("-p:AseGpuNativeLinuxX64=$target/release/libasegpu.so")
win=$target/x86_64-pc-windows-gnu/release/asegpu.dll
if [ -f "$win" ]; then natives+=("-p:AseGpuNativeWinX64=$win"); else log "no $win here: the package has no win-x64 library (scripts/build-windows.sh --release builds it where the windows-gnu standard library is installed)"; fi
[ -n "${ASEGPU_NATIVE_OSX_ARM64:-}" ] && natives+=("-p:AseGpuNativeOsxArm64=$ASEGPU_NATIVE_OSX_ARM64")
common=(-nologo -v:minimal -nodeReuse:false "-p:AseGpuTargetDir=$target" "-p:Version=$version")
dotnet pack powershell/src/AseGpu.Interop.csproj -c Release -o "$out" "${common[@]}" "${natives[@]}" >&2
pkg=$out/AseGpu.Interop.$version.nupkg
[ -f "$pkg" ] || { log "no $pkg"; exit 1; }

# The layout a consumer relies on.
python3 - "$pkg" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
want = ["lib/netstandard2.0/AseGpu.Interop.dll", "lib/net472/AseGpu.Interop.dll", "lib/netstandard2.0/AseGpu.Interop.xml",
        "runtimes/linux-x64/native/libasegpu.so", "build/net472/AseGpu.Interop.targets"]
missing = [w for w in want if w not in names]
if missing:
    sys.exit("package-nuget.sh: the package lacks " + ", ".join(missing))
print("package-nuget.sh: layout ok: " + ", ".join(sorted(n for n in names if n.startswith(("lib/", "runtimes/", "build/")))), file=sys.stderr)
EOF

# A consumer restores it from the package folder (and the usual source for the reference assemblies). The
# global packages folder keeps a package by version, so drop an earlier pack of the same version first.
rm -rf "$NUGET_PACKAGES/asegpu.interop/$version"
usual=$(dotnet nuget list source --format short 2>/dev/null | awk '$1 ~ /^E/ {print $2; exit}')
consumer=powershell/tests/nuget/NuGetConsumer.csproj
sources=(--source "$out"); [ -n "$usual" ] && sources+=(--source "$usual")
dotnet restore "$consumer" "${sources[@]}" "${common[@]}" >&2
dotnet build "$consumer" --no-restore -c Release "${common[@]}" >&2
bin=$target/dotnet/bin/NuGetConsumer/Release
total_p=0; total_f=0
run() {
    local line rc=0 tmp
    # (Not `tee /dev/stderr`: opening it truncates a log file that stderr is redirected to.)
    tmp=$(mktemp)
    "$@" "$version" >"$tmp" || rc=$?
    cat "$tmp" >&2
    line=$(tail -n 1 "$tmp"); rm -f "$tmp"
    [ "$rc" = 0 ] || return "$rc"
    total_p=$((total_p + $(echo "$line" | cut -d' ' -f1))); total_f=$((total_f + $(echo "$line" | cut -d' ' -f3)))
}
run dotnet "$bin/net10.0/NuGetConsumer.dll" || total_f=$((total_f + 1))
if command -v mono >/dev/null; then run mono "$bin/net472/NuGetConsumer.exe" || total_f=$((total_f + 1))
else log "Mono is not installed: the net472 consumer was built, not run"; fi
log "$pkg ($(du -h "$pkg" | cut -f1))"
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
