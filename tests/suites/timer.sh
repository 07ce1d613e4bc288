#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The timer server (servers/timer/) in QEMU (q35): the root server builds
# tests/system/timer/timer.bh; two sleepers in another partition check their timeouts and
# print their own PASS/FAIL lines, and a client without a configured event is refused. The
# system never exits by itself: QEMU is stopped once all three clients said they are done.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
log=build/test-logs/timer.serial
tools/qemu-x86.sh build/x86/timer.cpio q35 </dev/null >"$log.raw" 2>&1 &
pid=$!
for _ in $(seq 1 900); do # at most 90 s
  [ "$(tr -d '\r' <"$log.raw" | grep -c 'timer tests done')" -ge 3 ] && break
  grep -q 'stopped at step' "$log.raw" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
tr -d '\r' <"$log.raw" >"$log"; rm -f "$log.raw"
grep -E '^\[timer\]|slept' "$log"
grep -E '^(PASS|FAIL) timer\.' "$log"
status=0
for inst in quick slow unwired; do
  grep -q "^\[$inst\] timer tests done" "$log" || { echo "FAIL timer.${inst}_finished: no 'timer tests done' (log: $log)"; status=1; }
done
grep -q PANIC "$log" && { echo "FAIL timer.no_kernel_panic: the kernel panicked (log: $log)"; status=1; }
grep -q '^FAIL timer\.' "$log" && status=1
exit $status
