#!/usr/bin/env bash
# System packages the tests need, installed only when missing (Debian/Ubuntu, as root or with sudo).
set -euo pipefail
need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v python3 >/dev/null || need+=(python3)
command -v qemu-img >/dev/null || need+=(qemu-utils)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
command -v valgrind >/dev/null || need+=(valgrind)
if [ -d powershell ]; then
    command -v mcs >/dev/null || need+=(mono-mcs)
    command -v mono >/dev/null || need+=(mono-runtime)
fi
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${need[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
