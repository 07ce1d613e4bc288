#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Static properties of both kernels: no recursion and a bounded stack (from GCC's call graphs,
# tools/stackcheck.c), no conditional compilation in the portable core, the size budget of
# the design (under 10,000 lines of C per platform, core included), SPDX lines everywhere;
# and of the repository: the build file is current, the docs name only paths and suites that exist.
set -uo pipefail
cd "$(dirname "$0")/../.."

# Both kernels, lib/ included, from every entry: the boot path and the system-call and trap
# entries. The kernel's only indirect calls are at boot, declared with their targets: the ELF
# reader's per-segment callback (kernel/boot.c's load_segment) and POWER9's device-tree walk.
stack_check() {
  local name=$1 out rc=0; shift
  out=$(build/tools/stackcheck "$@" 2>&1) || rc=$?
  echo "$out" >&2
  if [ "$rc" -eq 0 ] && grep -q '^stackcheck: no recursion, no indirect calls' <<<"$out"; then
    echo "PASS kernel.${name}_no_recursion_stack_bounded"
  else
    echo "FAIL kernel.${name}_no_recursion_stack_bounded: $(grep -E 'recursion:|indirect|FAILED|not defined|-i:' <<<"$out" | head -3 | tr '\n' ' ')"
  fi
}
stack_check x86 -i bh_elf_load_segments=load_segment \
  4096 x86_boot,handle_syscall,x86_handle_trap,x86_kernel_trap build/x86/ci/*.ci
stack_check power9 -i bh_elf_load_segments=load_segment -i for_each_reg=add_ram+add_reserved \
  4096 p9_boot,p9_handle_trap build/power9/ci/*.ci
# lib/ is in both: its functions must be in the graphs the checks read.
for p in x86 power9; do
  if [ -f build/$p/ci/l_elf.ci ] && [ -f build/$p/ci/l_cpio.ci ]; then echo "PASS kernel.${p}_stack_check_includes_lib"
  else echo "FAIL kernel.${p}_stack_check_includes_lib: build/$p/ci/l_{elf,cpio}.ci missing"; fi
done

# Every kernel source file is in the kernel list (so in both kernels, the host tests and the stack
# check): a file added to kernel/ or platforms/<p>/ but not to mk/sources.sh is not built at all.
unlisted=""
for f in kernel/*.c kernel/*.S platforms/x86_pvh/*.[cS] platforms/power9/*.[cS]; do
  [ -e "$f" ] || continue
  grep -qE -- "(^|[[:space:]])$f([=@[:space:]]|\$)" mk/sources.sh || unlisted="$unlisted $f"
done
if [ -z "$unlisted" ]; then echo "PASS repo.every_kernel_source_in_the_kernel_list"
else echo "FAIL repo.every_kernel_source_in_the_kernel_list: not in mk/sources.sh:$unlisted"; fi

# build.ninja is generated from mk/sources.sh by mk/genninja.sh and committed: it must be current.
if mk/genninja.sh | cmp -s - build.ninja; then echo "PASS repo.build_ninja_generated_from_lists"
else echo "FAIL repo.build_ninja_generated_from_lists: build.ninja differs from mk/genninja.sh's output (run: mk/genninja.sh > build.ninja)"; fi

# Spectre v2 (docs/security.md): no indirect branch in the x86 kernel proper, whose targets user
# level or a guest could train. Call graphs cannot see a switch's jump table, so the check reads
# the machine code (-fno-jump-tables keeps switches direct). The one allowed is the PVH boot
# stub's call into the kernel window (below 4 GiB), which runs before any user code.
indirect=$(objdump -d build/x86/kernel.elf | grep -E '^ *ffffffff[0-9a-f]+:.*(jmp|call)q? +\*')
if [ ! -s build/x86/kernel.elf ]; then echo "FAIL kernel.x86_no_indirect_branches: build/x86/kernel.elf is missing (build it first)"
elif [ -z "$indirect" ]; then echo "PASS kernel.x86_no_indirect_branches"
else echo "FAIL kernel.x86_no_indirect_branches: $(wc -l <<<"$indirect") in the kernel, e.g. $(head -1 <<<"$indirect" | tr -s ' \t' ' ')"; fi

# Only include guards may use the preprocessor's conditionals in kernel/.
conds=$(grep -nE '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)' kernel/*.c kernel/*.h | grep -vE '#ifndef KERNEL_[A-Z_]+_H$')
if [ -z "$conds" ]; then echo "PASS kernel.core_has_no_conditional_compilation"
else echo "FAIL kernel.core_has_no_conditional_compilation: $(head -3 <<<"$conds" | tr '\n' ' ')"; fi

# Lines of C (no blank or comment-only lines) per platform, core included. ACSL (/*@ ... */
# blocks and //@ lines, read by the proofs only: docs/assurance.md) is counted apart, not as code.
strip_acsl() { awk '/^[[:space:]]*\/\*@/ { acsl = 1 } !acsl && !/^[[:space:]]*\/\/@/ { print } acsl && /\*\// { acsl = 0 }' "$@"; }
count() { strip_acsl "$@" | grep -vE '^[[:space:]]*$|^[[:space:]]*(/\*|\*|//)' | wc -l; }
acsl_lines() { cat "$@" | grep -vE '^[[:space:]]*$' | wc -l | { read -r all; echo $((all - $(strip_acsl "$@" | grep -vE '^[[:space:]]*$' | wc -l))); }; }
core=$(count kernel/*.c kernel/*.h)
echo "kernel ACSL: $(acsl_lines kernel/*.c kernel/*.h) lines (not counted as code)" >&2
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

# Every repository path the docs name exists: each `kernel/...`-style path in backquotes in
# README.md and docs/*.md (globs allowed; a program may be named by its source, tools/abigen
# for tools/abigen.c; placeholders with <...>, {...} or ... and other projects' paths, after
# "Xen's" or "Linux's", are skipped), and every relative
# Markdown link's target. Paths under build/ are outputs and not checked.
dead=""
for doc in README.md docs/*.md; do
  dir=$(dirname "$doc")
  while read -r p; do
    case $p in *'<'*|*'{'*|*'...'*|"Xen's "*|"Linux's "*) continue ;; esac
    p=${p#\`}; p=${p%\`}; p=${p%%:*}
    compgen -G "$p" >/dev/null || [ -e "$p.c" ] || dead="$dead $doc:$p"
  done < <(grep -oE "((Xen|Linux)'s )?\`(abi|docs|idl|kernel|lib|mk|platforms|servers|tests|tools|user|vmm)/[^\` ]*\`" "$doc")
  while read -r l; do
    l=${l%%#*}
    [ -z "$l" ] || [ -e "$dir/$l" ] || dead="$dead $doc:$l"
  done < <(grep -oE '\]\([^)# ]*(#[^) ]*)?\)' "$doc" | sed -E 's/^\]\(//; s/\)$//' | grep -v '://')
done
if [ -z "$dead" ]; then echo "PASS repo.every_path_in_the_docs_exists"
else echo "FAIL repo.every_path_in_the_docs_exists:$dead"; fi

# docs/testing.md's table has one row per suite, and names no suite that does not exist.
documented=$(grep -oE '^\| `[a-z0-9-]+` \|' docs/testing.md | sed -E 's/^\| `//; s/` \|$//' | sort)
present=$(for s in tests/suites/*.sh; do basename "$s" .sh; done | sort)
if [ "$documented" = "$present" ]; then echo "PASS repo.every_suite_in_testing_md"
else echo "FAIL repo.every_suite_in_testing_md: $(diff <(echo "$documented") <(echo "$present") | grep '^[<>]' | tr '\n' ' ')"; fi
