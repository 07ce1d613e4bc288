#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The kernel API suite in QEMU, on the q35, pc and microvm machines (microvm's PVH memory
# map ends with a garbage entry, which the kernel must reject with a message). The suite prints its own PASS and
# FAIL lines and ends QEMU through isa-debug-exit: 33 = all passed, 35 = some failed.
# q35 and pc run with the Meltdown window forced on (QEMU's AMD model does not need it),
# microvm with the CPU's default (off), so the suite covers both entry and exit paths.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
status=0
# KTEST_MACHINES and KTEST_IOMMUS narrow the runs (the terminal suite boots q35 alone).
for machine in ${KTEST_MACHINES:-q35 pc microvm}; do
  prefix=ktest; [ "$machine" != q35 ] && prefix=ktest-$machine
  log=build/test-logs/ktest-$machine.serial
  window=on; [ "$machine" = microvm ] && window=""
  # q35 carries QEMU's edu device for msi_exception_vectors_dropped (MSIs on exception vectors).
  extra=(); [ "$machine" = q35 ] && extra=(-device edu)
  timeout --foreground 150 tools/qemu-x86.sh build/x86/ktest.cpio "$machine" ${window:+-append meltdown_window=on} "${extra[@]}" >"$log" 2>&1 </dev/null
  rc=$?
  tr -d '\r' <"$log" | grep -E '^(PASS|FAIL) ktest\.' | sed "s/ ktest\./ $prefix./"
  case $rc in
    33) ;;
    35) status=1 ;;
    124) echo "FAIL $prefix.run: QEMU timed out after 150 s (log: $log)"; status=1 ;;
    *) echo "FAIL $prefix.run: QEMU exited with status $rc (log: $log)"; status=1 ;;
  esac
  grep -q "PANIC" "$log" && { echo "FAIL $prefix.no_kernel_panic: the kernel panicked (log: $log)"; status=1; }
  want="meltdown window off (not affected)"; [ -n "$window" ] && want="meltdown window on (forced)"
  if grep -aqF "$want" "$log"; then echo "PASS $prefix.meltdown_window_${window:-default}"
  else echo "FAIL $prefix.meltdown_window_${window:-default}: the boot line does not say '$want' (log: $log)"; status=1; fi
  if [ "$machine" != microvm ]; then # these have a PIT: the kernel measures the TSC against it
    if grep -qE "^ktest: counter [1-9][0-9]* kHz" "$log"; then echo "PASS $prefix.counter_frequency_measured"
    else echo "FAIL $prefix.counter_frequency_measured: no measured TSC frequency in the boot info (log: $log)"; status=1; fi
  fi
  if [ "$machine" = q35 ]; then # the kernel dropped edu's MSIs on vectors it does not serve
    missing=""
    for v in 17 21 29 30 8 14 240; do
      grep -q "^\[kernel\] interrupt on vector $v dropped" <(tr -d '\r' <"$log") || missing+=" $v"
    done
    if [ -z "$missing" ]; then echo "PASS $prefix.msi_unserved_vectors_dropped"
    else echo "FAIL $prefix.msi_unserved_vectors_dropped: no drop reported for vector(s)$missing (log: $log)"; status=1; fi
  fi
  if [ "$machine" = microvm ]; then
    if grep -q "memory map entry .* ignored" "$log"; then echo "PASS $prefix.memory_map_garbage_entry_rejected"
    else echo "FAIL $prefix.memory_map_garbage_entry_rejected: no message about the bad entry (log: $log)"; status=1; fi
    # microvm's MADT has a second I/O APIC: the kernel must have found it there and kept it
    # (untyped_kernel_devices_never_frames then checks that no device untyped covers it).
    if grep -q "kept from device memory:.* I/O APIC fec10000..fec11000" "$log"; then echo "PASS $prefix.second_io_apic_kept"
    else echo "FAIL $prefix.second_io_apic_kept: the kernel did not keep the MADT's I/O APIC at 0xfec10000 (log: $log)"; status=1; fi
  fi
done
# With an IOMMU the firmware's DMAR (Intel) or IVRS (AMD) table names its registers: the kernel
# keeps them, and no device untyped may cover them. The VT-d machines also have QEMU's edu device
# for the iospace group (DMA confinement) and the msi group: with interrupt remapping on (QEMU's
# default under TCG, named here) edu's MSIs through PCI_DEVICE GET_MSI; with it off, GET_MSI
# refused and MSIs on exception vectors dropped. From these runs the suite reports the IOSpace
# and MSI tests (the contract group's IOSpace entries too: elsewhere they are SKIP lines) and
# any failure. An entry is NAME=DEVICE:RANGE.
for iommu in ${KTEST_IOMMUS-intel-iommu=intel-iommu,intremap=on:fed90000..fed91000 \
    intel-iommu-nointremap=intel-iommu,intremap=off:fed90000..fed91000 amd-iommu=amd-iommu:fed80000..fee00000}; do
  name=${iommu%%=*} spec=${iommu#*=}
  dev=${spec%%:*} range=${spec#*:}
  log=build/test-logs/ktest-$name.serial
  devices=(-device "$dev"); [[ "$dev" = intel-iommu* ]] && devices+=(-device edu)
  timeout --foreground 150 tools/qemu-x86.sh build/x86/ktest.cpio q35 "${devices[@]}" >"$log" 2>&1 </dev/null
  rc=$?
  tr -d '\r' <"$log" | grep -E '^(PASS ktest\.(iospace_|msi_|vspace_io_space_|contract_(checks_)?(IO_SPACE|PCI_DEVICE))|FAIL ktest\.)' | sed "s/ ktest\./ ktest-$name./"
  case $rc in
    33) echo "PASS ktest-$name.run" ;;
    124) echo "FAIL ktest-$name.run: QEMU timed out after 150 s (log: $log)"; status=1 ;;
    *) echo "FAIL ktest-$name.run: QEMU exited with status $rc (log: $log)"; status=1 ;;
  esac
  grep -q "PANIC" "$log" && { echo "FAIL ktest-$name.no_kernel_panic: the kernel panicked (log: $log)"; status=1; }
  case $name in # what each VT-d machine must have run rather than skipped
    intel-iommu) want="msi_remapped_delivery msi_remapped_random_messages contract_PCI_DEVICE_GET_MSI_NOT_ENOUGH_MEMORY" ;;
    intel-iommu-nointremap) want="msi_exception_vectors_dropped contract_PCI_DEVICE_GET_MSI_ILLEGAL_OPERATION" ;;
    *) want="" ;;
  esac
  for t in $want; do
    grep -q "^PASS ktest\.$t\$" <(tr -d '\r' <"$log") || { echo "FAIL ktest-$name.ran_$t: not passed here (log: $log)"; status=1; }
  done
  if grep -q "kept from device memory:.* IOMMU $range" "$log" && grep -q "^PASS ktest.untyped_kernel_devices_never_frames" <(tr -d '\r' <"$log"); then
    echo "PASS ktest-$name.iommu_registers_kept"
  else echo "FAIL ktest-$name.iommu_registers_kept: IOMMU $range not kept, or a device untyped covers it (log: $log)"; status=1; fi
  # Its ACPI table (DMAR, IVRS) too: listed, and no untyped of any kind covers it (the ktest).
  if grep -q "kept from device memory:.* IOMMU table [0-9a-f]*\.\." "$log" && grep -q "^PASS ktest.untyped_kernel_devices_never_frames" <(tr -d '\r' <"$log"); then
    echo "PASS ktest-$name.iommu_table_kept"
  else echo "FAIL ktest-$name.iommu_table_kept: the DMAR or IVRS table is not kept, or an untyped covers it (log: $log)"; status=1; fi
done
exit $status
