#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The side-channel mitigations the kernel chooses at boot (docs/security.md) follow the CPU's
# bits and the command line (mitigations=off, meltdown_window=on/off, verw=on): the kernel is
# booted on QEMU CPU models that differ in vendor
# (TCG enumerates no IBRS, IBPB, MD_CLEAR, L1D_FLUSH nor ARCH_CAPABILITIES, so those
# cases cannot be shown here), and the one boot line is checked against what each must get.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tools/x86-cpu.sh
mkdir -p build/test-logs
status=0

# boot_line NAME CPU [CMDLINE]: the kernel's mitigation line on that CPU.
boot_line() {
  local log=build/test-logs/mitigations-$1.serial
  local append=(); [ -n "${3:-}" ] && append=(-append "$3")
  rm -f "$log"
  timeout --foreground 30 qemu-system-x86_64 -machine q35 -cpu "$2" -m 256M -nodefaults -nographic -monitor none \
    -serial file:"$log" -no-reboot -kernel build/x86/kernel.elf -initrd build/x86/ktest.cpio \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${append[@]}" </dev/null >/dev/null 2>&1 &
  local pid=$!
  # Until the whole line is out (its last field is ibrs): the serial file fills as QEMU runs, and
  # a line cut in the middle once failed the suite on a loaded host.
  for _ in $(seq 1 100); do grep -aq '^\[kernel\] mitigations:.*; ibrs [a-z]' "$log" 2>/dev/null && break; sleep 0.2; done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  grep -a -m1 '^\[kernel\] mitigations:' "$log" | tr -d '\r'
}

# expect NAME LINE PATTERN...: every pattern is in the line.
expect() {
  local name=$1 line=$2; shift 2
  local p
  for p in "$@"; do
    if ! grep -qF -- "$p" <<<"$line"; then
      echo "FAIL mitigations.$name: '$p' not in: ${line:-no mitigation line}"; status=1; return
    fi
  done
  echo "PASS mitigations.$name"
}

amd=$(boot_line amd "$X86_CPU")
expect amd_default "$amd" "cpu AMD" "meltdown window off (not affected)" "verw off (not affected)" "ibpb not available" \
  "rsb fill partition switch, vm exit" "l1d flush partition switch (software)" "ibrs off"

intel=$(boot_line intel "max,vendor=GenuineIntel")
expect intel_without_arch_capabilities "$intel" "cpu Intel" "arch_cap 0 (none)" "meltdown window on;" \
  "verw off (vulnerable: no microcode support)" "l1d flush partition switch, vm entry (software)"

off=$(boot_line intel-off "max,vendor=GenuineIntel" "mitigations=off")
expect mitigations_off "$off" "meltdown window off (forced, vulnerable)" "verw off (forced, vulnerable)" "ibpb off" \
  "rsb fill off" "l1d flush off"

window=$(boot_line amd-window "$X86_CPU" "meltdown_window=on")
expect meltdown_window_forced_on "$window" "cpu AMD" "meltdown window on (forced)"

nowindow=$(boot_line intel-nowindow "max,vendor=GenuineIntel" "meltdown_window=off")
expect meltdown_window_forced_off "$nowindow" "cpu Intel" "meltdown window off (forced, vulnerable)" \
  "l1d flush partition switch, vm entry (software)"

verw=$(boot_line amd-verw "$X86_CPU" "verw=on")
expect verw_forced_on "$verw" "cpu AMD" "verw on (forced)"
exit $status
