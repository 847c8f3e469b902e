#!/usr/bin/env bash
# The C ABI test under valgrind memcheck: fails on any memory error or definite leak in the library.
# Runtime threads still alive at exit would show as "possibly lost": the C test calls asegpu_shutdown()
# last, so none are expected; only definite leaks fail the run (`--errors-for-leak-kinds=definite`).
# Known false positives of ring's assembly (TLS record encryption) are suppressed in valgrind.supp.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null || { echo "valgrind is not installed (scripts/install-deps.sh installs it)"; exit 1; }
export ASEGPU_C_TEST_WRAPPER="valgrind --quiet --error-exitcode=9 --leak-check=full --show-leak-kinds=definite,possible \
--errors-for-leak-kinds=definite --num-callers=40 --suppressions=$here/valgrind.supp"
exec "$here/run.sh" "$@"
