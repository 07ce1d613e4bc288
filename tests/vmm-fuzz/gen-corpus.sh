#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Regenerates the seed corpus of the vmm_image fuzzer, tests/vmm-fuzz/corpus/vmm_image/.
# The outputs are committed (small, binary); run this only to change them. Each seed is the
# fuzzer's 8-byte header (RAM size, initrd size, vCPUs, command line, initrd byte; see
# fuzz_image.c) and a PVH image: a tiny one made here (a HLT loop at 1 MiB and the Xen
# PHYS32_ENTRY note, 16-byte pages, stripped), with and without an initrd and with a second
# segment; and, when built, the VMM test guest (build/x86/vmmtest/vmm-guest) stripped.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tests/vmm-fuzz/corpus/vmm_image
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

cat > "$tmp/tiny.S" <<'ASM'
    .section .note.Xen, "a", @note
    .balign 4
    .long 4, 4, 18          /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long 0x100000
    .text
    .globl _start
_start:
    hlt
    jmp _start
    .data
    .quad 0x5eed
    .bss
    .skip 0x3000
ASM
gcc -c -o "$tmp/tiny.o" "$tmp/tiny.S"
ld -m elf_x86_64 -s -nostdlib --build-id=none -z max-page-size=16 -z common-page-size=16 -z noseparate-code \
  -Ttext=0x100000 -e _start -o "$tmp/tiny" "$tmp/tiny.o"

seed() { # name, header bytes (8, as printf escapes), image
  { printf "$2"; cat "$3"; } > "$out/$1"
}
seed tiny-2m '\000\000\000\000\000\000\000\000' "$tmp/tiny"
seed tiny-4m-initrd-2vcpus '\001\000\020\000\001\012\132\000' "$tmp/tiny"
seed tiny-16m-8vcpus-longcmd '\007\377\377\003\007\221\000\000' "$tmp/tiny"
if [ -f "$top/build/x86/vmmtest/vmm-guest" ]; then
  strip -o "$tmp/guest" "$top/build/x86/vmmtest/vmm-guest"
  seed test-guest '\001\030\000\000\000\040\142\000' "$tmp/guest"
fi
ls -l "$out"
