#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# ./bulkhead bench: kernel micro-benchmarks under QEMU -icount shift=0 (the TSC then counts
# guest instructions, so figures repeat exactly), run twice and compared; then the IDL
# compiler benchmark. Writes a table to the console, build/bench/x86.json (one object per
# metric: name, unit, value, runs) and build/bench/x86.svg (a bar chart); then VM exits through
# the VMM (build/bench/vmm.json), Linux's boot under the VMM against QEMU directly
# (build/bench/linux.json); then the POWER9 figures (tools/bench-power9.sh:
# build/bench/power9.json) when its build and QEMU exist.
# `tools/bench.sh power9` runs only the POWER9 part.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = power9 ]; then exec tools/bench-power9.sh; fi
mkdir -p build/bench
runs=2
declare -A first second
for run in $(seq 1 $runs); do
  echo "bench: kernel run $run of $runs (QEMU -icount shift=0, machine pc)..." >&2
  out=$(timeout 300 tools/qemu-x86.sh build/x86/bench.cpio pc -icount shift=0 2>&1 | tr -d '\r' || true)
  grep -q '^BENCH-DONE' <<<"$out" || { echo "bench: the benchmark did not finish:" >&2; tail -20 <<<"$out" >&2; exit 1; }
  while read -r _ name value; do
    if [ "$run" = 1 ]; then first[$name]=$value; else second[$name]=$value; fi
  done < <(grep '^BENCH ' <<<"$out")
done

# seL4 measured the same way by this project (sel4bench, QEMU 7.2 pc -cpu max -icount
# shift=0, non-MCS release build, different address spaces, equal priorities).
declare -A sel4=(
  [ipc_call_replyrecv_roundtrip_0_words]="427 (407 without its Meltdown window)"
  [ipc_call_replyrecv_roundtrip_10_words_slowpath]="812 (Call, 10 words, one way)"
  [ipc_send_recv_0_words]="710 (Send, slow path)"
  [notification_signal_wake_waiter]="520 (signal waking a higher-priority waiter)"
)
order=(ipc_call_replyrecv_roundtrip_0_words ipc_call_replyrecv_roundtrip_4_words
       ipc_call_replyrecv_roundtrip_10_words_slowpath ipc_send_recv_0_words
       notification_signal_wake_waiter null_syscall_poll frame_map_unmap)
json=build/bench/x86.json
printf '\n%-48s %10s %10s %8s  %s\n' "metric (instructions)" "run 1" "run 2" "repeats" "seL4, same method"
printf '%s\n' "------------------------------------------------------------------------------------------------------"
echo "[" >"$json"
sep=""
for m in "${order[@]}"; do
  a=${first[$m]:-?}; b=${second[$m]:-?}
  same=no; [ "$a" = "$b" ] && same=yes
  printf '%-48s %10s %10s %8s  %s\n' "$m" "$a" "$b" "$same" "${sel4[$m]:--}"
  printf '%s  {"name": "%s", "unit": "instructions", "value": %s, "runs": [%s, %s]}' "$sep" "$m" "$a" "$a" "$b" >>"$json"
  sep=$',\n'
done
printf '\n]\n' >>"$json"

# A bar chart of the first run.
svg=build/bench/x86.svg
{
  echo '<svg xmlns="http://www.w3.org/2000/svg" width="760" height="'$((40 + 28 * ${#order[@]}))'" font-family="sans-serif" font-size="12">'
  echo '<text x="10" y="20" font-size="14">Bulkhead x86_64 kernel paths, instructions (QEMU -icount shift=0)</text>'
  y=36
  for m in "${order[@]}"; do
    v=${first[$m]:-0}; w=$(( v * 380 / 1500 ))
    echo "<text x=\"10\" y=\"$((y + 14))\">$m</text><rect x=\"330\" y=\"$y\" width=\"$w\" height=\"18\" fill=\"#4a7ab5\"/><text x=\"$((336 + w))\" y=\"$((y + 14))\">$v</text>"
    y=$((y + 28))
  done
  echo '</svg>'
} >"$svg"
echo
echo "written: $json, $svg"
for m in "${order[@]}"; do [ "${first[$m]}" = "${second[$m]}" ] || { echo "bench: $m did not repeat" >&2; exit 1; }; done

# VM exits through the user-level VMM: guest instruction to guest instruction, twice.
echo >&2
echo "bench: VM exit round trips through the VMM (QEMU -icount shift=0), twice..." >&2
declare -A v1 v2
for run in 1 2; do
  timeout 300 tools/qemu-x86.sh build/x86/vmm-bench.cpio q35 -icount shift=0 >build/bench/vmm-run$run.log 2>&1 || true
  while read -r _ name value; do
    if [ "$run" = 1 ]; then v1[$name]=$value; else v2[$name]=$value; fi
  done < <(tr -d '\r' <build/bench/vmm-run$run.log | grep '^BENCH vmm_')
done
vjson=build/bench/vmm.json
printf '\n%-48s %10s %10s %8s  %s\n' "VM exit round trip (instructions)" "run 1" "run 2" "repeats" "target"
echo "[" >"$vjson"; sep=""
for m in vmm_hypercall_xen_version vmm_cpuid vmm_ioport_in vmm_ipi_event_round_trip; do
  a=${v1[$m]:-?}; b=${v2[$m]:-?}; same=no; [ "$a" = "$b" ] && same=yes
  target="under 1000 (kernel + VMM)"
  [ "$m" = vmm_ipi_event_round_trip ] && target="(two vCPUs, both halting: send, wake, send back, wake)"
  printf '%-48s %10s %10s %8s  %s\n' "$m" "$a" "$b" "$same" "$target"
  printf '%s  {"name": "%s", "unit": "instructions", "value": %s, "runs": [%s, %s]}' "$sep" "$m" "$a" "$a" "$b" >>"$vjson"
  sep=$',\n'
done
printf '\n]\n' >>"$vjson"
echo "written: $vjson"

# Debian's Linux to /init under the VMM against QEMU booting it directly (wall time, ratio).
echo >&2
echo "bench: Linux boot to /init, under the VMM and directly (wall time, twice each)..." >&2
tools/bench-linux.sh

if command -v qemu-system-ppc64 >/dev/null && [ -f build/power9/bench-insns.cpio ]; then
  tools/bench-power9.sh
else
  echo "bench: POWER9 part skipped (qemu-system-ppc64 or build/power9/bench-insns.cpio missing)" >&2
fi

echo
echo "bench: IDL compiler, 1,000 components and 5,000 connections..." >&2
tools/bench-idl.sh 3
