#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Regenerates the seed corpora of the lib/ fuzzers, tests/fuzz/host/corpus/{cpio,elf}/.
# The outputs are committed (small, binary); run this only to change them.
# cpio seeds come from the real cpio(1); ELF seeds are tests/lib/static_prog.c
# built small (16-byte pages, stripped) for x86_64 and, if
# powerpc64le-linux-gnu-gcc is installed, for little- and big-endian POWER.
# test_elf also checks the ELF seeds against readelf (tests/suites/lib.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$top/tests/fuzz/host/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$out/cpio" "$out/elf"

# cpio: a tiny boot-archive-like tree, in newc (070701) and crc (070702).
mkdir -p "$tmp/tree/etc" "$tmp/tree/bin"
printf '\177ELF-not-really\n' > "$tmp/tree/init"
printf 'welcome to bulkhead\n' > "$tmp/tree/etc/motd"
: > "$tmp/tree/etc/empty"
ln -s ../init "$tmp/tree/bin/init"
find "$tmp/tree" -exec touch -h -d @0 {} +
archive() { # format, output, input list
  (cd "$tmp/tree" && if [ $# -gt 2 ]; then printf '%s\n' "${@:3}"; fi |
     cpio -o -H "$1" --quiet --reproducible -R 0:0 > "$out/cpio/$2")
}
archive newc newc-tree.cpio . bin bin/init etc etc/empty etc/motd init
archive crc crc-tree.cpio . etc etc/motd init
archive newc newc-one.cpio init
archive newc newc-empty.cpio

# ELF: small builds of the test program.
flags=(-O2 -nostdlib -ffreestanding -fno-asynchronous-unwind-tables -s
       -Wl,--build-id=none -Wl,-z,max-page-size=16 -Wl,-z,common-page-size=16
       -Wl,-z,noseparate-code)
src=$top/tests/lib/static_prog.c
gcc "${flags[@]}" -static -no-pie -o "$out/elf/x86_64-static" "$src"
gcc "${flags[@]}" -static-pie -fpie -o "$out/elf/x86_64-static-pie" "$src"
if command -v powerpc64le-linux-gnu-gcc >/dev/null; then
  powerpc64le-linux-gnu-gcc "${flags[@]}" -static -o "$out/elf/ppc64le-static" "$src"
  powerpc64le-linux-gnu-gcc -mbig-endian "${flags[@]}" -static -o "$out/elf/ppc64-static" "$src"
else
  echo "powerpc64le-linux-gnu-gcc not found: POWER seeds left as they are" >&2
fi
ls -l "$out/cpio" "$out/elf"
