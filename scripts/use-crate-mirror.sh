#!/usr/bin/env bash
# Where the crate registry cannot be reached, make cargo build from the mirror of our lock files in
# ../shared/offline (its use-crates-mirror.sh; idempotent, and a no-op where the registry answers or where
# there is no such mirror). Every script that runs cargo on its own calls this first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mirror="$root/../shared/offline/use-crates-mirror.sh"
[ -f "$mirror" ] || exit 0
bash "$mirror" "$root"
