#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The ABI description and what is generated from it agree with what is committed, and the
# user-visible headers stand on their own.
set -uo pipefail
cd "$(dirname "$0")/../.."
if cmp -s build/gen/kernel-api-reference.md docs/kernel-api-reference.md; then
  echo "PASS abi.reference_matches_description"
else
  echo "FAIL abi.reference_matches_description: docs/kernel-api-reference.md is stale (cp build/gen/kernel-api-reference.md docs/)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for h in types.h abi.h layout.h vcpu_x86_64.h vcpu_ppc64le.h syscalls.h invocations.h runtime.h process.h; do
  printf '#include <bulkhead/%s>\n' "$h" >"$tmp/t.c"
  if musl-gcc -std=c11 -Wall -Wextra -Werror -Wconversion -Wsign-conversion -fsyntax-only \
       -Iuser/include -Iuser/arch/x86_64/include -Ibuild/gen/include "$tmp/t.c" 2>"$tmp/err"; then
    echo "PASS abi.header_stands_alone_$h"
  else
    echo "FAIL abi.header_stands_alone_$h: $(head -3 "$tmp/err" | tr '\n' ' ')"
  fi
done
# The Xen ABI tree (user/include/xen/): each header compiles alone, its layout assertions
# included, for user level (musl) and freestanding (the kernel's PVH boot, the test guest).
for f in $(cd user/include && find xen -name '*.h' | sort); do
  printf '#include <%s>\n' "$f" >"$tmp/t.c"
  if musl-gcc -std=c11 -Wall -Wextra -Werror -Wconversion -Wsign-conversion -fsyntax-only -Iuser/include \
       "$tmp/t.c" 2>"$tmp/err" &&
     gcc -std=c11 -Wall -Wextra -Werror -Wconversion -Wsign-conversion -ffreestanding -fsyntax-only \
       -Iuser/include "$tmp/t.c" 2>>"$tmp/err"; then
    echo "PASS abi.xen_header_stands_alone_${f#xen/}"
  else
    echo "FAIL abi.xen_header_stands_alone_${f#xen/}: $(head -3 "$tmp/err" | tr '\n' ' ')"
  fi
done
# Each architecture's VCPU header, as user level includes it.
for arch in x86_64 ppc64le; do
  printf '#include <bulkhead/arch/vcpu.h>\n' >"$tmp/t.c"
  if gcc -std=c11 -Wall -Wextra -Werror -Wconversion -Wsign-conversion -fsyntax-only \
       -Iuser/include -Iuser/arch/$arch/include -Ibuild/gen/include "$tmp/t.c" 2>"$tmp/err"; then
    echo "PASS abi.vcpu_header_stands_alone_$arch"
  else
    echo "FAIL abi.vcpu_header_stands_alone_$arch: $(head -3 "$tmp/err" | tr '\n' ' ')"
  fi
done
# Every invocation label, and the count of them, has the same number in the kernel's enum and
# the user header.
user=$(grep -o 'BH_INV_[A-Z0-9_]* [0-9]*' build/gen/include/bulkhead/abi.h | sed 's/^BH_//' | sort)
kern=$(grep -o 'INV_[A-Z0-9_]* = [0-9]*' build/gen/kernel/abi_gen.h | sed 's/ = / /' | sort)
if [ -n "$user" ] && [ "$user" = "$kern" ]; then
  echo "PASS abi.kernel_and_user_labels_agree"
else
  echo "FAIL abi.kernel_and_user_labels_agree: the generated headers disagree"
fi
# Layouts have one source: no hand-written copy of what abi/ generates is left, and the kernel
# reaches no user header by a relative path.
copies=$(grep -nE '7u << 9|define (BH_)?(FAULT|LF)_(NONE|CAP|VM|MISSING)\b|define (SVM_)?EXIT_(CPUID|INTR|VMRUN|READ_DR0|INVLPGA|ICEBP)\b|define VMM_KICK_BADGE|define CNODE_SLOT_BITS|define BH_VM_EXIT_|define BH_VCPU_RAX|fault_kinds\[\]|fault_names\[\]|lookup_failures\[\]' \
  kernel/*.[ch] platforms/*/*.[ch] platforms/*/include/plat/*.h vmm/*.[ch] servers/*/*.[ch] idl/*.[ch] user/*.c \
  user/include/bulkhead/*.h user/arch/*/include/bulkhead/arch/*.h tests/system/ktest/*.c platforms/*/tests/*.c)
if [ -z "$copies" ]; then
  echo "PASS abi.no_hand_copies_of_layouts"
else
  echo "FAIL abi.no_hand_copies_of_layouts: $(head -3 <<<"$copies" | tr '\n' ' ')"
fi
relative=$(grep -nE '#include "(\.\./)+user/' kernel/*.[ch] platforms/*/*.[ch] platforms/*/include/plat/*.h)
if [ -z "$relative" ]; then
  echo "PASS abi.kernel_reaches_no_user_header_by_relative_path"
else
  echo "FAIL abi.kernel_reaches_no_user_header_by_relative_path: $(head -3 <<<"$relative" | tr '\n' ' ')"
fi
