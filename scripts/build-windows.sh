#!/usr/bin/env bash
# Cross-builds the Windows DLL target/x86_64-pc-windows-gnu/<profile>/asegpu.dll (debug by default) and checks it:
#   - it exports every asegpu_* function that include/asegpu.h declares;
#   - it imports only Windows system DLLs (no mingw runtime such as libwinpthread-1.dll / libgcc_s_seh-1.dll).
# Idempotent: adds the rustup target and installs gcc-mingw-w64-x86-64-posix (apt) only when missing.
# Usage: scripts/build-windows.sh [--release]     (extra arguments are passed to cargo build)
# Prints the DLL path on the last line of stdout.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/use-crate-mirror.sh
triple=x86_64-pc-windows-gnu
profile=debug
for a in "$@"; do [ "$a" = "--release" ] && profile=release; done
target_dir="${CARGO_TARGET_DIR:-$root/target}"
dll="$target_dir/$triple/$profile/asegpu.dll"
log() { echo "build-windows.sh: $*" >&2; }

if ! rustup target list --installed 2>/dev/null | grep -x "$triple" >/dev/null; then
    log "rustup target add $triple"
    rustup target add "$triple" >&2
fi

if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || ! command -v x86_64-w64-mingw32-objdump >/dev/null 2>&1; then
    log "installing gcc-mingw-w64-x86-64-posix (apt)"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc-mingw-w64-x86-64-posix >/dev/null
fi

# Cargo picks x86_64-w64-mingw32-gcc as the linker for this target by default.
cargo build -p asegpu-ffi --target "$triple" "$@" >&2
[ -f "$dll" ] || { log "missing $dll"; exit 1; }

# --- checks ---------------------------------------------------------------------------------------------
dump=$(x86_64-w64-mingw32-objdump -p "$dll")
# Declarations in the header: lines that are not comments/preprocessor and contain "asegpu_xxx(".
declared=$(grep -vE '^\s*(/?\*|#|//)' include/asegpu.h | grep -oE '\basegpu_[a-z0-9_]+\(' | tr -d '(' | sort -u)
# Export table: "[ordinal] name" lines after "[Ordinal/Name Pointer] Table".
exported=$(printf '%s\n' "$dump" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' \
    | grep -oE '\basegpu_[a-z0-9_]+$' | sort -u)
[ -n "$declared" ] || { log "no asegpu_* declarations found in include/asegpu.h"; exit 1; }
missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
if [ -n "$missing" ]; then
    log "functions declared in include/asegpu.h but not exported by $dll:"; printf '  %s\n' $missing >&2
    exit 1
fi
extra=$(comm -13 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
[ -z "$extra" ] || log "note: exported but not in the header: $(echo $extra)"

imports=$(printf '%s\n' "$dump" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
# Windows system DLLs (present on every Windows 10+/Server 2016+ installation).
system_re='^(kernel32|kernelbase|ntdll|advapi32|bcrypt|bcryptprimitives|ws2_32|userenv|msvcrt|ucrtbase|crypt32|secur32|ncrypt|ole32|oleaut32|shell32|user32|shlwapi|iphlpapi|dnsapi|mswsock|synchronization|api-ms-win-[a-z0-9-]+)\.dll$'
bad=$(printf '%s\n' "$imports" | grep -vE "$system_re" || true)
if [ -n "$bad" ]; then
    log "$dll imports non-system DLLs (would have to ship beside it):"; printf '  %s\n' $bad >&2
    exit 1
fi
log "ok: $(printf '%s\n' "$declared" | wc -l) header functions exported; imports: $(echo $imports)"
log "$(du -h "$dll" | cut -f1) $dll"
echo "$dll"
