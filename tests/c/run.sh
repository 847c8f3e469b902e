#!/usr/bin/env bash
# Build the cdylib, start the emulator, compile the C test against include/asegpu.h and run it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo build --quiet --workspace --lib --bins
out=target/ctest
mkdir -p "$out"
for t in test_foundation test_ops; do
    gcc -std=c11 -Wall -Wextra -Werror -O1 -g -o "$out/$t" "tests/c/$t.c" \
        -Iinclude -Ltarget/debug -lasegpu -lpthread -Wl,-rpath,"$root/target/debug"
done

work=$(mktemp -d)
trap 'kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export ASEGPU_TEST_PASSWORD="C-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
ASEGPU_SIM_PASSWORD="$ASEGPU_TEST_PASSWORD" target/debug/asegpu-sim --work-dir "$work" --time-scale 100000 --retry-after 0 \
    > "$work/ready.json" 2> "$work/sim.log" &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/ready.json" ] && break; sleep 0.1; done
[ -s "$work/ready.json" ] || { echo "emulator did not start"; cat "$work/sim.log"; exit 1; }
field() { python3 -c "import json,sys; print(json.load(open('$work/ready.json'))['$1'])"; }
export ASEGPU_TEST_ARM=$(field arm_endpoint) ASEGPU_TEST_ARM_IP=$(field arm_endpoint_ip)
export ASEGPU_TEST_CA=$(field ca_cert) ASEGPU_TEST_THUMBPRINT=$(field thumbprint)
dead_port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
export ASEGPU_TEST_DEAD_ENDPOINT="https://127.0.0.1:$dead_port/"
export ASEGPU_TEST_TEMPLATES="$root/tests/data/template/ase-templates/VmTemplates"
[ -d "$root/../shared/fixtures/ase-templates/VmTemplates" ] && export ASEGPU_TEST_TEMPLATES="$root/../shared/fixtures/ase-templates/VmTemplates"
qemu-img create -q -f vpc -o subformat=fixed,force_size "$work/ubuntu18.04.vhd" 4M
export ASEGPU_TEST_VHD="$work/ubuntu18.04.vhd" ASEGPU_TEST_NOT_VHD="$work/ready.json"
${ASEGPU_C_TEST_WRAPPER:-} "$out/test_foundation"
${ASEGPU_C_TEST_WRAPPER:-} "$out/test_ops"
