#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Regenerates the seed corpora of the VMM fuzzers, tests/fuzz/host/corpus/{vmm_image,vmm_hypercall}/.
# The outputs are committed (small, binary); run this only to change them.
# vmm_image: each seed is the
# fuzzer's 8-byte header (RAM size, initrd size, vCPUs, command line, initrd byte; see
# fuzz_image.c) and a PVH image: a tiny one made here (a HLT loop at 1 MiB and the Xen
# PHYS32_ENTRY note, 16-byte pages, stripped), with and without an initrd and with a second
# segment; and, when built, the VMM test guest (build/x86/vmmtest/vmm-guest) stripped.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$top/tests/fuzz/host/corpus/vmm_image
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

# vmm_hypercall: the 13-byte header (vCPUs - 1, RAM in 2 MiB - 1, flags 3: timer server and
# console input, the TSC at start, vCPU 0's mode and RFLAGS.IF), then the guest's steps as
# guest.c reads them: a kind byte and a time byte, then the kind's own bytes. Words: 0 n is
# the small number n, 1 s a pointer to slot s (guest memory at 0x21000 + 64 s), 2 and 8 bytes
# a full word. With several vCPUs, a byte chooses the thread wherever two could run.
out=$top/tests/fuzz/host/corpus/vmm_hypercall
mkdir -p "$out"
bytes() { local b; for b in "$@"; do printf "\\$(printf %03o "$b")"; done; }
le() { local v=$1 n=$2 i; for ((i = 0; i < n; i++)); do bytes $(((v >> (8 * i)) & 255)); done; }
header() { bytes "$1" 0 3; le 0 8; bytes 0 1; }
poke() { bytes 13 0 0 "$2" "$1"; }                      # slot, length; the bytes follow
vmmcall() { bytes 0 1 "$1"; }                           # number; five words follow
small() { bytes 0 "$1"; }
slot() { bytes 1 "$1"; }
full() { bytes 2; le "$1" 8; }
wrmsr() { bytes 7 1 "$1"; }                             # msr byte (0x800 + b below 0x80); rax, rdx words
{
  header 0
  poke 1 24; le 0x7ff0 2; le 0 2; le 0 4; le 0 8; le 0x100 8            # add_to_physmap: shared_info at gpfn 0x100
  vmmcall 12; small 7; slot 1; small 0; small 0; small 0
  poke 2 12; le 0 12                                                    # bind_virq VIRQ_TIMER on vCPU 0
  vmmcall 32; small 1; slot 2; small 0; small 0; small 0
  poke 3 16; le 0x7ff0 2; le 0 6; le $(((2 << 56) | 0xf3)) 8           # callback vector 0xf3
  vmmcall 34; small 0; slot 3; small 0; small 0; small 0
  poke 4 16; le 1000000 8; le 0 8                                       # a single-shot timer at 1 ms
  vmmcall 24; small 8; small 0; slot 4; small 0; small 0
  bytes 10 0                                                            # HLT until it fires
  bytes 5 1 9 0                                                         # CPUID 0x40000000
  wrmsr 130; full 0x3000; small 0                                       # the hypercall page at 0x3000
  bytes 8 1 0 0 1; small 65; bytes 1                                    # OUT 'A' to the UART
  vmmcall 17; small 0; small 0; small 0; small 0; small 0               # xen_version
} > "$out/events-and-timer"
{
  header 1
  bytes 1                                                               # vCPU 1's thread first: it waits for INIT
  wrmsr 0x30; full 0x4500; small 1                                      # INIT to vCPU 1
  bytes 0                                                               # vCPU 0 goes on
  wrmsr 0x30; full 0x4610; small 1                                      # SIPI, vector 0x10
  bytes 1 1                                                             # vCPU 1 starts and runs
  vmmcall 17; small 0; small 0; small 0; small 0; small 0
  bytes 0
  wrmsr 0x3f; small 0x40; small 0                                       # a self-IPI on vCPU 0
  bytes 0
  wrmsr 0x30; full 0xc0041; small 0                                     # an IPI to all but self
  bytes 1
  bytes 10 0                                                            # vCPU 1 halts, its IPI waiting
  bytes 0
  vmmcall 24; small 6; small 1; slot 5; small 0; small 0                # a periodic timer on vCPU 1
} > "$out/smp-start-and-ipis"
# Interdomain event channels (header flag 0x10: a peer channel to domain 2, which the harness
# plays): alloc_unbound for domain 2, bind its port 5 (the peer answers 0), send, the peer's
# event on our port 3 through the ring, status, close (answered 0), then the peer's end.
{
  bytes 0 0 19; le 0 8; bytes 0 1
  poke 1 24; le 0x7ff0 2; le 0 2; le 0 4; le 0 8; le 0x100 8            # shared_info at gpfn 0x100
  vmmcall 12; small 7; slot 1; small 0; small 0; small 0
  poke 3 16; le 0x7ff0 2; le 0 6; le $(((2 << 56) | 0xf3)) 8           # callback vector 0xf3
  vmmcall 34; small 0; slot 3; small 0; small 0; small 0
  poke 2 8; le 0x7ff0 2; le 2 2; le 0 4                                 # alloc_unbound for domain 2
  vmmcall 32; small 6; slot 2; small 0; small 0; small 0
  poke 4 12; le 2 2; le 0 2; le 5 4; le 0 4                             # bind_interdomain(2, 5)
  vmmcall 32; small 0; slot 4; small 0; small 0; small 0; bytes 0
  poke 5 4; le 3 4                                                      # send on port 3
  vmmcall 32; small 4; slot 5; small 0; small 0; small 0
  bytes 18 0 1 0; le 8 8; le 1 8; bytes 0                               # the peer sets our port 3
  bytes 11 0 0                                                          # interrupted: the VMM looks
  poke 6 24; le 0x7ff0 2; le 0 2; le 3 4; le 0 16                       # status of port 3
  vmmcall 32; small 5; slot 6; small 0; small 0; small 0
  poke 7 4; le 3 4                                                      # close port 3
  vmmcall 32; small 3; slot 7; small 0; small 0; small 0; bytes 0
  bytes 18 0 0; le 0 8; bytes 255                                       # the peer's guest ends
  bytes 11 0 0
} > "$out/interdomain"
ls -l "$out"
