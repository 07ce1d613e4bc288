#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# mkarchive.sh OUT ENTRY... : packs files into a newc cpio boot archive (the kernel looks for
# "root"; the root server for the rest, by the exact names the system specification carries).
# An ENTRY is FILE, packed under its base name, or `-n NAME FILE`, packed under NAME, which
# may hold folders ("images/vmlinux" as a guest's kernel "images/vmlinux" names it).
set -euo pipefail
out=$1; shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
while [ $# -gt 0 ]; do
  if [ "$1" = -n ]; then
    [ $# -ge 3 ] || { echo "mkarchive.sh: -n needs a NAME and a FILE" >&2; exit 2; }
    name=$2 file=$3; shift 3
  else
    name=$(basename "$1") file=$1; shift
  fi
  case $name in /*|../*|*/../*|..|.|"") echo "mkarchive.sh: '$name' cannot be a name in the archive" >&2; exit 2 ;; esac
  [ ! -e "$dir/$name" ] || { echo "mkarchive.sh: two files named '$name'" >&2; exit 2; }
  mkdir -p "$dir/$(dirname "$name")"
  cp "$file" "$dir/$name"
done
(cd "$dir" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
