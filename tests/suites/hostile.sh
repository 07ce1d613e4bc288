#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The hostile task: 100,000 random system calls from an unprivileged process (fixed seed),
# with the kernel invariant checker after every batch of 1,000. QEMU exits 33 on success.
# Run twice: with the CPU's default entry and exit paths (hostile.*) and through the Meltdown
# window (hostile-window.*, docs/security.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
status=0
for variant in default window; do
  prefix=hostile; cmdline=""
  [ $variant = window ] && { prefix=hostile-window; cmdline=meltdown_window=on; }
  log=build/test-logs/$prefix.serial
  KERNEL_CMDLINE=$cmdline timeout 600 tools/qemu-x86.sh build/x86/hostile.cpio q35 >"$log" 2>&1
  rc=$?
  tr -d '\r' <"$log" | grep -aE '^(PASS|FAIL) hostile\.' | sed "s/ hostile\./ $prefix./"
  grep -a '^\[hostile\]' "$log" | tr -d '\r' >&2
  case $rc in
    33) ;;
    124) echo "FAIL $prefix.run: QEMU timed out (log: $log)"; status=1; continue ;;
    *) echo "FAIL $prefix.run: QEMU exited with status $rc (log: $log)"; status=1; continue ;;
  esac
  grep -aq PANIC "$log" && { echo "FAIL $prefix.no_kernel_panic: the kernel panicked (log: $log)"; status=1; }
done
exit $status
