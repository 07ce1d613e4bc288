#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# ./bulkhead bench: kernel micro-benchmarks under QEMU -icount shift=0 (the TSC then counts
# guest instructions, so figures repeat exactly), run twice and compared, with and without the
# side-channel mitigations (kernel command lines, docs/security.md); then the IDL
# compiler benchmark. Writes tables to the console and, in build/bench/: x86.json (figures per
# loop iteration), x86-passes.json (figures per kernel pass, as sel4bench counts), sel4.json
# (both beside seL4's figures, with ratios), vmm.json (VM exits through the VMM, grant map/unmap
# and copy between two guests), linux.json
# (Linux's boot under the VMM against QEMU directly), power9.json (tools/bench-power9.sh, when
# its build and QEMU exist) and idl.json; a chart (SVG) beside each. Every JSON file is
# checked with a parser at the end (tools/bench-lib.sh). docs/testing.md says how each figure
# is measured. `tools/bench.sh power9` runs only the POWER9 part.
set -euo pipefail
# QEMU ends on Ctrl-C by itself (and exits 0): stop the remaining runs too.
trap 'echo "bench: interrupted" >&2; exit 130' INT
cd "$(dirname "$0")/.."
. tools/bench-lib.sh
if [ "${1:-}" = power9 ]; then exec tools/bench-power9.sh; fi
mkdir -p build/bench
# Each figure under four kernel command lines (docs/security.md), the same kernel binary:
# no mitigation at all, the CPU's own choice, the Meltdown window forced on (QEMU's AMD model
# does not need it; seL4's 427 is with its window), and the window with VERW on every exit.
configs=(off default window window_verw)
declare -A cmdline=([off]="mitigations=off" [default]="" [window]="meltdown_window=on"
                    [window_verw]="meltdown_window=on verw=on")
declare -A heading=([off]="no mitig." [default]="CPU's" [window]="window" [window_verw]="win+VERW")
declare -A first second
for c in "${configs[@]}"; do
  for run in 1 2; do
    echo "bench: kernel, ${cmdline[$c]:-no command line}, run $run of 2 (QEMU -icount shift=0, machine pc)..." >&2
    out=$(KERNEL_CMDLINE=${cmdline[$c]} timeout --foreground 300 tools/qemu-x86.sh build/x86/bench.cpio pc -icount shift=0 2>&1 </dev/null | tr -d '\r' || true)
    grep -q '^BENCH-DONE' <<<"$out" || { echo "bench: the benchmark did not finish:" >&2; tail -20 <<<"$out" >&2; exit 1; }
    if grep -q '^BENCH-ERROR' <<<"$out"; then grep '^BENCH-ERROR' <<<"$out" >&2; exit 1; fi
    while read -r _ name value; do
      if [ "$run" = 1 ]; then first[$c.$name]=$value; else second[$c.$name]=$value; fi
    done < <(grep '^BENCH ' <<<"$out")
  done
done

# seL4 measured the same way by this project (sel4bench, QEMU 7.2 pc -cpu max -icount
# shift=0, non-MCS release build, different address spaces; ../shared/PLATFORM-FACTS.md):
# metric|per|seL4 with its Meltdown window|without it|what is compared. sel4bench's Call,
# ReplyRecv, Send and Signal figures start in one thread and end in the other: one kernel pass,
# compared with our pass_* figures; its round trip is per loop iteration, like ours.
comparisons=(
  "pass_call_0_words|pass|194|184|Call, 0 words (fast path)"
  "pass_replyrecv_0_words|pass|221|211|ReplyRecv, 0 words (fast path)"
  "pass_send_0_words|pass|710|-|Send to a higher-priority receiver (slow path)"
  "pass_call_10_words_slowpath|pass|812|-|Call, 10 words (slow path)"
  "pass_replyrecv_10_words_slowpath|pass|780|-|ReplyRecv, 10 words (slow path)"
  "pass_signal_no_waiter|pass|364|353|Signal, no switch: nobody waiting (as sel4bench's after its first run)"
  "pass_signal_wake_lower|pass|-|-|Signal waking a lower-priority waiter (no switch)"
  "pass_signal_wake_higher|pass|520|509|Signal waking a higher-priority waiter (switch)"
  "ipc_call_replyrecv_roundtrip_0_words|iteration|427|407|Call/ReplyRecv round trip, 0 words"
  "ipc_call_replyrecv_roundtrip_0_words_fpu|iteration|455|-|the same, both threads using the FPU"
)
declare -A sel4=(
  [ipc_call_replyrecv_roundtrip_0_words]="427 with its Meltdown window, 407 without"
  [ipc_call_replyrecv_roundtrip_0_words_fpu]="455 (both threads using the FPU)"
)
order=(ipc_call_replyrecv_roundtrip_0_words ipc_call_replyrecv_roundtrip_4_words
       ipc_call_replyrecv_roundtrip_10_words_slowpath ipc_call_replyrecv_roundtrip_0_words_fpu
       ipc_send_recv_0_words notification_signal_wake_waiter null_syscall_poll frame_map_unmap
       frame_derive_page_map_unmap_delete)
passes=(pass_call_0_words pass_replyrecv_0_words pass_call_4_words pass_replyrecv_4_words
        pass_call_10_words_slowpath pass_replyrecv_10_words_slowpath pass_send_0_words
        pass_signal_wake_higher pass_signal_wake_lower pass_signal_no_waiter counter_read loop_overhead)

# table TITLE JSON METRIC...: one row per metric, one column per configuration (run 1), whether
# both runs agreed everywhere, and a last column from the array named by $note.
repeat_failures=""
table() {
  local title=$1 json=$2; shift 2
  local -n notes=$note
  printf '\n%-48s' "$title"
  for c in "${configs[@]}"; do printf ' %9s' "${heading[$c]}"; done
  printf ' %7s  %s\n' repeats "$note_title"
  printf '%s\n' "--------------------------------------------------------------------------------------------------------------"
  echo "[" >"$json"
  local sep="" m c
  for m in "$@"; do
    local same=yes values="" runs=""
    printf '%-48s' "$m"
    for c in "${configs[@]}"; do
      local a=${first[$c.$m]:-null} b=${second[$c.$m]:-null}
      [ "$a" = "$b" ] && [ "$a" != null ] || same=no
      printf ' %9s' "$a"
      values+="${values:+, }\"$c\": $(json_num "$a")"; runs+="${runs:+, }\"$c\": $(json_list "$a" "$b")"
    done
    printf ' %7s  %s\n' "$same" "${notes[$m]:--}"
    printf '%s  {"name": "%s", "unit": "instructions", "value": %s, "mitigations": {%s}, "runs": {%s}}' \
      "$sep" "$m" "$(json_num "${first[default.$m]:-}")" "$values" "$runs" >>"$json"
    sep=$',\n'
    [ $same = yes ] || repeat_failures+=" $m"
  done
  printf '\n]\n' >>"$json"
}
note=sel4 note_title="seL4, same method"
table "per loop iteration (instructions)" build/bench/x86.json "${order[@]}"
declare -A pass_note=([counter_read]="subtracted from every pass figure" [loop_overhead]="subtracted from every per-iteration figure")
note=pass_note note_title=""
table "per kernel pass (instructions)" build/bench/x86-passes.json "${passes[@]}"
echo "(columns: no mitigation at all (mitigations=off); the CPU's own choice, \"value\" in the JSON (QEMU's"
echo " AMD model is not affected by Meltdown or MDS: the same paths); the Meltdown window forced on;"
echo " the window and VERW on every exit. docs/security.md says what each one does. A pass starts at"
echo " the counter read before the system call in one thread and ends at the read in the thread it"
echo " reaches; it includes both threads' user-level stubs, which sel4bench's overhead run subtracts"
echo " on the sending side.)"

# The comparison with seL4: ours with our Meltdown window beside seL4's with its window, and
# ours without any mitigation beside seL4's without its window.
printf '\n%-44s %-9s %8s %8s %10s %8s %7s  %s\n' "beside seL4 (instructions)" per "ours win" "seL4 win" "ours off" "seL4 off" ratio verdict
printf '%s\n' "--------------------------------------------------------------------------------------------------------------"
json=build/bench/sel4.json
echo "[" >"$json"
sep="" ahead=0 behind=0 chart_rows=""
for row in "${comparisons[@]}"; do
  IFS='|' read -r m per s_win s_off what <<<"$row"
  o_win=${first[window.$m]:--} o_off=${first[off.$m]:--}
  ratio=- verdict="no seL4 figure"
  if [ "$s_win" != - ] && [ "$o_win" != - ]; then
    ratio=$(awk -v a="$o_win" -v b="$s_win" 'BEGIN {printf "%.2f", a / b}')
    if [ "$o_win" -lt "$s_win" ]; then verdict="ahead"; ahead=$((ahead + 1))
    elif [ "$o_win" -eq "$s_win" ]; then verdict="even"
    else verdict="behind"; behind=$((behind + 1)); fi
    [ "$s_off" = - ] || [ "$o_off" = - ] || verdict+=" ($( [ "$o_off" -lt "$s_off" ] && echo ahead || echo behind) without the windows)"
  fi
  printf '%-44s %-9s %8s %8s %10s %8s %7s  %s\n' "$m" "$per" "$o_win" "$s_win" "$o_off" "$s_off" "$ratio" "$verdict"
  printf '%s  {"name": "%s", "what": "%s", "per": "%s", "unit": "instructions", "ours": {"window": %s, "off": %s}, "sel4": {"window": %s, "no_window": %s}, "ratio_window": %s, "verdict": "%s"}' \
    "$sep" "$m" "$what" "$per" "$(json_num "$o_win")" "$(json_num "$o_off")" "$(json_num "$s_win")" "$(json_num "$s_off")" \
    "$(json_num "$ratio")" "$verdict" >>"$json"
  sep=$',\n'
  chart_rows+="$what ($per)|$o_win|$s_win|$o_off|$s_off"$'\n'
done
printf '\n]\n' >>"$json"
echo "(ratio: ours / seL4's, both with the Meltdown window; ahead on $ahead, behind on $behind of the"
echo " operations seL4 has a figure for. seL4's figures: sel4bench on this QEMU, docs/testing.md.)"
svg_bars build/bench/sel4.svg "x86_64 beside seL4, instructions under QEMU -icount (per pass, or per loop iteration)" \
  "ours, Meltdown window" "seL4, its window" "ours, no mitigation" "seL4, no window" <<<"${chart_rows%$'\n'}"

# Per-iteration chart: the CPU's choice and the Meltdown window, seL4's figure where it has one.
chart_rows=""
for m in "${order[@]}"; do
  s=-
  for row in "${comparisons[@]}"; do IFS='|' read -r cm _ sw _ _ <<<"$row"; [ "$cm" = "$m" ] && s=$sw; done
  chart_rows+="$m|${first[default.$m]:--}|${first[window.$m]:--}|$s"$'\n'
done
svg_bars build/bench/x86.svg "Bulkhead x86_64 kernel paths per loop iteration, instructions (QEMU -icount shift=0)" \
  "CPU's choice" "Meltdown window" "seL4, its window" <<<"${chart_rows%$'\n'}"
echo
echo "written: build/bench/x86.json, x86-passes.json, sel4.json, x86.svg, sel4.svg"

# VM exits through the user-level VMM: guest instruction to guest instruction, twice each.
echo >&2
for c in "${configs[@]}"; do
  for run in 1 2; do
    echo "bench: VM exit round trips through the VMM, ${cmdline[$c]:-no command line}, run $run of 2..." >&2
    log=build/bench/vmm-$c-run$run.log
    KERNEL_CMDLINE=${cmdline[$c]} timeout --foreground 300 tools/qemu-x86.sh build/x86/vmm-bench.cpio q35 -icount shift=0 >"$log" 2>&1 </dev/null || true
    while read -r _ name value; do
      if [ "$run" = 1 ]; then first[$c.$name]=$value; else second[$c.$name]=$value; fi
    done < <(tr -d '\r' <"$log" | grep '^BENCH vmm_')
    # Grants between two guests' VMMs (tests/system/peers/grants-bench.bh): that system runs
    # for ever under the root's supervision, so QEMU is stopped once ben's figures are out.
    echo "bench: grant map/unmap and copy between two guests, ${cmdline[$c]:-no command line}, run $run of 2..." >&2
    log=build/bench/grants-$c-run$run.log
    KERNEL_CMDLINE=${cmdline[$c]} tools/qemu-x86.sh build/x86/grants-bench.cpio q35 -icount shift=0 >"$log" 2>&1 </dev/null &
    qpid=$!
    for ((t = 0; t < 1800; t++)); do
      kill -0 "$qpid" 2>/dev/null && ! grep -qa 'BENCH-DONE' "$log" || break
      sleep 0.1
    done
    kill "$qpid" 2>/dev/null || true
    wait "$qpid" 2>/dev/null || true
    while read -r _ _ _ name value; do   # "[ben uart] BENCH name value"
      if [ "$run" = 1 ]; then first[$c.$name]=$value; else second[$c.$name]=$value; fi
    done < <(tr -d '\r' <"$log" | grep -a '^\[ben uart\] BENCH vmm_grant_')
  done
done
declare -A vtarget=(
  [vmm_hypercall_xen_version]="under 1000 (kernel + VMM)" [vmm_cpuid]="under 1000 (kernel + VMM)"
  [vmm_ioport_in]="under 1000 (kernel + VMM)"
  [vmm_ipi_event_round_trip]="(two vCPUs, both halting: send, wake, send back, wake)"
  [vmm_grant_map_unmap_round_trip]="(map + unmap of another guest's page: 2 hypercalls, 2 calls to its VMM)"
  [vmm_grant_copy_4k]="(GNTTABOP_copy of 4 KiB from another guest's grant: 1 hypercall, 2 calls)"
)
note=vtarget note_title="target"
table "VM exit round trip (instructions)" build/bench/vmm.json \
  vmm_hypercall_xen_version vmm_cpuid vmm_ioport_in vmm_ipi_event_round_trip vmm_grant_map_unmap_round_trip vmm_grant_copy_4k
echo "(the CPU's choice includes the RSB fill after every VM exit, which AMD parts need too)"
chart_rows=""
for m in vmm_hypercall_xen_version vmm_cpuid vmm_ioport_in; do
  chart_rows+="$m|${first[default.$m]:--}|${first[window.$m]:--}|1000"$'\n'
done
svg_bars build/bench/vmm.svg "VM exit round trips through the VMM, instructions (no anchor publishes one; the target)" \
  "CPU's choice" "Meltdown window" "target" <<<"${chart_rows%$'\n'}"
echo "written: build/bench/vmm.json, build/bench/vmm.svg"
[ -z "$repeat_failures" ] || { echo "bench: did not repeat:$repeat_failures" >&2; exit 1; }

# Debian's Linux to /init under the VMM against QEMU booting it directly (wall time, ratio).
echo >&2
echo "bench: Linux boot to /init, under the VMM and directly (five alternating pairs)..." >&2
tools/bench-linux.sh

if command -v qemu-system-ppc64 >/dev/null && [ -f build/power9/bench-insns.cpio ]; then
  tools/bench-power9.sh
else
  echo "bench: POWER9 part skipped (qemu-system-ppc64 or build/power9/bench-insns.cpio missing)" >&2
fi

echo
echo "bench: IDL compiler, 1,000 components and 5,000 connections..." >&2
tools/bench-idl.sh 3

json_check build/bench/*.json
echo "checked: every build/bench/*.json parses ($(json_parser))"
