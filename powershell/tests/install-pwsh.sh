#!/usr/bin/env bash
# Installs, when missing, PowerShell 7.6.9 (the PowerShell .NET global tool, runs on the machine's .NET 10)
# and Pester 5.7.1 (the NuGet package Pester carries the module) into the cache:
#     ${ASEGPU_CACHE:-$HOME/.cache/asegpu}/pwsh/pwsh                      PowerShell
#     ${ASEGPU_CACHE:-$HOME/.cache/asegpu}/ps-modules/Pester/5.7.1/       Pester (put ps-modules on PSModulePath)
#     ${ASEGPU_CACHE:-$HOME/.cache/asegpu}/nuget/                         NuGet packages (NUGET_PACKAGES)
# then checks that pwsh starts and that `Import-Module Pester -RequiredVersion 5.7.1` works with the cache
# on PSModulePath. Progress goes to stderr; the last stdout line is the path of pwsh.
# Usage: powershell/tests/install-pwsh.sh [--no-pester]
set -euo pipefail
cache="${ASEGPU_CACHE:-$HOME/.cache/asegpu}"
export NUGET_PACKAGES="${NUGET_PACKAGES:-$cache/nuget}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_GENERATE_ASPNET_CERTIFICATE=false
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
pwsh_version=7.6.9
pester_version=5.7.1
tool_dir="$cache/pwsh"
pwsh="$tool_dir/pwsh"
modules="$cache/ps-modules"
pester_dir="$modules/Pester/$pester_version"
with_pester=1
for a in "$@"; do
    case "$a" in
        --no-pester) with_pester= ;;
        *) echo "install-pwsh.sh: unknown option $a" >&2; exit 2 ;;
    esac
done
log() { echo "install-pwsh.sh: $*" >&2; }
command -v dotnet >/dev/null 2>&1 || { log "dotnet (the .NET SDK) is not on PATH"; exit 1; }
mkdir -p "$cache" "$NUGET_PACKAGES"

# ---- PowerShell (dotnet tool, pinned version)
have_tool_version() {
    # `dotnet tool list --tool-path` prints "powershell   7.6.9   pwsh" for the installed tool.
    dotnet tool list --tool-path "$tool_dir" 2>/dev/null | awk 'tolower($1) == "powershell" { print $2 }'
}
if [ -x "$pwsh" ] && [ "$(have_tool_version)" = "$pwsh_version" ]; then
    log "PowerShell $pwsh_version already in $tool_dir"
else
    if [ -d "$tool_dir" ] && [ -n "$(have_tool_version)" ]; then
        log "replacing PowerShell $(have_tool_version) in $tool_dir"
        dotnet tool uninstall --tool-path "$tool_dir" PowerShell >&2
    fi
    log "installing PowerShell $pwsh_version (dotnet tool) into $tool_dir"
    t0=$SECONDS
    dotnet tool install --tool-path "$tool_dir" PowerShell --version "$pwsh_version" >&2
    log "PowerShell installed in $((SECONDS - t0)) s"
fi
got="$("$pwsh" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' </dev/null | tr -d '\r' | tail -n1)"
if [ "$got" != "$pwsh_version" ]; then
    log "$pwsh reports PowerShell version '$got', expected $pwsh_version"
    exit 1
fi
log "pwsh starts: PowerShell $got"

# ---- Pester (NuGet package Pester, which holds the module; fetched by a throwaway restore)
if [ -n "$with_pester" ]; then
    if [ -f "$pester_dir/Pester.psd1" ]; then
        log "Pester $pester_version already in $pester_dir"
    else
        t0=$SECONDS
        tmp="$(mktemp -d "${TMPDIR:-/tmp}/asegpu-pester.XXXXXX")"
        trap 'rm -rf "$tmp"' EXIT
        cat > "$tmp/download.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
    <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Pester" Version="[$pester_version]" />
  </ItemGroup>
</Project>
EOF
        log "downloading the Pester $pester_version package (dotnet restore of a throwaway project)"
        dotnet restore "$tmp/download.csproj" --nologo -v q >&2
        pkg="$NUGET_PACKAGES/pester/$pester_version"
        manifest="$(find "$pkg" -name Pester.psd1 -type f 2>/dev/null | awk '{ print length($0) " " $0 }' | sort -n | head -n1 | cut -d' ' -f2-)"
        if [ -z "$manifest" ]; then log "no Pester.psd1 in $pkg"; exit 1; fi
        rm -rf "$pester_dir.tmp" && mkdir -p "$(dirname "$pester_dir")"
        cp -r "$(dirname "$manifest")" "$pester_dir.tmp"
        rm -rf "$pester_dir" && mv "$pester_dir.tmp" "$pester_dir"
        log "Pester $pester_version laid out in $pester_dir in $((SECONDS - t0)) s"
    fi
    got="$(PSModulePath="$modules" "$pwsh" -NoProfile -NonInteractive -Command \
        "Import-Module Pester -RequiredVersion $pester_version -ErrorAction Stop; (Get-Module Pester).Version.ToString()" </dev/null | tr -d '\r' | tail -n1)"
    if [ "$got" != "$pester_version" ]; then
        log "Import-Module Pester -RequiredVersion $pester_version failed (got '$got')"
        exit 1
    fi
    log "Import-Module Pester -RequiredVersion $pester_version works (PSModulePath includes $modules)"
fi
echo "$pwsh"
