#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# run-x86.sh [--timeout N] [--archive FILE] [--log FILE]: boots the default system (build/x86/default.cpio,
# built by plain `ninja`, plus Debian's kernel for its Linux guest: tools/with-linux.sh) in
# QEMU on the q35 machine with 1 GiB, serial console on this terminal: type into the Linux
# guest's shell there. Interactive: Ctrl-A X quits. With --timeout N, QEMU is stopped after
# N seconds (tests, CI) and the script exits 0 if QEMU was still running then (the system
# stays up by design). Without build/linux/vmlinux it says how to fetch it (./bulkhead setup).
#
# Timed runs go through tools/qemu-x86.sh; interactive ones start QEMU with the same options.
# KERNEL=build/x86/kernel-release.elf boots the release kernel (no debug calls) instead.
set -euo pipefail
. "$(dirname "$0")/x86-cpu.sh"
cd "$(dirname "$0")/.."
log=build/run-x86.log timeout_s="" archive=build/x86/default.cpio
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) timeout_s=${2:?--timeout needs a number of seconds}; shift 2 ;;
    --timeout=*) timeout_s=${1#--timeout=}; shift ;;
    --archive) archive=${2:?--archive needs a file}; shift 2 ;;
    --log) log=${2:?--log needs a file}; shift 2 ;;
    -h|--help) sed -n '5,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-x86.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
for f in "${KERNEL:-build/x86/kernel.elf}" "$archive"; do
  [ -f "$f" ] || { echo "run-x86.sh: $f is missing: build first (ninja, or ./bulkhead run)" >&2; exit 1; }
done
if [ "$archive" = build/x86/default.cpio ]; then
  tools/with-linux.sh "$archive" build/x86/default-linux.cpio || exit 1
  archive=build/x86/default-linux.cpio
fi

if [ -n "$timeout_s" ]; then
  case $timeout_s in ''|*[!0-9]*) echo "run-x86.sh: --timeout wants whole seconds" >&2; exit 2 ;; esac
  echo "Bulkhead: booting $archive in QEMU (q35) for ${timeout_s} s; it stops by itself then (Ctrl-C quits earlier)."
  # The output is also kept in $log (build/run-x86.log unless --log), so that the verdict can read it: a system
  # whose root server stopped, or a kernel that panicked, is a failed run even if QEMU ran on.
  rc=0
  timeout --foreground "$timeout_s" tools/qemu-x86.sh "$archive" q35 -m 1G </dev/null | tee "$log" || rc=${PIPESTATUS[0]}
  if grep -qaE '^\[root\] stopped|PANIC' "$log"; then
    echo
    echo "Bulkhead: the system did not come up: $(grep -aE -m1 '^\[root\] (error|stopped)|PANIC' "$log" | tr -d '\r') (log: $log)"
    exit 1
  fi
  if [ "$rc" -eq 124 ]; then
    echo
    echo "Bulkhead: stopped QEMU after ${timeout_s} s (the system was still running)."
    exit 0
  fi
  echo "Bulkhead: QEMU exited with status $rc before the timeout."
  exit "$rc"
fi

echo "Bulkhead: booting $archive in QEMU (q35). To quit, press Ctrl-A then X."
exec qemu-system-x86_64 -machine q35 -cpu "$X86_CPU" -m 1G -nodefaults -nographic -monitor none \
  -serial mon:stdio -no-reboot -kernel "${KERNEL:-build/x86/kernel.elf}" -initrd "$archive" \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 ${KERNEL_CMDLINE:+-append "$KERNEL_CMDLINE"}
