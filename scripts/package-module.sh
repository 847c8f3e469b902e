#!/usr/bin/env bash
# Packages the AseGpu PowerShell module (the binary module AseGpu and AseGpu.AzCompat, release builds):
#   1. scripts/build-windows.sh --release -> target/x86_64-pc-windows-gnu/release/asegpu.dll, where the
#      x86_64-pc-windows-gnu standard library is installed (else the package is linux-x64 only, and says so);
#      osx-arm64: build libasegpu.dylib on a Mac (cargo build --release -p asegpu-ffi) and copy it to
#      runtimes/osx-arm64/native/ (the binding's resolver looks there);
#   2. powershell/build.sh -> lays out target/powershell/AseGpu/ (manifest with the stamped version, the
#      cmdlet and binding assemblies, format and help files, AseGpu.AzCompat, runtimes/<rid>/native/);
#   3. zips the folder to target/powershell/AseGpu-<version>.zip with AseGpu/ as the top-level folder, so
#      extracting it into a PSModulePath directory gives an importable module.
# Prints the zip path on the last line of stdout.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/use-crate-mirror.sh
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/powershell"
mod="$out/AseGpu"
log() { echo "package-module.sh: $*" >&2; }

version=$(awk '/^\[/ { pkg = ($0 == "[workspace.package]") } pkg && /^version[ \t]*=/ { gsub(/.*=[ \t]*"|".*/, ""); print; exit }' Cargo.toml)
psd_version=$(sed -n "s/^\s*ModuleVersion\s*=\s*'\([^']*\)'.*/\1/p" powershell/AseGpu/AseGpu.psd1)
[ "$psd_version" = "$version" ] || log "warning: AseGpu.psd1 ModuleVersion '$psd_version' differs from Cargo.toml version '$version'"

if [ -d "$(rustc --print sysroot)/lib/rustlib/x86_64-pc-windows-gnu/lib" ]; then
    scripts/build-windows.sh --release >&2
else
    log "the x86_64-pc-windows-gnu standard library is not installed: this package has no win-x64 native library"
fi
powershell/build.sh >&2

for f in AseGpu.psd1 AseGpu.PowerShell.dll AseGpu.Interop.dll AseGpu.format.ps1xml en-US/AseGpu.PowerShell.dll-Help.xml \
    AseGpu.AzCompat/AseGpu.AzCompat.psd1 runtimes/linux-x64/native/libasegpu.so; do
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
