#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The POWER9 part of ./bulkhead bench (called by tools/bench.sh): tests/bench built for ppc64le
# (ninja build/power9/all) on QEMU powernv9, each archive run twice:
#   instructions  build/power9/bench-insns.cpio, the kernel booted with "bench_counters" so
#                 that user level reads UPMC5 (instructions completed, every privilege state;
#                 QEMU 7.2's -icount aborts under skiboot with "Bad icount read", so the
#                 performance monitor replaces it)
#   tb_ticks      build/power9/bench.cpio, the timebase (512 MHz): wall time under TCG, so it
#                 varies from run to run
# QEMU 7.2's UPMC5 under-counts: it misses the instructions of translation blocks that end in
# an exception (sc) or an indirect branch (a single-stepped round trip is 1,375 where UPMC5
# says 1,110): its figures are lower bounds, named so ("instructions_pmc5"). The peer reads
# the same counter, so the per-pass figures (pass_*) start in one thread and end in the other.
# Writes a table, build/bench/power9.json (one object per metric and unit: name, unit, value =
# the first run, runs) and build/bench/power9.svg (beside x86's figures, the CPU's choice, from
# build/bench/x86*.json when present). Fails if a run does not finish; reports whether figures
# repeat.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/bench-lib.sh
mkdir -p build/bench build/test-logs
kernel=build/power9/kernel.elf
for f in "$kernel" build/power9/bench.cpio build/power9/bench-insns.cpio; do
  [ -f "$f" ] || { echo "bench-power9: $f missing (ninja build/power9/all)" >&2; exit 1; }
done

# run ARCHIVE APPEND LOG: boots and stops at BENCH-DONE, a panic or 120 s.
run() {
  qemu-system-ppc64 -M powernv9 -nodefaults -device ipmi-bmc-sim,id=bmc0 \
    -device isa-ipmi-bt,bmc=bmc0,irq=10 -serial stdio -nographic -monitor none \
    -kernel "$kernel" -initrd "$1" -append "$2" </dev/null >"$3" 2>&1 &
  local qemu=$!
  for _ in $(seq 1 240); do
    sleep 0.5
    grep -aq -e '^BENCH-DONE' -e PANIC "$3" && break
    kill -0 "$qemu" 2>/dev/null || break
  done
  kill "$qemu" 2>/dev/null || true
  wait "$qemu" 2>/dev/null || true
  grep -aq '^BENCH-DONE' "$3" || { echo "bench-power9: the benchmark did not finish (log: $3)" >&2; tail -20 "$3" >&2; exit 1; }
  if grep -aq '^BENCH-ERROR' "$3"; then grep -a '^BENCH-ERROR' "$3" >&2; exit 1; fi
}

declare -A val
for unit in instructions tb_ticks; do
  archive=build/power9/bench-insns.cpio; append=bench_counters
  [ "$unit" = tb_ticks ] && { archive=build/power9/bench.cpio; append=""; }
  for r in 1 2; do
    echo "bench: POWER9 $unit, run $r of 2 (QEMU powernv9)..." >&2
    log=build/test-logs/power9-bench-$unit-$r.serial
    run "$archive" "$append" "$log"
    while read -r _ name value; do val[$unit,$name,$r]=$value; done < <(tr -d '\r' <"$log" | grep '^BENCH ')
  done
done

order=(ipc_call_replyrecv_roundtrip_0_words ipc_call_replyrecv_roundtrip_4_words
       ipc_call_replyrecv_roundtrip_10_words_slowpath ipc_call_replyrecv_roundtrip_0_words_fpu
       ipc_send_recv_0_words notification_signal_wake_waiter null_syscall_poll frame_map_unmap
       frame_derive_page_map_unmap_delete
       pass_call_0_words pass_replyrecv_0_words pass_call_10_words_slowpath pass_replyrecv_10_words_slowpath
       pass_send_0_words pass_signal_wake_higher pass_signal_wake_lower pass_signal_no_waiter counter_read loop_overhead)

# The true counts of three per-iteration figures, from a calibration run that counts every
# instruction (tools/bench-power9-trace.sh), beside UPMC5's.
echo "bench: POWER9 calibration, every instruction counted from QEMU's translation log..." >&2
declare -A traced
while read -r name value; do traced[$name]=$value; done < <(tools/bench-power9-trace.sh "${val[instructions,loop_overhead,1]:-0}")
[ ${#traced[@]} -eq 3 ] || { echo "bench-power9: the calibration run counted ${#traced[@]} of 3 figures" >&2; exit 1; }
json=build/bench/power9.json
printf '\n%-48s %8s %8s %8s   %9s %9s  %s\n' "POWER9 metric" "pmc5 1" "pmc5 2" "repeats" "tb 1" "tb 2" "traced (true count)"
printf '%s\n' "--------------------------------------------------------------------------------------------------"
echo "[" >"$json"
sep="" chart_rows=""
# x86's figure (the CPU's choice) for the chart, from this bench's x86 JSON files.
x86_value() {
  local f
  for f in build/bench/x86.json build/bench/x86-passes.json; do
    [ -f "$f" ] || continue
    grep -o "\"name\": \"$1\", \"unit\": \"instructions\", \"value\": [0-9]*" "$f" | grep -o '[0-9]*$' && return 0
  done
  echo -
}
for m in "${order[@]}"; do
  a=${val[instructions,$m,1]:-null}; b=${val[instructions,$m,2]:-null}
  c=${val[tb_ticks,$m,1]:-null}; d=${val[tb_ticks,$m,2]:-null}
  same=no; [ "$a" = "$b" ] && same=yes
  t=${traced[$m]:-}
  printf '%-48s %8s %8s %8s   %9s %9s  %s\n' "$m" "$a" "$b" "$same" "$c" "$d" \
    "${t:+$t (UPMC5 x $(awk -v t="$t" -v a="$a" 'BEGIN {printf "%.2f", t / a}'))}"
  [ -z "$t" ] || printf '%s  {"name": "%s", "unit": "instructions", "method": "traced", "value": %s}' "$sep" "$m" "$(json_num "$t")" >>"$json"
  [ -z "$t" ] || sep=$',\n'
  printf '%s  {"name": "%s", "unit": "instructions_pmc5", "lower_bound": true, "value": %s, "runs": %s},\n' \
    "$sep" "$m" "$(json_num "$a")" "$(json_list "$a" "$b")" >>"$json"
  printf '  {"name": "%s", "unit": "tb_ticks_512MHz", "value": %s, "runs": %s}' "$m" "$(json_num "$c")" "$(json_list "$c" "$d")" >>"$json"
  sep=$',\n'
  case $m in counter_read|loop_overhead) ;; *) chart_rows+="$m|$a|${t:--}|$(x86_value "$m")"$'\n' ;; esac
done
printf '\n]\n' >>"$json"
echo "(pmc5: UPMC5 under QEMU 7.2, a lower bound: it misses translation blocks ending in an exception"
echo " or an indirect branch, about a fifth of a round trip; tb: timebase ticks, wall time under TCG;"
echo " traced: every instruction counted in a calibration run, tools/bench-power9-trace.sh)"
svg_bars build/bench/power9.svg "POWER9 (UPMC5, a lower bound; traced, the true count) beside x86_64 (-icount), instructions" \
  "POWER9 UPMC5" "POWER9 traced" "x86_64, CPU's choice" <<<"${chart_rows%$'\n'}"
echo
echo "written: $json, build/bench/power9.svg"
