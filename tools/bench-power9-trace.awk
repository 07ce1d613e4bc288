# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Counts instructions in QEMU's "-d in_asm,nochain,exec" log of a ppc64 run (read by
# tools/bench-power9-trace.sh). in_asm prints each translation block when it is translated
# ("IN:", one line per instruction, a blank line), right before its first execution; exec prints
# "Trace N: HOSTPTR [CSBASE/PC/FLAGS/CFLAGS]" for every execution (nochain: no block jumps to
# the next without it). Blocks are known by their host pointer. `marks` names blocks by an
# instruction they hold: "ADDR=INSN=NAME ..." (ADDR as in_asm prints it, e.g. 0x004005a0).
# For each NAME, prints "NAME N" for the instructions executed from one execution of its block
# to the next, `skip` times skipped, then `count` times; stops when every NAME has its count.
BEGIN {
  n = split(marks, m, " ")
  for (i = 1; i <= n; i++) { split(m[i], f, "="); want[f[1] "=" f[2]] = f[3]; left++ }
}
/^IN:/ { inblk = 1; size = 0; name = ""; next }
inblk && /^0x[0-9a-f]+: / {
  size++
  k = substr($1, 1, length($1) - 1) "=" $3
  if (k in want) name = want[k]
  next
}
inblk && /^$/ { inblk = 0; pending = 1; psize = size; pname = name; next }
/^Trace / {
  ptr = $3
  if (pending) { tbsize[ptr] = psize; tbname[ptr] = pname; pending = 0 }
  if (!(ptr in tbsize)) next
  nm = tbname[ptr]
  if (nm != "" && !(nm in done)) {
    seen[nm]++
    if (seen[nm] > 1 && seen[nm] > skip + 1) print nm, total - last[nm]
    last[nm] = total
    if (seen[nm] > skip + count) { done[nm] = 1; if (--left == 0) exit }
  }
  total += tbsize[ptr]
}
