#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# ./bulkhead bench: kernel micro-benchmarks under QEMU -icount shift=0 (the TSC then counts
# guest instructions, so figures repeat exactly), run twice and compared, with and without the
# side-channel mitigations (kernel command lines, docs/security.md); then the IDL
# compiler benchmark. Writes a table to the console, build/bench/x86.json (one object per
# metric: name, unit, value, runs) and build/bench/x86.svg (a bar chart); then VM exits through
# the VMM (build/bench/vmm.json), Linux's boot under the VMM against QEMU directly
# (build/bench/linux.json); then the POWER9 figures (tools/bench-power9.sh:
# build/bench/power9.json) when its build and QEMU exist.
# `tools/bench.sh power9` runs only the POWER9 part.
set -euo pipefail
# QEMU ends on Ctrl-C by itself (and exits 0): stop the remaining runs too.
trap 'echo "bench: interrupted" >&2; exit 130' INT
cd "$(dirname "$0")/.."
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
    while read -r _ name value; do
      if [ "$run" = 1 ]; then first[$c.$name]=$value; else second[$c.$name]=$value; fi
    done < <(grep '^BENCH ' <<<"$out")
  done
done

# seL4 measured the same way by this project (sel4bench, QEMU 7.2 pc -cpu max -icount
# shift=0, non-MCS release build, different address spaces, equal priorities).
declare -A sel4=(
  [ipc_call_replyrecv_roundtrip_0_words]="427 with its Meltdown window, 407 without"
  [ipc_call_replyrecv_roundtrip_10_words_slowpath]="812 (Call, 10 words, one way)"
  [ipc_send_recv_0_words]="710 (Send, slow path)"
  [notification_signal_wake_waiter]="520 (signal waking a higher-priority waiter)"
)
order=(ipc_call_replyrecv_roundtrip_0_words ipc_call_replyrecv_roundtrip_4_words
       ipc_call_replyrecv_roundtrip_10_words_slowpath ipc_send_recv_0_words
       notification_signal_wake_waiter null_syscall_poll frame_map_unmap)

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
      values+="${values:+, }\"$c\": $a"; runs+="${runs:+, }\"$c\": [$a, $b]"
    done
    printf ' %7s  %s\n' "$same" "${notes[$m]:--}"
    printf '%s  {"name": "%s", "unit": "instructions", "value": %s, "mitigations": {%s}, "runs": {%s}}' \
      "$sep" "$m" "${first[default.$m]:-null}" "$values" "$runs" >>"$json"
    sep=$',\n'
    [ $same = yes ] || repeat_failures+=" $m"
  done
  printf '\n]\n' >>"$json"
}
note=sel4 note_title="seL4, same method"
table "metric (instructions)" build/bench/x86.json "${order[@]}"
echo "(columns: no mitigation at all (mitigations=off); the CPU's own choice, \"value\" in the JSON (QEMU's"
echo " AMD model is not affected by Meltdown or MDS: the same paths); the Meltdown window forced on;"
echo " the window and VERW on every exit. docs/security.md says what each one does.)"

# A bar chart of the first run: the CPU's choice and the Meltdown window.
svg=build/bench/x86.svg
{
  echo '<svg xmlns="http://www.w3.org/2000/svg" width="760" height="'$((40 + 46 * ${#order[@]}))'" font-family="sans-serif" font-size="12">'
  echo '<text x="10" y="20" font-size="14">Bulkhead x86_64 kernel paths, instructions (QEMU -icount shift=0): CPU default (blue), Meltdown window (brown)</text>'
  y=36
  for m in "${order[@]}"; do
    v=${first[default.$m]:-0}; w=$(( v * 380 / 1600 ))
    vw=${first[window.$m]:-0}; ww=$(( vw * 380 / 1600 ))
    echo "<text x=\"10\" y=\"$((y + 14))\">$m</text><rect x=\"330\" y=\"$y\" width=\"$w\" height=\"18\" fill=\"#4a7ab5\"/><text x=\"$((336 + w))\" y=\"$((y + 14))\">$v</text>"
    echo "<rect x=\"330\" y=\"$((y + 20))\" width=\"$ww\" height=\"18\" fill=\"#b5834a\"/><text x=\"$((336 + ww))\" y=\"$((y + 34))\">$vw</text>"
    y=$((y + 46))
  done
  echo '</svg>'
} >"$svg"
echo
echo "written: build/bench/x86.json, $svg"

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
  done
done
declare -A vtarget=(
  [vmm_hypercall_xen_version]="under 1000 (kernel + VMM)" [vmm_cpuid]="under 1000 (kernel + VMM)"
  [vmm_ioport_in]="under 1000 (kernel + VMM)"
  [vmm_ipi_event_round_trip]="(two vCPUs, both halting: send, wake, send back, wake)"
)
note=vtarget note_title="target"
table "VM exit round trip (instructions)" build/bench/vmm.json \
  vmm_hypercall_xen_version vmm_cpuid vmm_ioport_in vmm_ipi_event_round_trip
echo "(the CPU's choice includes the RSB fill after every VM exit, which AMD parts need too)"
echo "written: build/bench/vmm.json"
[ -z "$repeat_failures" ] || { echo "bench: did not repeat:$repeat_failures" >&2; exit 1; }

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
