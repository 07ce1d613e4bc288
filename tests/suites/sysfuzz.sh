#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The structured system-call fuzzer (tests/system/sysfuzz): a short campaign of typed
# operations on real objects from a fixed seed, with the invariant checker after every 1,000
# calls; once with the CPU's default entry paths and once through the Meltdown window.
# ./bulkhead fuzz syscalls [calls] [seed] runs a long one.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
status=0
for variant in default window; do
  prefix=sysfuzz; cmdline=""
  [ $variant = window ] && { prefix=sysfuzz-window; cmdline=meltdown_window=on; }
  log=build/test-logs/$prefix.serial
  KERNEL_CMDLINE=$cmdline timeout 900 tools/qemu-x86.sh build/x86/sysfuzz.cpio q35 >"$log" 2>&1 </dev/null
  rc=$?
  tr -d '\r' <"$log" | grep -aE '^(PASS|FAIL) sysfuzz\.' | sed "s/ sysfuzz\./ $prefix./"
  grep -a '^\[sysfuzz\]' "$log" | tr -d '\r' | grep -v '/' >&2
  case $rc in
    33) ;;
    124) echo "FAIL $prefix.run: QEMU timed out (log: $log)"; status=1; continue ;;
    *) echo "FAIL $prefix.run: QEMU exited with status $rc (log: $log)"; status=1; continue ;;
  esac
  grep -aq PANIC "$log" && { echo "FAIL $prefix.no_kernel_panic: the kernel panicked (log: $log)"; status=1; }
done
exit $status
