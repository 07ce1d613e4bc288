#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# tools/extract-vmlinux.sh on synthetic bzImages, one per compression Linux's x86 boot offers
# (gzip, bzip2, lzma, xz, lzo, lz4, zstd), each payload made as Linux's build makes it (the
# compressor's own flags, the uncompressed size appended but for gzip) around a small ELF:
# the ELF must come back byte for byte. Then what must be refused: a wrong size trailer, an
# unknown compression, a file with no setup header, a payload beyond the file.
# Prints PASS/FAIL vmm.extract_vmlinux_*; run by the vmm suite.
set -uo pipefail
cd "$(dirname "$0")/../../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
pass() { echo "PASS vmm.extract_vmlinux_$1"; }
fail() { echo "FAIL vmm.extract_vmlinux_$1: $2"; status=1; }

elf=/bin/true   # any ELF will do; this one is on every Debian system
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 24 & 255)))"; }

# bzimage PAYLOAD OUT: a bzImage holding PAYLOAD: one setup sector after the boot sector, so the
# protected-mode code starts at 1024; 256 bytes of it come before the payload (payload_offset).
bzimage() {
  local len
  len=$(stat -c %s "$1")
  { head -c 1024 /dev/zero; head -c 256 /dev/zero; cat "$1"; } >"$2"
  printf '\x01' | dd of="$2" bs=1 seek=$((0x1f1)) conv=notrunc status=none                  # setup_sects
  printf 'HdrS\x0f\x02' | dd of="$2" bs=1 seek=$((0x202)) conv=notrunc status=none           # protocol 2.15
  { le32 256; le32 "$len"; } | dd of="$2" bs=1 seek=$((0x248)) conv=notrunc status=none     # payload offset, length
}
# with_size FILE: the compressed stream, then Linux's size_append (the uncompressed size, LE).
with_size() { cat; le32 "$(stat -c %s "$elf")"; }

for kind in gzip bzip2 lzma xz lzo lz4 zstd; do
  case $kind in
    gzip)  gzip -n -9 <"$elf" >"$work/payload" ;;
    bzip2) bzip2 -9 <"$elf" | with_size >"$work/payload" ;;
    lzma)  xz --format=lzma -9 <"$elf" | with_size >"$work/payload" ;;
    xz)    xz --check=crc32 --x86 --lzma2=dict=1MiB <"$elf" | with_size >"$work/payload" ;;
    lzo)   lzop -9 -c <"$elf" | with_size >"$work/payload" ;;
    lz4)   lz4 -l -9 -c <"$elf" | with_size >"$work/payload" ;;
    zstd)  zstd -q -19 -c <"$elf" | with_size >"$work/payload" ;;
  esac
  bzimage "$work/payload" "$work/bz-$kind"
  rm -f "$work/out"
  said=$(tools/extract-vmlinux.sh "$work/bz-$kind" "$work/out" 2>"$work/err")
  if [ "$said" = "$kind" ] && cmp -s "$elf" "$work/out"; then pass "$kind"
  else fail "$kind" "said '$said', $(head -c 200 "$work/err")"; fi
done

# refused NAME IMAGE MESSAGE: the script must exit 1, write nothing at OUT and say MESSAGE.
refused() {
  rm -f "$work/out"
  if tools/extract-vmlinux.sh "$2" "$work/out" >/dev/null 2>"$work/err"; then fail "$1" "accepted"
  elif [ -e "$work/out" ]; then fail "$1" "wrote an output"
  elif ! grep -qF "$3" "$work/err"; then fail "$1" "said: $(head -c 200 "$work/err")"
  else pass "$1"; fi
}
cp "$work/bz-zstd" "$work/bad-size"
size_at=$(( 1024 + 256 + $(stat -c %s "$work/payload") - 4 ))
le32 12345 | dd of="$work/bad-size" bs=1 seek="$size_at" conv=notrunc status=none
refused refuses_a_wrong_size "$work/bad-size" "the trailer says 12345"
head -c 4096 /dev/urandom | { printf 'NOPE'; cat; } >"$work/payload"
bzimage "$work/payload" "$work/unknown"
refused refuses_an_unknown_compression "$work/unknown" "payload of unknown compression"
refused refuses_a_file_without_setup_header "$elf" "not a bzImage"
head -c 2000 "$work/bz-gzip" >"$work/cut"
refused refuses_a_payload_beyond_the_file "$work/cut" "lies outside the file"
exit $status
