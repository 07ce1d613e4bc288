#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The per-guest VMM (vmm/): its test root runs test guests under VMM processes (every exit and
# hypercall, a hostile guest, shutdown, a crash, refused images, killing one VMM while another
# runs). QEMU exits 33 on success. `vmm.sh bench` runs the benchmark archive under
# -icount shift=0 and prints its BENCH lines.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
if [ "${1:-}" = bench ]; then
  log=build/test-logs/vmm-bench.serial
  timeout 300 tools/qemu-x86.sh build/x86/vmm-bench.cpio q35 -icount shift=0 >"$log" 2>&1
  rc=$?
  tr -d '\r' <"$log" | grep -E '^(BENCH|PASS|FAIL) '
  [ $rc -eq 33 ] || { echo "FAIL vmm.bench_run: QEMU exited with status $rc (log: $log)"; exit 1; }
  exit 0
fi
log=build/test-logs/vmm.serial
timeout 600 tools/qemu-x86.sh build/x86/vmm.cpio q35 >"$log" 2>&1
rc=$?
tr -d '\r' <"$log" | grep -E '^(PASS|FAIL) vmm\.'
case $rc in
  33) ;;
  124) echo "FAIL vmm.run: QEMU timed out (log: $log)"; exit 1 ;;
  *) echo "FAIL vmm.run: QEMU exited with status $rc (log: $log)"; exit 1 ;;
esac
grep -q PANIC "$log" && { echo "FAIL vmm.no_kernel_panic: the kernel panicked (log: $log)"; exit 1; }
exit 0
