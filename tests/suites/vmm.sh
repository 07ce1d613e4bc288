#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The per-guest VMM (vmm/): its test root runs test guests under VMM processes (every exit and
# hypercall, a hostile guest, shutdown, a crash, refused images, killing one VMM while another
# runs). QEMU exits 33 on success. `vmm.sh bench` runs the benchmark archive under
# -icount shift=0 and prints its BENCH lines.
# When tools/fetch-linux.sh has fetched Debian's kernel (build/linux/vmlinux), it also boots it
# under the VMM (128 MiB, busybox initramfs; QEMU stopped after at most 150 s) and checks that
# Linux printed its banner as a Xen PVH guest, that /init ran (its marker in the kernel log),
# that /init's output to /dev/console came through hvc0 (the VMM's PV console ring), that the
# guest then stopped, and that the VMM printed its exit statistics.
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

if [ ! -s build/linux/vmlinux ] || [ ! -s build/linux/initramfs.cpio ]; then
  echo "SKIP vmm.linux_*: no build/linux/vmlinux (run tools/fetch-linux.sh)"
  exit 0
fi
log=build/test-logs/vmm-linux.serial
cp build/linux/initramfs.cpio build/x86/vmmtest/linux-initrd
tools/mkarchive.sh build/x86/vmm-linux.cpio build/x86/vmmtest/root build/x86/vmm/vmm build/x86/vmmtest/vmm-guest \
  build/x86/vmmtest/initrd.txt build/linux/vmlinux build/x86/vmmtest/linux-initrd
# The guest's RAM (128 MiB), the image twice (archive and the VMM's copy): QEMU needs 1 GiB.
timeout 150 tools/qemu-x86.sh build/x86/vmm-linux.cpio q35 -m 1G >"$log" 2>&1
rc=$?
tr -d '\r' <"$log" >"$log.txt"
fail=0
check() { # name, then a pattern the log must contain
  if grep -q -E "$2" "$log.txt"; then echo "PASS vmm.$1"; else echo "FAIL vmm.$1 (log: $log)"; fail=1; fi
}
check linux_banner_as_xen_pvh_guest '^\[linux (xen|hvc)\] .*Linux version [0-9]'
check linux_uses_xen_timers 'clocksource: Switched to clocksource xen'
check linux_runs_init '^\[linux (xen|hvc)\] .*BULKHEAD-LINUX-INIT-OK'
# [linux hvc] is the PV console ring only (console_io is [linux xen]); /init writes this marker
# to /dev/console only, so it arrives through hvc0 and the ring or not at all.
check linux_console_through_hvc0_ring '^\[linux hvc\] BULKHEAD-LINUX-HVC0-OK'
check linux_stops_after_init '^PASS vmm\.linux_guest_stopped'
check linux_exit_statistics '^\[vmm linux\] exits by reason: cpuid [0-9]+ msr [0-9]+ ioio [0-9]+ hlt [0-9]+ vmmcall [0-9]+'
grep -E '^\[linux hvc\] BULKHEAD-LINUX-HVC0-OK|^\[vmm linux\] (exits by reason|guest |console )' "$log.txt"
[ $rc -eq 33 ] || { echo "FAIL vmm.linux_run: QEMU exited with status $rc (log: $log)"; fail=1; }
exit $fail
