#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Debian's Linux to its /init marker: wall time from QEMU's start, under Bulkhead's VMM and
# with QEMU booting the same vmlinux and initramfs directly through PVH; the ratio (target
# under 1.3) and the VMM's exits by reason. Wall time under TCG, so figures vary by a few
# percent between runs; two runs each. Writes build/bench/linux.json.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -s build/linux/vmlinux ] || { echo "bench-linux: no build/linux/vmlinux (tools/fetch-linux.sh)" >&2; exit 0; }
mkdir -p build/bench
cp build/linux/initramfs.cpio build/x86/vmmtest/linux-initrd
tools/mkarchive.sh build/x86/vmm-linux.cpio build/x86/vmmtest/root build/x86/vmm/vmm build/x86/vmmtest/vmm-guest \
  build/x86/vmmtest/initrd.txt build/linux/vmlinux build/x86/vmmtest/linux-initrd
marker=BULKHEAD-LINUX-INIT-OK

# time_until LOG CMD...: seconds from starting CMD until LOG shows the marker (0 if never).
time_until() {
  local log=$1; shift
  : >"$log"
  local t0; t0=$(date +%s.%N)
  "$@" >"$log" 2>&1 &
  local pid=$! t=0
  for _ in $(seq 1 1200); do
    if grep -aq "$marker" "$log"; then t=$(echo "$(date +%s.%N) - $t0" | bc); break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  echo "$t"
}

declare -a ours direct
for run in 1 2; do
  echo "bench: Linux under the VMM, run $run..." >&2
  ours[$run]=$(time_until build/bench/linux-vmm-$run.log tools/qemu-x86.sh build/x86/vmm-linux.cpio q35 -m 1G)
  echo "bench: Linux booted directly by QEMU, run $run..." >&2
  direct[$run]=$(time_until build/bench/linux-direct-$run.log qemu-system-x86_64 -machine q35 -cpu max -m 1G \
    -nodefaults -nographic -monitor none -serial stdio -no-reboot -kernel build/linux/vmlinux \
    -initrd build/linux/initramfs.cpio -append "console=ttyS0 rdinit=/init")
done
ratio() { echo "scale=2; $1 / $2" | bc; }
printf '\n%-44s %10s %10s\n' "Linux boot to /init (wall s, from QEMU start)" "run 1" "run 2"
printf '%-44s %10s %10s\n' "under Bulkhead's VMM" "${ours[1]}" "${ours[2]}"
printf '%-44s %10s %10s\n' "QEMU booting vmlinux directly" "${direct[1]}" "${direct[2]}"
r1=$(ratio "${ours[1]}" "${direct[1]}"); r2=$(ratio "${ours[2]}" "${direct[2]}")
printf '%-44s %10s %10s  (target under 1.3)\n' "ratio" "$r1" "$r2"
exits=$(tr -d '\r' <build/bench/linux-vmm-1.log | grep -m1 '^\[vmm linux\] exits by reason' || true)
echo "${exits:-[vmm linux] (no exit statistics: the guest did not stop)}"
cat >build/bench/linux.json <<JSON
[
  {"name": "linux_boot_to_init_under_vmm", "unit": "s", "value": ${ours[1]}, "runs": [${ours[1]}, ${ours[2]}]},
  {"name": "linux_boot_to_init_direct", "unit": "s", "value": ${direct[1]}, "runs": [${direct[1]}, ${direct[2]}]},
  {"name": "linux_boot_ratio", "unit": "ratio", "value": $r1, "runs": [$r1, $r2]}
]
JSON
echo "written: build/bench/linux.json"
