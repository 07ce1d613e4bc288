#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# IDL compiler benchmark: generates a system of 1,000 component instances and 5,000
# connections (4,000 RPC, 1,000 events), compiles it with the non-sanitized compiler
# (build/idl/bhidl-fast) into glue, spec and report, and prints the wall time (median of
# the runs; goal < 1 s) and the peak resident memory. Writes build/bench/idl.json, an
# array of {name, unit, value, runs}. Usage: tools/bench-idl.sh [runs] (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/bench-lib.sh
runs=${1:-5}
bhidl=build/idl/bhidl-fast
[ -x "$bhidl" ] || { echo "bench-idl: $bhidl not built (ninja build/idl/bhidl-fast)" >&2; exit 1; }
work=build/bench/idl
mkdir -p "$work" build/bench
src=$work/bench.bh

# 200 services in a ring, 800 clients each using 5 services and consuming one service's
# event: 200 + 800 = 1,000 instances; 800 * 5 RPC + 800 + 200 events = 5,000 connections.
{
  echo 'struct item { u64 id; u8 data[32]; }'
  echo 'interface kv { item get(in u64 id); i32 put(in item it); u64 count(); }'
  echo 'component svc { provides kv api; emits changed; consumes poke; dataport cache 8 KiB rw; }'
  echo 'component cli { uses kv a; uses kv b; uses kv c; uses kv d; uses kv e; consumes changed; emits poke; }'
  echo 'assembly {'
  for i in $(seq 0 199); do echo "  instance svc s$i;"; done
  for j in $(seq 0 799); do echo "  instance cli c$j;"; done
  for j in $(seq 0 799); do
    for k in a b c d e; do
      case $k in a) o=0 ;; b) o=37 ;; c) o=74 ;; d) o=111 ;; e) o=148 ;; esac
      echo "  connect rpc c$j.$k -> s$(((j + o) % 200)).api;"
    done
    echo "  connect event s$((j % 200)).changed -> c$j.changed;"
  done
  for i in $(seq 0 199); do echo "  connect event c$i.poke -> s$i.poke;"; done
  echo '}'
} >"$src"
conns=$(grep -c '^  connect ' "$src")
insts=$(grep -c '^  instance ' "$src")

times=()
peak=0
for r in $(seq 1 "$runs"); do
  rm -rf "$work/out"
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$bhidl" -o "$work/out" "$src" >/dev/null
  read -r secs rss <"$work/time.txt"
  times+=("$secs")
  [ "$rss" -gt "$peak" ] && peak=$rss
done
read -r median fastest slowest < <(median_spread "${times[@]}")
check_start=$(date +%s.%N)
"$bhidl" --check "$src"
check_end=$(date +%s.%N)
check=$(awk -v a="$check_start" -v b="$check_end" 'BEGIN {printf "%.3f", b - a}')
spec_bytes=$(stat -c %s "$work/out/system.spec")

printf 'bhidl on %d instances, %d connections (%s runs)\n' "$insts" "$conns" "$runs"
printf '  compile (glue + spec + report): %s s median, %s-%s (goal < 1 s)\n' "$median" "$fastest" "$slowest"
printf '  check only:                     %s s\n' "$check"
printf '  peak memory:                    %d KiB\n' "$peak"
printf '  spec size:                      %d bytes\n' "$spec_bytes"
cat >build/bench/idl.json <<JSON
[
  {"name": "idl_compile_1000_components_5000_connections", "unit": "s", "value": $(json_num "$median"), "min": $(json_num "$fastest"), "max": $(json_num "$slowest"), "runs": $(json_list "${times[@]}")},
  {"name": "idl_check_1000_components_5000_connections", "unit": "s", "value": $(json_num "$check"), "runs": 1},
  {"name": "idl_peak_rss", "unit": "KiB", "value": $peak, "runs": $runs},
  {"name": "idl_spec_size", "unit": "bytes", "value": $spec_bytes, "runs": 1}
]
JSON
svg_bars build/bench/idl.svg "bhidl on 1,000 components and 5,000 connections, seconds (median of $runs runs)" \
  "bhidl" "goal" <<EOF2
compile (glue, spec, report)|$median|1
check only|$check|1
EOF2
echo "wrote build/bench/idl.json, build/bench/idl.svg"
