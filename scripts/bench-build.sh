#!/usr/bin/env bash
# Build and test times of this tree against a named baseline commit, measured in the same run (BENCHMARKS.md
# section 6). The default baseline, 3083409, is the last single-package layout before the workspace split.
#
# For each tree, in its own target directory, one after the other (never two builds at once):
#   lib cold     a cold debug build of the C ABI library (libasegpu), what a C# or PowerShell developer builds
#   tests cold   then every test binary (`cargo test --no-run`), so lib + tests is a cold build of everything
#   test run     the Rust test suites, warm
#   core edit    a one-line change in device knowledge, then every test binary again
#   cli edit     a one-line change in the CLI, then the C ABI library again
#   sim edit     a one-line change in the emulator, then the C ABI library again
# Prints seconds and the ratio this/baseline for each. Usage: scripts/bench-build.sh [BASELINE_COMMIT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
baseline=${1:-3083409}
bash "$root/scripts/use-crate-mirror.sh" >/dev/null 2>&1 || true
# outside the workspace, or cargo takes the trees for members of this one
out=${ASEGPU_BENCH_DIR:-$HOME/.cache/asegpu/bench-build}
mkdir -p "$out"
base_tree="$out/baseline-tree"
rm -rf "$base_tree"
git -C "$root" worktree prune
git -C "$root" worktree add -q --detach "$base_tree" "$baseline"
trap 'git -C "$root" worktree remove --force "$base_tree" 2>/dev/null || true' EXIT

# seconds CMD...: runs CMD quietly, prints its wall time in seconds (one decimal)
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$out/last.log" 2>&1 || { echo "failed: $*" >&2; tail -20 "$out/last.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

# edit FILE: appends a comment line, as a developer's one-line change would
edit() { printf '\n// bench-build edit %s\n' "$(date +%s%N)" >>"$1"; }

# timed NAME STEP CMD...: prints "NAME STEP seconds", or stops the script when CMD fails
timed() {
    local name=$1 step=$2 s
    shift 2
    s=$(seconds "$@") || exit 1
    echo "$name $step $s"
}

# measure NAME TREE: prints "NAME step seconds" lines
measure() {
    local name=$1 tree=$2 ws=() ffi tree_of core cli sim
    export CARGO_TARGET_DIR="$out/target-$name"
    rm -rf "$CARGO_TARGET_DIR"
    cd "$tree"
    if [ -d crates/asegpu-ffi ]; then
        ws=(--workspace); ffi=(-p asegpu-ffi); tree_of=(-p asegpu-ffi)
        core=crates/asegpu-core/src/device/sizes.rs; sim=crates/asegpu-sim/src/lib.rs
    else
        ffi=(--lib); tree_of=(); core=src/device/sizes.rs; sim=src/sim/mod.rs
    fi
    cli=src/cli/mod.rs
    timed "$name" lib-cold cargo build "${ffi[@]}"
    timed "$name" tests-cold cargo test "${ws[@]}" --no-run
    echo "$name test-binaries $(cargo test "${ws[@]}" --no-run 2>&1 | grep -c 'Executable')"
    timed "$name" test-run cargo test "${ws[@]}" --no-fail-fast
    edit "$core"; timed "$name" core-edit-tests cargo test "${ws[@]}" --no-run
    edit "$cli"; timed "$name" cli-edit-lib cargo build "${ffi[@]}"
    edit "$sim"; timed "$name" sim-edit-lib cargo build "${ffi[@]}"
    echo "$name lib-deps $(cargo tree "${tree_of[@]}" -e normal --prefix none 2>/dev/null | sed 's/ (\*)//' | sort -u | wc -l)"
    git checkout -q -- "$core" "$cli" "$sim"
    cd "$root"
}

results="$out/results.txt"
: >"$results"
measure baseline "$base_tree" | tee -a "$results"
[ "${PIPESTATUS[0]}" = 0 ] || exit 1
# this tree is measured on a copy, so the edits never touch the working tree
this_tree="$out/this-tree"
rm -rf "$this_tree"
git -C "$root" worktree add -q --detach "$this_tree" HEAD
trap 'git -C "$root" worktree remove --force "$base_tree" 2>/dev/null || true; git -C "$root" worktree remove --force "$this_tree" 2>/dev/null || true' EXIT
measure this "$this_tree" | tee -a "$results"
[ "${PIPESTATUS[0]}" = 0 ] || exit 1

echo
printf '%-18s %10s %10s %8s\n' step "baseline" "this" ratio
for step in lib-cold tests-cold test-binaries test-run core-edit-tests cli-edit-lib sim-edit-lib lib-deps; do
    b=$(awk -v s="$step" '$1 == "baseline" && $2 == s { print $3 }' "$results")
    t=$(awk -v s="$step" '$1 == "this" && $2 == s { print $3 }' "$results")
    awk -v s="$step" -v b="$b" -v t="$t" 'BEGIN { printf "%-18s %10s %10s %7.2fx\n", s, b, t, (b > 0 ? t / b : 0) }'
done
echo "(baseline: $baseline; this: $(git -C "$root" rev-parse --short HEAD); seconds, except test-binaries and lib-deps, which are counts)"
