#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Static properties of the kernel: no recursion and a bounded stack (from GCC's call graphs,
# tools/stackcheck.c), no conditional compilation in the portable core, the size budget of
# the design (under 10,000 lines of C per platform, core included), SPDX lines everywhere.
set -uo pipefail
cd "$(dirname "$0")/../.."

out=$(build/tools/stackcheck 4096 handle_syscall,x86_handle_trap,x86_kernel_trap build/x86/ci/*.ci 2>&1)
echo "$out" >&2
if [ $? -eq 0 ] && grep -q 'no recursion, no indirect calls, stack within the limit' <<<"$out"; then
  echo "PASS kernel.no_recursion_no_indirect_calls_stack_bounded"
else
  echo "FAIL kernel.no_recursion_no_indirect_calls_stack_bounded: $(grep -E 'recursion:|indirect|FAILED' <<<"$out" | head -3 | tr '\n' ' ')"
fi

# Spectre v2 (docs/security.md): no indirect branch in the x86 kernel proper, whose targets user
# level or a guest could train. Call graphs cannot see a switch's jump table, so the check reads
# the machine code (-fno-jump-tables keeps switches direct). The one allowed is the PVH boot
# stub's call into the kernel window (below 4 GiB), which runs before any user code.
indirect=$(objdump -d build/x86/kernel.elf | grep -E '^ *ffffffff[0-9a-f]+:.*(jmp|call)q? +\*')
if [ -z "$indirect" ]; then echo "PASS kernel.x86_no_indirect_branches"
else echo "FAIL kernel.x86_no_indirect_branches: $(wc -l <<<"$indirect") in the kernel, e.g. $(head -1 <<<"$indirect" | tr -s ' \t' ' ')"; fi

# Only include guards may use the preprocessor's conditionals in kernel/.
conds=$(grep -nE '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)' kernel/*.c kernel/*.h | grep -vE '#ifndef KERNEL_[A-Z_]+_H$')
if [ -z "$conds" ]; then echo "PASS kernel.core_has_no_conditional_compilation"
else echo "FAIL kernel.core_has_no_conditional_compilation: $(head -3 <<<"$conds" | tr '\n' ' ')"; fi

# Lines of C (no blank or comment-only lines) per platform, core included.
count() { cat "$@" | grep -vE '^[[:space:]]*$|^[[:space:]]*(/\*|\*|//)' | wc -l; }
core=$(count kernel/*.c kernel/*.h)
for p in x86_pvh power9; do
  [ -d "platforms/$p" ] || continue
  plat=$(count $(find "platforms/$p" -name '*.[chS]' -not -path '*/tests/*'))
  total=$((core + plat))
  echo "kernel size: core $core + $p $plat = $total lines" >&2
  if [ "$total" -lt 10000 ]; then echo "PASS kernel.size_${p}_under_10000_lines"
  else echo "FAIL kernel.size_${p}_under_10000_lines: $total lines"; fi
done

missing=$(git ls-files '*.c' '*.h' '*.S' '*.sh' | while read -r f; do head -3 "$f" | grep -q 'SPDX-License-Identifier' || echo "$f"; done)
if [ -z "$missing" ]; then echo "PASS repo.spdx_line_in_every_source_file"
else echo "FAIL repo.spdx_line_in_every_source_file: $(head -5 <<<"$missing" | tr '\n' ' ')"; fi
