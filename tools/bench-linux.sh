#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Debian's Linux to its /init marker, under Bulkhead's VMM and with QEMU booting the same
# vmlinux and initramfs directly through PVH, in alternating pairs (BENCH_LINUX_PAIRS, default
# 5): wall time from QEMU's start and QEMU's CPU time (user + system, from /proc/PID/stat) at
# the marker. Two ratios (target under 1.3): the whole system's, which includes Bulkhead's own
# boot before the test root starts building the guest (the kernel clears all of RAM, 1 GiB
# here), and the guest's, from that moment to the marker; and the VMM's exits by reason. Wall
# time under TCG on a loaded machine varies a lot; CPU time is steadier (../shared/
# PLATFORM-FACTS.md). Reports each figure's median with its spread (min-max over the pairs) and
# writes build/bench/linux.json and build/bench/linux.svg.
set -euo pipefail
. "$(dirname "$0")/x86-cpu.sh"
cd "$(dirname "$0")/.."
. tools/bench-lib.sh
[ -s build/linux/vmlinux ] || { echo "bench-linux: no build/linux/vmlinux (tools/fetch-linux.sh)" >&2; exit 0; }
mkdir -p build/bench
cp build/linux/initramfs.cpio build/x86/vmmtest/linux-initrd
tools/mkarchive.sh build/x86/vmm-linux.cpio build/x86/vmmtest/root build/x86/vmm/vmm build/x86/vmmtest/vmm-guest \
  build/x86/vmmtest/initrd.txt build/linux/vmlinux build/x86/vmmtest/linux-initrd
marker=BULKHEAD-LINUX-INIT-OK
# Under Bulkhead, the test root prints this line when it starts building the guest (RAM, the
# image mapped into the VMM), after the kernel's own boot; QEMU's direct boot has no such step.
guest_start='^\[vmmtest\] linux: vmlinux'

pairs=${BENCH_LINUX_PAIRS:-5}
hz=$(getconf CLK_TCK)
# cpu_seconds PID: user + system time of PID so far.
cpu_seconds() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  awk -v hz="$hz" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' <<<"$stat"
}

# time_until LOG START-PATTERN CMD...: "WALL_START WALL_MARKER CPU_START CPU_MARKER", seconds
# from starting CMD (which must exec QEMU, so that its PID is QEMU's) until LOG first shows
# START-PATTERN (0 without one) and the marker (0 if never), in wall time and in QEMU's CPU time.
time_until() {
  local log=$1 pattern=$2; shift 2
  : >"$log"
  local t0; t0=$(date +%s.%N)
  "$@" </dev/null >"$log" 2>&1 &
  local pid=$! t=0 ts=0 c=0 cs=0 last=0 now
  for _ in $(seq 1 2400); do
    # The guest powers off right after the marker, and QEMU may be gone before the marker is
    # seen: then the last sample (at most one poll, 50 ms, earlier) stands for its CPU time.
    now=$(cpu_seconds "$pid"); [ "$now" = 0 ] || last=$now
    if [ -n "$pattern" ] && [ "$ts" = 0 ] && grep -aq "$pattern" "$log"; then
      cs=$last; ts=$(echo "$(date +%s.%N) - $t0" | bc)
    fi
    if grep -aq "$marker" "$log"; then c=$last; t=$(echo "$(date +%s.%N) - $t0" | bc); break; fi
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
  echo "$(json_num "$ts") $(json_num "$t") $(json_num "$cs") $(json_num "$c")"
}

declare -a w_ours w_start w_guest w_direct c_ours c_start c_guest c_direct r_whole r_guest rc_whole rc_guest
div() { awk -v a="$1" -v b="$2" 'BEGIN {if (b + 0 == 0) print "-"; else printf "%.3f", a / b}'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }
for run in $(seq 1 "$pairs"); do
  echo "bench: Linux under the VMM, pair $run of $pairs..." >&2
  read -r ws wo cs co < <(time_until build/bench/linux-vmm-$run.log "$guest_start" \
    tools/qemu-x86.sh build/x86/vmm-linux.cpio q35 -m 1G)
  echo "bench: Linux booted directly by QEMU, pair $run of $pairs..." >&2
  read -r _ wd _ cd < <(time_until build/bench/linux-direct-$run.log "" \
    qemu-system-x86_64 -machine q35 -cpu "$X86_CPU" -m 1G \
    -nodefaults -nographic -monitor none -serial stdio -no-reboot -kernel build/linux/vmlinux \
    -initrd build/linux/initramfs.cpio -append "console=ttyS0 rdinit=/init")
  if [ "$wo" = 0 ] || [ "$wd" = 0 ]; then echo "bench-linux: pair $run did not reach /init (logs: build/bench/linux-*-$run.log)" >&2; exit 1; fi
  w_ours+=("$wo") w_start+=("$ws") w_guest+=("$(minus "$wo" "$ws")") w_direct+=("$wd")
  c_ours+=("$co") c_start+=("$cs") c_guest+=("$(minus "$co" "$cs")") c_direct+=("$cd")
  r_whole+=("$(div "$wo" "$wd")") r_guest+=("$(div "${w_guest[-1]}" "$wd")")
  rc_whole+=("$(div "$co" "$cd")") rc_guest+=("$(div "${c_guest[-1]}" "$cd")")
done

# row LABEL NAME UNIT VALUES...: a table row (median, min-max) and its JSON object.
json_rows=""
row() {
  local label=$1 name=$2 unit=$3; shift 3
  local med lo hi
  read -r med lo hi < <(median_spread "$@")
  printf '%-56s %8s   %s-%s\n' "$label" "$med" "$lo" "$hi"
  json_rows+="${json_rows:+,$'\n'}  {\"name\": \"$name\", \"unit\": \"$unit\", \"value\": $(json_num "$med"), \"min\": $(json_num "$lo"), \"max\": $(json_num "$hi"), \"runs\": $(json_list "$@")}"
  eval "med_$name=$med"
}
printf '\n%-56s %8s   %s\n' "Linux boot to /init ($pairs alternating pairs)" median "spread (min-max)"
row "under Bulkhead, wall s from QEMU's start" linux_boot_to_init_under_vmm s "${w_ours[@]}"
row "  of which Bulkhead's boot until the root builds it" linux_boot_bulkhead_part s "${w_start[@]}"
row "  of which the guest: built, loaded, booted (VMM)" linux_boot_to_init_guest_part s "${w_guest[@]}"
row "QEMU booting vmlinux directly, wall s" linux_boot_to_init_direct s "${w_direct[@]}"
row "under Bulkhead, QEMU's CPU s" linux_boot_to_init_under_vmm_cpu cpu_s "${c_ours[@]}"
row "  of which the guest" linux_boot_to_init_guest_part_cpu cpu_s "${c_guest[@]}"
row "QEMU booting vmlinux directly, QEMU's CPU s" linux_boot_to_init_direct_cpu cpu_s "${c_direct[@]}"
row "ratio, whole system, wall time" linux_boot_ratio ratio "${r_whole[@]}"
row "ratio, the guest under the VMM, wall time (target < 1.3)" linux_boot_ratio_guest ratio "${r_guest[@]}"
row "ratio, whole system, CPU time" linux_boot_ratio_cpu ratio "${rc_whole[@]}"
row "ratio, the guest under the VMM, CPU time (target < 1.3)" linux_boot_ratio_guest_cpu ratio "${rc_guest[@]}"
echo "(each ratio is the median of the pairs' ratios; wall time depends on the machine's load, CPU time less)"
exits=$(tr -d '\r' <build/bench/linux-vmm-1.log | grep -m1 '^\[linux vmm\] exits by reason' || true)
echo "${exits:-[linux vmm] (no exit statistics: the guest did not stop)}"
printf '[\n%s\n]\n' "$json_rows" >build/bench/linux.json
svg_bars build/bench/linux.svg "Linux boot to /init under the VMM / QEMU's direct boot (median of $pairs pairs)" \
  "wall time" "QEMU's CPU time" "target" <<EOF2
whole system|$med_linux_boot_ratio|$med_linux_boot_ratio_cpu|-
the guest under the VMM|$med_linux_boot_ratio_guest|$med_linux_boot_ratio_guest_cpu|1.3
EOF2
echo "written: build/bench/linux.json, build/bench/linux.svg"
