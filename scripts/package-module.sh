#!/usr/bin/env bash
# Packages the AseGpu PowerShell module (issue 5):
#   1. scripts/build-windows.sh  -> target/x86_64-pc-windows-gnu/debug/asegpu.dll (cross-built and checked);
#   2. powershell/build.sh       -> lays out target/powershell/AseGpu/ (it also builds the Linux library and copies
#                                   both native libraries to runtimes/{linux-x64,win-x64}/native/);
#   3. zips the folder to target/powershell/AseGpu-<version>.zip (version from Cargo.toml), with AseGpu/ as the
#      top-level folder, so extracting it into a PSModulePath directory gives an importable module.
# Debug builds (as the rest of the test tooling uses). Prints the zip path on the last line of stdout.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/powershell"
mod="$out/AseGpu"
log() { echo "package-module.sh: $*" >&2; }

version=$(python3 -c 'import tomllib,sys; print(tomllib.load(open(sys.argv[1],"rb"))["package"]["version"])' Cargo.toml)
psd_version=$(sed -n "s/^\s*ModuleVersion\s*=\s*'\([^']*\)'.*/\1/p" powershell/AseGpu/AseGpu.psd1)
[ "$psd_version" = "$version" ] || log "warning: AseGpu.psd1 ModuleVersion '$psd_version' differs from Cargo.toml version '$version'"

scripts/build-windows.sh >&2
powershell/build.sh >&2

for f in AseGpu.psd1 AseGpu.psm1 AseGpu.Interop.dll runtimes/linux-x64/native/libasegpu.so runtimes/win-x64/native/asegpu.dll; do
    [ -s "$mod/$f" ] || { log "missing $mod/$f"; exit 1; }
done

zip="$out/AseGpu-$version.zip"
rm -f "$zip"
# Python's zipfile: no dependency on the zip tool; entries sorted, paths with '/', executables keep their mode.
python3 - "$out" "$zip" <<'EOF'
import os, sys, zipfile
base, dest = sys.argv[1], sys.argv[2]
paths = []
for d, dirs, files in os.walk(os.path.join(base, "AseGpu")):
    dirs.sort()
    paths += [os.path.join(d, f) for f in sorted(files)]
with zipfile.ZipFile(dest + ".tmp", "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for p in paths:
        z.write(p, os.path.relpath(p, base).replace(os.sep, "/"))
os.replace(dest + ".tmp", dest)
EOF
log "$(python3 -c 'import zipfile,sys; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))' "$zip") files, $(du -h "$zip" | cut -f1): $zip"
echo "$zip"
