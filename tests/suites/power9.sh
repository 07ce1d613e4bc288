#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# POWER9 in QEMU powernv9 (skiboot). ppc64 QEMU has no isa-debug-exit, so each run is judged
# from console markers and QEMU is stopped after a timeout (the kernel powers off through
# OPAL when it panics). Only what is claimed to work is tested:
#   power9.boot_banner   the kernel's banner and memory map
#   power9.root_bootinfo the bring-up root server runs and prints its boot info (user mode,
#                        system calls, radix MMU, musl with FP state)
# The kernel API suite (build/power9/ktest.cpio) does not run yet (its setup needs the x86
# exit port): no line for it until it does.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
kernel=build/power9/kernel.elf
if ! command -v qemu-system-ppc64 >/dev/null || [ ! -f "$kernel" ] || [ ! -f build/power9/bootinfo.cpio ]; then
  echo "FAIL power9.build: qemu-system-ppc64 or build/power9/{kernel.elf,bootinfo.cpio} missing (ninja build/power9/all)"
  exit 1
fi
log=build/test-logs/power9-bootinfo.serial
# Ends as soon as the marker (or a panic) appears, or after 60 s.
timeout 60 qemu-system-ppc64 -M powernv9 -nodefaults -device ipmi-bmc-sim,id=bmc0 \
  -device isa-ipmi-bt,bmc=bmc0,irq=10 -serial stdio -nographic -monitor none \
  -kernel "$kernel" -initrd build/power9/bootinfo.cpio >"$log" 2>&1 &
qemu=$!
for _ in $(seq 1 120); do
  grep -aq -e '\[root\] power9 bootinfo: OK' -e 'PANIC' "$log" && break
  kill -0 "$qemu" 2>/dev/null || break
  sleep 0.5
done
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null
out=$(tr -d '\r' <"$log")
status=0
if grep -q '^\[kernel\] Bulkhead kernel (POWER9' <<<"$out" && grep -q '^\[kernel\] RAM ' <<<"$out"; then
  echo "PASS power9.boot_banner"
else
  echo "FAIL power9.boot_banner: no banner or memory map (log: $log)"; status=1
fi
if grep -q '^\[root\] power9 bootinfo: OK' <<<"$out" && ! grep -q PANIC <<<"$out"; then
  echo "PASS power9.root_bootinfo"
else
  echo "FAIL power9.root_bootinfo: the root server did not report its boot info (log: $log)"; status=1
fi
exit $status
