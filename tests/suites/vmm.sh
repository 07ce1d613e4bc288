#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The per-guest VMM (vmm/): its MMIO instruction decoder on the host; then its test root runs
# test guests under VMM processes (every exit and hypercall, reads and writes where nothing is,
# a hostile guest, shutdown, a crash, refused images, killing one VMM while another runs). QEMU exits 33 on success. `vmm.sh bench` runs the benchmark archive under
# -icount shift=0 and prints its BENCH lines.
# When tools/fetch-linux.sh has fetched Debian's kernel (build/linux/vmlinux), it also boots it
# under the VMM (128 MiB, busybox initramfs; QEMU stopped after at most 150 s) and checks that
# Linux printed its banner as a Xen PVH guest, that /init ran (its marker in the kernel log),
# that /init's output to /dev/console came through hvc0 (the VMM's PV console ring), that the
# guest then stopped, that its grant table initialised (frames beyond RAM), and that the VMM
# printed its exit statistics; and how the guest ended:
# poweroff -f through ACPI S5, reboot -f and a panic through SCHEDOP_shutdown (one boot each).
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
if [ "${1:-}" = bench ]; then
  log=build/test-logs/vmm-bench.serial
  timeout --foreground 300 tools/qemu-x86.sh build/x86/vmm-bench.cpio q35 -icount shift=0 >"$log" 2>&1 </dev/null
  rc=$?
  tr -d '\r' <"$log" | grep -E '^(BENCH|PASS|FAIL) '
  [ $rc -eq 33 ] || { echo "FAIL vmm.bench_run: QEMU exited with status $rc (log: $log)"; exit 1; }
  exit 0
fi
# The MMIO instruction decoder on the host (ASan, UBSan), case by case.
if [ -x build/host/mmio_decode_tests ]; then
  build/host/mmio_decode_tests || echo "FAIL vmm.mmio_decode: build/host/mmio_decode_tests exited with status $?"
else
  echo "FAIL vmm.mmio_decode: build/host/mmio_decode_tests is missing (ninja build/host/mmio_decode_tests)"
fi
log=build/test-logs/vmm.serial
timeout --foreground 600 tools/qemu-x86.sh build/x86/vmm.cpio q35 >"$log" 2>&1 </dev/null
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
# Three boots, at once (each is about 10 s of QEMU; the machine has two cores): /init ends the
# first with poweroff -f (ACPI S5), the second (with two vCPUs) with reboot -f, the third with a
# kernel panic.
# linux_boot NAME EXTRA-CMDLINE: boots in the background; the log is build/test-logs/vmm-NAME.serial.
cp build/linux/initramfs.cpio build/x86/vmmtest/linux-initrd
pids=()
linux_boot() {
  local name=$1 extra=$2 vcpus=$3 dir=build/x86/vmmtest/$1
  mkdir -p "$dir"
  printf '%s' "$extra" >"$dir/linux-cmdline"
  printf '%s' "$vcpus" >"$dir/linux-vcpus"
  tools/mkarchive.sh build/x86/vmm-$name.cpio build/x86/vmmtest/root build/x86/vmm/vmm build/x86/vmmtest/vmm-guest \
    build/x86/vmmtest/initrd.txt build/linux/vmlinux build/x86/vmmtest/linux-initrd "$dir/linux-cmdline" "$dir/linux-vcpus"
  # The guest's RAM (128 MiB), the image twice (archive and the VMM's copy): QEMU needs 1 GiB.
  (timeout --foreground 150 tools/qemu-x86.sh build/x86/vmm-$name.cpio q35 -m 1G </dev/null >build/test-logs/vmm-$name.serial 2>&1
   echo $? >build/test-logs/vmm-$name.rc) &
  pids+=($!)
}
linux_boot linux bulkhead.end=poweroff 1
linux_boot linux-reboot "bulkhead.end=reboot bulkhead.smp-work=1" 2
linux_boot linux-panic bulkhead.end=panic 1
wait "${pids[@]}"
fail=0
check() { # log name, test name, then a pattern the log must contain
  if grep -q -E "$3" "build/test-logs/vmm-$1.serial.txt"; then echo "PASS vmm.$2"; else echo "FAIL vmm.$2 (log: build/test-logs/vmm-$1.serial)"; fail=1; fi
}
for name in linux linux-reboot linux-panic; do
  tr -d '\r' <build/test-logs/vmm-$name.serial >build/test-logs/vmm-$name.serial.txt
  rc=$(cat build/test-logs/vmm-$name.rc)
  [ "$rc" = 33 ] || { echo "FAIL vmm.${name//-/_}_run: QEMU exited with status $rc (log: build/test-logs/vmm-$name.serial)"; fail=1; }
done
check linux linux_banner_as_xen_pvh_guest '^\[linux (xen|hvc)\] .*Linux version [0-9]'
check linux linux_uses_xen_timers 'clocksource: Switched to clocksource xen'
check linux linux_runs_init '^\[linux (xen|hvc)\] .*BULKHEAD-LINUX-INIT-OK'
# [linux hvc] is the PV console ring only (console_io is [linux xen]); /init writes this marker
# to /dev/console only, so it arrives through hvc0 and the ring or not at all.
check linux linux_console_through_hvc0_ring '^\[linux hvc\] BULKHEAD-LINUX-HVC0-OK'
check linux linux_stops_after_init '^PASS vmm\.linux_guest_stopped'
check linux linux_exit_statistics '^\[linux vmm\] exits by reason: cpuid [0-9]+ msr [0-9]+ ioio [0-9]+ hlt [0-9]+ vmmcall [0-9]+'
# The endings, as the test root saw them in the VMM's report (reason and path).
# Linux 6.1 places its grant frames beyond RAM (unpopulated space); the VMM maps its own there.
check linux linux_grant_table_version_1 '^\[linux (xen|hvc)\] .*xen:grant_table: Grant tables using version 1 layout'
check linux linux_grant_table_initialised '^\[linux (xen|hvc)\] .*Grant table initialized'
if grep -qiE 'grant.table.*(fail|err)|grant frame refused' build/test-logs/vmm-linux.serial.txt; then
  echo "FAIL vmm.linux_no_grant_table_failure (log: build/test-logs/vmm-linux.serial)"; fail=1
else echo "PASS vmm.linux_no_grant_table_failure"; fi
# Every MSR Linux touches without a fault handler answers as KVM and Xen answer it (no call trace).
if grep -qE "unchecked MSR access error" build/test-logs/vmm-linux.serial.txt build/test-logs/vmm-linux-reboot.serial.txt; then
  echo "FAIL vmm.linux_no_unchecked_msr_access: $(grep -m1 -ohE "unchecked MSR access error: [^(]*" build/test-logs/vmm-linux*.serial.txt)"; fail=1
else echo "PASS vmm.linux_no_unchecked_msr_access"; fi
# VCPUOP_register_vcpu_time_memory_area answers: Linux's vDSO reads the Xen clock without a
# system call (it prints this only when the VMM refuses the secondary time area).
if grep -qE "VDSO_CLOCKMODE_PVCLOCK not supported" build/test-logs/vmm-linux.serial.txt; then
  echo "FAIL vmm.linux_vdso_pvclock: $(grep -m1 -ohE "VDSO_CLOCKMODE_PVCLOCK not supported.*" build/test-logs/vmm-linux.serial.txt)"; fail=1
else echo "PASS vmm.linux_vdso_pvclock"; fi
check linux linux_hardware_reduced_acpi '^\[linux (xen|hvc)\] .*ACPI: PM: \(supports S0 S5\)'
check linux linux_poweroff_through_acpi_s5 '^\[vmmtest\] linux shutdown: poweroff via acpi$'
# The reboot boot has two vCPUs: Linux starts the second with INIT and SIPI (the MADT lists it).
check linux-reboot linux_smp_brings_up_2_cpus '^\[linux (xen|hvc)\] .*smp: Brought up 1 node, 2 CPUs'
check linux-reboot linux_smp_runs_init '^\[linux (xen|hvc)\] .*BULKHEAD-LINUX-INIT-OK'
# /init's busy loop per CPU: both vCPUs ran user code, and the second received Xen IPIs.
check linux-reboot linux_smp_both_vcpus_work '^\[linux hvc\] .*BULKHEAD-LINUX-SMP cpus=2 user0=[1-9][0-9]* user1=[1-9][0-9]* .*(resched1|callfunc1)=[1-9]'
check linux-reboot linux_reboot_through_schedop_shutdown '^\[vmmtest\] linux shutdown: reboot via hypercall$'
check linux-panic linux_panic_through_schedop_shutdown_crash '^\[vmmtest\] linux shutdown: crash via hypercall$'
grep -h -E '^\[linux hvc\] BULKHEAD-LINUX-HVC0-OK|^\[linux vmm\] (exits by reason|guest |console )|^\[vmmtest\] linux shutdown' \
  build/test-logs/vmm-linux.serial.txt build/test-logs/vmm-linux-reboot.serial.txt build/test-logs/vmm-linux-panic.serial.txt
exit $fail
