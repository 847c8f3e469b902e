# Probes for what the test suites need (sourced by scripts/test.sh). `needs_met "need1 need2"` succeeds when every
# need is met, and otherwise fails with the first unmet need's reason, in plain words, in $why. Each probe
# asks the machine (a command, a file, a registry's answer), never a machine name, and runs once per command.
# shellcheck shell=bash

declare -A _need_reason=()   # need -> "" (met) or the reason it is not
_shared_offline="$root/../shared/offline"

# A registry answers within a few seconds or is taken as unreachable.
_pypi_answers() {
    local d; d=$(mktemp -d)
    timeout 30 python3 -m pip download -q --no-deps --no-cache-dir --disable-pip-version-check -d "$d" 'pytest==8.3.3' \
        >/dev/null 2>&1
    local rc=$?; rm -rf "$d"; return $rc
}
_nuget_answers() {
    command -v dotnet >/dev/null || return 1
    local url
    url=$(dotnet nuget list source --format short 2>/dev/null | awk '$1 ~ /^E/ {print $2; exit}')
    [ -n "$url" ] && timeout 30 curl -sf -o /dev/null "$url"
}
_crates_answer() { (cd "$(mktemp -d)" && timeout 30 cargo info --registry crates-io serde >/dev/null 2>&1); }
# (grep reads all of apt-cache's output: with `grep -q` it stops at the match, apt-cache dies of SIGPIPE, and
# under pipefail the probe said a package apt offers was missing.)
_apt_has() { apt-cache policy "$1" 2>/dev/null | grep 'Candidate: [0-9]' >/dev/null; }

_probe() {
    case $1 in
    cargo)
        cargo metadata --locked --format-version 1 >/dev/null 2>&1 \
            || echo "cargo cannot resolve Cargo.lock (neither the crate registry nor the crate mirror in ../shared/offline is reachable)" ;;
    cc) command -v cc >/dev/null || echo "no C compiler (cc; Debian: gcc), and apt did not install one" ;;
    qemu-img) command -v qemu-img >/dev/null || echo "qemu-img is missing (Debian: qemu-utils), and apt did not install it" ;;
    valgrind) command -v valgrind >/dev/null || echo "valgrind is missing, and apt did not install it" ;;
    windows-std)
        [ -d "$(rustc --print sysroot)/lib/rustlib/x86_64-pc-windows-gnu/lib" ] \
            || timeout 60 rustup target add x86_64-pc-windows-gnu >/dev/null 2>&1 \
            || echo "the Rust standard library for x86_64-pc-windows-gnu is not installed and rustup cannot download it" ;;
    mingw) command -v x86_64-w64-mingw32-gcc >/dev/null || _apt_has gcc-mingw-w64-x86-64-posix \
            || echo "the mingw-w64 cross compiler is missing and apt does not offer it" ;;
    wine) [ -x /usr/lib/wine/wine64 ] || _apt_has wine64 || echo "Wine is missing and apt does not offer wine64" ;;
    pypi-azcli)
        [ -f "$ASEGPU_CACHE/venv-azcli-2.66/.asegpu-installed" ] || _pypi_answers \
            || echo "PyPI cannot be reached, and no Azure CLI 2.66 venv is cached in $ASEGPU_CACHE" ;;
    pypi-azsdk)
        [ -f "$ASEGPU_CACHE/venv-azsdk/.asegpu-installed" ] || _pypi_answers \
            || echo "PyPI cannot be reached, and no Azure SDK venv is cached in $ASEGPU_CACHE" ;;
    npm)
        if ! command -v npm >/dev/null; then echo "npm is missing (needed for oav)"
        elif [ ! -d "$ASEGPU_CACHE/oav/node_modules/oav" ] && ! timeout 30 npm view oav@4.0.3 version >/dev/null 2>&1; then
            echo "the npm registry cannot be reached, and oav is not cached in $ASEGPU_CACHE"
        fi ;;
    dotnet) command -v dotnet >/dev/null || echo "the .NET SDK (dotnet) is not installed" ;;
    nuget)
        [ -d "$ASEGPU_CACHE/nuget/microsoft.netframework.referenceassemblies.net472" ] || _nuget_answers \
            || echo "NuGet cannot be reached, and the packages are not cached in $ASEGPU_CACHE/nuget" ;;
    mono) command -v mono >/dev/null || _apt_has mono-runtime || echo "Mono is missing and apt does not offer mono-runtime" ;;
    pwsh)
        [ -x "$ASEGPU_CACHE/pwsh/pwsh" ] || { command -v dotnet >/dev/null && _nuget_answers; } \
            || echo "PowerShell 7.6.9 is not cached in $ASEGPU_CACHE/pwsh, and NuGet cannot be reached to install it" ;;
    cargo-fuzz)
        command -v cargo-fuzz >/dev/null || [ -x "$ASEGPU_CACHE/cargo-fuzz/bin/cargo-fuzz" ] \
            || [ -x "$_shared_offline/bin/cargo-fuzz" ] || _crates_answer \
            || echo "cargo-fuzz is not installed, ../shared/offline has none, and the crate registry cannot be reached to build it" ;;
    asan)
        compgen -G "$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/lib/librustc-*_rt.asan.a" >/dev/null \
            || echo "the toolchain has no AddressSanitizer runtime" ;;
    *) echo "unknown need '$1' (scripts/needs.sh)" ;;
    esac
}

# needs_met "need1 need2": succeeds when all are met; otherwise sets $why to the first unmet need's reason.
why=
needs_met() {
    local n
    why=
    for n in $1; do
        if [ -z "${_need_reason[$n]+x}" ]; then _need_reason[$n]=$(_probe "$n"); fi
        if [ -n "${_need_reason[$n]}" ]; then why=${_need_reason[$n]}; return 1; fi
    done
}

# System packages, installed only when missing and only where apt works (a probe then names what is missing).
install_system_packages() { scripts/install-deps.sh || echo "install-deps: apt could not install everything (the summary says what could not run)"; }

# Where the crate registry cannot be reached, build from the mirror of our lock files (does nothing where it can).
use_crate_mirror() { "$root/scripts/use-crate-mirror.sh"; }
