#!/usr/bin/env bash
# Builds the C# binding with the .NET SDK (`dotnet build -c Release` of src/AseGpu.Interop.csproj:
# netstandard2.0 and net472, version stamped from Cargo.toml) and the binary module
# (AseGpu.PowerShell/AseGpu.PowerShell.csproj), and lays out the PowerShell module under
# target/powershell/AseGpu/ (manifest with ModuleVersion stamped, format file, AseGpu.PowerShell.dll,
# the netstandard2.0 AseGpu.Interop.dll, en-US/ MAML help generated with pwsh, AzCompat,
# runtimes/<rid>/native/...).
#   obj/ and bin/: target/dotnet/{obj,bin}/<project>/ (powershell/Directory.Build.props)
#   NuGet packages: ${ASEGPU_CACHE:-$HOME/.cache/asegpu}/nuget (NUGET_PACKAGES), so reruns restore nothing.
# Usage: powershell/build.sh [--no-cargo] [--tests]    (run from anywhere; uses the repo's target/ dir)
#   --tests   also builds tests/cs/BindingTests.csproj (net472 for Mono, net10.0 for dotnet)
# Set ASEGPU_DOTNET_TIMINGS=1 to have the restore/build seconds printed as "build.sh: timing ...".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
cache="${ASEGPU_CACHE:-$HOME/.cache/asegpu}"
out="$target/powershell"
mod="$out/AseGpu"
no_cargo=; with_tests=
for a in "$@"; do
    case "$a" in
        --no-cargo) no_cargo=1 ;;
        --tests) with_tests=1 ;;
        *) echo "build.sh: unknown option $a" >&2; exit 2 ;;
    esac
done

if ! command -v dotnet >/dev/null 2>&1; then
    echo "build.sh: dotnet (the .NET SDK, 10 or later) is not on PATH" >&2
    exit 1
fi
export NUGET_PACKAGES="${NUGET_PACKAGES:-$cache/nuget}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_GENERATE_ASPNET_CERTIFICATE=false
# No MSBuild server / node processes left behind by this build (CI steps that pipe its output).
export DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
mkdir -p "$NUGET_PACKAGES"

# The module ships the release build of the native library (ASEGPU_NATIVE_PROFILE=debug for a quick local try).
profile="${ASEGPU_NATIVE_PROFILE:-release}"
case "$profile" in release | debug) ;; *) echo "build.sh: ASEGPU_NATIVE_PROFILE is release or debug, not '$profile'" >&2; exit 2 ;; esac
if [ -z "$no_cargo" ]; then
    "$repo/scripts/use-crate-mirror.sh"
    (cd "$repo" && cargo build -p asegpu-ffi -p asegpu-sim)
    if [ "$profile" = release ]; then (cd "$repo" && cargo build --release -p asegpu-ffi); fi
fi
native="$target/$profile/libasegpu.so"
[ -f "$native" ] || { echo "build.sh: $native is missing (cargo build$([ "$profile" = release ] && echo ' --release') -p asegpu-ffi)" >&2; exit 1; }

# The workspace's version ([workspace.package] version in Cargo.toml) stamps the assembly.
version="$(awk '/^\[/ { pkg = ($0 == "[workspace.package]") } pkg && /^version[ \t]*=/ { gsub(/.*=[ \t]*"|".*/, ""); print; exit }' "$repo/Cargo.toml")"
if [ -z "$version" ]; then echo "build.sh: no [workspace.package] version in Cargo.toml" >&2; exit 1; fi

# One restore + one build: the test project builds the binding for both its frameworks
# (net472 -> the binding's net472 build, net10.0 -> its netstandard2.0 build).
project="$here/src/AseGpu.Interop.csproj"
[ -n "$with_tests" ] && project="$here/tests/cs/BindingTests.csproj"
common=(-nologo -v:minimal -nodeReuse:false "-p:AseGpuTargetDir=$target")
timing() { if [ -n "${ASEGPU_DOTNET_TIMINGS:-}" ]; then echo "build.sh: timing $1 $2 s"; fi; }
t0=$SECONDS
dotnet restore "$project" "${common[@]}"
timing restore $((SECONDS - t0))
t0=$SECONDS
dotnet build "$project" --no-restore -c Release "-p:Version=$version" "${common[@]}"
timing build $((SECONDS - t0))
# The binary module (AseGpu.PowerShell.csproj: netstandard2.0 against PowerShellStandard.Library).
module_project="$here/AseGpu.PowerShell/AseGpu.PowerShell.csproj"
t0=$SECONDS
dotnet restore "$module_project" "${common[@]}"
dotnet build "$module_project" --no-restore -c Release "-p:Version=$version" "${common[@]}"
timing module $((SECONDS - t0))

dll="$target/dotnet/bin/AseGpu.Interop/Release/netstandard2.0/AseGpu.Interop.dll"
rm -rf "$mod"
mkdir -p "$mod/runtimes/linux-x64/native"
cp "$dll" "$mod/AseGpu.Interop.dll"
cp "$target/dotnet/bin/AseGpu.PowerShell/Release/netstandard2.0/AseGpu.PowerShell.dll" "$mod/"
cp "$here/AseGpu/AseGpu.psd1" "$here/AseGpu/AseGpu.format.ps1xml" "$mod/"
sed -i "s/^\(\s*ModuleVersion\s*=\s*\)'[^']*'/\1'$version'/" "$mod/AseGpu.psd1"
cp -r "$here/AseGpu.AzCompat" "$mod/AseGpu.AzCompat"
rm -rf "$mod/AseGpu.AzCompat/help"   # its help source: built into en-US/ below
sed -i "s/^\(\s*ModuleVersion\s*=\s*\)'[^']*'/\1'$version'/" "$mod/AseGpu.AzCompat/AseGpu.AzCompat.psd1"
cp "$native" "$mod/runtimes/linux-x64/native/libasegpu.so"
# win-x64: scripts/build-windows.sh --release cross-builds it where the windows-gnu standard library is installed.
if [ -f "$target/x86_64-pc-windows-gnu/$profile/asegpu.dll" ]; then
    mkdir -p "$mod/runtimes/win-x64/native"
    cp "$target/x86_64-pc-windows-gnu/$profile/asegpu.dll" "$mod/runtimes/win-x64/native/asegpu.dll"
fi
# MAML help (Get-Help -Full) generated from AseGpu.PowerShell/help/*.help.psd1 and the built cmdlets.
pwsh="${ASEGPU_PWSH:-}"
[ -z "$pwsh" ] && [ -x "$cache/pwsh/pwsh" ] && pwsh="$cache/pwsh/pwsh"
[ -z "$pwsh" ] && pwsh="$(command -v pwsh || true)"
[ -z "$pwsh" ] && pwsh="$("$here/tests/install-pwsh.sh" --no-pester | tail -n1)"
POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off NO_COLOR=1 "$pwsh" -NoProfile -NonInteractive -File "$here/AseGpu.PowerShell/help/Build-AseHelp.ps1" \
    -ModuleManifest "$mod/AseGpu.psd1" -OutFile "$mod/en-US/AseGpu.PowerShell.dll-Help.xml" </dev/null
# AseGpu.AzCompat's cmdlets are in the same dll; PowerShell looks for their help in the AzCompat folder.
POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off NO_COLOR=1 "$pwsh" -NoProfile -NonInteractive -File "$here/AseGpu.PowerShell/help/Build-AseHelp.ps1" \
    -ModuleManifest "$mod/AseGpu.AzCompat/AseGpu.AzCompat.psd1" -HelpSource "$here/AseGpu.AzCompat/help" \
    -OutFile "$mod/AseGpu.AzCompat/en-US/AseGpu.PowerShell.dll-Help.xml" </dev/null
echo "build.sh: module $version laid out in $mod"
