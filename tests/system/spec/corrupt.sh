#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# corrupt.sh MODE IN OUT: writes a broken copy of a system specification for the root
# server's refusal tests (tests/suites/system.sh).
#   flip      one byte in the middle of the records changed (the CRC no longer matches)
#   truncate  the file cut to half its length (shorter than its header's total size)
#   badref    an instance's CNode index pointed past the object table, CRC fixed up, so
#             that only the structural checks can catch it
#   guestram  the first guest's RAM size set to 3 MiB (not 2 MiB granular, which the compiler
#             never writes), CRC fixed up: the root server's own guest checks must catch it
#   nogrant   the first guest's grant frames and their page tables taken out of its record
#             (none, as a record from before them reads), CRC fixed up: the root must refuse
#   badpeers  tests/system/peers/peers.bh's spec with three broken peer channels, CRC fixed up:
#             alice's names domain 9, bob's second receives on an endpoint he may only send
#             to, mallory's count is 0 while her VMM keeps its service thread
#   lapic     the last device frame's physical address set to the local APIC's, 0xfee00000
#             (the compiler refuses it), CRC fixed up: the root must refuse it from the
#             kernel's list of the device memory it keeps
set -euo pipefail
mode=$1 in=$2 out=$3
size=$(stat -c %s "$in")
cp "$in" "$out.tmp"
byte() { printf "\\x$(printf %02x "$2")" | dd of="$out.tmp" bs=1 seek="$1" conv=notrunc status=none; }
u32() { od -An -tu4 -j "$1" -N4 "$in" | tr -d ' '; }
section() { # the offset of the section of kind $1
  local i e
  for i in 0 1 2 3 4 5 6 7; do
    e=$((24 + 16 * i))
    [ "$(u32 $e)" = "$1" ] && u32 $((e + 4))
  done
  true
}
fix_crc() {
  crc=$(tail -c +21 "$out.tmp" | gzip -c | tail -c 8 | head -c 4 | od -An -tu4 | tr -d ' ')
  for k in 0 1 2 3; do byte $((16 + k)) $(( (crc >> (8 * k)) & 255 )); done
}
case $mode in
  flip)
    at=$((size / 2))
    old=$(od -An -tu1 -j "$at" -N1 "$in" | tr -d ' ')
    byte "$at" $((old ^ 0x5a)) ;;
  truncate)
    head -c $((size / 2)) "$in" >"$out.tmp" ;;
  badref)
    # The section table at 24: 16-byte entries kind, offset, count, entry_size; kind 2 = instances.
    inst=$(section 2)
    # instance record: 8 u32 cnode -> 0x00ffff00, past any object table.
    for k in 0 1 2 3; do byte $((inst + 8 + k)) $(( (0x00ffff00 >> (8 * k)) & 255 )); done
    fix_crc ;;
  guestram)
    # kind 8 = guests; guest record: 24 u64 memory -> 0x300000 (3 MiB).
    guest=$(section 8)
    for k in 0 1 2 3 4 5 6 7; do byte $((guest + 24 + k)) $(( (0x300000 >> (8 * k)) & 255 )); done
    fix_crc ;;
  badguests)
    # Limits the compiler refuses, written behind its back for the root to find: the first
    # guest's vCPUs (guest record: 9 u8 vcpus) -> 9, the second's memory (24 u64) -> 2 MiB.
    guest=$(section 8) gsize=
    for i in 0 1 2 3 4 5 6 7; do [ "$(u32 $((24 + 16 * i)))" = 8 ] && gsize=$(u32 $((24 + 16 * i + 12))); done
    byte $((guest + 9)) 9
    for k in 0 1 2 3 4 5 6 7; do byte $((guest + gsize + 24 + k)) $(( (0x200000 >> (8 * k)) & 255 )); done
    fix_crc ;;
  nogrant)
    # guest record: 52 u32 grant_first, 56 grant_count, 60 grant_table_first, 64 grant_table_count.
    guest=$(section 8)
    for k in 0 1 2 3; do
      byte $((guest + 52 + k)) 255; byte $((guest + 56 + k)) 0; byte $((guest + 60 + k)) 255; byte $((guest + 64 + k)) 0
    done
    fix_crc ;;
  badpeers)
    # guest record (256 bytes): 88 u32 peer_count, 96 the peer entries (20 bytes: 4 u32
    # endpoint, 8 u32 peer_endpoint, 16 u16 domid). Guests in instance order: alice, bob, mallory.
    guest=$(section 8) gsize=
    for i in 0 1 2 3 4 5 6 7; do [ "$(u32 $((24 + 16 * i)))" = 8 ] && gsize=$(u32 $((24 + 16 * i + 12))); done
    byte $((guest + 96 + 16)) 9; byte $((guest + 96 + 17)) 0
    ep=$(u32 $((guest + gsize + 96 + 8)))
    for k in 0 1 2 3; do byte $((guest + gsize + 96 + 20 + 4 + k)) $(( (ep >> (8 * k)) & 255 )); done
    for k in 0 1 2 3; do byte $((guest + 2 * gsize + 88 + k)) 0; done
    fix_crc ;;
  lapic)
    # kind 3 = objects; object record (24 bytes): 0 u8 type (66 = device frame), 8 u64 arg.
    objs=$(section 3) n=$(u32 $((24 + 16 * 2 + 8))) last=
    for ((i = 0; i < n; i++)); do
      [ "$(od -An -tu1 -j $((objs + 24 * i)) -N1 "$in" | tr -d ' ')" = 66 ] && last=$i
    done
    [ -n "$last" ] || { echo "corrupt.sh: no device frame in $in" >&2; exit 2; }
    for k in 0 1 2 3 4 5 6 7; do byte $((objs + 24 * last + 8 + k)) $(( (0xfee00000 >> (8 * k)) & 255 )); done
    fix_crc ;;
  *) echo "corrupt.sh: unknown mode $mode" >&2; exit 2 ;;
esac
mv "$out.tmp" "$out"
