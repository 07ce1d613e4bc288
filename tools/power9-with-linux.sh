#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# tools/power9-with-linux.sh IN.cpio OUT.cpio: IN (a POWER9 boot archive with a guest whose
# kernel is "vmlinux") with Debian's ppc64el vmlinux added. The kernel is fetched, not built
# (tools/power9-linux.sh, run by ./bulkhead setup), so it joins the archive here, not in ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
in=$1 out=$2
if [ ! -s build/power9/linux/vmlinux ]; then
  echo "The POWER9 default system runs Debian's ppc64el Linux as a guest, but build/power9/linux/vmlinux" >&2
  echo "is missing. Fetch it with:  ./bulkhead setup   (or tools/power9-linux.sh alone)." >&2
  exit 3
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && cpio -id --quiet) <"$in"
cp build/power9/linux/vmlinux "$dir/vmlinux"
(cd "$dir" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
