#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Debian's Linux to its /init marker: wall time from QEMU's start, under Bulkhead's VMM and
# with QEMU booting the same vmlinux and initramfs directly through PVH; two ratios (target
# under 1.3): the whole system's, which includes Bulkhead's own boot before the test root
# starts building the guest (the kernel clears all of RAM, 1 GiB here), and the guest's, from
# that moment to the marker; and the VMM's exits by reason. Wall time under TCG, so figures
# vary by some percent between runs; two runs each. Writes build/bench/linux.json.
set -euo pipefail
. "$(dirname "$0")/x86-cpu.sh"
cd "$(dirname "$0")/.."
[ -s build/linux/vmlinux ] || { echo "bench-linux: no build/linux/vmlinux (tools/fetch-linux.sh)" >&2; exit 0; }
mkdir -p build/bench
cp build/linux/initramfs.cpio build/x86/vmmtest/linux-initrd
tools/mkarchive.sh build/x86/vmm-linux.cpio build/x86/vmmtest/root build/x86/vmm/vmm build/x86/vmmtest/vmm-guest \
  build/x86/vmmtest/initrd.txt build/linux/vmlinux build/x86/vmmtest/linux-initrd
marker=BULKHEAD-LINUX-INIT-OK
# Under Bulkhead, the test root prints this line when it starts building the guest (RAM, the
# image mapped into the VMM), after the kernel's own boot; QEMU's direct boot has no such step.
guest_start='^\[vmmtest\] linux: vmlinux'

# time_until LOG START-PATTERN CMD...: "T_START T_MARKER", seconds from starting CMD until LOG
# first shows START-PATTERN (0 without one) and the marker (0 if never).
time_until() {
  local log=$1 pattern=$2; shift 2
  : >"$log"
  local t0; t0=$(date +%s.%N)
  "$@" </dev/null >"$log" 2>&1 &
  local pid=$! t=0 ts=0
  for _ in $(seq 1 2400); do
    if [ -n "$pattern" ] && [ "$ts" = 0 ] && grep -aq "$pattern" "$log"; then ts=$(echo "$(date +%s.%N) - $t0" | bc); fi
    if grep -aq "$marker" "$log"; then t=$(echo "$(date +%s.%N) - $t0" | bc); break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  # /init powers off right after the marker: the VMM's exit statistics follow within a second.
  for _ in $(seq 1 60); do
    grep -aq 'exits by reason' "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill "$pid" 2>/dev/null || true  # the guest may have powered off and QEMU ended
  wait "$pid" 2>/dev/null || true
  echo "$ts $t"
}

declare -a ours direct start
for run in 1 2; do
  echo "bench: Linux under the VMM, run $run..." >&2
  read -r start[$run] ours[$run] < <(time_until build/bench/linux-vmm-$run.log "$guest_start" \
    tools/qemu-x86.sh build/x86/vmm-linux.cpio q35 -m 1G)
  echo "bench: Linux booted directly by QEMU, run $run..." >&2
  read -r _ direct[$run] < <(time_until build/bench/linux-direct-$run.log "" \
    qemu-system-x86_64 -machine q35 -cpu "$X86_CPU" -m 1G \
    -nodefaults -nographic -monitor none -serial stdio -no-reboot -kernel build/linux/vmlinux \
    -initrd build/linux/initramfs.cpio -append "console=ttyS0 rdinit=/init")
done
ratio() { echo "scale=2; $1 / $2" | bc; }
guest() { echo "$1 - $2" | bc; }
g1=$(guest "${ours[1]}" "${start[1]}"); g2=$(guest "${ours[2]}" "${start[2]}")
printf '\n%-52s %10s %10s\n' "Linux boot to /init (wall s)" "run 1" "run 2"
printf '%-52s %10s %10s\n' "under Bulkhead, from QEMU's start" "${ours[1]}" "${ours[2]}"
printf '%-52s %10s %10s\n' "  of which Bulkhead's boot until the root builds it" "${start[1]}" "${start[2]}"
printf '%-52s %10s %10s\n' "  of which the guest: built, loaded, booted (VMM)" "$g1" "$g2"
printf '%-52s %10s %10s\n' "QEMU booting vmlinux directly, from QEMU's start" "${direct[1]}" "${direct[2]}"
r1=$(ratio "${ours[1]}" "${direct[1]}"); r2=$(ratio "${ours[2]}" "${direct[2]}")
v1=$(ratio "$g1" "${direct[1]}"); v2=$(ratio "$g2" "${direct[2]}")
printf '%-52s %10s %10s\n' "ratio, whole system" "$r1" "$r2"
printf '%-52s %10s %10s  (target under 1.3)\n' "ratio, the guest under the VMM" "$v1" "$v2"
exits=$(tr -d '\r' <build/bench/linux-vmm-1.log | grep -m1 '^\[linux vmm\] exits by reason' || true)
echo "${exits:-[linux vmm] (no exit statistics: the guest did not stop)}"
cat >build/bench/linux.json <<JSON
[
  {"name": "linux_boot_to_init_under_vmm", "unit": "s", "value": ${ours[1]}, "runs": [${ours[1]}, ${ours[2]}]},
  {"name": "linux_boot_to_init_guest_part", "unit": "s", "value": $g1, "runs": [$g1, $g2]},
  {"name": "linux_boot_to_init_direct", "unit": "s", "value": ${direct[1]}, "runs": [${direct[1]}, ${direct[2]}]},
  {"name": "linux_boot_ratio", "unit": "ratio", "value": $r1, "runs": [$r1, $r2]},
  {"name": "linux_boot_ratio_guest", "unit": "ratio", "value": $v1, "runs": [$v1, $v2]}
]
JSON
echo "written: build/bench/linux.json"
