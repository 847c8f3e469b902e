/* C ABI call overhead measured from C (scripts/bench.sh): a no-op call and a JSON round trip (an error object
 * rendered to JSON, copied out and freed), per call, against an empty C function call as the baseline. */
#include "asegpu.h"
#include <stdio.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
__attribute__((noinline)) static unsigned baseline(void) { __asm__ volatile(""); return 1; }

int main(void) {
    const int n = 20000000, m = 200000;
    volatile unsigned acc = 0;
    double t0 = now();
    for (int i = 0; i < n; i++) acc += baseline();
    double base = (now() - t0) / n;
    t0 = now();
    for (int i = 0; i < n; i++) acc += asegpu_abi_version();
    double noop = (now() - t0) / n;
    AsegpuError *err = NULL;
    asegpu_debug_panic(0, &err);
    t0 = now();
    for (int i = 0; i < m; i++) { char *s = asegpu_error_to_json(err); asegpu_string_free(s); }
    double json = (now() - t0) / m;
    asegpu_error_free(err);
    printf("from C: no-op ABI call %.1f ns vs an empty C call %.1f ns (baseline): ratio %.1f\n", noop * 1e9, base * 1e9, noop / base);
    printf("from C: JSON round trip (render, copy out, free) %.2f us per call\n", json * 1e6);
    return (int)(acc == 0);
}
