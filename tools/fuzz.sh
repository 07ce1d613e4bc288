#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# tools/fuzz.sh <target> [seconds]   run build/fuzz/<target> (default 300 s)
# tools/fuzz.sh list                 list the fuzz targets that are built
# tools/fuzz.sh syscalls [calls] [seed] [--window] [--trace]
#                                    the structured system-call fuzzer in QEMU (tools/sysfuzz.sh)
# The corpus lives in build/fuzz-corpus/<target>, seeded from tests/fuzz/host/corpus/<target>/
# when present; crash inputs land in build/fuzz-corpus/<target>-crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = list ] || [ -z "${1:-}" ]; then
  found=0
  for f in build/fuzz/*; do
    [ -f "$f" ] && [ -x "$f" ] || continue
    basename "$f"
    found=1
  done
  [ "$found" -eq 1 ] || echo "no fuzz targets built (run ./bulkhead build)" >&2
  echo "syscalls  (in QEMU: ./bulkhead fuzz syscalls [calls] [seed] [--window] [--trace])"
  [ -n "${1:-}" ] || { echo "usage: tools/fuzz.sh <target> [seconds] | list" >&2; exit 2; }
  exit 0
fi

target=$1
# The system-call fuzzer runs in QEMU, not as a host fuzzer: tools/sysfuzz.sh.
if [ "$target" = syscalls ]; then shift; exec tools/sysfuzz.sh "$@"; fi
seconds=${2:-300}
bin=build/fuzz/$target
if [ ! -x "$bin" ]; then
  echo "fuzz: no target $bin (tools/fuzz.sh list)" >&2
  exit 2
fi
corpus=build/fuzz-corpus/$target
crashes=build/fuzz-corpus/$target-crashes
mkdir -p "$corpus" "$crashes"
for seeds in tests/fuzz/host/corpus/"$target"; do
  [ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
done
echo "fuzz: $target for ${seconds}s, corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
exec "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$crashes/" "$corpus"
