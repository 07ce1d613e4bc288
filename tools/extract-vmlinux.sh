#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# extract-vmlinux.sh BZIMAGE OUT: writes the ELF kernel (vmlinux) inside an x86 bzImage to OUT,
# whatever compression the kernel was built with: gzip, bzip2, lzma, xz, lzo, lz4 or zstd (every
# CONFIG_KERNEL_* choice of Linux's x86 boot), with Debian's tools (gzip, bzip2, xz-utils, lzop,
# lz4, zstd). tools/fetch-linux.sh uses it; the vmm suite checks it on synthetic bzImages.
#
# The payload is found through the boot protocol's setup header (Documentation/arch/x86/boot.rst,
# protocol 2.08 and later), not by searching for a magic number: "HdrS" at 0x202, setup_sects at
# 0x1f1 (0 means 4), payload_offset at 0x248 and payload_length at 0x24c, the offset counted from
# the protected-mode code at (setup_sects + 1) * 512. The compression is named by the payload's
# first bytes. Linux's build appends the uncompressed size (4 bytes, little-endian) to every
# payload but gzip's (which carries its own): that trailer is cut off before decompressing and
# checked against the output's size afterwards.
set -euo pipefail
me=extract-vmlinux
[ $# -eq 2 ] || { echo "usage: $me BZIMAGE OUT" >&2; exit 2; }
image=$1 out=$2
fail() { echo "$me: $image: $*" >&2; exit 1; }
[ -f "$image" ] || fail "no such file"

# bytes FROM COUNT: COUNT bytes of the image from offset FROM (dd: no reader dies of SIGPIPE).
bytes() { dd if="$image" iflag=skip_bytes,count_bytes skip="$1" count="$2" bs=64K status=none; }
# le OFFSET LENGTH: the little-endian unsigned number at OFFSET in the image.
le() { od -An -t u"$2" -j "$1" -N "$2" --endian=little "$image" | tr -d ' '; }
[ "$(bytes $((0x202)) 4)" = HdrS ] || fail "not a bzImage (no HdrS setup header)"
version=$(le $((0x206)) 2)
[ "$version" -ge $((0x208)) ] || fail "boot protocol $((version >> 8)).$((version & 255)): the payload fields need 2.08"
setup_sects=$(le $((0x1f1)) 1)
[ "$setup_sects" -ne 0 ] || setup_sects=4
payload_offset=$(le $((0x248)) 4) payload_length=$(le $((0x24c)) 4)
start=$(( (setup_sects + 1) * 512 + payload_offset ))
[ "$payload_length" -gt 4 ] && [ $((start + payload_length)) -le "$(stat -c %s "$image")" ] ||
  fail "payload [$start, +$payload_length) lies outside the file"

payload() { bytes "$start" "$1"; }
magic=$(payload 6 | od -An -t x1 | tr -d ' \n')
case $magic in
  1f8b*)         kind=gzip  tool=(gzip -dc) ;;
  425a68*)       kind=bzip2 tool=(bzip2 -dc) ;;
  5d0000*)       kind=lzma  tool=(xz --format=lzma -dc) ;;
  fd377a585a00)  kind=xz    tool=(xz -dc) ;;
  894c5a4f*)     kind=lzo   tool=(lzop -dc) ;;
  02214c18*)     kind=lz4   tool=(lz4 -dc) ;;
  28b52ffd*)     kind=zstd  tool=(zstd -dc) ;;
  *) fail "payload of unknown compression (first bytes $magic)" ;;
esac
command -v "${tool[0]}" >/dev/null || fail "$kind payload, but ${tool[0]} is not installed (Debian: apt-get install ${tool[0]/xz/xz-utils})"
stream=$payload_length
[ "$kind" = gzip ] || stream=$((payload_length - 4))
payload "$stream" | "${tool[@]}" >"$out.tmp" 2>"$out.err" || fail "$kind: ${tool[*]} failed: $(head -c 200 "$out.err")"
rm -f "$out.err"
if [ "$kind" != gzip ]; then
  size=$(bytes $((start + stream)) 4 | od -An -t u4 --endian=little | tr -d ' ')
  [ "$(stat -c %s "$out.tmp")" -eq "$size" ] || fail "$kind: $(stat -c %s "$out.tmp") bytes out, the trailer says $size"
fi
[ "$(od -An -t x1 -N 4 "$out.tmp" | tr -d ' ')" = 7f454c46 ] || fail "the $kind payload is not an ELF image"
mv "$out.tmp" "$out"
echo "$kind"
