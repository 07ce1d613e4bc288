#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The hostile task: 100,000 random system calls from an unprivileged process (fixed seed),
# with the kernel invariant checker after every batch of 1,000. QEMU exits 33 on success.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
log=build/test-logs/hostile.serial
timeout 600 tools/qemu-x86.sh build/x86/hostile.cpio q35 >"$log" 2>&1
rc=$?
tr -d '\r' <"$log" | grep -aE '^(PASS|FAIL) hostile\.'
grep -a '^\[hostile\]' "$log" | tr -d '\r' >&2
case $rc in
  33) ;;
  124) echo "FAIL hostile.run: QEMU timed out (log: $log)"; exit 1 ;;
  *) echo "FAIL hostile.run: QEMU exited with status $rc (log: $log)"; exit 1 ;;
esac
grep -aq PANIC "$log" && { echo "FAIL hostile.no_kernel_panic: the kernel panicked (log: $log)"; exit 1; }
exit 0
