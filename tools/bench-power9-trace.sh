#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# POWER9's true instruction counts for the per-iteration figures whose loop calls a system call
# through its own function (round trip: op_call; Send: op_send; Signal waking a waiter:
# op_signal), from a calibration run of build/power9/bench-insns.cpio: QEMU 7.2 logs every
# translation block it makes (-d in_asm) and every execution (-d nochain,exec) to a FIFO, and
# tools/bench-power9-trace.awk adds up the instructions executed between two executions of the
# block that ends in the function's sc: one loop iteration, every instruction in every privilege
# state counted once (UPMC5 misses blocks that end in an exception or an indirect branch). The
# log leaves out skiboot and the kernel's memset (boot clears all free RAM with it; nothing in
# these loops calls it). Over 200 iterations (after 20), the fewest seen at least 5 times, less
# the empty loop's cost
# (LOOP, the benchmark's loop_overhead: plain direct branches, which UPMC5 counts right).
# Usage: tools/bench-power9-trace.sh LOOP; prints "NAME VALUE" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
loop=$1
root=build/power9/bench-insns/root kernel=build/power9/kernel.elf
objdump=powerpc64le-linux-gnu-objdump nm=powerpc64le-linux-gnu-nm
# sc_of FUNCTION: the address of the sc in the function, as in_asm prints it.
disasm=$($objdump -d "$root")
sc_of() {
  awk -v f="<$1>:" '$2 == f {on = 1; next} on && /^$/ {exit} on && $NF == "sc" {sub(/:$/, "", $1); printf "0x%08x\n", strtonum_hex($1)}
    function strtonum_hex(h,   i, c, v) { v = 0; h = tolower(h); for (i = 1; i <= length(h); i++) { c = index("0123456789abcdef", substr(h, i, 1)) - 1; v = v * 16 + c } return v }' <<<"$disasm"
}
marks=""
for f in op_call:ipc_call_replyrecv_roundtrip_0_words op_send:ipc_send_recv_0_words op_signal:notification_signal_wake_waiter; do
  a=$(sc_of "${f%%:*}")
  [ -n "$a" ] || { echo "bench-power9-trace: no sc in ${f%%:*} of $root" >&2; exit 1; }
  marks+="${marks:+ }$a=sc=${f#*:}"
done
read -r ms_addr ms_size < <($nm -S "$kernel" | awk '$4 == "memset" {print $1, $2}')
kend=$($nm "$kernel" | awk '$3 == "kernel_image_end" {print $1}')
ms_end=$(printf '0x%x' $((0x$ms_addr + 0x$ms_size)))
# Exception vectors (0x100 up; QEMU refuses a range starting at 0), user programs, the kernel.
dfilter="0x100+0x1ff00,0x400000+0x800000,0x20000000+$(printf '0x%x' $((0x$ms_addr - 0x20000000))),$ms_end+$(printf '0x%x' $((0x$kend - ms_end)))"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/log"
timeout --foreground 900 qemu-system-ppc64 -M powernv9 -nodefaults -device ipmi-bmc-sim,id=bmc0 \
  -device isa-ipmi-bt,bmc=bmc0,irq=10 -serial "file:$tmp/serial" -nographic -monitor none \
  -kernel "$kernel" -initrd build/power9/bench-insns.cpio -append bench_counters \
  -d in_asm,nochain,exec -dfilter "$dfilter" -D "$tmp/log" </dev/null >"$tmp/qemu.out" 2>&1 &
qemu=$!
awk -v marks="$marks" -v skip=20 -v count=200 -f tools/bench-power9-trace.awk "$tmp/log" >"$tmp/counts" || true
kill "$qemu" 2>/dev/null || true
wait "$qemu" 2>/dev/null || true
[ -z "${TRACE_KEEP:-}" ] || cp "$tmp/counts" "$TRACE_KEEP"
# The fewest instructions seen at least 5 times: an iteration that a decrementer interrupt
# lands in costs about 200 more, and a rare miscount (a block translated and then not run
# before an interrupt) fewer; neither repeats at one value.
awk -v loop="$loop" '{n[$1 " " $2]++} END {for (k in n) if (n[k] >= 5) {split(k, f, " "); if (!(f[1] in best) || f[2] < best[f[1]]) best[f[1]] = f[2]}
  for (m in best) print m, best[m] - loop}' "$tmp/counts" | sort
