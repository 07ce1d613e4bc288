#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Frama-C WP with runtime-error guards over kernel files (docs/assurance.md), as the x86 kernel
# compiles them (mk/rules.ninja's k_cflags include paths, x86_64 data model).
#   tools/prove.sh [--full | --offline] [--record] [FILE...]   (default: the files tests/prove/baseline.txt lists)
# Modes: default 'update' (answers from WP's cache in tests/prove/cache, provers for the rest, new
# answers stored); --full 'rebuild' (every goal to the provers again); --offline (the cache only,
# never a prover: what the prove suite runs, so that its result does not depend on the load).
# Output: progress, then one line per file "FILE goals proved unproved seconds", and
# build/prove/report.txt and report.json naming every unproved goal with its file:line.
# --record writes the results as the new ratchet (tests/prove/baseline.txt and unproved.txt), for review.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mode=update
record=0
files=()
for a in "$@"; do
  case $a in
    --full) mode=rebuild ;;
    --offline) mode=offline ;;
    --record) record=1 ;;
    -h|--help) sed -n 5,13p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "prove: unknown option $a" >&2; exit 2 ;;
    *) [ -f "$a" ] || { echo "prove: no file $a" >&2; exit 2; }; files+=("$a") ;;
  esac
done
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(grep -vE '^[[:space:]]*(#|$)' tests/prove/baseline.txt | awk '$1 != "assumed" {print $1}')
command -v frama-c >/dev/null || { echo "prove: frama-c is missing (./bulkhead setup installs it)" >&2; exit 2; }
# The provers must be known to Why3 (once per machine).
[ -f "$HOME/.why3.conf" ] || why3 config detect >/dev/null 2>&1
# The generated ABI headers the kernel includes.
ninja -f build.ninja build/gen/kernel-api-reference.md >/dev/null

out=build/prove
mkdir -p "$out"
# The per-goal timeout is part of each cache entry's key: changing it invalidates the cache.
timeout_s=30
cpp="-Ikernel -Ibuild/gen/kernel -Iplatforms/x86_pvh/include -Iuser/include -Ibuild/gen/include"
rte=(-warn-signed-overflow -warn-unsigned-overflow -warn-signed-downcast -warn-unsigned-downcast
     -warn-left-shift-negative -warn-right-shift-negative -warn-invalid-pointer)

: >"$out/report.txt"
json_files=()
printf '%-22s %6s %7s %9s %8s\n' file goals proved unproved seconds | tee "$out/table.txt"
for f in "${files[@]}"; do
  base=$(basename "$f" .c)
  # Only the functions the file defines (not the inline helpers of the headers it includes).
  fcts=$(grep -oE '^[a-z][a-z_0-9 *]*[ *]([a-z_0-9]+)\(' "$f" | sed -E 's/.*[ *]([a-z_0-9]+)\($/\1/' | paste -sd, -)
  echo "prove: $f ($fcts)" >&2
  start=$(date +%s)
  log="$out/$base.log"
  # -wp-rte: guards for pointer validity, array bounds, division, shifts; the -warn options add
  # signed/unsigned overflow and downcasts. Each goal to CVC4 then Z3 (Alt-Ergo is not packaged).
  frama-c -machdep gcc_x86_64 -c11 -cpp-extra-args="$cpp" "$f" "${rte[@]}" \
    -wp -wp-rte -wp-fct "$fcts" -wp-prover cvc4,z3 -wp-timeout "$timeout_s" -wp-par 2 \
    -wp-cache "$mode" -wp-cache-dir tests/prove/cache -wp-cache-env \
    -wp-report-json "$out/$base.wp.json" -wp-status-maybe -then -report-csv "$out/$base.csv" >"$log" 2>&1 || {
      echo "prove: frama-c failed on $f (log: $log)" >&2; tail -5 "$log" >&2; exit 1; }
  secs=$(( $(date +%s) - start ))
  # WP's summary: "Proved goals: P / G".
  read -r proved goals < <(sed -nE 's/.*Proved goals: *([0-9]+) *\/ *([0-9]+).*/\1 \2/p' "$log" | tail -1)
  proved=${proved:-0}; goals=${goals:-0}
  unproved=$((goals - proved))
  printf '%-22s %6d %7d %9d %8d\n' "$f" "$goals" "$proved" "$unproved" "$secs" | tee -a "$out/table.txt"
  # Unproved properties with their place (Report's CSV: directory, file, line, function, kind, status, property).
  awk -F'\t' -v fcts=",$fcts," 'NR > 1 && index(fcts, "," $4 ",") && $6 != "Valid" && $6 != "Considered valid" && $6 != "Valid under hyp." {
      printf "%s/%s:%s: %s %s (%s): %s\n", $1, $2, $3, $4, $5, $6, $7 }' "$out/$base.csv" |
    sed "s|^$top/||" >>"$out/report.txt"
  json_files+=("{\"file\":\"$f\",\"goals\":$goals,\"proved\":$proved,\"unproved\":$unproved,\"seconds\":$secs}")
done
{
  printf '{"mode":"%s","timeout":%d,"files":[' "$mode" "$timeout_s"
  (IFS=,; printf '%s' "${json_files[*]}")
  printf '],"unproved":['
  sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' "$out/report.txt" | paste -sd, -
  printf ']}\n'
} >"$out/report.json"
n=$(wc -l <"$out/report.txt")
echo "prove: $n unproved properties (build/prove/report.txt, report.json)" >&2

# The assumed clauses: the axioms of kernel/proof.h, and any admit anywhere in kernel/.
assumed=$(( $(grep -cE '^[[:space:]]*@?[[:space:]]*axiom[[:space:]]' kernel/proof.h) + $(cat kernel/*.c kernel/*.h | grep -cE '\badmit\b' || true) ))
echo "$assumed" >"$out/assumed.txt"
if [ "$record" -eq 1 ]; then
  {
    echo "# The prove suite's ratchet (tools/prove.sh --record writes it; docs/assurance.md)."
    echo "# file goals proved unproved, then the number of assumed clauses (kernel/proof.h's axioms, admits)."
    awk 'NR > 1 {print $1, $2, $3, $4}' "$out/table.txt"
    echo "assumed $assumed"
  } >tests/prove/baseline.txt
  # The unproved goals, without line numbers (they move with every edit).
  sed -E 's/^([^:]*):[0-9]+: /\1: /' "$out/report.txt" | sort -u >tests/prove/unproved.txt
  echo "prove: recorded tests/prove/baseline.txt and tests/prove/unproved.txt" >&2
fi
