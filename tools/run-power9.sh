#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# run-power9.sh [--timeout N] [--archive FILE] [--log FILE] [--append ARGS]: boots the default system
# (build/power9/default-linux.cpio: ./bulkhead run adds Debian's vmlinux to build/power9/default.cpio
# with tools/power9-with-linux.sh) on QEMU powernv9 under skiboot, serial
# console on this terminal. Interactive: Ctrl-A X quits. With --timeout N, QEMU is stopped
# after N seconds (tests, CI) and the script exits 0 if QEMU was still running then (the
# system stays up by design). --append passes kernel bootargs (e.g. debug_errors).
#
# The machine: -nodefaults (no PCIe host bridges to train: skiboot hands over in ~0.4 s), 2 GiB
# (default-power9.bh's platform memory: the Linux guest's 256 MiB among it), one serial port
# (OPAL's console), and no BMC: QEMU's IPMI BMC simulator has a watchdog that skiboot leaves
# armed at hand-over and that resets the machine 60 s later (measured); without it the kernel's
# power-off (OPAL, through the BMC) does not end QEMU: Ctrl-A X or --timeout does.
set -euo pipefail
cd "$(dirname "$0")/.."
log=build/run-power9.log timeout_s="" archive=build/power9/default-linux.cpio append=""
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) timeout_s=${2:?--timeout needs a number of seconds}; shift 2 ;;
    --timeout=*) timeout_s=${1#--timeout=}; shift ;;
    --archive) archive=${2:?--archive needs a file}; shift 2 ;;
    --log) log=${2:?--log needs a file}; shift 2 ;;
    --append) append=${2?--append needs kernel arguments}; shift 2 ;;
    -h|--help) sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-power9.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
command -v qemu-system-ppc64 >/dev/null || { echo "run-power9.sh: qemu-system-ppc64 is missing (./bulkhead setup)" >&2; exit 1; }
for f in build/power9/kernel.elf "$archive"; do
  [ -f "$f" ] || { echo "run-power9.sh: $f is missing: build first (ninja)" >&2; exit 1; }
done

qemu=(qemu-system-ppc64 -M powernv9 -m 2G -nodefaults -nographic -monitor none
      -kernel build/power9/kernel.elf -initrd "$archive" -append "$append")

if [ -n "$timeout_s" ]; then
  case $timeout_s in ''|*[!0-9]*) echo "run-power9.sh: --timeout wants whole seconds" >&2; exit 2 ;; esac
  echo "Bulkhead: booting $archive on QEMU powernv9 for ${timeout_s} s; it stops by itself then (Ctrl-C quits earlier)."
  # The output is also kept in $log (build/run-power9.log unless --log), so that the verdict can read it: a system
  # whose root server stopped, or a kernel that panicked, is a failed run even if QEMU ran on.
  rc=0
  timeout --foreground "$timeout_s" "${qemu[@]}" -serial stdio </dev/null | tee "$log" || rc=${PIPESTATUS[0]}
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

echo "Bulkhead: booting $archive on QEMU powernv9. To quit, press Ctrl-A then X."
exec "${qemu[@]}" -serial mon:stdio
