#!/usr/bin/env bash
# Fuzz the C ABI and the parsers behind it with cargo-fuzz (libFuzzer + AddressSanitizer/LeakSanitizer):
# every asegpu_* entry point that takes JSON or strings (fuzz/fuzz_targets/ffi_*), the ARM template engine
# (template_*), the emulator's deployment request handling (sim_deployment_body), its HTTP request handling
# end to end (sim_http_request: parsing, limits, authentication, routing, providers, blob, AD FS) and the VHD check.
#
# Usage: scripts/fuzz.sh [--quick | SECONDS_PER_TARGET] [TARGET...]
#   (default)  180 s per target: with 8 targets about 24 minutes, well over 1,000,000 inputs
#              in total (the per-target counts and the sum are printed from libFuzzer's final stats);
#   --quick    about 60 s in total (8 s per target, after the build), for the normal test command.
# Any crash, panic escaping the C ABI, contract violation, leak, timeout (>10 s) or out-of-memory
# (>2 GiB) fails the run; the input is saved under fuzz/artifacts/<target>/ and its path printed.
# Stack: every input runs on a thread with a small stack (512 KiB, ASEGPU_FUZZ_STACK_KIB; fuzz/src/lib.rs
# on_small_stack), so a recursion that grows with the input is found as a crash (issue 11); fuzz/seeds.py
# adds deep and large seeds (nesting on both sides of every limit, allocation bombs) at each start.
# Reproduce one with: RUSTC_BOOTSTRAP=1 cargo fuzz run -a <target> <artifact>   (from the repository root)
# Measured (2 cores, ASan, debug assertions): 120 s per target ran 981,198 inputs in total, e.g.
# ffi_connect 348k, ffi_vhd_check 153k, template_expr 149k, template_render 121k, template_jsonc 78k,
# sim_deployment_body 69k, ffi_session 62k (it talks to an in-process emulator for read-only calls).
# sim_http_request came later (a whole connection per input: about 260 inputs/s in a --quick run).
#
# Toolchain: cargo-fuzz passes nightly-only rustc flags (-Zsanitizer=address, sanitizer coverage). This
# project uses the stable toolchain only, so the script sets RUSTC_BOOTSTRAP=1, which lets the stable
# compiler accept them (the sanitizer runtimes ship with stable's rust-std for x86_64-unknown-linux-gnu).
# cargo-fuzz itself: the one on PATH, else ../shared/offline/bin/cargo-fuzz (0.13.2, for machines without the crate registry),
# else `cargo install cargo-fuzz --locked` into ${ASEGPU_CACHE}/cargo-fuzz.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/use-crate-mirror.sh
cache=${ASEGPU_CACHE:-$HOME/.cache/asegpu}
export PATH="$cache/cargo-fuzz/bin:$PATH"
export RUSTC_BOOTSTRAP=1

secs=180
if [ "${1:-}" = "--quick" ]; then secs=8; shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then secs=$1; shift
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ffi_connect ffi_session ffi_vhd_check template_jsonc template_expr template_render sim_deployment_body sim_http_request)

offline_bin=$root/../shared/offline/bin
if ! command -v cargo-fuzz >/dev/null && [ -f "$offline_bin/cargo-fuzz" ]; then
    # A read-only copy of shared/ may have lost the exec bit, so ours is a private file on PATH. The offline
    # cargo-fuzz may be a script that unpacks the binary from beside its own folder: ours then runs that script
    # where it is; a binary is copied.
    mkdir -p "$cache/cargo-fuzz/bin"
    if [ "$(head -c 2 "$offline_bin/cargo-fuzz")" = "#!" ]; then
        printf '#!/usr/bin/env bash\nexec bash %q "$@"\n' "$(cd "$offline_bin" && pwd)/cargo-fuzz" >"$cache/cargo-fuzz/bin/cargo-fuzz"
        chmod 0755 "$cache/cargo-fuzz/bin/cargo-fuzz"
    else
        install -m 0755 "$offline_bin/cargo-fuzz" "$cache/cargo-fuzz/bin/cargo-fuzz"
    fi
fi
if ! command -v cargo-fuzz >/dev/null; then
    echo "installing cargo-fuzz into $cache/cargo-fuzz"
    cargo install cargo-fuzz --locked --root "$cache/cargo-fuzz"
fi

# The build (ASan, all dependencies) is kept in the cache so later runs only rebuild asegpu.
tdir="${ASEGPU_FUZZ_TARGET_DIR:-$cache/fuzz-target}"
# -a: debug assertions and overflow checks on (an overflow is a bug worth a report too).
cargo fuzz build -a --target-dir "$tdir"
# Run the built binaries directly (what `cargo fuzz run` does after building): other people editing src/
# meanwhile would otherwise trigger a rebuild before each target.
bin=$tdir/$(rustc -vV | sed -n 's/^host: //p')/release

logs=$tdir/logs
mkdir -p "$logs"
# Deep and large seeds (issue 11), generated here rather than committed: see fuzz/seeds.py.
seeds=$tdir/seeds
rm -rf "$seeds"
python3 fuzz/seeds.py "$seeds"
total=0
failed=()
printf '%-22s %12s %10s %8s\n' target executions exec/s corpus
for t in "${targets[@]}"; do
    work=$tdir/corpus-work/$t   # new inputs found go here (not committed); seeds are read-only
    mkdir -p "$work" "fuzz/artifacts/$t"
    set +e
    extra=(); [ -d "$seeds/$t" ] && extra=("$seeds/$t")
    "$bin/$t" "$work" "fuzz/corpus/$t" "${extra[@]}" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" >"$logs/$t.log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$t.log" | tail -1)
    corpus=$(find "$work" -type f | wc -l)
    printf '%-22s %12s %10s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "$corpus"
    total=$((total + ${execs:-0}))
    if [ $rc -ne 0 ]; then
        failed+=("$t")
        echo "---- $t FAILED (exit $rc); log: $logs/$t.log"
        grep -E "^(==[0-9]+==ERROR|SUMMARY|thread .* panicked|.*panicked at)|artifact_prefix|Test unit written" "$logs/$t.log" | head -20 || true
    fi
done
echo "total executions: $total"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz targets that found a problem: ${failed[*]}"
    exit 1
fi
