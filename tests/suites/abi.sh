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
for h in types.h abi.h syscalls.h invocations.h bootinfo.h runtime.h process.h; do
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
# Every invocation label has the same number in the kernel's enum and the user header.
user=$(grep -o 'BH_INV_[A-Z0-9_]* [0-9]*' build/gen/include/bulkhead/abi.h | sed 's/^BH_//' | grep -v '^INV_COUNT' | sort)
kern=$(grep -o 'INV_[A-Z0-9_]* = [0-9]*' build/gen/kernel/abi_gen.h | sed 's/ = / /' | grep -v '^INV_COUNT' | sort)
if [ -n "$user" ] && [ "$user" = "$kern" ]; then
  echo "PASS abi.kernel_and_user_labels_agree"
else
  echo "FAIL abi.kernel_and_user_labels_agree: the generated headers disagree"
fi
