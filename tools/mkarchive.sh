#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# mkarchive.sh OUT FILE... : packs files into a newc cpio boot archive under their base
# names (the kernel looks for "root"; the root server for the rest).
set -euo pipefail
out=$1; shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for f in "$@"; do cp "$f" "$dir/$(basename "$f")"; done
(cd "$dir" && ls | cpio -o -H newc --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
