#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The release kernel (build/x86/kernel-release.elf) has no debug system calls: a program that
# calls DebugPutChar takes an unknown-syscall fault (-10), and the kernel stays up.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
log=build/test-logs/release.serial
KERNEL=build/x86/kernel-release.elf timeout 20 tools/qemu-x86.sh build/x86/ktest.cpio q35 >"$log" 2>&1
out=$(tr -d '\r' <"$log")
if grep -q 'root server: entry' <<<"$out"; then echo "PASS release.boots"; else echo "FAIL release.boots: no root server (log: $log)"; fi
if grep -q 'unknown syscall fault (fffffffffffffff3 ' <<<"$out" && ! grep -q '^\[ktest\]' <<<"$out"; then
  echo "PASS release.debug_console_is_an_unknown_syscall"
else
  echo "FAIL release.debug_console_is_an_unknown_syscall: the debug call was served or no fault was reported (log: $log)"
fi
if grep -q PANIC <<<"$out"; then echo "FAIL release.no_kernel_panic: (log: $log)"; else echo "PASS release.no_kernel_panic"; fi
